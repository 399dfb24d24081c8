"""Consents and counselling sessions, under the same rules as their case: guardians' names
with the survivor's identity, confidential notes with the health facts."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import Case, Consent, CounsellingSession
from cases.permissions import HEALTH, IDENTITY
from cases.selectors import case_list_visible_to
from organisations.models import User

from ..fields import SaneDateField, VisiblePrimaryKeyField
from ..selectors import colleagues_of
from .base import ReadModelSerializer
from .cases import ConsentInputSerializer, categories_of


class ConsentSerializer(ReadModelSerializer):
    shared_with_organisation = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    guardian_name = serializers.SerializerMethodField(
        help_text="Null unless the caller may see the survivor's identity."
    )

    class Meta:
        model = Consent
        fields = [
            "id",
            "case",
            "given_by",
            "guardian_name",
            "guardian_relationship",
            "child_assent",
            "purpose",
            "shared_with_organisation",
            "shared_with_kind",
            "covers_identity",
            "covers_case_facts",
            "covers_health",
            "given_on",
            "expires_on",
            "withdrawn_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_guardian_name(self, consent: Consent):
        if IDENTITY not in categories_of(self, consent.case_id):
            return None
        return consent.guardian_name


class ConsentCreateSerializer(ConsentInputSerializer):
    case = VisiblePrimaryKeyField(scope=case_list_visible_to, model=Case)


class ConsentWithdrawSerializer(serializers.Serializer):
    on = SaneDateField(required=False, allow_null=True, help_text="Today if not given.")


class CounsellingSessionSerializer(ReadModelSerializer):
    confidential_notes = serializers.SerializerMethodField(
        help_text="Null unless the caller may see the case's health facts."
    )

    class Meta:
        model = CounsellingSession
        fields = [
            "id",
            "case",
            "session_date",
            "counsellor",
            "kind",
            "setting",
            "phase",
            "topics",
            "duration_minutes",
            "confidential_notes",
            "next_session_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_confidential_notes(self, session: CounsellingSession):
        if HEALTH not in categories_of(self, session.case_id):
            return None
        return session.confidential_notes


class CounsellingSessionCreateSerializer(serializers.Serializer):
    case = VisiblePrimaryKeyField(scope=case_list_visible_to, model=Case)
    session_date = SaneDateField()
    kind = serializers.ChoiceField(choices=CounsellingSession._meta.get_field("kind").choices)
    setting = serializers.ChoiceField(choices=CounsellingSession._meta.get_field("setting").choices)
    duration_minutes = serializers.IntegerField(min_value=1, max_value=600)
    phase = serializers.ChoiceField(
        choices=CounsellingSession._meta.get_field("phase").choices,
        required=False,
        allow_blank=True,
    )
    topics = serializers.CharField(max_length=300, required=False, allow_blank=True)
    confidential_notes = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    next_session_date = SaneDateField(required=False, allow_null=True)
    counsellor = VisiblePrimaryKeyField(
        scope=colleagues_of, model=User, required=False, allow_null=True
    )
