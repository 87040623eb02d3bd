from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "leadline.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        from leadline.cadence.sections import register_section_module
        from leadline.impact.series import register_series_module
        from leadline.radar.registry import register_rule_module

        # Leadline's own computed KPI sources (leadline.outcomes.sources).
        from . import sources  # noqa: F401

        # Imported when each registry is first read: the outcomes' Radar rules, the KPIs as
        # before/after metrics, the status pack sections milestones, benefits and scorecards.
        register_rule_module("leadline.outcomes.radar_rules")
        register_series_module("leadline.outcomes.impact_series")
        register_section_module("leadline.outcomes.pack_sections")
