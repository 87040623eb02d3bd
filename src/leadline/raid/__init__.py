"""RAID log: risks, assumptions, issues and dependencies, with per-item history and CSV import/export."""
