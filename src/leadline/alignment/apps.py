from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "leadline.alignment"
    label = "alignment"
    verbose_name = "Alignment checks"

    def ready(self) -> None:
        from datetime import timedelta

        from leadline.jobs.registry import register_periodic
        from leadline.radar.registry import register_rule_module
        from leadline.web.today import register_source_module

        from . import jobs  # noqa: F401  (registers the reminder job handler)

        register_rule_module("leadline.alignment.radar_rules")

        register_source_module("leadline.alignment.today")  # answers and checks needing someone
        register_periodic(
            "alignment.remind",
            "Remind people who have not answered an alignment check closing soon",
            timedelta(days=1),
        )
        register_periodic(
            "alignment.repeat",
            "Send the alignment checks that repeat on a schedule when they are due",
            timedelta(hours=1),
        )
