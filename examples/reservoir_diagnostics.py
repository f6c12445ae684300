"""
Looking inside a reservoir
==========================

Two reservoirs driven by the same Mackey-Glass series: one with a moderate
input scaling, one with a large one. The eigenvalues of the recurrent matrix
(:func:`~reservoir.plotting.plot_eigenvalues`) show the spectral radius
against the unit circle; the states over time and their histogram
(:func:`~reservoir.plotting.plot_states`) show the saturated reservoir piled
at tanh's limits -1 and 1. The script prints the share of saturated
activations (``|x| > 0.95``) of each.

Run ``python examples/reservoir_diagnostics.py``, or with ``--small`` (or
``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from reservoir import ReservoirTransformer
from reservoir.datasets import mackey_glass


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"

    n_units, n_steps = (100, 500) if small else (500, 2000)
    u = mackey_glass(n_steps)
    u = (u - u.mean()) / u.std()
    reservoirs, states = {}, {}
    for scaling in (0.3, 5.0):
        name = f"input scaling {scaling:g}"
        reservoirs[name] = ReservoirTransformer(
            n_units, spectral_radius=0.9, input_scaling=scaling, random_state=0
        )
        states[name] = reservoirs[name].fit_transform(u)
        saturated = np.mean(np.abs(states[name]) > 0.95)
        print(f"{name}: {100 * saturated:.1f} % of activations saturated")

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return
    from reservoir.plotting import plot_eigenvalues, plot_states

    fig = plt.figure(figsize=(11, 6))
    grid = fig.add_gridspec(2, 3, width_ratios=[1.2, 2, 1])
    plot_eigenvalues(reservoirs["input scaling 0.3"], ax=fig.add_subplot(grid[:, 0]))
    fig.axes[0].legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8)
    for row, (name, x) in enumerate(states.items()):
        axes = [fig.add_subplot(grid[row, 1]), fig.add_subplot(grid[row, 2])]
        plot_states(x, n_shown=4, axes=axes)
        axes[0].set_title(name, fontsize=9)
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=110)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
