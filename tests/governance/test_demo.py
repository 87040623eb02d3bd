"""The governance demo step builds the story and is idempotent."""

from __future__ import annotations

import pytest

from leadline.agreements.models import Acknowledgement, AgreementVersion
from leadline.changes.models import ChangeRequest
from leadline.decisions.models import Decision, DecisionDomain
from leadline.demo.builder import DEMO_SLUG, build_demo
from leadline.raid.models import RaidHistory, RaidItem
from leadline.workspaces.models import AuditEvent

pytestmark = pytest.mark.django_db


def _counts():
    models = [
        RaidItem,
        RaidHistory,
        Decision,
        DecisionDomain,
        AgreementVersion,
        Acknowledgement,
        ChangeRequest,
        AuditEvent,
    ]
    return [m.objects.count() for m in models]


def test_the_governance_demo_is_idempotent_and_tells_the_story():
    build_demo()
    first = _counts()
    build_demo()
    assert _counts() == first
    items = RaidItem.objects.filter(workspace__slug=DEMO_SLUG)
    assert {i.score for i in items.filter(kind="risk") if i.score} >= {20, 12, 4}
    dep = items.get(external_id="DEMO-D1")
    assert (dep.team.slug, dep.provider_team.slug) == ("mobile", "platform") and dep.blocker
    assert items.filter(kind="assumption").exists()
    issue = items.get(source_risk__external_id="DEMO-R6")
    assert issue.source_risk.status == "materialised"
    design = Decision.objects.get(title__startswith="Checkout redesign")
    assert design.routed_kind == "triage" and design.domains.count() == 3
    assert "three" in design.context
    agreement_versions = AgreementVersion.objects.filter(
        agreement__team__slug="checkout", agreement__scope="team"
    )
    latest = agreement_versions.order_by("-number").first()
    assert (
        latest.number == 2
        and latest.acknowledgements.count()
        < agreement_versions.get(number=1).acknowledgements.count()
    )
    assert ChangeRequest.objects.filter(workspace__slug=DEMO_SLUG).count() == 1
