from django.apps import AppConfig


class ConcentrationConfig(AppConfig):
    name = "leadline.concentration"
    label = "concentration"
    verbose_name = "Key-person concentration"

    def ready(self) -> None:
        # Registers the daily recompute (leadline.jobs) and the concentration Radar rules
        # (leadline.radar.registry).
        from . import jobs, radar_rules  # noqa: F401
