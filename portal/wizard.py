"""The one wizard engine of the portal: multi-step applications, GOV.UK style.

A journey is a start page, one topic per page (the draft saved at each), check your answers, an idempotent submit
(the form's token: a double click or a retried POST never makes two cases), and a confirmation with the reference.
The enterprise journeys (the stable-job refund and hardship recognition, clause （一）) and the resident journeys
(registration and recognition, clause （九）) are all `Journey`s of this engine; they differ only in what they
declare:

- each `Step` declares its form, when it is done, how it saves, and what it adds to its page;
- each `Journey` declares its steps, how its answers are saved by default, how it submits, what the check page
  shows (the summary rows and any extra: an amount, the problems the registry finds);
- each `Wizard` (one per audience) declares how a case is looked up for the signed-in user and where its pages are.

One set of templates renders every journey: `portal/wizard/step.html` and `portal/wizard/check.html`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.forms import SubmitForm, refusal_on_form
from registry.refusals import Refused
from subsidies.cases.states import EDITABLE
from subsidies.models import Case, CaseState


def _answers_present(case: Case, keys: tuple[str, ...]) -> bool:
    return all(case.answers.get(k) not in (None, "", []) for k in keys)


@dataclass(frozen=True)
class Step:
    slug: str
    title: Any
    form_class: type[forms.Form]
    # The answers that must be present for the step to count as done (when `done` is not given).
    required: tuple[str, ...] = ()
    # (case) -> is the step done? Default: every `required` answer is present.
    done: Callable[[Case], bool] | None = None
    # (case, data, files) -> the bound or unbound form. Default: form_class(data, files, initial=initial_from(case)).
    build: Callable[[Case, Any, Any], Any] | None = None
    # (case, form, actor) -> the saved case. Default: the journey's `save_answers` with form.answers().
    save: Callable[[Case, Any, Any], Case] | None = None
    # (case, form) -> extra context of its page (e.g. the registry's figures beside the form).
    context: Callable[[Case, Any], dict[str, Any]] | None = None
    # A template included above the fields (what the page is about), or "".
    intro: str = ""
    # The step accepts uploads (its form is multipart; the case's files are listed with it).
    uploads: bool = False
    # (case) -> is the page part of this case's journey? Default: always (e.g. a page only for a returned case).
    shown: Callable[[Case], bool] | None = None

    def is_done(self, case: Case) -> bool:
        return self.done(case) if self.done is not None else _answers_present(case, self.required)

    def form(self, case: Case, data: Any = None, files: Any = None) -> Any:
        if self.build is not None:
            return self.build(case, data, files)
        initial = self.form_class.initial_from(case) if hasattr(self.form_class, "initial_from") else {}
        return self.form_class(data, files, initial=initial)


@dataclass(frozen=True)
class Journey:
    slug: str
    kind: str
    title: Any
    lead: Any
    steps: tuple[Step, ...]
    # (case, answers, actor) -> case: how a step's answers are kept on the draft.
    save_answers: Callable[..., Case]
    # (case, token, actor) -> the submitted case (idempotent on the token).
    submit: Callable[..., Case]
    # (case) -> the check page's rows: {"label", "value", "step"?, "key"?}.
    summary: Callable[[Case], list[dict[str, Any]]]
    # (request, case) -> extra context of the check page: "submit_note" (where it goes), "calculation",
    # "problems".
    check_context: Callable[[HttpRequest, Case], dict[str, Any]] | None = None
    # (request, case) -> why the account cannot send it yet: {"blocked": message, "blocked_link": {"url", "text"}},
    # or {}. Asked on its own when the form is posted: a submission that goes through builds no page.
    blocked: Callable[[HttpRequest, Case], dict[str, Any]] | None = None
    # `submit` takes a case the wizard has already locked (subsidies' case_submit with locked=True): the wizard then
    # finds, checks and locks the case in one query of the wizard's `cases` (issue 17: one query fewer per
    # submission). Journeys whose submit locks more than the case (the person, clause （九）) leave it False.
    submit_takes_locked: bool = False

    def steps_for(self, case: Case) -> tuple[Step, ...]:
        """The pages of this case's journey (a page may be shown only to some cases)."""
        return tuple(s for s in self.steps if s.shown is None or s.shown(case))

    def step(self, slug: str, case: Case) -> Step:
        for candidate in self.steps_for(case):
            if candidate.slug == slug:
                return candidate
        raise Http404("no such step")

    def missing(self, case: Case) -> list[Step]:
        """The pages of this case's journey not done yet. A page that is done is not asked whether it is shown (an
        optional page, always done, may need a query to know that: the submission does not pay for it)."""
        return [s for s in self.steps if not s.is_done(case) and (s.shown is None or s.shown(case))]


@dataclass
class Wizard:
    """The journeys of one audience, under one URL namespace ("apply" or "residents")."""

    namespace: str
    # (user, pk) -> the user's case, or Http404.
    get_case: Callable[[Any, int], Case]
    # (user, pk, token) -> in the caller's transaction, the user's case `pk` locked and any case of theirs the
    # token already submitted, in one query: (case or None, submitted or None). For journeys whose submit takes a
    # locked case (Journey.submit_takes_locked).
    lock_case: Callable[[Any, int, uuid.UUID], tuple[Case | None, Case | None]] | None = None
    journeys: dict[str, Journey] = field(default_factory=dict)
    # Where "save and come back later" goes.
    index_url_name: str = ""

    def register(self, *journeys: Journey) -> None:
        for journey in journeys:
            self.journeys[journey.slug] = journey

    def journey(self, slug: str) -> Journey:
        try:
            return self.journeys[slug]
        except KeyError:
            raise Http404("no such journey") from None

    def journey_for(self, case: Case) -> Journey:
        for journey in self.journeys.values():
            if journey.kind == case.kind:
                return journey
        raise Http404("no such journey")

    def has_journey(self, case: Case) -> bool:
        return any(j.kind == case.kind for j in self.journeys.values())

    # --- Addresses ------------------------------------------------------------------------------------------------

    def step_url(self, journey: Journey, case: Case, step: Step, *, from_check: bool = False) -> str:
        url = reverse(f"{self.namespace}:step", args=[journey.slug, case.pk, step.slug])
        return url + "?from=check" if from_check else url

    def check_url(self, journey: Journey, case: Case) -> str:
        return reverse(f"{self.namespace}:check", args=[journey.slug, case.pk])

    def case_url(self, case: Case) -> str:
        return reverse(f"{self.namespace}:case", args=[case.pk])

    def start_url(self, journey: Journey) -> str:
        return reverse(f"{self.namespace}:start-{journey.slug}")

    def resume_url(self, case: Case) -> str:
        """Where an unfinished (or returned) application continues: its first step not done, else the check page."""
        journey = self.journey_for(case)
        missing = journey.missing(case)
        return self.step_url(journey, case, missing[0]) if missing else self.check_url(journey, case)

    # --- Views ------------------------------------------------------------------------------------------------

    def _editable(self, request: HttpRequest, journey: Journey, pk: int) -> Case | HttpResponse:
        case = self.get_case(request.user, pk)
        if case.kind != journey.kind:
            raise Http404("no such application")
        if case.state not in EDITABLE:
            return redirect(self.case_url(case))
        return case

    def step_view(self, request: HttpRequest, journey_slug: str, pk: int, slug: str) -> HttpResponse:
        """One page of the application; saves the draft and goes on to the next page (or back to the check page)."""
        journey = self.journey(journey_slug)
        case = self._editable(request, journey, pk)
        if isinstance(case, HttpResponse):
            return case
        current = journey.step(slug, case)
        steps = journey.steps_for(case)
        index = steps.index(current)
        from_check = request.GET.get("from") == "check"
        posted = request.method == "POST"
        form = current.form(case, request.POST if posted else None, request.FILES if posted else None)
        if posted and form.is_valid():
            try:
                if current.save is not None:
                    case = current.save(case, form, request.user)
                else:
                    case = journey.save_answers(case=case, answers=form.answers(), actor=request.user)
            except Refused as refused:
                refusal_on_form(form, refused)
            else:
                if current.uploads and not current.is_done(case):
                    # Saved, but the page asks for a file for each category: stay on it.
                    messages.info(request, _("Saved. Upload evidence for each category that is still missing."))
                    return redirect(self.step_url(journey, case, current, from_check=from_check))
                if from_check or index + 1 == len(steps):
                    # A changed answer may need another page (a changed track, its figures) before the check page.
                    return redirect(self.resume_url(case) if from_check else self.check_url(journey, case))
                return redirect(self.step_url(journey, case, steps[index + 1]))
        if from_check:
            back = self.check_url(journey, case)
        elif index:
            back = self.step_url(journey, case, steps[index - 1])
        elif case.state == CaseState.RETURNED:
            back = self.case_url(case)
        else:
            back = self.start_url(journey)
        context = {
            "journey": journey,
            "case": case,
            "step": current,
            "form": form,
            "back_url": back,
            "step_number": index + 1,
            "step_count": len(steps),
            "index_url": reverse(self.index_url_name),
            "evidence": case.evidence.all() if current.uploads else [],
            "evidence_url_name": f"{self.namespace}:evidence",
            "remove_evidence_url_name": f"{self.namespace}:remove-evidence",
            **(current.context(case, form) if current.context is not None else {}),
        }
        return render(request, "portal/wizard/step.html", context, status=400 if posted else 200)

    def _check_context(self, request: HttpRequest, journey: Journey, case: Case, form: SubmitForm) -> dict[str, Any]:
        rows = journey.summary(case)
        for row in rows:
            if "step" in row:
                row["change_url"] = self.step_url(journey, case, row["step"], from_check=True)
        missing = journey.missing(case)
        return {
            "journey": journey,
            "case": case,
            "rows": rows,
            "missing": [(s, self.step_url(journey, case, s)) for s in missing],
            "form": form,
            "back_url": self.step_url(journey, case, journey.steps_for(case)[-1]),
            **(journey.check_context(request, case) if journey.check_context is not None else {}),
            **(journey.blocked(request, case) if journey.blocked is not None else {}),
        }

    def check_view(self, request: HttpRequest, journey_slug: str, pk: int) -> HttpResponse:
        """Check your answers, then submit once: the form's token makes it idempotent."""
        journey = self.journey(journey_slug)
        if request.method == "POST":
            return self._submit(request, journey, pk, SubmitForm(request.POST))
        case = self._editable(request, journey, pk)
        if isinstance(case, HttpResponse):
            return case
        form = SubmitForm(initial={"token": uuid.uuid4()})
        return render(request, "portal/wizard/check.html", self._check_context(request, journey, case, form))

    def _submit(self, request: HttpRequest, journey: Journey, pk: int, form: SubmitForm) -> HttpResponse:
        """The check page's POST. A submission that goes through answers with a redirect and builds no page; the
        page is built (once) only to show why it did not, after the transaction (never while the case is locked)."""
        token = form.cleaned_data["token"] if form.is_valid() else None
        locking = token is not None and journey.submit_takes_locked and self.lock_case is not None
        show_again = False
        try:
            # Locked, the whole check is one transaction; otherwise the journey's submit opens its own.
            with transaction.atomic() if locking else nullcontext():
                if locking:
                    # One query: the user's case, locked, and any case of theirs this token already submitted.
                    case, submitted = self.lock_case(request.user, pk, token)
                    if submitted is not None:
                        return redirect(f"{self.namespace}:confirmation", pk=submitted.pk)  # a double click
                    if case is None:
                        raise Http404("no such application")
                else:
                    case = self.get_case(request.user, pk)
                if case.kind != journey.kind:
                    raise Http404("no such application")
                if token is not None and case.submission_token == token:
                    return redirect(f"{self.namespace}:confirmation", pk=case.pk)  # a double click or a retried POST
                if case.state not in EDITABLE:
                    return redirect(self.case_url(case))
                if token is None:
                    return self._check_again(request, journey, case, form)  # nothing locked: locking needs a token
                missing = journey.missing(case)
                if missing:
                    return redirect(self.step_url(journey, case, missing[0]))
                blocked = journey.blocked(request, case) if journey.blocked is not None else {}
                if blocked.get("blocked"):
                    form.add_error(None, blocked["blocked"])
                    show_again = True
                else:
                    locked = {"locked": True} if locking else {}
                    case = journey.submit(case=case, token=token, actor=request.user, **locked)
        except Refused as refused:
            # Nothing of the submission was written (its transaction rolled back): the page again with the reason.
            form.add_error(None, str(refused))
            return self._check_again(request, journey, self.get_case(request.user, pk), form)
        except IntegrityError:
            # A token stored on a case this account cannot see (the lock looks among its own): a form of someone
            # else's, posted again. Nothing was written; nothing about that case is told.
            if token is None or not Case.objects.filter(submission_token=token).exists():
                raise
            form.add_error(None, _("This form was used already. Open the check page again to submit."))
            return self._check_again(request, journey, self.get_case(request.user, pk), form)
        if show_again:
            return self._check_again(request, journey, case, form)
        return redirect(f"{self.namespace}:confirmation", pk=case.pk)

    def _check_again(self, request: HttpRequest, journey: Journey, case: Case, form: SubmitForm) -> HttpResponse:
        context = self._check_context(request, journey, case, form)
        return render(request, "portal/wizard/check.html", context, status=400)
