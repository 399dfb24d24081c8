"""Beat's heartbeat: beat sends it every minute and once as it starts; a worker stamps it."""

from celery import shared_task
from celery.signals import beat_init

from . import services

HEARTBEAT_TASK = "ops.tasks.beat_heartbeat"


@shared_task(ignore_result=True)
def beat_heartbeat() -> None:
    services.heartbeat_record()


@beat_init.connect
def _heartbeat_on_start(sender, **kwargs):
    # A fresh beat is reported as soon as a worker takes the message, not a minute later.
    sender.app.send_task(HEARTBEAT_TASK, expires=60)
