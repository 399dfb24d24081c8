"""Settings shared by every environment. Secrets and hosts come from the environment."""

import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Every variable may instead name a file holding it (SECRET_KEY_FILE, for Docker secrets).
env = environ.FileAwareEnv()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY")
# Fernet keys for the encrypted fields, first one encrypting; never derived from SECRET_KEY.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles, so that runserver too serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "guardian",
    "auditlog",
    "organisations",
    "cases",
    "referrals",
    "followup",
    "plans",
    "documents",
    "legal",
    "returns",
    "transfers",
    "dashboards",
    "api",
    "audit",
    "ops",
    "demo",
    "webforms",
    "webhooks",
    "primero",
]

MIDDLEWARE = [
    # /healthz and /readyz, answered before anything needs a host name, TLS or a session.
    "ops.middleware.HealthCheckMiddleware",
    # The request id and the one JSON log line per request.
    "ops.middleware.RequestLogMiddleware",
    # Every error under /api/, whatever answered it, leaves as problem+json.
    "api.middleware.ProblemJsonMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files: hashed names, pre-compressed (Brotli, gzip), cached for a year, immutable.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed too (ops.middleware says why only pages).
    "ops.middleware.PageGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Before anything reads request.user: an API request with its own credentials has no session.
    "organisations.security.ApiCredentialsMiddleware",
    "organisations.security.SessionTimeoutMiddleware",
    "organisations.security.TwoFactorRequiredMiddleware",
    "organisations.security.NoStoreMiddleware",
    "organisations.middleware.UserLanguageMiddleware",
    # Before any view reads the request: NUL characters and too many fields are a 400.
    "webforms.middleware.OddInputMiddleware",
    # django-auditlog's middleware (actor and address on the change history), extended.
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into a 429 page.
    "axes.middleware.AxesMiddleware",
]

# Proxies in front of the app that append the client's address to X-Forwarded-For (0: none,
# REMOTE_ADDR is the client). The client's address is that many entries from the right; no
# entry further left is believed. The audit log and the sign-in lock-out both read it through
# audit.services.client_ip.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("AUDIT_TRUSTED_PROXY_COUNT", default=0)
)
AUDIT_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# Django's form templates, with select lists written in Python (webforms/renderers.py).
FORM_RENDERER = "webforms.renderers.FormRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisations.context_processors.navigation",
                "config.context_processors.policy",
            ],
        },
    },
]

# Behind PgBouncer in transaction mode a server-side cursor (QuerySet.iterator) may find its
# connection gone between two fetches, and a connection's startup options do not reach the
# server: set DATABASE_TRANSACTION_POOLING=true there.
DATABASE_TRANSACTION_POOLING = env.bool("DATABASE_TRANSACTION_POOLING", default=False)
# What every PostgreSQL session of the app runs with, sent when it connects. JIT off: the
# app's reads are short index lookups whose cost estimates can still cross the JIT
# thresholds, and compiling then costs more than running (2 s of the Team page's 2.2 s at
# 200,000 cases). Per connection rather than `ALTER DATABASE … SET` in a migration: that
# needs the database's owner, and a copy or a restore into a new database loses it while
# the migration stays recorded as applied. PgBouncer does not pass it on: set it on the
# application's role there (README, "Production settings").
POSTGRESQL_SESSION_OPTIONS = "-c jit=off"


def database_settings(database: dict) -> dict:
    """One alias of DATABASES as the app runs it (every settings module passes each alias
    through here)."""
    database = {**database, "ATOMIC_REQUESTS": False}
    database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_TRANSACTION_POOLING
    if "postgresql" in database["ENGINE"] and not DATABASE_TRANSACTION_POOLING:
        options = database.get("OPTIONS", {})
        database["OPTIONS"] = {**options, "options": POSTGRESQL_SESSION_OPTIONS}
    return database


# The embedded default needs no server; production and CI set DATABASE_URL to PostgreSQL.
DATABASES = {
    "default": database_settings(
        env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    )
}
# An optional streaming replica, read by dashboards and exports only (ops.routers).
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = database_settings(env.db("DATABASE_REPLICA_URL"))
READ_REPLICA_ENABLED = "replica" in DATABASES
READ_REPLICA_VIEWS = ["dashboards:dashboard", "dashboards:export", "cases:export"]
DATABASE_ROUTERS = ["ops.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in: django-axes refuses a sixth wrong password for one person from one address, with
# 429, for 30 minutes; django-otp adds the second step where REQUIRE_TWO_FACTOR is on.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
# By (person, client address) together: failures from one address never lock the person
# out from everywhere, and behind the proxy the address is the client's, not the proxy's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
REQUIRE_TWO_FACTOR = env.bool("REQUIRE_TWO_FACTOR", default=False)
OTP_TOTP_ISSUER = "Homecoming"

# Sessions end after 30 minutes idle or 12 hours in all (organisations.security).
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# No inline script anywhere, no other host: every asset is served by the app itself.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("km", "ខ្មែរ")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Asia/Phnom_Penh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# `manage.py collectstatic` writes each file under a name with its hash, plus .br and .gz
# copies; WhiteNoise serves the smallest the browser accepts with a year's max-age and
# `immutable`, so a warm page asks for nothing but itself. The demo and production alike.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Only the hashed names are kept (the pages ask for no other), and source maps are not
# compressed: collectstatic then takes a minute, not three.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

# django-guardian: no object permission is stored today (a case is shared by the referral
# holding access, referrals.selectors.holding_access); no anonymous user is needed.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Follow-up reminders go through each channel in turn; add SMS or a messaging app here.
FOLLOWUP_REMINDER_CHANNELS = [
    "followup.channels.InAppChannel",
    "followup.channels.EmailChannel",
]
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="homecoming@localhost")

# Dashboards keep their raw numbers this long, per scope and filters; a beat task refreshes
# the unfiltered national and provincial ones before they expire.
DASHBOARDS_CACHE_SECONDS = env.int("DASHBOARDS_CACHE_SECONDS", default=300)

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")


def redis_cache(url: str) -> dict:
    """A Redis cache that degrades instead of failing: while Redis is down a read misses and a
    write is dropped, with a log line (django-redis's IGNORE_EXCEPTIONS), so dashboards compute
    their numbers afresh and the API's throttle lets requests through rather than answering
    500. Short timeouts keep a dead Redis from holding requests up."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "homecoming.cache"
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# A Redis restart must not stop the worker. kombu's redis transport crashes the worker
# ("Unrecoverable error: AttributeError … 'hostname'") when the connection drops while the
# worker holds an unacknowledged message: on reconnecting, Celery tears the connection down and
# kombu then tries to restore that message through it. So the worker holds none: tasks are
# acknowledged as they start (no acks_late: the database, not the broker, records what is due,
# and beat sends the next run) and a message is fetched only when a pool process is free.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_DISABLE_PREFETCH = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# A worker started while Redis is down waits for it rather than exiting.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Beat's schedule file is state for beat alone, kept out of the code's directory (as bin/beat
# does); whether beat runs is told by ops' heartbeat.
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    default=str(Path(tempfile.gettempdir()) / "homecoming-celerybeat-schedule"),
)
# The database records what is due; each run claims due rows, so a missed or doubled beat
# loses and repeats nothing. A run expires when the next one is due.
CELERY_BEAT_SCHEDULE = {
    "followup-send-due-reminders": {
        "task": "followup.tasks.reminders_send_due",
        "schedule": 120.0,
        "options": {"expires": 120.0},
    },
    "dashboards-warm-cache": {
        "task": "dashboards.tasks.dashboards_warm_cache",
        "schedule": 240.0,  # under DASHBOARDS_CACHE_SECONDS, so the entries never lapse
        "options": {"expires": 240.0},
    },
    # Dashboards read dirty summary partitions from the live tables (exact, slower) until
    # this recomputes them.
    "dashboards-summary-refresh": {
        "task": "dashboards.tasks.dashboards_summary_refresh",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
    "dashboards-summary-compact": {
        "task": "dashboards.tasks.dashboards_summary_compact",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "api-idempotency-purge": {
        "task": "api.tasks.idempotency_records_purge_old",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "referrals-expire-access": {
        "task": "referrals.tasks.referral_access_expire",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "documents-orphan-files": {
        "task": "documents.tasks.documents_orphan_files_delete",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "webhooks-purge-old-deliveries": {
        "task": "webhooks.tasks.webhook_deliveries_purge_old",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "followup-purge-old-emails": {
        "task": "followup.tasks.email_deliveries_purge_old",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    # Retention: cases closed longer than their organisation keeps identities lose them.
    "cases-anonymise-due": {
        "task": "cases.tasks.cases_anonymise_due",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    "transfers-end-sender-access": {
        "task": "transfers.tasks.transfer_sender_access_expire",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    # Webhook deliveries wait in the database; each run claims them one at a time.
    "webhooks-send-due-deliveries": {
        "task": "webhooks.tasks.webhook_deliveries_send_due",
        "schedule": 30.0,
        "options": {"expires": 30.0},
    },
    "primero-sync": {
        "task": "primero.tasks.primero_sync",
        "schedule": 300.0,
        "options": {"expires": 300.0},
    },
    # /readyz reports beat as not ready when no heartbeat arrived for BEAT_HEARTBEAT_MAX_AGE.
    "ops-beat-heartbeat": {
        "task": "ops.tasks.beat_heartbeat",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
}
BEAT_HEARTBEAT_MAX_AGE = env.int("BEAT_HEARTBEAT_MAX_AGE", default=300)
# The worker logs through LOGGING below (JSON), not through Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The address partners reach the site at: webhook bodies name resources by absolute URL.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Webhooks (webhooks/): https only, to public addresses only (no server-side request forgery
# into the private network); tests and a local machine allow http and loopback addresses.
WEBHOOKS_REQUIRE_HTTPS = True
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
# Each connection and each read; redirects are never followed.
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
# Retries wait 30 s, 1 min, 2 min … at most 6 h; a delivery is given up after 16 attempts
# (about a day and a half), and an endpoint that has failed for 24 hours is paused first.
WEBHOOKS_RETRY_SECONDS = 30
WEBHOOKS_RETRY_MAX_SECONDS = 6 * 3600
WEBHOOKS_MAX_ATTEMPTS = 16
WEBHOOKS_PAUSE_AFTER_HOURS = 24
# A claim older than this is taken to be a worker that died mid-delivery.
WEBHOOKS_CLAIM_SECONDS = 120
# Primero v2 servers (primero app): every call gives up after this many seconds; new cases
# are created in this Primero module.
PRIMERO_TIMEOUT_SECONDS = env.float("PRIMERO_TIMEOUT_SECONDS", default=15.0)
PRIMERO_MODULE_ID = env("PRIMERO_MODULE_ID", default="primeromodule-cp")
# The integration account's password goes with every call: plain http only for a server on
# this machine in development and tests.
PRIMERO_ALLOW_HTTP = env.bool("PRIMERO_ALLOW_HTTP", default=False)

# Documents attached to cases: encrypted files in their own storage, never under a URL the
# web server serves. Local disk by default; S3-compatible object storage (django-storages) by
# DOCUMENTS_STORAGE_BACKEND=storages.backends.s3.S3Storage and DOCUMENTS_STORAGE_OPTIONS, a
# JSON object such as {"bucket_name": "homecoming-documents", "endpoint_url": "https://..."}.
DOCUMENTS_ROOT = env.path("DOCUMENTS_ROOT", default=BASE_DIR / "var" / "documents")
DOCUMENTS_STORAGE = {
    "BACKEND": env(
        "DOCUMENTS_STORAGE_BACKEND", default="documents.storage.PrivateFileSystemStorage"
    ),
    "OPTIONS": env.json(
        "DOCUMENTS_STORAGE_OPTIONS",
        default={
            "location": str(DOCUMENTS_ROOT),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    ),
}
STORAGES["documents"] = DOCUMENTS_STORAGE
DOCUMENTS_MAX_BYTES = env.int("DOCUMENTS_MAX_BYTES", default=10 * 1024 * 1024)

# Days the organisation that transferred a case keeps reading its identity and case facts
# after the receiver accepts; 0 ends its access on acceptance.
CASE_TRANSFER_SENDER_GRACE_DAYS = env.int("CASE_TRANSFER_SENDER_GRACE_DAYS", default=30)

# Days finished webhook deliveries and reminder e-mails are kept before an hourly job deletes
# them. Supervisors see the refused e-mail addresses of the last EMAIL_REFUSALS_SHOWN_DAYS
# (followup.selectors.refused_email_addresses), so e-mails are kept at least that long (a
# smaller value is refused at start-up).
EMAIL_REFUSALS_SHOWN_DAYS = 90
WEBHOOK_DELIVERIES_KEEP_DAYS = env.int("WEBHOOK_DELIVERIES_KEEP_DAYS", default=90)
EMAIL_DELIVERIES_KEEP_DAYS = env.int("EMAIL_DELIVERIES_KEEP_DAYS", default=180)
if EMAIL_DELIVERIES_KEEP_DAYS < EMAIL_REFUSALS_SHOWN_DAYS or WEBHOOK_DELIVERIES_KEEP_DAYS < 1:
    raise ImproperlyConfigured(
        f"EMAIL_DELIVERIES_KEEP_DAYS must be at least {EMAIL_REFUSALS_SHOWN_DAYS} "
        "and WEBHOOK_DELIVERIES_KEEP_DAYS at least 1."
    )

from .api import *  # noqa: E402,F403  (the partner API's settings, kept with the API)
from .api import API_INSTALLED_APPS  # noqa: E402

INSTALLED_APPS += API_INSTALLED_APPS

# A password that lets anyone into the demo; refused under production settings.
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105
ALLOW_DEMO_DATA = False

# One JSON object per line on standard error (ops.logs), with the request's id, user and
# organisation on every line; gunicorn's own lines use the same format (config/gunicorn.conf.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "ops.logs.RequestContextFilter"}},
    "formatters": {"json": {"()": "ops.logs.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
