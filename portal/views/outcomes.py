"""What the loser of a race sees: a page cannot change a case that someone (or something) has decided meanwhile;
instead of a bare refusal the user is sent to the case with a sentence saying who did what, and when.

Two tabs approving, two members of one enterprise submitting, a double click on submit: the first wins in the
database (row locks, submission tokens); the others land here."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from registry.audit import audit_trail
from subsidies.cases.states import DECIDED, TRANSITIONS, state_label
from subsidies.models import Case, CaseState
from subsidies.templatetags.policy_text import local_moment

TRANSITION_ACTIONS = {f"case_{name}": step for name, step in TRANSITIONS.items()}


def may_still(case: Case, name: str) -> bool:
    """Whether the transition `name` can still start from the case's state as it is in the database now."""
    case.refresh_from_db(fields=["state", "assignee", "reference"])
    return case.state in TRANSITIONS[name].sources


def decided_meanwhile(case: Case) -> bool:
    """Whether a decision (approve, reject, return) was taken on the case, as it is in the database now: a caseworker
    whose own decision is refused then lost a race (another tab, another person), and is told who won."""
    case.refresh_from_db(fields=["state", "assignee", "reference"])
    return case.state in (*DECIDED, CaseState.RETURNED)


def decided_message(case: Case, user: Any) -> str:
    """ "Nothing was changed: this case is already approved (approved by 王芳, 2026-12-02 10:31).\""""
    event = audit_trail(case).filter(action__in=list(TRANSITION_ACTIONS)).order_by("-occurred_at", "-id").first()
    state = state_label(case.state).lower()
    if event is None:
        return _("Nothing was changed: this case is now %(state)s.") % {"state": state}
    if event.actor_id is None:
        who = _("the system")
    elif event.actor_id == getattr(user, "pk", None):
        who = _("you")
    else:
        who = event.actor.get_full_name() or event.actor.username
    return _("Nothing was changed: this case is already %(state)s (%(what)s by %(who)s, %(when)s).") % {
        "state": state,
        "what": str(TRANSITION_ACTIONS[event.action].label).lower(),
        "who": who,
        "when": local_moment(event.occurred_at),
    }
