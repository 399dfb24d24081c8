"""A newcomer's machine: embedded SQLite, e-mail on the console.

DEBUG is off by default, so a newcomer trying the demo sees the app's own translated "not
found" and "not allowed" pages, not Django's technical page listing every URL pattern (980 px
wide on a phone, in English). `make demo` serves static files with runserver's --insecure.
A developer who wants the technical pages starts it with DEBUG=1."""

import os

# Not secret: encrypts only invented data on this machine.
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "vBJlDp6m0SjrCp64fk2kmtGCx4Wo1EVXp54IlLeBpmg=")
os.environ.setdefault("SECRET_KEY", "local-only-insecure-key-never-used-in-production")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
ALLOW_DEMO_DATA = True
