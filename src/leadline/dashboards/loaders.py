"""Bulk reads of a scope's item details the flow figures need beside its history: titles,
blocked (flagged) periods, sprint entries and exits, rank changes. One SQL query each."""

from __future__ import annotations

import polars as pl

from leadline.delivery.frames import (
    ScopeFilter,
    read_flags,
    read_rank_changes,
    read_sprint_changes,
    read_titles,
)

from .scope import Scope


def scope_filter(scope: Scope) -> ScopeFilter:
    """Return which stored rows belong to the scope: its workspace, team(s) and item types."""
    return ScopeFilter.of(scope.workspace, scope.team, teams=scope.teams, types=scope.types)


def load_titles(scope: Scope) -> pl.DataFrame:
    """Load the titles of the scope's items (item_id, title): what a chart's tooltip names."""
    return read_titles(scope_filter(scope))


def load_flags(scope: Scope) -> pl.DataFrame:
    """Load the blocked (flagged) periods of the scope's items (``end`` None while open)."""
    return read_flags(scope_filter(scope))


def load_sprint_changes(scope: Scope) -> pl.DataFrame:
    """Load the sprint entries and exits of the scope's items (item_id, sprint, at, added)."""
    return read_sprint_changes(scope_filter(scope))


def load_rank_changes(scope: Scope) -> pl.DataFrame:
    """Load when the scope's items were re-ranked or re-prioritised (item_id, at)."""
    return read_rank_changes(scope_filter(scope))
