"""Working agreements: versioned per team, acknowledged by people, shared by stakeholder links."""
