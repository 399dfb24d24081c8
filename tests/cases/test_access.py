"""Access to cases, tested as each persona would try it, the outsider above all."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import CaseEvent, EventKind
from cases.selectors import case_list_visible_to
from organisations.models import Role
from tests.cases.factories import CaseFactory, log_session
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import share, unshare

pytestmark = pytest.mark.django_db


def case_urls(case):
    return [
        ("get", reverse("cases:detail", args=[case.pk])),
        ("get", reverse("cases:edit", args=[case.pk])),
        ("post", reverse("cases:edit", args=[case.pk])),
        ("post", reverse("cases:phase", args=[case.pk])),
        ("get", reverse("cases:session-create", args=[case.pk])),
        ("post", reverse("cases:session-create", args=[case.pk])),
    ]


@pytest.mark.parametrize("persona", ["outsider", "officer"])
def test_outsider_and_officer_get_404_on_every_case_url(request, client_for, case, persona):
    client = client_for(request.getfixturevalue(persona))
    for method, url in case_urls(case):
        response = getattr(client, method)(url, {"to_phase": "intake", "name_latin": "X"})
        assert response.status_code == 404, (persona, method, url)
        assert b"Sok Sreyneang" not in response.content
    case.refresh_from_db()
    assert case.phase == "identification"
    assert case.name_latin == "Sok Sreyneang"


@pytest.mark.parametrize("persona", ["outsider", "officer"])
def test_outsider_and_officer_see_no_case_in_lists(request, client_for, case, persona):
    user = request.getfixturevalue(persona)
    assert list(case_list_visible_to(user)) == []
    response = client_for(user).get(reverse("cases:list"))
    assert response.status_code == 200
    assert case.case_number.encode() not in response.content
    assert b"Sok Sreyneang" not in response.content


def test_a_missing_case_and_a_forbidden_case_answer_alike(client_for, case, outsider):
    client = client_for(outsider)
    forbidden = client.get(reverse("cases:detail", args=[case.pk]))
    missing = client.get(reverse("cases:detail", args=[case.pk + 1000]))
    assert forbidden.status_code == missing.status_code == 404
    # Identical but for the language form's CSRF token and return address.
    token = re.compile(rb'name="(csrfmiddlewaretoken|next)" value="[^"]+"')
    assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)


def test_anonymous_visitor_is_sent_to_sign_in(client, case):
    for method, url in case_urls(case):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["owner", "colleague", "supervisor", "org_admin"])
def test_own_organisation_sees_and_opens_the_case(request, client_for, case, persona):
    client = client_for(request.getfixturevalue(persona))
    listing = client.get(reverse("cases:list"))
    assert case.case_number.encode() in listing.content
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 200


def test_organisation_can_limit_workers_to_their_assigned_cases(
    client_for, ngo, case, owner, colleague, supervisor
):
    ngo.workers_see_assigned_only = True
    ngo.save()
    colleague.refresh_from_db()
    assert list(case_list_visible_to(colleague)) == []
    assert client_for(colleague).get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert list(case_list_visible_to(owner)) == [case]
    assert list(case_list_visible_to(supervisor)) == [case]


def test_sensitive_facts_shown_to_the_assigned_worker_and_supervisor_only(
    client_for, case, owner, colleague, supervisor
):
    log_session(actor=owner, case=case, confidential_notes="Nightmares about the boat.")
    for user, sees in [(owner, True), (supervisor, True), (colleague, False)]:
        page = client_for(user).get(reverse("cases:detail", args=[case.pk])).content.decode()
        assert ("Nightmares about the boat." in page) is sees, user
        assert ("Positive" in page) is sees, user


def test_deactivated_user_and_organisation_see_nothing(case, owner, ngo):
    owner.is_active = False
    owner.save()
    assert list(case_list_visible_to(owner)) == []
    owner.is_active = True
    owner.save()
    ngo.is_active = False
    ngo.save()
    owner.refresh_from_db()
    assert list(case_list_visible_to(owner)) == []


def test_grant_gives_another_organisation_view_only_and_revoke_takes_it_back(
    client_for, case, owner, outsider, other_ngo
):
    client = client_for(outsider)
    detail = reverse("cases:detail", args=[case.pk])

    share(case, other_ngo, identity=False)
    assert list(case_list_visible_to(outsider)) == [case]
    page = client.get(detail)
    assert page.status_code == 200
    assert case.case_number.encode() in page.content
    # A share of case facts shows neither identity nor health.
    assert b"Sok Sreyneang" not in page.content
    assert b"Positive" not in page.content
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 404
    assert (
        client.post(reverse("cases:phase", args=[case.pk]), {"to_phase": "intake"}).status_code
        == 404
    )

    unshare(case, other_ngo)
    assert list(case_list_visible_to(outsider)) == []
    assert client.get(detail).status_code == 404
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert EventKind.ACCESS_GRANTED in kinds and EventKind.ACCESS_REVOKED in kinds


def test_grant_to_one_organisation_shows_nothing_to_a_third(case, owner, other_ngo):
    third = UserFactory(role=Role.SUPERVISOR)
    share(case, other_ngo)
    assert list(case_list_visible_to(third)) == []


def test_listing_and_categories_come_from_the_same_referral_rows(case, owner, other_ngo):
    """No guardian row, no reconciliation: the referral holding access is the share."""
    from cases.permissions import visible_case_categories
    from tests.organisations.factories import UserFactory

    receiver = UserFactory(organisation=other_ngo, role=Role.SOCIAL_WORKER)
    referral = share(case, other_ngo, identity=False, case_facts=True)
    assert list(case_list_visible_to(receiver)) == [case]
    assert visible_case_categories(receiver, case) == {"case_facts"}
    referral.status = "completed"
    referral.access_ends_on = timezone.localdate()
    referral.save()
    assert list(case_list_visible_to(receiver)) == []
    assert visible_case_categories(receiver, case) == set()


def test_a_ministry_sees_a_case_shared_with_it_and_nothing_else(case, owner, officer, ministry):
    other = CaseFactory(actor=owner)
    share(case, ministry)
    assert list(case_list_visible_to(officer)) == [case]
    assert other not in case_list_visible_to(officer)
