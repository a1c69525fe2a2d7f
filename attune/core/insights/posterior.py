"""One member's fitted hierarchy: built from their outcomes, read by the map and the learner."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from attune.core._common import FloatArray, IntArray
from attune.core.insights.hierarchy import (
    Evidence,
    Hyper,
    Marginals,
    Tree,
    corrected_marginals,
    draw,
    fit_hyper,
    hyper_covariance,
    marginals,
    upward,
)
from attune.core.insights.records import STATES, PracticeLike, PracticeOutcome

# Levels of the tree, as indices into Evidence and Marginals tuples.
ROOT, STATE, CONDITION, PRACTICE, LEAF = range(5)


@dataclass(frozen=True, eq=False)
class Posterior:
    """The fitted hierarchy of one member.

    Node indices: state ``s`` is ``STATES[s]``; condition node ``s * C + c``; practice node
    ``s * P + p``, for ``C`` conditions and ``P`` practices in :attr:`conditions` and
    :attr:`practices` order. Leaves exist only where there are sessions.
    """

    hyper: Hyper
    tree: Tree
    evidence: Evidence
    conditions: tuple[str, ...]
    practices: tuple[str, ...]
    practice_condition: IntArray
    leaves: dict[tuple[int, int, str], int]
    counts: IntArray  # sessions by (state, practice)
    sums: FloatArray  # sum of changes by (state, practice)
    settled_after: IntArray  # sessions that ended settled, by (state, practice)
    rated_after: IntArray  # sessions with a state at the end, by (state, practice)

    @cached_property
    def marginals(self) -> Marginals:
        """Posterior mean and variance of every node, at the estimated standard deviations."""
        return marginals(self.tree, self.evidence, self.hyper)

    @cached_property
    def corrected(self) -> Marginals:
        """As :attr:`marginals`, with variances widened for the uncertainty of the standard deviations."""
        if self.tree.change.size == 0:
            return self.marginals
        return corrected_marginals(self.tree, self.hyper, hyper_covariance(self.tree, self.hyper))

    def practice_node(self, state: str, slug: str) -> int | None:
        """The node of ``slug`` from ``state``, or None for a practice the posterior does not know."""
        p = self._practice_index.get(slug)
        return None if p is None else STATES.index(state) * len(self.practices) + p

    def condition_node(self, state: str, condition: str) -> int | None:
        """The node of ``condition`` from ``state``, or None for an unknown condition."""
        c = self._condition_index.get(condition)
        return None if c is None else STATES.index(state) * len(self.conditions) + c

    def n(self, state: str, slug: str) -> int:
        """Sessions of ``slug`` begun in ``state``."""
        p = self._practice_index.get(slug)
        return 0 if p is None else int(self.counts[STATES.index(state), p])

    def n_any_state(self, slug: str) -> int:
        """Sessions of ``slug`` from any state."""
        p = self._practice_index.get(slug)
        return 0 if p is None else int(self.counts[:, p].sum())

    def raw_mean(self, state: str, slug: str) -> float | None:
        """Plain mean change of ``slug`` from ``state``, or None without sessions."""
        p = self._practice_index.get(slug)
        if p is None or self.counts[STATES.index(state), p] == 0:
            return None
        s = STATES.index(state)
        return float(self.sums[s, p] / self.counts[s, p])

    def sample(
        self, rng: np.random.Generator, state: str, candidates: Sequence[PracticeLike], context: str
    ) -> FloatArray:
        """One joint posterior draw of the expected change of each candidate, from ``state`` in ``context``.

        A context, practice or condition without sessions is drawn from its parent's draw plus its
        own prior spread, so untried practices are explored from what their condition suggests.
        """
        values = draw(self.tree, self.evidence, self.hyper, rng)
        s = STATES.index(state)
        out = np.empty(len(candidates))
        for i, practice in enumerate(candidates):
            p = self._practice_index.get(practice.slug)
            leaf = None if p is None else self.leaves.get((s, p, context))
            if leaf is not None:
                out[i] = values[LEAF][leaf]
                continue
            spread = self.hyper.context_sd**2
            if p is not None:
                base = values[PRACTICE][s * len(self.practices) + p]
            else:
                spread += self.hyper.practice_sd**2
                c = self._condition_index.get(practice.condition)
                if c is not None:
                    base = values[CONDITION][s * len(self.conditions) + c]
                else:
                    base = values[STATE][s]
                    spread += self.hyper.condition_sd**2
            out[i] = base + np.sqrt(spread) * rng.standard_normal()
        return out

    @cached_property
    def _practice_index(self) -> dict[str, int]:
        return {slug: i for i, slug in enumerate(self.practices)}

    @cached_property
    def _condition_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.conditions)}


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def fit_posterior(
    outcomes: Sequence[PracticeOutcome], practices: Sequence[PracticeLike], *, hyper: Hyper | None = None
) -> Posterior:
    """Fit the hierarchy to one member's ``outcomes``.

    Parameters
    ----------
    outcomes
        Every practice session of the member with both felt-safety readings, in any order.
    practices
        The library. Every practice in it gets a node, so the learner can weigh untried ones;
        practices that only appear in ``outcomes`` (retired ones) get a node too. A practice's
        condition is the library's, else the one recorded with its first outcome.
    hyper
        Standard deviations to use as they are; by default they are estimated (see
        :func:`attune.core.insights.hierarchy.fit_hyper`).
    """
    condition_of = {p.slug: p.condition for p in practices}
    for o in outcomes:
        condition_of.setdefault(o.practice, o.condition)
    slugs = tuple(condition_of)
    conditions = _unique(condition_of.values())
    c_index = {c: i for i, c in enumerate(conditions)}
    p_index = {slug: i for i, slug in enumerate(slugs)}
    n_s, n_c, n_p = len(STATES), len(conditions), len(slugs)
    practice_condition = np.array([c_index[condition_of[slug]] for slug in slugs], dtype=np.intp)

    leaves: dict[tuple[int, int, str], int] = {}
    session_leaf = np.empty(len(outcomes), dtype=np.intp)
    change = np.empty(len(outcomes))
    counts = np.zeros((n_s, n_p), dtype=np.intp)
    sums = np.zeros((n_s, n_p))
    settled_after = np.zeros((n_s, n_p), dtype=np.intp)
    rated_after = np.zeros((n_s, n_p), dtype=np.intp)
    for i, o in enumerate(outcomes):
        s, p = STATES.index(o.state_before), p_index[o.practice]
        session_leaf[i] = leaves.setdefault((s, p, o.context), len(leaves))
        change[i] = o.change
        counts[s, p] += 1
        sums[s, p] += o.change
        settled_after[s, p] += o.state_after == "settled"
        rated_after[s, p] += o.state_after is not None
    leaf_parent = np.empty(len(leaves), dtype=np.intp)
    for (s, p, _), leaf in leaves.items():
        leaf_parent[leaf] = s * n_p + p
    tree = Tree(
        condition_parent=np.repeat(np.arange(n_s, dtype=np.intp), n_c),
        practice_parent=(np.arange(n_s, dtype=np.intp)[:, None] * n_c + practice_condition[None, :]).ravel(),
        leaf_parent=leaf_parent,
        session_leaf=session_leaf,
        change=change,
        n_states=n_s,
    )
    hyper = hyper if hyper is not None else fit_hyper(tree)
    return Posterior(
        hyper=hyper,
        tree=tree,
        evidence=upward(tree, hyper),
        conditions=conditions,
        practices=slugs,
        practice_condition=practice_condition,
        leaves=leaves,
        counts=counts,
        sums=sums,
        settled_after=settled_after,
        rated_after=rated_after,
    )
