"""Every indicator against the hand-counted data set of conftest.py, on SQLite and PostgreSQL."""

import pytest

from dashboards import selectors
from dashboards.forms import DashboardFilters
from dashboards.scope import dashboard_scope_for
from dashboards.tables import dashboard_tables

pytestmark = pytest.mark.django_db

ALL = DashboardFilters()


@pytest.fixture
def national(officer):
    return dashboard_scope_for(officer)


def test_caseload_by_province(national, dataset):
    assert selectors.caseload_by_province(national, ALL) == {"01": 8, "02": 5, "12": 6}


def test_caseload_by_organisation(national, dataset, ngo, other_ngo):
    assert selectors.caseload_by_organisation(national, ALL) == {ngo.pk: 12, other_ngo.pk: 7}


def test_caseload_by_phase(national, dataset):
    assert selectors.caseload_by_phase(national, ALL) == {
        "identification": 13,
        "intake": 1,
        "reintegrated": 2,
        "closed": 3,
    }


def test_caseload_by_sex_and_minor_or_adult(national, dataset):
    assert selectors.caseload_by_sex_and_age(national, ALL) == {
        ("female", True): 7,
        ("female", False): 9,
        ("male", True): 1,
        ("male", False): 2,
    }


def test_caseload_by_exploitation_and_movement(national, dataset):
    assert selectors.caseload_by_exploitation(national, ALL) == {
        ("sexual_exploitation", "cross_border"): 7,
        ("forced_labour", "internal"): 3,
        ("forced_labour", "cross_border"): 2,
        ("domestic_servitude", "internal"): 6,
        ("begging", "internal"): 1,
    }


def test_new_cases_by_month(national, dataset):
    early, late = dataset.early.strftime("%Y-%m"), dataset.late.strftime("%Y-%m")
    assert selectors.new_cases_by_month(national, ALL) == {early: 10, late: 9}


def test_cases_closed_by_reason(national, dataset):
    assert selectors.cases_closed_by_reason(national, ALL) == {
        "reintegration_completed": 1,
        "lost_contact": 1,
        "declined_services": 1,
    }


def test_referrals_by_kind_of_organisation(national, dataset):
    counts, _medians = selectors.referral_indicators(national, ALL)
    assert counts == {
        ("ngo", "ngo"): {"accepted": 3, "declined": 2, "unanswered": 2},
        ("ngo", "health_facility"): {"accepted": 1, "declined": 0, "unanswered": 0},
    }


def test_median_days_to_answer(national, dataset):
    # NGO → NGO answered after 2, 3, 4, 5 and 10 days; NGO → health facility after 1 day.
    _counts, medians = selectors.referral_indicators(national, ALL)
    assert medians == {
        ("ngo", "ngo"): 4.0,
        ("ngo", "health_facility"): 1.0,
    }


def test_median_of_an_even_number_of_answers_is_the_mean_of_the_middle_two(national, dataset):
    from referrals.models import Referral

    Referral.objects.filter(case=dataset.cases[8]).delete()  # the 10-day answer
    _counts, medians = selectors.referral_indicators(national, ALL)
    assert medians[("ngo", "ngo")] == 3.5  # 2, 3, 4, 5


def test_followup_visits_due(national, dataset):
    assert selectors.followup_visits_due(national, ALL, today=dataset.today) == {
        "done_on_time": 2,
        "done_late": 1,
        "missed": 1,
        "overdue": 1,
    }


def test_followup_wellbeing(national, dataset):
    counts = {k: v for k, v in selectors.followup_outcomes(national, ALL)["wellbeing"].items() if v}
    assert counts == {
        ("safety", 2): 1,
        ("safety", 4): 1,
        ("safety", 5): 1,
        ("health", 3): 1,
        ("health", 4): 1,
        ("family_acceptance", 4): 1,
        ("family_acceptance", 5): 1,
        ("community_acceptance", 3): 1,
        ("community_acceptance", 4): 1,
    }


def test_followup_livelihood(national, dataset):
    counts = {
        k: v for k, v in selectors.followup_outcomes(national, ALL)["livelihood"].items() if v
    }
    assert counts == {("employed", "middle"): 1, ("own_business", "low"): 1, ("school", "none"): 1}


def test_followup_risk_signs(national, dataset):
    assert selectors.followup_outcomes(national, ALL)["risk"] == {
        "flagged": 1,
        "signs_noted": 1,
        "none": 1,
    }


def test_filters_narrow_every_indicator(national, dataset, ngo):
    males = DashboardFilters(sex="male")
    assert selectors.caseload_by_province(national, males) == {"01": 1, "02": 2}
    minors_of_hts = DashboardFilters(age="minor", organisation_id=ngo.pk)
    assert sum(selectors.caseload_by_phase(national, minors_of_hts).values()) == 7
    begging = DashboardFilters(exploitation_form="begging")
    assert selectors.caseload_by_organisation(national, begging) == {
        dataset.cases[19].organisation_id: 1
    }
    assert selectors.referral_indicators(national, begging) == ({}, {})
    early_only = DashboardFilters(date_to=dataset.early)
    assert selectors.caseload_by_province(national, early_only) == {"01": 7, "02": 3}
    assert selectors.followup_visits_due(
        national, DashboardFilters(province_id="02"), today=dataset.today
    ) == {"done_on_time": 0, "done_late": 0, "missed": 0, "overdue": 0}


def test_provincial_scope_counts_only_its_province(provincial_officer, dataset, ngo, other_ngo):
    scope = dashboard_scope_for(provincial_officer)
    assert selectors.caseload_by_province(scope, ALL) == {"01": 8}
    assert selectors.caseload_by_organisation(scope, ALL) == {ngo.pk: 7, other_ngo.pk: 1}
    # Cases 1, 2, 5, 6 and 7 are from Banteay Meanchey: accepted 2, declined 1, unanswered 2.
    assert selectors.referral_indicators(scope, ALL)[0][("ngo", "ngo")] == {
        "accepted": 2,
        "declined": 1,
        "unanswered": 2,
    }


def test_supervisor_scope_counts_only_their_organisation(supervisor, other_supervisor, dataset):
    hts = dashboard_scope_for(supervisor)
    opn = dashboard_scope_for(other_supervisor)
    assert selectors.caseload_by_province(hts, ALL) == {"01": 7, "02": 5}
    assert selectors.caseload_by_province(opn, ALL) == {"01": 1, "12": 6}
    assert selectors.referral_indicators(opn, ALL) == ({}, {})
    assert selectors.followup_visits_due(opn, ALL, today=dataset.today)["done_on_time"] == 0


def _table(tables, slug):
    return next(t for t in tables if t.slug == slug)


def test_tables_without_suppression_show_every_count(national, dataset):
    tables = dashboard_tables(national, ALL, today=dataset.today, suppressed=False)
    sex_age = _table(tables, "sex-age")
    assert sex_age.body() == [
        ["Female", "7", "9", "16"],
        ["Male", "1", "2", "3"],
        ["Other or not stated", "0", "0", "0"],
    ]
    assert sex_age.footer() == ["Total", "8", "11", "19"]
    referrals = _table(tables, "referrals")
    assert referrals.body() == [
        ["NGO → Health facility", "1", "0", "0", "1", "—"],  # one answer: no median shown
        ["NGO → NGO", "3", "2", "2", "7", "4"],
    ]


def test_tables_with_suppression(national, dataset):
    tables = dashboard_tables(national, ALL, today=dataset.today)
    sex_age = _table(tables, "sex-age")
    # Male 1 and 2 and their total 3 are small; the minors' column then has one hidden cell
    # (1), so 7 goes too; the female row then needs 9, the totals column 16. Only the column
    # totals remain: 8 minors and 11 adults can be split many ways.
    assert sex_age.body() == [
        ["Female", "<5", "<5", "<5"],
        ["Male", "<5", "<5", "<5"],
        ["Other or not stated", "0", "0", "0"],
    ]
    assert sex_age.footer() == ["Total", "8", "11", "19"]
    phase = _table(tables, "phase")
    assert [row[1] for row in phase.body()] == ["13", "<5", "0", "0", "<5", "<5"]
    assert phase.footer() == ["Total", "19"]
    visits = _table(tables, "visits")
    assert [row[1] for row in visits.body()] == ["<5", "<5", "<5", "<5"]
    assert visits.footer() == ["Visits due", "5"]
    province = _table(tables, "province")
    shown = {row[0]: row[1] for row in province.body() if row[1] != "0"}
    assert shown == {"Banteay Meanchey": "8", "Battambang": "5", "Phnom Penh": "6"}


def test_a_lone_small_cell_takes_a_second_cell_with_it(provincial_officer, dataset):
    scope = dashboard_scope_for(provincial_officer)
    organisations = _table(dashboard_tables(scope, ALL, today=dataset.today), "organisation")
    # HTS 7 and OPN 1 with a total of 8: hiding 1 alone would give it away (8 − 7).
    assert [row[1] for row in organisations.body()] == ["<5", "<5"]
    assert organisations.footer() == ["Total", "8"]
