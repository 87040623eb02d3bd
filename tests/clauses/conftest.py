"""The governance test world (see tests/governance/world.py)."""

from tests.governance.world import world  # noqa: F401
