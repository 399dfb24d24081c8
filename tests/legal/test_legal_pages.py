"""Who sees and records legal proceedings, on the case page and the forms; what the section
costs; bad input shown as form errors."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent
from legal.models import Compensation, Hearing, LegalProceeding
from organisations.models import Role
from referrals.services import referral_accept
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import give_consent, send

from .factories import CHARGES, full_proceeding, proceeding

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(other_ngo):
    return UserFactory(username="receiver", organisation=other_ngo, role=Role.SOCIAL_WORKER)


def share(case, owner, other_ngo, receiver, *, health):
    give_consent(case, owner, organisation=other_ngo, health=health)
    referral = send(case, owner, other_ngo, shares_health=health)
    return referral_accept(actor=receiver, referral=referral)


def form_urls(case, made):
    hearing = made.hearings.get()
    return [
        reverse("legal:create", args=[case.pk]),
        reverse("legal:hearing-create", args=[case.pk, made.pk]),
        reverse("legal:hearing-record", args=[case.pk, hearing.pk]),
        reverse("legal:hearing-move", args=[case.pk, hearing.pk]),
        reverse("legal:hearing-cancel", args=[case.pk, hearing.pk]),
        reverse("legal:protection-create", args=[case.pk, made.pk]),
        reverse("legal:compensation-create", args=[case.pk, made.pk]),
    ]


def case_page(client, case):
    return client.get(reverse("cases:detail", args=[case.pk]))


@pytest.mark.parametrize("who", ["owner", "supervisor"])
def test_the_worker_and_supervisor_see_and_record(request, client_for, case, owner, who):
    made = full_proceeding(case, owner)
    client = client_for(request.getfixturevalue(who))
    page = case_page(client, case).content.decode()
    assert CHARGES in page
    assert "Legal Aid of Cambodia" in page
    assert reverse("legal:create", args=[case.pk]) in page
    for url in form_urls(case, made):
        assert client.get(url).status_code == 200, url


def test_a_colleague_without_health_access_sees_nothing(client_for, case, owner, colleague):
    made = full_proceeding(case, owner)
    client = client_for(colleague)
    page = case_page(client, case)
    assert page.status_code == 200  # the case itself, without its restricted facts
    assert CHARGES not in page.content.decode()
    assert "Legal proceedings" not in page.content.decode()
    for url in form_urls(case, made):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code == 404, url


def test_a_receiver_without_health_sharing_sees_nothing(
    client_for, case, owner, other_ngo, receiver
):
    made = full_proceeding(case, owner)
    share(case, owner, other_ngo, receiver, health=False)
    client = client_for(receiver)
    page = case_page(client, case)
    assert page.status_code == 200
    assert CHARGES not in page.content.decode()
    assert "Legal proceedings" not in page.content.decode()
    for url in form_urls(case, made):
        assert client.get(url).status_code == 404, url


def test_a_receiver_with_health_sharing_reads_but_does_not_record(
    client_for, case, owner, other_ngo, receiver
):
    made = full_proceeding(case, owner)
    share(case, owner, other_ngo, receiver, health=True)
    client = client_for(receiver)
    page = case_page(client, case).content.decode()
    assert CHARGES in page
    assert reverse("legal:create", args=[case.pk]) not in page
    for url in form_urls(case, made):
        assert client.post(url, {}).status_code == 404, url
    assert LegalProceeding.objects.count() == 1


def test_an_outsider_gets_404_everywhere(client_for, case, owner, outsider, officer):
    made = full_proceeding(case, owner)
    for person in (outsider, officer):
        client = client_for(person)
        assert case_page(client, case).status_code == 404
        for url in form_urls(case, made):
            assert client.get(url).status_code == 404, (person, url)
            assert client.post(url, {"court": "x"}).status_code == 404, (person, url)
    assert LegalProceeding.objects.count() == 1


def test_a_proceeding_and_its_hearing_recorded_on_the_web(client_for, case, owner):
    client = client_for(owner)
    response = client.post(
        reverse("legal:create", args=[case.pk]),
        {"kind": "trial", "court": "Banteay Meanchey Provincial Court",
         "survivor_role": "complainant", "status": "trial", "charges": CHARGES},
    )  # fmt: skip
    assert response.status_code == 302
    made = LegalProceeding.objects.get()
    assert made.charges == CHARGES
    assert AccessEvent.objects.filter(case_id=case.pk, action="create").exists()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.post(
        reverse("legal:hearing-create", args=[case.pk, made.pk]),
        {"date": yesterday.isoformat(), "time": "09:30", "accompanied_by": "Social worker",
         "transport": "NGO car", "testimony_arrangement": "screen"},
    )  # fmt: skip
    hearing = Hearing.objects.get()
    assert hearing.court == "Banteay Meanchey Provincial Court"
    response = client.post(
        reverse("legal:hearing-record", args=[case.pk, hearing.pk]),
        {"attendance": "attended", "accompanied_by": "Social worker",
         "testimony_arrangement": "screen", "outcome": "Testified behind a screen."},
    )  # fmt: skip
    assert response.status_code == 302
    hearing.refresh_from_db()
    assert (hearing.attendance, hearing.outcome) == ("attended", "Testified behind a screen.")


def test_bad_input_is_a_form_error_and_saves_nothing(client_for, case, owner):
    made = proceeding(case, owner)
    client = client_for(owner)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("legal:compensation-create", args=[case.pk, made.pk]),
        {"ordered_riel": "1000", "ordered_on": today, "paid_riel": "5000", "paid_on": today},
    )
    assert response.status_code == 200
    assert "More cannot be paid than was ordered." in response.content.decode()
    assert not Compensation.objects.exists()
    response = client.post(
        reverse("legal:compensation-create", args=[case.pk, made.pk]),
        {"ordered_riel": "-5", "ordered_on": "not a date"},
    )
    assert response.status_code == 200
    assert not Compensation.objects.exists()
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    client.post(reverse("legal:hearing-create", args=[case.pk, made.pk]), {"date": future})
    hearing = Hearing.objects.get()
    response = client.post(
        reverse("legal:hearing-record", args=[case.pk, hearing.pk]), {"attendance": "attended"}
    )
    assert response.status_code == 200
    assert "has not taken place yet" in response.content.decode()
    hearing.refresh_from_db()
    assert hearing.attendance == ""


def test_the_forms_speak_khmer(client_for, case, owner):
    client = client_for(owner)
    client.cookies["django_language"] = "km"
    page = client.get(reverse("legal:create", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="km")
    text = page.content.decode()
    assert "Court or authority" not in text
    assert "តុលាការ ឬអាជ្ញាធរ" in text
    assert "បណ្តឹងព្រហ្មទណ្ឌ" in text


def section_queries(client, case):
    with CaptureQueriesContext(connection) as captured:
        response = case_page(client, case)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries if 'FROM "legal_' in q["sql"]]


@pytest.mark.parametrize("proceedings", [1, 4])
def test_the_case_page_section_costs_the_same_however_much_is_recorded(
    client_for, case, owner, proceedings
):
    for _ in range(proceedings):
        full_proceeding(case, owner)
    # The proceedings; + their hearings; + protection measures; + compensation.
    assert len(section_queries(client_for(owner), case)) == 4


def test_no_legal_query_for_who_may_not_see_it(client_for, case, owner, colleague):
    full_proceeding(case, owner)
    assert section_queries(client_for(colleague), case) == []


def test_the_worker_moves_then_cancels_a_hearing(client_for, case, owner):
    made = full_proceeding(case, owner)
    hearing = made.hearings.get()
    client = client_for(owner)
    new_day = timezone.localdate() + dt.timedelta(days=30)
    moved = client.post(
        reverse("legal:hearing-move", args=[case.pk, hearing.pk]),
        {"date": new_day.isoformat(), "time": "09:30"},
    )
    assert moved.status_code == 302
    assert Hearing.objects.get(pk=hearing.pk).date == new_day
    past = client.post(
        reverse("legal:hearing-move", args=[case.pk, hearing.pk]),
        {"date": (timezone.localdate() - dt.timedelta(days=1)).isoformat()},
    )
    assert "already past" in past.content.decode()
    cancelled = client.post(reverse("legal:hearing-cancel", args=[case.pk, hearing.pk]))
    assert cancelled.status_code == 302
    page = case_page(client, case).content.decode()
    assert "Cancelled." in page
    assert reverse("legal:hearing-move", args=[case.pk, hearing.pk]) not in page
    again = client.post(reverse("legal:hearing-cancel", args=[case.pk, hearing.pk]))
    assert "already recorded or cancelled" in again.content.decode()
    # The audit log tells the hearing was changed twice, not created (as through the API).
    changes = AccessEvent.objects.filter(object_type="hearing", object_id=hearing.pk)
    assert list(changes.exclude(action="view").order_by("pk").values_list("action", flat=True)) == [
        "update",
        "update",
    ]


LEGAL_LINES = (
    "Legal proceeding recorded",
    "Hearing scheduled",
    "Protection measure recorded",
    "Compensation recorded",
)


def test_the_timeline_tells_of_proceedings_only_to_who_may_see_legal_detail(
    client_for, case, owner, colleague, other_ngo, receiver
):
    full_proceeding(case, owner)
    share(case, owner, other_ngo, receiver, health=False)
    owners_page = case_page(client_for(owner), case).content.decode()
    assert all(line in owners_page for line in LEGAL_LINES)
    for reader in (colleague, receiver):
        page = case_page(client_for(reader), case).content.decode()
        assert not [line for line in LEGAL_LINES if line in page], reader
