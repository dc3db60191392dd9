#!/usr/bin/env python3
"""Time sharecast against its NumPy peer and check that the two agree.

One invocation builds sharecast (``cargo build --release --locked``, not
timed), then runs, on the same scenario with the same run count and seed:

* ``target/release/sharecast run SCENARIO --runs N --seed S --threads T --out DIR --quiet``
* ``python3 benches/peer/numpy_peer.py SCENARIO --runs N --seed S --out FILE``

Each is timed as a whole process (wall clock, ``time.perf_counter``), startup
and file writing included.  The two use different random streams, so they are
compared statistically: for every period and vendor, the mean count share over
all units (sharecast's ``shares.csv`` row agency=all, tier=all,
metric=count_share) and, for every period, the fraction of units under
contract (``adoption.csv`` row agency=all, measure=under_contract) give

    z = (m1 - m2) / sqrt(sd1^2 / n1 + sd2^2 / n2)

The tools agree if max |z| stays below the two-sided normal quantile for
0.001 / rows (a Bonferroni bound).  Exit status: 0 on agreement, 1 otherwise
(or if a step fails).

Usage:
    python3 benches/peer/compare.py [--scenario scenarios/bench/large.toml]
        [--runs 1000] [--threads 2] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import NormalDist

REPO = Path(__file__).resolve().parents[2]
PEER = Path(__file__).resolve().with_name("numpy_peer.py")
SHARECAST = REPO / "target" / "release" / "sharecast"

ALPHA = 0.001          # family-wise false-alarm rate of the agreement test
ROUNDING = 5e-7        # sharecast writes 6 decimals: a mean may be off by this


def timed(cmd: list[str]) -> float:
    """Run a command from the repository root; return its wall-clock seconds."""
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=REPO)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"exit status {result.returncode}: {' '.join(cmd)}")
    return elapsed


def number(cell: str) -> float | None:
    """A CSV number; an empty cell (undefined value) is None."""
    return float(cell) if cell != "" else None


def stats(row: dict) -> tuple[int, float | None, float | None]:
    return int(row["runs"]), number(row["mean"]), number(row["sd"])


def read_peer(path: Path) -> dict:
    """Peer rows keyed by (measure, period, vendor)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return {(r["series"], int(r["period"]), r["vendor"]): stats(r)
                for r in csv.DictReader(fh)}


def read_sharecast(folder: Path) -> dict:
    """The matching sharecast rows, keyed like the peer's."""
    rows = {}
    with open(folder / "shares.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if (r["agency"], r["tier"], r["metric"]) == ("all", "all", "count_share"):
                rows["count_share", int(r["period"]), r["vendor"]] = stats(r)
    with open(folder / "adoption.csv", newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if (r["agency"], r["measure"]) == ("all", "under_contract"):
                rows["under_contract", int(r["period"]), ""] = stats(r)
    return rows


def z_scores(peer: dict, rust: dict):
    """z for every row both tools define and can test.

    Also returns the keys only one tool has, and how many rows were skipped
    because both tools give the same constant (sd 0, equal means).
    """
    missing = sorted(set(peer) ^ set(rust))
    scores, identical = [], 0
    for key in sorted(set(peer) & set(rust)):
        (n1, m1, s1), (n2, m2, s2) = peer[key], rust[key]
        if m1 is None or m2 is None or n1 < 2 or n2 < 2:
            continue                   # undefined, or no spread to test against
        se = math.sqrt((s1 or 0.0) ** 2 / n1 + (s2 or 0.0) ** 2 / n2)
        diff = max(0.0, abs(m1 - m2) - ROUNDING)
        if se == 0.0:
            if diff == 0.0:
                identical += 1         # both constant and equal
                continue
            z = math.inf
        else:
            z = diff / se
        scores.append((z, key, m1, m2))
    return scores, missing, identical


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="scenarios/bench/large.toml")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="write both tools' outputs here (default: a temporary folder)")
    args = parser.parse_args()

    scenario = Path(args.scenario)
    if not scenario.is_absolute() and not scenario.exists():
        scenario = REPO / scenario     # relative to the repository root
    scenario = scenario.resolve()
    if not scenario.is_file():
        print(f"compare: no scenario file {scenario}", file=sys.stderr)
        return 1

    print("building sharecast (cargo build --release --locked) ...", flush=True)
    if subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO).returncode != 0:
        print("compare: cargo build failed", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="sharecast-compare-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        rust_out, peer_out = work / "sharecast", work / "numpy_peer.csv"
        common = ["--runs", str(args.runs), "--seed", str(args.seed)]
        try:
            rust_s = timed([str(SHARECAST), "run", str(scenario), *common,
                            "--threads", str(args.threads), "--out", str(rust_out), "--quiet"])
            peer_s = timed([sys.executable, str(PEER), str(scenario), *common,
                            "--out", str(peer_out)])
        except RuntimeError as exc:
            print(f"compare: {exc}", file=sys.stderr)
            return 1
        scores, missing, identical = z_scores(read_peer(peer_out), read_sharecast(rust_out))

    print(f"\nscenario {scenario}, {args.runs} runs, seed {args.seed}, "
          f"sharecast --threads {args.threads} (the peer is one NumPy process)\n")
    print(f"{'tool':<12}{'seconds':>10}{'runs/s':>12}")
    for tool, secs in (("sharecast", rust_s), ("numpy peer", peer_s)):
        print(f"{tool:<12}{secs:>10.3f}{args.runs / secs:>12.1f}")
    print(f"ratio peer_time / sharecast_time = {peer_s / rust_s:.2f}\n")

    rows = len(scores)
    if missing:
        print(f"DISAGREE: {len(missing)} rows exist in only one tool, e.g. {missing[:3]}")
        return 1
    if rows == 0:
        if identical:
            print(f"AGREE: all {identical} rows are constant and identical in both tools")
            return 0
        print("DISAGREE: no rows could be compared")
        return 1
    bound = NormalDist().inv_cdf(1.0 - ALPHA / (2 * rows))
    worst = max(scores)
    over3 = sum(z > 3 for z, *_ in scores) / rows
    print(f"rows compared: {rows}   max |z|: {worst[0]:.3f}   "
          f"fraction |z| > 3: {over3:.4f}   bound (Bonferroni, alpha {ALPHA}): {bound:.3f}")
    if identical:
        print(f"(plus {identical} constant rows, identical in both tools)")
    for z, (measure, period, vendor), m1, m2 in sorted(scores, reverse=True)[:3]:
        print(f"  |z| {z:6.3f}  {measure} period {period} {vendor or '-'}: "
              f"peer {m1:.6f} vs sharecast {m2:.6f}")
    if worst[0] < bound:
        print("AGREE")
        return 0
    print("DISAGREE")
    return 1


if __name__ == "__main__":
    sys.exit(main())
