"""A stack of recurrent layers with a linear readout, its loss and gradients.

Parameters live in one ``dict[str, ndarray]``: per layer ``l`` the keys
``"l.W_in"``, ``"l.W"``, ``"l.b"`` (plus ``"l.b_hn"`` for the GRU), the
learned initial state ``"l.h0"`` (and ``"l.c0"`` for the LSTM) when it is
trained, and the readout ``"W_out"`` (F, n_outputs) and ``"b_out"``. The
readout sees ``[u_t, h_t]`` (``include_input``) or ``h_t`` of the top layer.

Losses are means over the unmasked entries: the squared error per target
value for regression, the softmax cross-entropy per labelled step for
classification. No validation here.
"""

from __future__ import annotations

import numpy as np

from ..matrices import bias_vector, input_matrix, recurrent_matrix
from ._cells import N_BLOCKS, layer_backward, layer_forward, n_states

__all__: list[str] = []

INITS = ("orthogonal", "glorot", "identity", "reservoir")


class Network:
    """Recurrent layers + readout with a flat parameter dictionary."""

    def __init__(
        self,
        cell: str,
        n_layers: int,
        n_units: int,
        params: dict,
        *,
        activation: str = "tanh",
        leak=None,
        include_input: bool = False,
        task: str = "regression",
        learn_initial_state: bool = True,
    ):
        self.cell = cell
        self.n_layers = n_layers
        self.n_units = n_units
        self.params = params
        self.activation = activation
        self.leak = leak
        self.include_input = include_input
        self.task = task
        self.learn_initial_state = learn_initial_state

    # ------------------------------------------------------------------
    def layer_params(self, layer: int, params=None) -> dict:
        params = self.params if params is None else params
        prefix = f"{layer}."
        return {k[len(prefix) :]: v for k, v in params.items() if k.startswith(prefix)}

    def initial_states(self, batch: int) -> list[tuple]:
        """Per layer, the state tuple at the start of a sequence."""
        states = []
        N = self.n_units
        for layer in range(self.n_layers):
            if self.learn_initial_state:
                h = np.broadcast_to(self.params[f"{layer}.h0"], (batch, N)).copy()
                if self.cell == "lstm":
                    c = np.broadcast_to(self.params[f"{layer}.c0"], (batch, N)).copy()
                    states.append((h, c))
                else:
                    states.append((h,))
            else:
                states.append(
                    tuple(np.zeros((batch, N)) for _ in range(n_states(self.cell)))
                )
        return states

    def forward(self, X: np.ndarray, states: list[tuple]):
        """Run ``X`` (T, B, D) through the layers and the readout.

        Returns ``(outputs (T, B, n_outputs), caches, final_states)``.
        """
        caches = []
        finals = []
        inp = X
        for layer in range(self.n_layers):
            H, cache, final = layer_forward(
                self.cell,
                inp,
                states[layer],
                self.layer_params(layer),
                self.activation,
                self.leak,
            )
            caches.append(cache)
            finals.append(final)
            inp = H
        Z = self._features(X, inp)
        T, B, F = Z.shape
        out = (
            Z.reshape(T * B, F) @ self.params["W_out"] + self.params["b_out"]
        ).reshape(T, B, -1)
        caches.append(Z)
        return out, caches, finals

    def _features(self, X, H):
        if self.include_input:
            return np.concatenate([X, H], axis=2)
        return H

    # ------------------------------------------------------------------
    def loss(self, out: np.ndarray, Y: np.ndarray, M: np.ndarray):
        """Mean loss over the unmasked entries and its gradient w.r.t. ``out``."""
        count = float(M.sum())
        if count == 0:
            return 0.0, np.zeros_like(out)
        if self.task == "regression":
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

    def loss_grad(self, X, Y, M, states, *, first: bool):
        """Loss of one (chunk of a) minibatch and the gradients of every parameter.

        ``states`` is the incoming state (treated as a constant); when
        ``first`` is True and the initial state is learned, its gradient is
        included. Returns ``(loss, grads, final_states)``.
        """
        out, caches, finals = self.forward(X, states)
        loss, d_out = self.loss(out, Y, M)
        grads = {}
        Z = caches[-1]
        T, B, F = Z.shape
        d2 = d_out.reshape(T * B, -1)
        grads["W_out"] = Z.reshape(T * B, F).T @ d2
        grads["b_out"] = d2.sum(axis=0)
        W_h = self.params["W_out"][-self.n_units :]
        dH = (d2 @ W_h.T).reshape(T, B, self.n_units)
        for layer in range(self.n_layers - 1, -1, -1):
            g, dX, dstate = layer_backward(
                self.cell,
                dH,
                caches[layer],
                self.layer_params(layer),
                self.activation,
                self.leak,
            )
            for k, v in g.items():
                grads[f"{layer}.{k}"] = v
            if self.learn_initial_state:
                if first:
                    grads[f"{layer}.h0"] = dstate[0].sum(axis=0)
                    if self.cell == "lstm":
                        grads[f"{layer}.c0"] = dstate[1].sum(axis=0)
                else:
                    grads[f"{layer}.h0"] = np.zeros(self.n_units)
                    if self.cell == "lstm":
                        grads[f"{layer}.c0"] = np.zeros(self.n_units)
            dH = dX
        return loss, grads, finals


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


def init_params(
    rng,
    *,
    cell: str,
    init: str,
    n_layers: int,
    n_units: int,
    n_features: int,
    n_outputs: int,
    include_input: bool,
    learn_initial_state: bool,
    spectral_radius: float,
    density,
    input_scaling,
    bias_scaling: float,
    output_bias: np.ndarray,
) -> dict:
    """Draw a fresh parameter dictionary (see the module docstring)."""
    N = n_units
    blocks = N_BLOCKS[cell]
    candidate = {"elman": 0, "lstm": 2, "gru": 2}[cell]
    params = {}
    for layer in range(n_layers):
        D = n_features if layer == 0 else N
        W_in = np.empty((D, blocks * N))
        W = np.empty((N, blocks * N))
        b = np.zeros(blocks * N)
        for k in range(blocks):
            cols = slice(k * N, (k + 1) * N)
            if init == "reservoir" and k == candidate:
                W[:, cols] = recurrent_matrix(
                    N,
                    spectral_radius=spectral_radius,
                    density=_reservoir_density(density, N),
                    sparse=False,
                    random_state=rng,
                )
                scaling = (
                    input_scaling if layer == 0 or np.ndim(input_scaling) == 0 else 1.0
                )
                W_in[:, cols] = input_matrix(
                    D, N, input_scaling=scaling, random_state=rng
                )
                b[cols] = bias_vector(N, bias_scaling=bias_scaling, random_state=rng)
                continue
            W_in[:, cols] = _glorot(rng, D, N)
            if init == "glorot":
                W[:, cols] = _glorot(rng, N, N)
            elif init == "identity" and k == candidate:
                W[:, cols] = np.eye(N)
            else:
                W[:, cols] = _orthogonal(rng, N)
        if cell == "lstm":
            b[N : 2 * N] += 1.0  # forget-gate bias (Jozefowicz et al. 2015)
        params[f"{layer}.W_in"] = W_in
        params[f"{layer}.W"] = W
        params[f"{layer}.b"] = b
        if cell == "gru":
            params[f"{layer}.b_hn"] = np.zeros(N)
        if learn_initial_state:
            params[f"{layer}.h0"] = np.zeros(N)
            if cell == "lstm":
                params[f"{layer}.c0"] = np.zeros(N)
    F = N + (n_features if include_input else 0)
    params["W_out"] = _glorot(rng, F, n_outputs)
    params["b_out"] = np.array(output_bias, dtype=np.float64)
    return params
