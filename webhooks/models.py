"""Webhook endpoints that an organisation's administrator registers, and the outbox of
deliveries to them.

A delivery row is written in the transaction of the change it announces (webhooks.emit), so
there is never a change without its delivery nor a delivery of a change that rolled back. It
names the event and the resource's API path, never a survivor's data: the partner reads the
resource with its API key, through the same access rules as everyone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.encryption import EncryptedTextField
from organisations.models import Organisation
from organisations.validation import ValidatedModel


class Event(models.TextChoices):
    REFERRAL_CREATED = "referral.created", _("Referral sent")
    REFERRAL_ANSWERED = "referral.answered", _("Referral answered (accepted or declined)")
    REFERRAL_COMPLETED = "referral.completed", _("Referral completed")
    CASE_SHARED = "case.shared", _("Case shared with the organisation")
    CASE_UNSHARED = "case.unshared", _("Case no longer shared with the organisation")
    CONSENT_WITHDRAWN = "consent.withdrawn", _("Consent withdrawn")
    VISIT_OVERDUE = "visit.overdue", _("Follow-up visit overdue")
    TRANSFER_REQUESTED = "transfer.requested", _("Transfer of a case requested")
    TRANSFER_ACCEPTED = "transfer.accepted", _("Transfer accepted (the case has a new owner)")
    TRANSFER_DECLINED = "transfer.declined", _("Transfer declined")
    TRANSFER_CANCELLED = "transfer.cancelled", _("Transfer cancelled by the sending organisation")


class WebhookEndpoint(ValidatedModel, models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=100, blank=True)
    # The event values chosen, a short list; read in Python, never filtered in SQL.
    events = models.JSONField(_("events"), default=list)
    # "whsec_" and the base64 of 32 random bytes, shown once; kept encrypted, as it must be
    # readable to sign each delivery.
    secret = EncryptedTextField(_("signing secret"), editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set at the first failed delivery after a success; cleared by the next 2xx.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    secret_rotated_at = models.DateTimeField(_("secret changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.url

    def event_labels(self) -> list[str]:
        return [str(Event(value).label) for value in Event.values if value in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Given up")


OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)


class WebhookDelivery(ValidatedModel, models.Model):
    """One event for one endpoint: what to send and what happened when it was sent."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    # The body's "id" and the webhook-id header: the same on every attempt, so that a
    # receiver can drop a repeat.
    message_id = models.CharField(max_length=40, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    # The resource's path under the API; the body carries it as an absolute URL.
    resource = models.CharField(_("resource"), max_length=200)
    occurred_at = models.DateTimeField(_("occurred at"))
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="webhook_delivery_open",
            ),
            models.Index(fields=["endpoint", "-occurred_at"], name="webhook_delivery_by_endpoint"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"
