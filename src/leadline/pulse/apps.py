from django.apps import AppConfig


class PulseConfig(AppConfig):
    name = "leadline.pulse"
    label = "pulse"
    verbose_name = "Pulses"

    def ready(self) -> None:
        # Registers the pulse job handlers and the daily schedule (leadline.jobs), and the
        # pulses' Radar rules (leadline.radar.registry).
        from . import jobs, radar_rules  # noqa: F401
