"""Every read and change of a survivor's record leaves one row: as the attacker would try it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessEvent, Action, Channel
from followup.models import VisitStatus
from tests.cases.factories import CaseFactory
from tests.followup.factories import planned_visit
from tests.referrals.helpers import give_consent, send, share, unshare

from .helpers import events, last_event

pytestmark = pytest.mark.django_db

EXPORT_PASSWORD = "a-long-export-pass"


def test_a_case_page_view_is_recorded_with_who_where_and_how(client_for, owner, case, ngo):
    response = client_for(owner).get(
        reverse("cases:detail", args=[case.pk]),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Firefox on a shared office computer",
    )
    assert response.status_code == 200
    event = last_event()
    assert (event.user, event.organisation, event.action, event.case) == (
        owner,
        ngo,
        Action.VIEW,
        case,
    )
    assert event.case_organisation == ngo
    assert event.channel == Channel.BROWSER and event.api_key_id is None
    assert event.ip_address == "203.0.113.7"
    assert event.user_agent == "Firefox on a shared office computer"
    assert event.path == reverse("cases:detail", args=[case.pk])
    assert not event.denied


def test_the_caseload_records_the_ids_of_the_page_shown(client_for, owner):
    cases = [CaseFactory(actor=owner) for _ in range(3)]
    client_for(owner).get(reverse("cases:list"))
    event = last_event()
    assert event.action == Action.LIST and event.case is None
    assert sorted(event.case_ids) == sorted(c.pk for c in cases)
    assert event.case_count == 3


def test_a_search_by_name_keeps_the_name_out_of_the_log(client_for, owner, case):
    client_for(owner).post(reverse("cases:list"), {"q": "Sreyneang"}, follow=True)
    event = last_event()
    assert event.action == Action.LIST
    assert event.path == reverse("cases:list")
    assert "Sreyneang" not in str(AccessEvent.objects.filter(pk=event.pk).values().get())


def test_the_caseload_export_is_recorded_with_every_case_in_the_file(client_for, supervisor, owner):
    cases = [CaseFactory(actor=owner) for _ in range(2)]
    response = client_for(supervisor).post(
        reverse("cases:export"),
        {"password": EXPORT_PASSWORD, "password_again": EXPORT_PASSWORD},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    event = last_event()
    assert (event.user, event.action) == (supervisor, Action.EXPORT)
    assert sorted(event.case_ids) == sorted(c.pk for c in cases)
    assert event.case_count == 2


def test_the_export_form_alone_is_not_an_export(client_for, supervisor, case):
    client_for(supervisor).get(reverse("cases:export"))
    assert not AccessEvent.objects.filter(action=Action.EXPORT).exists()


def test_the_team_page_records_the_cases_nobody_has_seen(client_for, supervisor, owner):
    forgotten = CaseFactory(actor=owner, intake_date=timezone.localdate() - dt.timedelta(days=90))
    client_for(supervisor).get(reverse("cases:team"))
    event = last_event()
    assert event.action == Action.LIST and event.case_ids == [forgotten.pk]


def test_a_dashboard_export_is_recorded_without_cases(client_for, officer, owner):
    CaseFactory(actor=owner)
    response = client_for(officer).get(reverse("dashboards:export", args=["phase", "csv"]))
    assert response.status_code == 200
    event = last_event()
    assert (event.user, event.action, event.case_id, event.case_ids) == (
        officer,
        Action.EXPORT,
        None,
        [],
    )


def test_changes_through_the_pages_are_recorded(client_for, owner, case):
    client = client_for(owner)
    consent = give_consent(case, owner, purpose="services")
    client.post(reverse("cases:phase", args=[case.pk]), {"to_phase": "intake"})
    client.post(
        reverse("cases:consent-withdraw", args=[case.pk, consent.pk]),
        {"on": timezone.localdate().isoformat(), "reason": "The survivor asked."},
    )
    rows = events(case=case)
    assert [(e.action, e.object_type) for e in rows] == [
        (Action.PHASE_CHANGE, ""),
        (Action.CONSENT_WITHDRAWAL, "consent"),
    ]
    assert rows[1].object_id == consent.pk


def test_referrals_are_recorded_on_both_sides(client_for, owner, case, outsider, other_ngo):
    give_consent(case, owner, organisation=other_ngo)
    referral = send(case, owner, other_ngo)
    client = client_for(outsider)
    client.get(reverse("referrals:inbox"))
    client.get(reverse("referrals:detail", args=[referral.pk]))
    client.post(reverse("referrals:accept", args=[referral.pk]))
    rows = events(user=outsider)
    assert [e.action for e in rows] == [
        Action.LIST,
        Action.VIEW,
        Action.ACCESS_GRANTED,  # the acceptance lets the receiver in, inside the same request
        Action.REFERRAL,
    ]
    assert rows[0].case_ids == [case.pk]
    assert all(e.case_organisation_id == case.organisation_id for e in rows[1:])
    assert rows[1].object_type == "referral" and rows[1].object_id == referral.pk
    granted = rows[2]
    assert granted.channel == Channel.BROWSER
    assert (granted.object_type, granted.object_id) == ("organisation", other_ngo.pk)


def test_access_granted_and_revoked_outside_a_request_is_the_systems(owner, case, other_ngo):
    share(case, other_ngo)
    unshare(case, other_ngo)
    rows = events(case=case)
    assert [(e.action, e.channel, e.user, e.ip_address) for e in rows] == [
        (Action.ACCESS_GRANTED, Channel.SYSTEM, None, None),
        (Action.ACCESS_REVOKED, Channel.SYSTEM, None, None),
    ]


def test_follow_up_pages_are_recorded(client_for, owner, case):
    visit = planned_visit(case, on=timezone.localdate(), worker=owner)
    client = client_for(owner)
    client.get(reverse("followup:visit", args=[visit.pk]))
    client.get(reverse("followup:history", args=[case.pk]))
    client.get(reverse("followup:week"))
    client.post(
        reverse("followup:visit", args=[visit.pk]),
        {"visited_on": timezone.localdate().isoformat(), "safety": 4, "health": 4},
    )
    rows = events(user=owner)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE
    assert [e.action for e in rows] == [Action.VIEW, Action.VIEW, Action.LIST, Action.UPDATE]
    assert rows[0].object_type == "followupvisit" and rows[0].case == case
    assert rows[2].case_ids == [case.pk]


def test_an_outsiders_attempt_on_a_case_is_recorded_as_denied(client_for, outsider, case):
    response = client_for(outsider).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 404
    event = last_event()
    assert (event.user, event.action, event.denied) == (outsider, Action.VIEW, True)
    assert event.case_id == case.pk
    # The owning organisation's administrator sees the attempt.
    assert event.case_organisation_id == case.organisation_id


def test_guessing_ids_is_recorded_and_looks_the_same(client_for, outsider, case, owner):
    client = client_for(outsider)
    for url in (
        reverse("cases:detail", args=[case.pk + 1000]),
        reverse("cases:edit", args=[case.pk]),
        reverse("followup:history", args=[case.pk]),
        reverse("referrals:detail", args=[424242]),
        reverse("cases:detail", args=[10**30]),
    ):
        assert client.get(url).status_code == 404, url
    rows = events(user=outsider)
    assert len(rows) == 5 and all(e.denied for e in rows)
    assert rows[0].case_id == case.pk + 1000 and rows[0].case_organisation_id is None
    assert rows[3].object_type == "referral" and rows[3].object_id == 424242
    assert rows[4].case_id is None  # beyond any id: kept out of the integer column


def test_a_forged_forwarded_address_is_not_believed(client_for, owner, case, settings):
    client = client_for(owner)
    url = reverse("cases:detail", args=[case.pk])
    client.get(url, REMOTE_ADDR="198.51.100.2", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert last_event().ip_address == "198.51.100.2"
    settings.AUDIT_TRUSTED_PROXY_COUNT = 1
    # The client wrote 10.9.9.9; the proxy appended the address it saw.
    client.get(url, REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.50")
    assert last_event().ip_address == "203.0.113.50"
