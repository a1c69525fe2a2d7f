"""A normal–normal hierarchy on a tree, with empirical-Bayes standard deviations.

The change in felt safety of one session is modelled as

    change ~ N(theta_leaf, noise_sd²)                 leaf = (state, practice, context)
    theta_leaf ~ N(theta_practice, context_sd²)       practice within a starting state
    theta_practice ~ N(phi_condition, practice_sd²)   condition within a starting state
    phi_condition ~ N(mu_state, condition_sd²)
    mu_state ~ N(mu, state_sd²)                       the member's mean from each state
    mu ~ N(0, MEMBER_MEAN_PRIOR_SD²)                  the member's overall mean change

Every node of the tree, with or without sessions, gets an exact Gaussian posterior for given
standard deviations: an upward pass collects each subtree's evidence (in precision form, so a
node without data carries precision 0), a downward pass turns it into marginal posteriors, or
into one joint draw for Thompson sampling. Both passes are linear in the number of nodes.

The five standard deviations are estimated per member by maximising the marginal likelihood
(the upward pass yields it exactly) times a weak Gamma(2, 1/mode) prior on each; that prior keeps
the estimates off zero when there is little data (Chung et al. 2013) and equals the mode in
:data:`PRIOR_MODES` when there is none.

References
----------
Gelman A et al. Bayesian Data Analysis, 3rd ed., ch. 5 (2013): hierarchical normal models.
Chung Y, Rabe-Hesketh S, Dorie V, Gelman A, Liu J. A nondegenerate penalized likelihood estimator
for variance parameters in multilevel models. Psychometrika 78(4):685-709 (2013).
"""

from __future__ import annotations

import math
from dataclasses import astuple, dataclass
from typing import Final

import numpy as np
from scipy.optimize import minimize

from attune.core._common import FloatArray, IntArray


@dataclass(frozen=True)
class Hyper:
    """The hierarchy's standard deviations, in felt-safety points (0 to 10 scale)."""

    noise_sd: float
    context_sd: float
    practice_sd: float
    condition_sd: float
    state_sd: float


PRIOR_MODES: Final = Hyper(noise_sd=1.5, context_sd=0.3, practice_sd=0.5, condition_sd=0.5, state_sd=1.0)
"""Where each standard deviation's Gamma(2) hyperprior peaks: the values used with no data."""

MEMBER_MEAN_PRIOR_SD: Final = 2.0
"""The member's overall mean change is N(0, 2²) a priori: no change expected, +-4 points plausible."""

SD_BOUNDS: Final = (0.05, 5.0)


@dataclass(frozen=True, eq=False)
class Tree:
    """The shape of one member's hierarchy and the sessions at its leaves.

    Each ``*_parent`` array gives, for every node of a level, the index of its parent in the
    level above; states hang from the single root.
    """

    condition_parent: IntArray
    practice_parent: IntArray
    leaf_parent: IntArray
    session_leaf: IntArray
    change: FloatArray
    n_states: int

    @property
    def sizes(self) -> tuple[int, int, int, int]:
        """Number of state, condition, practice and leaf nodes."""
        return self.n_states, self.condition_parent.size, self.practice_parent.size, self.leaf_parent.size


@dataclass(frozen=True, eq=False)
class Evidence:
    """The upward pass: each node's own subtree evidence as (precision-weighted mean, precision)."""

    h: tuple[FloatArray, ...]  # root, states, conditions, practices, leaves
    p: tuple[FloatArray, ...]
    log_likelihood: float


@dataclass(frozen=True, eq=False)
class Marginals:
    """Posterior mean and variance of every node, level by level (root first)."""

    mean: tuple[FloatArray, ...]
    var: tuple[FloatArray, ...]


_LOG_2PI = math.log(2.0 * math.pi)


def _sds(hyper: Hyper) -> tuple[float, float, float, float]:
    """Edge standard deviations from the top: state, condition, practice, context."""
    return hyper.state_sd, hyper.condition_sd, hyper.practice_sd, hyper.context_sd


def _gather(h: FloatArray, p: FloatArray, parent: IntArray, n_parent: int) -> tuple[FloatArray, FloatArray, float]:
    """Sum children's messages into their parents; return the parents' evidence and its log constant."""
    hp = np.bincount(parent, weights=h, minlength=n_parent).astype(np.float64)
    pp = np.bincount(parent, weights=p, minlength=n_parent).astype(np.float64)
    c = p > 0
    q = pp > 0
    log_c = 0.5 * float(np.sum(np.log(p[c]) - h[c] ** 2 / p[c])) - 0.5 * _LOG_2PI * int(np.count_nonzero(c))
    log_c += 0.5 * _LOG_2PI * int(np.count_nonzero(q)) - 0.5 * float(np.sum(np.log(pp[q]) - hp[q] ** 2 / pp[q]))
    return hp, pp, log_c


def _through(h: FloatArray, p: FloatArray, sd: float) -> tuple[FloatArray, FloatArray]:
    """A node's evidence as seen by its parent, across an edge with prior standard deviation ``sd``."""
    f = 1.0 / (1.0 + p * sd * sd)
    return h * f, p * f


def upward(tree: Tree, hyper: Hyper) -> Evidence:
    """Collect the evidence of every subtree and the exact log marginal likelihood."""
    n_states, n_cond, n_prac, n_leaf = tree.sizes
    w = 1.0 / hyper.noise_sd**2
    h, p, ll = _gather(tree.change * w, np.full(tree.change.size, w), tree.session_leaf, n_leaf)
    hs, ps = [h], [p]
    for parent, n_parent, sd in zip(
        (tree.leaf_parent, tree.practice_parent, tree.condition_parent, np.zeros(n_states, dtype=np.intp)),
        (n_prac, n_cond, n_states, 1),
        reversed(_sds(hyper)),
        strict=True,
    ):
        h, p = _through(h, p, sd)
        h, p, log_c = _gather(h, p, parent, n_parent)
        hs.append(h)
        ps.append(p)
        ll += log_c
    if p[0] > 0:  # the root: integrate the member's mean over its prior
        var = 1.0 / p[0] + MEMBER_MEAN_PRIOR_SD**2
        ll += -0.5 * (_LOG_2PI + math.log(var) + (h[0] / p[0]) ** 2 / var)
    return Evidence(h=tuple(reversed(hs)), p=tuple(reversed(ps)), log_likelihood=float(ll))


def _parents(tree: Tree) -> tuple[IntArray, ...]:
    return (np.zeros(tree.n_states, dtype=np.intp), tree.condition_parent, tree.practice_parent, tree.leaf_parent)


def _edges(evidence: Evidence, level: int, sd: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """For each node of ``level`` (1 = states): slope and offset on its parent, and conditional variance."""
    q = 1.0 / sd**2 + evidence.p[level]
    return (1.0 / sd**2) / q, evidence.h[level] / q, 1.0 / q


def _root(evidence: Evidence) -> tuple[float, float]:
    q = float(evidence.p[0][0]) + 1.0 / MEMBER_MEAN_PRIOR_SD**2
    return float(evidence.h[0][0]) / q, 1.0 / q


def marginals(tree: Tree, evidence: Evidence, hyper: Hyper) -> Marginals:
    """Posterior mean and variance of every node (root, states, conditions, practices, leaves)."""
    m0, v0 = _root(evidence)
    means, vars_ = [np.array([m0])], [np.array([v0])]
    for level, (parent, sd) in enumerate(zip(_parents(tree), _sds(hyper), strict=True), start=1):
        a, b, v = _edges(evidence, level, sd)
        means.append(a * means[-1][parent] + b)
        vars_.append(a * a * vars_[-1][parent] + v)
    return Marginals(mean=tuple(means), var=tuple(vars_))


def draw(tree: Tree, evidence: Evidence, hyper: Hyper, rng: np.random.Generator) -> tuple[FloatArray, ...]:
    """One joint draw of every node from the posterior, top down (root, states, ..., leaves)."""
    m0, v0 = _root(evidence)
    values = [np.array([m0 + math.sqrt(v0) * rng.standard_normal()])]
    for level, (parent, sd) in enumerate(zip(_parents(tree), _sds(hyper), strict=True), start=1):
        a, b, v = _edges(evidence, level, sd)
        values.append(a * values[-1][parent] + b + np.sqrt(v) * rng.standard_normal(a.size))
    return tuple(values)


def _log_hyperprior(hyper: Hyper) -> float:
    """Gamma(2, rate 1/mode) on each standard deviation, up to a constant."""
    return float(sum(math.log(s) - s / m for s, m in zip(astuple(hyper), astuple(PRIOR_MODES), strict=True)))


def _objective(tree: Tree, log_sds: FloatArray) -> float:
    """Minus the log of marginal likelihood times hyperprior, at log standard deviations."""
    hyper = Hyper(*(float(v) for v in np.exp(log_sds)))
    return -(upward(tree, hyper).log_likelihood + float(_log_hyperprior(hyper)))


def fit_hyper(tree: Tree, start: Hyper | None = None) -> Hyper:
    """Estimate the standard deviations: the mode of marginal likelihood times their weak prior.

    With no sessions the prior modes come back unchanged. ``start`` (for example the previous
    estimate) only speeds the search up.
    """
    if tree.change.size == 0:
        return PRIOR_MODES
    lo, hi = math.log(SD_BOUNDS[0]), math.log(SD_BOUNDS[1])
    x0 = np.log(np.clip(astuple(start or PRIOR_MODES), *SD_BOUNDS))
    result = minimize(lambda x: _objective(tree, x), x0, method="SLSQP", bounds=[(lo, hi)] * x0.size)
    return Hyper(*(float(v) for v in np.exp(result.x)))


_STEP = 1e-3  # finite-difference step in log standard deviation


def hyper_covariance(tree: Tree, hyper: Hyper) -> FloatArray:
    """Laplace approximation: covariance of the log standard deviations around their estimate.

    The inverse of the numerical Hessian of :func:`_objective` at ``hyper``, with its eigenvalues
    kept at 0.5 or more (a standard deviation of at most about a factor of 4 either way), so that a
    flat direction (little data) stays finite.
    """
    x = np.log(astuple(hyper))
    k = x.size
    f0 = _objective(tree, x)
    eye = np.eye(k) * _STEP
    hess = np.empty((k, k))
    for i in range(k):
        for j in range(i, k):
            if i == j:
                value = (_objective(tree, x + eye[i]) - 2 * f0 + _objective(tree, x - eye[i])) / _STEP**2
            else:
                pp = _objective(tree, x + eye[i] + eye[j])
                mm = _objective(tree, x - eye[i] - eye[j])
                pm = _objective(tree, x + eye[i] - eye[j])
                mp = _objective(tree, x - eye[i] + eye[j])
                value = (pp - pm - mp + mm) / (4 * _STEP**2)
            hess[i, j] = hess[j, i] = value
    vals, vecs = np.linalg.eigh(hess)
    return np.asarray((vecs / np.maximum(vals, 0.5)) @ vecs.T, dtype=np.float64)


def corrected_marginals(tree: Tree, hyper: Hyper, cov: FloatArray) -> Marginals:
    """Marginals at ``hyper`` with variances widened for the uncertainty of ``hyper`` itself.

    The first-order correction of Kass and Steffey (1989): Var = Var(theta | hyper) + J cov J',
    with J the derivative of each posterior mean with respect to the log standard deviations
    (central differences).

    References
    ----------
    Kass RE, Steffey D. Approximate Bayesian inference in conditionally independent hierarchical
    models (parametric empirical Bayes models). JASA 84(407):717-726 (1989).
    """
    base = marginals(tree, upward(tree, hyper), hyper)
    x = np.log(astuple(hyper))
    jac: list[tuple[FloatArray, ...]] = []
    for i in range(x.size):
        step = np.zeros(x.size)
        step[i] = _STEP
        hp, hm = Hyper(*np.exp(x + step).tolist()), Hyper(*np.exp(x - step).tolist())
        up, down = marginals(tree, upward(tree, hp), hp), marginals(tree, upward(tree, hm), hm)
        jac.append(tuple((a - b) / (2 * _STEP) for a, b in zip(up.mean, down.mean, strict=True)))
    var = []
    for level, v in enumerate(base.var):
        j = np.stack([d[level] for d in jac], axis=1)  # (nodes, k)
        var.append(v + np.einsum("nk,kl,nl->n", j, cov, j))
    return Marginals(mean=base.mean, var=tuple(var))
