"""The Django admin for an organisation's administrator: it works, changes go through the same
services (and validation) as the pages, and no field reaches another organisation's rows."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import EmailDelivery, Notification, Reminder
from organisations.models import Membership, Organisation, Role
from tests.cases.factories import CaseFactory
from tests.followup.factories import planned_visit

pytestmark = pytest.mark.django_db


def change_url(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


class _FormValues(HTMLParser):
    """The values a browser would send back from the admin's change form."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or "on"
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(client, url) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _FormValues()
    parser.feed(response.content.decode())
    parser.values.pop("csrfmiddlewaretoken", None)
    return parser.values


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(org_admin)
    return client


# The organisation itself.


def test_the_organisation_pages_open_for_its_administrator(admin_client, ngo, other_ngo):
    listing = admin_client.get(reverse("admin:organisations_organisation_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert ngo.name in page and other_ngo.name not in page
    assert admin_client.get(change_url(ngo)).status_code == 200
    assert admin_client.get(change_url(other_ngo)).status_code == 302  # "does not exist"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("followup_plan_months", '["soon"]'),
        ("followup_plan_months", "[0, 3]"),
        ("followup_plan_months", "[]"),
        ("followup_plan_months", '{"months": 3}'),
        ("retention_years", "0"),
        ("referral_access_grace_days", "4000"),
    ],
)
def test_organisation_settings_are_validated(admin_client, ngo, field, value):
    data = form_values(admin_client, change_url(ngo))
    data[field] = value
    response = admin_client.post(change_url(ngo), data)
    assert response.status_code == 200  # the form again, with the error
    assert "errorlist" in response.content.decode()
    ngo.refresh_from_db()
    assert ngo.followup_plan_months == [1, 3, 6, 12, 24]
    assert ngo.retention_years == 10 and ngo.referral_access_grace_days == 30


def test_organisation_settings_change_through_the_service(admin_client, ngo, monkeypatch):
    from organisations import services

    calls = []
    real = services.organisation_update_settings
    monkeypatch.setattr(
        services, "organisation_update_settings", lambda **kw: calls.append(kw) or real(**kw)
    )
    data = form_values(admin_client, change_url(ngo))
    data.update(followup_plan_months="[12, 3, 6]", retention_years="15")
    data["workers_see_assigned_only"] = "on"
    response = admin_client.post(change_url(ngo), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    ngo.refresh_from_db()
    assert ngo.followup_plan_months == [3, 6, 12]
    assert ngo.retention_years == 15 and ngo.workers_see_assigned_only
    assert len(calls) == 1


def test_the_identity_of_an_organisation_is_not_its_administrators_to_change(admin_client, ngo):
    data = form_values(admin_client, change_url(ngo))
    data.update(name="Renamed", kind="ministry")
    admin_client.post(change_url(ngo), data)
    ngo.refresh_from_db()
    assert ngo.name == "Homecoming Test Shelter" and ngo.kind == "ngo"


# People and their roles.


def test_the_membership_inline_offers_only_the_roles_the_people_page_offers(admin_client, owner):
    page = admin_client.get(change_url(owner)).content.decode()
    assert 'value="social_worker"' in page and 'value="supervisor"' in page
    assert 'value="api_client"' not in page
    assert 'value="ministry_officer"' not in page  # an NGO has no ministry officers


def test_an_administrator_cannot_demote_themselves_in_the_admin(admin_client, org_admin):
    data = form_values(admin_client, change_url(org_admin))
    data["membership-0-role"] = Role.SUPERVISOR
    response = admin_client.post(change_url(org_admin), data)
    assert response.status_code == 200
    assert "your own administrator role" in response.content.decode()
    assert Membership.objects.get(user=org_admin).role == Role.ORG_ADMIN


def test_an_administrator_cannot_give_the_api_client_role(admin_client, owner):
    data = form_values(admin_client, change_url(owner))
    data["membership-0-role"] = Role.API_CLIENT
    admin_client.post(change_url(owner), data)
    assert Membership.objects.get(user=owner).role == Role.SOCIAL_WORKER


def test_a_role_change_in_the_admin_goes_through_the_service(admin_client, owner, monkeypatch):
    from organisations import services

    calls = []
    real = services.user_set_role
    monkeypatch.setattr(services, "user_set_role", lambda **kw: calls.append(kw) or real(**kw))
    data = form_values(admin_client, change_url(owner))
    data["membership-0-role"] = Role.SUPERVISOR
    response = admin_client.post(change_url(owner), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.get(user=owner).role == Role.SUPERVISOR
    assert [call["role"] for call in calls] == [Role.SUPERVISOR]


def test_an_administrator_cannot_deactivate_themselves_in_the_admin(admin_client, org_admin):
    data = form_values(admin_client, change_url(org_admin))
    data.pop("is_active", None)
    admin_client.post(change_url(org_admin), data)
    org_admin.refresh_from_db()
    assert org_admin.is_active


# Foreign keys reach no other organisation.


@pytest.fixture
def foreign_visit(outsider):
    case = CaseFactory(actor=outsider, name_latin="Chea Bopha")
    return planned_visit(case, on=timezone.localdate() + dt.timedelta(days=40))


@pytest.fixture
def own_reminder(case):
    return planned_visit(case, on=timezone.localdate() + dt.timedelta(days=30)).reminders.first()


def test_a_reminder_cannot_be_moved_onto_another_organisations_visit(
    admin_client, own_reminder, foreign_visit
):
    data = form_values(admin_client, change_url(own_reminder))
    data["visit"] = str(foreign_visit.pk)
    response = admin_client.post(change_url(own_reminder), data)
    own_reminder.refresh_from_db()
    assert own_reminder.visit_id != foreign_visit.pk
    assert foreign_visit.case.case_number not in response.content.decode()
    if response.status_code == 302:
        assert foreign_visit.case.case_number not in admin_client.get(response.url).content.decode()


def test_a_foreign_visit_id_shows_nothing_in_the_reminder_form(
    admin_client, own_reminder, foreign_visit
):
    page = admin_client.get(change_url(own_reminder) + f"?visit={foreign_visit.pk}")
    assert foreign_visit.case.case_number not in page.content.decode()
    lookup = admin_client.get(
        reverse("admin:followup_followupvisit_changelist") + "?_to_field=id&_popup=1"
    )
    assert foreign_visit.case.case_number not in lookup.content.decode()


def test_notifications_and_e_mails_reach_no_other_organisation(
    admin_client, own_reminder, foreign_visit, owner, outsider
):
    foreign_reminder = foreign_visit.reminders.first()
    notification = Notification.objects.create(recipient=owner, reminder=own_reminder, text="Due")
    email = EmailDelivery.objects.create(
        reminder=own_reminder, recipient=owner, address="owner@example.org", sent_at=timezone.now()
    )
    for obj in (notification, email):
        data = form_values(admin_client, change_url(obj))
        data.update(reminder=str(foreign_reminder.pk), recipient=str(outsider.pk))
        response = admin_client.post(change_url(obj), data)
        assert foreign_visit.case.case_number not in response.content.decode()
        assert "outsider" not in response.content.decode()
        obj.refresh_from_db()
        assert obj.reminder_id == own_reminder.pk and obj.recipient_id == owner.pk


def test_every_foreign_key_choice_is_scoped(rf, org_admin, ngo, other_ngo):
    """Any scoped model's foreign keys offer only the administrator's organisation's rows."""
    from django.contrib import admin

    from organisations.admin import OrganisationScopedAdmin

    request = rf.get("/admin/")
    request.user = org_admin
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, OrganisationScopedAdmin):
            continue
        for field in model._meta.get_fields():
            if not (field.is_relation and field.many_to_one and field.concrete):
                continue
            target = admin.site._registry.get(field.related_model)
            if not isinstance(target, OrganisationScopedAdmin):
                continue
            formfield = model_admin.formfield_for_foreignkey(field, request)
            if formfield is None:
                continue
            allowed = set(target.get_queryset(request).values_list("pk", flat=True))
            offered = set(formfield.queryset.values_list("pk", flat=True))
            assert offered <= allowed, (model, field.name)
    assert Organisation.objects.filter(pk=other_ngo.pk).exists()


def test_reminders_list_only_the_organisations_own(admin_client, own_reminder, foreign_visit):
    page = admin_client.get(reverse("admin:followup_reminder_changelist")).content.decode()
    assert foreign_visit.case.case_number not in page
    assert Reminder.objects.filter(visit=foreign_visit).exists()


def test_a_typed_foreign_id_names_nothing_in_any_raw_id_box(
    admin_client, own_reminder, foreign_visit
):
    visit = own_reminder.visit
    data = form_values(admin_client, change_url(visit))
    data["case"] = str(foreign_visit.case_id)
    response = admin_client.post(change_url(visit), data)
    assert response.status_code == 200  # refused: "Select a valid choice"
    assert foreign_visit.case.case_number not in response.content.decode()
    visit.refresh_from_db()
    assert visit.case_id != foreign_visit.case_id
