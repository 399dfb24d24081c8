from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, value: str | None, default: str) -> str:
    """The local path a form asked to return to, or the default. Only a path on this site is
    followed, never a view name, another host or a value with control characters."""
    value = value or ""
    if (
        value.startswith("/")
        and value.isprintable()
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return default
