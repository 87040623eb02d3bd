"""Working agreement pages, included under /w/<ws>/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("agreements/", views.index, name="agreements"),
    path("agreements/<int:pk>/", views.detail, name="agreement"),
    path("agreements/<int:pk>/diff/", views.diff, name="agreement-diff"),
    path("agreements/link/<str:token>/", views.stakeholder_link, name="agreement-link"),
]
