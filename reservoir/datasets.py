"""Benchmark time series for reservoir computing.

Every generator returns float64 arrays laid out as ``(n_timesteps, n_features)``
(rows are time steps), univariate series included.

Continuous-time systems are integrated accurately: the ODE flows (Lorenz,
Rössler) with SciPy's adaptive 8th-order Dormand-Prince method (``DOP853``,
``rtol=1e-10``, ``atol=1e-12``) through one shared helper, and the Mackey-Glass
delay equation with a fixed-step 4th-order Runge-Kutta scheme whose delayed
values come from cubic Hermite interpolation of the stored solution.

Randomness comes only from a ``random_state`` argument: an int, a
``numpy.random.RandomState``, a ``numpy.random.Generator`` or None. None means
"no randomness" for the deterministic systems and a fresh, unpredictable seed
for NARMA; the global NumPy generator is never used.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike
from scipy.integrate import solve_ivp
from sklearn.utils import check_array

from ._validation import RandomStateLike, check_int, check_real, check_rng

__all__ = [
    "channel_equalization",
    "double_scroll",
    "henon",
    "kuramoto_sivashinsky",
    "logistic_map",
    "lorenz",
    "lorenz96",
    "mackey_glass",
    "make_sequence_classification",
    "multiple_superimposed_oscillators",
    "narma",
    "regime_switch",
    "rossler",
    "to_forecasting",
]


#: Tolerances of the adaptive ODE integrator used for the flows.
ODE_RTOL = 1e-10
ODE_ATOL = 1e-12
#: The flows stop with a ValueError once a coordinate exceeds this magnitude
#: (the orbit escapes to infinity), instead of integrating a blow-up.
ESCAPE_RADIUS = 1e8
#: Half-width of the uniform perturbation added to the initial state of the
#: flows when a ``random_state`` is given.
FLOW_PERTURBATION = 0.1
#: Maximum relative perturbation of the constant Mackey-Glass history when a
#: ``random_state`` is given.
MACKEY_GLASS_PERTURBATION = 0.1


# --------------------------------------------------------------------------
# private helpers
# --------------------------------------------------------------------------


def _check_vector(value: ArrayLike, name: str, size: int) -> np.ndarray:
    """A finite float64 vector of exactly ``size`` values."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a sequence of {size} real numbers, got {value!r}."
        ) from None
    if arr.shape != (size,):
        raise ValueError(
            f"{name} must contain exactly {size} values, got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite values, got {arr}.")
    return arr


def _check_nonnegative_int(value, name: str) -> int:
    return check_int(value, name, low=0)


def _grid_steps(value: float, step: float, name: str, step_name: str) -> int:
    """Number of ``step`` in ``value``; raise unless it is a whole number."""
    ratio = value / step
    k = round(ratio)
    if abs(ratio - k) > 1e-9 * max(1.0, abs(ratio)):
        raise ValueError(
            f"{name} must be an integer multiple of {step_name}; got {name}={value!r} "
            f"and {step_name}={step!r} (ratio {ratio:.10g}). Choose values whose "
            f"ratio is a whole number."
        )
    return int(k)


def _integrate_flow(
    rhs: Callable,
    y0: np.ndarray,
    args: tuple,
    *,
    dt: float,
    n_timesteps: int,
    discard: float,
    name: str,
) -> np.ndarray:
    """Integrate an autonomous ODE and sample it every ``dt`` after ``discard``.

    Uses ``solve_ivp(method="DOP853")`` with ``ODE_RTOL``/``ODE_ATOL``; the
    samples come from the method's 7th-order dense output. A terminal event
    stops the integration when a coordinate leaves ``[-ESCAPE_RADIUS,
    ESCAPE_RADIUS]``.
    """

    def escape(t: float, s: np.ndarray, *_args) -> float:
        return ESCAPE_RADIUS - float(np.max(np.abs(s)))

    escape.terminal = True  # type: ignore[attr-defined]

    t_eval = discard + dt * np.arange(n_timesteps, dtype=np.float64)
    t_end = float(t_eval[-1])
    if t_end == 0.0:
        return y0.reshape(1, -1).copy()
    sol = solve_ivp(
        rhs,
        (0.0, t_end),
        y0,
        method="DOP853",
        t_eval=t_eval,
        args=args,
        rtol=ODE_RTOL,
        atol=ODE_ATOL,
        events=escape,
    )
    if sol.status == 1:
        raise ValueError(
            f"{name}: the trajectory escapes to infinity (a coordinate exceeded "
            f"{ESCAPE_RADIUS:g} at t={float(sol.t_events[0][0]):.6g}); change the "
            "parameters or x0."
        )
    if not sol.success or sol.y.shape[1] != n_timesteps:
        raise ValueError(
            f"{name}: the integration failed ({sol.message}); change the "
            "parameters or x0."
        )
    out = np.ascontiguousarray(sol.y.T, dtype=np.float64)
    if not np.all(np.isfinite(out)):
        raise ValueError(
            f"{name}: the trajectory diverged to non-finite values; change the "
            "parameters or x0."
        )
    return out


def _initial_state(
    x0: ArrayLike, size: int, random_state: RandomStateLike
) -> np.ndarray:
    """``x0`` checked, plus a uniform perturbation when a seed is given."""
    state = _check_vector(x0, "x0", size)
    if random_state is not None:
        rng = check_rng(random_state)
        state = state + rng.uniform(-FLOW_PERTURBATION, FLOW_PERTURBATION, size)
    return state


def _lorenz_rhs(t: float, s: np.ndarray, sigma: float, rho: float, beta: float):
    x, y, z = s
    return [sigma * (y - x), x * (rho - z) - y, x * y - beta * z]


def _rossler_rhs(t: float, s: np.ndarray, a: float, b: float, c: float):
    x, y, z = s
    return [-y - z, x + a * y, b + z * (x - c)]


# --------------------------------------------------------------------------
# Mackey-Glass
# --------------------------------------------------------------------------


def mackey_glass(
    n_timesteps: int,
    *,
    tau: float = 17.0,
    a: float = 0.2,
    b: float = 0.1,
    n: float = 10.0,
    x0: float = 1.2,
    sample_step: float = 1.0,
    integration_step: float = 0.1,
    discard: float = 1000.0,
    history: ArrayLike | None = None,
    random_state: RandomStateLike = None,
) -> np.ndarray:
    r"""Mackey-Glass chaotic time series.

    Solves the delay differential equation

    .. math:: \frac{dx}{dt} = a \frac{x(t - \tau)}{1 + x(t - \tau)^n} - b x(t)

    with the classical 4th-order Runge-Kutta method on a fixed grid of step
    ``h = integration_step``. The delay must span a whole number of steps,
    ``m = tau / h``. The delayed value needed at the half steps,
    ``x(t_k + h/2 - tau)``, is taken from the cubic Hermite interpolant of the
    stored solution values and derivatives at ``t_{k-m}`` and ``t_{k-m+1}``,
    so the scheme keeps global order 4. Breaking points of the solution
    (multiples of ``tau``) fall on the grid, so they do not lower the order.

    Parameters
    ----------
    n_timesteps : int
        Number of samples to return (>= 1).
    tau : float, default=17.0
        Delay (> 0). ``tau=17`` gives the classic mildly chaotic attractor,
        ``tau=30`` a more strongly chaotic one.
    a : float, default=0.2
        Production coefficient (> 0).
    b : float, default=0.1
        Decay coefficient (> 0).
    n : float, default=10.0
        Exponent of the nonlinearity (> 0).
    x0 : float, default=1.2
        Value of the constant initial history ``x(t) = x0`` for
        ``t in [-tau, 0]`` (> 0). Not used when ``history`` is given.
    sample_step : float, default=1.0
        Time between returned samples (> 0); an integer multiple of
        ``integration_step``.
    integration_step : float, default=0.1
        Runge-Kutta step ``h`` (> 0). ``tau / h`` must be a whole number.
    discard : float, default=1000.0
        Time units integrated and dropped before the first returned sample
        (>= 0), to let the transient die out; an integer multiple of
        ``integration_step``. The first sample is ``x(discard)``.
    history : array-like of shape (round(tau / integration_step) + 1,), default=None
        Values of ``x`` on the integration grid ``t = -tau, -tau + h, ..., 0``
        (positive and finite); the last value is ``x(0)``. It is interpolated
        by a cubic Hermite spline whose slopes are estimated with
        ``numpy.gradient``. None means the constant history ``x0``.
    random_state : int, RandomState, Generator or None, default=None
        If given (and ``history`` is None), the constant history becomes
        ``x0 * (1 + e)`` with ``e`` drawn uniformly from
        ``[-MACKEY_GLASS_PERTURBATION, MACKEY_GLASS_PERTURBATION]`` (10 %), which
        gives a different chaotic trajectory per seed. None means the exact
        history ``x0``: the output is then fully deterministic.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 1)
        ``X[i, 0] = x(discard + i * sample_step)``.

    Raises
    ------
    ValueError
        If an argument is out of range, ``tau``, ``sample_step`` or ``discard``
        is not a whole multiple of ``integration_step``, ``history`` has the
        wrong length or non-positive values, ``random_state`` is combined with
        ``history``, or the integration becomes unstable (``integration_step``
        too large).
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Mackey, M. C. and Glass, L. (1977). Oscillation and chaos in physiological
    control systems. Science 197(4300), 287-289.

    Bellen, A. and Zennaro, M. (2003). Numerical Methods for Delay
    Differential Equations. Oxford University Press (RK methods with
    continuous extensions for DDEs).

    Examples
    --------
    >>> from reservoir.datasets import mackey_glass
    >>> X = mackey_glass(500)
    >>> X.shape, X.dtype
    ((500, 1), dtype('float64'))
    >>> bool(0.2 < X.min() and X.max() < 1.4)
    True
    >>> X0 = mackey_glass(3, discard=0.0)
    >>> print(X0.ravel().round(4))
    [1.2    1.1176 1.043 ]
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    tau = check_real(tau, "tau", low=0.0, low_inclusive=False)
    a = check_real(a, "a", low=0.0, low_inclusive=False)
    b = check_real(b, "b", low=0.0, low_inclusive=False)
    n = check_real(n, "n", low=0.0, low_inclusive=False)
    x0 = check_real(x0, "x0", low=0.0, low_inclusive=False)
    sample_step = check_real(sample_step, "sample_step", low=0.0, low_inclusive=False)
    h = check_real(integration_step, "integration_step", low=0.0, low_inclusive=False)
    discard = check_real(discard, "discard", low=0.0)
    m = _grid_steps(tau, h, "tau", "integration_step")
    s = _grid_steps(sample_step, h, "sample_step", "integration_step")
    d = _grid_steps(discard, h, "discard", "integration_step")
    for name, value, steps in (("tau", tau, m), ("sample_step", sample_step, s)):
        if steps < 1:
            raise ValueError(
                f"{name} must be at least one integration_step; got {name}={value!r} "
                f"and integration_step={h!r}."
            )

    if history is not None:
        if random_state is not None:
            raise ValueError(
                "random_state perturbs the default constant history and cannot be "
                "combined with an explicit history; pass random_state=None."
            )
        hist = _check_vector(history, "history", m + 1)
        if np.any(hist <= 0):
            raise ValueError("history must contain only positive values.")
        hist_slopes = np.gradient(hist, h)
    else:
        level = x0
        if random_state is not None:
            rng = check_rng(random_state)
            eps = rng.uniform(-MACKEY_GLASS_PERTURBATION, MACKEY_GLASS_PERTURBATION)
            level = x0 * (1.0 + eps)
        hist = np.full(m + 1, level)
        hist_slopes = np.zeros(m + 1)

    n_steps = d + (n_timesteps - 1) * s
    # xs[j + m] = x(t_j); ds[j + m] = right derivative at t_j (history slopes for
    # j < 0). The solution has a derivative jump at t = 0 only.
    xs = hist.tolist()
    ds = hist_slopes.tolist()
    slope_left_of_zero = float(hist_slopes[-1])
    half = 0.5 * h
    sixth = h / 6.0
    pw = math.pow
    try:
        for k in range(n_steps):
            x = xs[k + m]
            xd0 = xs[k]
            xd1 = xs[k + 1]
            k1 = a * xd0 / (1.0 + pw(xd0, n)) - b * x
            if k == 0:
                ds[m] = k1  # right derivative at t = 0
            else:
                ds.append(k1)
            slope0 = ds[k]
            slope1 = slope_left_of_zero if k + 1 == m else ds[k + 1]
            xmid = 0.5 * (xd0 + xd1) + 0.125 * h * (slope0 - slope1)
            fmid = a * xmid / (1.0 + pw(xmid, n))
            k2 = fmid - b * (x + half * k1)
            k3 = fmid - b * (x + half * k2)
            k4 = a * xd1 / (1.0 + pw(xd1, n)) - b * (x + h * k3)
            xs.append(x + sixth * (k1 + 2.0 * k2 + 2.0 * k3 + k4))
    except (ValueError, OverflowError, ZeroDivisionError):
        xs = [math.nan]
    out = np.asarray(xs[m + d :: s], dtype=np.float64)
    if out.shape[0] != n_timesteps or not np.all(np.isfinite(out)):
        raise ValueError(
            "mackey_glass: the integration became unstable (non-finite values); "
            "decrease integration_step."
        )
    return out.reshape(-1, 1)


# --------------------------------------------------------------------------
# NARMA
# --------------------------------------------------------------------------


def narma(
    n_timesteps: int,
    *,
    order: int = 10,
    squash: bool = False,
    discard: int = 200,
    random_state: RandomStateLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""NARMA system identification task (input ``u`` and target ``y``).

    The input is i.i.d. uniform, ``u(t) ~ U[0, 0.5]``, and the output follows
    the ``order``-th order nonlinear autoregressive moving average recurrence
    of Atiya & Parlos (2000):

    .. math::

        y(t+1) = 0.3\, y(t) + 0.05\, y(t) \sum_{i=0}^{\text{order}-1} y(t-i)
                 + 1.5\, u(t - \text{order} + 1)\, u(t) + 0.1

    With ``squash=True`` the right-hand side is passed through ``tanh``:

    .. math::

        y(t+1) = \tanh\Big(0.3\, y(t) + 0.05\, y(t)
                 \sum_{i=0}^{\text{order}-1} y(t-i)
                 + 1.5\, u(t - \text{order} + 1)\, u(t) + 0.1\Big)

    which keeps ``y`` in (-1, 1). This is the bounded variant used for
    NARMA-20 and higher orders, where the plain recurrence is prone to
    diverge (published variants also change the constants, e.g. ReservoirPy's
    NARMA-30 uses 0.2, 0.04, 1.5, 0.001; this function keeps the constants
    above for every order).

    Values before ``t = 0`` are taken as 0 (``y(0) = 0``). ``discard`` steps
    are generated and dropped, so the returned rows are the steps
    ``discard, ..., discard + n_timesteps - 1`` of the recurrence. Rows are
    aligned in time: ``y[t]`` depends on ``u[t-1], u[t-2], ...`` (strictly
    past inputs), so regressing ``y`` on the reservoir driven by ``u`` (same
    rows) is the usual benchmark.

    Parameters
    ----------
    n_timesteps : int
        Number of time steps to return (>= 1).
    order : int, default=10
        Memory length of the system (>= 1); NARMA-10 is the classic task.
    squash : bool, default=False
        Apply ``tanh`` to the recurrence (see above).
    discard : int, default=200
        Initial steps generated and dropped (>= 0).
    random_state : int, RandomState, Generator or None, default=None
        Seed of the input sequence. None uses a fresh unpredictable seed.

    Returns
    -------
    u : ndarray of shape (n_timesteps, 1)
        Input sequence.
    y : ndarray of shape (n_timesteps, 1)
        Output sequence.

    Raises
    ------
    ValueError
        If an argument is out of range, or if the un-squashed series diverges
        (non-finite values); set ``squash=True`` or use another
        ``random_state`` then.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Atiya, A. F. and Parlos, A. G. (2000). New results on recurrent network
    training: unifying the algorithms and accelerating convergence. IEEE
    Trans. Neural Networks 11(3), 697-709.

    Jaeger, H. (2003). Adaptive nonlinear system identification with echo
    state networks. NIPS 15, 593-600.

    Examples
    --------
    >>> from reservoir.datasets import narma
    >>> u, y = narma(1000, order=10, random_state=0)
    >>> u.shape, y.shape
    ((1000, 1), (1000, 1))
    >>> bool(0.0 <= u.min() and u.max() <= 0.5)
    True
    >>> u20, y20 = narma(500, order=20, squash=True, random_state=0)
    >>> bool(abs(y20).max() < 1.0)
    True
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    order = check_int(order, "order", low=1)
    discard = _check_nonnegative_int(discard, "discard")
    if not isinstance(squash, bool | np.bool_):
        raise TypeError(f"squash must be True or False, got {squash!r}.")
    rng = check_rng(random_state)

    total = discard + n_timesteps
    u_arr = rng.uniform(0.0, 0.5, size=total)
    u = u_arr.tolist()
    y = [0.0] * total
    tanh = math.tanh
    for t in range(total - 1):
        lo = t - order + 1
        window = sum(y[max(lo, 0) : t + 1])
        u_old = u[lo] if lo >= 0 else 0.0
        yt = y[t]
        value = 0.3 * yt + 0.05 * yt * window + 1.5 * u_old * u[t] + 0.1
        if squash:
            value = tanh(value)
        elif not math.isfinite(value):
            raise ValueError(
                f"the NARMA-{order} series diverged (non-finite value at step "
                f"{t + 1}); the un-squashed recurrence is unstable for some input "
                "sequences, especially at high order. Set squash=True or use "
                "another random_state."
            )
        y[t + 1] = value
    return (
        u_arr[discard:].reshape(-1, 1).copy(),
        np.asarray(y[discard:], dtype=np.float64).reshape(-1, 1),
    )


# --------------------------------------------------------------------------
# ODE flows
# --------------------------------------------------------------------------


def lorenz(
    n_timesteps: int,
    *,
    dt: float = 0.02,
    sigma: float = 10.0,
    rho: float = 28.0,
    beta: float = 8.0 / 3.0,
    x0: ArrayLike = (1.0, 1.0, 1.0),
    discard: float = 25.0,
    random_state: RandomStateLike = None,
) -> np.ndarray:
    r"""Lorenz (1963) chaotic flow.

    .. math::

        \dot x = \sigma (y - x), \quad
        \dot y = x (\rho - z) - y, \quad
        \dot z = x y - \beta z

    integrated with SciPy's ``solve_ivp(method="DOP853")`` at
    ``rtol=1e-10, atol=1e-12`` (module constants ``ODE_RTOL``, ``ODE_ATOL``)
    and sampled every ``dt`` from its dense output.

    Parameters
    ----------
    n_timesteps : int
        Number of samples (>= 1).
    dt : float, default=0.02
        Time between samples (> 0). It does not affect accuracy: the solver
        chooses its own steps.
    sigma, rho, beta : float, default=10, 28, 8/3
        System parameters (finite); the defaults give the classic attractor.
    x0 : array-like of shape (3,), default=(1.0, 1.0, 1.0)
        Initial state at time 0 (finite).
    discard : float, default=25.0
        Time units integrated and dropped before the first sample (>= 0), so
        the returned trajectory is on the attractor. The first row is the
        state at time ``discard``.
    random_state : int, RandomState, Generator or None, default=None
        If given, ``x0`` is perturbed by noise drawn uniformly from
        ``[-FLOW_PERTURBATION, FLOW_PERTURBATION]`` (0.1) per coordinate, which
        gives a different trajectory per seed. None: exactly ``x0``.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 3)
        Columns ``x, y, z``; ``X[i]`` is the state at ``discard + i * dt``.

    Raises
    ------
    ValueError
        If an argument is out of range or not finite, ``x0`` does not have 3
        values, or the integration fails.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Lorenz, E. N. (1963). Deterministic nonperiodic flow. J. Atmos. Sci.
    20(2), 130-141.

    Hairer, E., Norsett, S. P. and Wanner, G. (1993). Solving Ordinary
    Differential Equations I. Springer (the DOP853 method).

    Examples
    --------
    >>> from reservoir.datasets import lorenz
    >>> X = lorenz(1000)
    >>> X.shape
    (1000, 3)
    >>> bool(abs(X[:, 0]).max() < 25 and X[:, 2].min() > 0)
    True
    >>> print(lorenz(2, discard=0.0, dt=0.01).round(4))
    [[1.     1.     1.    ]
     [1.0126 1.2599 0.9849]]
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    dt = check_real(dt, "dt", low=0.0, low_inclusive=False)
    params = (
        check_real(sigma, "sigma"),
        check_real(rho, "rho"),
        check_real(beta, "beta"),
    )
    discard = check_real(discard, "discard", low=0.0)
    state = _initial_state(x0, 3, random_state)
    return _integrate_flow(
        _lorenz_rhs,
        state,
        params,
        dt=dt,
        n_timesteps=n_timesteps,
        discard=discard,
        name="lorenz",
    )


def rossler(
    n_timesteps: int,
    *,
    dt: float = 0.1,
    a: float = 0.2,
    b: float = 0.2,
    c: float = 5.7,
    x0: ArrayLike = (1.0, 1.0, 1.0),
    discard: float = 100.0,
    random_state: RandomStateLike = None,
) -> np.ndarray:
    r"""Rössler (1976) chaotic flow.

    .. math::

        \dot x = -y - z, \quad
        \dot y = x + a y, \quad
        \dot z = b + z (x - c)

    integrated exactly like :func:`lorenz` (``DOP853``, ``rtol=1e-10``,
    ``atol=1e-12``, dense output sampled every ``dt``).

    Parameters
    ----------
    n_timesteps : int
        Number of samples (>= 1).
    dt : float, default=0.1
        Time between samples (> 0).
    a, b, c : float, default=0.2, 0.2, 5.7
        System parameters (finite); the defaults give the classic attractor.
    x0 : array-like of shape (3,), default=(1.0, 1.0, 1.0)
        Initial state at time 0 (finite).
    discard : float, default=100.0
        Time units integrated and dropped before the first sample (>= 0).
    random_state : int, RandomState, Generator or None, default=None
        If given, ``x0`` is perturbed by noise drawn uniformly from
        ``[-FLOW_PERTURBATION, FLOW_PERTURBATION]`` (0.1) per coordinate.
        None: exactly ``x0``.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 3)
        Columns ``x, y, z``; ``X[i]`` is the state at ``discard + i * dt``.

    Raises
    ------
    ValueError
        If an argument is out of range or not finite, ``x0`` does not have 3
        values, or the integration fails (e.g. the orbit escapes to infinity).
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Rössler, O. E. (1976). An equation for continuous chaos. Physics Letters
    A 57(5), 397-398.

    Examples
    --------
    >>> from reservoir.datasets import rossler
    >>> X = rossler(1000)
    >>> X.shape
    (1000, 3)
    >>> bool(abs(X[:, :2]).max() < 15 and X[:, 2].min() > 0)
    True
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    dt = check_real(dt, "dt", low=0.0, low_inclusive=False)
    params = (check_real(a, "a"), check_real(b, "b"), check_real(c, "c"))
    discard = check_real(discard, "discard", low=0.0)
    state = _initial_state(x0, 3, random_state)
    return _integrate_flow(
        _rossler_rhs,
        state,
        params,
        dt=dt,
        n_timesteps=n_timesteps,
        discard=discard,
        name="rossler",
    )


# --------------------------------------------------------------------------
# maps
# --------------------------------------------------------------------------


def henon(
    n_timesteps: int,
    *,
    a: float = 1.4,
    b: float = 0.3,
    x0: ArrayLike = (0.0, 0.0),
    discard: int = 100,
) -> np.ndarray:
    r"""Hénon (1976) map.

    .. math:: x_{k+1} = 1 - a x_k^2 + y_k, \quad y_{k+1} = b x_k

    Parameters
    ----------
    n_timesteps : int
        Number of iterates to return (>= 1).
    a, b : float, default=1.4, 0.3
        Map parameters (finite); the defaults give the classic strange
        attractor.
    x0 : array-like of shape (2,), default=(0.0, 0.0)
        Initial point ``(x_0, y_0)`` (finite).
    discard : int, default=100
        Iterations computed and dropped before the first returned row (>= 0).

    Returns
    -------
    X : ndarray of shape (n_timesteps, 2)
        Columns ``x, y``; ``X[i]`` is iterate ``discard + i``.

    Raises
    ------
    ValueError
        If an argument is out of range, or the orbit diverges (non-finite
        values), which happens when ``x0`` is outside the basin of attraction.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Hénon, M. (1976). A two-dimensional mapping with a strange attractor.
    Commun. Math. Phys. 50(1), 69-77.

    Examples
    --------
    >>> from reservoir.datasets import henon
    >>> print(henon(3, discard=0))
    [[ 0.   0. ]
     [ 1.   0. ]
     [-0.4  0.3]]
    >>> henon(1000).shape
    (1000, 2)
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    a = check_real(a, "a")
    b = check_real(b, "b")
    x, y = _check_vector(x0, "x0", 2).tolist()
    discard = _check_nonnegative_int(discard, "discard")
    out = np.empty((n_timesteps, 2), dtype=np.float64)
    last = discard + n_timesteps - 1
    for k in range(last + 1):
        if k >= discard:
            out[k - discard] = (x, y)
        if k == last:
            break
        x, y = 1.0 - a * x * x + y, b * x
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(
                f"the Henon orbit diverged (non-finite value after iteration "
                f"{k + 1}); choose x0 inside the basin of attraction or other a, b."
            )
    return out


def logistic_map(
    n_timesteps: int,
    *,
    r: float = 3.9,
    x0: float = 0.5,
    discard: int = 100,
) -> np.ndarray:
    r"""Logistic map ``x_{k+1} = r x_k (1 - x_k)``.

    Parameters
    ----------
    n_timesteps : int
        Number of iterates to return (>= 1).
    r : float, default=3.9
        Growth rate in (0, 4] (chaotic for most ``r`` above about 3.57).
    x0 : float, default=0.5
        Initial value in (0, 1).
    discard : int, default=100
        Iterations computed and dropped before the first returned row (>= 0).

    Returns
    -------
    X : ndarray of shape (n_timesteps, 1)
        ``X[i, 0]`` is iterate ``discard + i``.

    Raises
    ------
    ValueError
        If ``r`` is outside (0, 4], ``x0`` outside (0, 1), or another
        argument is out of range.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    May, R. M. (1976). Simple mathematical models with very complicated
    dynamics. Nature 261, 459-467.

    Examples
    --------
    >>> from reservoir.datasets import logistic_map
    >>> print(logistic_map(3, r=3.9, x0=0.5, discard=0).ravel())
    [0.5      0.975    0.0950625]
    >>> logistic_map(100).shape
    (100, 1)
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    r = check_real(r, "r", low=0.0, low_inclusive=False, high=4.0)
    x = check_real(
        x0, "x0", low=0.0, low_inclusive=False, high=1.0, high_inclusive=False
    )
    discard = _check_nonnegative_int(discard, "discard")
    out = np.empty(n_timesteps, dtype=np.float64)
    for k in range(discard + n_timesteps):
        if k >= discard:
            out[k - discard] = x
        x = r * x * (1.0 - x)  # stays in [0, 1] for r in (0, 4], x in (0, 1)
    return out.reshape(-1, 1)


# --------------------------------------------------------------------------
# multiple superimposed oscillators
# --------------------------------------------------------------------------


def multiple_superimposed_oscillators(
    n_timesteps: int,
    *,
    frequencies: ArrayLike = (0.2, 0.311, 0.42, 0.51),
    phases: ArrayLike | None = None,
    amplitudes: ArrayLike | None = None,
) -> np.ndarray:
    r"""Multiple superimposed oscillators (MSO) benchmark.

    .. math:: x(t) = \sum_k A_k \sin(f_k t + \varphi_k), \quad t = 0, 1, \dots

    The classic task (Schmidhuber et al. 2007) uses the frequencies 0.2,
    0.311, 0.42 and 0.51 with unit amplitudes and zero phases; MSO-k is the
    sum of the first ``k`` of them (e.g. ``frequencies=(0.2, 0.311)`` for
    MSO-2). Later work (Koryakin et al. 2012) extends the list with 0.63,
    0.74, 0.85 and 0.97 for MSO-5 to MSO-8.

    Parameters
    ----------
    n_timesteps : int
        Number of samples (>= 1); ``t = 0, ..., n_timesteps - 1``.
    frequencies : array-like of shape (n_oscillators,), default=(0.2, 0.311, 0.42, 0.51)
        Angular frequencies ``f_k`` in radians per time step (finite).
    phases : array-like of shape (n_oscillators,), default=None
        Phases ``phi_k`` in radians (finite); None means all zero.
    amplitudes : array-like of shape (n_oscillators,), default=None
        Amplitudes ``A_k`` (finite); None means all one.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 1)
        The summed signal.

    Raises
    ------
    ValueError
        If ``frequencies`` is empty or not 1-D, ``phases`` or ``amplitudes``
        do not have one value per frequency, or any value is not finite.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Schmidhuber, J., Wierstra, D., Gagliolo, M. and Gomez, F. (2007).
    Training recurrent networks by Evolino. Neural Computation 19(3),
    757-779.

    Koryakin, D., Lohmann, J. and Butz, M. V. (2012). Balanced echo state
    networks. Neural Networks 36, 35-45.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.datasets import multiple_superimposed_oscillators
    >>> X = multiple_superimposed_oscillators(4, frequencies=(0.2, 0.311))
    >>> print(X.ravel().round(4))
    [0.     0.5047 0.9721 1.3681]
    >>> bool(np.isclose(X[1, 0], np.sin(0.2) + np.sin(0.311)))
    True
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    try:
        freqs = np.asarray(frequencies, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"frequencies must be a sequence of real numbers, got {frequencies!r}."
        ) from None
    if freqs.ndim != 1 or freqs.size == 0:
        raise ValueError(
            "frequencies must be a non-empty 1-D sequence of real numbers, got "
            f"shape {freqs.shape}."
        )
    if not np.all(np.isfinite(freqs)):
        raise ValueError(f"frequencies must contain only finite values, got {freqs}.")
    k = freqs.size
    ph = np.zeros(k) if phases is None else _check_vector(phases, "phases", k)
    amp = (
        np.ones(k) if amplitudes is None else _check_vector(amplitudes, "amplitudes", k)
    )
    t = np.arange(n_timesteps, dtype=np.float64)
    waves = amp * np.sin(t[:, None] * freqs + ph)
    return waves.sum(axis=1).reshape(-1, 1)


# --------------------------------------------------------------------------
# forecasting helper
# --------------------------------------------------------------------------


def to_forecasting(
    series: ArrayLike, *, horizon: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Split a series into inputs and ``horizon``-step-ahead targets.

    ``X = series[:-horizon]`` and ``y = series[horizon:]``, so ``y[t]`` is the
    value ``horizon`` steps after ``X[t]``.

    Parameters
    ----------
    series : array-like of shape (n_timesteps,) or (n_timesteps, n_features)
        Time series with rows as time steps; a 1-D series is one feature.
        Must be finite.
    horizon : int, default=1
        Forecast horizon in steps (>= 1, < n_timesteps).

    Returns
    -------
    X : ndarray of shape (n_timesteps - horizon, n_features)
        Inputs (float64 copy).
    y : ndarray of shape (n_timesteps - horizon, n_features)
        Targets (float64 copy).

    Raises
    ------
    ValueError
        If ``series`` is empty, has more than 2 dimensions, contains NaN or
        infinity, or is not longer than ``horizon``; or ``horizon < 1``.
    TypeError
        If ``horizon`` is not an integer.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.datasets import to_forecasting
    >>> X, y = to_forecasting(np.arange(5.0), horizon=2)
    >>> print(X.ravel(), y.ravel())
    [0. 1. 2.] [2. 3. 4.]
    >>> X.shape
    (3, 1)
    """
    horizon = check_int(horizon, "horizon", low=1)
    if np.ndim(series) not in (1, 2):
        raise ValueError(
            "series must be 1-D (n_timesteps,) or 2-D (n_timesteps, n_features); "
            f"got {np.ndim(series)} dimensions."
        )
    if np.size(series) == 0:
        raise ValueError("series is empty; pass at least horizon + 1 time steps.")
    arr = check_array(
        series,
        dtype=np.float64,
        ensure_2d=False,
        ensure_all_finite=True,
        input_name="series",
        copy=True,
    )
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.shape[0] <= horizon:
        raise ValueError(
            f"series must be longer than horizon; got {arr.shape[0]} time steps "
            f"and horizon={horizon}. Use a longer series or a smaller horizon."
        )
    return arr[:-horizon].copy(), arr[horizon:].copy()


#: The generating systems of ``make_sequence_classification``, one per class.
SEQUENCE_CLASSES = ("sine", "square", "sawtooth", "ar2", "logistic", "chirp")


def _generate_sequence(
    kind: str, length: int, rng: np.random.RandomState
) -> np.ndarray:
    """One raw sequence of a class, before normalisation and noise."""
    t = np.arange(length, dtype=np.float64)
    period = rng.uniform(8.0, 20.0)
    phase = rng.uniform(0.0, 2.0 * math.pi)
    if kind == "sine":
        return np.sin(2.0 * math.pi * t / period + phase)
    if kind == "square":
        return np.sign(np.sin(2.0 * math.pi * t / period + phase)) + 1e-12
    if kind == "sawtooth":
        return ((t / period + phase / (2.0 * math.pi)) % 1.0) * 2.0 - 1.0
    if kind == "ar2":
        # a resonant AR(2) process: noise filtered around the same periods
        radius, freq = 0.95, 2.0 * math.pi / period
        a1, a2 = 2.0 * radius * math.cos(freq), -(radius**2)
        x = np.zeros(length + 50)
        e = rng.standard_normal(length + 50)
        for k in range(2, length + 50):
            x[k] = a1 * x[k - 1] + a2 * x[k - 2] + e[k]
        return x[50:]
    if kind == "logistic":
        x = np.empty(length)
        x[0] = rng.uniform(0.1, 0.9)
        r = rng.uniform(3.7, 3.95)
        for k in range(1, length):
            x[k] = r * x[k - 1] * (1.0 - x[k - 1])
        return x
    # chirp: the period shrinks over the sequence
    freq = 2.0 * math.pi / period
    return np.sin(freq * t * (1.0 + t / (2.0 * length)) + phase)


def make_sequence_classification(
    n_sequences: int = 200,
    *,
    n_classes: int = 4,
    min_length: int = 50,
    max_length: int = 100,
    noise: float = 0.3,
    random_state: RandomStateLike = None,
) -> tuple[list[np.ndarray], np.ndarray]:
    """Noisy variable-length sequences from a few generating systems.

    Class ``k`` is generated by the ``k``-th system of ``SEQUENCE_CLASSES``
    (sine, square wave, sawtooth, resonant AR(2) noise, logistic map, chirp)
    with a random period (8 to 20 steps) and phase. Every sequence is then
    standardised to zero mean and unit variance and Gaussian noise of standard
    deviation ``noise`` is added, so neither the mean nor the spread of a
    sequence tells its class: only its dynamics do.

    Parameters
    ----------
    n_sequences : int, default=200
        Number of sequences.
    n_classes : int, default=4
        Number of classes, from 2 to ``len(SEQUENCE_CLASSES)`` (6).
    min_length, max_length : int, default=50, 100
        Sequence lengths are drawn uniformly from ``[min_length, max_length]``.
    noise : float, default=0.3
        Standard deviation of the additive noise (>= 0).
    random_state : int, RandomState instance, Generator or None, default=None
        Seed; the same seed gives the same sequences.

    Returns
    -------
    X : list of ndarray of shape (length_i, 1)
        The sequences.
    y : ndarray of shape (n_sequences,)
        Class index of each sequence (balanced: ``i % n_classes`` before a
        shuffle).

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> from reservoir.datasets import make_sequence_classification
    >>> X, y = make_sequence_classification(12, n_classes=3, random_state=0)
    >>> len(X), X[0].shape[1], sorted(set(y.tolist()))
    (12, 1, [0, 1, 2])
    """
    n_sequences = check_int(n_sequences, "n_sequences", low=1)
    n_classes = check_int(n_classes, "n_classes", low=2)
    if n_classes > len(SEQUENCE_CLASSES):
        raise ValueError(
            f"n_classes must be at most {len(SEQUENCE_CLASSES)} (one per "
            f"generating system); got {n_classes}."
        )
    min_length = check_int(min_length, "min_length", low=2)
    max_length = check_int(max_length, "max_length", low=min_length)
    noise = check_real(noise, "noise", low=0.0)
    rng = check_rng(random_state)
    labels = np.arange(n_sequences) % n_classes
    rng.shuffle(labels)
    X = []
    for label in labels:
        length = int(rng.randint(min_length, max_length + 1))
        raw = _generate_sequence(SEQUENCE_CLASSES[label], length, rng)
        std = raw.std()
        seq = (raw - raw.mean()) / (std if std > 0 else 1.0)
        X.append((seq + noise * rng.standard_normal(length))[:, None])
    return X, labels


# --------------------------------------------------------------------------
# double-scroll circuit (NG-RC paper) and a system with a regime switch
# --------------------------------------------------------------------------


def _double_scroll_rhs(t: float, s: np.ndarray, r1, r2, r4, gain, ir):
    v1, v2, current = s
    g = (v1 - v2) / r2 + 2.0 * ir * math.sinh(gain * (v1 - v2))
    return [v1 / r1 - g, g - current, v2 - r4 * current]


def double_scroll(
    n_timesteps: int,
    *,
    dt: float = 0.25,
    r1: float = 1.2,
    r2: float = 3.44,
    r4: float = 0.193,
    gain: float = 11.6,
    ir: float = 2.25e-5,
    x0: ArrayLike = (0.37926545, 0.058339, -0.08167691),
    discard: float = 0.0,
    random_state: RandomStateLike = None,
) -> np.ndarray:
    r"""Double-scroll electronic circuit (Chang et al. 1998), as in NG-RC.

    .. math::

        \dot V_1 = \frac{V_1}{R_1} - g(V_1 - V_2), \quad
        \dot V_2 = g(V_1 - V_2) - I, \quad
        \dot I = V_2 - R_4 I, \quad
        g(V) = \frac{V}{R_2} + 2 I_r \sinh(\alpha V)

    in dimensionless units, the system of the double-scroll task of
    Gauthier et al. (2021) (their code's constants are the defaults;
    largest Lyapunov exponent about 0.128, one Lyapunov time 7.8125 time
    units). Integrated exactly like :func:`lorenz` (``DOP853``,
    ``rtol=1e-10``, ``atol=1e-12``, dense output sampled every ``dt``).

    Parameters
    ----------
    n_timesteps : int
        Number of samples (>= 1).
    dt : float, default=0.25
        Time between samples (> 0); the paper's value.
    r1, r2, r4 : float, default=1.2, 3.44, 0.193
        Resistances ``R_1, R_2, R_4`` (finite, non-zero for ``r1`` and
        ``r2``).
    gain : float, default=11.6
        Diode gain ``alpha`` of the sinh nonlinearity (finite).
    ir : float, default=2.25e-5
        Diode current ``I_r`` (finite).
    x0 : array-like of shape (3,), default=(0.37926545, 0.058339, -0.08167691)
        Initial state ``(V_1, V_2, I)`` at time 0; the default lies on the
        attractor (the paper's initial condition).
    discard : float, default=0.0
        Time units integrated and dropped before the first sample (>= 0).
    random_state : int, RandomState, Generator or None, default=None
        If given, ``x0`` is perturbed by noise drawn uniformly from
        ``[-FLOW_PERTURBATION, FLOW_PERTURBATION]`` (0.1) per coordinate.
        None: exactly ``x0``.

    Returns
    -------
    X : ndarray of shape (n_timesteps, 3)
        Columns ``V_1, V_2, I``; ``X[i]`` is the state at ``discard + i *
        dt``.

    Raises
    ------
    ValueError
        If an argument is out of range or not finite, ``x0`` does not have 3
        values, or the integration fails.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Chang, A., Bienfang, J. C., Hall, G. M., Gardner, J. R. and Gauthier,
    D. J. (1998). Stabilizing unstable steady states using extended
    time-delay autosynchronization. Chaos 8(4), 782-790.

    Gauthier, D. J., Bollt, E., Griffith, A. and Barbosa, W. A. S. (2021).
    Next generation reservoir computing. Nature Communications 12, 5564.

    Examples
    --------
    >>> from reservoir.datasets import double_scroll
    >>> X = double_scroll(2000)
    >>> X.shape
    (2000, 3)
    >>> bool(abs(X[:, 0]).max() < 2.5 and (X[:, 0] > 0).any() and (X[:, 0] < 0).any())
    True
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    dt = check_real(dt, "dt", low=0.0, low_inclusive=False)
    params = tuple(
        check_real(value, name)
        for value, name in (
            (r1, "r1"),
            (r2, "r2"),
            (r4, "r4"),
            (gain, "gain"),
            (ir, "ir"),
        )
    )
    for value, name in ((params[0], "r1"), (params[1], "r2")):
        if value == 0.0:
            raise ValueError(f"{name} must be non-zero (it divides); got 0.")
    discard = check_real(discard, "discard", low=0.0)
    state = _initial_state(x0, 3, random_state)
    return _integrate_flow(
        _double_scroll_rhs,
        state,
        params,
        dt=dt,
        n_timesteps=n_timesteps,
        discard=discard,
        name="double_scroll",
    )


#: Coefficients ``(a_1, a_2, a_3, b)`` of the two regimes of ``regime_switch``.
REGIME_COEFFICIENTS = ((0.5, 0.3, 0.0, 0.4), (-0.2, 0.0, 0.6, -0.5))


def regime_switch(
    n_timesteps: int,
    *,
    switch_at: int | None = None,
    noise: float = 0.0,
    random_state: RandomStateLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""An input-output system whose dynamics switch once (concept drift).

    The input is i.i.d. uniform, ``u(t) ~ U[-1, 1]``, and the output a
    second-order Volterra system of the last three inputs,

    .. math::

        y(t) = a_1 u(t-1) + a_2 u(t-2) + a_3 u(t-3) + b\, u(t-1) u(t-2)
               + \sigma \varepsilon(t)

    with ``(a_1, a_2, a_3, b) = (0.5, 0.3, 0, 0.4)`` before step
    ``switch_at`` and ``(-0.2, 0, 0.6, -0.5)`` from it on (module constant
    ``REGIME_COEFFICIENTS``): a different memory and a sign change at once.
    ``ε`` is standard Gaussian noise. Inputs before ``t = 0`` are 0. The
    task for online readouts: a model fitted before the switch is wrong
    after it; a readout with forgetting must track the new regime.

    Parameters
    ----------
    n_timesteps : int
        Number of time steps (>= 2).
    switch_at : int, default=None
        First step of the second regime (1 <= switch_at < n_timesteps);
        None means halfway, ``n_timesteps // 2``.
    noise : float, default=0.0
        Standard deviation ``σ`` of the output noise (>= 0).
    random_state : int, RandomState, Generator or None, default=None
        Seed of the input (and noise). None uses a fresh unpredictable seed.

    Returns
    -------
    u : ndarray of shape (n_timesteps, 1)
        Input sequence.
    y : ndarray of shape (n_timesteps, 1)
        Output sequence, aligned with ``u`` (``y[t]`` depends on earlier
        inputs only).

    Raises
    ------
    ValueError
        If an argument is out of range.

    Examples
    --------
    >>> from reservoir.datasets import regime_switch
    >>> u, y = regime_switch(1000, random_state=0)
    >>> u.shape, y.shape
    ((1000, 1), (1000, 1))
    >>> import numpy as np
    >>> bool(np.isclose(y[400, 0], 0.5 * u[399, 0] + 0.3 * u[398, 0]
    ...                 + 0.4 * u[399, 0] * u[398, 0]))
    True
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=2)
    if switch_at is None:
        switch_at = n_timesteps // 2
    switch_at = check_int(switch_at, "switch_at", low=1)
    if switch_at >= n_timesteps:
        raise ValueError(
            f"switch_at must be smaller than n_timesteps ({n_timesteps}) so that "
            f"both regimes occur; got {switch_at}."
        )
    noise = check_real(noise, "noise", low=0.0)
    rng = check_rng(random_state)
    u = rng.uniform(-1.0, 1.0, n_timesteps)
    padded = np.concatenate([np.zeros(3), u])
    lag = [padded[3 - k : 3 - k + n_timesteps] for k in (1, 2, 3)]
    y = np.empty(n_timesteps)
    for regime, rows in enumerate((slice(0, switch_at), slice(switch_at, n_timesteps))):
        a1, a2, a3, b = REGIME_COEFFICIENTS[regime]
        y[rows] = (
            a1 * lag[0][rows]
            + a2 * lag[1][rows]
            + a3 * lag[2][rows]
            + b * lag[0][rows] * lag[1][rows]
        )
    if noise > 0:
        y += noise * rng.standard_normal(n_timesteps)
    return u.reshape(-1, 1), y.reshape(-1, 1)


# --------------------------------------------------------------------------
# memory task
# --------------------------------------------------------------------------

__all__ += ["delayed_input"]  # kept beside the function (eases merging)


def delayed_input(
    n_timesteps: int,
    *,
    delays: ArrayLike = (1,),
    low: float = -1.0,
    high: float = 1.0,
    random_state: RandomStateLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The delayed-input memory task: recall the input of ``k`` steps ago.

    The input is i.i.d. uniform on ``[low, high]``; target column ``j`` at
    step ``t`` is the input at step ``t - delays[j]`` (0 before the start of
    the sequence, so drop at least ``max(delays)`` steps as washout). The
    task behind the memory capacity of Jaeger (2002); see
    :func:`reservoir.capacity.memory_capacity`.

    Parameters
    ----------
    n_timesteps : int
        Length of the sequence (>= 1).
    delays : array-like of int, default=(1,)
        Delays ``k >= 0``, one target column each.
    low, high : float, default=-1.0, 1.0
        Range of the uniform input (``low < high``).
    random_state : int, RandomState instance, Generator or None, default=None
        Seed for the input (None: fresh, unpredictable).

    Returns
    -------
    u : ndarray of shape (n_timesteps, 1)
        The input.
    y : ndarray of shape (n_timesteps, n_delays)
        ``y[t, j] = u[t - delays[j]]`` (0 for ``t < delays[j]``).

    References
    ----------
    Jaeger, H. (2002). Short term memory in echo state networks. GMD Report
    152, German National Research Center for Information Technology.

    Examples
    --------
    >>> from reservoir.datasets import delayed_input
    >>> u, y = delayed_input(100, delays=[1, 5], random_state=0)
    >>> u.shape, y.shape
    ((100, 1), (100, 2))
    >>> bool(y[10, 1] == u[5, 0]) and bool(y[3, 1] == 0.0)
    True
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    lags = np.asarray(delays)
    if lags.ndim != 1 or lags.size == 0 or lags.dtype.kind not in "iu":
        raise ValueError(
            f"delays must be a non-empty 1-D sequence of integers; got {delays!r}."
        )
    if lags.min() < 0:
        raise ValueError(f"delays must be >= 0; got {lags.min()}.")
    low = check_real(low, "low")
    high = check_real(high, "high")
    if not low < high:
        raise ValueError(f"low must be smaller than high; got low={low}, high={high}.")
    rng = check_rng(random_state)
    u = rng.uniform(low, high, n_timesteps)
    y = np.zeros((n_timesteps, lags.size))
    for j, k in enumerate(lags.tolist()):
        if k < n_timesteps:
            y[k:, j] = u[: n_timesteps - k]
    return u.reshape(-1, 1), y


# --------------------------------------------------------------------------
# issue 18 tasks: Lorenz-96, Kuramoto-Sivashinsky, channel equalization
# --------------------------------------------------------------------------


def _lorenz96_rhs(x: np.ndarray, forcing: float, neighbours) -> np.ndarray:
    plus1, minus1, minus2 = neighbours
    return (x[plus1] - x[minus2]) * x[minus1] - x + forcing


def lorenz96(
    n_timesteps: int,
    *,
    n_variables: int = 40,
    forcing: float = 8.0,
    dt: float = 0.01,
    integration_step: float = 0.01,
    x0: ArrayLike | None = None,
    discard: float = 10.0,
    random_state: RandomStateLike = None,
) -> np.ndarray:
    r"""Lorenz (1996) model: ``n_variables`` coupled variables on a ring.

    .. math::

        \dot x_i = (x_{i+1} - x_{i-2})\, x_{i-1} - x_i + F,
        \qquad i = 0, \dots, n-1 \ (\text{indices modulo } n)

    integrated with the classical 4th-order Runge-Kutta scheme at a fixed
    ``integration_step`` and sampled every ``dt``. With ``n_variables=40`` and
    ``forcing=8`` (the defaults) the flow is chaotic (largest Lyapunov
    exponent about 1.68), the setting of Vlachas et al. (2020).

    Parameters
    ----------
    n_timesteps : int
        Number of samples (>= 1).
    n_variables : int, default=40
        Number of variables ``n`` (>= 4, so that the four neighbours
        ``i-2, i-1, i, i+1`` are distinct).
    forcing : float, default=8.0
        Constant forcing ``F`` (finite).
    dt : float, default=0.01
        Time between samples (> 0); a whole multiple of ``integration_step``.
    integration_step : float, default=0.01
        Runge-Kutta step (> 0).
    x0 : array-like of shape (n_variables,), default=None
        Initial state at time 0. None: ``F`` everywhere with ``x_0 = F + 0.01``
        (the usual start off the unstable equilibrium).
    discard : float, default=10.0
        Time units integrated and dropped before the first sample (>= 0); a
        whole multiple of ``integration_step``.
    random_state : int, RandomState, Generator or None, default=None
        If given, ``x0`` is perturbed by noise drawn uniformly from
        ``[-FLOW_PERTURBATION, FLOW_PERTURBATION]`` (0.1) per variable.
        None: exactly ``x0``.

    Returns
    -------
    X : ndarray of shape (n_timesteps, n_variables)
        ``X[i]`` is the state at time ``discard + i * dt``.

    Raises
    ------
    ValueError
        If an argument is out of range or not finite, ``dt`` or ``discard``
        is not a whole multiple of ``integration_step``, ``x0`` has the wrong
        size, or the trajectory diverges.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Lorenz, E. N. (1996). Predictability: a problem partly solved. Proc.
    Seminar on Predictability, ECMWF, 1-18.

    Vlachas, P. R. et al. (2020). Backpropagation algorithms and reservoir
    computing in recurrent neural networks for the forecasting of complex
    spatiotemporal dynamics. Neural Networks 126, 191-217.

    Examples
    --------
    >>> from reservoir.datasets import lorenz96
    >>> X = lorenz96(500, n_variables=40)
    >>> X.shape
    (500, 40)
    >>> bool(-10 < X.min() and X.max() < 15)
    True
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    n_variables = check_int(n_variables, "n_variables", low=4)
    forcing = check_real(forcing, "forcing")
    dt = check_real(dt, "dt", low=0.0, low_inclusive=False)
    h = check_real(integration_step, "integration_step", low=0.0, low_inclusive=False)
    discard = check_real(discard, "discard", low=0.0)
    per_sample = _grid_steps(dt, h, "dt", "integration_step")
    n_discard = _grid_steps(discard, h, "discard", "integration_step")
    if x0 is None:
        x0 = np.full(n_variables, forcing)
        x0[0] += 0.01
    state = _initial_state(x0, n_variables, random_state)

    index = np.arange(n_variables)
    nb = (
        (index + 1) % n_variables,
        (index - 1) % n_variables,
        (index - 2) % n_variables,
    )

    def rk4(x: np.ndarray) -> np.ndarray:
        k1 = _lorenz96_rhs(x, forcing, nb)
        k2 = _lorenz96_rhs(x + 0.5 * h * k1, forcing, nb)
        k3 = _lorenz96_rhs(x + 0.5 * h * k2, forcing, nb)
        k4 = _lorenz96_rhs(x + h * k3, forcing, nb)
        return x + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)

    x = state
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_discard):
            x = rk4(x)
        out = np.empty((n_timesteps, n_variables))
        out[0] = x
        for i in range(1, n_timesteps):
            for _ in range(per_sample):
                x = rk4(x)
            out[i] = x
    if not np.all(np.isfinite(out)) or np.abs(out).max() > ESCAPE_RADIUS:
        raise ValueError(
            "lorenz96: the trajectory diverged; use a smaller integration_step "
            "or change forcing or x0."
        )
    return out


#: Points on the complex contour of Kassam & Trefethen's ETDRK4 coefficients.
KS_CONTOUR_POINTS = 32


def _etdrk4_coefficients(lin: np.ndarray, h: float):
    """ETDRK4 coefficients of Kassam & Trefethen (2005) for the diagonal
    linear operator ``lin``, by contour integrals (mean over points on a
    circle of radius 1 around every ``h * lin``), which avoids the
    cancellation of the closed forms near 0."""
    m = KS_CONTOUR_POINTS
    roots = np.exp(1j * np.pi * (np.arange(1, m + 1) - 0.5) / m)
    LR = h * lin[:, None] + roots[None, :]
    E = np.exp(h * lin)
    E2 = np.exp(h * lin / 2.0)
    Q = h * np.real(np.mean((np.exp(LR / 2.0) - 1.0) / LR, axis=1))
    f1 = h * np.real(
        np.mean((-4.0 - LR + np.exp(LR) * (4.0 - 3.0 * LR + LR**2)) / LR**3, axis=1)
    )
    f2 = h * np.real(np.mean((2.0 + LR + np.exp(LR) * (-2.0 + LR)) / LR**3, axis=1))
    f3 = h * np.real(
        np.mean((-4.0 - 3.0 * LR - LR**2 + np.exp(LR) * (4.0 - LR)) / LR**3, axis=1)
    )
    return E, E2, Q, f1, f2, f3


def kuramoto_sivashinsky(
    n_timesteps: int,
    *,
    length: float = 22.0,
    n_grid: int = 64,
    dt: float = 0.25,
    integration_step: float = 0.25,
    u0: ArrayLike | None = None,
    discard: float = 100.0,
    random_state: RandomStateLike = None,
) -> np.ndarray:
    r"""Kuramoto-Sivashinsky equation on a periodic domain, by ETDRK4.

    .. math::

        u_t = -u\, u_x - u_{xx} - u_{xxxx}, \qquad x \in [0, L)\ \text{periodic}

    solved pseudo-spectrally on ``n_grid`` equispaced points with the
    exponential time-differencing 4th-order Runge-Kutta scheme of Cox &
    Matthews (2002) in the form of Kassam & Trefethen (2005), whose
    coefficients are evaluated by contour integrals (``KS_CONTOUR_POINTS``
    points). The nonlinear term is computed in physical space; the Nyquist
    mode's derivative is zero. The spatial mean of ``u`` is conserved.
    ``length=22`` (the default) is weakly chaotic; Pathak et al. (2018) use
    ``length=200, n_grid=512``.

    Parameters
    ----------
    n_timesteps : int
        Number of samples (>= 1).
    length : float, default=22.0
        Domain length ``L`` (> 0).
    n_grid : int, default=64
        Number of grid points (even, >= 8).
    dt : float, default=0.25
        Time between samples (> 0); a whole multiple of ``integration_step``.
    integration_step : float, default=0.25
        ETDRK4 step ``h`` (> 0).
    u0 : array-like of shape (n_grid,), default=None
        Initial profile at time 0. None: ``cos(y) (1 + sin(y))`` with
        ``y = 2 pi x / L`` (Kassam & Trefethen's initial condition).
    discard : float, default=100.0
        Time units integrated and dropped before the first sample (>= 0); a
        whole multiple of ``integration_step``.
    random_state : int, RandomState, Generator or None, default=None
        If given, ``u0`` is perturbed by noise drawn uniformly from
        ``[-FLOW_PERTURBATION, FLOW_PERTURBATION]`` (0.1) per grid point.
        None: exactly ``u0``.

    Returns
    -------
    U : ndarray of shape (n_timesteps, n_grid)
        ``U[i, j]`` is ``u`` at time ``discard + i * dt`` and position
        ``j * L / n_grid``.

    Raises
    ------
    ValueError
        If an argument is out of range or not finite, ``n_grid`` is odd,
        ``dt`` or ``discard`` is not a whole multiple of
        ``integration_step``, ``u0`` has the wrong size, or the solution
        diverges.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Kassam, A.-K. and Trefethen, L. N. (2005). Fourth-order time-stepping for
    stiff PDEs. SIAM J. Sci. Comput. 26(4), 1214-1233.

    Cox, S. M. and Matthews, P. C. (2002). Exponential time differencing for
    stiff systems. J. Comput. Phys. 176(2), 430-455.

    Pathak, J., Hunt, B., Girvan, M., Lu, Z. and Ott, E. (2018). Model-free
    prediction of large spatiotemporally chaotic systems from data: a
    reservoir computing approach. Phys. Rev. Lett. 120, 024102.

    Examples
    --------
    >>> from reservoir.datasets import kuramoto_sivashinsky
    >>> U = kuramoto_sivashinsky(400)
    >>> U.shape
    (400, 64)
    >>> bool(abs(U.mean(axis=1)).max() < 1e-10)  # the mean of u0 (zero) is kept
    True
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    length = check_real(length, "length", low=0.0, low_inclusive=False)
    n_grid = check_int(n_grid, "n_grid", low=8)
    if n_grid % 2:
        raise ValueError(f"n_grid must be even (the FFT grid); got {n_grid}.")
    dt = check_real(dt, "dt", low=0.0, low_inclusive=False)
    h = check_real(integration_step, "integration_step", low=0.0, low_inclusive=False)
    discard = check_real(discard, "discard", low=0.0)
    per_sample = _grid_steps(dt, h, "dt", "integration_step")
    n_discard = _grid_steps(discard, h, "discard", "integration_step")
    if u0 is None:
        y = 2.0 * np.pi * np.arange(n_grid) / n_grid
        u0 = np.cos(y) * (1.0 + np.sin(y))
    state = _check_vector(u0, "u0", n_grid)
    if random_state is not None:
        state = _initial_state(state, n_grid, random_state)

    k = 2.0 * np.pi / length * np.arange(n_grid // 2 + 1)
    k[-1] = 0.0  # the Nyquist mode has no derivative
    lin = k**2 - k**4
    E, E2, Q, f1, f2, f3 = _etdrk4_coefficients(lin, h)
    g = -0.5j * k

    def nonlinear(v: np.ndarray) -> np.ndarray:
        return g * np.fft.rfft(np.fft.irfft(v, n_grid) ** 2)

    def step(v: np.ndarray) -> np.ndarray:
        Nv = nonlinear(v)
        a = E2 * v + Q * Nv
        Na = nonlinear(a)
        b = E2 * v + Q * Na
        Nb = nonlinear(b)
        c = E2 * a + Q * (2.0 * Nb - Nv)
        Nc = nonlinear(c)
        return E * v + Nv * f1 + 2.0 * (Na + Nb) * f2 + Nc * f3

    v = np.fft.rfft(state)
    out = np.empty((n_timesteps, n_grid))
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_discard):
            v = step(v)
        out[0] = np.fft.irfft(v, n_grid)
        for i in range(1, n_timesteps):
            for _ in range(per_sample):
                v = step(v)
            out[i] = np.fft.irfft(v, n_grid)
    if not np.all(np.isfinite(out)) or np.abs(out).max() > ESCAPE_RADIUS:
        raise ValueError(
            "kuramoto_sivashinsky: the solution diverged; use a smaller "
            "integration_step or a finer n_grid."
        )
    return out


#: Channel impulse response of the equalization task: ``q(n) = sum_k
#: CHANNEL_TAPS[k] * s(n + 2 - k)``, i.e. the coefficients of
#: ``s(n+2), s(n+1), ..., s(n-7)`` (Jaeger & Haas 2004).
CHANNEL_TAPS = (0.08, -0.12, 1.0, 0.18, -0.1, 0.091, -0.05, 0.04, 0.03, 0.01)
#: The four symbols sent through the channel.
CHANNEL_SYMBOLS = (-3.0, -1.0, 1.0, 3.0)


def channel_equalization(
    n_timesteps: int,
    *,
    snr_db: float | None = 24.0,
    random_state: RandomStateLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    r"""Nonlinear channel-equalization task (input ``u`` and target ``d``).

    I.i.d. symbols ``s(n)`` drawn uniformly from ``{-3, -1, 1, 3}`` pass
    through a linear channel with inter-symbol interference

    .. math::

        q(n) = 0.08 s(n+2) - 0.12 s(n+1) + s(n) + 0.18 s(n-1) - 0.1 s(n-2)
               + 0.091 s(n-3) - 0.05 s(n-4) + 0.04 s(n-5) + 0.03 s(n-6)
               + 0.01 s(n-7)

    and a memoryless nonlinearity with additive white Gaussian noise,

    .. math::

        u(n) = q(n) + 0.036\, q(n)^2 - 0.011\, q(n)^3 + \nu(n).

    The equalizer sees ``u`` and must output the symbol sent two steps
    earlier, ``d(n) = s(n-2)`` (Jaeger & Haas 2004, the setting of Paquot et
    al. 2012). The noise variance is the mean square of the noise-free
    ``u`` over the generated sequence divided by ``10 ** (snr_db / 10)``.

    Parameters
    ----------
    n_timesteps : int
        Number of steps (>= 1).
    snr_db : float or None, default=24.0
        Signal-to-noise ratio in decibels (finite); None for no noise.
    random_state : int, RandomState, Generator or None, default=None
        Seed of the symbols and the noise (None: fresh entropy).

    Returns
    -------
    u : ndarray of shape (n_timesteps, 1)
        Received signal.
    d : ndarray of shape (n_timesteps, 1)
        Target symbols, ``d[n] = s(n - 2)``.

    Raises
    ------
    ValueError
        If ``n_timesteps < 1`` or ``snr_db`` is not finite.
    TypeError
        If an argument has the wrong type.

    References
    ----------
    Jaeger, H. and Haas, H. (2004). Harnessing nonlinearity: predicting
    chaotic systems and saving energy in wireless communication. Science
    304(5667), 78-80.

    Paquot, Y., Duport, F., Smerieri, A., Dambre, J., Schrauwen, B.,
    Haelterman, M. and Massar, S. (2012). Optoelectronic reservoir
    computing. Scientific Reports 2, 287.

    Examples
    --------
    >>> from reservoir.datasets import channel_equalization
    >>> u, d = channel_equalization(1000, snr_db=28, random_state=0)
    >>> u.shape, d.shape
    ((1000, 1), (1000, 1))
    >>> sorted(set(d.ravel().tolist()))
    [-3.0, -1.0, 1.0, 3.0]
    """
    n_timesteps = check_int(n_timesteps, "n_timesteps", low=1)
    if snr_db is not None:
        snr_db = check_real(snr_db, "snr_db")
    rng = check_rng(random_state)
    n_taps = len(CHANNEL_TAPS)
    # s[j] is the symbol at time j - 7: times -7 .. n_timesteps + 1
    s = np.asarray(CHANNEL_SYMBOLS)[rng.randint(0, 4, size=n_timesteps + n_taps - 1)]
    q = np.zeros(n_timesteps)
    for k, tap in enumerate(CHANNEL_TAPS):
        # tap k multiplies s(n + 2 - k), stored at index n + 9 - k
        q += tap * s[n_taps - 1 - k : n_taps - 1 - k + n_timesteps]
    u = q + 0.036 * q**2 - 0.011 * q**3
    if snr_db is not None:
        noise_var = float(np.mean(u**2)) / 10.0 ** (snr_db / 10.0)
        u = u + math.sqrt(noise_var) * rng.standard_normal(n_timesteps)
    d = s[5 : 5 + n_timesteps]  # s(n - 2) sits at index n + 5
    return u.reshape(-1, 1), d.reshape(-1, 1).copy()
