"""The test suite: SQLite unless DATABASE_URL names PostgreSQL (as CI does)."""

import os

# Not secret: encrypts only invented data on this machine.
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "Ff-6VPhjRrUsQs91aGns_CQheyjm5VJoytSfhnqjjBg=")
os.environ.setdefault("SECRET_KEY", "test-only-insecure-key")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, database_settings, env  # noqa: E402

DATABASES = {
    "default": database_settings(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'test.sqlite3'}")
    )
}
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Django's test client signs in without a request, which django-axes refuses; the sign-in
# tests switch it on.
AXES_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOW_DEMO_DATA = True
# Tests render pages without running collectstatic first, so they keep Django's plain storage
# (unhashed names). The demo and production use WhiteNoise's compressed manifest storage, and
# tests/test_production_stack.py checks it on a running gunicorn.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# A second alias on the same test database stands in for the read replica (tests/ops).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
READ_REPLICA_ENABLED = False
# Receivers in tests are HTTP servers on loopback.
WEBHOOKS_REQUIRE_HTTPS = False
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
WEBHOOKS_TIMEOUT_SECONDS = 2.0
PRIMERO_ALLOW_HTTP = True  # the Primero double listens on 127.0.0.1
