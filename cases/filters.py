import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from organisations.models import Province

from .countries import CAMBODIA
from .models import Case, ExploitationForm, Phase, RiskLevel
from .visibility import CASE_FACTS, IDENTITY

# The choice, in the caseload's filters and the API's, of cases with no province of origin.
NO_PROVINCE = "none"


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
        method="province_of_origin",
        queryset=Province.objects.order_by("name_en"),
        # A foreign national may have no place of origin in Cambodia: the dashboards' row.
        null_label=_("No province in Cambodia"),
        null_value=NO_PROVINCE,
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

    def narrows(self) -> bool:
        """Whether any filter applies: a valid value that is not empty (django-filter's
        test; a field with an invalid value is shown and ignored)."""
        if not self.is_bound:
            return False
        self.form.is_valid()
        return any(value not in EMPTY_VALUES for value in self.form.cleaned_data.values())

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

    def province_of_origin(self, queryset, name, value):
        if value == NO_PROVINCE:
            return queryset.filter(self._revealing(CASE_FACTS, Q(origin_province__isnull=True)))
        return self.case_fact(queryset, name, value)

    def cambodian_or_foreign(self, queryset, name, value):
        cambodian = Q(nationality=CAMBODIA)
        return queryset.filter(
            self._revealing(IDENTITY, cambodian if value == "cambodian" else ~cambodian)
        )

    def minor_or_adult(self, queryset, name, value):
        return queryset.filter(self._revealing(IDENTITY, Q(minor_at_intake=(value == "minor"))))
