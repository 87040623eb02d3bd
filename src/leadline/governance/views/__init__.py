"""Governance pages: thin over the services in the package's modules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from leadline.web.labels import error_lines
from leadline.workspaces.services import Access

from ..notify import unread_count


def report(request: HttpRequest, exc: ValidationError) -> None:
    """Show a service's validation errors as messages, each field named in words."""
    for line in error_lines(exc):
        messages.error(request, line)


def page(
    request: HttpRequest, access: Access, template: str, tab: str, **context: Any
) -> HttpResponse:
    """Render a governance page with its tab strip and the unread-notification count."""
    context.update(tab=tab, unread=unread_count(request.user, access.workspace))
    return render(request, f"governance/{template}", context)
