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
