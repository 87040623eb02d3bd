"""Decision pages: the log (with routing and latency), one decision, who decides, the framework."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from leadline import bounds
from leadline.decisions.models import Decision
from leadline.governance.services import settings_for
from leadline.governance.views import page, report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import services as decisions
from .forms import CommentForm, DecideForm, DecisionForm, DomainForm


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/decisions")
def log(request: HttpRequest, access: Access) -> HttpResponse:
    """Show the decision log; members propose a decision, which is routed on creation."""
    form = DecisionForm(request.POST or None, workspace=access.workspace)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            d = decisions.create_decision(
                access,
                c["title"],
                domains=[x.name for x in c["domains"]],
                context=c["context"],
                options=c["options"],
                team=c["team"],
                actor=request.user,
            )
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, f"Proposed “{d.title}”: routed to {d.routed_name}.")
            return redirect("decision", access.workspace.slug, d.pk)
    status = request.GET.get("status", "")
    rows = Decision.objects.filter(workspace=access.workspace).prefetch_related("domains")
    if status:
        rows = rows.filter(status=status)
    return page(
        request,
        access,
        "decisions/decision_log.html",
        "decisions",
        decisions=rows,
        form=form,
        now=timezone.now(),
        status=status,
        gaps=decisions.framework_gaps(access),
    )


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/decisions/{pk}", query=False)
def detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """Show one decision and who may decide it; that decider (or an owner acting for them)
    records the outcome, members comment or mark it superseded."""
    d = decisions.get_decision(access, pk)
    action = request.POST.get("action")
    form = DecideForm(request.POST if action == "decide" else None)
    comment_form = CommentForm(request.POST if action == "comment" else None)
    status = 200
    if request.method == "POST":
        try:
            if action == "supersede":
                raw = request.POST.get("superseded_by", "")
                if not (raw.isascii() and raw.isdigit()) or bounds.ID.problem(int(raw)):
                    raise ValidationError(
                        {"superseded_by": "Choose the decision that replaces it."}
                    )
                new = decisions.get_decision(access, int(raw))
                decisions.supersede(access, d, new, request.user)
                messages.success(request, f"Superseded by “{new.title}”.")
                return redirect("decision", access.workspace.slug, d.pk)
            if action == "comment" and comment_form.is_valid():
                decisions.add_comment(access, d, comment_form.cleaned_data["text"], request.user)
                messages.success(request, "Comment added.")
                return redirect("decision", access.workspace.slug, d.pk)
            if action == "decide" and form.is_valid():
                decisions.decide(
                    access,
                    d,
                    outcome=form.cleaned_data["decision"],
                    rationale=form.cleaned_data["rationale"],
                    consequences=form.cleaned_data["consequences"],
                    actor=request.user,
                )
                messages.success(request, "Decision recorded.")
                return redirect("decision", access.workspace.slug, d.pk)
        except ValidationError as exc:
            report(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
    others = Decision.objects.filter(workspace=access.workspace).exclude(pk=d.pk)[:100]
    response = page(
        request,
        access,
        "decisions/decision_detail.html",
        "decisions",
        d=d,
        form=form,
        comment_form=comment_form,
        comments=d.comments.all(),
        right=decisions.decide_right(access, d, request.user),
        others=others,
        now=timezone.now(),
    )
    response.status_code = status
    return response


@workspace_view(Role.VIEWER)
@json_twin("/workspaces/{workspace}/decision-domains", query=False)
def who_decides(request: HttpRequest, access: Access) -> HttpResponse:
    """Answer "who decides X?" and show the framework's gaps."""
    q = request.GET.get("q", "")
    s = settings_for(access.workspace)
    return page(
        request,
        access,
        "decisions/who_decides.html",
        "who",
        q=q,
        rows=decisions.who_decides(access, q),
        gaps=decisions.framework_gaps(access),
        triage=s.triage_group.all(),
        settings=s,
    )


@workspace_view(Role.VIEWER, write=Role.LEAD)
def framework(request: HttpRequest, access: Access) -> HttpResponse:
    """Edit decision domains and deciders (leads); the triage group and SLAs are shown here
    and changed in Settings → Escalations & decisions."""
    s = settings_for(access.workspace)
    domain_form = DomainForm(workspace=access.workspace)
    if request.method == "POST":
        if request.POST.get("action") == "settings":
            messages.info(
                request, "The triage group and SLAs are now changed here, in the settings."
            )
            return redirect("settings-thresholds", access.workspace.slug)
        else:
            domain_form = DomainForm(request.POST, workspace=access.workspace)
            if domain_form.is_valid():
                try:
                    decisions.save_domain(access, actor=request.user, **domain_form.cleaned_data)
                except ValidationError as exc:
                    report(request, exc)
                else:
                    messages.success(request, f"Saved domain {domain_form.cleaned_data['name']}.")
                    return redirect("decision-framework", access.workspace.slug)
    return page(
        request,
        access,
        "decisions/framework.html",
        "who",
        rows=decisions.who_decides(access),
        domain_form=domain_form,
        settings=s,
        triage=s.triage_group.all(),
    )
