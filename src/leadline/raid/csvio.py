"""RAID CSV import and export; the columns are documented in docs/governance.md.

Import is all-or-nothing: every row is checked first, and any error names its line and field.
Re-importing the same file changes nothing (rows match on external_id, else on type + title).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction

from leadline import csvsafe
from leadline.connectors.csv.rows import RowLines, unreadable
from leadline.raid.models import RaidItem
from leadline.workspaces.models import Person, Team
from leadline.workspaces.services import Access

from . import services as raid

COLUMNS = [
    "external_id",
    "type",
    "title",
    "description",
    "status",
    "owner",
    "team",
    "blocker",
    "review_date",
    "cause",
    "effect",
    "probability",
    "impact",
    "proximity",
    "mitigation",
    "mitigation_actions",
    "trigger",
    "validate_by",
    "severity",
    "due_date",
    "provider_kind",
    "provider_team",
    "provider",
    "needed",
    "need_by",
    "work_items",
]
DATES = {"review_date", "proximity", "validate_by", "due_date", "need_by"}
INTS = {"probability", "impact"}
TEXT = {
    "description": "description",
    "status": "status",
    "cause": "cause",
    "effect": "effect",
    "mitigation": "mitigation",
    "mitigation_actions": "mitigation_actions",
    "trigger": "trigger",
    "severity": "severity",
    "provider_kind": "provider_kind",
    "provider": "provider_name",
    "needed": "needed",
    "work_items": "work_items",
}


class CsvImportError(Exception):
    """The file has errors; ``errors`` lists each as "line N, field F: message"."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: list[str] = field(default_factory=list)


def _parse_row(
    row: dict[str, str], line: int, people: dict[str, Person], teams: dict[str, Team]
) -> tuple[str, dict[str, Any], list[str]]:
    errors: list[str] = []
    data: dict[str, Any] = {}

    def err(column: str, message: str) -> None:
        errors.append(f"line {line}, field {column}: {message}")

    # A quote Leadline's export put before a formula-like cell is taken off again (csvsafe).
    value = {k: csvsafe.restore((v or "").strip()) for k, v in row.items() if k}
    kind = value.get("type", "").lower()
    if kind not in RaidItem.Kind.values:
        err("type", f"{value.get('type', '')!r} is not risk, assumption, issue or dependency")
    if not value.get("title"):
        err("title", "is required")
    data["title"] = value.get("title", "")
    data["external_id"] = value.get("external_id", "")
    for column, attr in TEXT.items():
        if column in value:
            data[attr] = (
                value[column].lower()
                if column in {"status", "severity", "provider_kind"}
                else value[column]
            )
    if not data.get("status"):
        data.pop("status", None)
    for column in DATES:
        if value.get(column):
            try:
                data[column] = date.fromisoformat(value[column])
            except ValueError:
                err(column, f"{value[column]!r} is not a date (use YYYY-MM-DD)")
        elif column in value:
            data[column] = None
    for column in INTS:
        if value.get(column):
            if not value[column].isdigit() or not 1 <= int(value[column]) <= 5:
                err(column, f"{value[column]!r} must be a whole number from 1 to 5")
            else:
                data[column] = int(value[column])
        elif column in value:
            data[column] = None
    if "blocker" in value:
        flag = value["blocker"].lower()
        if flag not in {"", "yes", "no", "true", "false", "1", "0"}:
            err("blocker", f"{value['blocker']!r} is not yes or no")
        data["blocker"] = flag in {"yes", "true", "1"}
    for column, attr, lookup in (
        ("owner", "owner", people),
        ("team", "team", teams),
        ("provider_team", "provider_team", teams),
    ):
        if value.get(column):
            found = lookup.get(value[column].lower())
            if found is None:
                err(
                    column,
                    f"no {'person' if column == 'owner' else 'team'} {value[column]!r} in this workspace",
                )
            data[attr] = found
        elif column in value:
            data[attr] = None
    return kind, data, errors


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Return an uploaded RAID file's text: UTF-8 (BOM or not), UTF-16 with a BOM, or
    ``encoding``; raise CsvImportError naming the line and column of a foreign byte."""
    from leadline.connectors.textfile import EncodingProblem
    from leadline.connectors.textfile import decode as decode_text

    try:
        return decode_text(data, name, encoding)
    except EncodingProblem as problem:
        raise CsvImportError([str(problem)]) from None


@transaction.atomic
def import_csv(access: Access, text: str, actor: Any = None) -> ImportResult:
    """Import RAID rows (member role); raise CsvImportError listing every bad line and field."""
    from django.core.exceptions import ValidationError

    access.require("member")
    lines = RowLines(io.StringIO(text.lstrip("\ufeff"), newline=""))
    reader = csv.DictReader(lines)
    header = [h.strip() for h in (reader.fieldnames or [])]
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown or "type" not in header or "title" not in header:
        problems = [f"line 1, field {h}: unknown column" for h in unknown]
        problems += [
            f"line 1, field {c}: missing column" for c in ("type", "title") if c not in header
        ]
        raise CsvImportError(problems)
    reader.fieldnames = header
    ws = access.workspace
    people: dict[str, Person] = {}
    for p in Person.objects.filter(workspace=ws):
        people[p.name.lower()] = p
        if p.email:
            people[p.email.lower()] = p
    teams: dict[str, Team] = {}
    for t in Team.objects.filter(workspace=ws):
        teams[t.slug.lower()], teams[t.name.lower()] = t, t
    rows, errors = [], []
    while True:
        lines.text.clear()
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:  # a cell over the csv module's limit, and such
            why = unreadable(reader.fieldnames or [], "".join(lines.text), error)
            errors.append(f"line {reader.line_num}, {why}")
            continue
        line = reader.line_num
        kind, data, row_errors = _parse_row(row, line, people, teams)
        errors += row_errors
        errors += [  # PostgreSQL cannot store it (nor look it up): name the cell instead
            f"line {line}, field {c}: contains the NUL character (U+0000); remove it"
            for c, v in row.items()
            if isinstance(v, str) and "\x00" in v
        ]
        rows.append((line, kind, data))
    if errors:
        raise CsvImportError(errors)
    result = ImportResult()
    for line, kind, data in rows:
        existing = (
            RaidItem.objects.filter(workspace=ws, external_id=data["external_id"]).first()
            if data["external_id"]
            else RaidItem.objects.filter(workspace=ws, kind=kind, title=data["title"]).first()
        )
        try:
            if existing is None:
                raid.create_item(access, kind, data, actor)
                result.created += 1
            elif existing.kind != kind:
                raise CsvImportError(
                    [f"line {line}, field type: {data['external_id']} is a {existing.kind}"]
                )
            elif raid.update_item(access, existing, data, actor):
                result.updated += 1
            else:
                result.unchanged += 1
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"row": exc.messages}
            raise CsvImportError(
                [f"line {line}, field {f}: {m}" for f, ms in messages.items() for m in ms]
            ) from None
    return result


def _cell(item: RaidItem, column: str) -> str:
    attr = {"type": "kind", "provider": "provider_name"}.get(column, column)
    value = getattr(item, attr)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Team):
        return value.slug
    if isinstance(value, Person):
        return value.email or value.name
    return str(value)


def export_csv(items: Iterable[RaidItem]) -> str:
    """Return ``items`` as CSV text with the import's columns (re-importable as is).

    Formula-like cells are neutralised (csvsafe); the import restores them.
    """
    return csvsafe.to_text(COLUMNS, ([_cell(item, c) for c in COLUMNS] for item in items))
