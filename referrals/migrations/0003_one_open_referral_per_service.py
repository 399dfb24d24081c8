from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, Min

OPEN = ("sent", "accepted", "in_progress")


def close_duplicate_open_referrals(apps, schema_editor):
    """Before the constraint: of several open referrals of a case to one organisation for one
    service, the first sent stays; later ones not yet answered are cancelled (nothing was
    shared through them). Duplicates already accepted need a person's decision: the
    migration stops and names them."""
    Referral = apps.get_model("referrals", "Referral")
    groups = (
        Referral.objects.filter(status__in=OPEN)
        .values("case_id", "to_organisation_id", "service")
        .annotate(count=Count("id"), first=Min("id"))
        .filter(count__gt=1)
    )
    blocking = []
    for group in groups:
        later = Referral.objects.filter(
            case_id=group["case_id"],
            to_organisation_id=group["to_organisation_id"],
            service=group["service"],
            status__in=OPEN,
        ).exclude(pk=group["first"])
        later.filter(status="sent").update(status="cancelled")
        blocking += list(later.exclude(status="sent").values_list("pk", flat=True))
    if blocking:
        raise RuntimeError(
            "Several open referrals of the same case to the same organisation for the same "
            f"service were accepted: ids {sorted(blocking)}. Complete or cancel all but one, "
            "then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_dashboard_indexes"),
        ("organisations", "0004_retention"),
        ("referrals", "0002_answer_days"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(close_duplicate_open_referrals, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status__in", ("sent", "accepted", "in_progress"))),
                fields=("case", "to_organisation", "service"),
                name="referral_one_open_per_service",
                violation_error_message=(
                    "This case already has an open referral to this organisation for this service."
                ),
            ),
        ),
    ]
