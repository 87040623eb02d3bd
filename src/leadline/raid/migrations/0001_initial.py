"""State-only move of RaidItem and RaidHistory from the ``governance`` app into ``raid``.

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
                    name="RaidItem",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("risk", "Risk"),
                                    ("assumption", "Assumption"),
                                    ("issue", "Issue"),
                                    ("dependency", "Dependency"),
                                ],
                                max_length=16,
                            ),
                        ),
                        (
                            "external_id",
                            models.CharField(
                                blank=True,
                                help_text="Key from another tool; CSV re-imports match on it",
                                max_length=100,
                            ),
                        ),
                        ("title", models.CharField(max_length=300)),
                        ("description", models.TextField(blank=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("open", "Open"),
                                    ("mitigating", "Mitigating"),
                                    ("materialised", "Materialised"),
                                    ("validated", "Validated"),
                                    ("invalidated", "Invalidated"),
                                    ("in_progress", "In progress"),
                                    ("delivered", "Delivered"),
                                    ("resolved", "Resolved"),
                                    ("closed", "Closed"),
                                ],
                                default="open",
                                max_length=16,
                            ),
                        ),
                        (
                            "blocker",
                            models.BooleanField(default=False, help_text="It blocks work now"),
                        ),
                        ("review_date", models.DateField(blank=True, null=True)),
                        ("cause", models.TextField(blank=True)),
                        ("effect", models.TextField(blank=True)),
                        ("probability", models.PositiveSmallIntegerField(blank=True, null=True)),
                        ("impact", models.PositiveSmallIntegerField(blank=True, null=True)),
                        (
                            "proximity",
                            models.DateField(
                                blank=True, help_text="When the risk could occur", null=True
                            ),
                        ),
                        ("mitigation", models.TextField(blank=True, help_text="Mitigation plan")),
                        ("mitigation_actions", models.TextField(blank=True)),
                        ("trigger", models.CharField(blank=True, max_length=300)),
                        ("validate_by", models.DateField(blank=True, null=True)),
                        (
                            "severity",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("low", "Low"),
                                    ("medium", "Medium"),
                                    ("high", "High"),
                                    ("critical", "Critical"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("due_date", models.DateField(blank=True, null=True)),
                        (
                            "provider_kind",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("team", "Team"),
                                    ("vendor", "Vendor"),
                                    ("person", "Person"),
                                ],
                                max_length=16,
                            ),
                        ),
                        (
                            "provider_name",
                            models.CharField(
                                blank=True, help_text="Vendor or person", max_length=200
                            ),
                        ),
                        ("needed", models.TextField(blank=True, help_text="What is needed")),
                        ("need_by", models.DateField(blank=True, null=True)),
                        (
                            "work_items",
                            models.CharField(
                                blank=True,
                                help_text="Linked work item keys, comma-separated",
                                max_length=500,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("closed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="raid_items",
                                to="workspaces.person",
                            ),
                        ),
                        (
                            "provider_team",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="provided_dependencies",
                                to="workspaces.team",
                            ),
                        ),
                        (
                            "source_risk",
                            models.ForeignKey(
                                blank=True,
                                help_text="The risk this issue materialised from",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="materialised_as",
                                to="raid.raiditem",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                blank=True,
                                help_text="The team it concerns (for a dependency: the consumer team that waits)",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="raid_items",
                                to="workspaces.team",
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="raid_items",
                                to="workspaces.workspace",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_raiditem",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="RaidHistory",
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
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("actor_name", models.CharField(blank=True, max_length=150)),
                        ("action", models.CharField(max_length=32)),
                        ("changes", models.JSONField(blank=True, default=dict)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "item",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="history",
                                to="raid.raiditem",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "RAID history",
                        "db_table": "governance_raidhistory",
                        "ordering": ["-at", "-id"],
                    },
                ),
                migrations.AddIndex(
                    model_name="raiditem",
                    index=models.Index(
                        fields=["workspace", "kind", "status"],
                        name="governance__workspa_3aa66d_idx",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="raiditem",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("external_id", ""), _negated=True),
                        fields=("workspace", "external_id"),
                        name="raid_unique_external_id",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="raiditem",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("probability__isnull", True),
                            models.Q(("probability__gte", 1), ("probability__lte", 5)),
                            _connector="OR",
                        ),
                        name="raid_probability_1_5",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="raiditem",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("impact__isnull", True),
                            models.Q(("impact__gte", 1), ("impact__lte", 5)),
                            _connector="OR",
                        ),
                        name="raid_impact_1_5",
                    ),
                ),
            ],
        ),
    ]
