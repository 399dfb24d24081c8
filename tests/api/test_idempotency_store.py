"""The idempotency store keeps no survivor data: a repeat re-reads the record it created."""

import datetime as dt

import time_machine
from django.db import connection
from django.utils import timezone

from api.models import IdempotencyRecord
from cases.models import CounsellingSession

CANARY = "canary-note-7f3a: disclosed HIV status to her mother"


def _session(case):
    return {
        "case": case.pk,
        "session_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "kind": "individual",
        "setting": "shelter",
        "duration_minutes": 45,
        "topics": "Family",
        "confidential_notes": CANARY,
    }


def _every_stored_value() -> str:
    table = IdempotencyRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (the model's own table name)
        return " ".join(str(value) for row in cursor.fetchall() for value in row)


def test_a_counselling_note_sent_with_a_key_is_kept_nowhere_in_the_store(
    session_api, supervisor, case
):
    ngo_api = session_api(supervisor)  # a supervisor reads health facts back
    first = ngo_api.post(
        "/api/v1/counselling-sessions/", _session(case), format="json", HTTP_IDEMPOTENCY_KEY="s-1"
    )
    assert first.status_code == 201, first.content
    assert first.json()["confidential_notes"] == CANARY
    assert IdempotencyRecord.objects.count() == 1
    stored = _every_stored_value()
    assert "canary" not in stored.lower() and "HIV" not in stored

    again = ngo_api.post(
        "/api/v1/counselling-sessions/", _session(case), format="json", HTTP_IDEMPOTENCY_KEY="s-1"
    )
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert CounsellingSession.objects.count() == 1


def test_a_replay_shows_what_the_caller_may_see_today(session_api, supervisor, case):
    # Counselling sessions are health data: a caller who sees the case's health facts.
    ngo_api = session_api(supervisor)
    first = ngo_api.post(
        "/api/v1/counselling-sessions/", _session(case), format="json", HTTP_IDEMPOTENCY_KEY="s-2"
    )
    CounsellingSession.objects.filter(pk=first.json()["id"]).update(topics="Work")
    again = ngo_api.post(
        "/api/v1/counselling-sessions/", _session(case), format="json", HTTP_IDEMPOTENCY_KEY="s-2"
    )
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["topics"] == "Work"  # re-read, not a stored copy


def test_expired_records_are_purged_by_the_next_keyed_write_without_beat(ngo_api, case):
    with time_machine.travel(timezone.now() - dt.timedelta(days=2), tick=False):
        ngo_api.post(
            "/api/v1/counselling-sessions/",
            _session(case),
            format="json",
            HTTP_IDEMPOTENCY_KEY="old",
        )
    assert IdempotencyRecord.objects.filter(key="old").exists()
    ngo_api.post(
        "/api/v1/counselling-sessions/", _session(case), format="json", HTTP_IDEMPOTENCY_KEY="new"
    )
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
