"""Every harvesting kernel of ``reservoir._kernels`` against the NumPy oracle.

The oracle is ``tests/naive.py``: a per-step loop written from the model. All
variants of one storage format must also agree bit for bit with each other
(single, batched, units split over threads) and for 1 and 2 numba threads.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import naive
import numba
import numpy as np
import pytest
import scipy.sparse

from reservoir import _kernels

ACTIVATIONS = list(_kernels.ACTIVATION_CODES)
TWO_THREADS = numba.config.NUMBA_NUM_THREADS >= 2


def _problem(n_units, n_steps, *, n_seq=None, density=0.3, seed=0):
    """A random sparse reservoir, inputs, per-unit leaks and initial states.

    Parameters
    ----------
    n_units : int
        Reservoir size.
    n_steps : int
        Sequence length.
    n_seq : int, default=None
        Number of sequences (None: one 2-D sequence).
    density : float, default=0.3
        Fraction of non-zero recurrent weights.
    seed : int, default=0
        Random seed.

    Returns
    -------
    dict
        ``W`` (CSR, row convention), ``W_in``, ``bias``, ``leak``, ``U``,
        ``x0`` and ``pre = U @ W_in + bias``.
    """
    rng = np.random.default_rng(seed)
    W = scipy.sparse.random_array(
        (n_units, n_units), density=density, rng=rng, format="csr"
    )
    W.data = rng.normal(0.0, 1.2 / np.sqrt(max(1.0, density * n_units)), W.nnz)
    n_features = 2
    W_in = rng.uniform(-1.0, 1.0, (n_features, n_units))
    bias = rng.uniform(-0.3, 0.3, n_units)
    leak = rng.uniform(0.1, 1.0, n_units)
    shape = (n_steps,) if n_seq is None else (n_seq, n_steps)
    U = rng.normal(0.0, 1.0, (*shape, n_features))
    x0 = rng.uniform(-0.9, 0.9, (*shape[:-1], n_units))
    return {
        "W": W,
        "W_in": W_in,
        "bias": bias,
        "leak": leak,
        "U": U,
        "x0": x0,
        "pre": U @ W_in + bias,
    }


def _csr_t(W, index_dtype=np.int32):
    """CSR arrays ``(indptr, indices, data)`` of ``W.T`` with a given index dtype.

    Parameters
    ----------
    W : scipy.sparse array
        Row-convention weights.
    index_dtype : dtype, default=np.int32
        Dtype of ``indptr`` and ``indices``.

    Returns
    -------
    tuple of ndarray
        The CSR arrays.
    """
    WT = scipy.sparse.csr_array(W.T)
    return (
        WT.indptr.astype(index_dtype),
        WT.indices.astype(index_dtype),
        WT.data.copy(),
    )


def _run(kind, p, activation, dtype=np.float64, index_dtype=np.int32, *threads):
    """Run one single-sequence kernel on problem ``p``.

    Parameters
    ----------
    kind : {'csr', 'csr_parallel', 'dense', 'dense_parallel'}
        Kernel variant.
    p : dict
        Problem from ``_problem`` (one sequence).
    activation : str
        Activation name.
    dtype : dtype, default=np.float64
        Floating dtype of every array.
    index_dtype : dtype, default=np.int32
        Dtype of the CSR index arrays.
    *threads : int
        ``n_threads`` of a parallel kernel (its default if none).

    Returns
    -------
    ndarray of shape (T, N)
        States.
    """
    code = _kernels.ACTIVATION_CODES[activation]
    pre = p["pre"].astype(dtype)
    leak = p["leak"].astype(dtype)
    x0 = p["x0"].astype(dtype)
    out = np.empty_like(pre)
    if kind.startswith("csr"):
        indptr, indices, data = _csr_t(p["W"], index_dtype)
        kernel = getattr(_kernels, "run_" + kind)
        kernel(pre, indptr, indices, data.astype(dtype), leak, code, x0, out, *threads)
    else:
        kernel = getattr(_kernels, "run_" + kind)
        kernel(pre, p["W"].toarray().astype(dtype), leak, code, x0, out, *threads)
    return out


def _run_batch(fmt, p, activation, dtype=np.float64):
    """Run a batched kernel on problem ``p`` (several sequences).

    Parameters
    ----------
    fmt : {'csr', 'dense'}
        Storage format.
    p : dict
        Problem from ``_problem`` with ``n_seq``.
    activation : str
        Activation name.
    dtype : dtype, default=np.float64
        Floating dtype of every array.

    Returns
    -------
    ndarray of shape (S, T, N)
        States.
    """
    code = _kernels.ACTIVATION_CODES[activation]
    pre = p["pre"].astype(dtype)
    leak = p["leak"].astype(dtype)
    x0 = p["x0"].astype(dtype)
    out = np.empty_like(pre)
    if fmt == "csr":
        indptr, indices, data = _csr_t(p["W"])
        _kernels.run_csr_batch(
            pre, indptr, indices, data.astype(dtype), leak, code, x0, out
        )
    else:
        W = p["W"].toarray().astype(dtype)
        _kernels.run_dense_batch(pre, W, leak, code, x0, out)
    return out


def _oracle(p, activation, seq=None):
    """States from the NumPy oracle for one sequence of ``p``.

    Parameters
    ----------
    p : dict
        Problem from ``_problem``.
    activation : str
        Activation name.
    seq : int, default=None
        Sequence index for a batched problem.

    Returns
    -------
    ndarray of shape (T, N)
        States.
    """
    U = p["U"] if seq is None else p["U"][seq]
    x0 = p["x0"] if seq is None else p["x0"][seq]
    return naive.esn_states(
        U, p["W"], p["W_in"], p["bias"], p["leak"], activation, x0=x0
    )


@pytest.mark.parametrize("kind", ["csr", "csr_parallel", "dense", "dense_parallel"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(("n_units", "n_steps"), [(1, 5), (6, 1), (37, 23)])
def test_single_matches_oracle(kind, activation, n_units, n_steps):
    p = _problem(n_units, n_steps, seed=n_units)
    np.testing.assert_allclose(
        _run(kind, p, activation), _oracle(p, activation), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("fmt", ["csr", "dense"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_batch_matches_oracle_and_single(fmt, activation):
    n_seq = 2 * _kernels.BLOCK_SIZE + 3  # a partial last block
    p = _problem(29, 11, n_seq=n_seq, seed=3)
    states = _run_batch(fmt, p, activation)
    for s in range(n_seq):
        one = {key: p[key] for key in ("W", "W_in", "bias", "leak")}
        one.update(U=p["U"][s], x0=p["x0"][s], pre=p["pre"][s])
        np.testing.assert_allclose(
            states[s], _oracle(p, activation, s), rtol=1e-12, atol=1e-12
        )
        # every variant of one format adds in the same order: same bits
        np.testing.assert_array_equal(states[s], _run(fmt, one, activation))


@pytest.mark.parametrize("fmt", ["csr", "dense"])
@pytest.mark.parametrize("n_seq", [1, 3, _kernels.BLOCK_SIZE, 13])
@pytest.mark.parametrize(("n_units", "n_steps"), [(1, 3), (9, 1), (9, 4)])
def test_batch_sizes(fmt, n_seq, n_units, n_steps):
    p = _problem(n_units, n_steps, n_seq=n_seq, seed=n_seq)
    states = _run_batch(fmt, p, "tanh")
    for s in range(n_seq):
        np.testing.assert_allclose(
            states[s], _oracle(p, "tanh", s), rtol=1e-12, atol=1e-12
        )


@pytest.mark.parametrize("kind", ["csr", "csr_parallel", "dense", "dense_parallel"])
def test_parallel_variants_match_serial_bits(kind):
    p = _problem(150, 7, density=0.2, seed=5)
    fmt = kind.split("_")[0]
    np.testing.assert_array_equal(_run(kind, p, "tanh"), _run(fmt, p, "tanh"))


@pytest.mark.parametrize("kind", ["csr", "csr_parallel", "dense", "dense_parallel"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_float32(kind, activation):
    p = _problem(40, 30, seed=7)
    states = _run(kind, p, activation, dtype=np.float32)
    assert states.dtype == np.float32
    np.testing.assert_allclose(states, _oracle(p, activation), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("fmt", ["csr", "dense"])
def test_float32_batch(fmt):
    p = _problem(20, 15, n_seq=10, seed=8)
    states = _run_batch(fmt, p, "tanh", dtype=np.float32)
    assert states.dtype == np.float32
    for s in range(10):
        np.testing.assert_allclose(
            states[s], _oracle(p, "tanh", s), rtol=1e-5, atol=1e-5
        )


@pytest.mark.parametrize("index_dtype", [np.int32, np.int64])
def test_index_dtypes(index_dtype):
    p = _problem(25, 9, seed=9)
    expected = _oracle(p, "tanh")
    for kind in ("csr", "csr_parallel"):
        states = _run(kind, p, "tanh", index_dtype=index_dtype)
        np.testing.assert_allclose(states, expected, rtol=1e-12, atol=1e-12)


def test_unsorted_indices():
    p = _problem(23, 6, seed=16)
    indptr, indices, data = _csr_t(p["W"])
    for j in range(23):  # reverse every row: same matrix, other storage order
        row = slice(indptr[j], indptr[j + 1])
        indices[row] = indices[row][::-1].copy()
        data[row] = data[row][::-1].copy()
    code = _kernels.ACTIVATION_CODES["tanh"]
    out = np.empty_like(p["pre"])
    _kernels.run_csr(p["pre"], indptr, indices, data, p["leak"], code, p["x0"], out)
    np.testing.assert_allclose(out, _oracle(p, "tanh"), rtol=1e-12, atol=1e-12)
    pre_b = p["pre"][None].copy()
    out_b = np.empty_like(pre_b)
    _kernels.run_csr_batch(
        pre_b, indptr, indices, data, p["leak"], code, p["x0"][None].copy(), out_b
    )
    np.testing.assert_array_equal(out_b[0], out)


def test_empty_rows_and_empty_matrix():
    p = _problem(30, 6, density=0.02, seed=10)  # most rows have no entry
    np.testing.assert_allclose(
        _run("csr", p, "tanh"), _oracle(p, "tanh"), rtol=1e-12, atol=1e-12
    )
    p["W"] = scipy.sparse.csr_array((30, 30))
    np.testing.assert_allclose(
        _run("csr_parallel", p, "tanh"), _oracle(p, "tanh"), rtol=1e-12, atol=1e-12
    )


def test_inputs_read_only_and_untouched():
    p = _problem(33, 8, seed=11)
    pb = _problem(33, 8, n_seq=5, seed=12)
    for key in ("W", "W_in", "bias", "leak"):
        pb[key] = p[key]
    pb["pre"] = pb["U"] @ p["W_in"] + p["bias"]
    code = _kernels.ACTIVATION_CODES["tanh"]
    indptr, indices, data = _csr_t(p["W"])
    W = p["W"].toarray()
    single = [p["pre"], p["leak"], p["x0"], pb["pre"], pb["x0"], indptr, indices]
    arrays = [*single, data, W]
    copies = [a.copy() for a in arrays]
    for a in arrays:
        a.setflags(write=False)
    out = np.empty_like(p["pre"])
    outb = np.empty_like(pb["pre"])
    for kernel in (_kernels.run_csr, _kernels.run_csr_parallel):
        kernel(p["pre"], indptr, indices, data, p["leak"], code, p["x0"], out)
        np.testing.assert_allclose(out, _oracle(p, "tanh"), rtol=1e-12, atol=1e-12)
    for kernel in (_kernels.run_dense, _kernels.run_dense_parallel):
        kernel(p["pre"], W, p["leak"], code, p["x0"], out)
        np.testing.assert_allclose(out, _oracle(p, "tanh"), rtol=1e-12, atol=1e-12)
    _kernels.run_csr_batch(
        pb["pre"], indptr, indices, data, p["leak"], code, pb["x0"], outb
    )
    np.testing.assert_allclose(outb[4], _oracle(pb, "tanh", 4), rtol=1e-12, atol=0)
    _kernels.run_dense_batch(pb["pre"], W, p["leak"], code, pb["x0"], outb)
    np.testing.assert_allclose(outb[2], _oracle(pb, "tanh", 2), rtol=1e-12, atol=0)
    for a, c in zip(arrays, copies, strict=True):
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_in_place_gives_the_same_bits(activation):
    # ``out`` may be ``pre`` itself (the library runs in place on its
    # projection buffer): same bits as into a separate array, every kernel.
    p = _problem(37, 11, density=0.2, seed=21)
    pb = _problem(37, 11, n_seq=_kernels.BLOCK_SIZE + 3, density=0.2, seed=22)
    code = _kernels.ACTIVATION_CODES[activation]
    for kind in ("csr", "csr_parallel", "dense", "dense_parallel"):
        expected = _run(kind, p, activation)
        work = p["pre"].copy()
        kernel = getattr(_kernels, "run_" + kind)
        if kind.startswith("csr"):
            indptr, indices, data = _csr_t(p["W"])
            kernel(work, indptr, indices, data, p["leak"], code, p["x0"], work)
        else:
            kernel(work, p["W"].toarray(), p["leak"], code, p["x0"], work)
        np.testing.assert_array_equal(work, expected, err_msg=kind)
    for fmt in ("csr", "dense"):
        expected = _run_batch(fmt, pb, activation)
        work = pb["pre"].copy()
        if fmt == "csr":
            indptr, indices, data = _csr_t(pb["W"])
            _kernels.run_csr_batch(
                work, indptr, indices, data, pb["leak"], code, pb["x0"], work
            )
        else:
            W = pb["W"].toarray()
            _kernels.run_dense_batch(work, W, pb["leak"], code, pb["x0"], work)
        np.testing.assert_array_equal(work, expected, err_msg=fmt)


@pytest.mark.skipif(not TWO_THREADS, reason="needs 2 numba threads")
def test_thread_count_does_not_change_bits():
    p = _problem(120, 9, density=0.1, seed=13)
    pb = _problem(120, 9, n_seq=2 * _kernels.BLOCK_SIZE + 1, density=0.1, seed=14)
    results = {}
    before = numba.get_num_threads()
    try:
        for threads in (1, 2):
            numba.set_num_threads(threads)
            results[threads] = [
                _run("csr_parallel", p, "tanh"),
                _run("dense_parallel", p, "tanh"),
                _run_batch("csr", pb, "tanh"),
                _run_batch("dense", pb, "tanh"),
            ]
    finally:
        numba.set_num_threads(before)
    for one, two in zip(results[1], results[2], strict=True):
        np.testing.assert_array_equal(one, two)


def test_tanh_accuracy():
    x = np.concatenate(
        [
            np.linspace(-25.0, 25.0, 200001),
            np.geomspace(1e-300, 30.0, 20001),
            -np.geomspace(1e-300, 30.0, 20001),
        ]
    )
    tanh = np.vectorize(_kernels._tanh, otypes=[np.float64])
    out = tanh(x)
    expected = np.tanh(x)
    ulps = np.abs(out - expected) / np.spacing(np.abs(expected))
    assert ulps.max() <= 4.0
    with np.errstate(invalid="ignore"):  # NaN in, NaN out
        special = tanh([0.0, -0.0, np.inf, -np.inf, 1e300, -1e300, np.nan, 5e-324])
    np.testing.assert_array_equal(special[:6], [0.0, -0.0, 1.0, -1.0, 1.0, -1.0])
    assert np.signbit(special[1])
    assert np.isnan(special[6])
    assert special[7] == 5e-324


def test_balanced_bounds():
    indptr = np.array([0, 0, 10, 11, 11, 40, 41, 42, 60, 60], dtype=np.int64)
    for n_chunks in (1, 2, 3, 9):
        bounds = _kernels._balanced_bounds(indptr, n_chunks)
        assert bounds[0] == 0
        assert bounds[-1] == 9
        assert np.all(np.diff(bounds) >= 0)


def test_generate_helpers_match_oracle():
    p = _problem(17, 1, seed=15)
    indptr, indices, data = _csr_t(p["W"])
    x_prev = p["x0"]
    s = p["pre"][0].copy()
    for j in range(17):
        s[j] += _kernels._csr_row_dot(indptr[j], indptr[j + 1], indices, data, x_prev)
    _kernels._activate_leak(s, x_prev, p["leak"], 0)
    # ``pre + dot`` instead of the kernels' ``dot`` started from ``pre``
    np.testing.assert_allclose(s, _oracle(p, "tanh")[0], rtol=1e-13, atol=1e-15)


_PURE_PYTHON_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import scipy.sparse

    import naive
    from numba import config
    from reservoir import _kernels

    assert config.DISABLE_JIT
    rng = np.random.default_rng(0)
    n, steps, n_seq = 11, 4, 5
    W = scipy.sparse.random_array((n, n), density=0.7, rng=rng, format="csr")
    W.data = rng.normal(0.0, 0.4, W.nnz)
    WT = scipy.sparse.csr_array(W.T)
    W_in = rng.uniform(-1, 1, (1, n))
    bias = rng.uniform(-0.3, 0.3, n)
    leak = rng.uniform(0.1, 1.0, n)
    U = rng.normal(size=(n_seq, steps, 1))
    x0 = rng.uniform(-0.9, 0.9, (n_seq, n))
    pre = U @ W_in + bias
    csr = (WT.indptr, WT.indices, WT.data)
    for name, code in _kernels.ACTIVATION_CODES.items():
        ref = [
            naive.esn_states(U[s], W, W_in, bias, leak, name, x0[s])
            for s in range(n_seq)
        ]
        out = np.empty_like(pre)
        _kernels.run_csr_batch(pre, *csr, leak, code, x0, out)
        outd = np.empty_like(pre)
        _kernels.run_dense_batch(pre, W.toarray(), leak, code, x0, outd)
        u = np.ascontiguousarray(U[:, :, 0])
        outi = np.empty_like(pre)
        _kernels.run_csr_batch_inputs(u, W_in[0], bias, *csr, leak, code, x0, outi)
        np.testing.assert_array_equal(outi, out)
        _kernels.run_dense_batch_inputs(
            u, W_in[0], bias, W.toarray(), leak, code, x0, outi
        )
        np.testing.assert_array_equal(outi, outd)
        for s in range(n_seq):
            one = np.empty_like(pre[s])
            _kernels.run_csr_inputs(u[s], W_in[0], bias, *csr, leak, code, x0[s], one)
            np.testing.assert_array_equal(out[s], one)
            _kernels.run_dense_parallel_inputs(
                u[s], W_in[0], bias, W.toarray(), leak, code, x0[s], one
            )
            np.testing.assert_array_equal(outd[s], one)
            one = np.empty_like(pre[s])
            _kernels.run_csr(pre[s], *csr, leak, code, x0[s], one)
            np.testing.assert_allclose(one, ref[s], rtol=1e-12, atol=1e-12)
            np.testing.assert_array_equal(out[s], one)
            _kernels.run_csr_parallel(pre[s], *csr, leak, code, x0[s], one)
            np.testing.assert_array_equal(out[s], one)
            _kernels.run_dense(pre[s], W.toarray(), leak, code, x0[s], one)
            np.testing.assert_allclose(one, ref[s], rtol=1e-12, atol=1e-12)
            np.testing.assert_array_equal(outd[s], one)
            _kernels.run_dense_parallel(pre[s], W.toarray(), leak, code, x0[s], one)
            np.testing.assert_array_equal(outd[s], one)
    """
)


def test_pure_python_fallbacks():
    """``NUMBA_DISABLE_JIT=1`` (coverage runs) uses the Python helpers."""
    tests = Path(__file__).resolve().parent
    path = os.pathsep.join(
        [str(tests), str(tests.parent), os.environ.get("PYTHONPATH", "")]
    )
    env = dict(os.environ, NUMBA_DISABLE_JIT="1", PYTHONPATH=path)
    result = subprocess.run(
        [sys.executable, "-c", _PURE_PYTHON_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.skipif(not TWO_THREADS, reason="needs 2 numba threads")
@pytest.mark.parametrize("n_threads", [(), (1,), (2,), (3,), (64,)])
@pytest.mark.parametrize("n_units", [5, 64, 203])
@pytest.mark.parametrize("fmt", ["csr", "dense"])
def test_parallel_long_run_matches_serial_bits(fmt, n_units, n_threads):
    # thousands of steps of threads claiming chunks and waiting for each other:
    # any missed wait would read a stale state and change the bits; one unit
    # range per thread the run may use (the default: _N_CHUNKS), fewer or
    # more ranges than running threads alike
    p = _problem(n_units, 3000, density=0.1, seed=21)
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(2)
        parallel = _run(f"{fmt}_parallel", p, "tanh", np.float64, np.int32, *n_threads)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(parallel, _run(fmt, p, "tanh"))


def test_parallel_kernels_use_one_unit_range_per_thread():
    assert _kernels._step_chunks(500, 2) == 2
    assert _kernels._step_chunks(500, 1) == 1
    assert _kernels._step_chunks(500, 64) == _kernels._N_CHUNKS
    assert _kernels._step_chunks(20, 8) == 2  # 8 units a range at least
    assert _kernels._step_chunks(5, 2) == 1


@pytest.mark.skipif(not TWO_THREADS, reason="needs 2 numba threads")
def test_parallel_oversubscribed_matches_serial_bits():
    # busy processes on every core: the kernel's threads get preempted while
    # others wait for them (spinning, then yielding); the states stay exact
    p = _problem(300, 2000, density=0.05, seed=22)
    busy = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 2)
    ]
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(2)
        parallel = _run("csr_parallel", p, "tanh")
    finally:
        numba.set_num_threads(before)
        for proc in busy:
            proc.kill()
            proc.wait()
    np.testing.assert_array_equal(parallel, _run("csr", p, "tanh"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["tanh", "identity"])
def test_input_kernels_match_the_projected_ones_bit_for_bit(dtype, activation):
    # the ``*_inputs`` kernels project one input feature inside the time loop:
    # the same bits as the kernels on ``u * w_in + bias`` projected first
    # (Reservoir.project), for one sequence, threads split over units, and
    # batches of several register blocks, on 1 and 2 numba threads
    rng = np.random.default_rng(21)
    n, steps, n_seq = 37, 9, _kernels.BLOCK_SIZE + 3
    W = scipy.sparse.random_array((n, n), density=0.3, rng=rng, format="csr")
    W.data = rng.normal(0.0, 0.3, W.nnz)
    indptr, indices, data = _csr_t(W)
    data = data.astype(dtype)
    Wd = W.toarray().astype(dtype)
    w_in = rng.uniform(-1, 1, n).astype(dtype)
    bias = rng.uniform(-0.3, 0.3, n).astype(dtype)
    leak = rng.uniform(0.1, 1.0, n).astype(dtype)
    code = _kernels.ACTIVATION_CODES[activation]
    u = rng.normal(size=(n_seq, steps)).astype(dtype)
    x0 = rng.uniform(-0.9, 0.9, (n_seq, n)).astype(dtype)
    pre = np.multiply(u[:, :, None], w_in)
    pre += bias
    csr = (indptr, indices, data)
    expected_csr = np.empty_like(pre)
    expected_dense = np.empty_like(pre)
    _kernels.run_csr_batch(pre, *csr, leak, code, x0, expected_csr)
    _kernels.run_dense_batch(pre, Wd, leak, code, x0, expected_dense)
    before = numba.get_num_threads()
    try:
        for threads in (1, 2) if TWO_THREADS else (1,):
            numba.set_num_threads(threads)
            out = np.empty_like(pre)
            _kernels.run_csr_batch_inputs(u, w_in, bias, *csr, leak, code, x0, out)
            np.testing.assert_array_equal(out, expected_csr)
            _kernels.run_dense_batch_inputs(u, w_in, bias, Wd, leak, code, x0, out)
            np.testing.assert_array_equal(out, expected_dense)
            for s in (0, n_seq - 1):
                one = np.empty_like(pre[s])
                for kernel in (
                    _kernels.run_csr_inputs,
                    _kernels.run_csr_parallel_inputs,
                ):
                    kernel(u[s], w_in, bias, *csr, leak, code, x0[s], one)
                    np.testing.assert_array_equal(one, expected_csr[s])
                for kernel in (
                    _kernels.run_dense_inputs,
                    _kernels.run_dense_parallel_inputs,
                ):
                    kernel(u[s], w_in, bias, Wd, leak, code, x0[s], one)
                    np.testing.assert_array_equal(one, expected_dense[s])
    finally:
        numba.set_num_threads(before)
