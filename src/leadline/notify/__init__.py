"""Escalation rules and alerts, in-app notifications, outbound channels and the daily digest."""
