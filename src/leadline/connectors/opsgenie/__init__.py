"""Opsgenie connector: incidents."""

from leadline.connectors.opsgenie.client import OpsgenieClient, map_incident

__all__ = ["OpsgenieClient", "map_incident"]
