"""/calculator/<policy>/: a plain form (no JavaScript) showing the result, its breakdown and reasons."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

REFUND = {
    "application_date": "2019-05-01",
    "track": "standard",
    "ui_premiums_paid_last_year": "10000.01",
    "ui_months_paid_in_full": "12",
    "insured_at_start": "100",
    "insured_at_end": "97",
    "retired_or_deceased": "0",
}


@pytest.mark.parametrize(
    "policy",
    [
        "stable-job-refund",
        "startup-loan",
        "loan-reward",
        "internship",
        "training-subsidy",
        "training-living-allowance",
        "skill-upgrade",
        "ui-benefit",
    ],
)
def test_every_calculator_page_shows_a_form(policy):
    response = Client().get(f"/calculator/{policy}/")
    assert response.status_code == 200
    assert b'<form method="post"' in response.content


def test_an_unknown_policy_is_404():
    assert Client().get("/calculator/free-money/").status_code == 404


def test_it_shows_the_amount_and_breakdown_in_english():
    html = Client().post("/calculator/stable-job-refund/", REFUND, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You may qualify" in html
    assert "5000.01" in html
    assert "Layoff rate" in html
    # Money in the breakdown is written as everywhere else (¥10,000.01), not as the calculator's bare decimals.
    assert "<td>¥10,000.01</td>" in html
    assert "<td>¥5,000.01</td>" in html
    assert "<td>10000.01</td>" not in html
    assert "塔行发〔2019〕16号（一）" in html


def test_it_says_why_not_and_what_would_fix_it():
    html = (
        Client()
        .post("/calculator/stable-job-refund/", {**REFUND, "ui_months_paid_in_full": "11"}, HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "You do not qualify yet" in html
    assert "at least 12 are required" in html


def test_bad_input_shows_an_error_next_to_the_field_and_no_result():
    html = (
        Client()
        .post("/calculator/stable-job-refund/", {**REFUND, "insured_at_start": "-5"}, HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "There is a problem" in html
    assert "greater than or equal to 0" in html
    assert 'id="result"' not in html


def test_a_field_required_by_the_track_is_named():
    data = {k: v for k, v in REFUND.items() if k != "insured_at_end"}
    html = Client().post("/calculator/stable-job-refund/", data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This field is required for the standard track." in html


def test_a_list_input_works_with_checkboxes():
    data = {
        "training_start": "2019-06-01",
        "training_days": "40",
        "registered_unemployed": "on",
        "categories": ["disabled", "low_income_family"],
    }
    html = Client().post("/calculator/training-living-allowance/", data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1500.00" in html


def test_it_shows_the_result_in_chinese_by_default():
    html = Client().post("/calculator/stable-job-refund/", REFUND).content.decode()
    assert "您可能符合条件" in html
    assert "裁员率" in html
    assert "5000.01" in html


def test_the_reasons_are_in_chinese_too():
    html = Client().post("/calculator/stable-job-refund/", {**REFUND, "ui_months_paid_in_full": "11"}).content.decode()
    assert "至少需要 12 个月" in html
