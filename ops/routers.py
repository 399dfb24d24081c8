"""An optional read replica (DATABASE_REPLICA_URL), for dashboards and exports only.

A request to a view named in READ_REPLICA_VIEWS reads the survivors' data (the apps in
REPLICA_APPS) from the replica; people, sessions, sign-in and the audit log stay on the primary,
so that replication lag never signs anyone out. Every write goes to the primary, and so does
every read inside a transaction on it. Without a
replica configured, everything uses the primary."""

import contextlib
import contextvars

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
REPLICA_APPS = frozenset({"cases", "referrals", "followup", "plans", "dashboards"})

_use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)


def reading_from_primary() -> contextvars.Token:
    return _use_replica.set(False)


def reading_from_replica() -> contextvars.Token:
    return _use_replica.set(True)


def reading_restore(token: contextvars.Token) -> None:
    _use_replica.reset(token)


@contextlib.contextmanager
def replica_reads():
    token = reading_from_replica()
    try:
        yield
    finally:
        reading_restore(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _use_replica.get()
            and settings.READ_REPLICA_ENABLED
            and model._meta.app_label in REPLICA_APPS
            # A read inside a write's transaction must see that transaction (and may lock).
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, copied

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS
