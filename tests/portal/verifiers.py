"""Real-name verifiers for tests: stand-ins for the carrier's three-factor check (plugged in through settings, as
the SMS sender is; nothing inside the project is replaced)."""

from __future__ import annotations

from portal.identity import Verdict


class AlwaysMatch:
    def verify(self, name: str, id_number: str, phone: str) -> Verdict:
        return Verdict.MATCH


class AlwaysMismatch:
    def verify(self, name: str, id_number: str, phone: str) -> Verdict:
        return Verdict.MISMATCH


class Broken:
    def verify(self, name: str, id_number: str, phone: str) -> Verdict:
        raise ConnectionError("the carrier did not answer")
