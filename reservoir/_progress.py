"""Progress reports of the estimators' ``verbose`` option, on standard error.

On a terminal a long job is one line redrawn with a carriage return (a
progress bar); elsewhere (a log file, a notebook's captured stream, pytest's
capture) it is a few plain lines, at most one per tenth of the work. Nothing is
written with ``verbose=0``, and nothing here touches the numbers.
"""

from __future__ import annotations

import sys
import time

from ._validation import check_int

__all__ = ["Progress", "check_verbose", "report"]

#: Width of the bar drawn on a terminal, in characters.
BAR_WIDTH = 30

#: Shortest time between two redraws of a terminal bar, in seconds.
REDRAW_SECONDS = 0.1


def check_verbose(verbose) -> int:
    """``verbose`` as an int >= 0 (True counts as 1), or a clear error."""
    if isinstance(verbose, bool):
        return int(verbose)
    return check_int(verbose, "verbose", low=0)


def _stream():
    return sys.stderr


def _is_terminal(stream) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or unusual stream
        return False


def report(verbose: int, prefix: str, message: str, *, level: int = 1) -> None:
    """Write ``[prefix] message`` as one line when ``verbose >= level``."""
    if verbose >= level:
        stream = _stream()
        stream.write(f"[{prefix}] {message}\n")
        stream.flush()


class Progress:
    """Progress of one job of ``total`` units (time steps, alphas, ...).

    Parameters
    ----------
    verbose : int
        Nothing is written when it is 0.
    prefix : str
        Name of the estimator, written in brackets before each line.
    task : str
        What is being done ("harvest", "alpha path", ...).
    total : int
        Number of units of the whole job.
    unit : str, default="steps"
        Name of a unit, for the lines.
    """

    def __init__(
        self, verbose: int, prefix: str, task: str, total: int, unit: str = "steps"
    ):
        self.enabled = verbose > 0 and total > 0
        self.prefix, self.task, self.unit = prefix, task, unit
        self.total, self.done = int(total), 0
        if not self.enabled:
            return
        self._stream = _stream()
        self._terminal = _is_terminal(self._stream)
        self._start = self._last_draw = time.perf_counter()
        self._next_tenth = 1
        self._drawn = -1  # units done at the last terminal redraw

    def _line(self, text: str) -> None:
        self._stream.write(f"[{self.prefix}] {text}\n")
        self._stream.flush()

    def _elapsed(self) -> float:
        return time.perf_counter() - self._start

    def update(self, n: int) -> None:
        """Count ``n`` more units done."""
        if not self.enabled or n <= 0:
            return
        self.done = min(self.done + int(n), self.total)
        if self._terminal:
            now = time.perf_counter()
            if now - self._last_draw >= REDRAW_SECONDS or self.done == self.total:
                self._last_draw = now
                self._draw()
            return
        tenth = self.done * 10 // self.total
        if tenth >= self._next_tenth:  # one line per update, at most 10 in all
            self._next_tenth = tenth + 1
            self._line(
                f"{self.task}: {10 * tenth:3d}% ({self.done}/{self.total} "
                f"{self.unit}, {self._elapsed():.1f} s)"
            )

    def _draw(self) -> None:
        self._drawn = self.done
        filled = BAR_WIDTH * self.done // self.total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self._stream.write(
            f"\r[{self.prefix}] {self.task} |{bar}| {self.done}/{self.total} "
            f"{self.unit} {self._elapsed():.1f} s"
        )
        self._stream.flush()

    def close(self) -> None:
        """Finish the job's report (ends a terminal bar's line)."""
        if not self.enabled:
            return
        if self._terminal:
            if self._drawn != self.done:
                self._draw()
            self._stream.write("\n")
            self._stream.flush()
        elif self.done < self.total:  # a job that stopped early says so
            self._line(
                f"{self.task}: stopped at {self.done}/{self.total} {self.unit} "
                f"({self._elapsed():.1f} s)"
            )
        self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
