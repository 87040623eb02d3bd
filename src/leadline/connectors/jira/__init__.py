"""Jira Cloud and Data Center: REST client, JSON export reader, jira-agile-metrics config."""
