"""Production: every secret from the environment, no default; HTTPS only."""

from .base import *  # noqa: F403
from .base import database_settings, env, redis_cache

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
# Webhook bodies name resources at this address; by default the first allowed host.
SITE_URL = env("SITE_URL", default=f"https://{(ALLOWED_HOSTS or ['localhost'])[0].lstrip('.')}")
# DATABASE_URL has no default here. Each process keeps its connection for CONN_MAX_AGE
# seconds (checked before reuse), to PostgreSQL or to PgBouncer alike; 0 closes it after every
# request. Behind PgBouncer in transaction mode also set DATABASE_TRANSACTION_POOLING=true.
DATABASES["default"] = database_settings(env.db("DATABASE_URL"))  # noqa: F405
for alias in DATABASES:  # noqa: F405
    DATABASES[alias]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
    DATABASES[alias]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
ALLOW_DEMO_DATA = False
REQUIRE_TWO_FACTOR = True
AXES_ENABLED = True
# Behind the TLS proxy the client's address is the last X-Forwarded-For entry it appended;
# set TRUSTED_PROXY_COUNT=0 where the app faces clients directly.
TRUSTED_PROXY_COUNT = AUDIT_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Only where the address people type differs from the host the proxy passes on.
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
EMAIL_BACKEND = env("EMAIL_BACKEND")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
# A mail server that accepts the connection and then says nothing must not hold a reminder
# worker forever: the delivery fails, stays pending and is tried again on the next run.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# One cache shared by every web worker (dashboard numbers, throttling counters); a Redis that
# is down degrades it (misses, no throttling, a log line) instead of failing requests.
CACHES = {"default": redis_cache(env("CACHE_URL", default="redis://127.0.0.1:6379/1"))}
