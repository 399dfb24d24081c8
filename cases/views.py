from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import CaseForm, CounsellingSessionForm, PhaseChangeForm
from .permissions import (
    can_edit_case,
    can_register_cases,
    can_view_sensitive_facts,
)

CASES_PER_PAGE = 25


def _apply_service_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it concerns, keeping what the user typed."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def case_list(request):
    cases = (
        selectors.case_list_visible_to(request.user)
        .select_related("organisation", "assigned_worker", "origin_province")
        .order_by("-intake_date", "-id")
    )
    page = Paginator(cases, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "can_register": can_register_cases(request.user)},
    )


@login_required
def case_detail(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk)
    sensitive = can_view_sensitive_facts(request.user, case)
    editable = can_edit_case(request.user, case)
    context = {
        "case": case,
        "can_edit": editable,
        "show_sensitive": sensitive,
        "sensitive_facts": getattr(case, "sensitive_facts", None) if sensitive else None,
        "consents": selectors.consent_list_for_case(case),
        "sessions": selectors.counselling_session_list_for_case(case),
        "timeline": selectors.case_timeline(case),
        "shared_with": selectors.organisations_with_access(case) if editable else (),
        "phase_form": PhaseChangeForm(case=case) if editable else None,
    }
    return render(request, "cases/case_detail.html", context)


@login_required
def case_create(request):
    if not can_register_cases(request.user):
        raise Http404
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, **form.service_arguments())
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Case %(number)s registered.") % {"number": case.case_number}
            )
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": None})


@login_required
def case_edit(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=request.user, case=case, **form.service_arguments())
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, _("Case updated."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@login_required
@require_POST
def case_phase_change(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    form = PhaseChangeForm(request.POST)
    if form.is_valid():
        try:
            services.case_change_phase(actor=request.user, case=case, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                error = ValidationError(str(error))
            _apply_service_errors(form, error)
        else:
            messages.success(request, _("Phase changed."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/phase_change.html", {"case": case, "form": form}, status=400)


@login_required
def counselling_session_create(request, pk: int):
    case = selectors.case_get_for_user(user=request.user, pk=pk, perm="change")
    form = CounsellingSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.counselling_session_log(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, _("Counselling session logged."))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/session_form.html", {"form": form, "case": case})
