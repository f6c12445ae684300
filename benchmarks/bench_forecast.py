"""Forecasting accuracy benchmarks (issue 3); protocols in docs/forecasting.rst.

1. Mackey-Glass tau=17, Jaeger's 84-step protocol (NRMSE84), N=400 and N=1000.
2. Mackey-Glass closed loop, N=500: the first 500 free-running steps must stay
   within 0.4 normalised error, for 5 seeds.
3. Lorenz-63 closed loop: median valid prediction time (threshold 0.4,
   largest Lyapunov exponent 0.906) over several forecast starts.
4. Mackey-Glass NRMSE84 with the default search instead of our settings
   (``search_forecaster`` on 3000 raw training points, horizon 84, N <= 400,
   20 s budget): median over reservoir seeds 10-14 (seeds 0-5 were looked at
   while the search's defaults were chosen) <= 1e-3.

Run ``python benchmarks/bench_forecast.py`` for the full figures (a few
minutes on two cores) or ``--quick`` for a smoke run; ``--only mg84`` etc.
selects one protocol.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from reservoir.datasets import lorenz, mackey_glass
from reservoir.forecast import ESNForecaster
from reservoir.forecasting import search_forecaster
from reservoir.metrics import nrmse_by_horizon, valid_prediction_time

#: Largest Lyapunov exponent of Lorenz-63 (sigma=10, rho=28, beta=8/3).
LORENZ_LYAPUNOV = 0.906

#: Mackey-Glass settings found by a small random search on seeds 0-3 (N=400)
#: and 0-2 (N=1000); Jaeger's own leaky ESN in our leak-rate form (leak
#: C*a = 0.396, spectral radius 0.79/0.9, feedback 0.56, no noise) gives
#: NRMSE84 = 8e-4 at N=400 here.
MG_BASE = dict(
    spectral_radius=1.0,
    leak_rate=0.8,
    bias_scaling=0.1,
    feedback_scaling=0.56,
    include_input=True,
    noise_type="input",
    standardize=False,  # Jaeger's protocol: the squashed values as they are
)
MG84_PARAMS = {
    400: dict(MG_BASE, density=0.1, alpha=1e-14, noise_level=1e-5),
    1000: dict(MG_BASE, density=0.02, alpha=1e-14, noise_level=3e-6),
}
MG84_TARGETS = {400: 2.8e-4, 1000: 6.3e-5}

MG_CLOSED_LOOP_PARAMS = dict(MG_BASE, density=0.05, alpha=1e-12, noise_level=1e-4)

LORENZ_UNITS = 1000
LORENZ_PARAMS = dict(
    density=0.02,
    spectral_radius=0.4,
    leak_rate=1.0,
    bias_scaling=1.0,
    feedback_scaling=0.5,
    include_input=True,
    alpha=1e-10,
)


def mg84(
    n_units: int,
    *,
    n_trials: int = 20,
    n_train: int = 3000,
    washout: int = 1000,
    n_context: int = 1000,
    spacing: int = 200,
    seed: int = 0,
    params: dict | None = None,
) -> float:
    """Jaeger's NRMSE84 on Mackey-Glass tau=17 (see docs/forecasting.rst)."""
    params = MG84_PARAMS.get(n_units, MG84_PARAMS[400]) if params is None else params
    n_total = n_train + (n_trials - 1) * spacing + n_context + 84
    raw = mackey_glass(n_total, tau=17.0).ravel()
    squashed = np.tanh(raw - 1.0)
    model = ESNForecaster(n_units, washout=washout, random_state=seed, **params).fit(
        squashed[:n_train]
    )
    truth, pred = [], []
    for i in range(n_trials):
        start = n_train + i * spacing
        context = squashed[start : start + n_context]
        out = model.forecast(84, context=context)
        pred.append(np.arctanh(np.clip(out, -1 + 1e-15, 1 - 1e-15)) + 1.0)
        truth.append(raw[start + n_context : start + n_context + 84])
    scores = nrmse_by_horizon(
        np.asarray(truth)[..., None], np.asarray(pred)[..., None], scale=raw.std()
    )
    return float(scores[83])


def mg84_search(
    *,
    n_trials: int = 20,
    n_train: int = 3000,
    n_context: int = 1000,
    spacing: int = 200,
    seed: int = 10,
    time_budget: float = 20.0,
) -> tuple[float, float]:
    """NRMSE84 of the default search's forecaster on the raw Mackey-Glass
    series (no squashing, no chosen settings), and the search's seconds."""
    n_total = n_train + (n_trials - 1) * spacing + n_context + 84
    raw = mackey_glass(n_total, tau=17.0).ravel()
    began = time.perf_counter()
    result = search_forecaster(
        raw[:n_train], 84, random_state=seed, time_budget=time_budget
    )
    seconds = time.perf_counter() - began
    truth, pred = [], []
    for i in range(n_trials):
        start = n_train + i * spacing
        context = raw[start : start + n_context]
        pred.append(result.best_estimator.forecast(84, context=context))
        truth.append(raw[start + n_context : start + n_context + 84])
    scores = nrmse_by_horizon(
        np.asarray(truth)[..., None], np.asarray(pred)[..., None], scale=raw.std()
    )
    return float(scores[83]), seconds


def mg_closed_loop(
    *,
    n_units: int = 500,
    seed: int = 0,
    n_train: int = 5000,
    washout: int = 500,
    n_free: int = 500,
    params: dict | None = None,
) -> int:
    """Free-running steps within 0.4 normalised error (MG tau=17, one seed).

    The seed draws both the reservoir and the Mackey-Glass initial history.
    """
    params = MG_CLOSED_LOOP_PARAMS if params is None else params
    raw = mackey_glass(n_train + n_free, random_state=seed).ravel()
    squashed = np.tanh(raw - 1.0)
    model = ESNForecaster(n_units, washout=washout, random_state=seed, **params).fit(
        squashed[:n_train]
    )
    out = np.arctanh(np.clip(model.forecast(n_free), -1 + 1e-15, 1 - 1e-15)) + 1.0
    return valid_prediction_time(
        raw[n_train:], out, threshold=0.4, scale=raw[:n_train].std()
    )


def lorenz_vpt(
    *,
    n_units: int = 1000,
    n_train: int = 10000,
    washout: int = 500,
    n_starts: int = 20,
    n_context: int = 500,
    n_free: int = 1000,
    spacing: int = 700,
    seed: int = 0,
    params: dict | None = None,
) -> np.ndarray:
    """Valid prediction times (Lyapunov times) of closed-loop Lorenz-63 runs."""
    params = LORENZ_PARAMS if params is None else params
    dt = 0.02
    n_total = n_train + (n_starts - 1) * spacing + n_context + n_free
    data = lorenz(n_total, dt=dt)
    mean, std = data[:n_train].mean(axis=0), data[:n_train].std(axis=0)
    z = (data - mean) / std
    model = ESNForecaster(n_units, washout=washout, random_state=seed, **params).fit(
        z[:n_train]
    )
    vpts = []
    for i in range(n_starts):
        start = n_train + i * spacing
        context = z[start : start + n_context]
        out = model.forecast(n_free, context=context)
        truth = z[start + n_context : start + n_context + n_free]
        vpts.append(
            valid_prediction_time(
                truth,
                out,
                threshold=0.4,
                scale=1.0,
                lyapunov_exponent=LORENZ_LYAPUNOV,
                dt=dt,
            )
        )
    return np.asarray(vpts)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument(
        "--only",
        choices=["mg84", "mg-closed-loop", "lorenz", "mg84-search"],
        default=None,
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=5,
        help="reservoir seeds for NRMSE84 (the median is scored; default 5)",
    )
    args = parser.parse_args(argv)
    # alpha=1e-14 makes the ridge system ill-conditioned on purpose
    warnings.filterwarnings("ignore", message="An ill-conditioned matrix")
    warnings.filterwarnings("ignore", message="Ill-conditioned matrix")
    q = args.quick
    rows = []

    def run(name, fn, target, ok):
        t0 = time.perf_counter()
        shown, score = fn()
        rows.append((name, shown, target, ok(score), time.perf_counter() - t0))
        print(f"  {name}: {shown} ({rows[-1][4]:.1f} s)", flush=True)

    if args.only in (None, "mg84"):
        sizes = (400,) if q else (400, 1000)
        for n in sizes:
            params = MG84_PARAMS[400] if q else MG84_PARAMS[n]
            n_trials = 5 if q else (100 if n == 1000 else 20)
            seeds = range(1 if q else args.seeds)
            target = 1e-3 if q else MG84_TARGETS[n]

            def nrmse84(n=n, params=params, n_trials=n_trials, seeds=seeds):
                values = [
                    mg84(
                        n,
                        n_trials=n_trials,
                        spacing=100 if n == 1000 else 200,
                        params=params,
                        seed=s,
                    )
                    for s in seeds
                ]
                med = float(np.median(values))
                shown = f"median {med:.2e}; seeds: " + " ".join(
                    f"{v:.2e}" for v in values
                )
                return shown, med

            run(
                f"MG NRMSE84, N={n}, {n_trials} trials",
                nrmse84,
                f"<= {target:.1e}",
                lambda v, t=target: v <= t,
            )
    if args.only in (None, "mg-closed-loop"):
        n, n_free = (200, 200) if q else (500, 500)
        seeds = range(1) if q else range(5)

        def closed_loop(n=n, seeds=seeds, n_free=n_free):
            values = [
                mg_closed_loop(
                    n_units=n,
                    seed=s,
                    n_train=2000 if q else 5000,
                    washout=300 if q else 500,
                    n_free=n_free,
                )
                for s in seeds
            ]
            passed = sum(v >= n_free for v in values)
            shown = f"{passed}/{len(values)} seeds; valid steps: " + " ".join(
                map(str, values)
            )
            return shown, passed == len(values)

        run(
            f"MG closed loop N={n}, {n_free} steps within 0.4",
            closed_loop,
            "all seeds",
            bool,
        )
    if args.only in (None, "lorenz"):
        n = 200 if q else LORENZ_UNITS

        def vpt(n=n):
            v = lorenz_vpt(
                n_units=n,
                n_train=3000 if q else 10000,
                n_starts=3 if q else 20,
            )
            med = float(np.median(v))
            shown = f"median {med:.2f} (min {v.min():.2f}, max {v.max():.2f})"
            return shown, med

        target = 1.0 if q else 11.0
        run(
            f"Lorenz-63 VPT, N={n}, {3 if q else 20} starts (Lyapunov times)",
            vpt,
            f">= {target:g}",
            lambda v, t=target: v >= t,
        )

    if args.only in (None, "mg84-search"):
        seeds = range(10, 11) if q else range(10, 15)

        def searched(seeds=seeds):
            runs = [
                mg84_search(
                    seed=s,
                    n_train=1000 if q else 3000,
                    n_trials=3 if q else 20,
                    time_budget=2.0 if q else 20.0,
                )
                for s in seeds
            ]
            med = float(np.median([v for v, _ in runs]))
            shown = f"median {med:.2e}; seeds: " + " ".join(
                f"{v:.2e} ({t:.0f} s)" for v, t in runs
            )
            return shown, med

        target = 1.0 if q else 1e-3
        run(
            "MG NRMSE84, default search, N<=400",
            searched,
            f"<= {target:.0e}",
            lambda v, t=target: v <= t,
        )

    print()
    width = max(len(r[1]) for r in rows)
    print(f"{'benchmark':<48} {'result':<{width}} {'target':>10} {'ok':>3} {'s':>6}")
    for name, shown, target, ok, sec in rows:
        print(
            f"{name:<48} {shown:<{width}} {target:>10} {'yes' if ok else 'NO':>3} "
            f"{sec:6.1f}"
        )


if __name__ == "__main__":
    main()
