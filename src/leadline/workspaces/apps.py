from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "leadline.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"
