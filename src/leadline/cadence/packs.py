"""Status packs: built for a meeting from live data through the section registry, frozen as a
JSON snapshot that says when its data was taken and what changed since the previous pack of the
same tier; the lead adds a narrative and a RAG status per section; publishing freezes it for
good and sends it to the audience (notifications and channels; stakeholders by signed link).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from leadline.workspaces import links
from leadline.workspaces.models import Person, Role, StakeholderLink, Team
from leadline.workspaces.services import Access, audit

from . import pack_charts, services
from .models import CadenceTier, Occurrence, Pack
from .results import CadenceChangeOut, CadencePackOut
from .sections import CadenceSectionOut, SectionContext, build

RAGS = ("green", "amber", "red")
MAX_NARRATIVE = 5_000
PURPOSE = StakeholderLink.Purpose.PACK


def pack_in(workspace: Any, pk: Any) -> Pack:
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise Http404("No such pack") from None
    pack = (
        Pack.objects.filter(workspace=workspace, pk=key)
        .select_related("tier", "team", "occurrence")
        .first()
    )
    if pack is None:
        raise Http404("No such pack")
    return pack


def diff(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[CadenceChangeOut]:
    """What changed between two packs' sections, item by item (by key): added, removed, or
    changed (same key, other text or value)."""
    old = {(s["key"], i["key"]): i for s in before for i in s["items"]}
    new = {(s["key"], i["key"]): i for s in after for i in s["items"]}
    out: list[CadenceChangeOut] = []
    for (sec, key), item in new.items():
        if (sec, key) not in old:
            out.append(
                {"section": sec, "change": "added", "key": key, "text": item.get("text", "")}
            )
        elif old[(sec, key)] != item:
            out.append(
                {"section": sec, "change": "changed", "key": key, "text": item.get("text", "")}
            )
    for (sec, key), item in old.items():
        if (sec, key) not in new:
            out.append(
                {"section": sec, "change": "removed", "key": key, "text": item.get("text", "")}
            )
    return out


@transaction.atomic
def generate(
    access: Access, tier: CadenceTier, actor: Any, *, team: Team | None = None,
    occurrence: Occurrence | None = None, as_of: datetime | None = None,
) -> Pack:  # fmt: skip
    """Build a pack for ``tier`` (lead role) from live data as of ``as_of`` (now), for its
    latest meeting unless one is given; freeze its sections and the changes since the previous
    pack of the same tier (and team)."""
    access.require(Role.LEAD)
    now = timezone.now()
    as_of = as_of or now
    if as_of > now:
        raise ValidationError(
            {"as_of": ["A pack is built from data already there: not a future date."]}
        )
    team = team or tier.team
    if team is not None and team.workspace_id != access.workspace.pk:
        raise ValidationError({"team": ["No such team in this workspace."]})
    services.carry_forward(access.workspace, as_of)
    occurrence = occurrence or services.latest_occurrence(tier, as_of)
    previous = (
        Pack.objects.filter(workspace=access.workspace, tier=tier, team=team, as_of__lt=as_of)
        .order_by("-as_of", "-id").first()
    )  # fmt: skip
    teams = [team] if team else list(Team.objects.filter(workspace=access.workspace))
    ctx = SectionContext(
        workspace=access.workspace, tier=tier, team=team, teams=teams, as_of=as_of,
        today=timezone.localdate(as_of, timezone=_tz(access.workspace)), occurrence=occurrence,
    )  # fmt: skip
    if previous is not None:
        ctx.memo["since"] = previous.as_of
    sections = build(list(tier.template), ctx)
    pack = Pack.objects.create(
        workspace=access.workspace, tier=tier, occurrence=occurrence, team=team, as_of=as_of,
        sections=_plain(sections), previous=previous,
        changes_since_previous=diff(previous.sections, _plain(sections)) if previous else [],
        created_at=now, created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit(access.workspace, actor, "pack.generate", pack, f"Built the pack {pack}")
    return pack


def _tz(workspace: Any) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(workspace.tz)


def _plain(value: Any) -> Any:
    """JSON-ready: dates and decimals as text, so the snapshot stores exactly what it shows."""
    import json

    return json.loads(json.dumps(value, default=str))


def edit(
    access: Access, pack: Pack, actor: Any, *, narrative: str | None = None,
    statuses: dict[str, dict[str, Any]] | None = None,
) -> Pack:  # fmt: skip
    """Set the narrative and per-section RAG status with its owner (lead role); a published pack
    cannot change."""
    access.require(Role.LEAD)
    if pack.published_at is not None:
        raise ValidationError({"pack": ["This pack is published: it no longer changes."]})
    if narrative is not None:
        if len(narrative) > MAX_NARRATIVE:
            raise ValidationError({"narrative": [f"At most {MAX_NARRATIVE:,} characters."]})
        pack.narrative = narrative.strip()
    if statuses is not None:
        keys = {s["key"] for s in pack.sections}
        clean: dict[str, dict[str, Any]] = {}
        for key, value in statuses.items():
            if key not in keys:
                raise ValidationError({"statuses": [f"No section {key!r} in this pack."]})
            rag = (value.get("rag") or "").strip()
            if rag and rag not in RAGS:
                raise ValidationError(
                    {"statuses": [f"{key}: the status is one of {', '.join(RAGS)}."]}
                )
            owner = value.get("owner") or None
            if owner is not None:
                person = Person.objects.filter(workspace=access.workspace, pk=owner).first()
                if person is None:
                    raise ValidationError(
                        {"statuses": [f"{key}: no person {owner!r} in this workspace."]}
                    )
                owner = person.pk
            if rag or owner:
                clean[key] = {"rag": rag, "owner": owner}
        pack.statuses = clean
    pack.save(update_fields=["narrative", "statuses"])
    audit(access.workspace, actor, "pack.edit", pack, f"Edited the pack {pack}")
    return pack


def audience(pack: Pack) -> list[Person]:
    tier = pack.tier
    people = {p.pk: p for p in tier.audience_people.all()}
    for p in Person.objects.filter(workspace=pack.workspace, teams__in=tier.audience_teams.all()):
        people.setdefault(p.pk, p)
    return list(people.values())


@transaction.atomic
def publish(access: Access, pack: Pack, actor: Any, now: datetime | None = None) -> dict[str, str]:
    """Freeze the pack and send it (lead role): a notification to the audience's accounts and
    the workspace's channels, and a signed link for each audience member without an account.
    Return {person name: link path} for the links made (shown once)."""
    access.require(Role.LEAD)
    if pack.published_at is not None:
        raise ValidationError({"pack": ["Already published."]})
    from leadline.notify.services import notify

    now = now or timezone.now()
    pack.published_at = now
    pack.published_by_name = actor.get_username() if getattr(actor, "pk", None) else "system"
    pack.save(update_fields=["published_at", "published_by_name"])
    people = audience(pack)
    made: dict[str, str] = {}
    for person in people:
        if person.user_id is None:
            _, raw = links.issue_link(access, PURPOSE, pack, person, actor=actor, now=now)
            made[person.name] = link_path(pack, raw)
    users = [p.user for p in people if p.user_id is not None]
    notify(access.workspace, f"Status pack published: {pack}", _summary(pack),
           reverse("cadence-pack", args=[access.workspace.slug, pack.pk]), users, now=now)  # fmt: skip
    audit(access.workspace, actor, "pack.publish", pack, f"Published the pack {pack}")
    return made


def issue_pack_link(access: Access, pack: Pack, person: Person, actor: Any) -> str:
    """A signed link for ``person`` to read a published pack (lead role)."""
    if pack.published_at is None:
        raise ValidationError({"pack": ["Publish the pack before sharing it."]})
    _, raw = links.issue_link(access, PURPOSE, pack, person, actor=actor)
    return link_path(pack, raw)


def link_path(pack: Pack, raw: str) -> str:
    return reverse("cadence-pack-link", args=[pack.workspace.slug, raw])


def resolve_link(slug: str, raw: str) -> Pack:
    """The published pack a stakeholder's link opens (LinkRefused otherwise); audited."""
    link = links.resolve(slug, raw, PURPOSE)
    pack = (
        Pack.objects.filter(workspace=link.workspace, pk=int(link.object_id))
        .select_related("tier", "team")
        .first()
    )
    if pack is None or pack.published_at is None:
        raise links.LinkRefused("unknown", link)
    links.record_use(link, "open", str(pack))
    return pack


def _summary(pack: Pack) -> str:
    red = [s["title"] for s in sections_of(pack) if s["status"] == "red"]
    return (pack.narrative or "") + (f"\nRed: {', '.join(red)}" if red else "")


def sections_of(pack: Pack) -> list[CadenceSectionOut]:
    """The frozen sections with the lead's RAG status in place of the built one, where set."""
    out: list[CadenceSectionOut] = []
    for s in pack.sections:
        lead = pack.statuses.get(s["key"]) or {}
        out.append({"key": s["key"], "title": s["title"], "items": s["items"],
                    "status": lead.get("rag") or s["status"],
                    "charts": s.get("charts") or []})  # fmt: skip
    return out


def pack_out(pack: Pack) -> CadencePackOut:
    return {
        "id": pack.pk, "tier": pack.tier.kind, "tier_id": pack.tier_id,
        "tier_name": pack.tier.name, "team": pack.team.slug if pack.team else None,
        "as_of": pack.as_of, "occurrence": pack.occurrence.start if pack.occurrence else None,
        "sections": sections_of(pack), "narrative": pack.narrative,
        "statuses": pack.statuses, "previous": pack.previous_id,
        "changes_since_previous": pack.changes_since_previous,
        "published_at": pack.published_at,
    }  # fmt: skip


def packs(workspace: Any, tier: CadenceTier | None = None) -> list[Pack]:
    qs = Pack.objects.filter(workspace=workspace).select_related("tier", "team")
    return list(qs.filter(tier=tier) if tier else qs[:50])


# --- Formats ---------------------------------------------------------------------------------
def _owners(pack: Pack) -> dict[int, str]:
    ids = [v.get("owner") for v in pack.statuses.values() if v.get("owner")]
    return dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))


def markdown(pack: Pack) -> str:
    """The pack as Markdown."""
    owners = _owners(pack)
    lines = [f"# {pack.tier.name}" + (f" — {pack.team.name}" if pack.team else ""), "",
             f"Data as of {pack.as_of:%Y-%m-%d %H:%M %Z}."
             + (f" Published {pack.published_at:%Y-%m-%d %H:%M}." if pack.published_at else " Draft."),
             ""]  # fmt: skip
    if pack.narrative:
        lines += [pack.narrative, ""]
    for s in sections_of(pack):
        owner = owners.get((pack.statuses.get(s["key"]) or {}).get("owner") or 0)
        lines.append(
            f"## {s['title']} — {s['status'].upper()}" + (f" (owner: {owner})" if owner else "")
        )
        lines.append("")
        lines += [f"- {i.get('text', '')}" for i in s["items"]] or ["- Nothing to report."]
        lines.append("")
        for spec in s["charts"]:  # drawn on the page and in the PDF; named here
            lines += [
                f"*Chart: {pack_charts.title_of(spec)}.* {pack_charts.definition_of(spec)}",
                "",
            ]
    lines.append("## Changes since the previous pack")
    lines.append("")
    if pack.previous_id is None:
        lines.append("- This is the first pack of this tier.")
    else:
        lines += [
            f"- {c['change']}: {c['text']} ({c['section']})" for c in pack.changes_since_previous
        ] or ["- Nothing changed."]
    return "\n".join(lines) + "\n"


def html(pack: Pack) -> str:
    """The printable pack (the PDF's source), its charts drawn as SVG from the frozen specs."""
    built = sections_of(pack)
    charts = pack_charts.for_print(built)
    return render_to_string("cadence/pack_print.html", {
        "pack": pack, "sections": [{**s, "charts": charts.get(s["key"], [])} for s in built],
        "owners": _owners(pack), "changes": pack.changes_since_previous,
    })  # fmt: skip


# The printed pack's style: given to WeasyPrint, not in the template (pages carry no inline
# style; the Content-Security-Policy refuses it).
PRINT_CSS = """body { font-family: sans-serif; font-size: 10.5pt; color: #222; }
h1 { font-size: 17pt; margin-bottom: 2pt; } h2 { font-size: 12.5pt; margin: 12pt 0 4pt; }
.meta { color: #666; } .rag { font-weight: bold; padding: 0 4pt; border-radius: 3pt; }
.green { background: #d6f0d6; } .amber { background: #fbe7c0; } .red { background: #f6cccc; } .info { background: #e6e6e6; }
ul { margin: 0; padding-left: 14pt; } .narrative { border-left: 3pt solid #999; padding-left: 8pt; }
figure.chart { margin: 8pt 0 10pt; break-inside: avoid; } figure.chart img { width: 100%; }
.chart-title { font-weight: bold; margin: 0 0 2pt; } figcaption { color: #555; font-size: 9pt; }
"""


def pdf(pack: Pack) -> bytes:
    """The pack as PDF, rendered by WeasyPrint from :func:`html`. Its only addresses are the
    charts' ``data:`` URLs; the fetcher refuses every other kind, so nothing is loaded from
    outside."""
    from weasyprint import CSS, HTML

    out = io.BytesIO()
    HTML(string=html(pack), url_fetcher=pdf_fetcher()).write_pdf(
        out, stylesheets=[CSS(string=PRINT_CSS)]
    )
    return out.getvalue()


def pdf_fetcher() -> Any:
    """WeasyPrint's fetcher limited to ``data:`` URLs (the charts drawn into the HTML)."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols={"data"})
