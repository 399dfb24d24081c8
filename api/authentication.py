"""`Authorization: Api-Key <key>`: the key's service user becomes request.user, the key
request.auth."""

import hmac

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from organisations.permissions import is_api_key_account
from organisations.security import API_PATH_PREFIX, carries_credentials

from .models import ApiKey
from .services import PREFIX_LENGTH, api_key_touch, hash_secret

KEYWORD = "Api-Key"


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = KEYWORD

    def authenticate(self, request):
        if not request._request.path.startswith(API_PATH_PREFIX):
            return None  # a key authenticates the partner API and nothing else
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as: Api-Key <key>."))
        try:
            plaintext = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This API key is not valid.")) from None
        key = self._find(plaintext)
        self._check(key)
        api_key_touch(key=key)
        request._request.audit_api_key = (key.pk, str(key))  # the audit log names the key
        return key.user, key

    def authenticate_header(self, request) -> str:
        return self.keyword

    @staticmethod
    def _find(plaintext: str) -> ApiKey:
        """The key, with its organisation and its user's membership in one query (four
        tables, unordered: every API request pays for building and planning it). The
        membership is given the key's organisation, the one `_check` holds it to."""
        digest = hash_secret(plaintext)
        candidates = (
            ApiKey.objects.select_related("organisation", "user__membership")
            .filter(prefix=plaintext[:PREFIX_LENGTH])
            .order_by()
        )
        for key in candidates:
            if hmac.compare_digest(key.hashed_secret, digest):
                membership = key.user.membership_or_none
                if membership is not None and membership.organisation_id == key.organisation_id:
                    membership.organisation = key.organisation
                return key
        raise exceptions.AuthenticationFailed(_("This API key is not valid."))

    @staticmethod
    def _check(key: ApiKey) -> None:
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key was revoked."))
        if key.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This API key has expired."))
        if not key.user.is_active:
            raise exceptions.AuthenticationFailed(_("This API key's service user is inactive."))
        membership = key.user.membership_or_none
        if not is_api_key_account(membership) or membership.organisation_id != key.organisation_id:
            raise exceptions.AuthenticationFailed(_("This API key no longer acts as a partner."))
        if not key.organisation.is_active:
            raise exceptions.AuthenticationFailed(_("This API key's organisation is not active."))


class SessionWithoutCredentialsAuthentication(authentication.SessionAuthentication):
    """A signed-in person's session, for a request without an Authorization header: a request
    that carries one is authenticated by it alone (a wrong key is 401, never the session)."""

    def authenticate(self, request):
        if carries_credentials(request._request):
            return None
        return super().authenticate(request)
