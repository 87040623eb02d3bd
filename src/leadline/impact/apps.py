from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "leadline.impact"
    label = "impact"
    verbose_name = "Before/after analysis"

    def ready(self) -> None:
        from .series import register_series_module

        # The built-in metric series; other apps add theirs with leadline.impact.series.register
        # (or register_family for keys such as kpi:<id>) in a module named the same way.
        register_series_module("leadline.impact.builtin_series")
