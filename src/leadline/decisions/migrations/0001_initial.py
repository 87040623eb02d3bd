"""State-only move of DecisionDomain, Decision and DecisionComment from the ``governance`` app into ``decisions``.

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
                    name="Decision",
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
                        ("context", models.TextField(blank=True)),
                        ("options", models.TextField(blank=True)),
                        ("decision", models.TextField(blank=True, help_text="What was decided")),
                        ("rationale", models.TextField(blank=True)),
                        ("consequences", models.TextField(blank=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("proposed", "Proposed"),
                                    ("decided", "Decided"),
                                    ("superseded", "Superseded"),
                                ],
                                default="proposed",
                                max_length=16,
                            ),
                        ),
                        (
                            "routed_kind",
                            models.CharField(
                                choices=[
                                    ("person", "Person"),
                                    ("role", "Role"),
                                    ("triage", "Triage group"),
                                ],
                                max_length=16,
                            ),
                        ),
                        ("routed_role", models.CharField(blank=True, max_length=16)),
                        ("routed_name", models.CharField(max_length=200)),
                        ("due_at", models.DateTimeField()),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decided_by_name", models.CharField(blank=True, max_length=150)),
                        ("decided_for", models.CharField(blank=True, max_length=200)),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "routed_person",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="routed_decisions",
                                to="workspaces.person",
                            ),
                        ),
                        (
                            "superseded_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="supersedes",
                                to="decisions.decision",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="decisions",
                                to="workspaces.team",
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="decisions",
                                to="workspaces.workspace",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_decision",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="DecisionComment",
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
                        ("author_name", models.CharField(max_length=150)),
                        ("text", models.TextField()),
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "decision",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="comments",
                                to="decisions.decision",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_decisioncomment",
                        "ordering": ["at", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="DecisionDomain",
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
                        ("name", models.CharField(max_length=120)),
                        ("description", models.TextField(blank=True)),
                        (
                            "decider_role",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("owner", "Owner"),
                                    ("lead", "Lead"),
                                    ("member", "Member"),
                                    ("viewer", "Viewer"),
                                ],
                                help_text="A workspace role that decides, when no one person does",
                                max_length=16,
                            ),
                        ),
                        (
                            "consulted",
                            models.ManyToManyField(
                                blank=True, related_name="consulted_on", to="workspaces.person"
                            ),
                        ),
                        (
                            "decider_person",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="decides",
                                to="workspaces.person",
                            ),
                        ),
                        (
                            "informed",
                            models.ManyToManyField(
                                blank=True, related_name="informed_of", to="workspaces.person"
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="decision_domains",
                                to="workspaces.workspace",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_decisiondomain",
                        "ordering": ["name"],
                    },
                ),
                migrations.AddField(
                    model_name="decision",
                    name="domains",
                    field=models.ManyToManyField(
                        blank=True, related_name="decisions", to="decisions.decisiondomain"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="decisiondomain",
                    constraint=models.UniqueConstraint(
                        fields=("workspace", "name"), name="domain_unique_name"
                    ),
                ),
                migrations.AddIndex(
                    model_name="decision",
                    index=models.Index(
                        fields=["workspace", "status", "due_at"],
                        name="governance__workspa_962ca3_idx",
                    ),
                ),
            ],
        ),
    ]
