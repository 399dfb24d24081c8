"""What a worker notices when registering and moving cases: numbers, derived facts, and clear
refusals that leave nothing half-written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Case, CaseEvent, Consent, CounsellingSession, EventKind, Phase
from cases.services import case_change_phase, case_update, consent_record, consent_withdraw
from cases.templatetags.local_dates import local_date
from organisations.models import Village
from tests.cases.factories import CaseFactory, log_session
from tests.plans.factories import close_case

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def registration_form(**overrides):
    village = Village.objects.filter(commune__isnull=False).order_by("id").first()
    data = {
        "consent_given_by": "guardian",
        "guardian_name": "Keo Sreymom",
        "guardian_relationship": "mother",
        "child_assent": "true",
        "consent_identity": "on",
        "consent_case_facts": "on",
        "consent_given_on": (TODAY() - dt.timedelta(days=3)).isoformat(),
        "name_latin": "Keo Sopheap",
        "name_khmer": "កែវ សុភាព",
        "sex": "female",
        "date_of_birth": "2010-03-01",
        "nationality": "KH",
        "exploitations": ["domestic_servitude"],
        "movement": "cross_border",
        "destination_country": "MY",
        "how_identified": "hotline",
        "intake_date": (TODAY() - dt.timedelta(days=3)).isoformat(),
        "risk_level": "high",
        "origin_province": village.district.province_id,
        "origin_district": village.district_id,
        "origin_commune": village.commune_id,
        "origin_village": village.pk,
    }
    data.update(overrides)
    return data


def test_registration_numbers_the_case_and_derives_minor_and_province(client_for, owner):
    response = client_for(owner).post(reverse("cases:create"), registration_form())
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:detail", args=[case.pk])
    assert case.case_number == f"HTS-{TODAY().year}-0001"
    assert case.minor_at_intake is True
    assert case.origin_province_id == case.origin_village.district.province_id
    assert case.assigned_worker == owner
    assert list(case.events.order_by("id").values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.CONSENT_RECORDED,
    ]
    consent = case.consents.get()
    assert consent.given_by == "guardian" and consent.child_assent is True
    assert consent.covers_identity and consent.covers_case_facts and not consent.covers_health


def test_case_numbers_count_up_per_organisation(owner, outsider):
    first, second = CaseFactory(actor=owner), CaseFactory(actor=owner)
    theirs = CaseFactory(actor=outsider)
    year = TODAY().year
    assert [first.case_number, second.case_number, theirs.case_number] == [
        f"HTS-{year}-0001",
        f"HTS-{year}-0002",
        f"OPN-{year}-0001",
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", "2010-02-30", "Enter a valid date."),
        ("date_of_birth", "2090-01-01", "The date of birth is in the future."),
        ("date_of_birth", "1890-01-01", "more than 100 years ago"),
        ("origin_village", "99999999", "Select a valid choice."),
        ("origin_commune", "999999", "Select a valid choice."),
        ("origin_commune", "", "Give the commune of origin."),
        ("destination_country", "", "Give the destination country"),
    ],
)
def test_bad_registration_shows_the_error_by_the_field_and_saves_nothing(
    client_for, owner, field, value, message
):
    response = client_for(owner).post(reverse("cases:create"), registration_form(**{field: value}))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, []))
    assert 'value="Keo Sopheap"' in response.content.decode()  # what the worker typed is kept
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0


def test_a_village_from_another_commune_is_refused(client_for, owner):
    elsewhere = Village.objects.filter(commune__isnull=False).order_by("-id").first()
    response = client_for(owner).post(
        reverse("cases:create"), registration_form(origin_village=elsewhere.pk)
    )
    assert "Select a valid choice" in response.context["form"].errors["origin_village"][0]
    assert Case.objects.count() == 0


def test_a_childs_intake_without_a_guardian_saves_neither_case_nor_consent(client_for, owner):
    form = registration_form(consent_given_by="survivor", guardian_name="", child_assent="")
    response = client_for(owner).post(reverse("cases:create"), form)
    errors = response.context["form"].errors
    assert "parent or guardian" in errors["consent_given_by"][0]
    assert "assented" in errors["child_assent"][0]
    assert Case.objects.count() == 0 and Consent.objects.count() == 0


def test_intake_warns_of_a_similar_survivor_and_registers_after_confirmation(client_for, owner):
    client = client_for(owner)
    assert client.post(reverse("cases:create"), registration_form()).status_code == 302
    similar = registration_form(name_latin="Sopheap Keo", name_khmer="")
    warned = client.post(reverse("cases:create"), similar)
    assert warned.status_code == 200
    assert Case.objects.get().case_number in warned.content.decode()
    assert Case.objects.count() == 1
    confirmed = client.post(reverse("cases:create"), {**similar, "not_a_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Case.objects.count() == 2


def test_forbidden_phase_jump_is_refused_and_changes_nothing(client_for, case, owner):
    response = client_for(owner).post(
        reverse("cases:phase", args=[case.pk]), {"to_phase": Phase.REINTEGRATED}
    )
    assert response.status_code == 400
    assert "cannot move to" in response.content.decode()
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFICATION
    assert not case.events.filter(kind=EventKind.PHASE_CHANGED).exists()


def test_the_phase_form_offers_a_closure_request_not_closed(client_for, case, supervisor):
    page = client_for(supervisor).get(reverse("cases:detail", args=[case.pk]))
    offered = [value for value, _label in page.context["phase_form"].fields["to_phase"].choices]
    assert offered == [Phase.INTAKE]
    assert "closure_reason" not in page.context["phase_form"].fields
    assert reverse("plans:closure-request", args=[case.pk]) in page.content.decode()


def test_closing_through_the_phase_page_is_refused_with_the_way_to_ask(
    client_for, case, supervisor
):
    response = client_for(supervisor).post(
        reverse("cases:phase", args=[case.pk]),
        {"to_phase": Phase.CLOSED, "closure_reason": "lost_contact"},
    )
    assert response.status_code == 400
    error = response.context["form"].errors["to_phase"][0]
    assert "approves a request to close it" in error and "ask to close the case" in error
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFICATION and case.closure_reason == ""


def test_phase_path_is_recorded_on_the_timeline(client_for, case, owner):
    client = client_for(owner)
    for phase in [Phase.INTAKE, Phase.RECOVERY, Phase.REINTEGRATION_PLANNING]:
        response = client.post(reverse("cases:phase", args=[case.pk]), {"to_phase": phase})
        assert response.status_code == 302
    changes = case.events.filter(kind=EventKind.PHASE_CHANGED).order_by("id")
    assert [(e.from_phase, e.to_phase, e.actor) for e in changes] == [
        (Phase.IDENTIFICATION, Phase.INTAKE, owner),
        (Phase.INTAKE, Phase.RECOVERY, owner),
        (Phase.RECOVERY, Phase.REINTEGRATION_PLANNING, owner),
    ]


def test_nobody_closes_a_case_by_changing_its_phase(case, owner, supervisor, org_admin):
    for actor in (owner, supervisor, org_admin):
        with pytest.raises(ValidationError, match="approves a request to close it") as refused:
            case_change_phase(actor=actor, case=case, to_phase=Phase.CLOSED)
        assert "to_phase" in refused.value.message_dict
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFICATION and case.closed_on is None
    assert not case.events.filter(kind=EventKind.PHASE_CHANGED).exists()


def test_an_approved_closure_request_closes_and_a_reopening_needs_a_reason(case, owner, supervisor):
    closed = close_case(case, requested_by=owner, approved_by=supervisor, reason="lost_contact")
    assert closed.phase == Phase.CLOSED
    assert closed.closure_reason == "lost_contact" and closed.closed_on == TODAY()
    move = closed.events.get(kind=EventKind.PHASE_CHANGED)
    assert (move.to_phase, move.actor) == (Phase.CLOSED, supervisor)
    with pytest.raises(ValidationError, match="reopened"):
        case_change_phase(actor=supervisor, case=closed, to_phase=Phase.INTAKE)
    reopened = case_change_phase(
        actor=supervisor, case=closed, to_phase=Phase.INTAKE, note="Came back to the shelter."
    )
    assert reopened.closure_reason == "" and reopened.closed_on is None


def test_edit_records_which_fields_changed_but_not_their_values(case, owner):
    case_update(actor=owner, case=case, family_contact="Aunt in Svay Rieng, 012 345 678")
    event = case.events.get(kind=EventKind.UPDATED)
    assert "family contact" in event.text
    assert "012 345 678" not in event.text and "012" not in str(event.message_args)


def test_a_minors_consent_comes_from_a_guardian_with_the_childs_assent(owner):
    child = CaseFactory(actor=owner, date_of_birth=TODAY() - dt.timedelta(days=365 * 12))
    arguments = {"case": child, "purpose": "services", "given_on": TODAY(), "covers_identity": True}
    with pytest.raises(ValidationError) as refused:
        consent_record(actor=owner, given_by="survivor", **arguments)
    assert set(refused.value.error_dict) == {"given_by", "child_assent"}
    consent = consent_record(
        actor=owner,
        given_by="guardian",
        guardian_name="Meas Sokhom",
        child_assent=True,
        **arguments,
    )
    assert consent.pk and Consent.objects.count() == 1


def test_sharing_consent_names_whom_and_what(case, owner, other_ngo):
    with pytest.raises(ValidationError) as refused:
        consent_record(
            actor=owner, case=case, given_by="survivor", purpose="sharing", given_on=TODAY()
        )
    assert {"covers_identity", "shared_with_organisation"} <= set(refused.value.error_dict)
    consent = consent_record(
        actor=owner,
        case=case,
        given_by="survivor",
        purpose="sharing",
        given_on=TODAY(),
        shared_with_organisation=other_ngo,
        covers_case_facts=True,
    )
    consent_withdraw(actor=owner, consent=consent)
    consent.refresh_from_db()
    assert consent.withdrawn_on == TODAY()
    with pytest.raises(ValidationError, match="already withdrawn"):
        consent_withdraw(actor=owner, consent=consent)
    assert case.events.filter(kind=EventKind.CONSENT_WITHDRAWN).count() == 1


def test_counselling_session_form_rejects_bad_dates_and_keeps_input(client_for, case, owner):
    url = reverse("cases:session-create", args=[case.pk])
    form = {
        "session_date": (TODAY() + dt.timedelta(days=1)).isoformat(),
        "kind": "family",
        "setting": "home_visit",
        "duration_minutes": "60",
        "topics": "return planning",
    }
    response = client_for(owner).post(url, form)
    assert "in the future" in response.context["form"].errors["session_date"][0]
    assert b"return planning" in response.content
    assert CounsellingSession.objects.count() == 0
    form["session_date"] = TODAY().isoformat()
    assert client_for(owner).post(url, form).status_code == 302
    session = CounsellingSession.objects.get()
    assert session.phase == "before_reintegration" and session.counsellor == owner


def test_a_session_with_an_impossible_duration_is_refused(case, owner):
    with pytest.raises(ValidationError):
        log_session(actor=owner, case=case, duration_minutes=0)
    assert CounsellingSession.objects.count() == 0


def test_a_village_the_official_list_places_in_no_commune_can_be_the_origin(owner):
    village = Village.objects.filter(commune__isnull=True).first()
    case = CaseFactory(actor=owner, origin_village=village)
    assert case.origin_commune is None
    assert case.origin_province_id == village.district.province_id


def test_khmer_pages_put_dates_inside_sentences_and_the_khmer_sign_after_labels(
    client_for, case, owner
):
    """A date sits inside its translated sentence, in Khmer numerals and month names."""
    from tests.referrals.helpers import give_consent

    consent = give_consent(case, owner, purpose="services")
    consent_withdraw(actor=owner, consent=consent, on=consent.given_on)
    client = client_for(owner)
    client.cookies["django_language"] = "km"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    with translation.override("km"):
        date = local_date(consent.given_on)
    assert any("០" <= ch <= "៩" for ch in date) and "ខែ" in date
    assert f"ផ្តល់ថ្ងៃ {date}" in page
    assert f"ដកវិញថ្ងៃ {date}" in page
    # A label is followed by the Khmer sign ៖, not a colon, on pages and on form labels.
    assert "ដំណាក់កាល៖ " in page and "ដំណាក់កាល: " not in page
    intake = client.get(reverse("cases:create")).content.decode()
    assert "៖</label>" in intake and ":</label>" not in intake


def test_the_timeline_reads_in_the_readers_language_whoever_wrote_it(
    client_for, case, owner, other_ngo
):
    import datetime as dt

    from followup.services import visit_add
    from referrals.services import referral_accept
    from tests.organisations.factories import UserFactory
    from tests.referrals.helpers import give_consent, send

    receiver = UserFactory(organisation=other_ngo, role="social_worker")
    give_consent(case, owner, organisation=other_ngo)
    with translation.override("km"):  # a Khmer-speaking worker answers
        referral_accept(actor=receiver, referral=send(case, owner, other_ngo))
    planned = timezone.localdate() + dt.timedelta(days=30)
    visit_add(actor=owner, case=case, scheduled_for=planned)  # an English-speaking one plans

    english = client_for(owner).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Accepted by Other Province NGO" in english
    assert f"Visit planned for {local_date(planned)}" in english

    khmer_reader = client_for(owner)
    khmer_reader.cookies["django_language"] = "km"
    khmer = khmer_reader.get(reverse("cases:detail", args=[case.pk])).content.decode()
    with translation.override("km"):
        khmer_date = local_date(planned)
    assert "ទទួលយកដោយ Other Province NGO" in khmer and "Accepted by" not in khmer
    assert khmer_date in khmer and planned.isoformat() not in khmer


def test_times_are_shown_in_phnom_penh_time(client_for, case, owner):
    import datetime as dt

    # 20:30 UTC on 1 March is 03:30 on 2 March in Phnom Penh.
    moment = dt.datetime(2026, 3, 1, 20, 30, tzinfo=dt.UTC)
    CaseEvent.objects.filter(case=case).update(occurred_at=moment)
    page = client_for(owner).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "2 Mar 2026, 03:30" in page
    assert "20:30" not in page


def test_an_event_from_an_older_version_shows_no_words_rather_than_breaking_the_page(
    client_for, case, owner
):
    CaseEvent.objects.create(case=case, kind=EventKind.FOLLOW_UP, message="visit.retired_key")
    CaseEvent.objects.create(case=case, kind=EventKind.FOLLOW_UP, message="visit.missed")  # no date
    response = client_for(owner).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    assert [e.text for e in case.events.filter(kind=EventKind.FOLLOW_UP)] == ["", ""]
