"""
Next-generation reservoir computing on Lorenz-63
================================================

Next-generation reservoir computing (NG-RC) on Lorenz-63 and the double scroll.

An NVAR forecaster (Gauthier et al. 2021): the linear part is the current and
the previous state (k=2, s=1), the features add a constant and all quadratic
monomials (28 in all), and a ridge readout (alpha 2.5e-6) learns the
one-step increment from 400 training points. It then runs in closed loop.
The script prints the NRMSE over one Lyapunov time (normalised by the sum of
the component variances, see docs/nvar.rst) for a few forecast windows, and
the double-scroll circuit with cubic monomials; ``--plot out.png`` draws the
first Lorenz forecast.

The data follow the paper's protocol: RK23 at SciPy's default tolerances
from the paper's initial state. (With accurately integrated data these exact
settings diverge: see docs/nvar.rst.)

Run ``python examples/ngrc_lorenz.py``, or with ``--small`` (or
``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from scipy.integrate import solve_ivp

from reservoir import NVARForecaster
from reservoir.datasets import double_scroll

DT = 0.025
LYAPUNOV_STEPS = 44  # 1.104 time units


def lorenz_protocol(warmup: float) -> np.ndarray:
    """The paper's Lorenz data for one window (RK23, default tolerances)."""

    def rhs(t, s):
        return [
            10 * (s[1] - s[0]),
            s[0] * (28 - s[2]) - s[1],
            s[0] * s[1] - 8 / 3 * s[2],
        ]

    max_time = warmup + 10 + 1.104
    n = round(max_time / DT)
    sol = solve_ivp(
        rhs,
        (0, max_time),
        [17.67715816276679, 12.931379185960404, 43.91404334248268],
        t_eval=np.linspace(0, max_time, n + 1),
        method="RK23",
    )
    return sol.y.T[:n]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"

    scores, first = [], None
    for warmup in (5.0, 15.0) if small else 5.0 + 10.0 * np.arange(10):
        data = lorenz_protocol(warmup)
        start = round(warmup / DT)
        model = NVARForecaster(n_delays=2, stride=1, degree=2, alpha=2.5e-6)
        model.fit(data[start - 2 : start + 400])  # 400 training targets
        forecast = model.forecast(LYAPUNOV_STEPS)
        truth = data[start + 400 : start + 400 + LYAPUNOV_STEPS]
        nrmse = np.sqrt(np.mean((forecast - truth) ** 2) / data.var(axis=0).sum())
        scores.append(nrmse)
        first = first or (truth, forecast, model)
    print(f"NG-RC Lorenz-63: {first[2].n_readout_features_} features, 400 points")
    print(
        "NRMSE over one Lyapunov time per window: "
        + ", ".join(f"{s:.2e}" for s in scores)
    )
    print(f"median: {np.median(scores):.2e}")

    scroll = double_scroll(433 if small else 4330)
    results = []
    for start in range(0, scroll.shape[0] - 432, 433):
        model = NVARForecaster(2, 1, degree=(3, 3), include_bias=False, alpha=1e-3)
        window = scroll[start : start + 433]
        model.fit(window[:402])
        forecast = model.forecast(31)  # one Lyapunov time, 7.8 time units
        results.append(
            np.sqrt(np.mean((forecast - window[402:]) ** 2) / scroll.var(axis=0).sum())
        )
    print(
        "double scroll (cubic monomials, no constant): median NRMSE "
        f"{np.median(results):.2e}"
    )

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return
    truth, forecast, _ = first
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(7, 6))
    steps = np.arange(1, LYAPUNOV_STEPS + 1) * DT / 1.104
    for axis, name, k in zip(axes, "xyz", range(3), strict=True):
        axis.plot(steps, truth[:, k], color="black", label="truth")
        axis.plot(steps, forecast[:, k], "--", color="tab:red", label="NG-RC")
        axis.set_ylabel(name)
    axes[0].legend()
    axes[-1].set_xlabel("Lyapunov times")
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
