"""Source connectors: read a source, map its records to leadline.records."""
