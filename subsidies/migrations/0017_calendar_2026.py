"""The national holiday calendar of 2026 (国务院办公厅关于2026年部分节假日安排的通知): public facts, so that lists
published in 2026 count its holidays. Officers keep later years on the workbench (/workbench/calendar/).
"""

import datetime

from django.db import migrations


def _span(first: str, last: str) -> list[str]:
    start, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    return [(start + datetime.timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


HOLIDAYS = {
    "元旦": _span("2026-01-01", "2026-01-03"),
    "春节": _span("2026-02-15", "2026-02-23"),
    "清明节": _span("2026-04-04", "2026-04-06"),
    "劳动节": _span("2026-05-01", "2026-05-05"),
    "端午节": _span("2026-06-19", "2026-06-21"),
    "中秋节": _span("2026-09-25", "2026-09-27"),
    "国庆节": _span("2026-10-01", "2026-10-07"),
}
WORKING_WEEKEND_DAYS = {
    "元旦调休": ["2026-01-04"],
    "春节调休": ["2026-02-14", "2026-02-28"],
    "劳动节调休": ["2026-05-09"],
    "国庆节调休": ["2026-09-20", "2026-10-10"],
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
    dependencies = [("subsidies", "0016_plan_gaps")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
