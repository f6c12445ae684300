"""``reservoir forecast`` on real series, with no tuning options (issue 13).

Exports real series that ship inside registry packages (statsmodels,
aeon, pmdarima: ``pip install ".[bench]"``) to CSV files with their time
stamps, runs ``reservoir forecast --csv FILE --time-column ...`` on each with
nothing else (the search, horizon, season and origins are the defaults),
and prints the ESN and every baseline at h=1 and at the last horizon, with
the time each run took. Goals (checked per series):

* never a non-finite or exploded number (the command's exit status 0);
* h=1 NRMSE at or below the best of persistence / mean / seasonal naive
  (``h1<=simple``), on all but one series;
* h=1 at most 1.1x the linear autoregression (``h1<=1.1AR``), on most;
* at the last horizon within 1.2x the best simple baseline
  (``hH<=1.2simple``), on every series;
* each run within 30 s on 2 cores.

The series marked ``tuned`` were looked at while the search's defaults were
chosen; ``held-out`` ones were kept out of that until one change (the levels
candidate, prompted by wineind); ``fresh`` ones were first run after the
last change. Run ``python benchmarks/bench_real_series.py``
(about 20 s per series) or ``--only airline,lynx``; ``--quick`` runs one
synthetic monthly series with a 2 s budget (a smoke test needing no extra).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SIMPLE = ("persistence", "mean", "seasonal-naive")
LIMIT_SECONDS = 30.0


def _months(start_year: int, start_month: int, n: int, step: int = 1) -> list[str]:
    first = np.datetime64(f"{start_year}-{start_month:02d}", "M")
    return [str(first + step * i) for i in range(n)]


def _quarters(start_year: int, start_quarter: int, n: int) -> list[str]:
    out = []
    for i in range(n):
        q = start_quarter - 1 + i
        out.append(f"{start_year + q // 4}Q{q % 4 + 1}")
    return out


def _years(start: int, n: int) -> list[str]:
    return [str(start + i) for i in range(n)]


def load_series() -> dict:
    """name -> (time stamps as text or None, values, source, tuned?)."""
    out = {}
    try:
        import statsmodels.api as sm
    except ImportError:
        sm = None
    if sm is not None:
        sun = sm.datasets.sunspots.load_pandas().data
        out["sunspots"] = (
            [str(int(y)) for y in sun["YEAR"]], sun["SUNACTIVITY"].to_numpy(),
            "statsmodels sunspots (annual)", True,
        )  # fmt: skip
        nile = sm.datasets.nile.load_pandas().data
        out["nile"] = (
            [str(int(y)) for y in nile["year"]], nile["volume"].to_numpy(),
            "statsmodels nile (annual)", True,
        )  # fmt: skip
        macro = sm.datasets.macrodata.load_pandas().data
        stamps = _quarters(1959, 1, len(macro))
        for column, tuned in (("realgdp", True), ("realcons", False),
                              ("realinv", False), ("m1", False),
                              ("tbilrate", False), ("pop", False)):  # fmt: skip
            out[column] = (
                stamps, macro[column].to_numpy(),
                f"statsmodels macrodata {column} (quarterly)", tuned,
            )  # fmt: skip
        for column in ("unemp", "infl", "cpi"):
            out[column] = (
                stamps, macro[column].to_numpy(),
                f"statsmodels macrodata {column} (quarterly)", True,
            )  # fmt: skip
        co2 = sm.datasets.co2.load_pandas().data["co2"]
        co2 = co2.resample("MS").mean().interpolate().to_numpy()
        out["co2"] = (
            _months(1958, 3, co2.size),
            co2,
            "statsmodels co2 (monthly)",
            True,
        )
        elnino = sm.datasets.elnino.load_pandas().data.iloc[:, 1:].to_numpy().ravel()
        out["elnino"] = (
            _months(1950, 1, elnino.size), elnino,
            "statsmodels elnino (monthly)", True,
        )  # fmt: skip
    try:
        from aeon.datasets import load_airline, load_lynx
    except ImportError:
        load_airline = None
    if load_airline is not None:
        airline = np.asarray(load_airline(), dtype=float)
        out["airline"] = (
            _months(1949, 1, airline.size),
            airline,
            "aeon airline (monthly)",
            True,
        )
        from aeon.datasets import load_PBS_dataset, load_uschange

        pbs = np.asarray(load_PBS_dataset(), dtype=float)
        out["pbs"] = (_months(1991, 7, pbs.size), pbs, "aeon PBS (monthly)", True)
        change = np.asarray(load_uschange(), dtype=float)[0]
        out["uschange"] = (
            _quarters(1970, 1, change.size), change,
            "aeon uschange consumption (quarterly)", True,
        )  # fmt: skip
        lynx = np.asarray(load_lynx(), dtype=float)
        out["lynx"] = (_years(1821, lynx.size), lynx, "aeon lynx (annual)", True)
    try:
        from pmdarima import datasets as pm
    except ImportError:
        pm = None
    if pm is not None:
        wine = np.asarray(pm.load_wineind(), dtype=float)
        out["wineind"] = (
            _months(1980, 1, wine.size),
            wine,
            "pmdarima wineind (monthly)",
            False,
        )
        wool = np.asarray(pm.load_woolyrnq(), dtype=float)
        out["woolyrnq"] = (
            _quarters(1965, 1, wool.size), wool, "pmdarima woolyrnq (quarterly)",
            False,
        )  # fmt: skip
        beer = np.asarray(pm.load_ausbeer(), dtype=float)
        beer = beer[np.isfinite(beer)]
        out["ausbeer"] = (
            _quarters(1956, 1, beer.size), beer, "pmdarima ausbeer (quarterly)",
            False,
        )  # fmt: skip
        res = np.asarray(pm.load_austres(), dtype=float)
        out["austres"] = (
            _quarters(1971, 2, res.size),
            res,
            "pmdarima austres (quarterly)",
            False,
        )
        sun = np.asarray(pm.load_sunspots(), dtype=float)[-1000:]
        start = np.datetime64("1749-01") + (2820 - 1000)
        out["sunmonthly"] = (
            [str(start + i) for i in range(sun.size)], sun,
            "pmdarima sunspots, last 1000 months", False,
        )  # fmt: skip
        taylor = np.asarray(pm.load_taylor(), dtype=float)[:1008]
        half_hours = np.datetime64("2000-06-05T00:00") + 30 * np.arange(1008)
        out["taylor"] = (
            [str(t) for t in half_hours], taylor,
            "pmdarima taylor, first 3 weeks (half-hourly)", False,
        )  # fmt: skip
        heart = np.asarray(pm.load_heartrate(), dtype=float).ravel()
        out["heartrate"] = (None, heart, "pmdarima heartrate (steps)", False)
    out = {k: (*v[:3], "tuned" if v[3] else "held-out") for k, v in out.items()}
    out.update(fresh_series(sm, pm))
    return out


def fresh_series(sm, pm) -> dict:
    """Series first run after the last change to the search's defaults
    (2026-12-05, session 2): none of them was looked at before."""
    out = {}
    if sm is not None:
        macro = sm.datasets.macrodata.load_pandas().data
        for column in ("realgovt", "realdpi", "realint"):
            out[column] = (
                _quarters(1959, 1, len(macro)), macro[column].to_numpy(),
                f"statsmodels macrodata {column} (quarterly)", "fresh",
            )  # fmt: skip
    try:
        from aeon.datasets import load_uschange
    except ImportError:
        load_uschange = None
    if load_uschange is not None:
        change = np.asarray(load_uschange(), dtype=float)
        for row, column in enumerate(
            ("income", "production", "savings", "unemployment"), start=1
        ):
            out[f"us{column}"] = (
                _quarters(1970, 1, change.shape[1]), change[row],
                f"aeon uschange {column} (quarterly)", "fresh",
            )  # fmt: skip
    if pm is not None:
        sun = np.asarray(pm.load_sunspots(), dtype=float)[:1000]
        start = np.datetime64("1749-01")
        out["sunearly"] = (
            [str(start + i) for i in range(sun.size)], sun,
            "pmdarima sunspots, first 1000 months", "fresh",
        )  # fmt: skip
        taylor = np.asarray(pm.load_taylor(), dtype=float)[-1008:]
        half_hours = np.datetime64("2000-07-31T00:00") + 30 * np.arange(1008)
        out["taylorlast"] = (
            [str(t) for t in half_hours], taylor,
            "pmdarima taylor, last 3 weeks (half-hourly)", "fresh",
        )  # fmt: skip
    return out


def synthetic() -> dict:
    """A monthly series with trend and season (for the smoke run)."""
    rng = np.random.default_rng(0)
    t = np.arange(120)
    y = 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, t.size)
    return {"synthetic": (_months(2010, 1, t.size), y, "synthetic monthly", "held-out")}


def write_csv(path: Path, stamps, values) -> list[str]:
    """The CSV file and the command-line options that read it."""
    with path.open("w") as handle:
        if stamps is None:
            handle.write("value\n")
            handle.writelines(f"{float(v)!r}\n" for v in values)
            return ["--csv", str(path)]
        handle.write("time,value\n")
        handle.writelines(
            f"{s},{float(v)!r}\n" for s, v in zip(stamps, values, strict=True)
        )
    return ["--csv", str(path), "--time-column", "time"]


def parse_table(out: str) -> tuple[list[str], dict]:
    """Methods and {horizon: [NRMSE per method]} from the printed table."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("NRMSE by"))
    methods = lines[start + 1].split()[1:]
    table = {}
    for line in lines[start + 2 :]:
        cells = line.split()
        if not cells or not cells[0].isdigit():
            break
        table[int(cells[0])] = [
            float("nan") if c == "failed" else float(c) for c in cells[1:]
        ]
    return methods, table


def run_one(name, stamps, values, source, tuned, extra, folder) -> dict:
    options = write_csv(folder / f"{name}.csv", stamps, values)
    command = [sys.executable, "-m", "reservoir", "forecast", *options, "--quiet"]
    began = time.perf_counter()
    proc = subprocess.run(command + extra, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    row = {"name": name, "source": source, "tuned": tuned, "seconds": seconds,
           "status": proc.returncode, "n": len(values)}  # fmt: skip
    if proc.returncode == 2:
        row["error"] = proc.stderr.strip()
        return row
    methods, table = parse_table(proc.stdout)
    horizons = sorted(table)
    row["horizon"] = horizons[-1]
    row["methods"] = methods
    row["h1"] = dict(zip(methods, table[1], strict=True))
    row["hH"] = dict(zip(methods, table[horizons[-1]], strict=True))
    chosen = re.search(r"chosen\s+:\s+(.*)", proc.stdout)
    row["chosen"] = chosen.group(1) if chosen else ""
    return row


def verdicts(row) -> dict:
    if "h1" not in row:
        return {"runs": False}
    h1, hH = row["h1"], row["hH"]
    esn1, esnH = h1["ESN"], hH["ESN"]
    simple1 = min(v for k, v in h1.items() if k in SIMPLE)
    simpleH = min(v for k, v in hH.items() if k in SIMPLE)
    ar1 = next(v for k, v in h1.items() if k.startswith("AR("))
    return {
        "runs": row["status"] == 0 and np.isfinite(esn1) and np.isfinite(esnH),
        "h1<=simple": esn1 <= simple1,
        "h1<=1.1AR": esn1 <= 1.1 * ar1,
        "hH<=1.2simple": esnH <= 1.2 * simpleH,
        "<=30s": row["seconds"] <= LIMIT_SECONDS,
        "ratios": (esn1 / simple1, esn1 / ar1, esnH / simpleH),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run")
    parser.add_argument("--only", help="comma-separated series names")
    args = parser.parse_args(argv)
    series = synthetic() if args.quick else load_series()
    if not series:
        print("no real series: pip install '.[bench]' (statsmodels, aeon, pmdarima)")
        return 1
    if args.only:
        wanted = args.only.split(",")
        series = {k: v for k, v in series.items() if k in wanted}
    extra = ["--time-budget", "2"] if args.quick else []
    checks = ("runs", "h1<=simple", "h1<=1.1AR", "hH<=1.2simple", "<=30s")
    groups = sorted({v[3] for v in series.values()})
    misses = {(g, c): [] for g in groups for c in checks}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (stamps, values, source, tuned) in series.items():
            row = run_one(name, stamps, values, source, tuned, extra, Path(tmp))
            v = verdicts(row)
            label = f"{name} ({tuned})"
            if not v["runs"]:
                print(f"{label:<22} FAILED: status {row['status']} "
                      f"{row.get('error', '')}")  # fmt: skip
                misses[tuned, "runs"].append(name)
                continue
            for c in checks[1:]:
                if not v[c]:
                    misses[tuned, c].append(name)
            print(f"{label:<22} {row['source']}, n={row['n']}, horizon "
                  f"{row['horizon']}, {row['seconds']:.1f} s")  # fmt: skip
            for h, scores in (("1", row["h1"]), (str(row["horizon"]), row["hH"])):
                print(f"    h={h:<4}" + "  ".join(
                    f"{k} {s:.4g}" for k, s in scores.items()))  # fmt: skip
            r1s, r1a, rHs = v["ratios"]
            flags = " ".join(f"{c}:{'PASS' if v[c] else 'MISS'}" for c in checks[1:])
            print(f"    ESN/simple h1 {r1s:.3f}, ESN/AR h1 {r1a:.3f}, "
                  f"ESN/simple hH {rHs:.3f}; {flags}")  # fmt: skip
            print(f"    chosen: {row['chosen']}")
    print()
    for group in groups:
        n = sum(v[3] == group for v in series.values())
        print(f"{group}, {n} series: " + "; ".join(
            f"{c} missed by {len(m)}{' (' + ', '.join(m) + ')' if m else ''}"
            for (g, c), m in misses.items() if g == group))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
