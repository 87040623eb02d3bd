from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "leadline.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from .storable import refuse_unstorable

        pre_save.connect(refuse_unstorable, dispatch_uid="leadline-refuse-unstorable")
