"""registry.rows writes what Model.save() writes, for the models the submission path writes with it (ADR 0020)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import signals

from registry.audit import audit_record
from registry.models import AuditEvent
from registry.rows import row_update
from subsidies.models import Case, Notification

pytestmark = pytest.mark.django_db

WRITTEN_WITHOUT_SAVE = [Case, AuditEvent, Notification]


@pytest.mark.parametrize("model", WRITTEN_WITHOUT_SAVE, ids=lambda m: m.__name__)
def test_no_signal_receiver_is_connected_to_a_model_written_without_save(model) -> None:  # type: ignore[no-untyped-def]
    """row_insert and row_update send no signals: a receiver connected to one of these would silently miss writes."""
    for signal in (signals.pre_save, signals.post_save):
        assert not signal.has_listeners(model), f"{signal} has a receiver for {model.__name__}: see registry.rows"


def test_an_updated_case_is_stored_as_save_stores_it(make_enterprise, officer) -> None:  # type: ignore[no-untyped-def]
    ent = make_enterprise(officer)
    case = Case.objects.create(
        kind="stable_job_refund", enterprise=ent, county=ent.county, year=2019, created_by=officer
    )
    before = Case.objects.get(pk=case.pk).updated_at
    case.bank_account = "6222021234567890123"
    case.answers = {"bank_name": "中国工商银行塔城分行", "figures": [1, 2]}
    with transaction.atomic():
        row_update(case)
    again = Case.objects.get(pk=case.pk)
    assert again.bank_account == "6222021234567890123"
    assert again.answers == {"bank_name": "中国工商银行塔城分行", "figures": [1, 2]}
    assert again.updated_at > before  # auto_now, as save() sets it
    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_account FROM subsidies_case WHERE id = %s", [case.pk])
        stored = cursor.fetchone()[0]
    assert "6222021234567890123" not in stored  # encrypted at rest, as the field stores it


def test_an_audit_row_gets_its_id_time_and_values(officer) -> None:  # type: ignore[no-untyped-def]
    event = audit_record(actor=officer, action="test_action", target=officer, after={"state": "已提交"}, reason="因为")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.action, stored.target_id, stored.after, stored.reason) == (
        officer,
        "test_action",
        str(officer.pk),
        {"state": "已提交"},
        "因为",
    )
    assert abs(stored.occurred_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_updating_a_row_that_is_gone_fails_instead_of_writing_nothing(make_enterprise, officer) -> None:  # type: ignore[no-untyped-def]
    ent = make_enterprise(officer)
    case = Case.objects.create(
        kind="stable_job_refund", enterprise=ent, county=ent.county, year=2019, created_by=officer
    )
    Case.objects.filter(pk=case.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        row_update(case)
