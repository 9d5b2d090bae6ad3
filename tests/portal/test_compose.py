"""docker-compose.yml (production) is parsed and checked: there is no Docker engine on this machine to run it."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def load() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_has_the_services_of_production() -> None:
    assert {"db", "redis", "web", "worker", "worker-notices", "worker-imports", "beat"} <= set(load()["services"])


def test_each_celery_queue_has_a_worker_service_of_its_own() -> None:
    services = load()["services"]
    consumed = {}
    for name, service in services.items():
        command = service.get("command") or []
        if command[:4] == ["celery", "-A", "portal", "worker"]:
            consumed[command[command.index("--queues") + 1]] = name
    assert set(consumed) == set(settings.CELERY_TASK_QUEUES) == {"default", "notices", "imports"}


def test_every_store_of_user_data_is_on_a_volume() -> None:
    compose = load()
    services = compose["services"]
    for name in ("web", "worker", "worker-notices", "worker-imports"):
        environment = services[name]["environment"]
        mounts = {v.split(":")[1]: v.split(":")[0] for v in services[name]["volumes"]}
        for variable in ("MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "BACKUP_ROOT"):
            assert environment[variable] in mounts, (name, variable)
            assert mounts[environment[variable]] in compose["volumes"]
    assert services["redis"]["volumes"][0].split(":")[0] in compose["volumes"]


def test_the_healthchecks_ask_the_portal_about_beat_and_web() -> None:
    services = load()["services"]
    assert services["beat"]["healthcheck"]["test"] == ["CMD", "python", "manage.py", "healthcheck", "--only", "beat"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "HEALTHZ_CHECK_BEAT=1" in (ROOT / ".env.example").read_text()


def test_its_database_is_postgres_15_on_a_volume() -> None:
    compose = load()
    db = compose["services"]["db"]
    assert db["image"] == "postgres:15"
    assert any(v.endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert db["volumes"][0].split(":")[0] in compose["volumes"]
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])


def test_its_redis_keeps_queued_work_and_never_evicts_it() -> None:
    redis = load()["services"]["redis"]
    assert redis["image"] == "redis:7"
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"


def test_web_worker_and_beat_run_from_one_image_built_by_the_dockerfile() -> None:
    services = load()["services"]
    names = ("web", "worker", "worker-notices", "worker-imports", "beat")
    images = {services[name]["image"] for name in names}
    assert len(images) == 1
    assert all(services[name]["build"] == "." for name in names)
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    for name in ("db", "redis", *names):
        assert "healthcheck" in services[name], name


def test_the_dockerfile_installs_what_pdfs_and_translations_need() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("# ") and "FROM python:3.11-slim" in dockerfile
    for package in ("libpango-1.0-0", "fonts-noto-cjk", "gettext"):
        assert package in dockerfile


def test_the_example_env_file_names_every_required_variable() -> None:
    example = (ROOT / ".env.example").read_text()
    required = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY")
    for name in required:
        assert f"{name}=" in example


def test_gunicorn_shares_its_metrics_between_processes() -> None:
    web = load()["services"]["web"]
    command = web["command"]
    assert command[command.index("--config") + 1] == "python:portal.gunicorn_conf"
    assert web["environment"]["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")
    assert "METRICS_TOKEN=" in (ROOT / ".env.example").read_text()
