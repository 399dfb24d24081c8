from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from organisations.models import Commune, Province
from webforms.forms import OnceFormMixin, VersionedFormMixin

from .models import VISIT_RECORD_FIELDS, CommunityResource, FollowUpVisit, ResourceKind
from .services import VISIT_SCHEDULE_FIELDS, VISIT_VERSION_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"


class VisitRecordForm(VersionedFormMixin, forms.ModelForm):
    versioned_fields = VISIT_VERSION_FIELDS

    visited_on = forms.DateField(label=_("visited on"), widget=DateInput())

    class Meta:
        model = FollowUpVisit
        fields = ["visited_on", *VISIT_RECORD_FIELDS, "resources"]
        widgets = {
            "next_visit_on": DateInput(),
            "resources": forms.CheckboxSelectMultiple(),
            "risk_signs": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, resources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resources"].queryset = (
            resources if resources is not None else CommunityResource.objects.none()
        )
        if not self.fields["resources"].queryset.exists():
            # An empty group of boxes teaches nothing: say where the directory is filled in.
            self.fields["resources"].help_text = format_html(
                '{} <a href="{}">{}</a>',
                _(
                    "No monk, village chief, teacher or other community resource is listed "
                    "near this case yet."
                ),
                reverse("followup:resource-create"),
                _("Add one to the directory"),
            )

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["resources"] = list(data.pop("resources", []))
        return data


class NotificationReadForm(forms.Form):
    notification = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class VisitMissedForm(forms.Form):
    notes = forms.CharField(
        label=_("what happened"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class VisitMoveForm(VersionedFormMixin, forms.Form):
    versioned_fields = VISIT_SCHEDULE_FIELDS

    scheduled_for = forms.DateField(label=_("new date"), widget=DateInput())
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class VisitCancelForm(VersionedFormMixin, forms.Form):
    versioned_fields = VISIT_SCHEDULE_FIELDS

    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


class VisitAddForm(OnceFormMixin, forms.Form):
    scheduled_for = forms.DateField(label=_("date"), widget=DateInput())


class ResourceFilterForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("province"), queryset=Province.objects.all(), required=False
    )
    commune = forms.CharField(label=_("commune (code)"), max_length=8, required=False)


class CommunityResourceForm(OnceFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ResourceKind.choices)
    name = forms.CharField(label=_("name"), max_length=200)
    name_km = forms.CharField(label=_("name (Khmer)"), max_length=200, required=False)
    contact = forms.CharField(label=_("contact"), max_length=200, required=False)
    province = forms.ModelChoiceField(label=_("province"), queryset=Province.objects.all())
    commune_code = forms.CharField(label=_("commune (code)"), max_length=8, required=False)

    def clean(self):
        data = super().clean()
        code = data.get("commune_code", "").strip()
        data["commune"] = None
        if code:
            data["commune"] = Commune.objects.select_related("district").filter(code=code).first()
            if data["commune"] is None:
                self.add_error(
                    "commune_code", _("No commune has the code %(code)s.") % {"code": code}
                )
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("commune_code", None)
        return data


class HandOverForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Who takes over their open cases and planned visits"),
        queryset=None,
        required=False,
    )

    def __init__(self, *args, person, **kwargs):
        from cases.selectors import workers_of

        super().__init__(*args, **kwargs)
        organisation = person.membership.organisation
        self.fields["successor"].queryset = workers_of(organisation).exclude(pk=person.pk)
        self.fields["successor"].label_from_instance = lambda u: u.get_full_name() or u.username
