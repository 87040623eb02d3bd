"""Governance URLs, included under /w/<ws>/ (the landing pages keep the names raid, decisions)."""

from __future__ import annotations

from django.urls import path

from .views import agreements, changes, decisions, notifications, raid

urlpatterns = [
    path("raid/", raid.register, name="raid"),
    path("raid/new/", raid.new_item, name="raid-new"),
    path("raid/<int:pk>/", raid.item_detail, name="raid-item"),
    path("raid/dependencies/", raid.dependencies, name="raid-dependencies"),
    path("raid/import/", raid.import_csv, name="raid-import"),
    path("raid/export.csv", raid.export_csv, name="raid-export"),
    path("raid/alerts/", raid.alerts, name="governance-alerts"),
    path("decisions/", decisions.log, name="decisions"),
    path("decisions/<int:pk>/", decisions.detail, name="decision"),
    path("decisions/who-decides/", decisions.who_decides, name="who-decides"),
    path("decisions/framework/", decisions.framework, name="decision-framework"),
    path("agreements/", agreements.index, name="agreements"),
    path("agreements/<int:pk>/", agreements.detail, name="agreement"),
    path("agreements/<int:pk>/diff/", agreements.diff, name="agreement-diff"),
    path("agreements/link/<str:token>/", agreements.stakeholder_link, name="agreement-link"),
    path("changes/", changes.index, name="changes"),
    path("changes/<int:pk>/", changes.detail, name="change"),
    path("notifications/", notifications.index, name="notifications"),
    path("notifications/channels/", notifications.channels, name="notification-channels"),
]
