"""The Radar's own rules over what Leadline already has; importing this registers them."""

from . import combined, delivery, flow, governance  # noqa: F401
