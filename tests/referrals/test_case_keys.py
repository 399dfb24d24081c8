"""Each referral's copy of its case's organisation, worker, risk level and intake date, from
which the receiver's caseload sorts the cases shared with it without reading them, is kept
equal to the case's by the database (referrals.triggers), whatever writes the case or the
referral. A copy left behind would list a shared case out of order, or a case the
organisation now holds twice."""

import datetime as dt
import io
import random

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import selectors
from cases.models import Case
from cases.services import case_assign, case_update
from organisations.models import Role
from referrals.models import Referral
from tests.audit.test_app_role import app_role, connect_as  # noqa: F401 - a fixture
from tests.cases.factories import CaseFactory
from tests.conftest import need_service
from tests.organisations.factories import UserFactory

from .helpers import give_consent, share

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
KEYS = ("organisation_id", "assigned_worker_id", "risk_level", "intake_date")


def copies() -> dict[int, tuple]:
    return {
        row[0]: row[1:]
        for row in Referral.objects.values_list("pk", *(f"case_{key}" for key in KEYS))
    }


def cases_keys() -> dict[int, tuple]:
    """What each referral's copy must hold, read from its case."""
    return {
        row[0]: row[1:]
        for row in Referral.objects.values_list("pk", *(f"case__{key}" for key in KEYS))
    }


def listed(client) -> list[str]:
    return [case.case_number for case in client.get(reverse("cases:list")).context["page"]]


def in_pages(user, per_page: int) -> list[int]:
    """The caseload's ids as its pages read them in turn, each page merged from the own
    organisation's part and the rows made from the grants."""
    grants = selectors.shared_grants(user)
    ids, number = [], 1
    while True:
        pager = selectors.CaseloadIds(selectors.caseload_ids(user, None, grants), number, per_page)
        ids += [row[0] for row in pager.rows]
        if number * per_page >= pager.count():
            return ids
        number += 1


def test_a_referral_takes_its_cases_keys(owner, other_ngo):
    intake = TODAY() - dt.timedelta(days=40)
    case = CaseFactory(actor=owner, risk_level="high", intake_date=intake)
    referral = share(case, other_ngo)
    assert copies() == {referral.pk: (case.organisation_id, owner.pk, "high", intake)}


def test_a_change_of_risk_or_worker_reaches_the_receivers_caseload_order(
    client_for, owner, colleague, supervisor, other_ngo, outsider
):
    """Raised to high risk by its worker, a shared case moves to the top of the receiver's
    caseload; reassigned, its copy names the new worker."""
    older = CaseFactory(actor=owner, risk_level="low", intake_date=TODAY() - dt.timedelta(10))
    newer = CaseFactory(actor=owner, risk_level="low", intake_date=TODAY() - dt.timedelta(2))
    for case in (older, newer):
        share(case, other_ngo)
    client = client_for(outsider)
    assert listed(client) == [newer.case_number, older.case_number]

    case_update(actor=owner, case=Case.objects.get(pk=older.pk), risk_level="high")
    assert listed(client) == [older.case_number, newer.case_number]

    case_assign(actor=supervisor, case=Case.objects.get(pk=older.pk), worker=colleague)
    assert copies() == cases_keys()
    assert {keys[1] for keys in copies().values()} == {owner.pk, colleague.pk}


def test_a_case_transferred_to_its_receiver_is_listed_once(client_for, owner, other_ngo, outsider):
    """A case its receiver now holds is among the receiver's own cases, not also among
    those shared with it, however it came there (here, an update outside the services)."""
    case = CaseFactory(actor=owner)
    share(case, other_ngo)
    client = client_for(outsider)
    assert listed(client) == [case.case_number]

    Case.objects.filter(pk=case.pk).update(organisation=other_ngo, assigned_worker=outsider)

    assert copies() == cases_keys()
    page = client.get(reverse("cases:list")).context["page"]
    assert [c.case_number for c in page] == [case.case_number]
    assert page.paginator.count == 1


def test_a_stale_referral_saved_again_keeps_the_cases_new_keys(owner, other_ngo):
    case = CaseFactory(actor=owner, risk_level="low")
    referral = share(case, other_ngo)
    stale = Referral.objects.get(pk=referral.pk)  # read before the change of risk
    Case.objects.filter(pk=case.pk).update(risk_level="high")

    stale.outcome = "Saved from an instance read before the change."
    stale.save()

    assert copies()[referral.pk][2] == "high"


def test_after_random_writes_every_copy_equals_its_case_and_the_caseload_its_order(
    owner, colleague, ngo, other_ngo, outsider
):
    """Seeded random sequences of the writes that change a case's keys or a referral's
    copy: queryset updates, instances saved, stale referrals saved, a case moving to the
    receiver and back, copies written directly. After each, every copy equals its case, and
    the receiver's caseload, read page by page as the page reads it, is the export's order
    (`caseload_order`, one query that reads every case), for a supervisor and for a worker
    who sees only the cases assigned to them."""
    rng = random.Random(20261203)  # noqa: S311 - test data
    today = TODAY()
    other_ngo.workers_see_assigned_only = True
    other_ngo.save()
    receiver_worker = UserFactory(organisation=other_ngo, role=Role.SOCIAL_WORKER)
    days = [today - dt.timedelta(days=n) for n in (0, 1, 1, 5, 30)]  # some the same day
    risks = ["high", "medium", "low"]
    theirs = [
        CaseFactory(actor=rng.choice([owner, colleague]), risk_level=rng.choice(risks))
        for _ in range(8)
    ]
    own = [CaseFactory(actor=receiver_worker, risk_level=rng.choice(risks)) for _ in range(4)]
    own += [CaseFactory(actor=outsider, risk_level=rng.choice(risks)) for _ in range(2)]
    referrals = []
    for number, case in enumerate(theirs):
        consent = give_consent(case, owner, organisation=other_ngo)
        referrals.append(
            share(case, other_ngo, consent=consent, case_facts=number % 3 > 0, service="shelter")
        )
        if number % 4 == 0:  # a second referral of the same case, sharing more
            referrals.append(share(case, other_ngo, consent=consent, service="legal_aid"))
    workers = {ngo.pk: [owner, colleague, None], other_ngo.pk: [receiver_worker, outsider, None]}

    def step() -> str:
        case = Case.objects.get(pk=rng.choice(theirs).pk)
        referral = rng.choice(referrals)
        match rng.randrange(7):
            case 0:
                risk = rng.choice(risks)
                Case.objects.filter(pk=case.pk).update(risk_level=risk)
                return f"case {case.pk} at {risk} risk"
            case 1:
                day = rng.choice(days)
                Case.objects.filter(pk=case.pk).update(intake_date=day)
                return f"case {case.pk} taken in on {day}"
            case 2:
                case.assigned_worker = rng.choice(workers[case.organisation_id])
                case.risk_level = rng.choice(risks)
                case.save()
                return f"case {case.pk} saved, assigned to {case.assigned_worker_id}"
            case 3:
                to = other_ngo if case.organisation_id == ngo.pk else ngo
                worker = rng.choice(workers[to.pk])
                Case.objects.filter(pk=case.pk).update(organisation=to, assigned_worker=worker)
                return f"case {case.pk} moved to {to.short_name}, assigned to {worker}"
            case 4:
                stale = Referral.objects.get(pk=referral.pk)
                Case.objects.filter(pk=referral.case_id).update(risk_level=rng.choice(risks))
                stale.save()
                return f"stale referral {referral.pk} saved after its case changed"
            case 5:
                Referral.objects.filter(pk=referral.pk).update(
                    case_organisation_id=other_ngo.pk,
                    case_assigned_worker_id=receiver_worker.pk,
                    case_risk_level="high",
                    case_intake_date=today,
                )
                return f"referral {referral.pk} copy written directly"
            case _:
                Referral.objects.filter(pk=referral.pk).update(
                    status=rng.choice(["accepted", "in_progress"])
                )
                return f"referral {referral.pk} status written"

    for number in range(60):
        done = step()
        assert copies() == cases_keys(), f"after step {number}: {done}"
        for user in (outsider, receiver_worker):
            expected = list(selectors.caseload_order(user).values_list("pk", flat=True))
            assert in_pages(user, 4) == expected, f"{user}, after step {number}: {done}"


@pytest.mark.django_db(transaction=True)
def test_a_case_changed_while_it_is_referred_waits_for_the_referral(places, owner, other_ngo):
    """A case changed while a referral of it is being sent cannot leave the referral with
    the old values: the change cannot reach a referral not yet committed, so the referral's
    insert holds the case's row until it commits, and the change waits for it."""
    from django.db import connections, transaction
    from django.db.utils import OperationalError

    need_service(connection.vendor == "postgresql", "row locks are PostgreSQL's")
    case = CaseFactory(actor=owner, risk_level="low")
    other = connections.create_connection("default")
    update = "UPDATE cases_case SET risk_level = 'high' WHERE id = %s"
    try:
        with transaction.atomic():
            referral = share(case, other_ngo)
            with other.cursor() as changing:
                changing.execute("SET lock_timeout = '300ms'")
                with pytest.raises(OperationalError, match="lock timeout"):
                    changing.execute(update, [case.pk])
        with other.cursor() as changing:  # the referral sent, the change goes on
            changing.execute(update, [case.pk])
    finally:
        other.close()
    assert copies()[referral.pk][2] == "high"


@pytest.mark.django_db(transaction=True)
def test_the_applications_database_role_keeps_the_case_keys(
    places,
    owner,
    other_ngo,
    app_role,  # noqa: F811 - the fixture imported above
):
    """The application's role (`grant_app_role`) runs the triggers: a referral written
    reads its case, and a case changed rewrites its referrals."""
    from django.core.management import call_command

    case = CaseFactory(actor=owner, risk_level="low")
    referral = share(case, other_ngo)
    call_command("grant_app_role", app_role, stdout=io.StringIO())
    app = connect_as(app_role)
    try:
        app.execute("UPDATE referrals_referral SET outcome = 'seen' WHERE id = %s", [referral.pk])
        app.execute("UPDATE cases_case SET risk_level = 'high' WHERE id = %s", [case.pk])
    finally:
        app.connection.close()
    assert copies() == cases_keys()
    assert copies()[referral.pk][2] == "high"
