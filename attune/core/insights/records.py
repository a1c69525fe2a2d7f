"""What the insights read: practice outcomes, check-ins, practices and the moment of a suggestion.

These are plain frozen records, built by the web layer from its tables; nothing here knows about
a database. Times are the member's local wall-clock time (time of day matters, time zones do not).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final, Protocol

STATES: Final[tuple[str, ...]] = ("settled", "activated", "shut_down")
"""The three check-in states, in the order the map shows them."""

STATE_WORDS: Final[dict[str, str]] = {"settled": "settled", "activated": "activated", "shut_down": "shut down"}
"""Each state as it reads inside a sentence."""

STATE_LABELS: Final[dict[str, str]] = {"settled": "Settled", "activated": "Activated", "shut_down": "Shut down"}

COMPANY: Final[tuple[str, ...]] = ("alone", "with_someone", "group")
"""Who is there: the check-in's context reduced to what the safety rules need."""

TIMES_OF_DAY: Final[tuple[str, ...]] = ("morning", "afternoon", "evening", "night")
"""Morning is 05:00 to 11:59, afternoon 12:00 to 16:59, evening 17:00 to 21:59, night the rest."""

SAFETY_BANDS: Final[tuple[str, ...]] = ("low", "middle", "high")
"""Felt safety 0 to 3 is low, 4 to 6 middle, 7 to 10 high."""

SAFETY_RANGE: Final = (0.0, 10.0)


def time_of_day(at: dt.datetime | dt.time) -> str:
    """The part of the day of a local time (see :data:`TIMES_OF_DAY`)."""
    hour = at.hour
    if 5 <= hour < 12:
        return "morning"
    if 12 <= hour < 17:
        return "afternoon"
    if 17 <= hour < 22:
        return "evening"
    return "night"


def safety_band(felt_safety: float) -> str:
    """The band of a felt-safety reading (see :data:`SAFETY_BANDS`)."""
    if felt_safety < 3.5:
        return "low"
    if felt_safety < 6.5:
        return "middle"
    return "high"


def context_key(at: dt.datetime, company: str, felt_safety: float) -> str:
    """The context cell a session belongs to: time of day, alone or not, and felt-safety band."""
    who = "alone" if company == "alone" else "with"
    return f"{time_of_day(at)}/{who}/{safety_band(felt_safety)}"


def _check_state(name: str, value: str) -> None:
    if value not in STATES:
        raise ValueError(f"{name} must be one of {', '.join(STATES)}; got {value!r}.")


def _check_safety(name: str, value: float) -> None:
    low, high = SAFETY_RANGE
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low:g} and {high:g}; got {value!r}.")


def _check_company(value: str) -> None:
    if value not in COMPANY:
        raise ValueError(f"company must be one of {', '.join(COMPANY)}; got {value!r}.")


@dataclass(frozen=True)
class PracticeOutcome:
    """One practice session with both felt-safety readings.

    Attributes
    ----------
    practice, condition : str
        The practice's slug and its condition's slug.
    state_before : str
        The state at the start (one of :data:`STATES`).
    safety_before, safety_after : float
        Felt safety, 0 to 10, at each end.
    state_after : str or None
        The state at the end, when the member gave one.
    at : datetime
        When the session began, in the member's local time.
    company : str
        ``"alone"``, ``"with_someone"`` or ``"group"``.
    """

    practice: str
    condition: str
    state_before: str
    safety_before: float
    safety_after: float
    state_after: str | None
    at: dt.datetime
    company: str = "alone"

    def __post_init__(self) -> None:
        _check_state("state_before", self.state_before)
        if self.state_after is not None:
            _check_state("state_after", self.state_after)
        _check_safety("safety_before", self.safety_before)
        _check_safety("safety_after", self.safety_after)
        _check_company(self.company)

    @property
    def change(self) -> float:
        """Felt safety after minus before."""
        return self.safety_after - self.safety_before

    @property
    def context(self) -> str:
        """The context cell (see :func:`context_key`)."""
        return context_key(self.at, self.company, self.safety_before)


@dataclass(frozen=True)
class CheckInRecord:
    """One check-in, as the weekly reflection needs it."""

    at: dt.datetime
    state: str
    felt_safety: float
    company: str = "alone"

    def __post_init__(self) -> None:
        _check_state("state", self.state)
        _check_safety("felt_safety", self.felt_safety)
        _check_company(self.company)


@dataclass(frozen=True)
class Moment:
    """Where the member is when a suggestion is made.

    ``consent`` means the person they are with has opted in to touch or eye contact; it is never
    assumed, so it defaults to False.
    """

    state: str
    felt_safety: float
    at: dt.datetime
    company: str = "alone"
    consent: bool = False

    def __post_init__(self) -> None:
        _check_state("state", self.state)
        _check_safety("felt_safety", self.felt_safety)
        _check_company(self.company)

    @property
    def context(self) -> str:
        """The context cell (see :func:`context_key`)."""
        return context_key(self.at, self.company, self.felt_safety)


class PracticeLike(Protocol):
    """The practice metadata the insights use; ``attune.content``'s ``Practice`` fits as it is."""

    @property
    def slug(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def condition(self) -> str: ...

    @property
    def with_whom(self) -> tuple[str, ...]: ...

    @property
    def suits(self) -> tuple[str, ...]: ...

    @property
    def needs_consent(self) -> bool: ...

    @property
    def solo_alternative_slug(self) -> str | None: ...


@dataclass(frozen=True)
class PracticeInfo:
    """A stand-alone :class:`PracticeLike`, for notebooks, tests and the simulation."""

    slug: str
    title: str
    condition: str
    with_whom: tuple[str, ...]
    suits: tuple[str, ...]
    needs_consent: bool = False
    solo_alternative_slug: str | None = None
