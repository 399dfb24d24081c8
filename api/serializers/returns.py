"""Cross-border returns with their checklist: protection, restricted like legal detail; the
list holds only returns of cases whose protection facts the caller sees."""

from django_countries import countries
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.countries import CAMBODIA
from cases.models import Case
from plans.models import FamilyAssessment
from returns.models import (
    CrossBorderReturn,
    Direction,
    DocumentStatus,
    IssuingAuthority,
    ReturnStep,
    Route,
    Step,
)
from returns.selectors import cases_with_protection_visible_to, document_status, steps_in_order

from ..fields import SaneDateField, VisiblePrimaryKeyField
from .base import ReadModelSerializer

OTHER_COUNTRIES = [(code, name) for code, name in countries if code != CAMBODIA]


class ReturnStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReturnStep
        fields = ["step", "done_on", "done_by", "note"]
        read_only_fields = fields


class ReturnSerializer(ReadModelSerializer):
    country = serializers.ChoiceField(choices=OTHER_COUNTRIES, read_only=True)
    document_status = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    class Meta:
        model = CrossBorderReturn
        fields = [
            "id", "case", "direction", "country", "identified_on", "receiving_agency",
            "document_status", "document_authority", "family_assessment", "route",
            "route_other", "travelled_on", "received_by", "handover_place", "steps",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_document_status(self, ret: CrossBorderReturn) -> DocumentStatus:
        return document_status(ret)

    @extend_schema_field(ReturnStepSerializer(many=True))
    def get_steps(self, ret: CrossBorderReturn) -> list[dict]:
        """The checklist's steps done, in the checklist's order."""
        return ReturnStepSerializer(steps_in_order(ret), many=True).data


class ReturnCreateSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=cases_with_protection_visible_to, model=Case)
    direction = serializers.ChoiceField(choices=Direction.choices)
    country = serializers.ChoiceField(
        choices=OTHER_COUNTRIES, help_text="The other country (ISO 3166-1 alpha-2), not Cambodia."
    )
    identified_on = SaneDateField()
    receiving_agency = serializers.CharField(required=False, allow_blank=True, max_length=500)


def _assessments_visible(user):
    return FamilyAssessment.objects.filter(case__in=cases_with_protection_visible_to(user))


class StepRecordSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=[c for c in Step.choices if c[0] != Step.IDENTIFIED])
    done_on = SaneDateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    document_authority = serializers.ChoiceField(
        choices=IssuingAuthority.choices, required=False, allow_blank=True
    )
    family_assessment = VisiblePrimaryKeyField(
        scope=_assessments_visible, model=FamilyAssessment, required=False, allow_null=True,
        help_text="Coming home: the family assessment of the case's reintegration plan.",
    )  # fmt: skip
    receiving_agency = serializers.CharField(required=False, allow_blank=True, max_length=500)
    route = serializers.ChoiceField(choices=Route.choices, required=False, allow_blank=True)
    route_other = serializers.CharField(required=False, allow_blank=True, max_length=500)
    received_by = serializers.CharField(required=False, allow_blank=True, max_length=500)
    handover_place = serializers.CharField(required=False, allow_blank=True, max_length=500)
