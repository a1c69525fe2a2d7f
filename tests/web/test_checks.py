"""System checks that catch a misconfigured deployment (attune.E001, E002, W001, W002)."""

from __future__ import annotations

from typing import Any

from django.core.checks import run_checks
from django.test import override_settings

REDIS_LAYER = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://x"]}}}
REDIS_CACHE = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x"}}
MEMORY_LAYER = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _ids() -> set[str]:
    return {message.id for message in run_checks() if message.id and message.id.startswith("attune.")}


@override_settings(SERVER_PROCESSES=2, CHANNEL_LAYERS=MEMORY_LAYER, CACHES=REDIS_CACHE)
def test_an_in_memory_channel_layer_with_several_processes_is_an_error() -> None:
    errors = [m for m in run_checks() if m.id == "attune.E001"]
    assert len(errors) == 1
    assert errors[0].is_serious()
    assert "ATTUNE_REDIS_URL" in (errors[0].hint or "")


@override_settings(
    SERVER_PROCESSES=2,
    CHANNEL_LAYERS={"default": {"BACKEND": "attune.web.common.memory_layer.InMemoryChannelLayer"}},
    CACHES=REDIS_CACHE,
)
def test_attunes_own_in_memory_layer_with_several_processes_is_an_error_too() -> None:
    assert "attune.E001" in _ids()


@override_settings(SERVER_PROCESSES=2, CHANNEL_LAYERS=MEMORY_LAYER)
def test_a_per_process_cache_with_several_processes_is_an_error(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert "attune.E002" in _ids()


@override_settings(SERVER_PROCESSES=1, CHANNEL_LAYERS=MEMORY_LAYER)
def test_one_process_needs_no_redis(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert not {"attune.E001", "attune.E002", "attune.W001"} & _ids()


@override_settings(SERVER_PROCESSES=4, CHANNEL_LAYERS=REDIS_LAYER, CACHES=REDIS_CACHE)
def test_redis_makes_several_processes_fine_but_sqlite_earns_a_warning() -> None:
    from django.conf import settings

    ids = _ids()
    assert not {"attune.E001", "attune.E002"} & ids
    # The suite runs on SQLite and again on PostgreSQL: only SQLite behind several processes earns W001.
    on_sqlite = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
    assert ("attune.W001" in ids) is on_sqlite


@override_settings(ALLOWED_HOSTS=["*"], DEBUG=False)
def test_a_wildcard_host_earns_a_warning() -> None:
    assert "attune.W002" in _ids()


def test_printing_whole_emails_outside_development_earns_a_warning(settings: Any) -> None:
    settings.EMAIL_CONSOLE_SHOW_CONTENT = True
    settings.DEBUG = False
    assert "attune.W003" in _ids()
    settings.DEBUG = True
    assert "attune.W003" not in _ids()


def test_a_data_folder_others_can_read_earns_a_warning(settings: Any, tmp_path: Any) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    settings.DATA_DIR = folder
    assert "attune.W004" in _ids()
    folder.chmod(0o700)
    assert "attune.W004" not in _ids()
