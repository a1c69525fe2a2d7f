"""A token bucket: how websockets refuse floods without dropping the connection."""

from __future__ import annotations

import time


class TokenBucket:
    """At most ``per_s`` events a second on average, with bursts of up to ``burst``.

    Starts full. Time comes from ``time.monotonic``, so a changed wall clock changes nothing.
    """

    def __init__(self, per_s: float, burst: float) -> None:
        self.per_s = per_s
        self.burst = burst
        self.tokens = burst
        self.at = time.monotonic()

    def allow(self) -> bool:
        """Take one token if there is one; False means refuse this event."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.per_s)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True
