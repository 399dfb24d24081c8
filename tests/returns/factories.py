import datetime as dt

from django.utils import timezone

from cases.models import Case
from plans.services import family_assessment_record
from returns import services

AGENCY = "Canary Agency Jakarta 5521"
RECEIVED_BY = "Canary receiver Ibu Sari"


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def started(case, actor, **overrides):
    arguments = {
        "direction": "out_of_cambodia",
        "country": "ID",
        "identified_on": days_ago(40),
        "receiving_agency": AGENCY,
    }
    arguments.update(overrides)
    if arguments["direction"] == "out_of_cambodia" and case.nationality == "KH":
        # A return out of Cambodia is for a survivor of another nationality: an Indonesian.
        Case.objects.filter(pk=case.pk).update(nationality="ID")
        case.nationality = "ID"
    return services.return_start(actor=actor, case=case, **arguments)


def step(ret, actor, name, days, **details):
    return services.return_step_record(
        actor=actor, cross_border_return=ret, step=name, done_on=days_ago(days), **details
    )


def travelled(case, actor, **overrides):
    """A return out of Cambodia up to the journey: document issued, agency accepted."""
    ret = started(case, actor, **overrides)
    step(ret, actor, "nationality_verified", 35, note="Interview at the embassy")
    step(ret, actor, "document_applied", 30, document_authority="embassy")
    step(ret, actor, "document_issued", 20)
    step(ret, actor, "agency_accepted", 15)
    return step(ret, actor, "travelled", 10, route="phnom_penh_airport")


def handed_over(case, actor, **overrides):
    ret = travelled(case, actor, **overrides)
    return step(
        ret, actor, "handed_over", 10, received_by=RECEIVED_BY, handover_place="Soekarno-Hatta"
    )


def family_assessment(case, actor):
    return family_assessment_record(
        actor=actor, case=case, visited_on=days_ago(25), people_met="Mother, village chief",
        family_attitude="supportive", community_attitude="supportive",
        recommendation="return",
    )  # fmt: skip
