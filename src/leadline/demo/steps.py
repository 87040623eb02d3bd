"""Imports the modules that register demo steps; each feature adds a line here."""

import leadline.delivery.demo  # noqa: E402,F401
import leadline.governance.demo  # noqa: E402,F401
