from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.roles import ROLE_LABELS, Role

# The back office's sections: (title, what it is for, URL name, permission needed or None).
SECTIONS = [
    (_("Case queue"), _("Take cases of your county, review and decide them."), "workbench:cases", None),
    (
        _("Real-name registry"),
        _("Find people and enterprises; open their real-name files."),
        "workbench:registry-search",
        None,
    ),
    (_("Public notices"), _("Build, publish and finalise lists; resolve objections."), "workbench:notices", None),
    (
        _("Notices (PDF)"),
        _("Approval and rejection notices being made; retry the ones that failed."),
        "workbench:notice-jobs",
        None,
    ),
    (
        _("Start-up loans"),
        _("Record guaranteed loans granted, the interest subsidy paid, and the handling institutions' reward."),
        "workbench:loans",
        "portal.manage_parameters",
    ),
    (
        _("Quality-enterprise list"),
        _("Keep the 名优企业名录 whose small and micro firms may be referred to the guarantee company."),
        "workbench:quality-list",
        "portal.manage_parameters",
    ),
    (
        _("Registry imports"),
        _("Import the social-insurance system's files."),
        "workbench:registry-imports",
        "portal.import_registry",
    ),
    (
        _("Policy parameters"),
        _("The dated values the calculators use, with their history."),
        "workbench:parameters",
        None,
    ),
    (
        _("Holiday calendar"),
        _("The public holidays and worked weekend days that public notice periods count, year by year."),
        "workbench:calendar",
        "portal.publish_notice",
    ),
    (
        _("Commitment post-checks"),
        _("告知承诺制: check the commitments of the sampled cases; which documents a commitment may replace."),
        "workbench:commitment-checks",
        None,
    ),
    (
        _("Follow-ups of bad ratings"),
        _("好差评: contact the person, verify, rectify or explain; the overdue ones go to the prefecture."),
        "workbench:follow-ups",
        None,
    ),
    (_("Dashboard"), _("Statistics, early warning and targets."), "workbench:dashboard", None),
    (
        _("Incubators"),
        _("Recognised incubators, tenants and jobs against the targets of clause （四）."),
        "workbench:incubators",
        None,
    ),
]


def index(request: HttpRequest) -> HttpResponse:
    """The back office's front page. BackOfficeTwoFactorMiddleware has already checked role and TOTP."""
    user = request.user
    roles = [ROLE_LABELS[Role(name)] for name in sorted(user.role_names) if name in Role._value2member_map_]
    sections = []
    for title, help_text, url_name, permission in SECTIONS:
        if permission and not user.has_perm(permission):
            continue
        try:
            sections.append({"title": title, "help": help_text, "url": reverse(url_name)})
        except NoReverseMatch:
            continue  # a section of a journey not built yet
    return render(request, "portal/workbench/index.html", {"roles": roles, "sections": sections})
