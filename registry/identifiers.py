"""Typed identifiers: the resident ID number (GB 11643-1999) and the unified social credit code (GB 32100-2015).

python-stdnum checks the ID number's check character but also rejects area codes that did not exist in the birth
year, and for credit codes it checks only the last character; POLICY.md "Identifiers" wants neither gap, so the
checks are written out here (tests hold the shared parts equal to stdnum's cn.ric and cn.uscc).
Error messages name the character that is wrong where that can be known (a check character can only say that
*some* character is wrong).
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARACTERS = "10X98765432"
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


class Sex:
    MALE = "M"
    FEMALE = "F"


@dataclass(frozen=True)
class ResidentId:
    number: str
    area_code: str
    birth_date: dt.date
    sex: str  # Sex.MALE or Sex.FEMALE


def normalise_id_number(value: str) -> str:
    """Spaces and hyphens dropped, a lower-case x made upper-case (people type both)."""
    return "".join(str(value).split()).replace("-", "").upper()


def normalise_credit_code(value: str) -> str:
    return "".join(str(value).split()).replace("-", "").upper()


def id_check_character(body: str) -> str:
    """The 18th character for the first 17 digits: "10X98765432"[sum(d_i * w_i) % 11]."""
    return ID_CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(body, ID_WEIGHTS, strict=True)) % 11]


_CREDIT_VALUES = {char: value for value, char in enumerate(CREDIT_CODE_ALPHABET)}
_ORG_VALUES = {char: int(char, 36) for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
_CREDIT_CODE_RE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}")
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(body: str) -> str:
    """The 18th character of a credit code (GB 32100, mod 31).

    The same sum as python-stdnum's cn.uscc.calc_check_digit (a test holds them equal), without its input cleaning,
    which dominated the import's time.
    """
    total = sum(map(operator.mul, map(_CREDIT_VALUES.__getitem__, body[:17]), CREDIT_CODE_WEIGHTS))
    return CREDIT_CODE_ALPHABET[-total % 31]


def organisation_code_check_digit(body: str) -> str:
    """GB 11714: the 9th character of an organisation code from its first 8 (letters count A=10 .. Z=35)."""
    total = sum(map(operator.mul, map(_ORG_VALUES.__getitem__, body[:8]), ORGANISATION_CODE_WEIGHTS))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _error(message: object, code: str, **params: object) -> ValidationError:
    return ValidationError(message, code=code, params=params)


def parse_id_number(value: str, *, today: dt.date | None = None) -> ResidentId:
    """Validate a resident ID number and derive birth date and sex. Raises ValidationError saying what is wrong.

    The area code is not checked against a list: people move to Tacheng from everywhere, and old codes stay valid.
    """
    number = normalise_id_number(value)
    if len(number) != 18:
        raise _error(_("An ID number has 18 characters; this one has %(length)s."), "id_length", length=len(number))
    for index, char in enumerate(number[:17]):
        if not char.isascii() or not char.isdigit():
            raise _error(
                _("Character %(position)s of the ID number (“%(char)s”) must be a digit."),
                "id_character",
                position=index + 1,
                char=char,
            )
    if number[17] not in "0123456789X":
        raise _error(
            _("Character 18 of the ID number (“%(char)s”) must be a digit or X."), "id_character", char=number[17]
        )
    try:
        birth_date = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise _error(
            _("Characters 7 to 14 of the ID number (%(date)s) are not a real date of birth."),
            "id_birth_date",
            date=number[6:14],
        ) from None
    today = today or timezone.localdate()
    if birth_date > today:
        raise _error(
            _("Characters 7 to 14 of the ID number give a date of birth in the future (%(date)s)."),
            "id_birth_future",
            date=birth_date.isoformat(),
        )
    if birth_date < EARLIEST_BIRTH_DATE:
        raise _error(
            _("Characters 7 to 14 of the ID number give a date of birth before 1900 (%(date)s)."),
            "id_birth_date",
            date=birth_date.isoformat(),
        )
    expected = id_check_character(number[:17])
    if number[17] != expected:
        raise _error(
            _(
                "The check character (character 18) does not match the other characters: one of them is mistyped. "
                "Please compare the number with the ID card."
            ),
            "id_checksum",
        )
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return ResidentId(number=number, area_code=number[:6], birth_date=birth_date, sex=sex)


def validate_id_number(value: str) -> None:
    """Django validator for model and form fields."""
    parse_id_number(value)


def parse_credit_code(value: str) -> str:
    """Validate a unified social credit code; returns it normalised. Raises ValidationError saying what is wrong."""
    code = normalise_credit_code(value)
    if len(code) != 18:
        raise _error(
            _("A unified social credit code has 18 characters; this one has %(length)s."),
            "credit_length",
            length=len(code),
        )
    for index, char in enumerate(code if not _CREDIT_CODE_RE.fullmatch(code) else ""):
        if index >= 2 and index < 8:
            if not char.isascii() or not char.isdigit():
                raise _error(
                    _("Character %(position)s of the credit code (“%(char)s”) must be a digit (area code)."),
                    "credit_character",
                    position=index + 1,
                    char=char,
                )
        elif char not in CREDIT_CODE_ALPHABET:
            raise _error(
                _(
                    "Character %(position)s of the credit code (“%(char)s”) is not allowed: use digits and capital "
                    "letters other than I, O, S, V and Z."
                ),
                "credit_character",
                position=index + 1,
                char=char,
            )
    expected_org = organisation_code_check_digit(code[8:16])
    if code[16] != expected_org:
        raise _error(
            _(
                "Characters 9 to 17 of the credit code (the organisation code) do not agree: character 17 should be "
                "the check digit of characters 9 to 16. One of characters 9 to 17 is mistyped."
            ),
            "credit_org_checksum",
        )
    if code[17] != credit_code_check_character(code[:17]):
        raise _error(
            _(
                "The check character (character 18) of the credit code does not match the other characters: one of "
                "them is mistyped."
            ),
            "credit_checksum",
        )
    return code


def validate_credit_code(value: str) -> None:
    parse_credit_code(value)


def is_valid_id_number(value: str) -> bool:
    try:
        parse_id_number(value)
    except ValidationError:
        return False
    return True


def is_valid_credit_code(value: str) -> bool:
    try:
        parse_credit_code(value)
    except ValidationError:
        return False
    return True


def error_text(exc: ValidationError) -> str:
    """The message of a ValidationError with its parameters filled in (for reports and forms)."""
    return "; ".join(str(m) for m in exc.messages)
