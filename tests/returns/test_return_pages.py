"""Who sees and records a cross-border return, on the case page and the forms; what the section
costs; bad input shown as form errors; Khmer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AccessEvent
from organisations.models import Role
from referrals.services import referral_accept
from returns.models import CrossBorderReturn
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import give_consent, send

from .factories import AGENCY, RECEIVED_BY, days_ago, family_assessment, handed_over, started

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(other_ngo):
    return UserFactory(username="receiver", organisation=other_ngo, role=Role.SOCIAL_WORKER)


def share(case, owner, other_ngo, receiver, *, health):
    give_consent(case, owner, organisation=other_ngo, health=health)
    referral = send(case, owner, other_ngo, service="repatriation", shares_health=health)
    return referral_accept(actor=receiver, referral=referral)


def form_urls(case):
    return [
        reverse("returns:create", args=[case.pk]),
        reverse("returns:edit", args=[case.pk]),
        reverse("returns:step", args=[case.pk, "nationality_verified"]),
        reverse("returns:step", args=[case.pk, "travelled"]),
    ]


def case_page(client, case):
    return client.get(reverse("cases:detail", args=[case.pk]))


@pytest.mark.parametrize("who", ["owner", "supervisor"])
def test_the_worker_and_supervisor_see_the_checklist_and_record(
    request, client_for, case, owner, who
):
    started(case, owner)
    client = client_for(request.getfixturevalue(who))
    page = case_page(client, case).content.decode()
    assert AGENCY in page
    assert "Indonesia" in page
    assert "Nationality verified" in page
    assert reverse("returns:step", args=[case.pk, "travelled"]) in page
    for url in form_urls(case)[1:]:
        assert client.get(url).status_code == 200, url


def test_a_colleague_without_health_access_sees_nothing(client_for, case, owner, colleague):
    started(case, owner)
    client = client_for(colleague)
    page = case_page(client, case)
    assert page.status_code == 200
    text = page.content.decode()
    assert AGENCY not in text and "Cross-border return (restricted)" not in text
    for url in form_urls(case):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_a_receiver_sees_it_only_where_the_referral_shares_health_and_never_records(
    client_for, case, owner, other_ngo, receiver
):
    started(case, owner)
    referral = share(case, owner, other_ngo, receiver, health=False)
    client = client_for(receiver)
    assert AGENCY not in case_page(client, case).content.decode()
    referral.delete()
    share(case, owner, other_ngo, receiver, health=True)
    page = case_page(client, case).content.decode()
    assert AGENCY in page
    assert reverse("returns:edit", args=[case.pk]) not in page
    for url in form_urls(case):
        assert client.post(url, {"done_on": days_ago(1).isoformat()}).status_code == 404, url


def test_an_outsider_gets_404_everywhere(client_for, case, owner, outsider, officer):
    started(case, owner)
    for person in (outsider, officer):
        client = client_for(person)
        assert case_page(client, case).status_code == 404
        for url in form_urls(case):
            assert client.get(url).status_code == 404, (person, url)
            assert client.post(url, {"country": "TH"}).status_code == 404, (person, url)


def test_an_unknown_step_is_not_found(client_for, case, owner):
    started(case, owner)
    client = client_for(owner)
    for step in ("identified", "boarding", "x" * 40):
        assert client.get(reverse("returns:step", args=[case.pk, step])).status_code == 404


def test_a_return_home_to_cambodia_recorded_on_the_web(client_for, case, owner):
    client = client_for(owner)
    response = client.post(
        reverse("returns:create", args=[case.pk]),
        {"direction": "into_cambodia", "country": "TH",
         "identified_on": days_ago(30).isoformat(), "receiving_agency": AGENCY},
    )  # fmt: skip
    assert response.status_code == 302
    assert AccessEvent.objects.filter(case_id=case.pk, action="create").exists()
    assessment = family_assessment(case, owner)

    def record(step, **data):
        url = reverse("returns:step", args=[case.pk, step])
        return client.post(url, {"done_on": days_ago(20).isoformat(), **data})

    assert record("family_assessed", family_assessment=assessment.pk).status_code == 302
    assert record("document_issued", document_authority="embassy").status_code == 302
    assert record("agency_accepted", receiving_agency=AGENCY).status_code == 302
    assert record("travelled", route="poipet").status_code == 302
    response = record("handed_over", received_by=RECEIVED_BY, handover_place="Poipet")
    assert response.status_code == 302
    ret = CrossBorderReturn.objects.get()
    assert (ret.route, ret.received_by, ret.family_assessment) == (
        "poipet",
        RECEIVED_BY,
        assessment,
    )
    page = case_page(client, case).content.decode()
    assert "Poipet border crossing" in page
    assert "the case goes on into reintegration planning" in page
    # Complete: nothing left to record, documents may still be attached.
    assert reverse("returns:step", args=[case.pk, "travelled"]) not in page
    assert reverse("documents:return", args=[case.pk]) in page


def test_bad_input_is_a_form_error_and_saves_nothing(client_for, case, owner):
    client = client_for(owner)
    response = client.post(
        reverse("returns:create", args=[case.pk]),
        {"direction": "out_of_cambodia", "country": "KH", "identified_on": "2026-02-30"},
    )
    assert response.status_code == 200
    assert not CrossBorderReturn.objects.exists()
    response = client.post(
        reverse("returns:create", args=[case.pk]),
        {"direction": "out_of_cambodia", "country": "TH",
         "identified_on": days_ago(30).isoformat()},
    )  # fmt: skip
    assert response.status_code == 200
    assert "for a survivor of another nationality" in response.content.decode()
    assert not CrossBorderReturn.objects.exists()
    started(case, owner)
    response = client.post(
        reverse("returns:step", args=[case.pk, "travelled"]),
        {"done_on": days_ago(1).isoformat(), "route": "poipet"},
    )
    assert response.status_code == 200
    assert "must accept the survivor before the journey" in response.content.decode()
    assert CrossBorderReturn.objects.get().travelled_on is None


def test_a_completed_return_takes_no_more_steps(client_for, case, owner):
    handed_over(case, owner)
    response = client_for(owner).post(
        reverse("returns:step", args=[case.pk, "nationality_verified"]),
        {"done_on": days_ago(5).isoformat()},
    )
    assert response.status_code == 200
    assert "this return is complete" in response.content.decode()


def test_the_section_and_forms_speak_khmer(client_for, case, owner):
    handed_over(case, owner)
    client = client_for(owner)
    client.cookies["django_language"] = "km"
    text = case_page(client, case).content.decode()
    assert "Cross-border return" not in text
    assert "ការវិលត្រឡប់ឆ្លងដែន" in text
    assert "ឥណ្ឌូណេស៊ី" in text  # Indonesia, from the ISO 3166 Khmer names
    form = client.get(reverse("returns:step", args=[case.pk, "travelled"])).content.decode()
    assert "ច្រកព្រំដែនប៉ោយប៉ែត" in form  # Poipet border crossing


def section_queries(client, case):
    with CaptureQueriesContext(connection) as captured:
        response = case_page(client, case)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries if 'FROM "returns_' in q["sql"]]


@pytest.mark.parametrize("steps", ["started", "handed over"])
def test_the_case_page_section_costs_the_same_however_much_is_recorded(
    client_for, case, owner, steps
):
    (started if steps == "started" else handed_over)(case, owner)
    # The return with its family assessment; + its steps with who did each.
    assert len(section_queries(client_for(owner), case)) == 2


def test_no_return_query_for_who_may_not_see_it(client_for, case, owner, colleague):
    started(case, owner)
    assert section_queries(client_for(colleague), case) == []


def test_the_timeline_tells_of_the_return_only_to_who_sees_it(client_for, case, owner, colleague):
    handed_over(case, owner)
    assert "Cross-border return: Travelled" in case_page(client_for(owner), case).content.decode()
    page = case_page(client_for(colleague), case).content.decode()
    assert "Cross-border return:" not in page
    assert "Cross-border return started" not in page
