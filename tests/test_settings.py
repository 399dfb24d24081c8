"""Production settings: no secret has a default, and Django's deployment checks pass."""

import os
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "p" * 20 + "-a-long-and-random-production-secret-" + "q" * 20,
    "FIELD_ENCRYPTION_KEY": "a-separate-field-encryption-key",
    "ALLOWED_HOSTS": "homecoming.example.org",
    "DATABASE_URL": "postgres://homecoming@127.0.0.1:5432/homecoming",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DEFAULT_FROM_EMAIL": "homecoming@example.org",
}


def manage(*args, env):
    # Only what production would have: none of the suite's own switches.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean = {k: v for k, v in inherited.items() if k not in PRODUCTION_ENV}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args, "--settings=config.settings.production"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deployment_checks_pass_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_each_secret():
    for missing in PRODUCTION_ENV:
        env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
        result = manage("check", env=env)
        assert result.returncode != 0, missing
        assert f"Set the {missing} environment variable" in result.stderr, missing


def test_demo_data_is_refused_under_production_settings():
    result = manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "production" in result.stderr.lower() or "demo" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_a_mail_server_that_never_answers_does_not_hold_the_sender():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        env = {**PRODUCTION_ENV, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
        env |= {"EMAIL_USE_TLS": "false", "EMAIL_TIMEOUT": "1"}
        send = (
            "from django.core.mail import send_mail\n"
            "try:\n"
            "    send_mail('s', 'b', None, ['worker@example.org'])\n"
            "except OSError as error:\n"
            "    print('gave up:', type(error).__name__)\n"
        )
        result = manage("shell", "-c", send, env=env)
    assert result.returncode == 0, result.stderr
    # Without a timeout the sender waits for ever (the subprocess's own limit then fails this).
    assert result.stdout.split("gave up: ")[-1].strip() in {
        "TimeoutError",
        "SMTPServerDisconnected",
    }, result.stdout
