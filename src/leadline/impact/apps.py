from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "leadline.impact"
    label = "impact"
    verbose_name = "Before/after analysis"

    def ready(self) -> None:
        # The built-in metric series; other apps add theirs with leadline.impact.series.register
        # (or register_family for keys such as kpi:<id>) from their own ready().
        from . import builtin_series  # noqa: F401
