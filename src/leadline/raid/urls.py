"""RAID pages, included under /w/<ws>/ (the register keeps the name raid)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("raid/", views.register, name="raid"),
    path("raid/new/", views.new_item, name="raid-new"),
    path("raid/<int:pk>/", views.item_detail, name="raid-item"),
    path("raid/dependencies/", views.dependencies, name="raid-dependencies"),
    path("raid/import/", views.import_csv, name="raid-import"),
    path("raid/export.csv", views.export_csv, name="raid-export"),
]
