"""Demo of the progress lookup without an account (/progress/): print a reference number and the phone or credit
code that open it, one for a resident's case and one for an enterprise's. Writes nothing."""

from __future__ import annotations

from typing import Any

from portal.views.public.progress import contacts_of
from subsidies.models import Case, CaseState


def _example(cases: Any) -> tuple[str, str] | None:
    for case in cases.select_related("person", "enterprise", "created_by").order_by("-submitted_at", "-id")[:50]:
        case.applied_at_desk = case.created_by.is_back_office
        contacts = contacts_of(case)
        if contacts:
            return case.reference, contacts[0]
    return None


def seed(*, stdout: Any) -> None:
    submitted = Case.objects.exclude(state=CaseState.DRAFT).filter(reference__isnull=False)
    examples = [
        _example(submitted.filter(person__isnull=False, enterprise__isnull=True)),
        _example(submitted.filter(enterprise__isnull=False)),
    ]
    for example in filter(None, examples):
        stdout.write(f"  /progress/ without an account: reference {example[0]} with {example[1]}")
