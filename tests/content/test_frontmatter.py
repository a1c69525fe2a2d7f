"""Front matter: YAML that could make a few bytes cost minutes and gigabytes is refused before it is built."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from attune.content.errors import ContentInvalid
from attune.content.frontmatter import parse
from attune.content.practices import load_practice
from attune.content.workbooks import load_workbook_zip

WritePractice = Callable[..., Path]


def laughs(levels: int, width: int) -> str:
    """A "billion laughs": each level lists ``width`` aliases of the one below, ``width ** levels`` leaves in all."""
    lines = ["lol0: &lol0 lol"]
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*lol{level - 1}"] * width)
        lines.append(f"lol{level}: &lol{level} [{aliases}]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The YAML texts composed into nodes or constructed into values: the steps that would expand aliases."""
    texts: list[str] = []
    for name in ("compose", "compose_all", "load", "load_all", "safe_load", "safe_load_all"):
        original = getattr(yaml, name)

        def spy(stream: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            texts.append(str(stream))
            return _original(stream, *args, **kwargs)

        monkeypatch.setattr(yaml, name, spy)
    return texts


def refusal(text: str) -> list[str]:
    with pytest.raises(ContentInvalid) as caught:
        parse(text, Path("laughs.md"))
    return [str(e) for e in caught.value.errors]


def test_a_billion_laughs_is_refused_at_its_first_anchor_before_anything_is_built(built: list[str]) -> None:
    text = "---\ntitle: Laughs\n" + laughs(levels=9, width=10) + "---\nA body.\n"
    assert len(text) < 1000
    assert refusal(text) == [
        "laughs.md:3: the front matter sets a YAML anchor ('&lol0'); anchors and aliases are not allowed, "
        "so write each value out in full"
    ]
    assert built == []


def test_an_alias_is_refused_even_without_an_anchor_of_its_own(built: list[str]) -> None:
    assert refusal("---\ntitle: Hello\nsummary: *title\n---\n") == [
        "laughs.md:3: the front matter uses a YAML alias ('*title'); anchors and aliases are not allowed, "
        "so write each value out in full"
    ]
    assert built == []


@pytest.mark.parametrize(
    "yaml_text",
    [
        "base: &base {seconds: 10}\nsteps:\n  - <<: *base\n",
        "title: &t A title that is repeated\n",
        "steps:\n  - &step\n    title: Rest\n",
    ],
    ids=["a merge key", "an anchor that is never used", "an anchor on a mapping"],
)
def test_every_anchor_and_alias_is_refused(yaml_text: str) -> None:
    assert "anchors and aliases are not allowed" in refusal(f"---\n{yaml_text}---\n")[0]


def test_front_matter_nested_too_deeply_is_refused_rather_than_exhausting_the_stack(built: list[str]) -> None:
    assert refusal("---\ntitle: Deep\nsteps: " + "[" * 5000 + "]" * 5000 + "\n---\n") == [
        "laughs.md:3: the front matter nests more than 20 levels deep"
    ]
    assert built == []


def test_a_practice_with_an_alias_names_the_file_and_line(write_practice: WritePractice) -> None:
    path = write_practice(replace={"    seconds: 10\n": "    seconds: *ten\n"})
    with pytest.raises(ContentInvalid) as caught:
        load_practice(path)
    assert [str(e) for e in caught.value.errors] == [
        f"{path}:17: the front matter uses a YAML alias ('*ten'); anchors and aliases are not allowed, "
        "so write each value out in full"
    ]


def test_a_tiny_workbook_zip_of_seven_levels_of_ten_aliases_is_refused(built: list[str]) -> None:
    workbook = "---\nslug: laughs\ntitle: Laughs\n" + laughs(levels=7, width=10) + "---\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("workbook.md", workbook)
        archive.writestr("days/day-01.md", "---\nday: 1\n---\n")
    assert len(buffer.getvalue()) < 1000
    with pytest.raises(ContentInvalid) as caught:
        load_workbook_zip(buffer.getvalue(), max_unpacked_bytes=100_000, max_files=10, practice_slugs=frozenset())
    assert "workbook.md:4: the front matter sets a YAML anchor ('&lol0')" in str(caught.value)
    assert set(built) == {"day: 1"}  # only the day file was built
