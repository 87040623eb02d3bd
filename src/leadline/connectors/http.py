"""The one place outbound HTTP goes through: retries, rate limits, pagination, clear errors.

Every connector builds an :class:`HttpClient`; tests pass an ``httpx.MockTransport`` that replays
recorded responses (to the client, or to every client built inside :func:`replaying`, for code
that builds its clients itself, such as a sync job), so this module is the only network edge. Error messages and logs name the
URL (with its query) but never a credential: every header value that carries one, and every query
parameter whose name looks like one, is redacted before it reaches a message or a log line.

Every request, redirects included, goes through ``leadline.connectors.outbound``: https to public
addresses only, unless the owner allowed the host; the socket's address is checked again when it
connects. An error never quotes the body of a failed response (what a service on the network
answered is not Leadline's to show): it gives the status and a reason in the user's terms.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)
from tenacity.stop import stop_base

from leadline.connectors import outbound
from leadline.connectors.errors import (  # the client raises these: importable from here too
    _RETRYABLE,
    BadRequest,
    CredentialsRejected,
    Forbidden,
    MalformedResponse,
    NotFound,
    RateLimited,
    Refused,
    ServerError,
    SourceError,
    SourceUnreachable,
    json_kind,
    network_problem,
)

logger = logging.getLogger(__name__)
# httpx logs every request URL at INFO, query string included: a token passed as a query
# parameter would end up in the logs. Our own log lines carry redacted URLs instead.
logging.getLogger("httpx").setLevel(logging.WARNING)

Params = Mapping[str, str | int | float | bool | None] | None

_SECRET_HEADERS = {"authorization", "private-token", "job-token", "x-api-key", "cookie"}
_SECRET_PARAM = re.compile(r"token|key|secret|password|passwd|signature|sig|auth", re.I)
_REDACTED = "[REDACTED]"
_SECONDARY_LIMIT = re.compile(r"secondary rate limit|abuse detection|rate limit exceeded", re.I)

__all__ = [
    "BadRequest",
    "CredentialsRejected",
    "Forbidden",
    "HttpClient",
    "MalformedResponse",
    "NotFound",
    "Page",
    "RateLimited",
    "Refused",
    "ServerError",
    "SourceError",
    "SourceUnreachable",
    "basic_auth_headers",
    "bearer_auth_headers",
    "json_kind",
    "network_problem",
    "replaying",
]


def basic_auth_headers(user: str, token: str) -> dict[str, str]:
    """Return an Authorization header for HTTP basic auth (Jira Cloud: email + API token)."""
    raw = base64.b64encode(f"{user}:{token}".encode()).decode("ascii")
    return {"Authorization": f"Basic {raw}"}


def bearer_auth_headers(token: str) -> dict[str, str]:
    """Return an Authorization header for a bearer token (Jira Data Center PAT, GitLab...)."""
    return {"Authorization": f"Bearer {token}"}


def _secrets_in_headers(headers: Mapping[str, str]) -> set[str]:
    """Collect every credential a header set carries, decoded forms included."""
    found: set[str] = set()
    for name, value in headers.items():
        if name.lower() not in _SECRET_HEADERS or not value:
            continue
        found.add(value)
        scheme, _, rest = value.partition(" ")
        if rest:
            found.add(rest)
            if scheme.lower() == "basic":
                try:
                    decoded = base64.b64decode(rest, validate=True).decode()
                except (binascii.Error, UnicodeDecodeError):
                    continue
                found.add(decoded)
                found.add(decoded.partition(":")[2])
    return {s for s in found if len(s) >= 4}


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a paginated response: its parsed JSON and the URL it came from."""

    data: Any
    url: str
    response: httpx.Response


class stop_when(stop_base):  # noqa: N801 - reads like tenacity's own stop_* helpers
    """Stop retrying when a predicate over the retry state says so."""

    def __init__(self, predicate: Callable[[RetryCallState], bool]) -> None:
        self.predicate = predicate

    def __call__(self, retry_state: RetryCallState) -> bool:
        return self.predicate(retry_state)


_replay_transport: httpx.BaseTransport | None = None


@contextmanager
def replaying(transport: httpx.BaseTransport) -> Iterator[None]:
    """Answer every HttpClient built inside the block from ``transport`` (recorded responses).

    Only for tests: it is the one place where a sync job's outbound calls can be replayed.
    """
    global _replay_transport
    previous, _replay_transport = _replay_transport, transport
    try:
        yield
    finally:
        _replay_transport = previous


class HttpClient:
    """A JSON-over-HTTP client with retries, rate-limit handling and credential-safe errors."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        max_retries: int = 5,
        max_wait: float = 900.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        secrets: Iterable[str] = (),
        user_agent: str = "leadline",
        policy: outbound.Policy | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.policy = policy or outbound.policy()
        transport = transport or _replay_transport
        # Replayed responses open no socket and resolve no name: only the URL is checked then.
        self._resolve = transport is None
        all_headers = {"Accept": "application/json", "User-Agent": user_agent, **(headers or {})}
        self._secrets = sorted(
            _secrets_in_headers(all_headers) | {s for s in secrets if s}, key=len, reverse=True
        )
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=all_headers,
            transport=transport,
            timeout=timeout,
            follow_redirects=True,
            event_hooks={"request": [self._check_request]},
        )
        self._host = urlsplit(self.base_url).netloc
        self.max_retries = max_retries
        self.max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._resume_at: float | None = None

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API ---------------------------------------------------------------------------

    def get(self, path: str, params: Params = None) -> httpx.Response:
        """GET a path (or absolute URL on the same host); retry 429/5xx/network errors."""
        return self.request("GET", path, params=params)

    def get_json(self, path: str, params: Params = None) -> Any:
        """GET a path and return its parsed JSON; raise MalformedResponse naming the URL."""
        return self.parse_json(self.get(path, params))

    def post_json(self, path: str, body: Any = None, params: Params = None) -> Any:
        """POST a JSON body (GraphQL, Jira search) and return the parsed JSON answer."""
        return self.parse_json(self.request("POST", path, params=params, json_body=body))

    def iter_pages(self, path: str, params: Params = None) -> Iterator[Page]:
        """Yield each page, following ``Link: <...>; rel="next"`` until there is none."""
        response = self.get(path, params)
        while True:
            yield Page(self.parse_json(response), self.redact_url(str(response.url)), response)
            next_url = response.links.get("next", {}).get("url")
            if not next_url:
                return
            if urlsplit(next_url).netloc not in ("", self._host):
                # Never send the credentials to a host the user did not configure.
                raise SourceError(
                    f"GET {self.redact_url(str(response.url))}: the next-page link points to "
                    f"another host ({urlsplit(next_url).netloc}); refusing to follow it",
                    url=self.redact_url(str(response.url)),
                )
            response = self.get(next_url)

    def iter_items(self, path: str, params: Params = None, key: str | None = None) -> Iterator[Any]:
        """Yield the elements of every page's JSON list (or of ``page[key]``), page by page."""
        for page in self.iter_pages(path, params):
            items = page.data.get(key) if key and isinstance(page.data, dict) else page.data
            if not isinstance(items, list):
                raise MalformedResponse(
                    f"GET {page.url}: expected a JSON list"
                    + (f" under {key!r}" if key else "")
                    + f", got {json_kind(items)}",
                    url=page.url,
                )
            yield from items

    def request(
        self, method: str, path: str, *, params: Params = None, json_body: Any = None
    ) -> httpx.Response:
        """Send one request with retries; return the 2xx response or raise a SourceError."""
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        retrying = Retrying(
            retry=retry_if_exception_type(_RETRYABLE),
            stop=stop_after_attempt(self.max_retries + 1) | stop_when(self._stop_if_wait_too_long),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
            before_sleep=self._log_retry,
        )
        return retrying(self._send_once, method, path, clean, json_body)

    def redact(self, text: str) -> str:
        """Return text with every known credential replaced by a placeholder."""
        for secret in self._secrets:
            text = text.replace(secret, _REDACTED)
        return text

    def redact_url(self, url: str) -> str:
        """Return the URL with credential-like query values and known secrets removed."""
        parts = urlsplit(url)
        if parts.query:
            query = [
                (k, _REDACTED if _SECRET_PARAM.search(k) else v)
                for k, v in parse_qsl(parts.query, keep_blank_values=True)
            ]
            parts = parts._replace(query=urlencode(query, safe="[]/:,@"))
        if parts.password or parts.username:
            parts = parts._replace(netloc=parts.hostname or "")
        return self.redact(urlunsplit(parts))

    def parse_json(self, response: httpx.Response) -> Any:
        """Parse a response body as JSON; raise MalformedResponse naming the URL when it is not."""
        url = self.redact_url(str(response.url))
        if not response.content:
            return None
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            # What the body says is not quoted: it may be any service's page, not the source's.
            raise MalformedResponse(
                f"{response.request.method} {url}: the response is not valid JSON ({error.msg} "
                f"at position {error.pos}; content-type "
                f"{response.headers.get('content-type', 'missing')!r}); check the base URL"
                if isinstance(error, json.JSONDecodeError)
                else f"{response.request.method} {url}: the response is not valid UTF-8 JSON",
                url=url,
                status=response.status_code,
            ) from None

    # -- internals ----------------------------------------------------------------------------

    def _check_request(self, request: httpx.Request) -> None:
        """Apply the outbound policy to a request about to be sent (each redirect too)."""
        url = request.url
        self.policy.check_url(url.scheme, url.host)
        guard = outbound.active()
        if self._resolve and guard is not None:
            guard.admit(url.host, url.port or (443 if url.scheme == "https" else 80))

    def _send_once(
        self, method: str, path: str, params: dict[str, Any], json_body: Any
    ) -> httpx.Response:
        self._wait_for_quota()
        try:
            with outbound.guarded(self.policy):
                response = self._client.request(method, path, params=params or None, json=json_body)
        except outbound.Blocked as error:
            url = self.redact_url(
                str(self._client.build_request(method, path, params=params or None).url)
            )
            raise Refused(f"{method} {url}: refused: {self.redact(str(error))}", url=url) from None
        except httpx.TransportError as error:
            url = self.redact_url(
                str(self._client.build_request(method, path, params=params or None).url)
            )
            raise SourceUnreachable(
                f"{method} {url}: could not reach the source ({network_problem(error)}: "
                f"{self.redact(str(error))}); check the URL and the network",
                url=url,
            ) from None
        url = self.redact_url(str(response.url))
        logger.debug("%s %s -> %s", method, url, response.status_code)
        self._note_quota(response)
        if response.is_success:
            return response
        raise self._error_for(method, url, response)

    def _error_for(self, method: str, url: str, response: httpx.Response) -> SourceError:
        # The body is read to recognise a rate limit, never quoted: a failed call's answer may
        # come from any service the URL reaches, and is not for Leadline to show.
        status = response.status_code
        detail = self._detail(response)
        where = f"{method} {url}: HTTP {status}"
        suffix = ""
        retry_after = self._retry_after(response)
        if status == 401:
            return CredentialsRejected(
                f"{where} — credentials rejected; check the token (and the user or email it "
                f"belongs to) and that it has not expired{suffix}",
                url=url,
                status=status,
            )
        if status == 429 or (status == 403 and self._is_rate_limit(response, detail)):
            return RateLimited(
                f"{where} — rate limited by the source"
                + (" (a secondary rate limit)" if _SECONDARY_LIMIT.search(detail) else "")
                + (f"; the quota resets in {retry_after:.0f} s" if retry_after else "")
                + "; try again later or sync less often"
                + suffix,
                url=url,
                status=status,
                retry_after=retry_after,
            )
        if status == 403:
            return Forbidden(
                f"{where} — forbidden; the credentials are valid but lack permission for this "
                f"resource (check the token's scopes and project access){suffix}",
                url=url,
                status=status,
            )
        if status == 404:
            return NotFound(
                f"{where} — not found; check the project, repository or base URL (a token without "
                f"access can also see a 404){suffix}",
                url=url,
                status=status,
            )
        if status in (400, 422):
            return BadRequest(
                f"{where} — the source refused the request; check the query (a JQL, a project, "
                f"a field or filter name) and the connection's target{suffix}",
                url=url,
                status=status,
            )
        if status >= 500:
            return ServerError(
                f"{where} — the source failed (gave up after {self.max_retries} retries){suffix}",
                url=url,
                status=status,
                retry_after=retry_after,
            )
        return SourceError(f"{where}{suffix}", url=url, status=status)

    def _detail(self, response: httpx.Response) -> str:
        """Pull the human message out of an error body (Jira, GitHub, GitLab shapes)."""
        try:
            body = response.json()
        except ValueError:
            text = response.text.strip()
            return self.redact(text[:200]) if text and "<html" not in text[:200].lower() else ""
        parts: list[str] = []
        if isinstance(body, dict):
            for key in ("message", "error", "error_description", "errorMessage"):
                if isinstance(body.get(key), str):
                    parts.append(body[key])
            messages = body.get("errorMessages")
            if isinstance(messages, list):
                parts.extend(str(m) for m in messages)
            errors = body.get("errors")
            if isinstance(errors, dict):
                parts.extend(f"{k}: {v}" for k, v in errors.items())
            elif isinstance(errors, list):
                parts.extend(
                    str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in errors
                )
        return self.redact("; ".join(parts)[:300])

    def _is_rate_limit(self, response: httpx.Response, detail: str) -> bool:
        if response.headers.get("x-ratelimit-remaining") == "0":
            return True
        if "retry-after" in response.headers:
            return True
        return bool(_SECONDARY_LIMIT.search(detail))

    def _reset_in(self, response: httpx.Response) -> float | None:
        raw = response.headers.get("x-ratelimit-reset")
        if raw is None:
            return None
        try:
            reset = float(raw)
        except ValueError:
            return None
        if reset > 1e11:  # some recorders store milliseconds
            reset /= 1000
        if reset < 1e9:  # a relative number of seconds (GitLab style "RateLimit-Reset")
            return max(reset, 0.0)
        return max(reset - self._clock(), 0.0)

    def _retry_after(self, response: httpx.Response) -> float | None:
        raw = response.headers.get("retry-after")
        if raw:
            try:
                return max(float(raw), 0.0)
            except ValueError:
                try:
                    return max(parsedate_to_datetime(raw).timestamp() - self._clock(), 0.0)
                except (TypeError, ValueError):
                    pass
        if response.headers.get("x-ratelimit-remaining") == "0":
            return self._reset_in(response)
        return None

    def _note_quota(self, response: httpx.Response) -> None:
        """Remember when an exhausted quota resets so the next request waits for it."""
        if response.is_success and response.headers.get("x-ratelimit-remaining") == "0":
            wait = self._reset_in(response)
            self._resume_at = self._clock() + wait if wait else None

    def _wait_for_quota(self) -> None:
        if self._resume_at is None:
            return
        wait = self._resume_at - self._clock()
        self._resume_at = None
        if wait > 0:
            logger.info("rate-limit quota exhausted; waiting %.0f s for it to reset", wait)
            self._sleep(min(wait, self.max_wait))

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        hinted = getattr(error, "retry_after", None)
        if hinted is not None:
            return min(float(hinted) + 1.0, self.max_wait)
        return float(wait_exponential(multiplier=1, min=1, max=60)(state))

    def _stop_if_wait_too_long(self, state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        hinted = getattr(error, "retry_after", None)
        return hinted is not None and float(hinted) > self.max_wait

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.warning(
            "attempt %d failed (%s); retrying in %.1f s",
            state.attempt_number,
            error,
            state.next_action.sleep if state.next_action else 0.0,
        )
