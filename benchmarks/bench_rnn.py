"""Training time per epoch of the BPTT comparators, against PyTorch on CPU.

Sizes of the issue: hidden 64, sequence length 100, minibatch 32 (10
minibatches per epoch, one input and one output, Adam, norm clipping, whole-
sequence BPTT). ``reservoir`` is timed through ``RNNRegressor.fit`` (so the
padding, the learned initial state and the optimiser are included); PyTorch
runs the equivalent loop with ``torch.nn.LSTM``/``GRU``/``RNN`` + a linear
readout, with its default thread count and with one thread. PyTorch is
optional: without it only our timings are printed.

    python benchmarks/bench_rnn.py [--epochs 3] [--cells lstm gru elman]
    python benchmarks/bench_rnn.py --table   # also the full ESN-vs-RNN table

``--table`` runs ``examples/esn_vs_rnn.py`` at its full sizes (NARMA-10 and
Mackey-Glass, 4000 training steps, ESN 300 units, RNNs 64 units, 150 epochs).
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

import numpy as np

from reservoir.comparators import RNNRegressor

HIDDEN, LENGTH, BATCH, N_BATCHES = 64, 100, 32, 10


def _data(seed=0):
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, (BATCH * N_BATCHES, LENGTH, 1))
    y = np.cumsum(X, axis=1) * 0.1
    return X, y


def time_reservoir(cell: str, epochs: int) -> float:
    X, y = _data()
    kwargs = dict(cell=cell, batch_size=BATCH, learning_rate=1e-3, random_state=0)
    RNNRegressor(HIDDEN, max_epochs=1, **kwargs).fit(X[:BATCH], y[:BATCH])  # JIT
    best = np.inf
    for _ in range(2):
        tic = time.perf_counter()
        RNNRegressor(HIDDEN, max_epochs=epochs, **kwargs).fit(X, y)
        best = min(best, (time.perf_counter() - tic) / epochs)
    return best


def time_torch(cell: str, epochs: int, threads: int | None) -> float:
    import torch

    if threads is not None:
        previous = torch.get_num_threads()
        torch.set_num_threads(threads)
    X, y = _data()
    Xt = torch.from_numpy(X.transpose(1, 0, 2).copy())  # time-major
    yt = torch.from_numpy(y.transpose(1, 0, 2).copy())
    torch.manual_seed(0)
    module = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "elman": torch.nn.RNN}[cell](
        1, HIDDEN
    ).double()
    readout = torch.nn.Linear(HIDDEN, 1).double()
    params = list(module.parameters()) + list(readout.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3)

    def epoch():
        order = torch.randperm(X.shape[0])
        for start in range(0, X.shape[0], BATCH):
            idx = order[start : start + BATCH]
            optimizer.zero_grad()
            H, _ = module(Xt[:, idx])
            loss = ((readout(H) - yt[:, idx]) ** 2).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()

    epoch()  # warm-up
    best = np.inf
    for _ in range(2):
        tic = time.perf_counter()
        for _ in range(epochs):
            epoch()
        best = min(best, (time.perf_counter() - tic) / epochs)
    if threads is not None:
        torch.set_num_threads(previous)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--cells", nargs="+", default=["lstm", "gru", "elman"])
    parser.add_argument(
        "--table", action="store_true", help="also print the full ESN-vs-RNN table"
    )
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        torch = None
    print(
        f"hidden {HIDDEN}, length {LENGTH}, batch {BATCH}, {N_BATCHES} minibatches "
        f"per epoch, float64; seconds per epoch (best of 2)"
    )
    header = f"{'cell':<6} {'reservoir':>10}"
    if torch is not None:
        header += f" {'torch':>10} {'torch 1thr':>10} {'ratio':>7} {'ratio 1thr':>10}"
    print(header)
    for cell in args.cells:
        ours = time_reservoir(cell, args.epochs)
        line = f"{cell:<6} {ours:>10.3f}"
        if torch is not None:
            theirs = time_torch(cell, args.epochs, None)
            theirs_1 = time_torch(cell, args.epochs, 1)
            line += (
                f" {theirs:>10.3f} {theirs_1:>10.3f} {ours / theirs:>7.2f}"
                f" {ours / theirs_1:>10.2f}"
            )
        print(line)
    if torch is not None:
        print("ratio = reservoir time / torch time (goal: <= 2)")
    if args.table:
        path = Path(__file__).resolve().parents[1] / "examples" / "esn_vs_rnn.py"
        spec = importlib.util.spec_from_file_location("esn_vs_rnn", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print()
        module.run("full")


if __name__ == "__main__":
    main()
