"""Notices and evidence on an S3-compatible store, as on many machines: against moto's S3 server on 127.0.0.1 (a
real HTTP endpoint, started by the suite), with STORAGES built by the same function the settings use.

A notice made by the real code lands in the bucket and its holder downloads those bytes; an upload lands there,
private, and only its owner and the county's caseworker get it back; no object answers an anonymous request;
backups read from and restore to the bucket; S3 is configured from the environment or the portal does not start."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from moto.server import ThreadedMotoServer

from portal.models import EnterpriseMembership
from portal.roles import Role
from portal.storage import s3_storages
from subsidies.measures.m09_registration import registration_submit
from subsidies.models import DocumentKind, Evidence, NoticeJob
from tests.ops.conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
KEY, SECRET, REGION = "portal-test-key", "portal-test-secret", "us-east-1"


@dataclass
class Bucket:
    endpoint: str
    name: str
    client: Any

    def objects(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server, on a free port of 127.0.0.1, for this module's tests."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str, settings, tmp_path: Path) -> Iterator[Bucket]:
    """A fresh bucket, and the portal's "notices" and "private" storages pointing at it. The local directories are
    empty folders of the test's own, to show that nothing is written there."""
    name = f"portal-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id=KEY, aws_secret_access_key=SECRET, region_name=REGION
    )
    client.create_bucket(Bucket=name)
    for folder in ("media", "private", "backups"):
        (tmp_path / "web" / folder).mkdir(parents=True)
    settings.MEDIA_ROOT = str(tmp_path / "web" / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "web" / "private")
    settings.BACKUP_ROOT = str(tmp_path / "web" / "backups")
    on_s3 = s3_storages(
        bucket=name, endpoint_url=s3_endpoint, access_key=KEY, secret_key=SECRET, region=REGION, url_expire_seconds=60
    )
    settings.STORAGES = {**settings.STORAGES, **on_s3}
    # Changing STORAGES resets Django's cache of storages (setting_changed); said again here, not relied upon.
    storages._backends = None
    storages._storages = {}
    yield Bucket(s3_endpoint, name, client)
    storages._backends = None
    storages._storages = {}


def _local_files(tmp_path: Path) -> list[Path]:
    """Files on the disks of the web process and of any worker started by the test (their media folders)."""
    return [p for folder in ("web", "media") for p in (tmp_path / folder).rglob("*") if p.is_file()]


@pytest.fixture
def approved_notice(
    make_user, caseworker, officer, approve_refund, publish_and_finalise, django_capture_on_commit_callbacks
):
    """An approved, published and final refund of an enterprise, its approval notice made by the real code
    (the eager Celery task the decision's commit sends); returns (the enterprise's applicant, the notice)."""

    def make() -> tuple[Any, Any]:
        applicant = make_user(Role.ENTERPRISE_APPLICANT)
        case = approve_refund(applicant, caseworker, officer)
        EnterpriseMembership.objects.create(user=applicant, enterprise=case.enterprise)
        with django_capture_on_commit_callbacks(execute=True):
            case = publish_and_finalise(case, officer)
        return applicant, NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL).notice

    return make


def _upload_residence_document(client, case) -> Evidence:
    """The resident's own upload, through the registration's residence page (as a phone posts it)."""
    page = client.post(
        f"/apply/services/unemployment-registration/{case.pk}/residence/",
        {
            "residence_county": case.county_id,
            "address": "乌苏市虹桥街道 12 号",
            "residence_document": SimpleUploadedFile("居住证明.png", PNG, content_type="image/png"),
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    return Evidence.objects.get(case=case)


@pytest.mark.django_db
def test_an_approval_notice_lands_in_the_bucket_and_its_holder_downloads_the_same_bytes(
    bucket, approved_notice, make_user, client_for, caseworker, caseworker_wusu, tmp_path
) -> None:
    applicant, notice = approved_notice()
    assert f"media/{notice.file}" in bucket.objects()
    stored = bucket.read(f"media/{notice.file}")
    assert stored.startswith(b"%PDF-") and hashlib.sha256(stored).hexdigest() == notice.sha256

    response = client_for(applicant).get(f"/apply/notices/{notice.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response) == stored and "no-store" in response["Cache-Control"]
    assert client_for(caseworker).get(f"/apply/notices/{notice.pk}/").status_code == 200
    # The attacker: another county's caseworker, another enterprise's applicant.
    assert client_for(caseworker_wusu).get(f"/apply/notices/{notice.pk}/").status_code == 404
    assert client_for(make_user(Role.ENTERPRISE_APPLICANT)).get(f"/apply/notices/{notice.pk}/").status_code == 404
    assert _local_files(tmp_path) == []  # nothing on this machine's disk: a second machine sees the same notice


@pytest.mark.django_db
def test_an_upload_lands_in_the_bucket_private_and_only_its_owner_and_the_countys_caseworker_get_it(
    bucket, make_person, make_resident_user, draft_registration, client_for, caseworker, caseworker_wusu, tmp_path
) -> None:
    who = make_person()  # lives in 乌苏市 (654202)
    owner = make_resident_user(who)
    case = draft_registration(owner)
    evidence = _upload_residence_document(client_for(owner), case)
    key = f"private/{evidence.file}"
    assert key in bucket.objects() and bucket.read(key) == PNG
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's only, nobody else's
    assert all(grant["Grantee"].get("URI") is None for grant in grants)  # no AllUsers / AuthenticatedUsers group
    registration_submit(case=case, token=uuid.uuid4(), actor=owner)

    got = client_for(owner).get(f"/apply/services/evidence/{evidence.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    assert got["X-Content-Type-Options"] == "nosniff" and "no-store" in got["Cache-Control"]
    staff = client_for(caseworker_wusu).get(f"/workbench/evidence/{evidence.pk}/")
    assert staff.status_code == 200 and b"".join(staff.streaming_content) == PNG

    # The attackers: a caseworker of another county, another resident, and nobody signed in.
    assert client_for(caseworker).get(f"/workbench/evidence/{evidence.pk}/").status_code == 404
    stranger = make_resident_user(make_person(birth=date(1990, 1, 1)))
    assert client_for(stranger).get(f"/apply/services/evidence/{evidence.pk}/").status_code == 404
    assert client_for(stranger).get(f"/workbench/evidence/{evidence.pk}/").status_code in (302, 403, 404)
    from_outside = Client().get(f"/apply/services/evidence/{evidence.pk}/")
    assert from_outside.status_code == 302 and "/accounts/login/" in from_outside["Location"]
    assert _local_files(tmp_path) == []


@pytest.mark.django_db
def test_a_removed_upload_leaves_the_bucket_and_a_stranger_cannot_remove_one(
    bucket, make_person, make_resident_user, draft_registration, client_for, django_capture_on_commit_callbacks
) -> None:
    owner = make_resident_user(make_person())
    evidence = _upload_residence_document(client_for(owner), draft_registration(owner))
    key = f"private/{evidence.file}"
    stranger = make_resident_user(make_person(birth=date(1990, 1, 1)))
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(stranger).post(f"/apply/services/evidence/{evidence.pk}/remove/").status_code == 404
    assert key in bucket.objects()
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(owner).post(f"/apply/services/evidence/{evidence.pk}/remove/").status_code == 302
    assert key not in bucket.objects() and not Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.django_db
def test_no_object_in_the_bucket_answers_an_anonymous_request(
    bucket, approved_notice, make_person, make_resident_user, draft_registration, client_for
) -> None:
    _applicant, notice = approved_notice()
    owner = make_resident_user(make_person())
    evidence = _upload_residence_document(client_for(owner), draft_registration(owner))
    keys = bucket.objects()
    assert {f"media/{notice.file}", f"private/{evidence.file}"} <= keys
    assert any(key.startswith("media/notices/") and key.endswith(".pdf") for key in keys)  # the 公示 list's too
    for key in keys:
        anonymous = requests.get(f"{bucket.endpoint}/{bucket.name}/{key}", timeout=10)
        assert anonymous.status_code == 403, key
        assert PNG[:16] not in anonymous.content and b"%PDF-" not in anonymous.content

    # A URL, if the storage is ever asked for one, is signed and lives a minute; unsigned it is refused.
    signed = storages["private"].url(evidence.file)
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=60" in signed
    assert requests.get(signed, timeout=10).content == PNG
    assert requests.get(signed.split("?")[0], timeout=10).status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(180)
def test_a_backup_reads_the_bucket_and_a_restore_puts_every_object_back(
    bucket, approved_notice, make_person, make_resident_user, draft_registration, client_for, capsys
) -> None:
    _applicant, notice = approved_notice()
    owner = make_resident_user(make_person())
    evidence = _upload_residence_document(client_for(owner), draft_registration(owner))
    before = {key: hashlib.sha256(bucket.read(key)).hexdigest() for key in bucket.objects()}
    assert before[f"media/{notice.file}"] == notice.sha256 and before[f"private/{evidence.file}"] == evidence.sha256

    call_command("backup")
    archive = Path(capsys.readouterr().out.split(" (")[0])
    assert archive.is_file()
    for key in bucket.objects():  # destroy every object
        bucket.client.delete_object(Bucket=bucket.name, Key=key)
    assert bucket.objects() == set()

    call_command("restore", str(archive), "--yes")
    assert {key: hashlib.sha256(bucket.read(key)).hexdigest() for key in bucket.objects()} == before
    for key in before:  # restored as private as they were written
        assert requests.get(f"{bucket.endpoint}/{bucket.name}/{key}", timeout=10).status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(240)
@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_notice_made_by_a_worker_on_another_machine_is_downloaded_from_the_web_machine(
    bucket, celery_processes, make_user, caseworker, officer, approve_refund, publish_and_finalise, client_for, tmp_path
) -> None:
    """Two machines: a notices worker in a process of its own, configured by the S3 variables only (its MEDIA_ROOT
    is a folder the web process never reads), and the web process, which serves the holder what the worker stored."""
    s3 = {"S3_BUCKET": bucket.name, "S3_ENDPOINT_URL": bucket.endpoint, "S3_ACCESS_KEY_ID": KEY}
    celery_processes.worker("notices", "default", env={**s3, "S3_SECRET_ACCESS_KEY": SECRET, "S3_REGION": REGION})
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    case = approve_refund(applicant, caseworker, officer)
    EnterpriseMembership.objects.create(user=applicant, enterprise=case.enterprise)
    case = publish_and_finalise(case, officer)  # the decision's commit sends the job to the worker through Redis

    job = NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL)
    assert wait_for(lambda: NoticeJob.objects.get(pk=job.pk).state == "done", seconds=120), job.last_error
    notice = NoticeJob.objects.get(pk=job.pk).notice
    assert hashlib.sha256(bucket.read(f"media/{notice.file}")).hexdigest() == notice.sha256
    response = client_for(applicant).get(f"/apply/notices/{notice.pk}/")
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == notice.sha256
    assert _local_files(tmp_path) == []


def _settings_in_a_new_process(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Start the portal's settings as a web or worker process does, with these S3 variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings.test", **extra})
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "o = settings.STORAGES['private']['OPTIONS']; n = settings.STORAGES['notices']['OPTIONS']; "
        "print(settings.STORAGES['private']['BACKEND'], o['bucket_name'], o['endpoint_url'], o['default_acl'], "
        "o['querystring_auth'], o['querystring_expire'], o['location'], n['location'], n['default_acl'])"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_s3_is_configured_from_the_environment_with_private_objects_and_short_urls() -> None:
    done = _settings_in_a_new_process(
        {
            "S3_BUCKET": "portal",
            "S3_ENDPOINT_URL": "http://minio:9000",
            "S3_ACCESS_KEY_ID": "k",
            "S3_SECRET_ACCESS_KEY": "s",
            "S3_REGION": "us-east-1",
        }
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "storages.backends.s3.S3Storage",
        "portal",
        "http://minio:9000",
        "private",
        "True",
        "60",
        "private",
        "media",
        "private",
    ]


def test_without_s3_the_files_stay_in_the_local_directories(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    assert storages["notices"].path("notices/a.pdf") == str(tmp_path / "media" / "notices" / "a.pdf")
    assert storages["private"].path("evidence/1/a.png") == str(tmp_path / "private" / "evidence" / "1" / "a.png")
    with pytest.raises(ValueError, match="no URL"):
        storages["private"].url("evidence/1/a.png")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"S3_BUCKET": "portal"}, "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY"),
        (
            {"S3_BUCKET": "portal", "S3_ACCESS_KEY_ID": "k", "S3_SECRET_ACCESS_KEY": "s", "S3_ENDPOINT_URL": "minio"},
            "must start with http",
        ),
    ],
)
def test_a_half_configured_s3_stops_the_portal_at_start(extra: dict[str, str], message: str) -> None:
    done = _settings_in_a_new_process(extra)
    assert done.returncode != 0 and message in done.stderr
