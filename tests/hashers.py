"""A quick Argon2 for the tests: the production cost (100 MiB, about 0.1 s a hash) spent on
every user a test creates adds minutes to the suite and proves nothing more. The hash is
still Argon2 with its parameters in it, so a server started by a test (whose settings keep
the production hasher) verifies it and upgrades it on sign-in."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 64  # KiB
    parallelism = 1
