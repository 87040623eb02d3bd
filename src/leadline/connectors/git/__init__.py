"""Local git repository connector: commits, merges, tags as releases and as deployments."""

from leadline.connectors.git.repository import DEFAULT_DEPLOY_TAGS, GitError, GitRepository

__all__ = ["DEFAULT_DEPLOY_TAGS", "GitError", "GitRepository"]
