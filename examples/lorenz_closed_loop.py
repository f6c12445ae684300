"""
Lorenz attractor in closed loop
===============================

An echo state network generates the Lorenz attractor in closed loop. The
network is trained to predict the next state of the Lorenz-63 system
(standardised), then runs free from the end of the training data: its own
output becomes its next input. The script prints the valid prediction time
in Lyapunov times and draws the true and generated attractors
(:func:`~reservoir.plotting.plot_attractor`) and the normalised error against
Lyapunov time (:func:`~reservoir.plotting.plot_valid_time`); ``--plot
out.png`` saves the picture.

Run ``python examples/lorenz_closed_loop.py``, or with ``--small`` (or the
environment variable ``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os

from reservoir.datasets import lorenz
from reservoir.forecast import ESNForecaster
from reservoir.metrics import valid_prediction_time

#: Largest Lyapunov exponent of the Lorenz-63 system.
LYAPUNOV = 0.906
DT = 0.02


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
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

    fig = draw(truth, generated, std)
    if fig is not None and args.plot:
        fig.savefig(args.plot, dpi=110)
        print(f"plot saved to {args.plot}")


def draw(truth, generated, std):
    """The attractors and the valid prediction time (None without matplotlib)."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return None
    from reservoir.plotting import plot_attractor, plot_valid_time

    fig = plt.figure(figsize=(10, 4))
    plot_attractor(
        truth,
        generated,
        dims=(0, 2),
        names=["x", "y", "z"],
        ax=fig.add_subplot(1, 2, 1),
    )
    ax = plot_valid_time(
        truth, generated, scale=std, lyapunov_exponent=LYAPUNOV, dt=DT,
        ax=fig.add_subplot(1, 2, 2),
    )  # fmt: skip
    ax.set_yscale("log")
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    main()
