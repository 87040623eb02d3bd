from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "leadline.clauses"
    label = "clauses"
    verbose_name = "Agreement clauses checked against the data"

    def ready(self) -> None:
        # The built-in check kinds (decision latency, WIP per person, blocked time) and the
        # Radar rule for broken clauses register themselves on import.
        from . import kinds, radar_rules  # noqa: F401
