"""Harvesting throughput: our kernels vs a per-step NumPy/SciPy loop.

Times state updates per second (one update = one unit-vector step of one
sequence) for a leaky tanh ESN with a sparse random reservoir, the way
ReservoirPy runs it and the way ``reservoir`` runs it:

* ``numpy loop``: the reference, one sparse matvec per step
  ``x = (1 - a) * x + a * tanh(W_in.T @ u_t + W @ x + b)`` with ``W`` a
  ``scipy.sparse`` CSR matrix in column convention (our ``W.T``), states
  stored in a preallocated array;
* ``reservoirpy``: ``reservoirpy.nodes.Reservoir`` with the same ``W``,
  ``Win`` and bias passed as arrays, ``.run(U)`` (skipped when not installed;
  never a dependency of ``reservoir``);
* ``single``: one sequence with ``run_csr`` (``run_csr_parallel`` on the
  requested threads from ``PARALLEL_MIN_UNITS`` units on, as the library does);
  both are shown;
* ``batch``: ``run_csr_batch`` on 64 equal-length sequences with the requested
  numba threads.

Our kernels run in place on the projected inputs (``out`` is ``pre``), as the
library runs them; the projected inputs are restored, untimed, before every
timing. ``--out-of-place`` times them writing into a separate array instead.

Ratios are against the NumPy loop, measured in the same process (the machine
may be shared and noisy: compare ratios, not absolute numbers). All paths of
one size are timed in turn, ``--repeat`` rounds, so they share the machine's
conditions; the table uses each path's best time, and the ratios of every
round (median, min, max) are printed below it. Compilation is excluded
(every kernel is warmed up first). ``--crossover`` also times dense against
CSR kernels over densities.

Usage::

    python benchmarks/bench_harvest.py [--quick] [--sizes 100 500 2000]
        [--steps 20000] [--threads 2] [--repeat 5] [--crossover]
        [--out-of-place]
"""

from __future__ import annotations

import argparse
import sys
import time
from functools import partial

import numba
import numpy as np
import scipy.sparse

import reservoir
from reservoir import _kernels

#: (N, single, batch) targets: updates/s of ours over the NumPy loop.
TARGETS = {100: (15.0, 60.0), 500: (3.4, 10.0), 2000: (2.5, 5.0)}
N_SEQUENCES = 64
LEAK = 0.5
#: Memory budget (bytes) for the batch's ``pre`` and ``out`` arrays.
BATCH_BYTES = 1.2e9
#: Work budget (nnz * steps) for one timing of a slow reference.
REFERENCE_WORK = 2.0e9


def build(n_units, density, seed=0):
    """Reservoir, input weights, bias and a one-feature input signal.

    Parameters
    ----------
    n_units : int
        Reservoir size.
    density : float
        Fraction of non-zero recurrent weights.
    seed : int, default=0
        Seed of the weights.

    Returns
    -------
    W : scipy.sparse.csr_array of shape (N, N)
        Recurrent weights (row convention, spectral radius 0.9).
    W_in : ndarray of shape (1, N)
        Input weights.
    bias : ndarray of shape (N,)
        Bias.
    """
    W = reservoir.recurrent_matrix(
        n_units, spectral_radius=0.9, density=density, sparse=True, random_state=seed
    )
    W_in = reservoir.input_matrix(1, n_units, random_state=seed + 1)
    bias = reservoir.bias_vector(n_units, random_state=seed + 2)
    return W, W_in, bias


def csr_of_transpose(W):
    """CSR arrays of ``W.T`` (rows are target units), as the kernels take them.

    Parameters
    ----------
    W : scipy.sparse array of shape (N, N)
        Recurrent weights, row convention.

    Returns
    -------
    indptr, indices, data : ndarray
        CSR arrays with sorted indices.
    """
    WT = scipy.sparse.csr_array(W.T)
    WT.sort_indices()
    return WT.indptr, WT.indices, WT.data


def numpy_loop(U, W_col, W_in_col, bias, leak, states):
    """The reference: one sparse matvec per step, ReservoirPy's update.

    Parameters
    ----------
    U : ndarray of shape (T, D)
        Inputs.
    W_col : scipy.sparse.csr_matrix of shape (N, N)
        Recurrent weights in column convention (``x_t = f(W_col @ x + ...)``).
    W_in_col : ndarray of shape (N, D)
        Input weights in column convention.
    bias : ndarray of shape (N,)
        Bias.
    leak : float
        Leak rate.
    states : ndarray of shape (T, N)
        Written with the states.
    """
    x = np.zeros(W_col.shape[0])
    for t in range(U.shape[0]):
        x = (1 - leak) * x + leak * np.tanh(W_in_col @ U[t] + W_col @ x + bias)
        states[t] = x


def reference_matrix(W):
    """``W.T`` as a canonical ``scipy.sparse.csr_matrix`` (int32 indices).

    Parameters
    ----------
    W : scipy.sparse array of shape (N, N)
        Recurrent weights, row convention.

    Returns
    -------
    scipy.sparse.csr_matrix
        Column-convention matrix with the index dtype SciPy picks for a new
        matrix of this size (the fastest for its matvec).
    """
    indptr, indices, data = csr_of_transpose(W)
    n = W.shape[0]
    return scipy.sparse.csr_matrix(
        (data, indices.astype(np.int32), indptr.astype(np.int32)), shape=(n, n)
    )


def kernel_path(kernel, pre, out, args, in_place, threads):
    """A timed call of ``kernel(pre, *args, out)`` and its untimed setup.

    Parameters
    ----------
    kernel : callable
        A harvesting kernel of ``reservoir._kernels``.
    pre : ndarray
        Projected inputs (never modified).
    out : ndarray
        Same shape as ``pre``: the states (in place: the work buffer that
        holds a copy of ``pre`` when each timing starts).
    args : tuple
        The arguments between ``pre`` and ``out``.
    in_place : bool
        Whether the kernel overwrites its inputs with the states.
    threads : int
        Numba threads of the call.

    Returns
    -------
    func, setup : callable
        The call to time and what to run before it, both without arguments.
    """

    def setup():
        numba.set_num_threads(threads)
        if in_place:
            np.copyto(out, pre)

    source = out if in_place else pre
    return (lambda: kernel(source, *args, out)), setup


def interleaved_times(paths, rounds):
    """Wall times of every path, taking the paths in turn, round after round.

    Each round times every path once, so all paths see the same machine
    conditions on a shared, noisy host, and a slow period cannot favour one
    of them.

    Parameters
    ----------
    paths : dict of str to (callable, callable or None)
        Name to ``(func, setup)``: ``setup`` (untimed, may be None) runs
        before every timed call of ``func``.
    rounds : int
        Number of rounds.

    Returns
    -------
    dict of str to ndarray of shape (rounds,)
        Seconds of every call, in round order.
    """
    times = {name: [] for name in paths}
    for _ in range(rounds):
        for name, (func, setup) in paths.items():
            if setup is not None:
                setup()
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {name: np.array(values) for name, values in times.items()}


def reservoirpy_path(W, W_in, bias, U):
    """A timed ``reservoirpy.nodes.Reservoir(...).run(U)`` (None if missing).

    Parameters
    ----------
    W : scipy.sparse array of shape (N, N)
        Recurrent weights, row convention (passed as ``W.T``).
    W_in : ndarray of shape (D, N)
        Input weights (passed as ``W_in.T``).
    bias : ndarray of shape (N,)
        Bias.
    U : ndarray of shape (T, D)
        Inputs.

    Returns
    -------
    func : callable or None
        One run (a new node each time, warmed up once here).
    states : list
        Receives the states of the first run.
    """
    try:
        from reservoirpy.nodes import Reservoir
    except ImportError:
        return None, []
    try:  # ReservoirPy prints a banner / warnings on some versions
        import reservoirpy

        reservoirpy.verbosity(0)
    except Exception:
        pass
    W_col = reference_matrix(W)
    states = []

    def run():
        node = Reservoir(
            W=W_col, Win=np.ascontiguousarray(W_in.T), bias=bias.copy(), lr=LEAK
        )
        result = node.run(U)
        if not states:
            states.append(result)

    run()  # warm up (imports, first allocation)
    return run, states


def bench_size(n_units, steps, threads, repeat, quick, in_place=True):
    """Time every path for one reservoir size and return a result row.

    All paths are timed in turn, ``repeat`` rounds (see
    ``interleaved_times``); rates come from each path's best time.

    Parameters
    ----------
    n_units : int
        Reservoir size.
    steps : int
        Time steps of the single-sequence runs.
    threads : int
        Numba threads for the batched and parallel paths.
    repeat : int
        Rounds of timings.
    quick : bool
        Smoke-test mode (no minimum run time).
    in_place : bool, default=True
        Whether our kernels run in place on the projected inputs.

    Returns
    -------
    dict
        Updates/s of every path (best time), per-round ratios over the
        NumPy loop, and notes.
    """
    notes = []
    W, W_in, bias = build(n_units, 0.1)
    indptr, indices, data = csr_of_transpose(W)
    nnz = data.shape[0]
    rng = np.random.default_rng(0)
    U = rng.uniform(-1.0, 1.0, (steps, 1))
    pre = U @ W_in + bias
    leak = np.full(n_units, LEAK)
    x0 = np.zeros(n_units)
    code = _kernels.ACTIVATION_CODES["tanh"]
    out = np.empty((steps, n_units))

    # warm up every kernel on a few steps (compilation excluded)
    numba.set_num_threads(threads)
    few = min(steps, 3)
    _kernels.run_csr(pre[:few], indptr, indices, data, leak, code, x0, out[:few])
    _kernels.run_csr_parallel(
        pre[:few], indptr, indices, data, leak, code, x0, out[:few], threads
    )

    # the per-step NumPy/SciPy loop and ReservoirPy (fewer steps when slow)
    ref_steps = steps if quick else int(min(steps, max(2000, REFERENCE_WORK / nnz)))
    if ref_steps < steps:
        notes.append(f"references timed on {ref_steps} of {steps} steps")
    W_col = reference_matrix(W)
    W_in_col = np.ascontiguousarray(W_in.T)
    ref_states = np.empty((ref_steps, n_units))
    numpy_loop(U[:few], W_col, W_in_col, bias, LEAK, ref_states[:few])
    rpy_run, rpy_states = reservoirpy_path(W, W_in, bias, U[:ref_steps])

    # the batch: 64 sequences, threads; fewer steps if memory would not fit
    batch_steps = int(min(steps, BATCH_BYTES / (2 * N_SEQUENCES * n_units * 8)))
    if batch_steps < steps:
        notes.append(f"batch timed on {batch_steps} steps (memory)")
    Ub = rng.uniform(-1.0, 1.0, (N_SEQUENCES, batch_steps, 1))
    preb = Ub @ W_in + bias
    x0b = np.zeros((N_SEQUENCES, n_units))
    outb = np.empty_like(preb)
    warm = np.ascontiguousarray(preb[:, :few])
    _kernels.run_csr_batch(
        warm, indptr, indices, data, leak, code, x0b, np.empty_like(warm)
    )

    args = (indptr, indices, data, leak, code, x0)

    def parallel_kernel(*arrays):  # one unit range per thread, as Reservoir
        _kernels.run_csr_parallel(*arrays, threads)

    argsb = (indptr, indices, data, leak, code, x0b)
    paths = {
        "ref": (
            lambda: numpy_loop(U[:ref_steps], W_col, W_in_col, bias, LEAK, ref_states),
            None,
        ),
        "serial": kernel_path(_kernels.run_csr, pre, out, args, in_place, 1),
        "parallel": kernel_path(parallel_kernel, pre, out, args, in_place, threads),
        "batch": kernel_path(
            _kernels.run_csr_batch, preb, outb, argsb, in_place, threads
        ),
    }
    if rpy_run is not None:
        paths["rpy"] = (rpy_run, None)
    times = interleaved_times(paths, repeat)
    numba.set_num_threads(threads)

    # every path computed the same states (``out`` holds run_csr_parallel's,
    # timed last of the two)
    single_states = np.empty((ref_steps, n_units))
    _kernels.run_csr(pre[:ref_steps], *args, single_states)
    if not np.array_equal(out[:ref_steps], single_states):
        notes.append("run_csr_parallel differs from run_csr!")
    error = np.max(np.abs(ref_states - single_states))
    if error > 1e-12:
        notes.append(f"max |ours - numpy loop| = {error:.1e}!")
    if rpy_states:
        error = np.max(np.abs(np.asarray(rpy_states[0]) - single_states))
        if error > 1e-12:
            notes.append(f"max |ours - reservoirpy| = {error:.1e}!")
    check = np.empty((batch_steps, n_units))
    _kernels.run_csr(preb[-1], indptr, indices, data, leak, code, x0, check)
    if not np.array_equal(check, outb[-1]):
        notes.append("run_csr_batch differs from run_csr!")

    use_parallel = threads > 1 and n_units >= _kernels.PARALLEL_MIN_UNITS
    single = "parallel" if use_parallel else "serial"
    work = {
        "ref": ref_steps,
        "rpy": ref_steps,
        "serial": steps,
        "parallel": steps,
        "batch": N_SEQUENCES * batch_steps,
    }
    rates = {name: work[name] / t for name, t in times.items()}
    return {
        "N": n_units,
        "ref": rates["ref"].max(),
        "rpy": rates["rpy"].max() if "rpy" in rates else None,
        "serial": rates["serial"].max(),
        "parallel": rates["parallel"].max(),
        "single": rates[single].max(),
        "single_kernel": single,
        "batch": rates["batch"].max(),
        "single_rounds": rates[single] / rates["ref"],
        "batch_rounds": rates["batch"] / rates["ref"],
        "notes": notes,
    }


def verdict(value, target):
    """``PASS``/``MISS`` against a target ratio (``-`` without a target).

    Parameters
    ----------
    value : float
        Measured ratio.
    target : float or None
        Target ratio.

    Returns
    -------
    str
        Verdict.
    """
    if target is None:
        return "-"
    return "PASS" if value >= target else "MISS"


def print_table(rows, threads, in_place=True):
    """Print updates/s, ratios and verdicts.

    Parameters
    ----------
    rows : list of dict
        Results of ``bench_size``.
    threads : int
        Numba threads of the batched and parallel paths.
    in_place : bool, default=True
        Whether our kernels ran in place (only printed).
    """
    print(
        f"\nupdates/s (one update = one step of one sequence), float64, tanh, "
        f"density 0.1, leak {LEAK}; batch = {N_SEQUENCES} sequences on "
        f"{threads} thread(s); parallel = run_csr_parallel on {threads} thread(s); "
        f"ours {'in place' if in_place else 'into a separate array'}"
    )
    header = (
        f"{'N':>6} {'numpy loop':>11} {'reservoirpy':>11} {'run_csr':>11} "
        f"{'parallel':>11} {'batch':>11} | {'single':>7} {'target':>6} {'':4} "
        f"| {'batch':>7} {'target':>6} {'':4} | {'vs rpy':>13}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        single = r["single"] / r["ref"]
        batch = r["batch"] / r["ref"]
        target = TARGETS.get(r["N"], (None, None))
        rpy = "-" if r["rpy"] is None else f"{r['rpy']:11.3g}"
        vs_rpy = (
            "-"
            if r["rpy"] is None
            else f"{r['single'] / r['rpy']:5.1f}x/{r['batch'] / r['rpy']:5.0f}x"
        )
        t_single = "-" if target[0] is None else f"{target[0]:5.1f}x"
        t_batch = "-" if target[1] is None else f"{target[1]:5.0f}x"
        print(
            f"{r['N']:>6} {r['ref']:11.3g} {rpy:>11} {r['serial']:11.3g} "
            f"{r['parallel']:11.3g} {r['batch']:11.3g} | {single:6.1f}x "
            f"{t_single:>6} {verdict(single, target[0]):4} | {batch:6.0f}x "
            f"{t_batch:>6} {verdict(batch, target[1]):4} | {vs_rpy:>13}"
        )
    print(
        "\nsingle = run_csr, or run_csr_parallel from PARALLEL_MIN_UNITS = "
        f"{_kernels.PARALLEL_MIN_UNITS} units on (the library's choice); "
        "ratios are over the numpy loop; 'vs rpy' = single/batch over ReservoirPy."
    )
    for r in rows:
        print(
            f"N={r['N']}: single uses {r['single_kernel']}"
            + "".join(f"; {n}" for n in r["notes"])
        )
    print(
        "\nratios above: best time of each path over all rounds. Per round "
        "(all paths timed in turn), the ratios over the numpy loop were:"
    )
    for r in rows:
        parts = []
        for name in ("single", "batch"):
            v = r[f"{name}_rounds"]
            parts.append(
                f"{name} median {np.median(v):.1f}x (min {v.min():.1f}x, "
                f"max {v.max():.1f}x)"
            )
        print(f"N={r['N']}: " + "; ".join(parts) + f" over {len(v)} rounds")
    if all(r["rpy"] is None for r in rows):
        print("reservoirpy: not installed, column skipped")


def crossover(sizes, steps, threads, repeat, densities):
    """Time dense against CSR kernels over densities; print the crossover.

    Parameters
    ----------
    sizes : list of int
        Reservoir sizes.
    steps : int
        Time steps per timing (fewer for large N).
    threads : int
        Numba threads of the batched kernels.
    repeat : int
        Rounds of timings (the four kernels in turn; best time kept).
    densities : list of float
        Densities tried.
    """
    print(
        f"\ndense vs CSR: time ratio csr/dense (> 1: dense faster); batch = "
        f"{N_SEQUENCES} sequences on {threads} thread(s)"
    )
    print(f"{'N':>6} {'density':>8} {'single':>8} {'batch':>8}")
    code = _kernels.ACTIVATION_CODES["tanh"]
    for n_units in sizes:
        n_steps = int(min(steps, max(50, 4e8 / n_units**2)))
        batch_steps = int(min(n_steps, BATCH_BYTES / (2 * N_SEQUENCES * n_units * 8)))
        batch_steps = max(10, batch_steps // 4)
        first = {"single": None, "batch": None}
        for density in densities:
            W, W_in, bias = build(n_units, density)
            indptr, indices, data = csr_of_transpose(W)
            Wd = np.ascontiguousarray(W.toarray())
            rng = np.random.default_rng(1)
            pre = rng.uniform(-1, 1, (n_steps, 1)) @ W_in + bias
            preb = rng.uniform(-1, 1, (N_SEQUENCES, batch_steps, 1)) @ W_in + bias
            leak = np.full(n_units, LEAK)
            x0 = np.zeros(n_units)
            x0b = np.zeros((N_SEQUENCES, n_units))
            out = np.empty_like(pre)
            outb = np.empty_like(preb)
            numba.set_num_threads(threads)
            _kernels.run_csr(pre[:2], indptr, indices, data, leak, code, x0, out[:2])
            _kernels.run_dense(pre[:2], Wd, leak, code, x0, out[:2])
            warm = np.ascontiguousarray(preb[:, :2])
            _kernels.run_csr_batch(
                warm, indptr, indices, data, leak, code, x0b, np.empty_like(warm)
            )
            _kernels.run_dense_batch(warm, Wd, leak, code, x0b, np.empty_like(warm))
            csr = (indptr, indices, data)
            times = interleaved_times(
                {
                    "csr": (
                        partial(_kernels.run_csr, pre, *csr, leak, code, x0, out),
                        None,
                    ),
                    "dense": (
                        partial(_kernels.run_dense, pre, Wd, leak, code, x0, out),
                        None,
                    ),
                    "batch_csr": (
                        partial(
                            _kernels.run_csr_batch, preb, *csr, leak, code, x0b, outb
                        ),
                        None,
                    ),
                    "batch_dense": (
                        partial(
                            _kernels.run_dense_batch, preb, Wd, leak, code, x0b, outb
                        ),
                        None,
                    ),
                },
                repeat,
            )
            t_csr, t_dense, tb_csr, tb_dense = (
                times[name].min()
                for name in ("csr", "dense", "batch_csr", "batch_dense")
            )
            single, batch = t_csr / t_dense, tb_csr / tb_dense
            print(f"{n_units:>6} {density:8.2f} {single:8.2f} {batch:8.2f}")
            if single > 1 and first["single"] is None:
                first["single"] = density
            if batch > 1 and first["batch"] is None:
                first["batch"] = density
        print(
            f"N={n_units}: dense first faster at density "
            f"{first['single']} (single), {first['batch']} (batch)"
        )


def main(argv=None):
    """Parse arguments, run the benchmark, print the table.

    Parameters
    ----------
    argv : list of str, default=None
        Command-line arguments (``sys.argv[1:]`` when None).
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke test")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--repeat", type=int, default=5, help="rounds of timings (best and per round)"
    )
    parser.add_argument(
        "--crossover", action="store_true", help="also time dense vs CSR"
    )
    parser.add_argument(
        "--out-of-place",
        action="store_true",
        help="our kernels write into a separate array instead of over the inputs",
    )
    parser.add_argument(
        "--densities",
        type=float,
        nargs="+",
        default=[0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0],
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.steps, args.repeat = [20, 50], 200, 1
        args.densities = [0.1, 0.5]
    threads = max(1, min(args.threads, numba.config.NUMBA_NUM_THREADS))
    if threads < args.threads:
        print(f"note: only {threads} numba thread(s) available")
    print(
        f"python {sys.version.split()[0]}, numpy {np.__version__}, numba "
        f"{numba.__version__}, threading layer after first parallel call below"
    )
    in_place = not args.out_of_place
    rows = [
        bench_size(n, args.steps, threads, args.repeat, args.quick, in_place)
        for n in args.sizes
    ]
    print(f"numba threading layer: {numba.threading_layer()}")
    print_table(rows, threads, in_place)
    if args.crossover or args.quick:
        crossover(args.sizes, args.steps, threads, args.repeat, args.densities)


if __name__ == "__main__":
    main()
