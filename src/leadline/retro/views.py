"""Retrospective pages: the team's boards, one board (live by polling), the recurring themes.

Every form posts back to its page and works without JavaScript; with it, the board's middle
part polls for changes (htmx) and the timer counts down (static/retro/retro.js).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from leadline import bounds
from leadline.governance.views import report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import actions, services, themes
from .formats import ACTION_PHASES, MAX_ACTIONS, PHASES
from .forms import ActionForm, CardForm, NewRetroForm


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/retros")
def retro_list(request: HttpRequest, access: Access) -> HttpResponse:
    """The boards (of the chosen team), its open actions and a form to open a new board."""
    team = getattr(request, "team", None)
    form = NewRetroForm(request.POST or None, workspace=access.workspace,
                        initial={"team": team.slug if team else None})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            retro = services.create_retro(
                access, request.user, team=d["team"], format=d["format"], title=d["title"],
                held_on=d["held_on"], votes_per_person=d["votes_per_person"],
                facilitator=d["facilitator"].pk if d["facilitator"] else None,
            )  # fmt: skip
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, f"Opened {retro.title}.")
            return redirect("retro-board", access.workspace.slug, retro.pk)
    return render(request, "retro/retros.html", {
        "boards": services.retros(access.workspace, team),
        "open_actions": actions.open_actions(access.workspace, team),
        "form": form, "back": request.get_full_path(),
    })  # fmt: skip


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _post(request: HttpRequest, access: Access, retro: Any) -> str:
    """Carry out one form of the board page; return what to tell the person."""
    p, user, op = request.POST, request.user, request.POST.get("op", "")
    if op == "card":
        services.add_card(access, retro, user, column=p.get("column", ""), text=p.get("text", ""),
                          anonymous=p.get("anonymous") == "on")  # fmt: skip
        return "Card added."
    if op == "group":
        cards = [c for c in (_int(v) for v in p.getlist("cards")) if c is not None]
        services.create_group(access, retro, user, title=p.get("title", ""), cards=cards)
        return "Cards grouped."
    if op == "ungroup":
        services.ungroup_card(access, retro, user, _int(p.get("card")) or 0)
        return "Card taken out of its group."
    if op in {"vote", "unvote"}:
        fn = services.vote if op == "vote" else services.unvote
        left = fn(access, retro, user, card=_int(p.get("card")), group=_int(p.get("group")))
        return f"{'Vote placed' if op == 'vote' else 'Vote taken back'}: {left} left."
    if op == "phase":
        services.set_phase(access, retro, user, p.get("phase", ""))
        return f"The board is now in the {retro.phase} phase."
    if op == "timer":
        services.set_timer(access, retro, user, _int(p.get("minutes")))
        return "Timer started." if retro.timer_ends_at else "Timer stopped."
    if op == "action":
        due = _date(p.get("due_on", ""))
        if due is None:
            raise ValidationError({"due_on": ["Give a due date (YYYY-MM-DD)."]})
        actions.add_action(access, retro, user, title=p.get("title", ""),
                           owner=_int(p.get("owner")), due_on=due)  # fmt: skip
        return "Action agreed."
    if op == "close":
        status = p.get("status", "")
        actions.close_action(access, _int(p.get("action")) or 0, user, status, p.get("reason", ""))
        return f"Action recorded as {status}."
    raise ValidationError({"op": [f"Unknown form {op!r}."]})


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/retros/{pk}")
def board(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One board: write, group, vote, discuss, agree actions; carried actions with their age."""
    retro = services.retro_in(access.workspace, pk)
    if request.method == "POST":
        try:
            messages.success(request, _post(request, access, retro))
        except ValidationError as exc:
            report(request, exc)
        return redirect("retro-board", access.workspace.slug, retro.pk)
    return render(request, "retro/board.html", _context(request, access, retro))


def _context(request: HttpRequest, access: Access, retro: Any) -> dict[str, Any]:
    b = services.board(access, retro, request.user)
    mine = b["my_votes"]
    cards = [{**c, "mine": mine.count(f"card:{c['id']}")} for c in b["cards"]]
    columns = [
        {**c, "cards": [x for x in cards if x["column"] == c["key"] and x["group"] is None]}
        for c in b["columns"]
    ]
    by_id = {c["id"]: c for c in cards}
    groups = [
        {**g, "card_list": [by_id[i] for i in g["cards"]], "mine": mine.count(f"group:{g['id']}")}
        for g in b["groups"]
    ]
    at = [k for k, _ in PHASES].index(b["phase"])
    return {
        "b": b, "retro": retro, "columns": columns, "groups": groups,
        "phases": PHASES, "phase_index": at,
        "prev_phase": PHASES[at - 1] if at > 0 else None,
        "next_phase": PHASES[at + 1] if at + 1 < len(PHASES) else None,
        "card_form": CardForm(), "action_form": ActionForm(team=retro.team),
        "action_phase": b["phase"] in ACTION_PHASES, "max_actions": MAX_ACTIONS,
        "actions_left": MAX_ACTIONS - len(b["actions"]),
        "timer_bound": bounds.RETRO_TIMER_MINUTES,
        "back": reverse("retro-board", args=[access.workspace.slug, retro.pk]),
    }  # fmt: skip


@workspace_view()
def board_live(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """The board's live part for polling: 204 while nothing changed since ``?v=``; a reload
    (HX-Refresh) when the phase changed, since the page's forms depend on it."""
    retro = services.retro_in(access.workspace, pk)
    if str(retro.version) == request.GET.get("v"):
        return HttpResponse(status=204)
    if request.GET.get("phase") and request.GET["phase"] != retro.phase:
        response = HttpResponse(status=200)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "retro/_live.html", _context(request, access, retro))


@workspace_view()
@json_twin("/workspaces/{workspace}/retros/themes")
def theme_list(request: HttpRequest, access: Access) -> HttpResponse:
    """Themes that came back in three or more retros of a team, with their history."""
    team = getattr(request, "team", None)
    return render(request, "retro/themes.html", {
        "themes": themes.recurring_themes(access.workspace, team), "min_retros": themes.MIN_RETROS,
    })  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.MEMBER)
def action_close(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Record an open action done, or dropped with a reason; back to the page it came from."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    if request.method == "POST":
        status = request.POST.get("status", "")
        try:
            actions.close_action(access, pk, request.user, status, request.POST.get("reason", ""))
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, f"Action recorded as {status}.")
    return redirect(back or "retros", *([] if back else [access.workspace.slug]))
