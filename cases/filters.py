import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Province

from .models import Case, Phase, RiskLevel


class CaseloadFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Case number or name"), method="search", help_text=_("Latin or Khmer script")
    )
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Phase.choices)
    province = django_filters.ModelChoiceFilter(
        label=_("Province of origin"),
        field_name="origin_province",
        queryset=Province.objects.order_by("name_en"),
    )
    risk = django_filters.ChoiceFilter(
        label=_("Risk"), field_name="risk_level", choices=RiskLevel.choices
    )
    age = django_filters.ChoiceFilter(
        label=_("Minor or adult"),
        method="minor_or_adult",
        choices=[("minor", _("Minor at intake")), ("adult", _("Adult at intake"))],
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(case_number__icontains=value)
            | Q(name_latin__icontains=value)
            | Q(name_khmer__icontains=value)
        )

    def minor_or_adult(self, queryset, name, value):
        return queryset.filter(minor_at_intake=(value == "minor"))
