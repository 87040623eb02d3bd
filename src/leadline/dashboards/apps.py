from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "leadline.dashboards"
    label = "dashboards"
    verbose_name = "Flow, DORA and forecasts"

    def ready(self) -> None:
        from leadline.web.today import register_source_module

        register_source_module("leadline.dashboards.today")  # work aging past its team's norm
