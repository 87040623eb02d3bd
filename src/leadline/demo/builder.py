"""Build the demo workspace step by step; every step is idempotent.

Later features add their own steps (delivery data, RAID, decisions, ...) with :func:`step`, so
the demo grows with the product. Running the build twice leaves the same data as running it once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from leadline.workspaces.models import Function, Membership, Person, Role, Team, Workspace
from leadline.workspaces.services import create_workspace, set_membership

DEMO_SLUG = "demo"
SANDBOX_SLUG = "sandbox"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "leadline-demo"  # noqa: S105 - printed on purpose; the demo is local-only


@dataclass
class DemoContext:
    workspace: Workspace
    user: Any
    teams: dict[str, Team]


Step = Callable[[DemoContext], None]
STEPS: list[tuple[str, Step]] = []


def step(title: str) -> Callable[[Step], Step]:
    """Register a demo build step (run in registration order)."""

    def register(func: Step) -> Step:
        STEPS.append((title, func))
        return func

    return register


# (slug, name, group, description)
TEAMS = [
    ("checkout", "Checkout", "Product", "Basket, payment and order confirmation."),
    ("mobile", "Mobile", "Product", "The iOS and Android apps."),
    ("platform", "Platform", "IT", "Hosting, CI/CD and the shared services."),
    ("data", "Data", "IT", "Warehouse, reporting and the customer data platform."),
]

# (name, function, title, teams)
MEMBERS = [
    ("Amira Haddad", "Engineering", "Tech lead", ["checkout"]),
    ("Ben Okafor", "Engineering", "Backend engineer", ["checkout"]),
    ("Chloé Martin", "Design", "Product designer", ["checkout", "mobile"]),
    ("Dev Patel", "Product", "Product manager", ["checkout"]),
    ("Elena Rossi", "Engineering", "Mobile engineer", ["mobile"]),
    ("Farid Nasser", "Engineering", "Mobile engineer", ["mobile"]),
    ("Grace Kim", "Product", "Product manager", ["mobile"]),
    ("Hugo Laurent", "Quality", "Test engineer", ["mobile", "checkout"]),
    ("Ines Duarte", "Operations", "Site reliability engineer", ["platform"]),
    ("Jonas Berg", "Engineering", "Platform engineer", ["platform"]),
    ("Kwame Mensah", "Security", "Security engineer", ["platform"]),
    ("Lena Vogel", "Data", "Data engineer", ["data"]),
    ("Marco Bianchi", "Data", "Analytics engineer", ["data"]),
    ("Nadia Ivanova", "Engineering", "Delivery lead", ["checkout", "mobile", "platform", "data"]),
]

# (name, function, title)
STAKEHOLDERS = [
    ("Olivia Grant", "Business", "VP Commerce (sponsor)"),
    ("Peter Novak", "Operations", "Head of IT Operations"),
    ("Quinn Adeyemi", "Business", "Customer service lead"),
    ("Rosa Jimenez", "Security", "Compliance officer"),
]


@transaction.atomic
def _base(user: Any) -> DemoContext:
    workspace = Workspace.objects.filter(slug=DEMO_SLUG).first() or create_workspace(
        "Northwind Retail (demo)",
        None,
        slug=DEMO_SLUG,
        description="A retailer's product and IT groups, two years into changing how they deliver.",
    )
    set_membership(workspace, user, Role.OWNER)
    teams = {}
    for slug, name, group, description in TEAMS:
        teams[slug], _ = Team.objects.get_or_create(
            workspace=workspace,
            slug=slug,
            defaults={"name": name, "group": group, "description": description},
        )
    functions = {f.name: f for f in Function.objects.filter(workspace=workspace)}
    for name, function, title, team_slugs in MEMBERS:
        person, _ = Person.objects.get_or_create(
            workspace=workspace,
            name=name,
            defaults={"function": functions[function], "title": title, "kind": Person.Kind.MEMBER},
        )
        person.teams.set([teams[s] for s in team_slugs])
    for name, function, title in STAKEHOLDERS:
        Person.objects.get_or_create(
            workspace=workspace,
            name=name,
            defaults={
                "function": functions[function],
                "title": title,
                "kind": Person.Kind.STAKEHOLDER,
            },
        )
    # The demo user's own record, so "my items" and acknowledgements have someone to point at.
    Person.objects.filter(workspace=workspace, name="Nadia Ivanova").update(user=user)
    sandbox = Workspace.objects.filter(slug=SANDBOX_SLUG).first() or create_workspace(
        "Sandbox", None, slug=SANDBOX_SLUG, description="An empty workspace to try things in."
    )
    set_membership(sandbox, user, Role.OWNER)
    return DemoContext(workspace=workspace, user=user, teams=teams)


def demo_user(password: str = DEMO_PASSWORD) -> Any:
    """Return the demo account, creating it (or resetting its password) as needed."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=DEMO_USERNAME, defaults={"email": "demo@example.invalid"}
    )
    if created or not user.check_password(password):
        user.set_password(password)
        user.save()
    return user


def ordered_steps(modules: tuple[str, ...]) -> list[tuple[str, Step]]:
    """The registered steps in the build order of ``modules`` (a module's own steps in the
    order it registered them): a module imported early (by a test, a command) registers its
    steps early, but the Radar must still run after the data it reads is built."""
    rank = {name: i for i, name in enumerate(modules)}
    return sorted(STEPS, key=lambda s: rank.get(s[1].__module__, len(rank)))


def build_demo(progress: Callable[[int, int, str], None] | None = None) -> DemoContext:
    """Create or refresh the demo workspace; ``progress(done, total, title)`` sees each step."""
    from leadline.demo import steps

    steps.load()  # registers the feature steps

    user = demo_user()
    total = 1 + len(STEPS)
    if progress:
        progress(0, total, "Organisation, teams and people")
    ctx = _base(user)
    for n, (title, func) in enumerate(ordered_steps(steps.STEP_MODULES), start=1):
        if progress:
            progress(n, total, title)
        func(ctx)
    if progress:
        progress(total, total, "Done")
    return ctx


def is_demo_member(user: Any) -> bool:
    """Return True when ``user`` belongs to the demo workspace."""
    return Membership.objects.filter(user=user, workspace__slug=DEMO_SLUG).exists()
