"""The demo story: an organisation that moved from quarterly big-bang releases to fortnightly ones."""

from __future__ import annotations

from datetime import date, timedelta

from leadline.synth.spec import Era, SynthSpec, TeamSpec

DEMO_SEED = 20_240_601
DEMO_DAYS = 730
CHANGE_DAYS_BEFORE_END = 330  # the change in ways of working, ~11 months before the end

# Teams differ the way real ones do: Checkout is the biggest and quickest, Mobile waits on app
# review, Platform is interrupted by operations work, Data has long-running pipeline work. After
# the change, services deploy between releases at their own (growing) rates: the web front end
# and the data pipeline most days, the mobile app only with a release (app-store review).
TEAMS = (
    TeamSpec(
        "Checkout", "CHK", "Product", ("checkout-api", "checkout-web"),
        ("Amara Okafor", "Ben Hughes", "Chen Wei", "Dana Kowalski", "Elif Demir", "Farah Haddad"),
        solo_area="payments-legacy", items_factor=1.2, cycle_factor=0.85, churn_factor=0.9,
        deploys_per_week=(1.5, 3.0),
    ),
    TeamSpec(
        "Mobile", "MOB", "Product", ("mobile-app", "mobile-bff"),
        ("Gabriel Souza", "Hana Sato", "Ivan Petrov", "Jade Morgan", "Kofi Mensah"),
        solo_area="push-gateway", items_factor=0.9, cycle_factor=1.2, churn_factor=0.8,
        deploys_per_week=(0.0, 0.8),
    ),
    TeamSpec(
        "Platform", "PLAT", "IT", ("platform-gateway", "identity"),
        ("Lena Fischer", "Marco Rossi", "Nadia Rahman", "Oscar Lindqvist", "Priya Nair"),
        solo_area="legacy-ldap", items_factor=1.0, cycle_factor=1.0, churn_factor=1.6,
        deploys_per_week=(1.5, 0.6),
    ),
    TeamSpec(
        "Data", "DATA", "IT", ("data-pipeline", "reporting"),
        ("Quentin Moreau", "Rosa Alvarez", "Samir Khan", "Tess O'Brien"),
        solo_area="billing-etl", items_factor=0.7, cycle_factor=1.4, churn_factor=1.2,
        deploys_per_week=(4.0, 0.0),
    ),
)  # fmt: skip

RELEASE_TRAIN = Era(
    name="quarterly release train",
    backlog_wait_days=15.0,
    cycle_median_days=9.0,
    cycle_sigma=0.9,
    reopen_rate=0.15,
    back_rate=0.35,
    blocked_rate=0.35,
    removed_rate=0.07,
    release_interval_days=(90.0, 120.0),
    release_train=True,
    downtime_hours=(6.0, 8.0),
    downtime_rate=1.0,
    failure_rate=0.6,
    recovery_hours=6.0,
    deploy_minutes=(120.0, 240.0),
    staging_per_week=1.0,
    planned_share=0.75,
    descope_rate=0.07,
    rerank_rate=0.25,
)


def fortnightly(start: date) -> Era:
    """Return the era after the change: two-week releases, short downtime, faster flow."""
    return Era(
        start=start,
        name="fortnightly releases",
        backlog_wait_days=6.0,
        cycle_median_days=3.5,
        cycle_sigma=0.7,
        reopen_rate=0.05,
        back_rate=0.15,
        blocked_rate=0.12,
        removed_rate=0.05,
        release_interval_days=(14.0, 14.0),
        release_train=False,
        downtime_hours=(0.1, 0.8),
        downtime_rate=0.15,
        failure_rate=0.08,
        recovery_hours=1.0,
        deploy_minutes=(5.0, 20.0),
        staging_per_week=8.0,
        planned_share=0.85,
        descope_rate=0.04,
        rerank_rate=0.15,
    )


def demo_spec(end: date, items_per_team: int = 750) -> SynthSpec:
    """Return the demo story's spec: four teams, two years before ``end``, two eras."""
    change = end - timedelta(days=CHANGE_DAYS_BEFORE_END)
    return SynthSpec(
        teams=TEAMS,
        items_per_team=items_per_team,
        start=end - timedelta(days=DEMO_DAYS),
        end=end,
        seed=DEMO_SEED,
        eras=(RELEASE_TRAIN, fortnightly(change)),
    )
