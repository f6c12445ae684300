"""Fitting a sequence classifier on many sequences: our batched path vs a loop.

Times ``ESNClassifier.fit`` on 1000 sequences of length 100 (N=200, density
0.1, one input) against a per-sequence Python loop over the per-step NumPy
update (the way a plain NumPy ESN harvests states), followed by the same ridge
readout on the mean states. Prints both times and the ratio, measured in one
run on one machine: each is timed ``--repeat`` times, in turn, and its best
time is shown.

Usage::

    python benchmarks/bench_classification.py [--quick] [--threads 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.sparse
from sklearn.linear_model import RidgeClassifier

from reservoir import ESNClassifier
from reservoir.datasets import make_sequence_classification


def numpy_loop_fit(X, y, esn: ESNClassifier):
    """Reference: per sequence, per step NumPy update, then ridge on the means."""
    W = scipy.sparse.csr_matrix(esn.W_.T)  # column convention, as ReservoirPy
    W_in, bias = esn.W_in_.T, esn.bias_
    leak = esn.reservoir_.leak
    features = []
    for U in X:
        x = np.zeros(W.shape[0])
        total = np.zeros(W.shape[0] + U.shape[1])
        for u in U:
            x = (1 - leak) * x + leak * np.tanh(W_in @ u + W @ x + bias)
            total += np.concatenate([u, x])
        features.append(total / len(U))
    return RidgeClassifier(alpha=esn.alpha).fit(np.array(features), y)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (CI)")
    parser.add_argument("--threads", type=int, default=2, help="numba threads")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timings of each (best is shown)"
    )
    args = parser.parse_args(argv)
    n_seq, length, n_units = (50, 30, 50) if args.quick else (1000, 100, 200)
    X, y = make_sequence_classification(
        n_seq, min_length=length, max_length=length, random_state=0
    )
    clf = ESNClassifier(
        n_units,
        density=0.1,
        leak_rate=0.5,
        aggregation="mean",
        random_state=0,
        n_jobs=args.threads,
    )
    clf.fit(X[:4], y[:4])  # compile outside the timing
    ours = loop = np.inf
    for _ in range(args.repeat):  # in turn, so both see the same conditions
        start = time.perf_counter()
        clf.fit(X, y)
        ours = min(ours, time.perf_counter() - start)
        start = time.perf_counter()
        ref = numpy_loop_fit(X, y, clf)
        loop = min(loop, time.perf_counter() - start)
    states = clf.reservoir_.run(X, clf.reservoir_.initial_states(len(X)))
    means = np.array(
        [np.hstack([U, S]).mean(axis=0) for U, S in zip(X, states, strict=True)]
    )
    agree = np.mean(ref.predict(means) == clf.predict(X))
    print(
        f"{n_seq} sequences x {length} steps, N={n_units}, density 0.1, "
        f"{args.threads} numba threads"
    )
    print(f"{'path':<34}{'fit time (s), best of ' + str(args.repeat):>24}")
    print(f"{'ESNClassifier.fit (batched)':<34}{ours:>24.3f}")
    print(f"{'per-sequence NumPy loop + ridge':<34}{loop:>24.3f}")
    print(
        f"ratio: {loop / ours:.1f}x   (predictions agree on {agree:.1%} of sequences)"
    )


if __name__ == "__main__":
    main()
