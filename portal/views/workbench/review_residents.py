"""What the review page shows for the resident kinds (KIND_DETAILS in portal.views.workbench.cases): the answers in
words, the registry's facts beside them (户口, working age, an active registration elsewhere), the uploads, and the
per-category recognition form."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.forms.residents_journey import RecognitionDecisionForm, ReportWorkForm
from registry.models import DifficultyCategory, RegistrationStatus
from subsidies.measures import m09_registration
from subsidies.models import Case


def _label(choices: Any, value: Any) -> Any:
    return dict(choices).get(value, value)


def registration_details(case: Case) -> dict[str, Any]:
    a = case.answers
    person = case.person
    day = timezone.localtime(case.submitted_at).date() if case.submitted_at else timezone.localdate()
    active = m09_registration.active_registration(person)
    registration = m09_registration.registration_of(case)
    rows = [
        (_("Address"), a.get("address", "")),
        (_("Household registration (area code)"), person.hukou_area_code),
        (_("Residence permit number"), a.get("residence_permit") or "—"),
        (_("Able and wanting to work"), _("Declared") if a.get("able_and_willing") else _("Not declared")),
        (_("Why without work"), _label(m09_registration.WORK_END_REASONS, a.get("work_end_reason", ""))),
        (_("Last employer"), a.get("last_employer") or "—"),
        (_("Last work ended"), a.get("work_ended_on") or "—"),
        (_("Work wanted"), a.get("occupation", "")),
        (_("Expected monthly wage (yuan)"), a.get("expected_wage") or "—"),
        (_("Training wanted"), a.get("training_wishes") or "—"),
        (_("Skills"), a.get("skills") or "—"),
    ]
    return {
        "rows": rows,
        "hukou_elsewhere": m09_registration.residence_needs_evidence(person, case.county),
        "age": m09_registration.working_age_check(person=person, on=day),
        "age_day": day,
        "active": active if active is not None and active.pk != (registration.pk if registration else None) else None,
        "move": a.get("move_registration"),
        "registration": registration,
        "registration_active": registration is not None and registration.status == RegistrationStatus.ACTIVE,
        "work_form": ReportWorkForm(prefix="work"),
        "evidence": case.evidence.all(),
    }


def recognition_details(case: Case) -> dict[str, Any]:
    a = case.answers
    proven = a.get("proven", {})
    uploads: dict[str, list[Any]] = {}
    for evidence in case.evidence.all():
        uploads.setdefault(evidence.purpose, []).append(evidence)
    categories = [
        {
            "label": DifficultyCategory(c).label,
            "proven": proven.get(c, ""),
            "evidence": uploads.get(c, []),
            "accepted": c in a.get("accepted_categories", []),
            "refused": c in a.get("refused_categories", []),
        }
        for c in a.get("categories", [])
    ]
    asked = a.get("categories", [])
    return {
        "categories": categories,
        "registration": m09_registration.registration_of(case),
        "recognition": m09_registration.recognition_of(case),
        "recognise_form": RecognitionDecisionForm(
            prefix="recognise", asked=asked, initial={"accepted": [c for c in asked if c in proven]}
        ),
        "evidence": case.evidence.all(),
    }
