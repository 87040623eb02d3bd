"""Outcomes pages, included under /w/<ws>/ (the Outcomes area)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("outcomes/", views.scorecards, name="outcomes"),
    path("outcomes/kpis/<int:pk>/", views.kpi_page, name="outcomes-kpi"),
    path("outcomes/benefits/", views.benefits, name="outcomes-benefits"),
    path("outcomes/benefits/<int:pk>/", views.benefit_page, name="outcomes-benefit"),
    path(
        "outcomes/benefits/<int:pk>/delete/", views.benefit_delete, name="outcomes-benefit-delete"
    ),
    path("outcomes/milestones/<int:pk>/", views.milestone_page, name="outcomes-milestone"),
    path(
        "outcomes/milestones/<int:pk>/delete/",
        views.milestone_delete,
        name="outcomes-milestone-delete",
    ),
]
