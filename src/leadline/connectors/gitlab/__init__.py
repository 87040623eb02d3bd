"""GitLab connector: issues, merge requests with their reviews (approvals and comments from their
notes), deployments in every status, releases, incidents."""

from leadline.connectors.gitlab.client import GitLabClient
from leadline.connectors.gitlab.deployments import (
    deployment_status,
    is_production_environment,
    map_deployment,
    map_release,
)
from leadline.connectors.gitlab.mapping import (
    gitlab_events,
    map_incident,
    map_issue,
    map_merge_request,
)
from leadline.connectors.gitlab.reviews import map_note

__all__ = [
    "GitLabClient",
    "deployment_status",
    "gitlab_events",
    "is_production_environment",
    "map_deployment",
    "map_incident",
    "map_issue",
    "map_merge_request",
    "map_note",
    "map_release",
]
