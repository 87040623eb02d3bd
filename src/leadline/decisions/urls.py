"""Decision pages, included under /w/<ws>/ (the log keeps the name decisions)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("decisions/", views.log, name="decisions"),
    path("decisions/<int:pk>/", views.detail, name="decision"),
    path("decisions/who-decides/", views.who_decides, name="who-decides"),
    path("decisions/framework/", views.framework, name="decision-framework"),
    path("decisions/input/<str:token>/", views.input_link, name="decision-input-link"),
]
