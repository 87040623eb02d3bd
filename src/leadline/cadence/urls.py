"""Cadence pages, included under /w/<ws>/; they replace the area's empty state."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("cadence/", views.index, name="cadence"),
    path("cadence/<int:pk>/", views.tier_page, name="cadence-tier"),
    path("cadence/<int:pk>/meetings/<str:start>/", views.meeting, name="cadence-meeting"),
    path(
        "cadence/<int:pk>/meetings/<str:start>.ics", views.meeting_ics, name="cadence-meeting-ics"
    ),
    path("cadence/packs/<int:pk>/", views.pack_page, name="cadence-pack"),
    path("cadence/read/<str:token>/", views.pack_link, name="cadence-pack-link"),
    path("cadence/calendar/<str:token>/", views.feed, name="cadence-feed"),
]
