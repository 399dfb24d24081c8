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


# The reintegration plan.


@pytest.fixture
def plans_of_both(case, owner, supervisor, outsider, other_ngo):
    """An approved plan with a health goal for the administrator's organisation, and a plan
    waiting for approval in another organisation."""
    from plans.services import goal_add, plan_start, plan_submit
    from tests.api.conftest import plan_approved

    ours = plan_approved(case, owner, supervisor)
    draft = plan_start(actor=owner, case=case)
    goal_add(actor=owner, plan=draft, domain="health", description="HIV care at the clinic")
    theirs_case = CaseFactory(actor=outsider, name_latin="Chea Bopha")
    theirs = plan_start(actor=outsider, case=theirs_case)
    goal = goal_add(actor=outsider, plan=theirs, domain="family", description="Tracing")
    from plans.services import action_add

    action_add(
        actor=outsider, goal=goal, what="Visit the commune", provider_kind="own",
        target_date=timezone.localdate() + dt.timedelta(days=9),
    )  # fmt: skip
    plan_submit(actor=outsider, plan=theirs)
    return ours, draft, theirs


PLAN_MODELS = ["plan", "approval", "needsassessment", "familyassessment",
               "communitypreparation", "livelihoodfact", "servicedelivery"]  # fmt: skip


@pytest.mark.parametrize("model", PLAN_MODELS)
def test_plan_lists_open_for_the_organisations_administrator(admin_client, plans_of_both, model):
    response = admin_client.get(reverse(f"admin:plans_{model}_changelist"))
    assert response.status_code == 200
    assert "Chea Bopha" not in response.content.decode()


def test_an_administrator_sees_only_their_organisations_plans(admin_client, plans_of_both):
    ours, draft, theirs = plans_of_both
    listing = admin_client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert ours.case.case_number in listing and theirs.case.case_number not in listing
    approvals = admin_client.get(reverse("admin:plans_approval_changelist")).content.decode()
    assert ours.case.case_number in approvals and theirs.case.case_number not in approvals
    page = admin_client.get(change_url(draft)).content.decode()
    assert "HIV care at the clinic" in page  # an administrator sees the health domain
    for obj in (theirs, theirs.approvals.get()):
        response = admin_client.get(change_url(obj))
        assert response.status_code == 302  # "does not exist"
        assert "Tracing" not in admin_client.get(response.url).content.decode()


def test_another_organisations_administrator_sees_none_of_them(client, plans_of_both, other_ngo):
    from tests.organisations.factories import UserFactory

    ours, draft, _theirs = plans_of_both
    stranger = UserFactory(username="their-admin", organisation=other_ngo, role=Role.ORG_ADMIN)
    client.force_login(stranger)
    listing = client.get(reverse("admin:plans_plan_changelist")).content.decode()
    assert ours.case.case_number not in listing
    for obj in (ours, draft, ours.approvals.get()):
        assert client.get(change_url(obj)).status_code == 302


def test_a_worker_has_no_plan_admin(client, owner, plans_of_both):
    client.force_login(owner)
    response = client.get(reverse("admin:plans_plan_changelist"))
    assert response.status_code in (302, 403)
    assert plans_of_both[0].case.case_number not in response.content.decode()


def test_plans_change_only_in_the_app_through_its_rules(admin_client, plans_of_both):
    """Approving, returning and editing a version have their rules (nobody approves their own
    request, an approved version is read-only): the admin shows, and writes nothing."""
    from plans.models import Plan

    ours, draft, _theirs = plans_of_both
    assert admin_client.get(reverse("admin:plans_plan_add")).status_code == 403
    approval = ours.approvals.get()
    page = admin_client.get(change_url(approval)).content.decode()
    assert 'name="status"' not in page  # shown, not a field to change
    admin_client.post(change_url(approval), {"status": "returned", "comment": "No."})
    approval.refresh_from_db()
    assert approval.status == "approved"
    delete = reverse("admin:plans_plan_delete", args=[draft.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Plan.objects.filter(pk=draft.pk).exists()


def test_reading_a_plan_in_the_admin_is_in_the_access_log(admin_client, org_admin, plans_of_both):
    from audit.models import AccessEvent

    ours = plans_of_both[0]
    admin_client.get(change_url(ours))
    viewed = AccessEvent.objects.filter(user=org_admin, action="view", case_id=ours.case_id)
    assert viewed.exists()
