"""Outcomes API: KPIs, their values (push and CSV import), scorecards, the benefits roadmap,
milestones and benefits (read, add, change, delete)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import Field

from leadline.api_input import Id, Input, PlausibleDate, in_workspace
from leadline.workspaces.models import Role
from leadline.workspaces.services import access_for, team_by_slug

from . import plans, roadmap, services
from . import values as outcome_values
from .models import Milestone
from .results import (
    BenefitDetail,
    BenefitsRoadmapOut,
    KpiDetail,
    KpiImportOut,
    KpiOut,
    KpiValuesOut,
    MilestoneDeletedOut,
    MilestoneDetail,
    MilestoneOut,
    OutcomesPoint,
    ScorecardOut,
)

router = Router(tags=["outcomes"])
WS = "/workspaces/{workspace}"
Text64 = Annotated[str, Field(max_length=64)]


class KpiIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    definition: Annotated[str, Field(max_length=2000)] = ""
    unit: Annotated[str, Field(max_length=40)] = ""
    direction: Literal["higher", "lower"] = "higher"
    kind: Literal["progress", "outcome"] = "outcome"
    functions: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]],
                         Field(max_length=50, description="Function names.")] = []  # fmt: skip
    teams: Annotated[list[Text64], Field(max_length=200, description="Team slugs.")] = []
    target_value: Annotated[float | None, Field(ge=-1e12, le=1e12)] = None
    target_date: dt.date | None = None
    source: Annotated[str, Field(max_length=64, description="'entered' or a computed source "
                                                            "key.")] = "entered"  # fmt: skip
    contributes_to: Annotated[Id | None, Field(description="The KPI (id) it serves.")] = None
    conflicts_with: Annotated[list[Id], Field(max_length=50)] = []
    measures: Annotated[str, Field(max_length=64)] = ""
    active_from: dt.date | None = None
    active_until: dt.date | None = None


class OutcomesValueIn(Input):
    date: dt.date
    value: Annotated[float, Field(ge=-1e12, le=1e12)]


class KpiValuesIn(Input):
    values: Annotated[
        list[OutcomesValueIn], Field(min_length=1, max_length=outcome_values.MAX_IMPORT_LINES)
    ]


class KpiCsvIn(Input):
    csv: Annotated[str, Field(max_length=5_000_000, description="kpi,date,value lines with a "
                                                               "header.")]  # fmt: skip


class MilestoneIn(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    target_date: PlausibleDate
    epic_key: Text64 = ""
    item_keys: Annotated[list[Text64], Field(max_length=plans.MAX_ITEMS)] = []
    teams: Annotated[list[Text64], Field(max_length=200, description="Team slugs (none: all "
                                                                     "teams).")] = []  # fmt: skip


class BenefitPointIn(Input):
    date: PlausibleDate
    value: Annotated[float, Field(ge=-1e12, le=1e12)]
    milestone: Annotated[Id | None, Field(description="The milestone (id) that brings it.")] = None


class BenefitIn(Input):
    description: Annotated[str, Field(min_length=1, max_length=300)]
    outcome: Annotated[str, Field(max_length=2000)] = ""
    rationale: Annotated[str, Field(max_length=2000)] = ""
    kpi: Id
    disbenefit: bool = False
    points: Annotated[list[BenefitPointIn], Field(max_length=plans.MAX_POINTS)] = []


class BenefitPutIn(BenefitIn):
    points: Annotated[list[BenefitPointIn], Field(
        max_length=plans.MAX_POINTS,
        description="Every expected value (they replace the stored ones; [] for none): "
        "required, so a change of wording cannot drop the curve by leaving them out.")]  # fmt: skip


class OutcomesCreated(Input):
    id: int


def _kpi_data(access: Any, body: KpiIn) -> dict[str, Any]:
    data = body.model_dump()
    found = [services.function_in(access.workspace, n) for n in body.functions]
    data["functions"] = [f.pk for f in found if f is not None]
    return data


@router.get(WS + "/kpis", response=list[KpiOut])
def list_kpis(request: HttpRequest, workspace: str) -> Any:
    """Every KPI of the workspace (in use or retired), by name."""
    access = access_for(request.user, workspace)
    day = services.today(access.workspace)
    return [services.kpi_out(k, day) for k in services._kpis(access.workspace)]


@router.post(WS + "/kpis", response={201: KpiOut})
def create_kpi(request: HttpRequest, workspace: str, body: KpiIn) -> Any:
    """Add a KPI (member role). A ``contributes_to`` closing a cycle is refused (422)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    kpi = outcome_values.save_kpi(access, _kpi_data(access, body), actor=request.user)
    return Status(201, services.kpi_out(kpi, services.today(access.workspace)))


@router.get(WS + "/kpis/{pk}", response=KpiDetail)
def get_kpi(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """One KPI with its current value, status against target and its series."""
    access = access_for(request.user, workspace)
    kpi = services.kpi_in(access.workspace, pk)
    return services.detail(access.workspace, kpi, services.today(access.workspace))


@router.put(WS + "/kpis/{pk}", response=KpiOut)
def update_kpi(request: HttpRequest, workspace: str, pk: Id, body: KpiIn) -> Any:
    """Replace a KPI's fields (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    kpi = services.kpi_in(access.workspace, pk)
    kpi = outcome_values.save_kpi(access, _kpi_data(access, body), kpi, request.user)
    return services.kpi_out(kpi, services.today(access.workspace))


@router.delete(WS + "/kpis/{pk}", response={204: None})
def delete_kpi(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """Delete a KPI and its values (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    outcome_values.delete_kpi(access, services.kpi_in(access.workspace, pk), request.user)
    return Status(204, None)


@router.get(WS + "/kpis/{pk}/values", response=list[OutcomesPoint])
def kpi_values(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """The KPI's series by date: entered values, or its computed source's last year."""
    access = access_for(request.user, workspace)
    return [{"date": d, "value": v} for d, v in services.kpi_series(access.workspace, pk)]


@router.post(WS + "/kpis/{pk}/values", response=KpiValuesOut)
def push_values(request: HttpRequest, workspace: str, pk: Id, body: KpiValuesIn) -> Any:
    """Push entered values (member role; for a BI tool or a script): one per day, a value for a
    day already stored replaces it, the same values again change nothing."""
    access = access_for(request.user, workspace, Role.MEMBER)
    kpi = services.kpi_in(access.workspace, pk)
    return outcome_values.record_values(
        access, kpi, [(v.date, v.value) for v in body.values], "api", request.user
    )


@router.post(WS + "/kpi-values/import", response=KpiImportOut)
def import_values(request: HttpRequest, workspace: str, body: KpiCsvIn) -> Any:
    """Import ``kpi,date,value`` CSV (member role). Any refused line: 422 whose ``errors`` name
    each line and field ("line 3: date"), and nothing written."""
    from django.core.exceptions import ValidationError

    access = access_for(request.user, workspace, Role.MEMBER)
    out = outcome_values.import_csv(access, body.csv, actor=request.user)
    if out["errors"]:
        problems: dict[str, list[str]] = {}
        for e in out["errors"]:
            problems.setdefault(f"line {e['line']}: {e['field'] or 'file'}", []).append(
                e["message"]
            )
        raise ValidationError(problems)
    return out


@router.get(WS + "/scorecards", response=ScorecardOut)
def scorecard(request: HttpRequest, workspace: str, team: str | None = None,
              function: str | None = None) -> Any:  # fmt: skip
    """The scorecard of the workspace, a team (slug) or a function (name or id)."""
    from django.http import Http404

    access = access_for(request.user, workspace)
    ws = access.workspace
    found = team_by_slug(ws, team) if team else None
    if team and found is None:
        raise Http404("No such team")
    return services.scorecard(ws, services.today(ws), team=found,
                              function=services.function_in(ws, function))  # fmt: skip


def _benefit_data(body: BenefitIn) -> dict[str, Any]:
    data = body.model_dump()
    data["points"] = [(p.date, p.value, p.milestone) for p in body.points]
    return data


@router.get(WS + "/benefits", response=BenefitsRoadmapOut)
def benefits(request: HttpRequest, workspace: str) -> Any:
    """The benefits roadmap: milestones with their forecasts, each benefit's expected, shifted
    and actual values and the benefit at risk."""
    access = access_for(request.user, workspace)
    return roadmap.roadmap(access.workspace, services.today(access.workspace))


@router.post(WS + "/benefits", response={201: OutcomesCreated})
def create_benefit(request: HttpRequest, workspace: str, body: BenefitIn) -> Any:
    """Add a benefit with its expected values by date (member role)."""
    access = access_for(request.user, workspace, Role.MEMBER)
    return Status(201, {"id": plans.create_benefit(access, _benefit_data(body), request.user).pk})


@router.get(WS + "/benefits/{pk}", response=BenefitDetail)
def get_benefit(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """One benefit as the roadmap shows it, with the forecasts of its milestones."""
    access = access_for(request.user, workspace)
    b = roadmap.benefit_in(access.workspace, pk)
    return roadmap.benefit_detail(access.workspace, b, services.today(access.workspace))


@router.put(WS + "/benefits/{pk}", response=BenefitDetail)
def update_benefit(request: HttpRequest, workspace: str, pk: Id, body: BenefitPutIn) -> Any:
    """Replace a benefit's fields and expected values (member role). The same body again
    changes nothing and writes no audit event."""
    access = access_for(request.user, workspace, Role.MEMBER)
    b = roadmap.benefit_in(access.workspace, pk)
    plans.update_benefit(access, b, _benefit_data(body), request.user)
    return roadmap.benefit_detail(access.workspace, b, services.today(access.workspace))


@router.delete(WS + "/benefits/{pk}", response={204: None})
def delete_benefit(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """Delete a benefit and its expected values (member role); its KPI stays."""
    access = access_for(request.user, workspace, Role.MEMBER)
    plans.delete_benefit(access, roadmap.benefit_in(access.workspace, pk), request.user)
    return Status(204, None)


@router.get(WS + "/milestones", response=list[MilestoneOut])
def list_milestones(request: HttpRequest, workspace: str) -> Any:
    """Every milestone with its forecast, by target date."""
    access = access_for(request.user, workspace)
    rows = Milestone.objects.filter(workspace=access.workspace).prefetch_related("teams")
    return roadmap.forecasts(access.workspace, rows, services.today(access.workspace))


@router.post(WS + "/milestones", response={201: MilestoneOut})
def create_milestone(request: HttpRequest, workspace: str, body: MilestoneIn) -> Any:
    """Add a milestone (an epic or a set of items with a target date; member role); the answer
    carries its forecast."""
    access = access_for(request.user, workspace, Role.MEMBER)
    m = plans.create_milestone(access, body.model_dump(), actor=request.user)
    return Status(201, roadmap.milestone_forecast(access.workspace, m,
                                                  services.today(access.workspace)))  # fmt: skip


@router.get(WS + "/milestones/{pk}", response=MilestoneDetail)
def get_milestone(request: HttpRequest, workspace: str, pk: Id) -> Any:
    """One milestone with its forecast and the benefits whose expected values hang on it."""
    access = access_for(request.user, workspace)
    m = roadmap.milestone_in(access.workspace, pk)
    return roadmap.milestone_detail(access.workspace, m, services.today(access.workspace))


@router.put(WS + "/milestones/{pk}", response=MilestoneDetail)
def update_milestone(request: HttpRequest, workspace: str, pk: Id, body: MilestoneIn) -> Any:
    """Replace a milestone's fields (member role; teams left out: all teams). The same body
    again changes nothing and writes no audit event."""
    access = access_for(request.user, workspace, Role.MEMBER)
    m = roadmap.milestone_in(access.workspace, pk)
    plans.update_milestone(access, m, body.model_dump(), request.user)
    return roadmap.milestone_detail(access.workspace, m, services.today(access.workspace))


@router.delete(WS + "/milestones/{pk}", response=MilestoneDeletedOut)
def delete_milestone(request: HttpRequest, workspace: str, pk: Id,
                     move_to: Id | None = None) -> Any:  # fmt: skip
    """Delete a milestone (member role). No benefit is deleted: the expected values tied to it
    are left untied (no longer moved by a slip), or tied to the milestone ``move_to`` names;
    the answer lists the benefits concerned."""
    access = access_for(request.user, workspace, Role.MEMBER)
    m = roadmap.milestone_in(access.workspace, pk)
    target = in_workspace(Milestone, access.workspace, "move_to", pk=move_to) if move_to else None
    return plans.delete_milestone(access, m, request.user, move_to=target)
