from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "leadline.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from leadline.filemodes import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="leadline-private-sqlite")
