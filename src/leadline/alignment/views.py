"""Alignment-check pages: the list and builder, one check (who answered, links, close), its
results, and the respondent's page behind a personal link (no account)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect

from leadline.governance.views import report
from leadline.web.linkpages import link_refused
from leadline.workspaces import links
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Person, Role
from leadline.workspaces.services import Access
from leadline.workspaces.twins import json_twin

from . import services as alignment
from .forms import DECIDER_CHOICES, CheckForm, answers_from_post, initial_of
from .models import AlignmentCheck, Kind
from .notices import send_invitations
from .results import QuestionResult, decider_candidates, results_csv, results_for
from .rounds import first_round_answers, second_round
from .series import get_series, repeat, stop, trend


def _issued(request: HttpRequest, issued: list[alignment.IssuedLink]) -> list[dict[str, Any]]:
    return [
        {
            "name": i.respondent.person.name,
            "kind": i.respondent.person.get_kind_display(),
            "has_account": i.respondent.person.user_id is not None,
            "url": request.build_absolute_uri(
                alignment.link_path(i.respondent.alignment_check, i.token)
            ),
        }
        for i in issued
    ]


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/alignment-checks")
def index(request: HttpRequest, access: Access) -> HttpResponse:
    """List the checks with how many answered; leads build and send a new one."""
    form = CheckForm(request.POST or None, workspace=access.workspace)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            check, issued = alignment.create_check(
                access,
                c["title"],
                c["questions"],
                list(c["audience"]),
                team=c["team"],
                closes_at=form.closes_at(),
                consensus=c["consensus"],
                actor=request.user,
            )
        except ValidationError as exc:
            report(request, exc)
        else:
            send_invitations(check, issued, timezone.now())
            messages.success(request, f"Sent “{check.title}” to {len(issued)} people.")
            return _detail(request, access, check, fresh=_issued(request, issued))
    checks = [
        (c, alignment.progress(c))
        for c in AlignmentCheck.objects.filter(workspace=access.workspace).select_related("team")
    ]
    return render(request, "alignment/checks.html", {"checks": checks, "form": form})


def _detail(
    request: HttpRequest,
    access: Access,
    check: AlignmentCheck,
    fresh: list[dict[str, Any]] | None = None,
) -> HttpResponse:
    return render(
        request,
        "alignment/check.html",
        {
            "check": check,
            "progress": alignment.progress(check),
            "questions": check.questions.all(),
            "fresh": fresh or [],
            "visible": alignment.results_visible(check),
            "is_open": check.is_open(),
            "next_rounds": check.next_rounds.all(),
            "respondents": check.respondents.select_related("person", "link"),
        },
    )


@workspace_view(Role.VIEWER, write=Role.LEAD)
def detail(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One check: who has answered (not what), new links, show results, close."""
    check = alignment.get_check(access, pk)
    fresh = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "show":
                alignment.show_results(access, check, actor=request.user)
                return redirect("alignment-results", access.workspace.slug, check.pk)
            if action == "close":
                alignment.close_check(access, check, actor=request.user)
                messages.success(request, "Closed: links no longer work; results are shown.")
                return redirect("alignment-results", access.workspace.slug, check.pk)
            if action == "second-round":
                nxt, issued = second_round(access, check, actor=request.user)
                send_invitations(nxt, issued, timezone.now())
                messages.success(request, f"Started “{nxt.title}” on the contested questions.")
                return _detail(request, access, nxt, fresh=_issued(request, issued))
            if action == "repeat":
                series = repeat(
                    access,
                    check,
                    every_weeks=_pk(request.POST.get("every_weeks")) or None,
                    dates=_dates(request.POST.get("dates", "")),
                    open_days=_pk(request.POST.get("open_days")) or None,
                    actor=request.user,
                )
                messages.success(request, f"“{check.title}” repeats; its trend is on this page.")
                return redirect("alignment-series", access.workspace.slug, series.pk)
            if action == "link":
                person = get_object_or_404(
                    Person, workspace=access.workspace, pk=_pk(request.POST.get("person"))
                )
                fresh = _issued(
                    request, [alignment.issue_link(access, check, person, actor=request.user)]
                )
        except ValidationError as exc:
            report(request, exc)
    return _detail(request, access, check, fresh)


def _pk(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else 0


def _dates(raw: str) -> list[date]:
    """The repeat form's dates: ISO dates separated by commas or spaces."""
    out = []
    for part in raw.replace(",", " ").split()[:20]:
        try:
            out.append(date.fromisoformat(part))
        except ValueError:
            raise ValidationError({"dates": f"{part[:20]!r} is not a date (YYYY-MM-DD)."}) from None
    return out


@workspace_view(Role.VIEWER, write=Role.LEAD)
@json_twin("/workspaces/{workspace}/alignment-series/{pk}", query=False)
def series_page(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """A repeating check: per question its measure in each repeat, drift and convergence."""
    series = get_series(access, pk)
    if request.method == "POST" and request.POST.get("action") == "stop":
        stop(access, series, actor=request.user)
        messages.success(request, "Stopped: no more repeats are sent.")
        return redirect("alignment-series", access.workspace.slug, series.pk)
    t = trend(series)
    checks = {c.pk: c for c in series.checks.all()}
    return render(
        request,
        "alignment/series.html",
        {
            "series": series,
            "trend": t,
            "columns": [checks[pk] for pk in t["checks"]],
            "rows": [
                {**row, "label": MEASURE_LABELS.get(row["measure"], row["measure"])}
                for row in t["questions"]
            ],
        },
    )


@workspace_view(Role.VIEWER)
@json_twin("/workspaces/{workspace}/alignment-checks/{pk}/results")
def results(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """The answers side by side, by question, group and respondent, with each disagreement."""
    check = alignment.get_check(access, pk)
    if not alignment.results_visible(check):
        return render(
            request,
            "alignment/results_hidden.html",
            {"check": check, "progress": alignment.progress(check)},
            status=403,
        )
    res = results_for(check)
    if request.GET.get("format") == "csv":
        response = HttpResponse(results_csv(res), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="alignment-{check.pk}.csv"'
        return response
    return render(
        request,
        "alignment/results.html",
        {"check": check, "results": res, "questions": [_shown(q) for q in res["questions"]]},
    )


MEASURE_LABELS = {
    "kendall_w": "Kendall's W",
    "consensus_share": "Items with consensus",
    "criteria_overlap": "Overlap of criteria",
    "metrics_overlap": "Overlap of metrics",
    "distinct_deciders": "Different deciders named",
    "percent_agreement": "Percent agreement",
}


def _rho_class(rho: float | None) -> str:
    if rho is None:
        return ""
    return "rho-neg" if rho < 0 else "rho-low" if rho < 0.5 else "rho-high"


def _shown(q: QuestionResult) -> dict[str, Any]:
    """What the results page draws of one question: bars, the group table, the grid."""
    groups = list(q["groups"])
    shown: dict[str, Any] = {
        "q": q,
        "kind_label": Kind(q["kind"]).label,
        "measure_label": MEASURE_LABELS.get(q["measure"]["name"], q["measure"]["name"]),
        "bars": list(q["answers"].items()),
        "bar_max": max(q["answers"].values(), default=1),
        "group_names": groups,
        "group_rows": [
            (label, [q["groups"][g].get(label, 0) for g in groups]) for label in q["answers"]
        ],
    }
    if q["kind"] == Kind.SUCCESS_CRITERIA:
        shown["criteria"] = [
            {**c, "targets_text": "; ".join(t for t in c["targets"].values() if t)}
            for c in q["detail"].get("criteria", [])
        ]
    grid = q["detail"].get("grid") or {}
    if grid:
        names = list(grid)
        shown["grid_names"] = names
        shown["grid"] = [
            (a, [(grid[a][b], _rho_class(grid[a][b]) if a != b else "") for b in names])
            for a in names
        ]
    return shown


@csrf_protect
def respond(request: HttpRequest, ws: str, token: str) -> HttpResponse:
    """The respondent's page behind their personal link: one check, their own answers only,
    editable until the check closes. Refused links get a page saying whom to ask."""
    try:
        respondent = alignment.resolve_link(ws, token)
    except links.LinkRefused as refused:
        return link_refused(request, refused)
    check = respondent.alignment_check
    questions = list(check.questions.all())
    link = respondent.link
    assert link is not None  # resolve_link found the respondent by its link
    if request.method == "POST":
        try:
            alignment.submit(
                respondent,
                answers_from_post(questions, request.POST),
                named=request.POST.get("named") == "on",
            )
        except ValidationError as exc:
            report(request, exc)
        else:
            links.record_use(link, "submit", f"answered {check}")
            messages.success(
                request,
                "Thank you: your answers are saved. You can change them until the check closes.",
            )
            return redirect("alignment-link", ws, token)
    else:
        links.record_use(link, "open", f"alignment check {check}")
    stored = {a.question_id: a.value for a in respondent.answers.all()}
    initial = initial_of(questions, stored)
    people = decider_candidates(check.workspace)
    before = first_round_answers(check)
    return render(
        request,
        "alignment/respond.html",
        {
            "check": check,
            "respondent": respondent,
            "link": link,
            "rows": [(q, initial[q.pk], before.get(q.pk)) for q in questions],
            "kinds": Kind,
            "people": people,
            "decider_choices": DECIDER_CHOICES,
            "scope_choices": [("in", "In"), ("out", "Out"), ("unsure", "Unsure")],
            "likert_choices": [
                (1, "1 strongly disagree"),
                (2, "2"),
                (3, "3"),
                (4, "4"),
                (5, "5 strongly agree"),
            ],
        },
    )
