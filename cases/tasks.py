from celery import shared_task

from .retention import cases_anonymise_due as anonymise_due


@shared_task(name="cases.tasks.cases_anonymise_due", ignore_result=True)
def cases_anonymise_due() -> int:
    """Anonymise the closed cases past their organisation's retention (cases.retention)."""
    return anonymise_due()
