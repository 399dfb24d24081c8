"""Celery beat's scheduler: its schedule file out of the source tree (under var/, or where
CELERY_BEAT_SCHEDULE_FILENAME says), and the time of its last tick kept in the broker's Redis,
so that a health check in another process can tell a beat that stopped (`beat_last_run`)."""

import datetime as dt
import logging
import time
from pathlib import Path

import redis
from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LAST_RUN_KEY = "homecoming:beat:last-run"
RECORD_EVERY_SECONDS = 5.0


def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1
    )


def beat_last_run() -> dt.datetime | None:
    """When beat last went round its schedule (it does at least every `beat_max_loop_interval`,
    and whenever a task is due); None if it never did or the broker cannot be asked."""
    try:
        value = _redis().get(LAST_RUN_KEY)
    except redis.RedisError:
        return None
    if value is None:
        return None
    return dt.datetime.fromtimestamp(float(value), tz=dt.UTC)


class RecordingScheduler(PersistentScheduler):
    _recorded = 0.0

    def setup_schedule(self):
        Path(self.schedule_filename).parent.mkdir(parents=True, exist_ok=True)
        super().setup_schedule()

    def tick(self, *args, **kwargs):
        delay = super().tick(*args, **kwargs)
        now = time.time()
        if now - self._recorded >= RECORD_EVERY_SECONDS:
            try:
                _redis().set(LAST_RUN_KEY, now)
                self._recorded = now
            except redis.RedisError as error:
                logger.warning("Beat could not record its last run: %s", error)
        return delay
