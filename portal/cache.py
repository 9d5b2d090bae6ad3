"""The cache is an optimisation: when Redis is unreachable a page is built without it, never answers 500.

`ResilientRedisCache` is Django's Redis cache whose operations log a failure and answer as a cache miss (get: the
default; add/set: nothing stored; delete: nothing deleted). After a failure the process leaves Redis alone for
`RETRY_AFTER` seconds, so a page with several cache reads does not wait for several connection timeouts. /healthz
still reports the cache as failed (it stores a value and reads it back).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_AFTER = 15.0  # seconds without trying Redis after a failure


class ResilientRedisCache(RedisCache):
    _down_until = 0.0  # monotonic time before which this process does not try Redis

    def _guard(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < ResilientRedisCache._down_until:
            return fallback
        try:
            return call()
        except (RedisError, OSError) as exc:
            ResilientRedisCache._down_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "cache unavailable (%s: %s); pages are built without it for %ss",
                operation,
                exc.__class__.__name__,
                int(RETRY_AFTER),
            )
            return fallback

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guard("add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False)

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard("get", lambda: super(ResilientRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> None:
        self._guard("set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> bool:
        return self._guard("touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key: Any, version: Any = None) -> bool:
        return self._guard("delete", lambda: super(ResilientRedisCache, self).delete(key, version), False)

    def get_many(self, keys: Any, version: Any = None) -> dict[Any, Any]:
        return self._guard("get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guard("has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False)

    def set_many(self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None) -> list[Any]:
        return self._guard(
            "set_many", lambda: super(ResilientRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete_many(self, keys: Any, version: Any = None) -> None:
        self._guard("delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None)

    def clear(self) -> bool:
        return self._guard("clear", lambda: super(ResilientRedisCache, self).clear(), False)
