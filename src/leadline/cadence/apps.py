from django.apps import AppConfig


class CadenceConfig(AppConfig):
    name = "leadline.cadence"
    label = "cadence"
    verbose_name = "Cadence"

    def ready(self) -> None:
        from leadline.radar.registry import register_rule_module
        from leadline.web.today import register_source_module
        from leadline.workspaces.signals import workspace_created

        # The clause check "status shared weekly" (leadline.clauses.registry).
        from . import clause_checks  # noqa: F401
        from .defaults import on_workspace_created
        from .sections import register_section_module

        # Imported when read: the pack sections built from the other apps' services, the rules.
        register_section_module("leadline.cadence.section_builders")
        register_rule_module("leadline.cadence.radar_rules")

        workspace_created.connect(on_workspace_created, dispatch_uid="cadence-default-tiers")
        # The home page's checkpoints, packs waiting to be published and meeting actions.
        register_source_module("leadline.cadence.today")
