"""What can go wrong reading a source over HTTP, as exceptions whose messages say it in words.

:class:`leadline.connectors.http.HttpClient` raises these (and they are importable from there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # httpx is imported where a request is made, not by every reader of a file
    import httpx


def json_kind(value: Any) -> str:
    """Name a decoded JSON value's kind as JSON does ("an object", not "dict")."""
    kinds = {dict: "an object", list: "a list", str: "a string", bool: "true or false",
             int: "a number", float: "a number", type(None): "null"}  # fmt: skip
    return kinds.get(type(value), "something else")


def network_problem(error: httpx.TransportError) -> str:
    """Say in words what failed on the network (the exception class names no one)."""
    import httpx

    if isinstance(error, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(error, httpx.ProxyError):
        return "the proxy refused the connection"
    if isinstance(error, httpx.ConnectError):
        return "no connection: the host is unknown, refused it or cannot be reached"
    return "the connection broke off"


class SourceError(Exception):
    """A source could not be read; the message says what happened, where, and what to check."""

    def __init__(self, message: str, *, url: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class CredentialsRejected(SourceError):
    """HTTP 401: the source did not accept the credentials."""


class Forbidden(SourceError):
    """HTTP 403 that is not a rate limit: the credentials lack a permission."""


class NotFound(SourceError):
    """HTTP 404: the project, repository or URL does not exist (or is hidden from the token)."""


class BadRequest(SourceError):
    """HTTP 400/422: the source refused the query (a bad JQL, an unknown field...)."""


class RateLimited(SourceError):
    """HTTP 429, or a 403 that is a rate limit, still limited after every retry."""

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url, status=status)
        self.retry_after = retry_after


class ServerError(SourceError):
    """HTTP 5xx, still failing after every retry."""

    def __init__(
        self,
        message: str,
        *,
        url: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url, status=status)
        self.retry_after = retry_after


class SourceUnreachable(SourceError):
    """The network failed (DNS, refused connection, timeout), still after every retry."""

    retry_after: float | None = None


class MalformedResponse(SourceError):
    """The source answered, but not with the JSON (or the shape) that was expected."""


class Refused(SourceError):
    """The outbound policy refused the URL or an address it resolves to (never retried)."""


_RETRYABLE = (RateLimited, ServerError, SourceUnreachable)
