"""Retrospective pages, included under /w/<ws>/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("retros/", views.retro_list, name="retros"),
    path("retros/themes/", views.theme_list, name="retro-themes"),
    path("retros/actions/<int:pk>/", views.action_close, name="retro-action"),
    path("retros/<int:pk>/", views.board, name="retro-board"),
    path("retros/<int:pk>/live/", views.board_live, name="retro-live"),
]
