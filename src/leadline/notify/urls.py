"""Alerts and notification pages, included under /w/<ws>/ (alerts live beside the RAID log)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("raid/alerts/", views.alerts, name="governance-alerts"),
    path("notifications/", views.index, name="notifications"),
    path("notifications/channels/", views.channels, name="notification-channels"),
]
