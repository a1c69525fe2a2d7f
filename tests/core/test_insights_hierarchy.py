"""The tree passes of the hierarchical normal model against the dense Gaussian formulas."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import multivariate_normal

from attune.core.insights.hierarchy import MEMBER_MEAN_PRIOR_SD, PRIOR_MODES, Hyper, Tree, fit_hyper, marginals, upward

HYPER = Hyper(noise_sd=1.3, context_sd=0.4, practice_sd=0.7, condition_sd=0.6, state_sd=0.9)


def small_tree(seed: int = 0, n: int = 25) -> tuple[Tree, np.ndarray]:
    """3 states x 2 conditions x 3 practices; sessions on random leaves; returns the tree and each session's path."""
    rng = np.random.default_rng(seed)
    practice_condition = np.array([0, 0, 1])
    leaf_prac = rng.integers(0, 9, size=8)  # 8 leaves over the 9 (state, practice) nodes
    session_leaf = rng.integers(0, 8, size=n)
    tree = Tree(
        condition_parent=np.repeat(np.arange(3), 2),
        practice_parent=(np.arange(3)[:, None] * 2 + practice_condition[None, :]).ravel(),
        leaf_parent=leaf_prac,
        session_leaf=session_leaf,
        change=rng.normal(1.0, 1.5, size=n),
        n_states=3,
    )
    leaf = session_leaf
    prac = tree.leaf_parent[leaf]
    cond = tree.practice_parent[prac]
    state = tree.condition_parent[cond]
    return tree, np.stack([state, cond, prac, leaf], axis=1)


def dense_covariance(paths: np.ndarray, hyper: Hyper) -> np.ndarray:
    """Cov(y_i, y_j): the prior variances of every node the two sessions share, plus noise."""
    sds = (hyper.state_sd, hyper.condition_sd, hyper.practice_sd, hyper.context_sd)
    cov = np.full((len(paths), len(paths)), MEMBER_MEAN_PRIOR_SD**2)
    for level, sd in enumerate(sds):
        cov += sd**2 * (paths[:, level][:, None] == paths[:, level][None, :])
    return cov + hyper.noise_sd**2 * np.eye(len(paths))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_log_likelihood_is_the_dense_gaussian_one(seed: int) -> None:
    tree, paths = small_tree(seed)
    dense = multivariate_normal(np.zeros(len(paths)), dense_covariance(paths, HYPER)).logpdf(tree.change)
    assert_allclose(upward(tree, HYPER).log_likelihood, dense, rtol=1e-10)


def test_the_posterior_of_a_practice_node_is_the_dense_conditional_one() -> None:
    tree, paths = small_tree(3)
    post = marginals(tree, upward(tree, HYPER), HYPER)
    cov_yy = dense_covariance(paths, HYPER)
    sds = (HYPER.state_sd, HYPER.condition_sd, HYPER.practice_sd)
    for node in range(9):
        s, c = node // 3, tree.practice_parent[node]
        # Cov(theta_node, y_i): the prior variances of the ancestors the session shares with the node.
        k = MEMBER_MEAN_PRIOR_SD**2 + sds[0] ** 2 * (paths[:, 0] == s) + sds[1] ** 2 * (paths[:, 1] == c)
        k = k + sds[2] ** 2 * (paths[:, 2] == node)
        prior_var = MEMBER_MEAN_PRIOR_SD**2 + sum(sd**2 for sd in sds)
        mean = k @ np.linalg.solve(cov_yy, tree.change)
        var = prior_var - k @ np.linalg.solve(cov_yy, k)
        assert_allclose(post.mean[3][node], mean, rtol=1e-9, atol=1e-12)
        assert_allclose(post.var[3][node], var, rtol=1e-9)


def test_with_no_sessions_the_standard_deviations_are_the_prior_modes() -> None:
    tree, _ = small_tree(0, n=0)
    assert fit_hyper(tree) == PRIOR_MODES


def test_it_recovers_a_large_noise_from_repeated_sessions() -> None:
    rng = np.random.default_rng(4)
    tree, _ = small_tree(5, n=400)
    noisy = Tree(**{**tree.__dict__, "change": rng.normal(0.0, 3.0, size=400)})
    assert fit_hyper(noisy).noise_sd == pytest.approx(3.0, rel=0.15)
