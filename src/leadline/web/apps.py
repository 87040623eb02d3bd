from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "leadline.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from leadline.filemodes import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="leadline-private-sqlite")

        from django.db.models.signals import pre_save

        from .storable import refuse_unstorable

        pre_save.connect(refuse_unstorable, dispatch_uid="leadline-refuse-unstorable")
