from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "leadline.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
