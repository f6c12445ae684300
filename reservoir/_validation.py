"""Validation helpers shared by the public functions and estimators.

Everything a user passes is checked here, once, at the public boundary; the
Numba kernels never validate.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np
from sklearn.utils import check_array, check_random_state
from sklearn.utils.validation import validate_data

__all__: list[str] = []

ACTIVATIONS = ("tanh", "identity", "relu", "sigmoid")
DISTRIBUTIONS = ("normal", "uniform", "bernoulli")
TOPOLOGIES = (
    "random",
    "ring",
    "delay_line",
    "delay_line_feedback",
    "cycle_jumps",
    "orthogonal",
)
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


def as_float_array(value, name: str, *, allow_complex: bool = False) -> np.ndarray:
    """``value`` as a new float64 (or complex128) array that shares no memory
    with it, or a TypeError naming ``name`` when its values are not numbers.

    Strings, complex numbers (unless ``allow_complex``) and objects that do
    not convert are refused here rather than by NumPy's "could not convert
    string to float", which does not say which argument was wrong. The copy
    keeps fitted state from aliasing the caller's array.
    """
    shown = " ".join(repr(value).split())
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be a number or an array of numbers; got {shown} ({exc})."
        ) from None
    kinds = "biufc" if allow_complex else "biuf"
    if raw.dtype.kind == "O":
        try:
            raw = raw.astype(np.complex128 if allow_complex else np.float64)
        except (TypeError, ValueError):
            raw = None
    if raw is None or raw.dtype.kind not in kinds:
        wanted = "numbers" if allow_complex else "real numbers"
        detail = (
            "complex numbers"
            if raw is not None and raw.dtype.kind == "c"
            else f"values that are not {wanted}"
        )
        raise TypeError(
            f"{name} must hold {wanted}; got {detail}: {shown}. "
            f"Convert them to float first."
        )
    target = np.complex128 if raw.dtype.kind == "c" else np.float64
    return np.array(raw, dtype=target, copy=True)


def check_scale(value, name: str, size: int, size_name: str) -> np.ndarray:
    """A non-negative scale given as a scalar or one value per entry.

    Returns a new array of length ``size``.
    """
    if np.ndim(value) == 0:
        return np.full(size, check_real(value, name, low=0.0))
    arr = as_float_array(value, name)
    if arr.ndim != 1 or arr.shape[0] != size:
        raise ValueError(
            f"{name} must be a scalar or a 1-D array with one value per "
            f"{size_name} ({size}); got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"{name} must contain finite non-negative values.")
    return arr


def layer_values(value, name: str, n_layers: int) -> list:
    """One value per layer: with several layers a list or tuple gives one value
    per layer, anything else is shared by all."""
    if n_layers > 1 and isinstance(value, list | tuple):
        if len(value) != n_layers:
            raise ValueError(
                f"{name} must be one value for all {n_layers} layers or a list "
                f"of {n_layers} values (one per layer); got a list of "
                f"{len(value)}. Pass a NumPy array for per-unit or per-feature "
                f"values."
            )
        return list(value)
    return [value] * n_layers


def check_leak_rate(
    value, n_units: int, name: str = "leak_rate", random_state=None
) -> np.ndarray:
    """Leak rate(s) in (0, 1]: a scalar, one value per unit, or a distribution.

    A distribution is any object with an ``rvs(size, random_state)`` method,
    such as ``scipy.stats.loguniform(1e-3, 1)``: one rate per unit is drawn
    from it with ``random_state`` (several time scales in one reservoir).
    """
    if hasattr(value, "rvs"):
        drawn = np.array(
            value.rvs(size=n_units, random_state=random_state), dtype=np.float64
        )
        if (
            drawn.shape != (n_units,)
            or not np.all(np.isfinite(drawn))
            or np.any((drawn <= 0) | (drawn > 1))
        ):
            raise ValueError(
                f"the distribution given as {name} drew values outside (0, 1]; use "
                f"one supported inside (0, 1], e.g. scipy.stats.loguniform(1e-3, 1)."
            )
        return drawn
    if np.ndim(value) == 0:
        return np.full(
            n_units, check_real(value, name, low=0.0, low_inclusive=False, high=1.0)
        )
    # a copy: the fitted reservoir must not change when the caller's array does
    arr = as_float_array(value, name)
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
    clean = [
        isinstance(seq, np.ndarray)
        and seq.ndim == 2
        and seq.dtype == dtype
        and seq.shape[0] > 0
        and seq.shape[1] > 0
        for seq in items
    ]
    # one finiteness check for all the clean arrays (per sequence only when
    # it fails: the first bad one is named, as before)
    finite = all_finite_arrays(
        [seq for seq, ok in zip(items, clean, strict=True) if ok]
    )
    for i, seq in enumerate(items):
        if clean[i]:
            # fast path for clean float arrays (check_array costs ~0.3 ms each)
            if not finite and not np.isfinite(seq).all():
                raise ValueError(
                    f"Input {name}[{i}] contains NaN or infinity; remove or "
                    f"impute the missing values first."
                )
            arr = np.ascontiguousarray(seq)
        else:
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


#: ``all_finite_arrays`` checks arrays of at most this many values together.
BATCH_FINITE_VALUES = 1 << 16


def all_finite_arrays(arrays) -> bool:
    """Whether every value of every array is finite (float arrays).

    Small arrays are checked together, a batch of them concatenated at a
    time (one NumPy call per batch, not per array: many short sequences);
    large ones one by one. No array is needed twice.
    """
    batch: list[np.ndarray] = []
    size = 0
    for a in arrays:
        if a.size > BATCH_FINITE_VALUES:
            if not np.isfinite(a).all():
                return False
            continue
        batch.append(a.ravel())
        size += a.size
        if size > BATCH_FINITE_VALUES:
            if not np.isfinite(np.concatenate(batch)).all():
                return False
            batch, size = [], 0
    return not batch or bool(np.isfinite(np.concatenate(batch)).all())


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


def check_sequences(
    estimator, X, y="no_validation", *, reset: bool, y_numeric: bool = True
):
    """Normalise one sequence or a collection into lists of 2-D arrays.

    The single place where estimators validate sequence input: one 2-D
    sequence goes through ``validate_data`` (so DataFrames, ``n_features_in_``
    and the scikit-learn checks behave as usual); a collection is validated
    sequence by sequence and ``n_features_in_`` is the feature count ``D``.

    ``y_numeric=False`` keeps the targets' dtype (class labels).

    Returns ``(sequences, targets, layout)`` where ``layout`` is ``'one'``
    (a single 2-D sequence), ``'list'`` or ``'3d'`` and ``targets`` is
    None when ``y`` is ``'no_validation'`` (as in ``validate_data``).
    """
    if not is_sequence_collection(X):
        if isinstance(y, str) and y == "no_validation":
            X = validate_data(estimator, X, reset=reset, dtype=np.float64, order="C")
            return [X], None, "one"
        X, y = validate_data(
            estimator,
            X,
            y,
            reset=reset,
            dtype=np.float64,
            order="C",
            multi_output=True,
            y_numeric=y_numeric,
        )
        return [X], [y], "one"
    layout = "3d" if isinstance(X, np.ndarray) and X.ndim == 3 else "list"
    sequences = check_sequence_collection(X, "X")
    n_features = sequences[0].shape[1]
    if reset:
        estimator.n_features_in_ = n_features
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
    elif n_features != estimator.n_features_in_:
        raise ValueError(
            f"X has {n_features} features, but {type(estimator).__name__} is "
            f"expecting {estimator.n_features_in_} features as input."
        )
    if isinstance(y, str) and y == "no_validation":
        return sequences, None, layout
    if y is None:
        raise ValueError(
            f"{type(estimator).__name__} requires y to be passed, but the target y "
            f"is None."
        )
    # one finiteness check for a float array of targets (not one per sequence)
    all_finite = (
        isinstance(y, np.ndarray)
        and y.dtype == np.float64
        and y.ndim in (2, 3)
        and bool(np.isfinite(y).all())
    )
    targets = list(y)
    # one finiteness check for the float targets of a list (as for the inputs)
    all_finite = all_finite or all_finite_arrays(
        [
            t
            for t in targets
            if isinstance(t, np.ndarray)
            and t.dtype == np.float64
            and t.ndim in (1, 2)
            and t.size > 0
        ]
    )
    if len(targets) != len(sequences):
        raise ValueError(
            f"X holds {len(sequences)} sequences but y holds {len(targets)}; "
            f"pass one target sequence per input sequence."
        )
    checked = []
    for i, (seq, target) in enumerate(zip(sequences, targets, strict=True)):
        if (
            isinstance(target, np.ndarray)
            and target.dtype == np.float64
            and target.ndim in (1, 2)
            and target.size > 0
            and (all_finite or np.isfinite(target).all())
        ):
            # fast path for clean float arrays, as for the inputs (check_array
            # costs ~0.05 ms each: seconds for many short sequences)
            pass
        else:
            target = check_array(
                target,
                ensure_2d=False,
                dtype=np.float64 if y_numeric else None,
                input_name=f"y[{i}]",
            )
        if target.ndim > 2 or target.shape[0] != seq.shape[0]:
            raise ValueError(
                f"y[{i}] must have one row per time step of X[{i}] "
                f"({seq.shape[0]}); got shape {target.shape}."
            )
        checked.append(target)
    if len({t.ndim for t in checked}) > 1:
        raise ValueError("all target sequences in y must be 1-D, or all 2-D.")
    return sequences, checked, layout


#: Largest magnitude fitted without rescaling: beyond about 1e154 the squares
#: in a readout's statistics or a squared-error loss overflow float64.
MAX_MAGNITUDE = 1e150


def check_magnitude(arrays, name: str, fix: str, limit: float = MAX_MAGNITUDE):
    """Raise a ValueError naming ``name`` if a value exceeds ``limit``.

    ``fix`` says what to change (it ends the message).
    """
    peak = max((float(np.max(np.abs(a), initial=0.0)) for a in arrays), default=0.0)
    if peak > limit:
        raise ValueError(
            f"{name} has values up to {peak:.3g} in magnitude; squares overflow "
            f"float64 beyond about 1e154. {fix}"
        )


def check_state_range(sequences: list[np.ndarray], dtype, name: str = "X") -> None:
    """Refuse inputs that do not fit the reservoir's float32 states.

    A float32 reservoir casts every input to float32, where values beyond
    about 3.4e38 become infinite (and the states NaN).
    """
    if dtype is not np.float32:
        return
    limit = float(np.finfo(np.float32).max)
    peak = max(float(np.max(np.abs(seq), initial=0.0)) for seq in sequences)
    if peak > limit:
        raise ValueError(
            f"{name} has values up to {peak:.3g} in magnitude, beyond the range "
            f"of float32 ({limit:.3g}) in which dtype='float32' runs the "
            f"reservoir; use dtype='float64' or scale {name} down."
        )


def overflow_reported():
    """Context for accumulating readout statistics: NumPy's overflow warnings
    are silenced there because ``check_readout_statistics`` reports the
    overflow, with its cause, right after."""
    return np.errstate(over="ignore", invalid="ignore")


def check_readout_statistics(gram, sequences, targets=None) -> None:
    """Raise a ValueError if the readout's accumulated statistics overflowed.

    Squares of values beyond about 1e154 (inputs, targets, or the states of
    an unbounded activation) are not finite in float64; solving with them
    would give NaN weights without an error.
    """
    if statistics_finite(gram):
        return
    raise _overflow_error("the readout's sums of squares", sequences, targets)


def statistics_finite(gram) -> bool:
    """Whether a ridge readout's accumulated means and sums of squares are
    all finite (squares of values beyond about 1e154 are not)."""
    parts = (gram.mean_z, gram.mean_y, gram.czz, gram.czy, gram.cyy)
    return all(np.all(np.isfinite(part)) for part in parts)


def check_readout_features(Z: np.ndarray, sequences) -> None:
    """Raise a ValueError if the readout's features (inputs and states) are
    not finite, before a user-given readout reports NaN in an "X" that the
    user never passed."""
    if not np.all(np.isfinite(Z)):
        raise _overflow_error("the reservoir states", sequences)


def _overflow_error(what: str, sequences, targets=None) -> ValueError:
    """The error for ``what`` overflowing float64, with the data's magnitudes."""
    x_peak = max(float(np.max(np.abs(seq), initial=0.0)) for seq in sequences)
    detail = f"X has values up to {x_peak:.3g}"
    if targets is not None:
        y_peak = max(float(np.max(np.abs(t), initial=0.0)) for t in targets)
        detail += f", y up to {y_peak:.3g}"
    return ValueError(
        f"{what} overflowed float64 ({detail}; squares overflow beyond about "
        f"1e154, and the states of activation='identity' "
        f"or 'relu' can grow that large too). Scale X and y to moderate values "
        f"(e.g. sklearn's StandardScaler, TransformedTargetRegressor), or lower "
        f"spectral_radius and input_scaling with an unbounded activation."
    )


def warn_if_not_finite(outputs, estimator, method: str) -> None:
    """Warn when a method turned finite (validated) input into NaN or inf."""
    arrays = outputs if isinstance(outputs, list) else [outputs]
    if all(_all_finite(a) for a in arrays):
        return
    warnings.warn(
        f"{type(estimator).__name__}.{method} produced NaN or infinite values "
        f"from finite input: the reservoir states or the readout overflowed "
        f"float64. Scale X to moderate values, or lower spectral_radius and "
        f"input_scaling with activation='identity' or 'relu'.",
        RuntimeWarning,
        stacklevel=3,
    )


def _all_finite(a: np.ndarray) -> bool:
    """Whether every value of ``a`` is finite, in one pass without a temporary.

    A sum is finite only if every term is (an inf or NaN term makes it inf or
    NaN for good), so a finite sum settles it; a sum that overflowed on
    finite values falls back to the exact, element-wise test.
    """
    if a.dtype.kind != "f":
        return bool(np.all(np.isfinite(a)))
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(a)):
            return True
    return bool(np.all(np.isfinite(a)))


def reshape_output(outputs: list, layout: str):
    """Return per-sequence outputs in the layout of the input (see check_sequences)."""
    if layout == "one":
        return outputs[0]
    if layout == "3d":
        base = _stacked_base(outputs)
        return base if base is not None else np.stack(outputs)
    return outputs


def _stacked_base(outputs: list):
    """The 3-D array whose rows ``outputs`` are, in order, if there is one.

    The runners write the states of equal-length sequences into one buffer
    and return its rows: those need no second copy into a 3-D result.
    """
    base = outputs[0].base
    if (
        not isinstance(base, np.ndarray)
        or base.ndim != 3
        or not base.flags.c_contiguous
        or base.shape != (len(outputs), *outputs[0].shape)
    ):
        return None
    address = base.__array_interface__["data"][0]
    for k, out in enumerate(outputs):
        if (
            out.base is not base
            or out.shape != base.shape[1:]
            or out.__array_interface__["data"][0] != address + k * base.strides[0]
        ):
            return None
    return base
