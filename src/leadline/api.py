"""The JSON API under /api/v1/: mounts each app's router; OpenAPI at /api/v1/openapi.json.

Every call is authenticated, by a personal token (``Authorization: Bearer <token>``) or by the
browser session (with CSRF on writes). Workspace checks are the same services the pages use.
Every error answers ``{"detail": "...", "errors": {"field": ["message", ...]}}`` (``errors``
only for invalid input), and the OpenAPI description declares them on every operation.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from pydantic import BaseModel, Field

from leadline import __version__
from leadline.workspaces.services import user_for_token


class TokenAuth(HttpBearer):
    """Personal API tokens; an unknown or revoked token is a 401.

    A request that carries an ``Authorization`` header is judged by it alone: a wrong, revoked
    or malformed token is a 401 naming the token, never a fall back to the session (whose CSRF
    check would answer a confusing "CSRF check failed").
    """

    def __call__(self, request: HttpRequest) -> Any:
        if "HTTP_AUTHORIZATION" not in request.META:
            return None
        user = super().__call__(request)
        if not user:
            raise AuthenticationError(
                message="The API token is unknown, revoked or malformed "
                "(send Authorization: Bearer <token>)."
            )
        return user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class ErrorOut(BaseModel):
    """Every error answer of the API."""

    detail: str = Field(description="What went wrong, in a sentence.")
    errors: dict[str, list[str]] | None = Field(
        default=None,
        description="Only for invalid input (422): per field or parameter, what is wrong with it.",
    )


ERRORS = {
    "400": "The body is not valid JSON.",
    "401": "No credentials, or an unknown, revoked or malformed API token.",
    "403": "Your role in the workspace does not allow this (or the session's CSRF check failed).",
    "404": "No such workspace (or you are not a member), or no such record in it.",
    "409": "The change conflicts with a record already stored (e.g. a key already in use).",
    "422": "Invalid input: a field or parameter is missing, of the wrong type, out of its "
    "range or too long; ``errors`` names each one.",
}


class StrictParser(Parser):
    """A query or form parameter declared once takes one value: ``?status=a&status=b`` is a
    422 naming ``status``, not a silent choice of the last one (the same value twice is fine)."""

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        errors = [
            {"loc": ("query", key), "msg": f"Give {key} one value (it came with {len(set(values))}).",
             "type": "value_error"}
            for key, values in data.lists()
            if key not in list_fields and len(set(values)) > 1
        ]  # fmt: skip
        if errors:
            raise NinjaValidationError(errors)
        return super().parse_querydict(data, list_fields, request)


class LeadlineAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Return the OpenAPI description with the error answers declared on every operation."""
        schema = super().get_openapi_schema(**kwargs)
        ref = "#/components/schemas/Error"
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = (
            ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        )
        for methods in schema["paths"].values():
            for operation in methods.values():
                public = operation.get("security") == [] or "security" not in operation
                for code, text in ERRORS.items():
                    if public and code in ("401", "403"):
                        continue
                    operation["responses"].setdefault(
                        code,
                        {
                            "description": text,
                            "content": {"application/json": {"schema": {"$ref": ref}}},
                        },
                    )
        return schema


api = LeadlineAPI(
    title="Leadline API",
    version="1",
    description=(
        "Leadline's JSON API. Authenticate with a personal token "
        "(`Authorization: Bearer <token>`, created on the API tokens page or with "
        "`leadline token create USERNAME`). Every page in the web app has a JSON twin here. "
        'Errors answer `{"detail": "…", "errors": {"field": ["…"]}}`: 401 for a missing, '
        "unknown or revoked token, 403 for too low a role, 404 for a workspace you are not a "
        "member of or a record not in it, 409 for a conflict with a stored record, 422 for "
        "invalid input (naming each field). Limits on numbers, dates and text are stated on "
        "each field."
    ),
    auth=[TokenAuth(), SessionAuth()],
    parser=StrictParser(),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def _invalid(request: HttpRequest, errors: dict[str, list[str]]) -> HttpResponse:
    return api.create_response(request, {"detail": "Invalid input", "errors": errors}, status=422)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _invalid(request, errors)


def field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    """Return the field a pydantic error location names: ("body", "payload", "title") → "title"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        where, parts = parts[0], parts[1:]
        if where == "body" and parts and parts[0] in ("payload", "body"):
            parts = parts[1:]
        if not parts:
            parts = [where]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def invalid_params(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = str(error.get("msg", "Invalid value")).removeprefix("Value error, ")
        errors.setdefault(field_name(error.get("loc", ())), []).append(message)
    return _invalid(request, errors)


@api.exception_handler(IntegrityError)
def conflict(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # The services check uniqueness first and name the field; this answers a race between two
    # requests, without the database's own wording.
    return api.create_response(
        request,
        {"detail": "That conflicts with a record already stored (a value that must be unique "
                   "is taken); reload and try again."},
        status=409,
    )  # fmt: skip


@api.get("/version", auth=None, tags=["meta"])
def version(request: HttpRequest) -> dict[str, str]:
    """Return the server's Leadline version."""
    return {"version": __version__}


def mount() -> None:
    """Attach every app's router (called once from urls.py)."""
    from leadline.agreements.api import router as agreements_router
    from leadline.alignment.api import router as alignment_router
    from leadline.cadence.api import router as cadence_router
    from leadline.changes.api import router as changes_router
    from leadline.clauses.api import router as clauses_router
    from leadline.competency.api import router as competency_router
    from leadline.concentration.api import router as concentration_router
    from leadline.dashboards.api import router as metrics_router
    from leadline.decisions.api import router as decisions_router
    from leadline.delivery.api import router as delivery_router
    from leadline.impact.api import router as impact_router
    from leadline.jobs.api import router as jobs_router
    from leadline.notify.api import router as notify_router
    from leadline.outcomes.api import router as outcomes_router
    from leadline.pulse.api import router as pulse_router
    from leadline.radar.api import router as radar_router
    from leadline.raid.api import router as raid_router
    from leadline.retro.api import router as retro_router
    from leadline.web.api import router as home_router
    from leadline.workspaces.api import router as workspaces_router

    api.add_router("/", workspaces_router)
    api.add_router("/", jobs_router)
    # The governance apps, in the order their routes were listed before the split.
    for router in (agreements_router, changes_router, decisions_router, raid_router, notify_router):
        api.add_router("/", router)
    api.add_router("/", delivery_router)
    api.add_router("/", metrics_router)
    api.add_router("/", alignment_router)
    api.add_router("/", clauses_router)
    api.add_router("/", home_router)
    api.add_router("/", radar_router)
    api.add_router("/", pulse_router)
    api.add_router("/", retro_router)
    api.add_router("/", impact_router)
    api.add_router("/", outcomes_router)
    api.add_router("/", concentration_router)
    api.add_router("/", competency_router)
    api.add_router("/", cadence_router)
