"""Under production settings webhooks go to public https endpoints only, and bodies name
resources at the site's public address."""

from tests.test_settings import PRODUCTION_ENV, manage

PRINT = (
    "from django.conf import settings as s; "
    "print(s.WEBHOOKS_REQUIRE_HTTPS, s.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES, s.SITE_URL)"
)


def test_production_allows_only_public_https_endpoints():
    result = manage("shell", "-v", "0", "-c", PRINT, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "https://homecoming.example.org"]


def test_the_site_url_can_be_set():
    env = {**PRODUCTION_ENV, "SITE_URL": "https://hc.example.org"}
    result = manage("shell", "-v", "0", "-c", PRINT, env=env)
    assert result.stdout.split()[-1] == "https://hc.example.org"
