"""Who may see and add which documents. A document's category is a kind of the case's data,
so the case's own rules decide (cases.permissions.visible_case_categories): identity documents
go with identity, legal and health papers with health facts (restricted, like
`can_view_sensitive_facts`), consent forms and the rest with case facts. Another organisation
sees the categories its referral shares."""

from cases.models import Case
from cases.permissions import can_add_casework, visible_case_categories
from cases.visibility import CASE_FACTS, HEALTH, IDENTITY
from organisations.models import User

from .models import Category

DATA_CATEGORY = {
    Category.IDENTITY: IDENTITY,
    Category.CONSENT_FORM: CASE_FACTS,
    Category.LEGAL: HEALTH,
    Category.HEALTH: HEALTH,
    Category.OTHER: CASE_FACTS,
}


def categories_for(data_categories: set[str]) -> set[str]:
    """The document categories that go with these kinds of the case's data."""
    return {category for category, data in DATA_CATEGORY.items() if data in data_categories}


def visible_categories(user: User, case: Case) -> set[str]:
    return categories_for(visible_case_categories(user, case))


def can_view_document(user: User, document) -> bool:
    return document.category in visible_categories(user, document.case)


def can_upload_documents(user: User, case: Case) -> bool:
    """Whoever may add casework to the case attaches files to it (a closed case is reopened
    first); never a receiving organisation."""
    return can_add_casework(user, case)


def uploadable_categories(user: User, case: Case) -> set[str]:
    """A person adds only documents they could then see."""
    if not can_upload_documents(user, case):
        return set()
    return visible_categories(user, case)
