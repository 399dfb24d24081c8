"""Field-level change history with django-auditlog, for the records that hold survivor data.

Safe by default: each model names the fields whose values may be written to the history
(workflow: phase, status, dates, who, which organisation). Every other field, including any
field added later, is masked: the history says that it changed, never what it held.
auditlog's own object representation (`str(instance)`) is replaced as well (receivers.py): a
referral's names its service, and "HIV care" is a health fact."""

from auditlog.registry import auditlog
from django.apps import apps

REDACTED = "[redacted]"
# Noise: these change on every save.
EXCLUDED = ["created_at", "updated_at"]

CLEAR_FIELDS: dict[str, set[str]] = {
    "cases.Case": {
        "id",
        "case_number",
        "organisation",
        "assigned_worker",
        "phase",
        "closure_reason",
        "closed_on",
        "anonymised_on",
        "origin_province",
        "intake_date",
        "risk_level",
        "created_by",
    },
    "cases.CaseSensitiveFacts": {"id", "case"},
    # Which forms of exploitation, where and when: trafficking facts, masked like the case's.
    "cases.CaseExploitation": {"id", "case"},
    "cases.Consent": {
        "id",
        "case",
        "given_by",
        "purpose",
        "shared_with_organisation",
        "shared_with_kind",
        "covers_identity",
        "covers_case_facts",
        "covers_health",
        "given_on",
        "expires_on",
        "withdrawn_on",
        "recorded_by",
    },
    "cases.CounsellingSession": {
        "id",
        "case",
        "session_date",
        "counsellor",
        "kind",
        "setting",
        "phase",
        "duration_minutes",
        "next_session_date",
    },
    "referrals.Referral": {
        "id",
        "case",
        "from_organisation",
        "to_organisation",
        "urgency",
        "shares_identity",
        "shares_case_facts",
        "shares_health",
        "consent",
        "overridden_by",
        "status",
        "sent_by",
        "sent_at",
        "answered_at",
        "answered_by",
        "completed_at",
        "access_ends_on",
        "access_revoked_at",
        "consent_revoked_at",
    },
    "transfers.Transfer": {
        "id",
        "case",
        "from_organisation",
        "to_organisation",
        "consent",
        "status",
        "requested_by",
        "requested_at",
        "answered_by",
        "answered_at",
        "sender_access_ends_on",
        "sender_access_revoked_at",
    },
    "followup.FollowUpVisit": {
        "id",
        "case",
        "scheduled_for",
        "assigned_worker",
        "status",
        "plan_month",
        "visited_on",
        "next_visit_on",
    },
    # No survivor data; the signing secret is masked like everything not named.
    "webhooks.WebhookEndpoint": {
        "id",
        "organisation",
        "url",
        "description",
        "events",
        "created_by",
        "failing_since",
        "paused_at",
        "secret_rotated_at",
    },
}


def redact(value: str) -> str:
    """auditlog's default mask keeps half of the value; this keeps none of it."""
    return REDACTED


def masked_fields(model, clear: set[str]) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.name not in clear and field.name not in EXCLUDED
    ]


def register_change_history() -> None:
    for label, clear in CLEAR_FIELDS.items():
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        auditlog.register(
            model,
            exclude_fields=list(EXCLUDED),
            mask_fields=masked_fields(model, clear),
            mask_callable="audit.registry.redact",
        )
