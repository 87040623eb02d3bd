"""GitHub connector: issues with a derived status history, pull requests with their reviews,
deployments, runs."""

from leadline.connectors.github.client import GitHubClient
from leadline.connectors.github.delivery import (
    deployment_status,
    graphql_deployment_status,
    map_commit,
    map_deployment,
    map_graphql_deployment,
    map_pull_request,
    map_release,
    map_workflow_run,
    workflow_run_status,
)
from leadline.connectors.github.issues import issue_statuses, map_issue
from leadline.connectors.github.reviews import map_accounts, map_review

__all__ = [
    "GitHubClient",
    "deployment_status",
    "graphql_deployment_status",
    "issue_statuses",
    "map_accounts",
    "map_commit",
    "map_deployment",
    "map_graphql_deployment",
    "map_issue",
    "map_pull_request",
    "map_release",
    "map_review",
    "map_workflow_run",
    "workflow_run_status",
]
