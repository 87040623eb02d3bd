from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """What the governance apps share: the settings row, the tab strip and Settings →
    Thresholds. The label keeps the migration history of the models that moved out."""

    name = "leadline.governance"
    label = "governance"
    verbose_name = "Governance"
