"""Writes for reintegration plans, assessments and approvals: the only way they change.

The rules, each in one place:
- whoever may edit a case assesses it, writes its plan and asks for decisions;
- a plan version is edited only while a draft or returned; submitting it asks a supervisor of
  the organisation, who approves it or returns it with a comment, and never decides their own
  request; an approved version is read-only, and a change starts a new version that goes
  through approval again;
- closing a case is asked for with a reason and decided the same way;
- a case moves to "reintegrated" only with an approved plan (`cases.services` asks
  `has_approved_plan`);
- an approved plan is reviewed every three months, and on the 18th birthday of a survivor
  registered as a child, for the handover from child to adult services.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import timeline
from cases.models import Case, CaseEvent, ClosureReason, EventKind, Phase
from organisations.models import User
from returns.services import closure_reason_check

from .models import (
    Action,
    ActionStatus,
    Approval,
    ApprovalKind,
    ApprovalStatus,
    CommunityPreparation,
    Domain,
    DomainScore,
    FamilyAssessment,
    Goal,
    GoalProgress,
    LivelihoodFact,
    NeedsAssessment,
    Occasion,
    Plan,
    PlanReview,
    PlanStatus,
    ProviderKind,
    ServiceDelivery,
)
from .permissions import can_decide, can_work_on_plan, visible_domains
from .reminders import (
    action_reminders_end,
    approval_reminders,
    approval_reminders_end,
    approved_plan_reminders,
    review_reminders_renew,
)

REVIEW_EVERY_MONTHS = 3


def _check_work(actor: User, case: Case) -> None:
    if not can_work_on_plan(actor, case):
        raise PermissionDenied(_("You cannot work on this case's plan."))


def _event(case: Case, actor: User, key: str, **values) -> None:
    CaseEvent.objects.create(
        case=case, kind=EventKind.PLAN, actor=actor, **timeline.message(key, **values)
    )


def months_later(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


def review_due(case: Case, planned: dt.date) -> dt.date:
    """The planned review, or the survivor's 18th birthday if that comes first (and is still
    ahead): a child's plan is reviewed when she becomes an adult."""
    if case.minor_at_intake and timezone.localdate() < case.adult_on < planned:
        return case.adult_on
    return planned


# --- assessments -------------------------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    case: Case,
    assessed_on: dt.date,
    occasion: str,
    scores: dict[str, tuple[int, str]],
) -> NeedsAssessment:
    """A needs assessment: every domain the assessor may see scored 1-4, each with an optional
    note (health is scored by those who may see the case's health facts)."""
    _check_work(actor, case)
    allowed = visible_domains(actor, case)
    if set(scores) - allowed:
        raise PermissionDenied(_("You cannot score the health domain of this case."))
    missing = allowed - set(scores)
    if missing:
        raise ValidationError(
            {"scores": _("Score every domain: %(missing)s.")
             % {"missing": ", ".join(str(Domain(d).label) for d in sorted(missing))}}
        )  # fmt: skip
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": _("An assessment cannot be dated in the future.")})
    assessment = NeedsAssessment.objects.create(
        case=case, assessed_on=assessed_on, occasion=occasion, assessed_by=actor
    )
    for domain, (score, note) in scores.items():
        if domain not in Domain.values or score not in (1, 2, 3, 4):
            raise ValidationError({"scores": _("Each score is from 1 to 4.")})
        DomainScore.objects.create(assessment=assessment, domain=domain, score=score, note=note)
    return assessment


@transaction.atomic
def family_assessment_record(*, actor: User, case: Case, **fields) -> FamilyAssessment:
    _check_work(actor, case)
    assessment = FamilyAssessment(case=case, recorded_by=actor, **fields)
    if assessment.recommendation == "alternative" and not assessment.alternative_option:
        raise ValidationError({"alternative_option": _("Choose the alternative option.")})
    if assessment.recommendation != "alternative":
        assessment.alternative_option = ""
    if assessment.recommendation != "return" and not (assessment.reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for this recommendation.")})
    assessment.full_clean()
    assessment.save()
    return assessment


@transaction.atomic
def community_preparation_record(
    *, actor: User, case: Case, resource, met_on: dt.date, agreed_to: str
) -> CommunityPreparation:
    _check_work(actor, case)
    # Preparing the community means the survivor's own: the province she returns to.
    if not resource.is_active or resource.province_id != case.origin_province_id:
        raise ValidationError(
            {"resource": _("Choose a community resource of the survivor's home province.")}
        )
    step = CommunityPreparation(
        case=case, resource=resource, met_on=met_on, agreed_to=agreed_to, recorded_by=actor
    )
    step.full_clean()
    step.save()
    return step


# --- the plan ----------------------------------------------------------------------------------


def _touch(plan_id: int) -> None:
    """A plan's goals and actions are part of it: a change to them is a change of the plan
    for a partner syncing with `updated_since`."""
    Plan.objects.filter(pk=plan_id).update(updated_at=timezone.now())


def _editable(actor: User, plan: Plan) -> Plan:
    _check_work(actor, plan.case)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_editable:
        raise ValidationError(
            _("Plan version %(version)s is %(status)s: start a new version to change it.")
            % {"version": plan.version, "status": plan.get_status_display().lower()}
        )
    return plan


@transaction.atomic
def plan_start(*, actor: User, case: Case) -> Plan:
    """A new draft version; it starts as a copy of the approved version, if there is one. A
    version already being worked on is returned as it is."""
    _check_work(actor, case)
    Case.objects.select_for_update().filter(pk=case.pk).get()
    current = Plan.objects.filter(
        case=case, status__in=(PlanStatus.DRAFT, PlanStatus.SUBMITTED, PlanStatus.RETURNED)
    ).first()
    if current:
        return current
    approved = Plan.objects.filter(case=case, status=PlanStatus.APPROVED).first()
    version = (Plan.objects.filter(case=case).aggregate(v=Max("version"))["v"] or 0) + 1
    plan = Plan.objects.create(
        case=case,
        version=version,
        created_by=actor,
        review_date=approved.review_date if approved else None,
    )
    if approved:
        for goal in approved.goals.prefetch_related("actions"):
            copy = Goal.objects.create(plan=plan, domain=goal.domain, description=goal.description)
            Action.objects.bulk_create(
                Action(
                    goal=copy,
                    what=a.what,
                    provider_kind=a.provider_kind,
                    referral_id=a.referral_id,
                    resource_id=a.resource_id,
                    target_date=a.target_date,
                    status=a.status,
                    outcome=a.outcome,
                )
                for a in goal.actions.all()
            )
    return plan


@transaction.atomic
def goal_add(*, actor: User, plan: Plan, domain: str, description: str) -> Goal:
    plan = _editable(actor, plan)
    goal = Goal(plan=plan, domain=domain, description=description)
    goal.full_clean()
    goal.save()
    _touch(plan.pk)
    return goal


@transaction.atomic
def action_add(
    *,
    actor: User,
    goal: Goal,
    what: str,
    provider_kind: str,
    target_date: dt.date,
    referral=None,
    resource=None,
) -> Action:
    _editable(actor, goal.plan)
    if provider_kind == ProviderKind.REFERRAL and referral is None:
        raise ValidationError({"referral": _("Choose the referral that provides this service.")})
    if provider_kind == ProviderKind.COMMUNITY and resource is None:
        raise ValidationError({"resource": _("Choose the community resource.")})
    if referral is not None and referral.case_id != goal.plan.case_id:
        raise ValidationError({"referral": _("That referral is not this case's.")})
    action = Action(
        goal=goal,
        what=what,
        provider_kind=provider_kind,
        target_date=target_date,
        referral=referral if provider_kind == ProviderKind.REFERRAL else None,
        resource=resource if provider_kind == ProviderKind.COMMUNITY else None,
    )
    action.full_clean()
    action.save()
    _touch(goal.plan_id)
    return action


@transaction.atomic
def plan_submit(*, actor: User, plan: Plan) -> Approval:
    plan = _editable(actor, plan)
    if not plan.goals.exists():
        raise ValidationError(_("A plan needs at least one goal before it is submitted."))
    if not Action.objects.filter(goal__plan=plan).exists():
        raise ValidationError(_("Give at least one goal an action before submitting the plan."))
    plan.status = PlanStatus.SUBMITTED
    plan.submitted_by, plan.submitted_at = actor, timezone.now()
    plan.save(update_fields=["status", "submitted_by", "submitted_at", "updated_at"])
    approval = Approval.objects.create(
        case=plan.case, kind=ApprovalKind.PLAN, plan=plan, requested_by=actor
    )
    approval_reminders(approval)
    _event(plan.case, actor, "plan.submitted", version=plan.version)
    return approval


@transaction.atomic
def closure_request(*, actor: User, case: Case, reason: str, note: str = "") -> Approval:
    _check_work(actor, case)
    if case.phase == Phase.CLOSED:
        raise ValidationError(_("This case is already closed."))
    if reason not in ClosureReason.values:
        raise ValidationError({"reason": _("Choose the reason for closing the case.")})
    try:
        closure_reason_check(case=case, reason=reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.message_dict["closure_reason"]}) from None
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                case=case,
                kind=ApprovalKind.CLOSURE,
                closure_reason=reason,
                note=note,
                requested_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(_("Closing this case is already waiting for approval.")) from error
    approval_reminders(approval)
    _event(case, actor, "closure.requested", reason=timeline.choice(approval, "closure_reason"))
    return approval


def _pending(actor: User, approval: Approval) -> Approval:
    approval = Approval.objects.select_for_update().select_related("case").get(pk=approval.pk)
    if approval.requested_by_id == actor.pk:
        raise PermissionDenied(_("Someone else must decide your own request."))
    if not can_decide(actor, approval):
        raise PermissionDenied(_("Only a supervisor of the organisation decides this."))
    if approval.status != ApprovalStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    return approval


@transaction.atomic
def approval_approve(*, actor: User, approval: Approval, comment: str = "") -> Approval:
    approval = _pending(actor, approval)
    approval.status = ApprovalStatus.APPROVED
    approval.decided_by, approval.decided_at, approval.comment = actor, timezone.now(), comment
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
    approval_reminders_end(approval)
    if approval.kind == ApprovalKind.PLAN:
        plan = Plan.objects.select_for_update().get(pk=approval.plan_id)
        Plan.objects.filter(case=plan.case_id, status=PlanStatus.APPROVED).update(
            status=PlanStatus.SUPERSEDED, updated_at=timezone.now()
        )
        plan.status = PlanStatus.APPROVED
        plan.review_date = review_due(
            approval.case,
            plan.review_date or months_later(timezone.localdate(), REVIEW_EVERY_MONTHS),
        )
        plan.save(update_fields=["status", "review_date", "updated_at"])
        approved_plan_reminders(plan)
        _event(plan.case, actor, "plan.approved", version=plan.version)
    else:
        from cases.services import case_close

        case_close(actor=actor, approval=approval)
    return approval


@transaction.atomic
def approval_return(*, actor: User, approval: Approval, comment: str) -> Approval:
    approval = _pending(actor, approval)
    if not comment.strip():
        raise ValidationError({"comment": _("Say what needs to change.")})
    approval.status = ApprovalStatus.RETURNED
    approval.decided_by, approval.decided_at, approval.comment = actor, timezone.now(), comment
    approval.save(update_fields=["status", "decided_by", "decided_at", "comment", "updated_at"])
    approval_reminders_end(approval)
    if approval.kind == ApprovalKind.PLAN:
        Plan.objects.filter(pk=approval.plan_id).update(
            status=PlanStatus.RETURNED, updated_at=timezone.now()
        )
        _event(approval.case, actor, "plan.returned", version=approval.plan.version)
    else:
        _event(approval.case, actor, "closure.returned")
    return approval


# --- carrying out the plan ---------------------------------------------------------------------


@transaction.atomic
def action_update(*, actor: User, action: Action, status: str, outcome: str = "") -> Action:
    """Progress on an action of the approved plan: tracking, not a change of the plan."""
    plan = Plan.objects.select_related("case").get(goals__actions=action)
    _check_work(actor, plan.case)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("Only the approved plan's actions are carried out."))
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    action.status, action.outcome = status, outcome
    action.save(update_fields=["status", "outcome"])
    _touch(plan.pk)
    if status in (ActionStatus.DONE, ActionStatus.DROPPED):
        action_reminders_end(action)
    return action


@transaction.atomic
def service_record(
    *, actor: User, action: Action, delivered_on: dt.date, provider: str, note: str = ""
) -> ServiceDelivery:
    plan = Plan.objects.select_related("case").get(goals__actions=action)
    _check_work(actor, plan.case)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("Services are recorded against the approved plan."))
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": _("A service cannot be delivered in the future.")})
    delivery = ServiceDelivery(
        case=plan.case,
        action=action,
        delivered_on=delivered_on,
        provider=provider,
        note=note,
        recorded_by=actor,
    )
    delivery.full_clean()
    delivery.save()
    if action.status == ActionStatus.PLANNED:
        Action.objects.filter(pk=action.pk).update(status=ActionStatus.IN_PROGRESS)
        _touch(plan.pk)
    return delivery


@transaction.atomic
def livelihood_record(*, actor: User, case: Case, **fields) -> LivelihoodFact:
    _check_work(actor, case)
    fact = LivelihoodFact(case=case, recorded_by=actor, **fields)
    goal = fact.goal
    if goal is not None and (goal.plan.case_id != case.pk or goal.domain != Domain.LIVELIHOOD):
        raise ValidationError({"goal": _("Choose a livelihood goal of this case's plan.")})
    fact.full_clean()
    if fact.started_on and fact.ended_on and fact.ended_on < fact.started_on:
        raise ValidationError({"ended_on": _("The end is before the start.")})
    fact.save()
    return fact


@transaction.atomic
def plan_review(
    *,
    actor: User,
    plan: Plan,
    reviewed_on: dt.date,
    progress: dict[int, tuple[str, str]],
    scores: dict[str, tuple[int, str]],
) -> PlanReview:
    """A review of the approved plan: progress per goal, the needs assessment scored again, and
    the next review set three months on."""
    _check_work(actor, plan.case)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("Only the approved plan is reviewed."))
    goals = {goal.pk: goal for goal in plan.goals.all()}
    if set(progress) != set(goals):
        raise ValidationError({"progress": _("Record progress on every goal of the plan.")})
    assessment = assessment_record(
        actor=actor, case=plan.case, assessed_on=reviewed_on, occasion=Occasion.REVIEW,
        scores=scores,
    )  # fmt: skip
    review = PlanReview.objects.create(
        plan=plan, reviewed_on=reviewed_on, assessment=assessment, reviewed_by=actor
    )
    GoalProgress.objects.bulk_create(
        GoalProgress(review=review, goal=goals[pk], progress=value, note=note)
        for pk, (value, note) in progress.items()
    )
    plan.review_date = review_due(plan.case, months_later(reviewed_on, REVIEW_EVERY_MONTHS))
    plan.save(update_fields=["review_date", "updated_at"])
    review_reminders_renew(plan)
    return review
