from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from organisations.permissions import administered_organisation

from . import selectors
from .forms import AccessEventFilterForm

EVENTS_PER_PAGE = 50


def _administered_organisation(request):
    organisation = administered_organisation(request.user)
    if organisation is None:
        raise Http404
    return organisation


@login_required
def access_log(request):
    """The organisation's access log, newest first, filtered by person, case, action, dates."""
    organisation = _administered_organisation(request)
    form = AccessEventFilterForm(request.GET or None, organisation=organisation)
    events = selectors.access_events_filtered(organisation, **form.filters())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "organisation": organisation,
        "form": form,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "audit/access_log.html", context)
