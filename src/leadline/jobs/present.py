"""What a person sees of a job: its result in words, its error and log lines without internals.

Handlers return plain dicts (the API passes them on as they are); the job page names each value
here. An error is shown as its message only when it was written for people (a validation
error, or an exception Leadline raises on bad input); anything else is a fault of the server,
reported as such, with the details left in the server's log. Absolute server paths are cut to
their file name wherever they appear.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

# Result keys of the registered job kinds, in words (unknown keys are humanised).
RESULT_LABELS = {
    "work_items": "Work items",
    "transitions": "Status changes",
    "changes": "Code changes (commits, pull and merge requests)",
    "reviews": "Code reviews",
    "accounts": "Code host accounts (with the git identities they commit as)",
    "deployments": "Deployments",
    "releases": "Releases",
    "incidents": "Incidents",
    "sprints": "Sprints",
    "batches": "Batches written",
    "skipped_batches": "Batches already imported (skipped)",
    "new_statuses": "New statuses to map on the Workflow page",
    "rejected": "Rows rejected (listed on the Imports page)",
    "new_alerts": "New alerts",
    "workspaces": "Workspaces",
    "workspaces_checked": "Workspaces checked",
    "digests_sent": "Digests sent to",
    "workspace": "Workspace",
    "teams": "Teams",
}

# An absolute POSIX path not inside a URL ("https://host/a/b" is left alone).
_PATH = re.compile(r"(?<![\w:/.~-])/(?:[^\s/'\"(),:;]+/)+([^\s/'\"(),:;]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def without_paths(text: str) -> str:
    """Return ``text`` with absolute server paths cut to their last part, control characters
    dropped."""
    return _CONTROL.sub("", _PATH.sub(lambda m: m.group(1), text))


def is_for_people(exc: BaseException) -> bool:
    """Return True when the exception's message was written for the person who sees it."""
    if isinstance(exc, ValidationError | PermissionDenied):
        return True
    # Leadline's own exception classes carry messages that name file, line and field.
    return type(exc).__module__.startswith("leadline.")


def error_message(exc: BaseException, job_id: Any = None) -> str:
    """Return what to tell a person about ``exc`` (see :func:`is_for_people`)."""
    if isinstance(exc, ValidationError):
        return without_paths("; ".join(exc.messages))
    if is_for_people(exc) and str(exc).strip():
        return without_paths(str(exc).strip())
    where = f" (job {job_id})" if job_id else ""
    return (
        "Something went wrong on the server while running this job. Running it again may work; "
        f"if not, whoever runs Leadline can find the details in the server's log{where}."
    )


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, list | tuple | set):
        return ", ".join(_text(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_text(v)}" for k, v in value.items()) or "none"
    return without_paths(str(value))


def label(key: str) -> str:
    """Return the words for a result key (``skipped_batches`` → "Batches already imported")."""
    return RESULT_LABELS.get(key) or key.replace("_", " ").capitalize()


def result_rows(result: Any) -> list[tuple[str, str]]:
    """Return a job's result as (label, text) pairs: lists joined, numbers with separators."""
    if not isinstance(result, dict):
        return []
    return [(label(k), _text(v)) for k, v in result.items()]


def summary(result: dict[str, Any]) -> str:
    """Return a result as one sentence for the log ("Work items 2,872; Status changes 9,120")."""
    return "; ".join(f"{name} {text}" for name, text in result_rows(result)) or "nothing"
