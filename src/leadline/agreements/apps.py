from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "leadline.agreements"
    label = "agreements"
    verbose_name = "Working agreements"
