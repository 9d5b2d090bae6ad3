"""The national holiday calendar of 2019 (国办发明电〔2018〕15号 and the 2019 May Day change), the plan's year.

Officers add later years in the admin; weekend days worked in exchange for a holiday are 'working_day'.
"""

import datetime

from django.db import migrations

HOLIDAYS = {
    "元旦": ["2019-01-01"],
    "春节": ["2019-02-04", "2019-02-05", "2019-02-06", "2019-02-07", "2019-02-08", "2019-02-09", "2019-02-10"],
    "清明节": ["2019-04-05", "2019-04-06", "2019-04-07"],
    "劳动节": ["2019-05-01", "2019-05-02", "2019-05-03", "2019-05-04"],
    "端午节": ["2019-06-07", "2019-06-08", "2019-06-09"],
    "中秋节": ["2019-09-13", "2019-09-14", "2019-09-15"],
    "国庆节": ["2019-10-01", "2019-10-02", "2019-10-03", "2019-10-04", "2019-10-05", "2019-10-06", "2019-10-07"],
}
WORKING_WEEKEND_DAYS = {
    "春节调休": ["2019-02-02", "2019-02-03"],
    "劳动节调休": ["2019-04-28", "2019-05-05"],
    "国庆节调休": ["2019-09-29", "2019-10-12"],
}


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("subsidies", "CalendarDay")
    for kind, table in (("holiday", HOLIDAYS), ("working_day", WORKING_WEEKEND_DAYS)):
        for name, days in table.items():
            for day in days:
                CalendarDay.objects.update_or_create(
                    day=datetime.date.fromisoformat(day), defaults={"kind": kind, "name": name}
                )


class Migration(migrations.Migration):
    dependencies = [("subsidies", "0004_cases")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
