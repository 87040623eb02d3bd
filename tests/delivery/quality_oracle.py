"""The data-quality checks written item by item in plain Python: the reference that the
vectorised checks in ``leadline.delivery.quality`` must agree with (``test_quality_checks.py``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from leadline.delivery.quality import CHECKS, RANK, Finding
from leadline.delivery.services import History


def oracle_findings(
    history: History, mapping: dict[tuple[str, str], str | None]
) -> dict[str, Finding]:
    findings = {name: Finding(name) for name in CHECKS}
    steps: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in history.transitions.sort("item_id", "seq").iter_rows(named=True):
        steps[row["item_id"]].append(row)
    unmapped: dict[str, int] = defaultdict(int)
    for item in history.items.sort("item_id").iter_rows(named=True):
        _check_item(item, steps.get(item["item_id"], []), mapping, findings, unmapped)
    for status, n in sorted(unmapped.items(), key=lambda kv: (-kv[1], kv[0])):
        findings["unmapped_statuses"].count += 1
        findings["unmapped_statuses"].examples.append(
            {"key": status, "detail": f"{n} transitions into it"}
        )
    return findings


def _check_item(
    item: dict[str, Any],
    history: list[dict[str, Any]],
    mapping: dict[tuple[str, str], str | None],
    findings: dict[str, Finding],
    unmapped: dict[str, int],
) -> None:
    key, source = item["key"], item["source"]
    previous: str | None = None
    started = done = False
    last_done_at = None
    backwards: list[str] = []
    after_done: list[str] = []
    for step in history:
        at, from_status, to_status = step["at"], step["from_status"], step["to_status"]
        if previous is not None and from_status is not None and from_status != previous:
            findings["history_gaps"].add(
                key, f"{at:%Y-%m-%d}: left {from_status!r} but was in {previous!r}"
            )
        category = mapping.get((source, to_status))
        if category is None:
            unmapped[to_status] += 1
        before = mapping.get((source, previous)) if previous is not None else None
        if category == "active":
            started = True
        if before in RANK and category in RANK and RANK[category] < RANK[before]:
            backwards.append(f"{previous} → {to_status} on {at:%Y-%m-%d}")
        if before == "done" and category == "done" and previous != to_status:
            after_done.append(f"{previous} → {to_status} on {at:%Y-%m-%d}")
        if category == "done" and before != "done":
            done, last_done_at = True, at
        elif category in ("active", "backlog"):
            done = False
        previous = to_status
    if done and not started:
        findings["finished_never_started"].add(key, "went to done with no active stage")
    if backwards:
        findings["moved_backwards"].add(key, "; ".join(backwards[:3]))
    if after_done:
        findings["changed_after_done"].add(key, "; ".join(after_done[:3]))
    if done and last_done_at is not None and last_done_at < item["created"]:
        findings["finished_before_created"].add(
            key, f"finished {last_done_at:%Y-%m-%d %H:%M}, created {item['created']:%Y-%m-%d %H:%M}"
        )
