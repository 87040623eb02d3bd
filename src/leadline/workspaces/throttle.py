"""Sign-in lockouts (kept by django-axes) and request counters for password-reset emails.

django-axes records failed sign-ins per account and per client address in the database; this
module reads those records for the lockout page and the Members page, and clears them when an
owner unlocks a member. Counters for other requests (password-reset emails) live in
:class:`ThrottleCounter`, keyed by a keyed digest so no email or address is stored readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Membership, Role, ThrottleCounter
from .services import Access, audit

# Counters older than this are deleted as new requests come in; windows must be shorter.
_STALE = timedelta(days=1)


def hit(scope: str, value: str, limit: int, window: timedelta, now: datetime | None = None) -> bool:
    """Count one request for ``value`` in ``scope``; False (counting nothing) once ``limit``
    requests were counted in the current fixed ``window`` (at most a day)."""
    if window > _STALE:
        raise ValueError("throttle windows are at most a day long")
    now = now or timezone.now()
    key = salted_hmac("leadline.throttle", f"{scope}\0{value}", algorithm="sha256").hexdigest()
    with transaction.atomic():
        ThrottleCounter.objects.filter(window_start__lt=now - _STALE).delete()
        # A counter whose window has passed starts a new one; the conditional UPDATE below
        # then admits exactly ``limit`` requests per window, however many arrive at once.
        ThrottleCounter.objects.filter(key=key, window_start__lte=now - window).update(
            window_start=now, count=0
        )
        ThrottleCounter.objects.get_or_create(key=key, defaults={"window_start": now, "count": 0})
        counted = ThrottleCounter.objects.filter(key=key, count__lt=limit).update(
            count=F("count") + 1
        )
    return counted == 1


@dataclass(frozen=True)
class Lockout:
    """A sign-in lockout: whose, and when it ends."""

    username: str
    until: datetime


def _window_start(now: datetime) -> datetime:
    return now - timedelta(minutes=settings.LOCKOUT_MINUTES)


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a limit of its own for a client address.

    Axes compares the largest failure count over its lockout parameters (account, address) with
    one limit; the address's count is scaled here so that it reaches that limit exactly when it
    reaches LEADLINE_LOGIN_ADDRESS_FAILURE_LIMIT.
    """

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        by_account, by_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scaled = by_address * settings.LOGIN_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return max(by_account, scaled)


def lock_ends(username: str | None, address: str | None, now: datetime | None = None) -> datetime:
    """Return when the lockout of ``username`` or of ``address`` ends (the later of the two
    that are locked): its last counted failure plus the lockout time; now plus the lockout
    time when neither is locked any more."""
    now = now or timezone.now()
    lockout = timedelta(minutes=settings.LOCKOUT_MINUTES)
    ends = []
    for field, value, limit in (
        ("username", username, settings.LOGIN_FAILURE_LIMIT),
        ("ip_address", address, settings.LOGIN_ADDRESS_FAILURE_LIMIT),
    ):
        if not value:
            continue
        counted = AccessAttempt.objects.filter(
            **{field: value}, attempt_time__gte=now - lockout
        ).aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        if (counted["n"] or 0) >= limit:
            ends.append(counted["last"] + lockout)
    return max(ends, default=now + lockout)


def locked_accounts(usernames: list[str], now: datetime | None = None) -> dict[str, Lockout]:
    """Return the lockouts among ``usernames`` (accounts with too many recent failures)."""
    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=_window_start(now))
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    return {
        row["username"]: Lockout(
            row["username"], row["last"] + timedelta(minutes=settings.LOCKOUT_MINUTES)
        )
        for row in rows
        if row["failures"] >= settings.LOGIN_FAILURE_LIMIT
    }


def unlock(username: str | None = None, address: str | None = None) -> int:
    """Forget the failed sign-ins of an account and/or a client address; return how many
    records were cleared."""
    cleared = 0
    if username:
        cleared += axes_reset(username=username)
    if address:
        cleared += axes_reset(ip=address)
    return cleared


def unlock_member(access: Access, username: str, actor: Any = None) -> int:
    """Let an owner unlock a member of their workspace; anyone else's account is not found.

    Clears the account's failures (from any address); a lockout of a client address as a
    whole ends on its own, or with ``leadline unlock --address``.
    """
    access.require(Role.OWNER)
    membership = (
        Membership.objects.select_related("user")
        .filter(workspace=access.workspace, user__username=username)
        .first()
    )
    if membership is None:
        raise Http404("No such member")
    cleared = unlock(username=username)
    audit(
        access.workspace,
        actor,
        "unlock",
        membership,
        f"Unlocked sign-in for {username}",
        {"failed sign-ins": [cleared, 0]},
    )
    return cleared
