import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Province

from .countries import CAMBODIA
from .models import Case, ExploitationForm, Phase, RiskLevel
from .visibility import CASE_FACTS, IDENTITY


class CaseloadFilter(django_filters.FilterSet):
    """Search and filters of the caseload. Each uses fields of one category
    (cases.visibility) and matches only the cases that reveal it to the searcher: a name the
    receiver was not given, or a phase, risk or province it was not shown, matches nothing.
    `reveals` says where each category is revealed (cases.selectors.case_reveals); the
    caseload sets it for each of its parts."""

    q = django_filters.CharFilter(
        label=_("Case number or name"), method="search", help_text=_("Latin or Khmer script")
    )
    phase = django_filters.ChoiceFilter(
        label=_("Phase"), choices=Phase.choices, method="case_fact", field_name="phase"
    )
    province = django_filters.ModelChoiceFilter(
        label=_("Province of origin"),
        field_name="origin_province",
        method="case_fact",
        queryset=Province.objects.order_by("name_en"),
    )
    risk = django_filters.ChoiceFilter(
        label=_("Risk"), field_name="risk_level", choices=RiskLevel.choices, method="case_fact"
    )
    age = django_filters.ChoiceFilter(
        label=_("Minor or adult"),
        method="minor_or_adult",
        choices=[("minor", _("Minor at intake")), ("adult", _("Adult at intake"))],
    )
    nationality = django_filters.ChoiceFilter(
        label=_("Nationality"),
        method="cambodian_or_foreign",
        choices=[("cambodian", _("Cambodian")), ("foreign", _("Foreign nationals"))],
    )
    form = django_filters.ChoiceFilter(
        label=_("Form of exploitation"),
        field_name="exploitations__form",
        choices=ExploitationForm.choices,
        method="case_fact",
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args, reveals: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reveals = reveals

    def filter_revealing(self, queryset, reveals: dict):
        """The queryset narrowed by the filters, where `reveals` holds for each category."""
        self.reveals = reveals
        return self.filter_queryset(queryset)

    def _revealing(self, category: str, condition: Q) -> Q:
        if self.reveals is None:
            raise ValueError("The caseload filter needs to know what each case reveals.")
        where = self.reveals[category]
        return condition if where is None else condition & where

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        by_name = Q(name_latin__icontains=value) | Q(name_khmer__icontains=value)
        return queryset.filter(Q(case_number__icontains=value) | self._revealing(IDENTITY, by_name))

    def case_fact(self, queryset, name, value):
        return queryset.filter(self._revealing(CASE_FACTS, Q(**{name: value})))

    def cambodian_or_foreign(self, queryset, name, value):
        cambodian = Q(nationality=CAMBODIA)
        return queryset.filter(
            self._revealing(IDENTITY, cambodian if value == "cambodian" else ~cambodian)
        )

    def minor_or_adult(self, queryset, name, value):
        return queryset.filter(self._revealing(IDENTITY, Q(minor_at_intake=(value == "minor"))))
