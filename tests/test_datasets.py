"""Tests for reservoir.datasets."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from reservoir.datasets import (
    henon,
    logistic_map,
    lorenz,
    mackey_glass,
    multiple_superimposed_oscillators,
    narma,
    rossler,
    to_forecasting,
)

# --------------------------------------------------------------------------
# shapes, dtypes, determinism
# --------------------------------------------------------------------------

GENERATORS = [
    (lambda n, **kw: mackey_glass(n, discard=100.0, **kw), 1),
    (lambda n, **kw: narma(n, **kw)[0], 1),
    (lambda n, **kw: narma(n, **kw)[1], 1),
    (lambda n, **kw: lorenz(n, discard=5.0, **kw), 3),
    (lambda n, **kw: rossler(n, discard=10.0, **kw), 3),
]


@pytest.mark.parametrize(("make", "n_features"), GENERATORS)
def test_random_generators_shape_dtype_and_seeding(make, n_features):
    a = make(50, random_state=0)
    b = make(50, random_state=0)
    c = make(50, random_state=1)
    assert a.shape == (50, n_features)
    assert a.dtype == np.float64
    assert np.all(np.isfinite(a))
    np.testing.assert_array_equal(a, b)  # bit-identical
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    "make",
    [
        lambda rs: mackey_glass(30, discard=50.0, random_state=rs),
        lambda rs: narma(30, random_state=rs)[1],
        lambda rs: lorenz(30, discard=1.0, random_state=rs),
        lambda rs: rossler(30, discard=1.0, random_state=rs),
    ],
)
def test_random_state_types(make):
    np.testing.assert_array_equal(
        make(np.random.RandomState(3)), make(np.random.RandomState(3))
    )
    np.testing.assert_array_equal(
        make(np.random.default_rng(3)), make(np.random.default_rng(3))
    )
    with pytest.raises(TypeError, match="random_state"):
        make("seed")


def test_global_rng_untouched():
    # this test is about the legacy global generator itself
    before = np.random.get_state()  # noqa: NPY002
    narma(20)
    mackey_glass(5, discard=10.0, random_state=0)
    lorenz(5, discard=0.0, random_state=0)
    after = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(after[1], before[1])
    assert after[2] == before[2]


def test_narma_random_state_none_varies():
    assert not np.array_equal(narma(20)[0], narma(20)[0])


@pytest.mark.parametrize(
    ("array", "n_features"),
    [
        (henon(40), 2),
        (logistic_map(40), 1),
        (multiple_superimposed_oscillators(40), 1),
        (mackey_glass(40, discard=20.0), 1),
        (lorenz(40, discard=1.0), 3),
        (rossler(40, discard=1.0), 3),
    ],
)
def test_deterministic_generators_shape_dtype(array, n_features):
    assert array.shape == (40, n_features)
    assert array.dtype == np.float64
    assert array.flags.c_contiguous


def test_deterministic_without_seed():
    np.testing.assert_array_equal(mackey_glass(20), mackey_glass(20))
    np.testing.assert_array_equal(lorenz(20, discard=1.0), lorenz(20, discard=1.0))


# --------------------------------------------------------------------------
# Mackey-Glass
# --------------------------------------------------------------------------


def test_mackey_glass_fourth_order_convergence():
    kw = {"discard": 0.0, "sample_step": 1.0}
    ref = mackey_glass(301, integration_step=1 / 64, **kw)
    errors = [
        np.max(np.abs(mackey_glass(301, integration_step=h, **kw) - ref))
        for h in (0.5, 0.25, 0.125)
    ]
    assert errors[0] < 1e-5
    assert errors[0] / errors[1] > 8
    assert errors[1] / errors[2] > 8


def test_mackey_glass_first_delay_interval_closed_form():
    # for 0 <= t <= tau the delayed term is the constant history x0, so
    # dx/dt = c - b x with c = a x0 / (1 + x0**n): x = c/b + (x0 - c/b) exp(-bt)
    a, b, n, x0, tau = 0.2, 0.1, 10.0, 1.2, 17.0
    X = mackey_glass(18, tau=tau, discard=0.0, integration_step=0.1)
    c = a * x0 / (1 + x0**n)
    t = np.arange(18.0)
    expected = c / b + (x0 - c / b) * np.exp(-b * t)
    np.testing.assert_allclose(X[:, 0], expected, rtol=0, atol=1e-9)


def test_mackey_glass_attractor_range_and_sampling():
    X = mackey_glass(600, tau=17.0)
    assert X.min() > 0.2
    assert X.max() < 1.4
    assert X.std() > 0.1  # not collapsed to a fixed point
    fine = mackey_glass(101, sample_step=0.1, discard=50.0)
    coarse = mackey_glass(11, sample_step=1.0, discard=50.0)
    np.testing.assert_array_equal(fine[::10], coarse)
    # discard shifts the window exactly
    np.testing.assert_array_equal(
        mackey_glass(5, discard=3.0), mackey_glass(8, discard=0.0)[3:]
    )


def test_mackey_glass_history_and_perturbation():
    m = 170
    const = mackey_glass(50, discard=0.0, history=np.full(m + 1, 1.2))
    np.testing.assert_allclose(const, mackey_glass(50, discard=0.0), atol=1e-15)
    perturbed = mackey_glass(1, discard=0.0, random_state=0)[0, 0]
    assert perturbed != 1.2
    assert abs(perturbed / 1.2 - 1) <= 0.1
    wavy = 1.0 + 0.1 * np.sin(np.linspace(-17.0, 0.0, m + 1))
    X = mackey_glass(10, discard=0.0, history=wavy)
    assert X[0, 0] == wavy[-1]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_timesteps": 0}, ValueError, "n_timesteps"),
        ({"n_timesteps": 2.0}, TypeError, "n_timesteps"),
        ({"tau": -1.0}, ValueError, "tau"),
        ({"tau": 17.05}, ValueError, "tau must be an integer multiple"),
        ({"a": 0.0}, ValueError, "a must"),
        ({"b": float("nan")}, ValueError, "b must be finite"),
        ({"n": -2.0}, ValueError, "n must"),
        ({"x0": 0.0}, ValueError, "x0"),
        ({"sample_step": 0.0}, ValueError, "sample_step"),
        ({"sample_step": 0.25}, ValueError, "sample_step must be an integer multiple"),
        ({"integration_step": 0.0}, ValueError, "integration_step"),
        ({"integration_step": "0.1"}, TypeError, "integration_step"),
        ({"discard": -1.0}, ValueError, "discard"),
        ({"discard": 0.05}, ValueError, "discard must be an integer multiple"),
        ({"history": np.ones(5)}, ValueError, "history"),
        ({"history": -np.ones(171)}, ValueError, "history"),
        ({"history": np.ones(171), "random_state": 0}, ValueError, "random_state"),
    ],
)
def test_mackey_glass_validation(kwargs, error, match):
    kwargs = {"n_timesteps": 5, "discard": 0.0} | kwargs
    with pytest.raises(error, match=match):
        mackey_glass(**kwargs)


def test_mackey_glass_unstable_step():
    # h * b = 85 is far outside the RK4 stability region
    with pytest.raises(ValueError, match=r"unstable.*decrease integration_step"):
        mackey_glass(50, integration_step=17.0, sample_step=17.0, b=5.0, discard=0.0)


# --------------------------------------------------------------------------
# NARMA
# --------------------------------------------------------------------------


def _narma_reference(u, order, squash):
    y = np.zeros(len(u))
    for t in range(len(u) - 1):
        acc = 0.0
        for i in range(order):
            if t - i >= 0:
                acc += y[t - i]
        u_old = u[t - order + 1] if t - order + 1 >= 0 else 0.0
        v = 0.3 * y[t] + 0.05 * y[t] * acc + 1.5 * u_old * u[t] + 0.1
        y[t + 1] = math.tanh(v) if squash else v
    return y


@pytest.mark.parametrize(("order", "squash"), [(1, False), (10, False), (20, True)])
def test_narma_recurrence(order, squash):
    u, y = narma(300, order=order, squash=squash, discard=0, random_state=5)
    assert y[0, 0] == 0.0
    np.testing.assert_allclose(
        y[:, 0], _narma_reference(u[:, 0], order, squash), rtol=1e-12, atol=1e-14
    )
    assert u.min() >= 0.0 and u.max() <= 0.5


def test_narma_discard_is_a_window_of_the_same_run():
    u0, y0 = narma(150, discard=0, random_state=2)
    u, y = narma(100, discard=50, random_state=2)
    np.testing.assert_array_equal(u, u0[50:])
    np.testing.assert_array_equal(y, y0[50:])


def test_narma_divergence_message_and_squash_fix():
    with pytest.raises(ValueError, match="squash=True"):
        narma(2000, order=30, random_state=0)
    _, y = narma(2000, order=30, squash=True, random_state=0)
    assert np.all(np.abs(y) < 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_timesteps": -3}, ValueError, "n_timesteps"),
        ({"order": 0}, ValueError, "order"),
        ({"order": 2.5}, TypeError, "order"),
        ({"discard": -1}, ValueError, "discard"),
        ({"squash": 1}, TypeError, "squash"),
    ],
)
def test_narma_validation(kwargs, error, match):
    kwargs = {"n_timesteps": 10, "random_state": 0} | kwargs
    with pytest.raises(error, match=match):
        narma(**kwargs)


# --------------------------------------------------------------------------
# flows
# --------------------------------------------------------------------------


def _lorenz(t, s, sigma=10.0, rho=28.0, beta=8.0 / 3.0):
    x, y, z = s
    return [sigma * (y - x), x * (rho - z) - y, x * y - beta * z]


def _rossler(t, s, a=0.2, b=0.2, c=5.7):
    x, y, z = s
    return [-y - z, x + a * y, b + z * (x - c)]


@pytest.mark.parametrize(
    ("func", "rhs", "dt"), [(lorenz, _lorenz, 0.02), (rossler, _rossler, 0.1)]
)
def test_flows_match_tight_reference(func, rhs, dt):
    n = 100
    x0 = (1.0, 1.0, 1.0)
    X = func(n, dt=dt, discard=0.0, x0=x0)
    t = dt * np.arange(n)
    # independent reference: the 5(4) Dormand-Prince pair at a tighter tolerance
    ref = solve_ivp(
        rhs, (0, t[-1]), x0, method="RK45", t_eval=t, rtol=1e-12, atol=1e-12
    ).y.T
    np.testing.assert_allclose(X, ref, rtol=0, atol=1e-6)
    np.testing.assert_array_equal(X[0], x0)


def test_lorenz_attractor_and_discard():
    X = lorenz(500)
    assert np.abs(X[:, :2]).max() < 30
    assert 0 < X[:, 2].min() and X[:, 2].max() < 55
    # the two lobes are both visited
    assert X[:, 0].min() < -5 and X[:, 0].max() > 5
    np.testing.assert_allclose(
        lorenz(10, discard=1.0), lorenz(60, discard=0.0)[50:], atol=1e-8
    )


def test_lorenz_parameters_and_perturbation():
    X = lorenz(3, discard=0.0, dt=0.01, sigma=5.0, rho=10.0, beta=1.0)
    ref = solve_ivp(
        _lorenz,
        (0, 0.02),
        [1.0, 1.0, 1.0],
        args=(5.0, 10.0, 1.0),
        t_eval=[0, 0.01, 0.02],
        rtol=1e-12,
        atol=1e-12,
    ).y.T
    np.testing.assert_allclose(X, ref, atol=1e-9)
    start = lorenz(1, discard=0.0, random_state=0)[0]
    assert np.all(np.abs(start - 1.0) <= 0.1) and np.any(start != 1.0)


def test_rossler_attractor():
    X = rossler(500)
    assert np.abs(X[:, :2]).max() < 15
    assert X[:, 2].min() > 0 and X[:, 2].max() < 30


@pytest.mark.parametrize("func", [lorenz, rossler])
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_timesteps": 0}, ValueError, "n_timesteps"),
        ({"n_timesteps": None}, TypeError, "n_timesteps"),
        ({"dt": 0.0}, ValueError, "dt"),
        ({"dt": float("inf")}, ValueError, "dt"),
        ({"discard": -1.0}, ValueError, "discard"),
        ({"x0": (1.0, 2.0)}, ValueError, "x0"),
        ({"x0": (1.0, 2.0, float("nan"))}, ValueError, "x0"),
        ({"x0": "abc"}, TypeError, "x0"),
    ],
)
def test_flow_validation(func, kwargs, error, match):
    kwargs = {"n_timesteps": 5, "discard": 0.0} | kwargs
    with pytest.raises(error, match=match):
        func(**kwargs)


@pytest.mark.parametrize(
    ("func", "name"),
    [(lorenz, "sigma"), (lorenz, "rho"), (lorenz, "beta"), (rossler, "c")],
)
def test_flow_parameter_validation(func, name):
    with pytest.raises(ValueError, match=name):
        func(5, **{name: float("nan")})


def test_flow_divergence_raises():
    # beta < 0 makes z grow like exp(50 t): the orbit escapes
    with pytest.raises(ValueError, match="lorenz: the trajectory escapes"):
        lorenz(10, beta=-50.0, dt=0.1, discard=0.0)


# --------------------------------------------------------------------------
# maps
# --------------------------------------------------------------------------


def test_henon_recurrence_exact():
    X = henon(200, a=1.4, b=0.3, x0=(0.1, 0.2), discard=0)
    assert tuple(X[0]) == (0.1, 0.2)
    for k in range(199):
        assert X[k + 1, 0] == 1.0 - 1.4 * X[k, 0] * X[k, 0] + X[k, 1]
        assert X[k + 1, 1] == 0.3 * X[k, 0]
    np.testing.assert_array_equal(henon(50, discard=20), henon(70, discard=0)[20:])
    on_attractor = henon(1000)
    assert np.abs(on_attractor[:, 0]).max() < 1.3


def test_logistic_recurrence_exact():
    X = logistic_map(100, r=3.7, x0=0.3, discard=0)[:, 0]
    assert X[0] == 0.3
    for k in range(99):
        assert X[k + 1] == 3.7 * X[k] * (1.0 - X[k])
    np.testing.assert_array_equal(
        logistic_map(30, discard=10), logistic_map(40, discard=0)[10:]
    )
    assert logistic_map(5, r=4.0, x0=0.2).shape == (5, 1)


def test_henon_divergence():
    with pytest.raises(ValueError, match="diverged"):
        henon(2000, x0=(5.0, 5.0), discard=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_timesteps": 0}, ValueError, "n_timesteps"),
        ({"a": "1.4"}, TypeError, "a must"),
        ({"b": float("nan")}, ValueError, "b must"),
        ({"x0": (0.0,)}, ValueError, "x0"),
        ({"discard": -1}, ValueError, "discard"),
        ({"discard": 1.5}, TypeError, "discard"),
    ],
)
def test_henon_validation(kwargs, error, match):
    kwargs = {"n_timesteps": 5} | kwargs
    with pytest.raises(error, match=match):
        henon(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_timesteps": 0}, ValueError, "n_timesteps"),
        ({"r": 0.0}, ValueError, "r must"),
        ({"r": 4.01}, ValueError, "r must"),
        ({"x0": 0.0}, ValueError, "x0"),
        ({"x0": 1.0}, ValueError, "x0"),
        ({"x0": True}, TypeError, "x0"),
        ({"discard": -1}, ValueError, "discard"),
    ],
)
def test_logistic_validation(kwargs, error, match):
    kwargs = {"n_timesteps": 5} | kwargs
    with pytest.raises(error, match=match):
        logistic_map(**kwargs)


# --------------------------------------------------------------------------
# MSO
# --------------------------------------------------------------------------


def test_mso_closed_form():
    t = np.arange(300.0)
    expected = np.sin(0.2 * t) + np.sin(0.311 * t) + np.sin(0.42 * t) + np.sin(0.51 * t)
    X = multiple_superimposed_oscillators(300)
    np.testing.assert_allclose(X[:, 0], expected, rtol=0, atol=1e-12)
    X2 = multiple_superimposed_oscillators(
        300, frequencies=[0.2, 0.311], phases=[0.5, -1.0], amplitudes=[2.0, 0.5]
    )
    expected2 = 2.0 * np.sin(0.2 * t + 0.5) + 0.5 * np.sin(0.311 * t - 1.0)
    np.testing.assert_allclose(X2[:, 0], expected2, rtol=0, atol=1e-12)
    assert X2.shape == (300, 1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n_timesteps": 0}, ValueError, "n_timesteps"),
        ({"frequencies": []}, ValueError, "frequencies"),
        ({"frequencies": [[0.1, 0.2]]}, ValueError, "frequencies"),
        ({"frequencies": [0.1, float("nan")]}, ValueError, "frequencies"),
        ({"frequencies": ["a"]}, TypeError, "frequencies"),
        ({"phases": [0.0]}, ValueError, "phases"),
        ({"amplitudes": [1.0, 1.0, 1.0, np.inf]}, ValueError, "amplitudes"),
    ],
)
def test_mso_validation(kwargs, error, match):
    kwargs = {"n_timesteps": 5} | kwargs
    with pytest.raises(error, match=match):
        multiple_superimposed_oscillators(**kwargs)


# --------------------------------------------------------------------------
# to_forecasting
# --------------------------------------------------------------------------


def test_to_forecasting_alignment():
    series = np.arange(20.0).reshape(10, 2)
    X, y = to_forecasting(series, horizon=3)
    assert X.shape == y.shape == (7, 2)
    np.testing.assert_array_equal(X, series[:-3])
    np.testing.assert_array_equal(y, series[3:])
    X1, y1 = to_forecasting([1, 2, 3])
    assert X1.dtype == y1.dtype == np.float64
    np.testing.assert_array_equal(X1, [[1.0], [2.0]])
    np.testing.assert_array_equal(y1, [[2.0], [3.0]])
    X1[0, 0] = 99.0  # outputs are copies
    assert series[0, 0] == 0.0


@pytest.mark.parametrize(
    ("series", "horizon", "error", "match"),
    [
        (np.arange(5.0), 0, ValueError, "horizon"),
        (np.arange(5.0), 1.0, TypeError, "horizon"),
        (np.arange(5.0), 5, ValueError, "longer than horizon"),
        (np.array([1.0, np.nan, 2.0]), 1, ValueError, "series"),
        (np.array([1.0, np.inf, 2.0]), 1, ValueError, "series"),
        (np.zeros((2, 2, 2)), 1, ValueError, "series"),
        (np.float64(3.0), 1, ValueError, "series"),
    ],
)
def test_to_forecasting_validation(series, horizon, error, match):
    with pytest.raises(error, match=match):
        to_forecasting(series, horizon=horizon)


def test_to_forecasting_empty():
    with pytest.raises(ValueError, match="series is empty"):
        to_forecasting([])
