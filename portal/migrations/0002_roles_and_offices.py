"""Roles as groups with their permissions, and the sample service offices shown in the footer."""

from django.db import migrations

from portal.roles import sync_role_permissions

# Frozen copy of portal.roles.ROLE_PERMISSIONS as of this migration.
ROLE_PERMISSIONS = {
    "enterprise_applicant": {"portal.apply_as_enterprise"},
    "resident_applicant": {"portal.apply_as_resident"},
    "county_caseworker": {"portal.access_workbench", "portal.decide_case", "portal.reveal_sensitive"},
    "prefecture_officer": {
        "portal.access_workbench",
        "portal.view_all_counties",
        "portal.decide_case",
        "portal.manage_parameters",
        "portal.publish_notice",
        "portal.import_registry",
        "portal.reveal_sensitive",
        "portal.view_audit",
    },
    "auditor": {"portal.access_workbench", "portal.view_all_counties", "portal.view_audit"},
}

# Sample contact details (fictitious numbers); the bureau replaces them in the admin.
OFFICES = [
    (None, "塔城地区人力资源和社会保障局", "Tacheng Prefecture Human Resources and Social Security Bureau",
     "塔城市（示例地址）", "0901-0000001", "0901-0000012"),
    ("654201", "塔城市公共就业服务中心", "Tacheng City Public Employment Service Centre",
     "塔城市（示例地址）", "0901-0000101", "0901-0000112"),
    ("654202", "乌苏市公共就业服务中心", "Wusu City Public Employment Service Centre",
     "乌苏市（示例地址）", "0992-0000101", "0992-0000112"),
    ("654221", "额敏县公共就业服务中心", "Emin County Public Employment Service Centre",
     "额敏县（示例地址）", "0901-0000201", "0901-0000212"),
]


def forwards(apps, schema_editor):
    sync_role_permissions(apps, ROLE_PERMISSIONS)
    County = apps.get_model("registry", "County")
    ServiceOffice = apps.get_model("portal", "ServiceOffice")
    for order, (code, name, name_en, address, phone, complaints) in enumerate(OFFICES):
        ServiceOffice.objects.update_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "county": County.objects.get(code=code) if code else None,
                "address": address,
                "phone": phone,
                "complaints_phone": complaints,
                "hours": "周一至周五 10:00-13:30, 16:00-19:30",
                "order": order,
                "is_sample": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("registry", "0002_counties"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
