"""Checked agreement clauses, included under /w/<ws>/."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("agreements/<int:pk>/clauses/", views.agreement_clauses, name="agreement-clauses"),
]
