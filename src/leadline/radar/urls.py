"""Radar pages, included under /w/<ws>/ (the page keeps the navigation area's name, radar)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("radar/", views.radar, name="radar"),
    path("radar/rules/", views.rules_page, name="radar-rules"),
    path("radar/<int:pk>/", views.finding, name="radar-finding"),
]
