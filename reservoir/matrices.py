"""Builders for reservoir, input and bias weights, and the spectral radius.

Row-vector convention throughout: a state ``x`` is a row and one step computes
``u @ W_in + x @ W + b``, so ``W`` is ``(n_units, n_units)`` and ``W_in`` is
``(n_features, n_units)``.
"""

from __future__ import annotations

import contextlib
import functools
import math
import warnings

import numpy as np
import scipy.linalg
import scipy.sparse
import scipy.sparse.linalg

from ._threading import blas_threads
from ._validation import (
    DISTRIBUTIONS,
    TOPOLOGIES,
    as_float_array,
    check_int,
    check_option,
    check_real,
    check_rng,
    check_scale,
)

__all__ = ["bias_vector", "input_matrix", "recurrent_matrix", "spectral_radius"]

#: Sparse matrices up to this size get exact (LAPACK) eigenvalues; larger ones
#: ARPACK (dense matrices always get LAPACK).
EXACT_EIGENVALUES_MAX_UNITS = 500
#: Below this density ``recurrent_matrix`` returns CSR by default (see the
#: harvesting benchmark: the CSR kernel beats the dense one below it).
SPARSE_DENSITY_THRESHOLD = 0.4
#: Largest magnitudes of a matrix's entries whose eigenvalues are computed
#: as they are; outside this range the matrix is first scaled by a power of
#: two (LAPACK's own rescaling beyond about 1e138 gave wrong radii).
SAFE_MAGNITUDE = (1e-100, 1e100)
#: Draws of a random matrix before giving up on one with a non-zero spectral
#: radius (only very sparse, small matrices ever need more than one).
MAX_REDRAWS = 100


def _draw(rng: np.random.RandomState, distribution: str, size: int) -> np.ndarray:
    """Draw ``size`` weights from a named, zero-centred distribution."""
    if distribution == "normal":
        return rng.standard_normal(size)
    if distribution == "uniform":
        return rng.uniform(-1.0, 1.0, size)
    return np.where(rng.random_sample(size) < 0.5, -1.0, 1.0)


def _sample_positions(
    rng: np.random.RandomState, n_total: int, n_pick: int
) -> np.ndarray:
    """``n_pick`` distinct integers in ``[0, n_total)``, sorted, reproducibly."""
    if n_pick * 4 >= n_total:
        return np.sort(rng.permutation(n_total)[:n_pick])
    picked = np.empty(0, dtype=np.int64)
    while picked.size < n_pick:
        draws = rng.randint(0, n_total, size=int((n_pick - picked.size) * 1.1) + 16)
        merged = np.concatenate([picked, draws])
        _, first = np.unique(merged, return_index=True)
        picked = merged[np.sort(first)][:n_pick]
    return np.sort(picked)


def _random_sparse(
    rng, n_rows, n_cols, density, distribution
) -> scipy.sparse.csr_array:
    n_nonzero = max(1, round(density * n_rows * n_cols))
    flat = _sample_positions(rng, n_rows * n_cols, n_nonzero)
    rows, cols = np.divmod(flat, n_cols)
    values = _draw(rng, distribution, n_nonzero)
    return scipy.sparse.csr_array((values, (rows, cols)), shape=(n_rows, n_cols))


def spectral_radius(matrix) -> float:
    """Largest absolute eigenvalue of a square matrix, dense or sparse.

    Matrices with at most ``EXACT_EIGENVALUES_MAX_UNITS`` rows (and dense ones
    of any size that ARPACK cannot handle) get exact LAPACK eigenvalues; larger
    sparse matrices use ARPACK (implicitly restarted Arnoldi) with a fixed
    starting vector, so the result is reproducible, and fall back to LAPACK
    when ARPACK does not converge.

    Parameters
    ----------
    matrix : array-like or scipy.sparse array of shape (n, n)
        A square matrix of real or complex numbers.

    Returns
    -------
    radius : float
        ``max(abs(eigenvalues(matrix)))``.

    Raises
    ------
    ValueError
        If ``matrix`` is not square, is empty or holds non-finite values.
    TypeError
        If ``matrix`` holds values that are not numbers (such as strings).

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import spectral_radius
    >>> spectral_radius(np.array([[0.0, 2.0], [0.5, 0.0]]))
    1.0
    >>> spectral_radius(np.array([[0, 2j], [0.5j, 0]]))
    1.0
    """
    is_sparse = scipy.sparse.issparse(matrix)
    if is_sparse:
        if matrix.dtype.kind not in "biufc":
            raise TypeError(
                f"matrix must hold numbers; got a sparse matrix of dtype "
                f"{matrix.dtype}. Convert it to float first."
            )
        # double precision, as for dense input (LAPACK's single-precision
        # driver clamped radii near 1e12)
        wanted = np.complex128 if matrix.dtype.kind == "c" else np.float64
        if matrix.dtype != wanted:
            matrix = scipy.sparse.csr_array(matrix, dtype=wanted)
    else:
        matrix = as_float_array(matrix, "matrix", allow_complex=True)
    shape = matrix.shape
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] == 0:
        raise ValueError(
            f"matrix must be a non-empty square 2-D matrix; got shape {shape}."
        )
    values = matrix.data if is_sparse else matrix
    if not np.all(np.isfinite(values)):
        raise ValueError("matrix contains NaN or infinite values.")
    peak = float(np.max(np.abs(values))) if values.size else 0.0
    if peak == 0.0:
        return 0.0
    if SAFE_MAGNITUDE[0] <= peak <= SAFE_MAGNITUDE[1]:
        return _eigen_radius(matrix, is_sparse)
    # LAPACK's eigenvalue driver rescales matrices whose norm lies outside
    # about [6.7e-139, 1.5e138], and the radius came back wrong there (1e200
    # gave 1.5e138): compute it on the matrix scaled by a power of two (exact)
    exponent = math.frexp(peak)[1]
    radius = _eigen_radius(_times_power_of_two(matrix, -exponent), is_sparse)
    with np.errstate(over="ignore"):
        radius = float(_times_power_of_two(radius, exponent))
    if not np.isfinite(radius):
        warnings.warn(
            f"the spectral radius of this matrix (entries up to {peak:.3g}) "
            f"exceeds the largest float64 ({np.finfo(np.float64).max:.3g}); "
            f"returning inf. Scale the matrix down first.",
            RuntimeWarning,
            stacklevel=2,
        )
    return radius


def _times_power_of_two(value, exponent: int):
    """``value * 2**exponent`` in two exact steps (each factor is a float)."""
    half = exponent // 2
    return value * 2.0**half * 2.0 ** (exponent - half)


def _eigen_radius(matrix, is_sparse: bool) -> float:
    """Largest absolute eigenvalue: LAPACK, or ARPACK for large sparse ones."""
    n = matrix.shape[0]
    if n <= EXACT_EIGENVALUES_MAX_UNITS or not is_sparse:
        dense = matrix.toarray() if is_sparse else matrix
        # small dense LAPACK work: one BLAS thread (faster, and the same bits
        # whatever the machine's default)
        with (
            blas_threads(1)
            if n <= EXACT_EIGENVALUES_MAX_UNITS
            else contextlib.nullcontext()
        ):
            return float(np.max(np.abs(scipy.linalg.eigvals(dense))))
    csr = scipy.sparse.csr_array(
        matrix, dtype=np.complex128 if matrix.dtype.kind == "c" else np.float64
    )
    start = np.random.default_rng(0).standard_normal(n)
    try:
        eigenvalues = scipy.sparse.linalg.eigs(
            csr,
            k=6,
            which="LM",
            v0=start,
            tol=1e-13,
            ncv=min(n, 64),
            maxiter=n * 50,
            return_eigenvectors=False,
        )
        return float(np.max(np.abs(eigenvalues)))
    except scipy.sparse.linalg.ArpackNoConvergence:
        return float(np.max(np.abs(scipy.linalg.eigvals(csr.toarray()))))


_spectral_radius = spectral_radius


#: Weights of the structured topologies when not given (before scaling to the
#: spectral radius): Rodan & Tino's cycle with jumps uses jumps much weaker
#: than the cycle (equal weights make most eigenvalues small, and the memory
#: of a linear reservoir collapses), the delay line with feedback a weak
#: backward connection.
DEFAULT_TOPOLOGY_WEIGHTS = {
    "cycle_weight": 1.0,
    "jump_weight": 0.05,
    "forward_weight": 1.0,
    "feedback_weight": 0.1,
}
#: Which topology uses which weight parameter.
TOPOLOGY_WEIGHTS = {
    "cycle_jumps": ("cycle_weight", "jump_weight"),
    "delay_line_feedback": ("forward_weight", "feedback_weight"),
}
#: Keys a ``topology_params`` dict of the estimators may hold.
TOPOLOGY_PARAMS = (
    "jump_size",
    "cycle_weight",
    "jump_weight",
    "forward_weight",
    "feedback_weight",
    "input_signs",
)
#: Sign patterns of the input weights (``input_signs``): Rodan & Tino's
#: digits of pi, or random signs.
INPUT_SIGNS = ("pi", "random")


def _structured(rng, n_units, topology, distribution, jump_size, weights):
    """Ring, delay lines, cycle with jumps or orthogonal weights (unscaled)."""
    idx = np.arange(n_units)
    if topology == "orthogonal":
        q, r = np.linalg.qr(rng.standard_normal((n_units, n_units)))
        return q * np.sign(np.diag(r))
    if topology == "delay_line_feedback":
        # forward chain i -> i+1 and feedback i+1 -> i (Rodan & Tino's DLRB)
        rows = np.concatenate([idx[:-1], idx[1:]])
        cols = np.concatenate([idx[1:], idx[:-1]])
        values = np.concatenate(
            [
                np.full(n_units - 1, weights["forward_weight"]),
                np.full(n_units - 1, weights["feedback_weight"]),
            ]
        )
        return scipy.sparse.csr_array((values, (rows, cols)), shape=(n_units, n_units))
    if topology == "delay_line":
        rows, cols = idx[:-1], idx[1:]
    else:
        rows, cols = idx, (idx + 1) % n_units
    if topology == "cycle_jumps":
        starts = np.arange(0, n_units - jump_size, jump_size)
        if starts.size == 0:
            raise ValueError(
                f"jump_size={jump_size} leaves no jump in a cycle of {n_units} "
                f"units; use a jump_size smaller than n_units ({n_units})."
            )
        ends = starts + jump_size
        # Rodan & Tino (2012): one weight on every cycle connection, one on
        # every (bidirectional) jump
        jumps = np.full(2 * starts.size, weights["jump_weight"])
        rows = np.concatenate([rows, starts, ends])
        cols = np.concatenate([cols, ends, starts])
        values = np.concatenate([np.full(n_units, weights["cycle_weight"]), jumps])
    else:
        values = _draw(rng, distribution, rows.size)
    return scipy.sparse.csr_array((values, (rows, cols)), shape=(n_units, n_units))


def split_topology_params(topology_params) -> tuple[dict, str | None]:
    """Check an estimator's ``topology_params``; split it for the builders.

    Returns the keyword arguments for :func:`recurrent_matrix` and the input
    weight distribution (``'pi_signs'``, ``'bernoulli'`` for random signs, or
    None for the estimator's default).
    """
    if topology_params is None:
        return {}, None
    if not isinstance(topology_params, dict):
        raise TypeError(
            f"topology_params must be a dict (keys among {', '.join(TOPOLOGY_PARAMS)}) "
            f"or None; got {topology_params!r}."
        )
    unknown = sorted(set(topology_params) - set(TOPOLOGY_PARAMS))
    if unknown:
        raise ValueError(
            f"topology_params has unknown keys {unknown}; the keys are "
            f"{', '.join(TOPOLOGY_PARAMS)}."
        )
    recurrent = {k: v for k, v in topology_params.items() if k != "input_signs"}
    signs = topology_params.get("input_signs")
    if signs is None:
        return recurrent, None
    check_option(signs, "topology_params['input_signs']", INPUT_SIGNS)
    return recurrent, "pi_signs" if signs == "pi" else "bernoulli"


def _topology_weights(topology: str, given: dict) -> dict:
    """The weights a structured topology uses (defaults filled in), checked."""
    used = TOPOLOGY_WEIGHTS.get(topology, ())
    for name, value in given.items():
        if value is not None and name not in used:
            owners = [t for t, names in TOPOLOGY_WEIGHTS.items() if name in names]
            raise ValueError(
                f"{name} applies only to topology={owners[0]!r}; "
                f"topology={topology!r} does not use it. Leave {name}=None."
            )
    weights = {}
    for name in used:
        value = given[name]
        value = DEFAULT_TOPOLOGY_WEIGHTS[name] if value is None else value
        weights[name] = check_real(value, name)
    if topology == "cycle_jumps" and weights["cycle_weight"] == 0:
        raise ValueError(
            "cycle_weight must be non-zero (the cycle carries the memory of a "
            "cycle reservoir); got 0."
        )
    if topology == "delay_line_feedback" and 0.0 in weights.values():
        raise ValueError(
            f"forward_weight and feedback_weight must be non-zero for "
            f"topology='delay_line_feedback' (got {weights}); use "
            f"topology='delay_line' for a chain without feedback."
        )
    return weights


def recurrent_matrix(
    n_units: int,
    *,
    spectral_radius: float | None = 0.9,
    density: float | None = None,
    distribution: str = "normal",
    topology: str = "random",
    jump_size: int = 2,
    cycle_weight: float | None = None,
    jump_weight: float | None = None,
    forward_weight: float | None = None,
    feedback_weight: float | None = None,
    sparse: bool | None = None,
    random_state=None,
):
    """Build a recurrent weight matrix scaled to a given spectral radius.

    Parameters
    ----------
    n_units : int
        Number of reservoir units ``N``; the matrix is ``(N, N)``.
    spectral_radius : float or None, default=0.9
        Largest absolute eigenvalue of the result, hit to 1e-6 relative. Must
        be >= 0. For ``topology='delay_line'`` (a nilpotent matrix, whose
        spectral radius is always 0) it is the largest singular value instead,
        i.e. the largest connection weight. None keeps the weights as built
        (for example Rodan & Tino's cycle and jump weights as given).
    density : float in (0, 1], default=None
        Fraction of non-zero weights, for ``topology='random'`` only (None
        means 0.1). The structured topologies fix their own connections, so a
        density given with them raises a ValueError.
    distribution : {'normal', 'uniform', 'bernoulli'}, default='normal'
        Distribution of the non-zero weights before scaling: standard normal,
        uniform on [-1, 1], or +-1 with equal probability.
    topology : {'random', 'ring', 'delay_line', 'delay_line_feedback', \
'cycle_jumps', 'orthogonal'}
        ``'random'``: Erdos-Renyi connections with ``density``. ``'ring'``:
        a simple cycle (unit i feeds unit i+1, the last feeds the first).
        ``'delay_line'``: a chain without the closing connection.
        ``'delay_line_feedback'``: a chain with ``forward_weight`` from unit
        i to i+1 and ``feedback_weight`` back from i+1 to i (Rodan & Tino
        2011). ``'cycle_jumps'``: a ring with ``cycle_weight`` on every
        connection plus bidirectional jumps of ``jump_weight`` between units
        0, ``jump_size``, 2 ``jump_size``, ... (Rodan & Tino 2012).
        ``'orthogonal'``: a random orthogonal matrix (dense; every eigenvalue
        has modulus ``spectral_radius``). The deterministic topologies
        ``'delay_line_feedback'`` and ``'cycle_jumps'`` ignore
        ``distribution`` and ``random_state``.
    jump_size : int, default=2
        Jump length for ``topology='cycle_jumps'``; ignored by the others.
    cycle_weight, jump_weight : float, default=None
        Weights of the cycle and of the jumps for ``topology='cycle_jumps'``
        before the matrix is scaled to ``spectral_radius`` (so with a radius
        only their ratio matters). None means 1.0 and 0.05
        (``DEFAULT_TOPOLOGY_WEIGHTS``). Must stay None for other topologies.
    forward_weight, feedback_weight : float, default=None
        Weights of the forward chain and of the feedback connections for
        ``topology='delay_line_feedback'``, before scaling (None: 1.0 and
        0.1). Must stay None for other topologies.
    sparse : bool, default=None
        Return a ``scipy.sparse.csr_array`` (True) or a dense ndarray (False).
        None chooses CSR when the fraction of non-zeros is below
        ``SPARSE_DENSITY_THRESHOLD`` (measured in ``benchmarks/``).
    random_state : int, RandomState instance or None, default=None
        Seed or generator for the weights.

    Returns
    -------
    W : ndarray or scipy.sparse.csr_array of shape (n_units, n_units)
        float64 weights; state ``x`` (a row) maps to ``x @ W``.

    Raises
    ------
    ValueError
        On a negative spectral radius, a density outside (0, 1], an unknown
        distribution or topology, or a density so low that ``MAX_REDRAWS``
        random draws all have spectral radius 0 (a draw that happens to be
        nilpotent is redrawn with the same number of connections).

    References
    ----------
    Rodan, A. and Tino, P. (2011). Minimum complexity echo state network.
    IEEE Trans. Neural Networks 22(1), 131-144.

    Rodan, A. and Tino, P. (2012). Simple deterministically constructed cycle
    reservoirs with regular jumps. Neural Computation 24(7), 1822-1852.

    Examples
    --------
    >>> from reservoir import recurrent_matrix, spectral_radius
    >>> W = recurrent_matrix(200, spectral_radius=0.95, density=0.05, random_state=0)
    >>> W.shape, W.format
    ((200, 200), 'csr')
    >>> round(spectral_radius(W), 6)
    0.95
    >>> ring = recurrent_matrix(5, spectral_radius=0.5, topology="ring",
    ...                         distribution="bernoulli", random_state=0)
    >>> float(abs(ring.toarray()).max())
    0.5
    >>> crj = recurrent_matrix(6, spectral_radius=None, topology="cycle_jumps",
    ...                        jump_size=3, cycle_weight=0.8, jump_weight=0.2)
    >>> crj.toarray()[0].tolist()
    [0.0, 0.8, 0.0, 0.2, 0.0, 0.0]
    """
    n_units = check_int(n_units, "n_units", low=1)
    radius = (
        None
        if spectral_radius is None
        else check_real(spectral_radius, "spectral_radius", low=0.0)
    )
    weights = _topology_weights(
        topology if isinstance(topology, str) else "",
        {
            "cycle_weight": cycle_weight,
            "jump_weight": jump_weight,
            "forward_weight": forward_weight,
            "feedback_weight": feedback_weight,
        },
    )
    check_option(distribution, "distribution", DISTRIBUTIONS)
    check_option(topology, "topology", TOPOLOGIES)
    if topology == "random":
        density = 0.1 if density is None else density
        density = check_real(density, "density", low=0.0, low_inclusive=False, high=1.0)
    elif density is not None:
        raise ValueError(
            f"density applies only to topology='random'; topology={topology!r} "
            f"fixes its own connections. Leave density=None."
        )
    if topology == "cycle_jumps":
        jump_size = check_int(jump_size, "jump_size", low=2)
    smallest = {"delay_line": 2, "delay_line_feedback": 2, "cycle_jumps": 3}.get(
        topology, 1
    )
    if n_units < smallest:
        raise ValueError(
            f"topology={topology!r} needs n_units >= {smallest} (with "
            f"n_units={n_units} it has no "
            f"{'jump' if topology == 'cycle_jumps' else 'connection'}); use "
            f"n_units >= {smallest} or topology='ring'."
        )
    if sparse is not None and not isinstance(sparse, bool | np.bool_):
        raise TypeError(f"sparse must be True, False or None; got {sparse!r}.")
    rng = check_rng(random_state)

    if topology == "random":
        # a draw with very few connections can be nilpotent (no cycle, spectral
        # radius 0): draw the same number of connections again
        for _ in range(MAX_REDRAWS):
            W = _random_sparse(rng, n_units, n_units, density, distribution)
            current = _spectral_radius(W)
            if current > 1e-12 * float(np.max(np.abs(W.data))) or not radius:
                break
        else:
            raise ValueError(
                f"{MAX_REDRAWS} random matrices with n_units={n_units} and "
                f"density={density} all had spectral radius 0 (too few connections "
                f"to form a cycle), so none can be scaled to spectral_radius="
                f"{radius}; increase density or n_units."
            )
    else:
        W = _structured(rng, n_units, topology, distribution, jump_size, weights)
        if topology == "delay_line":
            current = float(np.max(np.abs(W.data)))
        elif topology == "ring":
            # the eigenvalues of a weighted cycle are the n-th roots of the
            # product of its weights: all have modulus geometric-mean(|w|)
            current = float(np.exp(np.mean(np.log(np.abs(W.data)))))
        elif topology == "orthogonal":
            current = 1.0
        elif topology == "delay_line_feedback":
            # tridiagonal Toeplitz: eigenvalues 2 sqrt(f b) cos(k pi / (N + 1))
            product = abs(weights["forward_weight"] * weights["feedback_weight"])
            current = 2.0 * math.sqrt(product) * math.cos(math.pi / (n_units + 1))
        else:
            current = _spectral_radius(W)
    unscaled = W.data if scipy.sparse.issparse(W) else W
    with np.errstate(over="ignore"):
        if radius is not None:  # None keeps the weights as built
            W = W * (radius / current) if radius > 0 else W * 0.0
    if not np.all(np.isfinite(W.data if scipy.sparse.issparse(W) else W)):
        limit = np.finfo(np.float64).max / np.max(np.abs(unscaled)) * current
        raise ValueError(
            f"spectral_radius={radius!r} makes the largest weights overflow "
            f"float64; use a spectral radius below {limit:.3g}."
        )

    fraction = (W.nnz if scipy.sparse.issparse(W) else np.count_nonzero(W)) / n_units**2
    want_sparse = (
        fraction < SPARSE_DENSITY_THRESHOLD if sparse is None else bool(sparse)
    )
    if want_sparse:
        return scipy.sparse.csr_array(W)
    return W.toarray() if scipy.sparse.issparse(W) else np.ascontiguousarray(W)


def _arctan_inverse(x: int, scale: int) -> int:
    """``arctan(1 / x) * scale`` in integer arithmetic (Taylor series)."""
    power = scale // x
    total, n, sign = power, 1, 1
    x2 = x * x
    while power:
        power //= x2
        n += 2
        sign = -sign
        total += sign * (power // n)
    return total


@functools.lru_cache(maxsize=8)
def pi_digits(n_digits: int) -> np.ndarray:
    """The first ``n_digits`` decimal digits of pi (3, 1, 4, 1, 5, ...).

    Machin's formula ``pi = 16 arctan(1/5) - 4 arctan(1/239)`` in exact
    integer arithmetic with ten guard digits.
    """
    scale = 10 ** (n_digits + 10)
    value = 16 * _arctan_inverse(5, scale) - 4 * _arctan_inverse(239, scale)
    value //= 10 ** (10 + 1)  # drop the guard digits: n_digits digits left
    # Python refuses to print integers of more than 4300 digits: convert in
    # blocks of 1000 (most significant block first)
    block = 10**1000
    parts = []
    while value:
        value, low = divmod(value, block)
        parts.append(low)
    text = "".join(
        str(part) if k == len(parts) - 1 else str(part).zfill(1000)
        for k, part in reversed(list(enumerate(parts)))
    )
    return np.frombuffer(text.encode(), dtype=np.uint8) - ord("0")


def input_matrix(
    n_features: int,
    n_units: int,
    *,
    input_scaling=1.0,
    density: float = 1.0,
    distribution: str = "uniform",
    random_state=None,
) -> np.ndarray:
    """Build the input weight matrix ``W_in``.

    Parameters
    ----------
    n_features : int
        Number of input features ``D``.
    n_units : int
        Number of reservoir units ``N``.
    input_scaling : float or array-like of shape (n_features,), default=1.0
        Scale of the weights, one value for all features or one per feature
        (row ``d`` of ``W_in`` is multiplied by ``input_scaling[d]``).
    density : float in (0, 1], default=1.0
        Fraction of non-zero input weights.
    distribution : {'uniform', 'normal', 'bernoulli', 'pi_signs'}, \
default='uniform'
        Distribution of the non-zero weights before scaling. ``'pi_signs'``
        is Rodan & Tino's deterministic sign pattern (minimum-complexity
        ESN): every weight has magnitude 1 and the sign of the ``k``-th
        weight (row by row) is ``-`` when the ``k``-th decimal digit of pi
        (3, 1, 4, 1, 5, ...) is 0-4 and ``+`` when it is 5-9.
    random_state : int, RandomState instance or None, default=None
        Seed or generator (only the positions of a sparse ``'pi_signs'``
        matrix are random).

    Returns
    -------
    W_in : ndarray of shape (n_features, n_units)
        Dense float64 weights.

    References
    ----------
    Rodan, A. and Tino, P. (2011). Minimum complexity echo state network.
    IEEE Trans. Neural Networks 22(1), 131-144.

    Examples
    --------
    >>> from reservoir import input_matrix
    >>> W_in = input_matrix(2, 4, input_scaling=[1.0, 0.1], random_state=0)
    >>> W_in.shape
    (2, 4)
    >>> bool(abs(W_in[1]).max() <= 0.1)
    True
    >>> input_matrix(1, 6, distribution="pi_signs").tolist()  # 3 1 4 1 5 9
    [[-1.0, -1.0, -1.0, -1.0, 1.0, 1.0]]
    """
    n_features = check_int(n_features, "n_features", low=1)
    n_units = check_int(n_units, "n_units", low=1)
    scale = check_scale(input_scaling, "input_scaling", n_features, "input feature")
    density = check_real(
        density, "input density", low=0.0, low_inclusive=False, high=1.0
    )
    check_option(distribution, "distribution", (*DISTRIBUTIONS, "pi_signs"))
    rng = check_rng(random_state)
    draw = "bernoulli" if distribution == "pi_signs" else distribution
    if density == 1.0:
        W_in = _draw(rng, draw, n_features * n_units).reshape(n_features, n_units)
    else:
        W_in = _random_sparse(rng, n_features, n_units, density, draw).toarray()
    if distribution == "pi_signs":
        nonzero = W_in != 0  # row-major order, as the digits are read
        signs = np.where(pi_digits(int(nonzero.sum())) >= 5, 1.0, -1.0)
        W_in[nonzero] = signs
    return np.ascontiguousarray(W_in * scale[:, None])


def bias_vector(
    n_units: int,
    *,
    bias_scaling: float = 1.0,
    distribution: str = "uniform",
    random_state=None,
) -> np.ndarray:
    """Build the reservoir bias ``b``.

    Parameters
    ----------
    n_units : int
        Number of reservoir units.
    bias_scaling : float, default=1.0
        Scale of the bias (>= 0; 0 gives no bias).
    distribution : {'uniform', 'normal', 'bernoulli'}, default='uniform'
        Distribution before scaling.
    random_state : int, RandomState instance or None, default=None
        Seed or generator.

    Returns
    -------
    bias : ndarray of shape (n_units,)

    Examples
    --------
    >>> from reservoir import bias_vector
    >>> bias_vector(3, bias_scaling=0.0).tolist()
    [0.0, 0.0, 0.0]
    """
    n_units = check_int(n_units, "n_units", low=1)
    scale = check_real(bias_scaling, "bias_scaling", low=0.0)
    check_option(distribution, "distribution", DISTRIBUTIONS)
    rng = check_rng(random_state)
    return _draw(rng, distribution, n_units) * scale
