"""The one set of metric definitions (PRODUCT.md, "Metric definitions").

:data:`DEFINITIONS` are shown beside every chart, card and API answer of the dashboards;
:data:`CHART_CAPTIONS` caption the charts of ``leadline analyze``'s report (the same definitions,
worded for a report whose day counting depends on the preset: ``{days}`` says how).
"""

from __future__ import annotations

DEFINITIONS: dict[str, str] = {
    "wip": "WIP = items in active stages (started, not yet done or removed) at the end of a day.",
    "throughput": (
        "Throughput = items finished per day, shown per week (Monday-started weeks, zero weeks "
        "included). Finished = the last entry into done; removed items count in no throughput."
    ),
    "cycle_time": (
        "Cycle time = finished − started, whole calendar days inclusive (started and finished "
        "the same day = 1 day). Started = first entry into an active stage; finished = the last "
        "entry into done."
    ),
    "lead_time": (
        "Lead time = finished − created, whole calendar days inclusive (created and finished "
        "the same day = 1 day). Shown instead of cycle time when most items finished in the "
        "range were never started (the data has no start dates)."
    ),
    "percentiles": (
        "Cycle-time percentiles (nearest rank): the 85th percentile is the smallest cycle time "
        "that at least 85% of items finished in the range did not exceed. The trend reads each "
        "week over the items finished in the 4 weeks before."
    ),
    "histogram": (
        "Cycle-time distribution: how many items finished in the range took each number of days "
        "(cycle time = finished − started, whole calendar days inclusive)."
    ),
    "age": (
        "Work item age = as-of date − started, for started, unfinished items (whole calendar days "
        "inclusive), by current stage. Items older than the 85th percentile of cycle time are "
        "at risk."
    ),
    "cfd": (
        "Cumulative flow = items per stage at the end of each day, stacked in workflow order, "
        "done at the bottom and backlog on top (each tracker status maps to a stage); items that "
        "entered before the range are counted from its first day."
    ),
    "flow_efficiency": (
        "Flow efficiency = time in working stages ÷ cycle time, for items finished in the range; "
        "stages marked as waiting (e.g. review, blocked) count as waiting. Pooled = total working "
        "time ÷ total cycle time."
    ),
    "blocked_time": (
        "Blocked time = time an item was flagged as blocked (overlapping flags merged), in whole "
        "calendar days inclusive, for items finished in the range or in progress."
    ),
    "plan_churn": (
        "Plan churn = per sprint, items added to it or removed from it after it started, as a "
        "share of the items committed to it at its start ((added + removed) ÷ committed); "
        "sprints that started in the range. Re-ranks = rank or priority changes of its items "
        "while it ran."
    ),
    "reopened": (
        "Reopened = moves from a done stage back to an active or backlog stage in the range "
        "(rework found after the item was considered finished)."
    ),
    "deployment_frequency": (
        "Deployment frequency = days with at least one successful production deployment, per "
        "week (DORA counts deployment days), over the Monday-started weeks of the range, weeks "
        "without deployments included. DORA asks it per service; a team or several teams show "
        "the median of their services (deployed in the period or the year before; one not "
        "deployed in the period counts 0), so four services deploying fortnightly on different "
        "days read fortnightly, not weekly. The tier is read from this figure: on demand ≥ 5, "
        "weekly ≥ 1, monthly ≥ 12/52."
    ),
    "lead_time_for_changes": (
        "Lead time for changes = first commit (or PR merge where commits are unknown) → the "
        "successful production deployment that contains it; the median over the changes deployed."
    ),
    "change_failure_rate": (
        "Change failure rate = share of production deployments followed by an incident, rollback "
        "or hotfix attributed to them within {window} h: an incident belongs to the last "
        "deployment of the same service before it, a hotfix (a successful unplanned deployment) "
        "to the last one that was not itself a hotfix; an incident naming its deployment counts "
        "whenever it started."
    ),
    "recovery_time": (
        "Failed deployment recovery time = from the failed deployment to the resolution of its "
        "incidents; the median over failed deployments."
    ),
    "rework_rate": (
        "Deployment rework rate = share of production deployments that were unplanned fixes "
        "(hotfixes, rollbacks)."
    ),
    "downtime": (
        "Downtime per release = incident hours attributed to a production deployment, averaged "
        "over production deployments."
    ),
    "forecast_when": (
        "Monte Carlo: {trials:,} trials, each drawing days at random from the daily throughput of "
        "the {window} days up to {as_of} (zero days included), seed {seed}. The date at p% is the "
        "date by which p% of trials had finished {items}."
    ),
    "forecast_how_many": (
        "Monte Carlo: {trials:,} trials, each drawing {days} at random from the daily "
        "throughput of the {window} days up to {as_of} (zero days included), seed {seed}. Read "
        "downward: at p% at least that many items finished in p% of trials."
    ),
    "forecast_when_blocks": (
        "Monte Carlo: {trials:,} trials, each chaining whole 7-day blocks drawn at random from "
        "the daily throughput of the {window} days up to {as_of} (any start day, zero days "
        "included, so bursts and stalls stay together), seed {seed}. The date at p% is the date "
        "by which that share of trials had finished {items}{corrected}."
    ),
    "forecast_how_many_blocks": (
        "Monte Carlo: {trials:,} trials, each chaining whole 7-day blocks drawn at random from "
        "the daily throughput of the {window} days up to {as_of} for {days} (any start day, "
        "zero days included), seed {seed}. Read downward: at p% at least that many items "
        "finished in that share of trials{corrected}."
    ),
    "forecast_corrected": (
        ", where the share is the level at which this team's own past forecasts (weekly over "
        "the last 104 weeks, judged only by what was known on {as_of}) came true p% of the time"
    ),
    "calibration": (
        "Backtest: from past dates every week, forecast with the data then available and compare "
        "with what happened. A calibrated forecast at p% comes true about p% of the time "
        "(the dashed diagonal)."
    ),
}


CHART_CAPTIONS: dict[str, str] = {
    "cfd": (
        "Cumulative flow: items per stage at the end of each day, stacked in workflow order "
        "(done at the bottom, backlog on top). "
        "Each tracker status maps to a stage; removed items are shown in their own stage."
    ),
    "throughput": (
        "Throughput: items finished per week (Monday-started weeks; the CSV also has days). "
        "Finished = the last entry into done; removed items count in no throughput."
    ),
    "scatter": (
        "Cycle time = finished - started, per finished item, by finish date. Started = first "
        "entry into an active stage; finished = the last entry into done. {days} Lines mark the "
        "50th, 70th, 85th and 95th percentiles (nearest rank)."
    ),
    "histogram": (
        "Cycle time distribution: how many finished items took each number of days "
        "(cycle time = finished - started; {days})."
    ),
    "aging": (
        "Work item age = as-of date - started, for started, unfinished, not removed items, by "
        "current stage ({days}). Items older than the 85th percentile of cycle time are at risk."
    ),
    "forecast": (
        "Monte Carlo forecast: {trials:,} trials drawing days from the daily throughput of the "
        "last {window} days (zero days included), seed {seed}. Share of trials that finished "
        "{items} by each day (day 1 = the day after the as-of date)."
    ),
}
