from celery import shared_task

from .services import dashboards_warm


@shared_task
def dashboards_warm_cache() -> int:
    # Recomputing is idempotent: a doubled or late beat only repeats a read.
    return dashboards_warm()
