"""Follow-up visits and the community resource directory. A visit's record is case facts;
its health rating is a health fact (cases.visibility)."""

from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import visibility
from cases.models import Case
from cases.selectors import case_list_visible_to
from followup.models import VISIT_RECORD_FIELDS, CommunityResource, FollowUpVisit
from followup.selectors import community_resources_for
from organisations.models import Commune, Province, User

from ..fields import SaneDateField, VisiblePrimaryKeyField
from ..selectors import colleagues_of
from .base import ReadModelSerializer
from .cases import categories_of

RECORD_FIELDS = ["visited_on", *VISIT_RECORD_FIELDS, "resources"]


class VisitRecordSerializer(ReadModelSerializer):
    health = serializers.IntegerField(
        allow_null=True, help_text="Null unless the caller may see health facts."
    )

    class Meta:
        model = FollowUpVisit
        fields = RECORD_FIELDS


class VisitSerializer(ReadModelSerializer):
    record = serializers.SerializerMethodField(
        help_text="What the visit found: null unless the caller may see the case's facts."
    )

    class Meta:
        model = FollowUpVisit
        fields = [
            "id",
            "case",
            "scheduled_for",
            "assigned_worker",
            "status",
            "plan_month",
            "moved_reason",
            "cancel_reason",
            "record",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(VisitRecordSerializer(allow_null=True))
    def get_record(self, visit: FollowUpVisit):
        # The record's fields as cases.visibility declares them, as the history page shows
        # them: null where the caller sees none of them.
        seen = categories_of(self, visit.case_id)
        if not visibility.visible_fields(FollowUpVisit, seen) & set(RECORD_FIELDS):
            return None
        return visibility.blank_hidden(self._record.to_representation(visit), FollowUpVisit, seen)

    @cached_property
    def _record(self) -> VisitRecordSerializer:
        # Built once for the page, not once per visit.
        return VisitRecordSerializer()


class VisitCreateSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=case_list_visible_to, model=Case)
    scheduled_for = SaneDateField()
    assigned_worker = VisiblePrimaryKeyField(
        scope=colleagues_of, model=User, required=False, allow_null=True
    )


class VisitRecordInputSerializer(serializers.ModelSerializer):
    visited_on = SaneDateField()
    next_visit_on = SaneDateField(required=False, allow_null=True)
    resources = serializers.ListField(
        child=VisiblePrimaryKeyField(scope=community_resources_for, model=CommunityResource),
        required=False,
        max_length=50,
    )

    class Meta:
        model = FollowUpVisit
        fields = RECORD_FIELDS
        extra_kwargs = {name: {"required": False} for name in RECORD_FIELDS}


class VisitMissedSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class VisitCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class VisitMoveSerializer(serializers.Serializer):
    scheduled_for = SaneDateField()
    reason = serializers.CharField(max_length=5000)


class CommunityResourceSerializer(ReadModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = CommunityResource
        fields = [
            "id",
            "kind",
            "name",
            "name_km",
            "contact",
            "organisation",
            "province",
            "commune",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CommunityResourceCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CommunityResource._meta.get_field("kind").choices)
    name = serializers.CharField(max_length=200)
    name_km = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact = serializers.CharField(max_length=200, required=False, allow_blank=True)
    province = serializers.PrimaryKeyRelatedField(queryset=Province.objects.all())
    commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(), required=False, allow_null=True
    )
