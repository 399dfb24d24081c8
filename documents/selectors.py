"""Every read of a document goes through these functions."""

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Case
from cases.selectors import case_get_for_user
from organisations.models import User

from .models import Document
from .permissions import categories_for, visible_categories

MAX_ID = 2**63 - 1


def documents_for_case(
    *, user: User, case: Case, seen: set[str] | None = None
) -> QuerySet[Document]:
    """The case's documents the user may see (the case itself already found visible). `seen`:
    the case's data categories the user sees, when the page has them already."""
    categories = categories_for(seen) if seen is not None else visible_categories(user, case)
    return Document.objects.filter(case=case, category__in=sorted(categories)).select_related(
        "uploaded_by", "consent", "plan"
    )


def document_get_for_user(*, user: User, pk: int | str) -> Document:
    """The document if the user may see it; 404 alike for missing and forbidden."""
    try:
        number = int(pk)
    except (ValueError, TypeError):
        raise Http404("No such document.") from None
    if not 1 <= number <= MAX_ID:
        raise Http404("No such document.")
    document = Document.objects.select_related("uploaded_by").filter(pk=number).first()
    if document is None:
        raise Http404("No such document.")
    try:
        case = case_get_for_user(user=user, pk=document.case_id)
    except Http404:
        raise Http404("No such document.") from None
    if document.category not in visible_categories(user, case):
        raise Http404("No such document.")
    document.case = case
    return document
