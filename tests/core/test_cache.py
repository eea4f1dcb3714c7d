"""Rate limits on the cache production runs: django-redis, against a real Redis."""

import socket
import threading

import pytest
from django.core.cache import cache

from campaign.core import ratelimit
from tests.conftest import skip_or_fail


@pytest.fixture
def redis_cache(settings):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            skip_or_fail("no Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/13",
            "KEY_PREFIX": "test-cache",
        }
    }
    cache.clear()
    yield cache
    cache.clear()


def test_rate_limits_hold_on_the_redis_cache(redis_cache):
    limits = [("sign:ip", "client", 3), ("sign:address", "someone", 2)]
    assert [ratelimit.hits(limits) for _ in range(4)] == [True, True, False, False]
    assert ratelimit.hits([("sign:ip", "other client", 1)]) and not ratelimit.hits([("sign:ip", "other client", 1)])
    assert ratelimit.hits([("sign:ip", "anyone", 0)])  # no limit, nothing counted


def test_rate_limits_hold_under_concurrent_requests(redis_cache):
    """Many requests at once from one client: exactly the limit gets through."""
    results: list[bool] = []
    start = threading.Barrier(20)

    def request() -> None:
        start.wait()
        results.append(ratelimit.hits([("sign:ip", "crowd", 10)]))

    threads = [threading.Thread(target=request) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 10 + [True] * 10


def test_rate_limit_counters_expire_after_their_window(redis_cache):
    import redis

    ratelimit.hits([("sign:ip", "client", 3)], window_seconds=60)
    server = redis.Redis.from_url("redis://127.0.0.1:6379/13")
    (key,) = server.keys("test-cache:*:rl:sign:ip:client:*")
    assert 60 < server.ttl(key) <= 120  # the window, and a minute to spare
