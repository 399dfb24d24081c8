"""Readiness: each check answers True or False and never raises; nothing else is revealed."""

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from .models import Heartbeat
from .services import BEAT

logger = logging.getLogger(__name__)
_migrations_applied = False


def database_reachable() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def migrations_applied() -> bool:
    """Loading the migration graph is slow; once this process saw it applied, it stays so
    (a release that adds migrations starts new processes)."""
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


def cache_reachable() -> bool:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    found = cache.get(key) == "1"
    cache.delete(key)
    return found


def broker_reachable() -> bool:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
        return True


def beat_recent() -> bool:
    beat_at = Heartbeat.objects.filter(name=BEAT).values_list("beat_at", flat=True).first()
    return beat_at is not None and (timezone.now() - beat_at).total_seconds() <= (
        settings.BEAT_HEARTBEAT_MAX_AGE
    )


CHECKS: dict[str, Callable[[], bool]] = {
    "database": database_reachable,
    "migrations": migrations_applied,
    "cache": cache_reachable,
    "broker": broker_reachable,
    "beat": beat_recent,
}


def readiness() -> dict[str, bool]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check())
        except Exception as error:  # noqa: BLE001 - any failure is "fail"; the log says which
            logger.warning("Readiness check %s failed: %s", name, type(error).__name__)
            results[name] = False
    return results
