"""Who may see and add which documents. A document's category is a kind of the case's data,
so the case's own rules decide (cases.permissions.visible_case_categories): identity documents
go with identity, legal and health papers with health facts (restricted, like
`can_view_sensitive_facts`), consent forms and the rest with case facts. Another organisation
sees the categories its referral shares.

A document attached to a restricted record (a legal proceeding, a cross-border return) is
restricted as that record is too, whatever its own category: a passport scan on a return tells
that the survivor is being returned, which only those who see the return may know."""

from cases.models import Case
from cases.permissions import can_add_casework, visible_case_categories
from cases.visibility import CASE_FACTS, HEALTH, IDENTITY
from legal.permissions import LEGAL_CATEGORY, can_record_legal
from organisations.models import User
from returns.permissions import RETURN_CATEGORY, can_record_return

from .models import Category

DATA_CATEGORY = {
    Category.IDENTITY: IDENTITY,
    Category.CONSENT_FORM: CASE_FACTS,
    Category.LEGAL: HEALTH,
    Category.HEALTH: HEALTH,
    Category.OTHER: CASE_FACTS,
}


# Attachments that are restricted records themselves: the case's data category a reader must
# also see, and who may attach files to them.
RESTRICTED_ATTACHMENTS = {
    "proceeding": (LEGAL_CATEGORY, can_record_legal),
    "cross_border_return": (RETURN_CATEGORY, can_record_return),
}


def hidden_attachments(data_categories: set[str]) -> list[str]:
    """The kinds of restricted record whose documents a reader who sees these kinds of the
    case's data does not see."""
    return [
        name
        for name, (category, _can_attach) in RESTRICTED_ATTACHMENTS.items()
        if category not in data_categories
    ]


def can_attach_to(user: User, case: Case, attachment: str) -> bool:
    """Attaching to a restricted record is for who may record it."""
    if attachment not in RESTRICTED_ATTACHMENTS:
        return True
    return RESTRICTED_ATTACHMENTS[attachment][1](user, case)


def categories_for(data_categories: set[str]) -> set[str]:
    """The document categories that go with these kinds of the case's data."""
    return {category for category, data in DATA_CATEGORY.items() if data in data_categories}


def visible_categories(user: User, case: Case) -> set[str]:
    return categories_for(visible_case_categories(user, case))


def can_upload_documents(user: User, case: Case) -> bool:
    """Whoever may add casework to the case attaches files to it (a closed case is reopened
    first); never a receiving organisation."""
    return can_add_casework(user, case)


def uploadable_categories(user: User, case: Case) -> set[str]:
    """A person adds only documents they could then see."""
    if not can_upload_documents(user, case):
        return set()
    return visible_categories(user, case)
