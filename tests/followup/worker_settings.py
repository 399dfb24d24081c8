"""Settings for the Celery worker processes the fault tests start: the test settings against
private services named by the environment. E-mail goes to the test's SMTP server when
FOLLOWUP_SMTP_PORT is set, else to files in FOLLOWUP_EMAIL_DIR; beat runs the reminder task
every FOLLOWUP_BEAT_SECONDS with the pauses that let a fault land mid-batch."""

import os

from config.settings.test import *  # noqa: F403

if os.environ.get("FOLLOWUP_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["FOLLOWUP_SMTP_PORT"])
    EMAIL_TIMEOUT = 5
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["FOLLOWUP_EMAIL_DIR"]

# A claim lapses fast, so that the message a killed worker had in flight is retried in the test.
FOLLOWUP_EMAIL_CLAIM_SECONDS = float(os.environ.get("FOLLOWUP_EMAIL_CLAIM_SECONDS", "3"))
FOLLOWUP_EMAIL_RETRY_SECONDS = 1
FOLLOWUP_EMAIL_RETRY_MAX_SECONDS = 2

_BEAT = float(os.environ.get("FOLLOWUP_BEAT_SECONDS", "0") or 0)
if _BEAT:
    CELERY_BEAT_SCHEDULE = {
        "followup-send-due-reminders": {
            "task": "followup.tasks.reminders_send_due",
            "schedule": _BEAT,
            "kwargs": {
                "batch_size": int(os.environ.get("FOLLOWUP_BATCH_SIZE", "20")),
                "pause_in_batch": float(os.environ.get("FOLLOWUP_PAUSE_IN_BATCH", "0")),
                "pause_per_email": float(os.environ.get("FOLLOWUP_PAUSE_PER_EMAIL", "0")),
            },
            "options": {"expires": _BEAT},
        }
    }
if os.environ.get("CELERY_BEAT_SCHEDULE_FILENAME"):
    CELERY_BEAT_SCHEDULE_FILENAME = os.environ["CELERY_BEAT_SCHEDULE_FILENAME"]

# The configuration before the fix, to show what a Redis restart did to it: tasks acknowledged
# late and messages prefetched, so the worker holds an unacknowledged one when Redis goes.
if os.environ.get("FOLLOWUP_OLD_ACKS_LATE"):
    CELERY_TASK_ACKS_LATE = True
    CELERY_WORKER_DISABLE_PREFETCH = False
    CELERY_WORKER_PREFETCH_MULTIPLIER = 4
