"""Radar rules: delivery."""

from __future__ import annotations
