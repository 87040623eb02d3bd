"""Walk every page of a signed-in workspace as a person would, one page of each kind.

The walk starts from the home page, the workspace overview and the settings and account pages,
and follows every same-site link it finds on each page (navigation, tabs, tables, buttons),
breadth first. Pages are told apart by their *kind*: the path with ids and item keys replaced by a
placeholder, plus the names of the query parameters other than the team scope. ``/raid/12/`` and
``/raid/40/`` are one kind, ``/decisions/?status=proposed`` is another, so the walk sees one detail
page of each kind of item, not all 3,000 items. Every section is seen across the workspace; the
overview and the dashboards are seen scoped to one team as well (they are walk starts).

Only GET links are followed and no form is submitted; links that sign out, delete, cancel, start
work or download a file are left alone.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urldefrag, urlparse

from django.conf import settings

# Links the walk never follows: they change state (even as GETs) or lead to a download.
SKIP = re.compile(
    r"(/accounts/logout|/delete|/cancel|/sync/|/jobs/start|/api/"
    r"|\.(csv|ics|json|pdf|png|svg|txt|zip)(\?|$)|[?&]format=)",
    re.I,
)
# Path segments that name one record: numbers, uuids, tokens, item keys (CHK-123).
RECORD = re.compile(r"\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[A-Za-z0-9_-]{24,}|[A-Z][A-Z0-9]*-\d+")

# Pages that draw charts mark each with data-chart and set data-rendered when Vega has drawn it.
CHARTS_DRAWN = (
    "[...document.querySelectorAll('[data-chart]')]"
    ".every(e => e.dataset.rendered === '1' || e.dataset.rendered === 'error')"
)


def kind(url: str) -> str:
    """Return the kind of page ``url`` is: its path with record ids as ``<id>``, and the names
    (not the values) of its query parameters but ``team``."""
    parts = urlparse(url)
    path = "/".join("<id>" if RECORD.fullmatch(s) else s for s in parts.path.split("/"))
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = sorted({name for name, _ in query if name != "team"})
    return path + ("?" + "&".join(names) if names else "")


def settle(page: Any) -> None:
    """Wait until the page has loaded (its deferred scripts have run) and its charts are drawn.

    Pages fetch nothing after they load (chart data is in the page), so waiting for the network
    to stay idle for half a second would only add that half second to every page.
    """
    page.wait_for_load_state("load")
    if page.locator("[data-chart]").count():
        page.wait_for_function(CHARTS_DRAWN, timeout=15000)


def demo_starts(workspace: str = "demo") -> list[str]:
    """Return where a walk of the demo begins: the home page, the workspace overview, settings
    and account pages, the overview and dashboards scoped to one team, and the pages only one
    record leads to (the diff of the agreement with the most versions)."""
    from django.db.models import Count

    from leadline.agreements.models import WorkingAgreement
    from leadline.workspaces.models import Team

    w = f"/w/{workspace}"
    starts = ["/", f"{w}/", f"{w}/settings/", "/account/profile/", "/account/tokens/"]
    team = Team.objects.filter(workspace__slug=workspace).order_by("slug").first()
    if team is not None:
        starts += [
            f"{w}/{section}?team={team.slug}"
            for section in ("", "delivery/", "delivery/dora/", "forecasts/", "delivery/portfolio/")
        ]
    agreement = (
        WorkingAgreement.objects.filter(workspace__slug=workspace)
        .annotate(n=Count("versions"))
        .order_by("-n", "pk")
        .first()
    )
    if agreement is not None:
        starts += [f"{w}/agreements/{agreement.pk}/", f"{w}/agreements/{agreement.pk}/diff/"]
    return starts


DEMO_WITHIN = ("/w/demo/", "/account/")
# Not found, shown inside the layout: the walk opens it last and expects a 404.
MISSING = "/w/demo/no-such-page/"


def walk(
    page: Any,
    server: str,
    starts: Iterable[str],
    within: tuple[str, ...],
    missing: Iterable[str] = (),
    limit: int = 120,
) -> Iterator[str]:
    """Open each page of the site once per kind and yield its URL while ``page`` shows it.

    ``starts`` are paths to begin with; links are followed when their path starts with one of
    ``within``. ``missing`` are paths opened last that must answer 404 (the error page). The
    caller inspects the page at each step; the walk then collects its links.
    """
    host = urlparse(server).netloc
    queue = deque(server + path for path in starts)
    kinds: set[str] = set()
    for url in queue:
        kinds.add(kind(url))
    opened = 0
    while queue and opened < limit:
        url = queue.popleft()
        response = page.goto(url)
        assert response is not None and response.status < 400, f"{url} answered {response}"
        settle(page)
        opened += 1
        yield url
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download]):not([target=_blank])", "els => els.map(e => e.href)"
        )
        for href in hrefs:
            href = urldefrag(href)[0]
            parts = urlparse(href)
            if (
                parts.netloc == host
                and parts.path.startswith(within)
                and not SKIP.search(href)
                and kind(href) not in kinds
            ):
                kinds.add(kind(href))
                queue.append(href)
    for path in missing:
        response = page.goto(server + path)
        assert response is not None and response.status == 404, f"{path} answered {response}"
        settle(page)
        yield server + path


def shoot(page: Any, url: str, label: str) -> Path:
    """Save a full-page screenshot of a failing page under LEADLINE_HOME/browser-failures, named
    by ``label`` and the URL; return its path."""
    folder = Path(settings.HOME) / "browser-failures"
    folder.mkdir(parents=True, exist_ok=True)
    name = "".join(c if c.isalnum() else "-" for c in url.split("//", 1)[-1])[:120]
    path = folder / f"{label}-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
