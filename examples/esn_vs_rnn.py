"""
Reservoir against trained RNNs
==============================

Is my reservoir as good as a trained RNN, and does starting from it help?

Echo state network against Elman, LSTM and GRU networks trained by
backpropagation through time, each from a random (orthogonal) and from a
reservoir initialisation, plus an Elman network fine-tuned from the fitted
ESN (``from_esn``), on two standard tasks:

- NARMA-10 system identification (input u, target y);
- Mackey-Glass (tau=17) one-step-ahead forecasting.

Every model sees the same training sequence (the RNNs train by truncated
BPTT, carrying the state along it) and is scored by the NRMSE on a separate
test sequence, after a 50-step warm-up that no model is scored on. The table
also gives the wall-clock training time; the picture shows the test errors.

    python examples/esn_vs_rnn.py          # small: seconds
    python examples/esn_vs_rnn.py --full   # the benchmark sizes: minutes
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from reservoir import ESNRegressor
from reservoir.comparators import RNNRegressor, from_esn
from reservoir.datasets import mackey_glass, narma, to_forecasting
from reservoir.metrics import nrmse

WARMUP = 50

SIZES = {
    "small": dict(n_train=1000, n_test=500, esn_units=100, rnn_units=24, epochs=30),
    "full": dict(n_train=4000, n_test=1000, esn_units=300, rnn_units=64, epochs=150),
}


def tasks(n_train: int, n_test: int):
    """``{name: (X_train, y_train, X_test, y_test)}``."""
    n = n_train + n_test
    u, y = narma(n, order=10, random_state=0)
    u = u.reshape(-1, 1)
    y = y.reshape(-1, 1)
    X_mg, y_mg = to_forecasting(mackey_glass(n + 1, random_state=0), horizon=1)
    # centre and scale Mackey-Glass (the RNNs' readouts start near zero)
    mean, std = X_mg[:n_train].mean(), X_mg[:n_train].std()
    X_mg, y_mg = (X_mg - mean) / std, (y_mg - mean) / std
    return {
        "NARMA-10": (u[:n_train], y[:n_train], u[n_train:], y[n_train:]),
        "Mackey-Glass": (
            X_mg[:n_train],
            y_mg[:n_train],
            X_mg[n_train:],
            y_mg[n_train:],
        ),
    }


def models(esn_units: int, rnn_units: int, epochs: int):
    """``{name: factory(esn) -> estimator}`` (the ESN is fitted first)."""
    train = dict(
        washout=WARMUP,
        learning_rate=3e-3,
        truncation=50,
        max_epochs=epochs,
        clip=1.0,
        include_input=True,
        random_state=0,
    )
    reservoir_init = dict(
        init="reservoir", spectral_radius=0.9, input_scaling=0.5, bias_scaling=0.2
    )
    specs = {
        "ESN (ridge readout)": lambda esn: esn,
        # a small step: the ESN's readout makes the loss sharp (see from_esn)
        "Elman from ESN (from_esn)": lambda esn: from_esn(
            esn, learning_rate=1e-6, truncation=50, max_epochs=epochs, random_state=0
        ),
    }
    for cell in ("elman", "lstm", "gru"):
        specs[f"{cell.upper() if cell != 'elman' else 'Elman'}, orthogonal init"] = (
            lambda esn, cell=cell: RNNRegressor(rnn_units, cell=cell, **train)
        )
        specs[f"{cell.upper() if cell != 'elman' else 'Elman'}, reservoir init"] = (
            lambda esn, cell=cell: RNNRegressor(
                rnn_units, cell=cell, **reservoir_init, **train
            )
        )
    return specs


def _warm_up():
    """Compile the Numba kernels, so that no timing below includes the JIT."""
    X = np.linspace(0, 1, 20).reshape(-1, 1)
    ESNRegressor(10, density=0.5, random_state=0).fit(X, X[:, 0]).predict(X)
    for cell in ("elman", "lstm", "gru"):
        RNNRegressor(4, cell=cell, max_epochs=1).fit(X, X[:, 0]).predict(X)


def run(size: str = "small", file=None):
    """Fit every model on every task and print the table; return the rows."""
    cfg = SIZES[size]
    _warm_up()
    rows = []
    for task, (X, y, X_test, y_test) in tasks(cfg["n_train"], cfg["n_test"]).items():
        tic = time.perf_counter()
        esn = ESNRegressor(
            cfg["esn_units"],
            spectral_radius=0.9,
            input_scaling=0.5,
            bias_scaling=0.2,
            washout=WARMUP,
            alpha=1e-8,
            random_state=0,
        ).fit(X, y)
        esn_time = time.perf_counter() - tic
        for name, factory in models(
            cfg["esn_units"], cfg["rnn_units"], cfg["epochs"]
        ).items():
            model = factory(esn)
            tic = time.perf_counter()
            if model is not esn:
                model.fit(X, y)
            seconds = esn_time if model is esn else time.perf_counter() - tic
            if name.startswith("Elman from"):
                seconds += esn_time
            pred = np.asarray(model.predict(X_test)).reshape(y_test.shape)
            score = nrmse(y_test[WARMUP:], pred[WARMUP:])
            units = cfg["esn_units"] if "ESN" in name else cfg["rnn_units"]
            rows.append((task, name, units, score, seconds))
    print(
        f"{'task':<13} {'model':<27} {'units':>5} {'test NRMSE':>10} {'train s':>8}",
        file=file,
    )
    for task, name, units, score, seconds in rows:
        print(
            f"{task:<13} {name:<27} {units:>5} {score:>10.4f} {seconds:>8.2f}",
            file=file,
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--full", action="store_true", help="benchmark sizes")
    parser.add_argument(
        "--small", action="store_true", help="CI-size run (the default size)"
    )
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    if args.full and args.small:
        parser.error("choose --full or --small, not both")
    rows = run("full" if args.full else "small")
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return
    task_names = list(dict.fromkeys(row[0] for row in rows))
    fig, axes = plt.subplots(1, len(task_names), figsize=(10, 3.5), sharey=True)
    for ax, task in zip(axes, task_names, strict=True):
        mine = [row for row in rows if row[0] == task]
        ax.barh([row[1] for row in mine], [row[3] for row in mine], color="tab:blue")
        ax.set_xscale("log")
        ax.set_xlabel("test NRMSE")
        ax.set_title(task, fontsize=9)
    axes[0].invert_yaxis()
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=110)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
