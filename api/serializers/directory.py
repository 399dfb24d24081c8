from rest_framework import serializers

from cases.models import CaseEvent
from organisations.models import Organisation, Province

from .base import ReadModelSerializer


class OrganisationSerializer(ReadModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Organisation
        fields = ["id", "slug", "name", "short_name", "kind", "province", "parent"]
        read_only_fields = fields


class ProvinceSerializer(ReadModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name_en", "name_km"]
        read_only_fields = fields


class TombstoneSerializer(ReadModelSerializer):
    """A case that left the caller's view: drop it and everything under it."""

    case = serializers.IntegerField(source="case_id", read_only=True)
    left_at = serializers.DateTimeField(source="occurred_at", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["id", "case", "left_at"]
        read_only_fields = fields
