"""Run jira-agile-metrics' calculators on a Jira search-response JSON file, with no Jira server.

Run with the peer's own venv (see setup.sh)::

    benchmarks/.peer-venv/bin/python benchmarks/peer/run_peer.py ISSUES.json \
        --config benchmarks/peer/workflow.yml --out OUTDIR

The peer's QueryManager only needs a client with ``fields()``, ``search_issues()`` and
``_options['server']``; this script supplies one over the file's issues (every query returns all
of them). It prints ``elapsed_seconds: N`` for the whole process.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from jira_agile_metrics.calculator import run_calculators  # noqa: E402
from jira_agile_metrics.config import CALCULATORS, config_to_options  # noqa: E402
from jira_agile_metrics.querymanager import QueryManager  # noqa: E402

# Jira field ids as written by leadline.synth.writers (the search response's "names" wins).
DEFAULT_FIELDS = {
    "summary": "Summary",
    "issuetype": "Issue Type",
    "status": "Status",
    "created": "Created",
    "resolution": "Resolution",
    "resolutiondate": "Resolved",
    "customfield_10021": "Flagged",
}


class JiraObject:
    """Attribute access over a JSON object, as the jira package's resources give it."""

    def __init__(self, data: dict[str, Any]) -> None:
        for key, value in data.items():
            setattr(self, key, wrap(value))

    def __str__(self) -> str:
        return str(getattr(self, "name", getattr(self, "value", "")))


def wrap(value: Any) -> Any:
    """Wrap dicts (recursively, also inside lists) as JiraObject."""
    if isinstance(value, dict):
        return JiraObject(value)
    if isinstance(value, list):
        return [wrap(v) for v in value]
    return value


class FakeJira:
    """The part of a jira.JIRA client that jira-agile-metrics' QueryManager uses."""

    def __init__(self, issues: list[JiraObject], names: dict[str, str], server: str) -> None:
        self.issues = issues
        self._fields = [{"id": k, "name": v} for k, v in {**DEFAULT_FIELDS, **names}.items()]
        self._options = {"server": server}

    def fields(self) -> list[dict[str, str]]:
        """Return the field list (id and name)."""
        return self._fields

    def search_issues(
        self, jql: str, expand: str | None = None, maxResults: Any = None
    ) -> list[JiraObject]:  # noqa: N803
        """Return every issue, whatever the JQL (the file is the query's answer)."""
        return self.issues if not maxResults else self.issues[:maxResults]


def main() -> None:
    """Load the issues, run the calculators and write their files to --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("issues", type=Path, help="Jira search response (or a bare list of issues)")
    parser.add_argument("--config", type=Path, default=Path(__file__).with_name("workflow.yml"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)

    with open(args.issues, encoding="utf-8") as f:
        data = json.load(f)
    raw = data["issues"] if isinstance(data, dict) else data
    names = data.get("names", {}) if isinstance(data, dict) else {}
    issues = [JiraObject(i) for i in raw]
    del data, raw
    t_loaded = time.perf_counter()

    options = config_to_options(args.config.read_text(), cwd=str(args.config.resolve().parent))
    settings = options["settings"]
    server = options["connection"]["domain"] or "https://jira.invalid"
    query_manager = QueryManager(FakeJira(issues, names, server), settings)
    args.out.mkdir(parents=True, exist_ok=True)
    os.chdir(args.out)
    run_calculators(CALCULATORS, query_manager, settings)
    t_end = time.perf_counter()
    print(f"issues: {len(issues)}")
    print(f"load_seconds: {t_loaded - T0:.2f}")
    print(f"calculate_seconds: {t_end - t_loaded:.2f}")
    print(f"elapsed_seconds: {t_end - T0:.2f}")


if __name__ == "__main__":
    main()
