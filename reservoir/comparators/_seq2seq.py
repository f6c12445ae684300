"""EncoderDecoderRegressor: a sequence-to-sequence network trained by BPTT."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from sklearn.base import MultiOutputMixin, RegressorMixin
from sklearn.utils import check_array
from sklearn.utils.validation import check_is_fitted

from .._validation import (
    check_int,
    check_option,
    check_real,
    check_sequences,
    is_sequence_collection,
)
from ._network import init_params, masked_loss
from ._rnn import (
    _ATTRS_DOC,
    PREDICT_BATCH,
    _BaseRNN,
    _blas_threads,
    _pad_inputs,
    param_docs,
)
from ._seq2seq_network import EncoderDecoder

__all__ = ["EncoderDecoderRegressor"]

#: Schedules of the teacher-forcing probability over the epochs.
SCHEDULES = ("constant", "linear", "exponential", "inverse_sigmoid")


def teacher_forcing_probability(
    epoch: int, start: float, schedule: str, decay: float
) -> float:
    """Probability of feeding the target in epoch ``epoch`` (0 = the first).

    ``'constant'``: ``start``; ``'linear'``: ``max(0, start - decay * epoch)``;
    ``'exponential'``: ``start * decay ** epoch``; ``'inverse_sigmoid'``:
    ``start * decay / (decay + exp(epoch / decay))`` (Bengio et al. 2015).
    """
    if schedule == "constant":
        return start
    if schedule == "linear":
        return max(0.0, start - decay * epoch)
    if schedule == "exponential":
        return start * decay**epoch
    return start * decay / (decay + np.exp(epoch / decay))


def _pad_outputs(targets, masks, idx):
    """Time-major padded output sequences ``(T_out, B, K)`` and their mask."""
    T = max(targets[i].shape[0] for i in idx)
    Y = np.zeros((T, len(idx), targets[idx[0]].shape[1]))
    M = np.zeros((T, len(idx)))
    for j, i in enumerate(idx):
        n = targets[i].shape[0]
        Y[:n, j] = targets[i]
        M[:n, j] = masks[i]
    return Y, M


def _check_output_sequences(y, n_sequences: int) -> list[np.ndarray]:
    """One output sequence (1-D or 2-D, any length >= 1) per input sequence."""
    if y is None:
        raise ValueError(
            "EncoderDecoderRegressor requires y to be passed, but the target y is None."
        )
    if isinstance(y, np.ndarray) and y.ndim < 2:
        raise ValueError(
            f"y must hold one output sequence per input sequence (a 2-D array "
            f"(n_sequences, n_steps), a 3-D array or a list of arrays); got "
            f"an array of shape {y.shape}."
        )
    targets = list(y)
    if len(targets) != n_sequences:
        raise ValueError(
            f"X holds {n_sequences} sequences but y holds {len(targets)}; pass "
            f"one output sequence per input sequence."
        )
    checked = [
        check_array(t, ensure_2d=False, dtype=np.float64, input_name=f"y[{i}]")
        for i, t in enumerate(targets)
    ]
    if any(t.ndim not in (1, 2) for t in checked):
        raise ValueError("every output sequence in y must be 1-D or 2-D.")
    if len({t.ndim for t in checked}) > 1:
        raise ValueError("all output sequences in y must be 1-D, or all 2-D.")
    widths = {t.reshape(t.shape[0], -1).shape[1] for t in checked}
    if len(widths) > 1:
        raise ValueError(
            f"all output sequences in y must have the same number of targets; "
            f"got {sorted(widths)}."
        )
    return checked


_SHARED = (
    "n_units",
    "cell",
    "activation",
    "n_layers",
    "leak_rate",
    "init",
    "spectral_radius",
    "density",
    "input_scaling",
    "bias_scaling",
)
_TRAINING = (
    "solver",
    "learning_rate",
    "momentum",
    "nesterov",
    "batch_size",
    "max_epochs",
)
_AFTER = (
    "clip",
    "learn_initial_state",
    "early_stopping",
    "validation_fraction",
    "n_iter_no_change",
    "tol",
    "shuffle",
    "warm_start",
    "random_state",
    "verbose",
)

_TEACHER_DOC = """\
    teacher_forcing : float in [0, 1], default=1.0
        Probability, at the first epoch, that a decoder step is fed the target
        of the previous step rather than the network's own prediction
        (drawn per step and sequence; 1 is plain teacher forcing, 0 trains in
        free generation as the network predicts).
    teacher_forcing_schedule : {'constant', 'linear', 'exponential', \
'inverse_sigmoid'}, default='constant'
        How that probability changes over the epochs ``e = 0, 1, ...``
        (scheduled sampling, Bengio et al. 2015): ``'constant'`` keeps
        ``teacher_forcing``; ``'linear'`` is
        ``max(0, teacher_forcing - decay * e)``; ``'exponential'`` is
        ``teacher_forcing * decay ** e``; ``'inverse_sigmoid'`` is
        ``teacher_forcing * decay / (decay + exp(e / decay))``, with ``decay``
        the ``teacher_forcing_decay``.
    teacher_forcing_decay : float, default=0.01
        The schedule's rate: the step per epoch (``'linear'``, >= 0), the
        factor per epoch (``'exponential'``, in (0, 1]) or ``k`` of the
        inverse sigmoid (>= 1).
"""

_TRUNCATION_DOC = """\
    truncation : int, default=None
        Truncated BPTT over the output steps: each minibatch's output
        sequences are cut into windows of this many steps, the decoder state
        (and its last prediction) carried from window to window, gradients
        stopping at the window boundary, and the weights updated after every
        window. The first window backpropagates into the encoder (through the
        whole input sequence). None: one update per minibatch.
"""


_LAYER_ATTRS_DOC = _ATTRS_DOC.replace(
    "Per layer, the trained weights",
    "Encoder layers, then decoder layers: the trained weights",
)


class EncoderDecoderRegressor(MultiOutputMixin, RegressorMixin, _BaseRNN):
    __doc__ = f"""Encoder–decoder (sequence-to-sequence) network trained by BPTT.

    The encoder, a stack of recurrent layers (Elman, LSTM or GRU), reads an
    input sequence; the final state of each of its layers starts the decoder
    layer of the same depth, and the decoder generates an output sequence of
    its own length (Sutskever, Vinyals and Le 2014; Cho et al. 2014), fed at
    every step with the previous output: the target during training (teacher
    forcing, with a schedule for feeding its own predictions instead), its own
    prediction at ``predict`` (free generation). A linear readout maps the top
    decoder layer to the outputs; the loss is the mean squared error of every
    output step. For multi-step forecasting the inputs are windows of a
    series' past and the outputs the following steps, predicted in one pass.

    ``X`` is a collection of input sequences (a list of 2-D arrays, lengths
    may differ, or a 3-D array ``(n_sequences, n_timesteps, n_features)``)
    and ``y`` one output sequence per input sequence (a list of 1-D or 2-D
    arrays of any lengths, a 2-D array ``(n_sequences, n_steps)`` or a 3-D
    array ``(n_sequences, n_steps, n_targets)``). One 2-D ``X`` is a single
    input sequence whose output sequence ``y`` has one row per input row (as
    everywhere in the package).

    Parameters
    ----------
{param_docs(_SHARED)}{_TEACHER_DOC}{param_docs(_TRAINING)}{_TRUNCATION_DOC}\
{param_docs(_AFTER)}
    Attributes
    ----------
    output_length_ : int or None
        Length of the training output sequences when they all had one length
        (the default ``n_steps`` of :meth:`predict`), else None.
{_LAYER_ATTRS_DOC}
    See Also
    --------
    RNNRegressor : one recurrent network, one output per input step.
    reservoir.ESNForecaster : closed-loop forecasting with a reservoir.

    Notes
    -----
    Gradients are exact, through the fed-back predictions and from the
    decoder into the encoder (checked against finite differences and, with
    PyTorch installed, against an encoder–decoder written in PyTorch). When
    every step of a window is teacher-forced the decoder runs layer by layer
    over the whole window; otherwise it advances one step at a time through
    its layers and the readout. Input sequences of different lengths are
    encoded in groups of equal length, so each starts the decoder from the
    state after its own last step.

    References
    ----------
    Sutskever, I., Vinyals, O. and Le, Q. V. (2014). Sequence to sequence
    learning with neural networks. NeurIPS.

    Cho, K. et al. (2014). Learning phrase representations using RNN
    encoder-decoder for statistical machine translation. EMNLP.

    Bengio, S., Vinyals, O., Jaitly, N. and Shazeer, N. (2015). Scheduled
    sampling for sequence prediction with recurrent neural networks. NeurIPS.

    Examples
    --------
    Forecast the next 10 steps of a sine from a window of its last 30:

    >>> import numpy as np
    >>> from reservoir.comparators import EncoderDecoderRegressor
    >>> series = np.sin(np.arange(600) * 0.2)
    >>> starts = np.arange(0, 560, 3)
    >>> X = np.stack([series[s : s + 30] for s in starts])[:, :, None]
    >>> y = np.stack([series[s + 30 : s + 40] for s in starts])
    >>> model = EncoderDecoderRegressor(16, cell="gru", learning_rate=0.01,
    ...                                 max_epochs=30, random_state=0).fit(X, y)
    >>> model.predict(X[:2]).shape
    (2, 10)
    >>> bool(np.sqrt(np.mean((model.predict(X) - y) ** 2)) < 0.1)
    True
    """

    # the shared training code reads these (the encoder–decoder has no
    # readout on its inputs, no washout, one direction, no skip connections)
    include_input = False
    washout = 0
    bidirectional = False
    skip = None
    readout_layers = "top"

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
        teacher_forcing: float = 1.0,
        teacher_forcing_schedule: str = "constant",
        teacher_forcing_decay: float = 0.01,
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
        self.teacher_forcing = teacher_forcing
        self.teacher_forcing_schedule = teacher_forcing_schedule
        self.teacher_forcing_decay = teacher_forcing_decay
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

    def _check_params(self) -> dict:
        if isinstance(self.init, Mapping):
            raise ValueError(
                "init must be one of 'orthogonal', 'glorot', 'identity', "
                "'reservoir' for the encoder–decoder (a weight mapping is "
                "not supported)."
            )
        p = super()._check_params()
        p["teacher_forcing"] = check_real(
            self.teacher_forcing, "teacher_forcing", low=0.0, high=1.0
        )
        schedule = check_option(
            self.teacher_forcing_schedule, "teacher_forcing_schedule", SCHEDULES
        )
        low, high = {
            "constant": (0.0, None),
            "linear": (0.0, None),
            "exponential": (0.0, 1.0),
            "inverse_sigmoid": (1.0, None),
        }[schedule]
        p["teacher_forcing_schedule"] = schedule
        p["teacher_forcing_decay"] = check_real(
            self.teacher_forcing_decay,
            f"teacher_forcing_decay (with teacher_forcing_schedule={schedule!r})",
            low=low,
            high=high,
            low_inclusive=schedule != "exponential",
        )
        return p

    # ------------------------------------------------------------------
    def _initial_params(self, p, rng, n_features, n_outputs, output_bias) -> dict:
        common = dict(
            cell=p["cell"],
            init=self.init,
            n_layers=p["n_layers"],
            n_units=p["n_units"],
            include_input=False,
            spectral_radius=self.spectral_radius,
            density=self.density,
            bias_scaling=self.bias_scaling,
            output_bias=output_bias,
        )
        encoder = init_params(
            rng,
            n_features=n_features,
            n_outputs=n_outputs,
            learn_initial_state=p["learn_initial_state"],
            input_scaling=self.input_scaling,
            **common,
        )
        scaling = self.input_scaling if np.ndim(self.input_scaling) == 0 else 1.0
        decoder = init_params(
            rng,
            n_features=n_outputs,
            n_outputs=n_outputs,
            learn_initial_state=False,
            input_scaling=scaling,
            **common,
        )
        params = {f"e{k}": v for k, v in encoder.items() if k[0].isdigit()}
        params.update({f"d{k}": v for k, v in decoder.items() if k[0].isdigit()})
        params["W_out"] = decoder["W_out"]
        params["b_out"] = decoder["b_out"]
        return params

    def _network(self, p, params) -> EncoderDecoder:
        return EncoderDecoder(
            p["cell"],
            p["n_layers"],
            p["n_units"],
            params,
            activation=p["activation"],
            leak=p["leak"],
            learn_initial_state=p["learn_initial_state"],
        )

    def _split(self, p, rng, sequences, targets, masks, layout):
        if not p["early_stopping"] or not (layout == "one" or len(sequences) == 1):
            return super()._split(p, rng, sequences, targets, masks, layout)
        # one pair: hold out the tail of its output sequence
        T = targets[0].shape[0]
        n_val = max(1, round(p["validation_fraction"] * T))
        if T - n_val < 1:
            raise ValueError(
                f"validation_fraction={p['validation_fraction']} leaves no "
                f"training step in an output sequence of {T} steps; use a longer "
                f"sequence or disable early_stopping."
            )
        cut = T - n_val
        val_mask = masks[0].copy()
        val_mask[:cut] = 0.0
        train = (sequences, [targets[0][:cut]], [masks[0][:cut]])
        return train, (sequences, targets, [val_mask])

    def _batch_gradients(self, p, net, rng, data, idx, epoch):
        sequences, targets, masks = data
        X, lengths = _pad_inputs(sequences, idx)
        Y, M = _pad_outputs(targets, masks, idx)
        T, B = M.shape
        chance = teacher_forcing_probability(
            epoch - 1,
            p["teacher_forcing"],
            p["teacher_forcing_schedule"],
            p["teacher_forcing_decay"],
        )
        if chance >= 1.0:
            teacher = np.ones((T, B))
        elif chance <= 0.0:
            teacher = np.zeros((T, B))
        else:
            teacher = (rng.random_sample((T, B)) < chance).astype(np.float64)
        k = p["truncation"] or T
        states = v0 = out = None
        for s in range(0, T, k):
            win = slice(s, s + k)
            if s:
                tf = teacher[s][:, None]
                v0 = tf * Y[s - 1] + (1.0 - tf) * out[-1]
            count = float(M[win].sum())
            if count == 0.0:  # nothing to learn here: run on
                if not s:
                    states, _ = net.encode(X, lengths)
                    v0 = np.zeros((B, Y.shape[2]))
                out, _, states = net.decode(
                    states, v0, Y[win], teacher[win], keep_cache=False
                )
                continue
            loss, grads, states, out = net.loss_grad(
                None if s else X, lengths, Y[win], M[win], teacher[win], states, v0
            )
            yield loss, grads, count

    def _mean_loss(self, net, data, batch_size) -> float:
        """Mean squared error of free generation (as ``predict``)."""
        sequences, targets, masks = data
        total = weight = 0.0
        for start in range(0, len(sequences), batch_size):
            idx = list(range(start, min(start + batch_size, len(sequences))))
            X, lengths = _pad_inputs(sequences, idx)
            Y, M = _pad_outputs(targets, masks, idx)
            out = net.generate(X, lengths, Y.shape[0])
            loss, _ = masked_loss("regression", out, Y, M)
            count = float(M.sum())
            total += loss * count
            weight += count
        return total / weight if weight else 0.0

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # scikit-learn's regression check fits one 2-D sequence: a single
        # training pair, whose whole output sequence (200 unrelated values)
        # must be generated from one encoded state without seeing the
        # aligned inputs; an encoder-decoder is not expected to score there
        tags.regressor_tags.poor_score = True
        return tags

    # ------------------------------------------------------------------
    def fit(self, X, y):
        """Initialise the network and train it by BPTT.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        y : array-like of shape (n_timesteps,) or (n_timesteps, n_targets) for \
one 2-D ``X``; else one output sequence per input sequence (list of 1-D or 2-D \
arrays, or ndarray of shape (n_sequences, n_steps[, n_targets]))
            Output sequence(s).

        Returns
        -------
        self : EncoderDecoderRegressor
            The fitted estimator.
        """
        self._check_params()
        self._per_sequence = False
        sequences, targets, layout = check_sequences(
            self, X, "no_validation" if is_sequence_collection(X) else y, reset=True
        )
        if targets is None:
            targets = _check_output_sequences(y, len(sequences))
        self._y_ndim = targets[0].ndim
        targets = [t.reshape(t.shape[0], -1) for t in targets]
        lengths = {t.shape[0] for t in targets}
        self.output_length_ = lengths.pop() if len(lengths) == 1 else None
        self._same_length = all(
            t.shape[0] == s.shape[0] for t, s in zip(targets, sequences, strict=True)
        )
        masks = [np.ones(t.shape[0]) for t in targets]
        self._train(sequences, targets, masks, layout, targets[0].shape[1], None)
        return self

    def predict(self, X, n_steps: int | None = None):
        """Generate the output sequence of every input sequence.

        Parameters
        ----------
        X : array-like of shape (n_timesteps, n_features), list of such arrays \
or ndarray of shape (n_sequences, n_timesteps, n_features)
            Input sequence(s).
        n_steps : int, default=None
            Output steps to generate. None: as many as the training output
            sequences had when they all had one length, or, when every
            training output sequence was as long as its input (as for one 2-D
            ``X``), as many as each input has.

        Returns
        -------
        y_pred : ndarray of shape (n_steps,) or (n_steps, n_targets) for one \
2-D ``X``; (n_sequences, n_steps[, n_targets]) for a 3-D ``X``; a list for a list
            The generated sequences (the decoder fed its own predictions).
        """
        check_is_fitted(self)
        sequences, _, layout = check_sequences(self, X, reset=False)
        if n_steps is not None:
            steps = [check_int(n_steps, "n_steps", low=1)] * len(sequences)
        elif self._same_length:
            steps = [s.shape[0] for s in sequences]
        elif self.output_length_ is not None:
            steps = [self.output_length_] * len(sequences)
        else:
            raise ValueError(
                "n_steps is required: the training output sequences had "
                "different lengths, so there is no default length."
            )
        net = self._net
        outputs: list = [None] * len(sequences)
        with _blas_threads(net.n_units):
            for start in range(0, len(sequences), PREDICT_BATCH):
                idx = list(range(start, min(start + PREDICT_BATCH, len(sequences))))
                X_pad, lengths = _pad_inputs(sequences, idx)
                out = net.generate(X_pad, lengths, max(steps[i] for i in idx))
                for j, i in enumerate(idx):
                    outputs[i] = out[: steps[i], j]
        if self._y_ndim == 1:
            outputs = [o[:, 0] for o in outputs]
        if layout == "one":
            return outputs[0]
        if layout == "3d" and len({o.shape for o in outputs}) == 1:
            return np.stack(outputs)
        return outputs
