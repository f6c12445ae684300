"""Pictures of a forecasting backtest (needs matplotlib: the ``plot`` extra).

Importing this module does not import matplotlib; :func:`plot_backtest`
does, and says how to install it when it is missing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["plot_backtest"]

#: Most backtest forecasts drawn; more origins are thinned evenly.
MAX_DRAWN = 12


def _pyplot():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "plotting needs matplotlib; install it with "
            "pip install 'reservoir-esn[plot]'"
        ) from None
    return plt


def _axis_times(stamps) -> np.ndarray:
    """Stamps matplotlib can draw: numbers, or datetime64 of whole days or
    finer."""
    stamps = np.asarray(stamps)
    if stamps.dtype.kind != "M":
        return stamps.astype(np.float64)
    if np.datetime_data(stamps.dtype)[0] in ("Y", "M", "W"):
        return stamps.astype("datetime64[D]")
    return stamps


def plot_backtest(report, path: str | Path, max_drawn: int = MAX_DRAWN) -> str:
    """Save a picture of a :class:`~reservoir.forecasting.Backtest`.

    One panel per column (at most three): the observed series, the end of
    the training part, the forecaster's backtest forecasts from every origin
    (or from ``max_drawn`` evenly spaced ones, which the title says), and
    the forecast past the data. A failed forecaster is drawn as such.

    Parameters
    ----------
    report : Backtest
        What :func:`~reservoir.forecasting.backtest` returned.
    path : str or Path
        The image file (PNG, SVG or PDF, by its suffix).
    max_drawn : int, default=12
        Most backtest forecasts drawn.

    Returns
    -------
    caption : str
        Which forecasts the picture shows, in words.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> from reservoir import ESNForecaster
    >>> from reservoir.forecasting import backtest
    >>> from reservoir.plotting import plot_backtest
    >>> report = backtest(np.sin(np.arange(300) / 8), horizon=10,
    ...                   model=ESNForecaster(30, washout=20, random_state=0))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "backtest.png"
    >>> plot_backtest(report, path)  # doctest: +SKIP
    'forecasts from 12 of 50 origins (evenly spaced) and 10 steps past the data'
    """
    plt = _pyplot()
    model = "ESN"
    cal = report.calendar
    times = _axis_times(cal.stamps)
    future_times = _axis_times(cal.future(report.horizon))
    origins = report.origins
    if origins.size > max_drawn:
        pick = np.unique(np.linspace(0, origins.size - 1, max_drawn).round())
        drawn = pick.astype(np.int64)
        which = f"forecasts from {drawn.size} of {origins.size} origins (evenly spaced)"
    else:
        drawn = np.arange(origins.size)
        which = f"forecasts from all {origins.size} origins"
    failed = model in report.failed
    if failed:
        which = f"the {model} failed (diverged): no forecasts drawn"
    if report.future is not None:
        which += f" and {report.horizon} steps past the data"
    n_panels = min(report.values.shape[1], 3)
    fig, axes = plt.subplots(n_panels, 1, figsize=(10, 2.8 * n_panels), squeeze=False)
    forecast = report.forecasts[model]
    for k in range(n_panels):
        ax = axes[k, 0]
        ax.plot(times, report.values[:, k], color="black", lw=1, label="observed")
        ax.axvline(
            times[report.n_train - 1], color="tab:blue", lw=1, ls=":",
            label="end of training",
        )  # fmt: skip
        if not failed:
            for j, i in enumerate(drawn):
                start = origins[i]
                span = times[start : start + report.horizon]
                ax.plot(
                    span, forecast[i, : span.shape[0], k], color="tab:red", lw=1,
                    alpha=0.7, label="backtest forecasts" if j == 0 else None,
                )  # fmt: skip
        if report.future is not None:
            ax.plot(
                future_times, report.future[:, k], color="tab:green", lw=1.5,
                label="forecast past the data",
            )  # fmt: skip
        ax.set_ylabel(report.names[k])
    axes[0, 0].legend(loc="upper left", fontsize=8)
    axes[0, 0].set_title(f"{model}: {which}", fontsize=9)
    axes[-1, 0].set_xlabel("time" if cal.kind != "steps" else "time step")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: cannot save the figure ({exc})") from None
    finally:
        plt.close(fig)
    return which
