"""A survivor's return across a border, in either direction: a Cambodian brought home from
Thailand, Malaysia or China, or a foreign national trafficked into Cambodia (a scam compound in
Preah Sihanouk, say) going home to Indonesia or Kenya.

A return is its own app rather than part of `legal`: it is not a proceeding before a court or
an authority, it has its own steps (nationality verification, a travel document, the agency in
the other country, the journey, the handover), it draws on the reintegration plan's family
assessment, and it decides how the case ends (closed as returned to the country of origin, or
going on into reintegration). It is protection, though, and follows the legal policy: restricted
like health facts, shared only where a referral's consent covers them (returns/permissions.py).
Free text is encrypted at rest: who received the survivor and where names people and places.

One return per case: the checklist is its steps (`ReturnStep`), each with its date and who did
it; the facts a step brings (the issuing authority, the route, the handover) are kept on the
return."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cases.countries import HomecomingCountries
from cases.encryption import EncryptedTextField
from cases.models import Case
from organisations.validation import ValidatedModel
from plans.models import FamilyAssessment


class Direction(models.TextChoices):
    INTO_CAMBODIA = "into_cambodia", _("Into Cambodia (a Cambodian coming home)")
    OUT_OF_CAMBODIA = "out_of_cambodia", _("Out of Cambodia (going home to another country)")


class IssuingAuthority(models.TextChoices):
    EMBASSY = "embassy", _("Embassy")
    CONSULATE = "consulate", _("Consulate")
    IMMIGRATION = "immigration", _("General Department of Immigration")
    OTHER = "other", _("Other authority")


class Route(models.TextChoices):
    """Where the survivor crossed: the usual crossings and airports, or another."""

    POIPET = "poipet", _("Poipet border crossing (Thailand)")
    CHAM_YEAM = "cham_yeam", _("Cham Yeam border crossing, Koh Kong (Thailand)")
    BAVET = "bavet", _("Bavet border crossing (Vietnam)")
    PHNOM_PENH_AIRPORT = "phnom_penh_airport", _("Phnom Penh airport")
    SIEM_REAP_AIRPORT = "siem_reap_airport", _("Siem Reap airport")
    OTHER = "other", _("Other route")


class Step(models.TextChoices):
    """The checklist, in the order a return usually takes."""

    IDENTIFIED = "identified", _("Identified for return")
    NATIONALITY_VERIFIED = "nationality_verified", _("Nationality verified")
    DOCUMENT_APPLIED = "document_applied", _("Travel or identity document applied for")
    DOCUMENT_ISSUED = "document_issued", _("Travel or identity document issued")
    FAMILY_ASSESSED = "family_assessed", _("Family assessed before return")
    AGENCY_ACCEPTED = "agency_accepted", _("Agency in the other country accepted")
    TRAVELLED = "travelled", _("Travelled")
    HANDED_OVER = "handed_over", _("Handed over on arrival")


class DocumentStatus(models.TextChoices):
    NONE = "none", _("None")
    APPLIED = "applied", _("Applied for")
    ISSUED = "issued", _("Issued")


class CrossBorderReturn(ValidatedModel, models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="returns"
    )
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices)
    country = CountryField(_("the other country"), countries=HomecomingCountries)
    identified_on = models.DateField(_("identified for return on"))
    receiving_agency = EncryptedTextField(
        _("agency in the other country"),
        blank=True,
        help_text=_(
            "Going home from Cambodia: the agency that receives the survivor. Coming home: "
            "the agency that sends the survivor back."
        ),
    )
    document_authority = models.CharField(
        _("issuing authority"), max_length=16, choices=IssuingAuthority.choices, blank=True
    )
    family_assessment = models.ForeignKey(
        FamilyAssessment,
        verbose_name=_("family assessment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    route = models.CharField(_("route"), max_length=24, choices=Route.choices, blank=True)
    route_other = EncryptedTextField(_("other route"), blank=True)
    # The travel date, kept here as well as on its step: the dashboards count by it.
    travelled_on = models.DateField(_("travelled on"), null=True, blank=True, editable=False)
    received_by = EncryptedTextField(_("received by"), blank=True)
    handover_place = EncryptedTextField(_("place of the handover"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cross-border return")
        verbose_name_plural = _("cross-border returns")
        ordering = ["-identified_on", "-id"]
        indexes = [
            # The dashboards count returns by direction, country and month of travel.
            models.Index(fields=["travelled_on", "direction", "country"], name="return_dashboard"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case"], name="one_return_per_case"),
            models.CheckConstraint(
                condition=~Q(country="KH"), name="return_to_or_from_another_country"
            ),
            models.CheckConstraint(
                condition=Q(travelled_on__isnull=True)
                | Q(travelled_on__gte=models.F("identified_on")),
                name="return_travel_after_identification",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_direction_display()}"


class ReturnStep(ValidatedModel, models.Model):
    """One step of the checklist done: when, and who did it (the person who records it)."""

    cross_border_return = models.ForeignKey(
        CrossBorderReturn,
        verbose_name=_("cross-border return"),
        on_delete=models.CASCADE,
        related_name="steps",
    )
    step = models.CharField(_("step"), max_length=24, choices=Step.choices)
    done_on = models.DateField(_("done on"))
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = EncryptedTextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("step of a return")
        ordering = ["done_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cross_border_return", "step"], name="one_row_per_return_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cross_border_return} · {self.get_step_display()}"
