"""What every reader is shown of a case, on every surface, against the one declaration.

For each role × sharing, the case page (with its timeline and the follow-up history), the API
case detail and its sub-resources (consents, counselling sessions, referrals, visits), and the
caseload export rows are searched for a canary value planted in each field: a canary is shown
exactly where cases.visibility puts its field in a category the reader sees."""

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases import exports, selectors, visibility
from cases.models import Consent
from cases.permissions import visible_case_categories
from cases.services import counselling_session_log
from cases.visibility import CASE_FACTS, HEALTH, IDENTITY, field_category
from followup.services import visit_add, visit_record
from organisations.models import OrganisationKind, Role
from referrals.services import referral_accept
from tests.cases.factories import CaseFactory
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.referrals.helpers import give_consent, send, share

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate

# (model, field): the canary planted in it, as the page and the API show it.
CANARIES = {
    ("cases.Case", "name_latin"): ("CanaryLatinName", "CanaryLatinName"),
    ("cases.Case", "name_khmer"): ("កាណារីខ្មែរ", "កាណារីខ្មែរ"),
    ("cases.Case", "family_contact"): ("CanaryFamilyContact", "CanaryFamilyContact"),
    ("cases.Case", "nationality"): ("Kenya", '"KE"'),
    ("cases.Case", "languages"): ("Swahili", '"sw"'),
    ("cases.CaseExploitation", "form"): ("Forced marriage", "forced_marriage"),
    ("cases.CaseSensitiveFacts", "health_notes"): ("CanaryHealthNotes", "CanaryHealthNotes"),
    ("cases.CaseSensitiveFacts", "legal_details"): ("CanaryLegalDetails", "CanaryLegalDetails"),
    ("cases.CounsellingSession", "topics"): ("CanarySessionTopics", "CanarySessionTopics"),
    ("cases.CounsellingSession", "confidential_notes"): (
        "CanarySessionNotes",
        "CanarySessionNotes",
    ),
    ("followup.FollowUpVisit", "risk_signs"): ("CanaryRiskSigns", "CanaryRiskSigns"),
    ("followup.FollowUpVisit", "monthly_income_riel"): (None, "987654"),
}
# The HIV-care NGO the case was referred to: naming it is health data (timeline, consents,
# referrals).
HIV_NGO = "Canary HIV Care"
HIV_SLUG = "canary-hiv"

ROLES = [
    "assigned worker",
    "unassigned worker, assigned-only organisation",
    "unassigned worker, whole organisation",
    "supervisor",
    "administrator",
    "receiving NGO worker",
    "receiving ministry officer",
]
SHARINGS = {
    "none": None,
    "identity only": {IDENTITY},
    "case facts only": {CASE_FACTS},
    "identity and case facts": {IDENTITY, CASE_FACTS},
    "with health": {IDENTITY, CASE_FACTS, HEALTH},
    "expired consent": "expired",
    "ended grace period": "ended",
}


def expected_categories(role: str, sharing) -> set[str] | None:
    """What the rules promise; None where the case is not to be found at all."""
    own = {
        "assigned worker": {IDENTITY, CASE_FACTS, HEALTH},
        "unassigned worker, assigned-only organisation": None,
        "unassigned worker, whole organisation": {IDENTITY, CASE_FACTS},
        "supervisor": {IDENTITY, CASE_FACTS, HEALTH},
        "administrator": {IDENTITY, CASE_FACTS, HEALTH},
    }
    if role in own:
        return own[role]
    return sharing if isinstance(sharing, set) else None


@pytest.fixture
def world(ngo, owner):
    """A survivor's case with a canary in each field, a counselling session, a recorded visit,
    and a referral to an HIV-care NGO holding a consent that covers health."""
    case = CaseFactory(
        actor=owner,
        name_latin="CanaryLatinName",
        name_khmer="កាណារីខ្មែរ",
        family_contact="CanaryFamilyContact",
        exploitation_form="forced_marriage",
        nationality="KE",
        languages=["sw"],
        hiv_status="positive",
        health_notes="CanaryHealthNotes",
        legal_details="CanaryLegalDetails",
    )
    counselling_session_log(
        actor=owner,
        case=case,
        session_date=TODAY() - dt.timedelta(days=2),
        kind="individual",
        setting="shelter",
        duration_minutes=45,
        topics="CanarySessionTopics",
        confidential_notes="CanarySessionNotes",
    )
    visit = visit_add(actor=owner, case=case, scheduled_for=TODAY())
    visit_record(
        actor=owner,
        visit=visit,
        visited_on=TODAY(),
        risk_signs="CanaryRiskSigns",
        monthly_income_riel=987654,
        health=2,
    )
    hiv_ngo = OrganisationFactory(name=HIV_NGO, short_name="CHC", slug=HIV_SLUG)
    give_consent(case, owner, organisation=hiv_ngo, health=True)
    carer = UserFactory(organisation=hiv_ngo, role=Role.SOCIAL_WORKER)
    referral_accept(
        actor=carer, referral=send(case, owner, hiv_ngo, service="hiv_care", shares_health=True)
    )
    return case


def reader(role: str, ngo, case, sharing):
    if role == "assigned worker":
        return case.assigned_worker
    if role.startswith("unassigned worker"):
        ngo.workers_see_assigned_only = role.endswith("assigned-only organisation")
        ngo.save()
        return UserFactory(organisation=ngo, role=Role.SOCIAL_WORKER)
    if role in ("supervisor", "administrator"):
        return UserFactory(
            organisation=ngo, role=Role.SUPERVISOR if role == "supervisor" else Role.ORG_ADMIN
        )
    if role == "receiving NGO worker":
        organisation = OrganisationFactory(name="Receiving NGO")
        user = UserFactory(organisation=organisation, role=Role.SOCIAL_WORKER)
    else:
        organisation = OrganisationFactory(
            name="Receiving Ministry", kind=OrganisationKind.MINISTRY
        )
        user = UserFactory(organisation=organisation, role=Role.MINISTRY_OFFICER)
    _share(case, organisation, sharing)
    return user


def _share(case, organisation, sharing) -> None:
    if sharing is None:
        return
    if isinstance(sharing, set):
        share(
            case,
            organisation,
            identity=IDENTITY in sharing,
            case_facts=CASE_FACTS in sharing,
            health=HEALTH in sharing,
        )
    elif sharing == "expired":
        # All three shared, under a consent whose last day was yesterday; no job has run.
        consent = give_consent(case, case.assigned_worker, organisation=organisation, health=True)
        share(case, organisation, health=True, consent=consent)
        Consent.objects.filter(pk=consent.pk).update(
            given_on=TODAY() - dt.timedelta(days=30), expires_on=TODAY() - dt.timedelta(days=1)
        )
    else:
        # All three shared, completed, the grace period ending today; no job has run.
        share(case, organisation, health=True, status="completed", access_ends_on=TODAY())


def pages(user, case, client) -> tuple[int, str]:
    client.force_login(user)
    detail = client.get(reverse("cases:detail", args=[case.pk]))
    history = client.get(reverse("followup:history", args=[case.pk]))
    assert detail.status_code == history.status_code
    return detail.status_code, detail.content.decode() + history.content.decode()


def api_text(user, case) -> tuple[int, str]:
    api = APIClient()
    api.force_login(user)
    detail = api.get(f"/api/v1/cases/{case.pk}/")
    bodies = [detail.json()]
    for resource in ("consents", "counselling-sessions", "referrals", "visits"):
        response = api.get(f"/api/v1/{resource}/", {"case": case.pk})
        assert response.status_code == 200, resource
        bodies.append(response.json()["results"])
    return detail.status_code, json.dumps(bodies, ensure_ascii=False)


def export_row(user, case) -> list | None:
    rows = list(exports._rows(selectors.caseload_for(user)))
    header, rows = rows[0], rows[1:]
    return next(
        (dict(zip(header, row, strict=True)) for row in rows if row[0] == case.case_number), None
    )


@pytest.mark.parametrize("sharing", list(SHARINGS))
@pytest.mark.parametrize("role", ROLES)
def test_every_surface_shows_exactly_what_the_declaration_allows(client, ngo, world, role, sharing):
    case = world
    user = reader(role, ngo, case, SHARINGS[sharing])
    expected = expected_categories(role, SHARINGS[sharing])
    assert (visible_case_categories(user, case) or None) == expected

    status, html = pages(user, case, client)
    api_status, api = api_text(user, case)
    row = export_row(user, case)
    if expected is None:
        assert status == 404 and api_status == 404 and row is None
        assert all(canary not in api for _page, canary in CANARIES.values())
        return
    assert status == 200 and api_status == 200 and row is not None

    for (model, field), (on_page, in_api) in CANARIES.items():
        shown = field_category(model, field) in expected
        if on_page is not None:
            assert (on_page in html) == shown, (model, field, "page")
        assert (in_api in api) == shown, (model, field, "api")
    # The HIV-care referral: timeline line, consent and referral rows are health data.
    assert (HIV_NGO in html) == (HEALTH in expected), "page names the HIV-care NGO"
    assert (HIV_SLUG in api) == (HEALTH in expected), "api names the HIV-care NGO"
    assert ("hiv care" in html.lower()) == (HEALTH in expected)
    # The export: identity and case facts cells through the same declaration.
    assert (row["Name (Latin script)"] == "CanaryLatinName") == (IDENTITY in expected)
    assert (row["Date of birth"] is not None) == (IDENTITY in expected)
    assert (row["Minor at intake"] != "") == (IDENTITY in expected)
    assert (row["Phase"] != "") == (CASE_FACTS in expected)
    assert (row["Risk"] != "") == (CASE_FACTS in expected)


@pytest.mark.parametrize("label", sorted(visibility.FIELDS))
def test_every_field_of_a_survivor_data_model_is_declared(label):
    """A new field is hidden from everyone until it is given a category here: this test
    names it, so the decision is made when the field is added."""
    from django.apps import apps

    model = apps.get_model(label)
    fields = {
        field.name for field in model._meta.get_fields() if field.concrete or field.many_to_many
    }
    undeclared = {name for name in fields if visibility.field_category(label, name) is None}
    assert undeclared == set(), f"Declare the category of {sorted(undeclared)} in cases.visibility"


def test_an_undeclared_field_is_hidden_on_pages_and_in_the_api(case, owner):
    from api.serializers.cases import CaseSerializer

    shown = visibility.shown(case, {IDENTITY, CASE_FACTS, HEALTH})
    assert shown.name_latin == "Sok Sreyneang"
    assert shown.some_field_added_next_year is None
    declared = visibility.FIELDS["cases.Case"][IDENTITY]
    try:
        visibility.FIELDS["cases.Case"][IDENTITY] = tuple(n for n in declared if n != "name_khmer")
        assert visibility.shown(case, {IDENTITY}).name_khmer is None
        data = CaseSerializer(case, context={"categories": {case.pk: {IDENTITY, CASE_FACTS}}}).data
        assert data["identity"]["name_latin"] == "Sok Sreyneang"
        assert data["identity"]["name_khmer"] is None
    finally:
        visibility.FIELDS["cases.Case"][IDENTITY] = declared
