"""The Radar: findings about hidden delivery problems, with whom to talk to and how to start."""
