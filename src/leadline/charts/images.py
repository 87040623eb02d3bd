"""Render a chart's Vega-Lite spec to SVG or PNG offline, for reports and slides (vl-convert).

The picture stands alone: its title is drawn and its definition (the spec's description, which
Vega-Lite does not draw) becomes the subtitle. Only the rendered copy changes; the spec the
browser embeds stays as it is. ``vl_convert`` (a bundled V8 with Vega) is imported on first use
so that `leadline analyze` without ``--images`` never loads it.
"""

from __future__ import annotations

import textwrap
from typing import Any

FORMATS = ("svg", "png")
CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
VL_VERSION = "5.21"  # vl-convert's newest 5.x; the browser's vendored Vega-Lite is 5.23
WIDTH = 720  # pixels, for specs sized to their container (no container when rendered alone)
PNG_SCALE = 2  # crisp on slides and high-density screens
SUBTITLE_CHARS = 130  # a subtitle line's length: about WIDTH at the subtitle's font size


def check_format(fmt: str) -> str:
    """Return ``fmt`` if it is an image format; raise ValueError naming the allowed ones."""
    if fmt not in FORMATS:
        raise ValueError(f"image format {fmt!r} is not one of: {', '.join(FORMATS)}")
    return fmt


def standalone_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``spec`` with a fixed width and its description drawn as the subtitle."""
    shown = dict(spec)
    if shown.get("width") == "container":
        shown["width"] = WIDTH
    title = shown.get("title")
    description = shown.get("description")
    if title is None and description is None:
        return shown
    head: dict[str, Any] = dict(title) if isinstance(title, dict) else {"text": title or ""}
    if description and "subtitle" not in head:
        head["subtitle"] = textwrap.wrap(str(description), SUBTITLE_CHARS)
    head = {
        "anchor": "start",
        "fontSize": 15,
        "subtitleFontSize": 11,
        "subtitleColor": "#495057",
        "subtitlePadding": 4,
        "offset": 12,
        **head,
    }
    shown["title"] = head
    return shown


def render_chart(spec: dict[str, Any], fmt: str) -> bytes:
    """Return ``spec`` drawn as ``fmt`` ("svg" or "png", the PNG at scale 2) with its title
    and definition; raise ValueError for any other format."""
    check_format(fmt)
    import vl_convert

    shown = standalone_spec(spec)
    if fmt == "svg":
        svg: str = vl_convert.vegalite_to_svg(shown, vl_version=VL_VERSION)
        return svg.encode("utf-8")
    png: bytes = vl_convert.vegalite_to_png(shown, vl_version=VL_VERSION, scale=PNG_SCALE)
    return png
