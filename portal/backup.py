"""Backups of everything the portal keeps: the database (pg_dump, custom format) and the two file stores
(storages["notices"]: notices; storages["private"]: evidence uploads; local directories or the S3 bucket, read and
written through Django's storage API either way), in one tar archive with a manifest of SHA-256 sums.

`manage.py backup` writes `portal-backup-<time>.tar` into BACKUP_ROOT; `manage.py restore ARCHIVE --yes` checks
every sum, then replaces the database (pg_restore --clean, one transaction) and both file stores. The restore drill
(tests/ops/test_backup_restore.py) backs up, destroys, restores and finds every case, notice and evidence file.
PostgreSQL only (production); the archive holds personal data (encrypted fields stay encrypted): keep it like the
database itself.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone

from portal.storage import storage_walk

FORMAT = 1
# The archive's folder of each file store, and the storage alias (settings.STORAGES) it is read from and restored to.
STORES = {"media": "notices", "private": "private"}


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    files: int
    database_bytes: int


def _pg_env() -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://...).")
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432)]
    args += ["--username", db["USER"], "--dbname", db["NAME"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _add_from_storage(archive: tarfile.TarFile, arcname: str, storage: Any, name: str) -> str:
    """Copy one stored file into the archive (through a spooled temporary file, so an S3 object is read once);
    return its SHA-256."""
    digest = hashlib.sha256()
    with tempfile.SpooledTemporaryFile(max_size=8 << 20) as copy, storage.open(name, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            copy.write(block)
        entry = tarfile.TarInfo(arcname)
        entry.size = copy.tell()
        entry.mtime = int(timezone.now().timestamp())
        copy.seek(0)
        archive.addfile(entry, fileobj=copy)
    return digest.hexdigest()


def backup_create(*, directory: Path | None = None) -> BackupSummary:
    """Write one archive: database.dump, media/..., private/..., manifest.json (written last, read first)."""
    directory = Path(directory or settings.BACKUP_ROOT)
    directory.mkdir(parents=True, exist_ok=True)
    args, env = _pg_env()
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = directory / f"portal-backup-{stamp}.tar"
    with tempfile.TemporaryDirectory(dir=directory) as work:
        dump = Path(work) / "database.dump"
        # Arguments from the settings, never from a request; pg_dump is found on PATH (postgresql-client).
        done = subprocess.run(  # noqa: S603
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump), *args],  # noqa: S607
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"file": "database.dump", "sha256": _sha256(dump)},
            "files": {},
        }
        partial = target.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname="database.dump")
            for store, alias in STORES.items():
                storage = storages[alias]
                for stored in storage_walk(storage):
                    name = f"{store}/{stored}"
                    manifest["files"][name] = _add_from_storage(archive, name, storage, stored)
            info = json.dumps(manifest, indent=1, sort_keys=True).encode()
            entry = tarfile.TarInfo("manifest.json")
            entry.size = len(info)
            archive.addfile(entry, fileobj=io.BytesIO(info))
        partial.rename(target)  # a half-written archive never carries the final name
    return BackupSummary(target, len(manifest["files"]), dump.stat().st_size if dump.exists() else 0)


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in archive.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile()):
            raise BackupError(f"unexpected entry in the archive: {member.name}")
        members.append(member)
    return members


def backup_restore(*, archive_path: Path) -> dict[str, int]:
    """Check the archive against its manifest, then replace the database and both file stores with its content."""
    args, env = _pg_env()
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        with tarfile.open(archive_path, "r") as archive:
            archive.extractall(root, members=_safe_members(archive), filter="data")
        manifest = json.loads((root / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("This archive was not written by this version of `manage.py backup`.")
        if _sha256(root / "database.dump") != manifest["database"]["sha256"]:
            raise BackupError("database.dump does not match its SHA-256 in the manifest: the archive is damaged.")
        for name, digest in manifest["files"].items():
            if _sha256(root / name) != digest:
                raise BackupError(f"{name} does not match its SHA-256 in the manifest: the archive is damaged.")
        # Every connection of this process is closed, so nothing of ours holds a lock on the tables to replace.
        connections.close_all()
        restore = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
        done = subprocess.run(  # noqa: S603
            [*restore, *args, str(root / "database.dump")],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
        for store, alias in STORES.items():
            storage = storages[alias]
            for stored in list(storage_walk(storage)):
                storage.delete(stored)
            prefix = f"{store}/"
            for name in sorted(n for n in manifest["files"] if n.startswith(prefix)):
                with (root / name).open("rb") as handle:
                    saved = storage.save(name[len(prefix) :], File(handle))
                if saved != name[len(prefix) :]:
                    raise BackupError(f"{name} was restored as {saved}: the store was not empty.")
    return {"files": len(manifest["files"])}
