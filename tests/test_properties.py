"""Property-based tests: the public estimators and builders on generated input.

Every test draws shapes, dtypes, lengths, NaN/inf placements, extreme
magnitudes and hyperparameter values, and asserts the contract of issue 15:

* a correct result, or a ValueError/TypeError raised by the library's own
  validation (reservoir's checks, or scikit-learn's ``validate_data`` that
  they call), never an exception from inside NumPy, SciPy or Numba;
* no non-finite output from finite input without a warning;
* no argument mutated, and no fitted attribute sharing memory with an
  argument.

The default profile (``ci``) runs 25 examples per test without deadlines;
``HYPOTHESIS_PROFILE=long`` runs 500. Choose one with the environment
variable, e.g. ``HYPOTHESIS_PROFILE=long pytest tests/test_properties.py``.
"""

from __future__ import annotations

import os
import traceback
import warnings
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import reservoir
from reservoir import (
    ESNClassifier,
    ESNForecaster,
    ESNRegressor,
    ReservoirTransformer,
    input_matrix,
    recurrent_matrix,
    spectral_radius,
)

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "long",
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

RESERVOIR_DIR = Path(reservoir.__file__).resolve().parent
#: scikit-learn's validation, which the library calls at its boundary
SKLEARN_VALIDATION = ("utils/validation.py", "utils/multiclass.py")
#: messages that come from inside NumPy rather than from a check
INTERNAL_MESSAGES = (
    "could not convert",
    "zero-size array",
    "setting an array element",
    "could not be broadcast",
    "index out of bounds",
    "object of type",
    "unsupported operand",
)


# ------------------------------------------------------------------ helpers
def _raising_file(exc: BaseException) -> str:
    """File of the innermost Python frame of ``exc``'s traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    return frames[-1].filename if frames else ""


def assert_library_error(exc: BaseException) -> None:
    """``exc`` is a ValueError/TypeError raised by a check, not by internals."""
    assert isinstance(exc, ValueError | TypeError), repr(exc)
    where = Path(_raising_file(exc)).resolve()
    by_us = RESERVOIR_DIR in where.parents and where.name != "_kernels.py"
    by_sklearn = any(str(where).endswith(path) for path in SKLEARN_VALIDATION)
    assert by_us or by_sklearn, f"{exc!r} raised in {where}"
    message = str(exc).lower()
    assert not any(m in message for m in INTERNAL_MESSAGES), repr(exc)


def _arrays_in(obj, depth: int = 0):
    """Every ndarray reachable from ``obj`` through lists, tuples, dicts and
    (two levels of) object attributes."""
    if isinstance(obj, np.ndarray):
        yield obj
    elif scipy.sparse.issparse(obj):
        yield from (obj.data, obj.indices, obj.indptr)
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from _arrays_in(item, depth)
    elif isinstance(obj, dict):
        for item in obj.values():
            yield from _arrays_in(item, depth)
    elif depth < 2 and hasattr(obj, "__dict__") and not isinstance(obj, type):
        for item in vars(obj).values():
            yield from _arrays_in(item, depth + 1)


def assert_no_alias(estimator, *arguments) -> None:
    """No fitted attribute of ``estimator`` shares memory with an argument."""
    user = [a for arg in arguments for a in _arrays_in(arg) if a.size]
    for name, value in vars(estimator).items():
        if not (name.endswith("_") or name.startswith("_")):
            continue  # hyperparameters are kept as given
        for fitted in _arrays_in(value):
            for arg in user:
                assert not np.shares_memory(fitted, arg), (
                    f"{type(estimator).__name__}.{name} aliases an argument"
                )


def snapshot(*arguments):
    """Copies of every array reachable from the arguments."""
    return [a.copy() for arg in arguments for a in _arrays_in(arg)]


def assert_unchanged(before, *arguments) -> None:
    after = [a for arg in arguments for a in _arrays_in(arg)]
    assert len(before) == len(after)
    for old, new in zip(before, after, strict=True):
        np.testing.assert_array_equal(old, new, err_msg="an argument was mutated")


def run(call):
    """``(result, warnings, error)`` of ``call()``; an error must be ours."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with np.errstate(all="warn"):
                result = call()
        except (ValueError, TypeError) as exc:
            assert_library_error(exc)
            event(f"refused: {str(exc)[:40]}")
            return None, caught, exc
    event("accepted")
    return result, caught, None


def assert_finite_or_warned(output, caught, finite_input: bool) -> None:
    """Finite input gives finite output, unless a warning said otherwise."""
    if not finite_input:
        return
    values = [a for a in _arrays_in(output)] or [np.asarray(output)]
    if all(np.all(np.isfinite(np.asarray(v, dtype=np.complex128))) for v in values):
        return
    # NumPy's "overflow encountered in ..." does not count: issue 15 item 5
    ours = [w for w in caught if "encountered in" not in str(w.message)]
    assert ours, "non-finite output from finite input without a warning of ours"


# --------------------------------------------------------------- strategies
MAGNITUDES = st.sampled_from([1.0, 1e-300, 1e-8, 1e8, 1e150, 1e300])
DTYPES = st.sampled_from(
    [np.float64] * 4 + [np.float32, np.float32, np.int64, np.int64, bool, np.complex128]
)


@st.composite
def series(draw, min_rows=1, max_rows=60, max_features=3, features=None):
    """A 2-D array with a drawn shape, dtype, magnitude and NaN/inf cells.

    Returns ``(X, finite)``.
    """
    n_rows = draw(st.integers(min_rows, max_rows))
    n_features = features or draw(st.integers(1, max_features))
    seed = draw(st.integers(0, 2**16))
    scale = draw(MAGNITUDES)
    dtype = draw(DTYPES)
    rng = np.random.default_rng(seed)
    X = np.clip(rng.standard_normal((n_rows, n_features)) * scale, -1e308, 1e308)
    if dtype is np.int64:
        X = np.clip(np.round(X), -(2**62), 2**62)
    elif dtype is np.float32:
        X = np.clip(X, -1e38, 1e38)
    X = X > 0 if dtype is bool else X.astype(dtype)
    bad = draw(st.sampled_from([None] * 9 + [np.nan, np.inf, -np.inf]))
    if bad is not None and X.dtype.kind in "fc":
        X[draw(st.integers(0, n_rows - 1)), draw(st.integers(0, n_features - 1))] = bad
    if draw(st.booleans()):
        X = np.asfortranarray(X)
    return X, bool(np.all(np.isfinite(X))) and X.dtype.kind != "c"


REAL = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(-3, 3),
    st.integers(-5, 5),
)
HYPER_BAD = st.one_of(st.just("1.0"), st.just(None), st.just([0.5, "x"]), REAL)


@st.composite
def maybe_corrupt(draw, params: dict, bad: dict):
    """``params`` with, one time in four, one of the ``bad`` keys replaced by
    a drawn (possibly invalid) value."""
    if draw(st.integers(0, 3)) == 0:
        key = draw(st.sampled_from(sorted(bad)))
        params[key] = draw(bad[key])
    return params


@st.composite
def reservoir_params(draw, n_features):
    """Reservoir hyperparameters, mostly valid, sometimes not."""
    n_units = draw(st.integers(1, 25))
    topology = draw(
        st.sampled_from(["random", "ring", "delay_line", "cycle_jumps", "orthogonal"])
    )
    params = dict(
        n_units=n_units,
        spectral_radius=draw(st.floats(0, 1.5)),
        topology=topology,
        input_scaling=draw(
            st.one_of(
                st.floats(0, 2),
                st.lists(st.floats(0, 2), min_size=n_features, max_size=n_features).map(
                    np.array
                ),
            )
        ),
        leak_rate=draw(
            st.one_of(
                st.floats(0.05, 1),
                st.builds(lambda lo: np.linspace(lo, 1.0, n_units), st.floats(0.01, 1)),
            )
        ),
        bias_scaling=draw(st.floats(0, 1)),
        activation=draw(st.sampled_from(["tanh", "identity", "relu", "sigmoid"])),
        dtype=draw(st.sampled_from(["float64", "float32"])),
        random_state=draw(st.integers(0, 100)),
    )
    if topology == "random" and draw(st.booleans()):
        params["density"] = draw(st.floats(0.05, 1))
    bad = dict(
        n_units=st.one_of(st.integers(-2, 0), st.just(2.5), st.just("10")),
        spectral_radius=st.one_of(HYPER_BAD, st.floats(1e100, 1.7e308)),
        input_scaling=st.one_of(
            HYPER_BAD,
            st.lists(st.floats(-1, 1e300), min_size=1, max_size=4).map(np.array),
        ),
        leak_rate=st.one_of(
            HYPER_BAD, st.lists(st.floats(-1, 2), min_size=1, max_size=30)
        ),
        bias_scaling=st.one_of(REAL, st.floats(1e100, 1e308)),
        density=REAL,
        activation=st.sampled_from(["softmax", None]),
        dtype=st.sampled_from(["float16", "int", None]),
        random_state=st.sampled_from([-1, "0", 1.5, True]),
    )
    return draw(maybe_corrupt(params, bad))


# ----------------------------------------------------------------- builders
@given(
    n_units=st.one_of(st.integers(1, 40), st.integers(-2, 0), st.just(2.5)),
    radius=st.one_of(
        st.floats(0, 3),
        st.floats(1e100, 1e308),
        st.floats(1e306, 1.7976931348623157e308),
        REAL,
        st.just("x"),
    ),
    topology=st.sampled_from(["random", "ring", "delay_line", "cycle_jumps", "orth"]),
    distribution=st.sampled_from(["normal", "uniform", "bernoulli"]),
    density=st.one_of(st.none(), st.floats(0.01, 1), REAL),
    jump_size=st.integers(-1, 45),
    sparse=st.sampled_from([None, True, False, "yes"]),
)
def test_recurrent_matrix(n_units, radius, topology, distribution, density, jump_size,
                          sparse):  # fmt: skip
    W, caught, error = run(
        lambda: recurrent_matrix(
            n_units,
            spectral_radius=radius,
            density=density,
            distribution=distribution,
            topology=topology,
            jump_size=jump_size,
            sparse=sparse,
            random_state=0,
        )
    )
    if error is not None:
        return
    dense = W.toarray() if scipy.sparse.issparse(W) else W
    assert dense.shape == (n_units, n_units) and dense.dtype == np.float64
    assert_finite_or_warned(dense, caught, True)
    if radius == 0:
        assert not np.any(dense)
    elif topology == "delay_line":
        assert np.max(np.abs(dense)) == pytest.approx(radius, rel=1e-12)
    else:
        assert spectral_radius(W) == pytest.approx(radius, rel=1e-6)


@given(
    n_features=st.integers(1, 5),
    n_units=st.integers(1, 30),
    scaling=st.one_of(
        st.floats(0, 1e300),
        st.lists(st.floats(0, 1e300), min_size=1, max_size=6).map(np.array),
        st.lists(st.text(max_size=3), min_size=1, max_size=3),
        REAL,
    ),
    density=st.one_of(st.floats(0.01, 1), REAL),
    distribution=st.sampled_from(["normal", "uniform", "bernoulli", "cauchy"]),
)
def test_input_matrix(n_features, n_units, scaling, density, distribution):
    before = snapshot(scaling)
    W_in, caught, error = run(
        lambda: input_matrix(
            n_features,
            n_units,
            input_scaling=scaling,
            density=density,
            distribution=distribution,
            random_state=0,
        )
    )
    assert_unchanged(before, scaling)
    if error is not None:
        return
    assert W_in.shape == (n_features, n_units)
    assert_finite_or_warned(W_in, caught, True)
    if distribution != "normal":  # uniform on [-1, 1] or +-1, times the scale
        bound = np.broadcast_to(np.asarray(scaling, dtype=float), (n_features,))
        assert np.all(np.abs(W_in) <= bound[:, None])
    assert_no_alias_array(W_in, scaling)


def assert_no_alias_array(result, *arguments):
    for arg in arguments:
        for a in _arrays_in(arg):
            assert not np.shares_memory(result, a)


@given(
    n=st.integers(0, 12),
    square=st.sampled_from([True, True, True, False]),
    kind=st.sampled_from(["float64", "float32", "int64", "complex", "bool", "str"]),
    scale=MAGNITUDES,
    bad=st.sampled_from([None, None, np.nan, np.inf]),
    sparse=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_spectral_radius(n, square, kind, scale, bad, sparse, seed):
    rng = np.random.default_rng(seed)
    shape = (n, n) if square else (n, n + 1)
    M = rng.standard_normal(shape) * scale
    if kind == "complex":
        M = M + 1j * rng.standard_normal(shape) * scale
    elif kind == "str":
        M = M.astype(str)
    elif kind == "int64":
        M = np.clip(np.round(M), -(2**62), 2**62).astype(np.int64)
    elif kind == "float32":
        M = np.clip(M, -1e38, 1e38).astype(np.float32)
    elif kind == "bool":
        M = M > 0
    if bad is not None and M.size and M.dtype.kind in "fc":
        M.flat[rng.integers(M.size)] = bad
    numeric = M.dtype.kind in "biufc"
    finite = numeric and bool(np.all(np.isfinite(M)))
    matrix = scipy.sparse.csr_array(M) if sparse and numeric and M.size else M
    before = snapshot(M)
    radius, caught, error = run(lambda: spectral_radius(matrix))
    assert_unchanged(before, M)
    if error is not None:
        assert not (finite and square and n > 0), error
        return
    assert isinstance(radius, float)
    assert_finite_or_warned(radius, caught, finite)
    exact = np.max(np.abs(np.linalg.eigvals(M.astype(np.complex128))))
    if np.isfinite(radius) and np.isfinite(exact):
        # eigenvalues of a defective matrix are only known to about
        # sqrt(eps) * its norm (a nilpotent one may come out as 1e-8 * norm)
        peak = float(np.max(np.abs(M)))
        assert radius == pytest.approx(exact, rel=1e-6, abs=1e-6 * n * peak)


# --------------------------------------------------------------- estimators
@given(data=st.data())
def test_esn_regressor(data):
    X, finite = data.draw(series(min_rows=1))
    y = data.draw(st.sampled_from(["1d", "2d", "scaled"]))
    real = np.real(X).astype(np.float64)
    target = real[:, 0] if y == "1d" else real[:, :2] * 1.0
    if y == "scaled":
        with np.errstate(over="ignore", invalid="ignore"):
            target = np.nan_to_num(target) * data.draw(MAGNITUDES)
    params = data.draw(reservoir_params(X.shape[1]))
    params.update(
        washout=data.draw(st.integers(0, 5)),
        alpha=data.draw(
            st.one_of(st.floats(0, 10), st.lists(st.floats(0, 1), min_size=1,
                                                 max_size=3))
        ),
        n_layers=data.draw(st.sampled_from([1, 1, 2])),
        bidirectional=data.draw(st.booleans()),
        include_input=data.draw(st.booleans()),
    )  # fmt: skip
    params = data.draw(
        maybe_corrupt(
            params,
            dict(
                washout=st.one_of(st.integers(-2, 100), st.just(1.5)),
                alpha=st.one_of(REAL, st.just([]), st.just("1e-3")),
                n_layers=st.sampled_from([0, 1.0, "2"]),
                bidirectional=st.sampled_from(["yes", 1, None]),
                include_input=st.sampled_from(["no", 0, None]),
                n_jobs=st.sampled_from([0, -1, 2, "2", 1.5]),
            ),
        )
    )
    est = ESNRegressor(**params)
    args = (X, target, params["leak_rate"], params["input_scaling"])
    before = snapshot(*args)
    finite = finite and bool(np.all(np.isfinite(target)))
    _, caught, error = run(lambda: est.fit(X, target))
    assert_unchanged(before, *args)
    if error is not None:
        return
    assert_no_alias(est, *args)
    pred, caught_p, error = run(lambda: est.predict(X))
    assert error is None, error
    assert pred.shape == target.shape
    assert_finite_or_warned(pred, caught + caught_p, finite)
    assert_unchanged(before, *args)


@given(data=st.data())
def test_reservoir_transformer(data):
    X, finite = data.draw(series(min_rows=1))
    params = data.draw(reservoir_params(X.shape[1]))
    params.update(
        n_layers=data.draw(st.sampled_from([1, 2])),
        bidirectional=data.draw(st.booleans()),
        include_input=data.draw(st.sampled_from([False, True, True, "no"])),
    )
    est = ReservoirTransformer(**params)
    args = (X, params["leak_rate"], params["input_scaling"])
    before = snapshot(*args)
    states, caught, error = run(lambda: est.fit(X).transform(X))
    assert_unchanged(before, *args)
    if error is not None:
        return
    assert_no_alias(est, *args)
    assert_no_alias_array(states, X)
    assert states.shape[0] == X.shape[0]
    assert_finite_or_warned(states, caught, finite)


@given(data=st.data())
def test_esn_classifier(data):
    n_sequences = data.draw(st.integers(0, 6))
    if n_sequences == 0:  # per-step labels on one sequence
        X, finite = data.draw(series(min_rows=2))
        labels = np.where(
            np.nan_to_num(np.real(X[:, 0]).astype(float)) > 0, "up", "down"
        )
        y = labels if data.draw(st.booleans()) else (labels == "up").astype(int)
    else:  # one label per sequence, lengths may differ
        n_features = data.draw(st.integers(1, 3))
        drawn = [
            data.draw(series(min_rows=1, max_rows=20, features=n_features))
            for _ in range(n_sequences)
        ]
        X = [x for x, _ in drawn]
        finite = all(f for _, f in drawn)
        y = np.array(data.draw(st.lists(st.sampled_from(["a", "b", "c"]),
                                        min_size=n_sequences,
                                        max_size=n_sequences)))  # fmt: skip
        if len(set(y.tolist())) < 2:
            y[0] = "a" if y[0] != "a" else "b"
    params = data.draw(reservoir_params(np.shape(X[0])[-1] if n_sequences else
                                        X.shape[1]))  # fmt: skip
    params.update(
        washout=data.draw(st.integers(0, 4)),
        alpha=data.draw(st.floats(0, 10)),
        aggregation=data.draw(st.sampled_from(["mean", "last", "support", "vote"])),
        n_support_points=data.draw(st.integers(1, 4)),
    )
    params = data.draw(
        maybe_corrupt(
            params,
            dict(
                washout=st.integers(-1, 30),
                alpha=REAL,
                aggregation=st.sampled_from(["max", None]),
                n_support_points=st.integers(-1, 0),
            ),
        )
    )
    est = ESNClassifier(**params)
    args = (X, y, params["leak_rate"], params["input_scaling"])
    before = snapshot(*args)
    _, caught, error = run(lambda: est.fit(X, y))
    assert_unchanged(before, *args)
    if error is not None:
        return
    assert_no_alias(est, *args)
    scores, caught_s, error = run(lambda: est.decision_function(X))
    assert error is None, error
    assert_finite_or_warned(scores, caught + caught_s, finite)
    pred = est.predict(X)
    assert set(np.unique(np.concatenate([np.ravel(p) for p in pred]) if isinstance(
        pred, list) else pred).tolist()) <= set(est.classes_.tolist())  # fmt: skip
    assert_unchanged(before, *args)


@given(data=st.data())
def test_esn_classifier_partial_fit_matches_fit(data):
    X, _ = data.draw(series(min_rows=30, max_rows=80))
    X = np.nan_to_num(np.real(X).astype(np.float64), posinf=1.0, neginf=-1.0)
    X = X / max(1.0, float(np.max(np.abs(X))))
    y = (X[:, 0] > np.median(X[:, 0])).astype(int)
    y[:2] = [0, 1]  # both classes occur, as partial_fit's classes say
    washout = data.draw(st.integers(0, 20))
    cuts = sorted(data.draw(st.lists(st.integers(1, len(X) - 1), max_size=3)))
    kw = dict(washout=washout, alpha=1e-2, random_state=0)
    whole = ESNClassifier(10, **kw).fit(X, y)
    streamed = ESNClassifier(10, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # chunks inside the washout
        for lo, hi in zip([0, *cuts], [*cuts, len(X)], strict=True):
            if hi > lo:
                streamed.partial_fit(X[lo:hi], y[lo:hi], [0, 1], continue_state=True)
    scale = max(1.0, float(np.abs(whole.coef_).max()))
    np.testing.assert_allclose(streamed.coef_, whole.coef_, atol=1e-10 * scale)
    np.testing.assert_allclose(streamed.intercept_, whole.intercept_, atol=1e-10)


@given(data=st.data())
def test_esn_forecaster(data):
    Y, finite = data.draw(series(min_rows=2, max_rows=120, max_features=2))
    y = Y[:, 0] if data.draw(st.booleans()) else Y
    params = data.draw(reservoir_params(1))
    params.update(
        washout=data.draw(st.integers(0, 30)),
        alpha=data.draw(st.floats(0, 10)),
        feedback_scaling=data.draw(st.floats(0, 2)),
        standardize=data.draw(st.booleans()),
        n_lags=data.draw(st.integers(1, 3)),
    )
    params = data.draw(
        maybe_corrupt(
            params,
            dict(
                washout=st.integers(-1, 200),
                alpha=REAL,
                feedback_scaling=REAL,
                standardize=st.sampled_from(["yes", None]),
                n_lags=st.integers(-1, 0),
            ),
        )
    )
    del params["input_scaling"]  # no exogenous input here
    est = ESNForecaster(**params)
    args = (y, params["leak_rate"])
    before = snapshot(*args)
    _, caught, error = run(lambda: est.fit(y))
    assert_unchanged(before, *args)
    if error is not None:
        return
    assert_no_alias(est, *args)
    steps = data.draw(st.integers(1, 20))
    out, caught_f, error = run(lambda: est.forecast(steps))
    assert error is None, error
    assert out.shape[0] == steps
    assert_finite_or_warned(out, caught + caught_f, finite)
    assert_unchanged(before, *args)


@st.composite
def collections(draw, max_sequences=5):
    """Several sequences with one feature count: a list (lengths may differ)
    or a 3-D array. Returns ``(X, finite)``."""
    n_features = draw(st.integers(1, 3))
    n = draw(st.integers(1, max_sequences))
    if draw(st.booleans()):
        rows = draw(st.integers(1, 25))
        drawn = [draw(series(rows, rows, features=n_features)) for _ in range(n)]
        X = np.stack([np.real(x).astype(np.float64) for x, _ in drawn])
        return X, bool(np.all(np.isfinite(X)))
    drawn = [draw(series(1, 25, features=n_features)) for _ in range(n)]
    return [x for x, _ in drawn], all(f for _, f in drawn)


@given(data=st.data())
def test_esn_regressor_on_collections(data):
    X, finite = data.draw(collections())
    seqs = list(X)
    Y = [np.real(x).astype(np.float64)[:, ::-1] * 0.5 for x in seqs]
    Y = np.stack(Y) if isinstance(X, np.ndarray) else Y
    params = data.draw(reservoir_params(seqs[0].shape[1]))
    params["washout"] = data.draw(st.integers(0, 3))
    est = ESNRegressor(**params)
    args = (X, Y, params["leak_rate"], params["input_scaling"])
    before = snapshot(*args)
    _, caught, error = run(lambda: est.fit(X, Y))
    assert_unchanged(before, *args)
    if error is not None:
        return
    assert_no_alias(est, *args)
    x0 = data.draw(
        st.sampled_from([None, "zeros", "nan", "wrong"]), label="initial_state"
    )
    n_units = est.reservoir_.n_units
    initial = {
        None: None,
        "zeros": np.zeros(n_units),
        "nan": np.full(n_units, np.nan),
        "wrong": np.zeros(n_units + 1),
    }[x0]
    out, caught_p, error = run(
        lambda: est.predict(X, initial_state=initial, return_state=True)
    )
    if error is not None:
        assert x0 in ("nan", "wrong"), error
        return
    pred, state = out
    assert x0 in (None, "zeros"), "a bad initial_state was accepted"
    assert len(pred) == len(seqs) and state.shape == (len(seqs), n_units)
    for p, y in zip(pred, Y, strict=True):
        assert p.shape == np.shape(y)
    assert_finite_or_warned(pred, caught + caught_p, finite)
    assert_unchanged(before, *args)


@given(data=st.data())
def test_esn_regressor_partial_fit_matches_fit(data):
    X, _ = data.draw(series(min_rows=20, max_rows=80, features=2))
    X = np.nan_to_num(np.real(X).astype(np.float64), posinf=1.0, neginf=-1.0)
    X = X / max(1.0, float(np.max(np.abs(X))))
    y = np.column_stack([X[:, 0] * X[:, 1], np.roll(X[:, 0], 1)])
    washout = data.draw(st.integers(0, 15))
    alpha = data.draw(st.sampled_from([1e-2, [1e-3, 1e-1, 1.0]]))
    cuts = sorted(data.draw(st.lists(st.integers(1, len(X) - 1), max_size=3)))
    kw = dict(washout=washout, alpha=alpha, leak_rate=0.7, random_state=1)
    whole = ESNRegressor(10, **kw).fit(X, y)
    streamed = ESNRegressor(10, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # chunks inside the washout
        for lo, hi in zip([0, *cuts], [*cuts, len(X)], strict=True):
            if hi > lo:
                streamed.partial_fit(X[lo:hi], y[lo:hi], continue_state=True)
    assert streamed.alpha_ == whole.alpha_
    scale = max(1.0, float(np.abs(whole.coef_).max()))
    np.testing.assert_allclose(streamed.coef_, whole.coef_, atol=1e-10 * scale)
    np.testing.assert_allclose(streamed.intercept_, whole.intercept_, atol=1e-10)
