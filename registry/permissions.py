"""The permissions of the portal, named once.

They live on the user model (`portal.User.Meta.permissions` is built from `DECLARED`), so their app label is
`portal`; every app checks them through these constants, never by a string typed again.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

APP_LABEL = "portal"

# (codename, description) in the order of the user model's Meta.permissions.
DECLARED = [
    ("access_workbench", _("Can open the back office (workbench)")),
    ("view_all_counties", _("Can see cases and records of every county")),
    ("decide_case", _("Can decide cases")),
    ("manage_parameters", _("Can manage dated policy parameters")),
    ("publish_notice", _("Can publish public-notice lists")),
    ("import_registry", _("Can import registry data")),
    ("reveal_sensitive", _("Can reveal full ID numbers and bank accounts")),
    ("view_audit", _("Can read audit trails")),
    ("apply_as_enterprise", _("Can apply on behalf of an enterprise")),
    ("apply_as_resident", _("Can apply as a resident")),
]

ACCESS_WORKBENCH = f"{APP_LABEL}.access_workbench"
VIEW_ALL_COUNTIES = f"{APP_LABEL}.view_all_counties"
DECIDE_CASE = f"{APP_LABEL}.decide_case"
MANAGE_PARAMETERS = f"{APP_LABEL}.manage_parameters"
PUBLISH_LIST = f"{APP_LABEL}.publish_notice"
IMPORT_REGISTRY = f"{APP_LABEL}.import_registry"
REVEAL_SENSITIVE = f"{APP_LABEL}.reveal_sensitive"
VIEW_AUDIT = f"{APP_LABEL}.view_audit"
APPLY_AS_ENTERPRISE = f"{APP_LABEL}.apply_as_enterprise"
APPLY_AS_RESIDENT = f"{APP_LABEL}.apply_as_resident"
