"""No referral shares data without an active consent for it, unless a supervisor overrides."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, EventKind
from cases.services import consent_withdraw
from organisations.models import OrganisationKind
from referrals.models import Referral

from .helpers import give_consent, send

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def refusal(case, actor, to, **overrides) -> str:
    with pytest.raises(ValidationError) as caught:
        send(case, actor, to, **overrides)
    assert Referral.objects.count() == 0
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.REFERRAL).exists()
    return " ".join(caught.value.messages)


def test_refused_without_any_consent_naming_what_is_missing(case, owner, other_ngo):
    message = refusal(case, owner, other_ngo, shares_health=True)
    assert message == (
        "No active consent covers sharing identity, case facts and health facts "
        "with Other Province NGO."
    )


def test_refused_when_consent_lacks_a_category(case, owner, other_ngo, consent):
    message = refusal(case, owner, other_ngo, shares_health=True)
    assert message == "No active consent covers sharing health facts with Other Province NGO."


def test_refused_when_consent_was_withdrawn(case, owner, other_ngo, consent):
    consent_withdraw(actor=owner, consent=consent)
    message = refusal(case, owner, other_ngo)
    assert "No active consent covers sharing identity and case facts" in message
    assert "was withdrawn on" in message


def test_refused_when_consent_expired(case, owner, other_ngo):
    give_consent(
        case,
        owner,
        organisation=other_ngo,
        given_on=TODAY() - dt.timedelta(days=20),
        expires_on=TODAY() - dt.timedelta(days=1),
    )
    message = refusal(case, owner, other_ngo)
    assert "No active consent covers" in message
    assert "expired on" in message


def test_consent_expiring_today_still_counts(case, owner, other_ngo):
    give_consent(case, owner, organisation=other_ngo, expires_on=TODAY())
    assert send(case, owner, other_ngo).consent is not None


def test_refused_when_consent_names_another_organisation(case, owner, other_ngo, third_ngo):
    give_consent(case, owner, organisation=third_ngo, health=True)
    message = refusal(case, owner, other_ngo)
    assert message.endswith("with Other Province NGO.")


def test_refused_when_consent_names_another_kind(case, owner, other_ngo):
    give_consent(case, owner, kind=OrganisationKind.MINISTRY)
    refusal(case, owner, other_ngo)


def test_refused_when_consent_is_not_for_sharing(case, owner, other_ngo):
    give_consent(case, owner, purpose="services")
    refusal(case, owner, other_ngo)


def test_consent_for_a_kind_of_organisation_covers_it(case, owner, other_ngo):
    kind_consent = give_consent(case, owner, kind=OrganisationKind.NGO, health=True)
    referral = send(case, owner, other_ngo, shares_health=True)
    assert referral.consent == kind_consent
    assert referral.override_reason == ""
    assert referral.overridden_by is None


def test_supervisor_override_is_recorded_and_listed_for_the_org_admin(
    case, supervisor, org_admin, other_ngo, client_for
):
    referral = send(case, supervisor, other_ngo, override_reason="Emergency surgery tonight.")
    assert referral.consent is None
    assert referral.overridden_by == supervisor
    assert referral.override_reason == "Emergency surgery tonight."
    event = CaseEvent.objects.get(case=case, kind=EventKind.REFERRAL)
    assert "without consent" in event.text

    response = client_for(org_admin).get(reverse("referrals:overrides"))
    assert response.status_code == 200
    assert b"Emergency surgery tonight." in response.content
    assert case.case_number.encode() in response.content


def test_overrides_page_is_for_the_org_admin_only(client_for, supervisor, owner, outsider):
    for user in (supervisor, owner, outsider):
        assert client_for(user).get(reverse("referrals:overrides")).status_code == 404


def test_another_organisations_admin_does_not_see_the_override(case, supervisor, other_ngo):
    from referrals.selectors import referral_overrides_for
    from tests.organisations.factories import UserFactory

    send(case, supervisor, other_ngo, override_reason="Emergency.")
    other_admin = UserFactory(organisation=other_ngo, role="org_admin")
    assert list(referral_overrides_for(other_admin)) == []


def test_override_refused_to_a_social_worker(case, owner, other_ngo):
    with pytest.raises(ValidationError) as caught:
        send(case, owner, other_ngo, override_reason="I think it is fine.")
    assert "override_reason" in caught.value.message_dict
    assert "Only a supervisor" in " ".join(caught.value.messages)
    assert Referral.objects.count() == 0


def test_override_refused_without_a_reason(case, supervisor, other_ngo):
    message = refusal(case, supervisor, other_ngo, override_reason="   ")
    assert message.startswith("No active consent covers")


def test_override_reason_is_ignored_when_consent_covers(case, supervisor, other_ngo, consent):
    referral = send(case, supervisor, other_ngo, override_reason="Just in case.")
    assert referral.consent == consent
    assert referral.overridden_by is None
    assert referral.override_reason == ""


def test_send_page_shows_the_missing_consent_and_keeps_the_input(
    case, owner, other_ngo, client_for, consent
):
    client = client_for(owner)
    url = reverse("referrals:send", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"override_reason" not in page.content
    response = client.post(
        url,
        {
            "to_organisation": other_ngo.pk,
            "service": "hiv_care",
            "urgency": "routine",
            "reason": "Needs antiretroviral treatment.",
            "shares_identity": "on",
            "shares_health": "on",
        },
    )
    assert response.status_code == 400
    assert (
        "No active consent covers sharing health facts with Other Province NGO."
        in response.content.decode()
    )
    assert b"Needs antiretroviral treatment." in response.content
    assert Referral.objects.count() == 0


def test_send_page_offers_the_override_to_a_supervisor(case, supervisor, other_ngo, client_for):
    client = client_for(supervisor)
    url = reverse("referrals:send", args=[case.pk])
    assert b'name="override_reason"' in client.get(url).content
    response = client.post(
        url,
        {
            "to_organisation": other_ngo.pk,
            "service": "medical_care",
            "urgency": "emergency",
            "reason": "Injured.",
            "shares_identity": "on",
            "override_reason": "Life at risk; survivor unconscious.",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("referrals:detail", args=[referral.pk])
    assert referral.overridden_by == supervisor


def test_field_errors_are_shown_by_the_field(case, owner, other_ngo, client_for, consent):
    response = client_for(owner).post(
        reverse("referrals:send", args=[case.pk]),
        {"to_organisation": other_ngo.pk, "service": "shelter", "urgency": "routine"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "reason" in form.errors
    assert Referral.objects.count() == 0


def test_nothing_shared_is_refused(case, owner, other_ngo, consent):
    with pytest.raises(ValidationError) as caught:
        send(case, owner, other_ngo, shares_identity=False, shares_case_facts=False)
    assert "shares_identity" in caught.value.message_dict
