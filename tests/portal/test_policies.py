"""/policies/: every measure （一）-（十一）, amounts from the parameters in force, offices and complaints phone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from portal.context_processors import FOOTER_CACHE_KEY
from portal.models import ServiceOffice
from subsidies.services import parameter_add

pytestmark = pytest.mark.django_db

CLAUSES = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]


def test_it_lists_every_measure_of_the_plan():
    html = Client().get("/policies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for number in CLAUSES:
        assert f"（{number}）" in html
    assert "Who may apply" in html
    assert "Procedure" in html
    assert 'href="/calculator/stable-job-refund/"' in html


def test_it_renders_amounts_from_the_parameters_in_force(officer):
    client = Client()
    assert "1,800.00" in client.get("/policies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    parameter_add(
        key="training_subsidy.cap",
        value="2000",
        valid_from=timezone.localdate() - timedelta(days=0),
        source="新文件",
        actor=officer,
    )
    html = client.get("/policies/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2,000.00" in html
    assert "at most 1,800.00" not in html


def test_it_shows_the_service_offices_and_the_complaints_phone():
    office = ServiceOffice.objects.create(
        name="测试就业服务中心",
        name_en="Test office",
        address="测试路1号",
        phone="0901-0000001",
        complaints_phone="0901-12333",
    )
    cache.delete(FOOTER_CACHE_KEY)  # the footer's offices are cached; this test's office is rolled back after it
    try:
        html = Client().get("/policies/").content.decode()
    finally:
        cache.delete(FOOTER_CACHE_KEY)
    assert office.complaints_phone in html
    assert office.name in html


def test_it_reads_in_chinese_by_default():
    html = Client().get("/policies/").content.decode()
    assert "申请对象" in html
    assert "稳岗返还" in html
    assert "返还其上年度企业及职工实际缴纳失业保险费的 50%" in html
