"""Cadence pages: the tiers with the calendar feed, one tier (its schedule, meetings and
packs), one meeting (attendees, notes, decisions, actions, the right-track vote), one pack
(narrative, RAG per section, publish; JSON, Markdown and PDF); the secret ICS feed and the
stakeholder's signed link answer without signing in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect

from leadline.governance.views import report
from leadline.web.linkpages import link_refused
from leadline.workspaces import links
from leadline.workspaces.access import workspace_view
from leadline.workspaces.models import Person, Role
from leadline.workspaces.services import Access

from . import calendar, pack_charts, packs, recurrence, review, services
from .models import Pack, RightTrackVote

STAMP = "%Y%m%dT%H%M%SZ"


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime(STAMP)


def _occurrence(access: Access, pk: int, start: str) -> Any:
    tier = services.tier_in(access.workspace, pk)
    try:
        at = datetime.strptime(start, STAMP).replace(tzinfo=UTC)
    except ValueError:
        from django.http import Http404

        raise Http404("No such meeting") from None
    try:
        found = services.parse_start(tier, at.isoformat())
    except ValidationError:
        from django.http import Http404

        raise Http404("No such meeting") from None
    return services.occurrence_for(tier, found)


def _local_dt(value: str, field: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValidationError(
            {field: [f"{value!r} is not a local date-time (YYYY-MM-DDTHH:MM)."]}
        ) from None


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@workspace_view(Role.VIEWER, write=Role.LEAD)
def index(request: HttpRequest, access: Access) -> HttpResponse:
    """The tiers with their next meetings, the latest packs and the calendar feed."""
    now = timezone.now()
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("op") == "revoke":
                calendar.revoke(access, None, request.user)
                messages.success(
                    request, "The calendar address was replaced; the old one no longer works."
                )
            elif p.get("op") == "standard":
                added = services.set_up_standard_tiers(access, request.user)
                messages.success(
                    request,
                    f"Added {', '.join(t.name for t in added)}."
                    if added
                    else "The workspace has a tier of every standard kind already.",
                )
            else:
                tier = services.create_tier(
                    access, request.user, name=p.get("name", ""), kind=p.get("tier", ""),
                    rrule=p.get("rrule", ""), dtstart=_local_dt(p.get("dtstart", ""), "dtstart"),
                    tz=p.get("timezone", ""), duration_minutes=_int(p.get("duration_minutes"), 60),
                )  # fmt: skip
                messages.success(request, f"Added {tier.name}.")
                return redirect("cadence-tier", access.workspace.slug, tier.pk)
        except ValidationError as exc:
            report(request, exc)
        return redirect("cadence", access.workspace.slug)
    rows = [
        {
            "tier": t,
            "next": recurrence.next_starts(t, now, 3),
            "previous": recurrence.previous_start(t, now),
        }
        for t in services.tiers(access.workspace)
    ]
    return render(request, "cadence/index.html", {
        "rows": rows, "packs": packs.packs(access.workspace)[:10],
        "feed": calendar.feed_url(calendar.feed_for(access)), "kinds": services.KINDS,
        "tz": access.workspace.tz, "escalations": services.escalations_to(access.workspace),
    })  # fmt: skip


@workspace_view(Role.VIEWER, write=Role.LEAD)
def tier_page(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One tier: edit it, its meetings (past and next), its packs; build a pack."""
    tier = services.tier_in(access.workspace, pk)
    now = timezone.now()
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("op") == "pack":
                pack = packs.generate(access, tier, request.user)
                messages.success(request, "Pack built from today's data.")
                return redirect("cadence-pack", access.workspace.slug, pack.pk)
            services.update_tier(
                access, tier, request.user, name=p.get("name", ""), rrule=p.get("rrule", ""),
                dtstart=_local_dt(p.get("dtstart", ""), "dtstart"), tz=p.get("timezone", ""),
                duration_minutes=_int(p.get("duration_minutes"), 60),
                escalate_after=_int(p.get("escalate_after"), 3),
                template=[k.strip() for k in p.get("template", "").split(",")],
                audience={"people": [_int(x) for x in p.getlist("people")],
                          "teams": p.getlist("teams")},
            )  # fmt: skip
            messages.success(request, "Saved.")
        except ValidationError as exc:
            report(request, exc)
        return redirect("cadence-tier", access.workspace.slug, tier.pk)
    past = recurrence.window(tier, now - timedelta(days=120), now)[-6:]
    return render(request, "cadence/tier.html", {
        "tier": tier, "packs": packs.packs(access.workspace, tier),
        "next": [{"at": s, "stamp": stamp(s)} for s in recurrence.next_starts(tier, now, 5)],
        "past": [{"at": s, "stamp": stamp(s)} for s in reversed(past)],
        "people": Person.objects.filter(workspace=access.workspace),
        "audience": {p.pk for p in tier.audience_people.all()},
        "audience_teams": {t.slug for t in tier.audience_teams.all()},
        "teams": access.workspace.teams.all(),
        "dtstart": datetime.combine(tier.start_on, tier.start_time).strftime("%Y-%m-%dT%H:%M"),
    })  # fmt: skip


def _meeting_post(request: HttpRequest, access: Access, occ: Any) -> str:
    p, user, op = request.POST, request.user, request.POST.get("op", "")
    if op == "record":
        services.record_meeting(access, occ, user, notes=p.get("notes", ""),
                                attendees=[_int(x) for x in p.getlist("attendees")])  # fmt: skip
        return "Meeting recorded."
    if op == "decision":
        d = services.add_decision(access, occ, user, title=p.get("title", ""),
                                  outcome=p.get("outcome", ""), rationale=p.get("rationale", ""))  # fmt: skip
        return f"Decision “{d.title}” written into the decision log ({d.status})."
    if op == "action":
        try:
            due = date.fromisoformat(p.get("due_on", ""))
        except ValueError:
            raise ValidationError({"due_on": ["Give a due date (YYYY-MM-DD)."]}) from None
        services.add_action(
            access, occ, user, title=p.get("title", ""), owner=_int(p.get("owner")), due_on=due
        )
        return "Action agreed."
    if op == "done":
        services.close_action(access, _int(p.get("action")), user)
        return "Action done."
    if op == "cancel":
        services.cancel_occurrence(access, occ, user, cancelled=p.get("cancelled") != "no")
        return "Meeting cancelled." if occ.cancelled else "Meeting restored."
    if op == "vote":
        review.vote(access, occ, user, person=_int(p.get("person")), answer=p.get("answer", ""),
                      rationale=p.get("rationale", ""))  # fmt: skip
        return "Answer recorded."
    if op == "right-track":
        d = review.record_right_track(access, occ, user)
        return f"Recorded in the decision log: {d.decision or d.title}."
    raise ValidationError({"op": [f"Unknown form {op!r}."]})


@workspace_view(Role.VIEWER, write=Role.MEMBER)
def meeting(request: HttpRequest, access: Access, pk: int, start: str) -> HttpResponse:
    """One meeting: attendees, notes, decisions, actions (its own, carried, escalated)."""
    occ = _occurrence(access, pk, start)
    if request.method == "POST":
        try:
            messages.success(request, _meeting_post(request, access, occ))
        except ValidationError as exc:
            report(request, exc)
        return redirect("cadence-meeting", access.workspace.slug, pk, start)
    now = timezone.now()
    services.carry_forward(access.workspace, now)
    return render(request, "cadence/meeting.html", {
        "occ": occ, "m": services.meeting(occ, now), "tier": occ.tier, "start": start,
        "people": Person.objects.filter(workspace=access.workspace),
        "answers": RightTrackVote.Answer.choices,
        "is_review": occ.tier.kind == "milestone",
    })  # fmt: skip


@workspace_view()
def meeting_ics(request: HttpRequest, access: Access, pk: int, start: str) -> HttpResponse:
    """The meeting as an .ics file."""
    occ = _occurrence(access, pk, start)
    response = HttpResponse(
        calendar.occurrence_ics(occ), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{start}.ics"'
    return response


def formatted(pack: Pack, fmt: str) -> HttpResponse | None:
    """The pack as JSON, Markdown or PDF (None for the page)."""
    if fmt == "json":
        from ninja.responses import NinjaJSONEncoder

        return JsonResponse(packs.pack_out(pack), encoder=NinjaJSONEncoder)
    if fmt == "md":
        response = HttpResponse(packs.markdown(pack), content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="pack-{pack.pk}.md"'
        return response
    if fmt == "pdf":
        response = HttpResponse(packs.pdf(pack), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="pack-{pack.pk}.pdf"'
        return response
    if fmt:
        raise ValidationError({"format": [f"{fmt!r} is not one of json, md, pdf."]})
    return None


@workspace_view(Role.VIEWER, write=Role.LEAD)
def pack_page(request: HttpRequest, access: Access, pk: int) -> HttpResponse:
    """One pack: its frozen sections, the changes since the previous one; the lead's narrative
    and RAG per section; publish; share with a stakeholder by link; the other formats."""
    pack = packs.pack_in(access.workspace, pk)
    if request.method == "POST":
        p = request.POST
        try:
            if p.get("op") == "publish":
                made = packs.publish(access, pack, request.user)
                messages.success(
                    request, f"Published and sent to the audience ({len(made)} stakeholder links)."
                )
                for name, path in made.items():
                    messages.info(request, f"Link for {name}: {request.build_absolute_uri(path)}")
            elif p.get("op") == "link":
                person = Person.objects.filter(
                    workspace=access.workspace, pk=_int(p.get("person"))
                ).first()
                if person is None:
                    raise ValidationError({"person": ["Choose a person of this workspace."]})
                path = packs.issue_pack_link(access, pack, person, request.user)
                messages.success(
                    request,
                    f"Link for {person.name} (shown once): {request.build_absolute_uri(path)}",
                )
            else:
                statuses = {
                    s["key"]: {
                        "rag": p.get(f"rag-{s['key']}", ""),
                        "owner": _int(p.get(f"owner-{s['key']}")) or None,
                    }
                    for s in pack.sections
                }
                packs.edit(
                    access, pack, request.user, narrative=p.get("narrative", ""), statuses=statuses
                )
                messages.success(request, "Saved.")
        except ValidationError as exc:
            report(request, exc)
        return redirect("cadence-pack", access.workspace.slug, pack.pk)
    try:
        other = formatted(pack, request.GET.get("format", ""))
    except ValidationError as exc:
        return JsonResponse({"detail": "Invalid format", "errors": exc.message_dict}, status=422)
    if other is not None:
        return other
    return render(request, "cadence/pack.html", _pack_context(pack) | {
        "people": Person.objects.filter(workspace=access.workspace), "editable": pack.published_at is None,
    })  # fmt: skip


def _pack_context(pack: Pack) -> dict[str, Any]:
    owners = packs._owners(pack)
    built = packs.sections_of(pack)
    shown, specs = pack_charts.for_page(built)
    sections = [
        {**s, "owner": owners.get((pack.statuses.get(s["key"]) or {}).get("owner") or 0),
         "owner_id": (pack.statuses.get(s["key"]) or {}).get("owner"),
         "rag": (pack.statuses.get(s["key"]) or {}).get("rag", ""),
         "charts": shown.get(s["key"], [])}
        for s in built
    ]  # fmt: skip
    return {"pack": pack, "sections": sections, "changes": pack.changes_since_previous,
            "charts": specs}  # fmt: skip


@csrf_protect
def pack_link(request: HttpRequest, ws: str, token: str) -> HttpResponse:
    """A stakeholder reads a published pack by their signed link (no account)."""
    try:
        pack = packs.resolve_link(ws, token)
    except links.LinkRefused as refused:
        return link_refused(request, refused)
    if request.GET.get("format") == "pdf":
        return formatted(pack, "pdf") or HttpResponse(status=404)
    return render(request, "cadence/pack_link.html", _pack_context(pack) | {"token": token})


def feed(request: HttpRequest, ws: str, token: str) -> HttpResponse:
    """The secret ICS feed (no sign-in)."""
    found = calendar.resolve(ws, token)
    response = HttpResponse(calendar.feed_ics(found), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
