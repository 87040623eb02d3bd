"""PagerDuty connector: incidents with detection and resolution times from their log entries."""

from leadline.connectors.pagerduty.client import PagerDutyClient, map_incident

__all__ = ["PagerDutyClient", "map_incident"]
