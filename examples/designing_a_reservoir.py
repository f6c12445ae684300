"""
Designing a reservoir: memory curves and eigenvalue spectra
===========================================================

Three linear reservoirs of the same size and spectral radius, built from
different recurrent matrices: a ring (every eigenvalue on one circle), a
random orthogonal matrix (likewise) and Rodan & Tino's cycle with jumps
(a cycle plus weak bidirectional jumps, which spread the eigenvalues a
little). For each, the eigenvalues of ``W``
(:func:`~reservoir.plotting.plot_eigenvalues`) and the memory capacity of
every delay (:func:`~reservoir.capacity.memory_capacity`, drawn with
:func:`~reservoir.plotting.plot_memory_capacity`): how well a linear
readout recovers the input from ``k`` steps ago. A fourth curve, a random
sparse tanh reservoir with input scaling 1, shows what nonlinear units
trade away: its memory fades after a few delays. The script prints each
total, which is at most the number of units (Jaeger 2002).

See :ref:`designing` for the measurements behind these pictures. Run
``python examples/designing_a_reservoir.py``, or with ``--small`` (or
``RESERVOIR_EXAMPLES_SMALL=1``) for the CI-size run.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import scipy.sparse

from reservoir import ReservoirTransformer, memory_capacity


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--small", action="store_true", help="CI-size run")
    parser.add_argument("--plot", metavar="PNG", help="save a plot (matplotlib)")
    args = parser.parse_args(argv)
    small = args.small or os.environ.get("RESERVOIR_EXAMPLES_SMALL") == "1"

    n_units, max_delay, n_train, n_test = (
        (30, 60, 1000, 1000) if small else (100, 200, 4000, 2000)
    )
    linear = dict(
        n_units=n_units,
        activation="identity",
        spectral_radius=0.95,
        input_scaling=0.1,
        bias_scaling=0.0,
        random_state=0,
    )
    designs = {
        "ring": {**linear, "topology": "ring"},
        "orthogonal": {**linear, "topology": "orthogonal"},
        "cycle with jumps": {
            **linear,
            "topology": "cycle_jumps",
            "topology_params": {"jump_size": max(2, n_units // 10)},
        },
        "random tanh": dict(
            n_units=n_units, spectral_radius=0.95, density=0.1, random_state=0
        ),
    }
    curves, weights = {}, {}
    for name, params in designs.items():
        curves[name] = memory_capacity(
            params, max_delay=max_delay, n_train=n_train, n_test=n_test,
            random_state=1,
        )  # fmt: skip
        # the same weights, drawn from the same random_state, for the spectrum
        W = ReservoirTransformer(**params).fit(np.zeros((2, 1))).W_
        weights[name] = W.toarray() if scipy.sparse.issparse(W) else W
        moduli = np.abs(np.linalg.eigvals(weights[name]))
        print(
            f"{name:17s} memory capacity {curves[name].total:6.1f} of {n_units}; "
            f"median |eigenvalue| {np.median(moduli):.3f}"
        )

    try:
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; no plot")
        return
    from reservoir.plotting import plot_eigenvalues, plot_memory_capacity

    fig = plt.figure(figsize=(11, 6.5))
    grid = fig.add_gridspec(2, len(designs))
    for column, (name, W) in enumerate(weights.items()):
        ax = plot_eigenvalues(W, ax=fig.add_subplot(grid[0, column]))
        ax.set_title(name, fontsize=10)
        ax.legend().remove()
    curve_ax = fig.add_subplot(grid[1, :])
    for name, mc in curves.items():
        plot_memory_capacity(mc, label=name, ax=curve_ax)
    curve_ax.set_title(f"memory capacity per delay ({n_units} units)", fontsize=10)
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=110)
        print(f"plot saved to {args.plot}")


if __name__ == "__main__":
    main()
