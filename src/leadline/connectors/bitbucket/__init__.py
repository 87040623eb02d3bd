"""Bitbucket Cloud: deployment status normalization (a full connector does not exist yet)."""

from leadline.connectors.bitbucket.deployments import bitbucket_deployment_status

__all__ = ["bitbucket_deployment_status"]
