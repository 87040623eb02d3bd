"""State-only move of ChangeRequest from the ``governance`` app into ``changes``.

The tables keep their ``governance_*`` names (``db_table``) and every row: the database is not
touched (``database_operations=[]``); only Django's idea of which app owns the models changes.
``governance.0003_move_models_to_domain_apps`` removes them from the governance app's state.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("governance", "0002_decision_comments_change_scope"),
        ("workspaces", "0003_time_zones"),
        ("decisions", "0001_initial"),
        ("raid", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ChangeRequest",
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
                        ("description", models.TextField(blank=True)),
                        (
                            "urgency",
                            models.CharField(
                                choices=[
                                    ("low", "Low"),
                                    ("normal", "Normal"),
                                    ("high", "High"),
                                    ("critical", "Critical"),
                                ],
                                default="normal",
                                max_length=16,
                            ),
                        ),
                        (
                            "added_items",
                            models.PositiveIntegerField(help_text="Work items the change adds"),
                        ),
                        (
                            "remaining_items",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="Items left in the current scope, when entered by hand",
                                null=True,
                            ),
                        ),
                        (
                            "scope_source",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("sprint", "The team's current sprint"),
                                    ("epics", "Epics"),
                                    ("items", "A list of work items"),
                                    ("manual", "A number entered by hand"),
                                ],
                                help_text="Where the remaining scope is read from",
                                max_length=16,
                            ),
                        ),
                        (
                            "scope_epics",
                            models.CharField(
                                blank=True,
                                help_text="Epic keys, comma-separated, in priority order",
                                max_length=2000,
                            ),
                        ),
                        (
                            "scope_items",
                            models.TextField(
                                blank=True,
                                help_text="Work item keys, separated by commas, spaces or lines",
                            ),
                        ),
                        (
                            "target_date",
                            models.DateField(
                                blank=True,
                                help_text="The date the current scope is promised for",
                                null=True,
                            ),
                        ),
                        (
                            "throughput_samples",
                            models.CharField(
                                blank=True,
                                help_text="Daily throughput, comma-separated, when no delivery data is imported",
                                max_length=2000,
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("approved", "Approved"),
                                    ("declined", "Declined"),
                                    ("deferred", "Deferred"),
                                ],
                                default="pending",
                                max_length=16,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "governance_changerequest",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.AddField(
                    model_name="changerequest",
                    name="decision",
                    field=models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="change_request",
                        to="decisions.decision",
                    ),
                ),
                migrations.AddField(
                    model_name="changerequest",
                    name="domains",
                    field=models.ManyToManyField(
                        blank=True, related_name="change_requests", to="decisions.decisiondomain"
                    ),
                ),
                migrations.AddField(
                    model_name="changerequest",
                    name="raid_items",
                    field=models.ManyToManyField(
                        blank=True, related_name="change_requests", to="raid.raiditem"
                    ),
                ),
                migrations.AddField(
                    model_name="changerequest",
                    name="requested_by",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="change_requests",
                        to="workspaces.person",
                    ),
                ),
                migrations.AddField(
                    model_name="changerequest",
                    name="team",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="change_requests",
                        to="workspaces.team",
                    ),
                ),
                migrations.AddField(
                    model_name="changerequest",
                    name="workspace",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="change_requests",
                        to="workspaces.workspace",
                    ),
                ),
            ],
        ),
    ]
