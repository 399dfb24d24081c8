"""One POST to an endpoint, with nothing a hostile or broken receiver could turn against us:
the host name is resolved and every address checked (webhooks.addresses), the connection goes
to the address checked (TLS still verifies the certificate for the host name), redirects are
not followed, the connection and each read have a timeout, and at most a few bytes of the
answer are read. urllib3, the library under requests, does each of these by itself. Its
error texts are technical and stay in English."""

from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3
from django.conf import settings

from .addresses import AddressRefused, resolve

READ_AT_MOST = 1024


@dataclass(frozen=True)
class Answer:
    status: int | None  # the HTTP status, or None if no answer came
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _pool(parts, address: str, port: int, timeout: urllib3.Timeout):
    if parts.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=parts.hostname,
            assert_hostname=parts.hostname,
        )
    return urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False, maxsize=1)


def post(url: str, *, body: bytes, headers: dict[str, str]) -> Answer:
    try:
        addresses = resolve(url)
    except AddressRefused as refusal:
        return Answer(None, str(refusal))
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    seconds = settings.WEBHOOKS_TIMEOUT_SECONDS
    timeout = urllib3.Timeout(connect=seconds, read=seconds)
    pool = _pool(parts, addresses[0], port, timeout)
    try:
        response = pool.urlopen(
            "POST",
            target,
            body=body,
            headers={**headers, "Host": parts.netloc},
            redirect=False,
            retries=False,
            assert_same_host=False,
            preload_content=False,
        )
        try:
            response.read(READ_AT_MOST)
        except urllib3.exceptions.HTTPError:
            pass  # the status is what counts; a broken body changes nothing
        failed = not 200 <= response.status < 300
        return Answer(response.status, f"HTTP {response.status}" if failed else "")
    except urllib3.exceptions.TimeoutError:
        return Answer(None, f"timeout: no answer within {seconds} s")
    except urllib3.exceptions.SSLError as error:
        return Answer(None, f"TLS: {error}")
    except urllib3.exceptions.HTTPError as error:
        return Answer(None, f"connection failed: {type(error).__name__}")
    finally:
        pool.close()
