"""The governance test world (see tests/governance/world.py), and the notification tests' JSON
receiver on loopback (``webhook``)."""

from tests.governance.world import world  # noqa: F401
from tests.notify.test_notify import webhook  # noqa: F401
