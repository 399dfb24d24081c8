"""Two people open the same edit form; the second to save must not silently undo the first."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases.forms import SensitiveFactsForm
from cases.models import Case, CaseSensitiveFacts
from cases.services import case_sensitive_facts_update
from followup.models import FollowUpVisit, VisitStatus
from tests.followup.factories import planned_visit
from tests.followup.test_views import record_data
from webforms.versions import StaleEdit

from .helpers import case_form_data, edit_url, hidden

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_stale_case_form_is_refused_and_keeps_what_was_typed(case, owner, supervisor):
    a, b = signed_in(supervisor), signed_in(owner)
    form_a = case_form_data(a.get(edit_url(case)))
    form_b = case_form_data(b.get(edit_url(case)))

    saved = a.post(edit_url(case), {**form_a, "risk_level": "high"})
    assert saved.status_code == 302
    refused = b.post(edit_url(case), {**form_b, "family_contact": "Uncle in Takeo, 011 222 333"})

    assert refused.status_code == 200 and not refused.has_header("Location")
    page = refused.content.decode()
    assert "Someone else saved this record" in page
    assert "risk level" in page.lower() and "now: High" in page  # what changed, and its value
    assert "Uncle in Takeo, 011 222 333" in page  # what B typed is kept
    case.refresh_from_db()
    assert case.risk_level == "high"  # A's change survives
    assert case.family_contact != "Uncle in Takeo, 011 222 333"

    # Having seen the change, B saves again (the form now carries the new version).
    again = b.post(
        edit_url(case),
        {
            **form_b,
            "risk_level": "high",
            "family_contact": "Uncle in Takeo, 011 222 333",
            "version": hidden(refused, "version"),
        },
    )
    assert again.status_code == 302
    case.refresh_from_db()
    assert (case.risk_level, case.family_contact) == ("high", "Uncle in Takeo, 011 222 333")


def test_a_change_to_a_field_the_form_does_not_edit_does_not_make_it_stale(case, owner, supervisor):
    form = case_form_data(signed_in(owner).get(edit_url(case)))
    Case.objects.filter(pk=case.pk).update(phase="intake", updated_at=timezone.now())
    response = signed_in(owner).post(edit_url(case), {**form, "risk_level": "low"})
    assert response.status_code == 302


def test_a_tampered_version_is_a_form_error(case, owner):
    client = signed_in(owner)
    form = case_form_data(client.get(edit_url(case)))
    response = client.post(edit_url(case), {**form, "version": "forged", "risk_level": "low"})
    assert response.status_code == 200 and b"The form is damaged" in response.content
    case.refresh_from_db()
    assert case.risk_level != "low"


def test_a_stale_visit_record_is_refused_with_what_changed(case, owner, supervisor):
    visit = planned_visit(case, on=timezone.localdate())
    url = reverse("followup:visit", args=[visit.pk])
    first, second = signed_in(owner), signed_in(supervisor)
    version = hidden(first.get(url), "version")
    second.get(url)  # the second person opens the same form
    record = record_data(version=version)

    assert first.post(url, {**record, "risk_signs": "Broker seen nearby"}).status_code == 302
    refused = second.post(url, {**record, "risk_signs": "None seen"})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Someone else saved this record" in page and "None seen" in page
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.risk_signs == "Broker seen nearby"
    assert FollowUpVisit.objects.filter(case=case, status=VisitStatus.DONE).count() == 1


def test_stale_sensitive_facts_are_refused(case, owner, supervisor):
    facts = CaseSensitiveFacts.objects.get(case=case)
    opened = SensitiveFactsForm(initial={"hiv_status": facts.hiv_status}, version_of=facts).initial[
        "version"
    ]
    case_sensitive_facts_update(
        actor=supervisor, case=case, hiv_status="negative", health_notes="", legal_details=""
    )
    form = SensitiveFactsForm(
        {"hiv_status": "positive", "health_notes": "Clinic in Battambang", "version": opened},
        version_of=facts,
    )
    assert form.is_valid()
    with pytest.raises(StaleEdit) as refused:
        case_sensitive_facts_update(
            actor=owner, case=case, version=form.version, **form.cleaned_data
        )
    assert refused.value.changed == ["hiv_status"]
    form.show_stale(refused.value)
    assert "now: Negative" in str(form.errors["hiv_status"])
    assert form.data["health_notes"] == "Clinic in Battambang"
    facts.refresh_from_db()
    assert facts.hiv_status == "negative"


def test_a_stale_visit_move_is_refused(case, owner, supervisor):
    visit = planned_visit(case, on=timezone.localdate() + dt.timedelta(days=3))
    url = reverse("followup:visit-move", args=[visit.pk])
    first, second = signed_in(owner), signed_in(supervisor)
    version = hidden(first.get(url), "version")
    second.get(url)  # the second person opens the same form
    day = timezone.localdate() + dt.timedelta(days=10)
    moved = first.post(url, {"scheduled_for": day, "reason": "Family away", "version": version})
    assert moved.status_code == 302
    refused = second.post(
        url,
        {"scheduled_for": day + dt.timedelta(days=1), "reason": "Rain", "version": version},
    )
    assert refused.status_code == 400 and b"Someone else saved this record" in refused.content
    visit.refresh_from_db()
    assert visit.scheduled_for == day and visit.moved_reason == "Family away"


def test_stale_organisation_settings_are_refused_in_the_admin(ngo):
    from organisations.models import Organisation, User

    root = User.objects.create_superuser("root", "root@example.org", "a-long-root-password")
    url = reverse("admin:organisations_organisation_change", args=[ngo.pk])
    first, second = signed_in(root), signed_in(root)
    page = first.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data["followup_plan_months"] = json.dumps(ngo.followup_plan_months)
    assert data["version"]
    saved = first.post(url, {**data, "retention_years": 12})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    refused = second.post(url, {**data, "referral_access_grace_days": 9})
    assert refused.status_code == 200
    assert b"Someone else saved this record" in refused.content
    stored = Organisation.objects.get(pk=ngo.pk)
    assert stored.retention_years == 12
    assert stored.referral_access_grace_days != 9


@pytest.mark.django_db(transaction=True)
def test_parallel_stale_case_edits_keep_both_or_refuse_one(places, ngo):
    import threading

    from django.db import close_old_connections, connection

    from organisations.models import Role
    from tests.cases.factories import CaseFactory
    from tests.conftest import need_service
    from tests.organisations.factories import UserFactory

    need_service(connection.vendor == "postgresql", "parallel writes need PostgreSQL")
    worker = UserFactory(username="w", organisation=ngo, role=Role.SOCIAL_WORKER)
    boss = UserFactory(username="s", organisation=ngo, role=Role.SUPERVISOR)
    case = CaseFactory(actor=worker)
    opened = {user: case_form_data(signed_in(user).get(edit_url(case))) for user in (worker, boss)}
    changes = {boss: {"risk_level": "high"}, worker: {"family_contact": "Uncle, 011 222 333"}}
    statuses = {}
    start = threading.Barrier(2)

    def save(user):
        client = signed_in(user)
        start.wait()
        try:
            response = client.post(edit_url(case), {**opened[user], **changes[user]})
            statuses[user.username] = response.status_code
        finally:
            close_old_connections()

    threads = [threading.Thread(target=save, args=(user,)) for user in (worker, boss)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [200, 302]  # one saved, the other refused
    case.refresh_from_db()
    saved = "s" if statuses["s"] == 302 else "w"
    assert (case.risk_level == "high") == (saved == "s")
    assert (case.family_contact == "Uncle, 011 222 333") == (saved == "w")
