"""An encoder–decoder (sequence-to-sequence) network, its loss and gradients.

The encoder, a stack of recurrent layers, reads an input sequence from its
(learned) initial state; its final state of every layer starts the decoder
layer of the same depth. The decoder is fed its previous output: at step 0 a
zero "go" input, at step ``k`` the target ``y_(k-1)`` (teacher forcing) or
its own prediction ``ŷ_(k-1)``, chosen per step and sequence by a mask.
A linear readout maps the top decoder layer to ``ŷ_k``. Gradients flow
through the fed-back predictions and from the decoder into the encoder.

Parameters live in one ``dict[str, ndarray]``: encoder layer ``l`` under
``"e{l}."``, decoder layer ``l`` under ``"d{l}."`` (the keys of
``_network``), the encoder's learned initial state ``"e{l}.h0"``
(``"e{l}.c0"``) and the readout ``"W_out"``, ``"b_out"``.

Two decoder paths give the same numbers: when every step of a window is
teacher-forced, its inputs are known and each layer runs over the whole
window (one GEMM for the input projection, the cell kernels of
``_kernels.py``); otherwise the decoder advances step by step through all
layers and the readout. No validation here.
"""

from __future__ import annotations

import numpy as np

from ._cells import layer_backward, layer_forward
from ._network import LayerStack, masked_loss

__all__: list[str] = []


class EncoderDecoder(LayerStack):
    """Encoder and decoder stacks with a flat parameter dictionary."""

    def __init__(
        self,
        cell: str,
        n_layers: int,
        n_units,
        params: dict,
        *,
        activation="tanh",
        leak=None,
        learn_initial_state: bool = True,
    ):
        super().__init__(cell, n_layers, n_units, params, activation, leak)
        self.learn_initial_state = learn_initial_state
        self.task = "regression"

    def units(self) -> list[tuple[int, int, str]]:
        """``(layer, side, key prefix)``: encoder layers (side 0), then the
        decoder's (side 1)."""
        return [
            (layer, side, f"{'ed'[side]}{layer}.")
            for side in range(2)
            for layer in range(self.n_layers)
        ]

    def _names(self) -> list[str]:
        return ["h0", "c0"] if self.cell == "lstm" else ["h0"]

    def _forward(self, side: str, layer: int, X, state):
        return layer_forward(
            self.cell,
            X,
            state,
            self.layer_params(f"{side}{layer}."),
            self.activations[layer],
            self.leaks[layer],
        )

    def _backward(self, side: str, layer: int, dH, cache, dstate):
        return layer_backward(
            self.cell,
            dH,
            cache,
            self.layer_params(f"{side}{layer}."),
            self.activations[layer],
            self.leaks[layer],
            dstate,
        )

    # ------------------------------------------------------------------ encoder
    def initial_states(self, batch: int) -> list[tuple]:
        """Per encoder layer, the state tuple at the start of a sequence."""
        states = []
        for layer, N in enumerate(self.sizes):
            if self.learn_initial_state:
                states.append(
                    tuple(
                        np.broadcast_to(
                            self.params[f"e{layer}.{name}"], (batch, N)
                        ).copy()
                        for name in self._names()
                    )
                )
            else:
                states.append(tuple(np.zeros((batch, N)) for _ in self._names()))
        return states

    def encode(self, X, lengths):
        """Final state of every encoder layer for each padded sequence.

        Sequences of equal length run together (the state after a sequence's
        own last step is needed, and padding would change it). Returns
        ``(finals, caches)``: ``finals[l]`` is the state tuple of layer ``l``
        over the batch, ``caches`` one entry per length group.
        """
        B = X.shape[1]
        lengths = np.full(B, X.shape[0]) if lengths is None else np.asarray(lengths)
        start = self.initial_states(B)
        finals = [tuple(np.empty((B, N)) for _ in self._names()) for N in self.sizes]
        caches = []
        for n in np.unique(lengths):
            group = np.flatnonzero(lengths == n)
            inp = X[:n, group]
            layer_caches = []
            for layer in range(self.n_layers):
                state = tuple(s[group] for s in start[layer])
                inp, cache, final = self._forward("e", layer, inp, state)
                layer_caches.append(cache)
                for target, value in zip(finals[layer], final, strict=True):
                    target[group] = value
            caches.append((group, layer_caches))
        return finals, caches

    def encode_backward(self, caches, dfinals, grads):
        """Add the encoder's gradients, given those of its final states."""
        for group, layer_caches in caches:
            dX = None
            for layer in range(self.n_layers - 1, -1, -1):
                cache = layer_caches[layer]
                dstate = tuple(d[group] for d in dfinals[layer])
                dH = (
                    np.zeros((cache[0].shape[0], group.size, self.sizes[layer]))
                    if dX is None
                    else dX
                )
                g, dX, dinit = self._backward("e", layer, dH, cache, dstate)
                for key, value in g.items():
                    name = f"e{layer}.{key}"
                    grads[name] = grads[name] + value if name in grads else value
                if self.learn_initial_state:
                    for name, d in zip(self._names(), dinit, strict=True):
                        key = f"e{layer}.{name}"
                        grads[key] = grads.get(key, 0.0) + d.sum(axis=0)
        if self.learn_initial_state:
            for layer, N in enumerate(self.sizes):
                for name in self._names():
                    grads.setdefault(f"e{layer}.{name}", np.zeros(N))

    # ------------------------------------------------------------------ decoder
    def _readout(self, H):
        return H @ self.params["W_out"] + self.params["b_out"]

    def decode(
        self, states, v0, Y, teacher, *, keep_cache: bool = True, stepwise=False
    ):
        """Run the decoder over a window of ``len(teacher)`` steps.

        ``states``: the decoder's incoming state per layer; ``v0`` (B, K): the
        input of the first step; ``Y`` (T, B, K): the targets (fed back where
        ``teacher`` (T, B) is 1; may be None when ``teacher`` is all 0).
        ``stepwise`` forces the step-by-step path. Returns
        ``(outputs (T, B, K), cache, final_states)``.
        """
        T = teacher.shape[0]
        if not stepwise and Y is not None and np.all(teacher[1:] == 1.0):
            V = np.concatenate([v0[None], Y[:-1]])
            caches, inp = [], V
            finals = []
            for layer in range(self.n_layers):
                inp, cache, final = self._forward("d", layer, inp, states[layer])
                caches.append(cache)
                finals.append(final)
            return self._readout(inp), ("whole", caches, inp), finals
        B = v0.shape[0]
        out = np.empty((T, B, self.params["W_out"].shape[1]))
        steps = []
        v = v0
        states = list(states)
        H_top = np.empty((T, B, self.sizes[-1]))
        for k in range(T):
            if k:
                tf = teacher[k][:, None]
                v = out[k - 1] if Y is None else tf * Y[k - 1] + (1.0 - tf) * out[k - 1]
            inp = v[None]
            step = []
            for layer in range(self.n_layers):
                inp, cache, states[layer] = self._forward(
                    "d", layer, inp, states[layer]
                )
                if keep_cache:
                    step.append(cache)
            H_top[k] = inp[0]
            out[k] = self._readout(inp[0])
            steps.append(step)
        return out, ("steps", steps, H_top), states

    def decode_backward(self, d_out, cache, teacher, grads):
        """Add the decoder's and readout's gradients; return those of its
        incoming states (per layer). ``d_out`` is overwritten."""
        kind, caches, H_top = cache
        T = d_out.shape[0]
        W_out_T = self.params["W_out"].T
        if kind == "whole":
            self._readout_grads(H_top, d_out, grads)
            dH = d_out @ W_out_T
            dinit = [None] * self.n_layers
            for layer in range(self.n_layers - 1, -1, -1):
                g, dH, dinit[layer] = self._backward(
                    "d", layer, dH, caches[layer], None
                )
                for key, value in g.items():
                    grads[f"d{layer}.{key}"] = value
            return dinit
        carry = [None] * self.n_layers
        dv_next = None
        for k in range(T - 1, -1, -1):
            if dv_next is not None:  # the prediction was fed back
                d_out[k] += (1.0 - teacher[k + 1])[:, None] * dv_next
            d = (d_out[k] @ W_out_T)[None]
            for layer in range(self.n_layers - 1, -1, -1):
                g, d, carry[layer] = self._backward(
                    "d", layer, d, caches[k][layer], carry[layer]
                )
                for key, value in g.items():
                    name = f"d{layer}.{key}"
                    grads[name] = grads[name] + value if name in grads else value
            dv_next = d[0]
        self._readout_grads(H_top, d_out, grads)
        return carry

    @staticmethod
    def _readout_grads(H_top, d_out, grads):
        T, B, K = d_out.shape
        d2 = d_out.reshape(T * B, K)
        grads["W_out"] = H_top.reshape(T * B, -1).T @ d2
        grads["b_out"] = d2.sum(axis=0)

    # ------------------------------------------------------------------ loss
    def loss_grad(self, X, lengths, Y, M, teacher, states=None, v0=None):
        """Loss of a window of output steps and the gradients of every weight.

        With ``X`` (the first window) the encoder runs and receives the
        gradient of its final states; later windows pass the carried decoder
        ``states`` and first input ``v0`` (constants). Returns
        ``(loss, grads, final_states, outputs)``.
        """
        grads: dict = {}
        if X is not None:
            states, enc_caches = self.encode(X, lengths)
            v0 = np.zeros((Y.shape[1], Y.shape[2]))
        out, cache, finals = self.decode(states, v0, Y, teacher)
        loss, d_out = masked_loss("regression", out, Y, M)
        dinit = self.decode_backward(d_out, cache, teacher, grads)
        if X is not None:
            self.encode_backward(enc_caches, dinit, grads)
        elif self.learn_initial_state:
            for layer, N in enumerate(self.sizes):
                for name in self._names():
                    grads[f"e{layer}.{name}"] = np.zeros(N)
        for key in self.params:
            grads.setdefault(key, np.zeros_like(self.params[key]))
        return loss, {k: grads[k] for k in self.params}, finals, out

    def generate(self, X, lengths, n_steps: int):
        """Free generation of ``n_steps`` outputs for each padded sequence."""
        states, _ = self.encode(X, lengths)
        B = X.shape[1]
        v0 = np.zeros((B, self.params["W_out"].shape[1]))
        teacher = np.zeros((n_steps, B))
        return self.decode(states, v0, None, teacher, keep_cache=False)[0]
