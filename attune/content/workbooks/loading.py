"""Loading a workbook folder: every file validated, every problem named with its file and line.

The folder layout and the day items are described in :mod:`attune.content.workbooks`; the
same checks run on zip uploads (:mod:`attune.content.workbooks.archive`), which hand this module
the decoded files through :func:`assemble`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from attune.content.errors import ContentError, ContentInvalid
from attune.content.frontmatter import FENCE, Document, parse
from attune.content.practices import LANGUAGES, ORIGINAL_LANGUAGE
from attune.content.workbooks.model import Chapter, CheckinStep, Day, Item, PracticeStep, Prompt, Reading, Workbook
from attune.words import Said, _

#: Bounds on a day's ``minutes`` accepted by the loader. The built-in workbook keeps to 5..15.
MIN_MINUTES = 1
MAX_MINUTES = 60

#: A content folder keeps its workbooks here, one folder each; a workbook folder holds these.
WORKBOOKS_DIR = "workbooks"
WORKBOOK_FILE = "workbook.md"
DAYS_DIR = "days"

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_WORKBOOK_REQUIRED = ("slug", "title", "summary", "chapters")
_WORKBOOK_OPTIONAL = ("guide", "version")
_CHAPTER_KEYS = ("slug", "title", "summary")
_DAY_KEYS = ("day", "title", "chapter", "minutes", "items")
_ITEM_KINDS = ("reading", "prompt", "practice", "checkin")
_ITEM_EXTRA_KEYS: dict[str, tuple[str, ...]] = {"reading": (), "prompt": ("key",), "practice": ("note",), "checkin": ()}


class Errors:
    """Collects errors; files are named relative to ``root`` as the guide sees them."""

    def __init__(self) -> None:
        self.items: list[ContentError] = []

    def add(self, path: Path, line: int, message: Said) -> None:
        self.items.append(ContentError(path, line, message))

    def extend(self, errors: Iterable[ContentError]) -> None:
        self.items.extend(errors)

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[ContentError]:
        return sorted(self.items, key=lambda e: (str(e.path), e.line, e.message))


def _suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a choice is close to ``word``, else nothing; a sentence's ``%(hint)s``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return _(" (did you mean '%(word)s'?)", word=close[0]) if close else ""


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _front_matter_node(text: str) -> yaml.MappingNode | None:
    """Compose the front matter again to find the lines of nested nodes (call after ``parse`` succeeded)."""
    lines = text.splitlines()
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), len(lines))
    node: yaml.Node | None = yaml.compose("\n".join(lines[1:end]), Loader=yaml.SafeLoader)
    return node if isinstance(node, yaml.MappingNode) else None


def _child(node: yaml.MappingNode | None, key: str) -> yaml.Node | None:
    if node is None:
        return None
    for key_node, value_node in node.value:
        if key_node.value == key:
            found: yaml.Node = value_node
            return found
    return None


def _element_lines(node: yaml.Node | None, count: int, fallback: int) -> list[int]:
    """1-based file lines of a sequence's elements (``fallback`` where unknown)."""
    if isinstance(node, yaml.SequenceNode) and len(node.value) == count:
        return [element.start_mark.line + 2 for element in node.value]
    return [fallback] * count


def _duplicate_keys(node: yaml.MappingNode | None) -> list[tuple[str, int]]:
    seen: set[str] = set()
    duplicates: list[tuple[str, int]] = []
    for key_node, _value in node.value if node is not None else ():
        key = str(key_node.value)
        if key in seen:
            duplicates.append((key, key_node.start_mark.line + 2))
        seen.add(key)
    return duplicates


def _check_keys(
    doc: Document, node: yaml.MappingNode | None, required: Iterable[str], optional: Iterable[str], errors: Errors
) -> None:
    known = tuple(required) + tuple(optional)
    for key in required:
        if key not in doc.meta:
            errors.add(doc.path, 1, _("the front matter is missing '%(key)s'", key=key))
    for key in doc.meta:
        if key not in known:
            errors.add(
                doc.path,
                doc.line_of(str(key)),
                _(
                    "unknown field '%(key)s'%(hint)s; the fields here are %(fields)s",
                    key=key,
                    hint=_suggest(str(key), known),
                    fields=", ".join(known),
                ),
            )
    for key, line in _duplicate_keys(node):
        errors.add(doc.path, line, _("'%(key)s' appears twice in the front matter; keep one", key=key))


def _text_field(doc: Document, key: str, errors: Errors) -> str:
    value = doc.meta.get(key)
    if key not in doc.meta:
        return ""
    if not isinstance(value, str) or not value.strip():
        errors.add(doc.path, doc.line_of(key), _("'%(key)s' must be some text", key=key))
        return ""
    return value.strip()


def _parse(path: Path, text: str, errors: Errors) -> tuple[Document, yaml.MappingNode | None] | None:
    try:
        doc = parse(text, path)
    except ContentInvalid as exc:
        errors.extend(exc.errors)
        return None
    return doc, _front_matter_node(text)


def _load_chapters(doc: Document, node: yaml.MappingNode | None, errors: Errors) -> tuple[Chapter, ...]:
    raw = doc.meta.get("chapters")
    if "chapters" not in doc.meta:
        return ()
    if not isinstance(raw, list) or not raw:
        errors.add(
            doc.path, doc.line_of("chapters"), _("'chapters' must be a list of chapters, each with a slug and a title")
        )
        return ()
    lines = _element_lines(_child(node, "chapters"), len(raw), doc.line_of("chapters"))
    chapters: list[Chapter] = []
    seen: dict[str, int] = {}
    for entry, line in zip(raw, lines, strict=True):
        if not isinstance(entry, dict):
            errors.add(doc.path, line, _("each chapter needs 'slug:' and 'title:' lines"))
            continue
        problems = [_("unknown field '%(key)s' in a chapter", key=key) for key in entry if key not in _CHAPTER_KEYS]
        slug, title, summary = entry.get("slug"), entry.get("title"), entry.get("summary", "")
        if not isinstance(slug, str) or not _SLUG.match(slug):
            problems.append(_("a chapter's 'slug' must be lowercase words joined by hyphens, like 'slowing-down'"))
        if not isinstance(title, str) or not title.strip():
            problems.append(_("a chapter needs a 'title'"))
        if not isinstance(summary, str):
            problems.append(_("a chapter's 'summary' must be text"))
        for problem in problems:
            errors.add(doc.path, line, problem)
        if problems:
            continue
        assert isinstance(slug, str) and isinstance(title, str) and isinstance(summary, str)
        if slug in seen:
            errors.add(
                doc.path,
                line,
                _("chapter '%(slug)s' is listed twice (first on line %(first)d)", slug=slug, first=seen[slug]),
            )
            continue
        seen[slug] = line
        chapters.append(Chapter(slug=slug, title=title.strip(), summary=summary.strip()))
    return tuple(chapters)


@dataclass(frozen=True)
class _Head:
    """workbook.md loaded: the workbook still without its days, and where its chapters stand."""

    workbook: Workbook
    chapter_lines: dict[str, int]
    doc: Document


def _load_head(path: Path, text: str, errors: Errors) -> _Head | None:
    parsed = _parse(path, text, errors)
    if parsed is None:
        return None
    doc, node = parsed
    before = len(errors.items)
    _check_keys(doc, node, _WORKBOOK_REQUIRED, _WORKBOOK_OPTIONAL, errors)
    slug = doc.meta.get("slug")
    if "slug" in doc.meta and (not isinstance(slug, str) or not _SLUG.match(slug)):
        errors.add(
            doc.path, doc.line_of("slug"), _("'slug' must be lowercase words joined by hyphens, like 'coming-home'")
        )
    title = _text_field(doc, "title", errors)
    summary = _text_field(doc, "summary", errors)
    guide = _text_field(doc, "guide", errors) if "guide" in doc.meta else ""
    version = doc.meta.get("version", 1)
    if not _is_int(version) or version < 1:
        errors.add(doc.path, doc.line_of("version"), _("'version' must be a whole number, 1 or more"))
    chapters = _load_chapters(doc, node, errors)
    if len(errors.items) > before:
        return None
    lines = _element_lines(_child(node, "chapters"), len(chapters), doc.line_of("chapters"))
    workbook = Workbook(
        slug=str(slug),
        title=title,
        summary=summary,
        guide=guide,
        version=int(version),
        chapters=chapters,
        days=(),
        introduction=doc.body.strip(),
    )
    return _Head(workbook, {c.slug: line for c, line in zip(chapters, lines, strict=True)}, doc)


def _read_item(raw: object, practice_slugs: Set[str]) -> Item | Said:
    """The item ``raw`` describes, or the one sentence that says what is wrong with it."""
    if isinstance(raw, str):
        word = raw.strip()
        if word == "reading":
            return Reading(text="")  # filled with the body by the caller
        if word == "checkin":
            return CheckinStep()
        if word in ("prompt", "practice"):
            return _("'%(kind)s' needs a value, like '- %(kind)s: ...'", kind=word)
        return _(
            "unknown item '%(item)s'%(hint)s; items are %(kinds)s",
            item=word,
            hint=_suggest(word, _ITEM_KINDS),
            kinds=", ".join(_ITEM_KINDS),
        )
    if not isinstance(raw, dict):
        return _("each item is one of %(kinds)s", kinds=", ".join(_ITEM_KINDS))
    kinds = [key for key in raw if key in _ITEM_KINDS]
    if len(kinds) != 1:
        keys = ", ".join(str(k) for k in raw)
        if len(kinds) > 1:
            return _(
                "an item has exactly one of %(kinds)s; this one (%(keys)s) has both '%(first)s' and '%(second)s'",
                kinds=", ".join(_ITEM_KINDS),
                keys=keys,
                first=kinds[0],
                second=kinds[1],
            )
        hints = [hint for hint in (_suggest(str(k), _ITEM_KINDS) for k in raw) if hint]
        return _(
            "an item has exactly one of %(kinds)s; this one (%(keys)s) has none of them%(hint)s",
            kinds=", ".join(_ITEM_KINDS),
            keys=keys,
            hint=hints[0] if len(hints) == 1 else "".join(hints),
        )
    kind = kinds[0]
    extra = [key for key in raw if key != kind and key not in _ITEM_EXTRA_KEYS[kind]]
    if extra:
        takes = ", ".join(_ITEM_EXTRA_KEYS[kind])
        if takes:
            return _("a %(kind)s item cannot have '%(key)s' (it takes %(keys)s)", kind=kind, key=extra[0], keys=takes)
        return _("a %(kind)s item cannot have '%(key)s' (it takes nothing else)", kind=kind, key=extra[0])
    value = raw[kind]
    if not isinstance(value, str) or not value.strip():
        return _("the %(kind)s item needs some text after '%(kind)s:'", kind=kind)
    value = value.strip()
    if kind == "reading":
        return Reading(text=value)
    if kind == "checkin":
        return CheckinStep(text=value)
    if kind == "prompt":
        key = raw.get("key")
        if key is None:
            return _("a prompt needs a 'key' (lowercase words joined by hyphens) so journal answers keep it")
        if not isinstance(key, str) or not _SLUG.match(key):
            return _("a prompt's 'key' must be lowercase words joined by hyphens, like 'first-ease'")
        return Prompt(key=key, text=value)
    note = raw.get("note", "")
    if not isinstance(note, str):
        return _("a practice's 'note' must be text")
    if value not in practice_slugs:
        return _(
            "unknown practice '%(slug)s'%(hint)s; no practice has that slug",
            slug=value,
            hint=_suggest(value, practice_slugs),
        )
    return PracticeStep(slug=value, note=note.strip())


@dataclass(frozen=True)
class _DayFile:
    day: Day
    doc: Document
    prompt_lines: dict[str, int]


def _load_day(
    path: Path,
    text: str,
    chapters: Mapping[str, int] | None,
    practice_slugs: Set[str],
    errors: Errors,
    numbers: list[tuple[int, Path, int]] | None = None,
) -> _DayFile | None:
    """Load one day file; ``numbers`` collects ``(day, path, line)`` even when the file has other problems."""
    parsed = _parse(path, text, errors)
    if parsed is None:
        return None
    doc, node = parsed
    before = len(errors.items)
    _check_keys(doc, node, _DAY_KEYS, (), errors)
    number: Any = doc.meta.get("day")
    if "day" in doc.meta and (not _is_int(number) or number < 1):
        errors.add(doc.path, doc.line_of("day"), _("'day' must be a whole number, 1 or more"))
    elif "day" in doc.meta and numbers is not None:
        numbers.append((int(number), doc.path, doc.line_of("day")))
    title = _text_field(doc, "title", errors)
    chapter = doc.meta.get("chapter")
    if "chapter" in doc.meta:
        if not isinstance(chapter, str) or not chapter.strip():
            errors.add(doc.path, doc.line_of("chapter"), _("'chapter' must be the slug of a chapter in workbook.md"))
        elif chapters is not None and chapter not in chapters:
            errors.add(
                doc.path,
                doc.line_of("chapter"),
                _(
                    "unknown chapter '%(chapter)s'%(hint)s; chapters are listed in workbook.md",
                    chapter=chapter,
                    hint=_suggest(chapter, chapters),
                ),
            )
    minutes: Any = doc.meta.get("minutes")
    if "minutes" in doc.meta and (not _is_int(minutes) or not MIN_MINUTES <= minutes <= MAX_MINUTES):
        errors.add(
            doc.path,
            doc.line_of("minutes"),
            _("'minutes' must be a whole number from %(low)d to %(high)d", low=MIN_MINUTES, high=MAX_MINUTES),
        )
    items: list[Item] = []
    prompt_lines: dict[str, int] = {}
    raw_items = doc.meta.get("items")
    body = doc.body.strip()
    if "items" in doc.meta:
        if not isinstance(raw_items, list) or not raw_items:
            errors.add(
                doc.path, doc.line_of("items"), _("'items' must be a list, like '- reading' or '- practice: slow-walk'")
            )
        else:
            lines = _element_lines(_child(node, "items"), len(raw_items), doc.line_of("items"))
            body_used_on: int | None = None
            for raw, line in zip(raw_items, lines, strict=True):
                item = _read_item(raw, practice_slugs)
                if isinstance(item, Said):
                    errors.add(doc.path, line, item)
                    continue
                if isinstance(item, Reading) and not item.text:
                    if body_used_on is not None:
                        errors.add(
                            doc.path,
                            line,
                            _("the body is already shown by '- reading' on line %(line)d", line=body_used_on),
                        )
                        continue
                    body_used_on = line
                    if not body:
                        errors.add(
                            doc.path, line, _("'- reading' shows the text below the front matter, but there is none")
                        )
                        continue
                    item = Reading(text=body)
                if isinstance(item, Prompt):
                    if item.key in prompt_lines:
                        errors.add(
                            doc.path, line, _("the prompt key '%(key)s' is used twice in this day", key=item.key)
                        )
                        continue
                    prompt_lines[item.key] = line
                items.append(item)
            if body and body_used_on is None:
                errors.add(
                    doc.path,
                    doc.body_line,
                    _("there is text below the front matter but no '- reading' item to show it"),
                )
    if len(errors.items) > before:
        return None
    day = Day(number=int(number), title=title, chapter=str(chapter), minutes=int(minutes), items=tuple(items))
    return _DayFile(day=day, doc=doc, prompt_lines=prompt_lines)


def assemble(
    root: Path, files: Mapping[PurePosixPath, str], practice_slugs: Set[str], errors: Errors
) -> Workbook | None:
    """Build a workbook from ``files`` (paths relative to the workbook folder); errors name ``root / path``."""
    unreadable = bool(errors)  # a file that could not be decoded leaves a hole: skip the cross-file checks
    head_text = files.get(PurePosixPath(WORKBOOK_FILE))
    head: _Head | None = None
    if head_text is None:
        errors.add(
            root / WORKBOOK_FILE, 1, _("a workbook needs a '%(file)s' file at its top level", file=WORKBOOK_FILE)
        )
    else:
        head = _load_head(root / WORKBOOK_FILE, head_text, errors)
    chapter_lines = head.chapter_lines if head is not None else None
    day_paths = sorted(p for p in files if len(p.parts) == 2 and p.parts[0] == DAYS_DIR and p.suffix == ".md")
    if not day_paths:
        errors.add(
            root / WORKBOOK_FILE,
            1,
            _("the workbook has no days: add files like '%(folder)s/day-01.md'", folder=DAYS_DIR),
        )
    numbers: list[tuple[int, Path, int]] = []
    loaded = [_load_day(root / p, files[p], chapter_lines, practice_slugs, errors, numbers) for p in day_paths]
    day_files = [d for d in loaded if d is not None]
    if unreadable or head is None or len(day_files) != len(day_paths) or not day_files:
        # The other cross-file checks need every file; a repeated day number can still be named.
        first_home: dict[int, Path] = {}
        for number, path, line in numbers:
            if number in first_home:
                errors.add(path, line, _twice(number, first_home[number].name))
            else:
                first_home[number] = path
        return None

    by_number: dict[int, _DayFile] = {}
    for df in day_files:
        first = by_number.get(df.day.number)
        if first is not None:
            errors.add(
                df.doc.path,
                df.doc.line_of("day"),
                _twice(df.day.number, first.doc.path.name),
            )
            continue
        by_number[df.day.number] = df
    ordered = [by_number[n] for n in sorted(by_number)]
    expected = 1
    for df in ordered:
        if df.day.number != expected:
            if df.day.number == expected + 1:
                gap = _("there is no day %(day)d; days are numbered 1, 2, 3 and so on without gaps", day=expected)
            else:
                gap = _(
                    "there is no days %(first)d to %(last)d; days are numbered 1, 2, 3 and so on without gaps",
                    first=expected,
                    last=df.day.number - 1,
                )
            errors.add(df.doc.path, df.doc.line_of("day"), gap)
        expected = df.day.number + 1

    position = {c.slug: i for i, c in enumerate(head.workbook.chapters)}
    previous: _DayFile | None = None
    for df in ordered:
        if previous is not None and position[df.day.chapter] < position[previous.day.chapter]:
            errors.add(
                df.doc.path,
                df.doc.line_of("chapter"),
                _(
                    "day %(day)d is in chapter '%(chapter)s', which comes before day %(previous)d's chapter "
                    "'%(previous_chapter)s'; keep chapters in the order of workbook.md",
                    day=df.day.number,
                    chapter=df.day.chapter,
                    previous=previous.day.number,
                    previous_chapter=previous.day.chapter,
                ),
            )
        previous = df
    used = {df.day.chapter for df in day_files}
    for chapter in head.workbook.chapters:
        if chapter.slug not in used:
            errors.add(
                head.doc.path, head.chapter_lines[chapter.slug], _("chapter '%(slug)s' has no days", slug=chapter.slug)
            )

    prompt_homes: dict[str, tuple[Path, int]] = {}
    for df in ordered:
        for key, line in df.prompt_lines.items():
            if key in prompt_homes:
                first_path, first_line = prompt_homes[key]
                errors.add(
                    df.doc.path,
                    line,
                    _(
                        "the prompt key '%(key)s' is already used in %(file)s (line %(line)d)",
                        key=key,
                        file=first_path.name,
                        line=first_line,
                    ),
                )
            else:
                prompt_homes[key] = (df.doc.path, line)

    if errors:
        return None
    originals = {df.day.number: df.day for df in ordered}
    translations = _load_translations(root, files, chapter_lines, practice_slugs, originals, errors)
    if errors:
        return None
    return replace(head.workbook, days=tuple(df.day for df in ordered), translations=translations)


def _twice(number: int, first: str) -> Said:
    return _("day %(day)d is already in %(file)s; each day number is used once", day=number, file=first)


_LANGUAGE_FOLDER = re.compile(r"^[a-z]{2}(?:-[a-z]{2,4})?$")


def is_translation_path(path: PurePosixPath) -> bool:
    """``days/<language>/<file>.md``: a day written again in another language.

    Only folders named like a language code (``de``, ``pt-br``) count; others (``days/old/``) are
    left alone, as they always were.
    """
    return (
        len(path.parts) == 3
        and path.parts[0] == DAYS_DIR
        and _LANGUAGE_FOLDER.match(path.parts[1]) is not None
        and path.suffix == ".md"
    )


def workbook_files(folder: Path) -> list[Path]:
    """The files of the workbook in ``folder`` that the loader reads, in order: ``workbook.md``,
    the days, then the translated days in their language folders."""
    days = folder / DAYS_DIR
    translated = (
        p for p in days.glob("*/*.md") if is_translation_path(PurePosixPath(p.relative_to(folder).as_posix()))
    )
    return [folder / WORKBOOK_FILE, *sorted(days.glob("*.md")), *sorted(translated)]


def _load_translations(
    root: Path,
    files: Mapping[PurePosixPath, str],
    chapter_lines: Mapping[str, int] | None,
    practice_slugs: Set[str],
    originals: Mapping[int, Day],
    errors: Errors,
) -> tuple[tuple[str, tuple[Day, ...]], ...]:
    """The translated days under ``days/<language>/``, each held to its original's shape."""
    by_language: dict[str, dict[int, Day]] = {}
    others = ", ".join(code for code in LANGUAGES if code != ORIGINAL_LANGUAGE)
    for relative in sorted(p for p in files if is_translation_path(p)):
        path, code = root / relative, relative.parts[1]
        if code not in LANGUAGES or code == ORIGINAL_LANGUAGE:
            errors.add(
                path,
                1,
                _(
                    "'%(code)s' is not a language a day can be translated into; the folders are: %(codes)s",
                    code=code,
                    codes=others,
                ),
            )
            continue
        loaded = _load_day(path, files[relative], chapter_lines, practice_slugs, errors)
        if loaded is None:
            continue
        day, doc = loaded.day, loaded.doc
        original = originals.get(day.number)
        if original is None:
            errors.add(
                path, doc.line_of("day"), _("there is no day %(day)d in English for this to translate", day=day.number)
            )
            continue
        if day.number in by_language.get(code, {}):
            errors.add(
                path,
                doc.line_of("day"),
                _("day %(day)d is translated into %(language)s twice", day=day.number, language=LANGUAGES[code]),
            )
            continue
        for field, mine, theirs in (
            ("chapter", day.chapter, original.chapter),
            ("minutes", day.minutes, original.minutes),
            ("items", _shape(day), _shape(original)),
        ):
            if mine != theirs:
                errors.add(
                    path,
                    doc.line_of(field),
                    _(
                        "'%(field)s' differs from day %(day)d in English (%(original)s); "
                        "a translation changes only the words",
                        field=field,
                        day=day.number,
                        original=_describe(theirs),
                    ),
                )
        by_language.setdefault(code, {})[day.number] = day
    return tuple((code, tuple(days[n] for n in sorted(days))) for code, days in sorted(by_language.items()))


def _shape(day: Day) -> tuple[str, ...]:
    """What a translation must keep of a day's items: their kinds, practices and prompt keys, in order."""
    return tuple(
        f"practice: {item.slug}"
        if isinstance(item, PracticeStep)
        else f"prompt {item.key}"
        if isinstance(item, Prompt)
        else item.kind
        for item in day.items
    )


def _describe(value: object) -> str:
    return ", ".join(value) if isinstance(value, tuple) else str(value)


def decode(path: Path, data: bytes, errors: Errors) -> str | None:
    """The text of a workbook file, or None with the error added: not UTF-8, or holding a NUL.

    A published workbook keeps its files' text in the database, and PostgreSQL text cannot hold NUL.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        errors.add(path, line, _("the file is not UTF-8 text; save it as UTF-8 and try again"))
        return None
    nul = text.find("\x00")
    if nul != -1:
        line = text.count("\n", 0, nul) + 1
        errors.add(path, line, _("the file holds a NUL character, which cannot be stored; remove it and try again"))
        return None
    return text


def load_workbook(folder: Path, practice_slugs: Set[str]) -> Workbook:
    """Load and validate the workbook in ``folder``.

    Parameters
    ----------
    folder
        The workbook's folder, holding ``workbook.md`` and ``days/*.md``. Other files are ignored.
    practice_slugs
        Slugs of the practices that exist; a day naming any other practice is an error.

    Raises
    ------
    ContentInvalid
        Carrying every problem found (missing or unknown fields, broken front matter, an unknown
        practice or chapter, a duplicate or missing day number, ...), each with a file and line.
    """
    folder = Path(folder)
    errors = Errors()
    files: dict[PurePosixPath, str] = {}
    for path in workbook_files(folder):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            errors.add(path, 1, _("the file cannot be read: %(reason)s", reason=exc.strerror))
            continue
        text = decode(path, data, errors)
        if text is not None:
            files[PurePosixPath(path.relative_to(folder).as_posix())] = text
    workbook = assemble(folder, files, practice_slugs, errors)
    if workbook is None or errors:
        raise ContentInvalid(errors.sorted())
    return workbook


def load_workbooks(content_dir: Path, practice_slugs: Set[str]) -> tuple[Workbook, ...]:
    """Load every workbook under ``content_dir / "workbooks"``, sorted by slug.

    Raises
    ------
    ContentInvalid
        With every error :func:`check_workbooks` reports.
    """
    workbooks, errors = _load_all(Path(content_dir), practice_slugs)
    if errors:
        raise ContentInvalid(errors)
    return workbooks


def check_workbooks(content_dir: Path, practice_slugs: Set[str]) -> list[ContentError]:
    """Every problem in the workbooks under ``content_dir / "workbooks"`` (empty when all is well).

    Each folder there is one workbook; its ``slug`` must match the folder's name.
    """
    return _load_all(Path(content_dir), practice_slugs)[1]


def check_workbook(folder: Path, practice_slugs: Set[str], *, match_folder_name: bool = False) -> list[ContentError]:
    """Every problem in the workbook in ``folder`` (empty when all is well).

    With ``match_folder_name``, its ``slug`` must also be the folder's name, as it must for the
    folders of a content folder's ``workbooks/``.
    """
    try:
        _load_folder(Path(folder), practice_slugs, match_folder_name=match_folder_name)
    except ContentInvalid as exc:
        return list(exc.errors)
    return []


def workbook_folders(base: Path) -> list[Path]:
    """The workbook folders in ``base`` (a ``workbooks/`` folder) by name, without drafts (``_name``) or hidden ones."""
    if not base.is_dir():
        return []
    return sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def _load_folder(folder: Path, practice_slugs: Set[str], *, match_folder_name: bool) -> Workbook:
    workbook = load_workbook(folder, practice_slugs)
    if match_folder_name and workbook.slug != folder.name:
        path = folder / WORKBOOK_FILE
        line = parse(path.read_text(encoding="utf-8-sig"), path).line_of("slug")
        raise ContentInvalid(
            [
                ContentError(
                    path,
                    line,
                    _(
                        "the slug '%(slug)s' must match the folder name '%(folder)s'",
                        slug=workbook.slug,
                        folder=folder.name,
                    ),
                )
            ]
        )
    return workbook


def _load_all(content_dir: Path, practice_slugs: Set[str]) -> tuple[tuple[Workbook, ...], list[ContentError]]:
    workbooks: list[Workbook] = []
    errors: list[ContentError] = []
    for folder in workbook_folders(content_dir / WORKBOOKS_DIR):
        try:
            workbooks.append(_load_folder(folder, practice_slugs, match_folder_name=True))
        except ContentInvalid as exc:
            errors.extend(exc.errors)
    return tuple(workbooks), errors
