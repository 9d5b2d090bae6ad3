"""Drop the indexes an import paid for and no query reads (ADR 0009).

- registry_insuranceyear.enterprise_id: the unique (enterprise_id, year) starts with it;
- registry_insuranceyear.import_job_id: nothing looks insurance years up by their import, import jobs are never deleted;
- registry_auditevent.occurred_at: the trail pages read it through audit_target_idx, the admin lists by id;
- registry_auditevent.actor_id: replaced by a partial index over the rows that have an actor.

The foreign keys themselves stay as they are: only the indexes are dropped (Django's AlterField would drop and re-add
each foreign key, re-checking every row of the audit table while holding its lock).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = [
    ("registry_auditevent_occurred_at_12935bf0", "registry_auditevent", "occurred_at"),
    ("registry_auditevent_actor_id_4f6acf35", "registry_auditevent", "actor_id"),
    ("registry_insuranceyear_enterprise_id_65f4454c", "registry_insuranceyear", "enterprise_id"),
    ("registry_insuranceyear_import_job_id_c1f9f982", "registry_insuranceyear", "import_job_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_importjob_outbox"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}")',
                )
                for name, table, column in DROPPED
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="occurred_at",
                    field=models.DateTimeField(auto_now_add=True, verbose_name="when"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="who",
                    ),
                ),
                migrations.AlterField(
                    model_name="insuranceyear",
                    name="enterprise",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="insurance_years",
                        to="registry.enterprise",
                        verbose_name="enterprise",
                    ),
                ),
                migrations.AlterField(
                    model_name="insuranceyear",
                    name="import_job",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to="registry.importjob",
                        verbose_name="import batch",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(condition=models.Q(("actor__isnull", False)), fields=["actor"], name="audit_actor_idx"),
        ),
    ]
