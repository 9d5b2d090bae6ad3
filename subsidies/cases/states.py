"""The states of a case, the one map of allowed transitions, and the groups of states the rules speak of.

Each group is defined here once, named after what it groups; no other module lists states by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from subsidies.models import CaseState

S = CaseState


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        Transition("submit", gettext_lazy("Submitted"), frozenset({S.DRAFT}), S.SUBMITTED),
        Transition("claim", gettext_lazy("Taken for review"), frozenset({S.SUBMITTED, S.RESUBMITTED}), S.IN_REVIEW),
        Transition("release", gettext_lazy("Put back in the queue"), frozenset({S.IN_REVIEW}), S.SUBMITTED),
        Transition("return", gettext_lazy("Returned for correction"), frozenset({S.IN_REVIEW}), S.RETURNED, True),
        Transition("resubmit", gettext_lazy("Corrected and resubmitted"), frozenset({S.RETURNED}), S.RESUBMITTED),
        Transition("approve", gettext_lazy("Approved"), frozenset({S.IN_REVIEW}), S.APPROVED),
        Transition("reject", gettext_lazy("Rejected"), frozenset({S.IN_REVIEW}), S.REJECTED, True),
        Transition("publish", gettext_lazy("Published for public notice"), frozenset({S.APPROVED}), S.ON_NOTICE),
        Transition("finalise", gettext_lazy("Final"), frozenset({S.ON_NOTICE, S.APPROVED}), S.FINAL),
        Transition(
            "reopen",
            gettext_lazy("Back to review after an upheld objection"),
            frozenset({S.ON_NOTICE}),
            S.IN_REVIEW,
            True,
        ),
        # 告知承诺制: a post-check found a commitment false (subsidies.commitments.commitment_check_decide).
        Transition(
            "revoke",
            gettext_lazy("Revoked after a false commitment"),
            frozenset({S.APPROVED, S.ON_NOTICE, S.FINAL}),
            S.REVOKED,
            True,
        ),
    ]
}

# The transitions a case can take once only: no transition leads back to where they start (submit: nothing returns
# a case to draft). Their notification is the case's first of its event, counted without reading the trail.
ONCE_ONLY = frozenset(
    name for name, t in TRANSITIONS.items() if not any(other.target in t.sources for other in TRANSITIONS.values())
)

# --- Groups of states -------------------------------------------------------------------------------------------

# The applicant may still change the case.
EDITABLE = (S.DRAFT, S.RETURNED)
# Waiting for a caseworker: in the county's queue or being reviewed (a returned case waits for the applicant).
AWAITING_CASEWORKER = (S.SUBMITTED, S.IN_REVIEW, S.RESUBMITTED)
# In the county's queue, waiting for a caseworker to take it.
IN_QUEUE = (S.SUBMITTED, S.RESUBMITTED)
# Submitted and not yet decided, whoever must act next.
UNDECIDED = (S.SUBMITTED, S.IN_REVIEW, S.RETURNED, S.RESUBMITTED)
# Not yet decided, drafts included: the applicant has one of these open.
NOT_DECIDED = (S.DRAFT, *UNDECIDED)
# Approved: on public notice or final included.
GRANTED = (S.APPROVED, S.ON_NOTICE, S.FINAL)
# Decided, either way.
DECIDED = (*GRANTED, S.REJECTED)
# Submitted and neither rejected nor withdrawn: counts against once-only rules.
LIVE = (*UNDECIDED, *GRANTED)

# What an applicant sees as the next step, per state.
NEXT_STEP = {
    S.DRAFT: gettext_lazy("Finish your application and submit it."),
    S.SUBMITTED: gettext_lazy("Waiting for a caseworker of your county to take it."),
    S.IN_REVIEW: gettext_lazy("A caseworker is reviewing it. Nothing to do for now."),
    S.RETURNED: gettext_lazy("Correct your application as the caseworker asks, then resubmit it."),
    S.RESUBMITTED: gettext_lazy("Waiting for a caseworker to review your corrections."),
    S.APPROVED: gettext_lazy("Approved. It will be published for public notice before it becomes final."),
    S.REJECTED: gettext_lazy("Rejected. The rejection notice says why and how to appeal."),
    S.ON_NOTICE: gettext_lazy("On public notice. It becomes final when the notice period ends without objection."),
    S.FINAL: gettext_lazy("Final. Download your notice."),
    S.REVOKED: gettext_lazy(
        "Revoked: a post-check found a commitment you signed false. Return any amount paid; the office will contact "
        "you."
    ),
}


def state_label(state: str) -> str:
    return str(CaseState(state).label)
