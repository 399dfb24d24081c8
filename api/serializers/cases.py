"""Cases. What a caller sees of a case follows
cases.permissions.case_data_categories: the view passes the categories of each case on the
page in the context, computed once (api.selectors.case_categories_for); the fields of each
category are declared in cases.visibility, and a field outside them is null."""

from functools import cached_property

from django_countries.serializer_fields import CountryField
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import visibility
from cases.countries import CAMBODIA, countries
from cases.models import (
    Case,
    CaseExploitation,
    CaseSensitiveFacts,
    ConsentGiver,
    ConsentPurpose,
    ExploitationForm,
    Language,
    Phase,
)
from cases.permissions import CASE_FACTS, HEALTH, IDENTITY
from cases.services import Exploitation
from organisations.models import Commune, Organisation, OrganisationKind, Province, User, Village

from ..fields import SaneDateField, VisiblePrimaryKeyField
from ..selectors import colleagues_of
from .base import ReadModelSerializer


def categories_of(serializer: serializers.Serializer, case_id: int) -> set[str]:
    return serializer.context["categories"].get(case_id, set())


class CaseIdentitySerializer(CountryFieldMixin, ReadModelSerializer):
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
            "nationality",
            "languages",
            "interpreter_needed",
            "date_of_birth",
            "date_of_birth_estimated",
            "minor_at_intake",
            "family_contact",
        ]


class CaseExploitationSerializer(CountryFieldMixin, ReadModelSerializer):
    htcds_term = serializers.CharField(
        read_only=True,
        help_text="The form as the Human Trafficking Case Data Standard names it: its type of "
        "exploitation, and for forced labour its type of labour exploitation "
        "(e.g. ForcedLabour/IllicitActivities for forced criminality).",
    )

    class Meta:
        model = CaseExploitation
        fields = ["form", "htcds_term", "country", "province", "started_on", "ended_on"]


class CaseFactsSerializer(ReadModelSerializer):
    exploitations = CaseExploitationSerializer(
        many=True,
        read_only=True,
        help_text="Every form of exploitation the survivor suffered, where and when.",
    )
    exploitation_form = serializers.SerializerMethodField(
        help_text="Deprecated, to be removed in the next API version: the first form of "
        "exploitation recorded (for a case registered before forms became a set, its only "
        "one). Read `exploitations`."
    )

    class Meta:
        model = Case
        fields = [
            "exploitations",
            "exploitation_form",
            "movement",
            "destination_country",
            "how_identified",
        ]

    @extend_schema_field(
        {
            "type": "string",
            "enum": ExploitationForm.values,
            "nullable": True,
            "deprecated": True,
        }
    )
    def get_exploitation_form(self, case: Case) -> str | None:
        first = next(iter(case.exploitations.all()), None)
        return first.form if first else None


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

    def to_representation(self, instance):
        # A caller that reads the case as it stood at a moment (a former owner during its
        # grace period) is given the case as it was then (cases.visibility.as_seen).
        seen = self.context.get("categories", {}).get(instance.pk, ())
        return super().to_representation(visibility.as_seen(instance, seen))

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


class ExploitationInputSerializer(serializers.Serializer):
    form = serializers.ChoiceField(choices=ExploitationForm.choices)
    country = CountryField(
        countries=countries,
        required=False,
        allow_blank=True,
        help_text="ISO 3166-1 alpha-2 code of the country where it happened, if known.",
    )
    province = serializers.PrimaryKeyRelatedField(
        queryset=Province.objects.all(),
        required=False,
        allow_null=True,
        help_text="Province code, only when it happened in Cambodia.",
    )
    started_on = SaneDateField(required=False, allow_null=True)
    ended_on = SaneDateField(required=False, allow_null=True)

    def validate(self, attrs):
        return Exploitation(
            form=attrs["form"],
            country=attrs.get("country") or "",
            province=attrs.get("province"),
            started_on=attrs.get("started_on"),
            ended_on=attrs.get("ended_on"),
        )


LEGACY_FORM_HELP = (
    "Deprecated, to be removed in the next API version: one form of exploitation, "
    "recorded as `exploitations` holding that form alone. Send `exploitations` instead."
)


class ExploitationsInputMixin(serializers.Serializer):
    exploitations = ExploitationInputSerializer(
        many=True,
        required=False,
        help_text="Every form of exploitation the survivor suffered, each once.",
    )
    exploitation_form = serializers.ChoiceField(
        choices=ExploitationForm.choices, required=False, help_text=LEGACY_FORM_HELP
    )

    def validate(self, attrs):
        legacy = attrs.pop("exploitation_form", None)
        if legacy is not None:
            if "exploitations" in attrs:
                raise serializers.ValidationError(
                    {"exploitation_form": "Send either exploitations or exploitation_form."}
                )
            attrs["exploitations"] = [Exploitation(form=legacy)]
        return attrs


class IdentityInputMixin(serializers.Serializer):
    nationality = CountryField(
        countries=countries,
        required=False,
        help_text="ISO 3166-1 alpha-2 code; KH (Cambodian) when not sent at registration.",
    )
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices),
        required=False,
        max_length=len(Language.choices),
        help_text="For a foreign national: the languages they speak (ISO 639-1 codes).",
    )
    interpreter_needed = serializers.BooleanField(required=False)


class CaseCreateSerializer(ExploitationsInputMixin, IdentityInputMixin):
    name_latin = serializers.CharField(max_length=150)
    name_khmer = serializers.CharField(max_length=150, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Case._meta.get_field("sex").choices)
    date_of_birth = SaneDateField()
    date_of_birth_estimated = serializers.BooleanField(required=False, default=False)
    movement = serializers.ChoiceField(choices=Case._meta.get_field("movement").choices)
    destination_country = serializers.ChoiceField(
        choices=Case._meta.get_field("destination_country").choices,
        required=False,
        allow_blank=True,
    )
    how_identified = serializers.ChoiceField(choices=Case._meta.get_field("how_identified").choices)
    intake_date = SaneDateField()
    origin_commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(),
        required=False,
        allow_null=True,
        help_text=(
            "Commune of origin (or give the village). Required for a Cambodian; a foreign "
            "national with no home in Cambodia has none, and the case's origin_province is null."
        ),
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

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if not attrs.get("exploitations"):
            raise serializers.ValidationError(
                {"exploitations": "Give at least one form of exploitation."}
            )
        attrs.setdefault("nationality", CAMBODIA)
        return attrs


class CaseUpdateSerializer(ExploitationsInputMixin, IdentityInputMixin):
    """The fields cases.services.case_update may change; send only those that change.
    `exploitations` replaces the case's whole set."""

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
