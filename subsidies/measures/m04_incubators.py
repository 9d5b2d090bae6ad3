"""Incubators (clause （四）): the targets to the end of 2020 as data, what officers record, and target vs actual.

The targets are rows of IncubatorTarget (seeded by migration 0009 from the plan). Officers record recognised
incubators and their tenants (with the jobs they created and the rural leaders they trained); the dashboard reads
`progress()`: counts by kind and level, and the five programme goals (600 jobs, 50 agricultural firms, 100
agricultural science and technology start-up talent, 150 rural leaders, 50 mentors), each from one grouped query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from registry.audit import audit_record
from registry.models import County, Enterprise
from registry.permissions import MANAGE_PARAMETERS
from subsidies.models import (
    Incubator,
    IncubatorGoal,
    IncubatorKind,
    IncubatorLevel,
    IncubatorTarget,
    IncubatorTenant,
)
from subsidies.statistics import Table

RECORD_PERMISSION = MANAGE_PARAMETERS


def _check(actor: Any) -> None:
    if not actor.has_perm(RECORD_PERMISSION):
        raise ValidationError(_("Only prefecture officers record incubators."))


def incubator_record(
    *,
    name: str,
    kind: str,
    level: str,
    county: County,
    recognised_on: date,
    actor: Any,
    recognised_by: str = "",
    mentors: int = 0,
) -> Incubator:
    """Record a recognised incubator (clause （四）) with its start-up mentors."""
    _check(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the incubator's name.")})
    try:
        with transaction.atomic():
            incubator = Incubator.objects.create(
                name=name,
                kind=IncubatorKind(kind),
                level=IncubatorLevel(level),
                county=county,
                recognised_on=recognised_on,
                recognised_by=recognised_by.strip(),
                mentors=mentors,
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action="incubator.record",
                target=incubator,
                after={"name": name, "kind": kind, "level": level, "county": county.code, "mentors": mentors},
            )
    except IntegrityError:
        raise ValidationError({"name": _("This incubator is already recorded at this kind and level.")}) from None
    return incubator


def tenant_record(
    *,
    incubator: Incubator,
    name: str,
    entered_on: date,
    actor: Any,
    enterprise: Enterprise | None = None,
    agricultural: bool = False,
    jobs_created: int = 0,
    rural_leaders: int = 0,
    agricultural_talent: int = 0,
    left_on: date | None = None,
) -> IncubatorTenant:
    """Record a firm incubated, with the jobs it created, the rural leaders it trained and the agricultural science
    and technology start-up talent it gathered (（四） "聚集涉农科技创新创业人才 100 人以上")."""
    _check(actor)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Enter the firm's name.")})
    if left_on is not None and left_on < entered_on:
        raise ValidationError({"left_on": _("A firm cannot leave before it entered.")})
    try:
        with transaction.atomic():
            tenant = IncubatorTenant.objects.create(
                incubator=incubator,
                name=name,
                enterprise=enterprise,
                agricultural=agricultural,
                entered_on=entered_on,
                left_on=left_on,
                jobs_created=jobs_created,
                rural_leaders=rural_leaders,
                agricultural_talent=agricultural_talent,
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action="incubator.tenant_record",
                target=tenant,
                after={
                    "incubator": incubator.pk,
                    "name": name,
                    "agricultural": agricultural,
                    "jobs_created": jobs_created,
                    "rural_leaders": rural_leaders,
                    "agricultural_talent": agricultural_talent,
                },
            )
    except IntegrityError:
        raise ValidationError({"name": _("This firm is already recorded in this incubator.")}) from None
    return tenant


@dataclass
class Line:
    label: Any
    target: int
    actual: int
    deadline: date
    key: str = ""

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.actual / self.target)) if self.target else 100

    @property
    def reached(self) -> bool:
        return self.actual >= self.target


@dataclass
class Progress:
    counts: list[Line]
    goals: list[Line]

    @property
    def groups(self) -> list[tuple[Any, str, list[Line]]]:
        return [
            (_("Incubators: target vs actual"), "incubator_counts", self.counts),
            (_("Incubation goals: target vs actual"), "incubator_goals", self.goals),
        ]

    def tables(self) -> list[Table]:
        columns = [_("Target"), _("Goal"), _("Actual"), _("To be reached by")]
        return [
            Table(
                "incubator_counts",
                _("Incubators: target vs actual"),
                columns,
                [[str(x.label), x.target, x.actual, x.deadline.isoformat()] for x in self.counts],
            ),
            Table(
                "incubator_goals",
                _("Incubation goals: target vs actual"),
                columns,
                [[str(x.label), x.target, x.actual, x.deadline.isoformat()] for x in self.goals],
            ),
        ]


def progress(*, today: date) -> Progress:
    """Target vs actual for every target of clause （四） (prefecture-wide: the targets are the prefecture's)."""
    del today  # the targets carry their own deadline; the actual counts everything recorded so far
    recognised = dict(
        ((kind, level), n)
        for kind, level, n in Incubator.objects.values_list("kind", "level").annotate(n=Count("id")).order_by()
    )
    tenants = IncubatorTenant.objects.aggregate(
        jobs=Sum("jobs_created"),
        leaders=Sum("rural_leaders"),
        talent=Sum("agricultural_talent"),
        agricultural=Count("id", filter=Q(agricultural=True)),
    )
    mentors = Incubator.objects.aggregate(n=Sum("mentors"))["n"] or 0
    actual_goal = {
        IncubatorGoal.JOBS: tenants["jobs"] or 0,
        IncubatorGoal.AGRICULTURAL_FIRMS: tenants["agricultural"] or 0,
        IncubatorGoal.RURAL_LEADERS: tenants["leaders"] or 0,
        IncubatorGoal.MENTORS: mentors,
        IncubatorGoal.AGRICULTURAL_TALENT: tenants["talent"] or 0,
    }
    counts, goals = [], []
    kind_order = {k: n for n, k in enumerate(IncubatorKind.values)}
    level_order = {k: n for n, k in enumerate(IncubatorLevel.values)}
    goal_order = {k: n for n, k in enumerate(IncubatorGoal.values)}
    targets = sorted(
        IncubatorTarget.objects.all(),
        key=lambda t: (goal_order.get(t.goal, -1), kind_order.get(t.kind, 0), level_order.get(t.level, 0)),
    )
    for t in targets:
        if t.goal:
            goals.append(
                Line(IncubatorGoal(t.goal).label, t.target, int(actual_goal.get(t.goal, 0)), t.deadline, t.goal)
            )
        else:
            label = f"{IncubatorKind(t.kind).label} · {IncubatorLevel(t.level).label}"
            key = f"{t.kind}/{t.level}"
            counts.append(Line(label, t.target, recognised.get((t.kind, t.level), 0), t.deadline, key))
    return Progress(counts=counts, goals=goals)
