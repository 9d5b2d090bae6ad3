"""Mark the memberships whose account registered the enterprise at sign-up (issue 13, credit-code squatting).

Existing rows are found through their sign-up's audit row (enterprise_account_register, "matched": false).
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    AuditEvent = apps.get_model("registry", "AuditEvent")
    EnterpriseMembership = apps.get_model("portal", "EnterpriseMembership")
    ids = [
        int(event.target_id)
        for event in AuditEvent.objects.filter(
            action="enterprise_account_register", target_type="portal.enterprisemembership"
        )
        if (event.after or {}).get("matched") is False
    ]
    EnterpriseMembership.objects.filter(pk__in=ids).update(registered_enterprise=True)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_identity_claims"),
        ("registry", "0003_audit_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="enterprisemembership",
            name="registered_enterprise",
            field=models.BooleanField(default=False, verbose_name="registered the enterprise at sign-up"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
