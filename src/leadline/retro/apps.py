from django.apps import AppConfig


class RetroConfig(AppConfig):
    name = "leadline.retro"
    label = "retro"
    verbose_name = "Retrospectives"
