import functools

from django import template
from django.apps import apps
from django.utils.text import capfirst

from cases.permissions import can_see_case_openers

from .. import selectors

register = template.Library()


@register.inclusion_tag("audit/_case_openers.html", takes_context=True)
def case_openers(context, case):
    """ "Opened by", for the supervisors and administrators of the case's own organisation."""
    request = context.get("request")
    if request is None or not can_see_case_openers(request.user, case):
        return {"shown": False}
    return {"shown": True, "openers": selectors.case_openers(case)}


@functools.cache
def _models_by_name() -> dict:
    return {model._meta.model_name: model for model in apps.get_models()}


@register.filter
def record_kind(model_name: str) -> str:
    """What kind of record an access event names ("Follow-up visit"), in the reader's
    language; the stored model name when no model has it."""
    model = _models_by_name().get(model_name)
    return capfirst(model._meta.verbose_name) if model else model_name
