"""The "What helps me" page, laid out: the personal map by starting state, with its intervals drawn.

Pure (Django only for safe HTML): a :class:`~attune.core.insights.PersonalMap` in, rows with words and SVG out. Each
row's interval is drawn in its own small SVG on one shared axis (geometry as attributes, so the
strict Content-Security-Policy needs no inline styles); the axis labels sit in equal grid cells
whose centres are the ticks, which is why the axis runs half a step past the first and last tick.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from attune.core.insights import STATES, PersonalMap, Row
from attune.web.common.labels import STATE_LABELS, STATE_WORDS

WIDTH: Final = 1000.0
"""The SVG's horizontal units (its viewBox); each row's SVG is stretched to its cell."""



def signed(x: float) -> str:
    """One decimal with its sign, and a true minus: +1.8, −0.4, 0.0 (a decimal comma in German)."""
    r = round(x, 1)
    digits = number_format(abs(r), 1)
    return f"+{digits}" if r > 0 else (f"\u2212{digits}" if r < 0 else digits)


def percent(x: float) -> str:
    return f"{round(100 * x)} %"


@dataclass(frozen=True)
class Axis:
    """Felt-safety change from ``lo`` to ``hi`` points, with a labelled tick every ``step``."""

    lo: float
    hi: float
    ticks: tuple[int, ...]

    def x(self, value: float) -> float:
        """The horizontal position of ``value``, 0 to :data:`WIDTH`, clamped to the axis."""
        clamped = min(self.hi, max(self.lo, value))
        return round((clamped - self.lo) / (self.hi - self.lo) * WIDTH, 1)

    @property
    def tick_marks(self) -> tuple[tuple[float, str, bool], ...]:
        """``(x, label, is_zero)`` of every tick."""
        return tuple((self.x(t), f"+{t}" if t > 0 else (f"\u2212{-t}" if t < 0 else "0"), t == 0) for t in self.ticks)


def axis_for(rows: Sequence[Row]) -> Axis:
    """An axis holding zero and every drawn interval, in whole points; at least −1 to +3."""
    drawn = [r for r in rows if r.enough]
    low = math.floor(min([-1.0, *(r.change.low for r in drawn)]))
    high = math.ceil(max([3.0, *(r.change.high for r in drawn)]))
    step = 1 if high - low <= 8 else 2
    low -= (low % step) if low % step else 0
    ticks = tuple(range(low, high + step, step))
    return Axis(lo=ticks[0] - step / 2, hi=ticks[-1] + step / 2, ticks=ticks)


@dataclass(frozen=True)
class MapRow:
    """One practice or condition from one state, ready to show."""

    row: Row
    svg: SafeString
    change: str
    interval: str
    raw: str
    settled: str
    settled_interval: str

    @property
    def enough(self) -> bool:
        return self.row.enough


def _svg(row: Row, axis: Axis) -> SafeString:
    """The row's drawing: the axis's grid and zero, the interval as a bar, the estimate as an upright line."""
    grid = "".join(
        f'<line class="{"iv-zero" if zero else "iv-grid"}" x1="{x}" x2="{x}" y1="0" y2="24" '
        'vector-effect="non-scaling-stroke"/>'
        for x, _, zero in axis.tick_marks
    )
    return format_html(
        '<svg class="iv iv-{}" viewBox="0 0 {} 24" preserveAspectRatio="none" focusable="false">{}'
        '<line class="iv-range" x1="{}" x2="{}" y1="12" y2="12" vector-effect="non-scaling-stroke"/>'
        '<line class="iv-mean" x1="{}" x2="{}" y1="3" y2="21" vector-effect="non-scaling-stroke"/></svg>',
        row.state,
        int(WIDTH),
        mark_safe(grid),  # noqa: S308 (numbers and fixed class names only)
        axis.x(row.change.low),
        axis.x(row.change.high),
        axis.x(row.change.mean),
        axis.x(row.change.mean),
    )


def map_row(row: Row, axis: Axis) -> MapRow:
    counts = {"n": row.settled_count, "of": row.rated}
    ended = _("stayed settled %(n)s of %(of)s") if row.state == "settled" else _("ended settled %(n)s of %(of)s")
    settled = ended % counts if row.rated else _("no state recorded at the end")
    return MapRow(
        row=row,
        svg=_svg(row, axis) if row.enough else mark_safe(""),
        change=signed(row.change.mean),
        interval=_("%(low)s to %(high)s") % {"low": signed(row.change.low), "high": signed(row.change.high)},
        raw=signed(row.raw_mean) if row.raw_mean is not None else "",
        settled=settled,
        settled_interval=(
            _("%(mean)s (%(low)s to %(high)s)")
            % {
                "mean": percent(row.settled.mean),
                "low": round(100 * row.settled.low),
                "high": percent(row.settled.high),
            }
            if row.rated
            else ""
        ),
    )


@dataclass(frozen=True)
class StateSection:
    """Everything from one starting state: all its sessions, its practices and its conditions."""

    state: str
    total: MapRow
    practices: tuple[MapRow, ...]
    conditions: tuple[MapRow, ...]

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def words(self) -> str:
        return str(STATE_WORDS[self.state])


def sections(pmap: PersonalMap) -> tuple[Axis, tuple[StateSection, ...]]:
    """The page's shared axis and one section per starting state, in :data:`STATES` order."""
    axis = axis_for([*pmap.practices, *pmap.conditions])
    out = tuple(
        StateSection(
            state=state,
            total=map_row(total, axis),
            practices=tuple(map_row(r, axis) for r in pmap.for_state(state, "practice")),
            conditions=tuple(map_row(r, axis) for r in pmap.for_state(state, "condition")),
        )
        for state, total in zip(STATES, pmap.states, strict=True)
    )
    return axis, out
