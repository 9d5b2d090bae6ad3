"""Issue 13: the matrix. Every URL pattern of the portal, requested as each kind of stranger, against one owner's
and one county's objects: no stranger gets a 200 for another's object, and a page a stranger may open (their own
list) shows nothing of the victim's.

The victim world lives in 塔城市 (654201): an enterprise applicant with a refund case (approved, on a public list
with an objection, final, its notice made), a refund offer, a resident with a registration case and an uploaded
file, an identity claim, an import job. The strangers: anonymous, another enterprise's applicant, another
resident, 乌苏市's caseworker, the officer and the auditor (strangers to an applicant's own pages only), and an
officer signed in with the password only (no TOTP). A new URL pattern fails this test until it is classified below.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from portal.models import EnterpriseMembership, IdentityClaim, User
from portal.roles import Role
from registry.crypto import id_number_index
from registry.imports import import_job_create
from registry.models import County
from registry.services import registration_open
from subsidies.cases import publication
from subsidies.cases.evidence import evidence_add
from subsidies.measures.m01_stable_job_refund import refund_offers_compute
from subsidies.measures.m09_registration import registration_submit
from subsidies.models import (
    Commitment,
    CommitmentCheck,
    DocumentKind,
    NoticeJob,
    NoticeListKind,
    Objection,
    RefundOffer,
)
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ENTERPRISE_CODE = "91654201312345673Q"
OBJECTOR_PHONE = "13811112222"
NOTICE_TITLE = "受害者县稳岗返还公示名单"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Pages anyone may open (public, sign-in and sign-up, the API's calculators, the language switch).
PUBLIC = {
    "home",
    "healthz",
    "metrics",
    "verify-lookup",
    "verify",
    "notice-pdf",
    "policies",
    "calculator",
    "set_language",
    "javascript-catalog",
    "accounts:login",
    "accounts:logout",
    "accounts:two-factor",
    "accounts:enterprise-signup",
    "accounts:check-email",
    "accounts:signup-sent",
    "accounts:resend-confirmation",
    "accounts:confirm-email",
    "accounts:resident-signup",
    "accounts:resident-confirm",
    "accounts:resident-resend",
    "accounts:resident-pending",
    "accounts:password-reset",
    "accounts:password-reset-code",
    "accounts:password-reset-email",
    "accounts:password-reset-email-sent",
    "accounts:password-reset-confirm",
    "accounts:password-reset-complete",
    "notices:list",
    "notices:detail",
    "notices:object",
    "notices:objection-received",
    # 好差评: the text message's link; its signed token names the case (a wrong one is a 404).
    "ratings:link",
    # The progress lookup: the reference number and the phone or credit code (tests/portal/test_progress.py).
    "progress",
    # The large-print switch (a POST with the page to return to; tests/portal/test_large_print.py).
    "accounts:large-print",
}
# An applicant's own objects: strangers are everyone but the owner (staff see cases in the workbench).
OWN = {
    "claims:claim": "resident_case",
    "claims:correct": "resident_case",
    "enterprise_claims:edit": "case",
    "enterprise_claims:check": "case",
    "residents:case": "resident_case",
    "residents:confirmation": "resident_case",
    "residents:report-work": "registration",
    "residents:evidence": "evidence",
    "residents:remove-evidence": "evidence",
    "residents:check": "resident_case",
    "residents:step": "resident_case",
    "apply:case": "case",
    "apply:decide-membership": "membership",
    "apply:confirmation": "case",
    "apply:offer": "offer",
    "apply:evidence": "evidence",
    "apply:remove-evidence": "evidence",
    "apply:check": "case",
    "apply:step": "case",
    "ratings:rate": "resident_case",
    # 告知承诺制: signing on the resident's own case, taking back their own commitment.
    "residents:sign-commitment": "resident_case",
    "residents:withdraw-commitment": "commitment",
}
# A county's objects in the back office: strangers are everyone but that county's staff, officers and auditors.
COUNTY = {
    # A notice is its holder's, and the case's county's staff may open it too (with two-factor).
    "notice-download": "notice",
    "workbench:registry-person": "person",
    "workbench:registry-person-reveal": "person",
    "workbench:registry-enterprise": "enterprise",
    "workbench:decide-membership": "membership",
    "workbench:decide-identity-claim": "claim",
    "workbench:case": "case",
    "workbench:claim-case": "case",
    "workbench:release-case": "case",
    "workbench:approve-case": "case",
    "workbench:confirm-amount": "case",
    "workbench:return-case": "case",
    "workbench:reject-case": "case",
    "workbench:hardship-assess": "case",
    "workbench:hardship-finance": "case",
    "workbench:recognise-case": "resident_case",
    "workbench:refer-case": "resident_case",
    "workbench:record-work": "registration",
    "workbench:evidence": "evidence",
    "workbench:loan-new": "case",
    "workbench:notice": "public_notice",
    "workbench:finalise-notice": "public_notice",
    "workbench:resolve-objection": "objection",
    "workbench:commitment-check": "commitment_check",
    "workbench:decide-commitment-check": "commitment_check",
    "workbench:order-commitment-check": "case",
}
# Back-office pages by role (lists, the prefecture's own records): strangers are those outside the back office.
BACK_OFFICE = "workbench:"
# An applicant's own lists and new applications (no object in the URL): checked for what they show.
APPLICANT_LISTS = {
    "claims:index",
    "claims:training",
    "claims:skill-upgrade",
    "claims:startup-loan",
    "enterprise_claims:index",
    "enterprise_claims:new",
    "residents:index",
    "apply:index",
    "residents:start-unemployment-registration",
    "residents:start-difficulty-recognition",
    "apply:start-stable-job-refund",
    "apply:start-hardship-recognition",
}
SLUGS = {"journey": None, "slug": "check", "claim": "training", "policy": "stable-job-refund", "key": "x"}


def _patterns(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            space = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            found += _patterns(pattern.url_patterns, prefix + str(pattern.pattern), space)
        elif not prefix.startswith("admin/"):
            found.append((namespace + (pattern.name or ""), prefix + str(pattern.pattern)))
    return found


def _url(route: str, pk: int | None, journey: str) -> str:
    """The route with its converters filled: <int:..> with the object's pk, slugs with plausible values."""

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            return str(pk if pk is not None else 999_999)
        if name == "journey":
            return journey
        if name == "code":
            return "ABCDEFGHJK"
        if name == "token":
            return "x"
        return SLUGS.get(name) or "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


@pytest.fixture
def world(
    settings,
    tmp_path,
    make_user,
    make_enterprise,
    submit_refund,
    claim_and_approve,
    make_resident,
    draft_registration,
    caseworker,
    officer,
    django_capture_on_commit_callbacks,
) -> dict[str, Any]:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    owner = make_user(Role.ENTERPRISE_APPLICANT, username="victim.enterprise")
    enterprise = make_enterprise(officer, code=ENTERPRISE_CODE, county="654201")
    membership = EnterpriseMembership.objects.create(
        user=owner, enterprise=enterprise, email_confirmed_at=timezone.now()
    )
    case = claim_and_approve(submit_refund(owner, enterprise), caseworker)
    notice_list = publication.notice_publish(
        kind=NoticeListKind.REFUND_APPROVALS,
        county=case.county,
        title=NOTICE_TITLE,
        starts_on=timezone.localdate(),
        actor=officer,
    )
    publication.objection_submit(
        notice=notice_list, entry=notice_list.entries.get(), name="王举报", contact=OBJECTOR_PHONE, text="核实裁员情况"
    )
    objection = Objection.objects.get()
    publication.objection_resolve(objection=objection, upheld=False, reason="经核实无裁员", actor=caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        publication.notice_finalise(notice=notice_list, actor=officer, today=notice_list.ends_on + timedelta(days=1))
    notice = NoticeJob.objects.get(case=case, kind=DocumentKind.APPROVAL).notice
    refund_offers_compute(year=2019)
    resident, person = make_resident(
        "654201198503150018", name="受害者阿依古丽", county_code="654201", registered_on=None
    )
    resident_case = draft_registration(resident, county="654201")
    evidence = evidence_add(
        case=resident_case, purpose="residence", upload=SimpleUploadedFile("permit.pdf", PDF), actor=resident
    )
    resident_case = registration_submit(case=resident_case, token=uuid.uuid4(), actor=resident)
    commitment = Commitment.objects.create(
        case=resident_case,
        purpose="zero_employment_family",
        text_version="1",
        text_sha256="0" * 64,
        signed_name="受害者阿依古丽",
        signed_at=timezone.now(),
        signed_by=resident,
    )
    commitment_check = CommitmentCheck.objects.create(case=case, county=case.county, due_on=timezone.localdate())
    registration = registration_open(person=person, registered_on=timezone.localdate(), actor=None)
    claimant = User.objects.create_user(username="13900009999", password=TEST_PASSWORD, phone="13900009999")
    claim = IdentityClaim.objects.create(
        user=claimant,
        name="受害者阿依古丽",
        id_number="654201198503150018",
        id_number_index=id_number_index("654201198503150018"),
        id_number_masked="654201********0018",
        residence_county=County.objects.get(code="654201"),
    )
    job = import_job_create(kind="enterprises", data=b"credit_code\n", file_name="e.csv", actor=officer, send=False)
    return {
        "owner": owner,
        "resident": resident,
        "case": case,
        "notice": notice,
        "public_notice": notice_list,
        "objection": objection,
        "offer": RefundOffer.objects.get(enterprise=enterprise),
        "enterprise": enterprise,
        "membership": membership,
        "resident_case": resident_case,
        "registration": registration,
        "evidence": evidence,
        "person": person,
        "claim": claim,
        "import_job": job,
        "commitment": commitment,
        "commitment_check": commitment_check,
        "markers": [case.reference, enterprise.name, person.name, OBJECTOR_PHONE, resident_case.reference],
    }


@pytest.fixture
def strangers(make_user, make_enterprise, make_resident, officer, auditor, client_for) -> dict[str, Client]:
    other_applicant = make_user(Role.ENTERPRISE_APPLICANT, username="other.enterprise")
    other = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202")
    EnterpriseMembership.objects.create(user=other_applicant, enterprise=other, email_confirmed_at=timezone.now())
    other_resident, _person = make_resident("654202199807080021", name="另一居民", county_code="654202")
    password_only = Client()
    password_only.post("/accounts/login/", {"username": officer.username, "password": TEST_PASSWORD})
    return {
        "anonymous": Client(),
        "another enterprise": client_for(other_applicant),
        "another resident": client_for(other_resident),
        "乌苏市 caseworker": client_for(make_user(Role.COUNTY_CASEWORKER, county_code="654202")),
        "officer": client_for(officer),
        "auditor": client_for(auditor),
        "officer without TOTP": password_only,
    }


def test_every_pattern_is_classified() -> None:
    names = {name for name, _route in _patterns(get_resolver().url_patterns)}
    known = PUBLIC | set(OWN) | set(COUNTY) | APPLICANT_LISTS
    unclassified = {name for name in names if name not in known and not name.startswith((BACK_OFFICE, "api:"))}
    assert not unclassified, f"classify these URL patterns in the matrix: {sorted(unclassified)}"


def test_no_stranger_gets_another_owners_or_countys_object(world, strangers) -> None:
    failures = []
    for name, route in _patterns(get_resolver().url_patterns):
        if name in OWN:
            who = strangers
            target = world[OWN[name]]
        elif name in COUNTY:
            who = {k: v for k, v in strangers.items() if k not in ("officer", "auditor")}
            target = world[COUNTY[name]]
        else:
            continue
        journey = "unemployment-registration" if name.startswith("residents:") else "stable-job-refund"
        url = _url(route, target.pk, journey)
        for label, client in who.items():
            response = client.get(url)
            if response.status_code == 200:
                failures.append(f"{label} GET {url} ({name}) -> 200")
    assert not failures, "\n".join(failures)


def test_pages_a_stranger_may_open_show_nothing_of_the_victim(world, strangers) -> None:
    failures = []
    for name, route in _patterns(get_resolver().url_patterns):
        if name in PUBLIC or name in OWN or name in COUNTY or "<" in route:
            continue
        url = _url(route, None, "")
        for label, client in strangers.items():
            if label in ("officer", "auditor") and name.startswith(BACK_OFFICE):
                continue  # the prefecture's staff see every county's lists
            response = client.get(url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            if label in ("anonymous", "officer without TOTP") and not name.startswith("api:"):
                failures.append(f"{label} GET {url} ({name}) -> 200")
                continue
            page = response.content.decode()
            shown = [marker for marker in world["markers"] if marker in page]
            if shown:
                failures.append(f"{label} GET {url} ({name}) shows {shown}")
    assert not failures, "\n".join(failures)


def test_the_back_office_is_closed_to_everyone_outside_it(world, strangers) -> None:
    failures = []
    for name, route in _patterns(get_resolver().url_patterns):
        if not name.startswith(BACK_OFFICE):
            continue
        target = world[COUNTY[name]] if name in COUNTY else world["import_job"]
        url = _url(route, target.pk, "")
        for label in ("anonymous", "another enterprise", "another resident", "officer without TOTP"):
            response = strangers[label].get(url)
            if response.status_code == 200:
                failures.append(f"{label} GET {url} ({name}) -> 200")
    assert not failures, "\n".join(failures)


def test_the_matrix_reaches_real_pages_the_owner_and_the_county_do_get(world, caseworker, client_for) -> None:
    """Not a vacuous matrix: the same URLs answer 200 to whom they belong."""
    owner, resident, office = client_for(world["owner"]), client_for(world["resident"]), client_for(caseworker)
    assert owner.get(f"/apply/cases/{world['case'].pk}/").status_code == 200
    assert owner.get(f"/apply/notices/{world['notice'].pk}/").status_code == 200
    assert owner.get(f"/apply/offers/{world['offer'].pk}/").status_code in (200, 302)
    assert resident.get(f"/apply/services/cases/{world['resident_case'].pk}/").status_code == 200
    assert resident.get(f"/apply/services/evidence/{world['evidence'].pk}/").status_code == 200
    for path in [
        f"/workbench/cases/{world['case'].pk}/",
        f"/workbench/notices/{world['public_notice'].pk}/",
        f"/workbench/registry/people/{world['person'].pk}/",
        f"/workbench/registry/enterprises/{world['enterprise'].pk}/",
        f"/workbench/evidence/{world['evidence'].pk}/",
    ]:
        assert office.get(path).status_code == 200, path
