from django.db import migrations, models
from django.utils import timezone


def count_answer_days(apps, schema_editor):
    """Days to answer of the referrals answered before the field existed."""
    Referral = apps.get_model("referrals", "Referral")
    answered = Referral.objects.filter(answered_at__isnull=False, answer_days__isnull=True)
    batch = []
    for referral in answered.only("pk", "sent_at", "answered_at").iterator(chunk_size=2000):
        days = timezone.localdate(referral.answered_at) - timezone.localdate(referral.sent_at)
        referral.answer_days = max(days.days, 0)
        batch.append(referral)
        if len(batch) == 2000:
            Referral.objects.bulk_update(batch, ["answer_days"])
            batch = []
    Referral.objects.bulk_update(batch, ["answer_days"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="answer_days",
            field=models.PositiveIntegerField(
                blank=True,
                editable=False,
                help_text="Days from sending to the answer, in Phnom Penh dates; set with the answer.",
                null=True,
                verbose_name="days to answer",
            ),
        ),
        migrations.RunPython(count_answer_days, migrations.RunPython.noop),
    ]
