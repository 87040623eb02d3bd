from django.apps import AppConfig


class ClausesConfig(AppConfig):
    name = "leadline.clauses"
    label = "clauses"
    verbose_name = "Agreement clauses checked against the data"

    def ready(self) -> None:
        from leadline.radar.registry import register_rule_module

        # The built-in check kinds (decision latency, WIP per person, blocked time) register
        # themselves on import; the Radar rule for broken clauses when the rules are read.
        from . import kinds  # noqa: F401

        register_rule_module("leadline.clauses.radar_rules")
