"""The roles of the portal, as Django groups with permissions (created by migration portal 0002).

Keep ROLE_PERMISSIONS and the migrations in step: a new permission for a role is a new migration
that calls sync_role_permissions.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from registry import permissions as P


class Role(StrEnum):
    ENTERPRISE_APPLICANT = "enterprise_applicant"
    RESIDENT_APPLICANT = "resident_applicant"
    COUNTY_CASEWORKER = "county_caseworker"
    PREFECTURE_OFFICER = "prefecture_officer"
    AUDITOR = "auditor"


ROLE_LABELS = {
    Role.ENTERPRISE_APPLICANT: _("Enterprise applicant"),
    Role.RESIDENT_APPLICANT: _("Resident applicant"),
    Role.COUNTY_CASEWORKER: _("County caseworker"),
    Role.PREFECTURE_OFFICER: _("Prefecture officer"),
    Role.AUDITOR: _("Auditor"),
}

STAFF_ROLES = frozenset({Role.COUNTY_CASEWORKER, Role.PREFECTURE_OFFICER, Role.AUDITOR})

# "app_label.codename" per role.
ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.ENTERPRISE_APPLICANT: frozenset({P.APPLY_AS_ENTERPRISE}),
    Role.RESIDENT_APPLICANT: frozenset({P.APPLY_AS_RESIDENT}),
    Role.COUNTY_CASEWORKER: frozenset({P.ACCESS_WORKBENCH, P.DECIDE_CASE, P.REVEAL_SENSITIVE}),
    Role.PREFECTURE_OFFICER: frozenset(
        {
            P.ACCESS_WORKBENCH,
            P.VIEW_ALL_COUNTIES,
            P.DECIDE_CASE,
            P.MANAGE_PARAMETERS,
            P.PUBLISH_LIST,
            P.IMPORT_REGISTRY,
            P.REVEAL_SENSITIVE,
            P.VIEW_AUDIT,
        }
    ),
    # Read-only: sees everything, changes nothing, reveals nothing.
    Role.AUDITOR: frozenset({P.ACCESS_WORKBENCH, P.VIEW_ALL_COUNTIES, P.VIEW_AUDIT}),
}


def sync_role_permissions(apps, role_permissions: dict[str, set[str]]) -> None:  # type: ignore[no-untyped-def]
    """Create the groups and give each exactly its permissions. For use in data migrations."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, and create_permissions skips those.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, perms in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
