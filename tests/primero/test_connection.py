"""Setting up a connection: checked by a test call, the password kept encrypted and never
shown; the command line does the same."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection as db
from django.urls import reverse

from primero.models import PrimeroConnection, PrimeroRoute
from primero.services import connection_save

from .conftest import DOSVY_USER, RECIPIENT

pytestmark = pytest.mark.django_db


def arguments(primero, **overrides):
    values = {
        "base_url": primero.url,
        "username": "homecoming",
        "password": "s3cret-pass",
        "recipient": RECIPIENT,
    }
    return {**values, **overrides}


def test_a_wrong_password_is_refused_and_nothing_is_saved(primero, ngo):
    with pytest.raises(ValidationError) as refused:
        connection_save(organisation=ngo, **arguments(primero, password="wrong"))
    assert "refused this user name and password" in str(refused.value)
    assert not PrimeroConnection.objects.exists()


def test_an_address_that_does_not_answer_is_refused(primero, ngo):
    primero.stop()
    with pytest.raises(ValidationError) as refused:
        connection_save(organisation=ngo, **arguments(primero))
    assert "did not answer" in str(refused.value)
    assert not PrimeroConnection.objects.exists()


def test_the_password_is_stored_encrypted(connection):
    with db.cursor() as cursor:
        cursor.execute("SELECT password FROM primero_primeroconnection")
        [(stored,)] = cursor.fetchall()
    assert "s3cret-pass" not in stored
    assert PrimeroConnection.objects.get().password == "s3cret-pass"


def test_the_administrator_sets_it_up_on_a_page_that_never_shows_the_password(
    primero, ngo, dosvy, org_admin, client_for
):
    client = client_for(org_admin)
    response = client.post(
        reverse("primero:connection"),
        {
            **arguments(primero),
            "auth_mode": "auto",
            "routes": f"{dosvy.slug} = {DOSVY_USER}",
            "field_mapping": '{"fields": {"name_khmer": null}}',
        },
    )
    assert response.status_code == 302
    saved = PrimeroConnection.objects.get(organisation=ngo)
    assert saved.field_mapping == {"fields": {"name_khmer": None}}
    assert PrimeroRoute.objects.get().transitioned_to == DOSVY_USER
    page = client.get(reverse("primero:connection")).content.decode()
    assert "s3cret-pass" not in page and saved.username in page

    # Saving again without a password keeps the saved one.
    response = client.post(
        reverse("primero:connection"),
        {**arguments(primero, password=""), "auth_mode": "auto", "routes": ""},
    )
    assert response.status_code == 302
    assert PrimeroConnection.objects.get().password == "s3cret-pass"
    assert not PrimeroRoute.objects.exists()


def test_a_refused_password_on_the_page_is_a_form_error(primero, ngo, org_admin, client_for):
    response = client_for(org_admin).post(
        reverse("primero:connection"), {**arguments(primero, password="bad"), "auth_mode": "auto"}
    )
    assert response.status_code == 400
    assert "Primero refused this user name and password." in response.content.decode()
    assert not PrimeroConnection.objects.exists()


@pytest.mark.parametrize("user", ["owner", "supervisor", "outsider"])
def test_only_the_organisations_administrator_sees_the_page(request, user, connection, client_for):
    client = client_for(request.getfixturevalue(user))
    assert client.get(reverse("primero:connection")).status_code == 404


def test_another_organisations_call_cannot_be_retried(
    connection, case, owner, dosvy, consents, other_ngo, client_for
):
    from primero.models import OutboxCall
    from tests.organisations.factories import UserFactory
    from tests.referrals.helpers import send

    send(case, owner, dosvy)
    call = OutboxCall.objects.get()
    admin = UserFactory(organisation=other_ngo, role="org_admin")
    response = client_for(admin).post(reverse("primero:call-retry", args=[call.pk]))
    assert response.status_code == 404


def test_the_command_connects_with_a_password_from_the_environment(
    primero, ngo, dosvy, monkeypatch
):
    monkeypatch.setenv("PRIMERO_PASSWORD", "s3cret-pass")
    out = io.StringIO()
    call_command(
        "primero_connect",
        "--org", ngo.slug, "--url", primero.url, "--username", "homecoming",
        "--password-env", "PRIMERO_PASSWORD", "--recipient", RECIPIENT,
        "--route", f"{dosvy.slug}={DOSVY_USER}",
        stdout=out,
    )  # fmt: skip
    assert "connected" in out.getvalue() and "s3cret-pass" not in out.getvalue()
    assert PrimeroConnection.objects.get().routes.get().organisation == dosvy

    monkeypatch.setenv("PRIMERO_PASSWORD", "wrong")
    with pytest.raises(CommandError, match="refused"):
        call_command(
            "primero_connect",
            "--org", ngo.slug, "--url", primero.url, "--username", "homecoming",
            "--password-env", "PRIMERO_PASSWORD", "--recipient", RECIPIENT,
        )  # fmt: skip
    assert PrimeroConnection.objects.get().password == "s3cret-pass"


def test_a_plain_http_address_is_refused_outside_development(primero, ngo, settings):
    settings.PRIMERO_ALLOW_HTTP = False
    with pytest.raises(ValidationError, match="https://"):
        connection_save(organisation=ngo, **arguments(primero))
    assert primero.requests == []  # the password never left
