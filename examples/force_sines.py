"""
FORCE learning of a periodic signal
===================================

FORCE learning: a chaotic reservoir learns to generate a sum of four sines.

Sussillo & Abbott (2009): the readout's output is fed back into a chaotic
reservoir (spectral radius 1.5) from the first step, and recursive least
squares updates the readout every 2 steps so that the output follows the
target while the network runs on it. After training the updates stop and
the network generates the periodic target on its own. The script prints the
NRMSE over ten periods of free generation, and the same reservoir without
feedback (it cannot generate anything periodic), and draws the last
training periods, the generated ones and the eigenvalues of the chaotic
reservoir (:func:`~reservoir.plotting.plot_eigenvalues`); ``--plot out.png``
saves the picture.

Run ``python examples/force_sines.py``, or with ``--small`` (or
``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from reservoir import FORCEForecaster

PERIOD = 120  # steps; leak rate 0.1 = dt / tau, so a period is 12 tau


def four_sines(n_steps: int) -> np.ndarray:
    t = np.arange(n_steps) * 2 * np.pi / PERIOD
    waves = np.sin(t) + np.sin(2 * t) / 2 + np.sin(3 * t) / 6 + np.sin(4 * t) / 3
    return waves * 1.3 / 1.5


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"

    n_units, n_periods = (150, 10) if small else (1000, 40)
    y = four_sines((n_periods + 10) * PERIOD)
    train, test = y[: n_periods * PERIOD], y[n_periods * PERIOD :]
    model = FORCEForecaster(n_units, random_state=10).fit(train)
    generated = model.forecast(test.shape[0])
    nrmse = np.sqrt(np.mean((generated - test) ** 2)) / test.std()
    print(f"FORCE: {n_units} units, trained on {n_periods} periods")
    print(f"NRMSE over 10 periods of free generation: {nrmse:.3f}")
    silent = FORCEForecaster(n_units, feedback_scaling=0.0, random_state=10).fit(train)
    nrmse = np.sqrt(np.mean((silent.forecast(test.shape[0]) - test) ** 2)) / test.std()
    print(f"without feedback: {nrmse:.3f}")

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return
    from reservoir.plotting import plot_eigenvalues

    fig, (axis, ax_eig) = plt.subplots(
        1, 2, figsize=(12, 3.2), gridspec_kw={"width_ratios": [2.5, 1]}
    )
    shown = 3 * PERIOD
    steps = np.arange(-shown, test.shape[0])
    axis.plot(
        steps, np.concatenate([train[-shown:], test]), color="black", label="target"
    )
    axis.plot(
        steps[:shown],
        model.training_output_[-shown:],
        color="tab:blue",
        label="output while learning",
    )
    axis.plot(steps[shown:], generated, color="tab:red", label="free generation")
    axis.axvline(0, color="gray", lw=0.8)
    axis.set_xlabel("step after training")
    axis.legend(loc="upper right", fontsize=8)
    # spectral radius 1.5: chaotic on its own, tamed by the learned feedback
    plot_eigenvalues(model, ax=ax_eig)
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
