"""Where Leadline may connect to: public addresses over https, and the hosts an owner allows.

A connection's base URL and a notification channel's URL are typed by people. Without a
policy, one could point Leadline at ``http://127.0.0.1:6379``, a cloud metadata address or a
service on the office network and read part of its answer back in an error (server-side request
forgery). So by default every outbound call must go over https to a host whose every address
is public (``ipaddress``'s ``is_global``, not multicast). ``LEADLINE_ALLOWED_INTERNAL_HOSTS``
lists exceptions for a self-hosted Jira or GitLab: host names (``jira.corp.example``), addresses
(``10.0.0.12``) or networks (``10.20.0.0/16``), comma-separated; a listed host may also be
reached over plain http.

The check happens twice: before a request (the URL, and every address its host resolves to)
and again when a socket connects (a Python audit hook on ``socket.connect`` inside
:func:`guarded`), so a redirect, or a DNS answer that changes between the check and the
connection (DNS rebinding), cannot reach an address the first check would have refused.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

SETTING = "LEADLINE_ALLOWED_INTERNAL_HOSTS"
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Names that are loopback or link-local by definition, whatever a resolver says.
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain")


class Blocked(Exception):  # noqa: N818 - reads as "the call was Blocked"
    """An outbound call the policy refuses; the message says why and how to allow it.

    Not an OSError on purpose: nothing retries it, and socket.create_connection does not
    quietly move on to the host's next address.
    """


@dataclass(frozen=True)
class Policy:
    """Hosts and networks an owner allows besides public https addresses."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, raw: str) -> Policy:
        """Parse the setting's value; raise ValueError naming an entry that is not a host name,
        address or network."""
        hosts: set[str] = set()
        networks: list[Network] = []
        for entry in (part.strip() for part in raw.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            name = entry.lower().rstrip(".")
            labels = name.split(".")
            if not all(label and len(label) <= 63 and _is_label(label) for label in labels):
                raise ValueError(
                    f"{SETTING}: {entry!r} is not a host name, an IP address or a network "
                    "(use for example jira.corp.example, 10.0.0.12 or 10.20.0.0/16; no scheme, "
                    "port or path)"
                )
            hosts.add(name)
        return cls(frozenset(hosts), tuple(networks))

    def listed(self, host: str) -> bool:
        """Return True when the owner allowed ``host`` (by name, or as an address)."""
        name = host.lower().strip("[]").rstrip(".")
        if name in self.hosts:
            return True
        address = _address(name)
        return address is not None and any(address in net for net in self.networks)

    def allows_address(self, address: Address) -> bool:
        """Return True for a public address or one inside an allowed network."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if any(address in net for net in self.networks):
            return True
        return address.is_global and not address.is_multicast

    def check_url(self, scheme: str, host: str) -> None:
        """Refuse a URL by what it says alone: a scheme other than https, or a host that is an
        internal address or a local name, unless the owner listed it."""
        listed = self.listed(host)
        if not listed:
            self.check_name(host)
        if scheme != "https" and not (listed and scheme == "http"):
            raise Blocked(
                f"{scheme}://{host}: only https is allowed"
                + ("" if listed else f" (plain http only for hosts listed in {SETTING})")
            )

    def check_name(self, host: str) -> None:
        """Refuse a host that is an internal address or a local name, unless it is listed."""
        if self.listed(host):
            return
        name = host.lower().strip("[]").rstrip(".")
        address = _address(name)
        if address is not None and not self.allows_address(address):
            raise Blocked(_internal(host, str(address)))
        if name == "localhost" or name.endswith(_LOCAL_SUFFIXES):
            raise Blocked(_internal(host, "a local name"))

    def check_host(self, host: str, port: int) -> set[Address]:
        """Resolve ``host`` and refuse it unless every address is allowed (or it is listed).

        Returns the addresses, which :func:`guarded` then lets a socket connect to. A name
        that does not resolve passes here: the connection itself will fail, or be checked.
        """
        try:
            infos = socket.getaddrinfo(host.strip("[]"), port, proto=socket.IPPROTO_TCP)
        except (OSError, UnicodeError):
            return set()
        addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
        if not self.listed(host):
            for address in sorted(addresses, key=str):
                if not self.allows_address(address):
                    raise Blocked(_internal(host, str(address)))
        return addresses


def _is_label(label: str) -> bool:
    return label.replace("-", "").replace("_", "").isalnum() and label.isascii()


def _address(name: str) -> Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def _internal(host: str, what: str) -> str:
    said = f"{host} is" if host.strip("[]") == what else f"{host} is {what},"
    return (
        f"{said} an internal address; Leadline only calls public addresses unless the "
        f"server's owner lists the host in {SETTING}"
    )


@lru_cache(maxsize=8)
def _parsed(raw: str) -> Policy:
    return Policy.parse(raw)


def policy() -> Policy:
    """Return the policy the environment sets (``LEADLINE_ALLOWED_INTERNAL_HOSTS``).

    Read at each call, so a test or a management command sees the current value; settings
    check it at start-up and fail loudly when it is malformed.
    """
    return _parsed(os.environ.get(SETTING, ""))


@dataclass
class Guard:
    """The policy in force inside :func:`guarded`, with the addresses checked for it."""

    policy: Policy
    admitted: set[Address] = field(default_factory=set)

    def admit(self, host: str, port: int) -> None:
        """Check ``host`` by name and address now; remember its addresses for the connect."""
        self.admitted |= self.policy.check_host(host, port)

    def check_connect(self, address: Any) -> None:
        if not isinstance(address, tuple) or not address:
            raise Blocked(f"{address!r}: only network (TCP/IP) connections are allowed")
        ip = _address(str(address[0]).split("%")[0])
        if ip is None:
            raise Blocked(f"{address[0]}: not an IP address")
        if ip in self.admitted or self.policy.allows_address(ip):
            return
        raise Blocked(_internal(str(address[0]), str(ip)))


_ACTIVE: ContextVar[Guard | None] = ContextVar("leadline_outbound_guard", default=None)
_hooked = False


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event != "socket.connect":
        return
    guard = _ACTIVE.get()
    if guard is not None:
        guard.check_connect(args[1])


@contextmanager
def guarded(rules: Policy | None = None) -> Iterator[Guard]:
    """Check every socket connected in this block (and in threads given its context).

    The audit hook is installed on first use and stays (Python cannot remove one); outside a
    guarded block it returns at once.
    """
    global _hooked
    if not _hooked:
        sys.addaudithook(_audit)
        _hooked = True
    guard = Guard(rules or policy())
    token = _ACTIVE.set(guard)
    try:
        yield guard
    finally:
        _ACTIVE.reset(token)


def active() -> Guard | None:
    """Return the guard in force, if any."""
    return _ACTIVE.get()
