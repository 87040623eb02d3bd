"""The demo workspace: an organisation worth exploring, built idempotently."""
