"""Fixed-window rate limits in the shared cache, keyed by hashed client and address."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from campaign.core.emails import normalise_email


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, unless a known number of trusted proxies sits in front of us.

    X-Forwarded-For is only read when TRUSTED_PROXY_COUNT says how many proxies
    append to it; the address we use is the one the outermost trusted proxy saw, so a
    client cannot forge its way around a limit by sending the header itself.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def keyed_hash(value: str, purpose: str) -> str:
    """A keyed hash: stable for abuse limits, useless to anyone without the secret."""
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]


def _window_key(scope: str, identity: str, window_seconds: int) -> str:
    return f"rl:{scope}:{identity}:{int(time.time() // window_seconds)}"


def _count(keys: list[str], timeout: int) -> list[int]:
    """Count one hit on each key; the new counts. One round trip with Redis."""
    incr_many = getattr(cache, "incr_many", None)
    if incr_many is not None:
        return incr_many(keys, timeout)
    counts = []
    for key in keys:
        if cache.add(key, 1, timeout=timeout):
            counts.append(1)
            continue
        try:
            counts.append(cache.incr(key))
        except ValueError:  # the key expired between add and incr
            cache.add(key, 1, timeout=timeout)
            counts.append(1)
    return counts


def hits(limits: list[tuple[str, str, int]], window_seconds: int = 3600) -> bool:
    """Count one hit on each (scope, identity, limit); False once any identity has gone
    over its limit in this window. A limit of 0 or less is no limit."""
    counted = [(_window_key(scope, identity, window_seconds), limit) for scope, identity, limit in limits if limit > 0]
    if not counted:
        return True
    counts = _count([key for key, _ in counted], timeout=window_seconds + 60)
    return all(count <= limit for count, (_, limit) in zip(counts, counted, strict=True))


def request_within_limits(request: HttpRequest, *, scope: str, email: str, per_ip: int, per_address: int) -> bool:
    """Count one submission of a public form against its client and its address; False
    once either is over its hourly limit. Both are counted, so neither can be probed."""
    return hits(
        [
            (f"{scope}:ip", keyed_hash(client_ip(request), "ratelimit-ip"), per_ip),
            (f"{scope}:address", keyed_hash(normalise_email(email), "ratelimit-address"), per_address),
        ]
    )
