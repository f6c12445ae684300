"""Map scikit-learn's ``n_jobs`` onto Numba's and BLAS's thread pools.

``n_jobs=None`` means one thread, as in scikit-learn, so that an estimator run
inside a joblib worker (``GridSearchCV(n_jobs=...)``) never oversubscribes the
cores. ``-1`` means every thread Numba may use.

BLAS threads are chosen here, never inherited from the environment (through
``threadpoolctl``): an estimator's work runs with as many BLAS threads as
Numba threads (``numba_threads``), and small dense linear algebra (the
eigenvalues of a reservoir, the ridge path's eigendecomposition, Gram updates
below ``SMALL_GRAM_FEATURES`` features) on one (``blas_threads(1)``). Besides
speed on a loaded machine, this fixes the results: OpenBLAS splits work
differently on one and on two threads, which changes the last bits, so a
joblib worker (one BLAS thread) and the parent process now compute the same
numbers.
"""

from __future__ import annotations

import contextlib
import numbers
import os
import time

import numba
import threadpoolctl

__all__: list[str] = []

#: Gram updates with at most this many feature columns run on one BLAS thread:
#: below it OpenBLAS's ``syrk`` is no faster on two threads (a block of 2092
#: rows of 501 columns: 8.9 ms on one thread, 10.2 ms on two; 601 columns:
#: 14.2 and 11.4 ms; 1001: 26.8 and 13.1 ms, on the 2-core machine).
SMALL_GRAM_FEATURES = 512

#: Ridge solves (Cholesky) with at most this many features run on one BLAS
#: thread: their cost is small next to the harvest that built the Gram
#: matrix, and two threads cost much more than they save on a busy machine.
SMALL_SOLVE_FEATURES = 1024

#: How long one sample of ``busy_cores`` is reused.
BUSY_SAMPLE_SECONDS = 0.01

_controller: threadpoolctl.ThreadpoolController | None = None
_busy_sample: tuple[float, int | None] = (-float("inf"), None)


def _blas_controller() -> threadpoolctl.ThreadpoolController:
    """The process's BLAS libraries, found once (the scan costs milliseconds)."""
    global _controller
    if _controller is None:
        _controller = threadpoolctl.ThreadpoolController().select(user_api="blas")
    return _controller


def blas_threads(n_threads: int):
    """Context manager: run the body with ``n_threads`` BLAS threads.

    Parameters
    ----------
    n_threads : int
        Threads for every BLAS library loaded (OpenBLAS, MKL, BLIS, ...).

    Returns
    -------
    context manager
        Restores the previous limits on exit; a no-op when every library
        already runs ``n_threads``. Inside a ``blas_threads`` body the count
        is known without asking the libraries, so nested calls (such as the
        Gram updates of a harvest that already runs on one thread) cost no
        query at all.
    """
    n_threads = int(n_threads)
    if _known_blas_threads == n_threads:
        return contextlib.nullcontext()
    controller = _blas_controller()
    if all(lib.num_threads == n_threads for lib in controller.lib_controllers):
        return _KnownBlasThreads(n_threads, None)
    return _KnownBlasThreads(n_threads, controller.limit(limits=n_threads))


#: The BLAS thread count set by the innermost ``blas_threads`` body (None
#: outside any: then the libraries are asked).
_known_blas_threads: int | None = None


class _KnownBlasThreads:
    """Enter ``limit`` (None: nothing to change) and record ``n_threads``."""

    def __init__(self, n_threads: int, limit):
        self.n_threads, self.limit = n_threads, limit

    def __enter__(self):
        global _known_blas_threads
        if self.limit is not None:
            self.limit.__enter__()
        self.previous, _known_blas_threads = _known_blas_threads, self.n_threads
        return self

    def __exit__(self, *exc):
        global _known_blas_threads
        _known_blas_threads = self.previous
        if self.limit is not None:
            return self.limit.__exit__(*exc)
        return False


def _running_tasks(stat_paths) -> int:
    """How many of the ``/proc/.../stat`` files name a running task."""
    running = 0
    for path in stat_paths:
        try:
            with open(path, "rb") as f:
                # the state follows the ")" that closes the task's name
                if f.read().rpartition(b")")[2][:2] == b" R":
                    running += 1
        except OSError:  # the task ended meanwhile
            continue
    return running


def busy_cores() -> int | None:
    """Cores that other processes keep busy right now (None when unknown).

    The runnable tasks of the whole machine (``/proc/loadavg``) less this
    process's own running threads (its Numba workers may still be spinning
    after a parallel region). An instantaneous sample: cheap (a few small
    reads), for choosing between a serial and a lock-step parallel kernel
    just before it runs (reused for ``BUSY_SAMPLE_SECONDS``). None where
    ``/proc`` is missing (not Linux).
    """
    global _busy_sample
    now = time.monotonic()
    if now - _busy_sample[0] < BUSY_SAMPLE_SECONDS:
        return _busy_sample[1]
    busy = _sample_busy_cores()
    _busy_sample = (now, busy)
    return busy


def _sample_busy_cores() -> int | None:
    """One sample of ``busy_cores``."""
    try:
        with open("/proc/loadavg", "rb") as f:
            runnable = int(f.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None
    own = _own_running_tasks()
    return None if own is None else max(0, runnable - own)


def _own_running_tasks() -> int | None:
    """This process's running threads, the caller's included (None: unknown)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return None
    return _running_tasks(f"/proc/self/task/{task}/stat" for task in tasks)


def own_threads_running() -> int | None:
    """This process's threads running now besides the caller (None: unknown).

    Worker threads of a BLAS library keep spinning for a while after a
    threaded call (OpenBLAS: about 0.1 s), on a core that then is not free
    for a helper thread (``_Runner.runs_ahead``): ``busy_cores`` leaves
    them out on purpose, since they yield to the kernels' own threads.
    """
    running = _own_running_tasks()
    return None if running is None else max(0, running - 1)  # less the caller


def _current_core() -> int:
    """The core the calling thread runs on now (Linux ``/proc``)."""
    with open("/proc/thread-self/stat", "rb") as f:
        # field 39, "processor", counted after the ")" that closes the name
        return int(f.read().rpartition(b")")[2].split()[36])


def _no_setup() -> None:
    """A helper thread's initializer that changes nothing."""


def away_from_this_core():
    """An initializer that keeps a helper thread off the caller's core.

    The returned function, run first in a new thread (as a
    ``ThreadPoolExecutor`` initializer), restricts that thread to the
    cores the process may use other than the one the calling thread is on
    now. A thread started by a thread that has kept its core busy is
    often placed on the same core, and the two then take turns on it
    instead of running side by side (a fit whose kernel runs ahead took
    31-40 ms instead of 22 ms after 0.1 s of other work on the 2-core
    machine). Nothing is changed where the cores are unknown (not Linux)
    or only one is allowed; the caller's own thread is never moved.

    Returns
    -------
    callable
        The initializer.
    """
    try:
        cores = os.sched_getaffinity(0)
        others = cores - {_current_core()}
    except (AttributeError, OSError, ValueError, IndexError):
        return _no_setup
    if not others:
        return _no_setup

    def keep_off() -> None:
        try:
            os.sched_setaffinity(0, others)  # this thread only
        except OSError:
            pass

    return keep_off


def current_blas_threads() -> int:
    """BLAS threads in force: set by the innermost ``blas_threads`` body, else
    the largest count of the loaded libraries."""
    if _known_blas_threads is not None:
        return _known_blas_threads
    libs = _blas_controller().lib_controllers
    return max((lib.num_threads for lib in libs), default=1)


def threads_for_free_cores(n_threads: int) -> int:
    """``n_threads``, or fewer while other processes keep cores busy.

    Only for work whose bits do not depend on the thread count (the
    lock-step Numba kernels, BLAS ``syrk``): two threads that share one core
    with another process cost far more than they save (a 501-column Gram
    update on a loaded machine took 5x longer on two threads than on one).
    """
    if n_threads < 2:
        return n_threads
    busy = busy_cores()
    if busy is None:
        return n_threads
    cores = os.cpu_count() or 1
    return max(1, min(n_threads, cores - busy))


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


def small_linalg(n_features: int, limit: int = SMALL_GRAM_FEATURES):
    """Context manager: one BLAS thread for ``n_features <= limit``.

    Larger problems keep the threads chosen around them (by
    ``numba_threads`` inside an estimator).

    Parameters
    ----------
    n_features : int
        Size of the problem (columns of the Gram matrix, units of a
        reservoir).
    limit : int, default=SMALL_GRAM_FEATURES
        Largest size run on one thread.

    Returns
    -------
    context manager
    """
    if n_features <= limit:
        return blas_threads(1)
    return contextlib.nullcontext()


def gram_threads(n_features: int, lock_step: bool):
    """Context manager: BLAS threads for Gram updates between reservoir runs.

    One thread when the reservoir runs a sequence with a lock-step parallel
    kernel (``_Runner.lock_step``): OpenBLAS's worker threads keep spinning
    for a while after a threaded call, and a Numba thread that shares its
    core with one stalls every step of the others (the kernel's time chunks
    after a two-thread Gram update ran 2.2x slower: a 500-unit fit of one
    sequence took 0.88 s, 0.46 s with the updates on one thread). Otherwise
    ``small_linalg(n_features)``.

    Parameters
    ----------
    n_features : int
        Columns of the Gram matrix.
    lock_step : bool
        Whether the kernels between the updates run lock-step.

    Returns
    -------
    context manager
    """
    if lock_step:
        return blas_threads(1)
    return small_linalg(n_features)


@contextlib.contextmanager
def numba_threads(n_jobs):
    """Run the body with ``resolve_n_jobs(n_jobs)`` Numba and BLAS threads.

    Both pools get the same number of threads (they never run at the same
    time), and both are restored on exit.

    Parameters
    ----------
    n_jobs : int or None
        scikit-learn's ``n_jobs`` (see ``resolve_n_jobs``).

    Yields
    ------
    int
        The number of threads.
    """
    n_threads = resolve_n_jobs(n_jobs)
    previous = numba.get_num_threads()
    numba.set_num_threads(n_threads)
    try:
        with blas_threads(n_threads):
            yield n_threads
    finally:
        numba.set_num_threads(previous)
