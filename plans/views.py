"""Pages of the reintegration plan. The plan belongs to the organisation that owns the case:
whoever may edit the case works on it (404 for everyone else, including organisations the case
is shared with); supervisors decide. Every read of a plan page is in the access log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import Action as AuditAction
from audit.services import record
from cases.forms import show_service_errors
from cases.permissions import active_membership
from cases.selectors import case_get_for_user
from cases.templatetags.local_dates import local_date
from followup.models import CommunityResource
from referrals.models import Referral
from webforms.submissions import show_earlier, submit_once

from . import selectors, services, work
from .charts import scores_chart
from .forms import (
    ActionForm,
    AssessmentForm,
    ClosureRequestForm,
    CommunityPreparationForm,
    DecisionForm,
    FamilyAssessmentForm,
    GoalForm,
    LivelihoodForm,
    ServiceDeliveryForm,
)
from .models import Action, Approval, Domain
from .permissions import can_decide, can_decide_approvals, visible_domains


def _case(request, pk):
    return case_get_for_user(user=request.user, pk=pk, perm="change")


def _saved(request, case, obj, text):
    record(request, action=AuditAction.CREATE, case=case, obj=obj)
    messages.success(request, text)
    return redirect("plans:plan", pk=case.pk)


@login_required
def plan(request, pk: int):
    case = _case(request, pk)
    record(request, action=AuditAction.VIEW, case=case)
    domains = visible_domains(request.user, case)
    versions = selectors.plan_versions(case)
    assessments = selectors.assessments_with_scores(case)
    ordered = [d for d in Domain.values if d in domains]
    approvals = list(selectors.approvals_for_case(case))
    context = {
        "case": case,
        "approved": versions["approved"],
        "open": versions["open"],
        "domains": domains,
        "assessments": assessments,
        "chart": scores_chart(assessments, ordered, _("Needs assessment scores over time")),
        "family_assessments": case.family_assessments.all(),
        "preparation": case.community_preparation.select_related("resource"),
        "livelihood": case.livelihood_facts.all(),
        "delivered": selectors.services_delivered(case),
        "approvals": approvals,
        "decidable": [
            a for a in approvals if a.status == "pending" and can_decide(request.user, a)
        ],
        "closure_waiting": next(
            (a for a in approvals if a.status == "pending" and a.kind == "closure"), None
        ),
        "decision_form": DecisionForm(),
    }
    return render(request, "plans/plan.html", context)


def _form_page(request, case, form, title, *, save, done):
    if request.method == "POST" and form.is_valid():
        try:
            # Once per form token: a double tap saves one record and shows the plan.
            saved = submit_once(
                user=request.user,
                token=form.submission,
                create=lambda: save(form),
                url_for=lambda obj: reverse("plans:plan", args=[case.pk]),
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            if saved.repeated:
                return show_earlier(request, saved.url)
            return _saved(request, case, saved.obj, done)
    return render(request, "plans/form.html", {"case": case, "form": form, "title": title})


@login_required
def assessment_create(request, pk: int):
    case = _case(request, pk)
    form = AssessmentForm(request.POST or None, domains=visible_domains(request.user, case))

    def save(form):
        data = form.cleaned_data
        return services.assessment_record(
            actor=request.user, case=case, assessed_on=data["assessed_on"],
            occasion=data["occasion"], scores=form.scores(),
        )  # fmt: skip

    return _form_page(
        request, case, form, _("Needs assessment"), save=save, done=_("Assessment saved.")
    )


@login_required
def family_assessment_create(request, pk: int):
    case = _case(request, pk)
    form = FamilyAssessmentForm(request.POST or None)
    return _form_page(
        request, case, form, _("Family assessment before return"),
        save=lambda f: services.family_assessment_record(
            actor=request.user, case=case, **f.cleaned_data
        ),
        done=_("Family assessment saved."),
    )  # fmt: skip


@login_required
def community_preparation_create(request, pk: int):
    case = _case(request, pk)
    form = CommunityPreparationForm(request.POST or None, case=case)
    return _form_page(
        request, case, form, _("Community preparation"),
        save=lambda f: services.community_preparation_record(
            actor=request.user, case=case, **f.cleaned_data
        ),
        done=_("Community preparation saved."),
    )  # fmt: skip


@login_required
def plan_edit(request, pk: int):
    """The version being worked on: started (as a copy of the approved one) on first visit."""
    case = _case(request, pk)
    domains = visible_domains(request.user, case)
    if request.method == "POST":
        draft = selectors.plan_versions(case)["open"]
        if draft is None:
            raise Http404("No plan being written.")
    else:
        try:
            draft = services.plan_start(actor=request.user, case=case)
        except PermissionDenied as error:
            raise Http404("No such case.") from error
    goals = draft.goals.filter(domain__in=domains)
    goal_form = GoalForm(
        request.POST if "add_goal" in request.POST else None, domains=domains, prefix="goal"
    )
    action_form = ActionForm(
        request.POST if "add_action" in request.POST else None,
        plan=draft,
        goals=goals,
        referrals=Referral.objects.filter(case=case).select_related("to_organisation"),
        resources=CommunityResource.objects.filter(
            is_active=True, province_id=case.origin_province_id
        ),
        prefix="action",
    )
    if request.method == "POST":
        form = goal_form if "add_goal" in request.POST else action_form
        if form.is_valid():

            def add():
                if form is goal_form:
                    return services.goal_add(actor=request.user, plan=draft, **form.cleaned_data)
                return services.action_add(actor=request.user, **dict(form.cleaned_data))

            try:
                saved = submit_once(
                    user=request.user,
                    token=form.submission,
                    create=add,
                    url_for=lambda obj: reverse("plans:edit", args=[case.pk]),
                )
            except (ValidationError, PermissionDenied) as error:
                show_service_errors(form, error)
            else:
                if saved.repeated:
                    return show_earlier(request, saved.url)
                messages.success(request, _("Plan saved."))
                return redirect("plans:edit", pk=case.pk)
    record(request, action=AuditAction.VIEW, case=case)
    context = {
        "case": case,
        "plan": draft,
        "domains": domains,
        "goals": goals.prefetch_related("actions"),
        "goal_form": goal_form,
        "action_form": action_form,
    }
    return render(request, "plans/plan_edit.html", context)


@login_required
@require_POST
def plan_submit(request, pk: int):
    case = _case(request, pk)
    draft = selectors.plan_versions(case)["open"]
    if draft is None:
        raise Http404("No plan being written.")
    try:
        approval = services.plan_submit(actor=request.user, plan=draft)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("plans:edit", pk=case.pk)
    return _saved(request, case, approval, _("Plan submitted for approval."))


@login_required
@require_POST
def approval_decide(request, pk: int, approval_pk: int):
    case = case_get_for_user(user=request.user, pk=pk)
    approval = get_object_or_404(Approval, pk=approval_pk, case=case)
    if not can_decide(request.user, approval):
        raise Http404("No such request.")
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if request.POST.get("decision") == "approve":
            services.approval_approve(actor=request.user, approval=approval, comment=comment)
            messages.success(request, _("Approved."))
        else:
            services.approval_return(actor=request.user, approval=approval, comment=comment)
            messages.success(request, _("Returned with your comment."))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    record(request, action=AuditAction.UPDATE, case=case, obj=approval)
    return redirect("plans:plan", pk=case.pk)


@login_required
def closure_request_create(request, pk: int):
    case = _case(request, pk)
    form = ClosureRequestForm(request.POST or None)
    return _form_page(
        request, case, form, _("Ask to close the case"),
        save=lambda f: services.closure_request(actor=request.user, case=case, **f.cleaned_data),
        done=_("Closure requested: a supervisor will decide."),
    )  # fmt: skip


@login_required
def service_create(request, pk: int, action_pk: int):
    case = _case(request, pk)
    action = get_object_or_404(Action, pk=action_pk, goal__plan__case=case)
    if action.goal.domain not in visible_domains(request.user, case):
        raise Http404("No such action.")
    form = ServiceDeliveryForm(request.POST or None)
    return _form_page(
        request, case, form, _("Service delivered: %(what)s") % {"what": action.what},
        save=lambda f: services.service_record(actor=request.user, action=action, **f.cleaned_data),
        done=_("Service recorded."),
    )  # fmt: skip


@login_required
def livelihood_create(request, pk: int):
    case = _case(request, pk)
    form = LivelihoodForm(request.POST or None)
    return _form_page(
        request, case, form, _("Livelihood: training, job or business"),
        save=lambda f: services.livelihood_record(actor=request.user, case=case, **f.cleaned_data),
        done=_("Livelihood saved."),
    )  # fmt: skip


@login_required
def approvals(request):
    """Plans and closures waiting for a supervisor's decision."""
    if not can_decide_approvals(request.user):
        raise Http404("No approvals.")
    membership = active_membership(request.user)
    waiting = selectors.approvals_waiting(organisation_id=membership.organisation_id)
    record(request, action=AuditAction.LIST, cases=[a.case for a in waiting])
    return render(request, "plans/approvals.html", {"waiting": waiting})


@login_required
def my_work(request):
    """A person's work for today, most urgent first."""
    mine = work.my_work(request.user)
    record(request, action=AuditAction.LIST, cases=sorted({item.case_pk for item in mine.items}))
    # Each date written out once: a hundred rows fall on a few days.
    days = {due: local_date(due) for due in {item.due for item in mine.items}}
    rows = [(item, days[item.due]) for item in mine.items]
    return render(request, "plans/my_work.html", {"work": mine, "items": mine.items, "rows": rows})
