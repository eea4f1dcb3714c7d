"""The Redis cache backend, against the real Redis the site uses in production."""

import socket

import pytest
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

from campaign.core.cache import RedisCache
from tests.conftest import skip_or_fail


@pytest.fixture
def redis_cache():
    with socket.socket() as sock:
        sock.settimeout(0.5)
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            skip_or_fail("no Redis at 127.0.0.1:6379")
    cache = RedisCache("redis://127.0.0.1:6379/13", {"KEY_PREFIX": "test-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_redis_cache_reuses_one_client_per_pool(redis_cache):
    redis_cache.set("count", 1)
    first = redis_cache._cache.get_client("count")
    assert redis_cache._cache.get_client("other", write=True) is first
    assert isinstance(redis_cache._cache, DjangoRedisCacheClient)


def test_redis_cache_behaves_as_djangos(redis_cache):
    assert redis_cache.add("hits", 1, timeout=60)
    assert not redis_cache.add("hits", 5, timeout=60)
    assert redis_cache.incr("hits") == 2
    redis_cache.set_many({"a": (1, "page", {"count": 3}), "b": "two"})
    assert redis_cache.get_many(["a", "b", "missing"]) == {"a": (1, "page", {"count": 3}), "b": "two"}
    redis_cache.delete_many(["a", "b"])
    assert redis_cache.get("a") is None
    with pytest.raises(ValueError):
        redis_cache.incr("never-set")


def test_redis_cache_counts_and_reads_in_one_round_trip_and_sets_the_counters_expiry(redis_cache, monkeypatch):
    from redis.connection import AbstractConnection

    redis_cache.add("seen", 4, timeout=60)
    redis_cache.set_many({"facts": (7, {"count": 3}), "generation": 7})
    sent = []
    real_send = AbstractConnection.send_packed_command

    def send(self, *args, **kwargs):
        sent.append(args)
        return real_send(self, *args, **kwargs)

    client = redis_cache._cache.get_client(write=True)
    client.script_flush()  # the first call after a restart loads the script itself
    assert redis_cache.count_and_get(["first"], 120, get=["generation"]) == ([1], {"generation": 7})
    monkeypatch.setattr(AbstractConnection, "send_packed_command", send)
    counts, found = redis_cache.count_and_get(["seen", "new"], 120, get=["facts", "generation", "missing"])
    assert (counts, found) == ([5, 1], {"facts": (7, {"count": 3}), "generation": 7})
    assert len(sent) == 1
    assert redis_cache.count_and_get(["new"], 120) == ([2], {})
    assert redis_cache.count_and_get([], 120, get=["generation"]) == ([], {"generation": 7})
    assert redis_cache.get_many(["seen", "new"]) == {"seen": 5, "new": 2}
    assert 110 < client.ttl(redis_cache.make_and_validate_key("new")) <= 120


def test_redis_cache_adds_or_reads_in_one_round_trip(redis_cache):
    assert redis_cache.add_or_get("lease", 1_700_000_000_000, timeout=60) == (True, None)
    assert redis_cache.add_or_get("lease", 5, timeout=60) == (False, 1_700_000_000_000)
    redis_cache.set("page", {"facts": 1})
    assert redis_cache.add_or_get("page", 5, timeout=60) == (False, {"facts": 1})
    client = redis_cache._cache.get_client(write=True)
    assert 50 < client.ttl(redis_cache.make_and_validate_key("lease")) <= 60
    redis_cache._set_nx_get_refused = True  # as on a server before Redis 7
    assert redis_cache.add_or_get("lease", 5, timeout=60) == (False, 1_700_000_000_000)
    assert redis_cache.add_or_get("other", 5, timeout=60) == (True, None)


def test_rate_limits_hold_on_the_redis_cache(redis_cache, monkeypatch):
    from campaign.core import ratelimit

    monkeypatch.setattr(ratelimit, "cache", redis_cache)
    limits = [("sign:ip", "client", 3), ("sign:address", "someone", 2)]
    assert [ratelimit.hits(limits) for _ in range(4)] == [True, True, False, False]
    assert ratelimit.hits([("sign:ip", "other client", 1)]) and not ratelimit.hits([("sign:ip", "other client", 1)])
    assert ratelimit.hits([("sign:ip", "anyone", 0)])  # no limit, nothing counted
    redis_cache.set("facts", {"open": True})
    assert ratelimit.hits_and_get([("sign:ip", "client", 3)], get=["facts"]) == (False, {"facts": {"open": True}})
