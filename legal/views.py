"""Recording a case's legal proceedings. The pages are for whoever may record legal detail
(legal/permissions.py); everyone else gets a 404, as for a case they cannot see. Reading is
on the case page (the section of legal/templatetags)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from audit.models import Action
from audit.services import record
from cases.forms import show_service_errors

from . import selectors, services
from .forms import (
    CompensationForm,
    HearingCancelForm,
    HearingForm,
    HearingMoveForm,
    HearingRecordForm,
    LegalProceedingForm,
    ProtectionMeasureForm,
)


def _form_page(request, case, form, title, *, save, done):
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.CREATE, case=case, obj=obj)
            messages.success(request, done)
            return redirect("cases:detail", pk=case.pk)
    return render(request, "legal/form.html", {"case": case, "form": form, "title": title})


@login_required
def proceeding_create(request, case_pk: int):
    case = selectors.case_get_for_legal_recording(user=request.user, pk=case_pk)
    return _form_page(
        request, case, LegalProceedingForm(request.POST or None), _("Add a legal proceeding"),
        save=lambda data: services.legal_proceeding_create(actor=request.user, case=case, **data),
        done=_("Legal proceeding saved."),
    )  # fmt: skip


@login_required
def hearing_create(request, case_pk: int, pk: int):
    proceeding = selectors.proceeding_get_for_recording(user=request.user, case_pk=case_pk, pk=pk)
    return _form_page(
        request, proceeding.case, HearingForm(request.POST or None), _("Schedule a hearing"),
        save=lambda data: services.hearing_schedule(
            actor=request.user, proceeding=proceeding, **data
        ),
        done=_("Hearing scheduled."),
    )  # fmt: skip


@login_required
def hearing_record(request, case_pk: int, pk: int):
    hearing = selectors.hearing_get_for_recording(user=request.user, case_pk=case_pk, pk=pk)
    form = HearingRecordForm(request.POST or None, instance=hearing)
    return _form_page(
        request, hearing.proceeding.case, form, _("Record the hearing"),
        save=lambda data: services.hearing_record(actor=request.user, hearing=hearing, **data),
        done=_("Hearing recorded."),
    )  # fmt: skip


@login_required
def hearing_move(request, case_pk: int, pk: int):
    hearing = selectors.hearing_get_for_recording(user=request.user, case_pk=case_pk, pk=pk)
    form = HearingMoveForm(request.POST or None, instance=hearing)
    return _form_page(
        request, hearing.proceeding.case, form, _("Move the hearing"),
        save=lambda data: services.hearing_move(actor=request.user, hearing=hearing, **data),
        done=_("Hearing moved; its reminders follow the new day."),
    )  # fmt: skip


@login_required
def hearing_cancel(request, case_pk: int, pk: int):
    hearing = selectors.hearing_get_for_recording(user=request.user, case_pk=case_pk, pk=pk)
    return _form_page(
        request, hearing.proceeding.case,
        # Bound on any POST: the form has no field, so an empty POST is a confirmation.
        HearingCancelForm(request.POST if request.method == "POST" else None),
        _("Cancel the hearing"),
        save=lambda data: services.hearing_cancel(actor=request.user, hearing=hearing),
        done=_("Hearing cancelled; no more reminders will be sent for it."),
    )  # fmt: skip


@login_required
def protection_create(request, case_pk: int, pk: int):
    proceeding = selectors.proceeding_get_for_recording(user=request.user, case_pk=case_pk, pk=pk)
    return _form_page(
        request, proceeding.case, ProtectionMeasureForm(request.POST or None),
        _("Add a protection measure"),
        save=lambda data: services.protection_measure_add(
            actor=request.user, proceeding=proceeding, **data
        ),
        done=_("Protection measure saved."),
    )  # fmt: skip


@login_required
def compensation_create(request, case_pk: int, pk: int):
    proceeding = selectors.proceeding_get_for_recording(user=request.user, case_pk=case_pk, pk=pk)
    return _form_page(
        request, proceeding.case, CompensationForm(request.POST or None),
        _("Record compensation"),
        save=lambda data: services.compensation_record(
            actor=request.user, proceeding=proceeding, **data
        ),
        done=_("Compensation saved."),
    )  # fmt: skip
