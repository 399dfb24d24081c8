"""The legal proceedings API: the same rules as the pages. Legal detail is read where the
case's health facts are seen (its worker and supervisors; another organisation only when its
referral shares health facts) and recorded by the owning organisation; hearings scheduled
through the API are reminded like those of the pages; every call is in the audit log."""

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AccessEvent
from followup.models import Reminder
from legal.models import Hearing, LegalProceeding
from organisations.models import Role
from tests.legal.factories import CHARGES, full_proceeding
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import share

pytestmark = pytest.mark.django_db

PROCEEDINGS = "/api/v1/legal-proceedings/"
HEARINGS = "/api/v1/hearings/"


@pytest.fixture
def partner_worker(other_ngo):
    return UserFactory(username="partner", organisation=other_ngo, role=Role.SUPERVISOR)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_an_api_key_sees_no_legal_detail_of_its_own_organisations_cases(ngo_api, case, owner):
    """A key reads what health facts it is shown: of its own organisation's cases none, as
    for counselling sessions (the API client is not the case's worker or supervisor)."""
    full_proceeding(case, owner)
    assert ids(ngo_api.get(PROCEEDINGS)) == ids(ngo_api.get(HEARINGS)) == []


def test_the_worker_records_a_proceeding_and_a_hearing_with_its_reminders(session_api, case, owner):
    ngo_api = session_api(owner)
    created = ngo_api.post(
        PROCEEDINGS,
        {
            "case": case.pk, "kind": "trial", "court": "Siem Reap Provincial Court",
            "survivor_role": "witness", "charges": CHARGES,
        },
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    proceeding = created.json()
    assert proceeding["charges"] == CHARGES and proceeding["hearings"] == []
    day = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    scheduled = ngo_api.post(
        f"{PROCEEDINGS}{proceeding['id']}/hearings/",
        {"date": day, "testimony_arrangement": "video_link"},
        format="json",
    )
    assert scheduled.status_code == 200, scheduled.content
    (hearing,) = scheduled.json()["hearings"]
    assert hearing["court"] == "Siem Reap Provincial Court"
    assert Reminder.objects.filter(topic__startswith=f"hearing:{hearing['id']}:").count() == 3
    early = ngo_api.post(f"{HEARINGS}{hearing['id']}/record/", {"attendance": "attended"})
    assert early.status_code == 400
    assert "attendance" in early.json()["errors"]
    moved = ngo_api.post(
        f"{HEARINGS}{hearing['id']}/move/",
        {"date": (timezone.localdate() + dt.timedelta(days=40)).isoformat()},
        format="json",
    )
    assert moved.status_code == 200, moved.content
    cancelled = ngo_api.post(f"{HEARINGS}{hearing['id']}/cancel/")
    assert cancelled.json()["cancelled_at"] is not None
    assert not Reminder.objects.filter(topic__startswith=f"hearing:{hearing['id']}:").exists()
    audited = AccessEvent.objects.filter(channel="api", case=case)
    assert audited.filter(action="create").count() == 1
    assert audited.filter(action="update").count() >= 3


def test_bad_amounts_and_dates_are_400_with_the_field(session_api, case, owner):
    ngo_api = session_api(owner)
    proceeding = full_proceeding(case, owner)
    url = f"{PROCEEDINGS}{proceeding.pk}/compensations/"
    more = ngo_api.post(
        url,
        {"ordered_riel": 1000, "ordered_on": "2026-01-01", "paid_riel": 2000,
         "paid_on": "2026-02-01"},
        format="json",
    )  # fmt: skip
    assert more.status_code == 400 and "paid_riel" in more.json()["errors"]
    backwards = ngo_api.post(
        f"{PROCEEDINGS}{proceeding.pk}/protection-measures/",
        {"kind": "safe_house", "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
        format="json",
    )
    assert backwards.status_code == 400 and "ends_on" in backwards.json()["errors"]


def test_a_colleague_who_does_not_see_health_facts_sees_no_legal_detail(
    session_api, case, owner, colleague, supervisor
):
    proceeding = full_proceeding(case, owner)
    hearing = proceeding.hearings.get()
    api = session_api(colleague)
    assert ids(api.get(PROCEEDINGS)) == ids(api.get(HEARINGS)) == []
    assert api.get(f"{PROCEEDINGS}{proceeding.pk}/").status_code == 404
    assert api.get(f"{HEARINGS}{hearing.pk}/").status_code == 404
    assert api.post(f"{HEARINGS}{hearing.pk}/cancel/").status_code == 404
    assert ids(session_api(supervisor).get(PROCEEDINGS)) == [proceeding.pk]


@pytest.mark.parametrize("health", [False, True])
def test_another_organisation_reads_legal_detail_only_when_its_referral_shares_health(
    session_api, case, owner, other_ngo, partner_worker, health
):
    proceeding = full_proceeding(case, owner)
    hearing = proceeding.hearings.get()
    share(case, other_ngo, health=health)
    api = session_api(partner_worker)
    listed = ids(api.get(PROCEEDINGS))
    assert listed == ([proceeding.pk] if health else [])
    assert ids(api.get(HEARINGS)) == ([hearing.pk] if health else [])
    assert api.get(f"{PROCEEDINGS}{proceeding.pk}/").status_code == (200 if health else 404)
    # Reading through a referral never makes legal detail recordable.
    refused = api.post(f"{HEARINGS}{hearing.pk}/cancel/")
    assert refused.status_code == (403 if health else 404)
    added = api.post(
        f"{PROCEEDINGS}{proceeding.pk}/compensations/",
        {"ordered_riel": 1000, "ordered_on": "2026-01-01"},
        format="json",
    )
    assert added.status_code == (403 if health else 404)
    created = api.post(
        PROCEEDINGS,
        {"case": case.pk, "kind": "trial", "court": "x", "survivor_role": "witness"},
        format="json",
    )
    assert created.status_code in (400, 403)
    assert LegalProceeding.objects.count() == 1
    assert Hearing.objects.get().cancelled_at is None


def test_a_partner_syncing_reads_again_a_proceeding_whose_hearing_or_measure_changed(
    session_api, case, owner
):
    """A proceeding carries its hearings, protection measures and compensation: writing any
    of them changes it, for `updated_since`; a hearing changes on its own list too."""
    api = session_api(owner)
    made, untouched = full_proceeding(case, owner), full_proceeding(case, owner)
    hearing = Hearing.objects.get(proceeding=made)
    for model in (LegalProceeding, Hearing):
        model.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    since = {"updated_since": (timezone.now() - dt.timedelta(days=1)).isoformat()}
    assert ids(api.get(PROCEEDINGS, since)) == ids(api.get(HEARINGS, since)) == []

    day = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    moved = api.post(f"{HEARINGS}{hearing.pk}/move/", {"date": day}, format="json")
    assert moved.status_code == 200, moved.content

    assert ids(api.get(PROCEEDINGS, since)) == [made.pk]
    assert ids(api.get(HEARINGS, since)) == [hearing.pk]
    (row,) = api.get(PROCEEDINGS, since).json()["results"]
    assert row["hearings"][0]["date"] == day and row["updated_at"] > since["updated_since"]
    LegalProceeding.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    added = api.post(
        f"{PROCEEDINGS}{untouched.pk}/protection-measures/",
        {"kind": "no_contact_order", "starts_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert added.status_code == 200, added.content
    assert ids(api.get(PROCEEDINGS, since)) == [untouched.pk]
    # a write refused changes nothing
    refused = api.post(
        f"{PROCEEDINGS}{made.pk}/compensations/",
        {"ordered_riel": 10, "ordered_on": timezone.localdate().isoformat(), "paid_riel": 20},
        format="json",
    )
    assert refused.status_code == 400
    assert ids(api.get(PROCEEDINGS, since)) == [untouched.pk]
