"""API keys: shown once, stored hashed, revocable, expiring, and acting as the organisation's
API client."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from api.models import ApiKey
from api.services import api_key_create, api_key_revoke
from organisations.models import Role
from organisations.services import user_set_active

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def test_a_key_acts_as_its_organisations_api_client(ngo, ngo_key, ngo_api, case):
    key, plaintext = ngo_key
    assert len(plaintext) >= 43
    assert key.prefix == plaintext[:8]
    assert key.user.membership.role == Role.API_CLIENT
    assert key.user.membership.organisation == ngo
    assert not key.user.has_usable_password()
    response = ngo_api.get(CASES)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [case.pk]


def test_the_plaintext_is_stored_nowhere(ngo_key):
    key, plaintext = ngo_key
    dump = io.StringIO()
    call_command(
        "dumpdata", "api", "organisations.user", "organisations.membership", "auth", stdout=dump
    )
    assert plaintext not in dump.getvalue()
    assert key.hashed_secret not in plaintext


def test_without_credentials_or_with_a_wrong_key_401_problem(client, ngo_key, key_client):
    response = client.get(CASES)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Api-Key"
    wrong = key_client(ngo_key[1][:-2] + "xx").get(CASES)
    assert wrong.status_code == 401
    assert wrong.json()["detail"] == "This API key is not valid."
    malformed = client.get(CASES, HTTP_AUTHORIZATION="Api-Key")
    assert malformed.status_code == 401


def test_a_revoked_key_stops_on_the_next_request(ngo_key, ngo_api, org_admin):
    key, _plaintext = ngo_key
    assert ngo_api.get(CASES).status_code == 200
    api_key_revoke(actor=org_admin, key=key)
    response = ngo_api.get(CASES)
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key was revoked."


def test_an_expired_key_is_refused(ngo_key, ngo_api):
    key, _plaintext = ngo_key
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = ngo_api.get(CASES)
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key has expired."


def test_deactivating_the_service_user_stops_the_key(ngo_key, ngo_api, org_admin):
    key, _plaintext = ngo_key
    user_set_active(actor=org_admin, user=key.user, active=False)
    assert ngo_api.get(CASES).status_code == 401


def test_an_inactive_organisation_stops_its_keys(ngo, ngo_api):
    ngo.is_active = False
    ngo.save()
    response = ngo_api.get(CASES)
    assert response.status_code == 401
    assert "not active" in response.json()["detail"]


def test_a_key_whose_service_user_was_given_another_role_is_refused(ngo_key, ngo_api):
    key, _plaintext = ngo_key
    key.user.membership.role = Role.ORG_ADMIN
    key.user.membership.save()
    assert ngo_api.get(CASES).status_code == 401


def test_last_used_is_stamped_at_most_once_a_minute(ngo_key, ngo_api):
    key, _plaintext = ngo_key
    assert key.last_used_at is None
    ngo_api.get(CASES)
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None
    ngo_api.get(CASES)
    key.refresh_from_db()
    assert key.last_used_at == first
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    ngo_api.get(CASES)
    key.refresh_from_db()
    assert key.last_used_at > first - dt.timedelta(minutes=2)


def test_only_the_organisations_administrator_creates_and_revokes_keys(
    ngo, other_ngo, org_admin, supervisor, outsider, ngo_key
):
    with pytest.raises(PermissionDenied):
        api_key_create(actor=supervisor, organisation=ngo, name="x")
    with pytest.raises(PermissionDenied):
        api_key_create(actor=org_admin, organisation=other_ngo, name="x")
    with pytest.raises(PermissionDenied):
        api_key_revoke(actor=outsider, key=ngo_key[0])
    key, plaintext = api_key_create(actor=org_admin, organisation=ngo, name="IOM")
    assert key.created_by == org_admin
    assert (key.expires_at - timezone.now()).days in (364, 365)


def test_the_command_prints_the_key_once(ngo):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "create_api_key", "--org", ngo.slug, "--name", "IOM", "--days", "30", stdout=out, stderr=err
    )
    plaintext = out.getvalue().strip()
    key = ApiKey.objects.get(prefix=plaintext[:8])
    assert key.name == "IOM"
    assert (key.expires_at - timezone.now()).days in (29, 30)
    assert "shown this once" in err.getvalue()
    assert plaintext not in err.getvalue()


def test_the_command_refuses_an_unknown_organisation_with_a_sentence(ngo):
    with pytest.raises(CommandError, match="No organisation has the slug “nowhere”"):
        call_command("create_api_key", "--org", "nowhere", "--name", "IOM")
    with pytest.raises(CommandError, match="1 or more"):
        call_command("create_api_key", "--org", ngo.slug, "--name", "IOM", "--days", "0")
    assert not ApiKey.objects.exists()


class TestKeyPage:
    def test_the_administrator_creates_a_key_and_sees_it_once(self, client_for, org_admin):
        client = client_for(org_admin)
        response = client.post(reverse("api:keys"), {"name": "IOM case database", "days": 90})
        assert response.status_code == 200
        plaintext = response.context["plaintext"]
        assert plaintext in response.content.decode()
        key = ApiKey.objects.get()
        assert key.prefix == plaintext[:8]
        page = client.get(reverse("api:keys")).content.decode()
        assert plaintext not in page
        assert key.prefix in page
        assert "IOM case database" in page

    def test_the_administrator_revokes_a_key(self, client_for, org_admin, ngo_key, ngo_api):
        key, _plaintext = ngo_key
        response = client_for(org_admin).post(reverse("api:key-revoke", args=[key.pk]))
        assert response.status_code == 302
        key.refresh_from_db()
        assert key.revoked_at is not None
        assert ngo_api.get(CASES).status_code == 401

    @pytest.mark.parametrize("persona", ["supervisor", "owner", "outsider", "officer"])
    def test_anyone_else_finds_no_page(self, request, client_for, persona, ngo_key):
        client = client_for(request.getfixturevalue(persona))
        assert client.get(reverse("api:keys")).status_code == 404
        revoke = client.post(reverse("api:key-revoke", args=[ngo_key[0].pk]))
        assert revoke.status_code == 404
        ngo_key[0].refresh_from_db()
        assert ngo_key[0].revoked_at is None

    def test_another_organisations_administrator_cannot_revoke(
        self, client_for, other_ngo, ngo_key, make_key
    ):
        from tests.organisations.factories import UserFactory

        admin = UserFactory(organisation=other_ngo, role=Role.ORG_ADMIN)
        response = client_for(admin).post(reverse("api:key-revoke", args=[ngo_key[0].pk]))
        assert response.status_code == 404
