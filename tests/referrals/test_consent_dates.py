"""Each referral's copy of its consent's dates, which `holding_access` reads, is kept equal to
the consent's by the database (referrals.triggers), whatever writes the referral or the
consent: a service, a queryset update, a stale instance saved again. A copy left behind would
keep a receiver reading a case after the survivor withdrew consent."""

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from cases.models import Consent
from cases.services import consent_withdraw
from referrals.models import Referral
from referrals.selectors import holding_access
from tests.audit.test_app_role import app_role, connect_as  # noqa: F401 - a fixture
from tests.cases.factories import CaseFactory
from tests.conftest import need_service
from transfers.selectors import categories_read_by

from .helpers import give_consent, share

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def copies() -> dict[int, tuple]:
    return {
        pk: (expires, withdrawn)
        for pk, expires, withdrawn in Referral.objects.values_list(
            "pk", "consent_expires_on", "consent_withdrawn_on"
        )
    }


def consents_dates() -> dict[int, tuple]:
    """What each referral's copy must hold: its consent's dates, read from the consent."""
    return {
        pk: (expires, withdrawn)
        for pk, expires, withdrawn in Referral.objects.values_list(
            "pk", "consent__expires_on", "consent__withdrawn_on"
        )
    }


def holding_by_the_consent(today) -> set[int]:
    """`holding_access` as it read the consent's own row before the copy: the oracle."""
    consent_current = Q(consent__isnull=True) | (
        (Q(consent__expires_on__isnull=True) | Q(consent__expires_on__gte=today))
        & (Q(consent__withdrawn_on__isnull=True) | Q(consent__withdrawn_on__gt=today))
    )
    rest = Q(access_revoked_at__isnull=True, consent_revoked_at__isnull=True) & (
        Q(status__in=["accepted", "in_progress"]) | Q(status="completed", access_ends_on__gt=today)
    )
    return set(Referral.objects.filter(consent_current & rest).values_list("pk", flat=True))


def test_a_referral_takes_its_consents_dates(case, owner, other_ngo):
    expires = TODAY() + dt.timedelta(days=30)
    consent = give_consent(case, owner, organisation=other_ngo, expires_on=expires)
    referral = share(case, other_ngo, consent=consent)
    assert copies() == {referral.pk: (expires, None)}


def test_withdrawing_the_consent_ends_the_receivers_reading_the_same_day(case, owner, other_ngo):
    consent = give_consent(case, owner, organisation=other_ngo)
    referral = share(case, other_ngo, consent=consent)
    assert categories_read_by(other_ngo) == {case.pk: {"identity", "case_facts"}}

    consent_withdraw(actor=owner, consent=consent)

    assert copies() == {referral.pk: (None, TODAY())}
    assert categories_read_by(other_ngo) == {}
    assert not Referral.objects.filter(holding_access(), pk=referral.pk).exists()


def test_an_update_of_the_consent_outside_the_services_reaches_its_referrals(
    case, owner, other_ngo
):
    consent = give_consent(case, owner, organisation=other_ngo)
    first = share(case, other_ngo, consent=consent)
    second = share(case, other_ngo, consent=consent, service="shelter")
    yesterday = TODAY() - dt.timedelta(days=1)

    Consent.objects.filter(pk=consent.pk).update(expires_on=yesterday)

    assert copies() == {first.pk: (yesterday, None), second.pk: (yesterday, None)}
    assert categories_read_by(other_ngo) == {}


def test_a_stale_referral_saved_again_keeps_the_consents_withdrawal(case, owner, other_ngo):
    consent = give_consent(case, owner, organisation=other_ngo)
    referral = share(case, other_ngo, consent=consent)
    stale = Referral.objects.get(pk=referral.pk)  # read before the withdrawal
    consent_withdraw(actor=owner, consent=consent)

    stale.outcome = "Saved from an instance read before the withdrawal."
    stale.save()

    assert copies() == {referral.pk: (None, TODAY())}
    assert categories_read_by(other_ngo) == {}


def test_a_referral_moved_to_another_consent_takes_its_dates(case, owner, other_ngo):
    withdrawn = give_consent(case, owner, organisation=other_ngo)
    consent_withdraw(actor=owner, consent=withdrawn)
    referral = share(case, other_ngo, consent=withdrawn)
    assert categories_read_by(other_ngo) == {}
    expires = TODAY() + dt.timedelta(days=90)
    current = give_consent(case, owner, organisation=other_ngo, expires_on=expires)

    Referral.objects.filter(pk=referral.pk).update(consent=current)

    assert copies() == {referral.pk: (expires, None)}
    assert categories_read_by(other_ngo) == {case.pk: {"identity", "case_facts"}}


def test_a_referral_sent_on_an_override_has_no_dates(case, other_ngo):
    referral = share(case, other_ngo)
    Referral.objects.filter(pk=referral.pk).update(consent_withdrawn_on=TODAY())
    assert copies() == {referral.pk: (None, None)}
    assert categories_read_by(other_ngo) == {case.pk: {"identity", "case_facts"}}


def test_after_random_writes_every_copy_equals_its_consent_and_access_is_unchanged(
    owner, other_ngo
):
    """Seeded random sequences of the writes that move a consent's dates or a referral's
    consent, by services and by queryset updates; after each, every copy equals its consent's
    dates, and the referrals holding access are those the consent's own row says, today and
    on the days around the dates written."""
    rng = random.Random(20261202)  # noqa: S311 - test data
    today = TODAY()
    days = [today + dt.timedelta(days=n) for n in (-3, -1, 0, 1, 3)]
    cases = [CaseFactory(actor=owner) for _ in range(3)]
    consents = [
        give_consent(c, owner, organisation=other_ngo, given_on=today - dt.timedelta(days=10))
        for c in cases
        for _ in range(2)
    ]
    # One open referral per case, receiver and service: each consent its own two services.
    services = [("legal_aid", "shelter"), ("medical_care", "education")]
    referrals = [
        share(consent.case, other_ngo, consent=consent, service=service)
        for number, consent in enumerate(consents)
        for service in services[number % 2]
    ]
    referrals.append(share(cases[0], other_ngo, service="vocational_training"))  # an override

    def step() -> str:
        consent = rng.choice(consents)
        referral = rng.choice(referrals)
        match rng.randrange(6):
            case 0:
                expires = rng.choice([None, *days])
                Consent.objects.filter(pk=consent.pk).update(expires_on=expires)
                return f"consent {consent.pk} expires {expires}"
            case 1:
                withdrawn = rng.choice([None, *days])
                Consent.objects.filter(pk=consent.pk).update(withdrawn_on=withdrawn)
                return f"consent {consent.pk} withdrawn {withdrawn}"
            case 2:
                fresh = Consent.objects.get(pk=consent.pk)
                if fresh.withdrawn_on is None:
                    consent_withdraw(actor=owner, consent=fresh)
                return f"consent {consent.pk} withdrawn by the service"
            case 3:
                moved = rng.choice([c for c in consents if c.case_id == referral.case_id])
                Referral.objects.filter(pk=referral.pk, consent__isnull=False).update(consent=moved)
                return f"referral {referral.pk} moved to consent {moved.pk}"
            case 4:
                stale = Referral.objects.get(pk=referral.pk)
                Consent.objects.filter(pk=consent.pk).update(expires_on=rng.choice([None, *days]))
                stale.save()
                return f"stale referral {referral.pk} saved after consent {consent.pk} moved"
            case _:
                Referral.objects.filter(pk=referral.pk).update(
                    consent_expires_on=rng.choice(days), consent_withdrawn_on=rng.choice(days)
                )
                return f"referral {referral.pk} copy written directly"

    for number in range(120):
        done = step()
        assert copies() == consents_dates(), f"after step {number}: {done}"
        for day in days:
            expected = holding_by_the_consent(day)
            holding = set(Referral.objects.filter(holding_access(day)).values_list("pk", flat=True))
            assert holding == expected, f"on {day}, after step {number}: {done}"


@pytest.mark.django_db(transaction=True)
def test_a_consent_withdrawn_while_a_referral_is_sent_waits_for_it(places, case, owner, other_ngo):
    """Sent while the consent is being withdrawn, a referral cannot keep the old dates: the
    withdrawal cannot reach a referral not yet committed, so the referral's write holds the
    consent's row until it commits, and the withdrawal waits for it."""
    from django.db import connections, transaction
    from django.db.utils import OperationalError

    need_service(connection.vendor == "postgresql", "row locks are PostgreSQL's")
    consent = give_consent(case, owner, organisation=other_ngo)
    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            referral = share(case, other_ngo, consent=consent)
            with other.cursor() as withdrawing:
                withdrawing.execute("SET lock_timeout = '300ms'")
                with pytest.raises(OperationalError, match="lock timeout"):
                    withdrawing.execute(
                        "UPDATE cases_consent SET withdrawn_on = %s WHERE id = %s",
                        [TODAY(), consent.pk],
                    )
        with other.cursor() as withdrawing:  # the referral sent, the withdrawal goes on
            withdrawing.execute(
                "UPDATE cases_consent SET withdrawn_on = %s WHERE id = %s",
                [TODAY(), consent.pk],
            )
    finally:
        other.close()
    assert copies() == {referral.pk: (None, TODAY())}
    assert categories_read_by(other_ngo) == {}


@pytest.mark.django_db(transaction=True)
def test_the_applications_database_role_keeps_the_copies(
    places,
    case,
    owner,
    other_ngo,
    app_role,  # noqa: F811 - the fixture imported above
):
    """The application's role (`grant_app_role`) runs the triggers: a referral written locks
    its consent, which needs the right to change consents, and a withdrawal rewrites the
    referrals relying on it."""
    consent = give_consent(case, owner, organisation=other_ngo)
    referral = share(case, other_ngo, consent=consent)
    call_command("grant_app_role", app_role, stdout=io.StringIO())
    app = connect_as(app_role)
    try:
        app.execute("UPDATE referrals_referral SET outcome = 'seen' WHERE id = %s", [referral.pk])
        app.execute(
            "UPDATE cases_consent SET withdrawn_on = %s WHERE id = %s", [TODAY(), consent.pk]
        )
    finally:
        app.connection.close()
    assert copies() == {referral.pk: (None, TODAY())}
    assert categories_read_by(other_ngo) == {}
