"""The API's case list reads each page part by part: the receiving organisation's own cases
in their index order, the cases others share with it by id (api.pagination.FirstOfEachPart).
Walked forwards and back, filtered, with cases changed in the same instant, it lists exactly
the cases one query over all it sees would, in the same order, and nothing it does not see."""

import datetime as dt
import random

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


def all_pages_backwards(api, params) -> list:
    """To the last page of the case list, then back to the first."""
    rows, response = [], api.get("/api/v1/cases/", params)
    while response.json()["next"]:
        response = api.get(response.json()["next"])
    while True:
        rows = response.json()["results"] + rows
        if not response.json()["previous"]:
            return rows
        response = api.get(response.json()["previous"])


def test_pages_backwards_list_the_same(session_api, receiver, mixed):
    rows = all_pages_backwards(session_api(receiver), {"page_size": 2})
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
    # the shared cases are one set of ids (referrals and transfers together), not two OR-ed,
    # which had PostgreSQL visit every shared case's row
    assert ' OR W0."id"' not in page
    # read only up to the own part's fourth row, which no later row can come before: from
    # that range of the index of changes, each row tested against the ids hashed
    (bound,) = [q["sql"] for q in captured if "LIMIT 1 OFFSET 3" in q["sql"]]
    assert 'W0."updated_at" <= ' in page and 'W0."id" IN ((SELECT' in page
    # the page's rows by their ids, in one array
    assert page.count("= ANY(ARRAY(") == 1
    # the cases shared with the receiver are found once, in their part, not again for the rows
    assert page.count('FROM "referrals_referral"') == 1


def test_a_receiver_without_enough_cases_of_its_own_looks_up_each_shared_case(
    session_api, receiver, mixed
):
    """Past its own last row there is no bound: the shared ids are looked up one by one, as
    one array, rather than the whole index of changes tested against them."""
    need_service(connection.vendor == "postgresql", "pages are read by parts on PostgreSQL")
    with CaptureQueriesContext(connection) as captured:
        session_api(receiver).get("/api/v1/cases/", {"page_size": 20})
    (page,) = [q["sql"] for q in captured if "cases_case" in q["sql"] and "LIMIT 21" in q["sql"]]
    assert page.count("= ANY(ARRAY(") == 2 and "IN ((SELECT" not in page


@pytest.mark.parametrize("seed", range(3))
def test_pages_list_what_it_sees_whatever_the_ties_between_its_own_and_shared_cases(
    session_api, receiver, owner, other_ngo, seed
):
    """Own and shared cases changed in a few instants, many in the same one: each page's
    shared rows end where its own part's do (`FirstOfEachPart._bound`), and walked either
    either way, at any page size, the pages hold exactly the cases one ordered query would
    (walked backwards, DRF's own cursor lost some: api.pagination.KeysetCursorPagination)."""
    rng = random.Random(seed)
    # created in a random order, so that either may come first of two changed together
    actors = [receiver] * 9 + [owner] * 7
    rng.shuffle(actors)
    cases = [CaseFactory(actor=actor) for actor in actors]
    own = [case for case, actor in zip(cases, actors, strict=True) if actor == receiver]
    theirs = [case for case, actor in zip(cases, actors, strict=True) if actor == owner]
    for case in theirs[:6]:
        share(case, other_ngo)
    start = timezone.now() - dt.timedelta(days=3)
    for case in [*own, *theirs]:
        stamp = start + dt.timedelta(minutes=rng.randrange(3))
        Case.objects.filter(pk=case.pk).update(updated_at=stamp)
    seen = Case.objects.filter(pk__in=[case.pk for case in [*own, *theirs[:6]]])
    expected = list(seen.order_by("updated_at", "pk").values_list("pk", flat=True))
    api = session_api(receiver)
    for size in (1, 2, 3, 5):
        forwards = all_pages(api, "/api/v1/cases/", {"page_size": size})
        assert [row["id"] for row in forwards] == expected, size
        backwards = all_pages_backwards(api, {"page_size": size})
        assert [row["id"] for row in backwards] == expected, size
