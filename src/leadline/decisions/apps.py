from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "leadline.decisions"
    label = "decisions"
    verbose_name = "Decisions"
