import datetime as dt

from django.utils import timezone

from legal import services

CHARGES = "Article 15 trafficking; canary-charges-7731"


def proceeding(case, actor, **overrides):
    arguments = {
        "kind": "criminal_complaint",
        "court": "Phnom Penh Court of First Instance",
        "survivor_role": "witness",
        "file_number": "PP-2026-0412",
        "lawyer": "Legal Aid of Cambodia",
        "charges": CHARGES,
    }
    arguments.update(overrides)
    return services.legal_proceeding_create(actor=actor, case=case, **arguments)


def full_proceeding(case, actor):
    """A proceeding with a hearing, a protection measure and a compensation order."""
    today = timezone.localdate()
    made = proceeding(case, actor)
    services.hearing_schedule(
        actor=actor, proceeding=made, date=today + dt.timedelta(days=10),
        purpose="Survivor's testimony", testimony_arrangement="video_link",
    )  # fmt: skip
    services.protection_measure_add(
        actor=actor, proceeding=made, kind="no_contact_order", starts_on=today
    )
    services.compensation_record(
        actor=actor, proceeding=made, ordered_riel=4_000_000, ordered_on=today
    )
    return made
