"""The workbook model: frozen dataclasses for a workbook, its chapters, days and items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, TypeAlias

#: What a bare ``- checkin`` item invites.
DEFAULT_CHECKIN_TEXT = "Take a moment to check in: how is your body right now?"


@dataclass(frozen=True)
class Chapter:
    """A named stretch of days, such as "Slowing down"."""

    slug: str
    title: str
    summary: str = ""


@dataclass(frozen=True)
class Reading:
    """A short piece of Markdown to read."""

    text: str
    kind: ClassVar[str] = "reading"


@dataclass(frozen=True)
class Prompt:
    """A reflective question, answered in the member's private journal under ``key``."""

    key: str
    text: str
    kind: ClassVar[str] = "prompt"


@dataclass(frozen=True)
class PracticeStep:
    """A practice from the library, by slug, with an optional note from the guide."""

    slug: str
    note: str = ""
    kind: ClassVar[str] = "practice"


@dataclass(frozen=True)
class CheckinStep:
    """An invitation to do a check-in (state, felt safety, the four signals)."""

    text: str = DEFAULT_CHECKIN_TEXT
    kind: ClassVar[str] = "checkin"


Item: TypeAlias = Reading | Prompt | PracticeStep | CheckinStep


@dataclass(frozen=True)
class Day:
    """One day of a workbook: a handful of items that take about ``minutes`` minutes."""

    number: int
    title: str
    chapter: str
    minutes: int
    items: tuple[Item, ...]

    @property
    def practices(self) -> tuple[str, ...]:
        """Slugs of the practices this day invites, in order."""
        return tuple(item.slug for item in self.items if isinstance(item, PracticeStep))

    @property
    def prompts(self) -> tuple[Prompt, ...]:
        """The day's reflective questions, in order."""
        return tuple(item for item in self.items if isinstance(item, Prompt))


@dataclass(frozen=True)
class Workbook:
    """A whole workbook: chapters in order and days numbered 1..N without gaps."""

    slug: str
    title: str
    summary: str
    guide: str
    version: int
    chapters: tuple[Chapter, ...]
    days: tuple[Day, ...]
    introduction: str = ""
    #: Days written again in another language, as ``(language, days)`` pairs; a translated day has
    #: the original's number, chapter, minutes and items, with its own words.
    translations: tuple[tuple[str, tuple[Day, ...]], ...] = ()

    def day_in(self, number: int, language: str) -> Day:
        """Day ``number`` in ``language`` where it has been translated, else the original."""
        for code, days in self.translations:
            if code == language:
                for day in days:
                    if day.number == number:
                        return day
        return self.day(number)

    def translated_days(self, language: str) -> frozenset[int]:
        """The numbers of the days written in ``language``."""
        return frozenset(d.number for code, days in self.translations if code == language for d in days)

    def day(self, number: int) -> Day:
        """The day numbered ``number`` (1-based); ``KeyError`` if there is none."""
        if 1 <= number <= len(self.days) and self.days[number - 1].number == number:
            return self.days[number - 1]
        for day in self.days:
            if day.number == number:
                return day
        raise KeyError(number)

    def chapter(self, slug: str) -> Chapter:
        """The chapter with ``slug``; ``KeyError`` if there is none."""
        for chapter in self.chapters:
            if chapter.slug == slug:
                return chapter
        raise KeyError(slug)

    def days_in(self, chapter_slug: str) -> tuple[Day, ...]:
        """The days of one chapter, in order."""
        return tuple(day for day in self.days if day.chapter == chapter_slug)

    @property
    def practice_slugs(self) -> frozenset[str]:
        """Every practice the workbook refers to."""
        return frozenset(slug for day in self.days for slug in day.practices)

    @property
    def total_minutes(self) -> int:
        """The sum of the days' estimated minutes."""
        return sum(day.minutes for day in self.days)
