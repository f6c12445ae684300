"""Validation helpers shared by the public functions and estimators.

Everything a user passes is checked here, once, at the public boundary; the
Numba kernels never validate.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from sklearn.utils import check_array, check_random_state

__all__: list[str] = []

ACTIVATIONS = ("tanh", "identity", "relu", "sigmoid")
DISTRIBUTIONS = ("normal", "uniform", "bernoulli")
TOPOLOGIES = ("random", "ring", "delay_line", "cycle_jumps", "orthogonal")
RandomStateLike = int | np.random.RandomState | np.random.Generator | None
DTYPES = {"float64": np.float64, "float32": np.float32}


def check_option(value, name: str, options: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``options``, else raise a ValueError."""
    if not isinstance(value, str) or value not in options:
        raise ValueError(
            f"{name} must be one of {', '.join(repr(o) for o in options)}; "
            f"got {value!r}."
        )
    return value


def check_real(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Check that ``value`` is a finite real number inside an interval.

    The message names the argument, the interval and the value received.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    lo_ok = low is None or (value >= low if low_inclusive else value > low)
    hi_ok = high is None or (value <= high if high_inclusive else value < high)
    if not (lo_ok and hi_ok):
        left = "-inf" if low is None else f"{low:g}"
        right = "inf" if high is None else f"{high:g}"
        lb = "[" if (low is not None and low_inclusive) else "("
        rb = "]" if (high is not None and high_inclusive) else ")"
        raise ValueError(
            f"{name} must be in {lb}{left}, {right}{rb}; got {value!r}. "
            f"Choose a value inside that interval."
        )
    return value


def check_int(value, name: str, *, low: int | None = None) -> int:
    """Check that ``value`` is an integer (not a bool) that is at least ``low``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value}.")
    return value


def check_scale(value, name: str, size: int, size_name: str) -> np.ndarray:
    """A non-negative scale given as a scalar or one value per entry.

    Returns an array of length ``size``.
    """
    if np.ndim(value) == 0:
        return np.full(size, check_real(value, name, low=0.0))
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] != size:
        raise ValueError(
            f"{name} must be a scalar or a 1-D array with one value per "
            f"{size_name} ({size}); got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must contain finite non-negative values.")
    return arr


def check_leak_rate(value, n_units: int, name: str = "leak_rate") -> np.ndarray:
    """Leak rate(s) in (0, 1]: a scalar or one value per unit."""
    if np.ndim(value) == 0:
        return np.full(
            n_units, check_real(value, name, low=0.0, low_inclusive=False, high=1.0)
        )
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim != 1 or arr.shape[0] != n_units:
        raise ValueError(
            f"{name} must be a scalar or a 1-D array with one value per unit "
            f"({n_units}); got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr <= 0) or np.any(arr > 1):
        raise ValueError(
            f"every value of {name} must be in (0, 1]; got values from "
            f"{np.nanmin(arr)!r} to {np.nanmax(arr)!r}."
        )
    return arr


def check_dtype(value, name: str = "dtype"):
    """Resolve ``'float64'``/``'float32'`` (or the NumPy types) to a NumPy type."""
    for key, typ in DTYPES.items():
        if value is typ or (isinstance(value, str) and value == key):
            return typ
        if isinstance(value, np.dtype) and value == np.dtype(typ):
            return typ
    raise ValueError(f"{name} must be 'float64' or 'float32'; got {value!r}.")


def is_sequence_collection(X) -> bool:
    """True if ``X`` holds several sequences (Mode B), False for one sequence.

    Several sequences are a 3-D array or a list/tuple/1-D object array whose
    items are each 2-D. A list of rows (a 2-D array-like) is one sequence.
    """
    if isinstance(X, np.ndarray):
        if X.ndim == 3:
            return True
        if X.dtype == object and X.ndim == 1:
            return len(X) > 0 and all(np.ndim(item) == 2 for item in X)
        return False
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and all(
            (isinstance(item, np.ndarray | list | tuple) and np.ndim(item) == 2)
            or (hasattr(item, "shape") and len(getattr(item, "shape", ())) == 2)
            for item in X
        )
    return False


def check_sequence_collection(X, name: str = "X", dtype=np.float64) -> list[np.ndarray]:
    """Validate each sequence of a collection; return C-ordered float arrays."""
    items = list(X)
    if len(items) == 0:
        raise ValueError(f"{name} is an empty collection; pass at least one sequence.")
    out = []
    n_features = None
    for i, seq in enumerate(items):
        arr = check_array(
            seq,
            dtype=dtype,
            order="C",
            ensure_all_finite=True,
            input_name=f"{name}[{i}]",
        )
        if n_features is None:
            n_features = arr.shape[1]
        elif arr.shape[1] != n_features:
            raise ValueError(
                f"all sequences in {name} must have the same number of features; "
                f"{name}[0] has {n_features} and {name}[{i}] has {arr.shape[1]}."
            )
        out.append(arr)
    return out


def check_rng(random_state: RandomStateLike) -> np.random.RandomState:
    """Resolve ``random_state`` without ever drawing from the global RNG.

    None gives a freshly (OS-entropy) seeded RandomState, a Generator is
    wrapped around its own bit generator (drawing advances the Generator), and
    ints and RandomState instances go through ``sklearn.utils.check_random_state``.
    """
    if random_state is None:
        return np.random.RandomState()
    if isinstance(random_state, np.random.Generator):
        return np.random.RandomState(random_state.bit_generator)
    if isinstance(random_state, bool):
        raise TypeError(
            "random_state must be None, an int, a numpy RandomState or a numpy "
            f"Generator; got {random_state!r}."
        )
    try:
        return check_random_state(random_state)
    except ValueError:
        raise TypeError(
            "random_state must be None, an int, a numpy RandomState or a numpy "
            f"Generator; got {random_state!r}."
        ) from None
