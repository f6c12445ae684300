"""RNNRegressor, RNNClassifier and from_esn: BPTT-trained recurrent networks."""

from __future__ import annotations

import contextlib
import itertools
import time
import warnings
from collections.abc import Mapping

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MultiOutputMixin,
    RegressorMixin,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from .._esn import ESNRegressor
from .._progress import check_verbose, report
from .._reservoir import BidirectionalReservoir, DeepReservoir
from .._threading import blas_threads
from .._validation import (
    ACTIVATIONS,
    check_int,
    check_leak_rate,
    check_magnitude,
    check_option,
    check_real,
    check_rng,
    check_sequences,
    is_sequence_collection,
    layer_values,
    reshape_output,
)
from ._cells import CELLS
from ._network import INITS, Network, init_params
from ._optim import SOLVERS, clip_by_global_norm, make_optimizer

__all__ = ["RNNClassifier", "RNNRegressor", "from_esn"]

_FROM_ESN_SUPPORTS = (
    "from_esn needs a fitted ESNRegressor with the built-in ridge readout "
    "(readout=None): one reservoir, a deep stack (n_layers > 1) or a "
    "bidirectional one, any activation and leak rates"
)

#: Keys of a weight mapping passed as ``init`` (see ``from_esn``).
INIT_KEYS = ("W", "W_in", "bias", "W_out", "b_out")
#: What the readout sees: the top layer, or every layer.
READOUT_LAYERS = ("top", "all")
#: Sequences per forward pass in ``predict``.
PREDICT_BATCH = 64
#: Up to this many units the recurrent products are too small for threaded
#: BLAS (threads cost more than they save, badly so on a busy machine), so
#: fit and predict run BLAS on one thread.
SINGLE_THREAD_MAX_UNITS = 256


def _blas_threads(n_units: int):
    """Context that limits BLAS to one thread for small networks."""
    if n_units <= SINGLE_THREAD_MAX_UNITS:
        return blas_threads(1)
    return contextlib.nullcontext()


def _check_bool(value, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {value!r}.")
    return bool(value)


def _pad_inputs(sequences, idx):
    """Time-major padded inputs ``(T, B, D)`` of the sequences ``idx`` and
    their lengths."""
    lengths = np.array([sequences[i].shape[0] for i in idx])
    X = np.zeros((lengths.max(), len(idx), sequences[idx[0]].shape[1]))
    for j, i in enumerate(idx):
        X[: lengths[j], j] = sequences[i]
    return X, lengths


def _pad(sequences, targets, masks, idx, target_dtype=np.float64):
    """Time-major padded batch ``(T, B, ...)`` of the sequences ``idx`` and
    their lengths."""
    X, lengths = _pad_inputs(sequences, idx)
    T, B = X.shape[:2]
    M = np.zeros((T, B))
    first = targets[idx[0]]
    Y = np.zeros((T, B, *first.shape[1:]), dtype=target_dtype)
    for j, i in enumerate(idx):
        n = lengths[j]
        Y[:n, j] = targets[i]
        M[:n, j] = masks[i]
    return X, Y, M, lengths


def _is_sequence_targets(X, y) -> bool:
    """True when a collection ``X`` comes with one (scalar) target per sequence."""
    if not is_sequence_collection(X):
        return False
    try:
        arr = np.asarray(y)
    except ValueError:  # ragged per-step targets
        return False
    if arr.ndim != 1:
        return False
    return arr.dtype != object or all(np.ndim(v) == 0 for v in arr)


def _last_step_targets(sequences, values):
    """Per-step target arrays holding ``values[i]`` and masks on the last step."""
    targets, masks = [], []
    for seq, value in zip(sequences, values, strict=True):
        targets.append(np.full(seq.shape[0], value, dtype=np.float64))
        mask = np.zeros(seq.shape[0])
        mask[-1] = 1.0
        masks.append(mask)
    return targets, masks


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


_PARAMS_DOC = """\
    n_units : int or list of int, default=32
        Hidden units ``N`` of every layer, or (with ``n_layers > 1``) a list
        with one value per layer.
    cell : {'elman', 'lstm', 'gru'}, default='elman'
        Recurrent cell. ``'elman'`` is the (leaky) simple RNN
        ``h_t = (1 - a) h_(t-1) + a f(u_t W_in + h_(t-1) W + b)``; ``'lstm'``
        and ``'gru'`` follow PyTorch's equations and gate order.
    activation : {'tanh', 'relu', 'identity', 'sigmoid'}, default='tanh'
        Nonlinearity ``f`` of the Elman cell (``'relu'`` with
        ``init='identity'`` is the IRNN of Le et al. 2015). Must stay
        ``'tanh'`` for the LSTM and GRU. With ``n_layers > 1``, a list gives
        one per layer.
    n_layers : int, default=1
        Stacked recurrent layers; layer ``l`` is driven by the states of
        layer ``l - 1`` and the readout sees the top layer (every layer with
        ``readout_layers='all'``).
    leak_rate : float in (0, 1] or array-like of shape (n_units,), default=1.0
        Leak rate ``a`` of the Elman cell, one value or one per unit (as in
        the ESN; not trained); with ``n_layers > 1`` a list gives one such
        value per layer. Must stay 1 for the LSTM and GRU.
    init : {'orthogonal', 'glorot', 'identity', 'reservoir'} or mapping, \
default='orthogonal'
        Weight initialisation. Input weights are Glorot-uniform and biases
        zero unless stated. ``'orthogonal'``: random orthogonal recurrent
        blocks. ``'glorot'``: Glorot-uniform recurrent blocks. ``'identity'``:
        identity recurrent matrix (IRNN) in the Elman cell and in the
        candidate block of the LSTM (``g``) and GRU (``n``), orthogonal gate
        blocks. ``'reservoir'``: the ESN builders
        (:func:`~reservoir.recurrent_matrix`, :func:`~reservoir.input_matrix`,
        :func:`~reservoir.bias_vector`) with ``spectral_radius``, ``density``,
        ``input_scaling`` and ``bias_scaling``; in the LSTM and GRU only the
        candidate block (``g``, resp. ``n``) gets the reservoir (recurrent,
        input and bias), the gates get Glorot input and orthogonal recurrent
        weights. The LSTM forget-gate bias starts at 1 in every scheme. A
        mapping of arrays (``'W'``, ``'W_in'``, ``'bias'``, ``'W_out'``,
        ``'b_out'``, optional ``'h0'``) gives the starting weights of an
        Elman network explicitly: ``'W'``, ``'W_in'``, ``'bias'`` and
        ``'h0'`` are one array for one layer, else a list with one array per
        recurrent layer (forward layers, then reverse ones); :func:`from_esn`
        builds it.
    spectral_radius : float, default=0.9
        Spectral radius of the reservoir block (``init='reservoir'``).
    density : float in (0, 1], default=None
        Fraction of non-zero reservoir weights (``init='reservoir'``). None
        means ``min(1, max(0.1, 10 / n_units))``: the ESN's 0.1 for 100
        units or more, about ten connections per unit below.
    input_scaling : float or array-like of shape (n_features,), default=1.0
        Scale of the reservoir input weights (``init='reservoir'``). A
        per-feature array applies to the first layer only.
    bias_scaling : float, default=1.0
        Scale of the reservoir bias (``init='reservoir'``).
    include_input : bool, default=False
        Whether the readout also sees the input, ``[u_t, h_t]`` (as the ESN's
        readout does by default).
    washout : int, default=0
        Steps at the start of each training sequence that are run but left
        out of the loss (as the ESN's washout). Must be smaller than every
        training sequence.
    solver : {'adam', 'sgd'}, default='adam'
        Adam (beta_1=0.9, beta_2=0.999, eps=1e-8) or SGD with momentum.
    learning_rate : float, default=1e-3
        Step size (> 0).
    momentum : float in [0, 1), default=0.9
        Momentum of ``solver='sgd'``.
    nesterov : bool, default=True
        Nesterov's accelerated gradient instead of classical momentum
        (``solver='sgd'``).
    batch_size : int, default=32
        Sequences per minibatch (shorter ones are padded and masked). A
        single 2-D sequence is a batch of one.
    max_epochs : int, default=100
        Passes over the training sequences (>= 0). With 0 the network keeps
        its initial weights (so ``from_esn(esn, max_epochs=0)`` predicts what
        the ESN predicts).
    truncation : int, default=None
        Truncated BPTT: each minibatch is cut into windows of this many steps,
        the state is carried from window to window, gradients stop at the
        window boundary and the weights are updated after every window. None
        backpropagates through whole sequences (one update per minibatch).
    clip : float, default=1.0
        Gradient-norm clipping threshold (Pascanu et al. 2013): a gradient
        whose global norm exceeds it is rescaled to this norm. None disables.
    learn_initial_state : bool, default=True
        Train the initial state (``h0``, and ``c0`` for the LSTM) of every
        layer, shared by all sequences; False starts from zeros.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data, stop when its
        loss has not improved by ``tol`` for ``n_iter_no_change`` epochs and
        keep the weights of the best epoch. Several sequences: whole sequences
        are held out (at random). One sequence: its last steps, which are
        predicted from the state reached at the end of the training part.
    validation_fraction : float in [0, 1), default=0.1
        Held-out fraction for early stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Smallest validation-loss decrease that counts as an improvement.
    shuffle : bool, default=True
        Shuffle the order of the training sequences every epoch.
    warm_start : bool, default=False
        Continue from the weights, optimiser state and random stream of the
        previous ``fit`` (``max_epochs`` more epochs; ``loss_curve_``,
        ``n_iter_`` and ``n_updates_`` accumulate) when the architecture and
        the numbers of features and outputs are unchanged; otherwise start
        afresh.
    random_state : int, RandomState instance, Generator or None, default=None
        Seed for the weights, the shuffling and the validation split. The same
        seed gives bit-identical results on one machine with the same BLAS
        thread count (elsewhere they agree to rounding); no global random
        state is used.
    verbose : int, default=0
        Progress reports on standard error: 0 (or False) writes nothing; 1
        (or True) one line per epoch, its training (and validation) loss and
        time. The numbers do not depend on it.
    bidirectional : bool, default=False
        Add a reverse layer beside every layer, run over each sequence from
        its last step to its first (Schuster and Paliwal 1997); the next layer
        and the readout see ``[forward, reverse]`` at every step, as in
        PyTorch's ``bidirectional=True``. With one target or label per
        sequence the readout sees each direction's final state (the forward
        state at the last step, the reverse state at the first). Needs
        ``truncation=None``.
    skip : int >= 2, default=None
        Skip connections through time for the Elman cell: every unit is also
        fed the state ``skip`` steps back,
        ``f(u_t W_in + h_(t-1) W + h_(t-skip) W_skip + b)``, a path for
        longer memory. ``W_skip`` is drawn by ``init`` like ``W`` and both
        start halved; the states before the first step are the initial state.
        None: no skip connections.
    readout_layers : {'top', 'all'}, default='top'
        What the readout sees: the top layer's states, or every layer's
        (``[h^1_t, ..., h^L_t]``, as the deep ESN's readout; :func:`from_esn`
        sets it for a deep ESN).
"""


def param_docs(names) -> str:
    """The entries of ``_PARAMS_DOC`` for the parameters ``names``, in order."""
    entries, name = {}, None
    for line in _PARAMS_DOC.splitlines(keepends=True):
        if line.startswith("    ") and not line.startswith("     "):
            name = line.split(" :")[0].strip()
            entries[name] = ""
        entries[name] += line
    return "".join(entries[n] for n in names)


_ATTRS_DOC = """\
    layers_ : list of dict
        Per layer, the trained weights: ``'W_in'`` (inputs, ``n_blocks * N``
        columns), ``'W'`` (``(N, n_blocks * N)``, row convention
        ``h @ W``), ``'b'``, ``'b_hn'`` (GRU), ``'W_skip'`` (``skip``) and
        the learned ``'h0'`` (``'c0'``) when ``learn_initial_state``; forward
        layers first, then the reverse ones of a bidirectional network.
    W_out_ : ndarray of shape (n_readout_features, n_outputs)
        Readout weights on ``[u_t, h_t]`` (or ``h_t``).
    b_out_ : ndarray of shape (n_outputs,)
        Readout bias.
    loss_curve_ : list of float
        Mean training loss of every epoch (the squared error per target value
        for the regressor, the cross-entropy per labelled step for the
        classifier), as seen during the epoch.
    validation_loss_curve_ : list of float
        Validation loss after every epoch (empty without early stopping).
    best_validation_loss_ : float or None
        Best validation loss (None without early stopping).
    n_iter_ : int
        Epochs run.
    n_updates_ : int
        Weight updates made (minibatches times truncation windows).
    n_features_in_ : int
        Number of input features.
    feature_names_in_ : ndarray of shape (n_features,)
        Input column names, when ``X`` was a DataFrame.
"""


def _mapped_params(init: Mapping, p: dict, n_features: int, n_outputs: int) -> dict:
    """The parameter dictionary of a weight mapping given as ``init``.

    ``'W'``, ``'W_in'``, ``'bias'`` (and ``'h0'``) are one array for a
    one-layer network, else a list with one array per recurrent layer:
    forward layers, then reverse ones (the order of the ESN's ``W_``).
    """
    sizes = p["sizes"]
    L = p["n_layers"]
    directions = 2 if p["bidirectional"] else 1
    units = [(layer, d) for d in range(directions) for layer in range(L)]
    unknown = set(init) - {*INIT_KEYS, "h0"}
    if unknown:
        raise ValueError(
            f"init has unknown keys {sorted(unknown)}; allowed keys are "
            f"{sorted({*INIT_KEYS, 'h0'})}."
        )
    for key in INIT_KEYS:
        if key not in init:
            raise ValueError(f"init is missing the array {key!r}.")

    def array(key, value, shape, where):
        if hasattr(value, "toarray"):
            value = value.toarray()
        arr = np.array(value, dtype=np.float64, copy=True)
        if arr.shape != shape:
            raise ValueError(
                f"init[{key!r}]{where} must have shape {shape} for n_units="
                f"{p['n_units']}, n_layers={L}, bidirectional={p['bidirectional']}, "
                f"{n_features} input features, {n_outputs} outputs and "
                f"include_input={p['include_input']}; got {arr.shape}."
            )
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"init[{key!r}]{where} contains NaN or infinite values.")
        return arr

    def per_unit(key):
        value = init[key]
        if len(units) == 1:
            return [(value, "")]
        if not isinstance(value, list | tuple) or len(value) != len(units):
            raise ValueError(
                f"init[{key!r}] must be a list of {len(units)} arrays, one per "
                f"recurrent layer (forward layers, then reverse ones), for "
                f"n_layers={L} and bidirectional={p['bidirectional']}."
            )
        return [(v, f"[{i}]") for i, v in enumerate(value)]

    params = {}
    values = {key: per_unit(key) for key in ("W", "W_in", "bias")}
    if "h0" in init:
        values["h0"] = per_unit("h0")
    for i, (layer, d) in enumerate(units):
        N = sizes[layer]
        D = n_features if layer == 0 else directions * sizes[layer - 1]
        prefix = f"{layer}{'r' if d else ''}."
        shapes = {"W_in": (D, N), "W": (N, N), "bias": (N,), "h0": (N,)}
        names = {"W_in": "W_in", "W": "W", "bias": "b", "h0": "h0"}
        for key, (value, where) in ((k, v[i]) for k, v in values.items()):
            if key != "h0" or p["learn_initial_state"]:
                params[prefix + names[key]] = array(key, value, shapes[key], where)
        if p["learn_initial_state"] and "h0" not in values:
            params[prefix + "h0"] = np.zeros(N)
    read = sizes if p["readout_layers"] == "all" else sizes[-1:]
    F = directions * sum(read) + (n_features if p["include_input"] else 0)
    params["W_out"] = array("W_out", init["W_out"], (F, n_outputs), "")
    params["b_out"] = array("b_out", init["b_out"], (n_outputs,), "")
    return params


class _BaseRNN(BaseEstimator):
    """Parameter checks, initialisation, training loop and forward runs."""

    _task = "regression"

    # one constructor for both estimators (scikit-learn reads the
    # parameters from its signature, inherited by RNNRegressor and RNNClassifier)
    def __init__(
        self,
        n_units: int = 32,
        *,
        cell: str = "elman",
        activation: str = "tanh",
        n_layers: int = 1,
        leak_rate=1.0,
        init="orthogonal",
        spectral_radius: float = 0.9,
        density: float | None = None,
        input_scaling=1.0,
        bias_scaling: float = 1.0,
        include_input: bool = False,
        washout: int = 0,
        solver: str = "adam",
        learning_rate: float = 1e-3,
        momentum: float = 0.9,
        nesterov: bool = True,
        batch_size: int = 32,
        max_epochs: int = 100,
        truncation: int | None = None,
        clip: float | None = 1.0,
        learn_initial_state: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        shuffle: bool = True,
        warm_start: bool = False,
        random_state=None,
        verbose: int = 0,
        bidirectional: bool = False,
        skip: int | None = None,
        readout_layers: str = "top",
    ):
        self.n_units = n_units
        self.cell = cell
        self.activation = activation
        self.n_layers = n_layers
        self.leak_rate = leak_rate
        self.init = init
        self.spectral_radius = spectral_radius
        self.density = density
        self.input_scaling = input_scaling
        self.bias_scaling = bias_scaling
        self.include_input = include_input
        self.washout = washout
        self.solver = solver
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.batch_size = batch_size
        self.max_epochs = max_epochs
        self.truncation = truncation
        self.clip = clip
        self.learn_initial_state = learn_initial_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.shuffle = shuffle
        self.warm_start = warm_start
        self.random_state = random_state
        self.verbose = verbose
        self.bidirectional = bidirectional
        self.skip = skip
        self.readout_layers = readout_layers

    def _check_params(self) -> dict:
        n_layers = check_int(self.n_layers, "n_layers", low=1)
        sizes = [
            check_int(n, "n_units", low=1)
            for n in layer_values(self.n_units, "n_units", n_layers)
        ]
        n_units = sizes[0] if len(set(sizes)) == 1 else sizes
        cell = check_option(self.cell, "cell", CELLS)
        activations = [
            check_option(a, "activation", ACTIVATIONS)
            for a in layer_values(self.activation, "activation", n_layers)
        ]
        if cell != "elman" and any(a != "tanh" for a in activations):
            raise ValueError(
                f"activation applies to cell='elman' only; leave it 'tanh' for "
                f"cell={cell!r} (got {self.activation!r})."
            )
        activation = activations[0] if len(set(activations)) == 1 else activations
        leaks = []
        for layer, value in enumerate(
            layer_values(self.leak_rate, "leak_rate", n_layers)
        ):
            leak = check_leak_rate(value, sizes[layer])
            leaks.append(None if np.all(leak == 1.0) else leak)
        if all(leak is None for leak in leaks):
            leak = None
        elif cell != "elman":
            raise ValueError(
                f"leak_rate applies to cell='elman' only; leave it 1.0 for "
                f"cell={cell!r}."
            )
        else:
            leak = leaks[0] if n_layers == 1 else leaks
        bidirectional = _check_bool(self.bidirectional, "bidirectional")
        skip = None if self.skip is None else check_int(self.skip, "skip", low=2)
        if skip is not None and cell != "elman":
            raise ValueError(
                f"skip (connections through time) applies to cell='elman' only; "
                f"leave it None for cell={cell!r}."
            )
        readout_layers = check_option(
            self.readout_layers, "readout_layers", READOUT_LAYERS
        )
        if bidirectional and self.truncation is not None:
            raise ValueError(
                "truncation needs a causal network, but bidirectional=True runs "
                "a reverse layer from the end of every sequence; use "
                "truncation=None (whole sequences) with bidirectional=True."
            )
        if isinstance(self.init, Mapping):
            if cell != "elman" or skip is not None:
                raise ValueError(
                    "a weight mapping as init needs cell='elman' and skip=None; "
                    f"got cell={cell!r}, skip={skip}."
                )
        else:
            check_option(self.init, "init", INITS)
        check_real(self.spectral_radius, "spectral_radius", low=0.0)
        if self.density is not None:
            check_real(self.density, "density", low=0.0, low_inclusive=False, high=1.0)
        check_real(self.bias_scaling, "bias_scaling", low=0.0)
        p = {
            "n_units": n_units,
            "sizes": sizes,
            "bidirectional": bidirectional,
            "skip": skip,
            "readout_layers": readout_layers,
            "cell": cell,
            "activation": activation,
            "n_layers": n_layers,
            "leak": leak,
            "include_input": _check_bool(self.include_input, "include_input"),
            "solver": check_option(self.solver, "solver", SOLVERS),
            "learning_rate": check_real(
                self.learning_rate, "learning_rate", low=0.0, low_inclusive=False
            ),
            "momentum": check_real(
                self.momentum, "momentum", low=0.0, high=1.0, high_inclusive=False
            ),
            "nesterov": _check_bool(self.nesterov, "nesterov"),
            "batch_size": check_int(self.batch_size, "batch_size", low=1),
            "max_epochs": check_int(self.max_epochs, "max_epochs", low=0),
            "truncation": None
            if self.truncation is None
            else check_int(self.truncation, "truncation", low=1),
            "clip": None
            if self.clip is None
            else check_real(self.clip, "clip", low=0.0, low_inclusive=False),
            "learn_initial_state": _check_bool(
                self.learn_initial_state, "learn_initial_state"
            ),
            "early_stopping": _check_bool(self.early_stopping, "early_stopping"),
            "validation_fraction": check_real(
                self.validation_fraction,
                "validation_fraction",
                low=0.0,
                high=1.0,
                high_inclusive=False,
            ),
            "n_iter_no_change": check_int(
                self.n_iter_no_change, "n_iter_no_change", low=1
            ),
            "tol": check_real(self.tol, "tol", low=0.0),
            "shuffle": _check_bool(self.shuffle, "shuffle"),
            "washout": check_int(self.washout, "washout", low=0),
            "verbose": check_verbose(self.verbose),
        }
        if p["early_stopping"] and p["validation_fraction"] == 0.0:
            raise ValueError(
                "early_stopping=True needs a validation_fraction in (0, 1); got 0."
            )
        return p

    # ------------------------------------------------------------------
    def _initial_params(self, p, rng, n_features, n_outputs, output_bias) -> dict:
        if not isinstance(self.init, Mapping):
            return init_params(
                rng,
                cell=p["cell"],
                init=self.init,
                n_layers=p["n_layers"],
                n_units=p["n_units"],
                n_features=n_features,
                n_outputs=n_outputs,
                include_input=p["include_input"],
                learn_initial_state=p["learn_initial_state"],
                spectral_radius=self.spectral_radius,
                density=self.density,
                input_scaling=self.input_scaling,
                bias_scaling=self.bias_scaling,
                output_bias=output_bias,
                bidirectional=p["bidirectional"],
                readout_layers=p["readout_layers"],
                skip=p["skip"],
            )
        return _mapped_params(self.init, p, n_features, n_outputs)

    def _network(self, p, params) -> Network:
        return Network(
            p["cell"],
            p["n_layers"],
            p["n_units"],
            params,
            activation=p["activation"],
            leak=p["leak"],
            include_input=p["include_input"],
            task=self._task,
            learn_initial_state=p["learn_initial_state"],
            bidirectional=p["bidirectional"],
            readout_layers=p["readout_layers"],
            skip=p["skip"],
            summary=p["bidirectional"] and self._per_sequence,
        )

    def _split(self, p, rng, sequences, targets, masks, layout):
        """Training and validation data (lists of sequences, targets, masks)."""
        train = (sequences, targets, masks)
        if not p["early_stopping"]:
            return train, None
        frac = p["validation_fraction"]
        n = len(sequences)
        if layout == "one" or n == 1:
            T = sequences[0].shape[0]
            n_val = max(1, round(frac * T))
            if T - n_val < 1:
                raise ValueError(
                    f"validation_fraction={frac} leaves no training step in a "
                    f"sequence of {T} steps; use a longer sequence or disable "
                    f"early_stopping."
                )
            cut = T - n_val
            val_mask = masks[0].copy()
            val_mask[:cut] = 0.0
            train = ([sequences[0][:cut]], [targets[0][:cut]], [masks[0][:cut]])
            return train, (sequences, targets, [val_mask])
        n_val = max(1, round(frac * n))
        if n - n_val < 1:
            raise ValueError(
                f"validation_fraction={frac} leaves no training sequence out of "
                f"{n}; pass more sequences or disable early_stopping."
            )
        order = rng.permutation(n)
        val, tr = np.sort(order[:n_val]), np.sort(order[n_val:])

        def pick(idx):
            return (
                [sequences[i] for i in idx],
                [targets[i] for i in idx],
                [masks[i] for i in idx],
            )

        return pick(tr), pick(val)

    def _mean_loss(self, net, data, batch_size) -> float:
        sequences, targets, masks = data
        total = weight = 0.0
        for start in range(0, len(sequences), batch_size):
            idx = list(range(start, min(start + batch_size, len(sequences))))
            X, Y, M, lengths = _pad(sequences, targets, masks, idx)
            out, _, _ = net.forward(X, net.initial_states(len(idx)), lengths)
            loss, _ = net.loss(out, *net.readout_targets(Y, M, lengths))
            count = float(M.sum())
            total += loss * count
            weight += count
        return total / weight if weight else 0.0

    def _train(self, sequences, targets, masks, layout, n_outputs, output_bias):
        """Initialise and train the network; set the fitted attributes."""
        p = self._check_params()
        washout = p["washout"]
        for i, seq in enumerate(sequences):
            if seq.shape[0] <= washout:
                raise ValueError(
                    f"washout={washout} leaves no training step in sequence {i}, "
                    f"which has {seq.shape[0]} steps; use a washout smaller than "
                    f"the shortest sequence."
                )
        if washout:
            masks = [m.copy() for m in masks]
            for m in masks:
                m[:washout] = 0.0
        if output_bias is None:  # regression: mean of the targets in the loss
            weight = sum(float(m.sum()) for m in masks)
            output_bias = (
                sum(
                    (t * m[:, None]).sum(axis=0)
                    for t, m in zip(targets, masks, strict=True)
                )
                / weight
            )
        with _blas_threads(max(p["sizes"])):
            self._train_loop(
                p, sequences, targets, masks, layout, n_outputs, output_bias
            )

    def _train_loop(self, p, sequences, targets, masks, layout, n_outputs, output_bias):
        n_features = sequences[0].shape[1]
        signature = (
            p["cell"],
            p["n_layers"],
            tuple(p["sizes"]),
            str(p["activation"]),
            p["bidirectional"],
            p["skip"],
            p["readout_layers"],
            p["include_input"],
            p["learn_initial_state"],
            p["solver"],
            n_features,
            n_outputs,
            self._task,
        )
        warm = (
            _check_bool(self.warm_start, "warm_start")
            and hasattr(self, "_net")
            and getattr(self, "_signature", None) == signature
        )
        if warm:
            rng, net, optimizer = self._rng, self._net, self._optimizer
            params = net.params
            net.leak = p["leak"]
            optimizer.learning_rate = p["learning_rate"]
            if p["solver"] == "sgd":
                optimizer.momentum = p["momentum"]
                optimizer.nesterov = p["nesterov"]
            loss_curve = list(self.loss_curve_)
            val_curve = list(self.validation_loss_curve_)
            n_updates, epochs_before = self.n_updates_, self.n_iter_
        else:
            rng = check_rng(self.random_state)
            params = self._initial_params(p, rng, n_features, n_outputs, output_bias)
            net = self._network(p, params)
            optimizer = make_optimizer(
                p["solver"], params, p["learning_rate"], p["momentum"], p["nesterov"]
            )
            loss_curve, val_curve = [], []
            n_updates, epochs_before = 0, 0
        (tr_seq, tr_tgt, tr_mask), val = self._split(
            p, rng, sequences, targets, masks, layout
        )
        best = np.inf
        best_params = None
        stall = 0
        epoch = 0
        n = len(tr_seq)
        bs = p["batch_size"]
        for epoch in range(1, p["max_epochs"] + 1):
            tic = time.perf_counter()
            order = rng.permutation(n) if p["shuffle"] else np.arange(n)
            total = weight = 0.0
            for start in range(0, n, bs):
                idx = order[start : start + bs]
                batch = self._batch_gradients(
                    p, net, rng, (tr_seq, tr_tgt, tr_mask), idx, epochs_before + epoch
                )
                for loss, grads, count in batch:
                    clip_by_global_norm(grads, p["clip"])
                    optimizer.step(params, grads)
                    n_updates += 1
                    total += loss * count
                    weight += count
            loss_curve.append(total / weight if weight else 0.0)
            message = f"epoch {epochs_before + epoch}: loss {loss_curve[-1]:.6g}"
            stop = not np.isfinite(loss_curve[-1])
            if stop:
                warnings.warn(
                    f"{type(self).__name__} stopped at epoch "
                    f"{epochs_before + epoch}: the training loss is "
                    f"{loss_curve[-1]} (it overflowed or diverged). Scale X and "
                    f"y to unit size, or lower learning_rate or clip.",
                    ConvergenceWarning,
                    stacklevel=4,
                )
            if val is not None:
                val_loss = self._mean_loss(net, val, bs)
                val_curve.append(val_loss)
                message += f", validation loss {val_loss:.6g}"
                if val_loss < best - p["tol"]:
                    stall = 0
                else:
                    stall += 1
                if val_loss < best:
                    best = val_loss
                    best_params = {k: v.copy() for k, v in params.items()}
                stop = stop or stall >= p["n_iter_no_change"]
            report(
                p["verbose"],
                type(self).__name__,
                f"{message} ({time.perf_counter() - tic:.3f} s)",
            )
            if stop:
                break
        if best_params is not None:
            params.update(best_params)
        self._net = net
        self._rng = rng
        self._optimizer = optimizer
        self._signature = signature
        # forward layers, then reverse ones (the order of the ESN's W_)
        self.layers_ = [
            net.layer_params(prefix)
            for _, _, prefix in sorted(net.units(), key=lambda u: (u[1], u[0]))
        ]
        self.W_out_ = params["W_out"]
        self.b_out_ = params["b_out"]
        self.loss_curve_ = loss_curve
        self.validation_loss_curve_ = val_curve
        self.best_validation_loss_ = float(best) if val is not None else None
        self.n_iter_ = epochs_before + epoch
        self.n_updates_ = n_updates

    def _batch_gradients(self, p, net, rng, data, idx, epoch):
        """Yield ``(loss, gradients, count)`` for every update of a minibatch
        (one per truncation window); the weights are updated between yields."""
        X, Y, M, lengths = _pad(*data, idx)
        states = net.initial_states(len(idx))
        T = X.shape[0]
        k = p["truncation"] or T
        for s in range(0, T, k):
            win = slice(s, s + k)
            count = float(M[win].sum())
            if count == 0.0:
                _, _, states = net.forward(X[win], states)
                continue
            loss, grads, states = net.loss_grad(
                X[win],
                Y[win],
                M[win],
                states,
                first=s == 0,
                lengths=lengths if k >= T else None,
            )
            yield loss, grads, count

    def _outputs(self, sequences) -> list[np.ndarray]:
        """Readout outputs ``(T_i, n_outputs)`` of every sequence."""
        net = self._net
        order = np.argsort([s.shape[0] for s in sequences], kind="stable")
        outputs: list = [None] * len(sequences)
        dummy = [np.zeros((s.shape[0], 1)) for s in sequences]
        ones = [np.ones(s.shape[0]) for s in sequences]
        with _blas_threads(net.n_units):
            for start in range(0, len(order), PREDICT_BATCH):
                idx = order[start : start + PREDICT_BATCH]
                X, _, _, lengths = _pad(sequences, dummy, ones, idx)
                out, _, _ = net.forward(X, net.initial_states(len(idx)), lengths)
                for j, i in enumerate(idx):
                    outputs[i] = out[: sequences[i].shape[0], j]
        return outputs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


class RNNRegressor(MultiOutputMixin, RegressorMixin, _BaseRNN):
    __doc__ = f"""Recurrent network (Elman, LSTM or GRU) trained by BPTT for regression.

    A comparator for the echo state networks: the same data conventions and
    reservoir builders, but every weight is trained by backpropagation
    through time on the mean squared error of every step. Pure NumPy, no
    deep-learning framework.

    ``X`` is one sequence, a 2-D array ``(n_timesteps, n_features)`` whose rows
    are time steps, or several sequences: a list of 2-D arrays (lengths may
    differ) or a 3-D array ``(n_sequences, n_timesteps, n_features)``. ``y``
    has one row per time step, in the same layout, or, with several
    sequences, is a 1-D array with one target per sequence (regressed from
    the output of the last step, as in the adding problem). Every sequence
    starts from the (learned) initial state.

    Parameters
    ----------
{_PARAMS_DOC}
    Attributes
    ----------
{_ATTRS_DOC}
    See Also
    --------
    RNNClassifier : the same networks for sequence or per-step labels.
    from_esn : an RNNRegressor that starts from a fitted ESN.
    reservoir.ESNRegressor : fixed reservoir, ridge readout.

    Notes
    -----
    Gradients are exact (checked against central finite differences in the
    test suite) and the LSTM and GRU match ``torch.nn.LSTM`` / ``GRU`` with
    the same weights. Time-major arrays, one GEMM for the input projection
    and one for each weight gradient; the time loop does only the recurrent
    product and element-wise work.

    References
    ----------
    Pascanu, R., Mikolov, T. and Bengio, Y. (2013). On the difficulty of
    training recurrent neural networks. ICML.

    Le, Q. V., Jaitly, N. and Hinton, G. E. (2015). A simple way to initialize
    recurrent networks of rectified linear units. arXiv:1504.00941.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.comparators import RNNRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-1, 1, (200, 1))
    >>> y = np.roll(X[:, 0], 1)  # the previous input
    >>> rnn = RNNRegressor(8, cell="gru", learning_rate=0.02, truncation=20,
    ...                    max_epochs=30, random_state=0).fit(X, y)
    >>> rnn.predict(X).shape
    (200,)
    >>> bool(rnn.loss_curve_[-1] < 0.1 * rnn.loss_curve_[0])
    True
    """

    _task = "regression"

    def fit(self, X, y):
        """Initialise the network and train it by BPTT.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_targets), one \
such array per sequence, or array-like of shape (n_sequences,)
            Target of every time step, or (with a collection ``X``) one scalar
            target per sequence, fitted from the output of its last step.

        Returns
        -------
        self : RNNRegressor
            The fitted estimator.
        """
        self._check_params()
        if _is_sequence_targets(X, y):
            sequences, _, layout = check_sequences(self, X, reset=True)
            values = column_or_1d(y, dtype=np.float64)
            if values.shape[0] != len(sequences):
                raise ValueError(
                    f"X holds {len(sequences)} sequences but y holds "
                    f"{values.shape[0]} targets; pass one target per sequence."
                )
            if not np.all(np.isfinite(values)):
                raise ValueError("y contains NaN or infinite values.")
            targets, masks = _last_step_targets(sequences, values)
            targets = [t[:, None] for t in targets]
            self._per_sequence, self._y_ndim = True, 1
        else:
            sequences, targets, layout = check_sequences(self, X, y, reset=True)
            self._per_sequence, self._y_ndim = False, targets[0].ndim
            targets = [t.reshape(t.shape[0], -1) for t in targets]
            masks = [np.ones(t.shape[0]) for t in targets]
        check_magnitude(
            targets,
            "y",
            "The squared-error loss would overflow: scale y first, for example "
            "with sklearn.compose.TransformedTargetRegressor and a StandardScaler.",
        )
        n_outputs = targets[0].shape[1]
        self._train(sequences, targets, masks, layout, n_outputs, None)
        return self

    def predict(self, X):
        """Predict the target of every time step.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s); each starts from the learned initial state.

        Returns
        -------
        y_pred : ndarray, or list of ndarrays for a list input
            Prediction for every time step, in the layout of ``X``; with
            per-sequence targets, an array of shape (n_sequences,).
        """
        check_is_fitted(self)
        sequences, _, layout = check_sequences(self, X, reset=False)
        outputs = self._outputs(sequences)
        if self._per_sequence:
            return np.array([o[-1, 0] for o in outputs])
        if self._y_ndim == 1:
            outputs = [o[:, 0] for o in outputs]
        return reshape_output(outputs, layout)


class RNNClassifier(ClassifierMixin, _BaseRNN):
    __doc__ = f"""Recurrent network (Elman, LSTM or GRU) trained by BPTT, for labels.

    Trained on the softmax cross-entropy. Two kinds of labels:

    - **per step**: ``y`` has one label per time step (one 2-D sequence with a
      1-D ``y``, or one label sequence per input sequence); ``predict``
      returns a label for every step, in the layout of ``X``;
    - **per sequence**: ``X`` is a collection (a list of 2-D arrays or a 3-D
      array) and ``y`` a 1-D array with one label per sequence; the network
      classifies from the output of the last step, and ``predict`` returns one
      label per sequence.

    Parameters
    ----------
{_PARAMS_DOC}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
{_ATTRS_DOC}
    See Also
    --------
    RNNRegressor : the same networks for real-valued targets.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir.comparators import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(40, 15, 1))
    >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    >>> clf = RNNClassifier(8, learning_rate=0.05, batch_size=10,
    ...                     max_epochs=40, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> bool(clf.score(X, y) > 0.9)
    True
    """

    _task = "classification"

    def fit(self, X, y):
        """Initialise the network and train it by BPTT.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        y : array-like of shape (n_timesteps,), one such array per sequence, \
or array-like of shape (n_sequences,)
            A label for every time step, or one label per sequence (with a
            collection ``X``).

        Returns
        -------
        self : RNNClassifier
            The fitted estimator.
        """
        self._check_params()
        if _is_sequence_targets(X, y):
            sequences, _, layout = check_sequences(self, X, reset=True)
            labels = column_or_1d(y)
            if labels.shape[0] != len(sequences):
                raise ValueError(
                    f"X holds {len(sequences)} sequences but y holds "
                    f"{labels.shape[0]} labels; pass one label per sequence."
                )
            check_classification_targets(labels)
            self.classes_, encoded = np.unique(labels, return_inverse=True)
            targets, masks = _last_step_targets(sequences, encoded)
            self._per_sequence = True
        else:
            sequences, label_seqs, layout = check_sequences(
                self, X, y, reset=True, y_numeric=False
            )
            if layout == "one":
                label_seqs = [column_or_1d(label_seqs[0], warn=True)]
            elif label_seqs[0].ndim != 1:
                raise ValueError(
                    "RNNClassifier takes one label per step (1-D label sequences) "
                    "or one label per sequence; multi-output labels are not "
                    "supported."
                )
            all_labels = np.concatenate(label_seqs)
            check_classification_targets(all_labels)
            self.classes_, encoded = np.unique(all_labels, return_inverse=True)
            bounds = np.cumsum([0] + [s.shape[0] for s in sequences])
            targets = [
                encoded[a:b].astype(np.float64) for a, b in itertools.pairwise(bounds)
            ]
            masks = [np.ones(s.shape[0]) for s in sequences]
            self._per_sequence = False
        n_classes = len(self.classes_)
        self._train(sequences, targets, masks, layout, n_classes, np.zeros(n_classes))
        return self

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).

        Returns
        -------
        proba : ndarray of shape (n_timesteps, n_classes) (per-step labels, one \
per sequence in the layout of ``X``) or (n_sequences, n_classes) (sequence labels)
            Probability of each class in ``classes_`` order.
        """
        check_is_fitted(self)
        sequences, _, layout = check_sequences(self, X, reset=False)
        outputs = self._outputs(sequences)
        if self._per_sequence:
            return _softmax(np.stack([o[-1] for o in outputs]))
        return reshape_output([_softmax(o) for o in outputs], layout)

    def predict(self, X):
        """Predict labels.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).

        Returns
        -------
        labels : ndarray of shape (n_timesteps,) (per-step labels, one per \
sequence in the layout of ``X``) or (n_sequences,) (sequence labels)
            Predicted class of every step, or of every sequence.
        """
        proba = self.predict_proba(X)
        if isinstance(proba, list):
            return [self.classes_[np.argmax(p, axis=1)] for p in proba]
        return self.classes_[np.argmax(proba, axis=-1)]


def from_esn(esn, **params) -> RNNRegressor:
    """An RNNRegressor that starts from a fitted ESN and fine-tunes all of it.

    The ESN's recurrent matrix ``W_`` (densified if sparse), input matrix
    ``W_in_``, bias ``bias_`` and ridge readout (weights and intercept, on
    ``[u_t, x_t]`` when the ESN's ``include_input`` is True) are copied into an
    explicit weight mapping, the ``init`` parameter of a leaky Elman
    RNNRegressor with the ESN's ``n_units``, ``activation``, ``leak_rate``
    (the rates it drew, per layer) and ``include_input``. Training then
    updates the recurrent, input, bias and readout weights (and a learned
    initial state, starting at the ESN's zero state); the leak rates stay
    fixed. The ESN's ``washout`` is copied too, so the fine-tuning loss covers
    the steps the ridge readout was fitted on. With ``max_epochs=0`` the
    network predicts exactly what the ESN predicts (to rounding, for a
    float64 ESN).

    Deep and bidirectional ESNs map too. A deep ESN (``n_layers > 1``)
    becomes a stack of as many Elman layers with ``readout_layers='all'``
    (the ESN's readout sees every layer). A bidirectional ESN becomes a
    network with ``bidirectional=True``: its backward reservoirs are the
    reverse layers. In a deep bidirectional ESN the two directions are two
    separate stacks, whereas layer ``l`` of a bidirectional network sees both
    directions of layer ``l - 1``: the blocks of the input weights that join
    the directions start at zero (so the network computes exactly the ESN)
    and are trained with the rest. Bidirectional networks train on whole
    sequences (``truncation=None``).

    Because the weights are copied into a plain parameter, the result is an
    ordinary estimator: ``get_params`` shows them, ``clone`` copies them (it
    does not refit or forget the ESN), and a grid search over training
    options (``learning_rate``, ``max_epochs``, ...) starts every candidate
    from the same ESN weights.

    An ESN readout fitted with a tiny ridge penalty has large weights, which
    makes the loss very sharp in the recurrent weights: fine-tune with a small
    step (for example ``solver='sgd'`` and ``learning_rate=1e-5``, or Adam at
    ``1e-6``), since Adam's first steps move every weight by about
    ``learning_rate`` at once.

    Parameters
    ----------
    esn : ESNRegressor
        A fitted ESN with the built-in ridge readout (``readout=None``): one
        reservoir, a deep stack or a bidirectional one.
    **params : dict
        Further RNNRegressor parameters (training options such as
        ``learning_rate``, ``max_epochs``, ``truncation``, ``random_state``).
        Architecture parameters that contradict the ESN (``cell``,
        ``n_layers``, ``n_units``, ...) raise a ValueError in ``fit``.

    Returns
    -------
    rnn : RNNRegressor
        An unfitted estimator; call ``fit`` to fine-tune.

    Raises
    ------
    TypeError
        If ``esn`` is not a fitted ESNRegressor with a ridge readout (an
        ESNClassifier, an ESNForecaster or a custom readout cannot be
        mapped), or if it is a bidirectional ESN whose two directions drew
        different leak rates from a distribution.

    Examples
    --------
    >>> import numpy as np
    >>> from reservoir import ESNRegressor
    >>> from reservoir.comparators import from_esn
    >>> from reservoir.datasets import mackey_glass, to_forecasting
    >>> X, y = to_forecasting(mackey_glass(400), horizon=1)
    >>> esn = ESNRegressor(30, leak_rate=0.5, random_state=0).fit(X, y)
    >>> rnn = from_esn(esn, max_epochs=0).fit(X, y)
    >>> bool(np.allclose(rnn.predict(X), esn.predict(X), rtol=0, atol=1e-12))
    True
    >>> tuned = from_esn(esn, max_epochs=5, learning_rate=1e-4, truncation=50,
    ...                  random_state=0).fit(X, y)
    >>> len(tuned.loss_curve_)
    5

    A deep bidirectional ESN:

    >>> deep = ESNRegressor([30, 20], n_layers=2, bidirectional=True,
    ...                     random_state=0).fit(X, y)
    >>> rnn = from_esn(deep, max_epochs=0).fit(X, y)
    >>> bool(np.allclose(rnn.predict(X), deep.predict(X), rtol=0, atol=1e-10))
    True
    """
    if not isinstance(esn, ESNRegressor):
        raise TypeError(f"{_FROM_ESN_SUPPORTS}; got {type(esn).__name__}.")
    if not all(hasattr(esn, name) for name in ("W_", "W_in_", "bias_", "reservoir_")):
        raise TypeError(
            f"{_FROM_ESN_SUPPORTS}; got an ESNRegressor that is not fitted "
            f"(call fit first)."
        )
    if esn.readout is not None or not hasattr(esn, "_W_out"):
        raise TypeError(
            f"{_FROM_ESN_SUPPORTS}; got one with readout={esn.readout!r}: a custom "
            f"readout has no weights to copy."
        )
    runner = esn.reservoir_
    if isinstance(runner, BidirectionalReservoir):
        stacks = [runner.forward, runner.backward]
    else:
        stacks = [runner]
    stacks = [s.layers if isinstance(s, DeepReservoir) else [s] for s in stacks]
    n_layers, directions = len(stacks[0]), len(stacks)
    layers = stacks[0]
    leaks = [np.array(layer.leak, dtype=np.float64) for layer in layers]
    for layer, (ahead, back) in enumerate(zip(layers, stacks[-1], strict=True)):
        if not np.array_equal(ahead.leak, back.leak):
            raise TypeError(
                f"{_FROM_ESN_SUPPORTS}; the forward and backward reservoirs of "
                f"this bidirectional ESN have different leak rates in layer "
                f"{layer} (drawn from a distribution), which one recurrent "
                f"layer pair of an RNNRegressor cannot express."
            )
    sizes = [layer.n_units for layer in layers]

    def listed(value):
        return list(value) if isinstance(value, list) else [value]

    Ws = [
        np.array(W.toarray() if hasattr(W, "toarray") else W, dtype=np.float64)
        for W in listed(esn.W_)
    ]
    W_ins = [np.array(W, dtype=np.float64) for W in listed(esn.W_in_)]
    biases = [np.array(b, dtype=np.float64) for b in listed(esn.bias_)]
    if directions == 2:  # layer l > 0 sees [forward, reverse] of layer l - 1
        for d in range(2):
            for layer in range(1, n_layers):
                i = d * n_layers + layer
                zero = np.zeros_like(W_ins[i])
                W_ins[i] = np.vstack([W_ins[i], zero] if d == 0 else [zero, W_ins[i]])
    W_out = np.array(esn._W_out, dtype=np.float64)
    if directions == 2 and n_layers > 1:
        # the ESN's readout rows are [u, forward layers, reverse layers]; the
        # network's are [u, layer 0 (forward, reverse), layer 1 (...), ...]
        n_in = esn.n_features_in_ if esn.include_input else 0
        bounds = np.cumsum([n_in, *sizes, *sizes])
        blocks = [np.arange(a, b) for a, b in itertools.pairwise(bounds)]
        rows = [np.arange(n_in)]
        for layer in range(n_layers):
            rows += [blocks[layer], blocks[n_layers + layer]]
        W_out = W_out[np.concatenate(rows)]

    def one_or_list(values):
        return values[0] if len(values) == 1 else values

    leak = [
        1.0 if np.all(a == 1.0) else (float(a[0]) if np.all(a == a[0]) else a)
        for a in leaks
    ]
    activations = [layer.activation for layer in layers]
    init = {
        "W": one_or_list(Ws),
        "W_in": one_or_list(W_ins),
        "bias": one_or_list(biases),
        "W_out": W_out,
        "b_out": np.array(esn._b_out, dtype=np.float64).reshape(-1),
    }
    settings = {
        "n_units": sizes[0] if len(set(sizes)) == 1 else sizes,
        "cell": "elman",
        "activation": (activations[0] if len(set(activations)) == 1 else activations),
        "n_layers": n_layers,
        "leak_rate": leak[0] if n_layers == 1 else leak,
        "include_input": bool(esn.include_input),
        "washout": int(getattr(esn, "washout", 0)),
        "bidirectional": directions == 2,
        "readout_layers": "all" if n_layers > 1 else "top",
        "init": init,
    }
    settings.update(params)
    return RNNRegressor(**settings)
