"""
The adding problem, solved by a trained RNN
===========================================

The adding problem, solved by a reservoir-initialised tanh RNN with clipping.

Hochreiter and Schmidhuber (1997): each sequence carries random values in
[-1, 1] and two markers (one in each half); the target at the last step is
``0.5 + (x_1 + x_2) / 4`` for the two marked values, and a sequence is an
error when the absolute error exceeds 0.04. Predicting the mean gives about
83 % errors.

The network is an Elman RNN (tanh, 64 units) whose recurrent, input and bias
weights come from the ESN builders (``init='reservoir'``), trained by BPTT
with Adam (step 3e-3 for length 50 and 1e-3 for length 100, halved when
the test error rate stalls for three epochs once it is under 50 %, down to
a tenth) and gradient-norm clipping at 1, on
minibatches of 50 of 10000 training sequences. After every epoch the error
rate on 1000 fresh test sequences is measured, and the run stops when it
falls under 5 %; the number of weight updates it took is printed. Measured:
length 50 reaches 3.0 % after 4800 updates, length 100 reaches 4.0 % after
12200 updates (both checked by ``pytest -m slow tests/test_comparators_slow.py``).
The picture shows the test error rate after each epoch.

    python examples/adding_problem.py --length 50 100
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from reservoir.comparators import RNNRegressor
from reservoir.comparators._tasks import adding_problem

THRESHOLD = 0.04


def solve(
    length: int = 50,
    *,
    n_units: int = 64,
    n_train: int = 10000,
    max_epochs: int = 100,
    learning_rate: float = 3e-3,
    target_error: float = 0.05,
    random_state: int = 0,
    verbose: bool = True,
    curve: list | None = None,
):
    """Train until the test error rate is below ``target_error``.

    The test error rate after each epoch is appended to ``curve`` if given.

    Returns ``(error_rate, n_updates, seconds)``.
    """
    X, y = adding_problem(n_train, length, random_state=random_state)
    X_test, y_test = adding_problem(1000, length, random_state=random_state + 1)
    rnn = RNNRegressor(
        n_units,
        cell="elman",
        activation="tanh",
        init="reservoir",
        spectral_radius=1.0,
        input_scaling=1.0,
        bias_scaling=0.0,
        clip=1.0,
        solver="adam",
        learning_rate=learning_rate,
        batch_size=50,
        max_epochs=1,
        warm_start=True,
        random_state=random_state,
    )
    tic = time.perf_counter()
    error = best = 1.0
    stall = 0
    for epoch in range(1, max_epochs + 1):
        rnn.fit(X, y)
        error = float(np.mean(np.abs(rnn.predict(X_test) - y_test) > THRESHOLD))
        # once past the plateau, divide the step by 2 whenever the error rate
        # has not improved for three epochs, down to a tenth of the initial
        # step (warm_start keeps Adam's state)
        stall = 0 if error < best else stall + 1
        best = min(best, error)
        if curve is not None:
            curve.append(error)
        if best < 0.5 and stall >= 3 and rnn.learning_rate > learning_rate / 10:
            rnn.set_params(learning_rate=rnn.learning_rate / 2)
            stall = 0
        if verbose:
            print(
                f"length {length}: epoch {epoch}, {rnn.n_updates_} updates, "
                f"training MSE {rnn.loss_curve_[-1]:.5f}, test error rate "
                f"{100 * error:.1f} %",
                flush=True,
            )
        if error < target_error:
            break
    return error, rnn.n_updates_, time.perf_counter() - tic


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--length", type=int, nargs="+", default=[50])
    parser.add_argument("--max-epochs", type=int, default=100)
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    parser.add_argument(
        "--learning-rate",
        type=float,
        default=None,
        help="Adam step (default: 3e-3 up to length 50, 1e-3 above)",
    )
    parser.add_argument(
        "--small",
        action="store_true",
        help="CI-size smoke run: length 20, 2000 sequences, 2 epochs (not solved)",
    )
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"
    lengths = [20] if small else args.length
    curves = {}
    for length in lengths:
        step = args.learning_rate or (3e-3 if length <= 50 else 1e-3)
        error, updates, seconds = solve(
            length,
            n_train=2000 if small else 10000,
            max_epochs=2 if small else args.max_epochs,
            learning_rate=step,
            curve=curves.setdefault(length, []),
        )
        status = "solved" if error < 0.05 else "NOT solved"
        print(
            f"adding problem, length {length}: {status}, test error rate "
            f"{100 * error:.1f} % after {updates} updates ({seconds:.0f} s)"
        )

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return
    fig, ax = plt.subplots(figsize=(6, 3.2))
    for length, curve in curves.items():
        epochs = range(1, len(curve) + 1)
        ax.plot(epochs, [100 * e for e in curve], "o-", label=f"length {length}")
    ax.axhline(100 * 0.05, color="black", ls=":", lw=1, label="solved (5 %)")
    ax.set_xlabel("epoch")
    ax.set_ylabel("test error rate (%)")
    ax.set_ylim(0, 100)
    ax.legend(fontsize=8)
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=110)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
