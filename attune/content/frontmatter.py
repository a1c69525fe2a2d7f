"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Front matter sits between two lines of ``---`` at the very top of the file. Values are
parsed with PyYAML's safe loader; every top-level key also gets the 1-based line it
stands on, so validators can point at the exact line of a bad field.

Anchors and aliases are refused, and so is nesting deeper than :data:`MAX_DEPTH`, by reading
the YAML's events before anything is built from them. An alias lets a few hundred bytes stand
for billions of values (the "billion laughs"): walking them took minutes and gigabytes. Deep
nesting would exhaust the stack of PyYAML's recursive composer. Content never needs either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from attune.content.errors import ContentError, ContentInvalid
from attune.words import Said, _

FENCE = "---"
#: How deeply front matter may nest lists and mappings; the built-in content needs three levels.
MAX_DEPTH = 20


@dataclass(frozen=True)
class Document:
    """A parsed content file."""

    path: Path
    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line on which the body starts
    key_lines: dict[str, int] = field(default_factory=dict)
    # 1-based line of every nested value, keyed by its path: ("steps", 2, "seconds").
    value_lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        """The line a front-matter key stands on (the fence line if the key is missing)."""
        return self.key_lines.get(key, 1)

    def line_at(self, *keys: str | int) -> int:
        """The line of a nested value, e.g. ``line_at("steps", 2, "seconds")``.

        Falls back to the nearest enclosing value that exists, then to the fence line.
        """
        for end in range(len(keys), 0, -1):
            line = self.value_lines.get(tuple(keys[:end]))
            if line is not None:
                return line
        return 1


def parse(text: str, path: Path) -> Document:
    """Parse ``text`` (the content of ``path``) into a :class:`Document`.

    Raises
    ------
    ContentInvalid
        With file and line, when the fences are missing, the YAML is broken or not a mapping,
        or it uses an anchor or alias or nests more than :data:`MAX_DEPTH` levels deep.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise ContentInvalid(
            [ContentError(path, 1, _("the file must start with a '---' line opening the front matter"))]
        )
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == FENCE), None)
    if end is None:
        raise ContentInvalid([ContentError(path, 1, _("the front matter is never closed: add a '---' line after it"))])
    yaml_text = "\n".join(lines[1:end])
    try:
        _refuse_expansion(yaml_text, path)
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
        meta = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 2) if mark is not None else 2
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentInvalid(
            [ContentError(path, line, _("the front matter is not valid YAML: %(problem)s", problem=problem))]
        ) from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentInvalid([ContentError(path, 2, _("the front matter must be a set of 'key: value' lines"))])
    key_lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _value in node.value:
            key_lines[str(key_node.value)] = key_node.start_mark.line + 2
    value_lines: dict[tuple[str | int, ...], int] = {}
    if node is not None:
        _collect_lines(node, (), value_lines)
    body = "\n".join(lines[end + 1 :])
    return Document(path=path, meta=meta, body=body, body_line=end + 2, key_lines=key_lines, value_lines=value_lines)


def _refuse_expansion(yaml_text: str, path: Path) -> None:
    """Raise ContentInvalid at the first anchor, alias or too-deep nesting, reading events only."""
    depth = 0
    for event in yaml.parse(yaml_text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 2 if event.start_mark is not None else 2
        if isinstance(event, yaml.AliasEvent):
            problem: Said = _(
                "the front matter uses a YAML alias ('*%(anchor)s'); anchors and aliases are not allowed, "
                "so write each value out in full",
                anchor=event.anchor,
            )
        elif isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            problem = _(
                "the front matter sets a YAML anchor ('&%(anchor)s'); anchors and aliases are not allowed, "
                "so write each value out in full",
                anchor=event.anchor,
            )
        else:
            depth += isinstance(event, yaml.CollectionStartEvent) - isinstance(event, yaml.CollectionEndEvent)
            if depth <= MAX_DEPTH:
                continue
            problem = _("the front matter nests more than %(depth)d levels deep", depth=MAX_DEPTH)
        raise ContentInvalid([ContentError(path, line, problem)])


def _collect_lines(node: yaml.Node, prefix: tuple[str | int, ...], out: dict[tuple[str | int, ...], int]) -> None:
    """Record the 1-based file line of every mapping key and sequence item under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            path = (*prefix, str(key_node.value))
            out.setdefault(path, key_node.start_mark.line + 2)
            _collect_lines(value_node, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = (*prefix, index)
            out.setdefault(path, item.start_mark.line + 2)
            _collect_lines(item, path, out)


def parse_file(path: Path) -> Document:
    """Read ``path`` as UTF-8 and parse it; unreadable files become a ContentInvalid."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ContentInvalid([ContentError(path, 1, _("the file is not UTF-8 text"))]) from exc
    except OSError as exc:
        raise ContentInvalid(
            [ContentError(path, 1, _("the file cannot be read: %(reason)s", reason=exc.strerror))]
        ) from exc
    return parse(text, path)
