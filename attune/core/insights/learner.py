"""A suggestion that learns: Thompson sampling on the member's posterior, inside hard safety rules.

At each check-in the safety rules first decide which practices may be offered at all
(:func:`screen`); then one joint draw from the posterior of the hierarchy gives each remaining
practice a plausible expected change in felt safety for this state and context, and the largest
draw is suggested. Practices the member knows well are drawn close to their estimate, untried
ones widely around their condition's, so the suggestion keeps exploring kindly and settles on
what helps as evidence grows (Thompson 1933; Russo et al. 2018). One alternative is always
something the member has not tried, when there is one.

The context is the starting state (which branch of the tree), time of day, alone or with someone,
and the felt-safety band (which leaf under each practice, see
:func:`attune.core.insights.records.context_key`); who is there and whether they opted in also
decide what is allowed.

References
----------
Thompson WR. On the likelihood that one unknown probability exceeds another in view of the
evidence of two samples. Biometrika 25(3-4):285-294 (1933).
Russo DJ, Van Roy B, Kazerouni A, Osband I, Wen Z. A tutorial on Thompson sampling. Foundations and
Trends in Machine Learning 11(1):1-96 (2018).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from attune.core.insights._words import lower_first, signed, times
from attune.core.insights.personal_map import MIN_SESSIONS
from attune.core.insights.posterior import PRACTICE, Posterior
from attune.core.insights.records import STATE_WORDS, Moment, PracticeLike

RULE_CONDITIONS: Final[dict[str, tuple[str, ...]]] = {
    "activated": ("slowing-down",),
    "shut_down": ("gentle-touch", "beyond-people"),
    "settled": (),
}
"""The fixed rule's conditions for each state (settled: anything done with someone)."""

RULE_REASONS: Final[dict[str, str]] = {
    "activated": (
        "When the body is on guard, slowing down, with a breath out a little longer than the breath in, "
        "gives it time to notice that it can settle."
    ),
    "shut_down": (
        "When things feel flat or far away, something warm that asks little, like your own hand, "
        "an animal or the outdoors, can bring you back gently."
    ),
    "settled": (
        "Feeling settled is a good moment for connection: it comes most easily when the body already feels safe."
    ),
}
"""The fixed rule's reason, said while there is not enough of the member's own data."""

CONDITION_REASONS: Final[dict[str, str]] = {
    "slowing-down": "Slowing down gives the body time to notice that it can settle.",
    "gentle-touch": "Gentle touch, even your own hand, can tell the body it is held.",
    "soft-gaze": "A soft, kind face is one of the oldest signals of safety.",
    "honest-conversation": "Being heard without being fixed can let the guard come down.",
    "beyond-people": "Nature, animals and stillness offer warmth that asks for nothing.",
}
"""A plain reason per condition, for a practice outside the fixed rule while data are few."""


@dataclass(frozen=True)
class Pick:
    """One practice offered, and why.

    ``kind`` is ``"suggested"`` (the first choice), ``"another"`` (what has helped most, when the draw
    chose something else; otherwise one from a different condition) or
    ``"untried"`` (something the member has not done yet, or not from this state). ``n`` and
    ``raw_mean`` are the member's sessions of it from this state and their plain mean change.

    ``why`` is the "why this?" sentence in English; ``why_kind`` says which sentence it is and
    ``why_values`` what fills it (see :data:`WHY_KINDS`), so the web layer can word it in the
    member's language.
    """

    slug: str
    title: str
    kind: str
    why: str
    n: int
    raw_mean: float | None
    why_kind: str = ""
    why_values: tuple[tuple[str, str | int | float], ...] = ()


WhyValues = tuple[tuple[str, str | int | float], ...]

WHY_KINDS: Final[tuple[str, ...]] = (
    "helped_most",  # From {state}, {title} has helped you most: {change} on average over {n} times.
    "helped",  # From {state}, {title} has helped you: {change} on average over {n} times.
    "changed_little",  # From {state}, {title} has changed little so far (...); another try shows ...
    "rule",  # RULE_REASONS[state]
    "condition",  # CONDITION_REASONS[condition]
    "rule_few",  # RULE_REASONS[state] From {state} you have tried it {n} times so far ({change}): not enough ...
    "condition_few",  # CONDITION_REASONS[condition], then the same
    "untried_new",  # Something you haven't tried yet. It suits feeling {state}, and ...
    "untried_here",  # Something you haven't tried from {state} yet. ...
)
"""Each kind of "why this?" sentence. Its values: ``state`` (a state key), ``title`` (the practice's
title as the library has it), ``change`` (the plain mean change, a float), ``n`` (sessions from this
state) and ``condition`` (the practice's condition slug), as the kind needs them."""


@dataclass(frozen=True)
class LearnedSuggestion:
    """The suggestion for a moment: a first choice, up to two alternatives, and what was left out."""

    practice: Pick
    alternatives: tuple[Pick, ...]
    excluded: tuple[tuple[str, str], ...]
    """``(slug, reason)`` for every practice the safety rules left out."""


def screen(practice: PracticeLike, moment: Moment) -> str | None:
    """Why the safety rules leave ``practice`` out at ``moment``, or None when it may be offered.

    The rules, from ``docs/insights.md``:

    1. Only a practice marked as suiting the starting state (its ``suits``). The library has no
       separate intensity field: a guide leaves a state out of ``suits`` where a practice asks
       too much from it, so from shut down nothing more demanding than it suits is offered.
    2. Alone, only practices that can be done solo; with one person, solo or partner practices;
       in a group, any.
    3. Touch or eye contact with someone else only when they opted in (``moment.consent``);
       otherwise the practice is left out and its solo variant, a practice of its own, remains.
    """
    if moment.state not in practice.suits:
        return f"not marked as suiting {STATE_WORDS[moment.state]}"
    who = set(practice.with_whom)
    if moment.company == "alone":
        return None if "solo" in who else "needs someone else"
    allowed = {"solo", "partner"} | ({"group"} if moment.company == "group" else set())
    if not who & allowed:
        return "needs a group"
    if practice.needs_consent and not moment.consent:
        return "touch or eye contact needs both people to opt in"
    return None


def _why(practice: PracticeLike, posterior: Posterior, state: str, best: str | None) -> tuple[str, str, WhyValues]:
    """One sentence from the member's own data, or the rule's reason while there is not enough.

    Returns the sentence in English, its kind and its values (:data:`WHY_KINDS`).
    """
    words = STATE_WORDS[state]
    n, raw = posterior.n(state, practice.slug), posterior.raw_mean(state, practice.slug)
    name = lower_first(practice.title)
    if raw is not None and n >= MIN_SESSIONS:
        values: WhyValues = (("state", state), ("title", practice.title), ("change", raw), ("n", n))
        said = f"{signed(raw)} on average over {n} times"
        if raw > 0 and practice.slug == best:
            return f"From {words}, {name} has helped you most: {said}.", "helped_most", values
        if raw > 0:
            return f"From {words}, {name} has helped you: {said}.", "helped", values
        return (
            f"From {words}, {name} has changed little so far ({said}); another try shows whether it suits you.",
            "changed_little",
            values,
        )
    fits_rule = practice.condition in RULE_CONDITIONS[state] or (
        state == "settled" and "solo" not in practice.with_whom
    )
    by_condition = not fits_rule and practice.condition in CONDITION_REASONS
    reason = CONDITION_REASONS[practice.condition] if by_condition else RULE_REASONS[state]
    kind = "condition" if by_condition else "rule"
    base: WhyValues = (("state", state), ("condition", practice.condition))
    if raw is None:
        return reason, kind, base
    return (
        f"{reason} From {words} you have tried it {times(n)} so far ({signed(raw)}): not enough yet to go on.",
        f"{kind}_few",
        (*base, ("change", raw), ("n", n)),
    )


def _untried_why(practice: PracticeLike, posterior: Posterior, state: str) -> tuple[str, str, WhyValues]:
    words = STATE_WORDS[state]
    values: WhyValues = (("state", state),)
    if posterior.n_any_state(practice.slug) == 0:
        return (
            f"Something you haven't tried yet. It suits feeling {words}, and trying it is how your map fills in.",
            "untried_new",
            values,
        )
    return f"Something you haven't tried from {words} yet. Trying it is how your map fills in.", "untried_here", values


def suggest(
    posterior: Posterior, practices: Sequence[PracticeLike], moment: Moment, rng: np.random.Generator
) -> LearnedSuggestion | None:
    """Suggest a practice for ``moment`` by Thompson sampling, with up to two alternatives.

    Parameters
    ----------
    posterior
        The member's fitted hierarchy (``personal_map(...).posterior`` or
        :func:`~attune.core.insights.posterior.fit_posterior`).
    practices
        The library; ``attune.content`` practices fit as they are.
    moment
        The member's state, felt safety, local time, company and consent now.
    rng
        The source of randomness (``numpy.random.default_rng(seed)`` for a reproducible choice).

    Returns
    -------
    LearnedSuggestion or None
        None when the safety rules leave nothing to offer.
    """
    state = moment.state
    excluded: list[tuple[str, str]] = []
    eligible: list[PracticeLike] = []
    for practice in practices:
        reason = screen(practice, moment)
        if reason is None:
            eligible.append(practice)
        else:
            excluded.append((practice.slug, reason))
    if not eligible:
        return None
    draws = posterior.sample(rng, state, eligible, moment.context)
    order = [int(i) for i in np.argsort(-draws, kind="stable")]
    first = eligible[order[0]]

    best = _best_known(posterior, eligible, state)
    picks = [_pick(first, "suggested", _why(first, posterior, state, best), posterior, state)]
    rest = [eligible[i] for i in order[1:]]
    untried = [p for p in rest if posterior.n_any_state(p.slug) == 0] or [
        p for p in rest if posterior.n(state, p.slug) == 0
    ]
    other = [p for p in rest if not untried or p is not untried[0]]
    other.sort(key=lambda p: p.condition == first.condition)  # stable: keeps draw order within each group
    # What has helped most so far is always on offer by name: first when the draw picks it, else as
    # the first alternative, so exploring never hides the member's own best evidence.
    known_best = next((p for p in other if p.slug == best), None) if best != first.slug else None
    if known_best is not None:
        other = [known_best] + [p for p in other if p is not known_best]
    if other:
        picks.append(_pick(other[0], "another", _why(other[0], posterior, state, best), posterior, state))
    if untried:
        picks.append(_pick(untried[0], "untried", _untried_why(untried[0], posterior, state), posterior, state))
    return LearnedSuggestion(practice=picks[0], alternatives=tuple(picks[1:]), excluded=tuple(excluded))


def _pick(practice: PracticeLike, kind: str, why: tuple[str, str, WhyValues], posterior: Posterior, state: str) -> Pick:
    sentence, why_kind, why_values = why
    return Pick(
        practice.slug,
        practice.title,
        kind,
        sentence,
        posterior.n(state, practice.slug),
        posterior.raw_mean(state, practice.slug),
        why_kind,
        why_values,
    )


def _best_known(posterior: Posterior, eligible: Sequence[PracticeLike], state: str) -> str | None:
    """The eligible practice with enough sessions from ``state`` and the highest estimated change."""
    known = [p for p in eligible if posterior.n(state, p.slug) >= MIN_SESSIONS]
    if not known:
        return None
    mean = posterior.marginals.mean[PRACTICE]
    return max(known, key=lambda p: float(mean[posterior.practice_node(state, p.slug) or 0])).slug


def best_guess(posterior: Posterior, practices: Sequence[PracticeLike], moment: Moment) -> str | None:
    """The allowed practice with the highest estimated change from ``moment.state``: the learner's current belief."""
    allowed = [p for p in practices if screen(p, moment) is None]
    mean = posterior.marginals.mean[PRACTICE]
    nodes = [posterior.practice_node(moment.state, p.slug) for p in allowed]
    scored = [(float(mean[node]), p.slug) for node, p in zip(nodes, allowed, strict=True) if node is not None]
    return max(scored, key=lambda t: t[0])[1] if scored else None
