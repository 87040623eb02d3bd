from django.apps import AppConfig


class ConcentrationConfig(AppConfig):
    name = "leadline.concentration"
    label = "concentration"
    verbose_name = "Key-person concentration"

    def ready(self) -> None:
        from leadline.radar.registry import register_rule_module

        from . import jobs  # noqa: F401  (registers the daily recompute with leadline.jobs)

        register_rule_module("leadline.concentration.radar_rules")
