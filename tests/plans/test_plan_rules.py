"""The reintegration plan's rules, at the service level."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.models import EventKind, Phase
from cases.services import case_change_phase
from plans import services
from plans.models import (
    AlternativeOption,
    Approval,
    ApprovalStatus,
    Domain,
    Plan,
    PlanStatus,
    ServiceDelivery,
)
from plans.permissions import visible_domains
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
SCORES = {domain: (2, "") for domain in Domain.values}


@pytest.fixture(autouse=True)
def _frozen(time_machine):
    # 10:00 in Phnom Penh.
    time_machine.move_to(dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC), tick=False)


def _draft(case, actor):
    plan = services.plan_start(actor=actor, case=case)
    goal = services.goal_add(
        actor=actor, plan=plan, domain=Domain.LIVELIHOOD, description="Earn a living by sewing"
    )
    services.action_add(
        actor=actor,
        goal=goal,
        what="Sewing course",
        provider_kind="own",
        target_date=TODAY + dt.timedelta(days=60),
    )
    return plan


def _approved(case, worker, supervisor):
    plan = _draft(case, worker)
    approval = services.plan_submit(actor=worker, plan=plan)
    services.approval_approve(actor=supervisor, approval=approval)
    plan.refresh_from_db()
    return plan


def test_a_worker_submits_and_a_supervisor_approves(case, owner, supervisor):
    plan = _draft(case, owner)
    approval = services.plan_submit(actor=owner, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    services.approval_approve(actor=supervisor, approval=approval, comment="Good plan.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.review_date == dt.date(2027, 3, 1)  # every three months while open
    messages = list(case.events.filter(kind=EventKind.PLAN).values_list("message", flat=True))
    assert sorted(messages) == ["plan.approved", "plan.submitted"]


def test_nobody_approves_their_own_plan(case, supervisor):
    plan = _draft(case, supervisor)
    approval = services.plan_submit(actor=supervisor, plan=plan)
    with pytest.raises(PermissionDenied):
        services.approval_approve(actor=supervisor, approval=approval)
    with pytest.raises(PermissionDenied):
        services.approval_return(actor=supervisor, approval=approval, comment="Fine")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING


def test_a_worker_cannot_approve(case, owner, colleague):
    approval = services.plan_submit(actor=owner, plan=_draft(case, owner))
    with pytest.raises(PermissionDenied):
        services.approval_approve(actor=colleague, approval=approval)


def test_another_organisations_supervisor_cannot_decide(case, owner, outsider):
    approval = services.plan_submit(actor=owner, plan=_draft(case, owner))
    with pytest.raises(PermissionDenied):
        services.approval_approve(actor=outsider, approval=approval)


def test_returned_plan_is_fixed_and_resubmitted(case, owner, supervisor):
    plan = _draft(case, owner)
    approval = services.plan_submit(actor=owner, plan=plan)
    with pytest.raises(ValidationError):
        services.approval_return(actor=supervisor, approval=approval, comment="  ")
    services.approval_return(actor=supervisor, approval=approval, comment="Add family goal.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    services.goal_add(actor=owner, plan=plan, domain=Domain.FAMILY, description="Go home")
    again = services.plan_submit(actor=owner, plan=plan)
    services.approval_approve(actor=supervisor, approval=again)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.version == 1
    assert [a.status for a in Approval.objects.order_by("pk")] == ["returned", "approved"]


def test_an_approved_plan_is_read_only(case, owner, supervisor):
    plan = _approved(case, owner, supervisor)
    with pytest.raises(ValidationError):
        services.goal_add(actor=owner, plan=plan, domain=Domain.LEGAL, description="Testify")
    with pytest.raises(ValidationError):
        services.action_add(
            actor=owner, goal=plan.goals.get(), what="More", provider_kind="own",
            target_date=TODAY,
        )  # fmt: skip
    with pytest.raises(ValidationError):
        services.plan_submit(actor=owner, plan=plan)


def test_a_change_makes_a_new_version_that_needs_approval(case, owner, supervisor):
    first = _approved(case, owner, supervisor)
    second = services.plan_start(actor=owner, case=case)
    assert second.version == 2 and second.status == PlanStatus.DRAFT
    assert [g.description for g in second.goals.all()] == ["Earn a living by sewing"]
    services.goal_add(actor=owner, plan=second, domain=Domain.EDUCATION, description="School")
    approval = services.plan_submit(actor=owner, plan=second)
    first.refresh_from_db()
    assert first.status == PlanStatus.APPROVED  # still in force while the new one waits
    services.approval_approve(actor=supervisor, approval=approval)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPROVED)


def test_the_database_holds_one_open_and_one_approved_version(case, owner):
    Plan.objects.create(case=case, version=1, created_by=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(case=case, version=2, created_by=owner)


def test_reintegration_is_refused_without_an_approved_plan(case, owner, supervisor):
    for phase in (Phase.INTAKE, Phase.REINTEGRATION_PLANNING):
        case = case_change_phase(actor=owner, case=case, to_phase=phase)
    with pytest.raises(ValidationError) as refused:
        case_change_phase(actor=owner, case=case, to_phase=Phase.REINTEGRATED)
    assert "approved plan" in str(refused.value)
    plan = _draft(case, owner)
    services.plan_submit(actor=owner, plan=plan)
    with pytest.raises(ValidationError):  # submitted is not approved
        case_change_phase(actor=owner, case=case, to_phase=Phase.REINTEGRATED)
    services.approval_approve(actor=supervisor, approval=Approval.objects.get())
    case = case_change_phase(actor=owner, case=case, to_phase=Phase.REINTEGRATED)
    assert case.phase == Phase.REINTEGRATED


def test_closure_is_requested_and_approved_by_someone_else(case, owner, supervisor):
    approval = services.closure_request(
        actor=owner, case=case, reason="reintegration_completed", note="Stable for a year."
    )
    with pytest.raises(ValidationError):  # one request at a time
        services.closure_request(actor=owner, case=case, reason="lost_contact")
    with pytest.raises(PermissionDenied):
        services.approval_approve(actor=owner, approval=approval)
    services.approval_approve(actor=supervisor, approval=approval)
    case.refresh_from_db()
    assert case.phase == Phase.CLOSED and case.closure_reason == "reintegration_completed"


def test_a_case_closes_only_through_an_approved_closure_request(case, owner, supervisor):
    from cases.services import case_close

    pending = services.closure_request(actor=owner, case=case, reason="moved_away")
    with pytest.raises(ValidationError, match="request to close it"):
        case_change_phase(actor=supervisor, case=case, to_phase=Phase.CLOSED)
    with pytest.raises(ValidationError, match="request to close it"):
        case_close(actor=supervisor, approval=pending)  # not decided yet
    case.refresh_from_db()
    assert case.phase != Phase.CLOSED
    services.approval_approve(actor=supervisor, approval=pending)
    case.refresh_from_db()
    assert case.phase == Phase.CLOSED and case.closure_reason == "moved_away"
    assert case.closed_on == timezone.localdate()


def test_community_preparation_engages_only_the_home_provinces_resources(case, owner):
    from followup.services import community_resource_create
    from organisations.models import Province

    elsewhere = Province.objects.exclude(pk=case.origin_province_id).first()
    far = community_resource_create(actor=owner, kind="pagoda", name="Wat Sok", province=elsewhere)
    with pytest.raises(ValidationError) as refused:
        services.community_preparation_record(
            actor=owner, case=case, resource=far, met_on=TODAY, agreed_to="Visit"
        )
    assert "home province" in refused.value.message_dict["resource"][0]
    near = community_resource_create(
        actor=owner, kind="pagoda", name="Wat Chan", province=case.origin_province
    )
    step = services.community_preparation_record(
        actor=owner, case=case, resource=near, met_on=TODAY, agreed_to="Visit"
    )
    assert step.resource == near


def test_a_supervisors_own_closure_request_needs_another_supervisor(case, supervisor, ngo):
    approval = services.closure_request(actor=supervisor, case=case, reason="lost_contact")
    with pytest.raises(PermissionDenied):
        services.approval_approve(actor=supervisor, approval=approval)
    other = UserFactory(username="supervisor2", organisation=ngo, role="supervisor")
    services.approval_return(actor=other, approval=approval, comment="Try the commune first.")
    case.refresh_from_db()
    assert case.phase != Phase.CLOSED


def test_services_delivered_are_recorded_against_the_approved_plan(case, owner, supervisor):
    draft = _draft(case, owner)
    with pytest.raises(ValidationError):
        services.service_record(
            actor=owner, action=draft.goals.get().actions.get(), delivered_on=TODAY,
            provider="HTS",
        )  # fmt: skip
    services.plan_submit(actor=owner, plan=draft)
    services.approval_approve(actor=supervisor, approval=Approval.objects.get())
    action = draft.goals.get().actions.get()
    with pytest.raises(ValidationError):
        services.service_record(
            actor=owner, action=action, delivered_on=TODAY + dt.timedelta(days=1), provider="HTS"
        )
    services.service_record(
        actor=owner, action=action, delivered_on=TODAY, provider="HTS", note="First class"
    )
    delivered = ServiceDelivery.objects.get()
    assert (delivered.case_id, delivered.provider) == (case.pk, "HTS")
    action.refresh_from_db()
    assert action.status == "in_progress"


def test_an_alternative_option_needs_its_kind_and_a_reason(case, owner):
    base = {
        "visited_on": TODAY,
        "people_met": "Mother, village chief",
        "family_attitude": "hostile",
        "community_attitude": "mixed",
        "family_member_involved": True,
        "recommendation": "alternative",
    }
    with pytest.raises(ValidationError):
        services.family_assessment_record(actor=owner, case=case, **base, reason="Uncle sold her")
    with pytest.raises(ValidationError):
        services.family_assessment_record(
            actor=owner, case=case, **base, alternative_option=AlternativeOption.KINSHIP_CARE
        )
    assessment = services.family_assessment_record(
        actor=owner, case=case, **base, alternative_option=AlternativeOption.KINSHIP_CARE,
        reason="Her uncle recruited her; an aunt in Takeo will take her in.",
    )  # fmt: skip
    assert assessment.alternative_option == "kinship_care"


def test_an_assessment_scores_every_domain(case, owner):
    partial = {Domain.SAFETY: (1, "Recruiter lives nearby")}
    with pytest.raises(ValidationError):
        services.assessment_record(
            actor=owner, case=case, assessed_on=TODAY, occasion="intake", scores=partial
        )
    assessment = services.assessment_record(
        actor=owner, case=case, assessed_on=TODAY, occasion="intake", scores=SCORES
    )
    assert assessment.scores.count() == len(Domain.values)


def test_a_review_records_progress_and_sets_the_next_review(case, owner, supervisor):
    plan = _approved(case, owner, supervisor)
    goal = plan.goals.get()
    with pytest.raises(ValidationError):
        services.plan_review(actor=owner, plan=plan, reviewed_on=TODAY, progress={}, scores=SCORES)
    review = services.plan_review(
        actor=owner, plan=plan, reviewed_on=TODAY, progress={goal.pk: ("some", "Half the course")},
        scores=SCORES,
    )  # fmt: skip
    plan.refresh_from_db()
    assert review.assessment.occasion == "review"
    assert plan.review_date == dt.date(2027, 3, 1)


def test_an_outsider_cannot_touch_the_plan(case, outsider):
    with pytest.raises(PermissionDenied):
        services.plan_start(actor=outsider, case=case)
    with pytest.raises(PermissionDenied):
        services.closure_request(actor=outsider, case=case, reason="lost_contact")


def test_health_goals_are_hidden_from_those_who_may_not_see_health(case, owner, colleague, ngo):
    ngo.workers_see_assigned_only = False
    ngo.save()
    assert Domain.HEALTH in visible_domains(owner, case)
    assert Domain.HEALTH not in visible_domains(colleague, case)


def test_months_later_keeps_the_end_of_month():
    assert services.months_later(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert timezone.localdate() == TODAY


@pytest.mark.parametrize(
    ("utc", "review"),
    [
        # 23:59 in Phnom Penh the day before her 18th birthday: reviewed on the birthday.
        (dt.datetime(2027, 1, 14, 16, 59, tzinfo=dt.UTC), dt.date(2027, 1, 15)),
        # Midnight in Phnom Penh: she is 18 today, so the plan keeps the three months.
        (dt.datetime(2027, 1, 14, 17, 0, tzinfo=dt.UTC), dt.date(2027, 4, 15)),
    ],
)
def test_a_childs_plan_is_reviewed_on_her_18th_birthday(
    time_machine, owner, supervisor, utc, review
):
    from tests.cases.factories import CaseFactory

    child = CaseFactory(
        actor=owner, date_of_birth=dt.date(2009, 1, 15), intake_date=dt.date(2026, 11, 1)
    )
    assert child.minor_at_intake
    plan = _draft(child, owner)
    approval = services.plan_submit(actor=owner, plan=plan)
    time_machine.move_to(utc, tick=False)
    services.approval_approve(actor=supervisor, approval=approval)
    plan.refresh_from_db()
    assert plan.review_date == review


def test_a_review_before_her_18th_birthday_sets_the_next_one_on_it(case, owner, supervisor):
    from tests.cases.factories import CaseFactory

    child = CaseFactory(
        actor=owner, date_of_birth=dt.date(2009, 2, 10), intake_date=dt.date(2026, 11, 1)
    )
    adult = _approved(case, owner, supervisor)
    plan = _approved(child, owner, supervisor)
    assert plan.review_date == dt.date(2027, 2, 10) and adult.review_date == dt.date(2027, 3, 1)
    goal = plan.goals.get()
    services.plan_review(
        actor=owner, plan=plan, reviewed_on=TODAY, progress={goal.pk: ("some", "")},
        scores=SCORES,
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.review_date == dt.date(2027, 2, 10)  # still before the three months
