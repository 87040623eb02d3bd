"""Governance pages: thin over the services in the package's modules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from leadline.workspaces.services import Access

from ..notify import unread_count


def report(request: HttpRequest, exc: ValidationError) -> None:
    """Show a service's validation errors as messages."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for e in errors:
                messages.error(request, f"{field}: {e}" if field != "__all__" else e)
    else:
        messages.error(request, "; ".join(exc.messages))


def page(
    request: HttpRequest, access: Access, template: str, tab: str, **context: Any
) -> HttpResponse:
    """Render a governance page with its tab strip and the unread-notification count."""
    context.update(tab=tab, unread=unread_count(request.user, access.workspace))
    return render(request, f"governance/{template}", context)
