"""The ``reservoir`` command line (also ``python -m reservoir``).

``reservoir forecast`` fits an :class:`~reservoir.forecast.ESNForecaster` on
the first part of a series (a built-in system or a column of a CSV file),
forecasts it in closed loop from several origins in the rest, and prints the
settings and a table of NRMSE by horizon. Bad input ends with a one-line
error on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

__all__ = ["main"]

PROG = "reservoir"

#: Built-in systems: name -> (generator, default length, description).
DATASETS = {
    "mackey-glass": ("mackey_glass", 2000, "Mackey-Glass delay equation, tau=17"),
    "lorenz": ("lorenz", 4000, "Lorenz-63 flow, dt=0.02, 3 columns"),
    "rossler": ("rossler", 3000, "Rossler flow, dt=0.1, 3 columns"),
    "henon": ("henon", 2000, "Henon map, 2 columns"),
    "logistic": ("logistic_map", 2000, "logistic map, r=3.9"),
}

#: Horizons shown in the NRMSE table (those up to --horizon, plus --horizon).
TABLE_HORIZONS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)

#: Longest history used as warm-up context for one forecast origin.
MAX_CONTEXT = 5000


class InputError(Exception):
    """Bad user input: reported as one line, without a traceback."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {value}")
    return value


def _nonneg_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0, got {value}")
    return value


def _real(low=None, high=None, low_open=False, high_open=False):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a number, got {text!r}"
            ) from None
        bad = not math.isfinite(value)
        if low is not None:
            bad |= value <= low if low_open else value < low
        if high is not None:
            bad |= value >= high if high_open else value > high
        if bad:
            lb = "(" if low_open else "["
            rb = ")" if high_open else "]"
            lo = "-inf" if low is None else f"{low:g}"
            hi = "inf" if high is None else f"{high:g}"
            raise argparse.ArgumentTypeError(
                f"must be a number in {lb}{lo}, {hi}{rb}, got {text}"
            )
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``reservoir`` command."""
    parser = _Parser(
        prog=PROG,
        description="Echo state networks from the command line.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    fc = sub.add_parser(
        "forecast",
        help="forecast a built-in system or a CSV column in closed loop",
        description=(
            "Fit an echo state network with output feedback on the first part "
            "of a series, forecast the rest in closed loop from several origins "
            "and print the NRMSE by horizon (RMSE over the origins divided by "
            "the standard deviation of the training part)."
        ),
    )
    fc.prog = f"{PROG} forecast"
    data = fc.add_argument_group("data")
    data.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        default=None,
        help="built-in system (default: mackey-glass when no --csv is given)",
    )
    data.add_argument("--csv", metavar="FILE", help="CSV file with a header row")
    data.add_argument(
        "--column",
        action="append",
        metavar="NAME",
        help="CSV column to forecast (repeat for several; default: the only "
        "non-time column)",
    )
    data.add_argument(
        "--time-column",
        metavar="NAME",
        help="CSV column of time stamps (numbers or ISO dates); must be "
        "increasing and evenly spaced",
    )
    data.add_argument(
        "--n-timesteps",
        type=_positive_int,
        metavar="INT",
        help="length of a built-in series (default depends on the system)",
    )
    task = fc.add_argument_group("task")
    task.add_argument(
        "--horizon", type=_positive_int, default=100, metavar="INT",
        help="steps to forecast from each origin (default: 100)",
    )  # fmt: skip
    task.add_argument(
        "--train-fraction", type=_real(0, 1, True, True), default=0.7, metavar="F",
        help="fraction of the series used for training (default: 0.7)",
    )  # fmt: skip
    task.add_argument(
        "--n-origins", type=_positive_int, default=10, metavar="INT",
        help="forecast origins spread over the test part (default: 10)",
    )  # fmt: skip
    res = fc.add_argument_group("reservoir")
    res.add_argument(
        "--n-units",
        type=_positive_int,
        default=300,
        metavar="INT",
        help="reservoir size N, of each layer with --n-layers (default: %(default)s)",
    )
    res.add_argument(
        "--n-layers",
        type=_positive_int,
        default=1,
        metavar="INT",
        help="stacked reservoirs (a deep ESN), each driven by the states of the "
        "one below; the readout sees all of them (default: %(default)s)",
    )
    res.add_argument(
        "--spectral-radius",
        type=_real(0),
        default=0.95,
        metavar="F",
        help="spectral radius of W (default: %(default)s)",
    )
    res.add_argument(
        "--density",
        type=_real(0, 1, low_open=True),
        default=0.05,
        metavar="F",
        help="fraction of non-zero recurrent weights (default: %(default)s)",
    )
    res.add_argument(
        "--leak-rate",
        type=_real(0, 1, low_open=True),
        default=0.6,
        metavar="F",
        help="leak rate a in (0, 1] (default: %(default)s)",
    )
    res.add_argument(
        "--feedback-scaling",
        type=_real(0),
        default=0.5,
        metavar="F",
        help="scale of the output-feedback weights (default: %(default)s)",
    )
    res.add_argument(
        "--bias-scaling",
        type=_real(0),
        default=0.2,
        metavar="F",
        help="scale of the reservoir bias (default: %(default)s)",
    )
    res.add_argument("--alpha", type=_real(0), default=1e-8, metavar="F",
                     help="ridge penalty (default: 1e-8)")  # fmt: skip
    res.add_argument(
        "--washout",
        type=_nonneg_int,
        default=100,
        metavar="INT",
        help="teacher-forced steps not used for training (default: %(default)s)",
    )
    res.add_argument("--noise-level", type=_real(0), default=0.0, metavar="F",
                     help="training noise (default: 0)")  # fmt: skip
    res.add_argument(
        "--strategy", choices=["recursive", "direct"], default="recursive",
        help="closed loop (recursive) or one readout per step (direct)",
    )  # fmt: skip
    res.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    out = fc.add_argument_group("output")
    out.add_argument(
        "--plot", metavar="PNG",
        help="save a plot of truth, forecast and the end of training (needs "
        "matplotlib)",
    )  # fmt: skip
    out.add_argument(
        "--quiet", action="store_true", help="no progress messages on stderr"
    )
    return parser


# ----------------------------------------------------------------------
# data
# ----------------------------------------------------------------------


def _parse_time(values: list[str], name: str, path: str, lines: list[int]):
    """Time stamps as float64 or datetime64; checks order and even spacing."""
    try:
        stamps = np.array([float(v) for v in values])
        if not np.all(np.isfinite(stamps)):
            raise InputError(f"{path}: time column {name!r} has non-finite values")
    except ValueError:
        try:
            stamps = np.array(values, dtype="datetime64[ns]")
        except ValueError:
            raise InputError(
                f"{path}: time column {name!r} holds values that are neither "
                "numbers nor ISO dates"
            ) from None
    if stamps.shape[0] < 2:
        return stamps
    steps = np.diff(stamps)
    if np.any(steps <= steps.dtype.type(0)):
        i = int(np.flatnonzero(steps <= steps.dtype.type(0))[0])
        raise InputError(
            f"{path}, line {lines[i + 1]}: time column {name!r} is not strictly "
            "increasing; sort the rows and drop duplicates"
        )
    if steps.dtype.kind == "m":
        off = np.flatnonzero(steps != steps[0])
    else:
        off = np.flatnonzero(np.abs(steps - steps[0]) > 1e-9 * abs(steps[0]))
    if off.size:
        i = int(off[0])
        raise InputError(
            f"{path}, line {lines[i + 1]}: gap in time column {name!r} (step "
            f"{steps[i]} instead of {steps[0]}); the series must be evenly "
            "spaced, fill the gaps first"
        )
    return stamps


def read_csv(path: str, columns: Sequence[str] | None, time_column: str | None):
    """Read numeric columns (and optional time stamps) from a CSV file.

    Returns ``(values (T, K), column names, time stamps or None)``. Raises
    ``InputError`` with a one-line message on any problem.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(f"--csv {path}: no such file")
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows = [(n, r) for n, r in enumerate(csv.reader(handle), start=1)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"--csv {path}: cannot read the file ({exc})") from None
    rows = [(n, r) for n, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise InputError(f"--csv {path}: the file is empty")
    header = [cell.strip() for cell in rows[0][1]]
    body = rows[1:]
    if not body:
        raise InputError(f"--csv {path}: no data rows after the header")
    if time_column is not None and time_column not in header:
        raise InputError(
            f"--time-column {time_column!r} is not a column of {path}; columns: "
            + ", ".join(header)
        )
    if not columns:
        candidates = [h for h in header if h != time_column]
        if len(candidates) != 1:
            raise InputError(
                f"{path} has several columns ({', '.join(candidates)}); choose "
                "one with --column NAME"
            )
        columns = candidates
    for name in columns:
        if name not in header:
            raise InputError(
                f"--column {name!r} is not a column of {path}; columns: "
                + ", ".join(header)
            )
    index = [header.index(name) for name in columns]
    values = np.empty((len(body), len(columns)))
    lines = [n for n, _ in body]
    for i, (line, row) in enumerate(body):
        for k, (name, j) in enumerate(zip(columns, index, strict=True)):
            cell = row[j].strip() if j < len(row) else ""
            if cell == "" or cell.lower() in ("nan", "na", "n/a", "null", "none"):
                raise InputError(
                    f"{path}, line {line}: missing value (gap/NaN) in column "
                    f"{name!r}; fill or drop missing values first"
                )
            try:
                value = float(cell)
            except ValueError:
                raise InputError(
                    f"{path}, line {line}: non-numeric value {cell!r} in column "
                    f"{name!r}"
                ) from None
            if not math.isfinite(value):
                raise InputError(
                    f"{path}, line {line}: non-finite value {cell!r} in column {name!r}"
                )
            values[i, k] = value
    stamps = None
    if time_column is not None:
        j = header.index(time_column)
        raw = [row[j].strip() if j < len(row) else "" for _, row in body]
        for line, cell in zip(lines, raw, strict=True):
            if cell == "":
                raise InputError(
                    f"{path}, line {line}: missing time stamp in column {time_column!r}"
                )
        stamps = _parse_time(raw, time_column, path, lines)
    return values, list(columns), stamps


def load_series(args) -> tuple[np.ndarray, str, list[str], np.ndarray | None]:
    """The series chosen on the command line, its label, columns and times."""
    if args.csv is not None:
        if args.dataset is not None:
            raise InputError("give either --dataset or --csv, not both")
        if args.n_timesteps is not None:
            raise InputError("--n-timesteps applies to built-in datasets only")
        values, names, stamps = read_csv(args.csv, args.column, args.time_column)
        return values, f"{args.csv} ({', '.join(names)})", names, stamps
    if args.column or args.time_column:
        raise InputError("--column and --time-column need --csv FILE")
    from . import datasets

    name = args.dataset or "mackey-glass"
    func, default_length, label = DATASETS[name]
    n = args.n_timesteps or default_length
    values = getattr(datasets, func)(n)
    names = [f"x{i}" for i in range(values.shape[1])] if values.shape[1] > 1 else ["x"]
    return values, f"{name} ({label}, built-in)", names, None


# ----------------------------------------------------------------------
# the forecast command
# ----------------------------------------------------------------------


def _progress(args, message: str) -> None:
    if not args.quiet:
        print(f"[{PROG}] {message}", file=sys.stderr, flush=True)


def run_forecast(args) -> int:
    """Fit, forecast from every origin, print the settings and the table."""
    from .forecast import ESNForecaster
    from .metrics import nrmse_by_horizon

    series, label, names, stamps = load_series(args)
    n_total, n_cols = series.shape
    n_train = int(n_total * args.train_fraction)
    horizon = args.horizon
    if n_train <= args.washout + 1:
        raise InputError(
            f"the series is too short for --washout {args.washout}: "
            f"{n_total} steps x train fraction {args.train_fraction:g} = "
            f"{n_train} training steps; it needs more than {args.washout + 1}"
        )
    if n_total - n_train < horizon:
        raise InputError(
            f"the test part has {n_total - n_train} steps, fewer than --horizon "
            f"{horizon}; lower --horizon or --train-fraction, or use a longer series"
        )
    mean = series[:n_train].mean(axis=0)
    std = series[:n_train].std(axis=0)
    if np.any(std == 0):
        raise InputError("the training part of the series is constant")
    z = (series - mean) / std

    params = dict(
        n_layers=args.n_layers,
        spectral_radius=args.spectral_radius,
        density=args.density,
        leak_rate=args.leak_rate,
        feedback_scaling=args.feedback_scaling,
        bias_scaling=args.bias_scaling,
        alpha=args.alpha,
        washout=args.washout,
        noise_level=args.noise_level,
        strategy=args.strategy,
        random_state=args.seed,
    )
    if args.strategy == "direct":
        params["horizon"] = horizon
    model = ESNForecaster(args.n_units, **params)
    origins = np.unique(
        np.linspace(n_train, n_total - horizon, args.n_origins).round().astype(int)
    )

    print(f"{PROG} forecast")
    print(f"  data      : {label}, {n_total} steps, {n_cols} column(s)")
    print(
        f"  training  : first {n_train} steps (train fraction "
        f"{args.train_fraction:g}), standardised"
    )
    print(
        f"  forecast  : {args.strategy}, horizon {horizon}, from {origins.size} "
        f"origin(s) in steps {n_train}..{n_total - horizon}"
    )
    print(
        f"  reservoir : n_units={args.n_units} "
        + " ".join(f"{k}={v}" for k, v in params.items())
    )
    sys.stdout.flush()

    t0 = time.perf_counter()
    _progress(args, f"fitting on {n_train} steps ...")
    fit_len = n_train
    model.fit(z[:fit_len])
    _progress(args, f"fitted in {time.perf_counter() - t0:.2f} s")
    truth = np.empty((origins.size, horizon, n_cols))
    preds = np.empty_like(truth)
    t1 = time.perf_counter()
    for i, origin in enumerate(origins):
        if origin == n_train:
            out = model.forecast(horizon)
        else:
            context = z[max(0, origin - MAX_CONTEXT) : origin]
            out = model.forecast(horizon, context=context)
        preds[i] = np.asarray(out).reshape(horizon, n_cols) * std + mean
        truth[i] = series[origin : origin + horizon]
        if time.perf_counter() - t1 > 2.0 or i + 1 == origins.size:
            _progress(args, f"forecast {i + 1}/{origins.size} origins")
            t1 = time.perf_counter()
    if not np.all(np.isfinite(preds)):
        raise InputError(
            "the forecast diverged to non-finite values; try a smaller "
            "--spectral-radius or --feedback-scaling, or a larger --alpha"
        )
    scores = nrmse_by_horizon(truth, preds, scale=std, multioutput="raw_values")

    print()
    print(
        f"NRMSE by horizon (RMSE over {origins.size} origin(s) / std of the "
        "training part)"
    )
    shown = [h for h in TABLE_HORIZONS if h < horizon] + [horizon]
    heads = names if n_cols > 1 else ["NRMSE"]
    print("  horizon " + " ".join(f"{h[:10]:>10}" for h in heads))
    for h in shown:
        print(f"  {h:>7} " + " ".join(f"{v:>10.4g}" for v in scores[h - 1]))
    if args.plot:
        _progress(args, f"plotting to {args.plot}")
        plot_forecast(
            args.plot, series, preds[0], n_train, int(origins[0]), names, stamps
        )
        print(f"\nplot saved to {args.plot}")
    _progress(args, f"done in {time.perf_counter() - t0:.2f} s")
    return 0


def plot_forecast(path, series, forecast, n_train, origin, names, stamps=None):
    """Truth, the forecast from ``origin`` and the end of training, as a PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError(
            "--plot needs matplotlib; install it with pip install 'reservoir-esn[plot]'"
        ) from None
    horizon = forecast.shape[0]
    start = max(0, n_train - 2 * horizon)
    stop = min(series.shape[0], origin + horizon + horizon // 2)
    t = np.arange(series.shape[0]) if stamps is None else stamps
    n_cols = min(series.shape[1], 3)
    fig, axes = plt.subplots(n_cols, 1, figsize=(9, 2.6 * n_cols), squeeze=False)
    for k in range(n_cols):
        ax = axes[k, 0]
        ax.plot(
            t[start:stop], series[start:stop, k], color="black", lw=1, label="truth"
        )
        ax.plot(
            t[origin : origin + horizon],
            forecast[:, k],
            color="tab:red",
            lw=1.2,
            ls="--",
            label="forecast",
        )
        ax.axvline(t[n_train], color="tab:blue", lw=1, ls=":", label="end of training")
        ax.set_ylabel(names[k])
    axes[0, 0].legend(loc="upper left", fontsize=8)
    axes[-1, 0].set_xlabel("time step" if stamps is None else "time")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=110)
    except (OSError, ValueError) as exc:
        raise InputError(f"--plot {path}: cannot save the figure ({exc})") from None
    finally:
        plt.close(fig)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``reservoir`` console script.

    Parameters
    ----------
    argv : sequence of str, default=None
        Arguments without the program name; None reads ``sys.argv``.

    Returns
    -------
    status : int
        0 on success, 2 on bad input (after a one-line message on stderr).

    Examples
    --------
    >>> from reservoir.cli import main
    >>> main(["forecast", "--n-timesteps", "600", "--n-units", "50",
    ...       "--horizon", "20", "--n-origins", "2", "--quiet"])  # doctest: +ELLIPSIS
    reservoir forecast
    ...
    NRMSE by horizon (RMSE over 2 origin(s) / std of the training part)
      horizon      NRMSE
    ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "forecast":
            return run_forecast(args)
    except (InputError, ValueError, TypeError) as exc:
        message = " ".join(str(exc).split())
        print(f"{PROG} {args.command}: error: {message}", file=sys.stderr)
        return 2
    return 0  # pragma: no cover
