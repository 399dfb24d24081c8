"""The case's consents a person reads are decided by one rule, applied in two forms: for one
case as a page reads it (`consents_for_case`, with the kinds of data the reader sees and the
moment a former owner reads it as of) and for every case at once as the API and the upload
check read them (`consents_visible_to`). Whoever reads, the two give the same consents."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Case
from cases.permissions import visible_case_categories
from cases.selectors import case_list_visible_to, consents_for_case, consents_visible_to
from organisations.models import Role
from organisations.permissions import active_membership
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.referrals.helpers import give_consent, share
from transfers import services as transfers

pytestmark = pytest.mark.django_db


def by_case(user, case) -> set[int]:
    return set(consents_visible_to(user).filter(case=case).values_list("pk", flat=True))


def by_page(user, case) -> set[int]:
    if not case_list_visible_to(user).filter(pk=case.pk).exists():
        return set()
    seen = visible_case_categories(user, Case.objects.get(pk=case.pk))
    return set(consents_for_case(case, seen).values_list("pk", flat=True))


@pytest.fixture
def readers(ngo, other_ngo, owner, colleague, supervisor):
    clinic = OrganisationFactory(name="Clinic", short_name="CLN")
    lawyers = OrganisationFactory(name="Lawyers", short_name="LAW")
    return {
        "owner": owner,
        "colleague": colleague,
        "supervisor": supervisor,
        "clinic": UserFactory(username="clinic", organisation=clinic, role=Role.SOCIAL_WORKER),
        "lawyers": UserFactory(username="lawyers", organisation=lawyers, role=Role.SUPERVISOR),
        "outsider": UserFactory(
            username="outsider", organisation=OrganisationFactory(), role=Role.SUPERVISOR
        ),
        "other_ngo": UserFactory(username="newlead", organisation=other_ngo, role=Role.SUPERVISOR),
    }


@pytest.fixture
def consents(case, owner, readers):
    clinic = active_membership(readers["clinic"]).organisation
    lawyers = active_membership(readers["lawyers"]).organisation
    give_consent(case, owner, organisation=None, kind="ngo")
    give_consent(case, owner, organisation=lawyers, health=True)
    give_consent(case, owner, organisation=clinic)
    share(case, clinic, health=True, service="hiv_care")
    share(case, lawyers, health=False)


def test_every_reader_reads_the_same_consents_in_both_forms(case, readers, consents):
    for name, user in readers.items():
        assert by_case(user, case) == by_page(user, case), name
    assert by_case(readers["outsider"], case) == set()
    assert by_case(readers["colleague"], case) < by_case(readers["owner"], case)


def test_so_does_the_organisation_that_handed_the_case_over(
    case, readers, consents, supervisor, other_ngo, settings, time_machine
):
    settings.CASE_TRANSFER_SENDER_GRACE_DAYS = 30
    accepted = timezone.now() + dt.timedelta(minutes=1)  # after every consent above
    time_machine.move_to(accepted, tick=False)
    give_consent(case, readers["owner"], organisation=other_ngo, health=True)
    transfer = transfers.transfer_request(
        actor=supervisor, case=case, to_organisation=other_ngo, reason="She moved province."
    )
    new_lead = readers["other_ngo"]
    transfers.transfer_accept(actor=new_lead, transfer=transfer, assigned_worker=new_lead)
    time_machine.move_to(accepted + dt.timedelta(hours=1), tick=False)
    later = give_consent(Case.objects.get(pk=case.pk), new_lead, organisation=None, kind="ngo")
    for name, user in readers.items():
        assert by_case(user, case) == by_page(user, case), name
    assert later.pk in by_case(new_lead, case)
    assert later.pk not in by_case(supervisor, case)
    assert by_case(supervisor, case)
