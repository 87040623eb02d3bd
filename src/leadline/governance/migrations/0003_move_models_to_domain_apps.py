"""The governance models moved to one app per domain (raid, decisions, agreements, changes, notify).

State only: the tables keep their ``governance_*`` names and rows (each moved model sets
``db_table``); the new apps' ``0001_initial`` add the models to their state without touching the
database, and this migration removes them from the governance app's state. GovernanceSettings
stays here (shared by the decisions and notify apps).

The content types of the moved models are relabelled to their new apps, so the permissions that
point at them follow and no stale ``governance.*`` content type is left behind. The audit log
stores models by their lower-case name (``raiditem``), which did not change.
"""

from django.db import migrations

MOVED = {
    "raiditem": "raid",
    "raidhistory": "raid",
    "decisiondomain": "decisions",
    "decision": "decisions",
    "decisioncomment": "decisions",
    "workingagreement": "agreements",
    "agreementversion": "agreements",
    "acknowledgement": "agreements",
    "changerequest": "changes",
    "alert": "notify",
    "notification": "notify",
    "notificationchannel": "notify",
}


def _relabel(apps, schema_editor, forward):
    content_type = apps.get_model("contenttypes", "ContentType")
    types = content_type.objects.using(schema_editor.connection.alias)
    for model, app in MOVED.items():
        old, new = ("governance", app) if forward else (app, "governance")
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def relabel(apps, schema_editor):
    _relabel(apps, schema_editor, forward=True)


def unrelabel(apps, schema_editor):
    _relabel(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("governance", "0002_decision_comments_change_scope"),
        ("raid", "0001_initial"),
        ("decisions", "0001_initial"),
        ("agreements", "0001_initial"),
        ("changes", "0001_initial"),
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            # Referring models first, so no state model points at one already removed.
            state_operations=[
                migrations.DeleteModel(name="ChangeRequest"),
                migrations.DeleteModel(name="Acknowledgement"),
                migrations.DeleteModel(name="AgreementVersion"),
                migrations.DeleteModel(name="WorkingAgreement"),
                migrations.DeleteModel(name="DecisionComment"),
                migrations.DeleteModel(name="Decision"),
                migrations.DeleteModel(name="DecisionDomain"),
                migrations.DeleteModel(name="RaidHistory"),
                migrations.DeleteModel(name="RaidItem"),
                migrations.DeleteModel(name="Alert"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="NotificationChannel"),
            ],
        ),
        migrations.RunPython(relabel, unrelabel, elidable=False),
    ]
