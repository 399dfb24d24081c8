"""The organisation administrator's webhook pages: endpoints (the secret shown once), their
deliveries with a redeliver button, pause, resume and removal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.models import Action
from audit.services import record
from cases.forms import show_service_errors
from webforms.submissions import show_earlier, submit_once

from . import services
from .forms import WebhookEndpointEditForm, WebhookEndpointForm
from .selectors import (
    administered_organisation_for_webhooks,
    webhook_deliveries_of,
    webhook_delivery_get_for_admin,
    webhook_endpoint_get_for_admin,
    webhook_endpoints_for,
)

DELIVERIES_PER_PAGE = 50


@never_cache
@login_required
def endpoint_list(request):
    organisation = administered_organisation_for_webhooks(request.user)
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = submit_once(
                user=request.user,
                token=form.submission,
                create=lambda: services.webhook_endpoint_create(
                    actor=request.user, organisation=organisation, **form.cleaned_data
                ),
                url_for=lambda created: reverse("webhooks:endpoint", args=[created[0].pk]),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if done.repeated:
                return show_earlier(request, done.url)
            endpoint, secret = done.obj
            record(request, action=Action.CREATE, obj=endpoint)
            return _endpoint_page(request, endpoint, secret=secret)
    context = {
        "organisation": organisation,
        "endpoints": webhook_endpoints_for(request.user, organisation),
        "form": form,
    }
    return render(request, "webhooks/endpoints.html", context)


def _endpoint_page(request, endpoint, *, secret: str | None = None):
    deliveries = Paginator(webhook_deliveries_of(endpoint), DELIVERIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"endpoint": endpoint, "deliveries": deliveries, "secret": secret}
    return render(request, "webhooks/endpoint.html", context)


@never_cache
@login_required
def endpoint_detail(request, pk: int):
    endpoint = webhook_endpoint_get_for_admin(user=request.user, pk=pk)
    return _endpoint_page(request, endpoint)


@login_required
def endpoint_edit(request, pk: int):
    endpoint = webhook_endpoint_get_for_admin(user=request.user, pk=pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = WebhookEndpointEditForm(request.POST or None, initial=initial, version_of=endpoint)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_endpoint_update(
                actor=request.user, endpoint=endpoint, version=form.version, **form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            record(request, action=Action.UPDATE, obj=endpoint)
            messages.success(request, _("The endpoint was changed."))
            return redirect("webhooks:endpoint", pk=endpoint.pk)
    return render(request, "webhooks/endpoint_edit.html", {"endpoint": endpoint, "form": form})


@never_cache
@login_required
@require_POST
def endpoint_secret(request, pk: int):
    endpoint = webhook_endpoint_get_for_admin(user=request.user, pk=pk)
    secret = services.webhook_endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    record(request, action=Action.UPDATE, obj=endpoint)
    return _endpoint_page(request, endpoint, secret=secret)


@login_required
@require_POST
def endpoint_pause(request, pk: int):
    endpoint = webhook_endpoint_get_for_admin(user=request.user, pk=pk)
    services.webhook_endpoint_pause(actor=request.user, endpoint=endpoint)
    record(request, action=Action.UPDATE, obj=endpoint)
    messages.success(request, _("The endpoint is paused; its deliveries wait."))
    return redirect("webhooks:endpoint", pk=endpoint.pk)


@login_required
@require_POST
def endpoint_resume(request, pk: int):
    endpoint = webhook_endpoint_get_for_admin(user=request.user, pk=pk)
    services.webhook_endpoint_resume(actor=request.user, endpoint=endpoint)
    record(request, action=Action.UPDATE, obj=endpoint)
    messages.success(request, _("The endpoint is resumed; waiting deliveries go out now."))
    return redirect("webhooks:endpoint", pk=endpoint.pk)


@login_required
@require_POST
def endpoint_remove(request, pk: int):
    endpoint = webhook_endpoint_get_for_admin(user=request.user, pk=pk)
    record(request, action=Action.UPDATE, obj=endpoint)
    services.webhook_endpoint_remove(actor=request.user, endpoint=endpoint)
    messages.success(request, _("The endpoint %(url)s was removed.") % {"url": endpoint.url})
    return redirect("webhooks:endpoints")


@login_required
@require_POST
def delivery_redeliver(request, endpoint_pk: int, pk: int):
    delivery = webhook_delivery_get_for_admin(user=request.user, endpoint_pk=endpoint_pk, pk=pk)
    try:
        services.webhook_delivery_redeliver(actor=request.user, delivery=delivery)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        record(request, action=Action.UPDATE, obj=delivery)
        messages.success(request, _("The delivery will be sent again within a minute."))
    return redirect("webhooks:endpoint", pk=endpoint_pk)
