"""Cases. What a caller sees of a case follows
cases.permissions.case_data_categories: the view passes the categories of each case on the
page in the context, computed once (api.selectors.case_categories_for); the fields of each
category are declared in cases.visibility, and a field outside them is null."""

from functools import cached_property

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import visibility
from cases.models import (
    Case,
    CaseSensitiveFacts,
    ConsentGiver,
    ConsentPurpose,
    Phase,
)
from cases.permissions import CASE_FACTS, HEALTH, IDENTITY
from organisations.models import Commune, Organisation, OrganisationKind, User, Village

from ..fields import SaneDateField, VisiblePrimaryKeyField
from ..selectors import colleagues_of
from .base import ReadModelSerializer


def categories_of(serializer: serializers.Serializer, case_id: int) -> set[str]:
    return serializer.context["categories"].get(case_id, set())


class CaseIdentitySerializer(ReadModelSerializer):
    family_contact = serializers.CharField(
        allow_null=True,
        help_text="With the identity: to another organisation only where its referral shares "
        "identity, which the consent must cover.",
    )

    class Meta:
        model = Case
        fields = [
            "name_latin",
            "name_khmer",
            "date_of_birth",
            "date_of_birth_estimated",
            "minor_at_intake",
            "family_contact",
        ]


class CaseFactsSerializer(ReadModelSerializer):
    class Meta:
        model = Case
        fields = ["exploitation_form", "movement", "destination_country", "how_identified"]


class SensitiveFactsSerializer(ReadModelSerializer):
    class Meta:
        model = CaseSensitiveFacts
        fields = ["hiv_status", "health_notes", "legal_details"]


class CaseSerializer(ReadModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    identity = serializers.SerializerMethodField(
        help_text="Null unless the caller may see the survivor's identity."
    )
    case_facts = serializers.SerializerMethodField(
        help_text="Null unless the caller may see the trafficking facts."
    )
    sensitive_facts = serializers.SerializerMethodField(
        help_text="Health and legal facts: null unless the caller may see them."
    )

    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "organisation",
            "assigned_worker",
            "phase",
            "closure_reason",
            "closed_on",
            "sex",
            "origin_province",
            "origin_commune",
            "origin_village",
            "intake_date",
            "risk_level",
            "identity",
            "case_facts",
            "sensitive_facts",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(CaseIdentitySerializer(allow_null=True))
    def get_identity(self, case: Case):
        if IDENTITY not in categories_of(self, case.pk):
            return None
        seen = categories_of(self, case.pk)
        return visibility.blank_hidden(self._identity.to_representation(case), Case, seen)

    @extend_schema_field(CaseFactsSerializer(allow_null=True))
    def get_case_facts(self, case: Case):
        if CASE_FACTS not in categories_of(self, case.pk):
            return None
        seen = categories_of(self, case.pk)
        return visibility.blank_hidden(self._case_facts.to_representation(case), Case, seen)

    @extend_schema_field(SensitiveFactsSerializer(allow_null=True))
    def get_sensitive_facts(self, case: Case):
        if HEALTH not in categories_of(self, case.pk):
            return None
        facts = getattr(case, "sensitive_facts", None)
        if facts is None:
            return None
        data = self._sensitive_facts.to_representation(facts)
        return visibility.blank_hidden(data, CaseSensitiveFacts, categories_of(self, case.pk))

    # One nested serializer of each kind for the whole page: building a ModelSerializer's
    # fields per row cost more than the rest of a 50-case list together.
    @cached_property
    def _identity(self) -> CaseIdentitySerializer:
        return CaseIdentitySerializer()

    @cached_property
    def _case_facts(self) -> CaseFactsSerializer:
        return CaseFactsSerializer()

    @cached_property
    def _sensitive_facts(self) -> SensitiveFactsSerializer:
        return SensitiveFactsSerializer()


class ConsentInputSerializer(serializers.Serializer):
    """The consent the survivor (or a guardian) gave; the service checks it."""

    given_by = serializers.ChoiceField(choices=ConsentGiver.choices)
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    given_on = SaneDateField()
    covers_identity = serializers.BooleanField(default=False)
    covers_case_facts = serializers.BooleanField(default=False)
    covers_health = serializers.BooleanField(default=False)
    shared_with_organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        allow_null=True,
    )
    shared_with_kind = serializers.ChoiceField(
        choices=OrganisationKind.choices, required=False, allow_blank=True
    )
    expires_on = SaneDateField(required=False, allow_null=True)
    guardian_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    guardian_relationship = serializers.CharField(max_length=80, required=False, allow_blank=True)
    child_assent = serializers.BooleanField(required=False, allow_null=True, default=None)


class CaseCreateSerializer(serializers.Serializer):
    name_latin = serializers.CharField(max_length=150)
    name_khmer = serializers.CharField(max_length=150, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Case._meta.get_field("sex").choices)
    date_of_birth = SaneDateField()
    date_of_birth_estimated = serializers.BooleanField(required=False, default=False)
    exploitation_form = serializers.ChoiceField(
        choices=Case._meta.get_field("exploitation_form").choices
    )
    movement = serializers.ChoiceField(choices=Case._meta.get_field("movement").choices)
    destination_country = serializers.ChoiceField(
        choices=Case._meta.get_field("destination_country").choices,
        required=False,
        allow_blank=True,
    )
    how_identified = serializers.ChoiceField(choices=Case._meta.get_field("how_identified").choices)
    intake_date = SaneDateField()
    origin_commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(), required=False, allow_null=True
    )
    origin_village = serializers.PrimaryKeyRelatedField(
        queryset=Village.objects.all(), required=False, allow_null=True
    )
    family_contact = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    risk_level = serializers.ChoiceField(
        choices=Case._meta.get_field("risk_level").choices, required=False
    )
    phase = serializers.ChoiceField(
        choices=[(Phase.IDENTIFICATION, Phase.IDENTIFICATION.label), (Phase.INTAKE, "Intake")],
        required=False,
    )
    assigned_worker = VisiblePrimaryKeyField(
        scope=colleagues_of, model=User, required=False, allow_null=True
    )
    hiv_status = serializers.ChoiceField(
        choices=CaseSensitiveFacts._meta.get_field("hiv_status").choices, required=False
    )
    health_notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    legal_details = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    consent = ConsentInputSerializer(
        required=False, help_text="Record the consent given at intake with the case."
    )


class CaseUpdateSerializer(serializers.Serializer):
    """The fields cases.services.case_update may change; send only those that change."""

    name_latin = serializers.CharField(max_length=150, required=False)
    name_khmer = serializers.CharField(max_length=150, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Case._meta.get_field("sex").choices, required=False)
    date_of_birth = SaneDateField(required=False)
    date_of_birth_estimated = serializers.BooleanField(required=False)
    origin_commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(), required=False, allow_null=True
    )
    origin_village = serializers.PrimaryKeyRelatedField(
        queryset=Village.objects.all(), required=False, allow_null=True
    )
    family_contact = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    exploitation_form = serializers.ChoiceField(
        choices=Case._meta.get_field("exploitation_form").choices, required=False
    )
    movement = serializers.ChoiceField(
        choices=Case._meta.get_field("movement").choices, required=False
    )
    destination_country = serializers.ChoiceField(
        choices=Case._meta.get_field("destination_country").choices,
        required=False,
        allow_blank=True,
    )
    how_identified = serializers.ChoiceField(
        choices=Case._meta.get_field("how_identified").choices, required=False
    )
    intake_date = SaneDateField(required=False)
    risk_level = serializers.ChoiceField(
        choices=Case._meta.get_field("risk_level").choices, required=False
    )


class PhaseChangeSerializer(serializers.Serializer):
    to_phase = serializers.ChoiceField(
        choices=Phase.choices,
        help_text=(
            "Not “closed”: a case closes when a supervisor approves a closure request "
            "(POST /api/v1/approvals/, then /api/v1/approvals/{id}/decide/)."
        ),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
