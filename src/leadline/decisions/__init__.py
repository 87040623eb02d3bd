"""Decision rights (domains and who decides them) and the decision log."""
