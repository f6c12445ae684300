"""The BPTT comparators against PyTorch's RNN, LSTM and GRU (optional).

The same weights are loaded into ``torch.nn.RNN`` / ``LSTM`` / ``GRU`` (two
layers, learned initial state, linear readout, mean squared error) and the
outputs, the loss and every gradient must agree. Skipped without torch.
"""

import numpy as np
import pytest

from reservoir.comparators._network import Network, init_params

torch = pytest.importorskip("torch")

T, B, D, N, K, L = 7, 3, 2, 5, 2, 2


def _setup(cell, activation, seed=0):
    rng = np.random.RandomState(seed)
    params = init_params(
        rng,
        cell=cell,
        init="glorot",
        n_layers=L,
        n_units=N,
        n_features=D,
        n_outputs=K,
        include_input=False,
        learn_initial_state=True,
        spectral_radius=0.9,
        density=None,
        input_scaling=1.0,
        bias_scaling=1.0,
        output_bias=np.zeros(K),
    )
    for key in params:
        params[key] = params[key] + 0.3 * rng.standard_normal(params[key].shape)
    net = Network(cell, L, N, params, activation=activation, task="regression")
    X = rng.standard_normal((T, B, D))
    Y = rng.standard_normal((T, B, K))
    return net, params, X, Y


def _torch_module(cell, activation, params):
    kwargs = {"input_size": D, "hidden_size": N, "num_layers": L}
    if cell == "elman":
        module = torch.nn.RNN(nonlinearity=activation, **kwargs)
    elif cell == "lstm":
        module = torch.nn.LSTM(**kwargs)
    else:
        module = torch.nn.GRU(**kwargs)
    module = module.double()
    with torch.no_grad():
        for layer in range(L):
            b = params[f"{layer}.b"]
            b_hh = np.zeros_like(b)
            if cell == "gru":
                b_hh[2 * N :] = params[f"{layer}.b_hn"]
            getattr(module, f"weight_ih_l{layer}").copy_(
                torch.from_numpy(params[f"{layer}.W_in"].T.copy())
            )
            getattr(module, f"weight_hh_l{layer}").copy_(
                torch.from_numpy(params[f"{layer}.W"].T.copy())
            )
            getattr(module, f"bias_ih_l{layer}").copy_(torch.from_numpy(b))
            getattr(module, f"bias_hh_l{layer}").copy_(torch.from_numpy(b_hh))
    return module


@pytest.mark.parametrize(
    ("cell", "activation"),
    [("elman", "tanh"), ("elman", "relu"), ("lstm", "tanh"), ("gru", "tanh")],
)
def test_outputs_and_gradients_match_torch(cell, activation):
    net, params, X, Y = _setup(cell, activation)
    loss, grads, _ = net.loss_grad(
        X, Y, np.ones((T, B)), net.initial_states(B), first=True
    )
    out, _, _ = net.forward(X, net.initial_states(B))

    module = _torch_module(cell, activation, params)
    h0 = torch.tensor(
        np.stack([params[f"{layer}.h0"] for layer in range(L)]), requires_grad=True
    )
    c0 = None
    state = h0[:, None, :].expand(L, B, N)
    if cell == "lstm":
        c0 = torch.tensor(
            np.stack([params[f"{layer}.c0"] for layer in range(L)]),
            requires_grad=True,
        )
        state = (state, c0[:, None, :].expand(L, B, N))
    W_out = torch.tensor(params["W_out"], requires_grad=True)
    b_out = torch.tensor(params["b_out"], requires_grad=True)
    H, _ = module(torch.from_numpy(X), state)
    t_out = H @ W_out + b_out
    t_loss = ((t_out - torch.from_numpy(Y)) ** 2).mean()
    t_loss.backward()

    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    assert loss == pytest.approx(t_loss.item(), rel=1e-10)

    def close(mine, theirs):
        np.testing.assert_allclose(mine, theirs, rtol=1e-8, atol=1e-12)

    close(grads["W_out"], W_out.grad.numpy())
    close(grads["b_out"], b_out.grad.numpy())
    for layer in range(L):
        close(grads[f"{layer}.W_in"], getattr(module, f"weight_ih_l{layer}").grad.T)
        close(grads[f"{layer}.W"], getattr(module, f"weight_hh_l{layer}").grad.T)
        close(grads[f"{layer}.b"], getattr(module, f"bias_ih_l{layer}").grad)
        close(grads[f"{layer}.h0"], h0.grad[layer])
        if cell == "lstm":
            close(grads[f"{layer}.c0"], c0.grad[layer])
        if cell == "gru":
            close(
                grads[f"{layer}.b_hn"],
                getattr(module, f"bias_hh_l{layer}").grad[2 * N :],
            )
