"""The counties and county-level cities of 塔城地区 (POLICY.md, "Places"; GB/T 2260).

Minimum-wage tiers are a sample (Xinjiang's 2018 tiers); the bureau edits them.
沙湾县 became 沙湾市 in 2021: both stay valid, because ID numbers and old records keep 654223.
"""

import datetime

from django.db import migrations

COUNTIES = [
    # code, name, English, valid_from, valid_to, wage tier (sample)
    ("654201", "塔城市", "Tacheng City", None, None, 2),
    ("654202", "乌苏市", "Wusu City", None, None, 2),
    ("654203", "沙湾市", "Shawan City", datetime.date(2021, 1, 1), None, 3),
    ("654221", "额敏县", "Emin County", None, None, 3),
    ("654223", "沙湾县", "Shawan County", None, datetime.date(2020, 12, 31), 3),
    ("654224", "托里县", "Toli County", None, None, 4),
    ("654225", "裕民县", "Yumin County", None, None, 4),
    ("654226", "和布克赛尔蒙古自治县", "Hoboksar Mongol Autonomous County", None, None, 4),
]


def create_counties(apps, schema_editor):
    County = apps.get_model("registry", "County")
    for code, name, name_en, valid_from, valid_to, tier in COUNTIES:
        County.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "valid_from": valid_from, "valid_to": valid_to, "wage_tier": tier},
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create_counties, migrations.RunPython.noop)]
