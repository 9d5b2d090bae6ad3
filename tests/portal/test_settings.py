"""Settings come from the environment: production passes check --deploy, bad values fail at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "portal.settings.base",
    "DEBUG": "0",
    "SECRET_KEY": "k3J9-x!pQ7vLm2#Rt8wZ4yN6bH1cF5gD0sA&eU*iO(pV)qW_rT+zX=uY^nM%lK$jG@hB",
    "ALLOWED_HOSTS": "jobs.tacheng.example",
    "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "FIELD_ENCRYPTION_KEYS": "lq3bSzL8m6vSWdlcLKmqVmDMQ2AVXXbDGfgrUPczE6U=",
    "BLIND_INDEX_KEY": "a-production-like-blind-index-key-0123456789",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # Only what a shell gives a process: none of the variables the test settings put in this process.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deployment_check_with_zero_warnings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues (0 silenced)" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_in_production() -> None:
    result = manage("check", env={**PRODUCTION_ENV, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_a_boolean_it_cannot_read() -> None:
    result = manage("check", env={**PRODUCTION_ENV, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_it_refuses_a_field_encryption_key_that_is_not_a_fernet_key() -> None:
    result = manage("check", env={**PRODUCTION_ENV, "FIELD_ENCRYPTION_KEYS": "not-a-key"})
    assert result.returncode != 0
    assert "not a Fernet key" in result.stderr


def test_it_refuses_a_redis_url_of_another_scheme() -> None:
    result = manage("check", env={**PRODUCTION_ENV, "REDIS_URL": "http://127.0.0.1:6379"})
    assert result.returncode != 0
    assert "REDIS_URL" in result.stderr


def test_it_uses_chinese_and_shanghai_time() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en", "kk-arab", "ug"]
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
