"""
Searching hyperparameters
=========================

Search reservoir hyperparameters and the ridge penalty for a forecast.

A random search in the ranges recommended by Hinaut & Trouvain (2021)
(log-uniform spectral radius, leak rate and input scaling), with the whole
ridge alpha path solved for every configuration from one reservoir run per
time-series fold. Each configuration's parameters, best alpha, score and time
are printed as the search goes; the best model is then scored on a held-out
tail of the series it never saw, and the cross-validated score of every
configuration is drawn against each hyperparameter
(:func:`~reservoir.plotting.plot_search_results`).

Run ``python examples/grid_search.py`` (about a minute on one core), with
``--n-jobs 2`` to use two processes, or with ``--small`` (or the environment
variable ``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from sklearn.model_selection import TimeSeriesSplit

from reservoir import ESNRegressor
from reservoir.datasets import mackey_glass, to_forecasting
from reservoir.metrics import nrmse
from reservoir.model_selection import ESNSearchCV, recommended_search_space


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--n-jobs", type=int, default=None, help="joblib workers")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"
    n_units, n_steps, n_iter = (50, 1500, 6) if small else (300, 6000, 40)

    # forecast Mackey-Glass 10 steps ahead; keep the last 20% for the end
    X, y = to_forecasting(mackey_glass(n_steps + 10), horizon=10)
    y = y.ravel()
    n_train = int(0.8 * len(X))

    space = recommended_search_space(alpha=False)  # sr, leak rate, input scaling
    space["alpha"] = np.logspace(-10, 1, 12).tolist()  # solved all at once
    search = ESNSearchCV(
        ESNRegressor(n_units, washout=100, random_state=0),
        space,
        n_iter=n_iter,
        cv=TimeSeriesSplit(3),
        scoring="neg_root_mean_squared_error",
        n_jobs=args.n_jobs,
        verbose=1,
        random_state=0,
        # score each test fold from the state where its training rows end, as
        # a forecast would run, not from the zero state's transient
        test_state="continue",
    )
    start = time.perf_counter()
    search.fit(X[:n_train], y[:n_train])
    elapsed = time.perf_counter() - start

    print(f"\nsearch took {elapsed:.1f}s")
    print("best parameters:")
    for name, value in search.best_params_.items():
        print(f"  {name:<16} {value:.4g}")
    print(f"best cross-validated RMSE: {-search.best_score_:.4g}")
    # score the held-out tail after running through the whole series, so the
    # tail starts from a warm state
    y_pred = search.predict(X)[n_train:]
    error = nrmse(y[n_train:], y_pred)
    print(f"NRMSE on the held-out tail ({len(X) - n_train} steps): {error:.4g}")
    try:
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        print("matplotlib is not installed; no plot")
    else:
        from reservoir.plotting import plot_search_results

        # the score of every configuration against each hyperparameter
        fig = plot_search_results(search)
        for ax in fig.axes:
            ax.set_yscale("symlog", linthresh=0.01)
        if args.plot:
            fig.savefig(args.plot, dpi=110)
            print(f"plot saved to {args.plot}")
    return {"best_params": search.best_params_, "test_nrmse": error}


if __name__ == "__main__":
    main()
