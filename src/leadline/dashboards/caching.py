"""Cache a dashboard's figures per scope and version of the data behind them.

The flow dashboard started it (:func:`leadline.dashboards.services.flow`): figures are computed once
and served from the cache until an import or a mapping edit changes the data version. The
heavier pages (DORA, forecasts, portfolio) use the same rule through :func:`cached_by_data`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

from .scope import Scope

T = TypeVar("T")
TIMEOUT = 24 * 3600


def scope_key(scope: Scope) -> tuple[Any, ...]:
    """Return what identifies a scope in a cache key (workspace, teams, dates, types)."""
    return (
        scope.workspace.pk,
        scope.team.pk if scope.team else None,
        tuple(t.pk for t in scope.teams),
        scope.start.isoformat(),
        scope.end.isoformat(),
        tuple(scope.types),
    )


def cached_by_data(
    kind: str, version: Callable[[Scope], str]
) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Cache ``func(scope, **options)`` under the scope, the options and ``version(scope)``.

    ``version`` must change whenever the data behind the figures can have changed (every import
    stamps what it writes). Errors are not cached.
    """

    def decorate(func: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(func)
        def cached(scope: Scope, **options: Any) -> T:
            parts = (scope_key(scope), sorted(options.items()), version(scope))
            key = f"{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
            result: T | None = cache.get(key)
            if result is None:
                result = func(scope, **options)
                cache.set(key, result, timeout=TIMEOUT)
            return result

        cached.uncached = func  # type: ignore[attr-defined]
        return cached

    return decorate
