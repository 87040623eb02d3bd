from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "leadline.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"

    def ready(self) -> None:
        # Registers the outcomes' Radar rules (leadline.radar.registry) and Leadline's own
        # computed KPI sources (leadline.outcomes.sources), and the KPIs as before/after metrics.
        # The status pack sections milestones, benefits and scorecards (leadline.cadence).
        from . import impact_series, pack_sections, radar_rules, sources  # noqa: F401

        impact_series.register()  # the KPIs as metrics of the before/after analysis
