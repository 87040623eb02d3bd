"""Leadline: a self-hosted delivery lead."""

__version__ = "0.1.0"
