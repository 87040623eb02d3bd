"""Governance that runs itself, one app per domain: ``raid``, ``decisions``, ``agreements``,
``changes`` and ``notify``. This package holds only what they share: the per-workspace settings
(escalation thresholds, triage group, SLAs) and their page, the tab strip, the API router, the
command line helpers, and the migration history of the models that moved out."""
