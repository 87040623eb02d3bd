"""mkdocs hook: the built site must load nothing from the internet, since Leadline runs offline.

Links to other sites are fine (a reader follows them on purpose); what a browser fetches by
itself is not: ``src=`` of scripts, images and frames, ``<link href=…>`` (style sheets, fonts,
preconnects), and ``url(…)`` or ``@import`` in style sheets.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

EXTERNAL = r"""["']?\s*(?:https?:)?//"""
HTML_LOADS = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed|track|input)\b[^>]*?\bsrc\s*=\s*"
    + EXTERNAL
    + r"|<link\b[^>]*?\bhref\s*=\s*"
    + EXTERNAL,
    re.IGNORECASE,
)
CSS_LOADS = re.compile(r"(?:url\(\s*|@import\s+)" + EXTERNAL, re.IGNORECASE)


def external_loads(site: Path) -> list[str]:
    """Return ``file: snippet`` for every load from another host in the built site."""
    found = []
    for path in sorted(site.rglob("*")):
        pattern = {".html": HTML_LOADS, ".css": CSS_LOADS}.get(path.suffix)
        if pattern is None:
            continue
        text = path.read_text(errors="replace")
        for match in pattern.finditer(text):
            snippet = text[match.start() : match.end() + 60].replace("\n", " ")
            found.append(f"{path.relative_to(site)}: {snippet}")
    return found


def on_post_build(config: Any, **kwargs: Any) -> None:
    found = external_loads(Path(config["site_dir"]))
    if found:
        raise PluginError("The documentation would load from the internet:\n" + "\n".join(found))
