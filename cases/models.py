import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from organisations.models import Commune, Organisation, OrganisationKind, Province, Village
from organisations.validation import ValidatedModel

from .countries import CAMBODIA, HomecomingCountries
from .encryption import EncryptedTextField


class Phase(models.TextChoices):
    IDENTIFICATION = "identification", _("Identification")
    INTAKE = "intake", _("Intake and assessment")
    RECOVERY = "recovery", _("Recovery")
    REINTEGRATION_PLANNING = "reintegration_planning", _("Reintegration planning")
    REINTEGRATED = "reintegrated", _("Reintegrated, in follow-up")
    CLOSED = "closed", _("Closed")


# Which phase may follow which. A closed case reopens at intake when a survivor comes back.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Phase.IDENTIFICATION: frozenset({Phase.INTAKE, Phase.CLOSED}),
    Phase.INTAKE: frozenset({Phase.RECOVERY, Phase.REINTEGRATION_PLANNING, Phase.CLOSED}),
    Phase.RECOVERY: frozenset({Phase.REINTEGRATION_PLANNING, Phase.CLOSED}),
    Phase.REINTEGRATION_PLANNING: frozenset({Phase.RECOVERY, Phase.REINTEGRATED, Phase.CLOSED}),
    Phase.REINTEGRATED: frozenset({Phase.REINTEGRATION_PLANNING, Phase.CLOSED}),
    Phase.CLOSED: frozenset({Phase.INTAKE}),
}


class ClosureReason(models.TextChoices):
    REINTEGRATION_COMPLETED = "reintegration_completed", _("Reintegration completed")
    TRANSFERRED = "transferred", _("Transferred to another organisation")
    # A foreign national gone home from Cambodia, received by an agency there (returns app).
    RETURNED_HOME = "returned_home", _("Returned to country of origin")
    DECLINED_SERVICES = "declined_services", _("Survivor declined further services")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    MOVED_AWAY = "moved_away", _("Moved out of the service area")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class ExploitationForm(models.TextChoices):
    SEXUAL = "sexual_exploitation", _("Sexual exploitation")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    DOMESTIC_SERVITUDE = "domestic_servitude", _("Domestic servitude")
    BEGGING = "begging", _("Forced begging")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    FORCED_CRIMINALITY = "forced_criminality", _("Forced criminality (scam compound, online fraud)")
    OTHER = "other", _("Other")


# Each form as the Human Trafficking Case Data Standard (HTCDS, Counter-Trafficking Data
# Collaborative) names it: its type of exploitation, and for forced labour its type of labour
# exploitation. HTCDS has no type of its own for forced criminality: it is forced labour in
# illicit activities.
HTCDS_TERMS: dict[str, str] = {
    ExploitationForm.SEXUAL: "SexualExploit",
    ExploitationForm.FORCED_LABOUR: "ForcedLabour",
    ExploitationForm.DOMESTIC_SERVITUDE: "ForcedLabour/DomesticWork",
    ExploitationForm.BEGGING: "ForcedLabour/Begging",
    ExploitationForm.FORCED_MARRIAGE: "ForcedMarriage",
    ExploitationForm.FORCED_CRIMINALITY: "ForcedLabour/IllicitActivities",
    ExploitationForm.OTHER: "OtherExploit",
}


class Language(models.TextChoices):
    """Languages a survivor speaks (ISO 639-1 codes): those of the people most often
    trafficked into and out of Cambodia."""

    KHMER = "km", _("Khmer")
    ENGLISH = "en", _("English")
    THAI = "th", _("Thai")
    VIETNAMESE = "vi", _("Vietnamese")
    CHINESE = "zh", _("Chinese")
    INDONESIAN = "id", _("Indonesian")
    MALAY = "ms", _("Malay")
    LAO = "lo", _("Lao")
    BURMESE = "my", _("Burmese")
    FILIPINO = "tl", _("Filipino (Tagalog)")
    KOREAN = "ko", _("Korean")
    SWAHILI = "sw", _("Swahili")
    HINDI = "hi", _("Hindi")
    BENGALI = "bn", _("Bengali")
    URDU = "ur", _("Urdu")
    OTHER = "other", _("Another language")


class Movement(models.TextChoices):
    INTERNAL = "internal", _("Internal (within Cambodia)")
    CROSS_BORDER = "cross_border", _("Cross-border")


class DestinationCountry(models.TextChoices):
    # Survivors of other nationalities were trafficked into Cambodia.
    CAMBODIA = "KH", _("Cambodia")
    THAILAND = "TH", _("Thailand")
    VIETNAM = "VN", _("Vietnam")
    MALAYSIA = "MY", _("Malaysia")
    CHINA = "CN", _("China")
    INDONESIA = "ID", _("Indonesia")
    LAOS = "LA", _("Laos")
    MYANMAR = "MM", _("Myanmar")
    SOUTH_KOREA = "KR", _("South Korea")
    OTHER = "ZZ", _("Other country")


class HowIdentified(models.TextChoices):
    POLICE_RAID = "police_raid", _("Police raid or rescue")
    SELF_REFERRAL = "self_referral", _("Self-referral")
    HOTLINE = "hotline", _("Hotline")
    CROSS_BORDER_RETURN = "cross_border_return", _("Cross-border return or repatriation")
    OUTREACH = "outreach", _("NGO outreach")
    COMMUNITY = "community", _("Family or community")
    OTHER = "other", _("Other")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


def adult_on(born: dt.date) -> dt.date:
    """The 18th birthday of someone born on `born` (1 March for someone born on 29 February)."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return dt.date(born.year + 18, 3, 1)


class Case(ValidatedModel, models.Model):
    """A survivor's case, owned by one organisation."""

    case_number = models.CharField(_("case number"), max_length=32, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="cases"
    )
    assigned_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned social worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    phase = models.CharField(
        _("phase"), max_length=32, choices=Phase.choices, default=Phase.IDENTIFICATION
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    anonymised_on = models.DateField(_("anonymised on"), null=True, blank=True, editable=False)

    name_latin = models.CharField(_("name (Latin script)"), max_length=150)
    name_khmer = models.CharField(_("name (Khmer script)"), max_length=150, blank=True)
    nationality = CountryField(_("nationality"), countries=HomecomingCountries, default=CAMBODIA)
    languages = models.JSONField(
        _("languages spoken"),
        default=list,
        blank=True,
        help_text=_("For a foreign national: the languages they speak."),
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"))
    date_of_birth_estimated = models.BooleanField(_("date of birth is estimated"), default=False)
    minor_at_intake = models.BooleanField(_("minor at intake"), editable=False)

    # A foreign national may have no home in Cambodia: then no province, commune or village.
    origin_province = models.ForeignKey(
        Province,
        verbose_name=_("province of origin"),
        on_delete=models.PROTECT,
        editable=False,
        null=True,
        blank=True,
    )
    origin_commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune of origin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    origin_village = models.ForeignKey(
        Village,
        verbose_name=_("village of origin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    family_contact = models.TextField(_("family contact"), blank=True)

    movement = models.CharField(
        _("internal or cross-border"), max_length=16, choices=Movement.choices
    )
    destination_country = models.CharField(
        _("destination country"), max_length=2, choices=DestinationCountry.choices, blank=True
    )
    how_identified = models.CharField(
        _("how identified"), max_length=32, choices=HowIdentified.choices
    )
    intake_date = models.DateField(_("intake date"))
    risk_level = models.CharField(
        _("risk level"), max_length=8, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    # The day of the latest counselling session or visit that took place, kept by the
    # services that record them (cases.services.case_last_contact_refresh): the Team page
    # reads the cases nobody has seen from an index instead of computing it for every case.
    last_contact_on = models.DateField(_("last contact"), null=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        ordering = ["-intake_date", "-id"]
        indexes = [
            models.Index(fields=["organisation", "phase"]),
            # The caseload's page of ids is read from this index alone (cases.selectors).
            models.Index(
                fields=["organisation", "assigned_worker", "risk_level", "intake_date", "id"],
                name="caseload_order",
            ),
            # The caseload's other pages of own cases: each risk level's newest intakes first,
            # read in index order up to the page asked for (cases.selectors.CaseloadIds).
            models.Index(
                fields=["organisation", "risk_level", "intake_date", "id"],
                include=["assigned_worker"],
                name="caseload_by_risk",
            ),
            # The API's list, oldest change first: the own organisation's part of a page read
            # in this order (api.pagination.FirstOfEachPart).
            models.Index(fields=["organisation", "updated_at", "id"], name="own_cases_by_change"),
            # Its other part, and `updated_since`: the cases shared with the organisation,
            # looked up by id for when each changed, from the index alone.
            models.Index(
                fields=["id"], include=["updated_at", "organisation"], name="case_change_by_id"
            ),
            # Every case in order of change, with its organisation: the cases changed since a
            # moment (`updated_since`), and the API list's other part up to the last row of
            # its own (api.pagination.FirstOfEachPart), read from the index alone.
            models.Index(
                fields=["updated_at", "id"], include=["organisation"], name="case_change_order"
            ),
            models.Index(fields=["origin_province", "phase"]),
            # The Team page: each worker's open cases, counted from the index alone. "My work":
            # a worker's open cases with their numbers, read from the index alone.
            models.Index(
                fields=["organisation", "assigned_worker"],
                include=["id", "case_number"],
                condition=~models.Q(phase="closed"),
                name="open_cases_by_worker",
            ),
            # The Team page: open cases nobody has seen lately, oldest contact first.
            models.Index(
                fields=["organisation", "last_contact_on", "intake_date"],
                condition=~models.Q(phase="closed"),
                name="team_no_contact",
            ),
            # The Team page: open cases nobody carries, oldest intake first.
            models.Index(
                fields=["organisation", "intake_date", "id"],
                condition=models.Q(assigned_worker__isnull=True) & ~models.Q(phase="closed"),
                name="cases_needing_worker",
            ),
            # "My work": a worker's survivors registered as minors, by date of birth (turning 18).
            models.Index(
                fields=["assigned_worker", "date_of_birth"],
                condition=models.Q(minor_at_intake=True),
                name="case_turning_18",
            ),
            # Each dashboard count by these is read from its index alone (COUNT(*)), the
            # intake date included so that a period keeps it so.
            models.Index(
                fields=["sex", "minor_at_intake", "intake_date"], name="dashboard_sex_age"
            ),
            models.Index(fields=["nationality", "intake_date"], name="dashboard_nationality"),
            models.Index(fields=["intake_date"], name="dashboard_intake"),
            models.Index(fields=["phase", "closure_reason", "closed_on"], name="dashboard_closed"),
        ]
        constraints = [
            # The caseload reads each risk level as a part of its own: none may be missed.
            models.CheckConstraint(
                condition=models.Q(risk_level__in=RiskLevel.values), name="risk_level_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(phase="closed") | ~models.Q(closure_reason=""),
                name="closed_case_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(movement="cross_border") | models.Q(destination_country=""),
                name="destination_only_when_cross_border",
            ),
            models.CheckConstraint(
                condition=~models.Q(nationality=CAMBODIA) | models.Q(origin_province__isnull=False),
                name="cambodian_has_origin",
            ),
            models.CheckConstraint(
                condition=models.Q(origin_province__isnull=False)
                | models.Q(origin_commune__isnull=True, origin_village__isnull=True),
                name="no_origin_place_without_province",
            ),
        ]

    def __str__(self) -> str:
        return self.case_number

    @property
    def adult_on(self) -> dt.date:
        """The survivor's 18th birthday (1 March for someone born on 29 February)."""
        return adult_on(self.date_of_birth)

    def needs_own_consent(self, today: dt.date) -> bool:
        """Registered as a minor and now 18: new sharing needs the survivor's own consent."""
        return self.minor_at_intake and self.adult_on <= today

    def get_languages_display(self) -> str:
        labels = dict(Language.choices)
        return ", ".join(str(labels.get(code, code)) for code in self.languages or ())


class CaseExploitation(ValidatedModel, models.Model):
    """One form of exploitation a survivor suffered: where (a country, and the province when
    it was in Cambodia) and when, as far as known. A case has each form at most once."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="exploitations")
    form = models.CharField(
        _("form of exploitation"), max_length=32, choices=ExploitationForm.choices
    )
    country = CountryField(_("country where exploited"), countries=HomecomingCountries, blank=True)
    province = models.ForeignKey(
        Province,
        verbose_name=_("province where exploited"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_on = models.DateField(_("exploited from"), null=True, blank=True)
    ended_on = models.DateField(_("exploited until"), null=True, blank=True)

    class Meta:
        verbose_name = _("form of exploitation")
        verbose_name_plural = _("forms of exploitation")
        ordering = ["id"]
        indexes = [
            # Dashboards count cases by form (a case under each of its forms) from this index.
            models.Index(fields=["form", "case"], name="dashboard_exploitation"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case", "form"], name="one_row_per_form_of_a_case"),
            models.CheckConstraint(
                condition=models.Q(province__isnull=True) | models.Q(country=CAMBODIA),
                name="exploitation_province_only_in_cambodia",
            ),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=True)
                | models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="exploitation_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_form_display()}"

    @property
    def htcds_term(self) -> str:
        return HTCDS_TERMS.get(self.form, "")


class CaseNumberSequence(ValidatedModel, models.Model):
    """The last case number an organisation issued in a year; incremented under a row lock."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="one_sequence_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last_value}"


class HivStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown / not tested")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    NOT_DISCLOSED = "not_disclosed", _("Not disclosed")


class CaseSensitiveFacts(ValidatedModel, models.Model):
    """Health and legal facts, kept apart from the case so that access to them (and, later,
    their encryption) is decided in one place."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="sensitive_facts")
    hiv_status = EncryptedTextField(
        _("HIV status"), choices=HivStatus.choices, default=HivStatus.UNKNOWN
    )
    health_notes = EncryptedTextField(_("health notes"), blank=True)
    legal_details = EncryptedTextField(_("legal case details"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sensitive facts")
        verbose_name_plural = _("sensitive facts")

    def __str__(self) -> str:
        return f"{self.case} · sensitive"


class ConsentGiver(models.TextChoices):
    SURVIVOR = "survivor", _("The survivor")
    GUARDIAN = "guardian", _("A parent or guardian")


class ConsentPurpose(models.TextChoices):
    SERVICES = "services", _("Receiving services from this organisation")
    SHARING = "sharing", _("Sharing with another organisation")
    STATISTICS = "statistics", _("Anonymous statistics")


class Consent(ValidatedModel, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGiver.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=150, blank=True)
    guardian_relationship = models.CharField(
        _("guardian's relationship to the child"), max_length=80, blank=True
    )
    child_assent = models.BooleanField(
        _("the child assented"),
        null=True,
        blank=True,
        help_text=_("For a minor: whether the child agreed as well."),
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=ConsentPurpose.choices)
    shared_with_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("shared with organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    shared_with_kind = models.CharField(
        _("shared with any organisation of kind"),
        max_length=32,
        choices=OrganisationKind.choices,
        blank=True,
    )
    covers_identity = models.BooleanField(_("identity"), default=False)
    covers_case_facts = models.BooleanField(_("case facts"), default=False)
    covers_health = models.BooleanField(_("health facts"), default=False)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consent")
        ordering = ["-given_on", "-id"]
        indexes = [
            # "My work": consents expiring soon, found by date rather than case by case.
            models.Index(
                fields=["expires_on"],
                condition=models.Q(withdrawn_on__isnull=True, expires_on__isnull=False),
                name="consent_expiring",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_purpose_display()} · {self.given_on}"


class SessionKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    FAMILY = "family", _("Family")
    GROUP = "group", _("Group")
    PEER = "peer", _("Peer")


class SessionSetting(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE = "phone", _("Phone")
    OFFICE = "office", _("Office")


class SessionPhase(models.TextChoices):
    BEFORE = "before_reintegration", _("Before reintegration")
    AFTER = "after_reintegration", _("After reintegration")


class CounsellingSession(ValidatedModel, models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="counselling_sessions")
    session_date = models.DateField(_("date"))
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="counselling_sessions",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    setting = models.CharField(_("setting"), max_length=16, choices=SessionSetting.choices)
    phase = models.CharField(_("phase"), max_length=24, choices=SessionPhase.choices)
    topics = models.CharField(_("topics"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    confidential_notes = EncryptedTextField(_("confidential notes"), blank=True)
    next_session_date = models.DateField(_("next session"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("counselling session")
        ordering = ["-session_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0, duration_minutes__lte=600),
                name="session_duration_sensible",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.session_date}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Case registered")
    UPDATED = "updated", _("Case updated")
    PHASE_CHANGED = "phase_changed", _("Phase changed")
    ASSIGNED = "assigned", _("Case assigned")
    CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    SESSION_LOGGED = "session_logged", _("Counselling session logged")
    ACCESS_GRANTED = "access_granted", _("Shared with an organisation")
    ACCESS_REVOKED = "access_revoked", _("Sharing ended")
    REFERRAL = "referral", _("Referral")
    FOLLOW_UP = "follow_up", _("Community follow-up")
    PLAN = "plan", _("Reintegration plan")


class CaseEvent(ValidatedModel, models.Model):
    """The case timeline: what happened, who did it and when. Written only by services."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_phase = models.CharField(max_length=32, choices=Phase.choices, blank=True)
    to_phase = models.CharField(max_length=32, choices=Phase.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The other organisation an access event concerns.",
    )
    note = models.TextField(blank=True, help_text="What a person typed, shown as typed.")
    message = models.CharField(
        max_length=64, blank=True, help_text="What the system says: a key of cases.timeline."
    )
    message_args = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("timeline event")
        indexes = [
            # "My work": the week's new assignments, found by date rather than case by case.
            models.Index(
                fields=["occurred_at"],
                condition=models.Q(kind="assigned"),
                name="event_assigned_recently",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"

    @property
    def words(self) -> str:
        """The system's message in the reader's language, without what a person typed."""
        from .timeline import worded

        return worded(self.message, self.message_args) if self.message else ""

    @property
    def text(self) -> str:
        """The event's words in the reader's language: the system's message, worded now, and
        whatever a person typed."""
        from .timeline import worded

        parts = [worded(self.message, self.message_args) if self.message else "", self.note]
        return " · ".join(part for part in parts if part)
