"""Accounts on the command line: `leadline createuser`, `leadline unlock` (let a locked-out
account or client address sign in again), `leadline token create`."""

from __future__ import annotations

import ipaddress
import sys

import typer

from leadline.cli.common import console, fail, setup_django

token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)


def createuser(
    username: str = typer.Argument(..., help="Sign-in name of the new account."),
    password: str | None = typer.Option(
        None, help="Password; asked for (hidden) when omitted and a terminal is attached."
    ),
    email: str = typer.Option("", help="Email address, for password resets."),
    workspace: str | None = typer.Option(
        None,
        "--workspace",
        "-w",
        help="Workspace slug to add the user to (created if it does not exist).",
    ),
    role: str = typer.Option("member", help="Role in that workspace: owner, lead, member, viewer."),
) -> None:
    """Create an account, optionally with a role in a workspace."""
    setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from leadline.workspaces.models import Role, Workspace
    from leadline.workspaces.services import create_user, create_workspace, set_membership

    if role not in Role.values:
        fail(f"--role {role!r} is not a role; use one of {', '.join(Role.values)}", 2)
    if password is None:
        if not sys.stdin.isatty():
            fail("--password is required when no terminal is attached", 2)
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password)
        user = create_user(username, password, email)
    except ValidationError as exc:
        fail("; ".join(exc.messages), 2)
    console.print(f"Created user [bold]{username}[/bold].")
    if workspace:
        ws = Workspace.objects.filter(slug=workspace).first()
        if ws is None:
            ws = create_workspace(workspace.replace("-", " ").title(), None, slug=workspace)
            console.print(f"Created workspace [bold]{ws.slug}[/bold].")
        set_membership(ws, user, role)
        console.print(f"{username} is {role} in {ws.slug}.")


@token_app.command("create")
def token_create(
    username: str = typer.Argument(..., help="Account the token acts as."),
    name: str = typer.Option("CLI token", help="A label to recognise the token by."),
) -> None:
    """Create a personal API token and print it (once; it is not stored in readable form)."""
    setup_django()
    from django.contrib.auth import get_user_model

    from leadline.workspaces.services import issue_token

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fail(f"No user named {username!r}")
    _, raw = issue_token(user, name)
    # Plain print: the token alone on stdout, so scripts can capture it.
    print(raw)


def unlock(
    username: str | None = typer.Argument(None, help="Account to unlock."),
    address: str | None = typer.Option(
        None, "--address", help="Also (or only) forget the failures of this client address."
    ),
) -> None:
    """Unlock an account locked by failed sign-ins (and/or a client address); audited."""
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
    app.command("createuser")(createuser)
    app.command("unlock")(unlock)
    app.add_typer(token_app, name="token")
