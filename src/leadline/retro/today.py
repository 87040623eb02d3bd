"""The home page's "what needs me today": retrospective actions past their due date."""

from __future__ import annotations

from django.urls import reverse

from leadline.web.today import SHOWN, Focus, TodayEntry, TodaySection, source

from .models import Action, Retro


@source(35, "retro-actions")
def overdue_actions(focus: Focus) -> TodaySection | None:
    """Open retrospective actions past their due date, of the teams (or the person) in focus."""
    ws, today = focus.access.workspace, focus.today
    if not Retro.objects.filter(workspace=ws).exists():
        return None  # retros are not used here: no section
    rows = [
        a
        for a in Action.objects.filter(workspace=ws, status=Action.Status.OPEN, due_on__lt=today)
        .select_related("owner", "team", "retro")
        .order_by("due_on", "id")
        if focus.everything
        or a.team_id in focus.team_ids
        or (focus.person is not None and a.owner_id == focus.person.pk)
    ]
    entries = [
        TodayEntry(
            kind="retro-action",
            title=a.title,
            detail=f"Agreed in {a.retro.title}; owner {a.owner.name}; "
            f"{(today - a.due_on).days} days past its due date.",
            url=reverse("retro-board", args=[ws.slug, a.retro_id]),
            date=a.due_on,
            days_late=(today - a.due_on).days,
            team=a.team.name,
            mine=focus.person is not None and a.owner_id == focus.person.pk,
        )  # fmt: skip
        for a in rows[:SHOWN]
    ]
    return TodaySection(
        key="retro-actions", title="Retro actions past due",
        lede="Actions a retrospective agreed, still open after their due date.",
        count=len(rows), entries=entries,
        more_url=reverse("retros", args=[ws.slug]), more_label="Retrospectives",
        empty="Every retrospective action is on time.",
    )  # fmt: skip
