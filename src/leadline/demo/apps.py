from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "leadline.demo"
    label = "demo"
    verbose_name = "Demo workspace"

    def ready(self) -> None:
        from leadline.jobs.registry import register_startable

        from . import jobs  # noqa: F401  (registers the demo.refresh handler)
        from .builder import DEMO_SLUG

        register_startable(
            "demo.refresh", "Rebuild the demo data", lambda workspace: workspace.slug == DEMO_SLUG
        )
