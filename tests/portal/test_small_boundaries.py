"""Issue 13, point 9: the smaller items, tried as they were found."""

from __future__ import annotations

import pytest
from django.test import Client

from registry.models import County
from registry.services import person_register

pytestmark = pytest.mark.django_db

ID = "654201198503150018"


@pytest.mark.parametrize("typed", ["a/b", "../../admin", "AB CD?x=1", "阿依古丽", ""])
def test_any_verify_lookup_answers_without_a_500(typed: str) -> None:
    response = Client().get("/verify/", {"code": typed}, follow=True)
    assert response.status_code in (200, 404)


def test_a_full_id_number_in_the_search_url_is_not_searched(client_for, caseworker) -> None:
    person_register(id_number=ID, name="阿依古丽", residence_county=County.objects.get(code="654201"), actor=None)
    client = client_for(caseworker)
    response = client.get("/workbench/registry/", {"q": ID, "kind": "people"})
    assert response.status_code == 302 and ID not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "身份证号不会放在网址中" in page and "阿依古丽" not in page
    # By POST it is found, and the page holds it masked only.
    page = client.post("/workbench/registry/", {"q": ID, "kind": "people"}).content.decode()
    assert "阿依古丽" in page and ID not in page


def test_the_language_switch_never_carries_the_pages_query(client) -> None:
    """Whatever a URL's query holds (here an ID number someone put there), the language form sends back the page's
    path only, so the number does not travel on in a form field, a referrer or a log."""
    page = client.get("/policies/?q=654201198503150018").content.decode()
    assert 'name="next" type="hidden" value="/policies/"' in page
    assert "654201198503150018" not in page
