"""
Online learning under drift
===========================

Online learning under drift: RLS with forgetting tracks a regime switch.

The input-output system ``datasets.regime_switch`` changes its dynamics
halfway (other memory, other signs). An echo state network's readout is
learned online, one step at a time, by recursive least squares: with a
forgetting factor 0.995 (a memory of about 200 steps) it tracks the new
regime; with forgetting factor 1 (the growing-window ridge solution) it
averages both regimes; a ridge readout fitted once before the switch stays
wrong. The script prints each readout's test-then-train error (each step is
predicted before it is learned from) before and after the switch, and how
many steps after the switch the error is back within 2x its pre-switch
level; ``--plot out.png`` draws the rolling errors.

Run ``python examples/online_drift.py``, or with ``--small`` (or
``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from sklearn.linear_model import Ridge

from reservoir import ReservoirTransformer, RLSRegressor
from reservoir.datasets import regime_switch

WINDOW = 200  # steps of the rolling RMSE


def rolling_rmse(error: np.ndarray) -> np.ndarray:
    return np.sqrt(np.convolve(error**2, np.ones(WINDOW) / WINDOW, mode="valid"))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"

    n_steps = 4000 if small else 20000
    switch = n_steps // 2
    u, y = regime_switch(n_steps, noise=0.01, random_state=0)
    reservoir = ReservoirTransformer(100, spectral_radius=0.5, random_state=0)
    features = np.hstack([u, reservoir.fit_transform(u)])
    errors = {}
    for name, forgetting in (
        ("RLS, forgetting 0.995", 0.995),
        ("RLS, forgetting 1", 1.0),
    ):
        readout = RLSRegressor(forgetting, alpha=1e-2)
        errors[name] = readout.partial_fit_predict(features, y[:, 0]) - y[:, 0]
    batch = Ridge(alpha=1e-6).fit(features[100:switch], y[100:switch, 0])
    errors["ridge fitted before the switch"] = batch.predict(features) - y[:, 0]

    level = rolling_rmse(errors["RLS, forgetting 0.995"][switch - 2000 : switch]).mean()
    print(f"regime switch at step {switch} of {n_steps}; ESN with 100 units")
    print(
        f"pre-switch error level (RLS 0.995, rolling RMSE over {WINDOW}): {level:.4f}"
    )
    for name, error in errors.items():
        after = rolling_rmse(error[switch:])
        back = np.flatnonzero(after <= 2 * level)
        when = f"after {back[0] + WINDOW} steps" if back.size else "never"
        print(f"{name:>31}: final RMSE {after[-1]:.4f}, within 2x the level {when}")

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return
    fig, axis = plt.subplots(figsize=(8, 4))
    steps = np.arange(WINDOW - 1, n_steps)
    for name, error in errors.items():
        axis.plot(steps, rolling_rmse(error), label=name)
    axis.axvline(switch, color="black", lw=0.8)
    axis.set_yscale("log")
    axis.set_xlabel("step")
    axis.set_ylabel(f"rolling RMSE ({WINDOW} steps)")
    axis.legend()
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
