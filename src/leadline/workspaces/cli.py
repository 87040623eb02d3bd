"""`leadline unlock`: let a locked-out account (or client address) sign in again."""

from __future__ import annotations

import ipaddress

import typer


def unlock(
    username: str | None = typer.Argument(None, help="Account to unlock."),
    address: str | None = typer.Option(
        None, "--address", help="Also (or only) forget the failures of this client address."
    ),
) -> None:
    """Unlock an account locked by failed sign-ins (and/or a client address); audited."""
    from leadline.cli import console, fail, setup_django

    if not username and not address:
        fail("Name an account (USERNAME) or a client address (--address)", 2)
    if address:
        try:
            address = str(ipaddress.ip_address(address))
        except ValueError:
            fail(f"--address {address!r} is not an IP address", 2)
    setup_django()
    from django.contrib.auth import get_user_model

    from leadline.workspaces.models import Membership
    from leadline.workspaces.services import audit
    from leadline.workspaces.throttle import unlock as clear

    user = None
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            fail(f"No user named {username!r}")
    cleared = clear(username=username, address=address)
    what = " and ".join(
        part
        for part in (username and f"account {username}", address and "a client address")
        if part
    )
    # Into each workspace's log the account belongs to, so its owners see it.
    for membership in Membership.objects.filter(user=user).select_related("workspace"):
        audit(
            membership.workspace,
            None,
            "unlock",
            membership,
            f"Unlocked sign-in for {username} (command line)",
            {"failed sign-ins": [cleared, 0]},
        )
    console.print(f"Unlocked {what}: cleared {cleared} failure record(s).")


def register(app: typer.Typer) -> None:
    """Add the account commands to the main CLI."""
    app.command("unlock")(unlock)
