"""Saving and deleting milestones and benefits (member role), for the pages, the API and the CLI.

They validate (``ValidationError`` naming the field), write the audit log and return the record
or what changed. A save that changes nothing writes nothing: no row and no audit event (as the
RAID log does); :func:`update_milestone` and :func:`update_benefit` return ``{field: [old,
new]}``, empty when nothing changed.

Deleting a milestone never deletes a benefit: the expected values tied to it stay, untied (they
no longer move with the milestone's slip), or tied to another milestone the caller names; each
benefit affected gets an audit event saying which of its values and why. Deleting a benefit
deletes its expected values; its KPI and the KPI's values stay.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from leadline.workspaces.models import Role, Team, Workspace
from leadline.workspaces.services import Access, audit

from .models import Benefit, BenefitPoint, Kpi, Milestone
from .results import MilestoneDeletedOut
from .roadmap import tied_benefits
from .services import _date, _in_workspace, _number, today

MAX_ITEMS = 1_000  # a milestone's listed items
MAX_POINTS = 500  # a benefit's expected values
KEY_LENGTH = 64


def _plain(value: Any) -> Any:
    """A field's value as the audit log stores it (JSON): dates in ISO, records by name."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Kpi | Milestone):
        return value.name
    return value


def _own(access: Access, record: Milestone | Benefit) -> None:
    access.require(Role.MEMBER)
    if record.workspace_id != access.workspace.pk:
        raise Http404("Not in this workspace")


# --- Milestones ---------------------------------------------------------------------------


def _item_keys(value: Any) -> list[str]:
    raw = value or []
    if isinstance(raw, str):
        raw = raw.replace("\n", ",").split(",")
    keys = list(dict.fromkeys(str(k).strip() for k in raw if str(k).strip()))
    long = [k for k in keys if len(k) > KEY_LENGTH]
    if long:
        raise ValidationError({"item_keys": f"{long[0][:20]}…: an item key has at most "
                                            f"{KEY_LENGTH} characters."})  # fmt: skip
    if len(keys) > MAX_ITEMS:
        raise ValidationError({"item_keys": f"At most {MAX_ITEMS:,} items (got {len(keys):,}); "
                                            "name their epic instead."})  # fmt: skip
    return keys


def _milestone_fields(ws: Workspace, data: dict[str, Any], m: Milestone) -> dict[str, Any]:
    """The validated values ``data`` gives (missing keys keep the stored ones); ``teams`` only
    when given."""
    name = str(data.get("name", m.name) or "").strip()
    if not name or len(name) > 200:
        raise ValidationError({"name": "Give the milestone a name (at most 200 characters)."})
    if Milestone.objects.filter(workspace=ws, name=name).exclude(pk=m.pk).exists():
        raise ValidationError({"name": f"There is a milestone named {name!r} already."})
    target = _date(data.get("target_date", m.target_date), "target_date", today(ws))
    epic = str(data.get("epic_key", m.epic_key) or "").strip()
    if len(epic) > KEY_LENGTH:
        raise ValidationError({"epic_key": f"At most {KEY_LENGTH} characters."})
    keys = _item_keys(data.get("item_keys", m.item_keys))
    if not epic and not keys:
        raise ValidationError({"epic_key": "Name an epic, or list the milestone's items."})
    out: dict[str, Any] = {"name": name, "target_date": target, "epic_key": epic,
                           "item_keys": keys}  # fmt: skip
    if "teams" in data:
        teams = _in_workspace(Team, ws, "teams", list(data["teams"] or []), by="slug")
        out["teams"] = sorted(set(teams), key=lambda t: t.slug)
    return out


@transaction.atomic
def create_milestone(access: Access, data: dict[str, Any], actor: Any = None) -> Milestone:
    """Add a milestone: name, target_date, epic_key or item_keys, teams (slugs)."""
    access.require(Role.MEMBER)
    ws = access.workspace
    m = Milestone(workspace=ws)
    fields = _milestone_fields(ws, data, m)
    teams = fields.pop("teams", [])
    for field, value in fields.items():
        setattr(m, field, value)
    m.save()
    m.teams.set(teams)
    audit(ws, actor, "created", m, f"Added milestone {m.name}",
          {**{k: [None, _plain(v)] for k, v in fields.items()},
           "teams": [None, [t.slug for t in teams]]})  # fmt: skip
    return m


@transaction.atomic
def update_milestone(access: Access, m: Milestone, data: dict[str, Any],
                     actor: Any = None) -> dict[str, list[Any]]:  # fmt: skip
    """Change a milestone (the keys of :func:`create_milestone`; missing ones keep their value).
    Return {field: [old, new]}; nothing changed: {} and nothing written."""
    _own(access, m)
    fields = _milestone_fields(access.workspace, data, m)
    teams = fields.pop("teams", None)
    changes = {field: [_plain(getattr(m, field)), _plain(value)]
               for field, value in fields.items() if getattr(m, field) != value}  # fmt: skip
    before = sorted(t.slug for t in m.teams.all())
    if teams is not None and [t.slug for t in teams] != before:
        changes["teams"] = [before, [t.slug for t in teams]]
    if not changes:
        return {}
    for field, value in fields.items():
        setattr(m, field, value)
    m.save()
    if teams is not None:
        m.teams.set(teams)
    audit(access.workspace, actor, "updated", m, f"Changed milestone {m.name}", changes)
    return changes


@transaction.atomic
def delete_milestone(access: Access, m: Milestone, actor: Any = None,
                     move_to: Milestone | None = None) -> MilestoneDeletedOut:  # fmt: skip
    """Delete a milestone, keeping every benefit: the expected values tied to it are left
    untied, or tied to ``move_to`` (another milestone of the workspace)."""
    _own(access, m)
    ws = access.workspace
    if move_to is not None and (move_to.workspace_id != ws.pk or move_to.pk == m.pk):
        raise ValidationError({"move_to": "Choose another milestone of this workspace (or none)."})
    tied = tied_benefits(m)
    m.points.update(milestone=move_to)
    fate = f"now tied to {move_to.name}" if move_to else "no longer tied to a milestone"
    benefits = Benefit.objects.in_bulk([b["id"] for b in tied])
    for row in tied:
        dates = ", ".join(d.isoformat() for d in row["dates"])
        audit(ws, actor, "updated", benefits[row["id"]],
              f"Expected values of {row['description']} on {dates} {fate}: milestone {m.name} "
              "deleted", {"milestone": [m.name, move_to.name if move_to else None],
                          "dates": [d.isoformat() for d in row["dates"]]})  # fmt: skip
    out: MilestoneDeletedOut = {"id": m.pk, "name": m.name,
                                "moved_to": move_to.pk if move_to else None, "benefits": tied}  # fmt: skip
    audit(ws, actor, "deleted", m, f"Deleted milestone {m.name}; expected values of "
          f"{len(tied)} benefit(s) {fate}",
          {"benefits": [b["description"] for b in tied],
           "moved_to": move_to.name if move_to else None})  # fmt: skip
    m.delete()
    return out


# --- Benefits -----------------------------------------------------------------------------


def _benefit_points(ws: Workspace, value: Any) -> list[tuple[date, float, int | None]]:
    """(date, value, milestone id or None) from [(date, value, milestone id or None)], by date."""
    rows = list(value or [])
    if len(rows) > MAX_POINTS:
        raise ValidationError({"points": f"At most {MAX_POINTS} expected values."})
    day = today(ws)
    milestones = set(Milestone.objects.filter(workspace=ws).values_list("pk", flat=True))
    points = []
    for n, row in enumerate(rows):
        try:
            d, v, m = row
        except (TypeError, ValueError):
            raise ValidationError({f"points[{n}]": "Give a date, a value and a milestone (or "
                                                   "none)."}) from None  # fmt: skip
        pd = _date(d, f"points[{n}].date", day)
        pv = _number(v, f"points[{n}].value")
        mid = None
        if m not in (None, ""):
            mid = int(m) if str(m).isdigit() else None
            if mid not in milestones:
                raise ValidationError({f"points[{n}].milestone": f"No milestone {m} in this "
                                                                 "workspace."})  # fmt: skip
        points.append((pd, pv, mid))
    if len({p[0] for p in points}) != len(points):
        raise ValidationError({"points": "One expected value per date."})
    return sorted(points, key=lambda p: p[0])  # type: ignore[arg-type,return-value]


def _benefit_fields(ws: Workspace, data: dict[str, Any], b: Benefit) -> dict[str, Any]:
    """The validated values ``data`` gives (missing keys keep the stored ones); ``points`` only
    when given."""
    description = str(data.get("description", b.description) or "").strip()
    if not description or len(description) > 300:
        raise ValidationError({"description": "Describe the benefit (at most 300 characters)."})
    out: dict[str, Any] = {"description": description}
    for field in ("outcome", "rationale"):
        text = str(data.get(field, getattr(b, field)) or "").strip()
        if len(text) > 2000:
            raise ValidationError({field: "At most 2,000 characters."})
        out[field] = text
    if "kpi" in data or b.pk is None:
        kpi = data.get("kpi")
        if kpi in (None, ""):
            raise ValidationError({"kpi": "Choose the KPI that measures it."})
        out["kpi"] = _in_workspace(Kpi, ws, "kpi", [kpi])[0]
    out["disbenefit"] = bool(data.get("disbenefit", b.disbenefit))
    if "points" in data:
        out["points"] = _benefit_points(ws, data["points"])
    return out


def _stored_points(b: Benefit) -> list[tuple[date, float, int | None]]:
    return [(p.day, p.value, p.milestone_id) for p in b.points.order_by("day")]


def _points_plain(points: list[tuple[date, float, int | None]]) -> list[list[Any]]:
    names = dict(Milestone.objects.filter(pk__in={m for _, _, m in points if m})
                 .values_list("pk", "name"))  # fmt: skip
    return [[d.isoformat(), v, names.get(m) if m else None] for d, v, m in points]


def _store_points(b: Benefit, points: list[tuple[date, float, int | None]]) -> None:
    b.points.all().delete()
    BenefitPoint.objects.bulk_create(
        BenefitPoint(workspace=b.workspace, benefit=b, day=d, value=v, milestone_id=m)
        for d, v, m in points
    )


@transaction.atomic
def create_benefit(access: Access, data: dict[str, Any], actor: Any = None) -> Benefit:
    """Add a benefit: description, outcome, rationale, kpi (id), disbenefit and points:
    [(date, value, milestone id or None)]."""
    access.require(Role.MEMBER)
    ws = access.workspace
    b = Benefit(workspace=ws)
    fields = _benefit_fields(ws, data, b)
    points = fields.pop("points", [])
    for field, value in fields.items():
        setattr(b, field, value)
    b.save()
    _store_points(b, points)
    audit(ws, actor, "created", b, f"Added benefit {b.description}",
          {**{k: [None, _plain(v)] for k, v in fields.items()},
           "points": [None, _points_plain(points)]})  # fmt: skip
    return b


@transaction.atomic
def update_benefit(access: Access, b: Benefit, data: dict[str, Any],
                   actor: Any = None) -> dict[str, list[Any]]:  # fmt: skip
    """Change a benefit (the keys of :func:`create_benefit`; missing ones keep their value;
    ``points`` given replace the stored ones). Return {field: [old, new]}; nothing changed: {}
    and nothing written."""
    _own(access, b)
    fields = _benefit_fields(access.workspace, data, b)
    points = fields.pop("points", None)
    changes = {field: [_plain(getattr(b, field)), _plain(value)]
               for field, value in fields.items() if getattr(b, field) != value}  # fmt: skip
    before = _stored_points(b)
    if points is not None and points != before:
        changes["points"] = [_points_plain(before), _points_plain(points)]
    if not changes:
        return {}
    for field, value in fields.items():
        setattr(b, field, value)
    b.save()
    if points is not None and "points" in changes:
        _store_points(b, points)
    audit(access.workspace, actor, "updated", b, f"Changed benefit {b.description}", changes)
    return changes


@transaction.atomic
def delete_benefit(access: Access, b: Benefit, actor: Any = None) -> None:
    """Delete a benefit and its expected values (its KPI and the KPI's values stay)."""
    _own(access, b)
    audit(access.workspace, actor, "deleted", b, f"Deleted benefit {b.description}",
          {"points": [_points_plain(_stored_points(b)), None]})  # fmt: skip
    b.delete()
