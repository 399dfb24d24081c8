"""The access log: who read or changed which survivor's record, when, from where and how.

Rows are written once and never changed: `save()` refuses an update, `delete()` refuses, and on
PostgreSQL a trigger (migration 0002) refuses UPDATE and DELETE from any role that has not
dropped it. Field-level change history is django-auditlog's `LogEntry` (see `registry.py`)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from organisations.validation import ValidatedModel


class Action(models.TextChoices):
    VIEW = "view", _("view")
    LIST = "list", _("list")
    EXPORT = "export", _("export")
    CREATE = "create", _("create")
    UPDATE = "update", _("update")
    PHASE_CHANGE = "phase_change", _("phase change")
    REFERRAL = "referral", _("referral")
    CONSENT_WITHDRAWAL = "consent_withdrawal", _("consent withdrawal")
    ACCESS_GRANTED = "access_granted", _("access granted")
    ACCESS_REVOKED = "access_revoked", _("access revoked")


class Channel(models.TextChoices):
    BROWSER = "browser", _("browser")
    API = "api", _("API")
    SYSTEM = "system", _("system")


class AppendOnlyError(Exception):
    """An audit row was about to be changed or deleted."""


class AccessEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit rows are never changed.")

    def delete(self):
        raise AppendOnlyError("Audit rows are never deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit rows are never changed.")

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise AppendOnlyError("Audit rows are never changed.")


class AccessEvent(ValidatedModel, models.Model):
    """One read or change of survivor data. Holds ids, never names or any other value."""

    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The actor's organisation when it happened (people move; the row must not).
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("their organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # led by the (organisation, occurred_at) index below
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    denied = models.BooleanField(
        _("denied"), default=False, help_text=_("The record was missing or not theirs (404).")
    )
    # No database constraint: the log keeps the id of a case that was later deleted, and an
    # attempt on an id that never existed.
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # led by the (case, action, occurred_at) index below
    )
    # The organisation owning that case, so its administrator sees others' reads of it.
    case_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    case_ids = models.JSONField(_("cases listed"), default=list, blank=True)
    case_count = models.PositiveIntegerField(_("number of cases listed"), null=True, blank=True)
    object_type = models.CharField(_("record type"), max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    api_key_id = models.PositiveBigIntegerField(_("API key id"), null=True, blank=True)
    api_key_label = models.CharField(_("API key"), max_length=120, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True)
    path = models.CharField(_("path"), max_length=300, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("access event")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-occurred_at"], name="audit_by_organisation"),
            models.Index(
                fields=["case_organisation", "-occurred_at"], name="audit_by_case_organisation"
            ),
            models.Index(fields=["case", "action", "-occurred_at"], name="audit_by_case"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} · {self.user_id} · {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Audit rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit rows are never deleted.")
