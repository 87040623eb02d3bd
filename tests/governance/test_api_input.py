"""Bad input to the governance API is a 4xx naming the field, never a 500 or a silent accept."""

from __future__ import annotations

import json

import pytest

from leadline.changes.models import ChangeRequest
from leadline.decisions.models import Decision
from leadline.raid.models import RaidItem

pytestmark = pytest.mark.django_db
WS = "/api/v1/workspaces/acme"


def send(client, method, url, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json")


def errors(response):
    assert response.status_code == 422, (response.status_code, response.content)
    return response.json()["errors"]


@pytest.mark.parametrize("field", ["title", "description", "blocker", "status", "mitigation"])
def test_a_null_for_a_field_that_cannot_be_empty_is_a_422_naming_it(world, api_for, field):
    api = api_for(world.member)
    item = send(api, "post", f"{WS}/raid", {"kind": "issue", "title": "Outage"}).json()
    response = send(api, "patch", f"{WS}/raid/{item['id']}", {field: None})
    assert field in errors(response)
    assert RaidItem.objects.get(pk=item["id"]).title == "Outage"


def test_a_null_clears_a_field_that_may_be_empty(world, api_for):
    api = api_for(world.member)
    item = send(api, "post", f"{WS}/raid", {"kind": "risk", "title": "R", "probability": 3}).json()
    response = send(api, "patch", f"{WS}/raid/{item['id']}", {"probability": None})
    assert response.status_code == 200 and response.json()["probability"] is None


def test_a_raid_key_already_in_use_is_refused_naming_the_field(world, api_for):
    api = api_for(world.member)
    first = send(api, "post", f"{WS}/raid", {"kind": "risk", "title": "A", "external_id": "R-1"})
    assert first.status_code == 201
    again = send(api, "post", f"{WS}/raid", {"kind": "risk", "title": "B", "external_id": "R-1"})
    assert "R-1" in errors(again)["external_id"][0]
    assert RaidItem.objects.filter(external_id="R-1").count() == 1


@pytest.mark.parametrize(
    "body",
    ['"hello world"', "[null, null]", "42", '{"title": "x", "surprise": 1}'],
)
def test_a_body_that_is_not_the_described_object_creates_nothing(world, api_for, body):
    response = send(api_for(world.member), "post", f"{WS}/decisions", body)
    assert response.status_code == 422
    assert response.json()["errors"]
    assert not Decision.objects.exists()


def test_a_list_body_does_not_patch_a_raid_item(world, api_for):
    api = api_for(world.member)
    item = send(api, "post", f"{WS}/raid", {"kind": "risk", "title": "R"}).json()
    response = send(api, "patch", f"{WS}/raid/{item['id']}", "[null, null]")
    assert "body" in errors(response)


@pytest.mark.parametrize("added", [-1, 10_001, 100_000_000])
def test_a_change_request_adds_a_bounded_number_of_items(world, api_for, added):
    body = {"title": "SSO", "team": "checkout", "added_items": added}
    response = send(api_for(world.member), "post", f"{WS}/changes", body)
    assert "added_items" in errors(response)
    assert not ChangeRequest.objects.exists()


def test_manual_throughput_samples_are_bounded(world, api_for):
    body = {"title": "SSO", "team": "checkout", "added_items": 3,
            "throughput_samples": "1, 2, 99999999999999999999999"}  # fmt: skip
    response = send(api_for(world.member), "post", f"{WS}/changes", body)
    assert "throughput_samples" in errors(response)


def test_ids_beyond_the_database_range_are_a_422_naming_the_field(world, api_for):
    api = api_for(world.owner)
    body = {"name": "Data", "decider_person_id": 2**64}
    assert "decider_person_id" in errors(send(api, "post", f"{WS}/decision-domains", body))
    assert "owner" in errors(api.get(f"{WS}/raid?owner=9223372036854775808"))


def test_people_of_another_workspace_are_refused_naming_the_field_and_ids(
    world, api_for, make_user, make_workspace
):
    from leadline.workspaces.models import Person

    other = make_workspace("Other", {make_user("x"): "owner"})
    stranger = Person.objects.create(workspace=other, name="Stranger")
    api = api_for(world.owner)
    for field in ("consulted_ids", "informed_ids"):
        body = {"name": "Data", field: [world.people["Ann"].pk, stranger.pk]}
        response = send(api, "post", f"{WS}/decision-domains", body)
        assert str(stranger.pk) in errors(response)[field][0]
    body = {"name": "Data", "consulted_ids": [999_999]}
    assert "999999" in errors(send(api, "post", f"{WS}/decision-domains", body))["consulted_ids"][0]


def test_a_reference_to_another_workspace_or_to_nothing_is_a_422_naming_the_field(
    world, api_for, make_user, make_workspace
):
    from leadline.workspaces.models import Person, Team

    other = make_workspace("Other", {make_user("x"): "owner"})
    stranger = Person.objects.create(workspace=other, name="Stranger")
    Team.objects.create(workspace=other, slug="theirs", name="Theirs")
    api = api_for(world.owner)
    cases = [
        ("raid", {"kind": "risk", "title": "R", "owner_id": stranger.pk}, "owner_id"),
        ("raid", {"kind": "risk", "title": "R", "team": "theirs"}, "team"),
        ("raid", {"kind": "dependency", "title": "D", "provider_team": "nope"}, "provider_team"),
        ("changes", {"title": "C", "team": "theirs", "added_items": 1}, "team"),
        (
            "changes",
            {"title": "C", "team": "checkout", "added_items": 1, "requested_by_id": stranger.pk},
            "requested_by_id",
        ),  # fmt: skip
        (
            "changes",
            {"title": "C", "team": "checkout", "added_items": 1, "domains": ["Nope"]},
            "domains",
        ),  # fmt: skip
        ("decisions", {"title": "D", "team": "theirs"}, "team"),
        ("agreements", {"team": "theirs"}, "team"),
        ("people", {"name": "P", "function": "Astrology"}, "function"),
        ("connections", {"kind": "git", "name": "G", "target": "/r", "team": "theirs"}, "team"),
    ]
    for url, body, field in cases:
        assert field in errors(send(api, "post", f"{WS}/{url}", body)), (url, body)
    assert not RaidItem.objects.exists() and not ChangeRequest.objects.exists()
    d = send(api, "post", f"{WS}/decisions", {"title": "Pick"}).json()
    response = send(api, "post", f"{WS}/decisions/{d['id']}/supersede", {"superseded_by": 10**9})
    assert "superseded_by" in errors(response)


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("raid", {"kind": "risk", "title": "A\u0000B"}, "title"),
        ("raid", {"kind": "risk", "title": "A", "description": "x\u0000"}, "description"),
        ("decisions", {"title": "Pick\u0000"}, "title"),
        ("decisions", {"title": "Pick", "context": "\u0000"}, "context"),
        ("teams", {"name": "Core\u0000"}, "name"),
        ("agreements", {"team": "checkout", "sections": {"norms": "\u0000"}}, "sections"),
    ],
)
def test_text_with_a_nul_character_is_a_422_naming_the_field(world, api_for, url, body, field):
    response = send(api_for(world.owner), "post", f"{WS}/{url}", body)
    assert field in errors(response)
    assert "U+0000" in errors(response)[field][0]


def test_a_nul_in_a_query_or_path_is_a_422_naming_it(world, api_for):
    api = api_for(world.owner)
    assert "kind" in errors(api.get(f"{WS}/raid?kind=risk%00"))
    assert "path" in errors(api.get(f"{WS}/items/A%00B"))


@pytest.mark.parametrize("day", ["1900-01-01", "9999-12-31", "0001-01-01"])
def test_implausible_dates_are_refused_naming_the_field(world, api_for, day):
    api = api_for(world.member)
    body = {"kind": "dependency", "title": "API from Platform", "need_by": day}
    assert "need_by" in errors(send(api, "post", f"{WS}/raid", body))
    item = send(api, "post", f"{WS}/raid", {"kind": "issue", "title": "Outage"}).json()
    assert "due_date" in errors(send(api, "patch", f"{WS}/raid/{item['id']}", {"due_date": day}))


def test_a_wrong_or_revoked_token_is_a_401_not_a_csrf_failure(world, api_for):
    from django.test import Client

    from leadline.workspaces.models import ApiToken

    bad = Client(HTTP_AUTHORIZATION="Bearer ll_not-a-real-token-at-all")
    response = send(bad, "post", f"{WS}/raid", {"kind": "risk", "title": "x"})
    assert response.status_code == 401 and "CSRF" not in response.content.decode()
    api = api_for(world.member)
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    response = send(api, "post", f"{WS}/raid", {"kind": "risk", "title": "x"})
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert Client(HTTP_AUTHORIZATION="Basic dTpw").get(f"{WS}/raid").status_code == 401


def test_the_openapi_description_declares_errors_and_limits(world, client_for):
    doc = client_for(world.member).get("/api/v1/openapi.json").json()
    for methods in doc["paths"].values():
        for operation in methods.values():
            wanted = {"404", "409", "422"} | ({"401", "403"} if "security" in operation else set())
            assert wanted <= set(operation["responses"]), operation["operationId"]
    schemas = doc["components"]["schemas"]
    assert schemas["RaidIn"]["properties"]["title"]["maxLength"] == 300
    added = schemas["ChangeIn"]["properties"]["added_items"]
    assert (added["minimum"], added["maximum"]) == (0, 10_000)
    assert schemas["RaidIn"]["additionalProperties"] is False
    raid_list = doc["paths"]["/api/v1/workspaces/{workspace}/raid"]["get"]["parameters"]
    owner = next(p for p in raid_list if p["name"] == "owner")["schema"]
    assert "2000-01-01" in json.dumps(schemas["RaidIn"]["properties"]["need_by"])
    assert any(s.get("maximum") == 2**63 - 1 for s in owner.get("anyOf", [owner]))
