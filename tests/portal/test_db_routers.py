"""Reads that can go to a replica (issue 17): with a `replica` alias configured, the dashboard and its export read
from it, and a case's transition writes to default. The replica here is a test mirror of default: a second
connection to the same test database, as settings make it when DATABASE_REPLICA_URL is set."""

from __future__ import annotations

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.db_routers import REPLICA, read_alias, replica_reads
from subsidies.cases import workflow
from subsidies.models import Case, CaseTally

pytestmark = pytest.mark.django_db(transaction=True)  # the mirror is another connection: it sees committed rows


@pytest.fixture
def replica(transactional_db):
    """The `replica` alias, configured as a TEST MIRROR of default for this test only."""
    default = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {**default, "TEST": {**default["TEST"], "MIRROR": DEFAULT_DB_ALIAS}}
    connections[REPLICA].creation.set_as_test_mirror(default)
    # The test case began before this alias existed, so Django's guard would refuse its first connection as one
    # the test did not declare; it is declared here, so connect it now.
    connections[REPLICA].connect()
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def submitted(officer, make_enterprise, make_applicant, submit_refund) -> Case:
    ent = make_enterprise(officer)
    return submit_refund(make_applicant(ent), ent)


def _sql(ctx: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries]


def _figures(ctx: CaptureQueriesContext) -> list[str]:
    """The statements that read cases or the registry, the sign-in's user query left out (portal.auth: it asks,
    with the user, which enterprises they act for, and so names the registry's insurance years)."""
    return [
        sql
        for sql in _sql(ctx)
        if ("subsidies_" in sql or "registry_" in sql) and not sql.startswith('SELECT "portal_user"."id"')
    ]


def test_the_dashboard_reads_its_figures_from_the_replica(replica, client_for, officer, submitted):
    client = client_for(officer)
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(replica) as on_replica,
    ):
        response = client.get(reverse("workbench:dashboard"))
    assert response.status_code == 200
    assert response.context["board"].totals["received"] == 1  # the refund submitted above, read on the mirror
    assert any(CaseTally._meta.db_table in sql for sql in _sql(on_replica))
    # Default answers only the session and the sign-in (middleware), never a figure.
    assert not _figures(on_default)


def test_the_export_reads_from_the_replica_too(replica, client_for, officer, submitted):
    client = client_for(officer)
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(replica) as on_replica,
    ):
        response = client.get(reverse("workbench:dashboard-export"))
    assert response.status_code == 200
    assert any(CaseTally._meta.db_table in sql for sql in _sql(on_replica))
    assert not _figures(on_default)


def test_a_transition_writes_to_default_and_never_to_the_replica(replica, caseworker, submitted):
    with (
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_default,
        CaptureQueriesContext(replica) as on_replica,
    ):
        workflow.case_take(case=submitted, actor=caseworker)
    written = _sql(on_default)
    assert any(sql.startswith("UPDATE") and Case._meta.db_table in sql for sql in written)
    assert any(sql.startswith("INSERT") and CaseTally._meta.db_table in sql for sql in written)
    assert _sql(on_replica) == []


def test_a_transition_inside_a_replica_block_still_writes_to_default(replica, caseworker, submitted):
    """Even code that wrongly transitions inside a read-only block reads the row it locks, and writes, on
    default: the transaction and its lock are default's."""
    with replica_reads(), CaptureQueriesContext(replica) as on_replica:
        workflow.case_take(case=submitted, actor=caseworker)
    assert not [sql for sql in _sql(on_replica) if "FOR UPDATE" in sql or not sql.lstrip("(").startswith("SELECT")]
    submitted.refresh_from_db(using=DEFAULT_DB_ALIAS)
    assert submitted.state == "in_review"


def test_without_a_replica_everything_reads_from_default(transactional_db):
    with replica_reads():
        assert read_alias() == DEFAULT_DB_ALIAS
    assert read_alias() == DEFAULT_DB_ALIAS


def test_inside_a_replica_block_reads_go_to_the_replica_and_after_it_to_default(replica):
    with replica_reads():
        assert read_alias() == REPLICA
        assert Case.objects.all().db == REPLICA
    assert Case.objects.all().db == DEFAULT_DB_ALIAS
