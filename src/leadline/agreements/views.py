"""Working-agreement pages, and the stakeholder's signed link (no account)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect

from leadline.agreements.models import SECTIONS, WorkingAgreement
from leadline.governance.views import page, report
from leadline.web.linkpages import link_refused
from leadline.web.middleware import bad_request
from leadline.workspaces import links
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Person, Role, StakeholderLink
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import services as agreements
from .forms import AgreementForm, NewAgreementForm


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/agreements")
def index(request: HttpRequest, access: Access) -> HttpResponse:
    """List agreements with their acknowledgement state; members start one for a team."""
    form = NewAgreementForm(request.POST or None, workspace=access.workspace)
    if request.method == "POST" and form.is_valid():
        a = agreements.get_or_create_agreement(
            access, form.cleaned_data["team"], form.cleaned_data["scope"], actor=request.user
        )
        return redirect("agreement", access.workspace.slug, a.pk)
    rows = [
        (a, agreements.acknowledgement_status(a))
        for a in WorkingAgreement.objects.filter(workspace=access.workspace).select_related("team")
    ]
    return page(request, access, "agreements/agreements.html", "agreements", rows=rows, form=form)


@workspace_view(Role.VIEWER, write=Role.MEMBER)
def detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Show the latest version, history and acknowledgements; edit, acknowledge, make links."""
    a = get_object_or_404(WorkingAgreement, workspace=access.workspace, pk=pk)
    me = agreements.person_for_user(access.workspace, request.user)
    latest = a.latest
    form = AgreementForm(initial={f: getattr(latest, f) for f, _ in SECTIONS} if latest else None)
    link = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                if me is None:
                    raise ValidationError("Your account is not linked to a person here.")
                agreements.acknowledge(a, me)
                messages.success(request, "Acknowledged.")
                return redirect("agreement", access.workspace.slug, a.pk)
            if action == "link":
                access.require(Role.LEAD)
                person = get_object_or_404(
                    Person, workspace=access.workspace, pk=_pk(request.POST.get("person"))
                )
                made, token = agreements.make_link(
                    access, a, person, days=request.POST.get("days"), actor=request.user
                )
                link = {
                    "url": request.build_absolute_uri(
                        reverse("agreement-link", args=[access.workspace.slug, token])
                    ),
                    "made": made,
                }
            elif action == "revoke-link":
                revoked = links.revoke_link(
                    access,
                    request.POST.get("link"),
                    StakeholderLink.Purpose.AGREEMENT,
                    a,
                    actor=request.user,
                )
                messages.success(request, f"Revoked {revoked.person.name}'s link.")
                return redirect("agreement", access.workspace.slug, a.pk)
            else:
                form = AgreementForm(request.POST)
                if form.is_valid():
                    c = form.cleaned_data
                    v = agreements.save_version(
                        access,
                        a,
                        {f: c[f] for f, _ in SECTIONS},
                        note=c["note"],
                        actor=request.user,
                    )
                    messages.success(request, f"Saved version {v.number}." if v else "No changes.")
                    return redirect("agreement", access.workspace.slug, a.pk)
        except ValidationError as exc:
            report(request, exc)
    status = agreements.acknowledgement_status(a)
    return page(
        request,
        access,
        "agreements/agreement.html",
        "agreements",
        a=a,
        status=status,
        versions=a.versions.all(),
        form=form,
        me=me,
        link=link,
        i_acked=me is not None and any(p.pk == me.pk for p in status["acknowledged"]),
        people=agreements.expected_people(a),
        links=links.links_for(access.workspace, StakeholderLink.Purpose.AGREEMENT, a)[:50]
        if access.can_lead
        else [],
        link_days=settings.LINK_DAYS,
        link_max_days=settings.LINK_MAX_DAYS,
        now=timezone.now(),
    )


def _version(raw: str | None, name: str, default: int) -> int:
    """Return the version number a query parameter names; anything but a number is a ValueError
    naming the parameter."""
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise ValueError(f"“{name}” must be a version number (1, 2, …), not {raw!r}.")
    return int(raw)


@workspace_view(Role.VIEWER)
def diff(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Show what changed between two versions (default: the latest and the one before)."""
    a = get_object_or_404(WorkingAgreement, workspace=access.workspace, pk=pk)
    versions = {v.number: v for v in a.versions.all()}
    if not versions:
        raise Http404("No versions yet")
    try:
        to_n = _version(request.GET.get("to"), "to", max(versions))
        from_n = _version(request.GET.get("from"), "from", to_n - 1)
    except ValueError as exc:
        return bad_request(str(exc))
    if to_n not in versions:
        raise Http404("No such version")
    old, new = versions.get(from_n), versions[to_n]
    return page(
        request,
        access,
        "agreements/agreement_diff.html",
        "agreements",
        a=a,
        old=old,
        new=new,
        sections=agreements.diff(old, new),
        numbers=sorted(versions),
    )


def _pk(raw: str | None) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise Http404("No such person") from None


@csrf_protect
def stakeholder_link(request: HttpRequest, ws: str, token: str) -> HttpResponse:
    """Let a stakeholder read and acknowledge ONE agreement through a link, no account.

    The link is the access check: an altered one, or one of another workspace, opens nothing;
    an expired or revoked one gets a page saying whom to ask for a new one. Each use is audited.
    """
    try:
        a, person, link = agreements.resolve_link(ws, token)
    except links.LinkRefused as refused:
        return link_refused(request, refused)
    if request.method == "POST":
        try:
            agreements.acknowledge(a, person, via_link=True)
        except ValidationError as exc:
            report(request, exc)
        else:
            links.record_use(link, "submit", f"acknowledged {a}")
            messages.success(request, "Thank you: your acknowledgement is recorded.")
        return redirect("agreement-link", ws, token)
    links.record_use(link, "open", f"agreement {a}")
    status = agreements.acknowledgement_status(a)
    return render(
        request,
        "agreements/agreement_link.html",
        {
            "a": a,
            "person": person,
            "link": link,
            "latest": status["latest"],
            "acked": any(p.pk == person.pk for p in status["acknowledged"]),
        },
    )
