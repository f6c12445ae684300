import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge

from reservoir._ridge import GramAccumulator


def _data(n=500, n_features=12, n_targets=3, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, n_features)) + 3.0  # non-centred on purpose
    Y = Z @ rng.standard_normal((n_features, n_targets)) + rng.standard_normal(
        (n, n_targets)
    )
    return Z, Y


@pytest.mark.parametrize("alpha", [0.0, 1e-6, 1.0, 100.0])
def test_same_coefficients_as_sklearn_ridge(alpha):
    Z, Y = _data()
    acc = GramAccumulator(Z.shape[1], Y.shape[1])
    acc.update(Z, Y)
    coef, intercept = acc.solve(alpha)
    ref = Ridge(alpha=alpha, solver="cholesky").fit(Z, Y)
    np.testing.assert_allclose(coef.T, ref.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(intercept, ref.intercept_, rtol=1e-8, atol=1e-10)


def test_chunks_and_merges_equal_one_batch():
    Z, Y = _data(n=1003)
    whole = GramAccumulator(Z.shape[1], Y.shape[1])
    whole.update(Z, Y)
    chunked = GramAccumulator(Z.shape[1], Y.shape[1])
    for start in range(0, 1003, 97):
        chunked.update(Z[start : start + 97], Y[start : start + 97])
    left = GramAccumulator(Z.shape[1], Y.shape[1])
    right = GramAccumulator(Z.shape[1], Y.shape[1])
    left.update(Z[:400], Y[:400])
    right.update(Z[400:], Y[400:])
    merged = left.merge(right)
    for other in (chunked, merged):
        assert other.n_samples == whole.n_samples
        np.testing.assert_allclose(other.czz, whole.czz, rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(other.czy, whole.czy, rtol=1e-10, atol=1e-9)
        for a, b in zip(other.solve(1e-3), whole.solve(1e-3), strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_empty_chunks_are_ignored_and_empty_accumulator_refuses_to_solve():
    acc = GramAccumulator(2, 1)
    acc.update(np.empty((0, 2)), np.empty((0, 1)))
    with pytest.raises(ValueError, match="no training rows"):
        acc.solve(1.0)


@settings(max_examples=40, deadline=None)
@given(
    cuts=st.lists(st.integers(min_value=1, max_value=199), max_size=8, unique=True),
    shift=st.floats(min_value=-1e3, max_value=1e3),
)
def test_any_chunking_gives_the_same_statistics(cuts, shift):
    Z, Y = _data(n=200, n_features=4, n_targets=2, seed=1)
    Z = Z + shift
    whole = GramAccumulator(4, 2)
    whole.update(Z, Y)
    chunked = GramAccumulator(4, 2)
    bounds = [0, *sorted(cuts), 200]
    for lo, hi in itertools.pairwise(bounds):
        chunked.update(Z[lo:hi], Y[lo:hi])
    np.testing.assert_allclose(chunked.mean_z, whole.mean_z, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(chunked.czz, whole.czz, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(chunked.czy, whole.czy, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(chunked.cyy, whole.cyy, rtol=1e-10, atol=1e-8)
