"""Closed-loop generation kernels against the NumPy oracle (tests/naive_generate.py)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse
from naive_generate import closed_loop

from reservoir import _generate
from reservoir._kernels import ACTIVATION_CODES
from reservoir.matrices import recurrent_matrix


def _problem(n_units, n_out, n_steps, *, sparse, autonomous, seed=0):
    rng = np.random.RandomState(seed)
    W = recurrent_matrix(
        n_units, spectral_radius=0.9, density=0.2, sparse=sparse, random_state=rng
    )
    pre = 0.3 * rng.standard_normal((n_steps, n_units))
    ro = 0.1 * rng.standard_normal((n_steps, n_out))
    W_fb = rng.uniform(-0.5, 0.5, (n_out, n_units))
    W_out_x = 0.3 * rng.standard_normal((n_units, n_out)) / np.sqrt(n_units)
    W_out_y = (
        0.5 * rng.standard_normal((n_out, n_out)) / n_out
        if autonomous
        else np.zeros((n_out, n_out))
    )
    leak = rng.uniform(0.3, 1.0, n_units)
    x0 = rng.uniform(-0.5, 0.5, n_units)
    y0 = rng.uniform(-0.5, 0.5, n_out)
    return W, pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0


def _run(
    W, pre, ro, W_fb, W_out_x, W_out_y, leak, code, x0, y0, dtype=np.float64,
    W_out_sq=None, features="linear",
):  # fmt: skip
    cast = lambda a: np.ascontiguousarray(a, dtype=dtype)  # noqa: E731
    out = np.empty((pre.shape[0], ro.shape[1]), dtype=dtype)
    x_final = np.empty(pre.shape[1], dtype=dtype)
    if W_out_sq is None:
        W_out_sq = np.empty((0, ro.shape[1]))
    args = (
        cast(W_fb), cast(W_out_x), cast(W_out_y), cast(W_out_sq),
        _generate.FEATURE_CODES[features], cast(leak), code, cast(x0),
    )  # fmt: skip
    if scipy.sparse.issparse(W):
        WT = scipy.sparse.csr_array(W.T)
        WT.sort_indices()
        _generate.generate_csr(
            cast(pre), cast(ro), WT.indptr, WT.indices, cast(WT.data), *args,
            cast(np.atleast_2d(y0)), out, x_final,
        )  # fmt: skip
    else:
        _generate.generate_dense(
            cast(pre), cast(ro), cast(W), *args, cast(np.atleast_2d(y0)), out, x_final
        )
    return out, x_final


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("autonomous", [False, True])
@pytest.mark.parametrize("activation", list(ACTIVATION_CODES))
@pytest.mark.parametrize("n_out", [1, 3])
def test_kernel_matches_oracle(sparse, autonomous, activation, n_out):
    W, pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0 = _problem(
        40, n_out, 60, sparse=sparse, autonomous=autonomous
    )
    out, x_final = _run(
        W, pre, ro, W_fb, W_out_x, W_out_y, leak, ACTIVATION_CODES[activation], x0, y0
    )
    ref, x_ref = closed_loop(
        pre, ro, W, W_fb, W_out_x, W_out_y, leak, activation, x0, y0
    )
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(x_final, x_ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("n_out", [1, 2])
def test_lagged_outputs_in_the_readout(sparse, n_out):
    """p lags: W_out_y (p*K, K) reads y_(t-1) .. y_(t-p); history first."""
    W, pre, ro, W_fb, W_out_x, _, leak, x0, _ = _problem(
        25, n_out, 30, sparse=sparse, autonomous=True, seed=5
    )
    rng = np.random.RandomState(6)
    n_lags = 4
    W_out_y = 0.2 * rng.standard_normal((n_lags * n_out, n_out)) / n_lags
    y_hist = rng.uniform(-0.5, 0.5, (n_lags, n_out))
    out, x_final = _run(W, pre, ro, W_fb, W_out_x, W_out_y, leak, 0, x0, y_hist)
    ref, x_ref = closed_loop(
        pre, ro, W, W_fb, W_out_x, W_out_y, leak, "tanh", x0, y_hist
    )
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-12)
    np.testing.assert_allclose(x_final, x_ref, rtol=0, atol=1e-12)
    # one lag of weight zero beyond the first gives the bits of one lag
    padded = np.vstack([W_out_y[:n_out], np.zeros_like(W_out_y[n_out:])])
    one, _ = _run(W, pre, ro, W_fb, W_out_x, W_out_y[:n_out], leak, 0, x0, y_hist[0])
    many, _ = _run(W, pre, ro, W_fb, W_out_x, padded, leak, 0, x0, y_hist)
    np.testing.assert_array_equal(one, many)


@pytest.mark.parametrize("sparse", [False, True])
def test_float32_close_to_float64(sparse):
    problem = _problem(30, 2, 40, sparse=sparse, autonomous=True, seed=1)
    W, pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0 = problem
    out32, x32 = _run(*problem[:7], 0, x0, y0, dtype=np.float32)
    ref, x_ref = closed_loop(pre, ro, W, W_fb, W_out_x, W_out_y, leak, "tanh", x0, y0)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, ref, atol=1e-4)
    np.testing.assert_allclose(x32, x_ref, atol=1e-4)


@pytest.mark.parametrize("sparse", [False, True])
def test_inputs_untouched_and_read_only_ok(sparse):
    problem = _problem(20, 1, 15, sparse=sparse, autonomous=False, seed=2)
    W, pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0 = problem
    frozen = [a.copy() for a in (pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0)]
    for a in (pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0):
        a.setflags(write=False)
    out, _ = _run(W, pre, ro, W_fb, W_out_x, W_out_y, leak, 0, x0, y0)
    for before, after in zip(
        frozen, (pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0), strict=True
    ):
        np.testing.assert_array_equal(before, after)
    ref, _ = closed_loop(pre, ro, W, W_fb, W_out_x, W_out_y, leak, "tanh", x0, y0)
    np.testing.assert_allclose(out, ref, atol=1e-12)


def test_zero_steps_and_single_step():
    W, pre, ro, W_fb, W_out_x, W_out_y, leak, x0, y0 = _problem(
        10, 1, 1, sparse=False, autonomous=True, seed=3
    )
    out, _ = _run(W, pre, ro, W_fb, W_out_x, W_out_y, leak, 0, x0, y0)
    ref, _ = closed_loop(pre, ro, W, W_fb, W_out_x, W_out_y, leak, "tanh", x0, y0)
    np.testing.assert_allclose(out, ref, atol=1e-12)
    out0, x0_final = _run(W, pre[:0], ro[:0], W_fb, W_out_x, W_out_y, leak, 0, x0, y0)
    assert out0.shape == (0, 1)
    np.testing.assert_array_equal(x0_final, x0)


@pytest.mark.slow  # two compilations in fresh processes, about 10 s
def test_cached_kernels_go_stale_with_the_harvesting_kernels(tmp_path):
    """An edit of _kernels.py (inlined here) recompiles the cached kernels."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pkg = tmp_path / "pkg"
    shutil.copytree(
        root / "reservoir",
        pkg / "reservoir",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    script = (
        "import numpy as np\n"
        "from reservoir import _generate as g\n"
        "z = lambda *s: np.zeros(s)\n"
        "g.generate_dense(z(3, 2), z(3, 1), z(2, 2), z(1, 2), z(2, 1), z(1, 1),\n"
        "                 z(0, 1), 0, z(2), 0, z(2), z(1, 1), z(3, 1), z(2))\n"
        "s = g.generate_dense.stats\n"
        "print(sum(s.cache_hits.values()), sum(s.cache_misses.values()))\n"
        "import reservoir; print(reservoir.__file__)\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(pkg),
        "NUMBA_CACHE_DIR": str(tmp_path / "numba_cache"),
    }

    def hits_and_misses():
        proc = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,  # import the copy, not the checkout
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        hits, misses, path = proc.stdout.split()
        assert Path(path).is_relative_to(pkg)
        return [hits, misses]

    assert hits_and_misses() == ["0", "1"]  # compiled and cached
    assert hits_and_misses() == ["1", "0"]  # loaded from the cache
    with open(pkg / "reservoir" / "_kernels.py", "a") as f:
        f.write("\n# edited\n")
    assert hits_and_misses() == ["0", "1"]  # stale: compiled again
