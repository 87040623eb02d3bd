"""Concentration pages, included under /w/<ws>/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("concentration/", views.index, name="concentration"),
    path("concentration/area/", views.area, name="concentration-area"),
    path("concentration/leaves/", views.leaves, name="concentration-leaves"),
]
