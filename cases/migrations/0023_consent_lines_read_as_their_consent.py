"""Timeline lines about a consent written before they named the consent's organisation
and its health cover (cases.services `_consent_event`): each is paired with its consent
and given both, so that the case page hides it wherever it hides the consent.

A consent and its "recorded" line are written in one transaction, in the same order, so
the n-th such line of a case belongs to its n-th consent. A "withdrawn" line belongs to
the withdrawn consent last changed nearest to it. A line that cannot be paired is read as
health: hiding a line about a consent is safer than showing one about a hidden consent."""

from django.db import migrations


def _pair(event, consent, updates):
    event.organisation_id = consent.shared_with_organisation_id if consent else None
    if consent is None or consent.covers_health:
        event.message = "consent.health"
    updates.append(event)


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("cases", "CaseEvent")
    Consent = apps.get_model("cases", "Consent")
    lines = CaseEvent.objects.filter(
        kind__in=("consent_recorded", "consent_withdrawn"), message="consent"
    ).order_by("case_id", "occurred_at", "id")
    case_ids = sorted(set(lines.values_list("case_id", flat=True)))
    for start in range(0, len(case_ids), 1000):
        batch = case_ids[start : start + 1000]
        consents: dict[int, list] = {}
        for consent in Consent.objects.filter(case_id__in=batch).order_by("created_at", "id"):
            consents.setdefault(consent.case_id, []).append(consent)
        updates: list = []
        recorded_seen: dict[int, int] = {}
        for event in lines.filter(case_id__in=batch).iterator(chunk_size=2000):
            own = consents.get(event.case_id, [])
            if event.kind == "consent_recorded":
                n = recorded_seen.get(event.case_id, 0)
                recorded_seen[event.case_id] = n + 1
                _pair(event, own[n] if n < len(own) else None, updates)
            else:
                withdrawn = [c for c in own if c.withdrawn_on is not None]
                nearest = min(
                    withdrawn,
                    key=lambda c: abs((c.updated_at - event.occurred_at).total_seconds()),
                    default=None,
                )
                _pair(event, nearest, updates)
        CaseEvent.objects.bulk_update(updates, ["organisation", "message"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("cases", "0022_cases_needing_worker_index")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
