"""Map scikit-learn's ``n_jobs`` onto Numba's thread pool.

``n_jobs=None`` means one thread, as in scikit-learn, so that an estimator run
inside a joblib worker (``GridSearchCV(n_jobs=...)``) never oversubscribes the
cores. ``-1`` means every thread Numba may use.
"""

from __future__ import annotations

import contextlib
import numbers

import numba

__all__: list[str] = []


def resolve_n_jobs(n_jobs) -> int:
    """Number of Numba threads for an ``n_jobs`` value (clipped to Numba's pool)."""
    available = numba.config.NUMBA_NUM_THREADS
    if n_jobs is None:
        return 1
    if (
        isinstance(n_jobs, bool)
        or not isinstance(n_jobs, numbers.Integral)
        or n_jobs == 0
    ):
        raise ValueError(
            f"n_jobs must be None, a positive integer or a negative integer "
            f"(-1 for all cores); got {n_jobs!r}."
        )
    if n_jobs < 0:
        return max(1, available + 1 + int(n_jobs))
    return min(int(n_jobs), available)


@contextlib.contextmanager
def numba_threads(n_jobs):
    """Run the body with ``resolve_n_jobs(n_jobs)`` Numba threads, then restore."""
    n_threads = resolve_n_jobs(n_jobs)
    previous = numba.get_num_threads()
    numba.set_num_threads(n_threads)
    try:
        yield n_threads
    finally:
        numba.set_num_threads(previous)
