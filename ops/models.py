"""What the deployment needs to know about itself: when beat's heartbeat last reached a worker."""

from django.db import models

from organisations.validation import ValidatedModel


class Heartbeat(ValidatedModel, models.Model):
    """One row per periodic process; `beat` is stamped by a task that beat sends every minute
    and a worker runs, so a recent stamp means beat, the broker and a worker all work."""

    name = models.CharField(max_length=40, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
