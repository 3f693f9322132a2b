"""Rate limits for anonymous traffic (docs/security.md, "Live connections").

A limit is a token bucket per key (an IP address, a chat): it holds `limit` tokens, refilled
at `limit` per `window_s`; each request takes one, and a request that finds the bucket empty
is refused with the seconds until a token is back. With Redis (`REDIS_URL`) the buckets live
there, shared by every web process (one Lua script, one round trip, Redis's own clock);
otherwise in this process. If Redis does not answer, the request passes (logged): a limit
must not take the chat down with it.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)

#: KEYS[1] the bucket; ARGV: capacity, refill per second, ttl in seconds.
#: Returns 0 when a token was taken, else the seconds until one is back (at least 1).
_TAKE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or t
tokens = math.min(capacity, tokens + math.max(0, t - at) * rate)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.max(1, math.ceil((1 - tokens) / rate))
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(t))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return wait
"""


@dataclass(frozen=True)
class Limit:
    """`limit` requests per `window_s` seconds for each key of `name` (0: no limit)."""

    name: str
    limit: int
    window_s: float

    @property
    def rate(self) -> float:
        return self.limit / self.window_s


async def rate_take(limit: Limit, key: str) -> int:
    """Take a token from `key`'s bucket: 0 when the request may go on, else the whole
    seconds to wait before retrying."""
    if limit.limit <= 0:
        return 0
    bucket = f"{settings.RATE_LIMIT_PREFIX}:{limit.name}:{key}"
    if settings.REDIS_URL:
        try:
            return await _redis_take(limit, bucket)
        except Exception:
            logger.exception("rate limit %s: Redis did not answer; the request passes", limit.name)
            return 0
    return _LOCAL.take(limit, bucket, time.monotonic())


def rate_take_sync(limit: Limit, key: str) -> int:
    """`rate_take` for synchronous callers (a Django view)."""
    if limit.limit <= 0:
        return 0
    bucket = f"{settings.RATE_LIMIT_PREFIX}:{limit.name}:{key}"
    if settings.REDIS_URL:
        try:
            return _redis_take_sync(limit, bucket)
        except Exception:
            logger.exception("rate limit %s: Redis did not answer; the request passes", limit.name)
            return 0
    return _LOCAL.take(limit, bucket, time.monotonic())


# -- Redis ------------------------------------------------------------------------------------

_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = weakref.WeakKeyDictionary()


async def _redis_take(limit: Limit, bucket: str) -> int:
    loop = asyncio.get_running_loop()
    client = _clients.get(loop)
    if client is None:
        from redis.asyncio import Redis

        client = _clients[loop] = Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    wait = await client.eval(_TAKE, 1, bucket, *_arguments(limit))
    return int(wait)


_sync_client: Any = None


def _redis_take_sync(limit: Limit, bucket: str) -> int:
    global _sync_client
    if _sync_client is None:
        from redis import Redis

        _sync_client = Redis.from_url(settings.REDIS_URL, socket_timeout=5)
    return int(_sync_client.eval(_TAKE, 1, bucket, *_arguments(limit)))


def _arguments(limit: Limit) -> tuple[int, str, int]:
    """The script's ARGV: capacity, refill per second, the bucket's time to live."""
    return limit.limit, repr(limit.rate), math.ceil(limit.window_s) + 1


# -- in this process --------------------------------------------------------------------------


class _LocalBuckets:
    """The buckets of this process (no Redis): key -> (tokens, last refill)."""

    MAX_KEYS = 100_000  # beyond that, buckets untouched for FORGET_S are forgotten
    FORGET_S = 600.0  # longer than any window: such a bucket is full again

    def __init__(self) -> None:
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def take(self, limit: Limit, bucket: str, now: float) -> int:
        with self.lock:
            tokens, at = self.buckets.get(bucket, (float(limit.limit), now))
            tokens = min(float(limit.limit), tokens + max(0.0, now - at) * limit.rate)
            wait = 0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = max(1, math.ceil((1 - tokens) / limit.rate))
            self.buckets[bucket] = (tokens, now)
            if len(self.buckets) > self.MAX_KEYS:
                self.buckets = {
                    key: kept for key, kept in self.buckets.items() if now - kept[1] < self.FORGET_S
                }
            return wait


_LOCAL = _LocalBuckets()


#: The close code of a WebSocket refused by a rate limit (as HTTP's 429).
CLOSE_TOO_FAST = 4429


def client_address(scope: dict[str, Any]) -> str:
    """The client's IP address as the server saw it (uvicorn takes it from
    `X-Forwarded-For` when the proxy is one of its `forwarded_allow_ips`)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"
