"""Model-space representations of sequences (Bianchi et al., IEEE TNNLS 2021).

Each sequence becomes the parameters of a ridge model fitted on that sequence
alone:

* **output model space**: the readout that predicts the next input from the
  current (reduced) state, ``u_(t+1) ~ z_t``;
* **reservoir model space**: the linear model that predicts the next reduced
  state from the current one, ``z_(t+1) ~ z_t``.

The vector of a sequence is the coefficients, target by target (the layout of
``sklearn.linear_model.Ridge(...).coef_.ravel()``), followed by the
intercepts. The states are taken from ``washout`` on, in the order the
reservoir ran them: for a bidirectional reservoir the backward half of row
``j`` is the backward reservoir's state after ``washout + j`` reversed steps,
and the output targets are ``[u, reversed u]``, as in the reference
implementation (the ``reservoir-computing`` package's ``RC_model``).

Before the model space the states may be reduced, with a reduction fitted on
the training sequences only: ``'pca'`` (principal components of the rows,
centred on their mean) or ``'tensor_pca'`` (the tensor PCA of the paper: the
covariance of the sequences x steps x units tensor, centred on the mean
sequence, i.e. the mean over sequences at each step; rows are projected
without centring).

All sequences are solved at once by ``_model_space_kernels.ridge_per_sequence``
(one compiled loop over sequences, no Python loop per sequence).
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import scipy.linalg.blas

from . import _model_space_kernels
from ._reservoir import BidirectionalReservoir
from ._ridge import GramAccumulator
from ._threading import small_linalg
from ._validation import check_int, check_option, check_real, overflow_reported

__all__: list[str] = []

MODEL_SPACES = ("output_model_space", "reservoir_model_space")
REDUCTIONS = ("pca", "tensor_pca")

MODEL_SPACE_DOC = """\
    model_space_alpha : float > 0, default=1.0
        Ridge penalty of the per-sequence models of the model-space
        aggregations (the paper's ``w_ridge_embedding``).
    state_reduction : {None, 'pca', 'tensor_pca'}, default=None
        Reduce the states before the model space, with a reduction fitted on
        the training sequences only: ``'pca'`` (principal components of the
        state rows) or ``'tensor_pca'`` (the tensor PCA of Bianchi et al.:
        the covariance of the sequences x steps x units tensor around the
        mean sequence).
    n_components : int, default=None
        Number of components kept by ``state_reduction`` (required with
        it; at most the number of reservoir units).
"""


class RunningRows:
    """States (and inputs) of many sequences from ``washout`` on, stacked.

    Attributes
    ----------
    states : ndarray of shape (n_rows, n_units)
        Float64 state rows, sequence after sequence, in running order.
    inputs : ndarray of shape (n_rows, n_features or 2 * n_features)
        The input row of each state (``[u, reversed u]`` when bidirectional).
    starts, stops : ndarray of shape (n_sequences,)
        Row range of each sequence.
    steps : ndarray of shape (n_rows,)
        Step of each row counted from the end of the washout.
    """

    def __init__(self, reservoir, sequences, washout: int, x0=None):
        split = (
            reservoir.forward.n_units
            if isinstance(reservoir, BidirectionalReservoir)
            else None
        )
        lengths = np.array([seq.shape[0] - washout for seq in sequences])
        stops = np.cumsum(lengths)
        self.starts = (stops - lengths).astype(np.int64)
        self.stops = stops.astype(np.int64)
        n_rows, n_units = int(stops[-1]), reservoir.n_units
        n_features = sequences[0].shape[1] * (1 if split is None else 2)
        self.states = np.empty((n_rows, n_units))
        self.inputs = np.empty((n_rows, n_features))
        self.steps = np.concatenate([np.arange(n) for n in lengths])
        if x0 is None:
            x0 = reservoir.initial_states(len(sequences))
        if split is None:
            for i, states in enumerate(reservoir.run(sequences, x0)):
                rows = slice(self.starts[i], self.stops[i])
                self.states[rows] = states[washout:]
                self.inputs[rows] = sequences[i][washout:]
            return
        # each half in the order its reservoir ran: the backward stack over the
        # reversed sequences (batched like any forward run)
        d = sequences[0].shape[1]
        reversed_sequences = [np.ascontiguousarray(U[::-1]) for U in sequences]
        forward = reservoir.forward.run(sequences, np.ascontiguousarray(x0[:, :split]))
        backward = reservoir.backward.run(
            reversed_sequences, np.ascontiguousarray(x0[:, split:])
        )
        for i in range(len(sequences)):
            rows = slice(self.starts[i], self.stops[i])
            self.states[rows, :split] = forward[i][washout:]
            self.states[rows, split:] = backward[i][washout:]
            self.inputs[rows, :d] = sequences[i][washout:]
            self.inputs[rows, d:] = reversed_sequences[i][washout:]


class StateReduction:
    """PCA or tensor PCA of reservoir state rows, fitted once.

    Parameters
    ----------
    method : {'pca', 'tensor_pca'}
        Which reduction (see the module docstring).
    n_components : int
        Number of components kept.

    Attributes
    ----------
    components_ : ndarray of shape (n_units, n_components)
        Leading eigenvectors of the covariance, largest eigenvalue first, each
        with its largest-magnitude entry positive.
    mean_ : ndarray of shape (n_units,)
        Subtracted before projecting (zeros for ``'tensor_pca'``).
    """

    def __init__(self, method: str, n_components: int):
        self.method = method
        self.n_components = n_components

    def fit(self, rows: RunningRows) -> StateReduction:
        X = rows.states
        if self.method == "pca":
            centre = X.mean(axis=0)
            Xc = X - centre
        else:
            # the mean sequence: the mean over sequences at each step
            order = np.argsort(rows.steps, kind="stable")
            counts = np.bincount(rows.steps)
            firsts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            sums = np.add.reduceat(X[order], firsts, axis=0)
            Xc = X - (sums / counts[:, None])[rows.steps]
            centre = np.zeros(X.shape[1])
        n_units = X.shape[1]
        with small_linalg(n_units):
            # lower triangle of Xc.T @ Xc (Fortran order: the upper of its view)
            cov = scipy.linalg.blas.dsyrk(1.0, Xc, trans=1, lower=1)
            _, vectors = scipy.linalg.eigh(
                cov,
                lower=True,
                subset_by_index=[n_units - self.n_components, n_units - 1],
                check_finite=False,
            )
        V = vectors[:, ::-1]  # largest eigenvalue first
        signs = np.sign(V[np.argmax(np.abs(V), axis=0), np.arange(V.shape[1])])
        signs[signs == 0] = 1.0
        self.components_ = np.ascontiguousarray(V * signs)
        self.mean_ = centre
        return self

    def transform(self, states: np.ndarray) -> np.ndarray:
        with small_linalg(states.shape[1]):
            if self.method == "pca":
                return (states - self.mean_) @ self.components_
            return states @ self.components_


def per_sequence_ridge(
    Z: np.ndarray, Y: np.ndarray, starts, stops, alpha: float
) -> np.ndarray:
    """Model-space vectors: the ridge of ``Y[t+1]`` on ``Z[t]`` per sequence.

    Returns an array of shape (n_sequences, k * d + k): the coefficients
    target by target, then the intercepts.
    """
    same = Y is Z
    Z = np.ascontiguousarray(Z, dtype=np.float64)
    Y = Z if same else np.ascontiguousarray(Y, dtype=np.float64)
    n_seq, d, k = starts.shape[0], Z.shape[1], Y.shape[1]
    coef = np.empty((n_seq, d, k))
    intercept = np.empty((n_seq, k))
    solved = np.zeros(n_seq, dtype=np.bool_)
    _model_space_kernels.ridge_per_sequence(
        Z, Y, starts, stops, float(alpha), coef, intercept, solved
    )
    if not solved.all():
        bad = int(np.flatnonzero(~solved)[0])
        raise FloatingPointError(
            f"the model-space ridge of sequence {bad} is not positive definite "
            f"(non-finite states?); check the inputs or raise model_space_alpha."
        )
    return np.hstack([coef.transpose(0, 2, 1).reshape(n_seq, k * d), intercept])


def model_space_vectors(
    rows: RunningRows, kind: str, alpha: float, reduction: StateReduction | None
) -> np.ndarray:
    """The ``kind`` model-space vector of every sequence of ``rows``."""
    Z = rows.states if reduction is None else reduction.transform(rows.states)
    Y = Z if kind == "reservoir_model_space" else rows.inputs
    return per_sequence_ridge(Z, Y, rows.starts, rows.stops, alpha)


def model_space_size(kind: str, n_state: int, n_inputs: int) -> int:
    """Length of a model-space vector (``n_state``: reduced state size,
    ``n_inputs``: target columns of the output model space)."""
    k = n_state if kind == "reservoir_model_space" else n_inputs
    return k * n_state + k


def ridge_on_rows(F: np.ndarray, Y: np.ndarray, alpha: float):
    """Ridge ``(coef (P, K), intercept (K,))`` of ``Y`` on the rows of ``F``
    with an unpenalised intercept; solved in the dual (an ``n x n`` system)
    when there are more columns than rows, as scikit-learn's Ridge does."""
    n, P = F.shape
    if P <= n:
        gram = GramAccumulator(P, Y.shape[1])
        gram.update(F, Y)
        return gram.solve(alpha)
    mean_f, mean_y = F.mean(axis=0), Y.mean(axis=0)
    Fc, Yc = F - mean_f, Y - mean_y
    with small_linalg(n):
        K = Fc @ Fc.T
        K.flat[:: n + 1] += alpha
        try:
            dual = scipy.linalg.solve(K, Yc, assume_a="pos", check_finite=False)
        except (np.linalg.LinAlgError, scipy.linalg.LinAlgError):
            dual = scipy.linalg.lstsq(K, Yc, check_finite=False)[0]
        coef = Fc.T @ dual
    return coef, mean_y - mean_f @ coef


class ModelSpaceMixin:
    """Estimator side of the model spaces: parameter checks and the vectors.

    Uses the estimator's ``aggregation``, ``model_space_alpha``,
    ``state_reduction``, ``n_components`` and fitted ``reservoir_``; sets
    ``_reduction`` and ``state_components_`` when fitting.
    """

    def _check_model_space_params(self) -> tuple[float, str | None, int | None]:
        """Validated ``(model_space_alpha, state_reduction, n_components)``."""
        alpha = check_real(
            self.model_space_alpha, "model_space_alpha", low=0.0, low_inclusive=False
        )
        reduction = self.state_reduction
        if reduction is not None:
            check_option(reduction, "state_reduction", REDUCTIONS)
        n_components = self.n_components
        if n_components is not None:
            n_components = check_int(n_components, "n_components", low=1)
        elif reduction is not None:
            raise ValueError(
                f"state_reduction={reduction!r} needs n_components, the number "
                f"of components to keep (e.g. n_components=75)."
            )
        return alpha, reduction, n_components

    def _model_space_features(self, sequences, washout: int, *, fit: bool):
        """Model-space vectors of ``sequences``; ``fit`` also fits the state
        reduction on them (training sequences only)."""
        alpha, reduction, n_components = self._check_model_space_params()
        for i, seq in enumerate(sequences):
            if seq.shape[0] - washout < 2:
                raise ValueError(
                    f"aggregation={self.aggregation!r} fits a model that predicts "
                    f"the next step, so every sequence needs at least 2 steps "
                    f"after washout={washout}; sequence {i} has {seq.shape[0]} "
                    f"steps. Lower washout or drop the short sequences."
                )
        rows = RunningRows(self.reservoir_, sequences, washout)
        if fit:
            self._reduction = None
            if reduction is not None:
                n_state = rows.states.shape[1]
                if n_components > n_state:
                    raise ValueError(
                        f"n_components={n_components} exceeds the size of the "
                        f"reservoir state ({n_state} units); use at most "
                        f"{n_state}."
                    )
                with overflow_reported():
                    self._reduction = StateReduction(reduction, n_components).fit(rows)
                self.state_components_ = self._reduction.components_
        with overflow_reported():
            return model_space_vectors(rows, self.aggregation, alpha, self._reduction)
