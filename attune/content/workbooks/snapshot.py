"""Snapshots: a workbook as JSON-ready data and back, and a digest of its content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from attune.content.workbooks.model import Chapter, CheckinStep, Day, Item, PracticeStep, Prompt, Reading, Workbook

#: Version of the serialized snapshot produced by :func:`serialize_workbook`.
FORMAT_VERSION = 1


def _item_to_dict(item: Item) -> dict[str, str]:
    if isinstance(item, Reading):
        return {"kind": "reading", "text": item.text}
    if isinstance(item, Prompt):
        return {"kind": "prompt", "key": item.key, "text": item.text}
    if isinstance(item, PracticeStep):
        return {"kind": "practice", "slug": item.slug, "note": item.note}
    return {"kind": "checkin", "text": item.text}


def _day_to_dict(d: Day) -> dict[str, Any]:
    return {
        "number": d.number,
        "title": d.title,
        "chapter": d.chapter,
        "minutes": d.minutes,
        "items": [_item_to_dict(item) for item in d.items],
    }


def serialize_workbook(workbook: Workbook) -> dict[str, Any]:
    """A JSON-ready snapshot of ``workbook``, for keeping each published version.

    :func:`workbook_from_dict` turns it back into an equal :class:`Workbook`. Translations appear
    only when there are some, so a workbook without any keeps the digest it always had.
    """
    snapshot = {
        "format": FORMAT_VERSION,
        "slug": workbook.slug,
        "title": workbook.title,
        "summary": workbook.summary,
        "guide": workbook.guide,
        "version": workbook.version,
        "introduction": workbook.introduction,
        "chapters": [{"slug": c.slug, "title": c.title, "summary": c.summary} for c in workbook.chapters],
        "days": [_day_to_dict(d) for d in workbook.days],
    }
    if workbook.translations:
        snapshot["translations"] = {code: [_day_to_dict(d) for d in days] for code, days in workbook.translations}
    return snapshot


def _get(data: Mapping[str, Any], key: str, kind: type[Any], where: str) -> Any:
    value = data.get(key) if isinstance(data, Mapping) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"workbook snapshot: {where} needs '{key}' as {kind.__name__}")
    return value


def _item_from_dict(data: Mapping[str, Any], where: str) -> Item:
    kind = _get(data, "kind", str, where)
    if kind == "reading":
        return Reading(text=_get(data, "text", str, where))
    if kind == "prompt":
        return Prompt(key=_get(data, "key", str, where), text=_get(data, "text", str, where))
    if kind == "practice":
        return PracticeStep(slug=_get(data, "slug", str, where), note=_get(data, "note", str, where))
    if kind == "checkin":
        return CheckinStep(text=_get(data, "text", str, where))
    raise ValueError(f"workbook snapshot: {where} has an unknown item kind {kind!r}")


def workbook_from_dict(data: Mapping[str, Any]) -> Workbook:
    """Rebuild a :class:`Workbook` from :func:`serialize_workbook`'s snapshot.

    Raises
    ------
    ValueError
        If the snapshot is of an unknown format or a field is missing or of the wrong type.
    """
    fmt = _get(data, "format", int, "the snapshot")
    if fmt != FORMAT_VERSION:
        raise ValueError(f"workbook snapshot: format {fmt} is not supported (expected {FORMAT_VERSION})")
    chapters = tuple(
        Chapter(
            slug=_get(c, "slug", str, f"chapter {i + 1}"),
            title=_get(c, "title", str, f"chapter {i + 1}"),
            summary=_get(c, "summary", str, f"chapter {i + 1}"),
        )
        for i, c in enumerate(_get(data, "chapters", list, "the snapshot"))
    )
    days = _days_from_list(_get(data, "days", list, "the snapshot"), "day entry")
    raw_translations = data.get("translations", {})
    if not isinstance(raw_translations, Mapping):
        raise ValueError("workbook snapshot: 'translations' must map a language to its days")
    translations = tuple(
        (str(code), _days_from_list(_get(raw_translations, code, list, "translations"), f"{code} day entry"))
        for code in sorted(raw_translations)
    )
    return Workbook(
        slug=_get(data, "slug", str, "the snapshot"),
        title=_get(data, "title", str, "the snapshot"),
        summary=_get(data, "summary", str, "the snapshot"),
        guide=_get(data, "guide", str, "the snapshot"),
        version=_get(data, "version", int, "the snapshot"),
        chapters=chapters,
        days=days,
        introduction=_get(data, "introduction", str, "the snapshot"),
        translations=translations,
    )


def _days_from_list(entries: list[Any], label: str) -> tuple[Day, ...]:
    return tuple(
        Day(
            number=_get(d, "number", int, f"{label} {i + 1}"),
            title=_get(d, "title", str, f"{label} {i + 1}"),
            chapter=_get(d, "chapter", str, f"{label} {i + 1}"),
            minutes=_get(d, "minutes", int, f"{label} {i + 1}"),
            items=tuple(
                _item_from_dict(item, f"{label} {i + 1}") for item in _get(d, "items", list, f"{label} {i + 1}")
            ),
        )
        for i, d in enumerate(entries)
    )


def workbook_digest(workbook: Workbook) -> str:
    """A SHA-256 hex digest of the workbook's content, ignoring ``version``.

    Lets the web layer notice that an upload is identical to the version already published.
    """
    snapshot = serialize_workbook(workbook)
    snapshot.pop("version")
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
