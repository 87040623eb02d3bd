from django.apps import AppConfig


class PulseConfig(AppConfig):
    name = "leadline.pulse"
    label = "pulse"
    verbose_name = "Pulses"

    def ready(self) -> None:
        from leadline.radar.registry import register_rule_module

        # Registers the pulse job handlers and the daily schedule (leadline.jobs).
        from . import jobs  # noqa: F401

        register_rule_module("leadline.pulse.radar_rules")
