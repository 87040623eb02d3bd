"""Modules that add to a registry when imported, imported the first time the registry is read.

An app names such a module in its ``AppConfig.ready`` through the registry
(``register_rule_module("leadline.pulse.radar_rules")``, which adds it to the registry's
:class:`Modules`) instead of importing it there. Rule, section and series modules load Polars,
NumPy and the connectors; a process that never reads the registry (``leadline import``, most
commands, a worker between jobs) then never pays for them: Django starts as quickly with twenty
apps as it did with eight.
"""

from __future__ import annotations

import importlib
import sys
import threading
import weakref


class Modules:
    """The modules (dotted names) one registry imports before it is first read."""

    def __init__(self) -> None:
        self._pending: list[str] = []
        self._lock = threading.RLock()
        _EVERY.add(self)

    def add(self, name: str) -> None:
        """Name a module to import before the registry is next read (once, however often)."""
        with self._lock:
            if name not in self._pending and name not in sys.modules:
                self._pending.append(name)

    def load(self) -> None:
        """Import the modules named since the last call (a registry calls this first)."""
        if not self._pending:
            return
        with self._lock:  # another thread reads the registry only once every module is in
            for name in list(self._pending):
                importlib.import_module(name)  # an error propagates and is raised again next time
                if name in self._pending:
                    self._pending.remove(name)


_EVERY: weakref.WeakSet[Modules] = weakref.WeakSet()  # every registry's, while it exists


def load_all() -> None:
    """Import every registry's named modules now (a web worker does, before its first page)."""
    for modules in list(_EVERY):
        modules.load()
