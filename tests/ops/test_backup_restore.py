"""The restore drill: back up, destroy, restore; every case, notice file (SHA-256) and evidence file is back."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.roles import Role
from subsidies.cases.evidence import evidence_add
from subsidies.models import Case, Evidence, Notice

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _cases() -> list[tuple]:
    return list(
        Case.objects.order_by("pk").values_list("pk", "reference", "kind", "state", "approved_amount", "county__code")
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def stores(settings, tmp_path: Path) -> dict[str, Path]:
    paths = {name: tmp_path / name for name in ("media", "private", "backups")}
    for path in paths.values():
        path.mkdir()
    settings.MEDIA_ROOT = str(paths["media"])
    settings.PRIVATE_MEDIA_ROOT = str(paths["private"])
    settings.BACKUP_ROOT = str(paths["backups"])
    return paths


def test_backup_destroy_restore_brings_back_every_case_notice_and_evidence_file(
    stores,
    make_user,
    caseworker,
    officer,
    approve_refund,
    publish_and_finalise,
    make_person,
    make_resident_user,
    draft_registration,
    capsys,
) -> None:
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    publish_and_finalise(approve_refund(applicant, caseworker, officer), officer)  # its approval notice is made
    resident = make_resident_user(make_person())
    registration = draft_registration(resident)
    evidence_add(case=registration, purpose="residence", upload=SimpleUploadedFile("证明.png", PNG), actor=resident)
    cases_before = _cases()
    notices = {n.file: n.sha256 for n in Notice.objects.all()}
    evidence = {e.file: e.sha256 for e in Evidence.objects.all()}
    assert notices and evidence and len(cases_before) == 2

    call_command("backup")
    archive = Path(capsys.readouterr().out.split(" (")[0])
    assert archive.parent == stores["backups"] and archive.is_file()

    # Destroy: every row, every notice and every upload.
    call_command("flush", interactive=False)
    shutil.rmtree(stores["media"])
    shutil.rmtree(stores["private"])
    assert not Case.objects.exists()

    with pytest.raises(CommandError):
        call_command("restore", str(archive))  # not without --yes
    call_command("restore", str(archive), "--yes")

    assert _cases() == cases_before
    assert {n.file: n.sha256 for n in Notice.objects.all()} == notices
    for name, digest in notices.items():
        assert _sha256(stores["media"] / name) == digest
    assert {e.file: e.sha256 for e in Evidence.objects.all()} == evidence
    for name, digest in evidence.items():
        assert _sha256(stores["private"] / name) == digest


def test_a_damaged_archive_is_refused_before_anything_is_replaced(stores, make_user, officer, capsys) -> None:
    (stores["private"] / "evidence").mkdir()
    (stores["private"] / "evidence" / "a.png").write_bytes(PNG)
    call_command("backup")
    archive = Path(capsys.readouterr().out.split(" (")[0])
    data = bytearray(archive.read_bytes())
    at = data.find(PNG[:32])
    data[at + 20] ^= 0xFF
    archive.write_bytes(bytes(data))
    (stores["private"] / "evidence" / "b.png").write_bytes(PNG)
    after_the_backup = make_user(Role.ENTERPRISE_APPLICANT)
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(archive), "--yes")
    assert (stores["private"] / "evidence" / "b.png").exists()  # nothing replaced: neither the files
    assert type(after_the_backup).objects.filter(pk=after_the_backup.pk).exists()  # nor the database
