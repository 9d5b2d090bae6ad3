"""An uploaded file is saved back under a name the portal makes safe: the uploader's name cannot smuggle markup or
another type into the download (`evil<script>.html` for a PNG)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from subsidies.cases.evidence import evidence_add

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_download_is_named_by_what_the_file_is_not_by_what_the_uploader_called_it(
    make_resident, draft_registration, settings, tmp_path
) -> None:
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path)
    user, _person = make_resident(registered_on=None)
    case = draft_registration(user)
    upload = SimpleUploadedFile('evil<script>".html', PNG, content_type="text/html")
    evidence = evidence_add(case=case, purpose="residence", upload=upload, actor=user)
    client = Client()
    client.force_login(user)
    response = client.get(reverse("residents:evidence", args=[evidence.pk]))
    disposition = response["Content-Disposition"]
    assert response["Content-Type"] == "image/png"
    assert "evilscript.png" in disposition
    assert "<" not in disposition and ".html" not in disposition
