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


@pytest.mark.parametrize("n_features", [3, 41, 600])
@pytest.mark.parametrize("split", ["rows", "columns"])
def test_updates_of_whole_row_blocks_equal_one_update(n_features, split):
    # update works block by block from its first row: calls whose sizes
    # (but the last) are whole blocks give one call's bits (the harvest
    # adds a chunk's rows in such calls as a kernel running ahead writes
    # them; RowBuffer.add_streamed); a call of another size does not cut
    # the same blocks
    from reservoir._ridge import RowBuffer, SplitRows

    block = GramAccumulator.block_rows(n_features)
    rng = np.random.default_rng(n_features)
    n = 3 * block + 17
    Z = rng.standard_normal((n, n_features)) + 3.0
    Y = rng.standard_normal((n, 2))
    if split == "columns":
        Z = SplitRows(np.ascontiguousarray(Z[:, :1]), np.ascontiguousarray(Z[:, 1:]))
    one = GramAccumulator(n_features, 2)
    one.update(Z, Y)
    names = ("n_samples", "mean_z", "mean_y", "czz", "czy", "cyy")
    for cuts in ([block], [block, 3 * block], [2 * block, 3 * block]):
        calls = GramAccumulator(n_features, 2)
        for a, b in itertools.pairwise([0, *cuts, n]):
            calls.update(Z[a:b], Y[a:b])
        for name in names:
            np.testing.assert_array_equal(getattr(calls, name), getattr(one, name))
    # streamed into a RowBuffer: asks for the rows in order, same bits
    asked = []
    streamed = RowBuffer(GramAccumulator(n_features, 2), min_rows=block + 1)
    streamed.add_streamed(Z, Y, asked.append)
    assert asked == [2 * block, n]  # two blocks >= min_rows, then the rest
    got = streamed.flush()
    for name in names:
        np.testing.assert_array_equal(getattr(got, name), getattr(one, name))
    # straight into an accumulator (the forecaster's harvest): the same
    asked = []
    direct = GramAccumulator(n_features, 2)
    direct.update_streamed(Z, Y, asked.append, min_rows=1)
    assert asked == [block, 2 * block, 3 * block, n]
    for name in names:
        np.testing.assert_array_equal(getattr(direct, name), getattr(one, name))
    # a cut inside a block: other blocks, other last bits (for these rows)
    other = GramAccumulator(n_features, 2)
    other.update(Z[: block // 2], Y[: block // 2])
    other.update(Z[block // 2 :], Y[block // 2 :])
    assert not np.array_equal(other.czz, one.czz)


@pytest.mark.parametrize("sizes", [[300] * 9, [40, 2100, 7, 500, 500, 3000, 1]])
def test_row_pieces_read_only_rows_said_ready(sizes):
    # RowBuffer.add_pieces with ``ready``: the rows of a batch's chunk as a
    # helper thread writes them, sequence by sequence; no row is read before
    # ready(n) covers it (rows not yet written are NaN here, written when
    # asked for), and the updates are those of the rows all written first
    from reservoir._ridge import RowBuffer, SplitRows

    rng = np.random.default_rng(len(sizes))
    n = sum(sizes)
    U, S = rng.standard_normal((n, 1)), rng.standard_normal((n, 30)) + 2.0
    Y = rng.standard_normal((n, 2))
    written_U, written_S = np.full_like(U, np.nan), np.full_like(S, np.nan)
    asked = []

    def ready(rows):
        asked.append(rows)
        written_U[:rows], written_S[:rows] = U[:rows], S[:rows]

    names = ("n_samples", "mean_z", "mean_y", "czz", "czy", "cyy")
    want = RowBuffer(GramAccumulator(31, 2))
    want.add_pieces(SplitRows(U, S), Y, sizes)
    got = RowBuffer(GramAccumulator(31, 2))
    got.add_pieces(SplitRows(written_U, written_S), Y, sizes, ready)
    got.detach()  # the queued rows' copies: written ones only
    assert asked == sorted(asked) and asked[-1] == n
    ends = set(np.cumsum(sizes).tolist())
    assert set(asked) <= ends  # whole pieces (sequences) at a time
    for name in names:
        np.testing.assert_array_equal(
            getattr(got.flush(), name), getattr(want.flush(), name)
        )


def test_syrk_without_the_gil_gives_scipys_bits():
    # the ctypes call of the same dsyrk (GIL released, so a kernel running
    # ahead in another thread goes on) writes what SciPy's wrapper writes;
    # layouts it does not take are left to the wrapper
    import scipy.linalg.blas

    from reservoir._ridge_kernels import syrk_lower

    rng = np.random.default_rng(0)
    for n_rows, n_features in [(1297, 101), (512, 501), (7, 3), (1, 1), (0, 4)]:
        Z = rng.standard_normal((n_rows, n_features))
        C = rng.standard_normal((n_features, n_features))
        want = C.copy()
        scipy.linalg.blas.dsyrk(1.0, Z.T, beta=1.0, c=want.T, overwrite_c=1)
        assert syrk_lower(Z, C)
        np.testing.assert_array_equal(C, want)
    C = np.zeros((4, 4))
    assert not syrk_lower(np.asfortranarray(rng.standard_normal((9, 4))), C)
    assert not syrk_lower(rng.standard_normal((9, 4)).astype(np.float32), C)
    assert not syrk_lower(rng.standard_normal((9, 4)), C[:, :3])
    assert not C.any()
