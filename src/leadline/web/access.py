"""Moved to :mod:`leadline.workspaces.access`; this name stays until every importer uses that.

(Kept for the branches restructuring governance and metrics in parallel: remove once they
import ``leadline.workspaces.access``.)
"""

from leadline.workspaces.access import View, current_team, workspace_view

__all__ = ["View", "current_team", "workspace_view"]
