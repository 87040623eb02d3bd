# ruff: noqa: F401  (the TYPE_CHECKING imports below feed type checkers; __getattr__ serves them)
"""Pure delivery-metrics engine: no Django, no I/O.

``from leadline.flow import cycle_times, forecast_when`` works as usual; submodules (and Polars
and NumPy with them) load on first use, so importing the package stays cheap on a CLI's startup.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    # workflow.py
    "Stage": "workflow",
    "Workflow": "workflow",
    "StageOptions": "workflow",
    "VACANTI": "workflow",
    "JIRA_AGILE_METRICS": "workflow",
    "PRESETS": "workflow",
    "preset": "workflow",
    "unmapped_statuses": "workflow",
    "workflow_from_columns": "workflow",
    "workflow_from_jam": "workflow",
    # frames.py
    "frames_from_records": "frames",
    "flags_from_records": "frames",
    "sprint_changes_from_records": "frames",
    "check_frames": "frames",
    "history_as_of": "frames",
    # report.py: the one pipeline
    "FlowReport": "report",
    "ReportOptions": "report",
    "flow_report": "report",
    # stages.py
    "stage_dates": "stages",
    "cycle_times": "stages",
    "lead_times": "stages",
    "work_item_age": "stages",
    # metrics.py
    "throughput": "metrics",
    "daily_counts": "metrics",
    "wip": "metrics",
    "cumulative_flow": "metrics",
    "percentiles": "metrics",
    "percentile_trend": "metrics",
    "aging_wip": "metrics",
    # efficiency.py, churn.py
    "flow_efficiency": "efficiency",
    "blocked_time": "efficiency",
    "plan_churn": "churn",
    "reopened_items": "churn",
    # forecast.py
    "daily_throughput_samples": "forecast",
    "forecast_when": "forecast",
    "forecast_how_many": "forecast",
    "forecast_when_in_order": "forecast",
    "backtest": "backtest",
    "Backtest": "backtest",
    "WhenForecast": "forecast",
    "HowManyForecast": "forecast",
    # dora.py
    "deployment_frequency": "dora",
    "lead_time_for_changes": "dora",
    "change_failure_rate": "dora",
    "failed_deployment_recovery_time": "dora",
    "downtime_per_release": "dora",
    "deployment_rework_rate": "dora",
    "dora_metrics": "dora",
    "attribute_hotfixes": "dora",
    "dora_tiers": "dora",
    "classify": "dora",
}

# A literal list, so type checkers see the names as exported (see ``_EXPORTS``).
__all__ = [
    "Backtest",
    "FlowReport",
    "HowManyForecast",
    "JIRA_AGILE_METRICS",
    "PRESETS",
    "ReportOptions",
    "Stage",
    "StageOptions",
    "VACANTI",
    "WhenForecast",
    "Workflow",
    "aging_wip",
    "attribute_hotfixes",
    "backtest",
    "blocked_time",
    "change_failure_rate",
    "check_frames",
    "classify",
    "cumulative_flow",
    "cycle_times",
    "daily_counts",
    "daily_throughput_samples",
    "deployment_frequency",
    "deployment_rework_rate",
    "dora_metrics",
    "dora_tiers",
    "downtime_per_release",
    "failed_deployment_recovery_time",
    "flags_from_records",
    "flow_efficiency",
    "flow_report",
    "forecast_how_many",
    "forecast_when",
    "forecast_when_in_order",
    "frames_from_records",
    "history_as_of",
    "lead_time_for_changes",
    "lead_times",
    "percentile_trend",
    "percentiles",
    "plan_churn",
    "preset",
    "reopened_items",
    "sprint_changes_from_records",
    "stage_dates",
    "throughput",
    "unmapped_statuses",
    "wip",
    "work_item_age",
    "workflow_from_columns",
    "workflow_from_jam",
]

if TYPE_CHECKING:
    from leadline.flow.backtest import Backtest, backtest
    from leadline.flow.churn import plan_churn, reopened_items
    from leadline.flow.dora import (
        attribute_hotfixes,
        change_failure_rate,
        classify,
        deployment_frequency,
        deployment_rework_rate,
        dora_metrics,
        dora_tiers,
        downtime_per_release,
        failed_deployment_recovery_time,
        lead_time_for_changes,
    )
    from leadline.flow.efficiency import (
        blocked_time,
        flow_efficiency,
    )
    from leadline.flow.forecast import (
        HowManyForecast,
        WhenForecast,
        daily_throughput_samples,
        forecast_how_many,
        forecast_when,
        forecast_when_in_order,
    )
    from leadline.flow.frames import (
        check_frames,
        flags_from_records,
        frames_from_records,
        history_as_of,
        sprint_changes_from_records,
    )
    from leadline.flow.metrics import (
        aging_wip,
        cumulative_flow,
        daily_counts,
        percentile_trend,
        percentiles,
        throughput,
        wip,
    )
    from leadline.flow.report import (
        FlowReport,
        ReportOptions,
        flow_report,
    )
    from leadline.flow.stages import (
        cycle_times,
        lead_times,
        stage_dates,
        work_item_age,
    )
    from leadline.flow.workflow import (
        JIRA_AGILE_METRICS,
        PRESETS,
        VACANTI,
        Stage,
        StageOptions,
        Workflow,
        preset,
        unmapped_statuses,
        workflow_from_columns,
        workflow_from_jam,
    )


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'leadline.flow' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"leadline.flow.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
