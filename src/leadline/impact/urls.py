"""Before/after pages, included under /w/<ws>/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("before-after/", views.before_after, name="before-after"),
]
