"""Field-level change history (django-auditlog): which fields changed, by whom, from where."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit.registry import REDACTED
from cases.models import Case, Consent
from cases.services import case_update
from tests.referrals.helpers import give_consent

pytestmark = pytest.mark.django_db


def entries_for(obj, action):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk), action=action
    ).order_by("id")


def test_a_case_update_names_the_fields_and_masks_the_identity(owner, case):
    case_update(actor=owner, case=case, name_latin="Chan Dara", risk_level="high")
    entry = entries_for(case, LogEntry.Action.UPDATE).last()
    assert set(entry.changes_dict) >= {"name_latin", "risk_level"}
    assert entry.changes_dict["name_latin"] == [REDACTED, REDACTED]
    assert entry.changes_dict["risk_level"] == ["medium", "high"]
    assert entry.object_repr == f"case {case.pk}"


def test_a_case_created_says_which_fields_it_has_not_their_values(owner, case):
    entry = entries_for(case, LogEntry.Action.CREATE).get()
    assert entry.changes_dict["name_latin"][1] == REDACTED
    assert entry.changes_dict["phase"][1] == "identification"


def test_a_consent_withdrawal_through_the_page_has_actor_address_and_field(client_for, owner, case):
    consent = give_consent(case, owner, purpose="services")
    response = client_for(owner).post(
        reverse("cases:consent-withdraw", args=[case.pk, consent.pk]),
        {"on": timezone.localdate().isoformat(), "reason": "The survivor asked."},
        REMOTE_ADDR="192.0.2.44",
    )
    assert response.status_code == 302
    entry = entries_for(consent, LogEntry.Action.UPDATE).last()
    assert "withdrawn_on" in entry.changes_dict
    assert entry.actor == owner
    assert entry.remote_addr == "192.0.2.44"


def test_a_phase_change_through_the_page_is_in_the_history(client_for, owner, case):
    client_for(owner).post(reverse("cases:phase", args=[case.pk]), {"to_phase": "intake"})
    entry = entries_for(case, LogEntry.Action.UPDATE).last()
    assert entry.changes_dict["phase"] == ["identification", "intake"]
    assert entry.actor == owner


def test_every_survivor_model_is_registered():
    from auditlog.registry import auditlog
    from django.apps import apps

    for label in (
        "cases.Case",
        "cases.CaseSensitiveFacts",
        "cases.CaseExploitation",
        "cases.Consent",
        "cases.CounsellingSession",
        "referrals.Referral",
        "followup.FollowUpVisit",
    ):
        assert auditlog.contains(apps.get_model(label)), label
    assert Case in auditlog.get_models() and Consent in auditlog.get_models()


def test_a_form_of_exploitation_added_and_removed_is_in_the_history_without_its_value(owner, case):
    from cases.models import CaseExploitation
    from cases.services import Exploitation

    kept = case.exploitations.get()
    case_update(
        actor=owner,
        case=case,
        exploitations=[Exploitation(kept.form), Exploitation("begging", "TH")],
    )
    added = CaseExploitation.objects.get(case=case, form="begging")
    created = entries_for(added, LogEntry.Action.CREATE).get()
    assert created.changes_dict["form"][1] == REDACTED
    assert created.changes_dict["country"][1] == REDACTED
    assert case.exploitations.get(form=kept.form).pk == kept.pk  # a kept form keeps its row
    case_update(actor=owner, case=case, exploitations=[Exploitation(kept.form)])
    assert entries_for(added, LogEntry.Action.DELETE).exists()
