"""RAID pages: register with filters, heat map and aging; item detail; dependency board; CSV."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from leadline import bounds
from leadline.governance.views import page, report
from leadline.raid.models import KIND_STATUSES, RaidHistory, RaidItem
from leadline.web.labels import change_rows
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Person, Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import csvio
from . import services as raid
from .forms import RaidForm


def _int(value: str | None) -> int | None:
    """Return a filter's whole number; anything else (letters, "²", past 2**63) filters nothing."""
    if not value or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if bounds.ID.problem(number) is None else None


ACTIONS = {"create": "Logged", "update": "Changed", "materialise": "Happened: became an issue"}


def _history(item: RaidItem) -> list[RaidHistory]:
    """Return the item's history with its actions and changes ((label, old, new)) in words."""
    rows = list(item.history.all())
    for h in rows:
        h.action_label = ACTIONS.get(h.action, h.action.capitalize())  # type: ignore[attr-defined]
        changes = {k: v for k, v in h.changes.items() if k != "issue"}  # linked on the page
        h.rows = change_rows(changes, RaidItem)  # type: ignore[attr-defined]
    return rows


@workspace_view(Role.VIEWER)
@json_twin("/workspaces/{workspace}/raid")
def register(request: HttpRequest, access: Access) -> HttpResponse:
    """Show the RAID register (filter by type, status, owner, team, cell), heat map and aging."""
    g = request.GET
    # The team is the page's scope (the top bar's ?team=); ?team_filter= is the old name.
    scope_team = getattr(request, "team", None)
    team = g.get("team_filter") or (scope_team.slug if scope_team else "")
    f = raid.RegisterFilter(
        kind=g.get("kind", ""),
        status=g.get("status", "open"),
        owner=_int(g.get("owner")),
        team=team,
        probability=_int(g.get("probability")),
        impact=_int(g.get("impact")),
        blocker=g.get("blocker") == "1",
    )
    now = timezone.now()
    everything = raid.register(access, raid.RegisterFilter(team=team))
    rows = list(raid.register(access, f))
    for item in rows:
        item.age_days = (now - item.created_at).days  # type: ignore[attr-defined]
    labels = dict(RaidItem.Status.choices)
    statuses = sorted({(s, labels[s]) for ss in KIND_STATUSES.values() for s in ss})
    return page(
        request,
        access,
        "raid/raid_register.html",
        "raid",
        items=rows,
        filters=f,
        heat=raid.heat_map(everything),
        aging=raid.aging(everything, now),
        kinds=RaidItem.Kind.choices,
        statuses=statuses,
        people=Person.objects.filter(workspace=access.workspace),
        team_list=access.workspace.teams.all(),
    )


@workspace_view(Role.MEMBER)
def new_item(request: HttpRequest, access: Access) -> HttpResponse:
    """Log a risk, assumption, issue or dependency."""
    form = RaidForm(
        request.POST or None,
        workspace=access.workspace,
        initial={"kind": request.GET.get("kind", "risk")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = raid.create_item(
                access, form.cleaned_data["kind"], form.data_for_service(), request.user
            )
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, f"Logged {item.get_kind_display().lower()} “{item.title}”.")
            return redirect("raid", access.workspace.slug)
    return page(request, access, "raid/raid_form.html", "raid", form=form)


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/raid/{pk}", query=False)
def item_detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Show one item with its history and links; members edit, materialise or flag it."""
    item = raid.get_item(access, pk)
    form = RaidForm(instance=item, workspace=access.workspace)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "materialise":
                issue = raid.materialise_risk(access, item, request.user)
                messages.success(request, "The risk materialised; it is now linked to this issue.")
                return redirect("raid-item", access.workspace.slug, issue.pk)
            if action == "blocker":
                raid.update_item(access, item, {"blocker": not item.blocker}, request.user)
                return redirect("raid-item", access.workspace.slug, item.pk)
            form = RaidForm(
                request.POST, instance=raid.get_item(access, pk), workspace=access.workspace
            )
            if form.is_valid():
                data = form.data_for_service()
                fresh = raid.get_item(access, pk)
                raid.update_item(access, fresh, data, request.user)
                messages.success(request, "Saved.")
                return redirect("raid-item", access.workspace.slug, item.pk)
        except ValidationError as exc:
            report(request, exc)
    return page(
        request,
        access,
        "raid/raid_item.html",
        "raid",
        item=item,
        form=form,
        history=_history(item),
        issues=item.materialised_as.all(),
    )


@workspace_view(Role.VIEWER)
def dependencies(request: HttpRequest, access: Access) -> HttpResponse:
    """Show the dependency board: which team waits on whom, for what, by when."""
    return page(
        request,
        access,
        "raid/raid_dependencies.html",
        "dependencies",
        board=raid.dependency_board(access, timezone.now()),
    )


@workspace_view(Role.MEMBER)
def import_csv(request: HttpRequest, access: Access) -> HttpResponse:
    """Import RAID items from an uploaded CSV file (all or nothing)."""
    errors: list[str] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = ["Choose a CSV file."]
        else:
            try:
                text = csvio.decode(upload.read(), upload.name or "the file")
                result = csvio.import_csv(access, text, request.user)
            except csvio.CsvImportError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    f"Imported: {result.created} new, {result.updated} changed, "
                    f"{result.unchanged} unchanged.",
                )
                return redirect("raid", access.workspace.slug)
    return page(
        request, access, "raid/raid_import.html", "raid", errors=errors, columns=csvio.COLUMNS
    )


@workspace_view(Role.VIEWER)
def export_csv(request: HttpRequest, access: Access) -> HttpResponse:
    """Download every RAID item as CSV (the import's columns)."""
    response = HttpResponse(
        csvio.export_csv(raid.register(access, raid.RegisterFilter())), content_type="text/csv"
    )
    response["Content-Disposition"] = f'attachment; filename="raid-{access.workspace.slug}.csv"'
    return response
