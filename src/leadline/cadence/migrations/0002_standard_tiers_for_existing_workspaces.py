"""Give every workspace that has no tier the four standard ones (weekly team status, biweekly
stakeholder check-in, monthly milestone review, steering committee).

Workspaces made after the cadence app existed got them when they were created (the
``workspace_created`` receiver); those made before had none. The tiers are written by the same
function as for a new workspace, with the historical model. Going back keeps them: by then they
may carry meetings, actions and packs.
"""

from typing import Any

from django.db import migrations


def give_standard_tiers(apps: Any, schema_editor: Any) -> None:
    from leadline.cadence.defaults import ensure_default_tiers

    workspace_model = apps.get_model("workspaces", "Workspace")
    tier_model = apps.get_model("cadence", "CadenceTier")
    with_tiers = tier_model.objects.values("workspace_id")
    for workspace in workspace_model.objects.exclude(pk__in=with_tiers).order_by("pk"):
        ensure_default_tiers(workspace, tier_model=tier_model)


class Migration(migrations.Migration):
    dependencies = [
        ("cadence", "0001_initial"),
        ("workspaces", "0006_alter_stakeholderlink_purpose"),
    ]

    operations = [
        migrations.RunPython(give_standard_tiers, migrations.RunPython.noop, elidable=False),
    ]
