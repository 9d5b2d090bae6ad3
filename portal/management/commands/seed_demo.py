"""Idempotent demo data: one account per role (known password, TOTP secret printed) and synthetic registry data.

Only synthetic data: names from Faker zh_CN, ID numbers and credit codes generated with valid check characters.
"""

from __future__ import annotations

from base64 import b32encode

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.demo.accounts import DEMO_PASSWORD
from portal.models import User
from portal.roles import STAFF_ROLES, Role
from registry.models import County
from subsidies.demo import seed_offers

# username, role, county code, full name
DEMO_ACCOUNTS = [
    ("enterprise", Role.ENTERPRISE_APPLICANT, None, "企业经办 王芳"),
    ("resident", Role.RESIDENT_APPLICANT, None, "居民 阿依古丽·买买提"),
    ("caseworker", Role.COUNTY_CASEWORKER, "654201", "塔城市经办人 李强"),
    ("caseworker_wusu", Role.COUNTY_CASEWORKER, "654202", "乌苏市经办人 张伟"),
    ("officer", Role.PREFECTURE_OFFICER, None, "地区人社局 刘洋"),
    ("auditor", Role.AUDITOR, None, "审计 陈静"),
]


def _demo_user(username: str, role: Role, county_code: str | None, full_name: str) -> tuple[User, str | None]:
    surname, _sep, given = full_name.rpartition(" ")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": given, "last_name": surname, "email": f"{username}@demo.invalid"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
    user.county = County.objects.get(code=county_code) if county_code else None
    # Officers keep reference data such as the holiday calendar and service offices in the admin.
    user.is_staff = role == Role.PREFECTURE_OFFICER
    user.save()
    user.groups.set([Group.objects.get(name=role.value)])
    secret = None
    if role in STAFF_ROLES:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        secret = b32encode(device.bin_key).decode()
    return user, secret


class Command(BaseCommand):
    help = "Create (or refresh) demo accounts and synthetic registry data. Safe to run again."

    def handle(self, *args: object, **options: object) -> None:
        rows = []
        with transaction.atomic():
            for username, role, county, name in DEMO_ACCOUNTS:
                _user, secret = _demo_user(username, role, county, name)
                rows.append((username, role.value, secret))
            for hook in self._registry_hooks():
                hook(stdout=self.stdout)
            seed_offers(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):"))
        for username, role, secret in rows:
            line = f"  {username:<16} {role:<22}"
            if secret:
                line += f" TOTP secret {secret}"
            self.stdout.write(line)
        self.stdout.write(
            "Add a TOTP secret to an authenticator app, or print the current code with: "
            ".venv/bin/python -m portal.totp SECRET"
        )

    def _registry_hooks(self):  # type: ignore[no-untyped-def]
        """Demo data of later issues: each app may expose demo.seed(stdout=...)."""
        import importlib

        hooks = []
        for module in (
            "registry.demo",
            "subsidies.demo",
            "portal.demo",
            "portal.demo.claims_people",
            "portal.demo.claims_enterprises",
            "portal.demo.ratings",
            "portal.demo.progress",
        ):
            try:
                hooks.append(importlib.import_module(module).seed)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
        return hooks
