"""The public API against the kernels it drives, ReservoirPy and busy cores (issue 14).

One run prints four parts, every comparison timed side by side in the same
process (the machine may be shared and noisy: compare ratios, not absolute
numbers; each path's best of ``--repeat`` interleaved rounds is used):

1. ``public / kernel``: ``ReservoirTransformer.transform``,
   ``ESNRegressor.fit`` and ``ESNRegressor.predict`` (``n_jobs=2``), each
   against the bare compiled kernels and BLAS calls doing the same necessary
   work, called directly on warm memory, for one sequence of ``--steps``
   steps and 64 sequences of ``--steps / 10`` steps, at N=100 and N=500,
   density 0.1, one input feature, float64. Ratios are reference time over
   public time (target >= 0.85). The references:

   * ``transform``: the reservoir kernel alone (``Reservoir.run_projected``,
     serial or threaded by the same rule as the public path) on the already
     projected inputs, in place (the inputs restored untimed before every
     timing, as in ``bench_harvest.py``);
   * ``fit``: that same kernel run, then the one Gram update of the readout
     on the states it wrote (``czz += S.T @ S`` by BLAS ``syrk`` in place,
     one triangle, ``czy += S.T @ y``, ``S`` the (steps, N) states of all
     sequences, on the BLAS threads the estimator chooses,
     ``small_linalg``): ``fit`` also adds the input column, centres, mirrors
     the triangle and solves, which the reference omits;
   * ``predict``: that same kernel run, then the readout matmul
     ``S @ coef + intercept``.

   Two more columns, for information: ``transform`` against the kernel
   writing into a new array (the page faults of a fresh output, which every
   call that returns its states pays, are a large part of the gap on big
   outputs), and ``fit`` against its reference plus drawing the reservoir
   (``fit`` draws it every time; its exact spectral radius, a dense
   eigenvalue problem, is ``O(N^3)``: about half a second at N=500).
2. ``vs ReservoirPy``: ``ReservoirPy 0.4.2`` ``Reservoir.run`` (the batch with
   ``workers=2``) over ``transform`` with the same weights (only when
   ``reservoirpy`` is importable; never a dependency of ``reservoir``),
   timed in the same interleaved rounds as the paths of part 1.
   Targets: 18x and 45x at N=100, 4x and 10x at N=500. The last column,
   ``kernel vs rpy``, is ReservoirPy over the bare kernel of part 1: the
   most any ``transform`` built on that kernel could show.
3. Many short sequences: ``fit`` + ``predict`` on 10,000 sequences of 20
   steps over one sequence of the same total length (target <= 1.5).
4. Busy machine: with a background process spinning on one core and the
   default thread settings, ten ``recurrent_matrix(100)`` calls against the
   same on one BLAS thread (target <= 1.5), and ``ESNSearchCV`` against
   ``GridSearchCV`` (the grid of ``bench_search.py``; target >= 10x with the
   same best parameters).
5. Forecaster, for information: ``ESNForecaster.fit`` on a Mackey-Glass
   series of ``--steps`` steps (washout 100, one reservoir, float64) over
   ``ESNRegressor.fit`` on the same one-step problem (input ``y[t-1]``,
   target ``y[t]``, the same readout rows ``[y[t-1], x_t]``). Its harvest
   takes the regressor's path (the kernel writes into a reused chunk
   buffer and may run ahead while the Gram updates read the states as they
   lie), so the ratio should be near 1.

Usage::

    python benchmarks/bench_public.py [--quick] [--steps 20000] [--repeat 3]
        [--sizes 100 500] [--skip-busy] [--skip-short] [--skip-forecaster]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import warnings

import numpy as np
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit

from reservoir import (
    ESNForecaster,
    ESNRegressor,
    ReservoirTransformer,
    recurrent_matrix,
)
from reservoir._ridge import GramAccumulator
from reservoir._threading import blas_threads, numba_threads, small_linalg
from reservoir.datasets import mackey_glass, to_forecasting
from reservoir.exceptions import WashoutWarning
from reservoir.model_selection import ESNSearchCV

N_SEQUENCES = 64
N_JOBS = 2
DENSITY = 0.1
#: (N, one sequence, 64 sequences) targets over ReservoirPy.
RPY_TARGETS = {100: (18.0, 45.0), 500: (4.0, 10.0)}
KERNEL_TARGET = 0.85
SHORT_TARGET = 1.5
MATRIX_TARGET = 1.5
SEARCH_TARGET = 10.0


def verdict(ok: bool) -> str:
    """``met`` or ``MISSED``."""
    return "met" if ok else "MISSED"


def best_times(paths: dict, repeat: int) -> dict:
    """Best wall time of each path over ``repeat`` interleaved rounds.

    Parameters
    ----------
    paths : dict of str to (setup, run)
        ``setup`` (untimed, may be None) then ``run`` (timed).
    repeat : int
        Rounds.

    Returns
    -------
    dict of str to float
        Seconds.
    """
    times = {name: [] for name in paths}
    for _ in range(repeat):
        for name, (setup, run) in paths.items():
            if setup is not None:
                setup()
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: min(t) for name, t in times.items()}


def workload(n_sequences: int, steps: int, seed: int = 0):
    """Inputs (2-D for one sequence, 3-D for several) and sine targets."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n_sequences, steps, 1))
    if n_sequences == 1:
        X = X[0]
    return X, np.sin(3 * X[..., 0])


def kernel_and_public(
    n_units: int, n_sequences: int, steps: int, repeat: int, with_rpy: bool = False
):
    """Times of the bare kernels and of transform, fit and predict.

    Returns
    -------
    times : dict of str to float
        Seconds of ``kernel`` (the reservoir kernel in place on warm memory),
        ``kernel_gram`` (the same, then the readout's Gram update on its
        states), ``kernel_readout`` (the same, then the readout matmul),
        ``kernel_new`` (the kernel writing into a new array, as any call
        that returns its states must), ``build`` (drawing the reservoir, as
        ``fit`` does), ``transform``, ``fit`` and
        ``predict``; ``same`` says whether ``transform`` gave the kernel's
        states bit for bit; with ``with_rpy`` and ReservoirPy importable,
        ``rpy`` (ReservoirPy on the same weights, in the same rounds).
    """
    X, y = workload(n_sequences, steps)
    tr = ReservoirTransformer(
        n_units, density=DENSITY, random_state=0, n_jobs=N_JOBS
    ).fit(X)
    esn = ESNRegressor(n_units, density=DENSITY, random_state=0, n_jobs=N_JOBS).fit(
        X, y
    )
    res = tr.reservoir_
    X3 = X if n_sequences > 1 else X[None]
    pre0 = res.project(X3)
    pre = pre0.copy()
    x0 = np.zeros((n_sequences, n_units))
    state = x0.copy()
    rows = pre.reshape(-1, n_units)  # the states once the kernel ran in place
    Y = np.ascontiguousarray(y.reshape(-1, 1))
    gram = GramAccumulator(n_units, 1)
    coef = esn.coef_[-n_units:, None].copy()
    intercept = esn.intercept_

    def restore():
        pre[...] = pre0
        state[...] = x0

    def kernel():
        with numba_threads(N_JOBS):
            res.run_projected(pre, state)

    def kernel_gram():
        with numba_threads(N_JOBS):
            res.run_projected(pre, state)
            with small_linalg(n_units + 1):  # the estimator's choice
                gram._add_gram(rows)  # syrk into czz's triangle, in place
                gram.czy += rows.T @ Y

    def build():  # the reservoir that fit draws (its exact spectral radius)
        with numba_threads(N_JOBS):
            esn._build_reservoir(1)

    def kernel_readout():
        with numba_threads(N_JOBS):
            res.run_projected(pre, state)
            return rows @ coef + intercept

    # compile / warm up every path once, with the serial and the threaded
    # single-sequence kernels (the public path picks one per call, by the
    # cores free at that moment: no compilation inside a timing)
    for parallel in (False, True):
        for runner in (res, esn.reservoir_):
            runner._parallel_step = lambda parallel=parallel: parallel
        restore()
        kernel()
        tr.transform(X)
        esn.predict(X)
    for runner in (res, esn.reservoir_):
        del runner._parallel_step
    states = tr.transform(X)
    restore()
    kernel()
    same = np.array_equal(pre[0] if n_sequences == 1 else pre, states)

    def kernel_new():
        with numba_threads(N_JOBS):
            res.run_projected(pre0, x0.copy(), out=np.empty_like(pre0))

    kernel_new()
    paths = {
        "kernel": (restore, kernel),
        "kernel_gram": (restore, kernel_gram),
        "kernel_readout": (restore, kernel_readout),
        "kernel_new": (None, kernel_new),
        "build": (None, build),
        "transform": (None, lambda: tr.transform(X)),
        "fit": (None, lambda: esn.fit(X, y)),
        "predict": (None, lambda: esn.predict(X)),
    }
    rpy = reservoirpy_run(tr, X) if with_rpy else None
    if rpy is not None:
        rpy()  # warm up
        paths["rpy"] = (None, rpy)
    times = best_times(paths, repeat)
    times["same"] = same
    return times


#: the reference of each public method (see the module docstring)
REFERENCE = {"transform": "kernel", "fit": "kernel_gram", "predict": "kernel_readout"}


def reservoirpy_run(tr, X):
    """ReservoirPy 0.4.2 running ``X`` on the same weights (None if missing)."""
    try:
        import reservoirpy
        from reservoirpy.nodes import Reservoir
    except ImportError:
        return None
    try:  # a banner / warnings on some versions
        reservoirpy.verbosity(0)
    except Exception:
        pass
    W = tr.W_
    W_col = (W.T if not hasattr(W, "tocsr") else W.T.tocsr()).copy()
    W_in = np.ascontiguousarray(tr.W_in_.T)
    bias = tr.bias_.copy()
    kwargs = {} if X.ndim == 2 else {"workers": N_JOBS}
    data = X if X.ndim == 2 else list(X)

    def run():
        node = Reservoir(W=W_col, Win=W_in, bias=bias, lr=1.0)
        node.run(data, **kwargs)

    return run


def part_public(sizes, steps: int, repeat: int, with_rpy: bool) -> list:
    """Parts 1 and 2; returns a list of (label, ok) verdicts."""
    verdicts = []
    print(
        f"Part 1: public / kernel throughput (N_JOBS={N_JOBS}, density {DENSITY}, "
        f"ratio = reference time / public time, target >= {KERNEL_TARGET}; "
        f"references: transform - kernel, fit - kernel + Gram syrk, "
        f"predict - kernel + readout matmul)"
    )
    print(
        f"{'N':>5} {'work':>14} {'kernel Mupd/s':>14} {'transform':>10} "
        f"{'fit':>6} {'predict':>8} {'vs rpy':>8} {'target':>7} "
        f"{'transform vs new-array kernel':>30} {'fit vs reference + build':>25}"
        f"{'kernel vs rpy':>16}"
    )
    for n_units in sizes:
        for k, (n_seq, n_steps) in enumerate(
            ((1, steps), (N_SEQUENCES, max(2, steps // 10)))
        ):
            times = kernel_and_public(n_units, n_seq, n_steps, repeat, with_rpy)
            rate = n_seq * n_steps / times["kernel"] / 1e6
            ratios = {p: times[ref] / times[p] for p, ref in REFERENCE.items()}
            rpy = times.get("rpy")
            vs_rpy = "-" if rpy is None else f"{rpy / times['transform']:.1f}x"
            kernel_vs_rpy = "-" if rpy is None else f"{rpy / times['kernel']:.1f}x"
            target = RPY_TARGETS.get(n_units, (None, None))[k]
            work = f"{n_seq} x {n_steps}"
            print(
                f"{n_units:>5} {work:>14} {rate:14.3f} {ratios['transform']:10.2f} "
                f"{ratios['fit']:6.2f} {ratios['predict']:8.2f} {vs_rpy:>8} "
                f"{'-' if target is None else f'{target:.0f}x':>7} "
                f"{times['kernel_new'] / times['transform']:30.2f} "
                f"{(times['kernel_gram'] + times['build']) / times['fit']:25.2f}"
                f"{kernel_vs_rpy:>16}" + ("" if times["same"] else "  states differ!")
            )
            for p, r in ratios.items():
                verdicts.append(
                    (f"N={n_units} {work} {p}/reference {r:.2f}", r >= KERNEL_TARGET)
                )
            if rpy is not None and target is not None:
                r = rpy / times["transform"]
                verdicts.append(
                    (f"N={n_units} {work} vs ReservoirPy {r:.1f}x", r >= target)
                )
    if not with_rpy:
        print("reservoirpy: not importable, column skipped")
    return verdicts


def part_short(n_short: int, short_len: int, n_units: int, repeat: int) -> list:
    """Part 3: many short sequences against one long one."""
    rng = np.random.default_rng(1)
    Xs = [rng.uniform(-1, 1, (short_len, 1)) for _ in range(n_short)]
    ys = [np.sin(3 * x[:, 0]) for x in Xs]
    Xl, yl = np.concatenate(Xs), np.concatenate(ys)
    esn = ESNRegressor(n_units, density=DENSITY, random_state=0)

    def short():
        esn.fit(Xs, ys).predict(Xs)

    def long():
        esn.fit(Xl, yl).predict(Xl)

    short()
    long()
    times = best_times({"short": (None, short), "long": (None, long)}, repeat)
    ratio = times["short"] / times["long"]
    print(
        f"\nPart 3: fit + predict, {n_short} sequences of {short_len} steps "
        f"{times['short']:.3f} s, one of {n_short * short_len} steps "
        f"{times['long']:.3f} s: {ratio:.2f}x (target <= {SHORT_TARGET})"
    )
    return [(f"{n_short} short / one long {ratio:.2f}", ratio <= SHORT_TARGET)]


def part_busy(quick: bool) -> list:
    """Part 4: recurrent_matrix and ESNSearchCV with one core kept busy."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        verdicts = []

        def matrices():
            for seed in range(10):
                recurrent_matrix(100, density=DENSITY, random_state=seed)

        matrices()

        def single():
            with blas_threads(1):
                matrices()

        times = best_times({"default": (None, matrices), "one": (None, single)}, 3)
        ratio = times["default"] / times["one"]
        print(
            f"\nPart 4 (one core kept busy): 10 x recurrent_matrix(100) "
            f"{times['default']:.3f} s with default threads, {times['one']:.3f} s on "
            f"one BLAS thread: {ratio:.2f}x (target <= {MATRIX_TARGET})"
        )
        verdicts.append((f"recurrent_matrix busy {ratio:.2f}x", ratio <= MATRIX_TARGET))

        n_steps, n_units = (600, 30) if quick else (3000, 100)
        grid = {
            "spectral_radius": [0.7, 0.9, 1.1],
            "leak_rate": [0.3, 1.0],
            "input_scaling": [0.2, 0.5, 0.8, 1.0],
            "alpha": np.logspace(-10, 1, 20).tolist(),
        }
        if quick:
            grid = {"spectral_radius": [0.9], "leak_rate": [0.3, 1.0],
                    "alpha": [1e-8, 1e-4]}  # fmt: skip
        X, y = to_forecasting(mackey_glass(n_steps + 1), horizon=1)
        y = y.ravel()
        est = ESNRegressor(n_units, washout=50, random_state=0)
        cv = TimeSeriesSplit(3)
        with warnings.catch_warnings():
            # the grid's spectral radius 1.1 at leak rate 0.3 has not forgotten
            # its start after the washout: both searches warn for it, per fit
            warnings.simplefilter("ignore", WashoutWarning)
            start = time.perf_counter()
            ours = ESNSearchCV(est, grid, cv=cv).fit(X, y)
            t_ours = time.perf_counter() - start
            start = time.perf_counter()
            ref = GridSearchCV(est, grid, cv=cv).fit(X, y)
            t_ref = time.perf_counter() - start
        same = ours.best_params_ == ref.best_params_
        speedup = t_ref / t_ours
        print(
            f"ESNSearchCV {t_ours:.2f} s, GridSearchCV {t_ref:.2f} s: {speedup:.1f}x "
            f"(target >= {SEARCH_TARGET:.0f}x); same best parameters: {same}"
        )
        verdicts.append(
            (f"ESNSearchCV vs GridSearchCV busy {speedup:.1f}x, same best {same}",
             speedup >= SEARCH_TARGET and same)
        )  # fmt: skip
        return verdicts
    finally:
        busy.kill()
        busy.wait()


def part_forecaster(sizes, steps: int, repeat: int) -> None:
    """Part 5: ESNForecaster.fit against ESNRegressor.fit on the same rows."""
    series = np.asarray(mackey_glass(steps)).reshape(-1)
    X, y = series[:-1, None], series[1:]
    print(f"\nPart 5: forecaster fit over regressor fit, one series of {steps} steps")
    for n_units in sizes:
        common = dict(density=DENSITY, washout=100, random_state=0, n_jobs=N_JOBS)
        forecaster = ESNForecaster(n_units, **common)
        regressor = ESNRegressor(n_units, **common)
        forecaster.fit(series)
        regressor.fit(X, y)
        times = best_times(
            {
                "forecaster": (None, lambda f=forecaster: f.fit(series)),
                "regressor": (None, lambda r=regressor: r.fit(X, y)),
            },
            repeat,
        )
        print(
            f"  N={n_units}: ESNForecaster.fit {times['forecaster'] * 1e3:.1f} ms, "
            f"ESNRegressor.fit {times['regressor'] * 1e3:.1f} ms: "
            f"{times['forecaster'] / times['regressor']:.2f}x"
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke-test sizes")
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--skip-busy", action="store_true")
    parser.add_argument("--skip-short", action="store_true")
    parser.add_argument("--skip-forecaster", action="store_true")
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.repeat, args.sizes = 400, 1, [20]
    try:
        import reservoirpy  # noqa: F401

        with_rpy = True
    except ImportError:
        with_rpy = False
    verdicts = part_public(args.sizes, args.steps, args.repeat, with_rpy)
    if args.skip_short:
        pass
    elif args.quick:
        verdicts += part_short(200, 20, 20, 1)
    else:
        verdicts += part_short(10000, 20, 100, args.repeat)
    if not args.skip_busy:
        verdicts += part_busy(args.quick)
    if not args.skip_forecaster:
        part_forecaster(args.sizes, max(args.steps, 300), args.repeat)
    print("\nTargets:")
    for label, ok in verdicts:
        print(f"  {verdict(ok):6} {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
