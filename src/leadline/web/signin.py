"""Sign-in and password-reset pages under throttling: the client's address, the lockout page,
and a password-reset view that caps the emails it sends."""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone

from leadline.workspaces import throttle

log = logging.getLogger(__name__)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's address: the connection's, or behind a proxy the one it forwarded.

    Behind a proxy (LEADLINE_BEHIND_PROXY) only the LAST X-Forwarded-For entry counts: the proxy
    appends the address it saw, and anything before it was sent by the client. Otherwise the
    header is ignored, as anyone could send it to change the address they are throttled by.
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = _valid(forwarded.rsplit(",", 1)[-1])
        if address:
            return address
    return _valid(request.META.get("REMOTE_ADDR", ""))


def locked_out(
    request: HttpRequest, response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """Answer a sign-in refused by a lockout: the sign-in page saying until when, and what to do
    (status 429). Said the same way whether or not the account exists."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    until = throttle.lock_ends(username, client_ip(request))
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked": {"until": until, "minutes": minutes},
        "next": request.POST.get("next", request.GET.get("next", "")),
    }
    return render(request, "registration/login.html", context, status=429)


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, sending at most LEADLINE_PASSWORD_RESET_LIMIT emails an hour to
    one address and serving at most LEADLINE_PASSWORD_RESET_CLIENT_LIMIT requests an hour to one
    client. Over a limit it answers exactly as when it sends, so the page never tells whether
    an account uses the address."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        hour = timedelta(hours=1)
        address = client_ip(self.request) or "unknown"
        allowed = throttle.hit(
            "reset-client", address, settings.PASSWORD_RESET_CLIENT_LIMIT, hour
        ) and throttle.hit("reset-email", email, settings.PASSWORD_RESET_LIMIT, hour)
        if not allowed:
            log.warning("Password reset not sent: too many requests for this address or client")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class UnlockingPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's "choose a new password" step; a reset proves the person holds the account's
    email, so it also clears the account's sign-in lockout."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        throttle.unlock(username=form.user.get_username())
        return response
