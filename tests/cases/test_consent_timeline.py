"""A timeline line about a consent is read as the consent is: a reader who is not shown a
consent because it tells of the survivor's health (it covers health facts, or names an
organisation the case went to for a health service) is not told of it by the timeline
either, neither that it was recorded nor that it was withdrawn."""

import re
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from cases.models import EventKind
from cases.services import consent_withdraw
from tests.referrals.helpers import give_consent, send

pytestmark = pytest.mark.django_db

CONSENT_LINES = (str(EventKind.CONSENT_RECORDED.label), str(EventKind.CONSENT_WITHDRAWN.label))


def consent_lines(client, case) -> list[str]:
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)
    lines = re.findall(r"<li>(.*?)</li>", timeline, re.S)
    return [line for line in lines if any(label in line for label in CONSENT_LINES)]


def test_a_consent_covering_health_is_not_on_the_colleagues_timeline(
    client_for, case, owner, colleague, other_ngo
):
    consent = give_consent(case, owner, organisation=other_ngo, health=True)
    consent_withdraw(actor=owner, consent=consent)
    assert consent_lines(client_for(colleague), case) == []
    assert len(consent_lines(client_for(owner), case)) == 2


def test_a_consent_naming_an_organisation_treating_her_health_is_not_either(
    client_for, case, owner, colleague, other_ngo
):
    give_consent(case, owner, organisation=other_ngo, health=False)
    send(case, owner, other_ngo, service="hiv_care")
    assert consent_lines(client_for(colleague), case) == []
    assert len(consent_lines(client_for(owner), case)) == 1


def test_the_colleague_still_reads_a_consent_that_tells_nothing_of_health(
    client_for, case, owner, colleague, other_ngo
):
    give_consent(case, owner, organisation=other_ngo, health=False)
    send(case, owner, other_ngo, service="legal_aid")
    (line,) = consent_lines(client_for(colleague), case)
    assert other_ngo.short_name in line


def test_lines_written_before_are_paired_with_their_consents(case, owner, colleague, other_ngo):
    plain = give_consent(case, owner, organisation=None, kind="ngo", health=False)
    health = give_consent(case, owner, organisation=other_ngo, health=True)
    consent_withdraw(actor=owner, consent=health)
    consent_withdraw(actor=owner, consent=plain)
    lines = case.events.filter(message__startswith="consent")
    written = {(e.kind, e.message, e.organisation_id) for e in lines}
    lines.update(message="consent", organisation=None)  # as an older version wrote them
    migration = import_module("cases.migrations.0023_consent_lines_read_as_their_consent")
    migration.forwards(apps, None)
    assert {(e.kind, e.message, e.organisation_id) for e in lines.all()} == written
