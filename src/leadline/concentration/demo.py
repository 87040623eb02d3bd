"""Demo data for key-person concentration: the stored history of Checkout's ``northwind-shop``
repository. ``basket/``, ``payments/`` and ``receipts/`` are shared by Checkout's engineers;
``loyalty/`` has one author, Ben Okafor, and its commits name the stories of an open Checkout
epic, so the Radar raises an unmanaged key-person risk for it (no RAID risk names loyalty).

Each commit was a pull request on GitHub, imported with its reviews (through the import
service, like a sync): Amira Haddad reviews every loyalty change (the key-person risk's
evidence), Hugo Laurent every payments change (the Radar's ``one_reviewer_area``), the rest
is reviewed in turn. Reviewers are GitHub logins, found in the people registry through the
git identities their commits carry. Ben also answers in his own review threads: no review.

Idempotent: commits, pull requests and reviews are found by their (fixed) ids; the results
are recomputed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from leadline.delivery.imports import import_records
from leadline.delivery.models import WorkItem
from leadline.delivery.services import today
from leadline.demo.builder import DemoContext, step
from leadline.records import AccountRecord, ChangeRecord, ReviewRecord

from . import services
from .models import CodeCommit

REPOSITORY = "northwind-shop"
ON_GITHUB = "northwind/northwind-shop"
AMIRA, BEN, HUGO = "Amira Haddad", "Ben Okafor", "Hugo Laurent"
EMAILS = {AMIRA: "amira.haddad@northwind.example", BEN: "ben.okafor@northwind.example",
          HUGO: "hugo.laurent@northwind.example"}  # fmt: skip
LOGINS = {AMIRA: "amira-h", BEN: "bokafor", HUGO: "hlaurent"}
# Who reviews an area's changes: one person for these, else the others in turn.
ONE_REVIEWER = {"loyalty": AMIRA, "payments": HUGO}

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
    ({"loyalty/tiers.py": "M", "loyalty/points.py": "M"}, "{story} tier thresholds"),
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
    records: list[ChangeRecord | ReviewRecord | AccountRecord] = [
        AccountRecord("github", f"{LOGINS[p]}:{EMAILS[p]}", LOGINS[p], p, EMAILS[p])
        for p in (AMIRA, BEN, HUGO)
    ]
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
        records += _pull_request(n, who, files, subject, authored, sha)
    import_records(ctx.workspace, records, team=ctx.teams["checkout"])
    services.refresh(ctx.workspace, timezone.now())


def _pull_request(n: int, who: str, files: dict[str, str], subject: str, authored: datetime,
                  sha: str) -> list[ChangeRecord | ReviewRecord]:  # fmt: skip
    """Commit ``n`` as a pull request merged the next day, with its reviews (no URLs: invented
    records have no page anywhere)."""
    number = 100 + n
    change = f"{ON_GITHUB}#{number}"
    merged = authored + timedelta(days=1)
    area = next(iter(files)).split("/", 1)[0]
    turn = (AMIRA, BEN, HUGO)[n % 3]  # the others review in turn, never the author
    reviewer = ONE_REVIEWER.get(area) or (turn if turn != who else (AMIRA, BEN, HUGO)[(n + 1) % 3])
    out: list[ChangeRecord | ReviewRecord] = [
        ChangeRecord(
            source="github", external_id=change, kind="pull_request", repository=ON_GITHUB,
            title=subject, author=LOGINS[who], created=authored, first_commit_at=authored,
            merged=merged, sha=sha, commits=(sha,),
        ),
        ReviewRecord(
            source="github", external_id=f"review:demo-{n}", change_id=change,
            repository=ON_GITHUB, reviewer=LOGINS[reviewer], state="approved",
            submitted=merged - timedelta(hours=2), change_author=LOGINS[who],
        ),
    ]  # fmt: skip
    if who == BEN and area == "loyalty":  # his answer in the thread: no review
        out.append(ReviewRecord(
            source="github", external_id=f"review:demo-{n}-reply", change_id=change,
            repository=ON_GITHUB, reviewer=LOGINS[BEN], state="commented",
            submitted=merged - timedelta(hours=3), change_author=LOGINS[BEN],
        ))  # fmt: skip
    return out
