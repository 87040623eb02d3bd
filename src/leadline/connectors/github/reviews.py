"""Map GitHub pull request reviews, and the accounts pull request commits name, to records.

A review is kept once submitted (a ``PENDING`` review is a draft only its author sees) and when
a person wrote it: reviews by bots (``"type": "Bot"``, or a login ending in ``[bot]`` as GitHub
names apps) and by deleted accounts (no login) are left out. Replies in a review thread count
as ``COMMENTED`` reviews, the pull request's author's own included; telling those apart from
someone else's review is the reader's business (the record keeps the change's author).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from leadline.connectors.github._util import SOURCE, login, parse_time
from leadline.records import AccountRecord, ReviewRecord

REVIEW_STATES = {
    "APPROVED": "approved",
    "CHANGES_REQUESTED": "changes_requested",
    "COMMENTED": "commented",
    "DISMISSED": "dismissed",
}


def is_bot(user: Mapping[str, Any] | None) -> bool:
    """True for an app or bot account: GitHub's ``type`` says so, or its login ends in [bot]."""
    if not user:
        return False
    return str(user.get("type") or "") == "Bot" or login(user).endswith("[bot]")


def map_review(
    review: Mapping[str, Any], *, repository: str, number: int | str, change_author: str = ""
) -> ReviewRecord | None:
    """Map one review of pull request ``number``; None for a draft, a bot's or a ghost's."""
    user = review.get("user")
    state = REVIEW_STATES.get(str(review.get("state") or "").upper())
    submitted = parse_time(review.get("submitted_at"))
    who = login(user)
    if state is None or submitted is None or not who or is_bot(user):
        return None
    return ReviewRecord(
        source=SOURCE,
        external_id=f"review:{review['id']}",
        change_id=f"{repository}#{number}",
        repository=repository,
        reviewer=who,
        state=state,
        submitted=submitted,
        change_author=change_author,
        url=str(review.get("html_url") or ""),
    )


def map_accounts(commits: Iterable[Mapping[str, Any]]) -> Iterator[AccountRecord]:
    """The (login, git name, git email) each commit ties together, once each, bots left out.

    A commit whose author GitHub could not match to an account (no ``author``) says nothing.
    """
    seen: set[str] = set()
    for commit in commits:
        user = commit.get("author")
        git = (commit.get("commit") or {}).get("author") or {}
        who, email = login(user), str(git.get("email") or "").strip()
        if not who or not email or is_bot(user):
            continue
        key = f"{who}:{email.casefold()}"
        if key in seen:
            continue
        seen.add(key)
        yield AccountRecord(
            source=SOURCE,
            external_id=key[:200],
            login=who,
            name=str(git.get("name") or "").strip(),
            email=email,
        )
