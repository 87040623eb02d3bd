"""Demo data for key-person concentration: the stored history of Checkout's ``northwind-shop``
repository. ``basket/``, ``payments/`` and ``receipts/`` are shared by Checkout's engineers;
``loyalty/`` has one author, Ben Okafor, and its commits name the stories of an open Checkout
epic, so the Radar raises an unmanaged key-person risk for it (no RAID risk names loyalty).

Idempotent: commits are found by their (fixed) ids; the results are recomputed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from leadline.delivery.models import WorkItem
from leadline.delivery.services import today
from leadline.demo.builder import DemoContext, step

from . import services
from .models import CodeCommit

REPOSITORY = "northwind-shop"
AMIRA, BEN, HUGO = "Amira Haddad", "Ben Okafor", "Hugo Laurent"
EMAILS = {AMIRA: "amira.haddad@northwind.example", BEN: "ben.okafor@northwind.example",
          HUGO: "hugo.laurent@northwind.example"}  # fmt: skip

# (who, files touched: path → "A" or "M", subject); {story} is a story of the open epic.
SHARED: list[tuple[str, dict[str, str], str]] = [
    (AMIRA, {"basket/add.py": "A", "basket/remove.py": "A"}, "Basket: add and remove"),
    (BEN, {"basket/totals.py": "A", "basket/add.py": "M"}, "Basket totals"),
    (HUGO, {"basket/tests.py": "A", "basket/remove.py": "M"}, "Basket tests"),
    (AMIRA, {"basket/totals.py": "M", "basket/tests.py": "M"}, "Rounding in totals"),
    (BEN, {"payments/card.py": "A", "payments/refund.py": "A"}, "Card payments"),
    (AMIRA, {"payments/provider.py": "A", "payments/card.py": "M"}, "Provider client"),
    (AMIRA, {"payments/refund.py": "M"}, "Partial refunds"),
    (BEN, {"payments/provider.py": "M"}, "Provider retries"),
    (AMIRA, {"payments/card.py": "M"}, "Card: 3-D Secure"),
    (AMIRA, {"payments/card.py": "M"}, "Card: saved cards"),
    (HUGO, {"receipts/render.py": "A", "receipts/email.py": "A"}, "Receipts"),
    (AMIRA, {"receipts/pdf.py": "A", "receipts/render.py": "M"}, "PDF receipts"),
    (HUGO, {"receipts/pdf.py": "M"}, "Receipt layout"),
    (AMIRA, {"receipts/email.py": "M"}, "Receipt email copy"),
    (AMIRA, {"receipts/render.py": "M"}, "Receipt totals block"),
    (AMIRA, {"receipts/render.py": "M"}, "Receipt VAT lines"),
]
LOYALTY: list[tuple[dict[str, str], str]] = [
    ({"loyalty/points.py": "A", "loyalty/tiers.py": "A"}, "{story} loyalty points"),
    ({"loyalty/redeem.py": "A", "loyalty/points.py": "M"}, "{story} redeem points at checkout"),
    ({"loyalty/expiry.py": "A", "loyalty/tiers.py": "M"}, "{story} points expire"),
    ({"loyalty/redeem.py": "M", "loyalty/expiry.py": "M"}, "{story} redeem edge cases"),
]


def _open_epic(ctx: DemoContext) -> tuple[str, list[str]] | None:
    """The first open Checkout epic with stories (by key), and up to four of its stories."""
    team = ctx.teams["checkout"]
    for key in (WorkItem.objects.filter(workspace=ctx.workspace, team=team, type="Epic",
                                        resolved__isnull=True)
                .order_by("created", "key").values_list("key", flat=True)):  # fmt: skip
        stories = list(WorkItem.objects.filter(workspace=ctx.workspace, epic_key=key)
                       .order_by("created", "key").values_list("key", flat=True)[:4])  # fmt: skip
        if stories:
            return key, stories
    return None


@step("Key-person concentration: the shop's code history")
@transaction.atomic
def build(ctx: DemoContext) -> None:
    found = _open_epic(ctx)
    stories = found[1] if found else ["CHK-0"]
    end = today(ctx.workspace)
    plan: list[tuple[str, dict[str, str], str]] = list(SHARED)
    for n, (files, subject) in enumerate(LOYALTY):
        plan.insert(3 * n + 2, (BEN, files, subject.format(story=stories[n % len(stories)])))
    for n, (who, files, subject) in enumerate(plan):
        day = end - timedelta(days=130 - 6 * n)
        day -= timedelta(days=max(0, day.weekday() - 4))  # a weekday
        authored = datetime.combine(day, time(9 + n % 8, 15), tzinfo=UTC)
        sha = hashlib.sha1(f"{REPOSITORY}:{n}".encode(), usedforsecurity=False).hexdigest()
        CodeCommit.objects.update_or_create(
            workspace=ctx.workspace, repository=REPOSITORY, sha=sha,
            defaults={"author_name": who, "author_email": EMAILS[who], "authored": authored,
                      "subject": subject, "files": [[s, p, ""] for p, s in files.items()]},
        )  # fmt: skip
    services.refresh(ctx.workspace, timezone.now())
