"""Which item time a flow dashboard can show: kept in :mod:`leadline.flow.measure`."""

from __future__ import annotations

from leadline.flow.measure import (
    MIN_STARTED_SHARE,
    Measure,
    choose_measure,
    started_items,
    with_lead_times,
)

__all__ = ["MIN_STARTED_SHARE", "Measure", "choose_measure", "started_items", "with_lead_times"]
