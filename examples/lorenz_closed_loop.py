"""Generate the Lorenz attractor in closed loop with an echo state network.

The network is trained to predict the next state of the Lorenz-63 system
(standardised), then runs free from the end of the training data: its own
output becomes its next input. The script prints the valid prediction time
in Lyapunov times and, with ``--plot out.png``, draws the true and generated
attractors and the first coordinate over time.

Run ``python examples/lorenz_closed_loop.py``, or with ``--small`` (or the
environment variable ``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from reservoir.datasets import lorenz
from reservoir.forecast import ESNForecaster
from reservoir.metrics import valid_prediction_time

#: Largest Lyapunov exponent of the Lorenz-63 system.
LYAPUNOV = 0.906
DT = 0.02


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"

    n_units, n_train, n_free = (200, 2000, 500) if small else (800, 10000, 5000)
    data = lorenz(n_train + n_free, dt=DT)
    mean, std = data[:n_train].mean(axis=0), data[:n_train].std(axis=0)
    z = (data - mean) / std

    model = ESNForecaster(
        n_units,
        density=0.02,
        spectral_radius=0.4,
        bias_scaling=1.0,
        feedback_scaling=0.5,
        washout=200,
        alpha=1e-8,
        random_state=0,
    ).fit(z[:n_train])
    generated = model.forecast(n_free) * std + mean
    truth = data[n_train:]
    vpt = valid_prediction_time(
        truth, generated, threshold=0.4, scale=std, lyapunov_exponent=LYAPUNOV, dt=DT
    )
    print(f"reservoir: {n_units} units, trained on {n_train} steps (dt={DT})")
    print(f"valid prediction time (error < 0.4): {vpt:.2f} Lyapunov times")
    print(
        "generated attractor, mean and std of z: "
        f"{generated[:, 2].mean():.1f} +- {generated[:, 2].std():.1f} "
        f"(truth {truth[:, 2].mean():.1f} +- {truth[:, 2].std():.1f})"
    )

    if args.plot:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            print("matplotlib is not installed; no plot")
            return
        fig = plt.figure(figsize=(10, 4))
        ax1 = fig.add_subplot(1, 2, 1)
        ax1.plot(truth[:, 0], truth[:, 2], color="black", lw=0.4, label="truth")
        ax1.plot(
            generated[:, 0], generated[:, 2], color="tab:red", lw=0.4, label="generated"
        )
        ax1.set_xlabel("x")
        ax1.set_ylabel("z")
        ax1.legend(loc="upper left", fontsize=8)
        ax2 = fig.add_subplot(1, 2, 2)
        t = np.arange(n_free) * DT * LYAPUNOV
        ax2.plot(t, truth[:, 0], color="black", lw=1, label="truth")
        ax2.plot(t, generated[:, 0], color="tab:red", ls="--", lw=1, label="generated")
        ax2.axvline(vpt, color="tab:blue", ls=":", label="valid prediction time")
        ax2.set_xlabel("Lyapunov times")
        ax2.set_ylabel("x")
        ax2.set_xlim(0, min(t[-1], 2 * vpt + 2))
        ax2.legend(loc="upper left", fontsize=8)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=110)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
