"""Stakeholder links expire, can be revoked from the page that made them, open one agreement
only, and every use is in the audit log; refused links get a page saying whom to ask."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from leadline.agreements import services as agreements
from leadline.agreements.models import Acknowledgement
from leadline.workspaces.models import AuditEvent, StakeholderLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(world):
    a = agreements.get_or_create_agreement(world.access, world.teams["checkout"], "stakeholders")
    a.stakeholders.set([world.people["Sam"]])
    agreements.save_version(world.access, a, {"channels": "Slack #checkout"})
    return a


def _url(token: str) -> str:
    return f"/w/acme/agreements/link/{token}/"


def test_a_link_expires_after_its_days_and_then_says_whom_to_ask(world, agreement, client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link, token = agreements.make_link(
            world.access, agreement, world.people["Sam"], days=7, actor=world.owner
        )
    assert link.expires_at == start + timedelta(days=7)
    with time_machine.travel(start + timedelta(days=6, hours=23), tick=False):
        assert client.get(_url(token)).status_code == 200
    with time_machine.travel(start + timedelta(days=7, seconds=1), tick=False):
        page = client.get(_url(token))
        assert page.status_code == 410
        html = page.content.decode()
        assert "This link has expired" in html and "ask olga at Acme" in html
        assert client.post(_url(token)).status_code == 410
    assert not Acknowledgement.objects.exists()


def test_links_last_the_default_days_and_a_chosen_length_is_bounded(world, agreement, settings):
    link, _ = agreements.make_link(world.access, agreement, world.people["Sam"])
    assert link.expires_at - link.created_at == timedelta(days=settings.LINK_DAYS) == timedelta(30)
    for bad in (0, -1, settings.LINK_MAX_DAYS + 1, "soon"):
        with pytest.raises(ValidationError) as caught:
            agreements.make_link(world.access, agreement, world.people["Sam"], days=bad)
        assert "from 1 to 90" in str(caught.value.message_dict["days"])
    assert StakeholderLink.objects.count() == 1


def test_the_agreement_page_makes_a_link_with_its_expiry_and_refuses_a_bad_one(
    world, agreement, client_for
):
    owner = client_for(world.owner)
    made = owner.post(
        f"/w/acme/agreements/{agreement.pk}/",
        {"action": "link", "person": world.people["Sam"].pk, "days": "14"},
    ).content.decode()
    link = StakeholderLink.objects.get()
    assert "/w/acme/agreements/link/" in made and link.expires_at.date().isoformat()[:4] in made
    assert link.expires_at - link.created_at == timedelta(days=14)
    too_long = owner.post(
        f"/w/acme/agreements/{agreement.pk}/",
        {"action": "link", "person": world.people["Sam"].pk, "days": "400"},
        follow=True,
    ).content.decode()
    assert "Days: A link lasts a whole number of days from 1 to 90." in too_long
    not_a_person = owner.post(
        f"/w/acme/agreements/{agreement.pk}/", {"action": "link", "person": "x"}
    )
    assert not_a_person.status_code == 404
    assert StakeholderLink.objects.count() == 1


def test_a_revoked_link_is_refused(world, agreement, client, client_for):
    link, token = agreements.make_link(world.access, agreement, world.people["Sam"])
    page = client_for(world.owner).get(f"/w/acme/agreements/{agreement.pk}/").content.decode()
    assert f'data-link-row="{link.pk}"' in page and "Revoke" in page
    # A member cannot revoke; a lead (here the owner) can, from the agreement's page.
    member = client_for(world.member).post(
        f"/w/acme/agreements/{agreement.pk}/", {"action": "revoke-link", "link": link.pk}
    )
    assert member.status_code == 403
    assert client.get(_url(token)).status_code == 200
    revoked = client_for(world.owner).post(
        f"/w/acme/agreements/{agreement.pk}/", {"action": "revoke-link", "link": link.pk}
    )
    assert revoked.status_code == 302
    page = client.get(_url(token))
    assert page.status_code == 410 and "This link was withdrawn" in page.content.decode()
    assert client.post(_url(token)).status_code == 410
    assert not Acknowledgement.objects.exists()
    assert AuditEvent.objects.filter(action="link-revoke", actor=world.owner).count() == 1


def test_a_link_of_another_agreement_cannot_be_revoked_from_this_one(world, agreement, client_for):
    other = agreements.get_or_create_agreement(world.access, world.teams["mobile"])
    agreements.save_version(world.access, other, {"channels": "#mobile"})
    link, _ = agreements.make_link(world.access, other, world.people["Ann"])
    response = client_for(world.owner).post(
        f"/w/acme/agreements/{agreement.pk}/", {"action": "revoke-link", "link": link.pk}
    )
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_each_use_is_audited_with_the_stakeholder(world, agreement, client):
    _, token = agreements.make_link(world.access, agreement, world.people["Sam"], actor=world.owner)
    client.get(_url(token))
    client.post(_url(token))
    events = list(AuditEvent.objects.filter(action__startswith="link-").order_by("id"))
    assert [e.action for e in events] == ["link-create", "link-open", "link-submit"]
    use = events[1]
    assert use.actor is None and use.actor_name == "Sam (link)"
    assert "Sam's link opened" in use.summary and "Checkout with stakeholders" in use.summary
    link = StakeholderLink.objects.get()
    assert (use.object_type, use.object_id) == ("stakeholderlink", str(link.pk))
    assert use.changes == {}  # nothing about the stakeholder's address or browser
    assert link.last_used_at is not None
    # A refused use is audited too.
    StakeholderLink.objects.update(revoked_at=timezone.now())
    client.get(_url(token))
    refused = AuditEvent.objects.filter(action="link-refused").get()
    assert "revoked link" in refused.summary


def test_a_link_for_one_agreement_cannot_open_another(world, agreement, client):
    other = agreements.get_or_create_agreement(world.access, world.teams["mobile"], "stakeholders")
    other.stakeholders.set([world.people["Sam"]])
    agreements.save_version(world.access, other, {"channels": "SECRET mobile channel"})
    _, mine = agreements.make_link(world.access, agreement, world.people["Sam"])
    _, theirs = agreements.make_link(world.access, other, world.people["Sam"])
    html = client.get(_url(mine)).content.decode()
    assert "Slack #checkout" in html and "SECRET" not in html
    # Mixing one link's lookup with another's secret opens nothing.
    assert client.get(_url(mine[:12] + theirs[12:])).status_code == 404
    assert client.get(_url(theirs[:12] + mine[12:])).status_code == 404
    # Acknowledging through one link records that agreement only.
    client.post(_url(mine))
    assert [a.version.agreement_id for a in Acknowledgement.objects.all()] == [agreement.pk]
    # A link only opens for its purpose: an agreement link is no other kind of link.
    from leadline.workspaces import links

    with pytest.raises(links.LinkRefused):
        links.resolve("acme", mine, "pulse")


def test_a_link_signed_before_links_expired_no_longer_opens(world, agreement, client):
    with time_machine.travel(timezone.now() - timedelta(days=3 * 365)):
        old = signing.dumps(
            {"a": agreement.pk, "p": world.people["Sam"].pk, "w": agreement.workspace_id},
            salt=agreements.LINK_SALT,
        )
    page = client.get(_url(old))
    assert page.status_code == 410
    html = page.content.decode()
    assert "This link no longer works" in html and "ask a lead of Acme" in html
    assert client.post(_url(old)).status_code == 410
    assert not Acknowledgement.objects.exists()
