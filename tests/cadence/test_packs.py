"""Packs: built from live data, frozen (later data does not change a published pack), saying
what changed since the previous pack of the same tier; narrative and RAG; published to the
audience, read by a stakeholder's signed link; Markdown and PDF (its text read back)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from pypdf import PdfReader

from leadline.cadence import packs, sections
from leadline.raid.models import RaidItem


def _blocker(cw, title):
    return RaidItem.objects.create(workspace=cw.workspace, kind="issue", title=title,
                                   team=cw.team, blocker=True)  # fmt: skip


def test_a_published_pack_is_frozen_and_the_next_one_says_what_changed(cw):
    tier = cw.tier("team")
    tier.team = cw.team
    tier.save()
    lead = cw.access(cw.lead)
    first_blocker = _blocker(cw, "Payment sandbox down")
    first = packs.generate(lead, tier, cw.lead)
    (blockers,) = [s for s in first.sections if s["key"] == "blockers"]
    assert [i["text"] for i in blockers["items"]] == ["Payment sandbox down (no owner)"]
    assert blockers["status"] == "red"
    packs.edit(lead, first, cw.lead, narrative="Sandbox outage is the story.",
               statuses={"blockers": {"rag": "amber", "owner": cw.people["Max"].pk}})  # fmt: skip
    packs.publish(lead, first, cw.lead)
    # Later data: the blocker is resolved and another appears; the published pack is unchanged.
    first_blocker.status = "resolved"
    first_blocker.save()
    _blocker(cw, "Card API rate limits")
    first.refresh_from_db()
    assert [i["text"] for i in first.sections[1]["items"]] == ["Payment sandbox down (no owner)"]
    with pytest.raises(ValidationError):
        packs.edit(lead, first, cw.lead, narrative="rewrite history")
    out = packs.pack_out(first)
    assert [s["status"] for s in out["sections"] if s["key"] == "blockers"] == ["amber"]
    second = packs.generate(lead, tier, cw.lead)
    assert second.previous_id == first.pk
    changes = {(c["section"], c["change"], c["text"]) for c in second.changes_since_previous}
    assert ("blockers", "added", "Card API rate limits (no owner)") in changes
    assert ("blockers", "removed", "Payment sandbox down (no owner)") in changes
    md = packs.markdown(first)
    assert "Sandbox outage is the story." in md and "## Blockers — AMBER (owner: Max)" in md


def test_unknown_section_keys_are_skipped_and_a_registered_one_appears(cw):
    tier = cw.tier("stakeholder")
    tier.template = ["milestones", "nobody_registered_this", "extra_section"]
    tier.save()
    pack = packs.generate(cw.access(cw.lead), tier, cw.lead)
    assert [s["key"] for s in pack.sections] == ["milestones"]
    sections.register_section("extra_section", "Extra", lambda ctx: sections.section(
        "extra_section", "Extra", "green", [{"key": "b1", "text": "Faster checkout: on track"}]))  # fmt: skip
    try:
        again = packs.generate(cw.access(cw.lead), tier, cw.lead)
        assert [s["key"] for s in again.sections] == ["milestones", "extra_section"]
    finally:
        sections._SECTIONS.pop("extra_section")


def test_the_pdf_renders_and_reads_back(cw):
    tier = cw.tier("team")
    _blocker(cw, "Payment sandbox down")
    pack = packs.generate(cw.access(cw.lead), tier, cw.lead)
    packs.edit(cw.access(cw.lead), pack, cw.lead, narrative="All good but one blocker.")
    data = packs.pdf(pack)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Weekly team status" in text
    assert "All good but one blocker." in text
    assert "Payment sandbox down" in text


def test_a_stakeholder_reads_a_published_pack_by_link_and_not_a_draft(cw):
    tier = cw.tier("stakeholder")
    tier.audience_people.set([cw.people["Sam"]])
    lead = cw.access(cw.lead)
    pack = packs.generate(lead, tier, cw.lead)
    with pytest.raises(ValidationError):
        packs.issue_pack_link(lead, pack, cw.people["Sam"], cw.lead)
    made = packs.publish(lead, pack, cw.lead)
    assert list(made) == ["Sam Sponsor"]
    page = Client().get(made["Sam Sponsor"])
    assert page.status_code == 200
    assert "Biweekly stakeholder check-in" in page.content.decode()
    pdf = Client().get(made["Sam Sponsor"] + "?format=pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert Client().get(made["Sam Sponsor"][:-3] + "xyz/").status_code in (403, 404, 410, 200)
    bad = Client().get(made["Sam Sponsor"][:-3] + "xyz/").content.decode()
    assert "Biweekly stakeholder check-in" not in bad


def test_only_leads_build_and_publish(cw):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        packs.generate(cw.access(cw.member), cw.tier("team"), cw.member)


def test_every_registered_section_builds_without_error_for_every_tier(cw):
    from leadline.cadence.defaults import TEMPLATES

    keys = sorted({k for t in TEMPLATES.values() for k in t} & set(sections.registered()))
    tier = cw.tier("milestone")
    tier.template = keys
    tier.save()
    pack = packs.generate(cw.access(cw.lead), tier, cw.lead)
    assert [s["key"] for s in pack.sections] == keys
    broken = [s["key"] for s in pack.sections for i in s["items"] if i["key"] == "error"]
    assert broken == []
