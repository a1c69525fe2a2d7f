"""Writing a day file from fields: the guide's form produces the same text a guide would type.

The form in the browser is a way of writing the file, not a second format: what it saves is a
day file that the loader (:mod:`attune.content.workbooks.loading`) checks like any other. Each
field's line is kept, so the loader's errors (which name a file and a line) can be shown next to
the field they concern.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from attune.content.errors import ContentError, ContentInvalid
from attune.content.frontmatter import FENCE, parse
from attune.words import _

#: The kinds of item, in the order the form offers them.
ITEM_KINDS = ("reading", "practice", "prompt", "checkin")


@dataclass
class ItemFields:
    """One item as the form holds it. ``text`` is a reading's own passage (empty: the day's
    reading), a prompt's question or a check-in's invitation (empty: the usual words)."""

    kind: str
    text: str = ""
    key: str = ""
    practice: str = ""
    note: str = ""


@dataclass
class DayFields:
    """A day file's fields. ``minutes`` and ``number`` stay as typed when they are not numbers,
    so the loader can name the problem."""

    number: Any
    title: str
    chapter: str
    minutes: Any
    body: str
    items: list[ItemFields] = field(default_factory=list)


@dataclass(frozen=True)
class Written:
    """A file's text, and the line each field starts on: ``"title"``, ``("item", 2)``, ``"body"``."""

    text: str
    lines: dict[Any, int]

    def field_at(self, line: int) -> Any:
        """The field whose lines hold ``line`` (the last one starting at or before it), else None."""
        best: tuple[int, Any] | None = None
        for name, start in self.lines.items():
            if start <= line and (best is None or start > best[0]):
                best = (start, name)
        return best[1] if best is not None else None


class _Dumper(yaml.SafeDumper):
    """Lists indented under their key, and text with line breaks as a ``|-`` block."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _dump(value: Any) -> list[str]:
    text = yaml.dump(value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)
    return text.rstrip("\n").split("\n")


def _item_value(item: ItemFields) -> Any:
    text = item.text.strip().replace("\r\n", "\n")
    if item.kind == "reading":
        return {"reading": text} if text else "reading"
    if item.kind == "checkin":
        return {"checkin": text} if text else "checkin"
    if item.kind == "practice":
        value: dict[str, str] = {"practice": item.practice.strip()}
        if item.note.strip():
            value["note"] = item.note.strip().replace("\r\n", "\n")
        return value
    return {"prompt": text, "key": item.key.strip()}


def _number(value: Any) -> Any:
    text = str(value).strip()
    return int(text) if text.isdigit() else text


def _write(values: list[tuple[str, Any]], listed: tuple[str, str], entries: list[Any], body: str) -> Written:
    """Front matter of ``values``, then the list ``listed[0]`` of ``entries``, then ``body``.

    Each entry's line is kept under ``(listed[1], index)``: ``("item", 2)``, ``("chapter", 0)``.
    """
    lines = [FENCE]
    where: dict[Any, int] = {}
    for key, value in values:
        where[key] = len(lines) + 1
        lines += _dump({key: value})
    list_key, entry_name = listed
    where[list_key] = len(lines) + 1
    lines.append(f"{list_key}:")
    for index, entry in enumerate(entries):
        where[(entry_name, index)] = len(lines) + 1
        lines += ["  " + line for line in _dump([entry])]
    lines.append(FENCE)
    where["body"] = len(lines) + 1
    text = body.replace("\r\n", "\n").strip()
    return Written("\n".join(lines) + "\n" + (text + "\n" if text else ""), where)


def write_day(fields: DayFields) -> Written:
    """The day file for ``fields``, in the layout docs/workbooks.md shows."""
    values = [
        ("day", _number(fields.number)),
        ("title", fields.title.strip()),
        ("chapter", fields.chapter.strip()),
        ("minutes", _number(fields.minutes)),
    ]
    return _write(values, ("items", "item"), [_item_value(item) for item in fields.items], fields.body)


def read_day(text: str, path: Path) -> DayFields:
    """The fields of a day file, for filling the form.

    Raises
    ------
    ContentInvalid
        When the front matter cannot be read, or holds something the form cannot show (then the
        guide edits the file itself).
    """
    doc = parse(text, path)
    meta = doc.meta
    items: list[ItemFields] = []
    raw_items = meta.get("items")
    if not isinstance(raw_items, list):
        raw_items = []
    for raw in raw_items:
        if isinstance(raw, str) and raw.strip() in ("reading", "checkin"):
            items.append(ItemFields(kind=raw.strip()))
        elif isinstance(raw, dict):
            kind = next((k for k in ITEM_KINDS if k in raw), None)
            value = raw.get(kind) if kind else None
            if kind is None or not isinstance(value, str):
                raise _unreadable(path)
            if kind == "practice":
                items.append(ItemFields(kind=kind, practice=value, note=str(raw.get("note") or "")))
            else:
                items.append(ItemFields(kind=kind, text=value, key=str(raw.get("key") or "")))
        else:
            raise _unreadable(path)
    return DayFields(
        number=meta.get("day", ""),
        title=str(meta.get("title") or ""),
        chapter=str(meta.get("chapter") or ""),
        minutes=meta.get("minutes", ""),
        body=doc.body.strip(),
        items=items,
    )


def _unreadable(path: Path, *, head: bool = False) -> ContentInvalid:
    if head:
        message = _("the front matter is written in a way the form cannot show; edit the file")
    else:
        message = _("an item is written in a way the form cannot show; edit the file")
    return ContentInvalid([ContentError(path, 1, message)])


@dataclass
class ChapterFields:
    slug: str = ""
    title: str = ""
    summary: str = ""


@dataclass
class HeadFields:
    """``workbook.md``'s fields. ``kept`` holds the ones the form does not show (``slug``,
    ``guide``, ``version``), written back as they were."""

    title: str
    summary: str
    introduction: str
    chapters: list[ChapterFields] = field(default_factory=list)
    kept: dict[str, Any] = field(default_factory=dict)


_KEPT = ("slug", "guide", "version")


def write_head(fields: HeadFields) -> Written:
    """``workbook.md`` for ``fields``, in the layout docs/workbooks.md shows."""
    values: list[tuple[str, Any]] = [("slug", fields.kept.get("slug", ""))]
    values += [("title", fields.title.strip()), ("summary", fields.summary.strip().replace("\r\n", "\n"))]
    values += [(key, fields.kept[key]) for key in ("guide", "version") if key in fields.kept]
    return _write(values, ("chapters", "chapter"), [_chapter_value(c) for c in fields.chapters], fields.introduction)


def _chapter_value(chapter: ChapterFields) -> dict[str, str]:
    value = {"slug": chapter.slug.strip(), "title": chapter.title.strip()}
    if chapter.summary.strip():
        value["summary"] = chapter.summary.strip().replace("\r\n", "\n")
    return value


def read_head(text: str, path: Path) -> HeadFields:
    """The fields of ``workbook.md``, for filling the form.

    Raises
    ------
    ContentInvalid
        When the front matter cannot be read or holds something the form cannot show.
    """
    doc = parse(text, path)
    meta = doc.meta
    unknown = [key for key in meta if key not in (*_KEPT, "title", "summary", "chapters")]
    raw = meta.get("chapters")
    if unknown or not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        raise _unreadable(path, head=True)
    chapters = [
        ChapterFields(
            slug=str(c.get("slug") or ""), title=str(c.get("title") or ""), summary=str(c.get("summary") or "")
        )
        for c in raw
    ]
    return HeadFields(
        title=str(meta.get("title") or ""),
        summary=str(meta.get("summary") or ""),
        introduction=doc.body.strip(),
        chapters=chapters,
        kept={key: meta[key] for key in _KEPT if key in meta},
    )
