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


@pytest.mark.parametrize(
    ("offset", "spread", "drift"),
    [(1e3, 1e-3, 0.0), (1.0, 1e-6, 0.0), (1.0, 1e-3, 1e-2)],
)
def test_centred_statistics_of_offset_rows_are_exact_to_rounding(offset, spread, drift):
    # rows far from zero with a tiny spread (states of a saturated reservoir):
    # the blocks of an update are centred on shifts before their products,
    # never by cancellation of raw products; compared with the centred Gram
    # in extended precision, chunks of 7000 rows (several row blocks each)
    rng = np.random.default_rng(1)
    n, n_features = 40_000, 5
    Z = (
        offset
        + spread * rng.standard_normal((n, n_features))
        + drift * np.linspace(0, 1, n)[:, None]
    )
    Y = 2 * Z[:, :1] + spread * rng.standard_normal((n, 1))
    acc = GramAccumulator(n_features, 1)
    for start in range(0, n, 7000):
        acc.update(Z[start : start + 7000], Y[start : start + 7000])
    Zl, Yl = Z.astype(np.longdouble), Y.astype(np.longdouble)
    Zc, Yc = Zl - Zl.mean(axis=0), Yl - Yl.mean(axis=0)
    for got, exact in (
        (acc.czz, Zc.T @ Zc),
        (acc.czy, Zc.T @ Yc),
        (acc.cyy, Yc.T @ Yc),
    ):
        error = np.abs(got - exact).max() / np.abs(exact).max()
        assert float(error) < 1e-11
    assert float(np.abs(acc.mean_z - Zl.mean(axis=0)).max()) < 1e-12 * offset
    np.testing.assert_array_equal(acc.czz, acc.czz.T)  # exactly symmetric
