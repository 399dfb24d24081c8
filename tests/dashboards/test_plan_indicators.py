"""The reintegration plan's indicators against a hand-counted data set."""

import pytest
from django.utils import timezone

from dashboards import selectors
from dashboards.disclosure import EXACT, MEDIAN_MIN_COUNT, Tally, perturb_income
from dashboards.forms import DashboardFilters
from dashboards.scope import dashboard_scope_for
from dashboards.tables import dashboard_tables
from followup.models import FollowUpVisit
from plans import services
from plans.models import Domain
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db

ALL = DashboardFilters()


@pytest.fixture
def plans_data(owner, supervisor):
    """Three plans submitted: two approved, one returned; one closure approved. Two services
    by the organisation and one by a community resource. Two family assessments: a return and
    kinship care. At six months: 3 in work or training of 4 visits (incomes 100k, 200k, 400k);
    at twelve months: 1 visit, not working."""
    today = timezone.localdate()
    cases = [CaseFactory(actor=owner) for _ in range(4)]
    for index, case in enumerate(cases[:3]):
        plan = services.plan_start(actor=owner, case=case)
        goal = services.goal_add(
            actor=owner, plan=plan, domain=Domain.LIVELIHOOD, description="Work"
        )
        services.action_add(
            actor=owner, goal=goal, what="Course", provider_kind="own", target_date=today
        )
        approval = services.plan_submit(actor=owner, plan=plan)
        if index < 2:
            services.approval_approve(actor=supervisor, approval=approval)
        else:
            services.approval_return(actor=supervisor, approval=approval, comment="Costs?")
    closure = services.closure_request(actor=owner, case=cases[3], reason="lost_contact")
    services.approval_approve(actor=supervisor, approval=closure)
    action = cases[0].plans.get().goals.get().actions.get()
    for _ in range(2):
        services.service_record(actor=owner, action=action, delivered_on=today, provider="HTS")
    family = cases[1].plans.get().goals.create(domain=Domain.FAMILY, description="Welcome home")
    community_action = family.actions.create(
        what="Pagoda blessing", provider_kind="community", target_date=today
    )
    services.service_record(
        actor=owner, action=community_action, delivered_on=today, provider="Wat"
    )
    base = {
        "visited_on": today, "people_met": "Mother", "family_attitude": "supportive",
        "community_attitude": "supportive",
    }  # fmt: skip
    services.family_assessment_record(actor=owner, case=cases[0], recommendation="return", **base)
    services.family_assessment_record(
        actor=owner, case=cases[1], recommendation="alternative",
        alternative_option="kinship_care", reason="Uncle involved", **base,
    )  # fmt: skip
    six = [
        ("employed", 100_000),
        ("training", None),
        ("own_business", 400_000),
        ("looking", 200_000),
    ]
    for work, income in six:
        FollowUpVisit.objects.create(
            case=cases[0], scheduled_for=today, plan_month=6, status="done", visited_on=today,
            school_or_work=work, monthly_income_riel=income,
        )  # fmt: skip
    FollowUpVisit.objects.create(
        case=cases[1], scheduled_for=today, plan_month=12, status="done", visited_on=today,
        school_or_work="neither",
    )  # fmt: skip


def _table(tables, slug):
    return next(t for t in tables if t.slug == slug)


def test_plan_indicators_count_by_hand(supervisor, plans_data):
    scope = dashboard_scope_for(supervisor)
    assert selectors.plan_decisions(scope, ALL) == {
        ("plan", "approved"): 2,
        ("plan", "returned"): 1,
        ("closure", "approved"): 1,
    }
    assert selectors.services_delivered(scope, ALL) == {
        ("livelihood", "own"): 2,
        ("family", "community"): 1,
    }
    assert selectors.family_recommendations(scope, ALL) == {
        ("return", ""): 1,
        ("alternative", "kinship_care"): 1,
    }
    livelihood = selectors.livelihood_after_return(scope, ALL)
    assert livelihood["counts"] == {(6, True): 3, (6, False): 1, (12, True): 0, (12, False): 1}
    assert livelihood["medians"] == {6: 200_000.0}


def test_supervisors_see_the_plan_tables_exact(supervisor, plans_data):
    scope = dashboard_scope_for(supervisor)
    today = timezone.localdate()
    tables = dashboard_tables(scope, ALL, today=today, protection=EXACT)
    assert _table(tables, "plans").body() == [
        ["Reintegration plan", "2", "1", "3"],
        ["Closing the case", "1", "0", "1"],
    ]
    outcomes = _table(tables, "livelihood-outcomes").body()
    assert outcomes[0] == ["6 months after return", "3", "1", "4", "75% · 200,000"]
    assert outcomes[1] == ["12 months after return", "0", "1", "1", "— · —"]
    recommendations = dict(row[:2] for row in _table(tables, "recommendations").body())
    assert recommendations["Alternative option: Kinship care"] == "1"


def test_a_ministry_sees_too_few_incomes_as_a_dash(officer, plans_data, settings):
    settings.DASHBOARD_MIN_POPULATION = 0
    tables = dashboard_tables(dashboard_scope_for(officer), ALL, today=timezone.localdate())
    outcomes = _table(tables, "livelihood-outcomes").body()
    assert outcomes[0][-1].endswith("· —")  # 3 incomes: under the minimum for a median


def test_income_noise_is_small_and_rounded():
    recorded = Tally(MEDIAN_MIN_COUNT + 5, key=7)
    moved = perturb_income(212_345.0, recorded)
    assert moved % 10_000 == 0 and abs(moved - 212_345) <= 0.04 * 212_345 + 5_000
    assert perturb_income(212_345.0, Tally(3, key=7)) is None
