"""
Forecast intervals from a backtest
==================================

How far can a forecast past the end of the data be trusted? The rolling-origin
backtest of :func:`~reservoir.forecasting.backtest` forecasts from many
origins inside the data, where the outcome is known; the spread of those
forecasts' errors at each horizon gives an interval around the forecast past
the data (:func:`~reservoir.plotting.plot_forecast_intervals`). The series is
a noisy seasonal one with a trend; the script prints the backtest's verdict
against the simple baselines (here an autoregression beats the ESN, and the
report says so) and the width of the 80 % interval at the first and last
horizon.

Run ``python examples/forecast_intervals.py``, or with ``--small`` (or
``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from reservoir import ESNForecaster
from reservoir.forecasting import backtest


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"

    n_steps, n_units = (300, 50) if small else (1200, 200)
    rng = np.random.default_rng(0)
    t = np.arange(n_steps)
    y = 0.01 * t + np.sin(2 * np.pi * t / 24) + 0.2 * rng.normal(size=n_steps)
    report = backtest(
        y,
        horizon=12,
        season=24,
        model=ESNForecaster(
            n_units, spectral_radius=0.5, alpha=0.1, washout=24, random_state=0
        ),
    )
    for line in report.verdict():
        print(line)
    errors = report.truth[:, :, 0] - report.forecasts["ESN"][:, :, 0]
    low, high = np.quantile(errors, [0.1, 0.9], axis=0)
    print(
        f"80 % interval from {report.origins.size} origins: width "
        f"{high[0] - low[0]:.3f} at horizon 1, {high[-1] - low[-1]:.3f} at "
        f"horizon {report.horizon}"
    )

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return
    from reservoir.plotting import plot_forecast_intervals

    fig, ax = plt.subplots(figsize=(9, 3.5))
    plot_forecast_intervals(report, coverage=0.8, n_history=96, ax=ax)
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=110)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
