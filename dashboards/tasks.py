from celery import shared_task

from .services import dashboards_warm
from .summary import summary_compact, summary_refresh


@shared_task
def dashboards_warm_cache() -> int:
    # Recomputing is idempotent: a doubled or late beat only repeats a read.
    return dashboards_warm()


@shared_task
def dashboards_summary_refresh() -> int:
    # Each run recomputes the partitions marked dirty and deletes only the marks it saw, under
    # the summary state's row lock: a doubled or late beat recomputes nothing twice.
    return summary_refresh()


@shared_task
def dashboards_summary_compact() -> int:
    # Summing each cell's rows again changes no total: safe to repeat.
    return summary_compact()
