"""Alignment-check pages, included under /w/<ws>/; they replace the area's empty state."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("alignment/", views.index, name="alignment"),
    path("alignment/<int:pk>/", views.detail, name="alignment-check"),
    path("alignment/<int:pk>/results/", views.results, name="alignment-results"),
    path("alignment/series/<int:pk>/", views.series_page, name="alignment-series"),
    path("alignment/answer/<str:token>/", views.respond, name="alignment-link"),
]
