"""Echo-state diagnostics: effective spectral radius and state contraction.

* :func:`effective_spectral_radius`: the spectral radius of the leaky
  update's linearisation at the origin, ``(1 - a) I + a W`` (one leak rate
  per unit: ``diag(1 - a) + W diag(a)`` in the row convention);
* :func:`echo_state_property`: an empirical check that the reservoir
  forgets its initial state: several initial states driven by the same
  input, their distance to the zero-state trajectory step by step, the
  steps until it fell below a tolerance and the contraction rate per step;
* ``washout_residual``, used by the estimators' ``fit`` to warn
  (:class:`~reservoir.exceptions.WashoutWarning`) when the washout is too
  short for the reservoir to forget its initial state.

A building block: works on weights and fitted runners, imports no estimator.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse
from sklearn.utils import Bunch, check_array

from ._threading import numba_threads
from ._validation import check_int, check_leak_rate, check_real, check_rng
from .exceptions import WashoutWarning
from .matrices import spectral_radius

__all__ = ["echo_state_property", "effective_spectral_radius"]

#: ``fit`` warns when the distance between the runs from the zero state and
#: from a random state, at the end of the washout, is above this fraction of
#: the distance they started from.
WASHOUT_TOLERANCE = 1e-2
#: Seed of the random initial state of the washout check (its own generator:
#: the check never draws from the estimator's ``random_state``).
WASHOUT_CHECK_SEED = 0


def effective_spectral_radius(W, leak_rate=1.0) -> float:
    """Spectral radius of the leaky update linearised at the origin.

    For ``x_t = (1 - a) x_(t-1) + a f(u_t W_in + x_(t-1) W + b)`` with
    ``f'(0) = 1`` (tanh, identity) the Jacobian at the zero state is
    ``(1 - a) I + a W`` for one leak rate, ``diag(1 - a) + W diag(a)`` (row
    convention) for one per unit. Below 1 the linearised reservoir forgets
    its initial state at that rate per step; the classic sufficient-in-practice
    echo-state condition for leaky units (Jaeger et al. 2007).

    Parameters
    ----------
    W : array-like or scipy.sparse array of shape (n_units, n_units)
        Recurrent weights (row convention: ``x @ W``).
    leak_rate : float or array-like of shape (n_units,), default=1.0
        Leak rate(s) in (0, 1].

    Returns
    -------
    radius : float
        Largest absolute eigenvalue of the linearised update.

    References
    ----------
    Jaeger, H., Lukosevicius, M., Popovici, D. and Siewert, U. (2007).
    Optimization and applications of echo state networks with
    leaky-integrator neurons. Neural Networks 20(3), 335-352.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import effective_spectral_radius, recurrent_matrix
    >>> W = recurrent_matrix(50, spectral_radius=0.9, topology="orthogonal",
    ...                      random_state=0)
    >>> round(effective_spectral_radius(W, 1.0), 6)
    0.9
    >>> bool(0.98 < effective_spectral_radius(W, 0.1) <= 0.99)  # slow units
    True
    """
    if scipy.sparse.issparse(W):
        W = W.toarray()
    W = check_array(W, dtype=np.float64, input_name="W")
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square; got shape {W.shape}.")
    leak = check_leak_rate(leak_rate, W.shape[0])
    jacobian = W * leak[None, :]
    jacobian[np.diag_indices_from(jacobian)] += 1.0 - leak
    return spectral_radius(jacobian)


def _runner(estimator):
    """The fitted runner of a reservoir estimator, and its input width."""
    runner = getattr(estimator, "reservoir_", None)
    if runner is None or not hasattr(runner, "run"):
        raise TypeError(
            f"estimator must be a fitted reservoir estimator (with a reservoir_ "
            f"attribute, such as ESNRegressor(...).fit(X, y) or "
            f"ReservoirTransformer(...).fit(X)); got {estimator!r}."
        )
    return runner, _input_width(runner)


def _input_width(runner) -> int:
    """Number of input features a runner (one, deep or bidirectional) takes."""
    if hasattr(runner, "W_in"):
        return runner.W_in.shape[0]
    if hasattr(runner, "layers"):
        return _input_width(runner.layers[0])
    return _input_width(runner.forward)


def _distances(runner, sequence: np.ndarray, x0: np.ndarray) -> np.ndarray:
    """Max-abs distance of each run to the first one, step by step (k-1, T)."""
    states = runner.run([sequence] * x0.shape[0], x0)
    reference = np.asarray(states[0], dtype=np.float64)
    return np.array(
        [
            np.max(np.abs(np.asarray(s, dtype=np.float64) - reference), axis=1)
            for s in states[1:]
        ]
    )


def echo_state_property(
    estimator,
    X,
    *,
    n_initial_states: int = 4,
    initial_scale: float = 1.0,
    tol: float = 1e-6,
    random_state=None,
) -> Bunch:
    """Check empirically that the reservoir forgets its initial state.

    Runs the fitted reservoir on ``X`` from the zero state and from
    ``n_initial_states`` random states (uniform on ``[-initial_scale,
    initial_scale]``) and follows the largest distance (max-abs over units)
    between any of them and the zero-state run. The echo-state property
    holds on this input when the distance shrinks to ``tol`` times its start.

    Parameters
    ----------
    estimator : fitted reservoir estimator
        Any estimator of this package after ``fit`` (its ``reservoir_`` is
        run, all layers and directions included).
    X : array-like of shape (n_timesteps, n_features)
        One input sequence of the features the reservoir sees (for
        :class:`~reservoir.ESNForecaster`: the fed-back, standardised
        series first, then the exogenous columns).
    n_initial_states : int, default=4
        Random initial states compared with the zero state (>= 1).
    initial_scale : float, default=1.0
        Half-width of their uniform distribution (> 0).
    tol : float, default=1e-6
        Relative distance counted as converged (in (0, 1)).
    random_state : int, RandomState instance or None, default=None
        Seed for the initial states.

    Returns
    -------
    result : Bunch
        ``converged`` (bool: the distance fell below ``tol`` times its
        start and stayed there until the end), ``steps`` (int or None: the
        first step from which it stays below), ``contraction_rate`` (float:
        geometric mean of the per-step ratio of distances up to ``steps``,
        or over the whole run; below 1 means contracting) and ``distance``
        (ndarray of shape (n_timesteps,), the largest distance after each
        step, relative to the initial one).

    See Also
    --------
    effective_spectral_radius : the linearised rate, from the weights alone.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ReservoirTransformer, echo_state_property
    >>> X = np.random.default_rng(0).uniform(-1, 1, (300, 1))
    >>> esn = ReservoirTransformer(50, spectral_radius=0.8, random_state=0).fit(X)
    >>> check = echo_state_property(esn, X, random_state=0)
    >>> bool(check.converged), bool(check.contraction_rate < 0.9)
    (True, True)
    """
    runner, n_inputs = _runner(estimator)
    sequence = check_array(X, dtype=np.float64, input_name="X")
    if sequence.shape[1] != n_inputs:
        raise ValueError(
            f"X has {sequence.shape[1]} features but the reservoir takes "
            f"{n_inputs}; pass the inputs the reservoir sees."
        )
    n_initial_states = check_int(n_initial_states, "n_initial_states", low=1)
    initial_scale = check_real(
        initial_scale, "initial_scale", low=0.0, low_inclusive=False
    )
    tol = check_real(
        tol, "tol", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    rng = check_rng(random_state)
    n_units = runner.n_units
    x0 = np.zeros((n_initial_states + 1, n_units))
    x0[1:] = rng.uniform(-initial_scale, initial_scale, (n_initial_states, n_units))
    start = float(np.max(np.abs(x0[1:])))
    with np.errstate(over="ignore", invalid="ignore"):
        distance = _distances(runner, sequence, x0).max(axis=0) / start
    above = np.flatnonzero(~(distance <= tol))
    if above.size == 0:
        steps = 1
    elif above[-1] + 1 < distance.size:
        steps = int(above[-1]) + 2
    else:
        steps = None
    upto = distance[: steps if steps is not None else distance.size]
    positive = upto[upto > 0]
    if positive.size and np.isfinite(positive[-1]):
        rate = float(positive[-1] ** (1.0 / positive.size))
    else:
        rate = 0.0 if upto.size and upto[-1] == 0 else float("nan")
    return Bunch(
        converged=steps is not None,
        steps=steps,
        contraction_rate=rate,
        distance=distance,
    )


def washout_residual(runner, sequence: np.ndarray, washout: int) -> float:
    """Distance left after ``washout`` steps between two initial states.

    Runs the first ``washout`` steps of ``sequence`` from the zero state and
    from a random state (uniform on [-1, 1], drawn from its own generator),
    and returns the max-abs distance at the end relative to the start. Costs
    two runs of ``washout`` steps; changes nothing in the caller.
    """
    rng = np.random.default_rng(WASHOUT_CHECK_SEED)
    x0 = np.zeros((2, runner.n_units), dtype=runner.dtype)
    x0[1] = rng.uniform(-1.0, 1.0, runner.n_units)
    prefix = np.ascontiguousarray(sequence[:washout])
    # both runs are one block of the batched kernel's lanes, which one thread
    # runs whole: a second would only spin afterwards, on the core that a
    # kernel running ahead in the harvest then needs (_Runner.runs_ahead)
    with np.errstate(over="ignore", invalid="ignore"), numba_threads(1):
        distance = _distances(runner, prefix, x0)[0, -1]
    return float(distance / np.max(np.abs(x0[1])))


def warn_if_not_washed_out(runner, sequence: np.ndarray, washout: int) -> None:
    """Issue a WashoutWarning when ``washout`` steps do not forget the start."""
    if washout <= 0:
        return
    residual = washout_residual(runner, sequence, washout)
    if not residual <= WASHOUT_TOLERANCE:
        warnings.warn(
            f"the reservoir has not forgotten its initial state after "
            f"washout={washout} steps: two runs from different initial states "
            f"still differ by {residual:.3g} of their initial distance (more "
            f"than {WASHOUT_TOLERANCE:g}), so the readout is trained on states "
            f"that depend on the arbitrary start. Increase washout, or lower "
            f"spectral_radius / raise leak_rate (see "
            f"reservoir.echo_state_property).",
            WashoutWarning,
            stacklevel=3,
        )
