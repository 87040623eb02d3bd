from django.apps import AppConfig


class RadarConfig(AppConfig):
    name = "leadline.radar"
    label = "radar"
    verbose_name = "Radar"

    def ready(self) -> None:
        from datetime import timedelta

        from leadline.jobs.registry import (
            register_follow_up,
            register_periodic,
            register_startable,
        )
        from leadline.notify.sections import register_digest_section
        from leadline.web.today import register_source_module

        from .registry import register_rule_module

        # The Radar's own rules, imported when the rules are first read.
        register_rule_module("leadline.radar.rules")
        from .jobs import AFTER, KIND, after_import  # registers the radar.run handler

        register_periodic(KIND, "Run the Radar in every workspace", timedelta(hours=1))
        register_startable(KIND, "Run the Radar", lambda workspace: True)
        for kind in AFTER:
            register_follow_up(kind, after_import)
        register_digest_section("radar", "leadline.radar.notices.digest_lines")
        register_source_module("leadline.radar.today")  # open high and medium findings
