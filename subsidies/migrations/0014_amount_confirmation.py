"""Four-eyes on money (clause （十四）): the fields of a second officer's confirmation, and sample thresholds.

The values are samples copied here so that this migration stays as it was; officers replace them in the back office.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SOURCE = "塔行发〔2019〕16号（十四）"

PARAMETERS = [
    ("amount_override.margin_yuan", "0.00"),
    ("amount_ceiling.stable_job_refund", "1000000.00"),
    ("amount_ceiling.training_subsidy", "100000.00"),
    ("amount_ceiling.living_allowance", "10000.00"),
    ("amount_ceiling.skill_upgrade", "10000.00"),
    ("amount_ceiling.internship", "200000.00"),
    ("amount_ceiling.startup_loan", "3000000.00"),
    ("amount_ceiling.in_job_training", "500000.00"),
]
NOTE = "Sample: an approved amount above this needs a second officer's confirmation before it is final."


def seed(apps, schema_editor):
    Parameter = apps.get_model("subsidies", "Parameter")
    for key, value in PARAMETERS:
        Parameter.objects.get_or_create(
            key=key,
            valid_from="2019-01-01",
            defaults={"value": value, "source": SOURCE, "is_sample": True, "note": NOTE},
        )


def unseed(apps, schema_editor):
    apps.get_model("subsidies", "Parameter").objects.filter(
        key__in=[p[0] for p in PARAMETERS], created_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0013_parameter_change_thresholds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="amount_confirmation_needed",
            field=models.BooleanField(default=False, verbose_name="amount awaits a second officer"),
        ),
        migrations.AddField(
            model_name="case",
            name="amount_confirmation_reason",
            field=models.TextField(blank=True, verbose_name="reason of the second officer"),
        ),
        migrations.AddField(
            model_name="case",
            name="amount_confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="amount confirmed"),
        ),
        migrations.AddField(
            model_name="case",
            name="amount_confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="amounts_confirmed",
                to=settings.AUTH_USER_MODEL,
                verbose_name="amount confirmed by",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
