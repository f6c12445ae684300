"""
Classifying sequences
=====================

Classify noisy sequences by the system that generated them.

Variable-length sequences from sine, square, sawtooth and resonant-noise
generators, standardised so that their mean and spread say nothing about the
class. The script compares an ESN classifier (several ways of turning a
sequence's states into one feature vector, a deep and a bidirectional
reservoir) with a ridge classifier on the per-sequence input means, and prints
the test accuracy and fit time of each, and draws the accuracies.

Run ``python examples/classification.py``, or with ``--small`` (or the
environment variable ``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from sklearn.linear_model import RidgeClassifier

from reservoir import ESNClassifier
from reservoir.datasets import make_sequence_classification


def main(argv=None) -> dict[str, float]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"
    n_sequences, n_units = (200, 60) if small else (2000, 300)

    X, y = make_sequence_classification(n_sequences, n_classes=4, random_state=0)
    split = int(0.75 * n_sequences)
    X_train, y_train, X_test, y_test = X[:split], y[:split], X[split:], y[split:]
    common = {
        "washout": 10,
        "leak_rate": 0.5,
        "input_scaling": 0.5,
        "random_state": 0,
        "n_jobs": 2,
    }
    models = {
        "ESN, last state": ESNClassifier(n_units, aggregation="last", **common),
        "ESN, mean state": ESNClassifier(n_units, aggregation="mean", **common),
        "ESN, 5 support points": ESNClassifier(
            n_units, aggregation="support", **common
        ),
        "ESN, every state votes": ESNClassifier(n_units, aggregation="vote", **common),
        "deep ESN (2 layers), mean": ESNClassifier(
            [n_units, n_units // 2], n_layers=2, **common
        ),
        "bidirectional ESN, mean": ESNClassifier(n_units, bidirectional=True, **common),
    }
    print(
        f"{len(X_train)} training and {len(X_test)} test sequences, "
        f"lengths 50-100, 4 classes"
    )
    print(f"{'model':<30}{'accuracy':>10}{'fit (s)':>10}")
    means = [x.mean(axis=0) for x in X_train], [x.mean(axis=0) for x in X_test]
    baseline = RidgeClassifier().fit(means[0], y_train).score(means[1], y_test)
    print(f"{'ridge on input means':<30}{baseline:>10.3f}{'':>10}")
    scores = {"ridge on input means": baseline}
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(X_train, y_train)
        elapsed = time.perf_counter() - start
        scores[name] = model.score(X_test, y_test)
        print(f"{name:<30}{scores[name]:>10.3f}{elapsed:>10.2f}")
    best = max(scores, key=scores.get)
    print(f"best: {best} ({scores[best]:.3f}); chance is 0.25")
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return scores
    fig, ax = plt.subplots(figsize=(8, 3.5))
    names = list(scores)
    ax.barh(names, [scores[n] for n in names], color="tab:blue")
    ax.axvline(0.25, color="black", ls=":", lw=1, label="chance")
    ax.invert_yaxis()
    ax.set_xlabel("test accuracy")
    ax.set_xlim(0, 1)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=110)
        print(f"plot saved to {args.plot}")
    return scores


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    main()
