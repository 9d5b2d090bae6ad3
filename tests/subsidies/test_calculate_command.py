"""`manage.py calculate <policy> --input FILE.json` prints the same JSON as the API."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

pytestmark = pytest.mark.django_db

INPUTS = {"registration_date": "2019-03-15", "contribution_years": "6", "reemployment_date": "2019-05-02"}


def test_it_prints_the_same_json_as_the_api(tmp_path):
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps(INPUTS), encoding="utf-8")
    out = io.StringIO()
    call_command("calculate", "ui-benefit", "--input", str(path), stdout=out)
    printed = json.loads(out.getvalue())
    api = Client().post("/api/v1/calculations/ui-benefit/", json.dumps(INPUTS), content_type="application/json")
    assert printed == api.json()
    assert printed["months_paid"] == 3


def test_it_names_the_bad_field_and_fails(tmp_path):
    path = tmp_path / "inputs.json"
    path.write_text(json.dumps({**INPUTS, "contribution_years": "-1"}), encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="not valid"):
        call_command("calculate", "ui-benefit", "--input", str(path), stderr=err)
    assert json.loads(err.getvalue())["errors"][0]["field"] == "contribution_years"


def test_an_unknown_policy_or_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Unknown policy"):
        call_command("calculate", "free-money", "--input", "x.json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("calculate", "ui-benefit", "--input", str(tmp_path / "missing.json"))
