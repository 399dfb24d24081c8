from django import template

from ..permissions import can_upload_documents
from ..selectors import documents_for_case

register = template.Library()


@register.inclusion_tag("documents/_case_section.html", takes_context=True)
def case_documents(context, case, seen, consents, plans):
    """The documents section of the case page: the documents the user may see, and where they
    may add one. `seen`: the case's data categories the user sees; `consents` and `plans`:
    the case's consents they see and its current plan versions (the page has them all). One
    query, however many documents."""
    user = context["request"].user
    may_upload = can_upload_documents(user, case)
    return {
        "case": case,
        "request": context["request"],
        "documents": list(documents_for_case(user=user, case=case, seen=seen)),
        "may_upload": may_upload,
        "consents": consents if may_upload else (),
        "plans": plans if may_upload else (),
    }
