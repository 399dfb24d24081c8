"""The caseload home page, the supervisor's team page and the case actions around them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Consent, EventKind
from cases.services import Exploitation, consent_record
from followup.services import visit_record
from organisations.models import Role
from tests.cases.factories import CaseFactory, log_session
from tests.followup.factories import planned_visit
from tests.organisations.factories import UserFactory
from tests.referrals.helpers import share

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def listed(client, **params):
    if "q" in params:  # a search is posted, so that no name reaches a URL
        response = client.post(reverse("cases:list"), params, follow=True)
    else:
        response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    return [case.case_number for case in response.context["page"].object_list]


def test_my_cases_come_first_then_high_risk(client_for, owner, colleague, supervisor):
    theirs_high = CaseFactory(actor=colleague, risk_level="high")
    mine_low = CaseFactory(actor=owner, risk_level="low")
    mine_high = CaseFactory(actor=owner, risk_level="high")
    assert listed(client_for(owner)) == [
        mine_high.case_number,
        mine_low.case_number,
        theirs_high.case_number,
    ]


def test_search_by_number_or_name_in_either_script(client_for, owner):
    sokha = CaseFactory(actor=owner, name_latin="Heng Sokha", name_khmer="ហេង សុខា")
    other = CaseFactory(actor=owner, name_latin="Chan Dara", name_khmer="ចាន់ ដារ៉ា")
    client = client_for(owner)
    assert listed(client, q="sokha") == [sokha.case_number]
    assert listed(client, q="ដារ៉ា") == [other.case_number]
    assert listed(client, q=other.case_number) == [other.case_number]


def test_filters_by_phase_province_risk_and_age(client_for, owner):
    child = CaseFactory(
        actor=owner, risk_level="high", date_of_birth=TODAY() - dt.timedelta(days=365 * 14)
    )
    adult = CaseFactory(actor=owner, risk_level="low")
    client = client_for(owner)
    assert listed(client, age="minor") == [child.case_number]
    assert listed(client, age="adult") == [adult.case_number]
    assert listed(client, risk="low") == [adult.case_number]
    assert listed(client, phase="closed") == []
    province = adult.origin_province_id
    assert set(listed(client, province=province)) == {child.case_number, adult.case_number}


def test_htmx_filtering_returns_only_the_table(client_for, owner):
    CaseFactory(actor=owner)
    response = client_for(owner).post(reverse("cases:list"), {"q": "x"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"No cases to show." in response.content


def test_last_contact_and_next_follow_up_are_shown(client_for, owner):
    case = CaseFactory(actor=owner)
    log_session(actor=owner, case=case, session_date=TODAY() - dt.timedelta(days=4))
    row = client_for(owner).get(reverse("cases:list")).context["page"].object_list[0]
    assert row.last_contact_on == TODAY() - dt.timedelta(days=4)
    assert row.next_visit_on is None


def test_team_page_lists_cases_without_contact_for_30_days(client_for, owner, supervisor):
    quiet = CaseFactory(actor=owner, intake_date=TODAY() - dt.timedelta(days=60))
    seen = CaseFactory(actor=owner, intake_date=TODAY() - dt.timedelta(days=60))
    log_session(actor=owner, case=seen, session_date=TODAY() - dt.timedelta(days=3))
    response = client_for(supervisor).get(reverse("cases:team"))
    assert [c.case_number for c in response.context["no_contact"]] == [quiet.case_number]
    workers = {w.username: w.open_cases for w in response.context["workers"]}
    assert workers["owner"] == 2


def test_team_page_takes_the_later_of_session_and_visit_as_last_contact(
    client_for, owner, supervisor
):
    def days_ago(days):
        return TODAY() - dt.timedelta(days=days)

    def case_with(*, intake, session=None, visit=None):
        case = CaseFactory(actor=owner, intake_date=days_ago(intake))
        if session is not None:
            log_session(actor=owner, case=case, session_date=days_ago(session))
        if visit is not None:
            planned = planned_visit(case, on=days_ago(visit))
            visit_record(actor=owner, visit=planned, visited_on=days_ago(visit))
        return case

    old_session = case_with(intake=90, session=40)
    old_visit = case_with(intake=90, visit=50)
    old_both = case_with(intake=90, session=70, visit=35)
    never_seen = case_with(intake=45)
    case_with(intake=90, session=60, visit=5)  # seen at a visit lately
    case_with(intake=90, session=5, visit=60)  # seen at a session lately
    case_with(intake=10)  # new, not yet due a contact
    rows = client_for(supervisor).get(reverse("cases:team")).context["no_contact"]
    last = {c.case_number: c.last_contact_on for c in rows}
    assert last == {
        old_session.case_number: days_ago(40),
        old_visit.case_number: days_ago(50),
        old_both.case_number: days_ago(35),
        never_seen.case_number: None,
    }
    seen = [c.case_number for c in rows if c.last_contact_on is not None]
    assert seen == [old_visit.case_number, old_session.case_number, old_both.case_number]


@pytest.mark.parametrize("persona", ["owner", "officer"])
def test_team_page_is_for_supervisors_only(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("cases:team")).status_code == 404


def test_another_organisations_supervisor_sees_only_their_own_team(client_for, case, outsider):
    response = client_for(outsider).get(reverse("cases:team"))
    assert response.status_code == 200
    assert list(response.context["no_contact"]) == []
    assert [w.username for w in response.context["workers"]] == ["outsider"]


def test_supervisor_reassigns_a_case(client_for, case, supervisor, colleague):
    response = client_for(supervisor).post(
        reverse("cases:assign", args=[case.pk]),
        {"worker": colleague.pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    case.refresh_from_db()
    assert case.assigned_worker == colleague
    assert case.events.filter(kind=EventKind.ASSIGNED).exists()


def test_a_worker_cannot_reassign_and_nobody_assigns_to_another_organisation(
    client_for, case, owner, colleague, supervisor, outsider
):
    client_for(owner).post(reverse("cases:assign", args=[case.pk]), {"worker": colleague.pk})
    client_for(supervisor).post(reverse("cases:assign", args=[case.pk]), {"worker": outsider.pk})
    case.refresh_from_db()
    assert case.assigned_worker == owner


def test_record_and_withdraw_consent_from_the_case_page(client_for, case, owner, other_ngo):
    client = client_for(owner)
    response = client.post(
        reverse("cases:consent-create", args=[case.pk]),
        {
            "given_by": "survivor",
            "purpose": "sharing",
            "shared_with_organisation": other_ngo.pk,
            "covers_case_facts": "on",
            "given_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(case=case)
    url = reverse("cases:consent-withdraw", args=[case.pk, consent.pk])
    client.post(url, {"on": TODAY().isoformat()})  # no reason: asked again, nothing withdrawn
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    client.post(url, {"on": TODAY().isoformat(), "reason": "The survivor changed her mind."})
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY()


def test_consent_form_shows_what_is_missing(client_for, case, owner):
    response = client_for(owner).post(
        reverse("cases:consent-create", args=[case.pk]),
        {"given_by": "survivor", "purpose": "sharing", "given_on": TODAY().isoformat()},
    )
    errors = response.context["form"].errors
    assert "Tick at least one" in errors["covers_identity"][0]
    assert "Name either one organisation" in errors["shared_with_organisation"][0]


@pytest.mark.parametrize("persona", ["outsider", "officer"])
def test_outsiders_get_404_on_consent_and_assignment_urls(
    request, client_for, case, owner, persona
):
    consent = consent_record(
        actor=owner, case=case, given_by="survivor", purpose="services",
        given_on=TODAY(), covers_identity=True,
    )  # fmt: skip
    client = client_for(request.getfixturevalue(persona))
    urls = [
        ("get", reverse("cases:consent-create", args=[case.pk])),
        ("post", reverse("cases:consent-create", args=[case.pk])),
        ("post", reverse("cases:consent-withdraw", args=[case.pk, consent.pk])),
        ("post", reverse("cases:assign", args=[case.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    consent.refresh_from_db()
    assert consent.withdrawn_on is None


def test_place_pickers_offer_the_next_level(client_for, owner):
    response = client_for(owner).get(
        reverse("organisations:place-options"), {"level": "district", "origin_province": "23"}
    )
    assert response.status_code == 200
    assert b"Kaeb" in response.content
    assert response.content.count(b"<option") >= 2


def test_caseload_shows_a_shared_cases_identity_only_when_a_referral_shares_it(
    client_for, case, owner, other_ngo
):
    from tests.referrals.helpers import share

    receiver = UserFactory(organisation=other_ngo, role=Role.SOCIAL_WORKER)
    share(case, other_ngo, identity=False)
    page = client_for(receiver).get(reverse("cases:list")).content.decode()
    assert case.case_number in page and "Sok Sreyneang" not in page


def test_supervisor_exports_a_password_protected_caseload(client_for, owner, supervisor):
    import io

    import msoffcrypto
    from openpyxl import load_workbook

    CaseFactory(actor=owner, name_latin="Heng Sokha")
    client = client_for(supervisor)
    password = "a-shared-secret-2026"
    response = client.post(
        reverse("cases:export"), {"password": password, "password_again": password}
    )
    assert response["Content-Disposition"].startswith('attachment; filename="caseload-')
    content = response.content
    assert b"Heng Sokha" not in content and not content.startswith(b"PK")  # not a plain zip
    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
    rows = list(load_workbook(plain).active.values)
    assert rows[1][1] == "Heng Sokha"
    assert len(rows) == 2


def decrypted_rows(content: bytes, password: str) -> list:
    import io

    import msoffcrypto
    from openpyxl import load_workbook

    office = msoffcrypto.OfficeFile(io.BytesIO(content))
    office.load_key(password=password)
    plain = io.BytesIO()
    office.decrypt(plain)
    return list(load_workbook(plain).active.values)


def test_another_organisations_supervisor_exports_none_of_our_cases(client_for, case, outsider):
    password = "x" * 12
    response = client_for(outsider).post(
        reverse("cases:export"), {"password": password, "password_again": password}
    )
    rows = decrypted_rows(response.content, password)
    assert len(rows) == 1  # the header only
    assert case.case_number not in str(rows)


@pytest.mark.parametrize("persona", ["owner", "officer"])
def test_only_supervisors_export_and_short_passwords_are_refused(
    request, client_for, supervisor, persona
):
    assert (
        client_for(request.getfixturevalue(persona)).get(reverse("cases:export")).status_code == 404
    )
    short = client_for(supervisor).post(
        reverse("cases:export"), {"password": "short", "password_again": "short"}
    )
    assert "at least 12" in short.content.decode()


def test_pages_of_25_with_the_total_and_a_page_past_the_end_shows_the_last(client_for, owner):
    for _ in range(27):
        CaseFactory(actor=owner)
    client = client_for(owner)
    first = client.get(reverse("cases:list"))
    assert first.context["page"].paginator.count == 27
    assert len(first.context["page"].object_list) == 25
    second = client.get(reverse("cases:list"), {"page": 2})
    assert len(second.context["page"].object_list) == 2
    beyond = client.get(reverse("cases:list"), {"page": 99})
    assert beyond.context["page"].number == 2
    assert [c.pk for c in beyond.context["page"].object_list] == [
        c.pk for c in second.context["page"].object_list
    ]
    assert beyond.context["page"].paginator.count == 27
    # Not a number: the first page; below 1 or past the end: the last (Django's Paginator).
    pages = {1: first.context["page"], 2: second.context["page"]}
    for odd, number in (("abc", 1), ("1.5", 1), ("0", 2), ("-3", 2), ("９", 2)):
        page = client.get(reverse("cases:list"), {"page": odd}).context["page"]
        assert page.number == number, odd
        assert [c.pk for c in page.object_list] == [c.pk for c in pages[number].object_list]
    shown = [c.case_number for c in first.context["page"].object_list]
    shown += [c.case_number for c in second.context["page"].object_list]
    assert len(set(shown)) == 27


def test_a_case_nobody_is_assigned_to_shows_everywhere(client_for, supervisor):
    case = CaseFactory(actor=supervisor)  # a supervisor registers without assigning
    assert case.assigned_worker is None
    client = client_for(supervisor)
    for url in (reverse("cases:list"), reverse("cases:detail", args=[case.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "—" in response.content.decode()  # where the worker's name would be
    assert client.get(reverse("cases:team")).status_code == 200


@pytest.mark.parametrize("assigned_only", [False, True])
def test_the_caseload_is_exactly_what_the_person_may_see_with_shared_cases_merged_in_order(
    client_for, ngo, owner, colleague, outsider, officer, assigned_only
):
    """The page merges the own organisation's cases and the cases shared with it; together,
    filtered and ordered, they are the cases `case_list_visible_to` allows, each once."""
    from cases.selectors import case_list_visible_to
    from tests.referrals.helpers import share

    ngo.workers_see_assigned_only = assigned_only
    ngo.save()
    mine = CaseFactory(actor=owner, risk_level="low")
    colleagues = CaseFactory(actor=colleague, risk_level="high")
    theirs_high = CaseFactory(actor=outsider, risk_level="high")
    theirs_low = CaseFactory(actor=outsider, risk_level="low")
    CaseFactory(actor=outsider, risk_level="high")  # not shared
    for case in (theirs_high, theirs_low):
        share(case, ngo)

    client = client_for(owner)
    # Mine first; then high risk, newest first, whichever organisation holds the case.
    expected = [mine, theirs_high, *([] if assigned_only else [colleagues]), theirs_low]
    assert listed(client) == [case.case_number for case in expected]
    assert set(listed(client)) == {c.case_number for c in case_list_visible_to(owner)}
    # A filter narrows both parts; the total counts both.
    assert listed(client, risk="high") == [
        c.case_number for c in expected if c.risk_level == "high"
    ]
    page = client.get(reverse("cases:list"), {"risk": "low"}).context["page"]
    assert page.paginator.count == 2
    # An invalid value is shown by its field and ignored; the valid ones still apply.
    response = client.get(reverse("cases:list"), {"risk": "low", "phase": "nonsense"})
    assert "phase" in response.context["filter"].form.errors
    assert response.context["page"].paginator.count == 2

    # A ministry officer has no caseload of their own: only what was shared with the ministry.
    share(theirs_low, officer.membership.organisation)
    assert listed(client_for(officer)) == [theirs_low.case_number]


def test_filters_by_nationality_and_form_of_exploitation(client_for, owner):
    siti = CaseFactory(
        actor=owner,
        name_latin="Siti Rahayu",
        name_khmer="",
        nationality="ID",
        exploitations=[Exploitation("forced_criminality"), Exploitation("sexual_exploitation")],
    )
    sokha = CaseFactory(actor=owner)
    client = client_for(owner)
    assert listed(client, nationality="foreign") == [siti.case_number]
    assert listed(client, nationality="cambodian") == [sokha.case_number]
    assert listed(client, form="sexual_exploitation") == [siti.case_number]
    assert listed(client, form="forced_labour") == [sokha.case_number]


def test_nationality_matches_only_cases_that_show_the_identity(client_for, owner, other_ngo):
    siti = CaseFactory(actor=owner, nationality="ID")
    share(siti, other_ngo, identity=False, case_facts=True)
    client = client_for(UserFactory(organisation=other_ngo, role=Role.SOCIAL_WORKER))
    assert listed(client) == [siti.case_number]
    assert listed(client, nationality="foreign") == []
    assert listed(client, form="forced_labour") == [siti.case_number]


def test_every_page_in_turn_lists_the_caseload_in_the_exports_order(
    client_for, ngo, owner, colleague, supervisor, outsider
):
    """The page reads the first rows of each part (the person's own cases, the others of
    each risk level, the shared cases) and merges them; read in turn, the pages are the
    caseload in the one order the export reads in one query, each case once, whatever the
    mix of risks, workers, shared cases and equal intake dates."""
    from cases.models import Case
    from cases.selectors import caseload_order

    today = TODAY()
    # A few of the person's own and of high risk, most at medium risk: the medium piece holds
    # more than a page, so which of its rows it reads first decides the first page.
    for n in range(90):
        CaseFactory(
            # the supervisor registers without assigning
            actor=owner if n % 10 == 0 else (colleague if n % 2 else supervisor),
            risk_level="high" if n % 15 == 1 else ("low" if n % 6 == 5 else "medium"),
            intake_date=today - dt.timedelta(days=n * 7 % 40),  # some on the same day
        )
    low_shown = set()  # the shared cases whose risk the caseload may show and filter
    for n in range(9):
        case = CaseFactory(actor=outsider, risk_level=("high", "low")[n % 2])
        share(case, ngo, case_facts=n % 3 > 0)
        if case.risk_level == "low" and n % 3 > 0:
            low_shown.add(case.case_number)

    expected = list(caseload_order(owner).values_list("case_number", flat=True))
    client = client_for(owner)
    pages = [listed(client, page=number) for number in (1, 2, 3, 4)]
    assert [len(page) for page in pages] == [25, 25, 25, 24]
    assert [number for page in pages for number in page] == expected
    assert client.get(reverse("cases:list")).context["page"].paginator.count == 99
    # A filter on a sort key narrows each piece alike, and keeps the order.
    low_shown |= set(
        Case.objects.filter(organisation=ngo, risk_level="low").values_list(
            "case_number", flat=True
        )
    )
    assert listed(client, risk="low") == [n for n in expected if n in low_shown]


def test_the_database_refuses_a_risk_level_the_caseload_does_not_know(owner):
    """The caseload reads each known risk level as a part of its own; a case outside them
    would be counted but never listed."""
    from django.db import IntegrityError, transaction

    from cases.models import Case

    case = CaseFactory(actor=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(risk_level="extreme")
