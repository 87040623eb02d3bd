"""Forecast page figures: Monte Carlo "when will N be done" / "how many by D", and a backtest.

The teams in scope are forecast together: their daily throughputs are summed day by day, so
"Checkout + Mobile" asks when the two teams between them finish N items. Epics (in priority
order) are forecast from the same throughput: each epic's remaining child items, worked
through one epic after another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any, cast

import numpy as np
import polars as pl
from django.core.exceptions import ValidationError

from leadline import bounds, defaults
from leadline.charts.specs import plural
from leadline.delivery.quality import data_version
from leadline.flow.definitions import DEFINITIONS
from leadline.flow.forecast import (
    DEFAULT_PERCENTILES,
    DEFAULT_TRIALS,
    DEFAULT_WINDOW_DAYS,
    ForecastInputs,
    sampled_inputs,
)
from leadline.flow.methods import DEFAULT_METHOD, check_method

from .caching import cached_by_data
from .results.forecasts import (
    Forecast,
    ForecastBacktest,
    ForecastEpic,
    ForecastEpics,
    ForecastHowManyOut,
    ForecastWhenOut,
)
from .scope import Scope
from .services import SCOPE, day_cut, day_options, scoped_frames

BACKTEST_TRIALS = defaults.BACKTEST_TRIALS  # ~100 past dates make this the page's slowest part
# The backtest replays weekly as-of dates over the last bounds.BACKTEST_DAYS (104 weeks).
MAX_ITEMS = bounds.FORECAST_ITEMS.high
MAX_DAYS = bounds.FORECAST_DAYS.high
MAX_EPICS = 100
EPICS_ASSUMPTION = (
    "Assumes the team(s) work through the epics in the order given (priority order), one "
    "after another: epic k is done when the remaining items of epics 1 to k are done, at the "
    "throughput of the window (as ActionableAgile's multiple-feature forecast assumes). "
    "Remaining = the epic's child items (of any team) not finished and not removed as of "
    "{as_of}. Every epic is read from the same {trials:,} trials, so no epic is forecast "
    "before the one ahead of it; an epic with nothing remaining is done (0 days). Epics are "
    "forecast with independent_days (every day drawn independently, no correction), whatever "
    "method the forecast above uses."
)


def daily_throughput(scope: Scope, since: date | None = None) -> pl.DataFrame:
    """Return items finished per day in the scope (scope, day, count), zero days included,
    from ``since`` (default: the first finish, at most ten years back) to the scope's end.

    Callers pass ``since`` as far back as they read (a forecast window, its backtest), so the
    cost follows the question asked, not the oldest date stored."""
    from leadline.flow import stage_dates, throughput

    items, transitions, _ = scoped_frames(scope)
    if items.is_empty():
        return pl.DataFrame(schema={SCOPE: pl.Utf8, "day": pl.Date, "count": pl.Int64})
    workflow = _workflow(scope)
    options = day_options(scope.workspace)
    dates = stage_dates(items, transitions, workflow, options, strict=False)
    return throughput(
        dates.with_columns(pl.lit("all").alias(SCOPE)), scope.end, start=since, by=SCOPE,
        options=options,
    )  # fmt: skip


def _workflow(scope: Scope) -> Any:
    from leadline.delivery.services import workflow_for

    return workflow_for(scope.workspace)


def _histogram(outcomes: np.ndarray, field: str) -> list[Any]:
    finite = outcomes[outcomes < np.iinfo(np.int64).max]
    values, counts = np.unique(finite, return_counts=True)
    return [{field: int(v), "trials": int(c)} for v, c in zip(values, counts, strict=True)]


@cached_by_data("forecast", lambda scope: data_version(scope.workspace, scope.team))
def forecast(
    scope: Scope,
    *,
    items: int = defaults.FORECAST_ITEMS,
    days: int = defaults.FORECAST_DAYS,
    window_days: int = DEFAULT_WINDOW_DAYS,
    trials: int = DEFAULT_TRIALS,
    seed: int = defaults.SEED,
    backtest: bool = True,
    epics: Sequence[str] = (),
    method: str = DEFAULT_METHOD,
) -> Forecast:
    """Return both forecasts from ``scope.end`` (the as-of date), their inputs and a backtest.

    "when" counts day 1 as the day after as_of; "how many" looks ``days`` days ahead and reads
    downward. Without any throughput in the window "when" has no dates (None) and "how many"
    is zero at every percentile. The backtest replays weekly as-of dates over the history.
    ``epics`` (keys in priority order) adds "epics" and "epics_definition": per epic, when it
    will be done working through them in that order (:func:`epic_forecast`); an unknown key
    raises ValidationError before anything is computed.

    ``method`` names the forecast method (:data:`leadline.flow.methods.METHODS`); every
    answer states it and the team's own track record: how its past forecasts (weekly, over
    the last BACKTEST_DAYS) came true (:func:`leadline.flow.methods.forecast_with_method`).
    """
    from leadline.flow import forecast_how_many, forecast_when
    from leadline.flow.methods import forecast_with_method

    try:
        check_method(method)
    except ValueError as error:
        raise ValidationError({"method": [str(error)]}) from None
    wanted = epic_remaining(scope, epics) if epics else None  # unknown keys fail before work
    as_of = scope.end
    # The window, and for the track record (and backtest) the weekly as-of dates of the last
    # BACKTEST_DAYS with a full window behind each: nothing older is read.
    reach = window_days + bounds.BACKTEST_DAYS
    daily = daily_throughput(scope, since=as_of - timedelta(days=reach - 1))
    samples, window = window_samples(daily, as_of, window_days)
    history, _ = window_samples(daily, as_of, reach)
    start = as_of + timedelta(days=1)
    made = forecast_with_method(
        history, window_days=window_days, horizon=days, items=items, trials=trials, seed=seed,
        method=method, percentiles=DEFAULT_PERCENTILES, history_trials=BACKTEST_TRIALS,
    )  # fmt: skip
    if method == "independent_days":  # today's answers, exactly (forecast_when's dates)
        when = forecast_when(samples, items, trials=trials, seed=seed, start=start, window=window)
        how = forecast_how_many(samples, days, trials=trials, seed=seed, window=window)
        inputs = asdict(when.inputs)
        when_days, when_dates, when_outcomes = when.days, when.dates, when.outcomes
        how_items, how_outcomes = how.items, how.outcomes
    else:
        inputs = asdict(sampled_inputs(samples, trials, seed, "week_blocks", window))
        when_days = made.when
        when_dates = {
            p: None if n is None else start + timedelta(days=max(n - 1, 0))
            for p, n in when_days.items()
        }
        never = np.full(trials, np.iinfo(np.int64).max, dtype=np.int64)
        when_outcomes = never if made.when_outcomes is None else made.when_outcomes
        how_items, how_outcomes = made.how_many, made.how_many_outcomes
    text = {"trials": trials, "window": window_days, "as_of": as_of, "seed": seed}
    suffix = "" if method == "independent_days" else "_blocks"
    corrected = (
        DEFINITIONS["forecast_corrected"].format(as_of=as_of)
        if method == "calibrated_blocks"
        else ""
    )
    if suffix:
        text["corrected"] = corrected
    epic_part: ForecastEpics = {}
    if wanted is not None:
        rows, _ = epic_forecast(
            wanted, samples, trials=trials, seed=seed, start=start, window=window
        )
        epic_part = {
            "epics": rows,
            "epics_definition": EPICS_ASSUMPTION.format(as_of=as_of, trials=trials),
        }
    return {
        **scope.named(),
        "as_of": as_of,
        "inputs": cast(Any, {**inputs, "percentiles": list(DEFAULT_PERCENTILES)}),
        "method": {"name": cast(Any, method), "description": made.description},
        "track_record": [
            {
                "question": cast(Any, t.question),
                "percentile": t.percentile,
                "forecasts": t.forecasts,
                "hit_rate": t.hit_rate,
                "enough": t.enough,
                "text": t.text,
            }
            for t in made.track.values()
        ],
        "when": {
            "items": items,
            "definition": DEFINITIONS["forecast_when" + suffix].format(
                items=plural(items, "items"), **text
            ),
            "percentiles": [
                {"percentile": p, "days": when_days[p], "date": when_dates[p]}
                for p in DEFAULT_PERCENTILES
            ],
            "histogram": _histogram(when_outcomes, "days"),
        },
        "how_many": {
            "days": days,
            "by": as_of + timedelta(days=days),
            "definition": DEFINITIONS["forecast_how_many" + suffix].format(
                days=plural(days, "days"), **text
            ),
            "percentiles": [{"percentile": p, "items": how_items[p]} for p in DEFAULT_PERCENTILES],
            "histogram": _histogram(how_outcomes, "items"),
        },
        **epic_part,
        "backtest": _backtest(daily, window_days, days, items, seed, method) if backtest else None,
    }


def _backtest(
    daily: pl.DataFrame, window_days: int, days: int, items: int, seed: int, method: str
) -> ForecastBacktest:
    from leadline.flow import backtest

    run = backtest(
        daily, window_days=window_days, horizon_days=days, items=items,
        trials=BACKTEST_TRIALS, seed=seed, by=SCOPE, method=method,
    )  # fmt: skip
    return {
        "definition": DEFINITIONS["calibration"],
        "every_days": 7,
        "trials": BACKTEST_TRIALS,
        "horizon_days": days,
        "items": items,
        "forecasts": run.rows.select("as_of").n_unique() if run.rows.height else 0,
        "excluded": run.excluded,
        "calibration": [
            cast(
                Any,
                {**row, "hit_rate": None if row["hit_rate"] is None else round(row["hit_rate"], 3)},
            )
            for row in run.calibration.to_dicts()
        ],
    }


def window_samples(
    daily: pl.DataFrame, as_of: date, window_days: int
) -> tuple[np.ndarray, tuple[date, date]]:
    """Return the daily counts of the ``window_days`` days up to and including ``as_of`` (zero
    days included) from a :func:`daily_throughput` frame, and the window's first and last day."""
    window = (as_of - timedelta(days=window_days - 1), as_of)
    series = daily.filter(pl.col("day").is_between(*window))
    samples = np.zeros(window_days, dtype=np.int64)
    if series.height:
        offsets = (series.get_column("day") - window[0]).dt.total_days().to_numpy()
        np.add.at(samples, offsets, series.get_column("count").to_numpy())
    return samples, window


def epic_list(value: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return epic keys from ``KEY1,KEY2`` (or several such values) in the order given, each
    once; more than :data:`MAX_EPICS` raise ValidationError."""
    raw = [value] if isinstance(value, str) else list(value or ())
    keys: list[str] = []
    for part in raw:
        keys += [k.strip() for k in str(part).split(",") if k.strip()]
    keys = list(dict.fromkeys(keys))
    if len(keys) > MAX_EPICS:
        raise ValidationError({"epics": [f"at most {MAX_EPICS} epics at once"]})
    return tuple(keys)


def epic_remaining(scope: Scope, keys: Sequence[str]) -> list[dict[str, Any]]:
    """Return per epic key (in the order given) its title and remaining items: child items
    (``epic_key`` = the key, of any team) created by the as-of date and not finished or removed
    as it stood at its end (in the workspace time zone): their last mapped status then is not
    a done or removed one.

    A key that no item names as its epic, and that is no item of type Epic, raises
    ValidationError naming it.
    """
    from leadline.delivery.frames import ScopeFilter, read_transitions
    from leadline.delivery.models import StatusMapping, WorkItem

    workspace = scope.workspace
    children = WorkItem.objects.filter(workspace=workspace, epic_key__in=keys)
    named = set(children.values_list("epic_key", flat=True).distinct())
    titles: dict[str, str] = {}
    epic_items = WorkItem.objects.filter(workspace=workspace, key__in=keys)
    for key, title, type_ in epic_items.values_list("key", "title", "type"):
        if type_.lower() == "epic":
            named.add(key)
        if title and not titles.get(key):
            titles[key] = title
    unknown = [k for k in keys if k not in named]
    if unknown:
        listed = ", ".join(repr(k) for k in unknown)
        raise ValidationError(
            {"epics": [f"no epic {listed} in this workspace (no item names it as its epic)"]}
        )
    cut = day_cut(scope.end, workspace)
    category = {
        m.status: m.category
        for m in StatusMapping.objects.filter(workspace=workspace).exclude(category=None)
    }
    status: dict[int, str | None] = {}
    epic_of: dict[int, str] = {}
    for pk, epic, now in children.filter(created__lt=cut).values_list("id", "epic_key", "status"):
        epic_of[pk] = epic
        status[pk] = now if now in category else None  # without any history: its status now
    moves = (
        read_transitions(ScopeFilter.of(workspace, epic_keys=keys))
        .sort("item_id", "at", "seq")
        .iter_rows()
    )
    seen: set[int] = set()
    for pk, seq, at, before, after in moves:
        if pk not in epic_of:
            continue
        if pk not in seen:
            seen.add(pk)
            # With a history, the item sat in its first move's from-status since creation.
            status[pk] = None
        if seq == 0 and before in category and status[pk] is None:
            status[pk] = before
        if at < cut and after in category:  # unmapped statuses are ignored, as in flow figures
            status[pk] = after
    remaining = dict.fromkeys(keys, 0)
    for pk, epic in epic_of.items():
        if category.get(status[pk] or "") not in ("done", "removed"):
            remaining[epic] += 1
    return [{"key": k, "title": titles.get(k) or None, "remaining": remaining[k]} for k in keys]


def epic_forecast(
    epics: list[dict[str, Any]],
    samples: Sequence[int] | np.ndarray,
    *,
    trials: int,
    seed: int,
    start: date,
    window: tuple[date, date] | None = None,
) -> tuple[list[ForecastEpic], ForecastInputs]:
    """Return per epic (``epic_remaining`` rows, in priority order) its key, title, remaining
    items, the cumulative items up to it and when-percentiles (days after as_of and dates),
    working through the epics in order from the same seeded trials; and the inputs."""
    from leadline.flow.forecast import forecast_when_in_order

    fc = forecast_when_in_order(
        samples, [e["remaining"] for e in epics], trials=trials, seed=seed, start=start,
        window=window, percentiles=DEFAULT_PERCENTILES,
    )  # fmt: skip
    rows = [
        {
            "key": e["key"],
            "title": e["title"],
            "remaining": e["remaining"],
            "cumulative": fc.cumulative[i],
            "percentiles": [
                {"percentile": p, "days": fc.days[i][p], "date": fc.dates[i][p]}
                for p in DEFAULT_PERCENTILES
            ],
        }
        for i, e in enumerate(epics)
    ]
    return cast(list[ForecastEpic], rows), fc.inputs


def forecast_when(scope: Scope, **options: Any) -> ForecastWhenOut:
    """Return :func:`forecast` without its "how many" half: the API's "when" answer."""
    data = forecast(scope, **options)
    return cast(ForecastWhenOut, {k: v for k, v in data.items() if k != "how_many"})


def forecast_how_many(scope: Scope, **options: Any) -> ForecastHowManyOut:
    """Return :func:`forecast` (without epics) without its "when" half: the API's "how many"
    answer."""
    data = forecast(scope, **{**options, "epics": ()})
    return cast(ForecastHowManyOut, {k: v for k, v in data.items() if k != "when"})


def days_until(as_of: date, target: date) -> int:
    """Return whole days from as_of to ``target`` (a target on or before as_of is invalid)."""
    return (target - as_of).days
