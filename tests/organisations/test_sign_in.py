"""Sign-in and sessions, tried the way an attacker would."""

import io
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from organisations.security import LAST_SEEN, SIGNED_IN_AT
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db
BASE_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_passwords_are_hashed_with_argon2(owner, settings):
    assert django_settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")  # tests only
    settings.PASSWORD_HASHERS = BASE_HASHERS
    owner.set_password("a-long-enough-password")
    assert owner.password.startswith("argon2$argon2id$")


@pytest.mark.parametrize("weak", ["short-pass1", "password1234", "123456789012"])
def test_short_or_common_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_the_sixth_try_is_refused_even_with_the_right_password(client, owner, password, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        assert sign_in(client, owner.username, "wrong-password").status_code == 200
    sign_in(client, owner.username, "wrong-password")  # the fifth failure locks
    refused = sign_in(client, owner.username, password)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is for this person from this address: their colleague's office still works.
    assert sign_in(client.__class__(), owner.username, password, "10.0.0.2").status_code == 302


def token_now(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def test_two_factor_setup_then_a_replayed_code_is_refused(client, org_admin, owner, settings):
    admin = client.__class__()
    admin.force_login(org_admin)
    link = sign_in_link(admin, owner)  # the administrator's own second step is not the point
    settings.REQUIRE_TWO_FACTOR = True
    # django-otp also slows down guessing after a wrong code; the test types faster than people.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    password = "a-new-long-password-2026"
    choose_password(client, link, password)
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("two-factor"))

    setup = client.get(reverse("two-factor"))
    assert b"data:image/svg+xml" in setup.content
    device = TOTPDevice.objects.get(user=owner)
    code = token_now(device)
    codes_page = client.post(reverse("two-factor"), {"code": code})
    recovery_codes = codes_page.context["codes"]
    assert len(recovery_codes) == 10
    assert client.get(reverse("cases:list")).status_code == 200

    other = client.__class__()
    sign_in(other, owner.username, password)
    replay = other.post(reverse("two-factor"), {"code": code})
    assert "already used" in replay.content.decode()
    assert other.get(reverse("cases:list")).status_code == 302

    assert other.post(reverse("two-factor"), {"code": recovery_codes[0]}).status_code == 302
    assert other.get(reverse("cases:list")).status_code == 200
    third = client.__class__()
    sign_in(third, owner.username, password)
    reused = third.post(reverse("two-factor"), {"code": recovery_codes[0]})
    assert "already used" in reused.content.decode()


def test_two_factor_is_not_asked_without_the_production_switch(client, owner, password):
    sign_in(client, owner.username, password)
    assert client.get(reverse("cases:list")).status_code == 200


@pytest.mark.parametrize(
    ("stamp", "age"),
    [(LAST_SEEN, 31 * 60), (SIGNED_IN_AT, 12 * 60 * 60 + 60)],
    ids=["30 minutes idle", "12 hours in all"],
)
def test_sessions_end_when_idle_or_old(client, owner, password, stamp, age):
    sign_in(client, owner.username, password)
    session = client.session
    session[stamp] = int(time.time()) - age
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("cases:list")).status_code == 302  # really signed out


def test_an_active_session_survives(client, owner, password):
    sign_in(client, owner.username, password)
    session = client.session
    session[LAST_SEEN] = int(time.time()) - 29 * 60
    session.save()
    assert client.get(reverse("cases:list")).status_code == 200


def test_pages_with_survivor_data_are_not_cached_and_cannot_be_framed(client_for, owner):
    case = CaseFactory(actor=owner)
    response = client_for(owner).get(reverse("cases:detail", args=[case.pk]))
    assert "no-store" in response["Cache-Control"]
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script and "unsafe-eval" not in script
    assert response["X-Frame-Options"] == "DENY"


PROXY = "10.0.0.1"
CLIENT_A, CLIENT_B = "203.0.113.7", "198.51.100.8"


def sign_in_via_proxy(client, username, password, forwarded_for):
    """What the TLS proxy passes on: its own address, and the client's appended to the header."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_the_trusted_proxy_failures_from_one_client_lock_that_client_only(
    client, owner, password, settings
):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = settings.AUDIT_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        sign_in_via_proxy(client, owner.username, "wrong-password", CLIENT_A)
    assert sign_in_via_proxy(client, owner.username, password, CLIENT_A).status_code == 429
    # Another client, through the same proxy, signs in: the person is not locked out everywhere.
    elsewhere = client.__class__()
    assert sign_in_via_proxy(elsewhere, owner.username, password, CLIENT_B).status_code == 302


def test_a_forged_forwarded_address_locks_out_nobody_else(client, owner, password, settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = settings.AUDIT_TRUSTED_PROXY_COUNT = 1
    for _ in range(6):  # client A pretends to be B; the proxy appends A's real address
        sign_in_via_proxy(client, owner.username, "wrong-password", f"{CLIENT_B}, {CLIENT_A}")
    assert (
        sign_in_via_proxy(client.__class__(), owner.username, password, CLIENT_B).status_code == 302
    )


def test_without_a_trusted_proxy_the_forwarded_header_is_not_believed(
    client, owner, password, settings
):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = settings.AUDIT_TRUSTED_PROXY_COUNT = 0
    for n in range(5):  # a new forged address each time does not escape the lock
        sign_in_via_proxy(client, owner.username, "wrong-password", f"192.0.2.{n}")
    assert sign_in_via_proxy(client, owner.username, password, "192.0.2.99").status_code == 429


def sign_in_link(admin_client, person) -> str:
    response = admin_client.post(reverse("organisations:person-reset", args=[person.pk]))
    assert response.status_code == 200
    return response.context["link"]


def choose_password(client, link, new_password="a-new-long-password-2026"):  # noqa: S107
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    return client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )


def test_with_only_the_password_nobody_enrols_an_authenticator(client, owner, password, settings):
    settings.REQUIRE_TWO_FACTOR = True
    assert sign_in(client, owner.username, password).status_code == 302
    page = client.get(reverse("two-factor"))
    assert page.status_code == 403
    assert "ask your organisation's administrator" in page.content.decode()
    assert "data:image/svg+xml" not in page.content.decode()
    refused = client.post(reverse("two-factor"), {"code": "123456"})
    assert refused.status_code == 403
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert client.get(reverse("cases:list")).status_code == 302  # still no way in


def test_the_administrators_link_lets_the_person_enrol_once(
    client, org_admin, owner, password, settings
):
    old_session = client.__class__()
    assert sign_in(old_session, owner.username, password).status_code == 302
    admin = client.__class__()
    admin.force_login(org_admin)
    link = sign_in_link(admin, owner)
    settings.REQUIRE_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0

    chosen = choose_password(client, link)
    assert chosen.status_code == 302 and chosen.url == reverse("two-factor")
    setup = client.get(reverse("two-factor"))
    assert b"data:image/svg+xml" in setup.content
    device = TOTPDevice.objects.get(user=owner)
    client.post(reverse("two-factor"), {"code": token_now(device)})
    assert client.get(reverse("cases:list")).status_code == 200

    # The reset ended the old password and the session signed in with it.
    assert old_session.get(reverse("cases:list")).url.startswith(reverse("login"))
    assert sign_in(client.__class__(), owner.username, password).status_code == 200
    assert client.get(link, follow=True).context["validlink"] is False  # the link works once


def test_an_administrator_cannot_reset_another_organisations_person(
    client_for, org_admin, outsider
):
    response = client_for(org_admin).post(reverse("organisations:person-reset", args=[outsider.pk]))
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.has_usable_password()


def test_the_operator_resets_the_only_administrator_from_the_server(client, org_admin):
    out = io.StringIO()
    call_command(
        "reset_sign_in", org_admin.username, "--base-url", "https://hc.example.org", stdout=out
    )
    link = out.getvalue().strip()
    assert link.startswith("https://hc.example.org/accounts/reset/")
    org_admin.refresh_from_db()
    assert not org_admin.has_usable_password()
    path = link.removeprefix("https://hc.example.org")
    assert choose_password(client, path).status_code == 302
    assert client.get(reverse("organisations:people")).status_code == 200
