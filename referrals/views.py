from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
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
from .forms import CompleteForm, DeclineForm, ReferralForm
from .models import Status
from .permissions import (
    can_answer_referral,
    can_cancel_referral,
    can_list_overrides,
    can_override_consent,
)

REFERRALS_PER_PAGE = 50


def _page(request, referrals):
    return Paginator(referrals.order_by("-sent_at", "-id"), REFERRALS_PER_PAGE).get_page(
        request.GET.get("page")
    )


@login_required
def referral_send(request, case_pk: int):
    case = case_get_for_user(user=request.user, pk=case_pk, perm="change")
    form = ReferralForm(
        request.POST or None,
        organisation_id=case.organisation_id,
        can_override=can_override_consent(request.user, case.organisation_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = submit_once(
                user=request.user,
                token=form.submission,
                create=lambda: services.referral_send(
                    actor=request.user, case=case, **form.cleaned_data
                ),
                url_for=lambda referral: reverse("referrals:detail", args=[referral.pk]),
            )
        except services.DuplicateReferral as error:
            # The referral asked for exists: show it rather than a second one.
            messages.info(request, " ".join(error.messages))
            return redirect("referrals:detail", pk=error.existing.pk)
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if done.repeated:
                return show_earlier(request, done.url)
            referral = done.obj
            record(request, action=Action.REFERRAL, case=case, obj=referral)
            messages.success(
                request,
                _("Referral sent to %(organisation)s.")
                % {"organisation": referral.to_organisation.name},
            )
            return redirect("referrals:detail", pk=referral.pk)
    status = 400 if form.is_bound else 200
    return render(
        request, "referrals/referral_form.html", {"form": form, "case": case}, status=status
    )


# The columns the inbox shows: fifty whole referrals, cases and senders cost more to build
# than to read.
INBOX_COLUMNS = (
    "case__case_number",
    "case__organisation_id",
    "from_organisation__name",
    "service",
    "urgency",
    "status",
    "consent_revoked_at",
    "sent_at",
    "answered_at",
)


@login_required
def referral_inbox(request):
    referrals = selectors.referral_inbox_for(request.user).select_related(None)
    referrals = referrals.select_related("case", "from_organisation").only(*INBOX_COLUMNS)
    page = _page(request, referrals)
    record(request, action=Action.LIST, cases=[referral.case_id for referral in page])
    return render(request, "referrals/inbox.html", {"page": page})


@login_required
def referral_outbox(request):
    page = _page(request, selectors.referral_outbox_for(request.user))
    record(request, action=Action.LIST, cases=[referral.case_id for referral in page])
    return render(request, "referrals/outbox.html", {"page": page})


@login_required
def referral_overrides(request):
    if not can_list_overrides(request.user):
        raise Http404
    page = _page(request, selectors.referral_overrides_for(request.user))
    record(request, action=Action.LIST, cases=[referral.case_id for referral in page])
    return render(request, "referrals/overrides.html", {"page": page})


def _detail(request, referral, *, decline_form=None, complete_form=None, status=200):
    answering = can_answer_referral(request.user, referral)
    allowed = services.ALLOWED_TRANSITIONS[referral.status]
    context = {
        "referral": referral,
        "history": selectors.referral_history(referral),
        "can_accept": answering and Status.ACCEPTED in allowed,
        "can_decline": answering and Status.DECLINED in allowed,
        "can_start": answering and Status.IN_PROGRESS in allowed,
        "can_complete": answering and Status.COMPLETED in allowed,
        "can_cancel": Status.CANCELLED in allowed and can_cancel_referral(request.user, referral),
        "decline_form": decline_form or DeclineForm(),
        "complete_form": complete_form or CompleteForm(),
    }
    return render(request, "referrals/detail.html", context, status=status)


@login_required
def referral_detail(request, pk: int):
    referral = selectors.referral_get_for_user(user=request.user, pk=pk)
    record(request, action=Action.VIEW, obj=referral)
    return _detail(request, referral)


def _act(request, pk: int, action, success: str, form_class=None, form_key: str = ""):
    """Run one state change; on refusal show the referral again with the reason."""
    referral = selectors.referral_get_for_user(user=request.user, pk=pk)
    arguments = {}
    form = None
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            return _detail(request, referral, status=400, **{form_key: form})
        arguments = form.cleaned_data
    try:
        action(actor=request.user, referral=referral, **arguments)
    except (ValidationError, PermissionDenied) as error:
        if form is not None and isinstance(error, ValidationError):
            show_service_errors(form, error)
            return _detail(request, referral, status=400, **{form_key: form})
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("referrals:detail", pk=referral.pk)
    record(request, action=Action.REFERRAL, obj=referral)
    messages.success(request, success)
    return redirect("referrals:detail", pk=referral.pk)


def _decline(*, actor, referral, decline_reason):
    return services.referral_decline(actor=actor, referral=referral, reason=decline_reason)


@login_required
@require_POST
def referral_accept(request, pk: int):
    return _act(request, pk, services.referral_accept, _("Referral accepted."))


@login_required
@require_POST
def referral_decline(request, pk: int):
    return _act(request, pk, _decline, _("Referral declined."), DeclineForm, "decline_form")


@login_required
@require_POST
def referral_start(request, pk: int):
    return _act(request, pk, services.referral_start, _("Service started."))


@login_required
@require_POST
def referral_complete(request, pk: int):
    return _act(
        request,
        pk,
        services.referral_complete,
        _("Referral completed."),
        CompleteForm,
        "complete_form",
    )


@login_required
@require_POST
def referral_cancel(request, pk: int):
    return _act(request, pk, services.referral_cancel, _("Referral cancelled."))
