"""Dashboard pages: flow, DORA, forecasts, portfolio."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("delivery/", views.flow_page, name="delivery"),
    path("delivery/dora/", views.dora_page, name="dora"),
    path("delivery/portfolio/", views.portfolio_page, name="portfolio"),
    path("forecasts/", views.forecast_page, name="forecasts"),
]
