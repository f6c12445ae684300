"""Memory capacity of 200-unit linear reservoirs (issue 18).

Linear (identity) reservoirs of N = 200 units, spectral radius 0.95, no bias,
input scaling 0.1, measured with :func:`reservoir.memory_capacity` (delays 1
to 400, washout 400, 5000 training and 2000 held-out test steps, least-squares
readouts) for the ring, the random orthogonal matrix and Rodan & Tino's cycle
with jumps (jump size 10, jump weight 0.05 of the cycle weight), on several
weight seeds, beside an independent NumPy computation (``tests/naive.py``
states, ``numpy.linalg.lstsq`` readouts) for the first seed. The theoretical
bound is N = 200. The cycle-with-jumps parameters were chosen on seed 0 (a
grid of jump sizes 2-20 and jump weights 0.02-0.1); seeds 1-3 are reported.
Also prints the information-processing capacities (degrees 1-3) of a 50-unit
tanh reservoir with and without bias.

Usage::

    python benchmarks/bench_capacity.py           # N=200, seeds 1-3
    python benchmarks/bench_capacity.py --quick   # N=50, one seed
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from naive_capacity import memory_capacity as naive_memory_capacity  # noqa: E402

from reservoir import (  # noqa: E402
    ESNRegressor,
    ReservoirTransformer,
    information_processing_capacity,
    memory_capacity,
)
from reservoir.datasets import delayed_input  # noqa: E402

TOPOLOGIES = {
    "ring": None,
    "orthogonal": None,
    "cycle_jumps": {"jump_size": 10, "jump_weight": 0.05},
}


def linear_esn(n_units: int, topology: str, seed: int) -> ESNRegressor:
    return ESNRegressor(
        n_units,
        topology=topology,
        topology_params=TOPOLOGIES[topology],
        activation="identity",
        spectral_radius=0.95,
        input_scaling=0.1,
        bias_scaling=0.0,
        random_state=seed,
    )


def numpy_reference(esn, max_delay, n_train, n_test, seed) -> float:
    u = delayed_input(max_delay + n_train + n_test, random_state=seed)[0][:, 0]
    params = {
        k: v
        for k, v in esn.get_params().items()
        if k in ReservoirTransformer().get_params()
    }
    t = ReservoirTransformer(**params).fit(u[:, None])
    W = t.W_.toarray() if hasattr(t.W_, "toarray") else t.W_
    caps = naive_memory_capacity(
        W, t.W_in_, t.bias_, t.reservoir_.leak, "identity", u, max_delay,
        max_delay, n_train,
    )  # fmt: skip
    return float(caps.sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n_units = 50 if args.quick else 200
    seeds = [1] if args.quick else [1, 2, 3]
    max_delay = 2 * n_units
    n_train, n_test = (2000, 1000) if args.quick else (5000, 2000)
    print(f"memory capacity, linear reservoirs of {n_units} units (bound {n_units})")
    print(f"{'topology':<12} " + " ".join(f"seed {s:>2}" for s in seeds)
          + "   NumPy ref (seed 1)  seconds")  # fmt: skip
    for topology in TOPOLOGIES:
        totals, start = [], time.perf_counter()
        for seed in seeds:
            esn = linear_esn(n_units, topology, seed)
            mc = memory_capacity(
                esn, max_delay=max_delay, n_train=n_train, n_test=n_test,
                random_state=100 + seed,
            )  # fmt: skip
            totals.append(mc.total)
        seconds = (time.perf_counter() - start) / len(seeds)
        reference = numpy_reference(
            linear_esn(n_units, topology, seeds[0]), max_delay, n_train, n_test,
            100 + seeds[0],
        )  # fmt: skip
        print(f"{topology:<12} " + " ".join(f"{t:7.2f}" for t in totals)
              + f"   {reference:17.2f}  {seconds:7.2f}")  # fmt: skip

    print("\ninformation-processing capacity, tanh reservoir of 50 units, "
          "delays {1: 100, 2: 20, 3: 10}")  # fmt: skip
    for bias in (0.0, 0.5):
        esn = ESNRegressor(50, spectral_radius=0.9, input_scaling=0.5,
                           bias_scaling=bias, random_state=1)  # fmt: skip
        ipc = information_processing_capacity(
            esn, max_delay={1: 100, 2: 20, 3: 10}, n_train=n_train * 2,
            n_test=n_test * 2 + 1000, washout=100, random_state=2,
        )  # fmt: skip
        by = ", ".join(f"degree {d}: {v:.2f}" for d, v in ipc.by_degree.items())
        print(f"bias_scaling={bias}: {by}; total {ipc.total:.2f} (bound 50)")


if __name__ == "__main__":
    main()
