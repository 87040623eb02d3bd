"""Pulse pages: the pulses with their trends and the portfolio, one pulse's results, the CSV,
and the personal answer page (no account; phone-sized)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect

from leadline.governance.views import report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access, team_by_slug
from leadline.workspaces.twins import json_twin

from . import catalog, reports, services
from .catalog import SCALES
from .forms import PulseForm

_REFUSED = {
    "used": (409, "This link has been used", "Each link answers once, so nobody can answer "
             "twice or change an answer later. Thank you for answering."),
    "closed": (410, "This round has closed", "Answers are no longer taken for it. The next "
               "round comes with a new link."),
    "unknown": (404, "This link does not open", "It may be incomplete: check that you copied "
                "the whole link from the message you received."),
}  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/pulses")
def pulses(request: HttpRequest, access: Access) -> HttpResponse:
    """The pulses per team with their trends, the portfolio across teams; leads start pulses
    and set k."""
    teams = list(access.workspace.teams.all())
    form = PulseForm(request.POST or None, teams=teams)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "k":
                k = services.set_min_group_size(access, request.POST.get("min_group_size", ""),
                                                request.user)  # fmt: skip
                messages.success(request, f"Minimum group size is now {k}.")
                return redirect("pulses", access.workspace.slug)
            if form.is_valid():
                team = team_by_slug(access.workspace, form.cleaned_data["team"])
                if team is None:
                    raise Http404("No such team")
                made = services.create_pulse(
                    access, team, form.cleaned_data["template"],
                    questions=form.question_list(), schedule=form.cleaned_data["schedule"],
                    open_days=form.cleaned_data["open_days"], actor=request.user,
                )  # fmt: skip
                messages.success(request, f"Started {made['title']} for {team.name}: "
                                 f"{len(made['links'])} people invited by personal link.")  # fmt: skip
                return redirect("pulse", access.workspace.slug, made["id"])
        except ValidationError as exc:
            report(request, exc)
    now = timezone.now()
    team = getattr(request, "team", None)
    return render(request, "pulse/pulses.html", {
        "pulses": reports.summaries(access.workspace, now, team),
        "portfolios": [reports.portfolio(access.workspace, t, now)
                       for t in (catalog.PSYCHOLOGICAL_SAFETY, catalog.HEALTH_CHECK)],
        "templates": catalog.TEMPLATES, "form": form,
        "k": services.min_group_size(access.workspace),
        "k_range": range(3, 11),
    })  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/pulses/{pk}/results")
def pulse(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One pulse: a round's results (k enforced), the trend; leads close or start rounds."""
    p = services.pulse_in(access.workspace, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close":
                current = p.rounds.filter(closed=False).order_by("-number").first()
                if current is not None:
                    services.close_round(access, current, request.user)
                    messages.success(request, f"Closed round {current.number}.")
            elif action == "round":
                rnd, links = services.start_round(access, p, actor=request.user)
                messages.success(request, f"Opened round {rnd.number}: {len(links)} invited.")
        except ValidationError as exc:
            report(request, exc)
        return redirect("pulse", access.workspace.slug, p.pk)
    now = timezone.now()
    try:
        number = int(request.GET["round"]) if request.GET.get("round") else None
    except ValueError:
        number = None
    decided = reports.decisions(access.workspace, now)
    has_rounds = p.rounds.exists()
    result = reports.results(access.workspace, p, now, number, decided) if has_rounds else None
    items = {i.key: i for i in services.items_of(p)}
    rows = []
    for it in result["items"] if result else []:
        item = items[it["key"]]
        labels = SCALES[item.scale].labels
        dist = list(zip(labels, it.get("distribution", []), strict=False))
        rows.append({"r": it, "item": item, "dist": dist, "size": len(labels)})
    current = p.rounds.filter(closed=False, closes_at__gt=now).order_by("-number").first()
    return render(request, "pulse/pulse.html", {
        "p": p, "result": result, "rows": rows, "trend": reports.trend(p, decided, now),
        "current": current,
        "answered": current.invitations.filter(answered=True).count() if current else 0,
        "citation": catalog.CITATIONS.get(p.template, ""),
    })  # fmt: skip


@workspace_view(Role.VIEWER)
def pulse_csv(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Every round's results as CSV (the same results, the same k)."""
    p = services.pulse_in(access.workspace, pk)
    response = HttpResponse(reports.results_csv(access.workspace, p, timezone.now()),
                            content_type="text/csv; charset=utf-8")  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="pulse-{p.pk}.csv"'
    return response


@csrf_protect
def answer(request: HttpRequest, ws: str, token: str) -> HttpResponse:
    """Answer a pulse through a personal link, no account: single-use, until the round closes,
    only in the workspace it was made for. Nothing of the person is stored with the answers."""
    try:
        inv = services.open_link(token, ws)
    except services.Refused as refused:
        status, title, text = _REFUSED[refused.reason]
        return render(request, "pulse/answer_refused.html", {"title": title, "text": text},
                      status=status)  # fmt: skip
    p = inv.round.pulse
    items = services.items_of(p)
    given: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        given = {i.key: request.POST.get(i.key, "") for i in items}
        try:
            services.submit(token, dict(given), request.POST.get("comment", ""), slug=ws)
        except ValidationError as exc:
            errors = exc.message_dict
        except services.Refused as refused:
            status, title, text = _REFUSED[refused.reason]
            return render(request, "pulse/answer_refused.html", {"title": title, "text": text},
                          status=status)  # fmt: skip
        else:
            return render(request, "pulse/answer_done.html", {"p": p})
    questions = [
        {"item": i, "options": list(enumerate(SCALES[i.scale].labels, 1)),
         "given": given.get(i.key, ""), "errors": errors.get(i.key, [])}
        for i in items
    ]  # fmt: skip
    return render(request, "pulse/answer.html", {
        "p": p, "round": inv.round, "questions": questions,
        "comment": request.POST.get("comment", "") if errors else "",
        "citation": catalog.CITATIONS.get(p.template, ""), "errors": errors,
    }, status=422 if errors else 200)  # fmt: skip
