"""Settings for the Celery worker processes the reliability test starts: the test settings,
with e-mail written to files so that the test can count what a killed worker had sent."""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["FOLLOWUP_EMAIL_DIR"]
