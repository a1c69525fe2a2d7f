"""The cohort's before-to-after shift counts each person once, however often they practised."""

from __future__ import annotations

import math

import pytest

from attune.web.workbooks.progress import cohort_shift


def test_one_person_with_many_sessions_counts_once() -> None:
    # Ada practised ten times (+4 each), Ben and Cleo once (0 and +2). Counting sessions would
    # give a mean of 42 / 12 = 3.5 with a standard error of 0.44; per person it is 4, 0 and 2.
    changes = [(3, 7, "ada")] * 10 + [(5, 5, "ben"), (4, 6, "cleo")]
    shift = cohort_shift(changes)
    assert shift.n == 12
    assert shift.mean == pytest.approx(2.0, rel=1e-12)
    assert shift.standard_error == pytest.approx(2.0 / math.sqrt(3), rel=1e-12)  # sd 2 over 3 people


def test_a_persons_sessions_are_averaged_before_the_group_is() -> None:
    # Ada: +3 and +1 (mean 2); Ben: +6. Across people: mean 4, sd 2.83, standard error 2.
    shift = cohort_shift([(2, 5, 1), (4, 5, 1), (1, 7, 2)])
    assert shift.n == 3
    assert shift.mean == pytest.approx(4.0, rel=1e-12)
    assert shift.standard_error == pytest.approx(2.0, rel=1e-12)


def test_one_person_alone_has_a_mean_but_no_standard_error() -> None:
    shift = cohort_shift([(2, 5, "ada"), (4, 5, "ada"), (1, 7, "ada")])
    assert (shift.n, shift.standard_error) == (3, None)
    assert shift.mean == pytest.approx(10 / 3, rel=1e-12)


def test_no_sessions_give_no_figure() -> None:
    shift = cohort_shift([])
    assert (shift.n, shift.mean, shift.standard_error) == (0, None, None)
    assert shift.calibrating


def test_pairs_without_a_person_each_count_as_a_person() -> None:
    # +3, +1, +2: mean 2, sd 1, standard error 1 / sqrt(3).
    shift = cohort_shift([(3, 6), (5, 6), (4, 6)])
    assert shift.n == 3
    assert shift.mean == pytest.approx(2.0, rel=1e-12)
    assert shift.standard_error == pytest.approx(1 / math.sqrt(3), rel=1e-12)
