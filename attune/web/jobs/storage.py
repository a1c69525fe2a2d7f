"""The Huey class attune uses when scaled out: Redis, with every key under ATTUNE_REDIS_KEY_PREFIX.

Huey names its Redis keys ``huey.redis.NAME`` and the like. Several attune servers (or test runs)
share one Redis by prefix, as the cache and the channel layer do, so the queue's keys carry the
prefix too: ``PREFIX:huey.redis.attune``. Tasks are ordered by priority, as on SQLite.
"""

from __future__ import annotations

from typing import Any

from huey import Huey
from huey.storage import PriorityRedisStorage

# The attributes of Huey's Redis storage that hold key names (huey 3.5).
KEY_ATTRIBUTES = ("queue_key", "schedule_key", "result_key", "counter_key", "notify_prefix")


class PrefixedRedisStorage(PriorityRedisStorage):  # type: ignore[misc]  # huey ships no types
    def __init__(self, name: str = "huey", key_prefix: str = "attune", **kwargs: Any) -> None:
        super().__init__(name, **kwargs)
        for attribute in KEY_ATTRIBUTES:
            setattr(self, attribute, f"{key_prefix}:{getattr(self, attribute)}")


class RedisHuey(Huey):  # type: ignore[misc]  # huey ships no types
    storage_class = PrefixedRedisStorage
