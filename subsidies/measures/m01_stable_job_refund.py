"""（一） Stable-job refund 稳岗返还: the standard track and the hardship track, the refund offer (免申即享) and the
hardship list.

> 对依法参加失业保险并足额缴纳失业保险费12个月以上、上年度未裁员或裁员率低于统筹地区城镇登记失业率的企业，
> 可按该企业及其职工上年度实际缴纳失业保险费的50%给予返还。 (塔行发〔2019〕16号（一）)

> 2019年1月1日至12月31日，对面临暂时性生产经营困难且恢复有望、坚持不裁员或少裁员的参保企业，返还标准可按6个月的
> 当地月人均失业保险金和参保职工人数确定，或按6个月的企业及其职工应缴纳社会保险费50%的标准确定。 (（一）)

An application is judged by the rules in force on the day it was first submitted (its application date): the
hardship track is open only to applications dated inside the window 2019-01-01..2019-12-31 (parameter
hardship.window), whatever year the application names, and a returned application resubmitted later keeps the rules
of its first submission (docs/interpretations.md, （一）).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.audit import audit_record
from registry.compiled import SENTINEL_ID, SENTINEL_YEAR, CompiledQuery
from registry.models import AuditEvent, Enterprise, InsuranceYear
from registry.permissions import PUBLISH_LIST
from registry.refusals import Refused
from subsidies.calculators import POLICIES, run
from subsidies.calculators import base as calculator_base
from subsidies.calculators import stable_job_refund as stable_job_refund_calculator
from subsidies.calculators.base import InputErrors
from subsidies.calculators.stable_job_refund import StableJobRefundInputs, calculate
from subsidies.cases.states import S
from subsidies.cases.workflow import case_draft_save, case_draft_start, case_submit
from subsidies.models import (
    Case,
    CaseKind,
    RefundOffer,
    Track,
)
from subsidies.parameters import ParameterNotInForce, parameter_in_force, parameter_snapshot, value_in_force

# The answer that keeps the day an application was first submitted: a returned application resubmitted later is
# still judged by the rules of that day (（一）; docs/interpretations.md).
FIRST_SUBMITTED = "first_submitted_on"


def application_date(case: Case) -> date:
    """（一） The day the application counts as made: its first submission, kept through any return and
    resubmission; today for a draft never submitted."""
    if case.submitted_at is None:
        # A draft (never submitted): today. An answer of a draft is the applicant's to write, so it is not read.
        return timezone.localdate()
    first = (case.answers or {}).get(FIRST_SUBMITTED)
    if first:
        return date.fromisoformat(str(first))
    return timezone.localdate(case.submitted_at)


def calculation_date(case: Case) -> date:
    """（一） The rules a refund is calculated by: those in force on its application date (first submission).

    Not clamped into the year applied for: a refund application for 2019 made in 2026 is an application of 2026,
    so the hardship track (applications dated 2019-01-01..2019-12-31) is closed to it."""
    return application_date(case)


def hardship_list_includes(*, enterprise: Enterprise, year: int) -> bool:
    """Is the enterprise on a final hardship list for `year` (its recognition published and final)? （一）"""
    return Case.objects.filter(
        kind=CaseKind.HARDSHIP_RECOGNITION, enterprise=enterprise, year=year, state=S.FINAL
    ).exists()


# One row by the unique (enterprise, year), as plain values; compiled once per process (registry.compiled): every
# submission of a refund reads it.
_REGISTRY_FIGURES = CompiledQuery(
    InsuranceYear,
    lambda enterprise_id, year: (
        InsuranceYear.objects.filter(enterprise_id=enterprise_id, year=year)
        .order_by()
        .values(
            "ui_premiums_paid",
            "ui_months_paid_in_full",
            "insured_at_start",
            "insured_at_end",
            "retired_or_deceased",
            "monthly_social_insurance_due",
        )
    ),
    SENTINEL_ID,
    SENTINEL_YEAR,
)


def registry_figures(*, enterprise: Enterprise, year: int) -> dict[str, Any] | None:
    """Last year's figures as the social-insurance system reported them, to prefill an application."""
    rows = _REGISTRY_FIGURES.values(enterprise.pk, year - 1)
    if not rows:
        return None
    row = rows[0]
    return {
        "ui_premiums_paid_last_year": str(row["ui_premiums_paid"]),
        "ui_months_paid_in_full": row["ui_months_paid_in_full"],
        "insured_at_start": row["insured_at_start"],
        "insured_at_end": row["insured_at_end"],
        "retired_or_deceased": row["retired_or_deceased"],
        "insured_employees": row["insured_at_end"],
        "monthly_social_insurance_due": str(row["monthly_social_insurance_due"]),
    }


def refund_calculate(*, case: Case, on: date | None = None) -> dict[str, Any]:
    """The calculator's result for a stable-job refund case, from its answers (clause （一）).

    `on`: the rules of another day of the year applied for (the impact preview of a parameter change).
    """
    answers = case.answers
    applied_on = calculation_date(case)
    on = on or applied_on
    # The window of the hardship track is checked against the application date, even when another day's
    # parameters are read (the impact preview of a parameter change): a preview must not reopen the track.
    inputs: dict[str, Any] = {"application_date": applied_on.isoformat(), "track": case.track or Track.STANDARD}
    if inputs["track"] == Track.STANDARD:
        keys = [
            "ui_premiums_paid_last_year",
            "ui_months_paid_in_full",
            "insured_at_start",
            "insured_at_end",
            "retired_or_deceased",
        ]
    else:
        keys = ["insured_employees", "monthly_social_insurance_due"]
        inputs["on_hardship_list"] = hardship_list_includes(enterprise=case.enterprise, year=case.year)
    for key in keys:
        if answers.get(key) not in (None, ""):
            inputs[key] = answers[key]
    return run(POLICIES["stable-job-refund"], inputs, on=on).as_dict()


def case_from_offer(*, offer: Any, bank_name: str, bank_account: str, token: uuid.UUID, actor: Any) -> Case:
    """免申即享: the enterprise confirms its RefundOffer; one step creates the standard-track case and submits it.

    The figures are the social-insurance year the offer was computed from (source "offer"). Idempotent like
    case_submit: the same token returns the case it already submitted. The offer is marked confirmed in the same
    transaction, under its row lock, so the nightly run never changes it afterwards (nor while this waits for it).
    """
    already = Case.objects.filter(submission_token=token).first()
    if already is not None:
        return already
    with transaction.atomic():
        offer = (
            RefundOffer.objects.select_for_update(of=("self",))
            .select_related("enterprise__county")  # the draft's county
            .get(pk=offer.pk)
        )
        if not offer.eligible:
            raise Refused(_("This offer is not open: the enterprise does not qualify."))
        figures = registry_figures(enterprise=offer.enterprise, year=offer.year)
        if figures is None:
            raise Refused(_("The figures this offer was based on are no longer in the registry."))
        case = case_draft_start(
            kind=CaseKind.STABLE_JOB_REFUND, enterprise=offer.enterprise, year=offer.year, actor=actor
        )
        case = case_draft_save(
            case=case,
            actor=actor,
            track=Track.STANDARD,
            bank_account=bank_account,
            answers={
                **figures,
                "figures_source": "offer",
                "figures_change_reason": "",
                "offer": offer.pk,
                "offer_amount": str(offer.amount),
                "bank_name": bank_name,
                "declaration": True,
                "declared_at": timezone.now().isoformat(),
            },
        )
        # case_draft_save locked the case in this transaction, and a case this token submitted was looked for above
        # (a second confirmation waits for the offer's lock, then finds the case submitted and is refused).
        case.enterprise = offer.enterprise
        case = case_submit(case=case, token=token, actor=actor, locked=True)
        if offer.confirmed_at is None:
            offer.confirmed_at = timezone.now()
            offer.save(update_fields=["confirmed_at"])
            audit_record(
                actor=actor,
                action="refund_offer.confirm",
                target=offer,
                after={"amount": str(offer.amount), "eligible": offer.eligible, "case": case.pk},
            )
        return case


@dataclass
class OfferRun:
    year: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    withdrawn: int = 0  # of the updated: eligible before, not any more
    confirmed: int = 0  # confirmed by the enterprise: kept as they were, never recomputed
    computed: int = 0  # run through the calculator (new, or facts or rules changed); the rest were skipped

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def offer_as_of(year: int) -> date:
    """Parameters in force today, kept inside the offer's year (a past year uses its last day)."""
    today = timezone.localdate()
    return max(date(year, 1, 1), min(today, date(year, 12, 31)))


# --- 免申即享 in bulk: skip what did not change, compute the rest with the one calculator, write set-based -----------
#
# An offer is a function of (a) the enterprise's insurance year `year - 1` — the five figures the calculator reads —
# and (b) the rules: the dated parameters the calculator reads, in force on the run's day, the calculator's code and
# the language its reasons are written in. (b) is one digest per run (`offer_rule_digest`); the fingerprint of an
# offer is md5(digest | figures), computed by PostgreSQL over the whole year in the query that picks the
# enterprises to compute, and stored on the offer. An enterprise whose fingerprint matches is not read into Python
# at all. The insurance year's other columns (arrears flag, contributions due, import batch) are not read by the
# standard track, so changing them does not recompute an offer.

OFFER_FIGURES = (
    "ui_premiums_paid",
    "ui_months_paid_in_full",
    "insured_at_start",
    "insured_at_end",
    "retired_or_deceased",
)


def offer_fingerprint(digest: str, figures: tuple[Any, ...]) -> str:
    """md5(digest|premiums|months|start|end|retired or deceased), as PostgreSQL's concat_ws writes it (the SQL of
    the set-based run computes the same text; tests/subsidies/test_refund_offers.py keeps the two equal)."""
    premiums, *counts = figures
    text = "|".join([digest, f"{Decimal(premiums):.2f}", *(str(int(n)) for n in counts)])
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _offer_inputs(as_of: date, figures: tuple[Any, ...]) -> StableJobRefundInputs:
    premiums, months, start, end, gone = figures
    # Figures from the registry, already typed by its columns and constraints: no validation round trip.
    return StableJobRefundInputs.model_construct(
        application_date=as_of,
        track="standard",
        ui_premiums_paid_last_year=premiums,
        ui_months_paid_in_full=months,
        insured_at_start=start,
        insured_at_end=end,
        retired_or_deceased=gone,
        on_hardship_list=None,
        insured_employees=None,
        monthly_social_insurance_due=None,
        method=None,
    )


def offer_rule_digest(as_of: date) -> tuple[str, frozenset[str]]:
    """The rules every offer of a run is computed by, as one digest: the parameters the calculator reads (found by
    running it once) as in force on `as_of`, with their dates and sources; the calculator's code; the language.

    Returns the digest and the parameter keys it covers. Call inside parameter_snapshot() and the run's language.
    """
    probe = calculate(_offer_inputs(as_of, (Decimal("1.00"), 12, 1, 1, 0)), as_of)
    keys = frozenset(p.key for p in probe.parameters)
    rules = {
        "parameters": [parameter_in_force(key, on=as_of).as_dict() for key in sorted(keys)],
        "language": translation.get_language(),
        "code": [
            hashlib.sha256(Path(module.__file__ or "").read_bytes()).hexdigest()
            for module in (stable_job_refund_calculator, calculator_base)
        ],
    }
    text = json.dumps(rules, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32], keys


@dataclass
class _OfferValues:
    eligible: bool
    amount: Decimal
    layoff_rate: Decimal
    reasons: list[dict[str, Any]]
    parameters: list[dict[str, Any]]
    parameters_set: int  # its index in _Calculator.parameter_sets: the rows of a run share a few lists
    fingerprint: str


class _Calculator:
    """The calculator over many enterprises: the same `calculate`, the parameter list of a result built once."""

    def __init__(self, as_of: date, digest: str, keys: frozenset[str]) -> None:
        self.as_of, self.digest, self.keys = as_of, digest, keys
        self.template = _offer_inputs(as_of, (Decimal(0), 0, 0, 0, 0))
        self.parameter_sets: list[list[dict[str, Any]]] = []
        self._by_content: dict[str, int] = {}
        self._by_id: dict[tuple[int, ...], tuple[int, bool, tuple[Any, ...]]] = {}

    def values(self, figures: tuple[Any, ...], fingerprint: str) -> _OfferValues:
        premiums, months, start, end, gone = figures
        inputs = self.template.model_copy(
            update={
                "ui_premiums_paid_last_year": premiums,
                "ui_months_paid_in_full": months,
                "insured_at_start": start,
                "insured_at_end": end,
                "retired_or_deceased": gone,
            }
        )
        result = calculate(inputs, self.as_of)
        # The snapshot hands out the same ParameterValue objects all run: their ids find the list quickly (the
        # entry keeps the objects, so no id is reused meanwhile); equal lists share one index whatever the objects.
        ident = tuple(id(p) for p in result.parameters)
        entry = self._by_id.get(ident)
        if entry is None:
            dicts = [p.as_dict() for p in result.parameters]
            content = json.dumps(dicts, sort_keys=True)
            if content not in self._by_content:
                self._by_content[content] = len(self.parameter_sets)
                self.parameter_sets.append(dicts)
            covered = {p.key for p in result.parameters} <= self.keys
            entry = self._by_id[ident] = (self._by_content[content], covered, tuple(result.parameters))
        index, covered, _ = entry
        return _OfferValues(
            eligible=result.eligible,
            amount=result.amount,
            layoff_rate=Decimal(result.extra["layoff_rate"]),
            reasons=[reason.as_dict() for reason in result.reasons],
            parameters=self.parameter_sets[index],
            parameters_set=index,
            # A result that read a parameter the digest does not cover keeps no fingerprint: recomputed every run.
            fingerprint=fingerprint if covered else "",
        )


def refund_offers_compute(
    *,
    year: int,
    actor: Any = None,
    as_of: date | None = None,
    batch_size: int = 5000,
    recompute: bool = False,
    set_based: bool | None = None,
) -> OfferRun:
    """免申即享: compute the standard-track refund （一） of every enterprise with an insurance year `year - 1`.

    One RefundOffer per enterprise and year. Enterprises whose fingerprint (figures and rules, see above) is
    unchanged are skipped without being read; the others go through the calculator and are written set-based:
    created, updated when their result changed (withdrawn when they no longer qualify: not eligible, amount 0,
    the reasons why), and deleted when their insurance year is gone. An offer the enterprise has confirmed is
    never changed or deleted. Each written offer gets an audit row, in the same statement. One transaction.

    `recompute`: compute every offer not confirmed, fingerprint or not (after a change of the translations the
    reasons are written in, which the fingerprint does not cover). `set_based`: PostgreSQL's statements (the
    default there) or the ORM's (elsewhere, e.g. SQLite); the decisions are the same.
    """
    as_of = as_of or offer_as_of(year)
    run = OfferRun(year=year)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE), parameter_snapshot():
        digest, keys = offer_rule_digest(as_of)
        calculator = _Calculator(as_of, digest, keys)
        context = {
            "year": year,
            "facts_year": year - 1,
            "as_of": as_of,
            "now": timezone.now(),
            "actor": actor.pk if getattr(actor, "pk", None) else None,
            "label": RefundOffer._meta.label_lower,
            "digest": digest,
            "recompute": recompute,
        }
        if set_based is None:
            set_based = connection.vendor == "postgresql"
        if set_based:
            _offers_write_set_based(run, calculator, context, batch_size)
        else:
            _offers_write_portable(run, calculator, context)
    return run


# PostgreSQL: pick, stage (COPY), write (one statement each, audit rows in the same statement).

_OFFERS_TO_COMPUTE = """
    SELECT iy.enterprise_id, iy.ui_premiums_paid, iy.ui_months_paid_in_full, iy.insured_at_start,
           iy.insured_at_end, iy.retired_or_deceased, f.fingerprint, o.id
    FROM registry_insuranceyear iy
    CROSS JOIN LATERAL (
        -- offer_fingerprint(), the same text
        SELECT md5(concat_ws('|', %(digest)s::text, iy.ui_premiums_paid, iy.ui_months_paid_in_full,
                             iy.insured_at_start, iy.insured_at_end, iy.retired_or_deceased)) AS fingerprint
    ) f
    LEFT JOIN subsidies_refundoffer o ON o.enterprise_id = iy.enterprise_id AND o.year = %(year)s
    WHERE iy.year = %(facts_year)s
      AND (o.id IS NULL
           OR (o.confirmed_at IS NULL AND (%(recompute)s OR o.fingerprint IS DISTINCT FROM f.fingerprint)))
"""

_OFFERS_COUNTED = """
    SELECT count(*), count(o.confirmed_at)
    FROM registry_insuranceyear iy
    LEFT JOIN subsidies_refundoffer o ON o.enterprise_id = iy.enterprise_id AND o.year = %(year)s
    WHERE iy.year = %(facts_year)s
"""

_STAGE = """
    DROP TABLE IF EXISTS pg_temp.refund_offer_stage, pg_temp.refund_offer_parameter_sets;
    CREATE TEMPORARY TABLE refund_offer_stage (
        enterprise_id bigint PRIMARY KEY,
        offer_id bigint,  -- the offer there already (picked by the same query), or NULL: a new one
        eligible boolean NOT NULL,
        amount numeric(14, 2) NOT NULL,
        layoff_rate numeric(7, 4) NOT NULL,
        reasons jsonb NOT NULL,
        parameters_set integer NOT NULL,
        fingerprint varchar(32) NOT NULL
    ) ON COMMIT DROP;
    -- The parameters a result used: one list per run, shared by the rows (a few hundred bytes each, not copied).
    CREATE TEMPORARY TABLE refund_offer_parameter_sets (id integer PRIMARY KEY, parameters jsonb NOT NULL)
        ON COMMIT DROP;
"""


_OFFERS_CREATE = """
    WITH created AS (
        INSERT INTO subsidies_refundoffer
            (enterprise_id, year, as_of, eligible, amount, layoff_rate, reasons, parameters, fingerprint,
             created_at, changed_at)
        SELECT s.enterprise_id, %(year)s, %(as_of)s, s.eligible, s.amount, s.layoff_rate, s.reasons, s.parameters,
               s.fingerprint, %(now)s, %(now)s
        FROM (
            SELECT st.*, ps.parameters
            FROM refund_offer_stage st JOIN refund_offer_parameter_sets ps ON ps.id = st.parameters_set
        ) s
        WHERE s.offer_id IS NULL
        ORDER BY s.enterprise_id
        ON CONFLICT (enterprise_id, year) DO NOTHING
        RETURNING id, amount, eligible
    ), audited AS (
        INSERT INTO registry_auditevent (occurred_at, actor_id, action, target_type, target_id, before, after, reason)
        SELECT %(now)s, %(actor)s, 'refund_offer.create', %(label)s, id::text, NULL,
               jsonb_build_object('amount', amount::text, 'eligible', eligible), ''
        FROM created
    )
    SELECT count(*) FROM created
"""

# Offers already there: the result written (and as_of, changed_at moved) only when it changed; otherwise only the
# new fingerprint. Confirmed offers are left alone (checked again on the row itself, should one be confirmed while
# the run waits for its lock).
_OFFERS_UPDATE = """
    WITH before AS (
        SELECT o.id, o.amount, o.eligible,
               (o.eligible, o.amount, o.layoff_rate, o.reasons, o.parameters)
                   IS DISTINCT FROM (s.eligible, s.amount, s.layoff_rate, s.reasons, s.parameters) AS changed
        FROM subsidies_refundoffer o
        JOIN (
            SELECT st.*, ps.parameters
            FROM refund_offer_stage st JOIN refund_offer_parameter_sets ps ON ps.id = st.parameters_set
        ) s ON s.offer_id = o.id
        WHERE o.confirmed_at IS NULL
    ), written AS (
        UPDATE subsidies_refundoffer o
        SET eligible = s.eligible, amount = s.amount, layoff_rate = s.layoff_rate, reasons = s.reasons,
            parameters = s.parameters, fingerprint = s.fingerprint,
            as_of = CASE WHEN before.changed THEN %(as_of)s ELSE o.as_of END,
            changed_at = CASE WHEN before.changed THEN %(now)s ELSE o.changed_at END
        FROM before, (
            SELECT st.*, ps.parameters
            FROM refund_offer_stage st JOIN refund_offer_parameter_sets ps ON ps.id = st.parameters_set
        ) s
        WHERE o.id = before.id AND s.offer_id = o.id AND o.confirmed_at IS NULL
          AND (before.changed OR o.fingerprint IS DISTINCT FROM s.fingerprint)
        RETURNING o.id, o.amount, o.eligible, before.amount AS amount_before, before.eligible AS eligible_before,
                  before.changed
    ), audited AS (
        INSERT INTO registry_auditevent (occurred_at, actor_id, action, target_type, target_id, before, after, reason)
        SELECT %(now)s, %(actor)s,
               CASE WHEN eligible_before AND NOT eligible THEN 'refund_offer.withdraw' ELSE 'refund_offer.update' END,
               %(label)s, id::text,
               jsonb_build_object('amount', amount_before::text, 'eligible', eligible_before),
               jsonb_build_object('amount', amount::text, 'eligible', eligible), ''
        FROM written WHERE changed
    )
    SELECT count(*) FILTER (WHERE changed), count(*) FILTER (WHERE changed AND eligible_before AND NOT eligible)
    FROM written
"""

_OFFERS_DELETE = """
    WITH gone AS (
        DELETE FROM subsidies_refundoffer o
        WHERE o.year = %(year)s AND o.confirmed_at IS NULL
          AND NOT EXISTS (
              SELECT 1 FROM registry_insuranceyear iy
              WHERE iy.enterprise_id = o.enterprise_id AND iy.year = %(facts_year)s
          )
        RETURNING id, amount, eligible
    ), audited AS (
        INSERT INTO registry_auditevent (occurred_at, actor_id, action, target_type, target_id, before, after, reason)
        SELECT %(now)s, %(actor)s, 'refund_offer.delete', %(label)s, id::text,
               jsonb_build_object('amount', amount::text, 'eligible', eligible), NULL, 'no insurance year any more'
        FROM gone
    )
    SELECT count(*) FROM gone
"""


def _stage_copy(cursor: Any, rows: list[tuple[int, int | None, _OfferValues]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for enterprise_id, offer_id, v in rows:
        writer.writerow(
            [
                enterprise_id,
                "" if offer_id is None else offer_id,  # an unquoted empty field is NULL in COPY's csv
                "t" if v.eligible else "f",
                f"{v.amount:.2f}",
                f"{v.layoff_rate:.4f}",
                json.dumps(v.reasons, ensure_ascii=False),
                v.parameters_set,
                v.fingerprint,
            ]
        )
    buffer.seek(0)
    cursor.copy_expert("COPY refund_offer_stage FROM STDIN WITH (FORMAT csv)", buffer)


class _BatchWriter:
    """Writes the staged batches, one after another, on the run's own connection and transaction.

    It runs in a second thread so that PostgreSQL writes batch n while Python computes batch n + 1 (the GIL is
    released while psycopg2 waits for the server). The two threads never use the connection at the same time — a
    COPY in progress would take any other statement for its data: the reader fetches the next batch only once the
    writer is done (`wait`), and any query the main thread makes meanwhile waits for it too (`before_query`).
    """

    def __init__(self, run: OfferRun, context: dict[str, Any]) -> None:
        self.run, self.context = run, context
        self.cursor = connection.connection.cursor()  # the raw connection: Django's wrapper is per thread
        self.sets_sent = 0
        self.pending: Future[None] | None = None

    def wait(self) -> None:
        """Until the batch being written is written; raises what the writer raised."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def before_query(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.wait()
        return execute(sql, params, many, context)

    def write(self, rows: list[tuple[int, int | None, _OfferValues]], parameter_sets: list[Any]) -> None:
        cursor, run = self.cursor, self.run
        if len(parameter_sets) > self.sets_sent:
            buffer = io.StringIO()
            csv.writer(buffer).writerows(
                [index, json.dumps(parameter_sets[index], ensure_ascii=False)]
                for index in range(self.sets_sent, len(parameter_sets))
            )
            buffer.seek(0)
            cursor.copy_expert("COPY refund_offer_parameter_sets FROM STDIN WITH (FORMAT csv)", buffer)
            self.sets_sent = len(parameter_sets)
        cursor.execute("TRUNCATE refund_offer_stage")
        _stage_copy(cursor, rows)
        cursor.execute(_OFFERS_CREATE, self.context)
        run.created += cursor.fetchone()[0]
        cursor.execute(_OFFERS_UPDATE, self.context)
        updated, withdrawn = cursor.fetchone()
        run.updated += updated
        run.withdrawn += withdrawn


def _offers_write_set_based(run: OfferRun, calculator: _Calculator, context: dict[str, Any], batch_size: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_STAGE)
        cursor.execute(_OFFERS_COUNTED, context)
        facts_total, run.confirmed = cursor.fetchone()
    writer = _BatchWriter(run, context)
    # A server-side cursor: the enterprises to compute come in batches, whatever their number.
    with (
        connection.chunked_cursor() as reader,
        ThreadPoolExecutor(max_workers=1) as pool,
        connection.execute_wrapper(writer.before_query),
    ):
        reader.execute(_OFFERS_TO_COMPUTE, context)
        rows = reader.fetchmany(batch_size)
        while rows:
            staged = [(row[0], row[7], calculator.values(row[1:6], row[6])) for row in rows]
            run.computed += len(rows)
            writer.wait()
            rows = reader.fetchmany(batch_size)
            writer.pending = pool.submit(writer.write, staged, list(calculator.parameter_sets))
        writer.wait()
    writer.cursor.close()
    with connection.cursor() as cursor:
        cursor.execute(_OFFERS_DELETE, context)
        (run.deleted,) = cursor.fetchone()
        cursor.execute("DROP TABLE refund_offer_stage, refund_offer_parameter_sets")
    run.unchanged = facts_total - run.confirmed - run.created - run.updated


# Elsewhere (SQLite, `make run`'s embedded default, a handful of enterprises): the same decisions with the ORM.


def _offers_write_portable(run: OfferRun, calculator: _Calculator, context: dict[str, Any]) -> None:
    year, as_of, now = context["year"], context["as_of"], context["now"]
    existing = {offer.enterprise_id: offer for offer in RefundOffer.objects.filter(year=year)}
    facts = InsuranceYear.objects.filter(year=year - 1).values_list("enterprise_id", *OFFER_FIGURES)
    audits: list[AuditEvent] = []
    seen: set[int] = set()

    def audit(action: str, offer: RefundOffer, before: dict[str, Any] | None, reason: str = "") -> None:
        state = {"amount": str(offer.amount), "eligible": offer.eligible}
        audits.append(
            AuditEvent(
                actor_id=context["actor"],
                action=action,
                target_type=context["label"],
                target_id=str(offer.pk),
                before=before if before is not None else (state if action == "refund_offer.delete" else None),
                after=None if action == "refund_offer.delete" else state,
                reason=reason,
            )
        )

    for enterprise_id, *figures in facts:
        seen.add(enterprise_id)
        offer = existing.get(enterprise_id)
        if offer is not None and offer.confirmed_at is not None:
            run.confirmed += 1
            continue
        fingerprint = offer_fingerprint(context["digest"], tuple(figures))
        if offer is not None and offer.fingerprint == fingerprint and not context["recompute"]:
            run.unchanged += 1
            continue
        run.computed += 1
        v = calculator.values(tuple(figures), fingerprint)
        values = {
            "eligible": v.eligible,
            "amount": v.amount,
            "layoff_rate": v.layoff_rate,
            "reasons": v.reasons,
            "parameters": v.parameters,
        }
        if offer is None:
            offer = RefundOffer.objects.create(
                enterprise_id=enterprise_id, year=year, as_of=as_of, changed_at=now, fingerprint=v.fingerprint, **values
            )
            run.created += 1
            audit("refund_offer.create", offer, None)
            continue
        offer.fingerprint = v.fingerprint
        if all(getattr(offer, name) == value for name, value in values.items()):
            offer.save(update_fields=["fingerprint"])
            run.unchanged += 1
            continue
        before = {"amount": str(offer.amount), "eligible": offer.eligible}
        withdrawn = offer.eligible and not v.eligible
        for name, value in values.items():
            setattr(offer, name, value)
        offer.as_of, offer.changed_at = as_of, now
        offer.save()
        run.updated += 1
        run.withdrawn += int(withdrawn)
        audit("refund_offer.withdraw" if withdrawn else "refund_offer.update", offer, before)
    for enterprise_id, offer in existing.items():
        if enterprise_id not in seen and offer.confirmed_at is None:
            audit("refund_offer.delete", offer, None, reason="no insurance year any more")
            offer.delete()
            run.deleted += 1
    AuditEvent.objects.bulk_create(audits)


def within_year(day: date, year: int) -> date:
    return max(date(year, 1, 1), min(day, date(year, 12, 31)))


# --- What the workflow asks of this measure (subsidies.kinds) ------------------------------------------------------


# The figures of the standard track that the social-insurance system reports for last year.
STANDARD_FIGURES = (
    "ui_premiums_paid_last_year",
    "ui_months_paid_in_full",
    "insured_at_start",
    "insured_at_end",
    "retired_or_deceased",
)


def figures_changed(case: Case) -> list[str]:
    """The standard-track figures the applicant entered differently from the registry's (none without them)."""
    if (case.track or Track.STANDARD) != Track.STANDARD:
        return []
    registry = registry_figures(enterprise=case.enterprise, year=case.year)
    if registry is None:
        return []
    changed = []
    for key in STANDARD_FIGURES:
        entered = case.answers.get(key)
        if entered not in (None, "") and Decimal(str(entered)) != Decimal(str(registry[key])):
            changed.append(key)
    return changed


def figures_change_refusal() -> str:
    return _("You changed figures from the social-insurance system: say why, so the caseworker can check.")


def hardship_window(on: date) -> tuple[date, date] | None:
    """The application window of the hardship track in force on `on` (parameter hardship.window), if any."""
    try:
        start, end = value_in_force("hardship.window", on=on)
    except ParameterNotInForce:
        return None
    return start, end


def hardship_window_years(first_year: int, *, on: date | None = None) -> list[int]:
    """（一） The years one may still apply for under the hardship track (or to be put on its list): the years of
    the window, only while the window is open on `on` (today). "2019年1月1日至12月31日": after 2019-12-31 none."""
    on = on or timezone.localdate()
    window = hardship_window(on) or hardship_window(date(first_year, 1, 1))
    if window is None or not window[0] <= on <= window[1]:
        return []
    return list(range(window[0].year, window[1].year + 1))


def hardship_track_allowed(case: Case) -> bool:
    """（一） The hardship track: only for applications dated inside the window (first submission, else today) and
    only for an enterprise on a final hardship list of the year applied for."""
    day = application_date(case)
    window = hardship_window(day)
    if window is None or not window[0] <= day <= window[1]:
        return False
    return hardship_list_includes(enterprise=case.enterprise, year=case.year)


def refund_prepare_submit(case: Case) -> None:
    """Before a refund is submitted: the account it is paid into, a reason for any registry figure the applicant
    changed (the caseworker checks it), the application date (kept from the first submission), and the
    calculator's result on the case under the rules of that date (（一）)."""
    if not case.bank_account:
        raise Refused(_("Enter the bank account the refund is paid into."), field="bank_account")
    # The first submission fixes the application date (today); a resubmission after a return keeps it.
    case.answers = {**case.answers, FIRST_SUBMITTED: application_date(case).isoformat()}
    if figures_changed(case) and not str(case.answers.get("figures_change_reason") or "").strip():
        raise Refused(figures_change_refusal(), field="change_reason")
    try:
        case.calculation = refund_calculate(case=case)
    except InputErrors as exc:
        raise Refused(_("Some figures are missing or wrong: %(errors)s") % {"errors": str(exc)}) from None
    case.calculated_amount = Decimal(case.calculation["amount"])


def refund_recalculate(case: Case, on: date) -> dict[str, Any]:
    """The refund under the rules of another day of the year applied for (the impact of a parameter change)."""
    return refund_calculate(case=case, on=within_year(on, case.year))


# --- （一） The hardship list: the factors the prefecture weighs, and the finance bureau's confirmation --------------
#
# > 统筹考虑全地区产业结构、环境保护、失业保险基金支付能力以及企业生产经营状况、稳定就业岗位措施、诚实守信等因素，
# > 确定"面临暂时性生产经营困难且恢复有望、坚持稳岗的参保企业"范围，并将认定后的企业名单向社会公示。
# > 牵头单位：地区人社局  配合单位：地区财政局 (塔行发〔2019〕16号（一）)
#
# A recognition is approved only when the reviewer has recorded a finding on each factor (beside the registry's
# facts that bear on them: premium arrears, last year's layoffs, the fund's capacity) and the finance bureau's
# confirmation has been recorded; approval comes before the list is published, so nothing unconfirmed is published.

HARDSHIP_FACTORS: dict[str, Any] = {
    "industry": gettext_lazy("Industrial structure of the prefecture (产业结构)"),
    "environment": gettext_lazy("Environmental protection (环境保护)"),
    "fund_capacity": gettext_lazy("Capacity of the unemployment-insurance fund (失业保险基金支付能力)"),
    "operations": gettext_lazy("The enterprise's production and operations (企业生产经营状况)"),
    "job_keeping": gettext_lazy("Its measures to keep jobs (稳定就业岗位措施)"),
    "credit": gettext_lazy("Its credit record (诚实守信)"),
}
# The plan's own words for each factor, kept on the recorded assessment (the same in every language).
HARDSHIP_TERMS = {
    "industry": "产业结构",
    "environment": "环境保护",
    "fund_capacity": "失业保险基金支付能力",
    "operations": "企业生产经营状况",
    "job_keeping": "稳定就业岗位措施",
    "credit": "诚实守信",
}
FINDINGS: dict[str, Any] = {
    "supports": gettext_lazy("Supports recognition"),
    "against": gettext_lazy("Weighs against recognition"),
}


def hardship_registry_facts(*, enterprise: Enterprise, year: int, on: date) -> dict[str, Any]:
    """The registry's facts that bear on the factors: last year's premium months (arrears), layoffs and layoff
    rate, insured staff, and the fund's capacity (parameter ui_fund.months_payable)."""
    facts: dict[str, Any] = {"year": year - 1}
    row = InsuranceYear.objects.filter(enterprise=enterprise, year=year - 1).first()
    if row is not None:
        layoffs = max(0, row.insured_at_start - row.insured_at_end - row.retired_or_deceased)
        rate = Decimal(layoffs) / Decimal(row.insured_at_start) if row.insured_at_start else Decimal(0)
        facts.update(
            {
                "ui_months_paid_in_full": row.ui_months_paid_in_full,
                "arrears_months": max(0, 12 - row.ui_months_paid_in_full),
                "insured_at_start": row.insured_at_start,
                "insured_at_end": row.insured_at_end,
                "layoffs": layoffs,
                "layoff_rate": f"{rate:.4f}",
            }
        )
    try:
        facts["fund_months_payable"] = str(value_in_force("ui_fund.months_payable", on=on))
    except ParameterNotInForce:
        facts["fund_months_payable"] = None
    return facts


def hardship_recognition_prepare_submit(case: Case) -> None:
    """At submission, the registry's facts of the factors, kept on the case for the reviewer."""
    case.answers = {
        **case.answers,
        "registry_facts": hardship_registry_facts(enterprise=case.enterprise, year=case.year, on=timezone.localdate()),
    }


def _hardship_case_locked(case: Case) -> Case:
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.kind != CaseKind.HARDSHIP_RECOGNITION:
        raise Refused(_("Only a hardship-enterprise recognition is assessed this way."))
    if locked.state != S.IN_REVIEW:
        raise Refused(_("Take the case into review first."))
    return locked


def hardship_assessment_record(*, case: Case, findings: dict[str, dict[str, str]], actor: Any) -> Case:
    """（一） The reviewer's finding on each factor of the hardship list, with a note, beside the registry's facts
    as they are now. Only the caseworker holding the case records it; every factor needs a finding and a note."""
    missing = [key for key in HARDSHIP_FACTORS if findings.get(key, {}).get("finding") not in FINDINGS]
    if missing:
        raise Refused(_("Give a finding on every factor."), field=f"{missing[0]}_finding")
    unexplained = [key for key in HARDSHIP_FACTORS if not str(findings[key].get("note") or "").strip()]
    if unexplained:
        raise Refused(_("Say what the finding rests on."), field=f"{unexplained[0]}_note")
    with transaction.atomic():
        case = _hardship_case_locked(case)
        if case.assignee_id != getattr(actor, "pk", None):
            raise Refused(_("Only the caseworker who holds the case records the assessment."))
        before = case.answers.get("assessment")
        assessment = {
            "factors": {
                key: {
                    "term": HARDSHIP_TERMS[key],
                    "finding": findings[key]["finding"],
                    "note": str(findings[key]["note"]).strip(),
                }
                for key in HARDSHIP_FACTORS
            },
            "registry_facts": hardship_registry_facts(
                enterprise=case.enterprise, year=case.year, on=timezone.localdate()
            ),
            "by": actor.get_username(),
            "at": timezone.now().isoformat(),
        }
        case.answers = {**case.answers, "assessment": assessment}
        case.save(update_fields=["answers", "updated_at"])
        audit_record(
            actor=actor,
            action="hardship_assessment_record",
            target=case,
            before={"assessment": before} if before else None,
            after={"assessment": assessment["factors"]},
        )
    return case


def hardship_finance_confirmation_record(
    *, case: Case, document: str, confirmed_on: date, confirmed_by: str, actor: Any
) -> Case:
    """（一） 配合单位：地区财政局 — the finance bureau's confirmation of the recognition (its document number, date and
    official), recorded by a prefecture officer after the assessment, before approval and publication."""
    if not actor.has_perm(PUBLISH_LIST):
        raise Refused(_("Only a prefecture officer records the finance bureau's confirmation."))
    document, confirmed_by = document.strip(), confirmed_by.strip()
    if not document:
        raise Refused(_("Enter the finance bureau's document number."), field="document")
    if not confirmed_by:
        raise Refused(_("Enter who confirmed it at the finance bureau."), field="confirmed_by")
    if confirmed_on > timezone.localdate():
        raise Refused(_("The confirmation cannot be dated in the future."), field="confirmed_on")
    with transaction.atomic():
        case = _hardship_case_locked(case)
        if not case.answers.get("assessment"):
            raise Refused(_("The finance bureau confirms an assessed recognition: record the assessment first."))
        confirmation = {
            "document": document,
            "confirmed_on": confirmed_on.isoformat(),
            "confirmed_by": confirmed_by,
            "recorded_by": actor.get_username(),
        }
        case.answers = {**case.answers, "finance_confirmation": confirmation}
        case.save(update_fields=["answers", "updated_at"])
        audit_record(actor=actor, action="hardship_finance_confirmation_record", target=case, after=confirmation)
    return case


def hardship_recognition_on_approve(case: Case) -> None:
    """（一） A recognition is approved (and so published) only with every factor assessed and the finance
    bureau's confirmation recorded."""
    assessment = case.answers.get("assessment") or {}
    if set(assessment.get("factors", {})) != set(HARDSHIP_FACTORS):
        raise Refused(_("Record a finding on each factor of the hardship list before approving."))
    if not case.answers.get("finance_confirmation"):
        raise Refused(_("The finance bureau has not confirmed this recognition yet."))
