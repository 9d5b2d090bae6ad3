"""`make run`'s path: no DATABASE_URL, no REDIS_URL -> SQLite file and eager tasks. Keeps that path from rotting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
from django.conf import settings
from django.test import Client
assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
assert settings.CELERY_TASK_ALWAYS_EAGER
from portal.tasks import heartbeat
assert heartbeat.delay().get().endswith("+00:00")
page = Client(HTTP_HOST="127.0.0.1").get("/")
assert page.status_code == 200, page.status_code
assert "塔城地区就业服务" in page.content.decode()
health = Client(HTTP_HOST="127.0.0.1").get("/healthz")
assert health.status_code == 200, health.content

# A refund submitted through the check page: on SQLite too, the submission's one compiled query (registry.compiled)
# finds and locks the case, and a retried POST lands on the same confirmation.
import uuid
from decimal import Decimal
from django.contrib.auth.models import Group
from django.utils import timezone
from portal.models import EnterpriseMembership, User
from portal.roles import Role
from registry.demo import demo_credit_code
from registry.models import County, Enterprise, InsuranceYear
from subsidies.cases import workflow
from subsidies.models import Case, CaseKind, CaseState
county = County.objects.get(code="654201")
ent = Enterprise.objects.create(credit_code=demo_credit_code(99001, "654201"), name="嵌入式测试企业", county=county,
    size_class="small")
InsuranceYear.objects.create(enterprise=ent, year=2018, insured_at_start=40, insured_at_end=39, retired_or_deceased=1,
    ui_premiums_paid=Decimal("48000.00"), ui_months_paid_in_full=12, monthly_social_insurance_due=Decimal("30000.00"))
user = User.objects.create(username="embedded-applicant@example.invalid", email="embedded-applicant@example.invalid")
user.groups.add(Group.objects.get(name=Role.ENTERPRISE_APPLICANT.value))
EnterpriseMembership.objects.create(user=user, enterprise=ent, email_confirmed_at=timezone.now())
draft = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=user)
answers = {"ui_premiums_paid_last_year": "48000.00", "ui_months_paid_in_full": 12, "insured_at_start": 40,
    "insured_at_end": 39, "retired_or_deceased": 1, "figures_source": "registry", "bank_name": "中国工商银行塔城分行",
    "declaration": True}
workflow.case_draft_save(case=draft, answers=answers, actor=user, track="standard", bank_account="6222021234567890123")
applicant = Client(HTTP_HOST="127.0.0.1")
applicant.force_login(user)
check = f"/apply/stable-job-refund/{draft.pk}/check/"
token = str(uuid.uuid4())
first = applicant.post(check, {"token": token})
again = applicant.post(check, {"token": token})
assert first.status_code == 302 and first["Location"].endswith(f"/apply/cases/{draft.pk}/confirmation/"), first
assert again["Location"] == first["Location"]
assert Case.objects.get(pk=draft.pk).state == CaseState.SUBMITTED
print("embedded-ok")
"""


@pytest.mark.timeout(300)
def test_it_migrates_seeds_and_serves_on_sqlite_with_eager_tasks(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS"}
    }
    env.update({"DEBUG": "1", "SQLITE_PATH": str(tmp_path / "db.sqlite3")})

    def manage(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    counts = (
        "from django.apps import apps; "
        "print(sorted((m._meta.label, m._default_manager.count()) for m in apps.get_models()))"
    )
    manage("migrate", "--noinput", "-v0")
    first = manage("seed_demo")
    after_first = manage("shell", "-c", counts)
    again = manage("seed_demo")
    assert "caseworker" in first and "TOTP secret" in first
    # Idempotent: the second run adds nothing and prints the same sign-ins and TOTP secrets.
    assert manage("shell", "-c", counts) == after_first
    sign_ins = [line for line in first.splitlines() if "TOTP secret" in line]
    assert sign_ins == [line for line in again.splitlines() if "TOTP secret" in line]
    assert "embedded-ok" in manage("shell", "-c", PROBE)
