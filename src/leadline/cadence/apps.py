from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "leadline.cadence"
    label = "cadence"
    verbose_name = "Cadence"

    def ready(self) -> None:
        from leadline.web.today import register_source_module
        from leadline.workspaces.signals import workspace_created

        # The pack sections built from the other apps' services, the Radar rules, and the
        # clause check "status shared weekly" (leadline.clauses.registry).
        from . import clause_checks, radar_rules, section_builders  # noqa: F401
        from .defaults import on_workspace_created

        workspace_created.connect(on_workspace_created, dispatch_uid="cadence-default-tiers")
        # The home page's checkpoints, packs waiting to be published and meeting actions.
        register_source_module("leadline.cadence.today")
