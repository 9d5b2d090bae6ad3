"""What the workbench's review page shows for the residents' claims （七）, （八）, （三）: the answers in words, the
cross-checks and the related claim (KIND_DETAILS in portal.views.workbench.cases)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from portal.views.apply.claims_enterprises import startup_loan_review_details
from subsidies.cases.claims import claim_checks
from subsidies.cases.evidence import CERTIFICATE
from subsidies.measures.m03_startup_loan import LOAN_CATEGORIES
from subsidies.measures.m07_training import TRAINING_TYPES
from subsidies.measures.m08_skill_upgrade import CERTIFICATE_LEVELS
from subsidies.models import Case, CaseKind, Evidence

ANSWER_LABELS: dict[str, Any] = {
    "institution": gettext_lazy("Training institution"),
    "course": gettext_lazy("Course"),
    "training_type": gettext_lazy("Type of training"),
    "training_start": gettext_lazy("First day of the training"),
    "training_end": gettext_lazy("Last day of the training"),
    "hours": gettext_lazy("Hours of training"),
    "cost": gettext_lazy("Cost of the training (yuan)"),
    "result": gettext_lazy("Result"),
    "certificate_number": gettext_lazy("Certificate number"),
    "bank_name": gettext_lazy("Bank and branch"),
    "training_reference": gettext_lazy("Training subsidy claim"),
    "occupation": gettext_lazy("Occupation (trade)"),
    "certificate_level": gettext_lazy("Level of the certificate"),
    "certificate_date": gettext_lazy("Date of the certificate"),
    "insured_months": gettext_lazy("Months of unemployment-insurance contributions"),
    "insured_county": gettext_lazy("County where you are insured"),
    "insured_months_source": gettext_lazy("Source of the months insured"),
    "application_date": gettext_lazy("Date of the claim"),
    "applicant": gettext_lazy("Applicant"),
    "category": gettext_lazy("Qualifying person"),
    "category_details": gettext_lazy("Details"),
    "business_name": gettext_lazy("Name of the business"),
    "business_activity": gettext_lazy("What the business does"),
    "requested_amount": gettext_lazy("Loan requested (yuan)"),
}
HIDDEN_ANSWERS = {"occupation_key", "training_case"}


def _answer_value(key: str, value: Any) -> Any:
    choices: dict[str, dict[str, Any]] = {
        "training_type": TRAINING_TYPES,
        "certificate_level": CERTIFICATE_LEVELS,
        "category": LOAN_CATEGORIES,
        "result": {"passed": gettext_lazy("Passed"), "not_passed": gettext_lazy("Did not pass")},
        "insured_months_source": {
            "registry": gettext_lazy("From the social-insurance system"),
            "applicant": gettext_lazy("Entered by the applicant"),
        },
        "applicant": {"individual": gettext_lazy("Individual"), "enterprise": gettext_lazy("Enterprise")},
    }
    return choices.get(key, {}).get(value, value) if isinstance(value, str) else value


def claim_details(case: Case) -> dict[str, Any]:
    """Context of templates/portal/cases/kinds/<kind>.html: the answers in words and the cross-checks."""
    rows = [
        {"label": ANSWER_LABELS.get(key, key.replace("_", " ")), "value": _answer_value(key, value)}
        for key, value in case.answers.items()
        if key not in HIDDEN_ANSWERS and value not in (None, "", [], {})
    ]
    related = None
    if case.kind == CaseKind.LIVING_ALLOWANCE and case.answers.get("training_case"):
        related = Case.objects.filter(pk=case.answers["training_case"]).first()
    elif case.kind == CaseKind.TRAINING_SUBSIDY:
        related = Case.objects.filter(kind=CaseKind.LIVING_ALLOWANCE, answers__training_case=case.pk).first()
    # The certificate is kept with the training subsidy claim; the living allowance for the same training shows it.
    certificate_case = related if case.kind == CaseKind.LIVING_ALLOWANCE and related is not None else case
    evidence = list(Evidence.objects.filter(case=certificate_case, purpose=CERTIFICATE))
    return {"rows": rows, "checks": claim_checks(case), "related": related, "other_answers": rows, "evidence": evidence}


def startup_loan_details(case: Case) -> dict[str, Any]:
    """The start-up loan review page serves both applicants: an individual's case (here) and an enterprise's
    (portal.views.apply.claims_enterprises.startup_loan_review_details)."""
    if case.person_id:
        return claim_details(case)
    return startup_loan_review_details(case)
