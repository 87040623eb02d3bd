"""Pulse pages, included under /w/<ws>/: they live in the People area (people/pulses/)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("people/pulses/", views.pulses, name="pulses"),
    path("people/pulses/<int:pk>/", views.pulse, name="pulse"),
    path("people/pulses/<int:pk>/results.csv", views.pulse_csv, name="pulse-csv"),
    path("people/pulses/answer/<str:token>/", views.answer, name="pulse-answer"),
]
