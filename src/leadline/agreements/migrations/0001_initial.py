"""State-only move of WorkingAgreement, AgreementVersion and Acknowledgement from the ``governance`` app into ``agreements``.

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
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="WorkingAgreement",
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
                            "scope",
                            models.CharField(
                                choices=[
                                    ("team", "Team"),
                                    ("stakeholders", "Team and stakeholders"),
                                ],
                                default="team",
                                max_length=16,
                            ),
                        ),
                        ("review_date", models.DateField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "stakeholders",
                            models.ManyToManyField(
                                blank=True,
                                related_name="stakeholder_agreements",
                                to="workspaces.person",
                            ),
                        ),
                        (
                            "team",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agreements",
                                to="workspaces.team",
                            ),
                        ),
                        (
                            "workspace",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="agreements",
                                to="workspaces.workspace",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_workingagreement",
                        "ordering": ["team__name", "scope"],
                    },
                ),
                migrations.CreateModel(
                    name="AgreementVersion",
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
                        ("number", models.PositiveIntegerField()),
                        ("channels", models.TextField(blank=True)),
                        ("cadence", models.TextField(blank=True)),
                        ("norms", models.TextField(blank=True)),
                        ("decision_paths", models.TextField(blank=True)),
                        ("escalation_routes", models.TextField(blank=True)),
                        ("definition_of_done", models.TextField(blank=True)),
                        (
                            "note",
                            models.CharField(
                                blank=True, help_text="What changed and why", max_length=300
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("created_by_name", models.CharField(blank=True, max_length=150)),
                        (
                            "agreement",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="versions",
                                to="agreements.workingagreement",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_agreementversion",
                        "ordering": ["-number"],
                    },
                ),
                migrations.CreateModel(
                    name="Acknowledgement",
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
                        ("via_link", models.BooleanField(default=False)),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="acknowledgements",
                                to="workspaces.person",
                            ),
                        ),
                        (
                            "version",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="acknowledgements",
                                to="agreements.agreementversion",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "governance_acknowledgement",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("version", "person"), name="ack_unique_person"
                            )
                        ],
                    },
                ),
                migrations.AddConstraint(
                    model_name="workingagreement",
                    constraint=models.UniqueConstraint(
                        fields=("team", "scope"), name="agreement_unique_scope"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="agreementversion",
                    constraint=models.UniqueConstraint(
                        fields=("agreement", "number"), name="version_unique_number"
                    ),
                ),
            ],
        ),
    ]
