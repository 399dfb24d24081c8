"""Legal proceedings with their hearings, protection measures and compensation. All of it is
legal detail, shown only where the case's health facts are (legal.selectors); a field the
caller may not see would be null, as everywhere (ReadModelSerializer)."""

from rest_framework import serializers

from cases.models import Case
from cases.selectors import case_list_visible_to
from legal.models import (
    Attendance,
    Compensation,
    Hearing,
    LegalProceeding,
    ProceedingKind,
    ProceedingStatus,
    ProtectionKind,
    ProtectionMeasure,
    TestimonyArrangement,
)

from ..fields import SaneDateField
from .base import ReadModelSerializer

TEXT = {"max_length": 5000}


class UnderProceedingSerializer(ReadModelSerializer):
    def case_id_of(self, instance) -> int:
        return instance.proceeding.case_id


class HearingSerializer(UnderProceedingSerializer):
    class Meta:
        model = Hearing
        fields = [
            "id", "proceeding", "date", "time", "court", "purpose", "accompanied_by",
            "transport", "testimony_arrangement", "attendance", "outcome", "recorded_at",
            "cancelled_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ProtectionMeasureSerializer(UnderProceedingSerializer):
    class Meta:
        model = ProtectionMeasure
        fields = ["id", "kind", "starts_on", "ends_on", "notes"]
        read_only_fields = fields


class CompensationSerializer(UnderProceedingSerializer):
    class Meta:
        model = Compensation
        fields = ["id", "ordered_riel", "ordered_on", "paid_riel", "paid_on"]
        read_only_fields = fields


class LegalProceedingSerializer(ReadModelSerializer):
    hearings = HearingSerializer(many=True, read_only=True)
    protection_measures = ProtectionMeasureSerializer(many=True, read_only=True)
    compensations = CompensationSerializer(many=True, read_only=True)

    class Meta:
        model = LegalProceeding
        fields = [
            "id", "case", "kind", "court", "file_number", "lawyer", "charges", "survivor_role",
            "status", "created_at", "updated_at", "hearings", "protection_measures",
            "compensations",
        ]  # fmt: skip
        read_only_fields = fields


class VisibleCaseField(serializers.PrimaryKeyRelatedField):
    """A case the caller sees; whether they may record its legal detail the service decides."""

    def get_queryset(self):
        return case_list_visible_to(self.context["request"].user)


class LegalProceedingCreateSerializer(serializers.Serializer):
    case = VisibleCaseField(queryset=Case.objects.none())
    kind = serializers.ChoiceField(choices=ProceedingKind.choices)
    court = serializers.CharField(max_length=500)
    survivor_role = serializers.ChoiceField(
        choices=LegalProceeding._meta.get_field("survivor_role").choices
    )
    status = serializers.ChoiceField(choices=ProceedingStatus.choices, default="filed")
    file_number = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    lawyer = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    charges = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)


class HearingScheduleSerializer(serializers.Serializer):
    date = SaneDateField()
    time = serializers.TimeField(required=False, allow_null=True, default=None)
    court = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    purpose = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)
    accompanied_by = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default=""
    )
    transport = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    testimony_arrangement = serializers.ChoiceField(
        choices=TestimonyArrangement.choices, required=False, allow_blank=True, default=""
    )


class HearingRecordSerializer(serializers.Serializer):
    attendance = serializers.ChoiceField(choices=[c for c in Attendance.choices if c[0]])
    outcome = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)
    accompanied_by = serializers.CharField(
        max_length=500, required=False, allow_blank=True, allow_null=True, default=None
    )
    testimony_arrangement = serializers.ChoiceField(
        choices=TestimonyArrangement.choices, required=False, allow_blank=True,
        allow_null=True, default=None,
    )  # fmt: skip


class HearingMoveSerializer(serializers.Serializer):
    date = SaneDateField()
    time = serializers.TimeField(required=False, allow_null=True, default=None)


class ProtectionMeasureCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ProtectionKind.choices)
    starts_on = SaneDateField()
    ends_on = SaneDateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, default="", **TEXT)


RIEL = {"min_value": 0, "max_value": 10**15}


class CompensationCreateSerializer(serializers.Serializer):
    ordered_riel = serializers.IntegerField(**RIEL)
    ordered_on = SaneDateField()
    paid_riel = serializers.IntegerField(required=False, default=0, **RIEL)
    paid_on = SaneDateField(required=False, allow_null=True, default=None)
