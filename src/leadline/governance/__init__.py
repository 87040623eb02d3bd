"""Governance that runs itself: RAID log, decision rights and log, working agreements,
change-impact checks, escalations and notifications."""
