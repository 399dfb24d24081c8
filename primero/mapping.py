"""What of a Homecoming case goes to Primero, field by field.

A field is sent only when its category (cases.visibility) is one the referral shares and its
consent covers: identity fields only when identity is shared, health facts only when health
is shared. The connection's field mapping renames a field (`{"fields": {"name_latin":
"name_first"}}`), leaves one out (`null`), and names Primero's service for each of ours
(`{"services": {"legal_aid": "legal_assistance_service"}}`)."""

import datetime as dt

from django.utils import timezone

from cases.models import Case, CaseSensitiveFacts, ConsentPurpose
from cases.visibility import field_category
from referrals.models import Referral
from referrals.services import consent_is_active

from .models import PrimeroConnection

# Homecoming field → Primero field: Primero's standard case fields where one exists, a
# `homecoming_` field otherwise (a Primero administrator adds those to a form to see them).
DEFAULT_FIELDS: dict[str, str] = {
    "name_latin": "name",
    "name_khmer": "name_other",
    "sex": "sex",
    "date_of_birth": "date_of_birth",
    "date_of_birth_estimated": "estimated",
    "family_contact": "homecoming_family_contact",
    "intake_date": "registration_date",
    "risk_level": "risk_level",
    "exploitation_form": "homecoming_exploitation_form",
    "movement": "homecoming_movement",
    "destination_country": "homecoming_destination_country",
    "how_identified": "homecoming_how_identified",
    "hiv_status": "homecoming_hiv_status",
    "health_notes": "homecoming_health_notes",
    "legal_details": "homecoming_legal_details",
}
SENSITIVE = frozenset({"hiv_status", "health_notes", "legal_details"})
# Fields Primero's list of a referred case may hold, read back into an incoming referral.
INBOUND_EXTRA = ("case_id_display", "age")


def fields_for(connection: PrimeroConnection) -> dict[str, str]:
    overrides = (connection.field_mapping or {}).get("fields") or {}
    mapped = {**DEFAULT_FIELDS, **overrides}
    return {name: target for name, target in mapped.items() if target and name in DEFAULT_FIELDS}


def service_for(connection: PrimeroConnection, service: str) -> str:
    return ((connection.field_mapping or {}).get("services") or {}).get(service, service)


def _category(name: str) -> str | None:
    model = CaseSensitiveFacts if name in SENSITIVE else Case
    return field_category(model, name)


def _value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _active(consent, today: dt.date) -> bool:
    return (
        consent.withdrawn_on is None
        and consent.given_on <= today
        and (consent.expires_on is None or consent.expires_on >= today)
    )


def case_record(*, connection: PrimeroConnection, referral: Referral) -> dict:
    """The Primero case record for a referral: the fields its shared categories allow, and
    Primero's consent flags from the consent ledger."""
    case = referral.case
    shared = referral.categories
    record = {}
    for name, target in fields_for(connection).items():
        if _category(name) not in shared:
            continue
        if name == "exploitation_form":  # every form the survivor suffered
            record[target] = [exploitation.form for exploitation in case.exploitations.all()]
            continue
        source = case.sensitive_facts if name in SENSITIVE else case
        record[target] = _value(getattr(source, name))
    today = timezone.localdate()
    record["consent_for_services"] = any(
        consent.purpose == ConsentPurpose.SERVICES and _active(consent, today)
        for consent in case.consents.all()
    )
    record["disclosure_other_orgs"] = referral.consent is not None and consent_is_active(
        referral.consent, today
    )
    return record


def inbound_shared(connection: PrimeroConnection, record: dict) -> dict:
    """What Primero shared of a case, under Homecoming's field names."""
    back = {target: name for name, target in fields_for(connection).items()}
    shared = {back[key]: value for key, value in record.items() if key in back and value}
    shared.update({key: record[key] for key in INBOUND_EXTRA if record.get(key)})
    return shared
