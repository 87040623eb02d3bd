from django.apps import AppConfig


class RaidConfig(AppConfig):
    name = "leadline.raid"
    label = "raid"
    verbose_name = "RAID log"
