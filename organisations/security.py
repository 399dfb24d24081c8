"""Session lifetime, two-factor enforcement and caching rules for signed-in pages."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
# The idle clock is written back at most this often, so a page view is not a session write.
LAST_SEEN_RESOLUTION = 60


@receiver(user_logged_in)
def _stamp_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    """Ends a session after 30 minutes idle or 12 hours in all, whichever comes first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in_at = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.setdefault(LAST_SEEN, now)
            if (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                return redirect(f"{reverse('login')}?next={request.path}")
            if now - last_seen >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)


# Pages a person may open before their second factor is checked.
TWO_FACTOR_OPEN_PATHS = ("/accounts/", "/i18n/", "/static/")
# The partner API: the only place an API key authenticates anything.
API_PATH_PREFIX = "/api/"


def carries_credentials(request) -> bool:
    """A request that brings its own credentials (an API key, or any other scheme)."""
    return "HTTP_AUTHORIZATION" in request.META


class ApiCredentialsMiddleware:
    """On the API, a request with an Authorization header is authenticated by that header
    alone: the session cookie it may also carry is not read, so a key never rides a person's
    session (nor a session a key's missing second step). Pages ignore the header entirely;
    the API key authentication itself answers only under API_PATH_PREFIX."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PATH_PREFIX) and carries_credentials(request):
            request.user = AnonymousUser()
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Under production settings every signed-in person who can see identities confirms a
    code from their authenticator app (or a recovery code) before anything else. No header
    exempts a session: a partner system's key reaches the API without any session at all
    (ApiCredentialsMiddleware), so it never meets this check."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.REQUIRE_TWO_FACTOR
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(TWO_FACTOR_OPEN_PATHS)
        ):
            return redirect(f"{reverse('two-factor')}?next={request.get_full_path()}")
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in person sees is kept by a browser or proxy cache: on a shared
    computer the next person must not find a survivor's page in the history cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, " + response["Cache-Control"]
        return response
