"""Peak resident memory of a streaming ESNRegressor fit (issue 5).

T = 100000 steps, N = 2000 units: the state matrix alone would take
T * N * 8 bytes = 1.6 GB. ``ESNRegressor.fit`` runs the reservoir in chunks
and adds each chunk to the Gram matrix, so the peak is the interpreter plus a
few (N x N) matrices. Each measurement runs in a fresh subprocess and reads its
peak RSS (``ru_maxrss``); the import-only baseline is measured the same way.

Usage::

    python benchmarks/bench_memory.py            # T=100000, N=2000
    python benchmarks/bench_memory.py --quick    # T=10000, N=1000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    import numpy as np
    from reservoir import ESNRegressor
    T, N, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    rng = np.random.default_rng(0)
    u = rng.uniform(-1, 1, T + 1)
    X, y = u[:-1, None], u[1:]
    start = time.perf_counter()
    if mode == "fit":
        esn = ESNRegressor(N, washout=100, alpha=1e-6, random_state=0).fit(X, y)
    elif mode == "partial_fit":
        esn = ESNRegressor(N, washout=100, alpha=1e-6, random_state=0)
        for s in range(0, T, T // 4):
            esn.partial_fit(X[s : s + T // 4], y[s : s + T // 4], continue_state=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"mode": mode, "peak_mb": peak, "seconds": elapsed}))
    """
)


def measure(T: int, N: int, mode: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(T), str(N), mode],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="T=10000, N=1000")
    parser.add_argument("--limit-mb", type=float, default=400.0)
    parser.add_argument("--modes", default="import,fit,partial_fit")
    args = parser.parse_args(argv)
    T, N = (10_000, 1_000) if args.quick else (100_000, 2_000)
    state_gb = T * N * 8 / 1e9
    print(f"T={T} N={N}: the state matrix alone would take {state_gb:.2f} GB")
    print(f"{'mode':<12} {'peak RSS (MB)':>14} {'time (s)':>9}")
    ok = True
    for mode in args.modes.split(","):
        r = measure(T, N, mode)
        print(f"{mode:<12} {r['peak_mb']:14.0f} {r['seconds']:9.1f}", flush=True)
        if mode != "import" and r["peak_mb"] > args.limit_mb:
            ok = False
    print(f"limit {args.limit_mb:.0f} MB: {'OK' if ok else 'EXCEEDED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
