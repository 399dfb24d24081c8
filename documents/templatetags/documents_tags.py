from django import template

from plans.models import PlanStatus

from ..permissions import can_upload_documents
from ..selectors import documents_for_case

register = template.Library()


@register.inclusion_tag("documents/_case_section.html", takes_context=True)
def case_documents(context, case, seen, consents):
    """The documents section of the case page: the documents the user may see, and where they
    may add one. `seen`: the case's data categories the user sees; `consents`: the case's
    consents they see (the page has both). Two queries at most, however many documents."""
    user = context["request"].user
    may_upload = can_upload_documents(user, case)
    return {
        "case": case,
        "request": context["request"],
        "documents": list(documents_for_case(user=user, case=case, seen=seen)),
        "may_upload": may_upload,
        "consents": consents if may_upload else (),
        "plans": list(case.plans.exclude(status=PlanStatus.SUPERSEDED)) if may_upload else (),
    }
