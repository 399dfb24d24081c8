"""Accepting a referral shares the case with the receiver, limited to what the consent covers;
every way a referral ends takes the access away again."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, EventKind
from cases.permissions import can_view_identity, can_view_sensitive_facts, case_data_categories
from cases.selectors import case_list_visible_to
from cases.services import consent_withdraw
from referrals import services
from referrals.models import Status
from referrals.selectors import referral_shared_categories
from referrals.tasks import referral_access_expire
from tests.cases.factories import CaseFactory

from .helpers import give_consent, send

pytestmark = pytest.mark.django_db


def sees(user, case) -> bool:
    return case_list_visible_to(user).filter(pk=case.pk).exists()


def accepted(case, owner, other_ngo, receiver, **overrides):
    referral = send(case, owner, other_ngo, **overrides)
    return services.referral_accept(actor=receiver, referral=referral)


def test_access_granted_on_accept(case, owner, outsider, other_ngo, consent, client_for):
    referral = send(case, owner, other_ngo)
    assert not sees(outsider, case)
    client = client_for(outsider)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404

    services.referral_accept(actor=outsider, referral=referral)
    assert sees(outsider, case)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert page.status_code == 200
    assert case.case_number.encode() in page.content


def test_no_access_after_decline(case, owner, outsider, other_ngo, consent):
    referral = send(case, owner, other_ngo)
    services.referral_decline(actor=outsider, referral=referral, reason="No lawyer free.")
    assert not sees(outsider, case)
    assert referral_shared_categories(organisation=other_ngo, case=case) == set()


def test_access_gone_after_cancel(case, owner, outsider, other_ngo, consent, client_for):
    referral = accepted(case, owner, other_ngo, outsider)
    services.referral_cancel(actor=owner, referral=referral)
    assert not sees(outsider, case)
    assert client_for(outsider).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    referral.refresh_from_db()
    assert referral.access_revoked_at is not None


def test_another_active_referral_keeps_access(case, owner, outsider, other_ngo, consent):
    first = accepted(case, owner, other_ngo, outsider)
    second = accepted(case, owner, other_ngo, outsider, service="shelter")
    services.referral_cancel(actor=owner, referral=first)
    assert sees(outsider, case)
    services.referral_cancel(actor=owner, referral=second)
    assert not sees(outsider, case)


def test_health_facts_reach_the_receiver_only_when_shared(
    case, owner, outsider, other_ngo, client_for
):
    give_consent(case, owner, organisation=other_ngo, health=True)
    without_health = accepted(case, owner, other_ngo, outsider)
    client = client_for(outsider)
    assert not can_view_sensitive_facts(outsider, case)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert b"HIV status" not in page.content

    with_health = accepted(
        case, owner, other_ngo, outsider, shares_health=True, service="medical_care"
    )
    assert can_view_sensitive_facts(outsider, case)
    page = client.get(reverse("cases:detail", args=[case.pk]))
    assert b"HIV status" in page.content
    assert b"Positive" in page.content

    services.referral_cancel(actor=owner, referral=with_health)
    assert not can_view_sensitive_facts(outsider, case)
    assert sees(outsider, case)  # the other referral still needs the case
    assert without_health.status == Status.ACCEPTED


def test_identity_rule(case, owner, colleague, outsider, stranger, other_ngo, consent):
    assert can_view_identity(owner, case)
    assert can_view_identity(colleague, case)
    assert not can_view_identity(outsider, case)
    accepted(case, owner, other_ngo, outsider, shares_identity=False)
    assert not can_view_identity(outsider, case)
    assert case_data_categories(outsider, case) == {"case_facts"}
    accepted(case, owner, other_ngo, outsider, service="shelter")
    assert can_view_identity(outsider, case)
    assert not can_view_identity(stranger, case)
    assert case_data_categories(stranger, case) == set()


def test_categories_tag_on_a_page(case, owner, outsider, other_ngo, consent, rf):
    from django.template import Context, Template

    accepted(case, owner, other_ngo, outsider, shares_identity=False)
    request = rf.get("/")
    template = Template(
        "{% load referral_tags %}{% case_categories_seen case as seen %}"
        "{% if 'identity' in seen %}NAME{% else %}HIDDEN{% endif %}"
    )
    request.user = outsider
    assert template.render(Context({"request": request, "case": case})) == "HIDDEN"
    request.user = owner
    assert template.render(Context({"request": request, "case": case})) == "NAME"


def test_completion_keeps_access_for_the_senders_grace_period(
    case, ngo, owner, outsider, other_ngo, consent
):
    ngo.referral_access_grace_days = 10
    ngo.save()
    other_ngo.referral_access_grace_days = 99
    other_ngo.save()
    today = timezone.localdate()
    referral = accepted(case, owner, other_ngo, outsider)
    referral = services.referral_complete(actor=outsider, referral=referral, outcome="Won.")
    assert referral.access_ends_on == today + dt.timedelta(days=10)
    assert sees(outsider, case)

    assert services.referral_access_expire_due(today=today + dt.timedelta(days=9)) == 0
    assert sees(outsider, case)

    assert services.referral_access_expire_due(today=today + dt.timedelta(days=10)) == 1
    assert not sees(outsider, case)
    assert services.referral_access_expire_due(today=today + dt.timedelta(days=11)) == 0
    revocations = CaseEvent.objects.filter(
        case=case, kind=EventKind.ACCESS_REVOKED, organisation=other_ngo
    )
    assert revocations.count() == 1


def test_zero_grace_days_revokes_on_completion(case, ngo, owner, outsider, other_ngo, consent):
    ngo.referral_access_grace_days = 0
    ngo.save()
    referral = accepted(case, owner, other_ngo, outsider)
    services.referral_complete(actor=outsider, referral=referral, outcome="Done.")
    assert not sees(outsider, case)


def test_the_periodic_task_calls_the_expire_service(
    case, ngo, owner, outsider, other_ngo, consent, monkeypatch
):
    ngo.referral_access_grace_days = 1
    ngo.save()
    referral = accepted(case, owner, other_ngo, outsider)
    services.referral_complete(actor=outsider, referral=referral, outcome="Done.")
    later = timezone.localdate() + dt.timedelta(days=2)
    monkeypatch.setattr(timezone, "localdate", lambda *args: later)
    assert referral_access_expire() == 1
    assert referral_access_expire() == 0
    assert not sees(outsider, case)


def test_expired_consent_ends_access_on_the_next_run(case, owner, outsider, other_ngo):
    give_consent(
        case, owner, organisation=other_ngo, expires_on=timezone.localdate() + dt.timedelta(5)
    )
    accepted(case, owner, other_ngo, outsider)
    assert services.referral_access_expire_due(today=timezone.localdate() + dt.timedelta(5)) == 0
    assert services.referral_access_expire_due(today=timezone.localdate() + dt.timedelta(6)) == 1
    assert not sees(outsider, case)


def test_withdrawn_consent_revokes_at_once_and_flags_the_inbox(
    case, owner, outsider, other_ngo, consent, client_for
):
    referral = accepted(case, owner, other_ngo, outsider)
    consent_withdraw(actor=owner, consent=consent)
    assert not sees(outsider, case)
    referral.refresh_from_db()
    assert referral.consent_revoked_at is not None
    withdrawn = "referral.consent_withdrawn"
    assert CaseEvent.objects.filter(
        case=case, kind=EventKind.REFERRAL, organisation=other_ngo, message=withdrawn
    ).exists()
    inbox = client_for(outsider).get(reverse("referrals:inbox"))
    assert b"Consent withdrawn" in inbox.content
    detail = client_for(outsider).get(reverse("referrals:detail", args=[referral.pk]))
    assert b"withdrew the consent" in detail.content


def test_withdrawn_consent_blocks_accepting_a_sent_referral(
    case, owner, outsider, other_ngo, consent
):
    from django.core.exceptions import ValidationError

    referral = send(case, owner, other_ngo)
    consent_withdraw(actor=owner, consent=consent)
    with pytest.raises(ValidationError, match="no longer active"):
        services.referral_accept(actor=outsider, referral=referral)
    assert not sees(outsider, case)


def test_withdrawn_consent_leaves_an_overridden_referral_alone(
    case, owner, supervisor, outsider, other_ngo, consent
):
    overridden = send(case, supervisor, other_ngo, shares_health=True, override_reason="Urgent.")
    services.referral_accept(actor=outsider, referral=overridden)
    consent_withdraw(actor=owner, consent=consent)
    assert sees(outsider, case)
    assert can_view_sensitive_facts(outsider, case)


def test_case_ids_sharing_identity_for_list_pages(case, owner, outsider, other_ngo, consent):
    from referrals.selectors import referral_case_ids_sharing_identity_with

    hidden = CaseFactory(actor=owner)
    give_consent(hidden, owner, organisation=other_ngo)
    accepted(case, owner, other_ngo, outsider)
    accepted(hidden, owner, other_ngo, outsider, shares_identity=False)
    ids = {row["case_id"] for row in referral_case_ids_sharing_identity_with(other_ngo)}
    assert ids == {case.pk}
