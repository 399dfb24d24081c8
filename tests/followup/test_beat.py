"""Beat keeps its schedule file out of the source tree and records each tick where a health
check can read it (config.beat.beat_last_run), in the broker's Redis (a private one here)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from config.beat import RecordingScheduler, beat_last_run
from config.celery_app import app
from tests.conftest import need_service

from .services import PrivateRedis


@pytest.fixture
def redis(settings):
    need_service(PrivateRedis.available(), "redis-server is needed")
    server = PrivateRedis()
    server.start()
    settings.CELERY_BROKER_URL = server.url
    yield server
    server.stop()


def test_the_schedule_file_is_kept_out_of_the_source_tree():
    path = Path(settings.CELERY_BEAT_SCHEDULE_FILENAME)
    assert path.parent != Path(settings.BASE_DIR)
    ignored = (Path(settings.BASE_DIR) / ".gitignore").read_text().split()
    assert "var/" in ignored and "celerybeat-schedule*" in ignored


def test_each_tick_records_beats_last_run(redis, tmp_path):
    assert beat_last_run() is None
    scheduler = RecordingScheduler(
        app=app, schedule_filename=str(tmp_path / "var" / "schedule"), lazy=True
    )
    scheduler.setup_schedule()
    scheduler.tick()
    last = beat_last_run()
    assert last is not None
    assert abs(last - dt.datetime.now(tz=dt.UTC)) < dt.timedelta(seconds=30)
    assert (tmp_path / "var").is_dir()


def test_a_broker_that_is_down_reads_as_no_run(redis):
    redis.stop()
    assert beat_last_run() is None
