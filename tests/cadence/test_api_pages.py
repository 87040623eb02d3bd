"""The cadence API and pages: answers, errors naming the field, roles, other workspaces."""

from __future__ import annotations

import json
from datetime import datetime

from django.test import Client


def test_cadences_list_the_four_tiers_with_five_next_starts_with_offset(cw, api_for):
    api = api_for(cw.viewer)
    rows = api.get("/api/v1/workspaces/acme/cadences").json()
    assert [r["tier"] for r in rows] == ["team", "stakeholder", "milestone", "steering"]
    for r in rows:
        assert len(r["next_occurrences"]) == 5
        first = datetime.fromisoformat(r["next_occurrences"][0])
        assert first.tzinfo is not None
        assert set(r) >= {"id", "name", "tier", "rrule", "timezone", "next_occurrences"}


def test_a_lead_adds_a_tier_and_bad_input_names_the_field(cw, api_for):
    lead = api_for(cw.lead)
    body = {
        "name": "Ops sync",
        "tier": "team",
        "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "dtstart": "2026-10-21T09:00:00",
        "timezone": "America/New_York",
        "duration_minutes": 30,
    }
    r = lead.post(
        "/api/v1/workspaces/acme/cadences", json.dumps(body), content_type="application/json"
    )
    assert r.status_code == 201, r.content
    starts = r.json()["next_occurrences"]
    assert all(s.endswith(("-04:00", "-05:00")) for s in starts)
    assert all("T09:00:00" in s for s in starts)
    bad = lead.post("/api/v1/workspaces/acme/cadences", json.dumps({**body, "rrule": "FREQ=SECONDLY"}),
                    content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "rrule" in bad.json()["errors"]
    bad = lead.post("/api/v1/workspaces/acme/cadences", json.dumps({**body, "timezone": "Nowhere/X"}),
                    content_type="application/json")  # fmt: skip
    assert bad.status_code == 422 and "timezone" in bad.json()["errors"]
    member = api_for(cw.member).post("/api/v1/workspaces/acme/cadences", json.dumps(body),
                                     content_type="application/json")  # fmt: skip
    assert member.status_code == 403
    assert api_for(cw.lead).get("/api/v1/workspaces/other/cadences").status_code == 200
    assert api_for(cw.member).get("/api/v1/workspaces/other/cadences").status_code == 404


def test_calendar_url_answers_without_signing_in(cw, api_for):
    url = api_for(cw.member).get("/api/v1/workspaces/acme/calendar").json()["url"]
    path = url.split("://", 1)[-1].split("/", 1)[-1]
    response = Client().get("/" + path)
    assert response.status_code == 200 and b"BEGIN:VCALENDAR" in response.content


def test_packs_through_the_api_in_every_format(cw, api_for):
    lead = api_for(cw.lead)
    tier = cw.tier("team")
    r = lead.post(
        f"/api/v1/workspaces/acme/cadences/{tier.pk}/packs", "{}", content_type="application/json"
    )
    assert r.status_code == 201, r.content
    pack = r.json()
    assert set(pack) >= {"id", "as_of", "tier", "sections", "changes_since_previous"}
    assert pack["tier"] == "team"
    assert all(set(s) >= {"key", "title", "status", "items"} for s in pack["sections"])
    base = f"/api/v1/workspaces/acme/packs/{pack['id']}"
    assert api_for(cw.viewer).get(base).json()["id"] == pack["id"]
    md = api_for(cw.viewer).get(base + "?format=md")
    assert md["Content-Type"].startswith("text/markdown") and b"# Weekly team status" in md.content
    pdf = api_for(cw.viewer).get(base + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert api_for(cw.viewer).get(base + "?format=doc").status_code == 422
    assert api_for(cw.member).post(f"/api/v1/workspaces/acme/cadences/{tier.pk}/packs", "{}",
                                   content_type="application/json").status_code == 403  # fmt: skip
    other_tier = cw.other.cadences.first()
    assert lead.post(f"/api/v1/workspaces/acme/cadences/{other_tier.pk}/packs", "{}",
                     content_type="application/json").status_code == 404  # fmt: skip


def test_pages_render_for_a_viewer_and_the_lead_builds_a_pack(cw, client_for):
    viewer = client_for(cw.viewer)
    page = viewer.get("/w/acme/cadence/")
    assert page.status_code == 200 and "Weekly team status" in page.content.decode()
    tier = cw.tier("team")
    assert viewer.get(f"/w/acme/cadence/{tier.pk}/").status_code == 200
    assert viewer.post(f"/w/acme/cadence/{tier.pk}/", {"op": "pack"}).status_code == 403
    lead = client_for(cw.lead)
    r = lead.post(f"/w/acme/cadence/{tier.pk}/", {"op": "pack"})
    assert r.status_code == 302 and "/cadence/packs/" in r["Location"]
    assert "Data as of" in lead.get(r["Location"]).content.decode()
    assert lead.get(r["Location"] + "?format=pdf")["Content-Type"] == "application/pdf"
    assert client_for(cw.lead).get(f"/w/other/cadence/{tier.pk}/").status_code == 404


def test_a_pack_as_of_a_number_or_an_absurd_date_is_refused_naming_the_field(cw, api_for):
    lead = api_for(cw.lead)
    url = f"/api/v1/workspaces/acme/cadences/{cw.tier('team').pk}/packs"
    for as_of in (0, "1970-01-01T00:00:00Z", "2026-13-01T00:00:00Z"):
        r = lead.post(url, json.dumps({"as_of": as_of}), content_type="application/json")
        assert r.status_code == 422, (as_of, r.content)
        assert "as_of" in r.content.decode(), r.content
    ok = lead.post(url, json.dumps({"as_of": "2026-11-30T12:00:00Z"}),
                   content_type="application/json")  # fmt: skip
    assert ok.status_code == 201, ok.content
    assert ok.json()["as_of"].startswith("2026-11-30T12:00:00")


def test_a_tier_starting_at_a_number_is_refused_naming_the_field(cw, api_for):
    body = {"name": "Ops sync", "tier": "team", "rrule": "FREQ=WEEKLY;BYDAY=WE", "dtstart": 0,
            "timezone": "UTC", "duration_minutes": 30}  # fmt: skip
    r = api_for(cw.lead).post("/api/v1/workspaces/acme/cadences", json.dumps(body),
                              content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "dtstart" in r.json()["errors"], r.content
