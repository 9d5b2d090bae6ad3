"""Seed the sample thresholds above which a parameter change needs a second officer (clause (十四)).

The values are copied here so that this migration stays as it was; officers replace them in the back office.
"""

from django.db import migrations

SOURCE = "塔行发〔2019〕16号（十四）"

PARAMETERS = [
    (
        "parameter_change.confirmation_threshold_yuan",
        "100000.00",
        "Sample: a change moving open cases and offers by more than this (sum of absolute differences, yuan) "
        "needs a second officer's confirmation.",
    ),
    (
        "parameter_change.confirmation_threshold_eligibility",
        0,
        "Sample: a change turning more than this many open cases or offers eligible or ineligible needs a second "
        "officer's confirmation.",
    ),
]


def seed(apps, schema_editor):
    Parameter = apps.get_model("subsidies", "Parameter")
    for key, value, note in PARAMETERS:
        Parameter.objects.get_or_create(
            key=key,
            valid_from="2019-01-01",
            defaults={"value": value, "source": SOURCE, "is_sample": True, "note": note},
        )


def unseed(apps, schema_editor):
    apps.get_model("subsidies", "Parameter").objects.filter(
        key__in=[p[0] for p in PARAMETERS], created_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0012_parameter_change")]
    operations = [migrations.RunPython(seed, unseed)]
