"""Sections other apps add to the daily digest (:func:`leadline.notify.services.digest`).

Notifications know no feature app beyond governance: an app that has something to say in the
digest (the Radar's open findings) registers a function in its ``AppConfig.ready``::

    from leadline.notify.sections import register_digest_section

    register_digest_section("radar", "leadline.radar.notices.digest_lines")

The function receives the workspace and the moment of the digest and returns its lines (none
for nothing to say). It is named by its dotted path and imported on first use, so registering
loads nothing. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils.module_loading import import_string

DigestSection = Callable[[Any, datetime], list[str]]

_SECTIONS: dict[str, str] = {}


def register_digest_section(key: str, path: str) -> None:
    """Add the lines of the function at dotted ``path`` to every digest, under ``key`` (the
    same key registered again replaces the earlier path). Sections follow the governance part
    in the order they were registered."""
    _SECTIONS[key] = path


def digest_sections() -> list[tuple[str, DigestSection]]:
    """Return the registered sections as (key, function), in the order registered."""
    return [(key, import_string(path)) for key, path in _SECTIONS.items()]
