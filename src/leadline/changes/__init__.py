"""Change requests: captured before work starts, their impact checked, then decided."""
