"""Memory capacity and information-processing capacities of a reservoir.

Both measure what a linear readout of the states can reconstruct from an
i.i.d. input signal ``u_t`` drawn uniformly from [-1, 1]:

* :func:`memory_capacity` (Jaeger 2002): for every delay ``k`` the squared
  correlation between ``u_(t-k)`` and its ridge reconstruction from ``x_t``;
  their sum is bounded by the number of units.
* :func:`information_processing_capacity` (Dambre et al. 2012): the same
  for products of normalised Legendre polynomials of delayed inputs, one
  capacity per basis function, summed per total degree (degree 1 is the
  linear memory; the sum over all degrees is bounded by the number of
  units).

The protocol is the same for both: one input sequence of ``washout +
n_train + n_test`` steps runs through the reservoir from the zero state, the
first ``washout`` states are dropped, a ridge readout on ``[1, x_t]`` is
fitted to every target on the next ``n_train`` steps (one SVD of the
states for all targets) and the capacity is measured on the last ``n_test`` steps.

This module sits above the estimators: it builds the reservoir of any of
them through a :class:`~reservoir.ReservoirTransformer` with the same
hyperparameters.
"""

from __future__ import annotations

import itertools
import numbers

import numpy as np
import scipy.linalg
import scipy.special
import scipy.stats
from sklearn.utils import Bunch

from ._esn import ReservoirTransformer
from ._threading import blas_threads
from ._validation import check_int, check_real, check_rng
from .datasets import delayed_input

__all__ = ["information_processing_capacity", "memory_capacity"]

#: Probability that an unrelated target's capacity exceeds the significance
#: threshold of :func:`information_processing_capacity`.
INSIGNIFICANT_P = 1e-4


def _transformer(estimator) -> ReservoirTransformer:
    """A ReservoirTransformer with the reservoir hyperparameters of ``estimator``."""
    if isinstance(estimator, dict):
        params = dict(estimator)
    elif hasattr(estimator, "get_params"):
        params = estimator.get_params(deep=False)
    else:
        raise TypeError(
            f"estimator must be a reservoir estimator (such as ESNRegressor) or "
            f"a dict of ReservoirTransformer parameters; got {estimator!r}."
        )
    known = ReservoirTransformer().get_params(deep=False)
    if isinstance(estimator, dict):
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ValueError(
                f"unknown reservoir parameters {unknown}; use parameters of "
                f"ReservoirTransformer ({', '.join(sorted(known))})."
            )
    chosen = {k: v for k, v in params.items() if k in known}
    chosen["include_input"] = False
    chosen.setdefault("dtype", "float64")
    return ReservoirTransformer(**chosen)


def _check_protocol(n_train, n_test, washout):
    n_train = check_int(n_train, "n_train", low=2)
    n_test = check_int(n_test, "n_test", low=2)
    washout = check_int(washout, "washout", low=0)
    return n_train, n_test, washout


def _reservoir_states(estimator, u: np.ndarray) -> np.ndarray:
    """States ``(T, N)`` of the estimator's reservoir driven by ``u``."""
    transformer = _transformer(estimator)
    return np.asarray(transformer.fit(u).transform(u), dtype=np.float64)


def _squared_correlations(states, targets, n_train, alpha):
    """Squared test correlations of linear reconstructions of every target.

    ``states`` ``(n_train + n_test, N)`` and ``targets`` ``(n_train +
    n_test, n_targets)``; the readout on ``[1, x]`` is fitted on the first
    ``n_train`` rows and scored on the rest. One SVD of the standardised
    training states serves every target: least squares (singular values
    below ``numpy.linalg.lstsq``'s cutoff dropped) for ``alpha=0``, ridge
    with penalty ``alpha`` times the mean squared singular value otherwise.
    """
    train, test = states[:n_train], states[n_train:]
    mean = train.mean(axis=0)
    scale = train.std(axis=0)
    scale[scale == 0] = 1.0
    Z = (train - mean) / scale
    Zt = (test - mean) / scale
    Y = targets[:n_train]
    Yc = Y - Y.mean(axis=0)
    with blas_threads(1):
        U, s, Vt = scipy.linalg.svd(Z, full_matrices=False)
        cutoff = np.finfo(np.float64).eps * max(Z.shape) * (s[0] if s.size else 0.0)
        kept = s > cutoff
        if alpha > 0:
            factor = s / (s**2 + alpha * np.mean(s**2))
        else:
            factor = np.zeros_like(s)
            factor[kept] = 1.0 / s[kept]
        weights = Vt.T @ (factor[:, None] * (U.T @ Yc))
        predicted = Zt @ weights
    actual = targets[n_train:]
    pc = predicted - predicted.mean(axis=0)
    ac = actual - actual.mean(axis=0)
    numerator = np.sum(pc * ac, axis=0) ** 2
    denominator = np.sum(pc * pc, axis=0) * np.sum(ac * ac, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        r2 = np.where(denominator > 0, numerator / denominator, 0.0)
    return np.clip(r2, 0.0, 1.0)  # rounding can pass 1 by an ulp


def memory_capacity(
    estimator,
    *,
    max_delay: int = 200,
    n_train: int = 5000,
    n_test: int = 2000,
    washout: int | None = None,
    alpha: float = 0.0,
    random_state=None,
) -> Bunch:
    """Linear memory capacity of a reservoir (Jaeger 2002).

    The reservoir is driven by i.i.d. inputs ``u_t`` uniform on [-1, 1]; for
    every delay ``k = 1, ..., max_delay`` a ridge readout on ``[1, x_t]``
    is trained to output ``u_(t-k)`` on ``n_train`` steps after the washout,
    and its capacity is the squared correlation between the target and the
    reconstruction on the next ``n_test`` steps. The total is bounded by the
    number of units (reached by linear reservoirs with good memory; the
    delay-0 term, the current input, is left out as in Jaeger 2002).

    Parameters
    ----------
    estimator : estimator or dict
        The reservoir to measure: any reservoir estimator of this package
        (such as :class:`~reservoir.ESNRegressor`; fitted or not, only its
        hyperparameters are used, with one input feature) or a dict of
        :class:`~reservoir.ReservoirTransformer` parameters. Its
        ``random_state`` draws the weights.
    max_delay : int, default=200
        Largest delay measured (>= 1). Use about twice the number of units
        to see the whole curve.
    n_train : int, default=5000
        Steps the readouts are fitted on (>= 2; a few times the number of
        units keeps the finite-sample bias small).
    n_test : int, default=2000
        Held-out steps the capacities are measured on (>= 2).
    washout : int, default=None
        Steps dropped at the start (>= ``max_delay``, so that every target is
        a real input). None means ``max_delay``.
    alpha : float, default=0.0
        Ridge penalty of the readouts relative to the mean squared singular
        value of the standardised training states (>= 0). 0 is least squares
        (the minimum-norm solution, singular values below
        ``numpy.linalg.lstsq``'s cutoff dropped), the standard protocol.
    random_state : int, RandomState instance or None, default=None
        Seed for the input sequence.

    Returns
    -------
    result : Bunch
        ``delays`` (ndarray of shape (max_delay,), 1 to ``max_delay``),
        ``capacity`` (ndarray of shape (max_delay,), each in [0, 1]) and
        ``total`` (float, their sum).

    Raises
    ------
    ValueError
        If ``washout < max_delay`` or a size is out of range.

    See Also
    --------
    information_processing_capacity : nonlinear capacities as well.
    reservoir.datasets.delayed_input : the delayed-input task itself.

    References
    ----------
    Jaeger, H. (2002). Short term memory in echo state networks. GMD Report
    152, German National Research Center for Information Technology.

    Examples
    --------
    >>> from reservoir import ESNRegressor
    >>> from reservoir.capacity import memory_capacity
    >>> esn = ESNRegressor(20, topology="ring", activation="identity",
    ...                    spectral_radius=0.95, bias_scaling=0.0, random_state=0)
    >>> mc = memory_capacity(esn, max_delay=40, n_train=2000, n_test=1000,
    ...                      random_state=1)
    >>> mc.capacity.shape
    (40,)
    >>> bool(18 < mc.total <= 20)
    True
    """
    max_delay = check_int(max_delay, "max_delay", low=1)
    n_train, n_test, washout = _check_protocol(
        n_train, n_test, max_delay if washout is None else washout
    )
    if washout < max_delay:
        raise ValueError(
            f"washout={washout} is smaller than max_delay={max_delay}: the "
            f"first targets would be inputs from before the sequence. Use "
            f"washout >= max_delay (or leave washout=None)."
        )
    alpha = check_real(alpha, "alpha", low=0.0)
    rng = check_rng(random_state)
    delays = np.arange(1, max_delay + 1)
    u, targets = delayed_input(
        washout + n_train + n_test, delays=delays, random_state=rng
    )
    states = _reservoir_states(estimator, u)
    capacity = _squared_correlations(
        states[washout:], targets[washout:], n_train, alpha
    )
    return Bunch(delays=delays, capacity=capacity, total=float(capacity.sum()))


def _check_max_delay(max_delay, max_degree: int) -> dict:
    """Largest delay per degree: an int for all, or a dict degree -> int."""
    if isinstance(max_delay, numbers.Integral) and not isinstance(max_delay, bool):
        value = check_int(max_delay, "max_delay", low=0)
        return {d: value for d in range(1, max_degree + 1)}
    if isinstance(max_delay, dict):
        missing = [d for d in range(1, max_degree + 1) if d not in max_delay]
        if missing:
            raise ValueError(
                f"max_delay has no entry for degree(s) {missing}; give one "
                f"largest delay for every degree 1..{max_degree}."
            )
        return {
            d: check_int(max_delay[d], f"max_delay[{d}]", low=0)
            for d in range(1, max_degree + 1)
        }
    raise TypeError(
        f"max_delay must be an int or a dict {{degree: largest delay}}; "
        f"got {max_delay!r}."
    )


def _legendre_basis(max_degree: int, max_delay: dict) -> list[tuple]:
    """Every product of Legendre polynomials of delayed inputs, by degree.

    A basis function is a tuple of ``(delay, degree)`` pairs with increasing
    delays whose degrees sum to the total degree; delays go up to
    ``max_delay[total degree]``.
    """
    basis = []
    for total in range(1, max_degree + 1):
        delays = range(max_delay[total] + 1)
        for parts in _partitions(total):
            for chosen in itertools.combinations(delays, len(parts)):
                # every distinct assignment of the degrees to the delays
                for order in sorted(set(itertools.permutations(parts))):
                    basis.append(tuple(zip(chosen, order, strict=True)))
    return basis


def _partitions(total: int) -> list[tuple]:
    """Integer partitions of ``total`` (largest part first)."""
    if total == 0:
        return [()]
    result = []

    def extend(rest, largest, prefix):
        if rest == 0:
            result.append(tuple(prefix))
            return
        for part in range(min(rest, largest), 0, -1):
            extend(rest - part, part, [*prefix, part])

    extend(total, total, [])
    return result


def _basis_values(u: np.ndarray, basis: list[tuple]) -> np.ndarray:
    """Values ``(T, n_basis)`` of the basis functions on inputs ``u`` (T,).

    Each factor is the Legendre polynomial ``sqrt(2d + 1) P_d`` of the input
    ``k`` steps back (unit variance for ``u`` uniform on [-1, 1]); steps
    before the start of ``u`` count as 0.
    """
    T = u.shape[0]
    longest = max((k for b in basis for k, _ in b), default=0)
    degrees = {d for b in basis for _, d in b}
    padded = np.concatenate([np.zeros(longest), u])
    polys = {
        d: np.sqrt(2 * d + 1) * scipy.special.eval_legendre(d, padded) for d in degrees
    }
    out = np.empty((T, len(basis)))
    for j, function in enumerate(basis):
        column = np.ones(T)
        for k, d in function:
            column = column * polys[d][longest - k : longest - k + T]
        out[:, j] = column
    return out


def information_processing_capacity(
    estimator,
    *,
    max_degree: int = 3,
    max_delay=None,
    n_train: int = 10000,
    n_test: int = 5000,
    washout: int = 200,
    alpha: float = 0.0,
    p_value: float = INSIGNIFICANT_P,
    random_state=None,
) -> Bunch:
    """Information-processing capacities up to a degree (Dambre et al. 2012).

    The reservoir is driven by i.i.d. inputs ``u_t`` uniform on [-1, 1].
    Every basis function is a product of normalised Legendre polynomials
    ``sqrt(2d + 1) P_d(u_(t-k))`` of inputs at distinct delays ``k >= 0``
    (orthonormal under that input); its capacity is the squared correlation
    between it and its ridge reconstruction from ``[1, x_t]`` on held-out
    steps. Degree 1 is the linear memory (with delay 0); the sum over all
    degrees is at most the number of units.

    A finite test set gives every unrelated target a small positive
    capacity (about ``1 / n_test``); capacities below the threshold
    ``chi2.isf(p_value, 1) / n_test`` (the ``1 - p_value`` quantile of the
    squared correlation of an independent target) are set to 0, as Dambre
    et al. do with their chi-squared test. The threshold is returned.

    Parameters
    ----------
    estimator : estimator or dict
        As for :func:`memory_capacity`.
    max_degree : int, default=3
        Largest total degree (1 to 3).
    max_delay : int or dict, default=None
        Largest delay of the basis functions, one for every degree or a dict
        ``{degree: largest delay}``. None means ``{1: 2 N, 2: 30, 3: 12}``
        (capped at ``washout``) for a reservoir of ``N`` units.
    n_train : int, default=10000
        Steps the readouts are fitted on.
    n_test : int, default=5000
        Held-out steps the capacities are measured on.
    washout : int, default=200
        Steps dropped at the start (>= every largest delay).
    alpha : float, default=0.0
        Ridge penalty, as for :func:`memory_capacity` (0: least squares).
    p_value : float in (0, 1), default=1e-4
        Significance level of the threshold.
    random_state : int, RandomState instance or None, default=None
        Seed for the input sequence.

    Returns
    -------
    result : Bunch
        ``basis`` (list of tuples of ``(delay, degree)`` pairs),
        ``degree`` (ndarray, total degree of each basis function),
        ``capacity`` (ndarray, each in [0, 1], thresholded),
        ``by_degree`` (dict degree -> summed capacity), ``total`` (float)
        and ``threshold`` (float).

    See Also
    --------
    memory_capacity : the linear memory alone (delays from 1).

    References
    ----------
    Dambre, J., Verstraeten, D., Schrauwen, B. and Massar, S. (2012).
    Information processing capacity of dynamical systems. Scientific Reports
    2, 514.

    Examples
    --------
    >>> from reservoir import ESNRegressor
    >>> from reservoir.capacity import information_processing_capacity
    >>> esn = ESNRegressor(20, spectral_radius=0.9, input_scaling=0.5,
    ...                    bias_scaling=0.0, random_state=0)
    >>> ipc = information_processing_capacity(
    ...     esn, max_delay={1: 30, 2: 8, 3: 5}, n_train=3000, n_test=2000,
    ...     washout=50, random_state=1)
    >>> sorted(ipc.by_degree)
    [1, 2, 3]
    >>> bool(ipc.total <= 20.5)
    True
    """
    max_degree = check_int(max_degree, "max_degree", low=1)
    if max_degree > 3:
        raise ValueError(
            f"max_degree must be 1, 2 or 3 (the number of basis functions "
            f"grows as max_delay ** degree); got {max_degree}."
        )
    n_train, n_test, washout = _check_protocol(n_train, n_test, washout)
    alpha = check_real(alpha, "alpha", low=0.0)
    p_value = check_real(
        p_value, "p_value", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
    )
    transformer = _transformer(estimator)
    if max_delay is None:
        n_units = _total_units(transformer)
        max_delay = {1: 2 * n_units, 2: 30, 3: 12}
        max_delay = {d: min(v, washout) for d, v in max_delay.items()}
    delays = _check_max_delay(max_delay, max_degree)
    longest = max(delays.values())
    if washout < longest:
        raise ValueError(
            f"washout={washout} is smaller than the largest delay {longest}; "
            f"use washout >= {longest} or smaller delays."
        )
    rng = check_rng(random_state)
    u = rng.uniform(-1.0, 1.0, washout + n_train + n_test)
    basis = _legendre_basis(max_degree, delays)
    targets = _basis_values(u, basis)
    states = np.asarray(
        transformer.fit(u[:, None]).transform(u[:, None]), dtype=np.float64
    )
    raw = _squared_correlations(states[washout:], targets[washout:], n_train, alpha)
    threshold = float(scipy.stats.chi2.isf(p_value, 1) / n_test)
    capacity = np.where(raw >= threshold, raw, 0.0)
    degree = np.array([sum(d for _, d in b) for b in basis])
    by_degree = {
        d: float(capacity[degree == d].sum()) for d in range(1, max_degree + 1)
    }
    return Bunch(
        basis=basis,
        degree=degree,
        capacity=capacity,
        by_degree=by_degree,
        total=float(capacity.sum()),
        threshold=threshold,
    )


def _total_units(transformer: ReservoirTransformer) -> int:
    """Number of state units of the transformer's reservoir."""
    probe = transformer.fit(np.zeros((2, 1)))
    return int(probe.reservoir_.n_units)
