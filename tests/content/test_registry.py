"""The content registry: edits are picked up without a restart, and broken edits never take over."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from attune.content import registry
from attune.content.practices import Library, collect_library, practice_files
from attune.content.registry import ContentCache

WritePractice = Callable[..., Path]


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cache(clock: FakeClock) -> ContentCache[Library]:
    return ContentCache(collect_library, practice_files, check_interval_s=1.0, clock=clock)


def edit(path: Path, old: str, new: str) -> None:
    """Change a file and move its modification time forward, as a later save would."""
    before = path.stat().st_mtime_ns
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    later = before + 2_000_000_000
    os.utime(path, ns=(later, later))


def test_it_serves_the_same_library_while_nothing_changes(
    cache: ContentCache[Library], clock: FakeClock, write_practice: WritePractice, tmp_path: Path
) -> None:
    write_practice()
    first = cache.get(tmp_path / "practices")
    clock.advance(5)
    assert cache.get(tmp_path / "practices") is first
    assert cache.last_errors(tmp_path / "practices") == ()


def test_it_picks_up_a_valid_edit_without_a_restart(
    cache: ContentCache[Library], clock: FakeClock, write_practice: WritePractice, tmp_path: Path
) -> None:
    path = write_practice()
    assert cache.get(tmp_path / "practices")["sample"].title == "A sample practice"
    edit(path, "title: A sample practice", "title: A gentler practice")
    clock.advance(1.5)
    assert cache.get(tmp_path / "practices")["sample"].title == "A gentler practice"


def test_it_looks_at_the_files_at_most_once_a_second(
    cache: ContentCache[Library], clock: FakeClock, write_practice: WritePractice, tmp_path: Path
) -> None:
    path = write_practice()
    cache.get(tmp_path / "practices")
    edit(path, "title: A sample practice", "title: A gentler practice")
    clock.advance(0.5)
    assert cache.get(tmp_path / "practices")["sample"].title == "A sample practice"
    clock.advance(0.6)
    assert cache.get(tmp_path / "practices")["sample"].title == "A gentler practice"


def test_it_picks_up_added_and_removed_files(
    cache: ContentCache[Library], clock: FakeClock, write_practice: WritePractice, tmp_path: Path
) -> None:
    write_practice("one")
    assert [p.slug for p in cache.get(tmp_path / "practices")] == ["one"]
    two = write_practice("two")
    clock.advance(2)
    assert sorted(p.slug for p in cache.get(tmp_path / "practices")) == ["one", "two"]
    two.unlink()
    clock.advance(2)
    assert [p.slug for p in cache.get(tmp_path / "practices")] == ["one"]


def test_it_keeps_serving_the_last_valid_library_after_a_broken_edit(
    cache: ContentCache[Library],
    clock: FakeClock,
    write_practice: WritePractice,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = write_practice()
    good = cache.get(tmp_path / "practices")
    edit(path, "condition: slowing-down", "condition: hurrying-up")
    clock.advance(2)
    with caplog.at_level(logging.WARNING, logger="attune.content"):
        served = cache.get(tmp_path / "practices")
    assert served is good
    errors = cache.last_errors(tmp_path / "practices")
    assert [(e.path.name, e.line) for e in errors] == [("sample.md", 4)]
    assert "unknown condition 'hurrying-up'" in errors[0].message
    logged = [r.getMessage() for r in caplog.records if r.name == "attune.content"]
    assert any("sample.md:4: unknown condition" in message for message in logged)
    assert any("still serving the last valid version" in message for message in logged)


def test_fixing_a_broken_edit_clears_the_errors_and_serves_the_fix(
    cache: ContentCache[Library], clock: FakeClock, write_practice: WritePractice, tmp_path: Path
) -> None:
    path = write_practice()
    cache.get(tmp_path / "practices")
    edit(path, "seconds: 50\n", "seconds: 2\n")
    clock.advance(2)
    cache.get(tmp_path / "practices")
    assert cache.last_errors(tmp_path / "practices")
    edit(path, "seconds: 2\n", "seconds: 55\n")
    clock.advance(2)
    assert cache.get(tmp_path / "practices")["sample"].steps[0].seconds == 55
    assert cache.last_errors(tmp_path / "practices") == ()


def test_a_cold_start_with_one_broken_file_serves_the_others(
    cache: ContentCache[Library], write_practice: WritePractice, tmp_path: Path
) -> None:
    write_practice("fine")
    write_practice("broken", {"with: [solo]": "with: [everyone]"})
    library = cache.get(tmp_path / "practices")
    assert [p.slug for p in library] == ["fine"]
    assert [(e.path.name, e.line) for e in cache.last_errors(tmp_path / "practices")] == [("broken.md", 7)]


def test_many_threads_asking_at_once_all_get_the_same_library(
    cache: ContentCache[Library], write_practice: WritePractice, tmp_path: Path
) -> None:
    for index in range(5):
        write_practice(f"practice-{index}")
    results: list[Library] = []
    lock = threading.Lock()

    def ask() -> None:
        library = cache.get(tmp_path / "practices")
        with lock:
            results.append(library)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8
    assert all(library is results[0] for library in results)
    assert len(results[0]) == 5


def test_the_process_wide_registry_reads_the_configured_content_folder(
    monkeypatch: pytest.MonkeyPatch, write_practice: WritePractice, tmp_path: Path
) -> None:
    write_practice("configured")
    monkeypatch.setenv("ATTUNE_CONTENT_DIR", str(tmp_path))
    registry.clear()
    try:
        assert [p.slug for p in registry.get_library()] == ["configured"]
        assert registry.last_errors() == ()
    finally:
        registry.clear()


def test_the_process_wide_registry_serves_the_built_in_library(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ATTUNE_CONTENT_DIR", raising=False)
    registry.clear()
    try:
        assert len(registry.get_library()) >= 15
        assert registry.last_errors() == ()
    finally:
        registry.clear()
