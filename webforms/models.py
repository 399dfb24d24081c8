from django.conf import settings
from django.db import models


class FormSubmission(models.Model):
    """A one-time form token, claimed in the transaction that creates what the form asked
    for: a double tap or a resend after a timeout finds the claim and shows the result."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.token
