import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import record
from cases.forms import show_service_errors
from cases.permissions import active_membership

from . import selectors, services
from .forms import ConnectionForm, InboundAcceptForm, InboundDeclineForm
from .mapping import DEFAULT_FIELDS
from .models import CallStatus, InboundStatus
from .permissions import can_answer_inbound, can_see_inbound

CALLS_PER_LIST = 50


def _initial(connection) -> dict:
    if connection is None:
        return {"auth_mode": "auto"}
    routes = "\n".join(
        f"{route.organisation.slug} = {route.transitioned_to}" for route in connection.routes.all()
    )
    return {
        "base_url": connection.base_url,
        "username": connection.username,
        "auth_mode": connection.auth_mode,
        "recipient": connection.recipient,
        "routes": routes,
        "field_mapping": json.dumps(connection.field_mapping) if connection.field_mapping else "",
    }


@login_required
def connection_page(request):
    """The administrator's page: the connection, its last cycle and the outbox."""
    connection = selectors.connection_for_admin(request.user)
    form = ConnectionForm(request.POST or None, initial=_initial(connection))
    if request.method == "POST" and form.is_valid():
        try:
            services.connection_save(
                actor=request.user,
                organisation=active_membership(request.user).organisation,
                **form.cleaned_data,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Primero answered: the connection is saved."))
            return redirect("primero:connection")
    calls = {}
    counts = {}
    if connection is not None:
        counts = selectors.outbox_counts(connection)
        calls = {
            status: list(selectors.outbox_calls(connection, status)[:CALLS_PER_LIST])
            for status in (CallStatus.FAILED, CallStatus.WAITING, CallStatus.DONE)
        }
    context = {
        "form": form,
        "connection": connection,
        "counts": counts,
        "failed": calls.get(CallStatus.FAILED, []),
        "waiting": calls.get(CallStatus.WAITING, []),
        "done": calls.get(CallStatus.DONE, []),
        "default_fields": sorted(DEFAULT_FIELDS.items()),
    }
    return render(request, "primero/connection.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def call_retry(request, pk: int):
    call = selectors.call_get_for_admin(user=request.user, pk=pk)
    try:
        services.call_retry(actor=request.user, call=call)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The call will be made again at the next exchange."))
    return redirect("primero:connection")


@login_required
def inbound_list(request):
    if not can_see_inbound(request.user):
        raise Http404
    referrals = selectors.inbound_list_for(request.user).order_by("-received_at", "-id")
    page = Paginator(referrals, CALLS_PER_LIST).get_page(request.GET.get("page"))
    record(request, action=Action.LIST, cases=[i.case_id for i in page if i.case_id])
    return render(request, "primero/inbound_list.html", {"page": page})


def _detail(request, inbound, *, accept_form=None, decline_form=None, status=200):
    answering = inbound.status == InboundStatus.SENT and can_answer_inbound(request.user, inbound)
    shared = inbound.shared or {}
    if accept_form is None and answering:
        accept_form = InboundAcceptForm(
            initial={
                "name_latin": shared.get("name_latin", ""),
                "sex": shared.get("sex", ""),
                "date_of_birth": shared.get("date_of_birth"),
                "date_of_birth_estimated": bool(shared.get("date_of_birth_estimated")),
                "intake_date": timezone.localdate(),
            }
        )
    context = {
        "inbound": inbound,
        "shared": sorted(shared.items()),
        "answering": answering,
        "accept_form": accept_form,
        "decline_form": decline_form or InboundDeclineForm(),
    }
    return render(request, "primero/inbound_detail.html", context, status=status)


@login_required
def inbound_detail(request, pk: int):
    inbound = selectors.inbound_get_for_user(user=request.user, pk=pk)
    record(request, action=Action.VIEW, obj=inbound)
    return _detail(request, inbound)


@login_required
@require_POST
def inbound_accept(request, pk: int):
    inbound = selectors.inbound_get_for_user(user=request.user, pk=pk)
    form = InboundAcceptForm(request.POST)
    if form.is_valid():
        try:
            inbound = services.inbound_accept(
                actor=request.user, inbound=inbound, **form.case_arguments()
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.REFERRAL, case=inbound.case, obj=inbound)
            messages.success(request, _("Referral accepted: the survivor's case is registered."))
            return redirect("cases:detail", pk=inbound.case_id)
    return _detail(request, inbound, accept_form=form, status=400)


@login_required
@require_POST
def inbound_decline(request, pk: int):
    inbound = selectors.inbound_get_for_user(user=request.user, pk=pk)
    form = InboundDeclineForm(request.POST)
    if form.is_valid():
        try:
            services.inbound_decline(
                actor=request.user, inbound=inbound, reason=form.cleaned_data["decline_reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.REFERRAL, obj=inbound)
            messages.success(request, _("Referral declined."))
            return redirect("primero:inbound-detail", pk=inbound.pk)
    return _detail(request, inbound, decline_form=form, status=400)
