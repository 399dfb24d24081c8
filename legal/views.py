"""Recording a case's legal proceedings. The pages are for whoever may record legal detail
(legal/permissions.py); everyone else gets a 404, as for a case they cannot see. Reading is
on the case page (the section of legal/templatetags)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

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


# What a page records about: found for whoever may record it (a 404 for anyone else), with its case.
def _case(user, case_pk):
    case = selectors.case_get_for_legal_recording(user=user, pk=case_pk)
    return case, case


def _proceeding(user, case_pk, pk):
    proceeding = selectors.proceeding_get_for_recording(user=user, case_pk=case_pk, pk=pk)
    return proceeding, proceeding.case


def _hearing(user, case_pk, pk):
    hearing = selectors.hearing_get_for_recording(user=user, case_pk=case_pk, pk=pk)
    return hearing, hearing.proceeding.case


def _recording_page(find, form_class, title, done, *, save, changes=False, edits=False):
    """A page with one form: `find` the thing it records about, then on a valid POST `save`
    (actor, thing, cleaned data) through the service, audit it and go back to the case page.
    A page that `changes` a record is audited as an update (as the API audits it), one that
    adds one as a creation; a form that `edits` the thing is shown filled in from it. Bound
    on any POST, so a form with no field (a confirmation) is valid when posted empty."""

    @login_required
    def view(request, **kwargs):
        thing, case = find(request.user, **kwargs)
        data = request.POST if request.method == "POST" else None
        form = form_class(data, instance=thing) if edits else form_class(data)
        if form.is_valid():
            try:
                obj = save(request.user, thing, form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                show_service_errors(form, error)
            else:
                action = Action.UPDATE if changes else Action.CREATE
                record(request, action=action, case=case, obj=obj)
                messages.success(request, done)
                return redirect("cases:detail", pk=case.pk)
        return render(request, "legal/form.html", {"case": case, "form": form, "title": title})

    return view


proceeding_create = _recording_page(
    _case, LegalProceedingForm, _("Add a legal proceeding"), _("Legal proceeding saved."),
    save=lambda actor, case, data: services.legal_proceeding_create(
        actor=actor, case=case, **data
    ),
)  # fmt: skip

hearing_create = _recording_page(
    _proceeding, HearingForm, _("Schedule a hearing"), _("Hearing scheduled."),
    save=lambda actor, proceeding, data: services.hearing_schedule(
        actor=actor, proceeding=proceeding, **data
    ),
)  # fmt: skip

hearing_record = _recording_page(
    _hearing, HearingRecordForm, _("Record the hearing"), _("Hearing recorded."),
    save=lambda actor, hearing, data: services.hearing_record(
        actor=actor, hearing=hearing, **data
    ),
    changes=True, edits=True,
)  # fmt: skip

hearing_move = _recording_page(
    _hearing, HearingMoveForm, _("Move the hearing"),
    _("Hearing moved; its reminders follow the new day."),
    save=lambda actor, hearing, data: services.hearing_move(actor=actor, hearing=hearing, **data),
    changes=True, edits=True,
)  # fmt: skip

hearing_cancel = _recording_page(
    _hearing, HearingCancelForm, _("Cancel the hearing"),
    _("Hearing cancelled; no more reminders will be sent for it."),
    save=lambda actor, hearing, data: services.hearing_cancel(actor=actor, hearing=hearing),
    changes=True,
)  # fmt: skip

protection_create = _recording_page(
    _proceeding, ProtectionMeasureForm, _("Add a protection measure"),
    _("Protection measure saved."),
    save=lambda actor, proceeding, data: services.protection_measure_add(
        actor=actor, proceeding=proceeding, **data
    ),
)  # fmt: skip

compensation_create = _recording_page(
    _proceeding, CompensationForm, _("Record compensation"), _("Compensation saved."),
    save=lambda actor, proceeding, data: services.compensation_record(
        actor=actor, proceeding=proceeding, **data
    ),
)  # fmt: skip
