"""Areas whose changes one person reviews, on a hand-built set of reviews.

The set (``reviewed``), imported like a sync would: pull requests #1 to #8 of ``acme/app`` whose
commits the stored history of ``app`` holds. #1 to #5 change ``api/``, #6 ``api/`` and ``web/``,
#7 and #8 ``web/``. Bob reviews #1 to #5 and #7 (as ``bjones``) and #8 (as ``bob-work``: one
person, by his name on both accounts); Alice reviews #6 (as ``alice-s``: found by her email).
Alice answers in her own #7 (no review, else she would tie with Bob on web/); renovate[bot]
approves all eight (no reviewer); a review of #9 is older than the period. On GitLab, Carol
(who has left) approved all five merge requests of ``legacy-svc``, known by her display name.

By hand, default share 80 %, at least 5 changes:
  app (whole): 8 reviewed changes, Bob 7 → 0.875, shown.
  app/api: #1..#6 = 6, Bob 5 → 0.833, shown.
  app/web: #6, #7, #8 = 3 < 5, not shown.
  legacy-svc: 5, Carol 5 → 1.0, shown, marked as left.
  13 reviewed changes in all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from leadline.concentration import services
from leadline.concentration.models import ChangeArea, CodeCommit
from leadline.delivery.imports import import_records
from leadline.radar import engine
from leadline.radar.models import Finding
from leadline.records import AccountRecord, ChangeRecord, ReviewRecord

from .conftest import NOW

FILES = {1: ["api/a.py"], 2: ["api/b.py"], 3: ["api/a.py"], 4: ["api/c.py"], 5: ["api/b.py"],
         6: ["api/c.py", "web/x.js"], 7: ["web/x.js"], 8: ["web/y.js"], 9: ["api/a.py"]}  # fmt: skip
AUTHOR = {n: "bjones" if n == 6 else "alice-s" for n in FILES}
REVIEWER = {1: "bjones", 2: "bjones", 3: "bjones", 4: "bjones", 5: "bjones", 6: "alice-s",
            7: "bjones", 8: "bob-work", 9: "bjones"}  # fmt: skip


def reviewed(workspace, now: datetime) -> None:
    records: list = [
        AccountRecord("github", "alice-s:alice@corp.example", "alice-s", "A. Smith",
                      "alice@corp.example"),
        AccountRecord("github", "bjones:bob@home.example", "bjones", "Bob Jones", "bob@home.example"),
        AccountRecord("github", "bob-work:bob@corp.example", "bob-work", "Bob Jones",
                      "bob@corp.example"),
    ]  # fmt: skip
    for n, paths in FILES.items():
        when = now - timedelta(days=200 if n == 9 else 10 - n)
        CodeCommit.objects.create(workspace=workspace, repository="app", sha=f"{n:040x}",
                                  author_name="Alice Smith", author_email="alice@corp.example",
                                  authored=when, files=[["A", p] for p in paths])  # fmt: skip
        change = f"acme/app#{n}"
        records.append(ChangeRecord("github", change, "pull_request", "acme/app", f"PR {n}",
                                    AUTHOR[n], when, when, when, commits=(f"{n:040X}",)))  # fmt: skip
        records.append(ReviewRecord("github", f"review:{n}", change, "acme/app", REVIEWER[n],
                                    "approved", when, AUTHOR[n]))  # fmt: skip
        records.append(ReviewRecord("github", f"review:bot-{n}", change, "acme/app",
                                    "renovate[bot]", "approved", when, AUTHOR[n]))  # fmt: skip
    records.append(ReviewRecord("github", "review:7-reply", "acme/app#7", "acme/app", "alice-s",
                                "commented", now - timedelta(days=3), "alice-s"))  # fmt: skip
    for n in range(1, 6):
        records.append(ReviewRecord("gitlab", f"note:{n}", f"legacy-svc!{n}", "legacy-svc",
                                    "cwhite", "approved", now - timedelta(days=30 + n), "dana",
                                    reviewer_name="Carol White"))  # fmt: skip
    import_records(workspace, records)


def _shown(found) -> list[tuple]:
    return [(r["repository"], r["area"], r["reviewer"]["name"], r["reviewer"]["reviewed"],
             r["reviewer"]["changes"], r["reviewer"]["share"], r["reviewer"]["left"])
            for r in found]  # fmt: skip


def test_the_share_of_the_one_reviewer_is_counted_by_hand(world):
    reviewed(world.workspace, NOW)
    services.refresh(world.workspace, NOW)  # places each change in the history's areas
    assert ChangeArea.objects.get(change_id="acme/app#6").areas == ["api", "web"]
    count, found = services.review_areas(world.workspace, NOW)
    assert count == 13
    assert _shown(found) == [
        ("legacy-svc", "", "Carol White", 5, 5, 1.0, True),
        ("app", "", "Bob Jones", 7, 8, 0.875, False),
        ("app", "api", "Bob Jones", 5, 6, 0.833, False),
    ]
    assert found[1]["reviewer"]["person"] == world.people["Bob Jones"].pk
    # A higher share leaves only Carol; fewer changes needed shows web (Bob 2 of 3, Alice 1).
    assert _shown(services.review_areas(world.workspace, NOW, share=90)[1]) == [
        ("legacy-svc", "", "Carol White", 5, 5, 1.0, True)]  # fmt: skip
    web = [r for r in services.review_areas(world.workspace, NOW, share=60, min_changes=3)[1]
           if r["area"] == "web"]  # fmt: skip
    assert _shown(web) == [("app", "web", "Bob Jones", 2, 3, 0.667, False)]


def test_before_the_results_are_computed_a_change_counts_for_its_own_repository(world):
    reviewed(world.workspace, NOW)
    _, found = services.review_areas(world.workspace, NOW)
    assert [(r["repository"], r["area"]) for r in found] == [("legacy-svc", ""), ("acme/app", "")]


def test_an_unmatched_login_stays_a_login_and_two_logins_of_one_person_are_one(world):
    from leadline.delivery.models import CodeAccount

    reviewed(world.workspace, NOW)
    CodeAccount.objects.filter(workspace=world.workspace, login="bob-work").delete()
    services.refresh(world.workspace, NOW)
    _, found = services.review_areas(world.workspace, NOW, share=50)
    whole = next(r for r in found if (r["repository"], r["area"]) == ("app", ""))
    # bob-work is nobody now: Bob reviewed 6 of the 8 (bjones), bob-work 1.
    assert (whole["reviewer"]["name"], whole["reviewer"]["reviewed"]) == ("Bob Jones", 6)


def test_another_workspaces_reviews_never_count(world):
    reviewed(world.other, NOW)
    services.refresh(world.workspace, NOW)
    assert services.review_areas(world.workspace, NOW) == (0, [])
    assert ChangeArea.objects.filter(workspace=world.workspace).count() == 0


def test_the_area_table_and_the_api_show_the_one_reviewer(world, client_for, api_for):
    now = timezone.now()
    reviewed(world.workspace, now)
    services.refresh(world.workspace, now)
    ws = world.workspace.slug
    data = api_for(world.viewer).get(f"/api/v1/workspaces/{ws}/concentration").json()
    assert (data["review_share"], data["review_min_changes"], data["review_days"]) == (80, 5, 180)
    assert data["reviewed_changes"] == 13
    assert [(r["repository"], r["area"]) for r in data["review_areas"]] == [
        ("legacy-svc", ""), ("app", ""), ("app", "api")]  # fmt: skip
    by_area = {(a["repository"], a["area"]): a for a in data["areas"] + data["repositories"]}
    assert by_area[("app", "api")]["one_reviewer"]["name"] == "Bob Jones"
    assert by_area[("app", "web")]["one_reviewer"] is None
    narrow = api_for(world.viewer).get(f"/api/v1/workspaces/{ws}/concentration",
                                       {"review_share": 90}).json()  # fmt: skip
    assert [r["repository"] for r in narrow["review_areas"]] == ["legacy-svc"]
    html = client_for(world.viewer).get(f"/w/{ws}/concentration/").content.decode()
    assert 'data-review-area="app/api"' in html and 'data-review-area="legacy-svc/"' in html
    assert "Carol White (left)" in html and "Bob Jones, 5 of 6" in html
    page = client_for(world.viewer).get(f"/w/{ws}/concentration/area/",
                                        {"repository": "app", "area": "api"}).content.decode()  # fmt: skip
    assert "data-one-reviewer" in page and "Bob Jones reviewed 5 of the 6 changes" in page


def test_a_bad_review_share_is_named_on_the_page_and_refused_by_the_api(world, client_for,
                                                                         api_for):  # fmt: skip
    ws = world.workspace.slug
    html = client_for(world.viewer).get(f"/w/{ws}/concentration/",
                                        {"review_share": "x"}).content.decode()  # fmt: skip
    assert "review_share: Use a whole number from 50 to 100." in html
    r = api_for(world.viewer).get(f"/api/v1/workspaces/{ws}/concentration",
                                  {"review_share": "101"})  # fmt: skip
    assert r.status_code == 422 and "review_share" in r.content.decode()


def test_with_no_reviews_the_page_says_where_they_come_from(world, client_for):
    html = client_for(world.viewer).get(f"/w/{world.workspace.slug}/concentration/").content
    assert "No code reviews in the last 180 days" in html.decode()


def test_a_stranger_sees_no_reviews(world, make_user, client_for, api_for):
    from leadline.workspaces.services import set_membership

    reviewed(world.workspace, timezone.now())
    stranger = make_user("sue")
    set_membership(world.other, stranger, "owner")
    ws = world.workspace.slug
    r = api_for(stranger).get(f"/api/v1/workspaces/{ws}/concentration", {"review_share": 80})
    assert r.status_code == 404 and "Bob" not in r.content.decode()
    assert client_for(stranger).get(f"/w/{ws}/concentration/").status_code == 404


def _payments_prs(world, reviewer: str, author: str) -> None:
    """Five pull requests by ``author`` made of Alice's payments commits, reviewed by
    ``reviewer``: payments keeps its one author (truck factor 1)."""
    world.repo.change("Alice Smith <alice@corp.example>", "payments/card.py", times=5)
    shas = world.repo.shas()
    records: list = [AccountRecord("github", "alice-s:alice@corp.example", "alice-s",
                                   "Alice Smith", "alice@corp.example")]  # fmt: skip
    for n, sha in enumerate(shas[-5:]):
        when = NOW - timedelta(days=5 + n)
        change = f"acme/shop#{n}"
        records.append(ChangeRecord("github", change, "pull_request", "acme/shop", "p", author,
                                    when, commits=(sha,)))  # fmt: skip
        records.append(ReviewRecord("github", f"review:p{n}", change, "acme/shop", reviewer,
                                    "approved", when, author))  # fmt: skip
    import_records(world.workspace, records)
    services.refresh(world.workspace, NOW)


def test_the_one_reviewer_rule_raises_an_area_the_key_person_rule_does_not(world):
    reviewed(world.workspace, NOW)
    _payments_prs(world, "bjones", "alice-s")
    services.refresh(world.workspace, NOW)
    run = engine.run(world.workspace, NOW, only=["one_reviewer_area", "unmanaged_key_person_risk"])
    assert run.errors == {}
    found = {f.subject_name: f for f in Finding.objects.filter(workspace=world.workspace,
                                                               rule="one_reviewer_area")}  # fmt: skip
    # shop/payments is the key-person risk's (one finding per area), with its reviews:
    assert set(found) == {"legacy-svc", "app", "app/api", "shop"}
    [risk] = Finding.objects.filter(workspace=world.workspace, rule="unmanaged_key_person_risk")
    assert risk.subject_name == "shop/payments"
    assert risk.evidence[-1] == {"label": "Reviews", "url": f"/w/{world.workspace.slug}/concentration/",
                                 "value": "Bob Jones reviewed 5 of the 5 changes reviewed in the "
                                          "last 180 days"}  # fmt: skip
    assert risk.severity == "medium"
    assert found["legacy-svc"].severity == "high"  # its one reviewer has left
    assert found["app/api"].severity == "medium" and "Bob Jones" in found["app/api"].title
    assert "Who else could review" in found["app/api"].conversation
    # Alone, the one-reviewer rule raises payments too.
    Finding.objects.all().delete()
    engine.run(world.workspace, NOW, only=["one_reviewer_area"])
    assert Finding.objects.filter(subject_name="shop/payments").count() == 1


def test_an_area_its_one_author_also_reviews_is_a_high_key_person_risk(world):
    """Bob opens the PRs of Alice's payments commits and Alice reviews them: she writes and
    reviews the area alone."""
    _payments_prs(world, "alice-s", "bjones")
    engine.run(world.workspace, NOW, only=["unmanaged_key_person_risk"])
    [risk] = Finding.objects.filter(workspace=world.workspace, rule="unmanaged_key_person_risk")
    assert risk.severity == "high" and "and reviews its changes" in risk.conversation
