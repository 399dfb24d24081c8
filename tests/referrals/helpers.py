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


def share(
    case,
    organisation,
    *,
    identity=True,
    case_facts=True,
    health=False,
    service="legal_aid",
    status="accepted",
    consent=None,
    **fields,
):
    """A referral of the case to the organisation holding access, written directly: the
    sharing a test needs without the consent and answer steps (those are tested in
    tests/referrals). Without a consent it stands as a supervisor's override."""
    from cases.services import case_access_grant
    from referrals.models import Referral

    referral = Referral.objects.create(
        case=case,
        from_organisation_id=case.organisation_id,
        to_organisation=organisation,
        service=service,
        reason="Needs the service.",
        shares_identity=identity,
        shares_case_facts=case_facts,
        shares_health=health,
        consent=consent,
        override_reason="" if consent else "Urgent, consent to follow.",
        status=status,
        sent_by=case.created_by,
        answered_at=timezone.now(),
        **fields,
    )
    case_access_grant(actor=None, case=case, organisation=organisation)
    return referral


def unshare(case, organisation):
    """End every referral's access of the organisation to the case, as the services do."""
    from cases.services import case_access_revoke
    from referrals.models import Referral

    Referral.objects.filter(case=case, to_organisation=organisation).update(
        access_revoked_at=timezone.now()
    )
    case_access_revoke(actor=None, case=case, organisation=organisation)
