"""State-only move of Alert, Notification and NotificationChannel from the ``governance`` app into ``notify``.

The tables keep their ``governance_*`` names (``db_table``) and every row: the database is not
touched (``database_operations=[]``); only Django's idea of which app owns the models changes.
``governance.0003_move_models_to_domain_apps`` removes them from the governance app's state.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("governance", "0002_decision_comments_change_scope"),
        ("workspaces", "0003_time_zones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="NotificationChannel",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100)),
                        ("url_encrypted", models.TextField()),
                        (
                            "url_hint",
                            models.CharField(
                                help_text="Scheme and host, for display", max_length=40
                            ),
                        ),
                        ("active", models.BooleanField(default=True)),
                        (
                            "digest",
                            models.BooleanField(
                                default=True, help_text="Also receives the daily digest"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_channels",
                                to="workspaces.workspace",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_notificationchannel",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Alert",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "subject",
                            models.CharField(help_text="raid:<id> or decision:<id>", max_length=64),
                        ),
                        ("rule", models.CharField(max_length=32)),
                        ("title", models.CharField(max_length=300)),
                        ("message", models.CharField(max_length=500)),
                        ("url", models.CharField(blank=True, max_length=300)),
                        ("raised_at", models.DateTimeField()),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="alerts",
                                to="workspaces.workspace",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_alert",
                        "ordering": ["-raised_at", "-id"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("workspace", "subject", "rule"),
                                name="alert_unique_subject_rule",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=300)),
                        ("body", models.TextField(blank=True)),
                        ("url", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to="workspaces.workspace",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_notification",
                        "ordering": ["-created_at", "-id"],
                        "indexes": [
                            models.Index(
                                fields=["user", "workspace", "read_at"],
                                name="governance__user_id_a7ca46_idx",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
