"""Local git repository connector: commits, merges, tags as releases and as deployments."""

from leadline.connectors.git.repository import GitError, GitRepository

__all__ = ["GitError", "GitRepository"]
