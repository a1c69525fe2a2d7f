"""A room's plan: practices from the library in order, copied into the room when it is made.

The copy (a plain dict stored on the room) keeps a room steady while a guide edits the library,
and is what every screen renders. Steps are flat; each names its practice (``item``). A practice
of touch or eye contact for two carries ``consent`` and its solo alternative: in a pair room its
first shared step is a gate that waits for both people's yes, and the solo alternative's steps
follow it, to run instead if either says "not now".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_noop

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
            _BOTH_TOGETHER % {"half": half},
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


# The words of the two practices made here (rather than read from the library), so that a room
# shows them in each reader's language; the stored plan keeps the English it was made with.
MADE_HERE = (PAIR_BREATHING_SLUG, "pacer")
_WORDS = frozenset(
    (
        gettext_noop("Breathing together"),
        gettext_noop("Breathing pacer"),
        gettext_noop("One slow rhythm for everyone in the room."),
        gettext_noop("Two people on one slow rhythm, each leading in turn, then breathing side by side."),
        gettext_noop("Arriving"),
        gettext_noop("You might sit facing each other, or side by side, at a distance that feels easy."),
        gettext_noop("One of you leads"),
        gettext_noop(
            "The leader follows the pacer, a little audibly if that feels fine; the other lets their breath join in."
        ),
        gettext_noop("The other leads"),
        gettext_noop("Now you might swap: the new leader follows the pacer, the other is carried along."),
        gettext_noop("Both together"),
        gettext_noop("Letting it go"),
        gettext_noop("Let your breath find its own pace. Notice how you each feel before anyone speaks."),
        gettext_noop("You might follow the circle: in as it grows, out as it shrinks. Stop whenever you like."),
        gettext_noop("If you feel dizzy or light-headed, stop and let your breath go back to its own pace."),
    )
)
_BOTH_TOGETHER = gettext_noop(
    "Nobody leads now. You might both follow the pacer, %(half)s seconds in and %(half)s out."
)


def _say(text: str) -> str:
    return gettext(text) if text in _WORDS else text


def _worded_step(step: dict[str, Any]) -> dict[str, Any]:
    text = step["text"]
    half = f"{step['pacer']['inhale']:g}" if step.get("pacer") else None
    if half is not None and text == _BOTH_TOGETHER % {"half": half}:
        text = gettext(_BOTH_TOGETHER) % {"half": number_format(Decimal(half))}  # 4,5 in German
    else:
        text = _say(text)
    return {**step, "title": _say(step["title"]), "text": text}


def worded(plan: dict[str, Any]) -> dict[str, Any]:
    """``plan`` with the words of the practices made here in the language active now.

    Library practices keep the words they were copied with; a guide's titles are theirs.
    """
    made_here = {i for i, item in enumerate(plan["items"]) if item.get("slug") in MADE_HERE}
    if not made_here:
        return plan
    items = [
        {**item, "title": _say(item["title"]), "safety": [_say(s) for s in item.get("safety", [])]}
        if i in made_here
        else item
        for i, item in enumerate(plan["items"])
    ]
    steps = [_worded_step(step) if step["item"] in made_here else step for step in plan["steps"]]
    return {**plan, "items": items, "steps": steps}


def worded_title(title: str, plan: dict[str, Any]) -> str:
    """A pair room's title (its practices' titles, as it was made) in the language active now."""
    made = " · ".join(item["title"] for item in plan["items"])[:120]
    return " · ".join(item["title"] for item in worded(plan)["items"])[:120] if title == made else title


def practices_for(kind: str) -> list[Practice]:
    """The library's practices a pair (or a group) can do together, in library order."""
    whom = "partner" if kind == "pair" else "group"
    return [p for p in current_library() if whom in p.with_whom]
