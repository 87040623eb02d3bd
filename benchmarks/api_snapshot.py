"""Write the JSON of every GET API route on the demo workspace, to compare before/after a change.

Not a benchmark: a refactoring check (``the dashboards' JSON is unchanged``). Run it on two
commits, each with a fresh ``LEADLINE_HOME`` holding the same keys, and diff the two folders::

    LEADLINE_HOME=/tmp/a .venv/bin/python benchmarks/api_snapshot.py /tmp/snap-a
    LEADLINE_HOME=/tmp/b .venv/bin/python benchmarks/api_snapshot.py /tmp/snap-b
    diff -r /tmp/snap-a /tmp/snap-b

Every route whose only path parameter is the workspace is read (the dashboards with several
queries each), plus the OpenAPI document. The demo is built "as of today", so run both on the
same day; audit, decisions, RAID and today answers carry the build's own timestamps.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

VARIANTS = {
    "metrics/flow": [
        "", "team=checkout", "type=Bug", "type=Story,Task&team=mobile", "teams=checkout,mobile",
        "start=2020-01-01&end=2020-01-31",
    ],
    "metrics/dora": ["", "team=checkout", "window=48&team=platform"],
    "metrics/forecast/when": [
        "", "team=checkout&items=50&trials=2000", "teams=checkout,mobile&trials=2000&seed=7",
        "epics=E-1&trials=500", "team=checkout&epics=CHK-115,CHK-12&trials=500",
    ],
    "metrics/forecast/how-many": [
        "", "team=mobile&days=14&trials=2000", "teams=checkout,mobile&trials=2000",
    ],
    "metrics/portfolio": ["", "sort=-wip", "type=Bug&sort=cycle_time_p85"],
    "today": ["", "for=everyone", "team=checkout"],
}  # fmt: skip


def main(out: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadline.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from leadline.demo.builder import build_demo
    from leadline.workspaces.services import issue_token

    call_command("migrate", verbosity=0)
    out.mkdir(parents=True, exist_ok=True)
    demo = build_demo()
    _, raw = issue_token(demo.user, "snapshot")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_HOST="127.0.0.1")
    doc = client.get("/api/v1/openapi.json").json()
    (out / "openapi.json").write_text(json.dumps(doc, indent=1))
    slug = demo.workspace.slug
    written = 0
    for path, operations in sorted(doc["paths"].items()):
        params = re.findall(r"{(\w+)}", path)
        if "get" not in operations or len(params) != 1:
            continue
        url = path.replace("{" + params[0] + "}", slug)
        tail = url.split(f"/workspaces/{slug}/", 1)[-1]
        for query in VARIANTS.get(tail, [""]):
            response = client.get(f"{url}?{query}")
            name = re.sub(r"[^\w.-]+", "_", f"{tail}?{query}")
            body = response.content.decode()
            (out / f"{name}.txt").write_text(f"{response.status_code}\n{body}")
            written += 1
    print(f"wrote {written} answers to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
