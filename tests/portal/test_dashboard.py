"""The dashboard page and its Excel export: figures, filters, scoping (caseworker: own county; auditor: read-only)."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.roles import Role
from registry.demo import demo_credit_code

pytestmark = pytest.mark.django_db

URL = reverse("workbench:dashboard")
EXPORT = reverse("workbench:dashboard-export")
PERIOD = {"start": "2019-03", "end": "2019-04"}


@pytest.fixture
def world(officer, build_dashboard_world):
    return build_dashboard_world(officer)


def _main(response) -> str:
    """The page's own content (the footer lists every county's service office)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _sheets(response) -> dict[str, list[tuple]]:
    workbook = load_workbook(BytesIO(response.content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets}


def test_it_shows_the_officer_every_county_with_charts_and_tables(client_for, officer, world):
    response = client_for(officer).get(URL, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="dashboard-chart"' in html
    assert 'id="total-received">5<' in html
    assert 'id="total-amount-approved">35800.00<' in html
    assert "塔城市" in html and "乌苏市" in html
    assert 'id="total-waiting">' in html


def test_it_shows_a_caseworker_only_their_county_whatever_the_address_asks(client_for, caseworker_wusu, world):
    client = client_for(caseworker_wusu)
    response = client.get(URL, PERIOD)
    html = _main(response)
    assert 'id="total-received">1<' in html
    assert "塔城市" not in html
    # Asking for another county's figures is refused at the field, and shows nothing of that county.
    response = client.get(URL, {**PERIOD, "county": world["tacheng"].pk})
    assert response.status_code == 400
    assert "塔城市" not in _main(response)
    export = client.get(EXPORT, {**PERIOD, "county": world["tacheng"].pk})
    cells = [str(c) for rows in _sheets(export).values() for row in rows for c in row]
    assert not any("塔城" in c for c in cells)
    export = client.get(EXPORT, PERIOD)
    cells = [str(c) for rows in _sheets(export).values() for row in rows for c in row]
    assert not any("塔城" in c for c in cells)
    assert any("乌苏" in c for c in cells)


def test_it_lets_the_auditor_read_the_dashboard_but_not_record_anything(client_for, auditor, world):
    response = client_for(auditor).get(URL, PERIOD)
    assert response.status_code == 200
    assert 'id="total-received">5<' in response.content.decode()
    assert 'method="post"' not in _main(response)


def test_it_exports_every_table_to_excel(client_for, officer, world):
    response = client_for(officer).get(EXPORT, PERIOD)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheets = _sheets(response)
    assert len(sheets) >= 5
    monthly = next(rows for title, rows in sheets.items() if rows and len(rows[0]) == 4 and rows[1][0] == "2019-03")
    assert monthly[1][1:] == (4, 2, 0)  # March: received 4, approved 2 (A and Wusu's), rejected 0
    assert monthly[2][1:] == (1, 1, 1)  # April: the training subsidy received and approved; B rejected


def test_it_refuses_a_period_that_ends_before_it_starts_with_a_message_at_the_field(client_for, officer, world):
    response = client_for(officer).get(URL, {"start": "2019-04", "end": "2019-03"})
    assert response.status_code == 400
    assert 'id="id_end_error"' in response.content.decode()


def test_it_is_refused_to_people_without_the_workbench(client_for, make_user, world):
    applicant = make_user(Role.ENTERPRISE_APPLICANT)
    client = client_for(applicant)
    response = client.get(URL, PERIOD)
    assert response.status_code == 403
    page = response.content.decode()
    assert "您无权查看此页面" in page  # You are not allowed to see this page
    assert 'id="total-received"' not in page and "35800.00" not in page
    export = client.get(EXPORT, PERIOD)
    assert export.status_code == 403
    assert not export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_it_shows_early_warnings_with_a_link_to_the_real_name_file_in_scope(
    client_for, officer, caseworker_wusu, make_enterprise_with_headcount
):
    ent = make_enterprise_with_headcount(officer, "91654201312345673Q", "654201", start=100, end=65)  # 35%: grade 3
    html = _main(client_for(officer).get(URL))
    assert 'id="warnings-title"' in html
    assert reverse("workbench:registry-enterprise", args=[ent.pk]) in html
    assert ent.name in html
    assert ent.name not in _main(client_for(caseworker_wusu).get(URL))


def test_an_enterprise_named_like_a_formula_is_text_in_the_export(
    client_for, officer, world, make_enterprise_with_headcount
) -> None:  # type: ignore[no-untyped-def]
    """As the attacker: an enterprise whose name is a formula lands in the early-warning sheet as plain text."""
    trap = '=HYPERLINK("http://example.invalid","点击核对")'
    ent = make_enterprise_with_headcount(officer, demo_credit_code(7, "654201"), "654201", start=100, end=60)
    type(ent).objects.filter(pk=ent.pk).update(name=trap)
    response = client_for(officer).get(EXPORT, PERIOD)
    book = load_workbook(BytesIO(response.content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    found = [cell for cell in cells if "HYPERLINK" in str(cell.value)]
    assert found, "the enterprise is in the export"
    assert all(cell.data_type == "s" for cell in found)


@pytest.mark.parametrize("path", [URL, EXPORT], ids=["page", "export"])
def test_the_page_and_the_export_read_the_parameters_once(client_for, officer, world, path):
    """The early warnings read five dated parameters; one snapshot serves the whole request (issue 17)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(officer)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, PERIOD).status_code == 200
    assert sum("subsidies_parameter" in q["sql"] for q in captured.captured_queries) == 1


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_tables_rows_are_written_as_the_template_loop_wrote_them(language):
    """portal.templatetags.tables writes the rows in one pass: the same markup, localization and escaping as the
    {% for %} loop _table.html held (a name typed by an applicant stays text)."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from django.template import Context, Template
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    from portal.templatetags.tables import table_rows

    loop = Template(
        '{% for row in rows %}<tr>{% for value in row %}{% if forloop.first %}<th scope="row">{{ value }}</th>'
        "{% else %}<td>{% if value is None %}–{% else %}{{ value }}{% endif %}</td>{% endif %}{% endfor %}</tr>\n"
        "{% endfor %}"
    )
    rows = [
        ("塔城市", 1234567, Decimal("1234567.50"), None, "<script>alert(1)</script>"),
        (gettext_lazy("All"), 0, Decimal("0.00"), 3, "A&B 企业"),
        ("2019-03", datetime(2019, 3, 31, 20, 0, tzinfo=UTC), 12.5, True, ""),
    ]
    with translation.override(language):
        expected = loop.render(Context({"rows": rows})).strip()
        assert table_rows(rows) == expected
    assert "<script>" not in table_rows(rows)
