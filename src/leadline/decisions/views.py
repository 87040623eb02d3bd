"""Decision pages: the log (with routing and latency), one decision, who decides, the framework."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect

from leadline import bounds
from leadline.decisions.models import Decision
from leadline.governance.services import settings_for
from leadline.governance.views import page, report
from leadline.web.linkpages import link_refused
from leadline.workspaces import links
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import inputs
from . import services as decisions
from .forms import CommentForm, DecideForm, DecisionForm, DomainForm, InputRequestForm


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
    input_form = InputRequestForm(
        request.POST if action == "ask" else None,
        workspace=access.workspace,
        initial={"people": inputs.consulted(d)},
    )
    fresh: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            if action == "ask" and input_form.is_valid():
                issued = inputs.request_input(
                    access,
                    d,
                    list(input_form.cleaned_data["people"]),
                    days=input_form.cleaned_data["days"],
                    actor=request.user,
                )
                fresh = [
                    {
                        "name": i.input.person.name,
                        "url": request.build_absolute_uri(inputs.link_path(d, i.token)),
                    }
                    for i in issued
                ]
                messages.success(request, f"Asked {len(issued)} people for their input.")
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
        input_form=input_form,
        inputs=inputs.inputs_of(d),
        fresh=fresh,
        right=decisions.decide_right(access, d, request.user),
        others=others,
        now=timezone.now(),
    )
    response.status_code = status
    return response


@csrf_protect
def input_link(request: HttpRequest, ws: str, token: str) -> HttpResponse:
    """A consulted person's page behind their personal link (no account): ONE decision, their
    own input, changeable until it is decided. Refused links get a page saying why."""
    try:
        inp = inputs.resolve_link(ws, token)
    except links.LinkRefused as refused:
        return link_refused(request, refused)
    link = inp.link
    assert link is not None  # resolve_link found the input by its link
    if request.method == "POST":
        try:
            inputs.submit_input(inp, request.POST.get("text", ""), request.POST.get("stance", ""))
        except ValidationError as exc:
            report(request, exc)
        else:
            links.record_use(link, "submit", f"input on {inp.decision}")
            messages.success(request, "Thank you: your input is stored with the decision.")
            return redirect("decision-input-link", ws, token)
    else:
        links.record_use(link, "open", f"input on {inp.decision}")
    return render(
        request,
        "decisions/decision_input.html",
        {"d": inp.decision, "inp": inp, "link": link, "stances": inp.Stance.choices},
    )


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
