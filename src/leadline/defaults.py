"""The defaults Leadline uses when no value is given, declared once.

Pages, API routes, CLI options, services and the pure engine (``leadline.flow``) all read them
from here, so "10,000 trials over the last 84 days" means the same thing everywhere. Plain
Python without imports: importable by the engine, like :mod:`leadline.bounds` (the limits).
"""

from __future__ import annotations

# --- Forecasts (Monte Carlo) -----------------------------------------------------------------
TRIALS = 10_000  # trials per forecast
WINDOW_DAYS = 84  # days of throughput history sampled (the last 12 weeks)
FORECAST_ITEMS = 20  # "when will N items be done": N
FORECAST_DAYS = 28  # "how many items in D days": D
SEED = 0  # a seeded run: the same data gives the same answer
BACKTEST_TRIALS = 2_000  # per past forecast of the backtest (~100 past dates)

# --- DORA ------------------------------------------------------------------------------------
FAILURE_WINDOW_HOURS = 24  # incidents and hotfixes this long after a deployment count against it

# --- Dashboard ranges (days up to the as-of date) --------------------------------------------
FLOW_DAYS = 182  # the flow dashboard: the last 26 weeks
DORA_DAYS = 730  # DORA trends read best over two years (before/after a change shows)
PORTFOLIO_DAYS = 84  # the last 12 weeks, the forecasting window: "how are teams doing lately"
