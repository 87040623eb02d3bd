"""Outcomes pages, included under /w/<ws>/ (the Outcomes area)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("outcomes/", views.scorecards, name="outcomes"),
    path("outcomes/kpis/<int:pk>/", views.kpi_page, name="outcomes-kpi"),
    path("outcomes/benefits/", views.benefits, name="outcomes-benefits"),
]
