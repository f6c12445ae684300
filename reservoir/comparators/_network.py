"""A stack of recurrent layers with a linear readout, its loss and gradients.

Parameters live in one ``dict[str, ndarray]``: per layer ``l`` the keys
``"l.W_in"``, ``"l.W"``, ``"l.b"`` (plus ``"l.b_hn"`` for the GRU and
``"l.W_skip"`` with a skip connection through time), the learned initial
state ``"l.h0"`` (and ``"l.c0"`` for the LSTM) when it is trained, the same
keys with the prefix ``"lr."`` for the reverse layer of a bidirectional
network, and the readout ``"W_out"`` (F, n_outputs) and ``"b_out"``. The
readout sees ``[u_t, h_t]`` (``include_input``) or ``h_t`` of the top layer
(of every layer with ``readout_layers='all'``).

Losses are means over the unmasked entries: the squared error per target
value for regression, the softmax cross-entropy per labelled step for
classification. No validation here.
"""

from __future__ import annotations

import numpy as np

from ..matrices import bias_vector, input_matrix, recurrent_matrix
from ._cells import N_BLOCKS, layer_backward, layer_forward

__all__: list[str] = []

INITS = ("orthogonal", "glorot", "identity", "reservoir")


def per_layer(value, n_layers: int) -> list:
    """One value per layer: a list or tuple is taken as given, else repeated."""
    if isinstance(value, list | tuple):
        return list(value)
    return [value] * n_layers


def reverse_index(lengths, T: int):
    """Time index that reverses each sequence within its length (padding stays
    at the end); its own inverse. None when every sequence fills ``T`` steps."""
    if lengths is None or np.all(np.asarray(lengths) == T):
        return None
    t = np.arange(T)[:, None]
    lengths = np.asarray(lengths)[None, :]
    return np.where(t < lengths, lengths - 1 - t, t)


def reverse_time(A: np.ndarray, index) -> np.ndarray:
    """``A`` (T, B, ...) with every sequence reversed (see ``reverse_index``)."""
    if index is None:
        return np.ascontiguousarray(A[::-1])
    return np.take_along_axis(A, index.reshape(index.shape + (1,) * (A.ndim - 2)), 0)


def masked_loss(task: str, out: np.ndarray, Y: np.ndarray, M: np.ndarray):
    """Mean loss over the unmasked entries and its gradient w.r.t. ``out``."""

    count = float(M.sum())
    if count == 0:
        return 0.0, np.zeros_like(out)
    if task == "regression":
        diff = (out - Y) * M[:, :, None]
        denom = count * out.shape[2]
        return float(np.vdot(diff, diff)) / denom, diff * (2.0 / denom)
    # softmax cross-entropy on integer labels
    shifted = out - out.max(axis=2, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    log_p = shifted - log_z
    labels = Y.astype(np.intp)
    picked = np.take_along_axis(log_p, labels[:, :, None], axis=2)[:, :, 0]
    loss = -float((picked * M).sum()) / count
    grad = np.exp(log_p)
    np.put_along_axis(
        grad,
        labels[:, :, None],
        np.take_along_axis(grad, labels[:, :, None], axis=2) - 1.0,
        axis=2,
    )
    grad *= (M / count)[:, :, None]
    return loss, grad


class LayerStack:
    """Settings shared by the networks: the cell and, per layer, the size,
    activation and leak (one value or a list with one per layer)."""

    def __init__(self, cell, n_layers, n_units, params, activation, leak):
        self.cell = cell
        self.n_layers = n_layers
        self.sizes = [int(n) for n in per_layer(n_units, n_layers)]
        self.n_units = max(self.sizes)
        self.params = params
        self.activations = per_layer(activation, n_layers)
        self.leak = leak

    @property
    def leak(self):
        return self._leak

    @leak.setter
    def leak(self, value):
        self._leak = value
        self.leaks = per_layer(value, self.n_layers)

    def layer_params(self, layer, params=None) -> dict:
        """Parameters of one layer; ``layer`` is an int or a key prefix."""
        params = self.params if params is None else params
        prefix = layer if isinstance(layer, str) else f"{layer}."
        return {k[len(prefix) :]: v for k, v in params.items() if k.startswith(prefix)}


class Network(LayerStack):
    """Recurrent layers + readout with a flat parameter dictionary.

    ``n_units``, ``activation`` and ``leak`` are one value or a list with one
    value per layer. ``bidirectional`` adds a reverse layer beside every layer
    (keys ``"lr."``), run over each sequence reversed within its length; the
    next layer and the readout see both, ``[forward, reverse]``, as in
    PyTorch. ``readout_layers='all'`` gives the readout every layer's states
    (in layer order) instead of the top layer's. ``skip=d`` adds the skip
    connection through time ``h_(t-d) W_skip`` to the Elman layers.
    ``summary=True`` (bidirectional sequence targets) reads out one vector per
    sequence: the forward states at its last step and the reverse states at
    its first step (each direction's final state).
    """

    def __init__(
        self,
        cell: str,
        n_layers: int,
        n_units,
        params: dict,
        *,
        activation="tanh",
        leak=None,
        include_input: bool = False,
        task: str = "regression",
        learn_initial_state: bool = True,
        bidirectional: bool = False,
        readout_layers: str = "top",
        skip: int | None = None,
        summary: bool = False,
    ):
        super().__init__(cell, n_layers, n_units, params, activation, leak)
        self.include_input = include_input
        self.task = task
        self.learn_initial_state = learn_initial_state
        self.bidirectional = bidirectional
        self.readout_layers = readout_layers
        self.skip = skip
        self.summary = summary

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    def units(self) -> list[tuple[int, int, str]]:
        """``(layer, direction, key prefix)`` of every recurrent layer, in the
        order of the state lists (layer by layer, forward before reverse)."""
        return [
            (layer, d, f"{layer}{'r' if d else ''}.")
            for layer in range(self.n_layers)
            for d in range(self.directions)
        ]

    # ------------------------------------------------------------------
    def initial_states(self, batch: int) -> list[tuple]:
        """Per recurrent layer (see ``units``), the state tuple at the start."""
        states = []
        for layer, _, prefix in self.units():
            N = self.sizes[layer]
            shape = (batch, N) if self.skip is None else (self.skip, batch, N)
            names = ["h0", "c0"] if self.cell == "lstm" else ["h0"]
            if self.learn_initial_state:
                states.append(
                    tuple(
                        np.broadcast_to(self.params[prefix + name], shape).copy()
                        for name in names
                    )
                )
            else:
                states.append(tuple(np.zeros(shape) for _ in names))
        return states

    def _layer(self, layer, prefix, X, state):
        return layer_forward(
            self.cell,
            X,
            state,
            self.layer_params(prefix),
            self.activations[layer],
            self.leaks[layer],
        )

    def forward(self, X: np.ndarray, states: list[tuple], lengths=None):
        """Run ``X`` (T, B, D) through the layers and the readout.

        ``lengths`` (B,) are the sequences' lengths in a padded batch (needed
        by the reverse layers and ``summary``; None: all ``T``). Returns
        ``(outputs (T, B, n_outputs), caches, final_states)``; with
        ``summary`` the outputs are ``(1, B, n_outputs)``.
        """
        T = X.shape[0]
        index = reverse_index(lengths, T) if self.bidirectional else None
        caches, finals, outputs = [], [], []
        inp = X
        for layer in range(self.n_layers):
            halves = []
            for _, d, prefix in self.units()[
                layer * self.directions : (layer + 1) * self.directions
            ]:
                k = len(finals)
                source = reverse_time(inp, index) if d else inp
                H, cache, final = self._layer(layer, prefix, source, states[k])
                caches.append(cache)
                finals.append(final)
                halves.append(reverse_time(H, index) if d else H)
            inp = halves[0] if len(halves) == 1 else np.concatenate(halves, axis=2)
            outputs.append(inp)
        read = outputs if self.readout_layers == "all" else outputs[-1:]
        if self.summary:
            Z = self._summary_features(X, read, lengths)
        else:
            Z = np.concatenate([X, *read], axis=2) if self.include_input else None
            if Z is None:
                Z = read[0] if len(read) == 1 else np.concatenate(read, axis=2)
        T_out, B, F = Z.shape
        out = (
            Z.reshape(T_out * B, F) @ self.params["W_out"] + self.params["b_out"]
        ).reshape(T_out, B, -1)
        caches.append((Z, index))
        return out, caches, finals

    def _last(self, lengths, B: int, T: int) -> np.ndarray:
        return np.full(B, T - 1) if lengths is None else np.asarray(lengths) - 1

    def _summary_features(self, X, read, lengths):
        """``[u_last, (forward at the last step, reverse at the first)...]``."""
        T, B, _ = X.shape
        rows = np.arange(B)
        last = self._last(lengths, B, T)
        parts = [X[last, rows]] if self.include_input else []
        for layer, H in zip(self._read_layers(), read, strict=True):
            N = self.sizes[layer]
            parts.append(H[last, rows, :N])
            if self.bidirectional:
                parts.append(H[0, :, N:])
        return np.concatenate(parts, axis=1)[None]

    def _read_layers(self) -> list[int]:
        if self.readout_layers == "all":
            return list(range(self.n_layers))
        return [self.n_layers - 1]

    def readout_targets(self, Y, M, lengths):
        """Targets and mask the outputs of ``forward`` are compared with."""
        if not self.summary:
            return Y, M
        B = Y.shape[1]
        rows = np.arange(B)
        last = self._last(lengths, B, Y.shape[0])
        return Y[last, rows][None], M[last, rows][None]

    # ------------------------------------------------------------------
    def loss(self, out: np.ndarray, Y: np.ndarray, M: np.ndarray):
        """Mean loss over the unmasked entries and its gradient w.r.t. ``out``."""
        return masked_loss(self.task, out, Y, M)

    def _readout_grads(self, X, d_out, Z, lengths):
        """Gradients of the readout and, per layer, of its states."""
        T_out, B, F = Z.shape
        d2 = d_out.reshape(T_out * B, -1)
        grads = {"W_out": Z.reshape(T_out * B, F).T @ d2, "b_out": d2.sum(axis=0)}
        dZ = d2 @ self.params["W_out"].T
        T = X.shape[0]
        width = self.directions
        dH = [None] * self.n_layers
        col = X.shape[2] if self.include_input else 0
        if self.summary:
            rows = np.arange(B)
            last = self._last(lengths, B, T)
        for layer in self._read_layers():
            N = self.sizes[layer]
            if self.summary:
                block = np.zeros((T, B, width * N))
                block[last, rows, :N] = dZ[:, col : col + N]
                if self.bidirectional:
                    block[0, :, N:] = dZ[:, col + N : col + 2 * N]
            else:
                block = dZ[:, col : col + width * N].reshape(T, B, width * N)
            dH[layer] = block
            col += width * N
        return grads, dH

    def loss_grad(self, X, Y, M, states, *, first: bool, lengths=None, dstates=None):
        """Loss of one (chunk of a) minibatch and the gradients of every parameter.

        ``states`` is the incoming state (treated as a constant); when
        ``first`` is True and the initial state is learned, its gradient is
        included. ``dstates`` (optional) are gradients arriving at the final
        states from later computation. Returns ``(loss, grads, final_states)``.
        """
        out, caches, finals = self.forward(X, states, lengths)
        Y, M = self.readout_targets(Y, M, lengths)
        loss, d_out = self.loss(out, Y, M)
        grads, _, dinit = self.backward(X, d_out, caches, lengths, dstates)
        self._initial_state_grads(grads, dinit, first)
        return loss, grads, finals

    def backward(self, X, d_out, caches, lengths=None, dstates=None):
        """Gradients from ``d_out`` (the loss gradient w.r.t. the outputs).

        Returns ``(grads, dX, dinitial)``: every weight's gradient, the input
        gradient and, per recurrent layer, the gradient of its initial state.
        """
        Z, index = caches[-1]
        grads, dH = self._readout_grads(X, d_out, Z, lengths)
        dinit = [None] * len(self.units())
        dX = None
        for layer in range(self.n_layers - 1, -1, -1):
            d_layer = dH[layer]
            if dX is not None:
                d_layer = dX if d_layer is None else d_layer + dX
            dX = None
            N = self.sizes[layer]
            for _, d, prefix in self.units()[
                layer * self.directions : (layer + 1) * self.directions
            ]:
                k = layer * self.directions + d
                if d_layer is None:
                    part = np.zeros((X.shape[0], X.shape[1], N))
                else:
                    part = d_layer[:, :, d * N : (d + 1) * N]
                if d:
                    part = reverse_time(part, index)
                g, dx, dinit[k] = layer_backward(
                    self.cell,
                    part,
                    caches[k],
                    self.layer_params(prefix),
                    self.activations[layer],
                    self.leaks[layer],
                    None if dstates is None else dstates[k],
                )
                if d:
                    dx = reverse_time(dx, index)
                dX = dx if dX is None else dX + dx
                for key, v in g.items():
                    grads[prefix + key] = v
        return grads, dX, dinit

    def _initial_state_grads(self, grads, dinit, first: bool):
        if not self.learn_initial_state:
            return
        names = ["h0", "c0"] if self.cell == "lstm" else ["h0"]
        for (layer, _, prefix), dstate in zip(self.units(), dinit, strict=True):
            N = self.sizes[layer]
            for name, g in zip(names, dstate, strict=False):
                grads[prefix + name] = (
                    g.reshape(-1, N).sum(axis=0) if first else np.zeros(N)
                )


# ----------------------------------------------------------------------------
# initialisation


def _glorot(rng, fan_in: int, fan_out: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, (fan_in, fan_out))


def _orthogonal(rng, n: int) -> np.ndarray:
    return recurrent_matrix(
        n, spectral_radius=1.0, topology="orthogonal", sparse=False, random_state=rng
    )


def _reservoir_density(density, n_units: int) -> float:
    if density is None:
        return min(1.0, max(0.1, 10.0 / n_units))
    return density


def _recurrent_block(rng, init, k, candidate, N, spectral_radius, density):
    """One ``(N, N)`` recurrent block drawn by the scheme ``init``."""
    if init == "reservoir" and k == candidate:
        return recurrent_matrix(
            N,
            spectral_radius=spectral_radius,
            density=_reservoir_density(density, N),
            sparse=False,
            random_state=rng,
        )
    if init == "glorot":
        return _glorot(rng, N, N)
    if init == "identity" and k == candidate:
        return np.eye(N)
    return _orthogonal(rng, N)


def init_params(
    rng,
    *,
    cell: str,
    init: str,
    n_layers: int,
    n_units,
    n_features: int,
    n_outputs: int,
    include_input: bool,
    learn_initial_state: bool,
    spectral_radius: float,
    density,
    input_scaling,
    bias_scaling: float,
    output_bias: np.ndarray,
    bidirectional: bool = False,
    readout_layers: str = "top",
    skip: int | None = None,
) -> dict:
    """Draw a fresh parameter dictionary (see the module docstring).

    Layers are drawn in order, the reverse layer right after the forward one.
    With ``skip``, every recurrent block of ``W`` gets a twin in ``W_skip``
    drawn by the same scheme right after it, and both are halved (the drive
    from the past keeps the scale it has without the skip connection).
    """
    sizes = [int(n) for n in per_layer(n_units, n_layers)]
    blocks = N_BLOCKS[cell]
    candidate = {"elman": 0, "lstm": 2, "gru": 2}[cell]
    directions = 2 if bidirectional else 1
    params = {}
    for layer in range(n_layers):
        N = sizes[layer]
        D = n_features if layer == 0 else directions * sizes[layer - 1]
        for d in range(directions):
            prefix = f"{layer}{'r' if d else ''}."
            W_in = np.empty((D, blocks * N))
            W = np.empty((N, blocks * N))
            W_skip = np.empty((N, blocks * N)) if skip is not None else None
            b = np.zeros(blocks * N)
            for k in range(blocks):
                cols = slice(k * N, (k + 1) * N)
                reservoir = init == "reservoir" and k == candidate
                if not reservoir:  # input weights first (the draw order)
                    W_in[:, cols] = _glorot(rng, D, N)
                W[:, cols] = _recurrent_block(
                    rng, init, k, candidate, N, spectral_radius, density
                )
                if W_skip is not None:
                    W_skip[:, cols] = _recurrent_block(
                        rng, init, k, candidate, N, spectral_radius, density
                    )
                if reservoir:
                    scaling = (
                        input_scaling
                        if layer == 0 or np.ndim(input_scaling) == 0
                        else 1.0
                    )
                    W_in[:, cols] = input_matrix(
                        D, N, input_scaling=scaling, random_state=rng
                    )
                    b[cols] = bias_vector(
                        N, bias_scaling=bias_scaling, random_state=rng
                    )
            if cell == "lstm":
                b[N : 2 * N] += 1.0  # forget-gate bias (Jozefowicz et al. 2015)
            params[prefix + "W_in"] = W_in
            if W_skip is not None:
                W *= 0.5
                W_skip *= 0.5
                params[prefix + "W_skip"] = W_skip
            params[prefix + "W"] = W
            params[prefix + "b"] = b
            if cell == "gru":
                params[prefix + "b_hn"] = np.zeros(N)
            if learn_initial_state:
                params[prefix + "h0"] = np.zeros(N)
                if cell == "lstm":
                    params[prefix + "c0"] = np.zeros(N)
    read = sizes if readout_layers == "all" else sizes[-1:]
    F = directions * sum(read) + (n_features if include_input else 0)
    params["W_out"] = _glorot(rng, F, n_outputs)
    params["b_out"] = np.array(output_bias, dtype=np.float64)
    return params
