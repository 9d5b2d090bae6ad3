"""The resident journey's services (clause （九）, （十）, （十一）): working age, one active registration per person,
moving between counties, re-employment, employment-difficult recognition, referrals and evidence uploads."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from registry.models import BenefitPeriod, DifficultyCategory, Referral, RegistrationStatus, UnemploymentRegistration
from registry.refusals import Refused
from registry.services import benefit_period_open, registration_open
from subsidies.cases.evidence import evidence_add
from subsidies.cases.workflow import case_approve, case_reject, case_take
from subsidies.measures.m09_registration import (
    active_registration,
    age_on,
    months_between,
    recognition_decide,
    recognition_draft_start,
    recognition_proven,
    recognition_submit,
    registration_draft_start,
    registration_report_work,
    registration_submit,
    working_age_check,
)
from subsidies.measures.m11_referral import referral_record
from subsidies.models import Case, CaseState, DocumentKind, NoticeJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Refusals are matched in English, whatever the catalogue holds."""
    from django.utils import translation

    with translation.override("en"):
        yield


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def years_ago(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def register(case: Case, caseworker) -> Case:  # type: ignore[no-untyped-def]
    case_take(case=case, actor=caseworker)
    return case_approve(case=case, actor=caseworker)


# --- Working age on the day of application (clause （九）, sample parameters 16 / 60 / 55) ---------------------


@pytest.mark.parametrize(
    ("sex", "years", "days_later", "ok"),
    [
        ("F", 16, 0, True),  # 16 today
        ("F", 16, 1, False),  # 16 tomorrow
        ("M", 60, 1, True),  # 60 tomorrow: still 59
        ("M", 60, 0, False),  # 60 today
        ("F", 55, 1, True),
        ("F", 55, 0, False),
        ("F", 58, 0, False),  # a woman of 58 is past working age, a man is not
        ("M", 58, 0, True),
    ],
)
def test_working_age_is_16_to_under_60_for_men_and_under_55_for_women_on_the_day_of_application(
    sex: str, years: int, days_later: int, ok: bool, make_person
) -> None:
    today = timezone.localdate()
    birth = years_ago(today, years) + timezone.timedelta(days=days_later)
    who = make_person(birth=birth, sex=sex)
    result = working_age_check(person=who, on=today)
    assert result.ok is ok
    if not ok:
        assert str(result.age) in result.message


def test_outside_working_age_the_draft_is_refused_with_a_clear_message(make_person, make_resident_user) -> None:
    today = timezone.localdate()
    who = make_person(birth=years_ago(today, 55), sex="F")
    user = make_resident_user(who)
    with pytest.raises(Refused, match="under 55"):
        registration_draft_start(person=who, actor=user)
    assert not Case.objects.exists()


def test_ages_count_whole_years_and_months() -> None:
    assert age_on(date(2000, 2, 29), date(2016, 2, 28)) == 15
    assert age_on(date(2000, 2, 29), date(2016, 3, 1)) == 16
    assert months_between(date(2019, 1, 31), date(2019, 2, 28)) == 0
    assert months_between(date(2018, 1, 15), date(2019, 1, 15)) == 12


# --- Registration, review and the registry ----------------------------------------------------------------------


def test_registering_opens_the_registration_where_the_resident_lives_and_orders_the_certificate(
    caseworker_wusu,
    make_person,
    make_resident_user,
    submit_registration,
) -> None:
    who = make_person(area="654201", county="654201")  # 户口 in 塔城市, living in 乌苏市
    user = make_resident_user(who)
    case = submit_registration(user, county="654202")
    assert case.state == CaseState.SUBMITTED
    assert case.reference.startswith("SY-654202-")
    register(case, caseworker_wusu)
    case.refresh_from_db()
    assert case.state == CaseState.FINAL
    registration = UnemploymentRegistration.objects.get(person=who)
    assert registration.residence_county.code == "654202"
    assert registration.status == RegistrationStatus.ACTIVE
    assert case.answers["registration"] == registration.pk
    assert NoticeJob.objects.filter(registration=registration, kind=DocumentKind.REGISTRATION_CERTIFICATE).exists()
    who.refresh_from_db()
    assert who.residence_county.code == "654202"


def test_a_household_registration_elsewhere_needs_evidence_of_residence(
    draft_registration, make_person, make_resident_user
) -> None:
    who = make_person(area="654201", county="654202")
    user = make_resident_user(who)
    case = draft_registration(user, permit=" ")
    case.answers["residence_permit"] = ""
    case.save()
    with pytest.raises(Refused, match="residence permit"):
        registration_submit(case=case, token=uuid.uuid4(), actor=user)
    evidence_add(case=case, purpose="residence", upload=SimpleUploadedFile("租房合同.png", PNG), actor=user)
    assert registration_submit(case=case, token=uuid.uuid4(), actor=user).state == CaseState.SUBMITTED


def test_submitting_twice_with_the_same_token_submits_once(draft_registration, make_person, make_resident_user) -> None:
    user = make_resident_user(make_person())
    case = draft_registration(user)
    token = uuid.uuid4()
    first = registration_submit(case=case, token=token, actor=user)
    again = registration_submit(case=case, token=token, actor=user)
    assert first.pk == again.pk and first.reference == again.reference


def test_someone_registered_here_is_told_so_and_cannot_register_again(
    caseworker_wusu, draft_registration, make_person, make_resident_user, submit_registration
) -> None:
    user = make_resident_user(make_person())
    register(submit_registration(user), caseworker_wusu)
    case = draft_registration(user)
    with pytest.raises(Refused, match="already registered"):
        registration_submit(case=case, token=uuid.uuid4(), actor=user)


def test_moving_a_registration_ends_the_old_one_when_the_new_one_is_registered(
    caseworker, caseworker_wusu, draft_registration, make_person, make_resident_user, submit_registration
) -> None:
    who = make_person(county="654201")
    user = make_resident_user(who)
    register(submit_registration(user, county="654201"), caseworker)
    old = active_registration(who)
    draft = draft_registration(user, county="654202")
    with pytest.raises(Refused, match="Ask to move"):
        registration_submit(case=draft, token=uuid.uuid4(), actor=user)
    moved = submit_registration(user, county="654202", move=True)
    assert moved.answers["move_from"] == "654201"
    old.refresh_from_db()
    assert old.status == RegistrationStatus.ACTIVE  # still registered until the new county registers
    register(moved, caseworker_wusu)
    old.refresh_from_db()
    assert old.status == RegistrationStatus.ENDED and old.end_reason == "moved"
    assert UnemploymentRegistration.objects.filter(person=who, status="active").get().residence_county.code == "654202"


def test_an_approval_that_would_make_two_active_registrations_is_refused(
    caseworker_wusu, make_person, make_resident_user, submit_registration
) -> None:
    who = make_person()
    user = make_resident_user(who)
    case = submit_registration(user)
    registration_open(person=who, registered_on=timezone.localdate(), actor=None)  # registered at the desk meanwhile
    case_take(case=case, actor=caseworker_wusu)
    with pytest.raises(Refused, match="already registered"):
        case_approve(case=case, actor=caseworker_wusu)
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert UnemploymentRegistration.objects.filter(person=who).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_active_registration_per_person_when_two_applications_are_submitted_at_once(
    draft_registration, make_person, make_resident_user
) -> None:
    who = make_person()
    user = make_resident_user(who)
    first = draft_registration(user)
    second = Case.objects.create(
        kind=first.kind, person=who, county=first.county, year=first.year, answers=first.answers, created_by=user
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit(case: Case) -> None:
        from django.utils import translation

        translation.activate("en")  # threads do not inherit the test's language
        try:
            barrier.wait()
            registration_submit(case=case, token=uuid.uuid4(), actor=user)
            outcomes.append("submitted")
        except Refused as refused:
            outcomes.append(str(refused))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(c,)) for c in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes)[0].startswith("You already have a registration application waiting")
    assert outcomes.count("submitted") == 1
    assert Case.objects.filter(person=who).exclude(state=CaseState.DRAFT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_active_registration_per_person_when_two_counties_register_at_once(make_person) -> None:
    who = make_person()
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def open_one() -> None:
        from django.core.exceptions import ValidationError

        try:
            barrier.wait()
            registration_open(person=who, registered_on=timezone.localdate(), actor=None)
            outcomes.append("opened")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one) for _i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["opened", "refused"]
    assert UnemploymentRegistration.objects.filter(person=who, status="active").count() == 1


def test_a_rejected_registration_opens_nothing(
    caseworker_wusu, make_person, make_resident_user, submit_registration
) -> None:
    who = make_person()
    case = submit_registration(make_resident_user(who))
    case_take(case=case, actor=caseworker_wusu)
    case_reject(case=case, reason="地址不在本市。", actor=caseworker_wusu)
    assert not UnemploymentRegistration.objects.exists()


# --- Re-employment (clause （十）) --------------------------------------------------------------------------------


def test_reemployment_ends_the_registration_and_benefit_stops_from_the_next_month(
    caseworker_wusu, make_person, make_resident_user
) -> None:
    who = make_person()
    user = make_resident_user(who)
    registration = registration_open(person=who, registered_on=date(2019, 1, 10), actor=None)
    benefit_period_open(person=who, start_month=date(2019, 2, 1), actor=None)
    registration_report_work(
        registration=registration, started_on=date(2019, 5, 20), employer="乌苏市某公司", actor=user
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ENDED and registration.end_reason == "reemployed"
    period = BenefitPeriod.objects.get(person=who)
    assert period.covers(date(2019, 5, 1))  # paid for the month of re-employment
    assert not period.covers(date(2019, 6, 1))  # and not from the next month


def test_a_job_in_the_future_cannot_be_reported_yet(make_person) -> None:
    who = make_person()
    registration = registration_open(person=who, registered_on=date(2019, 1, 10), actor=None)
    with pytest.raises(Refused) as refused:
        registration_report_work(
            registration=registration,
            started_on=timezone.localdate() + timezone.timedelta(days=3),
            employer="x",
            actor=None,
        )
    assert refused.value.field == "started_on"


# --- Employment-difficult recognition (clause （九）) -----------------------------------------------------------


def test_the_registry_proves_age_and_months_of_unemployment(make_person) -> None:
    today = timezone.localdate()
    woman = make_person(birth=years_ago(today, 46), sex="F")
    registration = registration_open(person=woman, registered_on=years_ago(today, 1), actor=None)
    proven = recognition_proven(person=woman, registration=registration, on=today)
    assert set(proven) == {DifficultyCategory.OLDER_WORKER, DifficultyCategory.LONG_TERM_UNEMPLOYED}
    man = make_person(birth=years_ago(today, 54), sex="M")
    assert recognition_proven(person=man, registration=None, on=today) == {}


def test_a_woman_of_46_is_recognised_with_the_accepted_categories(
    caseworker_wusu, make_person, make_resident_user
) -> None:
    today = timezone.localdate()
    woman = make_person(birth=years_ago(today, 46), sex="F")
    user = make_resident_user(woman)
    with pytest.raises(Refused, match="Register"):
        recognition_draft_start(person=woman, actor=user)
    registration_open(person=woman, registered_on=today, actor=None)
    case = recognition_draft_start(person=woman, actor=user)
    assert case.answers["categories"] == [DifficultyCategory.OLDER_WORKER]
    case.answers["categories"] = [DifficultyCategory.OLDER_WORKER, DifficultyCategory.LAND_EXPROPRIATED]
    case.answers["declaration"] = True
    case.save()
    with pytest.raises(Refused, match="evidence"):
        recognition_submit(case=case, token=uuid.uuid4(), actor=user)
    evidence_add(
        case=case, purpose="land_expropriated", upload=SimpleUploadedFile("征地.pdf", b"%PDF-1.4 x"), actor=user
    )
    case = recognition_submit(case=case, token=uuid.uuid4(), actor=user)
    assert case.reference.startswith("KR-654202-")
    case_take(case=case, actor=caseworker_wusu)
    with pytest.raises(Refused):
        case_approve(case=case, actor=caseworker_wusu)  # no categories chosen yet
    recognition_decide(case=case, accepted=[DifficultyCategory.OLDER_WORKER], reason="", actor=caseworker_wusu)
    case.refresh_from_db()
    assert case.state == CaseState.FINAL
    recognition = woman.difficulty_recognitions.get()
    assert recognition.categories == [DifficultyCategory.OLDER_WORKER]
    assert recognition.recognised_on == today
    assert case.answers["refused_categories"] == [DifficultyCategory.LAND_EXPROPRIATED]


# --- Referral (clause （十一）) and uploads -------------------------------------------------------------------------


def test_a_caseworker_refers_the_resident_of_a_case_to_civil_affairs(
    caseworker_wusu, caseworker, make_person, make_resident_user, submit_registration
) -> None:
    case = submit_registration(make_resident_user(make_person()))
    with pytest.raises(Refused, match="another county"):
        referral_record(case=case, kind="low_income", note="家庭困难", actor=caseworker)
    referral = referral_record(case=case, kind="low_income", note="家庭困难，建议申请低保。", actor=caseworker_wusu)
    assert referral.case_reference == case.reference
    assert Referral.objects.filter(person=case.person).count() == 1


def test_an_executable_renamed_as_a_pdf_is_refused(
    settings, tmp_path, draft_registration, make_person, make_resident_user
) -> None:
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    user = make_resident_user(make_person())
    case = draft_registration(user)
    with pytest.raises(Refused, match="PDF, JPEG or PNG"):
        evidence_add(
            case=case,
            purpose="residence",
            upload=SimpleUploadedFile("证明.pdf", b"MZ\x90\x00" + b"\0" * 60),
            actor=user,
        )
    with pytest.raises(Refused, match="5 MB"):
        big = SimpleUploadedFile("big.png", PNG + b"\0" * (5 * 1024 * 1024))
        evidence_add(case=case, purpose="residence", upload=big, actor=user)
    assert not case.evidence.exists()
    kept = evidence_add(case=case, purpose="residence", upload=SimpleUploadedFile("a.png", PNG), actor=user)
    assert kept.content_type == "image/png"
    assert (tmp_path / kept.file).read_bytes() == PNG
    assert not BenefitPeriod.objects.exists()
