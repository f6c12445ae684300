"""Time stamps as a calendar: recognise the frequency of a series, continue it.

Numbers (evenly spaced steps; whole numbers from 1000 to 2999 a year apart
read as years), ISO dates and times (``1949-01``, ``1949-01-31``,
``2024-03-01T10:00``) and quarters (``1959Q1``, ``1959-Q2``) are understood
with NumPy's ``datetime64`` alone. Recognised frequencies: a fixed step
(hourly, daily, weekly, any other), business days, and whole calendar months
(monthly, quarterly, half-yearly, annual), anchored at the start of the
month, at its end, or on the same day of every month.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

__all__ = ["Calendar", "parse_time_stamps"]

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")

#: Season length and default forecast horizon per named frequency (the
#: M4 competition's horizons: yearly 6, quarterly 8, monthly 18, weekly 13,
#: daily 14, hourly 48).
FREQUENCIES = {
    "annual": (1, 6),
    "half-yearly": (2, 6),
    "quarterly": (4, 8),
    "monthly": (12, 18),
    "weekly": (52, 13),
    "daily": (7, 14),
    "business-day": (5, 14),
    "hourly": (24, 48),
}

_DAY = np.timedelta64(1, "D")


def parse_time_stamps(values: Sequence[str]) -> tuple[np.ndarray, str]:
    """Time stamps from strings: float64 numbers or datetime64 values.

    Parameters
    ----------
    values : sequence of str
        Numbers, ISO dates or times, or quarters (``1959Q1``).

    Returns
    -------
    stamps : ndarray
        float64 numbers or datetime64 values (in the input's unit).
    fmt : {'number', 'iso', 'quarter'}
        How the stamps were written.

    Raises
    ------
    ValueError
        When a value is neither a number, an ISO date nor a quarter.

    Examples
    --------
    >>> from reservoir.forecasting import parse_time_stamps
    >>> parse_time_stamps(["1959Q1", "1959Q2"])
    (array(['1959-01', '1959-04'], dtype='datetime64[M]'), 'quarter')
    >>> parse_time_stamps(["1.5", "2.5"])
    (array([1.5, 2.5]), 'number')
    """
    values = [str(v).strip() for v in values]
    try:
        stamps = np.array([float(v) for v in values])
    except ValueError:
        pass
    else:
        if not np.all(np.isfinite(stamps)):
            raise ValueError("the time stamps include non-finite numbers")
        return stamps, "number"
    quarters = [_QUARTER.match(v) for v in values]
    if all(quarters):
        months = [f"{m.group(1)}-{3 * int(m.group(2)) - 2:02d}" for m in quarters]
        return np.array(months, dtype="datetime64[M]"), "quarter"
    try:
        return np.array(values, dtype="datetime64"), "iso"
    except ValueError:
        bad = next(v for v in values if not _is_stamp(v))
        raise ValueError(
            f"the time stamp {bad!r} is neither a number, an ISO date "
            "(YYYY-MM-DD, YYYY-MM, YYYY-MM-DDTHH:MM) nor a quarter (YYYYQn)"
        ) from None


def _is_stamp(value: str) -> bool:
    try:
        float(value)
        return True
    except ValueError:
        pass
    if _QUARTER.match(value):
        return True
    try:
        np.datetime64(value)
        return True
    except ValueError:
        return False


class Calendar:
    """The frequency of a series' time stamps, and how it goes on.

    Build one with :meth:`from_stamps`; ``name`` says what was recognised,
    ``season`` is the season length it implies (None when there is none),
    ``horizon`` a customary forecast horizon for it (None when unknown),
    and :meth:`future` continues the calendar past the last stamp.

    Parameters
    ----------
    stamps : ndarray
        The observed time stamps (float64 or datetime64), increasing.
    kind : {'steps', 'fixed', 'business', 'months'}
        How the stamps advance: a number step, a fixed time step, business
        days, or whole calendar months.
    step : float, timedelta64 or int
        The step: a number, a ``timedelta64``, 1 (business day) or a number
        of months.
    name : str
        The frequency's name, e.g. ``'monthly'``.
    anchor : {'start', 'end', 'day'} or None
        For months: the first day, the last day, or the same day (and time)
        of the month.
    fmt : {'number', 'iso', 'quarter', 'year'}
        How :meth:`format` writes a stamp.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.forecasting import Calendar, parse_time_stamps
    >>> stamps, fmt = parse_time_stamps(["2023-11-30", "2023-12-31", "2024-01-31"])
    >>> calendar = Calendar.from_stamps(stamps, fmt)
    >>> calendar.name, calendar.season, calendar.horizon
    ('monthly', 12, 18)
    >>> [calendar.format(t) for t in calendar.future(2)]
    ['2024-02-29', '2024-03-31']
    """

    def __init__(self, stamps, kind, step, name, anchor=None, fmt="iso"):
        self.stamps = stamps
        self.kind = kind
        self.step = step
        self.name = name
        self.anchor = anchor
        self.fmt = fmt
        self.season, self.horizon = FREQUENCIES.get(name, (None, None))
        if kind == "fixed" and self.season is None:
            per_day = _DAY / step
            if per_day > 1 and float(per_day).is_integer() and per_day <= 1440:
                self.season = int(per_day)  # a daily cycle of sub-daily steps

    @classmethod
    def steps(cls, n_steps: int) -> Calendar:
        """Plain integer steps ``0, 1, ..., n_steps - 1`` (no time stamps).

        Examples
        --------
        >>> from reservoir.forecasting import Calendar
        >>> Calendar.steps(5).future(2)
        array([5., 6.])
        """
        return cls(np.arange(float(n_steps)), "steps", 1.0, "steps", fmt="number")

    @classmethod
    def from_stamps(cls, stamps: np.ndarray, fmt: str = "iso") -> Calendar:
        """Recognise the frequency of increasing time stamps.

        Raises ``ValueError`` naming the first position where the stamps
        are not increasing or leave a gap in every frequency tried (the
        message gives the index, 0-based, of the offending stamp).

        Examples
        --------
        >>> import numpy as np
        >>> from reservoir.forecasting import Calendar
        >>> Calendar.from_stamps(np.array([1821.0, 1822.0, 1823.0]), "number").name
        'annual'
        """
        stamps = np.asarray(stamps)
        if stamps.shape[0] < 2:
            raise ValueError(
                "a calendar needs at least two time stamps to tell the frequency"
            )
        steps = np.diff(stamps)
        zero = steps.dtype.type(0)
        if np.any(steps <= zero):
            i = int(np.flatnonzero(steps <= zero)[0]) + 1
            raise _Gap(i, "the time stamps are not strictly increasing; sort the "
                       "rows and drop duplicates")  # fmt: skip
        if stamps.dtype.kind == "f":
            return cls._numbers(stamps, steps, fmt)
        recognisers = (cls._months, cls._fixed, cls._business)
        if np.datetime_data(stamps.dtype)[0] in ("Y", "M"):
            recognisers = (cls._months,)  # whole months: no day-based steps
        for recognise in recognisers:
            calendar = recognise(stamps, steps, fmt)
            if calendar is not None:
                return calendar
        i = _first_break(steps)
        raise _Gap(
            i,
            f"gap in the time stamps (a step of {_describe(steps[i - 1])} after "
            f"steps of {_describe(steps[0])}); the series must be evenly spaced "
            "in time, in business days or in calendar months: fill the gaps first",
        )

    @classmethod
    def _numbers(cls, stamps, steps, fmt):
        off = np.flatnonzero(np.abs(steps - steps[0]) > 1e-9 * abs(steps[0]))
        if off.size:
            i = int(off[0]) + 1
            raise _Gap(
                i,
                f"gap in the time stamps (a step of {steps[i - 1]:g} after steps "
                f"of {steps[0]:g}); the series must be evenly spaced: fill the "
                "gaps first",
            )
        years = (
            steps[0] == 1
            and np.all(stamps == np.round(stamps))
            and 1000 <= stamps[0]
            and stamps[-1] < 3000
        )
        if years:
            return cls(stamps, "steps", 1.0, "annual", fmt="year")
        return cls(stamps, "steps", float(steps[0]), "steps", fmt="number")

    @classmethod
    def _fixed(cls, stamps, steps, fmt):
        if np.any(steps != steps[0]):
            return None
        step = steps[0]
        names = {
            np.timedelta64(1, "h"): "hourly",
            _DAY: "daily",
            7 * _DAY: "weekly",
        }
        name = next((n for s, n in names.items() if step == s), None)
        if name is None:
            name = f"every {_describe(step)}"
        return cls(stamps, "fixed", step, name, fmt=fmt)

    @classmethod
    def _months(cls, stamps, steps, fmt):
        months = stamps.astype("datetime64[M]")
        count = np.diff(months.astype(np.int64))
        k = int(count[0])
        if k < 1 or np.any(count != k):
            return None
        days = stamps.astype("datetime64[D]")
        offset = stamps - months.astype(stamps.dtype)  # from the month's start
        month_ends = np.all((days + 1).astype("datetime64[M]") != months) and np.all(
            stamps == days.astype(stamps.dtype)
        )
        if np.all(offset == offset[0]) and offset[0] == offset.dtype.type(0):
            anchor = "start"
        elif month_ends:  # before 'day': the 31st of every month is its end
            anchor = "end"
        elif np.all(offset == offset[0]):
            anchor = "day"
        else:
            return None
        name = {1: "monthly", 3: "quarterly", 6: "half-yearly", 12: "annual"}.get(
            k, f"every {k} months"
        )
        calendar = cls(stamps, "months", k, name, anchor, fmt)
        if calendar.season is None and 12 % k == 0:
            calendar.season = 12 // k
        return calendar

    @classmethod
    def _business(cls, stamps, steps, fmt):
        days = stamps.astype("datetime64[D]")
        if np.any(stamps != days.astype(stamps.dtype)) or not np.all(
            np.is_busday(days)
        ):
            return None
        if np.any(np.busday_count(days[:-1], days[1:]) != 1):
            return None
        return cls(stamps, "business", 1, "business-day", fmt=fmt)

    def future(self, n_steps: int) -> np.ndarray:
        """The ``n_steps`` time stamps after the last one."""
        last = self.stamps[-1]
        ahead = np.arange(1, n_steps + 1)
        if self.kind == "steps":
            return last + self.step * ahead
        if self.kind == "fixed":
            return last + self.step * ahead
        if self.kind == "business":
            day = last.astype("datetime64[D]")
            return np.busday_offset(day, ahead).astype(self.stamps.dtype)
        month = last.astype("datetime64[M]") + self.step * ahead
        if self.anchor == "end":
            days = (month + 1).astype("datetime64[D]") - 1
            return days.astype(self.stamps.dtype)
        offset = last - last.astype("datetime64[M]").astype(self.stamps.dtype)
        return month.astype(self.stamps.dtype) + offset

    def format(self, stamp) -> str:
        """A time stamp as text, in the style of the input."""
        if self.fmt == "year":
            return str(int(stamp))
        if self.fmt == "number":
            value = float(stamp)
            return str(int(value)) if value.is_integer() else f"{value:.10g}"
        if self.fmt == "quarter":
            month = np.datetime64(stamp, "M").astype(np.int64)
            return f"{1970 + month // 12}Q{month % 12 // 3 + 1}"
        return str(stamp)

    def describe(self) -> str:
        """One line: the frequency, the season and the range of the stamps."""
        season = f", season {self.season}" if self.season and self.season > 1 else ""
        first, last = self.format(self.stamps[0]), self.format(self.stamps[-1])
        return f"{self.name}{season}, {first} .. {last}"


class _Gap(ValueError):
    """Stamps that are not evenly spaced; ``index`` is the offending stamp."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


def _first_break(steps: np.ndarray) -> int:
    off = np.flatnonzero(steps != steps[0])
    return int(off[0]) + 1 if off.size else 1


def _describe(step) -> str:
    """A time step in words: '3 days', '15 minutes', '2.5 hours'."""
    unit = np.datetime_data(step.dtype)[0]
    if unit in ("Y", "M"):
        months = int(step.astype("timedelta64[M]").astype(np.int64))
        return f"{months} month{'' if months == 1 else 's'}"
    seconds = step / np.timedelta64(1, "s")
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            value = seconds / size
            text = f"{value:g}" if not math.isclose(value, 1) else "1"
            return f"{text} {unit}{'' if text == '1' else 's'}"
    return f"{seconds:g} seconds"
