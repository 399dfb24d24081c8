"""Recording a case's cross-border return. The pages are for whoever may record it
(returns/permissions.py); everyone else gets a 404, as for a case they cannot see. Reading is
on the case page (the section of returns/templatetags)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from cases.forms import show_service_errors

from . import selectors, services
from .forms import ReturnForm, StepForm
from .models import Step


def _form_page(request, case, form, title, *, save, done, action=Action.CREATE):
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form)
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=action, case=case, obj=obj)
            messages.success(request, done)
            return redirect(reverse("cases:detail", args=[case.pk]) + "#return")
    return render(request, "returns/form.html", {"case": case, "form": form, "title": title})


@login_required
def return_start(request, case_pk: int):
    case = selectors.case_get_for_return_recording(user=request.user, pk=case_pk)
    return _form_page(
        request, case, ReturnForm(request.POST or None), _("Start a cross-border return"),
        save=lambda form: services.return_start(actor=request.user, case=case, **form.cleaned_data),
        done=_("Cross-border return saved."),
    )  # fmt: skip


@login_required
def return_edit(request, case_pk: int):
    ret = selectors.return_get_for_recording(user=request.user, case_pk=case_pk)
    return _form_page(
        request, ret.case, ReturnForm(request.POST or None, instance=ret),
        _("Correct the cross-border return"),
        save=lambda form: services.return_update(
            actor=request.user, cross_border_return=ret, **form.cleaned_data
        ),
        done=_("Cross-border return saved."), action=Action.UPDATE,
    )  # fmt: skip


@login_required
def step_record(request, case_pk: int, step: str):
    if step not in Step.values or step == Step.IDENTIFIED:
        raise Http404("No such step.")
    ret = selectors.return_get_for_recording(user=request.user, case_pk=case_pk)
    form = StepForm(request.POST or None, step=step, cross_border_return=ret)
    return _form_page(
        request, ret.case, form, Step(step).label,
        save=lambda form: services.return_step_record(
            actor=request.user, cross_border_return=ret, step=step, **form.service_data()
        ),
        done=_("Step recorded."), action=Action.UPDATE,
    )  # fmt: skip
