"""The JSON API under /api/v1/: mounts each app's router; OpenAPI at /api/v1/openapi.json.

Every call is authenticated, by a personal token (``Authorization: Bearer <token>``) or by the
browser session (with CSRF on writes). Workspace checks are the same services the pages use.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from leadline import __version__
from leadline.workspaces.services import user_for_token


class TokenAuth(HttpBearer):
    """Personal API tokens; an unknown or revoked token is a 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Leadline API",
    version="1",
    description=(
        "Leadline's JSON API. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`, created on the API tokens page or with "
        "`leadline token create USERNAME`). Every page in the web app has a JSON twin here."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": "Invalid input", "errors": errors}, status=422)


@api.get("/version", auth=None, tags=["meta"])
def version(request: HttpRequest) -> dict[str, str]:
    """Return the server's Leadline version."""
    return {"version": __version__}


def mount() -> None:
    """Attach every app's router (called once from urls.py)."""
    from leadline.delivery.api import router as delivery_router
    from leadline.governance.api import router as governance_router
    from leadline.jobs.api import router as jobs_router
    from leadline.metrics.api import router as metrics_router
    from leadline.web.api import router as home_router
    from leadline.workspaces.api import router as workspaces_router

    api.add_router("/", workspaces_router)
    api.add_router("/", jobs_router)
    api.add_router("/", governance_router)
    api.add_router("/", delivery_router)
    api.add_router("/", metrics_router)
    api.add_router("/", home_router)
