"""Where a webhook may be sent. A partner's URL must not turn the server into a way to reach
the private network behind it (server-side request forgery): outside tests and a local
machine, only https URLs whose host name resolves to public addresses are accepted, and every
delivery resolves the name again, checks each address and connects to the address it checked
(webhooks.transport), so a name that later resolves to a private address reaches nothing."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _


class AddressRefused(Exception):
    """The URL or the addresses its host resolves to may not be called."""


def address_allowed(address: str) -> bool:
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        return True
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def url_problem(url: str) -> str | None:
    """Why this URL cannot be an endpoint, before any name is resolved; None if it can."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return _("Enter a valid URL.")
    allowed = ("https",) if settings.WEBHOOKS_REQUIRE_HTTPS else ("https", "http")
    if parts.scheme not in allowed:
        return _("The URL must start with https://.")
    if not parts.hostname:
        return _("Enter a valid URL.")
    if parts.username or parts.password:
        return _("Put no user name or password in the URL: the signature proves the sender.")
    if parts.fragment:
        return _("Remove the part of the URL after #.")
    if port == 0:
        return _("Enter a valid URL.")
    return None


def resolve(url: str) -> list[str]:
    """The addresses the URL's host resolves to, every one of them allowed; else AddressRefused."""
    problem = url_problem(url)
    if problem:
        raise AddressRefused(problem)
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise AddressRefused(
            _("The host name %(host)s cannot be resolved.") % {"host": parts.hostname}
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    refused = [address for address in addresses if not address_allowed(address)]
    if refused or not addresses:
        raise AddressRefused(
            _("%(host)s resolves to a private or local address; use a public one.")
            % {"host": parts.hostname}
        )
    return addresses
