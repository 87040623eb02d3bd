"""One self-contained HTML report: the Vega-Lite specs and the vendored Vega JS inlined (no CDN)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import msgspec

VENDOR = Path(__file__).resolve().parent.parent / "web" / "static" / "leadline" / "vendor"
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


def _inline_js(text: str) -> str:
    # A literal "</script" would end the inline script element early.
    return text.replace("</script", "<\\/script")


def _json_for_script(value: Any) -> str:
    return msgspec.json.encode(value).decode().replace("</", "<\\/")


def render(
    title: str, summary_rows: list[tuple[str, str]], charts: dict[str, dict[str, Any]]
) -> str:
    """Return the report's HTML: a summary table, then each chart with its definition caption.

    Charts render offline from the inlined Vega, Vega-Lite and vega-embed; without JavaScript
    the captions and the summary still read.
    """
    scripts = "\n".join(
        f"<script>{_inline_js((VENDOR / name).read_text(encoding='utf-8'))}</script>"
        for name in SCRIPTS
    )
    rows = "\n".join(
        f"<tr><th scope='row'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in summary_rows
    )
    figures = "\n".join(
        f"<figure id='chart-{html.escape(name)}'><div class='chart' id='vis-{html.escape(name)}'>"
        f"</div><figcaption>{html.escape(spec.get('description', ''))}</figcaption></figure>"
        for name, spec in charts.items()
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
  color: #1f2328; }}
table {{ border-collapse: collapse; margin-bottom: 2rem; }}
th, td {{ text-align: left; padding: .25rem .75rem; border-bottom: 1px solid #d0d7de; }}
figure {{ margin: 0 0 2.5rem 0; }}
.chart {{ width: 100%; }}
figcaption {{ color: #57606a; font-size: .9rem; margin-top: .5rem; }}
</style>
{scripts}
</head>
<body>
<h1>{html.escape(title)}</h1>
<table>{rows}</table>
{figures}
<script>
const specs = {_json_for_script(charts)};
for (const [name, spec] of Object.entries(specs)) {{
  vegaEmbed("#vis-" + name, spec, {{actions: false, renderer: "svg"}}).catch(console.error);
}}
</script>
</body>
</html>
"""
