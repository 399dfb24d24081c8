"""A newcomer's machine: embedded SQLite, debug pages, e-mail on the console."""

import os

# Not secret: encrypts only invented data on this machine.
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "vBJlDp6m0SjrCp64fk2kmtGCx4Wo1EVXp54IlLeBpmg=")
os.environ.setdefault("SECRET_KEY", "local-only-insecure-key-never-used-in-production")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
ALLOW_DEMO_DATA = True
# A receiver tried on this machine is plain http on loopback.
WEBHOOKS_REQUIRE_HTTPS = False
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
PRIMERO_ALLOW_HTTP = env.bool("PRIMERO_ALLOW_HTTP", default=True)
