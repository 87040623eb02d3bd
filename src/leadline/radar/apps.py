from django.apps import AppConfig


class RadarConfig(AppConfig):
    name = "leadline.radar"
    label = "radar"
    verbose_name = "Radar"

    def ready(self) -> None:
        # Importing the rule modules registers the rules (leadline.radar.registry).
        from . import rules  # noqa: F401
