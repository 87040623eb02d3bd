from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "leadline.alignment"
    label = "alignment"
    verbose_name = "Alignment checks"

    def ready(self) -> None:
        from datetime import timedelta

        from leadline.jobs.registry import register_periodic

        # Registers the reminder job handler with the job runner, and the Radar rules.
        from . import jobs, radar_rules  # noqa: F401

        register_periodic(
            "alignment.remind",
            "Remind people who have not answered an alignment check closing soon",
            timedelta(days=1),
        )
