"""Accuracy with the stronger readout features (issue 18), on seeds not tuned on.

1. NARMA-10 system identification at N=500 (PROTOCOLS.md section 2):
   ``narma(5200, order=10, random_state=seed)``, input u(t) -> target y(t)
   as returned (aligned rows); the input is mapped to [-1, 1] by the fixed
   map ``4 (u - 0.25)``. Washout 200, then 2000 training, 1000 validation
   and 2000 test steps, the state running on through all of them. The ridge
   penalty is chosen on the validation steps (one ``PredefinedSplit`` fold
   of ``ESNRegressor(cv=...)``), then the readout is refitted on the 2000
   training steps alone with that penalty. Score: NRMSE (std) on the test
   steps; the median over the seeds. Reservoir (``NARMA_PARAMS``): a cycle
   with jumps (``topology='cycle_jumps'``, jump size 2, jump weight 0.05,
   Rodan & Tino 2012), ``readout_features='squared'`` (the state and its
   square), spectral radius 0.95, input scaling 0.01, bias 0.2. Printed for
   one N=500 reservoir and for a committee of ``--members`` N=500
   reservoirs (each choosing its own penalty; test predictions averaged).
2. Mackey-Glass tau=17, Jaeger's NRMSE84 at N=1000 (``mg84`` of
   ``bench_forecast.py``: 3000 training steps, washout 1000, 100 trials of
   1000 teacher-forced + 84 free-running steps, spacing 100), with the
   settings of ``bench_forecast.MG84_PARAMS[1000]`` except for
   ``MG_OVERRIDES``: squared states in the readout
   (``readout_features='squared'``, also inside the compiled closed loop),
   ridge 1e-13, input noise 2e-7, feedback scaling 1.0; a committee of
   ``--members`` such forecasters (``CommitteeRegressor``, each N=1000,
   member seeds drawn from the seed) averages the 84-step forecasts; one
   N=1000 forecaster is printed first for comparison.

Tuning vs reporting: the Mackey-Glass settings were chosen on seeds 0-4
alone and are reported on seeds 10-19, not used for any choice: first the
forecaster's n_lags and noise level tried with MG84_PARAMS kept, then
``MG_OVERRIDES`` chosen among 37 configurations scored by ``tune_mg84.py``
on seeds 0-4 (readout_features, ridge, noise level, spectral radius, leak
rate, feedback and bias scaling, density; washout and the protocol fixed):
median NRMSE84 over seeds 0-4 5.7e-5 with MG84_PARAMS[1000], 4.5e-5 with
squared states alone, 1.6e-5 with ``MG_OVERRIDES``; the committee size 3
was fixed, not tuned. NARMA: a first
round of about 30 reservoir configurations was tuned on seeds 0-4 (random
topology, density 0.1, bias 0.1), whose seeds-10-19 figure (median 0.0949
for one reservoir) was then seen. The second round (issue 18: 21 reservoir
configurations, 9 readout or ridge-grid variants) was tuned on seeds 0-6 and
9 only (seeds 7 and 8 make the un-squashed NARMA-10 recurrence diverge). So
seeds 10-19 are not fresh for NARMA; the fresh report seeds are the 20 seeds
21-40 (seed 20 diverges too), and the default run prints both groups.
Targets (issue 18): NARMA-10 median NRMSE <= 0.09 at N=500; MG NRMSE84
median <= 6.3e-5 at N=1000.

Second-round findings, median test NRMSE over the tuning seeds 0-6, 9 of one
N=500 reservoir with squared states, as ``--sweep`` prints them (changes to
the first-round reservoir, which gives 0.0875): lagged inputs
(``n_lags=11``, reaching u(t-10)) 0.0870, no gain; orthogonal topology
0.0949 (radius 0.99: 0.160); spectral radius 0.99 0.0977; leak rate 0.5
(radius 0.99) 0.43; input scaling 0.03 0.0946, 0.003 0.0885; bias 0 0.1017,
0.2 0.0882. Cycle with jumps: bias 0.1 0.0859, **0.2 0.0774** (kept), 0.3
0.0766, 0.5 0.0814; radius 0.9 0.0784 (bias 0.1) and 0.0791 (bias 0.3),
radius 0.85 0.0767; jump size 5 0.0897 (bias 0.1); jump size 10 with weight
0.2 0.0811 (bias 0.1) and 0.0798; ``input_signs='pi'`` 0.0852 (bias 0.1);
input scaling 0.003 0.0773; one epoch of intrinsic plasticity 0.2032. The
choice was made with a NumPy harness (the same reservoirs, its own ridge
solve) whose figures differ from these by up to 0.002 (bias 0.2 0.0771, 0.3
0.0772, radius 0.85 0.0785): bias 0.2, 0.3, radius 0.85 and input scaling
0.003 are a tie. Only in that harness: products of the state with one lagged
input (x_t u(t-10) or x_t u(t-9), 500 more readout features) 0.094 and
0.092, worse (over-fitting 2000 rows), so no such readout option was added;
a quarter-decade ridge grid 0.0881 (decade grid 0.0875) and rescaling the
squared block (x0.1, x10, x100) 0.089, so the decade grid is adequate. Not
tried: density, ring, deep reservoirs.

Measured (2026-12-06, default run): one N=500 reservoir, median 0.0834 over
seeds 21-40 (per seed 0.0595-0.2045; seeds 25, 26, 33, 36, 37 above 0.12)
and 0.0815 over seeds 10-19; the first-round reservoir gives 0.0944 over
seeds 21-40. Committee of 3 x N=500 (1500 units): 0.0761 (21-40), 0.0759
(10-19).

Run: ``nice python benchmarks/bench_accuracy.py`` (a few minutes on two
cores); ``--only narma`` or ``--only mg``; ``--seeds 0 1 2 3 4 5 6 9`` for
the NARMA tuning seeds (``--seeds`` replaces both NARMA report groups);
``--sweep`` reruns the second round's NARMA configurations (``NARMA_SWEEP``)
on the tuning seeds (8 minutes here); ``--quick`` is a smoke run.
"""

from __future__ import annotations

import argparse
import itertools
import time
import warnings

import numpy as np
from bench_forecast import MG84_PARAMS
from sklearn.model_selection import PredefinedSplit

from reservoir import CommitteeRegressor, ESNForecaster, ESNRegressor
from reservoir.datasets import mackey_glass, narma
from reservoir.metrics import nrmse, nrmse_by_horizon

NARMA_PARAMS = dict(
    n_units=500,
    topology="cycle_jumps",
    spectral_radius=0.95,
    input_scaling=0.01,
    bias_scaling=0.2,
    readout_features="squared",
)
#: NARMA report seeds: 10-19 (seen during the first tuning round) and the
#: fresh 21-40 (seed 20's NARMA-10 series diverges, as do seeds 7 and 8).
NARMA_SEED_GROUPS = (list(range(10, 20)), list(range(21, 41)))
#: NARMA tuning seeds of the second round (7 and 8 diverge).
NARMA_TUNING_SEEDS = [0, 1, 2, 3, 4, 5, 6, 9]
_CJ = dict(topology="cycle_jumps")
#: Second-round NARMA configurations (changes to the first-round reservoir),
#: rerun by ``--sweep`` on the tuning seeds.
NARMA_SWEEP = {
    "first round (random, bias 0.1)": dict(topology="random", bias_scaling=0.1),
    "n_lags=11": dict(topology="random", bias_scaling=0.1, n_lags=11),
    "orthogonal": dict(topology="orthogonal", bias_scaling=0.1),
    "orthogonal, radius 0.99": dict(
        topology="orthogonal", bias_scaling=0.1, spectral_radius=0.99
    ),
    "leak 0.5, radius 0.99": dict(
        topology="random", bias_scaling=0.1, leak_rate=0.5, spectral_radius=0.99
    ),
    "radius 0.99": dict(topology="random", bias_scaling=0.1, spectral_radius=0.99),
    "input 0.03": dict(topology="random", bias_scaling=0.1, input_scaling=0.03),
    "input 0.003": dict(topology="random", bias_scaling=0.1, input_scaling=0.003),
    "bias 0": dict(topology="random", bias_scaling=0.0),
    "bias 0.2": dict(topology="random", bias_scaling=0.2),
    "cycle_jumps, bias 0.1": dict(_CJ, bias_scaling=0.1),
    "cycle_jumps, bias 0.2 (kept)": dict(_CJ),
    "cycle_jumps, bias 0.3": dict(_CJ, bias_scaling=0.3),
    "cycle_jumps, bias 0.5": dict(_CJ, bias_scaling=0.5),
    "cycle_jumps, bias 0.1, radius 0.9": dict(
        _CJ, bias_scaling=0.1, spectral_radius=0.9
    ),
    "cycle_jumps, bias 0.3, radius 0.9": dict(
        _CJ, bias_scaling=0.3, spectral_radius=0.9
    ),
    "cycle_jumps, radius 0.85": dict(_CJ, spectral_radius=0.85),
    "cycle_jumps, bias 0.1, jump 5": dict(
        _CJ, bias_scaling=0.1, topology_params=dict(jump_size=5)
    ),
    "cycle_jumps, bias 0.1, jump 10 weight 0.2": dict(
        _CJ, bias_scaling=0.1, topology_params=dict(jump_size=10, jump_weight=0.2)
    ),
    "cycle_jumps, jump 10 weight 0.2": dict(
        _CJ, topology_params=dict(jump_size=10, jump_weight=0.2)
    ),
    "cycle_jumps, bias 0.1, pi input signs": dict(
        _CJ, bias_scaling=0.1, topology_params=dict(input_signs="pi")
    ),
    "cycle_jumps, input 0.003": dict(_CJ, input_scaling=0.003),
    "cycle_jumps, 1 epoch of plasticity": dict(_CJ, ip_epochs=1),
}
NARMA_ALPHAS = list(10.0 ** np.arange(-16, 0))
NARMA_TARGET = 0.09
MG_TARGET = 6.3e-5
#: Mackey-Glass: the values replaced in ``bench_forecast.MG84_PARAMS`` (see
#: the module docstring: chosen on seeds 0-4 with ``tune_mg84.py``).
MG_OVERRIDES = dict(
    readout_features="squared", alpha=1e-13, noise_level=2e-7, feedback_scaling=1.0
)


def narma10(
    seed: int,
    *,
    n_members: int = 1,
    n_washout: int = 200,
    n_train: int = 2000,
    n_val: int = 1000,
    n_test: int = 2000,
    params: dict | None = None,
) -> tuple[float, float]:
    """Test NRMSE of NARMA-10 and the (first member's) penalty chosen on the
    validation steps. With ``n_members > 1`` a committee: members drawn with
    the seeds ``CommitteeRegressor(random_state=seed)`` gives them, each
    choosing its own penalty, their test predictions averaged."""
    params = NARMA_PARAMS if params is None else params
    u, y = narma(n_washout + n_train + n_val + n_test, order=10, random_state=seed)
    u = 4.0 * (u - 0.25)
    train_end = n_washout + n_train
    val_end = train_end + n_val
    fold = PredefinedSplit(np.r_[np.full(n_train, -1), np.zeros(n_val)])
    if n_members == 1:
        member_seeds = [seed]
    else:
        rng = np.random.RandomState(seed)  # as CommitteeRegressor draws them
        member_seeds = rng.randint(0, np.iinfo(np.int32).max, size=n_members)
    preds, alphas = [], []
    for member_seed in member_seeds:
        member_seed = int(member_seed)
        chooser = ESNRegressor(
            washout=n_washout,
            alpha=NARMA_ALPHAS,
            cv=fold,
            random_state=member_seed,
            **params,
        ).fit(u[:val_end], y[:val_end])
        model = ESNRegressor(
            washout=n_washout, alpha=chooser.alpha_, random_state=member_seed, **params
        ).fit(u[:train_end], y[:train_end])
        preds.append(model.predict(u)[val_end:])
        alphas.append(chooser.alpha_)
    return nrmse(y[val_end:], np.mean(preds, axis=0)), alphas[0]


def mg84_committee(
    seed: int,
    *,
    n_members: int,
    n_units: int = 1000,
    n_trials: int = 100,
    n_train: int = 3000,
    n_context: int = 1000,
    spacing: int = 100,
    params: dict | None = None,
) -> float:
    """Jaeger's NRMSE84 of a committee of ESN forecasters (see bench_forecast);
    ``params`` default to ``MG84_PARAMS``."""
    n_total = n_train + (n_trials - 1) * spacing + n_context + 84
    raw = mackey_glass(n_total, tau=17.0).ravel()
    squashed = np.tanh(raw - 1.0)
    if params is None:
        params = dict(MG84_PARAMS.get(n_units, MG84_PARAMS[400]), **MG_OVERRIDES)
    member = ESNForecaster(n_units, washout=1000, **params)
    model = CommitteeRegressor(member, n_members=n_members, random_state=seed)
    model.fit(squashed[:n_train])
    truth, pred = [], []
    for i in range(n_trials):
        start = n_train + i * spacing
        out = model.forecast(84, context=squashed[start : start + n_context])
        pred.append(np.arctanh(np.clip(out, -1 + 1e-15, 1 - 1e-15)) + 1.0)
        truth.append(raw[start + n_context : start + n_context + 84])
    scores = nrmse_by_horizon(
        np.asarray(truth)[..., None], np.asarray(pred)[..., None], scale=raw.std()
    )
    return float(scores[83])


def narma_sweep(seeds, *, quick: bool = False) -> None:
    """Median NARMA-10 NRMSE of every ``NARMA_SWEEP`` configuration."""
    sweep = list(NARMA_SWEEP.items())[:2] if quick else NARMA_SWEEP.items()
    for name, change in sweep:
        params = dict(NARMA_PARAMS, **change)
        if quick:
            params["n_units"] = 50
            runs = [
                narma10(s, n_train=500, n_val=300, n_test=300, params=params)
                for s in seeds[:1]
            ]
        else:
            runs = [narma10(s, params=params) for s in seeds]
        values = [v for v, _ in runs]
        print(
            f"{name}: median {np.median(values):.4f}  "
            + " ".join(f"{v:.3f}" for v in values),
            flush=True,
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--only", choices=["narma", "mg"], default=None)
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=None,
        help="seeds to report (default: MG 10-19; NARMA 10-19 and 21-40)",
    )
    parser.add_argument(
        "--members", type=int, default=3, help="committee size (default 3)"
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="rerun the NARMA configurations of NARMA_SWEEP on the tuning seeds",
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="An ill-conditioned matrix")
    warnings.filterwarnings("ignore", message="Ill-conditioned matrix")
    if args.sweep:
        narma_sweep(args.seeds or NARMA_TUNING_SEEDS, quick=args.quick)
        return
    seeds = list(range(10, 20)) if args.seeds is None else args.seeds
    seeds = seeds[:1] if args.quick else seeds
    if args.only in (None, "narma"):
        if args.quick:
            narma_groups = [seeds]
        elif args.seeds is None:
            narma_groups = list(NARMA_SEED_GROUPS)
        else:
            narma_groups = [args.seeds]
        n_units = 50 if args.quick else 500
        sizes = [1] + [m for m in (2 if args.quick else args.members,) if m > 1]
        for members, group in itertools.product(sizes, narma_groups):
            began = time.perf_counter()
            if args.quick:
                runs = [
                    narma10(
                        s,
                        n_members=members,
                        n_train=500,
                        n_val=300,
                        n_test=300,
                        params=dict(NARMA_PARAMS, n_units=n_units),
                    )
                    for s in group
                ]
            else:
                runs = [narma10(s, n_members=members) for s in group]
            values = np.array([v for v, _ in runs])
            med = float(np.median(values))
            what = (
                f"N={n_units}"
                if members == 1
                else f"committee of {members} x N={n_units}"
            )
            print(
                f"NARMA-10 {what}, cycle with jumps, squared states: median NRMSE "
                f"{med:.4f} over seeds {group} (target <= {NARMA_TARGET}: "
                f"{'met' if med <= NARMA_TARGET else 'NOT met'}); "
                f"{time.perf_counter() - began:.0f} s",
                flush=True,
            )
            print("  per seed: " + " ".join(f"{v:.4f}" for v in values))
            print("  alpha:    " + " ".join(f"{a:.0e}" for _, a in runs))
    if args.only in (None, "mg"):
        began = time.perf_counter()
        n_units = 100 if args.quick else 1000
        for members in (1, 2 if args.quick else args.members):
            began = time.perf_counter()
            values = np.array(
                [
                    mg84_committee(
                        s,
                        n_members=members,
                        n_units=n_units,
                        n_trials=5 if args.quick else 100,
                        n_train=1500 if args.quick else 3000,
                    )
                    for s in seeds
                ]
            )
            med = float(np.median(values))
            what = (
                f"N={n_units}"
                if members == 1
                else f"committee of {members} x N={n_units}"
            )
            print(
                f"Mackey-Glass NRMSE84, {what}: median {med:.2e} over seeds "
                f"{seeds} (target <= {MG_TARGET:.1e}: "
                f"{'met' if med <= MG_TARGET else 'NOT met'}); "
                f"{time.perf_counter() - began:.0f} s",
                flush=True,
            )
            print("  per seed: " + " ".join(f"{v:.2e}" for v in values))


if __name__ == "__main__":
    main()
