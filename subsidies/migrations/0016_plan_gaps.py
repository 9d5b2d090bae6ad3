"""Close gaps between the portal and the plan (issue 15): the （四） target of agricultural talent, the dated
parameters of （六）, （十）, （一） and of the reconsideration wording, and the （八） occupation keys without spaces.

The values are copied here so that this migration stays as it was when it ran; officers change them in the back
office. Samples are marked as such.
"""

import unicodedata

from django.db import migrations, models

PLAN = "塔行发〔2019〕16号"
START = "2019-01-01"
DEADLINE = "2020-12-31"
INCUBATOR_SOURCE = f"{PLAN}（四）"

# （十） Samples: 90% of the county's minimum-wage tier (tiers 2/3/4: 1,620 / 1,540 / 1,460), the national
# guidance of raising the benefit to 90% of the minimum wage (人社部发〔2017〕71号); the medical premium is a sample.
UI_BENEFIT = {
    "654201": "1458.00",
    "654202": "1458.00",
    "654203": "1386.00",
    "654221": "1386.00",
    "654223": "1386.00",
    "654224": "1314.00",
    "654225": "1314.00",
    "654226": "1314.00",
}
MEDICAL_PREMIUM = "150.00"

# key, value, valid_from, valid_to, source, is_sample, note
PARAMETERS = [
    *(
        (
            f"ui_benefit.monthly_amount.{code}",
            amount,
            START,
            None,
            "失业保险条例第十八条",
            True,
            "Sample: 90% of the county's minimum wage (below it, above 低保); the county sets the real amount.",
        )
        for code, amount in UI_BENEFIT.items()
    ),
    *(
        (
            f"ui_benefit.medical_premium.{code}",
            MEDICAL_PREMIUM,
            START,
            None,
            f"{PLAN}（十）",
            True,
            "Sample: the basic medical insurance premium the fund pays per month for a person on benefit.",
        )
        for code in UI_BENEFIT
    ),
    (
        "in_job_training.window",
        {"from": "2019-01-01", "to": "2019-12-31"},
        START,
        None,
        f"{PLAN}（六）",
        False,
        "2019年1月1日至12月31日，困难企业可组织开展职工在岗培训.",
    ),
    (
        "in_job_training.support_share_cap",
        "0.50",
        START,
        None,
        f"{PLAN}（六）",
        True,
        "Sample: 可由就业补助资金予以适当支持 — the most the county may approve, as a share of the shortfall.",
    ),
    (
        "reconsideration.authority",
        "same_level_government_or_higher_department",
        START,
        "2023-12-31",
        "《中华人民共和国行政复议法》（2017年修正）第十二条",
        False,
        "A department's decision: to the people's government at the same level or the department at the level above.",
    ),
    (
        "reconsideration.authority",
        "same_level_government",
        "2024-01-01",
        None,
        "《中华人民共和国行政复议法》（2023年修订）第二十四条",
        False,
        "From 2024-01-01 a county department's decision goes to the county people's government.",
    ),
    (
        "ui_fund.months_payable",
        "24",
        START,
        None,
        f"{PLAN}（一）",
        True,
        "Sample: months of benefit payments the prefecture's unemployment-insurance fund balance covers.",
    ),
]


def occupation_key(occupation):
    return "".join(unicodedata.normalize("NFKC", occupation).split()).casefold()


def seed(apps, schema_editor):
    Parameter = apps.get_model("subsidies", "Parameter")
    for key, value, valid_from, valid_to, source, is_sample, note in PARAMETERS:
        Parameter.objects.get_or_create(
            key=key,
            valid_from=valid_from,
            defaults={"value": value, "valid_to": valid_to, "source": source, "is_sample": is_sample, "note": note},
        )
    apps.get_model("subsidies", "IncubatorTarget").objects.get_or_create(
        kind="",
        level="",
        goal="agricultural_talent",
        deadline=DEADLINE,
        defaults={"target": 100, "source": INCUBATOR_SOURCE},
    )
    Case = apps.get_model("subsidies", "Case")
    for case in Case.objects.filter(kind="skill_upgrade").exclude(answers__occupation=None).iterator():
        key = occupation_key(str(case.answers.get("occupation", "")))
        if case.answers.get("occupation_key") != key:
            case.answers = {**case.answers, "occupation_key": key}
            case.save(update_fields=["answers"])


def unseed(apps, schema_editor):
    Parameter = apps.get_model("subsidies", "Parameter")
    for key, _value, valid_from, *_rest in PARAMETERS:
        Parameter.objects.filter(key=key, valid_from=valid_from, created_by__isnull=True).delete()
    apps.get_model("subsidies", "IncubatorTarget").objects.filter(goal="agricultural_talent").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subsidies", "0015_notification"),
    ]

    operations = [
        migrations.AddField(
            model_name="incubatortenant",
            name="agricultural_talent",
            field=models.PositiveIntegerField(
                default=0, verbose_name="agricultural science and technology start-up talent"
            ),
        ),
        migrations.AlterField(
            model_name="incubatortarget",
            name="goal",
            field=models.CharField(
                blank=True,
                choices=[
                    ("jobs", "Jobs created by incubated firms"),
                    ("agricultural_firms", "Agricultural firms and new farm businesses incubated"),
                    ("rural_leaders", "Rural science and technology start-up leaders trained"),
                    ("mentors", "Start-up mentors"),
                    ("agricultural_talent", "Agricultural science and technology start-up talent gathered"),
                ],
                max_length=30,
                verbose_name="goal",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
