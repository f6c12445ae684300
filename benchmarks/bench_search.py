"""Alpha-path search against GridSearchCV refitting every alpha (issue 5).

Part 1: 24 reservoir configurations x 20 ridge alphas with TimeSeriesSplit(3)
on Mackey-Glass one-step forecasting. ``ESNSearchCV`` runs the reservoir once
per configuration and fold and solves the 20 alphas from one
eigendecomposition; ``GridSearchCV`` refits the ESN for each of the 480
(configuration, alpha) pairs. Both score the test fold from the zero state,
so they must find the same best parameters and score.

Part 2: the cost of choosing among 20 alphas inside one ``ESNRegressor.fit``
(GCV, and blocked CV with ``cv=3``) against fitting a single alpha.

Both timings are measured in the same run on the same machine, with one BLAS
and one Numba thread; the ratios are what matters. CPU time is printed next
to wall time because it is less disturbed by other work on a shared machine. Usage::

    python benchmarks/bench_search.py           # full size
    python benchmarks/bench_search.py --quick   # CI size
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from threadpoolctl import threadpool_limits

from reservoir import ESNRegressor
from reservoir.datasets import mackey_glass, to_forecasting
from reservoir.model_selection import ESNSearchCV

ALPHAS = np.logspace(-10, 1, 20).tolist()


def search_comparison(quick: bool) -> bool:
    n_steps, n_units = (1200, 40) if quick else (3000, 100)
    grid = {
        "spectral_radius": [0.7, 0.9, 1.1],
        "leak_rate": [0.3, 1.0],
        "input_scaling": [0.2, 0.5, 0.8, 1.0],
        "alpha": ALPHAS,
    }
    if quick:
        grid["spectral_radius"] = [0.9]
        grid["input_scaling"] = [0.5, 1.0]
    X, y = to_forecasting(mackey_glass(n_steps + 1), horizon=1)
    y = y.ravel()
    est = ESNRegressor(n_units, washout=50, random_state=0)
    cv = TimeSeriesSplit(3)
    n_cfg = int(
        np.prod([len(v) for k, v in grid.items() if k != "alpha"], dtype=np.int64)
    )
    print(
        f"Part 1: {n_cfg} configurations x {len(ALPHAS)} alphas, TimeSeriesSplit(3), "
        f"Mackey-Glass T={n_steps}, N={n_units}"
    )
    start, start_cpu = time.perf_counter(), time.process_time()
    ours = ESNSearchCV(est, grid, cv=cv).fit(X, y)
    t_ours, c_ours = time.perf_counter() - start, time.process_time() - start_cpu
    start, start_cpu = time.perf_counter(), time.process_time()
    ref = GridSearchCV(est, grid, cv=cv).fit(X, y)
    t_ref, c_ref = time.perf_counter() - start, time.process_time() - start_cpu
    same = ours.best_params_ == ref.best_params_
    close = abs(ours.best_score_ - ref.best_score_) <= 1e-8 * abs(ref.best_score_)
    print(
        f"{'search':<34} {'wall (s)':>9} {'CPU (s)':>8} {'best R2':>12}  "
        f"best parameters"
    )
    print(
        f"{'ESNSearchCV (alpha path)':<34} {t_ours:9.2f} {c_ours:8.2f} "
        f"{ours.best_score_:12.8f}  {ours.best_params_}"
    )
    print(
        f"{f'GridSearchCV ({n_cfg * len(ALPHAS)} refits x 3)':<34} {t_ref:9.2f} "
        f"{c_ref:8.2f} {ref.best_score_:12.8f}  {ref.best_params_}"
    )
    print(
        f"speed-up: {t_ref / t_ours:.1f}x wall, {c_ref / c_ours:.1f}x CPU; same best "
        f"parameters: {same}; same best score (rel 1e-8): {close}"
    )
    return same and close


def alpha_cost(quick: bool, repeat: int = 5) -> None:
    n_steps, n_units = (4000, 200) if quick else (20000, 500)
    u = np.random.default_rng(0).uniform(-1, 1, n_steps + 1)
    X, y = u[:-1, None], u[1:]
    print(
        f"\nPart 2: one fit, T={n_steps}, N={n_units}: the cost of {len(ALPHAS)} "
        f"alphas (best of {repeat} interleaved rounds)"
    )
    variants = {
        "one alpha": {"alpha": 1e-6},
        f"{len(ALPHAS)} alphas, GCV": {"alpha": ALPHAS},
        f"{len(ALPHAS)} alphas, blocked CV (cv=3)": {"alpha": ALPHAS, "cv": 3},
    }
    ESNRegressor(10, random_state=0).fit(X[:50], y[:50])  # compile the kernels
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeat):
        for name, kw in variants.items():
            est = ESNRegressor(n_units, washout=100, random_state=0, **kw)
            start, start_cpu = time.perf_counter(), time.process_time()
            est.fit(X, y)
            cpu[name].append(time.process_time() - start_cpu)
            wall[name].append(time.perf_counter() - start)
    one_cpu = min(cpu["one alpha"])
    print(f"{'fit':<38} {'wall (s)':>9} {'CPU (s)':>8} {'CPU ratio':>10}")
    for name in variants:
        w, c = min(wall[name]), min(cpu[name])
        print(f"{name:<38} {w:9.2f} {c:8.2f} {c / one_cpu:10.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small CI size")
    parser.add_argument("--part", choices=["1", "2", "all"], default="all")
    parser.add_argument(
        "--blas-threads",
        type=int,
        default=1,
        help="BLAS threads (1 keeps timings stable on a shared machine)",
    )
    args = parser.parse_args(argv)
    ok = True
    with threadpool_limits(args.blas_threads):
        if args.part in ("1", "all"):
            ok = search_comparison(args.quick)
        if args.part in ("2", "all"):
            alpha_cost(args.quick)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
