"""The dashboard's filters, from GET parameters. They narrow the user's scope, never widen it."""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.models import ExploitationForm, Sex
from organisations.models import Organisation, Province

from .scope import ORGANISATION, PROVINCE, DashboardScope

MINOR, ADULT = "minor", "adult"


@dataclass(frozen=True)
class DashboardFilters:
    """Filter values after validation. Period bounds apply to each indicator's own date (intake,
    referral sent, visit scheduled, visit done, case closed); the rest filter the cases."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    province_id: str | None = None
    organisation_id: int | None = None
    sex: str = ""
    age: str = ""
    exploitation_form: str = ""

    def case_q(self, prefix: str = "") -> Q:
        q = Q()
        if self.province_id:
            q &= Q(**{f"{prefix}origin_province_id": self.province_id})
        if self.organisation_id:
            q &= Q(**{f"{prefix}organisation_id": self.organisation_id})
        if self.sex:
            q &= Q(**{f"{prefix}sex": self.sex})
        if self.age:
            q &= Q(**{f"{prefix}minor_at_intake": self.age == MINOR})
        if self.exploitation_form:
            # A case has each form at most once: the join never counts a case twice.
            q &= Q(**{f"{prefix}exploitations__form": self.exploitation_form})
        return q

    def date_q(self, field: str) -> Q:
        """The period on a DateField."""
        q = Q()
        if self.date_from:
            q &= Q(**{f"{field}__gte": self.date_from})
        if self.date_to:
            q &= Q(**{f"{field}__lte": self.date_to})
        return q

    def datetime_q(self, field: str) -> Q:
        """The period on a DateTimeField, by local (Phnom Penh) days, without a cast that would
        keep the database from using an index."""
        q = Q()
        if self.date_from:
            start = dt.datetime.combine(self.date_from, dt.time.min)
            q &= Q(**{f"{field}__gte": timezone.make_aware(start)})
        if self.date_to:
            end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min)
            q &= Q(**{f"{field}__lt": timezone.make_aware(end)})
        return q

    @property
    def cache_key(self) -> str:
        return ":".join(
            str(value or "-")
            for value in (
                self.date_from,
                self.date_to,
                self.province_id,
                self.organisation_id,
                self.sex,
                self.age,
                self.exploitation_form,
            )
        )

    def as_query(self) -> dict[str, str]:
        """The filters as GET parameters, for export links."""
        values = {
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "province": self.province_id or "",
            "organisation": str(self.organisation_id or ""),
            "sex": self.sex,
            "age": self.age,
            "exploitation_form": self.exploitation_form,
        }
        return {key: value for key, value in values.items() if value}


MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def figures_end(scope: DashboardScope, today: dt.date) -> dt.date | None:
    """The last day a ministry's figures count: the end of the last complete month (None for
    a supervisor's own organisation, counted up to today)."""
    if scope.kind == ORGANISATION:
        return None
    return month_start(today) - dt.timedelta(days=1)


def unfiltered(scope: DashboardScope, today: dt.date) -> DashboardFilters:
    """The filters of a dashboard opened without choosing any (what the cache keeps warm)."""
    return DashboardFilters(date_to=figures_end(scope, today))


class MonthInput(forms.DateInput):
    input_type = "month"

    def format_value(self, value):
        if isinstance(value, dt.date):
            return value.strftime("%Y-%m")
        return super().format_value(value)


class DashboardFilterForm(forms.Form):
    """Periods are whole months (a day given is read as its month), so that no two views differ
    by the cases of one day; a ministry's figures stop at the end of the last complete month."""

    date_from = forms.DateField(
        label=_("From"), required=False, input_formats=MONTH_FORMATS, widget=MonthInput()
    )
    date_to = forms.DateField(
        label=_("To"), required=False, input_formats=MONTH_FORMATS, widget=MonthInput()
    )
    province = forms.ChoiceField(label=_("Province of origin"), required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("All"))] + list(Sex.choices)
    )
    age = forms.ChoiceField(
        label=_("Minor or adult"),
        required=False,
        choices=[("", _("All")), (MINOR, _("Minor at intake")), (ADULT, _("Adult at intake"))],
    )
    exploitation_form = forms.ChoiceField(
        label=_("Form of exploitation"),
        required=False,
        choices=[("", _("All"))] + list(ExploitationForm.choices),
    )

    def __init__(self, *args, scope: DashboardScope, provinces, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        khmer = get_language() == "km"
        province_choices = [(p.code, p.name_km if khmer else p.name_en) for p in provinces]
        if scope.kind == PROVINCE:
            province_choices = [c for c in province_choices if c[0] == scope.province_id]
        self.fields["province"].choices = [("", _("All"))] + province_choices
        organisation_choices = [(o.pk, o.name) for o in organisations]
        if scope.kind == ORGANISATION:
            # A supervisor's dashboard is their organisation's: nothing to choose.
            del self.fields["organisation"]
        else:
            self.fields["organisation"].choices = [("", _("All"))] + organisation_choices

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def filters(self) -> DashboardFilters:
        """The valid filters; a value outside the user's scope is a 404, never a wider view."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        province = self.data.get("province") or ""
        if province and not self.scope.allows_province(province):
            raise Http404("Outside your dashboard.")
        organisation = self.data.get("organisation") or ""
        if organisation:
            if not organisation.isdigit() or not self.scope.allows_organisation(int(organisation)):
                raise Http404("Outside your dashboard.")
        date_from = data.get("date_from")
        date_to = data.get("date_to") if "date_to" not in self.errors else None
        date_from = month_start(date_from) if date_from else None
        date_to = month_end(date_to) if date_to else None
        last_complete = figures_end(self.scope, timezone.localdate())
        if last_complete:
            date_to = min(date_to or last_complete, last_complete)
            if date_from and date_from > date_to:
                date_from = month_start(date_to)
        return DashboardFilters(
            date_from=date_from,
            date_to=date_to,
            province_id=data.get("province") or None,
            organisation_id=data.get("organisation") or None,
            sex=data.get("sex") or "",
            age=data.get("age") or "",
            exploitation_form=data.get("exploitation_form") or "",
        )


def organisations_for_filter(scope: DashboardScope):
    if scope.kind == ORGANISATION:
        return Organisation.objects.none()
    return Organisation.objects.filter(is_active=True).only("pk", "name").order_by("name")


def provinces_all():
    return Province.objects.only("code", "name_en", "name_km").order_by("code")
