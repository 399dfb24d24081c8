"""Who may use the API and manage its keys. Case, referral and visit rules stay in their apps."""

from django.conf import settings
from rest_framework.permissions import BasePermission

from cases.permissions import active_membership
from organisations.permissions import can_manage_api_keys

__all__ = ["HasActiveMembership", "can_manage_api_keys", "second_factor_missing"]


def second_factor_missing(request) -> bool:
    """A person signed in through the browser who has not confirmed their second factor where
    it is required. (A request with a key carries no session at all: keys are not people, but
    browser sessions are.)"""
    user = request.user
    if not getattr(settings, "REQUIRE_TWO_FACTOR", False) or not user.is_authenticated:
        return False
    is_verified = getattr(user, "is_verified", None)
    return is_verified is not None and not is_verified()


class HasActiveMembership(BasePermission):
    """Signed in (session or key) and acting for an active organisation: 401 without
    credentials, 403 for a user with no active membership."""

    message = "Your account acts for no active organisation."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.auth is None and second_factor_missing(request):
            self.message = "Confirm your second factor in the browser first."
            return False
        return active_membership(user) is not None
