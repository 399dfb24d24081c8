from rest_framework.throttling import SimpleRateThrottle

from .models import ApiKey


class PartnerRateThrottle(SimpleRateThrottle):
    """Requests per API key (scope "api_key") or per signed-in user (scope "session"); DRF
    answers 429 with Retry-After once the rate in REST_FRAMEWORK's DEFAULT_THROTTLE_RATES is
    spent."""

    scope = "api_key"

    def __init__(self):
        # The scope depends on the request; the rate is read in allow_request.
        pass

    def allow_request(self, request, view):
        self.scope = "api_key" if isinstance(request.auth, ApiKey) else "session"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiKey):
            return f"throttle:api_key:{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"throttle:user:{request.user.pk}"
        return f"throttle:anon:{self.get_ident(request)}"
