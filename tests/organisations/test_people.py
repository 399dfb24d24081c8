"""An organisation's administrator manages its people, and nobody else's; a person's
language follows them."""

import pytest
from django.core import mail
from django.urls import reverse

from organisations.models import Role, User

pytestmark = pytest.mark.django_db


def test_admin_invites_a_person_who_then_chooses_a_password(client_for, org_admin, ngo, client):
    response = client_for(org_admin).post(
        reverse("organisations:people"),
        {
            "username": "sreymom",
            "first_name": "Sreymom",
            "email": "sm@example.org",
            "role": "supervisor",
        },
    )
    assert response.status_code == 200
    link = response.context["link"]
    person = User.objects.get(username="sreymom")
    assert person.membership.organisation == ngo and person.membership.role == Role.SUPERVISOR
    assert not person.has_usable_password()
    assert link in mail.outbox[0].body

    client.logout()
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    chosen = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-new-long-password-2026", "new_password2": "a-new-long-password-2026"},
    )
    assert chosen.status_code == 302
    assert client.login(username="sreymom", password="a-new-long-password-2026")
    assert client.get(link, follow=True).context["validlink"] is False  # the link works once


def test_admin_changes_a_role_and_deactivates_a_person(client_for, org_admin, owner):
    client = client_for(org_admin)
    client.post(reverse("organisations:person-role", args=[owner.pk]), {"role": "supervisor"})
    owner.refresh_from_db()
    assert owner.membership.role == Role.SUPERVISOR
    asked = client.post(reverse("organisations:person-active", args=[owner.pk]), {"active": "0"})
    assert asked.status_code == 302  # to the question: their open work goes to someone first
    client.post(asked.url, {})
    owner.refresh_from_db()
    assert owner.is_active is False


def test_a_deactivated_person_is_signed_out_on_their_next_request(client, org_admin, owner):
    client.force_login(owner)
    assert client.get(reverse("cases:list")).status_code == 200
    owner.is_active = False
    owner.save()
    assert client.get(reverse("cases:list")).status_code == 302


def test_admin_cannot_remove_their_own_role(client_for, org_admin):
    client_for(org_admin).post(
        reverse("organisations:person-role", args=[org_admin.pk]), {"role": "social_worker"}
    )
    org_admin.refresh_from_db()
    assert org_admin.membership.role == Role.ORG_ADMIN


@pytest.mark.parametrize("persona", ["owner", "supervisor", "outsider", "officer"])
def test_people_pages_are_for_the_organisations_admin_only(request, client_for, org_admin, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("organisations:people")).status_code == 404
    target = reverse("organisations:person-active", args=[org_admin.pk])
    assert client.post(target, {"active": "0"}).status_code == 404
    org_admin.refresh_from_db()
    assert org_admin.is_active


def test_another_organisations_admin_gets_404_on_our_people(client_for, owner, other_ngo):
    from tests.organisations.factories import UserFactory

    their_admin = UserFactory(organisation=other_ngo, role=Role.ORG_ADMIN)
    client = client_for(their_admin)
    assert b"owner" not in client.get(reverse("organisations:people")).content
    response = client.post(reverse("organisations:person-active", args=[owner.pk]), {"active": "0"})
    assert response.status_code == 404
    owner.refresh_from_db()
    assert owner.is_active


def test_the_chosen_language_is_remembered_for_the_person(client_for, owner, client):
    client_for(owner).post(reverse("set_language"), {"language": "km", "next": "/cases/"})
    owner.refresh_from_db()
    assert owner.preferred_language == "km"
    other_device = client.__class__()
    other_device.force_login(owner)
    page = other_device.get(reverse("cases:list"))
    assert page.headers["Content-Language"] == "km"
    assert '<html lang="km">' in page.content.decode()


def test_api_key_accounts_are_not_people(client_for, org_admin, ngo):
    from api.services import api_key_create

    key, _plaintext = api_key_create(actor=org_admin, organisation=ngo, name="Shelter database")
    client = client_for(org_admin)
    page = client.get(reverse("organisations:people"))
    assert key.user not in page.context["members"]
    assert "Shelter database" not in page.content.decode()
    assert Role.API_CLIENT not in dict(page.context["roles"])

    # Its role and its account are out of the people pages' reach: the key is stopped on the
    # API keys page, which records who revoked it.
    role = client.post(
        reverse("organisations:person-role", args=[key.user.pk]), {"role": "org_admin"}
    )
    active = client.post(
        reverse("organisations:person-active", args=[key.user.pk]), {"active": "0"}
    )
    assert role.status_code == active.status_code == 404
    key.user.refresh_from_db()
    assert key.user.membership.role == Role.API_CLIENT and key.user.is_active

    invite = client.post(
        reverse("organisations:people"), {"username": "robot", "role": Role.API_CLIENT}
    )
    assert "role" in invite.context["form"].errors
    assert not User.objects.filter(username="robot").exists()


def test_deactivation_ends_sessions_for_good_even_after_reactivation(
    client, org_admin, owner, password
):
    assert client.login(username=owner.username, password=password)
    assert client.get(reverse("cases:list")).status_code == 200
    admin = client.__class__()
    admin.force_login(org_admin)
    admin.post(reverse("person-deactivate", args=[owner.pk]), {})
    owner.refresh_from_db()
    assert not owner.is_active
    admin.post(reverse("organisations:person-active", args=[owner.pk]), {"active": "1"})
    owner.refresh_from_db()
    assert owner.is_active
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # Signing in again works: the person was reactivated, only the old session is gone.
    assert client.login(username=owner.username, password=password)
    assert client.get(reverse("cases:list")).status_code == 200


def test_sessions_end_for_good_whatever_deactivates_the_person(client, owner, password):
    """A platform administrator in the Django admin, or a shell, saves the user directly."""
    assert client.login(username=owner.username, password=password)
    owner.is_active = False
    owner.save()
    owner.is_active = True
    owner.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_organisation_administrators_deactivate_on_the_people_page_not_in_the_admin(
    client_for, org_admin, owner
):
    page = client_for(org_admin).get(reverse("admin:organisations_user_change", args=[owner.pk]))
    assert page.status_code == 200
    assert 'name="is_active"' not in page.content.decode()
