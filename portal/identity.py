"""Pluggable real-name verification, chosen by settings.IDENTITY_VERIFIER (like the text-message senders).

Binding a new resident account to a person already in the registry needs proof that the person is the one signing
up. The first proof is the phone on record receiving the code. When the phone on record is missing or different,
the portal asks a verifier: `verify(name, id_number, phone) -> Verdict`. Production plugs in the carrier's
three-factor check (name + ID number + the phone's registered owner) or the public-security real-name service here,
a class with the same `verify` method. The development verifier checks nothing and says so (UNAVAILABLE), so an
account that cannot prove itself online waits for the county office to see the person's ID card.
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.utils.module_loading import import_string


class Verdict(enum.Enum):
    MATCH = "match"  # the service confirms the name, ID number and phone belong together
    MISMATCH = "mismatch"  # the service says they do not
    UNAVAILABLE = "unavailable"  # no answer (no service configured, or it did not reply)


class DevelopmentVerifier:
    """Development and tests: no real-name service; nothing is confirmed online."""

    def verify(self, name: str, id_number: str, phone: str) -> Verdict:
        return Verdict.UNAVAILABLE


def identity_verify(*, name: str, id_number: str, phone: str) -> Verdict:
    """Ask the configured verifier; a verifier that fails counts as no answer, never as a match."""
    try:
        verdict = import_string(settings.IDENTITY_VERIFIER)().verify(name, id_number, phone)
    except Exception:
        return Verdict.UNAVAILABLE
    return verdict if isinstance(verdict, Verdict) else Verdict.UNAVAILABLE
