from celery import shared_task

from . import sweep


@shared_task(ignore_result=True)
def documents_orphan_files_delete() -> int:
    return sweep.orphan_files_delete()
