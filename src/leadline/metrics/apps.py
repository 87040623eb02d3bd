from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "leadline.metrics"
    label = "metrics"
    verbose_name = "Flow, DORA and forecasts"
