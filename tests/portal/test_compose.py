"""docker-compose.yml (production) is parsed and checked: there is no Docker engine on this machine to run it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from django.conf import settings

from portal.celery import app
from registry.imports import RUN_TASK as IMPORT_TASK
from subsidies.document_jobs import RENDER_TASK

ROOT = Path(__file__).resolve().parents[2]
BEAT = ["celery", "-A", "portal", "beat"]


def load() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def running(profile: str | None = None) -> dict[str, dict]:
    """The services `docker compose [--profile PROFILE] up` starts: those of no profile, and those of PROFILE."""
    return {
        name: service
        for name, service in load()["services"].items()
        if not service.get("profiles") or profile in service["profiles"]
    }


def consumers(services: dict[str, dict]) -> dict[str, list[str]]:
    """queue -> the worker services consuming it."""
    consumed: dict[str, list[str]] = {}
    for name, service in services.items():
        command = service.get("command") or []
        if command[:4] == ["celery", "-A", "portal", "worker"]:
            for queue in command[command.index("--queues") + 1].split(","):
                consumed.setdefault(queue, []).append(name)
    return consumed


def test_it_has_the_services_of_production() -> None:
    assert {"db", "redis", "web", "worker", "worker-notices", "worker-imports", "beat"} <= set(load()["services"])


def test_each_celery_queue_has_a_worker_service_of_its_own() -> None:
    consumed = consumers(running())
    assert set(consumed) == set(settings.CELERY_TASK_QUEUES) == {"default", "notices", "imports"}
    assert all(len(workers) == 1 for workers in consumed.values()), consumed


def test_pdfs_and_imports_are_routed_to_their_queues_and_every_queue_has_a_worker_in_every_profile() -> None:
    app.loader.import_default_modules()
    names = [name for name in app.tasks if not name.startswith("celery.")]
    routes = {name: app.amqp.router.route({}, name)["queue"].name for name in names}
    assert routes[RENDER_TASK] == "notices"  # every notice PDF: approval, registration certificate, 公示 list
    assert routes[IMPORT_TASK] == "imports"
    assert routes["subsidies.notice_jobs_sweep"] == routes["registry.import_jobs_sweep"] == "default"  # small, beat's
    for profile in (None, "scale", "minio"):
        assert set(routes.values()) <= set(consumers(running(profile))) == set(settings.CELERY_TASK_QUEUES)


def test_the_scale_profile_puts_nginx_in_front_of_two_web_containers_and_two_notice_workers() -> None:
    services = running("scale")
    webs = sorted(name for name, service in services.items() if (service.get("command") or [""])[0] == "gunicorn")
    assert webs == ["web", "web2"]
    assert {services[name]["image"] for name in webs} == {services["worker"]["image"]}
    assert len(consumers(services)["notices"]) == 2
    assert len(consumers(services)["default"]) == len(consumers(services)["imports"]) == 1
    beats = [name for name, service in services.items() if (service.get("command") or [])[:4] == BEAT]
    assert beats == ["beat"]  # two beats would send every scheduled task twice

    nginx = services["nginx"]
    assert set(nginx["depends_on"]) == set(webs)
    mounted = {v.split(":")[0]: v.split(":")[1] for v in nginx["volumes"]}
    assert mounted["./nginx/portal.conf"] == "/etc/nginx/conf.d/default.conf"
    conf = (ROOT / "nginx" / "portal.conf").read_text()
    upstream = re.search(r"upstream portal_web \{(.*?)\}", conf, re.S).group(1)
    assert sorted(re.findall(r"server (\w+):8000", upstream)) == webs
    listen = re.search(r"listen (\d+);", conf).group(1)
    assert f"{listen}:{listen}" in nginx["ports"]
    # nginx hands out no file of its own: notices and evidence only through the portal's access-checked views.
    assert "alias " not in conf and "root " not in conf
    assert re.search(r"location /media/ \{\s*return 404;", conf)
    assert "X-Forwarded-Proto" in conf and "X-Request-ID" in conf


def test_without_a_profile_neither_nginx_nor_minio_nor_the_second_web_starts() -> None:
    assert not {"nginx", "web2", "worker-notices-2", "minio", "minio-bucket"} & set(running())


def test_minio_is_optional_wired_by_the_s3_variables_and_keeps_its_data_on_a_volume() -> None:
    compose = load()
    services = running("minio")
    minio = services["minio"]
    assert minio["environment"] == {
        "MINIO_ROOT_USER": "${S3_ACCESS_KEY_ID:-}",
        "MINIO_ROOT_PASSWORD": "${S3_SECRET_ACCESS_KEY:-}",
    }
    assert minio["volumes"][0].split(":")[0] in compose["volumes"]
    bucket = " ".join(services["minio-bucket"]["entrypoint"])
    assert "mc mb --ignore-existing" in bucket and "mc anonymous set none" in bucket  # no public access
    example = (ROOT / ".env.example").read_text()
    for name in ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_REGION"):
        assert f"\n{name}=" in example, name
    assert "S3_ENDPOINT_URL=http://minio:9000" in example
    readme = (ROOT / "README.md").read_text()
    assert "S3_BUCKET" in readme and "--profile minio" in readme and "--profile scale" in readme


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
