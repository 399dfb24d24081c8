"""Which kind of survivor data each field is, declared once; what a reader is shown follows.

Every field of a model that holds survivor data belongs to one category:

- "bookkeeping": that the record exists and who holds it (number, organisation, dates of the
  record itself), shown to whoever may open the case;
- "identity": who the survivor is (names, sex, date of birth, minor status, commune and
  village of origin, family contact; nationality, languages and the need of an interpreter,
  which in a shelter of Cambodians single out the one foreign national);
- "case_facts": what happened and where the case stands (phase, risk, province of origin,
  trafficking facts, follow-up records);
- "health": HIV status, health and legal notes, and counselling, wholly.

A whole record can be health data too: a counselling session, a consent covering health facts,
a referral for a health service (and the consent and timeline lines naming the organisation it
went to). `visible_case_categories` (cases.permissions) says which categories a reader sees of
a case; `shown` wraps a record so that a field outside them reads as None. A field missing from
the declaration is hidden from everyone: a new field is shown only once it is declared here.
"""

import datetime as dt
from collections.abc import Collection, Iterable

from django.db.models import Model, QuerySet

BOOKKEEPING, IDENTITY, CASE_FACTS, HEALTH = "bookkeeping", "identity", "case_facts", "health"
CATEGORIES = (IDENTITY, CASE_FACTS, HEALTH)

# Referrals for these services say something about the survivor's health: which of them a
# survivor was referred to, and to whom, is health data.
HEALTH_SERVICES = frozenset({"medical_care", "hiv_care", "psychosocial"})

FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "cases.Case": {
        BOOKKEEPING: (
            "id", "case_number", "organisation", "assigned_worker", "anonymised_on",
            "created_by", "created_at", "updated_at",
        ),
        IDENTITY: (
            "name_latin", "name_khmer", "sex", "date_of_birth", "date_of_birth_estimated",
            "minor_at_intake", "origin_commune", "origin_village", "family_contact",
            "nationality", "languages", "interpreter_needed",
        ),
        CASE_FACTS: (
            "phase", "closure_reason", "closed_on", "origin_province", "exploitations",
            # Deprecated in the API: the first of the forms of exploitation.
            "exploitation_form",
            "movement", "destination_country", "how_identified", "intake_date", "risk_level",
            # Caseload columns (annotations): when the survivor was last and will next be seen.
            "next_visit_on", "last_visit_on", "last_contact_on",
        ),
        HEALTH: ("sensitive_facts", "last_session_on"),
    },
    # What was done to the survivor, where and when: trafficking facts.
    "cases.CaseExploitation": {
        BOOKKEEPING: ("id", "case"),
        CASE_FACTS: ("form", "htcds_term", "country", "province", "started_on", "ended_on"),
    },
    "cases.CaseSensitiveFacts": {
        BOOKKEEPING: ("id", "case"),
        HEALTH: ("hiv_status", "health_notes", "legal_details", "updated_at"),
    },
    "cases.Consent": {
        BOOKKEEPING: (
            "id", "case", "purpose", "shared_with_organisation", "shared_with_kind",
            "covers_identity", "covers_case_facts", "covers_health", "given_on", "expires_on",
            "withdrawn_on", "recorded_by", "created_at", "updated_at",
        ),
        # Who consented tells whether the survivor is a child.
        IDENTITY: ("given_by", "guardian_name", "guardian_relationship", "child_assent"),
        # Why the survivor withdrew: what a person typed about the case.
        CASE_FACTS: ("withdrawal_reason",),
    },
    "cases.CounsellingSession": {
        HEALTH: (
            "id", "case", "session_date", "counsellor", "kind", "setting", "phase", "topics",
            "duration_minutes", "confidential_notes", "next_session_date", "created_at",
            "updated_at",
        ),
    },
    "cases.CaseEvent": {
        BOOKKEEPING: ("id", "case", "kind", "actor", "organisation", "occurred_at", "message",
                      "message_args", "words"),
        CASE_FACTS: ("from_phase", "to_phase", "note"),
    },
    "referrals.Referral": {
        BOOKKEEPING: (
            "id", "case", "from_organisation", "to_organisation", "service", "urgency",
            "shares_identity", "shares_case_facts", "shares_health", "consent", "status",
            "sent_by", "sent_at", "answered_at", "answer_days", "answered_by", "completed_at",
            "access_ends_on", "access_revoked_at", "consent_revoked_at", "override_reason",
            "overridden_by", "created_at", "updated_at", "categories", "category_labels",
            "is_overridden", "waiting_days",
            # The consent's dates, which are bookkeeping on the consent (referrals.triggers).
            "consent_expires_on", "consent_withdrawn_on",
            # The case's holder and worker, bookkeeping on the case (referrals.triggers).
            "case_organisation_id", "case_assigned_worker_id",
            # Written for the receiver, who must read them to give the service.
            "reason", "decline_reason", "outcome",
        ),
        # The case's risk level and intake date, case facts on the case: read only to sort
        # the caseload of a receiver that sees them (cases.selectors.caseload_ids).
        CASE_FACTS: ("case_risk_level", "case_intake_date"),
    },
    # A transfer names the case, the two organisations and why: written for the receiver,
    # who reads it before accepting (as a referral's reason).
    "transfers.Transfer": {
        BOOKKEEPING: (
            "id", "case", "from_organisation", "to_organisation", "consent", "reason", "status",
            "requested_by", "requested_at", "answered_by", "answered_at", "decline_reason",
            "sender_access_ends_on", "sender_access_revoked_at",
        ),
        # The case's identity and case facts as handed over (cases.snapshots): read only as
        # the case the sender sees (cases.visibility.as_seen), never shown as a field.
        IDENTITY: ("sender_snapshot",),
    },
    # Legal proceedings are legal detail, health wholly: even that a survivor has a hearing
    # or a safe house is shared only where a referral's consent covers health facts.
    "legal.LegalProceeding": {
        HEALTH: (
            "id", "case", "kind", "court", "file_number", "lawyer", "charges", "survivor_role",
            "status", "created_by", "created_at", "updated_at",
            # What is recorded under it, shown with it (the API nests them).
            "hearings", "protection_measures", "compensations",
        ),
    },
    "legal.Hearing": {
        HEALTH: (
            "id", "proceeding", "date", "time", "court", "purpose", "accompanied_by",
            "transport", "testimony_arrangement", "attendance", "outcome", "scheduled_by",
            "recorded_at", "cancelled_at", "is_open", "updated_at",
        ),
    },
    "legal.ProtectionMeasure": {
        HEALTH: ("id", "proceeding", "kind", "starts_on", "ends_on", "notes", "recorded_by"),
    },
    "legal.Compensation": {
        HEALTH: (
            "id", "proceeding", "ordered_riel", "ordered_on", "paid_riel", "paid_on",
            "recorded_by",
        ),
    },
    # A cross-border return is protection, restricted like legal detail: where and when a
    # survivor crosses and who receives them is shared only where a referral's consent covers
    # health facts (returns/permissions.py).
    "returns.CrossBorderReturn": {
        HEALTH: (
            "id", "case", "direction", "country", "identified_on", "receiving_agency",
            "document_authority", "family_assessment", "route", "route_other", "travelled_on",
            "received_by", "handover_place", "created_by", "created_at", "updated_at",
            # Derived: from the steps done.
            "document_status", "steps",
        ),
    },
    "returns.ReturnStep": {
        HEALTH: ("id", "cross_border_return", "step", "done_on", "done_by", "note", "recorded_at"),
    },
    # A referral a Primero user sent: read only by the organisation it is addressed to, which
    # needs its notes to give the service; what Primero shared of the survivor is identity.
    "primero.InboundReferral": {
        BOOKKEEPING: (
            "id", "connection", "primero_case_id", "primero_referral_id", "short_id", "sent_by",
            "service", "notes", "status", "decline_reason", "case", "received_at",
            "answered_at", "answered_by",
        ),
        IDENTITY: ("shared",),
    },
    "followup.FollowUpVisit": {
        BOOKKEEPING: (
            "id", "case", "scheduled_for", "assigned_worker", "status", "plan_month",
            "created_at", "updated_at",
        ),
        CASE_FACTS: (
            "moved_reason", "cancel_reason", "visited_on", "place", "met_survivor", "met_family",
            "met_village_chief", "met_monk", "met_teacher", "met_commune_council", "met_vdc",
            "safety", "family_acceptance", "community_acceptance", "school_or_work",
            "monthly_income_riel", "debts_riel", "risk_signs", "retrafficking_risk",
            "resources", "notes", "next_visit_on",
        ),
        # The wellbeing score is the mean of ratings that include health.
        HEALTH: ("health", "wellbeing"),
    },
    # The reintegration plan belongs to the organisation that owns the case (plans.selectors):
    # what it records is case facts; its health domain (scores, goals and the services towards
    # them) is withheld per row from those who do not see health (plans.permissions). The
    # scores of an assessment and the goals of a plan are the rows the API nests in them.
    "plans.NeedsAssessment": {
        BOOKKEEPING: ("id", "case", "assessed_by", "created_at", "updated_at"),
        CASE_FACTS: ("assessed_on", "occasion", "scores"),
    },
    "plans.FamilyAssessment": {
        BOOKKEEPING: ("id", "case", "recorded_by", "created_at", "updated_at"),
        CASE_FACTS: (
            "visited_on", "people_met", "family_attitude", "community_attitude",
            "family_member_involved", "risks", "recommendation", "alternative_option", "reason",
        ),
    },
    "plans.CommunityPreparation": {
        BOOKKEEPING: ("id", "case", "recorded_by", "created_at", "updated_at"),
        CASE_FACTS: ("resource", "met_on", "agreed_to"),
    },
    "plans.Plan": {
        BOOKKEEPING: (
            "id", "case", "version", "status", "review_date", "created_by", "submitted_by",
            "submitted_at", "created_at", "updated_at",
        ),
        CASE_FACTS: ("goals",),
    },
    "plans.ServiceDelivery": {
        BOOKKEEPING: ("id", "case", "action", "recorded_by", "created_at", "updated_at"),
        CASE_FACTS: ("delivered_on", "provider", "note"),
    },
    "plans.LivelihoodFact": {
        BOOKKEEPING: ("id", "case", "goal", "recorded_by", "created_at", "updated_at"),
        CASE_FACTS: (
            "kind", "course", "provider", "started_on", "ended_on", "completed", "employer_kind",
            "monthly_income_riel", "support_kind", "amount_riel",
        ),
    },
    "plans.Approval": {
        BOOKKEEPING: (
            "id", "case", "kind", "plan", "status", "requested_by", "requested_at", "decided_by",
            "decided_at", "updated_at",
        ),
        CASE_FACTS: ("closure_reason", "note", "comment"),
    },
}  # fmt: skip


def _label(model: type[Model] | Model | str) -> str:
    if isinstance(model, str):
        return model
    return model._meta.label


def field_category(model: type[Model] | Model | str, name: str) -> str | None:
    """The category of a field (or derived value) of a model; None if it is not declared."""
    for category, names in FIELDS.get(_label(model), {}).items():
        if name in names:
            return category
    return None


def visible_fields(model: type[Model] | Model | str, categories: Iterable[str]) -> set[str]:
    """Fields of the model a reader who sees `categories` of the case is shown."""
    seen = {BOOKKEEPING, *categories}
    return {
        name
        for category, names in FIELDS.get(_label(model), {}).items()
        if category in seen
        for name in names
    }


def _field_of(name: str) -> str:
    if name == "pk":
        return "id"
    if name.startswith("get_") and name.endswith("_display"):
        return name[4 : -len("_display")]
    if name.endswith("_id"):
        return name[: -len("_id")]
    return name


class Reading(frozenset):
    """The categories a reader sees of a case, read as the case stood at a moment: what an
    organisation that transferred a case away keeps during its grace period
    (transfers.selectors). `as_of` is the moment (the transfer's acceptance); `snapshot` the
    case's own identity and case facts then (cases.snapshots). A plain set of categories is a
    reading of the case as it is now."""

    as_of: dt.datetime | None
    snapshot: dict | None

    def __new__(
        cls, categories: Iterable[str], *, as_of: dt.datetime | None, snapshot: dict | None
    ):
        reading = super().__new__(cls, categories)
        reading.as_of, reading.snapshot = as_of, snapshot
        return reading


def read_as_of(categories: Iterable[str]) -> dt.datetime | None:
    """The moment the reader reads the case as of; None for the case as it is now."""
    return getattr(categories, "as_of", None)


# The timestamps of a case's records: a record is part of the case as it stood at a moment
# only if it was written, and last changed, by then. A record changed since is not shown
# at all: nothing says what it held before.
WRITTEN_AT = ("created_at", "updated_at", "occurred_at", "uploaded_at", "recorded_at")


def written_by(queryset: QuerySet, categories: Iterable[str]) -> QuerySet:
    """The records of a case's `queryset` that the reader sees: for a reading as of a moment
    (`Reading`), only those written and last changed by then; all of them otherwise."""
    as_of = read_as_of(categories)
    if as_of is None:
        return queryset
    names = {field.name for field in queryset.model._meta.concrete_fields}
    return queryset.filter(**{f"{name}__lte": as_of for name in WRITTEN_AT if name in names})


def as_seen(instance: Model, categories: Iterable[str]) -> Model:
    """The case as the reader reads it: as it stood at the moment of a `Reading`, the case
    itself otherwise. Any other record is returned as it is."""
    snapshot = getattr(categories, "snapshot", None)
    if snapshot is None or _label(instance) != "cases.Case":
        return instance
    from .snapshots import case_as_it_was

    return case_as_it_was(instance, snapshot, as_of=read_as_of(categories))


class Shown:
    """A record as a reader may see it: declared fields of the categories they see read as
    on the record (the case as it stood then, for a reading as of a moment), every other
    field as None. For templates and exports."""

    def __init__(self, instance: Model, categories: Iterable[str]):
        instance = as_seen(instance, categories)
        self.__dict__["instance"] = instance
        self.__dict__["categories"] = frozenset(categories)
        self.__dict__["fields"] = visible_fields(instance, self.categories)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        if _field_of(name) not in self.fields:
            return None
        return getattr(self.instance, name)

    def __setattr__(self, name, value):
        raise AttributeError("A shown record is read-only.")

    def shows(self, name: str) -> bool:
        return _field_of(name) in self.fields

    def __str__(self) -> str:
        return str(self.instance) if self.shows("id") else ""


def shown(instance: Model, categories: Iterable[str]) -> Shown:
    return Shown(instance, categories)


def blank_hidden(data: dict, model: type[Model] | str, categories: Iterable[str]) -> dict:
    """A serialized record with every field the reader may not see set to None."""
    fields = visible_fields(model, categories)
    return {name: (value if name in fields else None) for name, value in data.items()}


# Whole records: the category a record as a whole belongs to. A reader who does not see it
# is not shown the record at all.


def referral_category(referral) -> str:
    return HEALTH if referral.service in HEALTH_SERVICES else BOOKKEEPING


# A consent that covers health facts tells of the survivor's health as the consent itself
# does (cases.selectors `consents_for_case`).
HEALTH_MESSAGES = frozenset({"session", "case.sensitive_facts_changed", "consent.health"})
# Legal detail is restricted like health facts, and that a survivor has a court case, a
# hearing or a protection measure is itself legal detail: every such line is read as health.
# So is that a survivor is being returned across a border, and how far it has gone
# (returns/permissions.py).
HEALTH_MESSAGE_PREFIXES = ("legal.", "return.")
CASE_FACTS_EVENTS = frozenset({"phase_changed", "follow_up"})


def event_category(event, health_organisation_ids: Collection[int]) -> str:
    """A timeline line about counselling, health facts, legal proceedings, or an organisation
    the case was referred to for a health service is health; a phase change or a follow-up
    visit is a case fact."""
    if event.kind == "session_logged" or event.message in HEALTH_MESSAGES:
        return HEALTH
    if event.message.startswith(HEALTH_MESSAGE_PREFIXES):
        return HEALTH
    if event.organisation_id is not None and event.organisation_id in health_organisation_ids:
        return HEALTH
    if event.kind in CASE_FACTS_EVENTS:
        return CASE_FACTS
    return BOOKKEEPING


def counselling_session_category(session) -> str:
    return HEALTH
