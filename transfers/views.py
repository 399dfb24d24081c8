"""Transferring a case: the sending supervisor asks from the case page, the receiving
supervisor accepts (naming the worker) or declines. Every page is audited (audit/reads.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import record
from cases.forms import show_service_errors
from cases.selectors import case_get_for_user
from webforms.submissions import show_earlier, submit_once

from . import selectors, services
from .forms import AcceptForm, DeclineForm, TransferForm
from .permissions import can_answer_transfer, can_cancel_transfer, can_request_transfer

TRANSFERS_SHOWN = 100


@login_required
def transfer_request(request, case_pk: int):
    case = case_get_for_user(user=request.user, pk=case_pk, perm="change")
    if not can_request_transfer(request.user, case):
        raise Http404("No such case.")
    form = TransferForm(request.POST or None, organisation_id=case.organisation_id)
    if request.method == "POST" and form.is_valid():
        try:
            done = submit_once(
                user=request.user,
                token=form.submission,
                create=lambda: services.transfer_request(
                    actor=request.user, case=case, **form.cleaned_data
                ),
                url_for=lambda transfer: reverse("transfers:detail", args=[transfer.pk]),
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            if done.repeated:
                return show_earlier(request, done.url)
            record(request, action=Action.CREATE, case=case, obj=done.obj)
            messages.success(request, _("Transfer requested."))
            return redirect("transfers:detail", pk=done.obj.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "transfers/transfer_form.html", {"form": form, "case": case}, status=status
    )


@login_required
def transfer_list(request):
    transfers = list(selectors.transfers_for(request.user)[:TRANSFERS_SHOWN])
    record(request, action=Action.LIST, cases=[transfer.case_id for transfer in transfers])
    return render(request, "transfers/list.html", {"transfers": transfers})


def _detail(request, transfer, *, accept_form=None, decline_form=None, status=200):
    answering = can_answer_transfer(request.user, transfer)
    context = {
        "transfer": transfer,
        "can_answer": answering,
        "can_cancel": can_cancel_transfer(request.user, transfer),
        "accept_form": accept_form or AcceptForm(organisation=transfer.to_organisation),
        "decline_form": decline_form or DeclineForm(),
    }
    return render(request, "transfers/detail.html", context, status=status)


@login_required
def transfer_detail(request, pk: int):
    transfer = selectors.transfer_get_for_user(user=request.user, pk=pk)
    record(request, action=Action.VIEW, obj=transfer)
    return _detail(request, transfer)


def _act(request, transfer, action, success: str, form=None, form_key: str = ""):
    """Run one answer; on refusal show the transfer again with the reason."""
    arguments = {}
    if form is not None:
        if not form.is_valid():
            return _detail(request, transfer, status=400, **{form_key: form})
        arguments = form.cleaned_data
    try:
        action(actor=request.user, transfer=transfer, **arguments)
    except (ValidationError, PermissionDenied) as error:
        if form is not None and isinstance(error, ValidationError):
            show_service_errors(form, error)
            return _detail(request, transfer, status=400, **{form_key: form})
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("transfers:detail", pk=transfer.pk)
    record(request, action=Action.UPDATE, case=transfer.case, obj=transfer)
    messages.success(request, success)
    return redirect("transfers:detail", pk=transfer.pk)


@login_required
@require_POST
def transfer_accept(request, pk: int):
    transfer = selectors.transfer_get_for_user(user=request.user, pk=pk)
    form = AcceptForm(request.POST, organisation=transfer.to_organisation)
    return _act(
        request, transfer, services.transfer_accept,
        _("Transfer accepted: the case is now your organisation's."), form, "accept_form",
    )  # fmt: skip


@login_required
@require_POST
def transfer_decline(request, pk: int):
    transfer = selectors.transfer_get_for_user(user=request.user, pk=pk)
    form = DeclineForm(request.POST)
    return _act(
        request, transfer, services.transfer_decline, _("Transfer declined."), form,
        "decline_form",
    )  # fmt: skip


@login_required
@require_POST
def transfer_cancel(request, pk: int):
    transfer = selectors.transfer_get_for_user(user=request.user, pk=pk)
    return _act(request, transfer, services.transfer_cancel, _("Transfer cancelled."))
