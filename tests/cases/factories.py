import datetime as dt

import factory
from django.utils import timezone

from cases.models import ExploitationForm, HowIdentified, Movement, Sex
from cases.services import Exploitation, case_create, counselling_session_log
from organisations.models import Village


def a_village() -> Village:
    # Kampong Chamlang village area of Prey Veng: any village with its commune will do.
    return Village.objects.filter(commune__isnull=False).order_by("id").first()


class CaseFactory(factory.Factory):
    """Builds cases through the service, so numbers, timeline and derived fields are real."""

    class Meta:
        model = dict

    actor = None
    name_latin = factory.Sequence(lambda n: f"Srey Pov {n}")
    name_khmer = "ស្រីពៅ"
    sex = Sex.FEMALE
    date_of_birth = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=365 * 20))
    # One form, for brevity: pass `exploitations` for several, with places and dates.
    exploitation_form = ExploitationForm.FORCED_LABOUR
    movement = Movement.CROSS_BORDER
    destination_country = "TH"
    how_identified = HowIdentified.CROSS_BORDER_RETURN
    intake_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    origin_village = factory.LazyFunction(a_village)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        form = kwargs.pop("exploitation_form")
        kwargs.setdefault("exploitations", [Exploitation(form=form)])
        return case_create(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return kwargs


def log_session(*, actor, case, **overrides):
    arguments = {
        "session_date": timezone.localdate() - dt.timedelta(days=2),
        "kind": "individual",
        "setting": "shelter",
        "duration_minutes": 45,
        "topics": "sleep, family",
        "confidential_notes": "Talked about the journey home.",
    }
    arguments.update(overrides)
    return counselling_session_log(actor=actor, case=case, **arguments)
