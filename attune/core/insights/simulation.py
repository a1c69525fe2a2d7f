"""Synthetic members, to compare the learner with the fixed rule it replaces.

Each synthetic member has a true expected change in felt safety for every practice from every
state, built from population tendencies plus their own differences (numbers in
:class:`Truth`, chosen before any run and documented in ``docs/insights.md``):

    true change = state base + member's state offset
                + condition effect (population mean by state, plus a member part shared
                  across states and a member part for this state)
                + practice effect (a member part shared across states, plus one for this state)
                + a small time-of-day effect per practice (centred, so it averages out)

Each session draws the member's state, felt safety before, hour, company and consent; the
reading after is the one before plus the true change plus noise, rounded and kept within 0 to 10
(so a high reading has little room to rise). Both policies meet exactly the same sessions and the
same noise (common random numbers), and both choose only among the practices the safety rules
allow (:func:`attune.core.insights.learner.screen`), then the member does what was suggested.

The fixed rule is ``attune/web/today/suggestion.py``'s ranking, restated here without Django:
a practice from the state's conditions (settled: one done with someone), suited to the state,
solo when alone, least recently done, library order on ties.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from attune.core._common import FloatArray
from attune.core.insights.hierarchy import PRIOR_MODES, Hyper, fit_hyper
from attune.core.insights.learner import RULE_CONDITIONS, best_guess, screen, suggest
from attune.core.insights.posterior import fit_posterior
from attune.core.insights.records import STATES, Moment, PracticeLike, PracticeOutcome


@dataclass(frozen=True)
class Truth:
    """The simulation's generative numbers (felt-safety points unless said otherwise)."""

    state_base: tuple[float, float, float] = (0.4, 1.5, 1.0)  # settled, activated, shut down
    condition_mean: tuple[dict[str, float], ...] = (
        {"honest-conversation": 0.2, "gentle-touch": 0.2, "soft-gaze": 0.1, "slowing-down": 0.0, "beyond-people": 0.1},
        {
            "slowing-down": 0.6,
            "gentle-touch": 0.2,
            "beyond-people": 0.0,
            "soft-gaze": -0.2,
            "honest-conversation": -0.2,
        },
        {
            "gentle-touch": 0.5,
            "beyond-people": 0.5,
            "slowing-down": 0.0,
            "soft-gaze": -0.1,
            "honest-conversation": -0.3,
        },
    )  # population means by state (settled, activated, shut down)
    state_offset_sd: float = 0.5
    condition_shared_sd: float = 0.6
    condition_state_sd: float = 0.4
    practice_shared_sd: float = 0.4
    practice_state_sd: float = 0.3
    time_of_day_sd: float = 0.2
    noise_sd_range: tuple[float, float] = (1.0, 1.8)
    state_mix_dirichlet: tuple[float, float, float] = (3.5, 4.5, 2.0)
    safety_before: tuple[tuple[float, float], ...] = ((7.0, 1.2), (4.0, 1.5), (3.0, 1.5))  # mean, sd by state
    alone_beta: tuple[float, float] = (6.0, 3.0)
    consent_prob: float = 0.7
    hours: tuple[int, int] = (7, 23)  # sessions start from 07:00 to 22:59
    settled_after_slope: float = 1.2  # P(ended settled) = logistic(slope * (safety after - 6))


TRUTH: Final = Truth()
"""The simulation's generative numbers; see the module docstring."""

REFIT_AT: Final = frozenset({5, 10, 20, 30, 45})
"""Session counts at which the learner re-estimates its standard deviations (between them it reuses them)."""

_DAY = dt.date(2025, 1, 6)


@dataclass(frozen=True, eq=False)
class SyntheticMember:
    """The truth about one synthetic member."""

    effect: FloatArray  # (state, practice): true expected change
    time_effect: FloatArray  # (practice, hour 0-23): centred per practice over the member's hours
    noise_sd: float
    state_mix: FloatArray
    alone_prob: float


@dataclass(frozen=True, eq=False)
class Sessions:
    """The moments one member meets, and the noise of each, shared by both policies."""

    moments: tuple[Moment, ...]
    noise: FloatArray  # standard normal, one per session
    settle: FloatArray  # uniform, one per session


@dataclass(frozen=True)
class MemberRun:
    """What one policy achieved with one member."""

    gains: tuple[float, ...]  # realised change in felt safety, session by session
    found: tuple[bool, ...]  # per state: the learner's current best guess is the true best (learner only)
    shortfall: tuple[float, ...]  # per state: true best's effect minus the guess's (0 when found; learner only)


NEAR_POINTS: Final = (0.25, 0.5, 1.0)
"""Tolerances, in felt-safety points, for "within this much of the best" (printed beside the exact figure)."""


def draw_member(rng: np.random.Generator, practices: Sequence[PracticeLike]) -> SyntheticMember:
    """Draw one synthetic member's truth for ``practices``."""
    t = TRUTH
    conditions = sorted({p.condition for p in practices})
    cond_index = np.array([conditions.index(p.condition) for p in practices])
    n_s, n_c, n_p = len(STATES), len(conditions), len(practices)
    cond = np.array([[means.get(c, 0.0) for c in conditions] for means in t.condition_mean])
    cond = cond + rng.normal(0, t.condition_shared_sd, n_c)[None, :] + rng.normal(0, t.condition_state_sd, (n_s, n_c))
    prac = rng.normal(0, t.practice_shared_sd, n_p)[None, :] + rng.normal(0, t.practice_state_sd, (n_s, n_p))
    state = np.array(t.state_base) + rng.normal(0, t.state_offset_sd, n_s)
    effect = state[:, None] + cond[:, cond_index] + prac
    time_effect = rng.normal(0, t.time_of_day_sd, (n_p, 24))
    lo, hi = t.hours
    time_effect -= time_effect[:, lo:hi].mean(axis=1, keepdims=True)
    return SyntheticMember(
        effect=effect,
        time_effect=time_effect,
        noise_sd=float(rng.uniform(*t.noise_sd_range)),
        state_mix=rng.dirichlet(t.state_mix_dirichlet),
        alone_prob=float(rng.beta(*t.alone_beta)),
    )


def draw_sessions(rng: np.random.Generator, member: SyntheticMember, n: int) -> Sessions:
    """Draw ``n`` moments for ``member``, one a day, with each session's noise."""
    lo, hi = TRUTH.hours
    moments = []
    for i in range(n):
        s = int(rng.choice(len(STATES), p=member.state_mix))
        state = STATES[s]
        mean, sd = TRUTH.safety_before[s]
        safety = float(np.clip(np.round(rng.normal(mean, sd)), 0, 10))
        at = dt.datetime.combine(_DAY + dt.timedelta(days=i), dt.time(int(rng.integers(lo, hi))))
        alone = bool(rng.random() < member.alone_prob)
        consent = bool(rng.random() < TRUTH.consent_prob)
        moments.append(Moment(state, safety, at, "alone" if alone else "with_someone", consent=consent and not alone))
    return Sessions(tuple(moments), rng.standard_normal(n), rng.random(n))


def fixed_rule(practices: Sequence[PracticeLike], moment: Moment, recent: Sequence[str]) -> PracticeLike:
    """The current rule's first choice among ``practices`` (already screened), as ``attune.web.today.suggestion``."""
    state = moment.state
    alone = moment.company == "alone"
    last_done = {slug: i for i, slug in enumerate(recent)}

    def fits(p: PracticeLike) -> bool:
        if state == "settled":
            return bool({"partner", "group"} & set(p.with_whom))
        return p.condition in RULE_CONDITIONS[state]

    def priority(p: PracticeLike) -> tuple[bool, bool, bool, int]:
        needs_company = alone and state != "settled" and "solo" not in p.with_whom
        return (not fits(p), state not in p.suits, needs_company, -last_done.get(p.slug, len(recent) + 1))

    return min(practices, key=priority)  # min keeps the first of equals: library order breaks ties


def _outcome(
    member: SyntheticMember, practices: Sequence[PracticeLike], p: int, moment: Moment, z: float, u: float
) -> PracticeOutcome:
    s = STATES.index(moment.state)
    mean = member.effect[s, p] + member.time_effect[p, moment.at.hour]
    after = float(np.clip(np.round(moment.felt_safety + mean + member.noise_sd * z), 0, 10))
    settled = u < 1.0 / (1.0 + np.exp(-TRUTH.settled_after_slope * (after - 6.0)))
    state_after = "settled" if settled else ("activated" if moment.state == "settled" else moment.state)
    practice = practices[p]
    return PracticeOutcome(
        practice.slug,
        practice.condition,
        moment.state,
        moment.felt_safety,
        after,
        state_after,
        moment.at,
        moment.company,
    )


def _true_best(member: SyntheticMember, practices: Sequence[PracticeLike], state: str) -> tuple[int, FloatArray]:
    """Index of the best practice from ``state`` among those allowed alone, and the true effects."""
    moment = Moment(state, 5.0, dt.datetime.combine(_DAY, dt.time(12)))
    allowed = [i for i, p in enumerate(practices) if screen(p, moment) is None]
    effect = member.effect[STATES.index(state)]
    return max(allowed, key=lambda i: float(effect[i])), effect


def run_rule(member: SyntheticMember, practices: Sequence[PracticeLike], sessions: Sessions) -> MemberRun:
    """The fixed rule with ``member`` over ``sessions``."""
    index = {p.slug: i for i, p in enumerate(practices)}
    recent: list[str] = []
    gains = []
    for moment, z, u in zip(sessions.moments, sessions.noise, sessions.settle, strict=True):
        allowed = [p for p in practices if screen(p, moment) is None]
        choice = fixed_rule(allowed, moment, recent)
        gains.append(_outcome(member, practices, index[choice.slug], moment, float(z), float(u)).change)
        recent = [choice.slug, *recent][:6]
    return MemberRun(tuple(gains), (), ())


def run_learner(
    member: SyntheticMember, practices: Sequence[PracticeLike], sessions: Sessions, rng: np.random.Generator
) -> MemberRun:
    """The learner with ``member`` over ``sessions``; at the end, its best guess for each state."""
    index = {p.slug: i for i, p in enumerate(practices)}
    outcomes: list[PracticeOutcome] = []
    hyper: Hyper | None = None
    for moment, z, u in zip(sessions.moments, sessions.noise, sessions.settle, strict=True):
        if hyper is None or len(outcomes) in REFIT_AT:
            hyper = fit_hyper(fit_posterior(outcomes, practices, hyper=PRIOR_MODES).tree, start=hyper)
        posterior = fit_posterior(outcomes, practices, hyper=hyper)
        suggestion = suggest(posterior, practices, moment, rng)
        assert suggestion is not None
        outcomes.append(_outcome(member, practices, index[suggestion.practice.slug], moment, float(z), float(u)))
    posterior = fit_posterior(outcomes, practices)
    found, shortfall = [], []
    for state in STATES:
        best, effect = _true_best(member, practices, state)
        guess = best_guess(posterior, practices, Moment(state, 5.0, dt.datetime.combine(_DAY, dt.time(12))))
        g = index[guess] if guess is not None else -1
        found.append(g == best)
        shortfall.append(float(effect[best] - effect[g]) if g >= 0 else float("inf"))
    return MemberRun(tuple(o.change for o in outcomes), tuple(found), tuple(shortfall))


@dataclass(frozen=True)
class SeedResult:
    """Figures for one seed, each a mean over its members."""

    seed: int
    members: int
    learner_gain: FloatArray  # mean realised change per session index, over members
    rule_gain: FloatArray
    found_all_states: float  # share of members whose best practice is found from every state
    found_per_state: float  # share of (member, state) pairs found
    near_all_states: tuple[float, ...]  # per NEAR_POINTS tolerance: members within it from every state
    near_per_state: tuple[float, ...]  # for each of NEAR_POINTS: share of (member, state) pairs within it


def simulate(practices: Sequence[PracticeLike], seed: int, members: int = 40, sessions: int = 60) -> SeedResult:
    """Run ``members`` synthetic members for ``sessions`` sessions under both policies, from ``seed``."""
    rng = np.random.default_rng(seed)
    learner, rule, found, short = [], [], [], []
    for m in range(members):
        member = draw_member(rng, practices)
        moments = draw_sessions(rng, member, sessions)
        rule.append(run_rule(member, practices, moments).gains)
        run = run_learner(member, practices, moments, np.random.default_rng([seed, m]))
        learner.append(run.gains)
        found.append(run.found)
        short.append(run.shortfall)
    f, gap = np.array(found), np.array(short)
    return SeedResult(
        seed=seed,
        members=members,
        learner_gain=np.mean(learner, axis=0),
        rule_gain=np.mean(rule, axis=0),
        found_all_states=float(np.mean(np.all(f, axis=1))),
        found_per_state=float(np.mean(f)),
        near_all_states=tuple(float(np.mean(np.all(gap <= tol, axis=1))) for tol in NEAR_POINTS),
        near_per_state=tuple(float(np.mean(gap <= tol)) for tol in NEAR_POINTS),
    )
