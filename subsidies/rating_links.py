"""The link to rate a decided case that its decision's text message carries (好差评, subsidies.ratings): a signed,
expiring token naming the case and nothing else, so that the person rates that one case without signing in. Apart
from subsidies.ratings because the notifications write the link and the ratings notify."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from subsidies.models import Case

LINK_SALT = "subsidies.ratings.link"
# A text message is read within days; a link older than this asks the person to sign in (or to rate at the counter).
LINK_MAX_AGE = timedelta(days=30)


def rating_link_token(case: Case) -> str:
    """A signed token naming the case only (no personal data), valid LINK_MAX_AGE."""
    return signing.dumps(case.pk, salt=LINK_SALT)


def rating_link_url(case: Case) -> str:
    base = (getattr(settings, "PORTAL_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + reverse("ratings:link", args=[rating_link_token(case)])


class LinkExpired(Exception):
    """A genuine link, too old."""


def case_of_link(token: str) -> Case | None:
    """The case a rating link names, None for a link that is not ours (or altered); LinkExpired when too old."""
    try:
        pk = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Case.objects.select_related("county").filter(pk=pk).first()
