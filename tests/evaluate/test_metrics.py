"""Bootstrap intervals and the overall score."""

from __future__ import annotations

import numpy as np
import pytest

from babyvlm.evaluate.metrics import bootstrap_means, metric_table, overall


def test_bootstrap_interval_and_determinism():
    values = np.array([[1.0], [0.0], [1.0], [1.0], [0.0], [1.0], [1.0], [1.0]])
    (m,) = bootstrap_means(values, n_resamples=2000, seed=3, task="t")
    assert m.value == pytest.approx(0.75)
    assert m.ci_low < 0.75 < m.ci_high and 0.25 <= m.ci_low and m.ci_high <= 1.0
    (again,) = bootstrap_means(values, n_resamples=2000, seed=3, task="t")
    assert (again.ci_low, again.ci_high) == (m.ci_low, m.ci_high)
    (other,) = bootstrap_means(values, n_resamples=2000, seed=4, task="t")
    assert other.value == m.value


def test_constant_values_have_a_zero_width_interval():
    (m,) = bootstrap_means(np.ones((5, 1)), n_resamples=100)
    assert (m.value, m.ci_low, m.ci_high) == (1.0, 1.0, 1.0)


def test_undefined_values_are_left_out():
    rows = [{"metrics": {"a": 1.0, "b": None}}, {"metrics": {"a": 0.0, "b": 1.0}}]
    t = metric_table(rows, ["a", "b"])
    a, b = bootstrap_means(t, n_resamples=50)
    assert a.value == 0.5 and b.value == 1.0


def test_overall_is_the_mean_of_primaries_with_an_interval():
    t1 = bootstrap_means(np.array([[1.0], [1.0], [0.0], [1.0]]), n_resamples=500, task="a")[0]
    t2 = bootstrap_means(np.array([[0.0], [0.0], [1.0], [0.0]]), n_resamples=500, task="b")[0]
    o = overall([t1, t2])
    assert o.value == pytest.approx(0.5)
    assert o.ci_low <= 0.5 <= o.ci_high
    # narrower than either task's interval: two independent tasks average out
    assert o.ci_high - o.ci_low < t1.ci_high - t1.ci_low
