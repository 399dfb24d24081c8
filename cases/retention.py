"""Data retention: a case closed longer than its organisation keeps identities loses every
fact that could identify the survivor. What the dashboards count stays: province of origin,
sex, minor at intake, nationality, year of birth, forms of exploitation, movement, phase,
closure reason and dates, counts of sessions, referrals and visits with their outcomes; the
languages spoken and the need of an interpreter go."""

import datetime as dt

from django.apps import apps
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import TruncYear
from django.utils import timezone

from .models import Case, CaseEvent, CaseSensitiveFacts, Consent, CounsellingSession, HivStatus

ANONYMOUS = "—"


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def cases_due_for_anonymising(*, today: dt.date | None = None):
    """Closed, not yet anonymised, closed longer ago than the organisation's retention."""
    today = today or timezone.localdate()
    due = Case.objects.none()
    for years in set(
        apps.get_model("organisations", "Organisation").objects.values_list(
            "retention_years", flat=True
        )
    ):
        due |= Case.objects.filter(
            organisation__retention_years=years,
            phase="closed",
            anonymised_on__isnull=True,
            closed_on__lt=_years_before(today, years),
        )
    return due


BATCH = 500


def cases_anonymise_due(*, today: dt.date | None = None, batch: int = BATCH) -> int:
    """Anonymise every case due (`cases_due_for_anonymising`), a transaction per `batch`;
    beat runs it hourly, and running it twice anonymises nothing twice."""
    ids = list(cases_due_for_anonymising(today=today).values_list("pk", flat=True))
    return sum(
        cases_anonymise(case_ids=ids[i : i + batch], today=today) for i in range(0, len(ids), batch)
    )


@transaction.atomic
def cases_anonymise(*, case_ids: list[int], today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    # Each record rewritten counts as changed now, so that a partner syncing with
    # `updated_since` reads it again and drops what it kept of the survivor.
    now = timezone.now()
    cases = Case.objects.filter(pk__in=case_ids, anonymised_on__isnull=True)
    count = cases.update(
        updated_at=now,
        name_latin=ANONYMOUS,
        name_khmer="",
        family_contact="",
        languages=[],
        interpreter_needed=False,
        origin_village=None,
        # The year of birth stays for age statistics; the day and month go.
        date_of_birth=TruncYear("date_of_birth"),
        date_of_birth_estimated=True,
        anonymised_on=today,
    )
    # Encrypted fields are written one row at a time so that they stay encrypted.
    for facts in CaseSensitiveFacts.objects.filter(case_id__in=case_ids):
        facts.hiv_status, facts.health_notes, facts.legal_details = HivStatus.UNKNOWN, "", ""
        facts.save(update_fields=["hiv_status", "health_notes", "legal_details", "updated_at"])
    for session in CounsellingSession.objects.filter(case_id__in=case_ids):
        session.confidential_notes, session.topics = "", ""
        session.save(update_fields=["confidential_notes", "topics", "updated_at"])
    Consent.objects.filter(case_id__in=case_ids).update(
        guardian_name="", guardian_relationship="", updated_at=now
    )
    # Timeline messages may hold typed reasons and names: only what happened, and when, stays.
    CaseEvent.objects.filter(case_id__in=case_ids).update(note="", message="", message_args={})
    _clear_text(
        now,
        "referrals",
        "Referral",
        case_ids,
        ["reason", "decline_reason", "outcome", "override_reason"],
    )
    _clear_text(
        now,
        "followup",
        "FollowUpVisit",
        case_ids,
        ["moved_reason", "cancel_reason", "place", "risk_signs", "notes"],
    )
    # Legal proceedings keep their kind, status, dates and amounts; courts, file numbers,
    # lawyers, charges and notes name the survivor to anyone with a court register.
    _clear_text(
        now, "legal", "LegalProceeding", case_ids, ["court", "file_number", "lawyer", "charges"]
    )
    _clear_text(
        now, "legal", "Hearing", case_ids,
        ["court", "purpose", "accompanied_by", "transport", "outcome"],
        case_path="proceeding__case_id",
    )  # fmt: skip
    _clear_text(
        now, "legal", "ProtectionMeasure", case_ids, ["notes"], case_path="proceeding__case_id"
    )
    # Returns keep their direction, country and dates; the agency, route, who received the
    # survivor and where, and the steps' notes name people and places.
    _clear_text(
        now, "returns", "CrossBorderReturn", case_ids,
        ["receiving_agency", "route_other", "received_by", "handover_place"],
    )  # fmt: skip
    _clear_text(
        now, "returns", "ReturnStep", case_ids, ["note"], case_path="cross_border_return__case_id"
    )
    return count


def _clear_text(
    now: dt.datetime,
    app_label: str,
    model_name: str,
    case_ids: list[int],
    fields: list[str],
    *,
    case_path: str = "case_id",
) -> None:
    model = apps.get_model(app_label, model_name)
    changes = {f: Value("") for f in fields}
    # Marked changed with the case, where the table says when a row last changed.
    if any(field.name == "updated_at" for field in model._meta.fields):
        changes["updated_at"] = now
    model.objects.filter(**{f"{case_path}__in": case_ids}).update(**changes)
