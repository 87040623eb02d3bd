from django.apps import AppConfig


class RetroConfig(AppConfig):
    name = "leadline.retro"
    label = "retro"
    verbose_name = "Retrospectives"

    def ready(self) -> None:
        from leadline.radar.registry import register_rule_module
        from leadline.web.today import register_source_module

        register_rule_module("leadline.retro.radar_rules")
        register_source_module("leadline.retro.today")  # retro actions past their due date
