"""Concentration pages: the area table (with one-person finishers and reviewers and the teams'
pace), one area's authors, and "if X leaves". Leads recompute the results by a form on the first page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Person, Role
from leadline.workspaces.services import Access, audit
from leadline.workspaces.twins import json_twin

from . import reviews, services, workload


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/concentration")
def index(request: HttpRequest, access: Access) -> HttpResponse:
    """Truck factors per repository and area, one-person finishers and reviewers, teams'
    out-of-hours share."""
    ws = access.workspace
    now = timezone.now()
    if request.method == "POST":
        problems = services.refresh(ws, now)
        audit(ws, request.user, "concentration.refresh", ws, "Recomputed key-person concentration")
        for p in problems:
            messages.warning(request, p)
        messages.success(request, "Concentration recomputed.")
        return redirect(reverse("concentration", args=[ws.slug]))
    try:
        share = workload.parse_share(request.GET.get("share"))
        share_error = ""
    except ValidationError as exc:
        share, share_error = workload.FINISH_SHARE[2], " ".join(exc.message_dict["share"])
    try:
        review_share = workload.parse_share(request.GET.get("review_share"),
                                            field="review_share", bounds=reviews.REVIEW_SHARE)  # fmt: skip
        review_error = ""
    except ValidationError as exc:
        review_share = reviews.REVIEW_SHARE[2]
        review_error = " ".join(exc.message_dict["review_share"])
    data = services.overview(ws, now, share=share, review_share=review_share)
    team = getattr(request, "team", None)
    pace = [p for p in data["pace"] if team is None or p["team"] == team.slug]
    return render(request, "concentration/index.html", {
        "data": data, "pace": pace, "share_error": share_error, "review_error": review_error,
        "people": services.people_with_areas(ws, now), "can_lead": access.can_lead,
    })  # fmt: skip


@workspace_view(Role.VIEWER)
def area(request: HttpRequest, access: Access) -> HttpResponse:
    """One repository's or area's authors (people still here), its one reviewer if it has one,
    and the epics touching it."""
    repository = request.GET.get("repository", "")
    name = request.GET.get("area", "")
    row = services.area_authors(access.workspace, timezone.now(), repository, name)
    if row is None:
        raise Http404("No such area")
    return render(request, "concentration/area.html",
                  {"row": row, "review_days": reviews.REVIEW_DAYS})  # fmt: skip


@workspace_view(Role.VIEWER)
def leaves(request: HttpRequest, access: Access) -> HttpResponse:
    """If this person left: the areas losing files' authors or their last author, and the
    epics and forecasts touching them."""
    raw = request.GET.get("person", "")
    if not raw.isdigit():
        raise Http404("No such person")
    person = Person.objects.filter(workspace=access.workspace, pk=int(raw)).first()
    if person is None:
        raise Http404("No such person")
    data = services.if_leaves(access.workspace, timezone.now(), person)
    return render(request, "concentration/leaves.html", {"data": data, "person": person})
