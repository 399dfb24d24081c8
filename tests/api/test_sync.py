"""A partner syncs incrementally: pages ordered by change, updated_since, and tombstones for
cases that left its view."""

import base64
import datetime as dt
import json
import re
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.selectors import (
    case_ids_changed_since,
    case_ids_granted_since,
    case_ids_referred_changed_since,
    cases_changed_since,
)
from cases.models import Case, CounsellingSession
from cases.permissions import active_membership
from cases.selectors import case_list_visible_to
from cases.services import case_update
from referrals.services import referral_accept, referral_access_expire_due, referral_cancel
from tests.cases.factories import CaseFactory, log_session
from tests.plans.factories import close_case
from tests.referrals.helpers import give_consent, send, unshare

pytestmark = pytest.mark.django_db


def all_pages(api, url, params):
    rows, response = [], api.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        response = api.get(body["next"])


def test_cursor_pages_walk_every_case_once_in_order_of_change(ngo_api, owner):
    cases = [CaseFactory(actor=owner) for _ in range(7)]
    rows = all_pages(ngo_api, "/api/v1/cases/", {"page_size": 3})
    assert [row["id"] for row in rows] == [case.pk for case in cases]
    stamps = [row["updated_at"] for row in rows]
    assert stamps == sorted(stamps)


def _cursor(**tokens) -> str:
    return base64.b64encode(urlencode(tokens).encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all",
        _cursor(p="2026-12-01 10:00:00+00:00"),  # DRF's own: the first field alone
        _cursor(o="3", p=json.dumps([["t", "2026-12-01T10:00:00+00:00"], ["i", 5]])),
        _cursor(p=json.dumps([["t", "2026-12-01T10:00:00+00:00"]])),  # half a key
        _cursor(p=json.dumps([["t", "2026-12-01T10:00:00"], ["i", 5]])),  # no offset
        _cursor(p=json.dumps([["t", "yesterday"], ["i", 5]])),
        _cursor(p=json.dumps([["t", "2026-12-01T10:00:00+00:00"], ["i", 2**64]])),
        _cursor(p=json.dumps([["t", "2026-12-01T10:00:00+00:00"], ["s", "a\x00b"]])),
        _cursor(p=json.dumps([["x", 1], ["i", 5]])),
        _cursor(p=json.dumps({"t": 1})),
    ],
    ids=[
        "garbage", "drf", "offset", "half", "naive", "not a moment", "huge", "nul", "tag",
        "not a list",
    ],
)  # fmt: skip
def test_a_cursor_the_api_did_not_give_is_refused_with_404(ngo_api, owner, cursor):
    CaseFactory(actor=owner)
    response = ngo_api.get("/api/v1/cases/", {"cursor": cursor})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid cursor"


def test_a_case_anonymised_by_retention_is_in_the_partners_next_sync(
    ngo_api, owner, supervisor, ngo
):
    """Its partner system kept the survivor's name: the next sync reads the case again, as
    it is now, and can drop it."""
    ngo.retention_years = 5
    ngo.save()
    case = CaseFactory(actor=owner, name_latin="Touch Malis")
    log_session(actor=owner, case=case)
    close_case(case, requested_by=owner, approved_by=supervisor, reason="lost_contact")
    closed_on = timezone.localdate() - dt.timedelta(days=365 * 6)
    Case.objects.filter(pk=case.pk).update(closed_on=closed_on)
    for model in (Case, CounsellingSession):
        model.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    since = {"updated_since": (timezone.now() - dt.timedelta(days=1)).isoformat()}
    assert all_pages(ngo_api, "/api/v1/cases/", since) == []

    call_command("anonymise_closed_cases")

    (row,) = all_pages(ngo_api, "/api/v1/cases/", since)
    assert row["id"] == case.pk and row["identity"]["name_latin"] == "—"
    # its sessions too, for whoever reads them (an API key reads no counselling of its own)
    assert CounsellingSession.objects.get(case=case).updated_at > timezone.now() - dt.timedelta(
        minutes=1
    )


def test_updated_since_returns_only_what_changed(ngo_api, owner):
    old = [CaseFactory(actor=owner) for _ in range(3)]
    Case.objects.update(updated_at=timezone.now() - dt.timedelta(days=2))
    since = timezone.now() - dt.timedelta(days=1)
    changed = case_update(actor=owner, case=Case.objects.get(pk=old[1].pk), risk_level="high")
    new = CaseFactory(actor=owner)
    rows = all_pages(ngo_api, "/api/v1/cases/", {"updated_since": since.isoformat()})
    assert [row["id"] for row in rows] == [changed.pk, new.pk]


def test_filters_by_phase_and_province(ngo_api, owner, case):
    other = CaseFactory(actor=owner)
    Case.objects.filter(pk=other.pk).update(phase="intake")
    assert [
        r["id"] for r in ngo_api.get("/api/v1/cases/", {"phase": "intake"}).json()["results"]
    ] == [other.pk]
    province = case.origin_province_id
    assert len(ngo_api.get("/api/v1/cases/", {"province": province}).json()["results"]) == 2
    assert ngo_api.get("/api/v1/cases/", {"province": "99"}).json()["results"] == []
    bad = ngo_api.get("/api/v1/cases/", {"updated_since": "yesterday"})
    assert bad.status_code == 400
    assert "updated_since" in bad.json()["errors"]


def test_a_case_shared_with_the_partner_appears_in_its_next_sync(
    owner, case, third_ngo, make_key, key_client
):
    key, plaintext = make_key(third_ngo)
    api = key_client(plaintext)
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - dt.timedelta(days=5))
    since = timezone.now() - dt.timedelta(minutes=1)
    assert api.get("/api/v1/cases/", {"updated_since": since.isoformat()}).json()["results"] == []
    give_consent(case, owner, organisation=third_ngo)
    referral_accept(actor=key.user, referral=send(case, owner, third_ngo))
    rows = api.get("/api/v1/cases/", {"updated_since": since.isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [case.pk]


def test_when_a_share_narrows_the_case_is_in_the_partners_next_sync(
    owner, case, third_ngo, make_key, key_client
):
    key, plaintext = make_key(third_ngo)
    api = key_client(plaintext)
    give_consent(case, owner, organisation=third_ngo, health=True)
    referral_accept(actor=key.user, referral=send(case, owner, third_ngo))
    with_health = send(case, owner, third_ngo, service="hiv_care", shares_health=True)
    referral_accept(actor=key.user, referral=with_health)
    assert api.get(f"/api/v1/cases/{case.pk}/").json()["sensitive_facts"] is not None
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now() - dt.timedelta(days=5))
    since = timezone.now()
    assert api.get("/api/v1/cases/", {"updated_since": since.isoformat()}).json()["results"] == []

    # The health share ends; the first referral keeps the case in the partner's view.
    referral_cancel(actor=owner, referral=with_health)

    rows = api.get("/api/v1/cases/", {"updated_since": since.isoformat()}).json()["results"]
    assert [(row["id"], row["sensitive_facts"]) for row in rows] == [(case.pk, None)]


def test_a_share_whose_grace_period_ends_is_in_the_partners_next_sync(
    owner, case, ngo, third_ngo, make_key, key_client
):
    from referrals.services import referral_complete, referral_start

    key, plaintext = make_key(third_ngo)
    api = key_client(plaintext)
    give_consent(case, owner, organisation=third_ngo, health=True)
    referral_accept(actor=key.user, referral=send(case, owner, third_ngo))
    with_health = send(case, owner, third_ngo, service="hiv_care", shares_health=True)
    referral_start(actor=key.user, referral=referral_accept(actor=key.user, referral=with_health))
    referral_complete(actor=key.user, referral=with_health, outcome="On treatment.")
    since = timezone.now()
    grace_over = timezone.localdate() + dt.timedelta(days=ngo.referral_access_grace_days + 1)

    assert referral_access_expire_due(today=grace_over) == 0  # the other referral keeps access

    rows = api.get("/api/v1/cases/", {"updated_since": since.isoformat()}).json()["results"]
    assert [(row["id"], row["sensitive_facts"]) for row in rows] == [(case.pk, None)]


def test_a_case_that_leaves_the_partners_view_becomes_a_tombstone(
    owner, case, third_ngo, make_key, key_client
):
    key, plaintext = make_key(third_ngo)
    api = key_client(plaintext)
    give_consent(case, owner, organisation=third_ngo)
    referral_accept(actor=key.user, referral=send(case, owner, third_ngo))
    since = timezone.now() - dt.timedelta(seconds=1)
    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert api.get("/api/v1/tombstones/", {"since": since.isoformat()}).json()["results"] == []

    unshare(case, third_ngo)

    assert api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    tombstones = api.get("/api/v1/tombstones/", {"since": since.isoformat()}).json()["results"]
    assert [row["case"] for row in tombstones] == [case.pk]
    assert set(tombstones[0]) == {"id", "case", "left_at"}
    later = timezone.now() + dt.timedelta(seconds=1)
    assert api.get("/api/v1/tombstones/", {"since": later.isoformat()}).json()["results"] == []


def test_a_referral_answer_shows_in_the_senders_sync(ngo_api, owner, case, third_ngo, make_key):
    give_consent(case, owner, organisation=third_ngo)
    referral = send(case, owner, third_ngo)
    since = timezone.now()
    key, _plaintext = make_key(third_ngo)
    referral_accept(actor=key.user, referral=referral)
    rows = ngo_api.get("/api/v1/referrals/", {"updated_since": since.isoformat()}).json()
    assert [(row["id"], row["status"]) for row in rows["results"]] == [(referral.pk, "accepted")]


def test_changed_since_in_parts_equals_the_single_condition(owner, case, third_ngo, make_key):
    """The parts merged by UNION select exactly what the one OR-ed condition selected."""
    key, _plaintext = make_key(third_ngo)
    now = timezone.now()
    cases = [case] + [CaseFactory(actor=owner) for _ in range(4)]
    for days, shared in zip(range(5), cases, strict=True):
        Case.objects.filter(pk=shared.pk).update(updated_at=now - dt.timedelta(days=days))
    for shared in cases[1:3]:
        give_consent(shared, owner, organisation=third_ngo)
        referral_accept(actor=key.user, referral=send(shared, owner, third_ngo))
    Case.objects.filter(pk=cases[1].pk).update(updated_at=now - dt.timedelta(days=9))
    # Shared and unshared again: granted since, yet out of the partner's view.
    give_consent(cases[4], owner, organisation=third_ngo)
    referral_accept(actor=key.user, referral=send(cases[4], owner, third_ngo))
    unshare(cases[4], third_ngo)
    Case.objects.filter(pk=cases[4].pk).update(updated_at=now - dt.timedelta(days=4))

    def single_condition(user, since):
        organisation = active_membership(user).organisation
        return set(
            case_list_visible_to(user)
            .filter(
                Q(updated_at__gte=since)
                | Q(pk__in=case_ids_granted_since(organisation, since))
                | Q(pk__in=case_ids_referred_changed_since(organisation, since))
            )
            .values_list("pk", flat=True)
        )

    for user in (owner, key.user):
        for days in (0.5, 1.5, 3.5, 10):
            since = now - dt.timedelta(days=days)
            # Visible by construction: the ids alone, and read through `cases_changed_since`.
            in_parts = set(case_ids_changed_since(user, since).values_list("pk", flat=True))
            assert in_parts == single_condition(user, since)
            assert in_parts == set(cases_changed_since(user, since).values_list("pk", flat=True))
            assert in_parts  # each case of the set-up is somewhere in view
            if user == key.user:
                assert cases[4].pk not in in_parts


def test_updated_since_costs_the_same_queries_at_any_size(ngo_api, owner):
    def queries_for(count):
        since = timezone.now()
        for _ in range(count):
            CaseFactory(actor=owner)
        with CaptureQueriesContext(connection) as queries:
            response = ngo_api.get("/api/v1/cases/", {"updated_since": since.isoformat()})
        assert len(response.json()["results"]) == count
        return queries

    ngo_api.get("/api/v1/cases/")  # the first request does one-time work
    small, large = queries_for(2), queries_for(6)
    assert len(small) == len(large)
    # One read of the cases, their ids from the parts merged by UNION inside it, and the
    # cases other organisations share computed once (not again around the UNION), among
    # the cases changed since: their grants found from them, not every shared case's read.
    case_reads = [q["sql"] for q in large if q["sql"].startswith('SELECT "cases_case"."id"')]
    assert len(case_reads) == 1 and "UNION" in case_reads[0]
    assert case_reads[0].count('"access_revoked_at" IS NULL') == 1  # referrals holding access
    grants = case_reads[0].split('"access_revoked_at" IS NULL')[1].split("UNION ALL")[0]
    assert re.search(r'"case_id" IN \(+SELECT', grants)
