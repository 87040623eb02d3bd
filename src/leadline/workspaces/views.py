"""Pages for people, teams, functions and personal API tokens (members: ``settings_views``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from leadline.workspaces.twins import json_twin

from . import services
from .access import workspace_view
from .forms import FunctionForm, PersonForm, TeamForm, TokenForm
from .models import ApiToken, Person, Role


def _report(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "; ".join(exc.messages))


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/people")
def people(request: HttpRequest, access: services.Access) -> HttpResponse:
    """List teams, people and stakeholders; add them (members and up)."""
    ws = access.workspace
    team_form, person_form = TeamForm(), PersonForm(workspace=ws)
    function_form = FunctionForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "team":
                team_form = TeamForm(request.POST)
                if team_form.is_valid():
                    team = services.create_team(
                        access, actor=request.user, **team_form.cleaned_data
                    )
                    messages.success(request, f"Added team {team.name}.")
                    return redirect("people", ws.slug)
            elif action == "person":
                person_form = PersonForm(request.POST, workspace=ws)
                if person_form.is_valid():
                    person = services.create_person(
                        access, actor=request.user, **person_form.cleaned_data
                    )
                    messages.success(request, f"Added {person.name}.")
                    return redirect("people", ws.slug)
            elif action == "function":
                function_form = FunctionForm(request.POST)
                if function_form.is_valid():
                    services.add_function(access, function_form.cleaned_data["name"], request.user)
                    return redirect("people", ws.slug)
        except ValidationError as exc:
            _report(request, exc)
    everyone = (
        Person.objects.filter(workspace=ws).select_related("function").prefetch_related("teams")
    )
    context = {
        "members": [p for p in everyone if p.kind == Person.Kind.MEMBER],
        "stakeholders": [p for p in everyone if p.kind == Person.Kind.STAKEHOLDER],
        "team_list": ws.teams.prefetch_related("people"),
        "functions": ws.functions.all(),
        "team_form": team_form,
        "person_form": person_form,
        "function_form": function_form,
    }
    return render(request, "workspaces/people.html", context)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """List the user's API tokens, create one (shown once) or revoke one."""
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            raw = request.POST["revoke"]
            if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
                raise Http404("No such token")
            services.revoke_token(request.user, int(raw))
            messages.success(request, "Token revoked.")
            return redirect("tokens")
        if form.is_valid():
            _, new_token = services.issue_token(request.user, form.cleaned_data["name"])
            form = TokenForm()
    user: Any = request.user
    active = ApiToken.objects.filter(user=user, revoked_at=None)
    return render(
        request, "workspaces/tokens.html", {"form": form, "tokens": active, "new_token": new_token}
    )
