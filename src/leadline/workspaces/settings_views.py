"""The settings area: my profile, time zone and password; the workspace's name, time zone and
members for owners (thresholds live with the rules they set: ``governance.views.settings``).

Profile and password also work outside a workspace (``/account/…``), for an account that
belongs to none yet.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from . import services, throttle
from .access import workspace_view
from .forms import MemberForm, MemberPersonForm, ProfileForm, WorkspaceSettingsForm
from .models import Membership, Person, Role


def _errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _profile(request: HttpRequest, again: tuple[str, ...]) -> HttpResponse:
    user: Any = request.user
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "time_zone": services.display_time_zone_of(user),
    }
    form = ProfileForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("first_name", "last_name", "email", "time_zone")}
        try:
            changed = services.update_profile(user, **data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Profile saved." if changed else "Nothing to change.")
            return redirect(*again)
    return render(request, "workspaces/settings/profile.html", {"form": form})


def _password(request: HttpRequest, again: tuple[str, ...]) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay signed in here; other sessions end
        services.audit(None, user, "update", user, "Changed their password")
        messages.success(
            request, "Password changed. Other sessions of this account are signed out."
        )
        return redirect(*again)
    return render(request, "workspaces/settings/password.html", {"form": form})


@workspace_view()
def settings_home(request: HttpRequest, access: services.Access) -> HttpResponse:
    """Open the settings area at the person's own profile."""
    return redirect("settings-profile", access.workspace.slug)


@workspace_view()
def profile(request: HttpRequest, access: services.Access) -> HttpResponse:
    """Change my name, email and display time zone (any role: it is my own account)."""
    return _profile(request, ("settings-profile", access.workspace.slug))


@workspace_view()
def password(request: HttpRequest, access: services.Access) -> HttpResponse:
    """Change my password (the current one is asked for)."""
    return _password(request, ("settings-password", access.workspace.slug))


@login_required
def account_profile(request: HttpRequest) -> HttpResponse:
    """My profile, outside any workspace."""
    return _profile(request, ("account-profile",))


@login_required
def account_password(request: HttpRequest) -> HttpResponse:
    """My password, outside any workspace."""
    return _password(request, ("account-password",))


@workspace_view(Role.OWNER)
def workspace_settings(request: HttpRequest, access: services.Access) -> HttpResponse:
    """Rename the workspace and set the time zone its days are counted in (owners)."""
    ws = access.workspace
    initial = {"name": ws.name, "description": ws.description, "time_zone": ws.time_zone}
    form = WorkspaceSettingsForm(
        request.POST or None, initial=initial, server_time_zone=settings.TIME_ZONE
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_workspace(access, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, "Workspace settings saved.")
            return redirect("settings-workspace", ws.slug)
    return render(request, "workspaces/settings/workspace.html", {"form": form})


@workspace_view(Role.OWNER)
def members(request: HttpRequest, access: services.Access) -> HttpResponse:
    """Show who has access and with which role, and which person each account is (owners);
    unlock members locked out of signing in."""
    ws = access.workspace
    if request.method == "POST" and "unlock" in request.POST:
        username = request.POST["unlock"]
        throttle.unlock_member(access, username, request.user)
        messages.success(request, f"{username} can sign in again.")
        return redirect("settings-members", ws.slug)
    adding = request.method == "POST" and request.POST.get("action") != "person"
    form = MemberForm(request.POST if adding else None)
    if request.method == "POST" and request.POST.get("action") == "person":
        link = MemberPersonForm(request.POST, workspace=ws)
        membership = Membership.objects.filter(
            workspace=ws, user_id=request.POST.get("user") or 0
        ).first()
        if link.is_valid() and membership is not None:
            try:
                services.link_person(
                    access, membership.user, link.cleaned_data["person"], request.user
                )
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            else:
                messages.success(request, "Saved who is who.")
                return redirect("settings-members", ws.slug)
        else:
            messages.error(request, "Choose a team member of this workspace.")
    elif adding and form.is_valid():
        services.set_membership(
            ws, form.cleaned_data["username"], form.cleaned_data["role"], request.user
        )
        messages.success(request, "Access updated.")
        return redirect("settings-members", ws.slug)
    memberships = list(Membership.objects.filter(workspace=ws).select_related("user"))
    linked = dict(
        Person.objects.filter(workspace=ws, user__isnull=False).values_list("user_id", "pk")
    )
    locked = throttle.locked_accounts([m.user.get_username() for m in memberships])
    rows = [
        (m, MemberPersonForm(initial={"user": m.user_id, "person": linked.get(m.user_id)},
                             workspace=ws), locked.get(m.user.get_username()))
        for m in memberships
    ]  # fmt: skip
    context = {
        "rows": rows,
        "form": form,
        "failure_limit": settings.LOGIN_FAILURE_LIMIT,
        "lockout_minutes": settings.LOCKOUT_MINUTES,
    }
    return render(request, "workspaces/settings/members.html", context)


@workspace_view()
def old_members(request: HttpRequest, access: services.Access) -> HttpResponse:
    """The Members page moved into the settings area; old links and bookmarks still work."""
    return redirect("settings-members", access.workspace.slug, permanent=True)
