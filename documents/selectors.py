"""Every read of a document goes through these functions."""

from django.db.models import QuerySet
from django.http import Http404

from cases.models import Case
from cases.permissions import visible_case_categories
from cases.selectors import case_get_for_user
from cases.visibility import written_by
from organisations.models import User

from .models import Document
from .permissions import can_view_document, categories_for, hidden_attachments

MAX_ID = 2**63 - 1


def documents_for_case(
    *, user: User, case: Case, seen: set[str] | None = None
) -> QuerySet[Document]:
    """The case's documents the user may see (the case itself already found visible). `seen`:
    the case's data categories the user sees, when the page has them already."""
    if seen is None:
        seen = visible_case_categories(user, case)
    documents = Document.objects.filter(case=case, category__in=sorted(categories_for(seen)))
    # A reader of the case as it stood at a moment sees the documents attached by then.
    documents = written_by(documents, seen)
    for name in hidden_attachments(seen):
        documents = documents.filter(**{f"{name}__isnull": True})
    return documents.select_related(
        "uploaded_by", "consent", "plan", "proceeding", "cross_border_return"
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
    document.case = case
    if not can_view_document(user, document):
        raise Http404("No such document.")
    return document
