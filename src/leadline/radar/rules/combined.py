"""Radar rules where signals meet on one subject: one finding instead of several alerts."""

from __future__ import annotations
