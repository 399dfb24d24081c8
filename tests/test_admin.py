"""The Django admin: every model opens for a superuser; an organisation's administrator sees
and manages only their own organisation."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Case
from organisations.models import Membership, Role, User
from tests.cases.factories import CaseFactory
from tests.organisations.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "a-long-root-password")


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def test_every_model_list_and_change_page_opens_for_a_superuser(client, superuser, case):
    client.force_login(superuser)
    for model in admin.site._registry:
        assert client.get(changelist(model)).status_code == 200, model
        obj = model.objects.order_by("pk").first()
        if obj is not None:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk]
            )
            assert client.get(url).status_code == 200, model


def test_organisation_admin_sees_only_their_organisation(client, org_admin, case, outsider):
    theirs = CaseFactory(actor=outsider, name_latin="Chea Bopha")
    client.force_login(org_admin)
    cases = client.get(changelist(Case)).content.decode()
    assert case.case_number in cases and theirs.case_number not in cases
    users = client.get(changelist(User)).content.decode()
    assert "owner" in users and "outsider" not in users
    for model in (Case, User):
        other = theirs if model is Case else outsider
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[other.pk]
        )
        response = client.get(url)
        assert response.status_code == 302  # the admin's "does not exist" redirect
        assert "Chea Bopha" not in client.get(response.url).content.decode()


def test_staff_without_an_organisation_role_sees_no_survivor(client, ngo, case):
    worker = UserFactory(organisation=ngo, role=Role.SUPERVISOR)
    worker.is_staff = True
    worker.save()
    client.force_login(worker)
    assert client.get(changelist(Case)).status_code == 403


def test_organisation_admin_adds_a_colleague_to_their_own_organisation(client, org_admin, ngo):
    client.force_login(org_admin)
    response = client.post(
        reverse("admin:organisations_user_add"),
        {
            "username": "new.worker",
            "password1": "a-long-new-password-2026",
            "password2": "a-long-new-password-2026",
            "usable_password": "true",
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "0",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-organisation": str(ngo.pk),
            "membership-0-role": Role.SUPERVISOR,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership = Membership.objects.get(user__username="new.worker")
    assert membership.organisation == ngo and membership.role == Role.SUPERVISOR
    assert membership.user.groups.filter(pk=ngo.group_id).exists()


def test_organisation_admin_cannot_place_a_user_in_another_organisation(
    client, org_admin, other_ngo
):
    client.force_login(org_admin)
    client.post(
        reverse("admin:organisations_user_add"),
        {
            "username": "intruder",
            "password1": "a-long-new-password-2026",
            "password2": "a-long-new-password-2026",
            "usable_password": "true",
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "0",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-organisation": str(other_ngo.pk),
            "membership-0-role": Role.ORG_ADMIN,
        },
    )
    assert not Membership.objects.filter(organisation=other_ngo, user__username="intruder").exists()
