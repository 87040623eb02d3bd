"""Competency pages, included under /w/<ws>/: they live in the People area (people/competency/)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("people/competency/", views.home, name="competency"),
    path("people/competency/model/", views.model_page, name="competency-model"),
    path("people/competency/<int:pk>/", views.assessment, name="competency-assessment"),
    path("people/competency/<int:pk>/rate/", views.rate, name="competency-rate"),
]
