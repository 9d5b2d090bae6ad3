"""好差评 (国办发〔2019〕51号): ratings of decided cases, the follow-up of a bad one, and its deadline in working days.

The deadline is a sample copied here so that this migration stays as it was; officers replace it in the back office.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

KEY = "rating.follow_up_working_days"
SOURCE = "国办发〔2019〕51号"
NOTE = "Sample: a bad rating is followed up (rectified or explained) within this many working days."


def seed(apps, schema_editor):
    apps.get_model("subsidies", "Parameter").objects.get_or_create(
        key=KEY, valid_from="2019-01-01", defaults={"value": 15, "source": SOURCE, "is_sample": True, "note": NOTE}
    )


def unseed(apps, schema_editor):
    apps.get_model("subsidies", "Parameter").objects.filter(key=KEY, created_by__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_importjob_outbox"),
        ("subsidies", "0021_commitments"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="event",
            field=models.CharField(
                choices=[
                    ("submitted", "Application received"),
                    ("resubmitted", "Corrections received"),
                    ("returned", "Returned for correction"),
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("published", "Published for public notice"),
                    ("reopened", "Reviewed again after an objection"),
                    ("final", "Decision final"),
                    ("referral", "Referred to civil affairs"),
                    ("objection_resolved", "Objection resolved"),
                    ("follow_up_closed", "Your rating was followed up"),
                    ("revoked", "Decision revoked after a false commitment"),
                ],
                max_length=30,
                verbose_name="event",
            ),
        ),
        migrations.CreateModel(
            name="FollowUp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("open", "Open"),
                            ("escalated", "Overdue, escalated to the prefecture"),
                            ("closed", "Closed"),
                        ],
                        default="open",
                        max_length=12,
                        verbose_name="state",
                    ),
                ),
                ("due_on", models.DateField(verbose_name="due by")),
                ("escalated_at", models.DateTimeField(blank=True, null=True, verbose_name="escalated")),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[("rectified", "Rectified"), ("explained", "Explained")],
                        max_length=12,
                        verbose_name="outcome",
                    ),
                ),
                ("outcome_text", models.TextField(blank=True, verbose_name="what we tell the person")),
                ("closed_at", models.DateTimeField(blank=True, null=True, verbose_name="closed")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="opened")),
                (
                    "case",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="follow_ups",
                        to="subsidies.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "closed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="closed by",
                    ),
                ),
                (
                    "county",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="follow_ups",
                        to="registry.county",
                        verbose_name="county",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up of a bad rating",
                "verbose_name_plural": "follow-ups of bad ratings",
                "ordering": ["due_on", "id"],
            },
        ),
        migrations.CreateModel(
            name="FollowUpStep",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("contact", "Contacted the person"),
                            ("verify", "Verified the facts"),
                            ("rectify", "Rectified"),
                            ("explain", "Explained"),
                        ],
                        max_length=10,
                        verbose_name="step",
                    ),
                ),
                ("note", models.TextField(verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                (
                    "actor",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
                (
                    "follow_up",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="steps",
                        to="subsidies.followup",
                        verbose_name="follow-up",
                    ),
                ),
            ],
            options={
                "verbose_name": "follow-up step",
                "verbose_name_plural": "follow-up steps",
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Rating",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "level",
                    models.PositiveSmallIntegerField(
                        choices=[
                            (5, "Very satisfied"),
                            (4, "Satisfied"),
                            (3, "Fairly satisfied"),
                            (2, "Dissatisfied"),
                            (1, "Very dissatisfied"),
                        ],
                        verbose_name="rating",
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=500, verbose_name="comment")),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("online", "Online, from the case's page"),
                            ("sms", "From the link in a text message"),
                            ("counter", "At the counter, recorded by a caseworker"),
                        ],
                        max_length=10,
                        verbose_name="channel",
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="rated")),
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="rating",
                        to="subsidies.case",
                        verbose_name="case",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="recorded by",
                    ),
                ),
            ],
            options={
                "verbose_name": "rating",
                "verbose_name_plural": "ratings",
            },
        ),
        migrations.AddField(
            model_name="followup",
            name="rating",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="follow_up",
                to="subsidies.rating",
                verbose_name="rating",
            ),
        ),
        migrations.AddIndex(
            model_name="rating",
            index=models.Index(fields=["created_at"], name="rating_created_idx"),
        ),
        migrations.AddConstraint(
            model_name="rating",
            constraint=models.CheckConstraint(
                condition=models.Q(("level__gte", 1), ("level__lte", 5)), name="rating_level_one_to_five"
            ),
        ),
        migrations.AddConstraint(
            model_name="rating",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("channel", "counter"), _negated=True), ("recorded_by__isnull", False), _connector="OR"
                ),
                name="rating_at_counter_has_recorder",
            ),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(fields=["state", "due_on"], name="follow_up_due_idx"),
        ),
        migrations.AddIndex(
            model_name="followup",
            index=models.Index(fields=["county", "state"], name="follow_up_county_idx"),
        ),
        migrations.AddConstraint(
            model_name="followup",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("state", "closed"), _negated=True),
                    models.Q(("closed_at__isnull", False), models.Q(("outcome", ""), _negated=True)),
                    _connector="OR",
                ),
                name="follow_up_closed_has_outcome",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
