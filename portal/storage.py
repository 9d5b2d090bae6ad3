"""File storage of the portal: notices (PDF) under the alias "notices", applicants' evidence under "private"
(settings.STORAGES). Local directories by default, one S3-compatible bucket when S3_BUCKET is set, so every web and
worker machine sees the same files. Code reads and writes them only through `storages[alias]`, never a path."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.functional import cached_property


class PrivateFileSystemStorage(FileSystemStorage):
    """Evidence on the local disk, in settings.PRIVATE_MEDIA_ROOT (followed when the setting changes, as
    FileSystemStorage follows MEDIA_ROOT). It has no URL: private files leave only through access-checked views."""

    @cached_property
    def base_location(self) -> Any:
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL: serve them through a view that checks who asks.")


def storage_walk(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file's name in the storage under directory, sorted, whatever the backend (a folder that does not
    exist holds nothing)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(directory, name) if directory else name
    for name in sorted(directories):
        yield from storage_walk(storage, posixpath.join(directory, name) if directory else name)


def s3_storages(
    *,
    bucket: str,
    endpoint_url: str | None,
    access_key: str,
    secret_key: str,
    region: str,
    url_expire_seconds: int,
) -> dict[str, dict[str, Any]]:
    """STORAGES entries "notices" and "private" in one S3-compatible bucket, under media/ and private/ (the same
    names as the local directories and the backup archive). Every object is private (no public ACL), and a URL,
    if one is ever asked for, is signed and short-lived."""
    common = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "access_key": access_key,
        "secret_key": secret_key,
        "region_name": region,
        # MinIO and most intranet stores address buckets by path, and sign version 4.
        "addressing_style": "path",
        "signature_version": "s3v4",
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": url_expire_seconds,
        "custom_domain": None,
    }
    backend = "storages.backends.s3.S3Storage"
    return {
        # A notice's path is fixed by its job: a rerun replaces the file, never adds a second one.
        "notices": {"BACKEND": backend, "OPTIONS": {**common, "location": "media", "file_overwrite": True}},
        # An applicant's upload is never replaced by another with the same name.
        "private": {"BACKEND": backend, "OPTIONS": {**common, "location": "private", "file_overwrite": False}},
    }
