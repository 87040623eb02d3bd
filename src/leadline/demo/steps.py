"""Imports the modules that register demo steps; each feature adds a line here."""
