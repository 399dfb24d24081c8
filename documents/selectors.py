"""Every read of a document goes through these functions."""

from django.db.models import Q, QuerySet
from django.http import Http404

from cases.models import Case
from cases.permissions import visible_case_categories
from cases.selectors import case_get_for_user, consents_for_case
from cases.visibility import written_by
from organisations.models import User

from .models import Document
from .permissions import categories_for, hidden_attachments

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
    # A signed consent form is read with its consent: not at all where the consent is not.
    consents = consents_for_case(case, seen)
    documents = documents.filter(Q(consent__isnull=True) | Q(consent__in=consents))
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
    if not documents_for_case(user=user, case=case).filter(pk=document.pk).exists():
        raise Http404("No such document.")
    document.case = case
    return document
