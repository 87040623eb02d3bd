from django.apps import AppConfig


class CompetencyConfig(AppConfig):
    name = "leadline.competency"
    label = "competency"
    verbose_name = "Competency self-assessment"

    def ready(self) -> None:
        from . import jobs  # noqa: F401  (registers the plan's review reminders)
