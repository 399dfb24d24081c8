import datetime as dt

from django.utils import timezone

from cases.services import consent_record
from referrals.services import referral_send


def give_consent(
    case,
    actor,
    *,
    organisation=None,
    kind="",
    identity=True,
    case_facts=True,
    health=False,
    given_on=None,
    expires_on=None,
    purpose="sharing",
):
    return consent_record(
        actor=actor,
        case=case,
        given_by="survivor",
        purpose=purpose,
        given_on=given_on or timezone.localdate() - dt.timedelta(days=1),
        expires_on=expires_on,
        shared_with_organisation=organisation,
        shared_with_kind=kind,
        covers_identity=identity,
        covers_case_facts=case_facts,
        covers_health=health,
    )


def send(case, actor, to, **overrides):
    arguments = {
        "service": "legal_aid",
        "reason": "Needs a lawyer for the trial in Phnom Penh.",
        "urgency": "urgent",
        "shares_identity": True,
        "shares_case_facts": True,
        "shares_health": False,
    }
    arguments.update(overrides)
    return referral_send(actor=actor, case=case, to_organisation=to, **arguments)
