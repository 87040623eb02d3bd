"""Competency pages, in the People area (people/competency/): your assessments and their
history, one assessment (ratings with evidence prompts, radar charts, raters, the plan), the
form a rater answers, and the model (owners edit it).

Every page shows only the caller's own assessments, or one shared with them; other people's are
404 here whatever the caller's role.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from leadline.governance.views import report
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import catalog, chart, evidence, plan, services
from .forms import EditCompetencyForm, GoalForm, RatersForm, ShareForm, StartForm, posted_levels
from .models import Assessment


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/competency/assessments")
def home(request: HttpRequest, access: Access) -> HttpResponse:
    """Your assessments (newest first), requests to rate others, and what was shared with you."""
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            a = services.start(access, request.user, title=form.cleaned_data["title"])
        except ValidationError as exc:
            report(request, exc)
        else:
            previous = (
                Assessment.objects.filter(user_id=a.user_id, workspace=access.workspace)
                .exclude(pk=a.pk)
                .first()
            )
            messages.success(request, f"Started {a.title}.")
            keys = catalog.competencies(a.model.data)
            carried = [
                {"competency": r.competency, "level": r.level, "evidence": r.evidence}
                for r in (previous.ratings.all() if previous is not None else [])
                if r.competency in keys  # keys are stable across model versions
            ]
            if carried:
                services.rate(access, request.user, a, carried)
                messages.info(request, "Your previous ratings are filled in; change what moved.")
            return redirect("competency-assessment", access.workspace.slug, a.pk)
    return render(request, "competency/home.html", {
        "history": services.history(access, request.user),
        "requests": services.requests_for(access, request.user),
        "shared": services.shared_with_me(access, request.user),
        "form": form, "model": services.current_model(access.workspace),
    })  # fmt: skip


def _radars(out: Any, previous: Any) -> list[dict[str, Any]]:
    """One radar per cornerstone: self, the raters' mean (when shown), the previous assessment."""
    by_corner: dict[str, list[Any]] = defaultdict(list)
    for r in out["ratings"]:
        by_corner[r["cornerstone"]].append(r)
    before = {r["competency"]: r["level"] for r in previous["ratings"]} if previous else {}
    radars = []
    for c in out["cornerstones"]:
        rows = by_corner[c["key"]]
        axes = [r["name"] for r in rows]
        series = [chart.Series("You", [r["level"] for r in rows], chart.SELF)]
        if out["raters"]["shown"]:
            series.append(
                chart.Series("Raters' mean", [r["raters_mean"] for r in rows], chart.RATERS)
            )
        if before:
            series.append(chart.Series(f"Before ({previous['title']})",
                                       [before.get(r["competency"]) for r in rows], chart.BEFORE,
                                       dashed=True))  # fmt: skip
        radars.append({
            "key": c["key"], "name": c["name"], "self_mean": c["self_mean"],
            "raters_mean": c["raters_mean"], "series": series,
            "svg": mark_safe(chart.radar_svg(c["name"], axes, series)),  # noqa: S308 - escaped in radar_svg
        })  # fmt: skip
    return radars


def _post(request: HttpRequest, access: Access, a: Assessment) -> str:
    p, user, op = request.POST, request.user, request.POST.get("op", "")
    if op == "ratings":
        keys = list(catalog.competencies(a.model.data))
        services.rate(access, user, a, posted_levels(p, keys, evidence=True))
        return "Ratings saved."
    if op == "share":
        share = ShareForm(p)
        if not share.is_valid():
            raise ValidationError(share.errors)
        services.share(access, user, a, share.cleaned_data["user"].strip())
        return f"Shared with {share.cleaned_data['user'].strip()}."
    if op == "unshare":
        services.unshare(access, user, a, p.get("user", ""))
        return "No longer shared with them."
    if op == "raters":
        raters = RatersForm(p)
        if not raters.is_valid():
            raise ValidationError(raters.errors)
        names = [n.strip() for n in raters.cleaned_data["raters"].split(",") if n.strip()]
        made = services.invite(access, user, a, names)
        return f"Asked {made} rater{'s' if made != 1 else ''} for feedback."
    if op == "goal":
        form = GoalForm(p, choices=_choices(a), open_goals=a.goals.filter(done=False).count())
        if not form.is_valid():
            raise ValidationError(form.errors)
        d = form.cleaned_data
        plan.add_goal(access, user, a, competency=d["competency"], text=d["text"],
                          review_on=d["review_on"])  # fmt: skip
        return "Goal added to your plan."
    if op in {"goal-done", "goal-open"}:
        plan.update_goal(access, user, a, _int(p.get("goal")), done=op == "goal-done")
        return "Goal marked done." if op == "goal-done" else "Goal open again."
    if op == "goal-remove":
        plan.remove_goal(access, user, a, _int(p.get("goal")))
        return "Goal removed."
    raise ValidationError({"op": [f"Unknown form {op!r}."]})


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _choices(a: Assessment) -> list[tuple[str, str]]:
    return [(k, c["name"]) for k, (_, c) in catalog.competencies(a.model.data).items()]


@workspace_view(Role.VIEWER, write=Role.MEMBER)
@json_twin("/workspaces/{workspace}/competency/assessments/{pk}")
def assessment(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One assessment: the owner rates and plans; someone it is shared with reads it."""
    a = services.readable(access, request.user, pk)
    if request.method == "POST":
        try:
            messages.success(request, _post(request, access, a))
        except ValidationError as exc:
            report(request, exc)
        anchor = {"goal": "#plan", "share": "#sharing", "raters": "#raters"}.get(
            request.POST.get("op", "").split("-")[0], ""
        )
        return redirect(f"{request.path}{anchor}")
    out = services.assessment_out(access, request.user, a)
    previous = None
    if out["mine"]:
        earlier = Assessment.objects.filter(
            workspace=access.workspace, user_id=a.user_id, created_at__lt=a.created_at
        ).first()  # fmt: skip
        if earlier is not None:
            previous = services.assessment_out(access, request.user, earlier)
    model = services.model_out(a.model)
    defs = {k["key"]: k for c in model["cornerstones"] for k in c["competencies"]}
    prompts: dict[str, list[Any]] = defaultdict(list)
    general: list[Any] = []
    if out["mine"]:
        for e in evidence.evidence_for(access.workspace, request.user, timezone.localdate()):
            (prompts[e["competency"]] if e["competency"] else general).append(e)
    rows = [{**r, "def": defs[r["competency"]], "prompts": prompts.get(r["competency"], [])}
            for r in out["ratings"]]  # fmt: skip
    corners = [{**c, "rows": [r for r in rows if r["cornerstone"] == c["key"]]}
               for c in out["cornerstones"]]  # fmt: skip
    open_goals = sum(1 for g in out["goals"] if not g["done"])
    return render(request, "competency/assessment.html", {
        "a": out, "corners": corners, "radars": _radars(out, previous), "general": general,
        "previous_title": previous["title"] if previous else "",
        "levels": list(enumerate(out["level_names"], start=1)),
        "goal_form": GoalForm(choices=_choices(a), open_goals=open_goals),
        "open_goals": open_goals, "max_goals": plan.MAX_GOALS,
        "share_form": ShareForm(), "raters_form": RatersForm(),
        "above": [r for r in out["ratings"] if r["above_raters"]],
    })  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.VIEWER)
def rate(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """A rater's form: the competencies and their levels, nothing of the person's own ratings."""
    inv = services.invitation(access, request.user, pk)
    a = inv.assessment
    if request.method == "POST" and not inv.answered:
        keys = list(catalog.competencies(a.model.data))
        try:
            rows = posted_levels(request.POST, keys, evidence=False)
            services.answer(access, request.user, pk, {r["competency"]: r["level"] for r in rows})
        except ValidationError as exc:
            report(request, exc)
            return redirect("competency-rate", access.workspace.slug, pk)
        messages.success(request, "Thank you: your feedback is in, without your name on it.")
        return redirect("competency", access.workspace.slug)
    return render(request, "competency/rate.html", {
        "inv": inv,
        "model": services.model_out(a.model), "minimum": services.MIN_RATERS,
        "owner_name": services._name(access.workspace, a.user),
    })  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.OWNER)
@json_twin("/workspaces/{workspace}/competency/model")
def model_page(request: HttpRequest, access: Access) -> HttpResponse:
    """The workspace's competency model; owners edit a competency's wording (a new version)."""
    mv = services.current_model(access.workspace)
    key = request.GET.get("edit") or request.POST.get("key", "")
    found = catalog.competencies(mv.data).get(key) if key else None
    form = None
    if found is not None and access.is_owner:
        comp = found[1]
        initial = {"name": comp["name"], "summary": comp.get("summary", ""),
                   **{f"level_{i}": t for i, t in enumerate(comp["levels"], start=1)}}  # fmt: skip
        form = EditCompetencyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                new = services.edit_competency(
                    access, request.user, key, name=d["name"], summary=d["summary"],
                    levels=[d[f"level_{i}"] for i in range(1, 6)], note=d["note"],
                )  # fmt: skip
            except ValidationError as exc:
                report(request, exc)
            else:
                messages.success(request, f"Saved as model version {new.number}.")
                return redirect("competency-model", access.workspace.slug)
    return render(request, "competency/model.html", {
        "model": services.model_out(mv), "form": form, "editing": key if form else "",
        "versions": mv.workspace.competency_models.order_by("-number")[:20],
    })  # fmt: skip
