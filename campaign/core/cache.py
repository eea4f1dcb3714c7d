"""Django's Redis cache, keeping one client per connection pool.

Django's backend builds a new `redis.Redis` for every operation, and each one fills a
table of ~200 response callbacks: 58 µs of the 170 µs a `cache.get` took here, on
every rate-limit hit, count and cached page. The client is thread-safe and fork-safe
through its pool (the pool notices a new process), so one per pool is enough."""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.commands.core import Script
from redis.exceptions import ResponseError

# Count each counter (KEYS[1..ARGV[2]]) and read the other keys, in one command: a
# pipeline of INCR, EXPIRE and MGET cost the web process more to pack and parse than
# the sign POST's INSERT statement (py-spy under `make bench`). ARGV[1] is the
# counters' lifetime in seconds. Missing keys read as false, which Redis replies as nil.
COUNT_AND_GET = Script(
    None,
    b"""
    local counters = tonumber(ARGV[2])
    local replies = {}
    for i = 1, counters do
        replies[i] = redis.call('INCR', KEYS[i])
        redis.call('EXPIRE', KEYS[i], ARGV[1])
    end
    for i = counters + 1, #KEYS do
        replies[i] = redis.call('GET', KEYS[i])
    end
    return replies
    """,
)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
        self._set_nx_get_refused = False

    def add_or_get(self, key: str, value, timeout: int) -> tuple[bool, object]:
        """Set `key` to `value` for `timeout` seconds unless it is set: (True, None) when
        this call set it, else (False, the value it holds). One round trip (SET NX GET,
        Redis 7); `add` then `get` on an older server."""
        full_key = self.make_and_validate_key(key)
        client = self._cache.get_client(write=True)
        serializer = self._cache._serializer
        if not self._set_nx_get_refused:
            try:
                found = client.set(full_key, serializer.dumps(value), ex=timeout, nx=True, get=True)
            except ResponseError:  # before Redis 7, SET takes NX or GET, not both
                self._set_nx_get_refused = True
            else:
                return (True, None) if found is None else (False, serializer.loads(found))
        return _add_then_get(self, key, value, timeout)

    def count_and_get(self, keys: list[str], timeout: int, get: list[str] | tuple = ()) -> tuple[list[int], dict]:
        """Add one to each counter in `keys` (starting from 0 when absent) and set it to
        expire in `timeout` seconds, and read the `get` keys as `get_many` does, all in
        one round trip and one command (COUNT_AND_GET): (the counters' new values in
        order, the `get` keys found). A signature counts two rate limits and reads its
        letter's facts: `add` then `incr` and a `get_many` made that four trips."""
        make_key = self.make_key  # Redis takes any key: Django's check is for memcached
        full_keys = [make_key(key) for key in (*keys, *get)]
        replies = COUNT_AND_GET(full_keys, [timeout, len(keys)], client=self._cache.get_client(write=True))
        counts = replies[: len(keys)]
        loads = self._cache._serializer.loads
        found = {key: loads(value) for key, value in zip(get, replies[len(keys) :], strict=True) if value is not None}
        return counts, found


def add_or_get(cache, key: str, value, timeout: int) -> tuple[bool, object]:
    """`RedisCache.add_or_get` on any cache: one round trip with Redis, two elsewhere."""
    method = getattr(cache, "add_or_get", None)
    if method is not None:
        return method(key, value, timeout)
    return _add_then_get(cache, key, value, timeout)


def _add_then_get(cache, key: str, value, timeout: int) -> tuple[bool, object]:
    if cache.add(key, value, timeout):
        return True, None
    return False, cache.get(key)
