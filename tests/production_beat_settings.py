"""The production settings for the beat of tests/test_production_stack.py: the same schedule,
with the reminders and the heartbeat every 3 seconds instead of every 2 minutes and every
minute, so that the test sees them within its time."""

from config.settings.production import *  # noqa: F403
from config.settings.production import CELERY_BEAT_SCHEDULE

FAST = ("followup-send-due-reminders", "ops-beat-heartbeat")
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": 3.0, "options": {"expires": 3.0}} if name in FAST else entry
    for name, entry in CELERY_BEAT_SCHEDULE.items()
}
