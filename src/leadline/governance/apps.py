from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "leadline.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Registers the escalation and digest job handlers with the job runner.
        from . import jobs  # noqa: F401
