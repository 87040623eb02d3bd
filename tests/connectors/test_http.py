"""The shared HTTP client, replayed at the transport: octokit's real recordings plus edge cases."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from leadline.connectors.http import (
    BadRequest,
    CredentialsRejected,
    Forbidden,
    HttpClient,
    MalformedResponse,
    NotFound,
    RateLimited,
    ServerError,
    SourceError,
    SourceUnreachable,
    basic_auth_headers,
    bearer_auth_headers,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "octokit"
TOKEN = "ghp_secretTOKEN0123456789abcdef"


def octokit_transport(name: str) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Replay an octokit recording: match each request by path and query."""
    recording = json.loads((FIXTURES / name).read_text())
    by_path = {entry["path"]: entry for entry in recording}
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        entry = by_path[request.url.raw_path.decode()]
        headers = {k: str(v) for k, v in entry["headers"].items() if k != "content-length"}
        return httpx.Response(entry["status"], headers=headers, json=entry["response"])

    return httpx.MockTransport(handler), seen


def scripted(*responses: httpx.Response) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    """Answer requests with the given responses in order."""
    queue = list(responses)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return queue.pop(0)

    return httpx.MockTransport(handler), seen


class Sleeper:
    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def client(transport: httpx.BaseTransport, sleeper: Sleeper | None = None, **kw: Any) -> HttpClient:
    return HttpClient(
        "https://api.github.com",
        {"Authorization": f"token {TOKEN}"},
        transport=transport,
        sleep=sleeper or Sleeper(),
        clock=lambda: 1_507_651_000.0,
        **kw,
    )


def test_link_pagination_follows_every_recorded_page_of_octokit_issues() -> None:
    transport, seen = octokit_transport("paginate-issues.normalized.json")
    http = client(transport)
    items = list(
        http.iter_items("/repos/octokit-fixture-org/paginate-issues/issues", {"per_page": 3})
    )
    assert len(seen) == 5
    assert len(items) == 13
    assert [i["number"] for i in items] == sorted((i["number"] for i in items), reverse=True)
    assert seen[-1].url.params["page"] == "5"


def test_pages_carry_their_url_and_response_headers() -> None:
    transport, _ = octokit_transport("paginate-issues.normalized.json")
    pages = list(
        client(transport).iter_pages(
            "/repos/octokit-fixture-org/paginate-issues/issues", {"per_page": 3}
        )
    )
    assert pages[0].url.endswith("/issues?per_page=3")
    assert pages[0].response.headers["x-ratelimit-remaining"] == "4999"


def test_exhausted_quota_on_a_recorded_page_makes_the_next_request_wait_for_the_reset() -> None:
    recording = json.loads((FIXTURES / "paginate-issues.normalized.json").read_text())
    first = recording[0]
    headers = {k: str(v) for k, v in first["headers"].items() if k != "content-length"}
    headers["x-ratelimit-remaining"] = "0"
    # the recording stores the reset in milliseconds: 1507651200000 = clock + 200 s
    last = recording[-1]
    transport, _ = scripted(
        httpx.Response(200, headers=headers, json=first["response"]),
        httpx.Response(200, json=last["response"]),
    )
    sleeper = Sleeper()
    pages = list(client(transport, sleeper).iter_pages("/repos/o/r/issues"))
    assert len(pages) == 2
    assert sleeper.waits == [200.0]


def test_429_is_retried_honouring_retry_after_then_succeeds() -> None:
    transport, seen = scripted(
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(200, json={"ok": True}),
    )
    sleeper = Sleeper()
    assert client(transport, sleeper).get_json("/x") == {"ok": True}
    assert len(seen) == 2
    assert sleeper.waits == [8.0]


def test_primary_rate_limit_403_waits_until_x_ratelimit_reset() -> None:
    transport, _ = scripted(
        httpx.Response(
            403,
            headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1507651060"},
            json={"message": "API rate limit exceeded"},
        ),
        httpx.Response(200, json=[]),
    )
    sleeper = Sleeper()
    assert client(transport, sleeper).get_json("/x") == []
    assert sleeper.waits == [61.0]


def test_secondary_rate_limit_403_is_a_rate_limit_not_a_permission_error() -> None:
    body = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes."}
    transport, _ = scripted(*[httpx.Response(403, json=body) for _ in range(3)])
    with pytest.raises(RateLimited, match="secondary rate limit"):
        client(transport, max_retries=2).get_json("/search/issues", {"q": "x"})


def test_rate_limit_longer_than_max_wait_fails_at_once_with_the_reset_time() -> None:
    transport, seen = scripted(httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(RateLimited, match="resets in 3600 s") as info:
        client(transport, max_wait=600).get_json("/x")
    assert len(seen) == 1
    assert info.value.status == 429


def test_server_errors_are_retried_with_backoff_then_reported() -> None:
    transport, seen = scripted(*[httpx.Response(503, text="upstream down") for _ in range(4)])
    sleeper = Sleeper()
    with pytest.raises(ServerError, match=r"GET https://api.github.com/x\?a=1: HTTP 503") as info:
        client(transport, sleeper, max_retries=3).get_json("/x", {"a": 1})
    assert len(seen) == 4
    assert len(sleeper.waits) == 3
    assert sleeper.waits == sorted(sleeper.waits)
    assert "upstream down" not in str(info.value)  # a failed call's body is never quoted


def test_network_failures_are_retried_then_reported_as_unreachable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(SourceUnreachable, match="could not reach") as info:
        client(httpx.MockTransport(handler), max_retries=1).get_json("/x")
    # Said in words: a person reads this on the connection page, not a class name.
    assert "no connection: the host is unknown, refused it or cannot be reached" in str(info.value)
    assert "ConnectError" not in str(info.value)


def test_an_answer_of_the_wrong_json_kind_is_named_as_json_names_it() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"a": 1}))
    with pytest.raises(MalformedResponse, match="expected a JSON list, got an object"):
        list(client(transport).iter_items("/x"))


@pytest.mark.parametrize(
    ("status", "error", "phrase"),
    [
        (401, CredentialsRejected, "credentials rejected; check the token"),
        (403, Forbidden, "forbidden"),
        (404, NotFound, "not found; check the project, repository or base URL"),
        (400, BadRequest, "refused the request"),
        (418, SourceError, "HTTP 418"),
    ],
)
def test_each_client_error_has_its_own_exception_and_advice(
    status: int, error: type[SourceError], phrase: str
) -> None:
    transport, seen = scripted(httpx.Response(status, json={"message": "Bad credentials"}))
    with pytest.raises(error, match=phrase) as info:
        client(transport).get_json("/repos/o/r", {"state": "all"})
    assert len(seen) == 1
    assert "https://api.github.com/repos/o/r?state=all" in str(info.value)
    assert info.value.status == status


def test_error_bodies_are_never_quoted_only_the_status_and_a_reason() -> None:
    body = {"errorMessages": ["Error in the JQL Query: 'projct' does not exist"], "errors": {}}
    transport, _ = scripted(httpx.Response(400, json=body))
    with pytest.raises(BadRequest, match="HTTP 400 — the source refused the request") as info:
        client(transport).get_json("/rest/api/2/search")
    assert "projct" not in str(info.value) and "check the query" in str(info.value)
    transport, _ = scripted(httpx.Response(200, text="redis_version:7.2.4 secret internals"))
    with pytest.raises(MalformedResponse) as bad:
        client(transport).get_json("/x")
    assert "redis_version" not in str(bad.value) and "check the base URL" in str(bad.value)


def test_malformed_json_names_the_url() -> None:
    transport, _ = scripted(httpx.Response(200, text="<html>login</html>"))
    with pytest.raises(
        MalformedResponse, match=r"GET https://api.github.com/a\?b=c: .*not valid JSON"
    ):
        client(transport).get_json("/a", {"b": "c"})


def test_a_next_link_to_another_host_is_refused_so_credentials_stay_home() -> None:
    transport, seen = scripted(
        httpx.Response(200, json=[1], headers={"Link": '<https://evil.example/p2>; rel="next"'})
    )
    with pytest.raises(SourceError, match="another host"):
        list(client(transport).iter_items("/x"))
    assert len(seen) == 1


def test_tokens_never_appear_in_error_messages_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    basic = basic_auth_headers("me@example.com", TOKEN)
    echo = {"message": f"bad token {TOKEN} / {basic['Authorization']}"}
    transport, _ = scripted(
        httpx.Response(500, json=echo),
        httpx.Response(401, json=echo),
    )
    http = HttpClient(
        "https://jira.example.com", basic, transport=transport, sleep=Sleeper(), max_retries=1
    )
    caplog.set_level(logging.DEBUG, logger="leadline.connectors.http")
    with pytest.raises(CredentialsRejected) as info:
        http.get_json("/rest/api/3/myself", {"access_token": TOKEN, "jql": "project = X"})
    text = str(info.value) + caplog.text
    assert TOKEN not in text
    assert basic["Authorization"].split()[1] not in text
    assert "jql=project" in str(info.value)
    assert "[REDACTED]" in str(info.value)


def test_bearer_header_value_is_redacted_too() -> None:
    http = HttpClient("https://jira.example.com", bearer_auth_headers(TOKEN))
    assert http.redact(f"x {TOKEN} y") == "x [REDACTED] y"
    http.close()


def test_post_json_sends_the_body_and_parses_the_answer() -> None:
    transport, seen = scripted(httpx.Response(200, json={"data": {"x": 1}}))
    assert client(transport).post_json("/graphql", {"query": "{x}"}) == {"data": {"x": 1}}
    assert json.loads(seen[0].content) == {"query": "{x}"}
    assert seen[0].headers["authorization"] == f"token {TOKEN}"
