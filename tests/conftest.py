"""Shared fixtures: counties, users of each role, and clients signed in (staff past two-factor); and the building
blocks of several apps' tests, as factories: enterprises and their cases, the dashboard's hand-counted world,
residents and their registrations and claims."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.test import Client
from django.utils import timezone, translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import ResidentAccount, User
from portal.roles import Role
from registry.identifiers import id_check_character
from registry.models import (
    County,
    DifficultyCategory,
    DifficultyRecognition,
    Enterprise,
    Person,
    PersonInsurance,
    UnemploymentRegistration,
)
from registry.services import enterprise_register, insurance_year_record, person_register, registration_open
from subsidies import summaries
from subsidies.cases import claims, publication, workflow
from subsidies.measures import m01_stable_job_refund, m05_internship
from subsidies.measures.m09_registration import (
    registration_answers_save,
    registration_draft_start,
    registration_residence_save,
    registration_submit,
)
from subsidies.models import Case, CaseKind, CaseState, NoticeListKind

TEST_PASSWORD = "Correct-Horse-2019"
RESIDENT_PASSWORD = "Xinjiang-Tacheng-1"
PROJECT_APPS = ("registry", "portal", "subsidies")


def _replay_data_migrations() -> None:
    """Run the project's data migrations again, in migration order, on the current (emptied) database."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection)
    plan: list[tuple[str, str]] = []
    for leaf in (node for node in loader.graph.leaf_nodes() if node[0] in PROJECT_APPS):
        plan += [node for node in loader.graph.forwards_plan(leaf) if node not in plan]
    # A data migration may ask its schema editor for the connection (or run SQL through it), as migrate gives one.
    with connection.schema_editor() as schema_editor:
        for node in plan:
            if node[0] not in PROJECT_APPS:
                continue
            for operation in loader.graph.nodes[node].operations:
                if isinstance(operation, RunPython):
                    operation.code(apps, schema_editor)


@pytest.fixture(autouse=True)
def _migration_data(request: pytest.FixtureRequest) -> None:
    """Transactional tests (live server, threads) empty every table afterwards, migration data included.

    Django's serialized rollback proved unreliable across this suite's mix of tests, so a transactional test
    that finds the tables empty gets the data migrations replayed (counties, roles, parameters...).
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional and not County.objects.exists():
        _replay_data_migrations()


def pytest_configure(config: pytest.Config) -> None:
    """Every HTML page the suite renders is checked for a form inside a form (tests/html_checks.py)."""
    from django.conf import settings

    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.html_checks.NoNestedFormsMiddleware"]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the portal's default language (Chinese): a request made in English by an earlier test
    leaves its language active in the thread, which would change what the next test's services write."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Every test starts with no request counted against the rate limits (portal.ratelimits)."""
    caches["ratelimit"].clear()


@pytest.fixture
def county() -> Callable[[str], County]:
    """county("654201") -> the County created by the migration."""
    return lambda code: County.objects.get(code=code)


@pytest.fixture
def make_user(db) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    """make_user(Role.COUNTY_CASEWORKER, county_code="654201", totp=True) -> a user with that role."""
    counter = iter(range(1, 10_000))

    def make(role: Role, *, county_code: str | None = None, totp: bool | None = None, username: str = "") -> User:
        user = User.objects.create_user(
            username=username or f"{role.value}-{next(counter)}",
            password=TEST_PASSWORD,
            county=County.objects.get(code=county_code) if county_code else None,
        )
        user.groups.add(Group.objects.get(name=role.value))
        if totp if totp is not None else role in {Role.COUNTY_CASEWORKER, Role.PREFECTURE_OFFICER, Role.AUDITOR}:
            TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


def signed_in(user: User) -> Client:
    """A client signed in as user; a staff member is also past the two-factor step (as after a TOTP code)."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return signed_in


@pytest.fixture
def caseworker(make_user) -> User:  # type: ignore[no-untyped-def]
    """A caseworker of 塔城市 (654201)."""
    return make_user(Role.COUNTY_CASEWORKER, county_code="654201")


@pytest.fixture
def caseworker_wusu(make_user) -> User:  # type: ignore[no-untyped-def]
    """A caseworker of 乌苏市 (654202): the outsider for 塔城市 records."""
    return make_user(Role.COUNTY_CASEWORKER, county_code="654202")


@pytest.fixture
def officer(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.PREFECTURE_OFFICER)


@pytest.fixture
def auditor(make_user) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.AUDITOR)


# --- Enterprises and their cases (clauses （一）, （五）) ------------------------------------------------


@pytest.fixture
def make_enterprise(db) -> Callable[..., Enterprise]:  # type: ignore[no-untyped-def]
    """make_enterprise(actor, code="91654201312345673Q", county="654201", premiums="48000.00") -> an enterprise
    with its 2018 insurance year: 40 insured at the start, 39 at the end, one of them retired, 12 months paid."""

    def make(actor: Any, *, code: str = "91654201312345673Q", county: str = "654201", premiums: str = "48000.00"):
        ent = enterprise_register(
            credit_code=code,
            name=f"塔城测试企业{code[-4:]}有限公司",
            county=County.objects.get(code=county),
            size_class="small",
            actor=actor,
        )
        insurance_year_record(
            enterprise=ent,
            year=2018,
            actor=actor,
            insured_at_start=40,
            insured_at_end=39,
            retired_or_deceased=1,
            ui_premiums_paid=Decimal(premiums),
            ui_months_paid_in_full=12,
            monthly_social_insurance_due=Decimal("30000"),
        )
        return ent

    return make


@pytest.fixture
def submit_refund(db) -> Callable[..., Case]:  # type: ignore[no-untyped-def]
    """submit_refund(applicant, ent, token=None) -> the enterprise's 2019 stable-job refund, submitted on the
    standard track with 48,000.00 of premiums (24,000.00): the registry's figures of make_enterprise's default,
    or, for another enterprise, those figures with the applicant's reason for changing them."""

    def submit(applicant: Any, ent: Any, *, token: uuid.UUID | None = None) -> Case:
        case = workflow.case_draft_start(kind=CaseKind.STABLE_JOB_REFUND, enterprise=ent, year=2019, actor=applicant)
        workflow.case_draft_save(
            case=case,
            actor=applicant,
            track="standard",
            bank_account="6222021234567890123",
            answers={
                "ui_premiums_paid_last_year": "48000.00",
                "ui_months_paid_in_full": 12,
                "insured_at_start": 40,
                "insured_at_end": 39,
                "retired_or_deceased": 1,
                "figures_source": "registry",
                "figures_change_reason": "按12月缴费凭证更正",
            },
        )
        return workflow.case_submit(case=case, token=token or uuid.uuid4(), actor=applicant)

    return submit


@pytest.fixture
def claim_and_approve() -> Callable[..., Case]:
    """claim_and_approve(case, caseworker, **kwargs) -> the submitted case, claimed and approved by the caseworker
    (kwargs go to case_approve: amount, reason)."""

    def decide(case: Case, caseworker: Any, **kwargs: Any) -> Case:
        workflow.case_take(case=case, actor=caseworker)
        return workflow.case_approve(case=case, actor=caseworker, **kwargs)

    return decide


@pytest.fixture
def approve_refund(make_enterprise, submit_refund, claim_and_approve) -> Callable[..., Case]:  # type: ignore[no-untyped-def]
    """approve_refund(applicant, caseworker, officer, **enterprise) -> a refund case approved at 24,000.00 (the
    officer registers the enterprise; enterprise keywords go to make_enterprise)."""

    def approve(applicant: Any, caseworker: Any, officer: Any, **kwargs: Any) -> Case:
        case = submit_refund(applicant, make_enterprise(officer, **kwargs))
        return claim_and_approve(case, caseworker)

    return approve


@pytest.fixture
def publish_and_finalise() -> Callable[[Case, Any], Case]:
    """publish_and_finalise(case, officer) -> the approved case, published for public notice today and final
    after the period (clause （一）: approved refunds are published first)."""

    def finalise(case: Case, officer: Any) -> Case:
        notice = publication.notice_publish(
            kind=NoticeListKind.REFUND_APPROVALS,
            county=case.county,
            title="2019年度稳岗返还拟批准名单公示",
            starts_on=timezone.localdate(),
            actor=officer,
            cases=[case],
        )
        publication.notice_finalise(notice=notice, actor=officer, today=notice.ends_on + timedelta(days=1))
        case.refresh_from_db()
        return case

    return finalise


@pytest.fixture
def approve_internship_base(claim_and_approve) -> Callable[..., Case]:  # type: ignore[no-untyped-def]
    """approve_internship_base(applicant, ent, caseworker) -> the enterprise recognised as an internship base
    (clause （五）): submitted by the applicant and approved by the caseworker."""

    def approve(applicant: Any, ent: Any, caseworker: Any) -> Case:
        case = m05_internship.internship_base_start(
            enterprise=ent,
            answers={"positions": "出纳助理", "capacity": 3, "supervisor": "李娜 13800000000"},
            actor=applicant,
        )
        case = claims.claim_submit(case=case, token=uuid.uuid4(), actor=applicant)
        return claim_and_approve(case, caseworker)

    return approve


@pytest.fixture
def make_intern_claim() -> Callable[..., Case]:
    """make_intern_claim(applicant, ent, **facts) -> a draft internship claim (clause （五）) for 阿依古丽·买买提,
    654202199807080021 (born 1998-07-08), a youth starting 2019-03-01 for 6 months at 1,000.00 a month."""

    def make(applicant: Any, ent: Any, **overrides: Any) -> Case:
        facts: dict[str, Any] = {
            "id_number": "654202199807080021",
            "intern_name": "阿依古丽·买买提",
            "category": "youth",
            "start_date": date(2019, 3, 1),
            "months": 6,
            "host_monthly_pay": Decimal("1000.00"),
            "accident_policy_number": "PICC-2019-0001",
        }
        facts.update(overrides)
        return m05_internship.internship_claim_save(enterprise=ent, actor=applicant, **facts)

    return make


@pytest.fixture
def two_open_refunds(officer, make_enterprise, submit_refund) -> dict[str, Case]:  # type: ignore[no-untyped-def]
    """Two enterprises' open refund cases of 2019, 24000.00 each at the ratio of 0.50 (48000.00 of premiums):
    "big" of 塔城市 and "small" of 乌苏市 (clause （十四）: what a parameter change would move)."""
    big = make_enterprise(officer, code="91654201312345673Q", county="654201", premiums="48000.00")
    small = make_enterprise(officer, code="92654202MA7XK2B12N", county="654202", premiums="10000.00")
    return {"big": submit_refund(officer, big), "small": submit_refund(officer, small)}


# --- Early warnings and the dashboard (clauses （十二）, （十三）) -----------------------------------------


@pytest.fixture
def make_enterprise_with_headcount(db) -> Callable[..., Enterprise]:  # type: ignore[no-untyped-def]
    """make_enterprise_with_headcount(actor, code, county, start=100, end=65, gone=0) -> an enterprise whose
    insured headcount went from start to end in 2018, gone of them retired or deceased (early warnings)."""

    def make(actor: Any, code: str, county: str, *, start: int, end: int, gone: int = 0) -> Enterprise:
        ent = enterprise_register(
            credit_code=code,
            name=f"企业{code[-4:]}",
            county=County.objects.get(code=county),
            size_class="small",
            actor=actor,
        )
        insurance_year_record(
            enterprise=ent,
            year=2018,
            actor=actor,
            insured_at_start=start,
            insured_at_end=end,
            retired_or_deceased=gone,
            ui_premiums_paid=Decimal("1000.00"),
            ui_months_paid_in_full=12,
            monthly_social_insurance_due=Decimal("100"),
        )
        return ent

    return make


@pytest.fixture
def register_person(db) -> Callable[[str, County, Any], Person]:  # type: ignore[no-untyped-def]
    """register_person(id_number, county, actor) -> 测试人员, living in the county."""

    def register(id_number: str, county: County, actor: Any) -> Person:
        return person_register(id_number=id_number, name="测试人员", residence_county=county, actor=actor)

    return register


def _at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def build_dashboard_world(make_enterprise, register_person) -> Callable[[Any], dict[str, Any]]:  # type: ignore[no-untyped-def]
    """build_dashboard_world(actor) -> a small, hand-counted world for the dashboard tests (clauses （十二）, （十三）).

    塔城市 654201, 2019:
    - March: 3 stable-job refunds received (A, B, C). A is claimed and approved in March (48000 x 0.5 = 24000.00),
      i.e. it moved from submitted to approved within the month. B is rejected in April. C is still waiting
      (submitted 2019-03-01: far past the 20-working-day target on 2019-05-31).
    - April: 1 training subsidy received and approved at 1800.00 in April, final (paid) in April.
      A becomes final in April (paid 24000.00 in April).
    - registrations: 2 opened in March, 1 of them ended in April; 1 recognition in April.
    乌苏市 654202, 2019:
    - March: 1 stable-job refund received and approved at 10000.00 (decided in March), 1 registration opened.
    """

    def case(**kw: Any) -> Case:
        n = Case.objects.count() + 1
        kw.setdefault("year", 2019)
        return Case.objects.create(reference=f"T-{kw['county'].code}-2019-{n:06d}", **kw)

    def build(actor: Any) -> dict[str, Any]:
        tacheng = County.objects.get(code="654201")
        wusu = County.objects.get(code="654202")
        ent_a = make_enterprise(actor, code="91654201312345673Q", county="654201")
        ent_w = make_enterprise(actor, code="92654202MA7XK2B12N", county="654202")
        ent_c = make_enterprise(actor, code="93654221076543212B", county="654221")
        s = CaseState
        a = case(
            kind=CaseKind.STABLE_JOB_REFUND,
            state=s.FINAL,
            county=tacheng,
            enterprise=ent_a,
            created_by=actor,
            submitted_at=_at(2019, 3, 4),
            decided_at=_at(2019, 3, 8),
            finalised_at=_at(2019, 4, 20),
            calculated_amount=Decimal("24000.00"),
            approved_amount=Decimal("24000.00"),
        )
        b = case(
            kind=CaseKind.HARDSHIP_RECOGNITION,
            state=s.REJECTED,
            county=tacheng,
            enterprise=ent_a,
            created_by=actor,
            submitted_at=_at(2019, 3, 10),
            decided_at=_at(2019, 4, 2),
        )
        c = case(
            kind=CaseKind.STABLE_JOB_REFUND,
            state=s.SUBMITTED,
            county=tacheng,
            enterprise=ent_c,
            created_by=actor,
            submitted_at=_at(2019, 3, 1),
        )
        p1 = register_person("654201198503150018", tacheng, actor)
        p2 = register_person("654221199211220037", tacheng, actor)
        pw = register_person("654202199807080021", wusu, actor)
        t = case(
            kind=CaseKind.TRAINING_SUBSIDY,
            state=s.FINAL,
            county=tacheng,
            person=p1,
            created_by=actor,
            submitted_at=_at(2019, 4, 1),
            decided_at=_at(2019, 4, 11),
            finalised_at=_at(2019, 4, 11),
            approved_amount=Decimal("1800.00"),
        )
        w = case(
            kind=CaseKind.STABLE_JOB_REFUND,
            state=s.APPROVED,
            county=wusu,
            enterprise=ent_w,
            created_by=actor,
            submitted_at=_at(2019, 3, 5),
            decided_at=_at(2019, 3, 7),
            approved_amount=Decimal("10000.00"),
        )
        # A draft never counts.
        case(kind=CaseKind.TRAINING_SUBSIDY, state=s.DRAFT, county=tacheng, person=p2, created_by=actor)
        r1 = UnemploymentRegistration.objects.create(
            person=p1, residence_county=tacheng, registered_on=date(2019, 3, 2)
        )
        UnemploymentRegistration.objects.create(person=p2, residence_county=tacheng, registered_on=date(2019, 3, 20))
        UnemploymentRegistration.objects.create(person=pw, residence_county=wusu, registered_on=date(2019, 3, 6))
        UnemploymentRegistration.objects.filter(pk=r1.pk).update(
            status="ended", ended_on=date(2019, 4, 15), end_reason="reemployed"
        )
        DifficultyRecognition.objects.create(
            person=p2, categories=["low_income_family"], recognised_on=date(2019, 4, 3)
        )
        # The cases above are written directly, not through the workflow: count them as the data migration does.
        summaries.rebuild()
        return {"tacheng": tacheng, "wusu": wusu, "a": a, "b": b, "c": c, "t": t, "w": w}

    return build


# --- Residents: people, accounts, registrations and claims (clauses (七) to (十一)) -------------------------------

# One sequence for the whole run, so that ID numbers made in one test never repeat within it.
_id_sequence = itertools.count(10)


@pytest.fixture
def make_id_number() -> Callable[..., str]:
    """make_id_number(birth, sex="F", area="654202") -> a valid synthetic ID number (GB 11643): odd sequence for
    men, even for women."""

    def make(birth: date, sex: str = "F", area: str = "654202") -> str:
        n = next(_id_sequence) % 499
        seq = 2 * n + (1 if sex == "M" else 2)
        body = f"{area}{birth:%Y%m%d}{seq:03d}"
        return body + id_check_character(body)

    return make


@pytest.fixture
def make_person(db, make_id_number) -> Callable[..., Person]:  # type: ignore[no-untyped-def]
    """make_person(birth=1985-03-15, sex="F", area="654202", county="654202", name="古丽娜尔·艾力") -> a person in
    the registry, with 户口 in the area and living in the county."""

    def make(
        *, birth: date = date(1985, 3, 15), sex: str = "F", area: str = "654202", county: str = "654202", **kw: Any
    ) -> Person:
        return person_register(
            id_number=make_id_number(birth, sex, area),
            name=kw.pop("name", "古丽娜尔·艾力"),
            residence_county=County.objects.get(code=county),
            actor=None,
            **kw,
        )

    return make


@pytest.fixture
def make_resident_user(db) -> Callable[..., User]:  # type: ignore[no-untyped-def]
    """make_resident_user(person, username=None) -> a resident account bound to the person."""

    def make(who: Person, *, username: str | None = None) -> User:
        user = User.objects.create_user(username=username or f"1390000{who.pk:04d}", password=RESIDENT_PASSWORD)
        user.first_name = who.name
        user.save()
        user.groups.add(Group.objects.get(name=Role.RESIDENT_APPLICANT.value))
        ResidentAccount.objects.create(user=user, person=who)
        return user

    return make


@pytest.fixture
def draft_registration() -> Callable[..., Case]:
    """draft_registration(user, county="654202", move=False, permit="") -> the resident's unemployment registration
    (clause (九)) filled in as the wizard fills it, not yet submitted."""

    def draft(user: User, *, county: str = "654202", move: bool = False, permit: str = "") -> Case:
        who = user.resident.person
        case = registration_draft_start(person=who, actor=user)
        place = County.objects.get(code=county)
        case = registration_residence_save(
            case=case,
            county=place,
            address="乌苏市虹桥街道 12 号",
            residence_permit=permit or "新654202-2019-0001",
            move=move,
            actor=user,
        )
        return registration_answers_save(
            case=case,
            actor=user,
            answers={
                "able_and_willing": True,
                "last_employer": "乌苏市示例商贸有限公司",
                "work_ended_on": "2019-01-15",
                "work_end_reason": "contract_ended",
                "occupation": "仓库管理员",
                "expected_wage": "2500.00",
                "training_wishes": "叉车",
                "skills": "驾驶",
            },
        )

    return draft


@pytest.fixture
def submit_registration(draft_registration) -> Callable[..., Case]:  # type: ignore[no-untyped-def]
    """submit_registration(user, **draft) -> the resident's registration, submitted as the wizard submits it."""

    def submit(user: User, **kw: Any) -> Case:
        return registration_submit(case=draft_registration(user, **kw), token=uuid.uuid4(), actor=user)

    return submit


@pytest.fixture
def make_resident(db) -> Callable[..., tuple[User, Person]]:  # type: ignore[no-untyped-def]
    """make_resident(id_number="654201198503150018", name="王建国", county_code="654201", registered_on=2020-01-06,
    recognised=True, insured_months=None, password=RESIDENT_PASSWORD) -> (user, person): a resident account bound
    to a person, registered unemployed and recognised employment-difficult (no registration if registered_on is
    None)."""

    def make(
        id_number: str = "654201198503150018",
        *,
        name: str = "王建国",
        county_code: str = "654201",
        registered_on: date | None = date(2020, 1, 6),
        recognised: bool = True,
        insured_months: int | None = None,
        password: str = RESIDENT_PASSWORD,
    ) -> tuple[User, Person]:
        county = County.objects.get(code=county_code)
        person = person_register(id_number=id_number, name=name, residence_county=county, actor=None)
        phone = f"139{abs(hash(id_number)) % 100_000_000:08d}"
        user = User.objects.create_user(username=phone, password=password, phone=phone, first_name=name)
        user.groups.add(Group.objects.get(name=Role.RESIDENT_APPLICANT.value))
        ResidentAccount.objects.create(user=user, person=person)
        if registered_on is not None:
            registration = registration_open(person=person, registered_on=registered_on, actor=None)
            if recognised:
                DifficultyRecognition.objects.create(
                    person=person,
                    registration=registration,
                    categories=[DifficultyCategory.LONG_TERM_UNEMPLOYED],
                    recognised_on=registered_on,
                )
        if insured_months is not None:
            PersonInsurance.objects.create(
                person=person,
                insured_months=insured_months,
                ui_contribution_months=insured_months,
                as_of=date(2026, 1, 1),
            )
        return user, person

    return make


@pytest.fixture
def training_data() -> Callable[..., dict[str, Any]]:
    """training_data(**overrides) -> a training subsidy claim's facts (clause (七)): 120 hours of 电工, passed,
    1,600.00, with a fresh certificate number."""

    def data(**overrides: Any) -> dict[str, Any]:
        facts = {
            "institution": "塔城市职业技能培训中心",
            "course": "电工",
            "training_type": "employment_skills",
            "hours": 120,
            "cost": Decimal("1600.00"),
            "result": "passed",
            "certificate_number": f"PX{uuid.uuid4().hex[:10].upper()}",
            "training_start": date(2020, 5, 1),
            "training_end": date(2020, 5, 20),
            "bank_name": "中国农业银行塔城分行",
        }
        facts.update(overrides)
        return facts

    return data


HARDSHIP_FINDINGS = {
    key: {"finding": "supports", "note": "经核实"}
    for key in ("industry", "environment", "fund_capacity", "operations", "job_keeping", "credit")
}


@pytest.fixture
def recognise_hardship() -> Callable[..., Case]:
    """recognise_hardship(applicant, caseworker, officer, ent, year=2019) -> the enterprise's hardship recognition
    (clause （一）): submitted, assessed on every factor, confirmed by the finance bureau (recorded by the officer),
    approved, published for public notice today and final after the period."""

    def recognise(applicant: Any, caseworker: Any, officer: Any, ent: Any, *, year: int = 2019) -> Case:
        m01 = m01_stable_job_refund
        case = workflow.case_draft_start(kind=CaseKind.HARDSHIP_RECOGNITION, enterprise=ent, year=year, actor=applicant)
        workflow.case_draft_save(case=case, answers={"situation": "订单下降"}, actor=applicant)
        case = workflow.case_submit(case=case, token=uuid.uuid4(), actor=applicant)
        workflow.case_take(case=case, actor=caseworker)
        m01.hardship_assessment_record(case=case, findings=HARDSHIP_FINDINGS, actor=caseworker)
        m01.hardship_finance_confirmation_record(
            case=case, document="塔地财函〔2019〕1号", confirmed_on=date(2019, 6, 3), confirmed_by="李明", actor=officer
        )
        workflow.case_approve(case=Case.objects.get(pk=case.pk), actor=caseworker)
        notice = publication.notice_publish(
            kind=NoticeListKind.HARDSHIP_RECOGNITIONS,
            county=None,
            title="困难企业公示",
            starts_on=timezone.localdate(),
            actor=officer,
        )
        publication.notices_finalise_due(today=notice.ends_on + timedelta(days=1))
        return Case.objects.get(pk=case.pk)

    return recognise
