"""Change request pages, included under /w/<ws>/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("changes/", views.index, name="changes"),
    path("changes/<int:pk>/", views.detail, name="change"),
]
