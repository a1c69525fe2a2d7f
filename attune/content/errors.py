"""Errors found in guide-written content, always with a file and a line.

The message is a :class:`~attune.words.Said`: English as it stands, and translatable by the web
layer (docs/translating.md, "Libraries without Django").
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from attune.words import Said


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file, at one line (1-based)."""

    path: Path
    line: int
    message: Said

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    """Raised when content cannot be loaded; carries every error found."""

    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
