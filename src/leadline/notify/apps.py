from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "leadline.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from datetime import timedelta

        from leadline.jobs.registry import register_periodic

        # Registers the escalation and digest job handlers with the job runner.
        from . import jobs  # noqa: F401

        register_periodic(
            "governance.escalate", "Escalate overdue RAID items and decisions", timedelta(hours=1)
        )
        register_periodic("governance.digest", "Send the daily digest", timedelta(days=1))

        from leadline.web.today import register_source_module

        register_source_module("leadline.notify.today")  # alerts, decisions, dates passed
