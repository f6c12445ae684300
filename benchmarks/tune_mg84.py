"""Tune Mackey-Glass NRMSE84 at N=1000 on the tuning seeds (0-4) only.

Each configuration is ``MG84_PARAMS[1000]`` with some values replaced; the
score is ``bench_accuracy.mg84_committee(seed, n_members=1, params=...)``
(the protocol of ``bench_accuracy.py --only mg``: 3000 training steps,
washout 1000, 100 trials of 1000 teacher-forced + 84 free steps, spacing
100, tanh(y - 1) squashing), for every seed given; prints the per-seed
values and the median (and the mean of log10). Never run it on the
reporting seeds 10-19.

Run: ``nice python benchmarks/tune_mg84.py '{"readout_features": "squared"}'
'{"alpha": 1e-12}' ...`` (one JSON object per configuration).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
from bench_accuracy import mg84_committee
from bench_forecast import MG84_PARAMS

TUNING_SEEDS = (0, 1, 2, 3, 4)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("configs", nargs="+", help="JSON objects of overrides")
    parser.add_argument("--seeds", type=int, nargs="+", default=list(TUNING_SEEDS))
    args = parser.parse_args(argv)
    if any(s >= 10 for s in args.seeds):
        parser.error("seeds 10 and up are the reporting seeds; tune on 0-4")
    warnings.filterwarnings("ignore", message="An ill-conditioned matrix")
    warnings.filterwarnings("ignore", message="Ill-conditioned matrix")
    for text in args.configs:
        overrides = json.loads(text)
        params = dict(MG84_PARAMS[1000], **overrides)
        began = time.perf_counter()
        values = np.array(
            [mg84_committee(s, n_members=1, params=params) for s in args.seeds]
        )
        print(
            f"{json.dumps(overrides)}: median {np.median(values):.3e} "
            f"mean-log10 {np.mean(np.log10(values)):.3f} per seed "
            + " ".join(f"{v:.2e}" for v in values)
            + f" ({time.perf_counter() - began:.0f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
