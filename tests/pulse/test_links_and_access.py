"""Personal links are single-use, expire with the round and belong to one workspace; the answer
page works without an account; members read, leads act, viewers read only, other workspaces 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from leadline.pulse import services
from leadline.pulse.models import Response

from .conftest import run_round, same


def _client(user=None):
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_a_link_answers_once(pw):
    _, _, tokens = run_round(pw, [], close=False, now=timezone.now())
    services.submit(tokens[0], same(5))
    with pytest.raises(services.Refused) as refused:
        services.submit(tokens[0], same(1))
    assert refused.value.reason == "used"
    api = _client().post(f"/api/v1/pulse/responses/{tokens[0]}", {"answers": same(2)},
                         content_type="application/json")  # fmt: skip
    assert api.status_code == 409
    assert Response.objects.count() == 1


def test_a_link_expires_when_the_round_closes(pw):
    now = timezone.now()
    _, rnd, tokens = run_round(pw, [], close=False, now=now)
    with pytest.raises(services.Refused) as refused:
        services.submit(tokens[0], same(5), now=rnd.closes_at + timedelta(seconds=1))
    assert refused.value.reason == "closed"
    services.close_round(pw.access, rnd)
    page = _client().get(f"/w/{pw.workspace.slug}/people/pulses/answer/{tokens[1]}/")
    assert page.status_code == 410
    api = _client().post(f"/api/v1/pulse/responses/{tokens[1]}", {"answers": same(2)},
                         content_type="application/json")  # fmt: skip
    assert api.status_code == 410


def test_a_link_opens_only_in_its_own_workspace_and_an_altered_one_opens_nothing(
    pw, make_workspace
):
    other = make_workspace("Other", {pw.lead: "lead"})
    _, _, tokens = run_round(pw, [], close=False, now=timezone.now())
    assert _client().get(f"/w/{other.slug}/people/pulses/answer/{tokens[0]}/").status_code == 404
    altered = tokens[0][:-1] + ("A" if tokens[0][-1] != "A" else "B")
    assert (
        _client().get(f"/w/{pw.workspace.slug}/people/pulses/answer/{altered}/").status_code == 404
    )
    with pytest.raises(services.Refused):
        services.submit(tokens[0], same(5), slug=other.slug)
    assert Response.objects.count() == 0


def test_a_member_answers_on_the_page_without_an_account(pw):
    _, rnd, tokens = run_round(pw, [], close=False, now=timezone.now())
    url = f"/w/{pw.workspace.slug}/people/pulses/answer/{tokens[0]}/"
    c = _client()
    page = c.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'name="viewport"' in html
    assert "Edmondson" in html and html.count("<fieldset") == 8
    missing = c.post(url, {"mistakes": "2"})
    assert missing.status_code == 422 and "Answer this one." in missing.content.decode()
    done = c.post(url, {**{k: "6" for k in same(6)}, "mistakes": "2", "comment": "ok"})
    assert done.status_code == 200 and "data-answered" in done.content.decode()
    assert Response.objects.filter(round=rnd).count() == 1
    assert c.get(url).status_code == 409


def test_answers_are_checked_item_by_item(pw):
    _, _, tokens = run_round(pw, [], close=False, now=timezone.now())
    with pytest.raises(ValidationError) as bad:
        services.submit(tokens[0], {**same(4), "mistakes": 8, "extra": 1})
    assert set(bad.value.message_dict) == {"mistakes", "extra"}
    api = _client().post(f"/api/v1/pulse/responses/{tokens[0]}",
                         {"answers": {**same(4), "risks": "high"}},
                         content_type="application/json")  # fmt: skip
    assert api.status_code == 422 and "risks" in api.json()["errors"]
    ok = _client().post(f"/api/v1/pulse/responses/{tokens[0]}", {"answers": same(4)},
                        content_type="application/json")  # fmt: skip
    assert ok.status_code == 201 and ok.json() == {"recorded": True, "round": 1}


def test_health_check_answers_accept_colours_and_trends(pw):
    _, _, tokens = run_round(pw, [], close=False, now=timezone.now(), template="health-check")
    from leadline.pulse import catalog

    answers = {
        i.key: ("green" if i.scored else "better") for i in catalog.template_items("health-check")
    }
    assert services.submit(tokens[0], answers)["recorded"]


def test_roles_members_read_leads_act_viewers_read_only(pw):
    slug = pw.workspace.slug
    body = {"team": "core", "template": "health-check"}
    for user, status in ((pw.viewer, 403), (pw.member, 403), (pw.lead, 201)):
        r = _client(user).post(f"/api/v1/workspaces/{slug}/pulses", body,
                               content_type="application/json")  # fmt: skip
        assert r.status_code == status, user
    for user in (pw.viewer, pw.member):
        assert _client(user).get(f"/w/{slug}/people/pulses/").status_code == 200
        assert (
            _client(user)
            .post(f"/w/{slug}/people/pulses/", {"action": "k", "min_group_size": 3})
            .status_code
            == 403
        )
    assert (
        _client(pw.lead)
        .post(f"/w/{slug}/people/pulses/", {"action": "k", "min_group_size": 3})
        .status_code
        == 302
    )
    assert services.min_group_size(pw.workspace) == 3


def test_other_workspaces_get_404(pw, make_user, make_workspace):
    pulse, _, _ = run_round(pw, [same(6)] * 5)
    stranger = make_user("stranger")
    make_workspace("Elsewhere", {stranger: "owner"})
    slug = pw.workspace.slug
    c = _client(stranger)
    assert c.get(f"/w/{slug}/people/pulses/").status_code == 404
    assert c.get(f"/w/{slug}/people/pulses/{pulse.pk}/").status_code == 404
    assert c.get(f"/api/v1/workspaces/{slug}/pulses/{pulse.pk}/results").status_code == 404
    # A member of both asking for this pulse under the other workspace: 404 too.
    other = make_workspace("Second", {pw.lead: "lead"})
    assert (
        _client(pw.lead)
        .get(f"/api/v1/workspaces/{other.slug}/pulses/{pulse.pk}/results")
        .status_code
        == 404
    )


def test_the_pages_render_for_a_lead(pw):
    pulse, _, _ = run_round(pw, [same(6), same(5), same(7), same(2), same(6)], comments=["a", "b"])
    c = _client(pw.lead)
    lst = c.get(f"/w/{pw.workspace.slug}/people/pulses/")
    assert lst.status_code == 200 and "data-start-pulse" in lst.content.decode()
    page = c.get(f"/w/{pw.workspace.slug}/people/pulses/{pulse.pk}/").content.decode()
    assert 'data-suppressed="no"' in page and "reverse-scored" in page
    people = c.get(f"/w/{pw.workspace.slug}/people/").content.decode()
    assert f"/w/{pw.workspace.slug}/people/pulses/" in people
    made = c.post(f"/w/{pw.workspace.slug}/people/pulses/",
                  {"team": "tiny", "template": "custom", "questions": "Do we ship often?\nIs it calm?",
                   "schedule": "once", "open_days": 3})  # fmt: skip
    assert made.status_code == 302


def test_the_command_line_prints_the_same_guarded_results(pw):
    from typer.testing import CliRunner

    from leadline.cli.main import app

    pulse, _, _ = run_round(pw, [same(6)] * 4)
    out = CliRunner().invoke(app, ["pulse", "results", str(pulse.pk), "-w", pw.workspace.slug])
    assert out.exit_code == 0, out.output
    body = __import__("json").loads(out.output)
    assert body["suppressed"] and body["respondents"] == 4 and "score" not in body
    started = CliRunner().invoke(app, ["pulse", "start", "-w", pw.workspace.slug, "-t", "tiny"])
    assert started.exit_code == 0 and "4 invited" in started.output
