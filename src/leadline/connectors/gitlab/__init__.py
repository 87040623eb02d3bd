"""GitLab connector: issues, merge requests, deployments in every status, releases, incidents."""

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

__all__ = [
    "GitLabClient",
    "deployment_status",
    "gitlab_events",
    "is_production_environment",
    "map_deployment",
    "map_incident",
    "map_issue",
    "map_merge_request",
    "map_release",
]
