"""Work items that tell the demo's flow stories now, on top of the generated history.

Mobile starts more than it finishes while its oldest work ages (the Radar's
starting_more_than_finishing and aging_work); Checkout's finished stories keep coming back
after review because their acceptance criteria were unclear (rework_rising). Fixed keys and
dates relative to the demo's today: importing them again changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from leadline.records import TransitionRecord, WorkItemRecord

MOBILE_STARTED = (
    "Offline basket sync", "Apple Pay on the order screen", "Order tracking push", "Dark mode",
    "Wish list sharing", "Store locator map", "Biometric login", "Returns in the app",
    "Gift cards in the wallet", "Voice search", "In-app chat with support", "Size guide",
    "Recently viewed carousel", "Delivery slot picker", "Reorder from history",
    "Loyalty points balance", "Scan a barcode in store", "Price drop alerts",
    "Click and collect status", "Saved addresses sync",
)  # fmt: skip
MOBILE_AGING = (
    ("Migrate push to the new notification API", "Blocked"),
    ("Accessibility fixes for the checkout flow", "In Review"),
    ("Crash on older Android tablets", "In Progress"),
    ("Rewrite the product page in SwiftUI", "In Progress"),
)
CHECKOUT_REWORK = (
    "Saved cards: choose the default card", "Saved cards: remove an expired card",
    "One-page checkout: address autocomplete", "One-page checkout: delivery options",
    "Promo codes on the one-page checkout", "Guest checkout email capture",
    "Order confirmation with saved card", "Split payment: card and gift card",
    "Basket totals with VAT per country", "Retry a declined card",
)  # fmt: skip


def _at(end: date, days_ago: float, hour: float = 10.0) -> datetime:
    day = end - timedelta(days=int(days_ago))
    if day.weekday() >= 5:  # work happens on weekdays
        day -= timedelta(days=day.weekday() - 4)
    return datetime.combine(day, time(tzinfo=UTC)) + timedelta(hours=hour)


def _item(
    key: str, title: str, project: str, end: date, moves: Sequence[tuple[float, str]], who: str
) -> WorkItemRecord:
    created = _at(end, moves[0][0] + 3, 9.0)
    previous = "Backlog"
    transitions = [TransitionRecord(key, created, None, "Backlog")]
    for k, (ago, status) in enumerate(moves):
        transitions.append(TransitionRecord(key, _at(end, ago, 10.0 + k * 0.2), previous, status))
        previous = status
    done = [t.at for t in transitions if t.to_status == "Done"]
    return WorkItemRecord(
        source="jira", key=key, title=title, created=created, status=previous, project=project,
        type="Story", assignees=[who], resolved=done[-1] if previous == "Done" else None,
        resolution="Done" if previous == "Done" else "", transitions=transitions,
    )  # fmt: skip


def flow_stories(end: date) -> dict[str, list[WorkItemRecord]]:
    """The story items per generator team key (MOB, CHK)."""
    mobile = [
        _item(f"MOB-{5001 + n}", title, "MOB", end,
              [(28 - 1.4 * n, "Selected for Development"), (27 - 1.4 * n, "In Progress")],
              ("Elena Rossi", "Farid Nasser")[n % 2])
        for n, title in enumerate(MOBILE_STARTED)
    ]  # fmt: skip
    mobile += [
        _item(f"MOB-{5101 + n}", title, "MOB", end,
              [(62 - 6 * n, "Selected for Development"), (60 - 6 * n, "In Progress")]
              + ([(40 - 4 * n, status)] if status != "In Progress" else []),
              "Farid Nasser")
        for n, (title, status) in enumerate(MOBILE_AGING)
    ]  # fmt: skip
    checkout = []
    for n, title in enumerate(CHECKOUT_REWORK):
        done = (
            30 - 2.5 * n
        )  # finished, reopened after review with the product owner, finished again
        checkout.append(
            _item(f"CHK-{5001 + n}", title, "CHK", end, [
                (done + 8, "Selected for Development"), (done + 7, "In Progress"),
                (done + 4, "In Review"), (done + 3, "Done"), (done + 1, "In Progress"),
                (done + 0.5, "In Review"), (done, "Done"),
            ], ("Amira Haddad", "Ben Okafor")[n % 2])
        )  # fmt: skip
    return {"MOB": mobile, "CHK": checkout}
