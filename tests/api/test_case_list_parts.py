"""The API's case list reads each page part by part: the receiving organisation's own cases
in their index order, the cases others share with it by id (api.pagination.FirstOfEachPart).
Walked forwards and back, filtered, with cases changed in the same instant, it lists exactly
the cases one query over all it sees would, in the same order, and nothing it does not see."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from organisations.models import Role
from tests.cases.factories import CaseFactory
from tests.conftest import need_service
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import share, unshare

from .test_sync import all_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(other_ngo):
    return UserFactory(username="receiver", organisation=other_ngo, role=Role.SUPERVISOR)


@pytest.fixture
def mixed(owner, receiver, other_ngo):
    """Seven cases of the receiver's own and six of the owner's, four of them shared with the
    receiver (one of those no longer), changed in an order that interleaves them, three pairs
    in the same instant."""
    own = [CaseFactory(actor=receiver) for _ in range(7)]
    theirs = [CaseFactory(actor=owner) for _ in range(6)]
    for case in theirs[:4]:
        share(case, other_ngo)
    unshare(theirs[3], other_ngo)
    start = timezone.now() - dt.timedelta(days=3)
    order = [theirs[0], own[0], own[1], theirs[1], own[2], theirs[4], own[3], theirs[2]]
    order += [own[4], theirs[3], own[5], theirs[5], own[6]]
    for n, case in enumerate(order):
        # pairs (1, 2), (5, 6) and (9, 10) in the same instant
        minutes = n - (n in (2, 6, 10))
        Case.objects.filter(pk=case.pk).update(updated_at=start + dt.timedelta(minutes=minutes))
    seen = [*own, *theirs[:3]]
    return sorted(seen, key=lambda case: (Case.objects.get(pk=case.pk).updated_at, case.pk))


def test_pages_forwards_list_what_it_sees_in_order_of_change(session_api, receiver, mixed):
    rows = all_pages(session_api(receiver), "/api/v1/cases/", {"page_size": 3})
    assert [row["id"] for row in rows] == [case.pk for case in mixed]


def test_pages_backwards_list_the_same(session_api, receiver, mixed):
    api = session_api(receiver)
    rows, response = [], api.get("/api/v1/cases/", {"page_size": 2})
    while response.json()["next"]:  # to the last page, then back
        response = api.get(response.json()["next"])
    while True:
        rows = response.json()["results"] + rows
        if not response.json()["previous"]:
            break
        response = api.get(response.json()["previous"])
    assert [row["id"] for row in rows] == [case.pk for case in mixed]


def test_a_filter_narrows_both_parts(session_api, receiver, mixed, owner):
    Case.objects.filter(pk__in=[case.pk for case in mixed[::2]]).update(phase="intake")
    rows = all_pages(session_api(receiver), "/api/v1/cases/", {"phase": "intake", "page_size": 2})
    assert [row["id"] for row in rows] == [case.pk for case in mixed[::2]]


def test_on_postgresql_a_page_is_read_from_the_first_rows_of_each_part(
    session_api, receiver, mixed
):
    need_service(connection.vendor == "postgresql", "pages are read by parts on PostgreSQL")
    with CaptureQueriesContext(connection) as captured:
        session_api(receiver).get("/api/v1/cases/", {"page_size": 3})
    (page,) = [q["sql"] for q in captured if "cases_case" in q["sql"] and "LIMIT 4" in q["sql"]]
    # two parts, the own organisation's first rows and the shared cases' first rows
    assert page.count("LIMIT 4) UNION ALL (SELECT") == 1
    # the shared cases are one array of ids (referrals and transfers together), which
    # PostgreSQL looks up in one index; OR-ed, it had to visit every shared case's row
    assert ' OR W0."id" = ANY' not in page
    assert page.count("= ANY(ARRAY(") == 2
    # the cases shared with the receiver are found once, in their part, not again for the rows
    assert page.count('FROM "referrals_referral"') == 1
