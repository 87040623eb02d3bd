"""Delivery data pages: imports, connections, workflow mapping, data quality."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("delivery/data/", views.delivery_data, name="delivery-data"),
    path("delivery/data/templates/<slug:kind>.csv", views.csv_template, name="delivery-template"),
    path("delivery/data/connections/new/", views.connection_new, name="connection-new"),
    path("delivery/data/connections/<int:pk>/", views.connection_detail, name="connection"),
    path("delivery/data/connections/<int:pk>/sync/", views.connection_sync, name="connection-sync"),
    path(
        "delivery/data/connections/<int:pk>/delete/",
        views.connection_delete,
        name="connection-delete",
    ),
    path("delivery/workflow/", views.workflow, name="workflow"),
    path("delivery/workflow/jam/", views.workflow_jam, name="workflow-jam"),
    path("delivery/workflow/<int:pk>/", views.workflow_mapping, name="workflow-mapping"),
    path("delivery/quality/", views.quality, name="quality"),
    path("delivery/quality.json", views.quality_json, name="quality-json"),
]
