"""Evidence: the files an applicant uploads for a case (PDF, JPEG or PNG by content, at most 5 MB), kept in private
storage and served only through the access-checked views.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.utils.translation import gettext as _

from registry.audit import audit_record
from registry.refusals import Refused
from subsidies.cases.workflow import case_lock_editable
from subsidies.models import Case, Commitment, Evidence

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024


# The first bytes of each accepted type: the content decides, never the file name.
MAGIC = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def private_storage() -> Storage:
    """The storage of evidence (settings.STORAGES["private"]: PRIVATE_MEDIA_ROOT, or the private prefix of the
    shared S3 bucket), outside the public media root, never served by a URL of its own."""
    return storages["private"]


def sniff_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes of a file, or None when it is none of PDF, JPEG, PNG."""
    for magic, content_type, extension in MAGIC:
        if head.startswith(magic):
            return content_type, extension
    return None


def evidence_add(*, case: Case, purpose: str, upload: Any, actor: Any) -> Evidence:
    """Keep an uploaded file for a case: PDF, JPEG or PNG (by content), at most 5 MB; drafts and returned cases."""
    size = getattr(upload, "size", None) or 0
    if size > MAX_EVIDENCE_BYTES:
        raise Refused(
            _("The file is %(mb)s MB. Upload a file of 5 MB or less (a photo at a lower resolution, or a PDF).")
            % {"mb": f"{size / 1024 / 1024:.1f}"},
            field="file",
        )
    if size == 0:
        raise Refused(_("The file is empty."), field="file")
    upload.seek(0)
    head = upload.read(16)
    kind = sniff_type(head)
    if kind is None:
        raise Refused(
            _("Upload a PDF, JPEG or PNG file. This file is none of them, whatever its name says."), field="file"
        )
    content_type, extension = kind
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    name = f"evidence/{case.pk}/{uuid.uuid4().hex}.{extension}"
    with transaction.atomic():
        case = case_lock_editable(case)
        storage = private_storage()
        upload.seek(0)
        stored = storage.save(name, ContentFile(upload.read()))
        try:
            evidence = Evidence.objects.create(
                case=case,
                purpose=purpose[:40],
                file=stored,
                original_name=(getattr(upload, "name", "") or "upload")[-200:],
                content_type=content_type,
                size=size,
                sha256=digest.hexdigest(),
                uploaded_by=actor,
            )
            audit_record(
                actor=actor,
                action="evidence_add",
                target=case,
                after={"evidence": evidence.pk, "purpose": evidence.purpose, "type": content_type, "size": size},
            )
        except Exception:
            storage.delete(stored)
            raise
    return evidence


def evidence_remove(*, evidence: Evidence, actor: Any) -> None:
    """Remove an upload from a case that can still be changed."""
    with transaction.atomic():
        case_lock_editable(evidence.case)
        name = evidence.file
        audit_record(actor=actor, action="evidence_remove", target=evidence.case, after={"evidence": evidence.pk})
        evidence.delete()
        transaction.on_commit(lambda: private_storage().delete(name))


def purposes_covered(case: Case) -> set[str]:
    """The evidence items a case has: uploaded, or promised by a signed commitment instead (告知承诺制,
    subsidies.commitments)."""
    uploaded = set(case.evidence.values_list("purpose", flat=True))
    return uploaded | set(Commitment.objects.filter(case=case).values_list("purpose", flat=True))


def evidence_open(evidence: Evidence) -> Any:
    return private_storage().open(evidence.file, "rb")


# Evidence.purpose of the certificate a resident uploads with a training or skill-upgrade claim.
CERTIFICATE = "certificate"


def certificate_attach(*, case: Case, upload: Any, actor: Any) -> None:
    """Keep the uploaded certificate with the claim (the resident journey's evidence: PDF, JPEG or PNG by content,
    at most 5 MB). Called inside the claim's transaction, before it is submitted: a refused file refuses the claim,
    with the reason next to the upload field, and nothing is kept."""
    if upload is None:
        return
    try:
        evidence_add(case=case, purpose=CERTIFICATE, upload=upload, actor=actor)
    except Refused as refused:
        raise Refused(str(refused), field="certificate_file") from None
