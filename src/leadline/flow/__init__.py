"""Pure delivery-metrics engine: no Django, no I/O."""
