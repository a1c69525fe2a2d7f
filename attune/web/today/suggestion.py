"""What to suggest after a check-in: a plain, explainable rule.

- *Activated* (on guard, braced): slowing down, since a slower pace and a longer breath out give
  the body time to settle.
- *Shut down* (flat, far away): gentle physical connection (one's own hand counts) or connection
  beyond people: warmth and aliveness that ask for nothing.
- *Settled* (safe, open): a practice with someone, because connection is most available from here.

The rule is a pure function of the state, the library's practices, where the member is, and what
they did recently (so that the same practice is not offered every day). No Django here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from attune.content.practices import Practice

WHY: dict[str, str] = {
    "activated": (
        "You said you feel activated. When the body is on guard, slowing down, especially letting the "
        "breath out last a little longer, gives it time to notice that it can settle."
    ),
    "shut_down": (
        "You said you feel shut down. When things feel flat or far away, something gentle and warm, like "
        "your own hand, a safe person, an animal or the outdoors, can bring you back without asking much."
    ),
    "settled": (
        "You said you feel settled. That is a good moment to practise with someone: connection comes "
        "most easily when the body already feels safe."
    ),
}

CONDITIONS_FOR: dict[str, tuple[str, ...]] = {
    "activated": ("slowing-down",),
    "shut_down": ("gentle-touch", "beyond-people"),
    "settled": (),  # any condition, as long as it is done with someone
}


@dataclass(frozen=True)
class Suggestion:
    """One practice to try, why, and two others to choose from instead."""

    practice: Practice
    why: str
    alternatives: tuple[Practice, ...]


def _fits(practice: Practice, state: str) -> bool:
    if state == "settled":
        return bool({"partner", "group"} & set(practice.with_whom))
    return practice.condition in CONDITIONS_FOR[state]


def suggest(
    state: str,
    practices: Sequence[Practice],
    *,
    alone: bool = False,
    recent: Sequence[str] = (),
) -> Suggestion | None:
    """Pick a practice for ``state`` from ``practices``, with a reason and two alternatives.

    Parameters
    ----------
    state
        ``"settled"``, ``"activated"`` or ``"shut_down"``.
    practices
        The library, in library order (condition, then duration).
    alone
        The member said they are alone: for activated and shut down, prefer practices done solo.
        When settled, the first suggestion still involves someone, and one alternative is solo.
    recent
        Slugs of recently done practices, most recent first; these move to the back of the queue.

    Returns
    -------
    Suggestion or None
        None only when the library is empty.

    Raises
    ------
    ValueError
        For an unknown state.
    """
    if state not in WHY:
        raise ValueError(f"unknown state {state!r}; expected settled, activated or shut_down")
    if not practices:
        return None
    recency = {slug: i for i, slug in enumerate(recent)}
    far = len(recent) + 1

    def rank(p: Practice) -> tuple[int, int, int, int]:
        solo_penalty = 1 if alone and state != "settled" and "solo" not in p.with_whom else 0
        return (
            0 if _fits(p, state) else 1,
            0 if state in p.suits else 1,
            solo_penalty,
            -recency.get(p.slug, far),  # the longer ago, the earlier it comes
        )

    ordered = sorted(practices, key=rank)  # stable: library order breaks ties
    first, rest = ordered[0], ordered[1:]
    alternatives: list[Practice] = []
    if state == "settled":
        solo = next((p for p in rest if "solo" in p.with_whom and state in p.suits), None)
        others = [p for p in rest if p is not solo]
        if others:
            alternatives.append(others[0])
        if solo is not None:
            alternatives.append(solo)
    # Prefer alternatives from a different condition than the first, for a real choice.
    for p in sorted(rest, key=lambda p: (rank(p)[0], p.condition == first.condition, rank(p)[1:])):
        if len(alternatives) >= 2:
            break
        if p not in alternatives:
            alternatives.append(p)
    return Suggestion(practice=first, why=WHY[state], alternatives=tuple(alternatives[:2]))
