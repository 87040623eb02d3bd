"""The app's URLs plus a view that fails, to see the 500 page (pytest.mark.urls)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from leadline.urls import handler403, handler404, handler500  # noqa: F401 - Django reads these
from leadline.urls import urlpatterns as app_urls


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("internal detail that must not reach the page")


urlpatterns = [path("boom/", boom), *app_urls]
