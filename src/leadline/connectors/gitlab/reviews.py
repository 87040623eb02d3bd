"""Map GitLab merge request notes to reviews: approvals and comments by people.

GitLab records an approval (and its withdrawal) as a system note, "approved this merge request"
("unapproved ..."), and a request for changes as "requested changes"; a note a person wrote on
a merge request (a comment, a reply, a comment on a line of the diff) is a comment. Other system
notes (assignments, commits added, "merged") are no review, and neither is a note by a bot
account (``"bot": true``) or by a deleted user.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from leadline.connectors.github._util import parse_time
from leadline.records import ReviewRecord

SOURCE = "gitlab"
SYSTEM_REVIEWS = {
    "approved this merge request": "approved",
    "unapproved this merge request": "unapproved",
    "requested changes": "changes_requested",
}


def map_note(
    note: Mapping[str, Any],
    *,
    project: str,
    iid: int | str,
    change_author: str = "",
    change_url: str = "",
) -> ReviewRecord | None:
    """Map one note of merge request ``iid``; None when it is no review (see the module)."""
    author = note.get("author") or {}
    who = str(author.get("username") or "")
    if note.get("system"):
        state = SYSTEM_REVIEWS.get(" ".join(str(note.get("body") or "").split()).casefold())
    else:
        state = "commented"
    submitted = parse_time(note.get("created_at"))
    if state is None or submitted is None or not who or author.get("bot") is True:
        return None
    return ReviewRecord(
        source=SOURCE,
        external_id=f"note:{note['id']}",
        change_id=f"{project}!{iid}",
        repository=project,
        reviewer=who,
        state=state,
        submitted=submitted,
        change_author=change_author,
        reviewer_name=" ".join(str(author.get("name") or "").split()),
        url=f"{change_url}#note_{note['id']}" if change_url else "",
    )
