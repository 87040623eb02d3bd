"""Radar rules: flow."""

from __future__ import annotations
