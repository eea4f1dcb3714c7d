"""Fixed-window rate limits in the shared cache, keyed by hashed client and address."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

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


# One household or phone is given a whole /64 of IPv6 addresses: keyed by address, a
# client could pick a fresh one for every request. allauth keys its limits the same way.
IPV6_PREFIX = 64


def rate_limit_identity(ip: str) -> str:
    """What a rate limit counts an address as: an IPv4 address whole, an IPv6 address by
    its /64, an IPv4-mapped IPv6 address as the IPv4 address it carries."""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


def client_identity(request: HttpRequest) -> str:
    """The client as rate limits count it (see rate_limit_identity)."""
    return rate_limit_identity(client_ip(request))


def keyed_hash(value: str, purpose: str) -> str:
    """A keyed hash: stable for abuse limits, useless to anyone without the secret."""
    return hmac.new(_hash_key(purpose, settings.SECRET_KEY), value.encode(), hashlib.sha256).hexdigest()[:32]


@functools.lru_cache(maxsize=64)
def _hash_key(purpose: str, secret: str) -> bytes:
    # A signature hashes three values: deriving the key once per purpose, not per value.
    return hashlib.sha256(f"{purpose}:{secret}".encode()).digest()


def _window_key(scope: str, identity: str, window_seconds: int) -> str:
    return f"rl:{scope}:{identity}:{int(time.time() // window_seconds)}"


def _count(keys: list[str], timeout: int) -> list[int]:
    """Add one hit to each key, starting it at 1 with `timeout` when absent. With Redis,
    one pipeline of INCR and EXPIRE NX per key: each atomic, so concurrent requests
    never lose a hit, in one round trip. That is why production's cache is Redis: the
    database cache's add then incr is a read then a write, approximate under load."""
    if redis := _redis():
        pipeline = redis.pipeline(transaction=False)
        for key in keys:
            name = cache.make_key(key)
            pipeline.incr(name)
            pipeline.expire(name, timeout, nx=True)
        return [int(count) for count in pipeline.execute()[::2]]
    return [_count_in_cache(key, timeout) for key in keys]


def _redis():
    """The Redis client behind the cache, when it is django-redis's."""
    if isinstance(caches["default"], RedisCache):
        return get_redis_connection()
    return None


def _count_in_cache(key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1


def hits(limits: list[tuple[str, str, int]], window_seconds: int = 3600) -> bool:
    """Count one hit on each (scope, identity, limit); False once any identity has gone
    over its limit in this window. A limit of 0 or less is no limit. Every identity is
    counted, even once one is over, so none can be probed."""
    counted = [(scope, identity, limit) for scope, identity, limit in limits if limit > 0]
    keys = [_window_key(scope, identity, window_seconds) for scope, identity, _limit in counted]
    counts = _count(keys, window_seconds + 60)
    return all(count <= limit for count, (_scope, _identity, limit) in zip(counts, counted, strict=True))


def request_limits(
    request: HttpRequest, *, scope: str, email: str, per_ip: int, per_address: int
) -> list[tuple[str, str, int]]:
    """What one submission of a public form counts against: its client and its address.
    Both are counted, so neither can be probed."""
    return [
        (f"{scope}:ip", keyed_hash(client_identity(request), "ratelimit-ip"), per_ip),
        (f"{scope}:address", keyed_hash(normalise_email(email), "ratelimit-address"), per_address),
    ]


def request_within_limits(request: HttpRequest, *, scope: str, email: str, per_ip: int, per_address: int) -> bool:
    """Count one submission of a public form against its client and its address; False
    once either is over its hourly limit."""
    return hits(request_limits(request, scope=scope, email=email, per_ip=per_ip, per_address=per_address))


TOO_MANY = _("We have received a lot of requests from your connection or for this address in the last hour.")


def rate_limited(
    request: HttpRequest,
    *,
    message: str | Promise = TOO_MANY,
    title: str | Promise | None = None,
    note: str | Promise | None = None,
    back_url: str | None = None,
    back_label: str | Promise | None = None,
    as_json: bool = False,
    retry_after: int = 3600,
) -> HttpResponse:
    """The answer to a request over its limit: 429, with when to try again (the limits
    count by the hour). `message` says what was limited; `back_url` where to go back."""
    if as_json:
        response: HttpResponse = JsonResponse({"error": "rate_limited", "detail": str(message)}, status=429)
    else:
        context = {"title": title, "message": message, "note": note, "back_url": back_url, "back_label": back_label}
        response = render(request, "core/rate_limited.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    return response
