"""The calculations API (issue 4, point 3): the contract integrations depend on."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/api/v1/calculations/stable-job-refund/"
REFUND = {
    "application_date": "2019-05-01",
    "ui_premiums_paid_last_year": "10000.01",
    "ui_months_paid_in_full": 12,
    "insured_at_start": 100,
    "insured_at_end": 97,
}


def post(body, url=URL, client=None, **extra):
    client = client or Client(enforce_csrf_checks=True)
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


def fields(response):
    assert response.status_code == 400, response.content
    return {error["field"] for error in response.json()["errors"]}


def test_it_returns_the_amount_with_its_breakdown_and_clause_without_a_csrf_token():
    response = post(REFUND)
    assert response.status_code == 200
    data = response.json()
    assert data["policy"] == "stable-job-refund"
    assert data["as_of"] == "2019-05-01"
    assert data["eligible"] is True
    assert data["amount"] == "5000.01"
    assert data["currency"] == "CNY"
    assert data["layoff_rate"] == "0.0300"
    assert "塔行发〔2019〕16号（一）" in data["citations"]
    assert any(line["parameter"] == "stable_job_refund.ratio" for line in data["breakdown"])
    assert {"key", "value", "valid_from", "source"} <= set(data["parameters"][0])


def test_it_accepts_a_plain_curl_post_and_money_as_a_number():
    response = Client().post(
        URL,
        data=json.dumps({**REFUND, "ui_premiums_paid_last_year": 1000.05}),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert response.json()["amount"] == "500.03"


def test_it_answers_in_english_when_asked():
    data = post(REFUND, HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["breakdown"][0]["label"] == "Months of UI premiums paid in full"


def test_it_names_each_missing_field():
    assert fields(post({"application_date": "2019-05-01"})) == {
        "ui_premiums_paid_last_year",
        "ui_months_paid_in_full",
        "insured_at_start",
        "insured_at_end",
    }
    assert fields(post({})) >= {"application_date"}


def test_it_names_wrong_typed_fields():
    body = {**REFUND, "ui_months_paid_in_full": "twelve", "application_date": 20190501, "insured_at_start": [1]}
    assert fields(post(body)) == {"ui_months_paid_in_full", "application_date", "insured_at_start"}


def test_it_names_negative_and_absurdly_large_inputs():
    body = {**REFUND, "ui_premiums_paid_last_year": "-1", "insured_at_end": 10**30}
    assert fields(post(body)) == {"ui_premiums_paid_last_year", "insured_at_end"}
    huge = json.dumps(REFUND).replace('"10000.01"', "1e400")
    assert fields(post(huge)) == {"ui_premiums_paid_last_year"}
    assert fields(post({**REFUND, "ui_premiums_paid_last_year": "1.001"})) == {"ui_premiums_paid_last_year"}


def test_it_names_impossible_dates_and_unknown_fields():
    assert fields(post({**REFUND, "application_date": "2019-02-30"})) == {"application_date"}
    assert fields(post({**REFUND, "application_date": "2019-5-1"})) == {"application_date"}
    assert fields(post({**REFUND, "premiums": 1})) == {"premiums"}


def test_it_refuses_malformed_bodies_with_400():
    for body in ["{", "[]", "NaN", '"text"', b"\xff\xfe", "", "[" * 100000]:
        response = post(body)
        assert response.status_code == 400, body
        assert response.json()["errors"]


def test_a_date_before_the_plan_is_an_error_on_the_date_field():
    assert fields(post({**REFUND, "application_date": "2018-12-31"})) == {"application_date"}


def test_an_unknown_policy_is_404():
    response = post(REFUND, url="/api/v1/calculations/free-money/")
    assert response.status_code == 404
    assert "free-money" in response.json()["detail"]


def test_it_lists_the_policies_and_their_inputs():
    data = Client().get("/api/v1/calculations/").json()
    policies = {p["policy"]: p for p in data}
    assert set(policies) == {
        "stable-job-refund",
        "startup-loan",
        "loan-reward",
        "internship",
        "training-subsidy",
        "training-living-allowance",
        "skill-upgrade",
        "ui-benefit",
    }
    assert "ui_premiums_paid_last_year" in policies["stable-job-refund"]["inputs"]["properties"]
    assert policies["ui-benefit"]["url"] == "/api/v1/calculations/ui-benefit/"


@pytest.mark.parametrize(
    ("policy", "body", "expected"),
    [
        (
            "startup-loan",
            {
                "application_date": "2019-05-01",
                "applicant": "individual",
                "requested_amount": 200000,
                "annual_interest_rate": "0.0435",
            },
            "150000.00",
        ),
        ("loan-reward", {"application_date": "2019-05-01", "county_new_loans_total": "1000000"}, "10000.00"),
        (
            "internship",
            {
                "start_date": "2019-07-01",
                "birth_date": "1990-01-01",
                "unemployed_graduate": True,
                "months": 3,
                "county_code": "654202",
                "host_monthly_pay": 1000,
            },
            None,
        ),
        (
            "training-subsidy",
            {
                "application_date": "2019-05-01",
                "training_type": "entrepreneurship",
                "hours": 40,
                "cost": 2500,
                "passed": True,
                "registered_unemployed": True,
            },
            "1800.00",
        ),
        (
            "training-living-allowance",
            {
                "training_start": "2019-05-01",
                "training_days": 40,
                "registered_unemployed": True,
                "categories": ["disabled"],
            },
            "1500.00",
        ),
        (
            "skill-upgrade",
            {
                "application_date": "2019-05-01",
                "certificate_level": "senior",
                "certificate_date": "2019-04-01",
                "insured_months": 13,
            },
            "2000.00",
        ),
        ("ui-benefit", {"registration_date": "2019-05-01", "contribution_years": 10}, "33264.00"),
    ],
)
def test_every_policy_answers_200(policy, body, expected):
    response = post(body, url=f"/api/v1/calculations/{policy}/")
    assert response.status_code == 200, response.content
    if expected:
        assert response.json()["amount"] == expected
