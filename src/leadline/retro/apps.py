from django.apps import AppConfig


class RetroConfig(AppConfig):
    name = "leadline.retro"
    label = "retro"
    verbose_name = "Retrospectives"

    def ready(self) -> None:
        from leadline.web.today import register_source_module

        from . import radar_rules  # noqa: F401  (registers the retros' Radar rules)

        register_source_module("leadline.retro.today")  # retro actions past their due date
