"""The public path writes each state once and keeps the kernels' bits (issue 14).

Every runner (single, batched, chunked, deep, bidirectional, float32) must give
exactly the states of the original two-pass path: project the whole sequence
with one GEMM, then run the single-sequence kernel on it. The batched kernels
are bit for bit the single ones (``test_kernels.py``), so the reference is
one sequence at a time. With one input feature every projected value is one
rounded product plus the bias, so any block split is exact; with several
features a GEMM's bits depend on the rows it is given, so those references use
the runners' own chunks (whole sequences here).
"""

import os

import numba
import numpy as np
import pytest
import threadpoolctl

from reservoir import (
    ESNForecaster,
    ESNRegressor,
    ReservoirTransformer,
    _kernels,
    bias_vector,
    input_matrix,
    recurrent_matrix,
)
from reservoir import _esn as esn_module
from reservoir import _reservoir as reservoir_module
from reservoir._esn import HARVEST_CHUNK_VALUES
from reservoir._reservoir import BidirectionalReservoir, DeepReservoir, Reservoir
from reservoir._ridge import GramAccumulator, RowBuffer
from reservoir._threading import blas_threads, numba_threads, small_linalg
from reservoir._validation import BATCH_FINITE_VALUES, all_finite_arrays
from reservoir.datasets import mackey_glass, to_forecasting
from reservoir.model_selection import ESNSearchCV


def _layer(n_features, n_units, seed, *, density=0.2, dtype=np.float64):
    W = recurrent_matrix(
        n_units, spectral_radius=0.9, density=density, random_state=seed
    )
    W_in = input_matrix(n_features, n_units, random_state=seed + 1)
    bias = bias_vector(n_units, bias_scaling=0.2, random_state=seed + 2)
    leak = np.linspace(0.3, 1.0, n_units)
    return Reservoir(W, W_in, bias, leak, "tanh", dtype=dtype)


def _two_pass(layer, U, x0=None):
    """The original path: one GEMM for the whole sequence, then the kernel."""
    pre = U.astype(layer.dtype) @ layer.W_in
    pre += layer.bias
    out = np.empty_like(pre)
    x0 = np.zeros(layer.n_units, layer.dtype) if x0 is None else x0.astype(layer.dtype)
    if layer.sparse:
        _kernels.run_csr(
            pre, layer._indptr, layer._indices, layer._data, layer.leak,
            layer._code, x0, out,
        )  # fmt: skip
    else:
        _kernels.run_dense(pre, layer._W, layer.leak, layer._code, x0, out)
    return out


def _inputs(n_features, lengths, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, (n, n_features)) for n in lengths]


RAGGED = (120, 100, 97, 60, 50, 7, 120, 1, 119)


@pytest.mark.parametrize("density", [0.2, 0.9])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("chunk_values", [None, 30 * 7])
def test_single_and_batched_runs_keep_the_bits(
    monkeypatch, density, dtype, chunk_values
):
    if chunk_values is not None:
        monkeypatch.setattr(reservoir_module, "CHUNK_VALUES", chunk_values)
    layer = _layer(1, 30, 0, density=density, dtype=dtype)
    inputs = _inputs(1, RAGGED)
    x0 = layer.initial_states(len(inputs))
    expected = [_two_pass(layer, U) for U in inputs]
    for got, want in zip(layer.run(inputs, x0), expected, strict=True):
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, want)
    for U, want in zip(inputs, expected, strict=True):  # alone
        np.testing.assert_array_equal(layer.run([U], x0[:1])[0], want)
    seen = {i: [] for i in range(len(inputs))}
    for i, start, states in layer.iter_states(inputs, x0, chunk_steps=13):
        seen[i].append((start, states.copy()))
    for i, want in enumerate(expected):
        got = np.concatenate([s for _, s in sorted(seen[i], key=lambda p: p[0])])
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("n_features", [1, 3])
def test_equal_lengths_and_initial_states_keep_the_bits(n_features):
    layer = _layer(n_features, 40, 3)
    inputs = _inputs(n_features, [80] * 20)
    x0 = np.random.default_rng(1).uniform(-0.5, 0.5, (20, 40))
    for U, start, got in zip(inputs, x0, layer.run(inputs, x0), strict=True):
        np.testing.assert_array_equal(got, _two_pass(layer, U, start))


def test_deep_and_bidirectional_runners_keep_the_bits():
    inputs = _inputs(2, (50, 50, 44, 9))
    first, second = _layer(2, 25, 0), _layer(25, 15, 10)
    deep = DeepReservoir([first, second])
    for U, got in zip(inputs, deep.run(inputs, deep.initial_states(4)), strict=True):
        s1 = _two_pass(first, U)
        np.testing.assert_array_equal(got, np.hstack([s1, _two_pass(second, s1)]))
    fwd, bwd = _layer(2, 12, 0), _layer(2, 8, 20)
    bi = BidirectionalReservoir(fwd, bwd)
    for U, got in zip(inputs, bi.run(inputs, bi.initial_states(4)), strict=True):
        back = _two_pass(bwd, np.ascontiguousarray(U[::-1]))[::-1]
        np.testing.assert_array_equal(got, np.hstack([_two_pass(fwd, U), back]))


def test_transform_of_a_3d_array_is_the_runner_buffer():
    X = np.random.default_rng(0).uniform(-1, 1, (6, 40, 2))
    tr = ReservoirTransformer(30, random_state=0).fit(X)
    states = tr.transform(X)
    assert states.shape == (6, 40, 30) and states.flags.c_contiguous
    for k in range(6):
        np.testing.assert_array_equal(states[k], tr.transform(X[k]))


def _harvest_per_sequence(esn, reservoir, sequences, targets, chunk_steps):
    """The original harvest loop: one RowBuffer.add per sequence and chunk."""
    acc = GramAccumulator(reservoir.n_units + sequences[0].shape[1], 1)
    buffer = RowBuffer(acc)
    x0 = reservoir.initial_states(len(sequences))
    for i, start, states in reservoir.iter_states(sequences, x0, chunk_steps):
        stop = start + states.shape[0]
        first = max(start, esn.washout)
        if first < stop:
            buffer.add(
                esn._features(sequences[i][first:stop], states[first - start :]),
                targets[i][first:stop],
            )
    return buffer.flush()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_chunked_harvest_adds_the_same_rows_in_the_same_groups(dtype):
    rng = np.random.default_rng(0)
    lengths = [30] * 300 + [25, 24, 400, 7]
    X = [rng.uniform(-1, 1, (n, 1)) for n in lengths]
    y = [np.sin(u) for u in X]
    esn = ESNRegressor(20, washout=5, dtype=dtype, random_state=0)
    seqs, targets, _ = esn._check_training_data(X, y, reset=True)
    reservoir = esn._build_reservoir(1)
    chunk_steps = max(1, HARVEST_CHUNK_VALUES // (20 * 300))
    (got,), _ = esn._harvest(
        reservoir, seqs, targets, reservoir.initial_states(len(seqs)), [5] * len(seqs)
    )
    want = _harvest_per_sequence(esn, reservoir, seqs, targets, chunk_steps)
    for name in ("n_samples", "mean_z", "mean_y", "czz", "czy", "cyy"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))


def test_row_buffer_pieces_equal_one_add_per_piece():
    rng = np.random.default_rng(0)
    sizes = [3, 0, 2500, 7, 2040, 1, 5000, 12] * 3
    Z = rng.standard_normal((sum(sizes), 6))
    Y = rng.standard_normal((sum(sizes), 2))
    one, many = RowBuffer(GramAccumulator(6, 2)), RowBuffer(GramAccumulator(6, 2))
    one.add_pieces(Z, Y, sizes)
    pos = 0
    for n in sizes:
        many.add(Z[pos : pos + n], Y[pos : pos + n])
        pos += n
    a, b = one.flush(), many.flush()
    for name in ("n_samples", "mean_z", "mean_y", "czz", "czy", "cyy"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_row_buffer_many_small_pieces_over_several_calls():
    # rows still queued from one call carry over into the next (as in the
    # harvest, one call per chunk); many pieces of a few rows each
    rng = np.random.default_rng(1)
    calls = [rng.integers(0, 30, 400).tolist() for _ in range(3)]
    calls[1][5] = 3000  # a piece over min_rows with rows queued before it
    one, many = RowBuffer(GramAccumulator(4, 1)), RowBuffer(GramAccumulator(4, 1))
    for sizes in calls:
        Z = rng.standard_normal((sum(sizes), 4))
        Y = rng.standard_normal((sum(sizes), 1))
        one.add_pieces(Z, Y, sizes)
        pos = 0
        for n in sizes:
            many.add(Z[pos : pos + n], Y[pos : pos + n])
            pos += n
    a, b = one.flush(), many.flush()
    for name in ("n_samples", "mean_z", "mean_y", "czz", "czy", "cyy"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def _blas_threads_now():
    return {
        i["num_threads"]
        for i in threadpoolctl.threadpool_info()
        if i["user_api"] == "blas"
    }


def test_blas_threads_are_chosen_and_restored():
    before = _blas_threads_now()
    with blas_threads(1):
        assert _blas_threads_now() == {1}
    with numba_threads(None):
        assert _blas_threads_now() == {1}
    with small_linalg(10):
        assert _blas_threads_now() == {1}
    assert _blas_threads_now() == before


def test_search_results_do_not_depend_on_n_jobs():
    X, y = to_forecasting(mackey_glass(700), horizon=1)
    y = y.ravel()
    grid = {"n_units": [30, 60], "spectral_radius": [0.5, 1.1], "alpha": [1e-6, 1e-2]}
    est = ESNRegressor(washout=20, random_state=0)
    results = [
        ESNSearchCV(est, grid, cv=3, n_jobs=n_jobs).fit(X, y).cv_results_
        for n_jobs in (1, 2)
    ]
    for key, value in results[0].items():
        if "time" in key:
            continue
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            np.testing.assert_array_equal(value, results[1][key], err_msg=key)


def test_many_short_targets_are_still_validated():
    X = np.random.default_rng(0).uniform(-1, 1, (50, 10, 1))
    y = np.sin(X[..., 0])
    esn = ESNRegressor(10, random_state=0)
    bad = y.copy()
    bad[7, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        esn.fit(X, bad)
    bad_list = list(y)
    bad_list[4] = np.full(10, np.inf)
    with pytest.raises(ValueError, match="infinity"):
        esn.fit(X, bad_list)
    short = list(y)
    short[2] = short[2][:9]
    with pytest.raises(ValueError, match="one row per time step"):
        esn.fit(X, short)
    # clean targets: the same fit as through check_array
    fast = ESNRegressor(10, random_state=0).fit(X, y).coef_
    slow = ESNRegressor(10, random_state=0).fit(X, [t.tolist() for t in y]).coef_
    np.testing.assert_array_equal(fast, slow)


def _predict_per_sequence(esn, X, whole=False):
    """Predict sequence by sequence and chunk: the states' product, then the
    inputs' product plus the intercept (the ridge readout's order); with
    ``whole``, over each whole sequence, else in predict's time chunks."""
    sequences = X if isinstance(X, list) else [X]
    n_inputs = sequences[0].shape[1] if esn.include_input else 0
    W, b = esn._W_out, esn._b_out
    x0 = esn.reservoir_.initial_states(len(sequences))
    if whole:
        steps = max(u.shape[0] for u in sequences)
    else:
        steps = esn_module.predict_chunk_steps(esn.reservoir_, sequences)
    outputs = [[] for _ in sequences]
    for i, start, states in esn.reservoir_.iter_states(sequences, x0, steps):
        stop = start + states.shape[0]
        part = states @ W[n_inputs:]
        part += sequences[i][start:stop] @ W[:n_inputs] + b if n_inputs else b
        outputs[i].append(part[:, 0] if esn._y_ndim == 1 else part)
    return [np.concatenate(parts) for parts in outputs]


@pytest.mark.parametrize("chunk_values", [None, 25 * 9])
@pytest.mark.parametrize(("n_features", "include_input"), [(1, True), (2, False)])
def test_predict_by_chunks_keeps_the_bits(
    monkeypatch, chunk_values, n_features, include_input
):
    if chunk_values is not None:
        monkeypatch.setattr(reservoir_module, "CHUNK_VALUES", chunk_values)
    X = _inputs(n_features, RAGGED, seed=4)
    y = [np.column_stack([np.sin(u[:, 0]), np.cos(u[:, -1])]) for u in X]
    esn = ESNRegressor(25, include_input=include_input, random_state=0).fit(X, y)
    got = esn.predict(X)
    for g, want in zip(got, _predict_per_sequence(esn, X), strict=True):
        np.testing.assert_array_equal(g, want)
    # sequences with as many rows share one stacked product: the same bits
    X3 = np.stack([u[:50] for u in X if u.shape[0] >= 50])
    want = _predict_per_sequence(esn, list(X3))
    np.testing.assert_array_equal(esn.predict(X3), np.stack(want))
    X1 = X[0][:, :1] if n_features == 1 else X[0]
    esn1 = ESNRegressor(25, include_input=include_input, random_state=0)
    esn1.fit(X1, np.sin(X1[:, 0]))
    np.testing.assert_array_equal(esn1.predict(X1), _predict_per_sequence(esn1, X1)[0])


@pytest.mark.parametrize("chunk_values", [16 * 120, 53 * 120, 112 * 120])
def test_predict_of_one_input_does_not_depend_on_its_chunks(monkeypatch, chunk_values):
    """predict's time chunks (one input feature) are a multiple of
    PREDICT_STEP_MULTIPLE steps: with one target (a GEMV), every output has
    the bits of one readout product over the whole sequence, whatever the
    chunk length, for one sequence, a 3-D batch and ragged lists."""
    X = _inputs(1, (333, 333, 333, 250, 97, 16, 1), seed=5)
    y = [np.sin(3 * u[:, 0]) for u in X]
    esn = ESNRegressor(40, density=0.3, random_state=0).fit(X, y)
    whole = [esn.predict(X), esn.predict(np.stack(X[:3])), esn.predict(X[0])]
    products = _predict_per_sequence(esn, X, whole=True)
    for g, want in zip(whole[0], products, strict=True):
        np.testing.assert_array_equal(g, want)
    monkeypatch.setattr(reservoir_module, "CHUNK_VALUES", chunk_values)
    steps = esn_module.predict_chunk_steps(esn.reservoir_, X)
    assert steps % esn_module.PREDICT_STEP_MULTIPLE == 0 and steps < 333
    for g, want in zip(esn.predict(X), whole[0], strict=True):
        np.testing.assert_array_equal(g, want)
    np.testing.assert_array_equal(esn.predict(np.stack(X[:3])), whole[1])
    np.testing.assert_array_equal(esn.predict(X[0]), whole[2])
    # several input features keep the runner's chunks (the states of
    # transform), and so do batches too large for 16 steps in the budget
    assert esn_module.predict_chunk_steps(esn.reservoir_, [np.zeros((5, 2))]) is None
    many = [np.zeros((20, 1))] * (chunk_values // (40 * 16) + 1)
    assert esn_module.predict_chunk_steps(esn.reservoir_, many) is None


def test_threaded_single_sequence_kernel_only_on_free_cores(monkeypatch):
    from reservoir import _threading

    busy = _threading.busy_cores()
    assert busy is None or busy >= 0
    layer = _layer(1, 310, 0, density=0.05)
    U = _inputs(1, [40])[0]
    want = _two_pass(layer, U)
    cores = os.cpu_count() or 1
    with numba_threads(2) as n_threads:
        for others, parallel in ((0, n_threads > 1 and cores > 1), (cores, False)):
            monkeypatch.setattr(reservoir_module, "busy_cores", lambda o=others: o)
            assert layer._parallel_step() is parallel
            # the same bits from the serial and the threaded kernel
            got = layer.run([U], layer.initial_states(1))[0]
            np.testing.assert_array_equal(got, want)


def test_transform_skips_the_finiteness_pass_only_when_overflow_is_impossible():
    X = np.random.default_rng(0).uniform(-1, 1, (50, 2))
    tr = ReservoirTransformer(20, random_state=0).fit(X)
    x0 = np.zeros((1, 20))
    assert tr._surely_finite([X], x0)
    assert not tr._surely_finite([X * 1e305], x0)
    assert not tr._surely_finite([X], x0 + 1e306)
    linear = ReservoirTransformer(20, activation="identity", random_state=0).fit(X)
    assert not linear._surely_finite([X], x0)
    # overflowing states still warn (the pass runs there)
    with pytest.warns(RuntimeWarning, match="NaN or infinite"):
        ReservoirTransformer(20, activation="identity", spectral_radius=5.0,
                             random_state=0).fit(X).transform(X * 1e300)  # fmt: skip


def test_readout_does_not_depend_on_threads(monkeypatch):
    # above SMALL_GRAM_FEATURES the Gram update runs on n_jobs BLAS threads,
    # or on fewer while the cores are busy: syrk's bits are the same
    import reservoir._ridge as ridge_module

    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (3, 300, 1))
    y = np.sin(X[..., 0])
    fits = []
    for forced in (1, 2):
        monkeypatch.setattr(
            ridge_module, "threads_for_free_cores", lambda n, f=forced: min(n, f)
        )
        for n_jobs in (None, 2):
            esn = ESNRegressor(520, washout=5, random_state=0, n_jobs=n_jobs)
            fits.append(esn.fit(X, y))
    for esn in fits[1:]:
        np.testing.assert_array_equal(esn._gram.czz, fits[0]._gram.czz)
        np.testing.assert_array_equal(esn.coef_, fits[0].coef_)
        np.testing.assert_array_equal(esn.predict(X), fits[0].predict(X))
    # the readout product too (its bits depend on the BLAS threads)
    X1 = rng.uniform(-1, 1, (2093, 1))
    fits[1].fit(X1, np.sin(X1[:, 0]))
    fits[2].fit(X1, np.sin(X1[:, 0]))
    np.testing.assert_array_equal(fits[1].predict(X1), fits[2].predict(X1))


def test_gram_updates_beside_a_lock_step_kernel_run_on_one_blas_thread(monkeypatch):
    # OpenBLAS's workers spin after a threaded call and stall the lock-step
    # kernel of the next time chunk: the harvest of a lone sequence of a
    # large reservoir updates its Gram matrix on one BLAS thread (the same
    # bits: syrk's do not depend on the threads); a batch keeps n_jobs
    # threads above SMALL_GRAM_FEATURES
    import reservoir._ridge as ridge_module
    from reservoir import _threading

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs two Numba threads")
    seen = []
    add_gram = ridge_module.GramAccumulator._add_gram

    def recording(self, Zc):
        seen.append(_threading.current_blas_threads())
        return add_gram(self, Zc)

    monkeypatch.setattr(ridge_module.GramAccumulator, "_add_gram", recording)
    monkeypatch.setattr(ridge_module, "threads_for_free_cores", lambda n: n)
    monkeypatch.setattr(esn_module, "HARVEST_CHUNK_VALUES", 520 * 100)
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (2500, 1))  # Gram updates between time chunks
    y = np.sin(X[:, 0])
    coefs = []
    # (a lone sequence running ahead of its Gram updates: test below)
    monkeypatch.setattr(Reservoir, "runs_ahead", lambda self, lengths, f: None)
    for lock_step in (True, False):
        monkeypatch.setattr(Reservoir, "_parallel_step", lambda self, f=lock_step: f)
        seen.clear()
        esn = ESNRegressor(520, washout=5, random_state=0, n_jobs=2).fit(X, y)
        assert len(seen) >= 4
        assert set(seen) == ({1} if lock_step else {2})
        coefs.append(esn.coef_)
    np.testing.assert_array_equal(coefs[0], coefs[1])
    # a batch of equal lengths runs the batched kernel: n_jobs threads
    monkeypatch.setattr(Reservoir, "_parallel_step", lambda self: True)
    seen.clear()
    ESNRegressor(520, washout=5, random_state=0, n_jobs=2).fit(
        np.stack([X, X[::-1]]), np.stack([y, y[::-1]])
    )
    assert set(seen) == {2}
    # the forecaster's teacher-forced harvest (one series), fit and update
    monkeypatch.setattr(reservoir_module, "CHUNK_VALUES", 520 * 300)
    forecaster = ESNForecaster(520, random_state=0, n_jobs=2)
    for call in (lambda: forecaster.fit(y), lambda: forecaster.partial_fit(y[:1000])):
        seen.clear()
        call()
        assert len(seen) >= 2 and set(seen) == {1}


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("layout", ["one", "list", "3d"])
@pytest.mark.parametrize("n_targets", [1, 2])
@pytest.mark.parametrize("chunk_values", [None, 2000])
def test_ridge_predict_loop_equals_the_generic_loop(
    dtype, layout, n_targets, chunk_values, monkeypatch
):
    # predict's ridge loop (outputs allocated up front, the states' product
    # on the kernel's buffer, then the inputs' columns and the intercept)
    # gives the generic loop's numbers (the product of the rows [u_t, x_t])
    # to rounding, for whole sequences and for time chunks
    if chunk_values is not None:
        monkeypatch.setattr(reservoir_module, "CHUNK_VALUES", chunk_values)
    rng = np.random.default_rng(2)
    if layout == "one":
        X = rng.uniform(-1, 1, (300, 2))
    elif layout == "3d":
        X = rng.uniform(-1, 1, (5, 40, 2))
    else:
        X = [rng.uniform(-1, 1, (n, 2)) for n in (7, 40, 3, 25)]
    seqs = [X] if layout == "one" else list(X)
    ys = [np.c_[np.sin(u[:, 0]), u[:, 1]][:, :n_targets] for u in seqs]
    ys = [y[:, 0] for y in ys] if n_targets == 1 else ys
    y = ys[0] if layout == "one" else (np.stack(ys) if layout == "3d" else ys)
    esn = ESNRegressor(30, dtype=dtype, random_state=0).fit(X, y)
    got, final = esn.predict(X, return_state=True)
    x0 = esn.reservoir_.initial_states(len(seqs))
    want_final = np.empty_like(esn.reservoir_.initial_states(len(seqs)))
    want = esn._predict_chunks(seqs, x0, [u.shape[0] for u in seqs], want_final)
    got = [got] if layout == "one" else list(got)
    assert len(got) == len(want)
    rtol = 1e-12 if dtype == "float64" else 1e-6
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    np.testing.assert_array_equal(
        final, want_final[0] if layout == "one" else want_final
    )


@pytest.mark.parametrize("where", ["X", "y"])
def test_many_sequences_one_finiteness_check_still_names_the_bad_one(where):
    # the inputs and targets of a collection are checked for finiteness in
    # batches; a failure still names the first bad sequence
    rng = np.random.default_rng(0)
    X = [rng.uniform(-1, 1, (20, 1)) for _ in range(4000)]
    y = [np.sin(u[:, 0]) for u in X]
    (X if where == "X" else y)[2345][3] = np.nan
    (X if where == "X" else y)[3000][0] = np.inf
    with pytest.raises(ValueError, match=rf"{where}\[2345\]"):
        ESNRegressor(10, random_state=0).fit(X, y)
    big = np.ones((BATCH_FINITE_VALUES + 1, 1))
    bad = X if where == "X" else y
    assert all_finite_arrays([*bad[:3], big]) and not all_finite_arrays([*bad, big])


def _every(ahead: bool):
    """A ``runs_ahead`` answer: every bucket (True) or none (False)."""
    return (lambda n_members: True) if ahead else None


class _SlowGram:
    """Record the thread of every kernel call and Gram update, and slow the
    updates down (so that a helper thread's kernels get ahead of them)."""

    def __init__(self, monkeypatch):
        import threading
        import time

        import reservoir._ridge as ridge_module

        self.events = []
        update = ridge_module.GramAccumulator.update

        def slow_update(acc, Z, Y):
            self.events.append(("gram", threading.get_ident(), Z.shape[0]))
            time.sleep(0.002)
            return update(acc, Z, Y)

        monkeypatch.setattr(ridge_module.GramAccumulator, "update", slow_update)
        for name in (
            "run_csr_inputs", "run_dense_inputs", "run_csr", "run_dense",
            "run_csr_batch_inputs", "run_dense_batch_inputs", "run_csr_batch",
            "run_dense_batch",
        ):  # fmt: skip
            kernel = getattr(_kernels, name)

            def recording(*args, kernel=kernel):
                self.events.append(("kernel", threading.get_ident(), args[-1].shape))
                return kernel(*args)

            monkeypatch.setattr(_kernels, name, recording)


@pytest.mark.parametrize("n_features", [1, 3])
@pytest.mark.parametrize("density", [0.1, 1.0])
@pytest.mark.parametrize("washout", [0, 1300])
def test_lone_sequence_running_ahead_keeps_the_bits(
    n_features, density, washout, monkeypatch
):
    # a lone sequence's kernel runs in a helper thread, piece by piece, up to
    # a chunk ahead, while the caller adds the states already written to the
    # Gram matrix in whole row blocks: the readout is the one of the kernel
    # then the Gram updates, bit for bit (several time chunks, a washout
    # inside the first, inputs projected per chunk), and so is the final
    # state (partial_fit continues from it)
    import threading

    import reservoir._ridge as ridge_module

    monkeypatch.setattr(reservoir_module, "AHEAD_PIECE_VALUES", 40 * 300)
    monkeypatch.setattr(esn_module, "HARVEST_CHUNK_VALUES", 40 * 4100)
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (9000, n_features))
    y = np.c_[np.sin(3 * X[:, 0]), X[:, -1] ** 2]
    fits, gram_sizes = {}, {}
    for ahead in (False, True):
        monkeypatch.setattr(
            Reservoir, "runs_ahead", lambda self, lengths, f, a=ahead: _every(a)
        )
        with monkeypatch.context() as m:
            events = _SlowGram(m).events
            esn = ESNRegressor(
                40, density=density, washout=washout, random_state=0, n_jobs=2
            ).fit(X, y)
            esn.partial_fit(X[:3000], y[:3000])
        fits[ahead] = esn
        # (the washout check runs a batch of two initial states)
        kernel_threads = {
            t for kind, t, shape in events if kind == "kernel" and len(shape) == 2
        }
        gram_threads = {t for kind, t, _ in events if kind == "gram"}
        main = threading.get_ident()
        assert gram_threads == {main}
        if ahead:
            assert main not in kernel_threads
            # pieces of 300 steps (chunks of 4100), Gram updates of whole
            # blocks of rows
            pieces = [s[0] for kind, _, s in events if kind == "kernel" and len(s) == 2]
            assert max(pieces) == 300 and len(pieces) == 14 + 14 + 3 + 10
        else:
            assert kernel_threads == {main}
        gram_sizes[ahead] = [n for kind, _, n in events if kind == "gram"]
    # the same Gram update calls either way: a chunk's rows in whole row
    # blocks but the last (one call of them all gives the same bits:
    # test_ridge.py::test_updates_of_whole_row_blocks_equal_one_update)
    assert gram_sizes[True] == gram_sizes[False]
    block = ridge_module.GramAccumulator.block_rows(40 + n_features)
    first = [block, 4100 - block] if washout == 0 else [4100 - washout, block]
    assert gram_sizes[True][:2] == first
    for name in ("coef_", "intercept_"):
        np.testing.assert_array_equal(
            getattr(fits[True], name), getattr(fits[False], name)
        )
    np.testing.assert_array_equal(fits[True].predict(X), fits[False].predict(X))


def test_running_ahead_needs_threads_free_cores_and_enough_work(monkeypatch):
    res = _layer(1, 50, 0)
    monkeypatch.setattr(reservoir_module, "busy_cores", lambda: 0)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(reservoir_module, "AHEAD_PIECE_VALUES", 50 * 400)
    monkeypatch.setattr(reservoir_module, "own_threads_running", lambda: 0)
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs two Numba threads")
    with numba_threads(2):
        # another thread of this process still running (BLAS workers
        # spinning): batches only
        monkeypatch.setattr(reservoir_module, "own_threads_running", lambda: 1)
        assert res.runs_ahead([500], 51) is None
        spinning = res.runs_ahead([500, 490, 100], 51)
        assert spinning(2) and not spinning(1)
        monkeypatch.setattr(reservoir_module, "own_threads_running", lambda: 0)
        lone = res.runs_ahead([500], 51)
        assert lone(1) and lone(2)
        assert res.runs_ahead([500, 100], 51)(1)  # two lone sequences
        assert res.runs_ahead([500, 490], 51)(2)  # one batch
        assert res.runs_ahead([300], 51) is None  # one piece: nothing to overlap
        # a batch whose Gram updates would use two BLAS threads: not ahead
        wide = res.runs_ahead([500, 100], 600)
        assert wide(1) and not wide(2)
        assert res.runs_ahead([500, 490], 600) is None
        monkeypatch.setattr(reservoir_module, "busy_cores", lambda: 1)
        assert res.runs_ahead([500], 51) is None
        monkeypatch.setattr(reservoir_module, "busy_cores", lambda: 0)
        monkeypatch.setattr(reservoir_module, "AHEAD_MAX_UNITS", 49)
        assert res.runs_ahead([500], 600) is None
        assert res.runs_ahead([500], 51) is None
        mixed = res.runs_ahead([500, 490, 100], 51)  # a batch and a lone one
        assert mixed(2) and not mixed(1)
    with numba_threads(None):
        assert _layer(1, 50, 0).runs_ahead([500], 51) is None
    deep = DeepReservoir([_layer(1, 20, 0), _layer(20, 20, 5)])
    assert deep.runs_ahead([500], 41) is None


@pytest.mark.parametrize("n_features", [1, 3])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("pieces", [False, True])
def test_batches_running_ahead_keep_the_bits(n_features, dtype, pieces, monkeypatch):
    # batches (chunk by chunk, one Numba thread) and lone sequences run in
    # the helper thread, the Gram updates of the chunk before beside them:
    # the readout and the final states (partial_fit continues) are the bits
    # of running each chunk first. With ``pieces``, a batch's chunk of one
    # input feature runs three sequences, then one (AHEAD_BATCH_MULTIPLE 3,
    # AHEAD_PIECE_VALUES one sequence's states), and the caller adds their
    # rows as soon as they are written
    import threading

    monkeypatch.setattr(esn_module, "HARVEST_CHUNK_VALUES", 30 * 4 * 50)
    if pieces:
        monkeypatch.setattr(reservoir_module, "AHEAD_BATCH_MULTIPLE", 3)
        monkeypatch.setattr(reservoir_module, "AHEAD_PIECE_VALUES", 30 * 50)
    rng = np.random.default_rng(4)
    lengths = [400, 390, 380, 385, 700, 90, 60]
    X = [rng.uniform(-1, 1, (n, n_features)) for n in lengths]
    y = [np.sin(2 * u[:, :1]) for u in X]
    fits = {}
    for ahead in (False, True):
        monkeypatch.setattr(
            Reservoir, "runs_ahead", lambda self, lengths, f, a=ahead: _every(a)
        )
        with monkeypatch.context() as m:
            events = _SlowGram(m).events
            esn = ESNRegressor(30, washout=7, dtype=dtype, random_state=0, n_jobs=2)
            esn.fit(X, y)
            esn.partial_fit(X, y, continue_state=True)
        fits[ahead] = esn
        if ahead:
            main = threading.get_ident()
            # the bucket of the four similar lengths (the washout check runs
            # other batches in this thread)
            split = pieces and n_features == 1
            batch_kernels = {
                t
                for kind, t, shape in events
                if kind == "kernel" and shape[0] == (3 if split else 4)
            }
            assert batch_kernels and main not in batch_kernels
            # pieces: the first Gram update of the batch comes before its
            # last sequence's kernel of that chunk
            if split:
                kinds = [kind for kind, t, _ in events if t != main or kind == "gram"]
                assert "gram" in kinds[: len(kinds) // 2]
    for name in ("coef_", "intercept_"):
        np.testing.assert_array_equal(
            getattr(fits[True], name), getattr(fits[False], name)
        )
    np.testing.assert_array_equal(fits[True]._last_states, fits[False]._last_states)


def test_an_error_in_the_helper_thread_reaches_the_caller(monkeypatch):
    monkeypatch.setattr(Reservoir, "runs_ahead", lambda self, lengths, f: _every(True))
    monkeypatch.setattr(reservoir_module, "AHEAD_PIECE_VALUES", 40 * 100)

    def broken(*args):
        raise FloatingPointError("from the helper")

    monkeypatch.setattr(_kernels, "run_csr_inputs", broken)
    X = np.random.default_rng(0).uniform(-1, 1, (3000, 1))
    with pytest.raises(FloatingPointError, match="from the helper"):
        ESNRegressor(40, density=0.1, random_state=0, n_jobs=2).fit(X, X[:, 0])


def test_an_error_in_a_batch_piece_reaches_the_caller(monkeypatch):
    # a batch run ahead in pieces of sequences: the second piece fails while
    # the caller adds the first one's rows; the error reaches the caller
    import threading

    monkeypatch.setattr(Reservoir, "runs_ahead", lambda self, lengths, f: _every(True))
    monkeypatch.setattr(reservoir_module, "AHEAD_BATCH_MULTIPLE", 2)
    monkeypatch.setattr(reservoir_module, "AHEAD_PIECE_VALUES", 40 * 500)
    kernel, calls = _kernels.run_csr_batch_inputs, []

    def second_fails(*args):
        if threading.current_thread() is not threading.main_thread():
            calls.append(args[-1].shape)
            if len(calls) == 2:
                raise FloatingPointError("from the second piece")
        return kernel(*args)

    monkeypatch.setattr(_kernels, "run_csr_batch_inputs", second_fails)
    X = np.random.default_rng(0).uniform(-1, 1, (6, 500, 1))
    with pytest.raises(FloatingPointError, match="from the second piece"):
        ESNRegressor(40, density=0.1, random_state=0, n_jobs=2).fit(X, X[..., 0])
    assert calls and all(shape[0] == 2 for shape in calls)


def test_the_helper_thread_keeps_off_the_callers_core(monkeypatch):
    # a helper started by a thread that kept its core busy is often placed
    # on that core: the initializer restricts the helper (only) to the
    # other allowed cores; nothing changes where that is not possible
    import threading

    from reservoir import _threading

    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no CPU affinity on this platform")
    allowed = os.sched_getaffinity(0)
    monkeypatch.setattr(_threading, "_current_core", lambda: min(allowed))
    seen = {}

    def helper(setup):
        setup()
        seen["helper"] = os.sched_getaffinity(0)

    thread = threading.Thread(target=helper, args=(_threading.away_from_this_core(),))
    thread.start()
    thread.join()
    assert os.sched_getaffinity(0) == allowed  # the caller is never moved
    if len(allowed) > 1:
        assert seen["helper"] == allowed - {min(allowed)}
    else:
        assert seen["helper"] == allowed

    def unknown():
        raise OSError("no /proc")

    monkeypatch.setattr(_threading, "_current_core", unknown)
    assert _threading.away_from_this_core() is _threading._no_setup
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3})
    monkeypatch.setattr(_threading, "_current_core", lambda: 3)
    assert _threading.away_from_this_core() is _threading._no_setup


def test_own_threads_running_counts_a_spinning_thread():
    import threading
    import time

    from reservoir._threading import own_threads_running

    if not os.path.isdir("/proc/self/task"):
        pytest.skip("needs /proc")
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            pass

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        counts = []
        for _ in range(50):  # the spinner runs whenever it holds the GIL
            counts.append(own_threads_running())
            time.sleep(0.001)
        assert max(counts) >= 1
    finally:
        stop.set()
        thread.join()


FORECASTER_CASES = {
    "one input": {},
    "exogenous inputs": {"exogenous": True},
    "states only": {"include_input": False},
    "cv, readout rows": {"alpha": [1e-8, 1e-3], "cv": 3},
    "cv, closed loop": {"alpha": [1e-8, 1e-3], "cv": 3, "horizon": 4},
    "lags, input penalty": {"n_lags": 3, "input_penalty": 4.0},
}


@pytest.mark.parametrize("ahead", [False, True])
@pytest.mark.parametrize("case", list(FORECASTER_CASES))
def test_forecaster_harvest_keeps_the_bits(case, ahead, monkeypatch):
    # ESNForecaster's harvest hands the inputs and the kernel's states to the
    # ridge statistics as they lie (no projection pass, no readout rows
    # copied side by side), and its kernel may run ahead in a helper thread:
    # the readout, the CV scores and the final state are those of the
    # original loop (project, run in place, rows side by side, one update
    # per chunk and CV block), bit for bit, over several time chunks
    import threading

    import reservoir.forecast as forecast_module

    params = dict(FORECASTER_CASES[case])
    exogenous = params.pop("exogenous", False)
    monkeypatch.setattr(forecast_module, "CHUNK_VALUES", 30 * 700)
    monkeypatch.setattr(reservoir_module, "AHEAD_PIECE_VALUES", 30 * 200)
    monkeypatch.setattr(
        Reservoir, "runs_ahead", lambda self, lengths, f, a=ahead: _every(a)
    )
    y = np.asarray(mackey_glass(2500, random_state=0)).reshape(-1)
    X = np.random.default_rng(1).uniform(-1, 1, (2500, 2)) if exogenous else None
    X_future = X[:4] if exogenous else None
    fits = {}
    for streamed in (True, False):
        with monkeypatch.context() as m:
            if not streamed:
                m.setattr(ESNForecaster, "_streams_harvest", lambda *args: False)
            events = _SlowGram(m).events
            fc = ESNForecaster(
                30, density=0.2, washout=50, random_state=0, n_jobs=2, **params
            ).fit(y, X)
        fits[streamed] = fc
        main = threading.get_ident()
        assert {t for kind, t, _ in events if kind == "gram"} == {main}
        lone = {t for kind, t, shape in events if kind == "kernel" and len(shape) == 2}
        # (closed-loop CV scoring runs its own kernels in the caller)
        assert (lone != {main}) == (streamed and ahead)
    new, old = fits[True], fits[False]
    for name in ("coef_", "intercept_", "alpha_", "alpha_scores_", "_state_noisy"):
        if hasattr(old, name):
            np.testing.assert_array_equal(getattr(new, name), getattr(old, name))
    np.testing.assert_array_equal(
        new.forecast(4, X_future=X_future), old.forecast(4, X_future=X_future)
    )


def test_forecaster_harvest_streams_only_plain_linear_ridge_runs():
    fc = ESNForecaster(20, random_state=0).fit(np.sin(np.arange(300) / 5.0))
    res, ridge = fc.reservoir_, [GramAccumulator(21, 1)]
    assert fc._streams_harvest(res, 0.0, ridge)
    assert not fc._streams_harvest(res, 1e-3, ridge)  # noise drawn per chunk
    assert not fc._streams_harvest(DeepReservoir([res, res]), 0.0, ridge)
    assert not fc._streams_harvest(res, 0.0, [object()])  # an online readout
    f32 = ESNForecaster(20, dtype="float32", random_state=0)
    f32.fit(np.sin(np.arange(300) / 5.0))
    assert not f32._streams_harvest(f32.reservoir_, 0.0, ridge)
    squared = ESNForecaster(20, readout_features="squared", random_state=0)
    squared.fit(np.sin(np.arange(300) / 5.0))
    assert not squared._streams_harvest(squared.reservoir_, 0.0, ridge)


def test_washout_check_runs_on_one_numba_thread(monkeypatch):
    # its two runs are one block of lanes: a second Numba thread would only
    # spin afterwards, on the core a kernel running ahead needs next
    from reservoir import diagnostics

    seen = []
    distances = diagnostics._distances

    def recording(*args):
        seen.append(numba.get_num_threads())
        return distances(*args)

    monkeypatch.setattr(diagnostics, "_distances", recording)
    layer = _layer(1, 30, 0)
    U = np.random.default_rng(0).uniform(-1, 1, (200, 1))
    with numba_threads(2):
        before = numba.get_num_threads()
        residual = diagnostics.washout_residual(layer, U, 100)
        assert numba.get_num_threads() == before
    assert seen == [1]
    with numba_threads(2):
        want = distances(layer, U[:100], np.stack([np.zeros(30), np.zeros(30)]))
    assert want.shape == (1, 100) and residual >= 0


@pytest.mark.parametrize("n_features", [1, 3])
@pytest.mark.parametrize("density", [0.1, 1.0])
def test_lock_step_kernels_get_the_threads_in_force(n_features, density, monkeypatch):
    # one unit range per step and thread the run may use (fewer atomic
    # operations than the _N_CHUNKS default); the same bits
    layer = _layer(n_features, 40, 5, density=density)
    U = np.random.default_rng(5).uniform(-1, 1, (1, 300, n_features))
    serial = layer.advance(U, layer.initial_states(1), serial=True)
    seen = []
    for name in (
        "run_csr_parallel", "run_dense_parallel", "run_csr_parallel_inputs",
        "run_dense_parallel_inputs",
    ):  # fmt: skip
        kernel = getattr(_kernels, name)

        def recording(*args, kernel=kernel):
            seen.append(args[-1])
            return kernel(*args)

        monkeypatch.setattr(_kernels, name, recording)
    monkeypatch.setattr(layer, "_parallel_step", lambda: True)
    in_force = []
    for threads in (1, 2):
        with numba_threads(threads):
            in_force.append(numba.get_num_threads())
            got = layer.advance(U, layer.initial_states(1))
        np.testing.assert_array_equal(got, serial)
    assert seen == in_force


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"strategy": "direct", "horizon": 3},
        {"n_layers": 2},
        {"noise_level": 1e-3},
        {"alpha": [1e-8, 1e-3], "cv": 2, "horizon": 3},
    ],
)
def test_forecaster_results_do_not_depend_on_n_jobs(params):
    # every product whose bits depend on the BLAS thread count (input
    # projections, readout products) runs on one thread: the same numbers
    # for any n_jobs (504 readout features with the inputs)
    # (predict on 1000 steps at 500 units differed by 6.7e-16 between
    # n_jobs=1 and 2: its projection and readout ran on n_jobs threads)
    rng = np.random.default_rng(2)
    y = np.sin(np.arange(4000) / 6.0) + 0.1 * rng.standard_normal(4000)
    X = rng.uniform(-1, 1, (4000, 3))
    n_units = 260 if params.get("n_layers") else 500
    got = []
    for n_jobs in (1, 2):
        fc = ESNForecaster(
            n_units, density=0.1, random_state=0, n_jobs=n_jobs, **params
        ).fit(y[:3000], X[:3000])
        got.append(
            (
                fc.coef_,
                fc.predict(y[3000:], X[3000:]),
                fc.forecast(3, X_future=X[3000:3003]),
                fc.forecast_origins(y, [3100, 3500], 3, X=X),
                getattr(fc, "alpha_scores_", None),
            )
        )
    for a, b in zip(*got, strict=True):
        np.testing.assert_array_equal(a, b)
