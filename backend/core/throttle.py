"""A per-key token bucket kept in the process: bounds how often one caller may run an
expensive request (the draft preview encodes text on every call).

Each API process keeps its own buckets, so with several processes a caller gets at most that
many times the rate: enough to protect the CPU from one runaway client, which is the point;
it is not a quota.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable


class TokenBucket:
    """`burst` requests at once, then `per_second` more each second, per key."""

    def __init__(self, burst: int, per_second: float, *, max_keys: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.burst = burst
        self.per_second = per_second
        self.max_keys = max_keys
        self._clock = clock
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: Hashable) -> float:
        """Take one token for `key`: 0.0 when granted, else the seconds until one is free."""
        now = self._clock()
        with self._lock:
            tokens, then = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - then) * self.per_second)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self.per_second
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)  # the longest idle: it would be full again
            return wait
