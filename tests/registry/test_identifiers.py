"""POLICY.md "Identifiers": resident ID numbers (GB 11643-1999) and unified social credit codes (GB 32100-2015)."""

from __future__ import annotations

import datetime as dt
import string

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.identifiers import (
    CREDIT_CODE_ALPHABET,
    Sex,
    credit_code_check_character,
    error_text,
    id_check_character,
    is_valid_credit_code,
    is_valid_id_number,
    organisation_code_check_digit,
    parse_credit_code,
    parse_id_number,
)

POLICY_ID_NUMBERS = ["654201198503150018", "654202199807080021", "654221199211220037", "65422419880808006X"]
POLICY_CREDIT_CODES = ["91654201312345673Q", "92654202MA7XK2B12N", "93654221076543212B"]
# Every character a person could type instead (case differences are normalised, so they are not changes).
TYPABLE = string.digits + string.ascii_uppercase + "*#- ."


def single_character_changes(value: str):
    for index, original in enumerate(value):
        for replacement in TYPABLE:
            if replacement != original:
                yield value[:index] + replacement + value[index + 1 :]


@pytest.mark.parametrize("number", POLICY_ID_NUMBERS)
def test_it_accepts_the_policy_test_id_numbers(number):
    assert parse_id_number(number).number == number


@pytest.mark.parametrize("number", POLICY_ID_NUMBERS)
def test_it_rejects_every_single_character_change_of_an_id_number(number):
    accepted = [changed for changed in single_character_changes(number) if is_valid_id_number(changed)]
    assert accepted == []


@pytest.mark.parametrize("code", POLICY_CREDIT_CODES)
def test_it_accepts_the_policy_test_credit_codes(code):
    assert parse_credit_code(code) == code


@pytest.mark.parametrize("code", POLICY_CREDIT_CODES)
def test_it_rejects_every_single_character_change_of_a_credit_code(code):
    accepted = [changed for changed in single_character_changes(code) if is_valid_credit_code(changed)]
    assert accepted == []


def test_it_derives_birth_date_and_sex():
    man = parse_id_number("654201198503150018")
    woman = parse_id_number("654202199807080021")
    assert (man.birth_date, man.sex) == (dt.date(1985, 3, 15), Sex.MALE)
    assert (woman.birth_date, woman.sex) == (dt.date(1998, 7, 8), Sex.FEMALE)


def test_it_accepts_a_lower_case_x_and_spaces():
    assert parse_id_number(" 654224 19880808 006x ").number == "65422419880808006X"


def with_check(body: str) -> str:
    return body + id_check_character(body)


@pytest.mark.parametrize("birth", ["19990230", "19991301", "19990001", "19990100", "21000101", "18991231"])
def test_it_rejects_impossible_or_future_birth_dates_even_with_a_right_check_character(birth):
    number = with_check("654201" + birth + "001")
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number, today=dt.date(2019, 6, 1))
    assert exc.value.code in {"id_birth_date", "id_birth_future"}


def test_it_accepts_a_leap_day():
    assert parse_id_number(with_check("65420120000229001")).birth_date == dt.date(2000, 2, 29)


def test_it_accepts_an_area_code_outside_tacheng_or_no_longer_in_use():
    # 沙湾县 654223 (until 2021), a Beijing code, and a code that never existed in stdnum's list.
    for area in ("654223", "110101", "999999"):
        assert parse_id_number(with_check(area + "19850315001")).area_code == area


def test_it_names_the_wrong_character_position_in_chinese_and_english():
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            parse_id_number("65420119850A150018")
        assert "Character 12" in error_text(exc.value)
    with translation.override("zh-hans"):
        assert "第 12 位" in error_text(exc.value)
        assert "身份证" in error_text(exc.value)


def test_it_says_the_length_is_wrong():
    with pytest.raises(ValidationError) as exc:
        parse_id_number("65420119850315001")
    assert exc.value.code == "id_length"


def test_it_checks_the_organisation_code_inside_a_credit_code():
    # Right final character (mod 31) but a wrong organisation-code check digit at position 17:
    # python-stdnum's cn.uscc alone would accept it.
    from stdnum.cn import uscc

    body = "91654201312345674"
    code = body + credit_code_check_character(body)
    assert uscc.is_valid(code)
    with pytest.raises(ValidationError) as exc:
        parse_credit_code(code)
    assert exc.value.code == "credit_org_checksum"


def test_it_names_a_forbidden_letter_in_a_credit_code():
    with pytest.raises(ValidationError) as exc:
        parse_credit_code("91654201312345673O")
    with translation.override("en"):
        assert "Character 18" in error_text(exc.value)
    with translation.override("zh-hans"):
        assert "第 18 位" in error_text(exc.value)


birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2019, 1, 31))


@settings(max_examples=150, deadline=None)
@given(
    area=st.text(alphabet=string.digits, min_size=6, max_size=6),
    birth=birth_dates,
    sequence=st.integers(min_value=0, max_value=999),
)
def test_generated_valid_id_numbers_always_pass(area, birth, sequence):
    number = with_check(f"{area}{birth:%Y%m%d}{sequence:03d}")
    parsed = parse_id_number(number)
    assert parsed.birth_date == birth
    assert parsed.sex == (Sex.MALE if sequence % 2 else Sex.FEMALE)


@settings(max_examples=150, deadline=None)
@given(
    head=st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=2, max_size=2),
    area=st.text(alphabet=string.digits, min_size=6, max_size=6),
    organisation=st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=8, max_size=8),
)
def test_generated_valid_credit_codes_always_pass(head, area, organisation):
    body = head + area + organisation + organisation_code_check_digit(organisation)
    code = body + credit_code_check_character(body)
    assert parse_credit_code(code) == code


@settings(max_examples=100, deadline=None)
@given(body=st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17))
def test_the_credit_code_check_character_agrees_with_python_stdnum(body):
    from stdnum.cn import uscc

    assert credit_code_check_character(body) == uscc.calc_check_digit(body)


@settings(max_examples=100, deadline=None)
@given(area=st.sampled_from(["654201", "654202", "110101"]), birth=birth_dates, sequence=st.integers(0, 999))
def test_the_id_check_character_agrees_with_python_stdnum(area, birth, sequence):
    from stdnum.cn import ric

    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    assert id_check_character(body) == ric.calc_check_digit(body + "0")
