"""A room's plan: practices from the library in order, copied into the room when it is made.

The copy (a plain dict stored on the room) keeps a room steady while a guide edits the library,
and is what every screen renders. Steps are flat; each names its practice (``item``). A practice
of touch or eye contact for two carries ``consent`` and its solo alternative: in a pair room its
first shared step is a gate that waits for both people's yes, and the solo alternative's steps
follow it, to run instead if either says "not now".
"""

from __future__ import annotations

from typing import Any

from attune.content.practices import Pacer, Practice, Step
from attune.web.practices.library import current_library

PAIR_BREATHING_SLUG = "breathing-together"
PAIR_BREATHING_TITLE = "Breathing together"
MAX_PRACTICES = 4
MIN_MINUTES, MAX_MINUTES = 3, 30


def _pacer(pacer: Pacer | None) -> dict[str, float] | None:
    if pacer is None:
        return None
    return {"inhale": pacer.inhale_s, "holdIn": pacer.hold_in_s, "exhale": pacer.exhale_s, "holdOut": pacer.hold_out_s}


def _step(item: int, step: Step, *, solo: bool = False, gate: bool = False) -> dict[str, Any]:
    return {
        "item": item,
        "solo": solo,
        "gate": gate,
        "title": step.title,
        "text": step.text,
        "seconds": step.seconds,
        "pacer": _pacer(step.pacer),
        "lead": None if solo else step.lead,
        "prompt": step.prompt and not solo,
    }


def _roles(practice: Practice) -> list[str]:
    return ["speak", "listen"] if practice.condition == "honest-conversation" else ["lead", "follow"]


def build_plan(practices: list[Practice], *, title: str, gated: bool) -> dict[str, Any]:
    """The plan for ``practices`` in order; ``gated`` for a pair, where consent steps wait for both."""
    library = current_library()
    items: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    for index, practice in enumerate(practices):
        solo = library.solo_alternative_for(practice) if practice.needs_consent else None
        items.append(
            {
                "slug": practice.slug,
                "title": practice.title,
                "condition": practice.condition,
                "consent": practice.needs_consent,
                "safety": list(practice.safety),
                "roles": _roles(practice),
                "prompts": list(practice.prompts),
                "calming": practice.mode == "calming",
                "solo": None
                if not practice.needs_consent
                else {
                    "slug": solo.slug if solo else None,
                    "title": solo.title if solo else "On your own",
                    "why": solo.why if solo else (practice.solo_alternative_text or ""),
                    "steps": [{"title": s.title, "text": s.text} for s in solo.steps] if solo else [],
                },
            }
        )
        steps += [_step(index, s, gate=practice.needs_consent and n == 0) for n, s in enumerate(practice.steps)]
        if gated and solo is not None:
            steps += [_step(index, s, solo=True) for s in solo.steps]
    return {"title": title, "gated": gated, "items": items, "steps": steps}


def pair_breathing(minutes: int, bpm: float = 6.0) -> Practice:
    """Partner breathing (FIELD.md): each leads in turn on one pacer, then both breathe together."""
    cycle = 60.0 / bpm
    pacer = Pacer(inhale_s=round(cycle / 2, 2), exhale_s=round(cycle / 2, 2))
    turn = max(30, int(minutes * 60 * 0.2))
    together = max(30, minutes * 60 - 2 * turn - 50)
    half = f"{cycle / 2:g}"
    steps = (
        Step("Arriving", 30, "You might sit facing each other, or side by side, at a distance that feels easy."),
        Step(
            "One of you leads",
            turn,
            "The leader follows the pacer, a little audibly if that feels fine; the other lets their breath join in.",
            pacer,
            "first",
        ),
        Step(
            "The other leads",
            turn,
            "Now you might swap: the new leader follows the pacer, the other is carried along.",
            pacer,
            "second",
        ),
        Step(
            "Both together",
            together,
            f"Nobody leads now. You might both follow the pacer, {half} seconds in and {half} out.",
            pacer,
        ),
        Step("Letting it go", 20, "Let your breath find its own pace. Notice how you each feel before anyone speaks."),
    )
    why = "Two people on one slow rhythm, each leading in turn, then breathing side by side."
    return _breathing(PAIR_BREATHING_SLUG, PAIR_BREATHING_TITLE, why, minutes, "partner", steps)


def _breathing(slug: str, title: str, why: str, minutes: int, whom: str, steps: tuple[Step, ...]) -> Practice:
    """A slowing-down practice made here rather than read from the library."""
    return Practice(
        slug=slug,
        title=title,
        condition="slowing-down",
        why=why,
        duration_min=float(minutes),
        with_whom=(whom,),
        suits=("settled", "activated"),
        safety=("If you feel dizzy or light-headed, stop and let your breath go back to its own pace.",),
        steps=steps,
        body="",
    )


def group_pacer(minutes: int, bpm: float = 6.0) -> Practice:
    """A plain shared pacer for a workshop: one step at ``bpm``, split evenly in and out."""
    cycle = 60.0 / bpm
    pacer = Pacer(inhale_s=round(cycle / 2, 2), exhale_s=round(cycle / 2, 2))
    text = "You might follow the circle: in as it grows, out as it shrinks. Stop whenever you like."
    steps = (Step("Breathing together", minutes * 60, text, pacer),)
    return _breathing("pacer", "Breathing pacer", "One slow rhythm for everyone in the room.", minutes, "group", steps)


def practices_for(kind: str) -> list[Practice]:
    """The library's practices a pair (or a group) can do together, in library order."""
    whom = "partner" if kind == "pair" else "group"
    return [p for p in current_library() if whom in p.with_whom]
