from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "leadline.metrics"
    label = "metrics"
    verbose_name = "Flow, DORA and forecasts"

    def ready(self) -> None:
        from leadline.web.today import register_source_module

        register_source_module("leadline.metrics.today")  # work aging past its team's norm
