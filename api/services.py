"""Writes of the partner API: keys and idempotency records. Each runs in one transaction."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organisations.models import Organisation, User
from organisations.permissions import API_KEY_ROLE
from organisations.services import user_create

from .models import ApiKey, IdempotencyRecord
from .permissions import can_manage_api_keys

PREFIX_LENGTH = 8
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
MAX_LIFETIME = dt.timedelta(days=3 * 365)


def hash_secret(plaintext: str) -> str:
    # SHA-256 suffices: the key carries 256 bits of randomness, nothing to brute-force.
    return hashlib.sha256(plaintext.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str,
    expires_at: dt.datetime | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its plaintext, which is shown once and never stored. `actor` None is the
    management command, run by whoever holds the server."""
    if actor is not None and not can_manage_api_keys(actor, organisation):
        raise PermissionDenied(_("Only this organisation's administrator manages its API keys."))
    errors = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Give the key a name saying which system uses it.")
    if not organisation.is_active:
        errors["organisation"] = _("This organisation is not active.")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at is not None and expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = _("A key lives at most three years.")
    if errors:
        raise ValidationError(errors)
    plaintext = secrets.token_urlsafe(32)
    user = user_create(
        username=f"api-key.{organisation.slug}.{secrets.token_hex(4)}",
        organisation=organisation,
        role=API_KEY_ROLE,
        first_name=name[:150],
        last_name="(API key)",
    )
    key = ApiKey(
        organisation=organisation,
        user=user,
        name=name,
        prefix=plaintext[:PREFIX_LENGTH],
        hashed_secret=hash_secret(plaintext),
        created_by=actor,
    )
    if expires_at is not None:
        key.expires_at = expires_at
    key.full_clean()
    key.save()
    return key, plaintext


@transaction.atomic
def api_key_revoke(*, actor: User | None, key: ApiKey) -> ApiKey:
    """Stop a key on its next request; its service user is deactivated with it."""
    if actor is not None and not can_manage_api_keys(actor, key.organisation):
        raise PermissionDenied(_("Only this organisation's administrator manages its API keys."))
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    User.objects.filter(pk=key.user_id).update(is_active=False)
    return key


def api_key_touch(*, key: ApiKey, now: dt.datetime | None = None) -> None:
    """Stamp the last use at most once a minute: a conditional UPDATE, not a write per request."""
    now = now or timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION)
    ).update(last_used_at=now)
    key.last_used_at = now


def idempotency_records_purge(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Forget replays older than a day; a partner retries within minutes, not days."""
    deleted, _by_model = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
