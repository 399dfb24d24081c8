"""A partner's reads and writes are in the audit log, with the key that made them."""

import pytest

from audit.models import AccessEvent
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_an_api_read_and_list_are_recorded_with_the_key(owner, ngo_key, ngo_api, other_api):
    case = CaseFactory(actor=owner)
    key, _plaintext = ngo_key
    assert ngo_api.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    assert ngo_api.get("/api/v1/cases/").status_code == 200
    view, listed = AccessEvent.objects.order_by("id")
    assert (view.action, view.case_id, view.channel) == ("view", case.pk, "api")
    assert view.api_key_id == key.pk and view.api_key_label
    assert (listed.action, listed.case_ids) == ("list", [case.pk])
    assert other_api.get(f"/api/v1/cases/{case.pk}/").status_code == 404
    snooping = AccessEvent.objects.order_by("id").last()
    assert snooping.denied and snooping.case_id == case.pk and snooping.action == "view"


def test_directory_reads_leave_the_log_alone(ngo_api):
    assert ngo_api.get("/api/v1/provinces/").status_code == 200
    assert not AccessEvent.objects.exists()
