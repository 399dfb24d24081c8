from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from organisations.models import Commune, District, Organisation, Province, Village
from webforms.forms import OnceFormMixin, VersionedFormMixin, show_stale_or

from .countries import HomecomingCountries
from .models import (
    Case,
    ConsentGiver,
    ConsentPurpose,
    CounsellingSession,
    ExploitationForm,
    HivStatus,
    Language,
    Phase,
)
from .permissions import allowed_phase_moves
from .services import (
    ADULT_AGE,
    CLOSE_BY_REQUEST,
    EDITABLE_FIELDS,
    SENSITIVE_FACT_FIELDS,
    Exploitation,
    age_on,
    exploitation_errors,
    exploitations_of,
    identity_errors,
    origin_errors,
)


def show_service_errors(form, error: ValidationError | PermissionDenied) -> None:
    """Show a service's refusal next to the field it concerns (or above the form), keeping
    what the person typed. Every app's views use this for their services' errors."""
    if show_stale_or(form, error):
        return
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _htmx_child(level: str, target: str) -> dict:
    """Attributes that load the next level's choices when a place is picked."""
    return {
        "hx-get": f"{reverse_lazy('organisations:place-options')}?level={level}",
        "hx-trigger": "change",
        "hx-target": f"#id_{target}",
    }


class PlaceFields(forms.Form):
    """Province → district → commune → village pickers. Each level's choices follow the level
    above: htmx loads them as the worker picks, and without JavaScript the form offers them
    after a submit."""

    origin_province = forms.ModelChoiceField(
        label=_("Province of origin"),
        queryset=Province.objects.order_by("name_en"),
        required=False,
        help_text=_("Leave empty for a foreign national with no home in Cambodia."),
    )
    origin_district = forms.ModelChoiceField(
        label=_("District of origin"), queryset=District.objects.none(), required=False
    )
    origin_commune = forms.ModelChoiceField(
        label=_("Commune of origin"), queryset=Commune.objects.none(), required=False
    )
    origin_village = forms.ModelChoiceField(
        label=_("Village of origin"),
        queryset=Village.objects.none(),
        required=False,
        help_text=_("Leave empty if the village is not known."),
    )

    def setup_places(self, case: Case | None = None) -> None:
        fields = self.fields
        fields["origin_province"].widget.attrs.update(_htmx_child("district", "origin_district"))
        fields["origin_district"].widget.attrs.update(_htmx_child("commune", "origin_commune"))
        fields["origin_commune"].widget.attrs.update(_htmx_child("village", "origin_village"))
        if case is not None and case.pk and not self.is_bound:
            commune = case.origin_commune
            self.initial.update(
                origin_province=case.origin_province_id,
                origin_district=commune.district_id if commune else None,
                origin_commune=case.origin_commune_id,
                origin_village=case.origin_village_id,
            )
        province = self._chosen("origin_province")
        district = self._chosen("origin_district")
        commune = self._chosen("origin_commune")
        if province:
            fields["origin_district"].queryset = District.objects.filter(province_id=province)
        if district:
            fields["origin_commune"].queryset = Commune.objects.filter(district_id=district)
        if commune:
            fields["origin_village"].queryset = Village.objects.filter(commune_id=commune)

    def _chosen(self, name: str) -> str | None:
        if self.is_bound:
            return self.data.get(self.add_prefix(name)) or None
        value = self.initial.get(name)
        return str(value) if value else None

    def clean_places(self, data: dict, nationality: str | None) -> None:
        if data.get("origin_province") and not data.get("origin_commune"):
            if "origin_commune" not in self.errors:
                self.add_error("origin_commune", _("Give the commune of origin."))
            return
        errors = origin_errors(
            commune=data.get("origin_commune"),
            village=data.get("origin_village"),
            nationality=nationality,
        )
        for field, message in errors.items():
            if field not in self.errors:
                self.add_error(field, message)

    def place_arguments(self) -> dict:
        data = self.cleaned_data
        return {"origin_commune": data["origin_commune"], "origin_village": data["origin_village"]}


# The editable facts except the place of origin, which PlaceFields picks level by level.
CASE_FIELDS = [name for name in EDITABLE_FIELDS if name not in ("origin_commune", "origin_village")]
# Where and when, given once for the forms of exploitation chosen together.
EXPLOITATION_PLACE_FIELDS = (
    "exploitation_country",
    "exploitation_province",
    "exploitation_from",
    "exploitation_to",
)


class TickedChoicesField(forms.MultipleChoiceField):
    """Checkboxes: an empty value among those sent (a client that sends "" for "none") is
    no choice rather than a wrong one."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        return [item for item in super().to_python(value) if item != ""]


class ExploitationFields(forms.Form):
    """The forms of exploitation a survivor suffered, and where and when. The place and dates
    given here go to each form newly ticked; a form already recorded keeps its own unless
    they are changed (the API records a different place for each form)."""

    exploitations = TickedChoicesField(
        label=_("Forms of exploitation"),
        choices=ExploitationForm.choices,
        help_text=_("Tick every form the survivor suffered."),
    )
    exploitation_country = CountryField(countries=HomecomingCountries, blank=True).formfield(
        label=_("Country where exploited"), required=False
    )
    exploitation_province = forms.ModelChoiceField(
        label=_("Province where exploited"),
        queryset=Province.objects.order_by("name_en"),
        required=False,
        help_text=_("Only when it was in Cambodia."),
    )
    exploitation_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    exploitation_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def setup_exploitations(self, case: Case | None) -> None:
        self.current_exploitations = exploitations_of(case) if case and case.pk else []
        # Set on a bound form too: a place or date left as shown is not a change.
        if not self.current_exploitations:
            return
        first = self.current_exploitations[0]
        self.initial.update(
            exploitations=[item.form for item in self.current_exploitations],
            exploitation_country=first.country,
            exploitation_province=first.province.pk if first.province else None,
            exploitation_from=first.started_on,
            exploitation_to=first.ended_on,
        )

    def clean_exploitations_together(self, data: dict) -> None:
        if "exploitations" in self.errors:
            return
        error = exploitation_errors(self.exploitation_arguments(data))
        if error:
            self.add_error("exploitations", error)

    def exploitation_arguments(self, data: dict | None = None) -> list[Exploitation]:
        data = self.cleaned_data if data is None else data
        recorded = {item.form: item for item in self.current_exploitations}
        place_changed = any(name in self.changed_data for name in EXPLOITATION_PLACE_FIELDS)
        given = {
            "country": data.get("exploitation_country") or "",
            "province": data.get("exploitation_province"),
            "started_on": data.get("exploitation_from"),
            "ended_on": data.get("exploitation_to"),
        }
        return [
            recorded[form]
            if form in recorded and not place_changed
            else Exploitation(form, **given)
            for form in data.get("exploitations") or []
        ]


class CaseForm(VersionedFormMixin, PlaceFields, ExploitationFields, forms.ModelForm):
    versioned_fields = EDITABLE_FIELDS

    languages = TickedChoicesField(
        label=_("Languages spoken"),
        choices=Language.choices,
        required=False,
        help_text=_("For a foreign national: the languages they speak."),
    )

    class Meta:
        model = Case
        fields = CASE_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "intake_date": DateInput(),
            "family_contact": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_places(self.instance)
        self.setup_exploitations(self.instance)
        # The forms of exploitation come first among the trafficking facts, as on intake.
        self.order_fields(self._edit_order())

    def _edit_order(self) -> list[str]:
        rest = [name for name in self.fields if name not in ExploitationFields.base_fields]
        at = rest.index("movement") if "movement" in rest else len(rest)
        return rest[:at] + list(ExploitationFields.base_fields) + rest[at:]

    def clean(self):
        # The date and destination rules are judged with the rest, not after a second submit.
        data = super().clean()
        self.clean_exploitations_together(data)
        self.clean_places(data, data.get("nationality") or self.instance.nationality)
        if "date_of_birth" not in self.fields:
            return data
        errors = identity_errors(
            date_of_birth=data.get("date_of_birth"),
            intake_date=data.get("intake_date") or getattr(self.instance, "intake_date", None),
            movement=data.get("movement"),
            destination_country=data.get("destination_country"),
        )
        for field, message in errors.items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data

    def service_arguments(self) -> dict:
        data = {name: self.cleaned_data[name] for name in CASE_FIELDS}
        return {
            **data,
            **self.place_arguments(),
            "exploitations": self.exploitation_arguments(),
        }

    def _post_clean(self):
        # Model validation happens in the service, which sees the whole case.
        pass


class GuardianFields(forms.Form):
    """Who consents for a child, and whether the child agrees too: intake and consent forms."""

    guardian_name = forms.CharField(label=_("Guardian's name"), required=False, max_length=150)
    guardian_relationship = forms.CharField(
        label=_("Guardian's relationship to the child"), required=False, max_length=80
    )
    child_assent = forms.NullBooleanField(
        label=_("The child also agrees"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))]),
    )


class IntakeForm(OnceFormMixin, GuardianFields, CaseForm):
    """Registering a survivor: consent first, then identity, trafficking facts and risk."""

    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"), choices=ConsentGiver.choices, widget=forms.RadioSelect
    )
    consent_identity = forms.BooleanField(label=_("Identity"), required=False, initial=True)
    consent_case_facts = forms.BooleanField(label=_("Case facts"), required=False, initial=True)
    consent_health = forms.BooleanField(label=_("Health facts"), required=False)
    consent_given_on = forms.DateField(label=_("Consent given on"), widget=DateInput())
    not_a_duplicate = forms.BooleanField(
        label=_("I checked: this is a different person"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["intake_date"].initial = today
        self.fields["consent_given_on"].initial = today

    def clean(self):
        data = super().clean()
        given_on = data.get("consent_given_on")
        if given_on is not None and given_on > timezone.localdate():
            self.add_error("consent_given_on", _("Consent cannot be dated in the future."))
        return data

    def consent_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "given_by": data["consent_given_by"],
            "purpose": ConsentPurpose.SERVICES,
            "given_on": data["consent_given_on"],
            "covers_identity": data["consent_identity"],
            "covers_case_facts": data["consent_case_facts"],
            "covers_health": data["consent_health"],
            "guardian_name": data["guardian_name"],
            "guardian_relationship": data["guardian_relationship"],
            "child_assent": data["child_assent"],
        }


# The service's field names, as the intake form calls them.
INTAKE_CONSENT_FIELDS = {
    "given_by": "consent_given_by",
    "given_on": "consent_given_on",
    "covers_identity": "consent_identity",
    "covers_case_facts": "consent_case_facts",
    "covers_health": "consent_health",
}


class ConsentForm(OnceFormMixin, GuardianFields):
    field_order = ["given_by", "guardian_name", "guardian_relationship", "child_assent"]

    given_by = forms.ChoiceField(
        label=_("Given by"), choices=ConsentGiver.choices, widget=forms.RadioSelect
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    shared_with_organisation = forms.ModelChoiceField(
        label=_("Share with this organisation"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    shared_with_kind = forms.ChoiceField(
        label=_("Or with any organisation of this kind"), required=False
    )
    covers_identity = forms.BooleanField(label=_("Identity"), required=False)
    covers_case_facts = forms.BooleanField(label=_("Case facts"), required=False)
    covers_health = forms.BooleanField(label=_("Health facts"), required=False)
    given_on = forms.DateField(label=_("Given on"), widget=DateInput())
    expires_on = forms.DateField(label=_("Expires on"), widget=DateInput(), required=False)

    def __init__(self, *args, case: Case, **kwargs):
        from organisations.models import OrganisationKind

        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["shared_with_kind"].choices = [("", "—"), *OrganisationKind.choices]
        self.fields["given_on"].initial = today
        # Sharing is with another organisation: the case's own already holds it.
        self.fields["shared_with_organisation"].queryset = Organisation.objects.filter(
            is_active=True
        ).exclude(pk=case.organisation_id)
        if case.minor_at_intake and age_on(born=case.date_of_birth, on=today) < ADULT_AGE:
            self.fields["given_by"].initial = ConsentGiver.GUARDIAN


class ConsentWithdrawForm(forms.Form):
    on = forms.DateField(label=_("Withdrawn on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("In the survivor's or guardian's words, as far as they gave one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class SensitiveFactsForm(VersionedFormMixin, forms.Form):
    """Pass the facts as `version_of=` so a stale form is refused (see webforms.versions)."""

    versioned_fields = SENSITIVE_FACT_FIELDS

    hiv_status = forms.ChoiceField(label=_("HIV status"), choices=HivStatus.choices)
    health_notes = forms.CharField(label=_("Health notes"), widget=forms.Textarea, required=False)
    legal_details = forms.CharField(
        label=_("Legal case details"), widget=forms.Textarea, required=False
    )


class PhaseChangeForm(forms.Form):
    to_phase = forms.ChoiceField(label=_("Move to"), choices=Phase.choices)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, case, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only the moves this person may make on this case from its phase; closing is
        # asked for, not chosen here (cases.services.case_change_phase).
        allowed = allowed_phase_moves(user, case)
        self.fields["to_phase"].choices = [c for c in Phase.choices if c[0] in allowed]
        if self.data.get("to_phase") == Phase.CLOSED:
            refusal = CLOSE_BY_REQUEST
        else:
            refusal = _(
                "A case in “%(phase)s” cannot move to that phase; choose one of those offered."
            ) % {"phase": Phase(case.phase).label}
        # Django formats this message again with the value: keep its own % signs literal.
        self.fields["to_phase"].error_messages["invalid_choice"] = str(refusal).replace("%", "%%")


class AssignForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Assign to"), queryset=None)

    def __init__(self, *args, organisation=None, **kwargs):
        from .selectors import workers_of

        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers_of(organisation)


class CounsellingSessionForm(OnceFormMixin, forms.ModelForm):
    class Meta:
        model = CounsellingSession
        fields = [
            "session_date",
            "kind",
            "setting",
            "phase",
            "duration_minutes",
            "topics",
            "confidential_notes",
            "next_session_date",
        ]
        widgets = {
            "session_date": DateInput(),
            "next_session_date": DateInput(),
            "confidential_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].required = False
        self.fields["session_date"].initial = timezone.localdate()

    def _post_clean(self):
        pass


class ExportForm(forms.Form):
    password = forms.CharField(
        label=_("Password for the file"),
        min_length=12,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "At least 12 characters. Give it to the recipient by another way than the file."
        ),
    )
    password_again = forms.CharField(label=_("The same password again"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data
