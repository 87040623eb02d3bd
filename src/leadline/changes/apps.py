from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "leadline.changes"
    label = "changes"
    verbose_name = "Change requests"
