"""The supervisor's Team page: which open cases wait for a worker, and the reassign forms."""

import datetime as dt
import random

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, ClosureReason, Phase
from organisations.models import Membership, Role
from tests.cases.factories import CaseFactory

pytestmark = pytest.mark.django_db


def needing_worker(client, supervisor) -> list[str]:
    page = client(supervisor).get(reverse("cases:team"))
    assert page.status_code == 200
    return [case.case_number for case in page.context["cases_needing_worker"]]


def test_open_cases_of_workers_who_left_wait_for_someone(
    client_for, owner, colleague, supervisor, org_admin, other_ngo
):
    long_ago = timezone.localdate() - dt.timedelta(days=90)
    carried = CaseFactory(actor=owner, intake_date=long_ago)
    by_supervisor = CaseFactory(actor=supervisor, assigned_worker=supervisor, intake_date=long_ago)
    nobody = CaseFactory(actor=owner, intake_date=long_ago - dt.timedelta(days=3))
    Case.objects.filter(pk=nobody.pk).update(assigned_worker=None)
    # The colleague left for another organisation; the administrator carries no cases.
    moved = CaseFactory(actor=colleague, intake_date=long_ago - dt.timedelta(days=2))
    Membership.objects.filter(user=colleague).update(organisation=other_ngo)
    administered = CaseFactory(actor=owner, intake_date=long_ago - dt.timedelta(days=1))
    Case.objects.filter(pk=administered.pk).update(assigned_worker=org_admin)
    closed = CaseFactory(actor=owner, intake_date=long_ago)
    Case.objects.filter(pk=closed.pk).update(
        assigned_worker=org_admin, phase=Phase.CLOSED, closure_reason=ClosureReason.LOST_CONTACT
    )

    listed = needing_worker(client_for, supervisor)

    # Oldest intake first; a current worker's or supervisor's case and a closed one are not.
    assert listed == [nobody.case_number, moved.case_number, administered.case_number]
    assert carried.case_number not in listed and by_supervisor.case_number not in listed

    # A worker who is switched off no longer carries hers either.
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    listed = needing_worker(client_for, supervisor)
    assert carried.case_number in listed and by_supervisor.case_number not in listed


def test_who_left_is_found_among_people_of_every_organisation_whatever_their_ids(
    owner, ngo, other_ngo
):
    """The people carrying the team's open cases who are not in it, found between the team's
    ids (cases.selectors.workers_who_left), equal the direct answer: with members of this
    team and others alternating by id, some switched off, moved or given another role, and
    cases reassigned and closed at random."""
    from cases.permissions import assignable_workers
    from cases.selectors import workers_who_left
    from tests.organisations.factories import UserFactory

    rng = random.Random(20261204)
    roles = [Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN]
    people = [
        UserFactory(organisation=(ngo, other_ngo)[n % 2], role=rng.choice(roles)) for n in range(16)
    ]
    cases = [CaseFactory(actor=owner) for _ in range(10)]
    found_someone = 0
    for _ in range(6):
        for case in cases:
            closed = rng.random() < 0.2
            Case.objects.filter(pk=case.pk).update(
                assigned_worker=rng.choice([*people, owner, None]),
                phase=Phase.CLOSED if closed else Phase.INTAKE,
                closure_reason=ClosureReason.LOST_CONTACT if closed else "",
            )
        for person in rng.sample(people, 3):
            change = rng.choice(["active", "organisation", "role"])
            if change == "active":
                person.is_active = not person.is_active
                person.save(update_fields=["is_active"])
            elif change == "organisation":
                membership = Membership.objects.get(user=person)
                membership.organisation = ngo if membership.organisation == other_ngo else other_ngo
                membership.save(update_fields=["organisation"])
            else:
                Membership.objects.filter(user=person).update(role=rng.choice(roles))
        carrying = set(
            Case.objects.filter(organisation=ngo, assigned_worker__isnull=False)
            .exclude(phase=Phase.CLOSED)
            .values_list("assigned_worker_id", flat=True)
        )
        expected = carrying - set(assignable_workers(ngo).values_list("pk", flat=True))
        assert sorted(workers_who_left(ngo)) == sorted(expected)
        found_someone += bool(expected)
    assert found_someone >= 3  # the rounds did find people who left, not only none


def test_another_organisations_cases_never_wait_on_this_team(client_for, supervisor, outsider):
    theirs = CaseFactory(actor=outsider)
    Case.objects.filter(pk=theirs.pk).update(assigned_worker=None)
    assert needing_worker(client_for, supervisor) == []


def test_each_reassign_form_offers_the_team_with_the_cases_worker_chosen(
    client_for, owner, colleague, supervisor
):
    long_ago = timezone.localdate() - dt.timedelta(days=90)
    mine = CaseFactory(actor=owner, intake_date=long_ago)
    theirs = CaseFactory(actor=colleague, intake_date=long_ago)
    Membership.objects.filter(user=supervisor).update(role=Role.SUPERVISOR)

    html = client_for(supervisor).get(reverse("cases:team")).content.decode()

    for case, worker in ((mine, owner), (theirs, colleague)):
        select = html.split(f'id="worker-{case.pk}">', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{worker.pk}" selected>' in select
        assert select.count("<option") == 3  # owner, colleague, supervisor
        assert select.count(" selected") == 1
        form = html.split(f'id="worker-{case.pk}"', 1)[0].rsplit("<form", 1)[1]
        assert f'action="{reverse("cases:assign", args=[case.pk])}"' in form
        assert f'href="{reverse("cases:detail", args=[case.pk])}"' in html


def test_the_first_cases_waiting_are_the_oldest_of_both_kinds(owner, colleague, supervisor, ngo):
    from followup.selectors import cases_needing_worker

    day = timezone.localdate() - dt.timedelta(days=200)
    cases = []
    for n in range(4):  # by intake: nobody's, a leaver's, nobody's, a leaver's
        case = CaseFactory(actor=owner, intake_date=day + dt.timedelta(days=n))
        Case.objects.filter(pk=case.pk).update(assigned_worker=None if n % 2 == 0 else colleague)
        cases.append(case.case_number)
    Membership.objects.filter(user=colleague).update(role=Role.ORG_ADMIN)  # no longer carries
    assert [c.case_number for c in cases_needing_worker(supervisor, shown=3)] == cases[:3]
    assert [c.case_number for c in cases_needing_worker(supervisor)] == cases


def test_a_large_team_is_listed_by_pages_and_reassigns_on_the_case_page(
    client_for, owner, supervisor, ngo
):
    from cases.views import REASSIGN_HERE_UP_TO, WORKERS_PER_PAGE
    from tests.organisations.factories import UserFactory

    long_ago = timezone.localdate() - dt.timedelta(days=90)
    case = CaseFactory(actor=owner, intake_date=long_ago)
    waiting = CaseFactory(actor=owner, intake_date=long_ago)
    Case.objects.filter(pk=waiting.pk).update(assigned_worker=None)
    # owner and supervisor, and enough others for two pages of workers
    for n in range(WORKERS_PER_PAGE):
        UserFactory(username=f"worker{n:02d}", organisation=ngo, role=Role.SOCIAL_WORKER)
    assert WORKERS_PER_PAGE + 2 > REASSIGN_HERE_UP_TO

    first = client_for(supervisor).get(reverse("cases:team"))
    second = client_for(supervisor).get(reverse("cases:team") + "?page=2")
    html = first.content.decode()

    shown = [*first.context["workers"], *second.context["workers"]]
    assert len(first.context["workers"]) == WORKERS_PER_PAGE and len(shown) == WORKERS_PER_PAGE + 2
    assert len({worker.pk for worker in shown}) == len(shown)
    assert "<select" not in html.split("<h1>", 1)[1]  # no select of 52 names on each row
    for listed in (case, waiting):
        assert f'href="{reverse("cases:detail", args=[listed.pk])}#assignment"' in html
    case_page = client_for(supervisor).get(reverse("cases:detail", args=[case.pk]))
    assert 'id="assignment"' in case_page.content.decode()


def test_the_case_pages_select_names_the_team_escaped_with_the_cases_worker_chosen(
    client_for, owner, colleague, supervisor, outsider, ngo
):
    from tests.organisations.factories import UserFactory

    case = CaseFactory(actor=owner)
    left = UserFactory(username="left", organisation=ngo, role=Role.SOCIAL_WORKER)
    left.is_active = False
    left.save()
    owner.first_name = owner.last_name = ""
    owner.save()
    colleague.first_name, colleague.last_name = "<b>Sok", "Dara</b>"
    colleague.save()

    html = client_for(supervisor).get(reverse("cases:detail", args=[case.pk])).content.decode()

    select = html.split('id="assign-worker">', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{owner.pk}" selected>{owner.username}</option>' in select
    assert f'<option value="{colleague.pk}">&lt;b&gt;Sok Dara&lt;/b&gt;</option>' in select
    assert select.count("<option") == 3  # owner, colleague, supervisor: not who left, nor others
    assert f'value="{outsider.pk}"' not in select
