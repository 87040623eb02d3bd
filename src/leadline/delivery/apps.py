from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "leadline.delivery"
    label = "delivery"
    verbose_name = "Delivery data"

    def ready(self) -> None:
        from leadline.jobs.registry import register_worker_loop

        from . import jobs  # noqa: F401  (registers the import and sync job handlers)
        from .schedule import schedule_loop

        register_worker_loop(schedule_loop)  # scheduled connection syncs
