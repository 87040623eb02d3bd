"""Competency self-assessment against the Technology Delivery Leadership model: private by
default, grounded in the person's own delivery data, with optional anonymous rater feedback and a
development plan of at most three goals."""
