from django import template
from django.http import Http404

from dashboards.scope import dashboard_scope_for

register = template.Library()


@register.filter
def has_dashboard(user) -> bool:
    """For the navigation: whether the user has a caseload dashboard (no extra query: the
    membership is cached on the user)."""
    try:
        dashboard_scope_for(user)
    except Http404:
        return False
    return True
