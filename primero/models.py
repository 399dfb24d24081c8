"""An organisation's link to a Primero v2 server, and the database outbox of calls to it.

Primero's ids are kept here (a case's record id, a referral's transition id) so that a call
retried after a crash finds what it already created instead of creating it twice."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.encryption import EncryptedTextField
from cases.models import Case
from organisations.models import Organisation
from organisations.validation import ValidatedModel
from referrals.models import Referral, Service


class AuthMode(models.TextChoices):
    AUTO = "auto", _("Token, or HTTP Basic where tokens are gone (v2.11)")
    TOKEN = "token", _("Token (POST /api/v2/tokens)")
    BASIC = "basic", _("HTTP Basic")


class ConnectionState(models.TextChoices):
    OK = "ok", _("Working")
    REFUSED = "refused", _("Sign-in refused")
    UNREACHABLE = "unreachable", _("Unreachable")


class PrimeroConnection(ValidatedModel, models.Model):
    """One organisation's account on a Primero v2 server. The password is encrypted with the
    field keys and never shown again; `recipient` is the Primero user (or agency) whose
    incoming referrals come into this organisation's inbox."""

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="primero_connection",
    )
    base_url = models.URLField(_("Primero address"), max_length=300)
    username = models.CharField(_("integration account"), max_length=150)
    password = EncryptedTextField(_("password"))
    auth_mode = models.CharField(
        _("sign-in"), max_length=8, choices=AuthMode.choices, default=AuthMode.AUTO
    )
    recipient = models.CharField(_("Primero recipient"), max_length=150)
    field_mapping = models.JSONField(_("field mapping"), default=dict, blank=True)
    state = models.CharField(max_length=16, choices=ConnectionState.choices, default="ok")
    state_message = models.TextField(blank=True)
    last_cycle_at = models.DateTimeField(null=True, blank=True)
    last_cycle_counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Primero connection")

    def __str__(self) -> str:
        return f"{self.organisation} → {self.base_url}"

    @property
    def last_cycle_summary(self) -> str:
        from .sync import cycle_summary

        return cycle_summary(self.last_cycle_counts)


class PrimeroRoute(ValidatedModel, models.Model):
    """An organisation reached through Primero: Homecoming referrals to it are sent to this
    Primero user."""

    connection = models.ForeignKey(
        PrimeroConnection, on_delete=models.CASCADE, related_name="routes"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    transitioned_to = models.CharField(_("Primero user"), max_length=150)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "organisation"], name="primero_one_route_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} = {self.transitioned_to}"


class CaseLink(ValidatedModel, models.Model):
    """A Homecoming case and its record in Primero. The record id is chosen here, before the
    first call (Primero accepts a client-chosen id), so a retry looks it up by that id."""

    connection = models.ForeignKey(PrimeroConnection, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="primero_links")
    primero_id = models.UUIDField(default=uuid.uuid4)
    created_in_primero = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "case"], name="primero_one_record"),
            models.UniqueConstraint(
                fields=["connection", "primero_id"], name="primero_record_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return str(self.primero_id)


class ReferralLink(ValidatedModel, models.Model):
    """A Homecoming referral sent on to Primero, and the Primero referral's id and status."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="primero_link")
    connection = models.ForeignKey(PrimeroConnection, on_delete=models.CASCADE, related_name="+")
    case_link = models.ForeignKey(CaseLink, on_delete=models.PROTECT, related_name="+")
    transitioned_to = models.CharField(max_length=150)
    # Written in the referral's notes in Primero: how a retry recognises the referral it made.
    reference = models.UUIDField(default=uuid.uuid4, unique=True)
    primero_referral_id = models.CharField(max_length=64, blank=True)
    primero_status = models.CharField(max_length=16, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.primero_referral_id or f"referral {self.referral_id}"


class CallKind(models.TextChoices):
    SEND_REFERRAL = "send_referral", _("Send a referral")
    REVOKE_REFERRAL = "revoke_referral", _("Revoke a referral")
    ANSWER_REFERRAL = "answer_referral", _("Answer a referral")


class CallStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    FAILED = "failed", _("Failed")
    DONE = "done", _("Done")


class OutboxCall(ValidatedModel, models.Model):
    """A call owed to Primero. Written in the transaction of the change that owes it; claimed
    under SKIP LOCKED by one cycle at a time; retried with backoff after a network error or a
    5xx; stopped after a 4xx with Primero's reason, until the administrator retries it."""

    connection = models.ForeignKey(
        PrimeroConnection, on_delete=models.CASCADE, related_name="calls"
    )
    kind = models.CharField(max_length=24, choices=CallKind.choices)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    inbound = models.ForeignKey(
        "InboundReferral", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=8, choices=CallStatus.choices, default="waiting")
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="primero_call_due"),
            models.Index(fields=["connection", "status"], name="primero_call_page"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_status_display()}"


class InboundStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    REVOKED = "revoked", _("Revoked in Primero")


class InboundReferral(ValidatedModel, models.Model):
    """A referral a Primero user sent to the organisation's recipient, with what Primero
    shared of the case."""

    connection = models.ForeignKey(
        PrimeroConnection, on_delete=models.CASCADE, related_name="inbound"
    )
    primero_case_id = models.CharField(max_length=64)
    primero_referral_id = models.CharField(max_length=64)
    short_id = models.CharField(_("Primero case"), max_length=32, blank=True)
    sent_by = models.CharField(_("referred by (Primero user)"), max_length=150, blank=True)
    service = models.CharField(_("service"), max_length=32, choices=Service.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    shared = models.JSONField(_("what Primero shared"), default=dict)
    status = models.CharField(
        _("status"), max_length=8, choices=InboundStatus.choices, default=InboundStatus.SENT
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    received_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("referral from Primero")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "primero_referral_id"], name="primero_inbound_once"
            )
        ]

    def __str__(self) -> str:
        return self.short_id or self.primero_referral_id
