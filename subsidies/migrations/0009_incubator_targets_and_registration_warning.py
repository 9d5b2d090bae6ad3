"""Seed the targets of clause (四) to the end of 2020, and the sample parameters of the registration warning (十二).

The values are copied here from the plan (seed document, clause (四)) so that this migration stays as it was.
"""

from django.db import migrations

PLAN = "塔行发〔2019〕16号"
DEADLINE = "2020-12-31"
SOURCE = f"{PLAN}（四）"

# kind, level, target
COUNTS = [
    ("maker_space", "national", 2),
    ("maker_space", "regional", 4),
    ("maker_space", "prefecture", 6),
    ("maker_space", "county", 7),
    ("tech_incubator", "national", 1),
    ("tech_incubator", "regional", 4),
    ("tech_incubator", "prefecture", 5),
    ("tech_incubator", "county", 6),
    ("innovation_base", "regional", 3),
    ("innovation_base", "prefecture", 5),
    ("innovation_base", "county", 7),
    ("star_space", "regional", 3),
    ("star_space", "prefecture", 6),
    ("star_space", "county", 7),
    ("demonstration_base", "regional", 1),
]
GOALS = [("jobs", 600), ("agricultural_firms", 50), ("rural_leaders", 150), ("mentors", 50)]

PARAMETERS = [
    ("registration_warning.rise", "0.20", f"{PLAN}（十二）", True,
     "Sample: new registrations this month above the county's trailing average by this share."),
    ("registration_warning.trailing_months", 3, f"{PLAN}（十二）", True, "Sample: months of the trailing average."),
]


def seed(apps, schema_editor):
    IncubatorTarget = apps.get_model("subsidies", "IncubatorTarget")
    Parameter = apps.get_model("subsidies", "Parameter")
    for kind, level, target in COUNTS:
        IncubatorTarget.objects.get_or_create(
            kind=kind, level=level, goal="", deadline=DEADLINE, defaults={"target": target, "source": SOURCE}
        )
    for goal, target in GOALS:
        IncubatorTarget.objects.get_or_create(
            kind="", level="", goal=goal, deadline=DEADLINE, defaults={"target": target, "source": SOURCE}
        )
    for key, value, source, is_sample, note in PARAMETERS:
        Parameter.objects.get_or_create(
            key=key,
            valid_from="2019-01-01",
            defaults={"value": value, "source": source, "is_sample": is_sample, "note": note},
        )


def unseed(apps, schema_editor):
    apps.get_model("subsidies", "IncubatorTarget").objects.filter(deadline=DEADLINE, source=SOURCE).delete()
    apps.get_model("subsidies", "Parameter").objects.filter(
        key__in=[p[0] for p in PARAMETERS], created_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0008_incubators_and_statistics_indexes")]
    operations = [migrations.RunPython(seed, unseed)]
