"""The personal map: which practices and conditions have helped, from which starting state.

Two numbers per row, each with an interval:

- **Change in felt safety** (after minus before, 0 to 10 scale): the posterior mean and an
  equal-tailed interval from the hierarchical normal model in
  :mod:`attune.core.insights.hierarchy`. A practice's estimate is pulled towards its condition's,
  the condition's towards the member's mean from that state, by as much as the member's own data
  say practices and conditions differ; so two lucky sessions cannot top the list.
- **Ended settled**: how often a session begun in that state ended with the member feeling
  settled (from settled: stayed settled). A Beta-binomial with a pooled prior worth
  :data:`RATE_PRIOR_WEIGHT` sessions: a practice's prior mean is its condition's rate from the same
  state, itself pooled towards the member's rate from that state with a uniform prior; each level
  leaves out the sessions it is about, so no session counts twice.

Rows with fewer than :data:`MIN_SESSIONS` sessions read "not enough yet"; they are listed after
the others. The words on screen say "in your sessions so far", never "works".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy.stats import beta, norm

from attune.core._common import FloatArray
from attune.core.insights.hierarchy import Hyper
from attune.core.insights.posterior import CONDITION, PRACTICE, STATE, Posterior, fit_posterior
from attune.core.insights.records import STATE_LABELS, STATES, PracticeLike, PracticeOutcome

MIN_SESSIONS: Final = 3
"""Below this many sessions (of a practice, or a condition, from one state) a row reads "not enough yet"."""

INTERVAL_LEVEL: Final = 0.9
"""Every interval on the map is a 90 % equal-tailed posterior interval."""

RATE_PRIOR_WEIGHT: Final = 4.0
"""The pooled prior of an "ended settled" rate counts as this many sessions."""


@dataclass(frozen=True)
class Estimate:
    """A posterior mean with its equal-tailed interval at ``level``."""

    mean: float
    low: float
    high: float
    level: float


@dataclass(frozen=True)
class Row:
    """One row of the map: a practice, a condition, or all sessions, from one starting state.

    Attributes
    ----------
    state : str
        The starting state.
    kind : str
        ``"practice"``, ``"condition"`` or ``"state"`` (every session from that state).
    key, label : str
        The practice or condition slug and its title or label; for ``"state"``, the state.
    condition : str or None
        The practice's condition (None for condition and state rows).
    n : int
        Sessions behind the row.
    raw_mean : float or None
        The plain mean change in felt safety over those sessions (None when ``n`` is 0).
    change : Estimate
        The pooled estimate of the change in felt safety.
    settled : Estimate
        The pooled estimate of the share of sessions that ended settled, 0 to 1.
    settled_count, rated : int
        Sessions that ended settled, out of ``rated`` that recorded a state at the end.
    enough : bool
        ``n >= MIN_SESSIONS``; otherwise the row reads "not enough yet".
    """

    state: str
    kind: str
    key: str
    label: str
    condition: str | None
    n: int
    raw_mean: float | None
    change: Estimate
    settled: Estimate
    settled_count: int
    rated: int

    @property
    def enough(self) -> bool:
        return self.n >= MIN_SESSIONS


@dataclass(frozen=True)
class PersonalMap:
    """Everything the "what helps me" page shows.

    ``practices`` and ``conditions`` hold the rows with at least one session, grouped by state in
    :data:`STATES` order; within a state the rows with enough sessions come first, by estimated
    change (largest first), then the others by number of sessions. ``states`` has one row per
    state, sessions or not.
    """

    practices: tuple[Row, ...]
    conditions: tuple[Row, ...]
    states: tuple[Row, ...]
    n_sessions: int
    min_sessions: int
    level: float
    posterior: Posterior

    def for_state(self, state: str, kind: str = "practice") -> tuple[Row, ...]:
        """The sorted practice (or condition) rows from ``state``."""
        rows = self.practices if kind == "practice" else self.conditions
        return tuple(r for r in rows if r.state == state)

    def row(self, state: str, slug: str) -> Row | None:
        """The practice row of ``slug`` from ``state``, if it has sessions."""
        return next((r for r in self.practices if r.state == state and r.key == slug), None)


def _sort_key(row: Row) -> tuple[bool, float, float]:
    if row.enough:
        return (False, -row.change.mean, 0.0)
    return (True, -row.n, -row.change.mean)


def _rate_estimates(
    k: FloatArray, n: FloatArray, prior_mean: FloatArray, weight: float, level: float
) -> list[Estimate]:
    a = k + weight * prior_mean
    b = n - k + weight * (1.0 - prior_mean)
    tail = (1.0 - level) / 2.0
    low, high = beta.ppf(tail, a, b), beta.ppf(1.0 - tail, a, b)
    return [Estimate(float(m), float(lo), float(hi), level) for m, lo, hi in zip(a / (a + b), low, high, strict=True)]


def _leave_out(k_total: FloatArray, n_total: FloatArray, k: FloatArray, n: FloatArray, prior: FloatArray) -> FloatArray:
    """The pooled rate of a group without its own sessions, shrunk to ``prior`` with weight RATE_PRIOR_WEIGHT."""
    return (k_total - k + RATE_PRIOR_WEIGHT * prior) / (n_total - n + RATE_PRIOR_WEIGHT)


def personal_map(
    outcomes: Sequence[PracticeOutcome],
    practices: Sequence[PracticeLike],
    *,
    level: float = INTERVAL_LEVEL,
    hyper: Hyper | None = None,
    condition_labels: Mapping[str, str] | None = None,
) -> PersonalMap:
    """Build a member's map from their practice outcomes.

    Parameters
    ----------
    outcomes
        Every session of the member with both felt-safety readings (see
        :class:`~attune.core.insights.records.PracticeOutcome`).
    practices
        The practice library (``attune.content`` practices fit as they are), for titles and
        conditions, and so that the posterior knows the practices not yet tried.
    level
        The interval level, 0 to 1 (default :data:`INTERVAL_LEVEL`).
    hyper
        Standard deviations of the hierarchy to use instead of estimating them (for example
        cached from an earlier fit).
    condition_labels
        Condition slug to plain label, for the condition rows (by default the slug).

    Raises
    ------
    ValueError
        If ``level`` is not strictly between 0 and 1.
    """
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be between 0 and 1; got {level!r}.")
    post = fit_posterior(outcomes, practices, hyper=hyper)
    marg = post.corrected
    z = float(norm.ppf(0.5 + level / 2.0))
    titles = {p.slug: p.title for p in practices}
    labels = condition_labels or {}

    def change(level_index: int, node: int) -> Estimate:
        m, sd = float(marg.mean[level_index][node]), float(np.sqrt(marg.var[level_index][node]))
        return Estimate(m, m - z * sd, m + z * sd, level)

    n_s, n_p = post.counts.shape
    n_c = len(post.conditions)
    # Counts by state and condition, by summing practices into their conditions.
    onehot = np.eye(n_c)[post.practice_condition]  # (P, C)
    n_sp, k_sp, r_sp = post.counts.astype(float), post.settled_after.astype(float), post.rated_after.astype(float)
    sum_sp = post.sums
    n_sc, k_sc, r_sc, sum_sc = n_sp @ onehot, k_sp @ onehot, r_sp @ onehot, sum_sp @ onehot
    k_s, r_s = k_sp.sum(axis=1), r_sp.sum(axis=1)

    # "Ended settled": state rows with a uniform prior; conditions pooled to their state; practices to their condition.
    state_rate = _rate_estimates(k_s, r_s, np.full(n_s, 0.5), 2.0, level)
    cond_prior = (k_s[:, None] - k_sc + 1.0) / (r_s[:, None] - r_sc + 2.0)
    cond_rate = _rate_estimates(k_sc.ravel(), r_sc.ravel(), cond_prior.ravel(), RATE_PRIOR_WEIGHT, level)
    prac_cond_k, prac_cond_r = k_sc[:, post.practice_condition], r_sc[:, post.practice_condition]
    prac_state_prior = (k_s[:, None] - k_sp + 1.0) / (r_s[:, None] - r_sp + 2.0)
    prac_prior = _leave_out(prac_cond_k, prac_cond_r, k_sp, r_sp, prac_state_prior)
    prac_rate = _rate_estimates(k_sp.ravel(), r_sp.ravel(), prac_prior.ravel(), RATE_PRIOR_WEIGHT, level)

    def row(state: str, kind: str, key: str, label: str, at: tuple[int, int], counts: tuple[float, ...]) -> Row:
        """A row from its tree node ``at`` (level, index) and ``counts``: n, sum of changes, settled, rated."""
        n, total, settled, rated = counts
        rates = {PRACTICE: prac_rate, CONDITION: cond_rate, STATE: state_rate}[at[0]]
        condition = post.conditions[post.practice_condition[post.practices.index(key)]] if kind == "practice" else None
        return Row(
            state, kind, key, label, condition, int(n), float(total / n) if n > 0 else None,
            change(*at), rates[at[1]], int(settled), int(rated),
        )  # fmt: skip

    practice_rows: list[Row] = []
    condition_rows: list[Row] = []
    state_rows: list[Row] = []
    for s, state in enumerate(STATES):
        for p, slug in enumerate(post.practices):
            if n_sp[s, p] > 0:
                counts = (n_sp[s, p], sum_sp[s, p], k_sp[s, p], r_sp[s, p])
                practice_rows.append(
                    row(state, "practice", slug, titles.get(slug, slug), (PRACTICE, s * n_p + p), counts)
                )
        for c, condition in enumerate(post.conditions):
            if n_sc[s, c] > 0:
                counts = (n_sc[s, c], sum_sc[s, c], k_sc[s, c], r_sc[s, c])
                label = labels.get(condition, condition)
                condition_rows.append(row(state, "condition", condition, label, (CONDITION, s * n_c + c), counts))
        counts = (n_sp[s].sum(), sum_sp[s].sum(), k_s[s], r_s[s])
        state_rows.append(row(state, "state", state, STATE_LABELS[state], (STATE, s), counts))
    by_state = {state: i for i, state in enumerate(STATES)}
    return PersonalMap(
        practices=tuple(sorted(practice_rows, key=lambda r: (by_state[r.state], *_sort_key(r)))),
        conditions=tuple(sorted(condition_rows, key=lambda r: (by_state[r.state], *_sort_key(r)))),
        states=tuple(state_rows),
        n_sessions=len(outcomes),
        min_sessions=MIN_SESSIONS,
        level=level,
        posterior=post,
    )
