"""Outcomes: writing KPIs and their entered values.

Saving and deleting a KPI, recording entered values (one per day) and importing them from CSV.
Reading them back (series, scores, scorecards) stays in :mod:`.services`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from leadline.workspaces.models import Function, Team
from leadline.workspaces.services import Access, audit

from . import silos
from .models import ENTERED, Kpi, KpiValue
from .results import KpiImportOut, KpiImportProblem, KpiValuesOut
from .services import _date, _in_workspace, _kpis, _number, nodes, source_label, today
from .sources import SOURCES

MAX_IMPORT_LINES = 10_000
_FIELDS = ("name", "definition", "unit", "direction", "kind", "source", "target_value",
           "target_date", "active_from", "active_until", "measures", "contributes_to_id")  # fmt: skip


def _field_state(kpi: Kpi) -> dict[str, Any]:
    return {f.removesuffix("_id"): v.isoformat() if isinstance(v, date) else v
            for f in _FIELDS for v in [getattr(kpi, f)]}  # fmt: skip


def _kpi_state(kpi: Kpi) -> dict[str, Any]:
    """What a save can change of a KPI, as the audit log stores it (JSON-friendly)."""
    state = _field_state(kpi)
    if kpi.pk is not None:
        state["functions"] = sorted(kpi.functions.values_list("pk", flat=True))
        state["teams"] = sorted(kpi.teams.values_list("slug", flat=True))
        state["conflicts_with"] = sorted(kpi.conflicts_with.values_list("pk", flat=True))
    return state


def save_kpi(
    access: Access, data: dict[str, Any], kpi: Kpi | None = None, actor: Any = None
) -> Kpi:
    """Create (or, with ``kpi``, change) a KPI: see :func:`_save_kpi`."""
    return _save_kpi(access, data, kpi, actor)[0]


def update_kpi(access: Access, kpi: Kpi, data: dict[str, Any],
               actor: Any = None) -> dict[str, list[Any]]:  # fmt: skip
    """Change a KPI (missing keys keep their value); return {field: [old, new]}, empty (and
    nothing written, no audit event) when nothing changed."""
    return _save_kpi(access, data, kpi, actor)[1]


@transaction.atomic
def _save_kpi(
    access: Access, data: dict[str, Any], kpi: Kpi | None, actor: Any
) -> tuple[Kpi, dict[str, list[Any]]]:
    """Create (or, with ``kpi``, change) a KPI from ``data``: name, definition, unit, direction,
    kind, functions (ids), teams (slugs), target_value, target_date, source, contributes_to (id),
    conflicts_with (ids), measures, active_from, active_until. Missing keys keep their value.

    A ``contributes_to`` that would close a cycle is refused, naming the chain."""
    from leadline.workspaces.models import Role

    access.require(Role.MEMBER)
    ws = access.workspace
    day = today(ws)
    new = kpi is None
    kpi = kpi or Kpi(workspace=ws)
    before = _kpi_state(kpi)
    if "name" in data or new:
        name = str(data.get("name") or "").strip()
        if not name:
            raise ValidationError({"name": "Give the KPI a name."})
        if len(name) > 200:
            raise ValidationError({"name": "At most 200 characters."})
        if Kpi.objects.filter(workspace=ws, name=name).exclude(pk=kpi.pk).exists():
            raise ValidationError({"name": f"There is a KPI named {name!r} already."})
        kpi.name = name
    for field, limit in (("definition", 2000), ("unit", 40), ("measures", 64)):
        if field in data:
            text = str(data[field] or "").strip()
            if len(text) > limit:
                raise ValidationError({field: f"At most {limit} characters."})
            setattr(kpi, field, text)
    if "direction" in data:
        if data["direction"] not in Kpi.Direction.values:
            raise ValidationError({"direction": "Choose higher or lower."})
        kpi.direction = data["direction"]
    if "kind" in data:
        if data["kind"] not in Kpi.Kind.values:
            raise ValidationError({"kind": "Choose progress or outcome."})
        kpi.kind = data["kind"]
    if "source" in data:
        source = data["source"] or ENTERED
        if source != ENTERED and source not in SOURCES:
            raise ValidationError({"source": f"No computed source {source!r}; choose one of "
                                             f"{', '.join(sorted(SOURCES))} or entered."})  # fmt: skip
        kpi.source = source
    if "target_value" in data:
        kpi.target_value = _number(data["target_value"], "target_value", required=False)
    for field in ("target_date", "active_from", "active_until"):
        if field in data:
            setattr(kpi, field, _date(data[field], field, day, required=False))
    if kpi.active_from and kpi.active_until and kpi.active_until <= kpi.active_from:
        raise ValidationError({"active_until": "Retire it after the day it came into use."})
    if "contributes_to" in data:
        target = data["contributes_to"]
        target_kpi = (
            _in_workspace(Kpi, ws, "contributes_to", [target])[0] if target not in (None, "")
            else None
        )  # fmt: skip
        if target_kpi is not None and kpi.pk is not None:
            chain = silos.would_cycle({n.id: n for n in nodes(_kpis(ws))}, kpi.pk, target_kpi.pk)
            if chain is not None:
                names = dict(Kpi.objects.filter(workspace=ws).values_list("pk", "name"))
                path = " → ".join([kpi.name, *(names[i] for i in chain)])
                raise ValidationError({"contributes_to": f"That would make a cycle: {path}. A KPI "
                                                         "cannot serve itself."})  # fmt: skip
        kpi.contributes_to = target_kpi
    fields = _field_state(kpi)
    if new or any(before[k] != v for k, v in fields.items()):
        kpi.save()
    if "functions" in data:
        kpi.functions.set(_in_workspace(Function, ws, "functions", list(data["functions"] or [])))
    if "teams" in data:
        kpi.teams.set(_in_workspace(Team, ws, "teams", list(data["teams"] or []), by="slug"))
    if "conflicts_with" in data:
        others = _in_workspace(Kpi, ws, "conflicts_with", list(data["conflicts_with"] or []))
        if any(o.pk == kpi.pk for o in others):
            raise ValidationError({"conflicts_with": "A KPI cannot pull against itself."})
        kpi.conflicts_with.set(others)
    if new:
        audit(ws, actor, "created", kpi, f"Added KPI {kpi.name}")
        return kpi, {}
    after = _kpi_state(kpi)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if changes:  # a save that changes nothing writes no audit event
        audit(ws, actor, "updated", kpi, f"Changed KPI {kpi.name}", changes)
    return kpi, changes


def delete_kpi(access: Access, kpi: Kpi, actor: Any = None) -> None:
    """Delete a KPI and its values. A KPI that measures benefits is refused (deleting it would
    delete them with it): measure them by another KPI, or delete them, first."""
    from leadline.workspaces.models import Role

    access.require(Role.MEMBER)
    measured = list(kpi.benefits.order_by("description").values_list("description", flat=True))
    if measured:
        names = ", ".join(repr(d) for d in measured[:5]) + (" …" if len(measured) > 5 else "")
        raise ValidationError({"kpi": f"{kpi.name} measures {len(measured)} benefit(s) on the "
                                      f"roadmap ({names}): measure them by another KPI, or "
                                      "delete them, before deleting it."})  # fmt: skip
    audit(access.workspace, actor, "deleted", kpi, f"Deleted KPI {kpi.name}")
    kpi.delete()


def _store(kpi: Kpi, rows: Sequence[tuple[date, float]], origin: str) -> KpiValuesOut:
    existing = {v.day: v for v in KpiValue.objects.filter(kpi=kpi, day__in=[d for d, _ in rows])}
    out: KpiValuesOut = {"created": 0, "updated": 0, "unchanged": 0}
    for day, value in dict(rows).items():  # the last value of a day given twice wins
        row = existing.get(day)
        if row is None:
            KpiValue.objects.create(workspace=kpi.workspace, kpi=kpi, day=day, value=value,
                                    origin=origin)  # fmt: skip
            out["created"] += 1
        elif row.value != value:
            row.value, row.origin = value, origin
            row.save(update_fields=["value", "origin"])
            out["updated"] += 1
        else:
            out["unchanged"] += 1
    return out


@transaction.atomic
def record_values(access: Access, kpi: Kpi, values: Sequence[tuple[Any, Any]], origin: str = "page",
                  actor: Any = None) -> KpiValuesOut:  # fmt: skip
    """Store entered values (day, value) of ``kpi``: one per day, a second replaces the first
    (re-sending the same values changes nothing). A computed KPI takes none."""
    from leadline.workspaces.models import Role

    access.require(Role.MEMBER)
    if kpi.source != ENTERED:
        raise ValidationError({"values": f"{kpi.name} is computed from {source_label(kpi.source)}; "
                                         "it takes no entered values."})  # fmt: skip
    if len(values) > MAX_IMPORT_LINES:
        raise ValidationError({"values": f"At most {MAX_IMPORT_LINES:,} values at once."})
    day = today(access.workspace)
    rows = []
    for n, (d, v) in enumerate(values):
        field = f"values[{n}]" if len(values) > 1 else ""
        rows.append((_date(d, f"{field}.date" if field else "date", day),
                     _number(v, f"{field}.value" if field else "value")))  # fmt: skip
    out = _store(kpi, rows, origin)  # type: ignore[arg-type]
    audit(access.workspace, actor, "updated", kpi,
          f"Recorded {len(rows)} value(s) of KPI {kpi.name} ({origin})", dict(out))  # fmt: skip
    return out


def import_csv(
    access: Access, text: str, kpi: Kpi | None = None, actor: Any = None
) -> KpiImportOut:
    """Import entered values from CSV: ``kpi,date,value`` (the KPI by id or name), or
    ``date,value`` when ``kpi`` is given. Every problem is reported with its line and field;
    if there is any, nothing is written (stored values stay as they were). Importing the same
    file again changes nothing."""
    from leadline.workspaces.models import Role

    access.require(Role.MEMBER)
    ws = access.workspace
    day = today(ws)
    errors: list[KpiImportProblem] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in next(reader, [])]
    need = ["date", "value"] if kpi is not None else ["kpi", "date", "value"]
    missing = [c for c in need if c not in header]
    if missing:
        return {"stored": False, "created": 0, "updated": 0, "unchanged": 0,
                "errors": [{"line": 1, "field": c, "message": f"no {c!r} column (the header "
                            f"needs {', '.join(need)})"} for c in missing]}  # fmt: skip
    col = {c: header.index(c) for c in need}
    by_name = {k.name.lower(): k for k in Kpi.objects.filter(workspace=ws)}
    by_id = {str(k.pk): k for k in by_name.values()}
    rows: dict[int, list[tuple[date, float]]] = {}
    targets: dict[int, Kpi] = {}
    for line, cells in enumerate(reader, start=2):
        if line - 1 > MAX_IMPORT_LINES:
            errors.append(
                {"line": line, "field": "", "message": f"at most {MAX_IMPORT_LINES:,} lines"}
            )
            break
        if not any(c.strip() for c in cells):
            continue
        cell = {c: (cells[i].strip() if i < len(cells) else "") for c, i in col.items()}
        target = kpi
        if kpi is None:
            target = by_id.get(cell["kpi"]) or by_name.get(cell["kpi"].lower())
            if target is None:
                errors.append({"line": line, "field": "kpi",
                               "message": f"no KPI {cell['kpi']!r} in this workspace"})  # fmt: skip
                continue
        assert target is not None
        if target.source != ENTERED:
            errors.append({"line": line, "field": "kpi", "message": f"{target.name} is computed "
                           f"({source_label(target.source)}); it takes no entered values"})  # fmt: skip
            continue
        try:
            d = _date(cell["date"], "date", day)
            v = _number(cell["value"], "value")
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.append({"line": line, "field": field, "message": " ".join(messages)})
            continue
        targets[target.pk] = target
        rows.setdefault(target.pk, []).append((d, v))  # type: ignore[arg-type]
    if errors:
        return {"stored": False, "created": 0, "updated": 0, "unchanged": 0, "errors": errors}
    total: KpiImportOut = {"stored": True, "created": 0, "updated": 0, "unchanged": 0, "errors": []}
    with transaction.atomic():
        for pk, values in rows.items():
            out = _store(targets[pk], values, "csv")
            for k in ("created", "updated", "unchanged"):
                total[k] += out[k]  # type: ignore[literal-required]
            audit(ws, actor, "updated", targets[pk],
                  f"Imported {len(values)} value(s) of KPI {targets[pk].name} (CSV)", dict(out))  # fmt: skip
    return total
