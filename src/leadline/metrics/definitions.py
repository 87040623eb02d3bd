"""Each metric's definition as PRODUCT.md states it: kept in :mod:`leadline.flow.definitions`."""

from __future__ import annotations

from leadline.flow.definitions import DEFINITIONS

__all__ = ["DEFINITIONS"]
