"""The policies page (（十四）: amounts published) shows what issue 15 changed: （十） the benefit and the medical
premium per county, （六） the ceiling of the support, （八） unemployment-insurance months."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_十_policies_page_lists_each_countys_benefit_and_medical_premium() -> None:
    page = Client().get("/policies/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "塔城市：每月1,458.00元；失业保险基金每月代缴基本医疗保险费150.00元。" in page
    assert "托里县：每月1,314.00元" in page


def test_六_and_八_policies_page_states_the_ceiling_and_the_months_counted() -> None:
    page = Client().get("/policies/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "最高支持职工教育经费缺口的50%" in page
    assert "要求缴纳失业保险费36个月" in page
