from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "leadline.delivery"
    label = "delivery"
    verbose_name = "Delivery data"
