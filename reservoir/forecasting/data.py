"""A user's series from a CSV file: numeric columns and a calendar.

Every problem is a ``ValueError`` with a one-line message that names the
file, the line and the column, and says what to change.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .calendar import Calendar, _Gap, parse_time_stamps

__all__ = ["BUILTIN", "Series", "builtin_series", "read_csv"]

#: Cells read as a missing value.
MISSING = ("", "nan", "na", "n/a", "null", "none")


@dataclass
class Series:
    """A series to forecast: values, column names and time stamps.

    Parameters
    ----------
    values : ndarray of shape (n_timesteps, n_columns)
        The observations, float64.
    names : list of str
        One name per column.
    calendar : Calendar
        The time stamps and their frequency (plain steps without stamps).
    label : str
        Where the series came from, for reports.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.forecasting import Calendar, Series
    >>> series = Series(np.zeros((3, 1)), ["y"], Calendar.steps(3), "zeros")
    >>> series.calendar.future(1)
    array([3.])
    """

    values: np.ndarray
    names: list[str]
    calendar: Calendar
    label: str


def read_csv(
    path: str | Path,
    columns: Sequence[str] | None = None,
    time_column: str | None = None,
) -> Series:
    """Read numeric columns and optional time stamps from a CSV file.

    The first row names the columns. Time stamps may be numbers (steps or
    years), ISO dates or times, or quarters (``1959Q1``); their frequency is
    recognised by :meth:`Calendar.from_stamps` (monthly and quarterly stamps
    included) and a real gap is an error naming its line.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    columns : sequence of str, default=None
        Columns to read; None reads the only column besides ``time_column``.
    time_column : str, default=None
        Column of time stamps; None numbers the rows ``0, 1, ...``.

    Returns
    -------
    series : Series
        The values (n_timesteps, n_columns), names and calendar.

    Raises
    ------
    ValueError
        With a one-line message naming the file, line and column: missing
        file, unknown or ambiguous column, missing, non-numeric or
        non-finite values, time stamps that are not increasing or leave a
        gap.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from reservoir.forecasting import read_csv
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sales.csv"
    >>> _ = path.write_text("month,sales\\n2024-01,3\\n2024-02,4\\n2024-03,6\\n")
    >>> series = read_csv(path, time_column="month")
    >>> series.values[:, 0], series.calendar.name
    (array([3., 4., 6.]), 'monthly')
    >>> series.calendar.format(series.calendar.future(1)[0])
    '2024-04'
    """
    file = Path(path)
    if not file.is_file():
        raise ValueError(f"{path}: no such file")
    try:
        with file.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(enumerate(csv.reader(handle), start=1))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ValueError(f"{path}: cannot read the file ({exc})") from None
    rows = [(n, r) for n, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValueError(f"{path}: the file is empty")
    header = [cell.strip() for cell in rows[0][1]]
    body = rows[1:]
    if not body:
        raise ValueError(f"{path}: no data rows after the header")
    if time_column is not None and time_column not in header:
        raise ValueError(
            f"time column {time_column!r} is not a column of {path}; columns: "
            + ", ".join(header)
        )
    if not columns:
        candidates = [h for h in header if h != time_column]
        if len(candidates) != 1:
            raise ValueError(
                f"{path} has several columns ({', '.join(candidates)}); choose "
                "the ones to forecast (--column NAME on the command line)"
            )
        columns = candidates
    for name in columns:
        if name not in header:
            raise ValueError(
                f"column {name!r} is not a column of {path}; columns: "
                + ", ".join(header)
            )
    values = np.empty((len(body), len(columns)))
    for k, name in enumerate(columns):
        values[:, k] = _numbers(body, header.index(name), name, path)
    if time_column is None:
        calendar = Calendar.steps(len(body))
    else:
        calendar = _calendar(body, header.index(time_column), time_column, path)
    return Series(values, list(columns), calendar, f"{path} ({', '.join(columns)})")


def _cells(body, j: int) -> list[tuple[int, str]]:
    return [(line, row[j].strip() if j < len(row) else "") for line, row in body]


def _numbers(body, j: int, name: str, path) -> np.ndarray:
    out = np.empty(len(body))
    for i, (line, cell) in enumerate(_cells(body, j)):
        if cell.lower() in MISSING:
            raise ValueError(
                f"{path}, line {line}: missing value (gap/NaN) in column {name!r}; "
                "fill or drop missing values first"
            )
        try:
            value = float(cell)
        except ValueError:
            raise ValueError(
                f"{path}, line {line}: non-numeric value {cell!r} in column {name!r}"
            ) from None
        if not math.isfinite(value):
            raise ValueError(
                f"{path}, line {line}: non-finite value {cell!r} in column {name!r}"
            )
        out[i] = value
    return out


def _calendar(body, j: int, name: str, path) -> Calendar:
    cells = _cells(body, j)
    for line, cell in cells:
        if cell == "":
            raise ValueError(
                f"{path}, line {line}: missing time stamp in column {name!r}"
            )
    try:
        stamps, fmt = parse_time_stamps([cell for _, cell in cells])
    except ValueError as exc:
        raise ValueError(f"{path}: time column {name!r}: {exc}") from None
    if stamps.shape[0] < 2:
        return _single(stamps, fmt)
    try:
        return Calendar.from_stamps(stamps, fmt)
    except _Gap as exc:
        line = cells[exc.index][0]
        raise ValueError(f"{path}, line {line}: time column {name!r}: {exc}") from None


def _single(stamps, fmt) -> Calendar:
    """A one-row series: plain steps (too short to forecast anyway)."""
    return Calendar(stamps, "steps", 1.0, "steps", fmt=fmt)


#: Built-in systems: name -> (generator in reservoir.datasets, default
#: length, description).
BUILTIN = {
    "mackey-glass": ("mackey_glass", 2000, "Mackey-Glass delay equation, tau=17"),
    "lorenz": ("lorenz", 4000, "Lorenz-63 flow, dt=0.02, 3 columns"),
    "rossler": ("rossler", 3000, "Rossler flow, dt=0.1, 3 columns"),
    "henon": ("henon", 2000, "Henon map, 2 columns"),
    "logistic": ("logistic_map", 2000, "logistic map, r=3.9"),
}


def builtin_series(name: str, n_timesteps: int | None = None) -> Series:
    """A built-in system as a :class:`Series` (plain time steps).

    Parameters
    ----------
    name : str
        One of ``BUILTIN``: ``'mackey-glass'``, ``'lorenz'``, ``'rossler'``,
        ``'henon'``, ``'logistic'``.
    n_timesteps : int, default=None
        Length; None takes the system's default.

    Returns
    -------
    series : Series
        The values, column names ``x`` (or ``x0, x1, ...``) and steps.

    Examples
    --------
    >>> from reservoir.forecasting import builtin_series
    >>> series = builtin_series("lorenz", 100)
    >>> series.values.shape, series.names
    ((100, 3), ['x0', 'x1', 'x2'])
    """
    from .. import datasets

    if name not in BUILTIN:
        raise ValueError(
            f"unknown dataset {name!r}; choose one of {', '.join(sorted(BUILTIN))}"
        )
    func, default_length, label = BUILTIN[name]
    values = getattr(datasets, func)(n_timesteps or default_length)
    n_columns = values.shape[1]
    names = [f"x{k}" for k in range(n_columns)] if n_columns > 1 else ["x"]
    return Series(
        values, names, Calendar.steps(values.shape[0]), f"{name} ({label}, built-in)"
    )
