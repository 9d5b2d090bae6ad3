"""PIPL: no page, log line, audit row or exported file holds a full ID number, unless an allowed user revealed it.

Seeds the demo registry, walks every registry page as each staff role (and the admin as a superuser), runs the
imports with bad rows, and scans everything produced for every person's full ID number.
"""

from __future__ import annotations

import csv
import io
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.roles import Role
from registry.demo import DEMO_CSV, seed
from registry.models import AuditEvent, Enterprise, ImportJob, Person

pytestmark = pytest.mark.django_db


def full_numbers() -> set[str]:
    return {p.id_number for p in Person.objects.all()}


def leaks(text: str, numbers: set[str]) -> set[str]:
    return {n for n in numbers if n in text}


@pytest.fixture
def demo_registry():
    seed(stdout=io.StringIO())
    return full_numbers()


def pages_for(client, people, enterprises, jobs):  # type: ignore[no-untyped-def]
    urls = [reverse("workbench:registry-search"), reverse("workbench:registry-imports")]
    urls += [reverse("workbench:registry-person", args=[p.pk]) for p in people]
    urls += [reverse("workbench:registry-enterprise", args=[e.pk]) for e in enterprises]
    urls += [reverse("workbench:registry-import", args=[j.pk]) for j in jobs]
    urls += [reverse("workbench:registry-import-report", args=[j.pk]) for j in jobs if j.status == "done"]
    for url in urls:
        yield url, client.get(url)
    for person in people:
        yield "search", client.post(reverse("workbench:registry-search"), {"q": person.id_number, "kind": "people"})


def test_no_page_log_line_audit_row_or_export_holds_a_full_id_number(
    demo_registry, make_user, client_for, caplog, capsys, tmp_path, django_capture_on_commit_callbacks
):
    numbers = demo_registry
    assert len(numbers) >= 20
    caplog.set_level(logging.DEBUG)
    officer = make_user(Role.PREFECTURE_OFFICER)
    staff = [make_user(Role.COUNTY_CASEWORKER, county_code="654201"), officer, make_user(Role.AUDITOR)]

    # Imports from the command line and the browser, with bad rows whose values end up in reports.
    people_file = tmp_path / "people.csv"
    rows = [["身份证号", "姓名", "手机号", "常住地县市代码", "常住地址", "户籍地代码"]]
    rows += [[p.id_number, p.name, p.phone, "659999", "", ""] for p in Person.objects.all()[:5]]  # unknown county
    rows += [
        [p.id_number[:-1] + ("0" if p.id_number[-1] != "0" else "1"), "某人", "", "654201", "", ""]
        for p in Person.objects.all()[:5]
    ]  # wrong check character
    with people_file.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    report_file = tmp_path / "report.csv"
    call_command("import_registry", "persons", str(people_file), "--report", str(report_file))
    numbers |= {r[0] for r in rows[1:]}
    client = client_for(officer)
    with people_file.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workbench:registry-imports"), {"kind": "persons", "file": handle})
    with DEMO_CSV.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("workbench:registry-imports"), {"kind": "insurance", "file": handle})

    produced: list[tuple[str, str]] = [("report file", report_file.read_text(encoding="utf-8-sig"))]
    people, enterprises, jobs = (
        list(Person.objects.all()),
        list(Enterprise.objects.all()),
        list(ImportJob.objects.all()),
    )
    for user in staff:
        user_client = client_for(user)
        for url, response in pages_for(user_client, people, enterprises, jobs):
            produced.append((f"{user.username} {url}", response.content.decode("utf-8", "replace")))
            produced.append((f"{user.username} {url} headers", str(response.headers)))

    superuser = make_user(Role.PREFECTURE_OFFICER)
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    admin = client_for(superuser)
    for url in [
        reverse("admin:registry_person_changelist"),
        reverse("admin:registry_person_change", args=[people[0].pk]),
        reverse("admin:registry_auditevent_changelist"),
        reverse("admin:registry_importjob_change", args=[jobs[0].pk]),
        reverse("admin:registry_enterprise_change", args=[enterprises[0].pk]),
    ]:
        response = admin.get(url)
        assert response.status_code == 200, url
        produced.append((url, response.content.decode()))

    produced += [(f"audit {e.pk}", f"{e.before} {e.after} {e.reason}") for e in AuditEvent.objects.all()]
    produced += [(f"job {j.pk}", f"{j.report} {j.error} {j.file_name}") for j in ImportJob.objects.all()]
    captured = capsys.readouterr()
    produced += [("stdout", captured.out), ("stderr", captured.err), ("log", caplog.text)]

    found = {where: leaks(text, numbers) for where, text in produced if leaks(text, numbers)}
    assert found == {}
    assert len(produced) > 100


def test_only_an_allowed_users_reveal_shows_the_full_number(demo_registry, caseworker, auditor, client_for):
    person = Person.objects.get(id_number_index__isnull=False, name="阿依古丽·买买提")
    url = reverse("workbench:registry-person-reveal", args=[person.pk])
    assert person.id_number in client_for(caseworker).post(url, {"reason": "核对身份证原件"}).content.decode()
    assert person.id_number not in client_for(auditor).post(url, {"reason": "核对身份证原件"}).content.decode()
