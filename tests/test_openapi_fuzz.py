"""Schemathesis over the whole OpenAPI description, in process through Django's WSGI app.

Every operation is called with generated requests (valid ones and ones that break the schema)
by the owner of a seeded workspace, with a real personal token. The test fails on any 5xx, on a
status code or body the description does not declare, and on a request that breaks the schema
but is accepted. Path parameters name the seeded workspace and its records, so the handlers
behind the 404s are reached.

``LEADLINE_FUZZ_EXAMPLES`` sets the examples per operation (default 25, to keep ``make test``
short; run it once with a few hundred after changing the API).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

import leadline.urls  # noqa: F401 - mounts every router on the API
from leadline.api import api

EXAMPLES = int(os.environ.get("LEADLINE_FUZZ_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

application = get_wsgi_application()
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = application
schema.config.generation.update(max_examples=EXAMPLES, deterministic=True, allow_x00=True)


def _seed(make_user: Any, make_workspace: Any) -> dict[str, Any]:
    """Create one workspace with a record of every kind the API has; return ids and a token."""
    from leadline.agreements import services as agreements
    from leadline.alignment import services as alignment
    from leadline.changes import services as changes
    from leadline.decisions import services as decisions
    from leadline.delivery.models import Connection, StatusMapping, Transition, WorkItem
    from leadline.jobs.models import Job
    from leadline.raid import services as raid
    from leadline.workspaces.models import Person
    from leadline.workspaces.services import access_for, create_team, issue_token

    owner = make_user("fuzzer")
    ws = make_workspace("Fuzz", {owner: "owner"})
    access = access_for(owner, ws.slug)
    team = create_team(access, "Core", actor=owner)
    person = Person.objects.create(workspace=ws, name="Pat", user=owner)
    person.teams.set([team])
    decisions.save_domain(access, "Architecture", decider_person=person)
    item = raid.create_item(access, "risk", {"title": "Vendor late", "owner": person}, owner)
    decision = decisions.create_decision(access, "Pick a database", domains=["Architecture"])
    agreement = agreements.get_or_create_agreement(access, team)
    agreements.save_version(access, agreement, {"norms": "Be kind"})
    agreements.save_version(access, agreement, {"norms": "Be kinder"})
    change = changes.create_change_request(
        access, title="Add SSO", team=team, added_items=3, throughput_samples="1,0,2"
    )
    conn = Connection.objects.create(
        workspace=ws, kind="gitlab", name="MRs", target="acme/core", team=team
    )
    mapping = None
    for n, (status, category) in enumerate([("To Do", "backlog"), ("Doing", "active"),
                                            ("Done", "done")]):  # fmt: skip
        mapping = StatusMapping.objects.create(
            workspace=ws, source="jira", status=status, category=category, position=n
        )
    wi = WorkItem.objects.create(
        workspace=ws, team=team, source="jira", key="C-1", type="Story",
        created=datetime(2026, 1, 2, tzinfo=UTC), status="Done",
    )  # fmt: skip
    for seq, (before, after, day) in enumerate([("To Do", "Doing", 3), ("Doing", "Done", 6)]):
        Transition.objects.create(
            item=wi, seq=seq, at=datetime(2026, 1, day, tzinfo=UTC),
            from_status=before, to_status=after,
        )  # fmt: skip
    job = Job.objects.create(kind="sync", title="Sync", workspace=ws, created_by=owner)
    check, links = alignment.create_check(
        access, "Kickoff", [{"kind": "scope", "text": "In?", "items": ["A", "B"]},
                            {"kind": "who_decides", "text": "Who?"},
                            {"kind": "likert", "text": "Agreed"}], [person],
    )  # fmt: skip
    alignment.show_results(access, check)
    _, token = issue_token(owner, "fuzz")
    return {
        "token": token,
        "ids": {
            "workspace": ws.slug,
            "item_id": item.pk,
            "decision_id": decision.pk,
            "agreement_id": agreement.pk,
            "change_id": change.pk,
            "connection_id": conn.pk,
            "status_id": mapping.pk if mapping else 1,
            "key": wi.key,
            "job_id": str(job.pk),
            "check_id": check.pk,
            "token": links[0].token,
        },
    }


@pytest.fixture
def seeded(make_user: Any, make_workspace: Any) -> Any:
    # As Django's test client does: a request's end must not close the test's connection.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield _seed(make_user, make_workspace)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_answers_as_described(case: Any, seeded: dict[str, Any]) -> None:
    # Valid requests address the seeded records; schema-breaking ones keep their broken ids
    # (but the seeded workspace, so they reach the handler's own validation).
    positive = case._meta is None or case._meta.generation.mode == GenerationMode.POSITIVE
    for name in list(case.path_parameters or {}):
        wanted = seeded["ids"].get(name)
        if wanted is not None and (positive or name == "workspace"):
            case.path_parameters[name] = wanted
    case.call_and_validate(headers={"Authorization": f"Bearer {seeded['token']}"}, checks=CHECKS)
