from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "leadline.dashboards"
    label = "dashboards"
    verbose_name = "Flow, DORA and forecasts"
