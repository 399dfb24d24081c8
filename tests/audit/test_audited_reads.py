"""Pages that show survivor data but used to write no access-log row: the edit page, the visit
forms and the Django admin. And a write never commits without its row."""

import datetime as dt
from unittest import mock

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, Action
from cases.models import Case
from followup.models import FollowUpVisit
from tests.followup.factories import planned_visit

from .helpers import events

pytestmark = pytest.mark.django_db


def _visit(case):
    return planned_visit(case, on=timezone.localdate() + dt.timedelta(days=10))


def test_the_edit_page_records_a_view_of_the_case(client_for, owner, case):
    response = client_for(owner).get(reverse("cases:edit", args=[case.pk]))
    assert response.status_code == 200 and b"Sok Sreyneang" in response.content
    assert [(e.action, e.case_id) for e in events(user=owner)] == [(Action.VIEW, case.pk)]


@pytest.mark.parametrize("name", ["followup:visit-move", "followup:visit-cancel"])
def test_the_visit_move_and_cancel_forms_record_a_view_of_the_visit(client_for, owner, case, name):
    visit = _visit(case)
    response = client_for(owner).get(reverse(name, args=[visit.pk]))
    assert response.status_code == 200
    rows = events(user=owner)
    assert [(e.action, e.object_type, e.object_id, e.case_id) for e in rows] == [
        (Action.VIEW, "followupvisit", visit.pk, case.pk)
    ]


def test_the_visit_add_form_records_a_view_of_the_case(client_for, owner, case):
    response = client_for(owner).get(reverse("followup:visit-add", args=[case.pk]))
    assert response.status_code == 200
    assert [(e.action, e.case_id) for e in events(user=owner)] == [(Action.VIEW, case.pk)]


def test_a_form_shown_again_with_its_errors_is_a_view(client_for, owner, case):
    visit = _visit(case)
    response = client_for(owner).post(
        reverse("followup:visit-move", args=[visit.pk]), {"scheduled_for": "not a date"}
    )
    assert response.status_code == 400
    assert [(e.action, e.object_id) for e in events(user=owner)] == [(Action.VIEW, visit.pk)]


def test_the_admin_case_page_records_a_view(client, org_admin, case):
    client.force_login(org_admin)
    response = client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert response.status_code == 200 and b"Sok Sreyneang" in response.content
    assert [(e.action, e.case_id) for e in events(user=org_admin)] == [(Action.VIEW, case.pk)]


def test_the_admin_sensitive_facts_list_records_the_cases_shown(client, org_admin, case):
    client.force_login(org_admin)
    response = client.get(reverse("admin:cases_casesensitivefacts_changelist"))
    assert response.status_code == 200 and b"positive" in response.content.lower()
    rows = events(user=org_admin)
    assert [(e.action, e.case_ids) for e in rows] == [(Action.LIST, [case.pk])]


def test_the_admin_case_list_and_history_record_their_reads(client, org_admin, case):
    client.force_login(org_admin)
    client.get(reverse("admin:cases_case_changelist"))
    client.get(reverse("admin:cases_case_history", args=[case.pk]))
    rows = [(e.action, e.case_ids or e.case_id) for e in events(user=org_admin)]
    assert rows == [(Action.LIST, [case.pk]), (Action.VIEW, case.pk)]


def test_a_page_write_is_undone_when_its_row_cannot_be_written(client_for, owner, case):
    client = client_for(owner)
    form = client.get(reverse("cases:edit", args=[case.pk])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields} | {"name_latin": "Changed"}
    with mock.patch.object(AccessEvent.objects, "create", side_effect=DatabaseError("log down")):
        with pytest.raises(DatabaseError):
            client.post(reverse("cases:edit", args=[case.pk]), data)
    assert Case.objects.get(pk=case.pk).name_latin == "Sok Sreyneang"
    client.post(reverse("cases:edit", args=[case.pk]), data)
    assert Case.objects.get(pk=case.pk).name_latin == "Changed"  # the same form does save


def test_an_api_write_is_undone_when_its_row_cannot_be_written(owner, case):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(owner)
    url = f"/api/v1/visits/{_visit(case).pk}/move/"
    on = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    with mock.patch.object(AccessEvent.objects, "create", side_effect=DatabaseError("log down")):
        api.raise_request_exception = False
        response = api.post(url, {"scheduled_for": on, "reason": "Family away"}, format="json")
    assert response.status_code >= 500
    assert FollowUpVisit.objects.get().scheduled_for != dt.date.fromisoformat(on)
    response = api.post(url, {"scheduled_for": on, "reason": "Family away"}, format="json")
    assert response.status_code == 200, response.content
    assert FollowUpVisit.objects.get().scheduled_for == dt.date.fromisoformat(on)
