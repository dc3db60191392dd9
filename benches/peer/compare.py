#!/usr/bin/env python3
"""Time sharecast against its NumPy peer doing the same job; check that they agree.

One invocation builds sharecast (``cargo build --release --locked``, not
timed), then runs, on the same scenario with the same run count and seed:

* ``target/release/sharecast run SCENARIO --runs N --seed S --threads T --out DIR --quiet``
* ``python3 benches/peer/numpy_peer.py SCENARIO --runs N --seed S --out DIR``

Both do the full job: simulate every run, compute every statistic of
MODEL.md section 6 and write ``shares.csv``, ``adoption.csv``,
``revenue.csv``, ``shares_wide.csv`` and ``summary.csv`` (sharecast also
writes its ``manifest.json``).  Each is timed as a whole process (wall
clock, ``time.perf_counter``), startup and file writing included; the
CPU seconds (user + system, all threads) are shown beside it.

Agreement is checked in two steps:

1. Structure: the five files must have the same header and the same rows in
   the same order (every column that labels a row: period, date, agency,
   tier, vendor, metric or measure).
2. Statistics: the two tools use different random streams, so they are
   compared statistically, with three kinds of z-score:

   * means: every row of ``shares.csv``, ``adoption.csv`` and ``revenue.csv``
     that both tools define (mean present, runs >= 2) gives

         z = (m1 - m2) / sqrt(sd1^2 / n1 + sd2^2 / n2)

     with |m1 - m2| first reduced by 1e-6, the most that rounding both means
     to 6 decimals can add (and by a few units of the floats' spacing at the
     means' magnitude, with which a written 1e-6 reads back).  Rows that are
     constant and equal in both tools (sd 0) are counted apart.
   * runs entering a row: a row's ``runs`` is the number of the N runs in
     which its measure is defined (a share is undefined in a run whose scope
     holds no contract).  Where that fraction is not 0 in both tools or 1 in
     both, the two fractions p1 = runs1 / N and p2 = runs2 / N give the
     two-proportion z with pooled variance

         z = (p1 - p2) / sqrt(p (1 - p) 2 / N),   p = (p1 + p2) / 2.

     This is also how a row defined in one tool only (runs 0 in the other) is
     judged: it is listed, and it disagrees when so many runs define it in
     one tool that none doing so in the other is implausible.
   * ``prob_leader`` of every vendor in ``summary.csv``, with the same
     two-proportion z (its difference first reduced by 1e-6, for rounding).
     With ties split evenly a run adds a value between 0 and 1 rather than 0
     or 1, whose variance is at most p (1 - p), so the binomial variance is a
     safe (conservative) choice.

   The tools agree if max |z| over all these tests stays below the two-sided
   normal quantile for 0.001 / tests (a Bonferroni bound).

Exit status: 0 on agreement, 1 otherwise (or if a step fails).

Usage:
    python3 benches/peer/compare.py [--scenario scenarios/bench/large.toml]
        [--runs 1000] [--threads 2] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import NormalDist

REPO = Path(__file__).resolve().parents[2]
PEER = Path(__file__).resolve().with_name("numpy_peer.py")
# Where ``cargo build --release`` puts the binary (CARGO_TARGET_DIR, as
# cargo reads it from the repository root, moves it).
SHARECAST = (REPO / os.environ.get("CARGO_TARGET_DIR", "target")).resolve() / "release" / "sharecast"

ALPHA = 0.001          # family-wise false-alarm rate of the agreement test
# Both tools round every mean to 6 decimals (each off by up to 5e-7), so two
# means that agree exactly may still differ by up to 1e-6 as written.
ROUNDING = 1e-6
MIN_RUNS = 2           # a row needs this many runs in both tools to be tested
ONE_TOOL_SHOWN = 20    # rows defined in one tool only that are listed

# The files both tools write, with the columns that label a row.
LABELS = {
    "shares.csv": ("period", "date", "agency", "tier", "vendor", "metric"),
    "adoption.csv": ("period", "date", "agency", "measure"),
    "revenue.csv": ("period", "date", "vendor", "measure"),
    "shares_wide.csv": ("period", "date"),
    "summary.csv": ("period", "date", "vendor"),
}
# The files whose rows carry runs/mean/sd and are tested row by row.
TESTED = ("shares.csv", "adoption.csv", "revenue.csv")
# The kinds of test, in the order they are reported.
MEAN, RUNS, LEADER = "mean", "runs", "prob_leader"
KINDS = {
    MEAN: "means of rows (z with each tool's sd)",
    RUNS: "runs entering rows, as fractions of N runs (two-proportion z, pooled)",
    LEADER: "prob_leader per vendor in summary.csv (two-proportion z, pooled)",
}


def timed(cmd: list[str]) -> tuple[float, float]:
    """Run a command from the repository root; return its wall-clock and CPU seconds.

    CPU seconds are user + system time of the process and its threads (0 where
    the platform does not report children's times).
    """
    before = os.times()
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=REPO)
    elapsed = time.perf_counter() - start
    after = os.times()
    if result.returncode != 0:
        raise RuntimeError(f"exit status {result.returncode}: {' '.join(cmd)}")
    cpu = (after.children_user - before.children_user
           + after.children_system - before.children_system)
    return elapsed, cpu


def number(cell: str) -> float | None:
    """A CSV number; an empty cell (undefined value) is None."""
    return float(cell) if cell != "" else None


def read(path: Path) -> tuple[list[str], list[dict]]:
    """A CSV file's header and rows."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def structure_differences(peer: Path, rust: Path) -> list[str]:
    """Where the peer's files differ from sharecast's in header or row labels."""
    problems = []
    for name, labels in LABELS.items():
        (h1, rows1), (h2, rows2) = read(peer / name), read(rust / name)
        if h1 != h2:
            problems.append(f"{name}: header {h1} vs {h2}")
            continue
        keys1 = [tuple(r[c] for c in labels) for r in rows1]
        keys2 = [tuple(r[c] for c in labels) for r in rows2]
        if keys1 != keys2:
            first = next((i for i, (a, b) in enumerate(zip(keys1, keys2)) if a != b),
                         min(len(keys1), len(keys2)))
            problems.append(f"{name}: {len(keys1)} vs {len(keys2)} rows, first difference "
                            f"at row {first + 1}: "
                            f"{keys1[first] if first < len(keys1) else '-'} vs "
                            f"{keys2[first] if first < len(keys2) else '-'}")
    return problems


def statistics(folder: Path) -> dict:
    """(runs, mean, sd) of every tested row, keyed by (file, row labels), and
    prob_leader of every summary.csv row, keyed ("summary.csv", period, vendor)."""
    rows = {}
    for name in TESTED:
        labels = [c for c in LABELS[name] if c != "date"]
        for r in read(folder / name)[1]:
            key = (name, *(r[c] for c in labels))
            rows[key] = int(r["runs"]), number(r["mean"]), number(r["sd"])
    for r in read(folder / "summary.csv")[1]:
        rows["summary.csv", r["period"], r["vendor"]] = number(r["prob_leader"])
    return rows


def proportion_z(p1: float, p2: float, n: int, slack: float = 0.0) -> float | None:
    """Two-proportion z of p1 and p2, each out of n trials, with pooled variance.

    |p1 - p2| is first reduced by ``slack``.  None when there is nothing to
    test: both proportions 0, or both 1 (then the pooled variance is 0).
    """
    pooled = (p1 + p2) / 2.0
    diff = max(0.0, abs(p1 - p2) - slack)
    variance = pooled * (1.0 - pooled) * 2.0 / n
    if variance <= 0.0:
        return None if diff == 0.0 else math.inf
    return diff / math.sqrt(variance)


def beyond_rounding(m1: float, m2: float) -> float:
    """How far two written means differ beyond what rounding explains.

    Means that agree to within one unit of the sixth decimal may be written
    one unit apart; read back as floats, that unit is 1e-6 give or take the
    floats' spacing at their magnitude (about 1e-9 for a cumulative revenue
    of ten million), so a few units of that spacing are allowed as well.
    Beyond about 1e10 six decimals are finer than the floats themselves, and
    sums added in another order differ by more than a few units of spacing:
    there the allowance is relative, 1e-12 of the magnitude.
    """
    magnitude = max(abs(m1), abs(m2))
    slack = ROUNDING + max(4.0 * math.ulp(magnitude), 1e-12 * magnitude)
    return max(0.0, abs(m1 - m2) - slack)


def z_scores(peer: dict, rust: dict, runs: int):
    """Every z-score of the agreement test; both tools ran ``runs`` runs.

    Returns the scores as (|z|, kind, key, peer value, sharecast value) -- for
    kind RUNS the values are the rows' run counts --, the rows defined in one
    tool only (their runs scores), and counts of the rows whose means are left out:
    constant and equal in both tools; defined in only one; undefined in both;
    fewer than MIN_RUNS runs.
    """
    scores, one_tool = [], []
    skipped = {"constant, identical": 0, "defined in one tool only": 0,
               "undefined in both": 0, f"under {MIN_RUNS} runs": 0}
    for key in rust:
        if key[0] == "summary.csv":
            l1, l2 = peer[key], rust[key]
            if l1 is None or l2 is None:   # not written: nothing to test, or a mismatch
                if l1 is not l2:
                    scores.append((math.inf, LEADER, key, l1, l2))
                continue
            z = proportion_z(l1, l2, runs, slack=ROUNDING)
            if z is not None:
                scores.append((z, LEADER, key, l1, l2))
            continue
        (n1, m1, s1), (n2, m2, s2) = peer[key], rust[key]
        # How often the row is defined, as a fraction of the runs.  A row
        # defined in one tool only is judged by this test (equal runs with a
        # mean in one tool only would be inconsistent files: a failure).
        z = proportion_z(n1 / runs, n2 / runs, runs)
        in_one_only = (m1 is None) != (m2 is None)
        if in_one_only and z is None:
            z = math.inf
        if z is not None:
            scores.append((z, RUNS, key, n1, n2))
        if in_one_only:
            skipped["defined in one tool only"] += 1
            one_tool.append(scores[-1])
            continue
        if m1 is None:
            skipped["undefined in both"] += 1
            continue
        if n1 < MIN_RUNS or n2 < MIN_RUNS:
            skipped[f"under {MIN_RUNS} runs"] += 1
            continue
        se = math.sqrt((s1 or 0.0) ** 2 / n1 + (s2 or 0.0) ** 2 / n2)
        diff = beyond_rounding(m1, m2)
        if se == 0.0:
            if diff == 0.0:
                skipped["constant, identical"] += 1
                continue
            z = math.inf
        else:
            z = diff / se
        scores.append((z, MEAN, key, m1, m2))
    return scores, one_tool, skipped


def describe(key: tuple) -> str:
    """A tested row's labels, readable: ``shares.csv period 119 all/all Anthropic count_share``."""
    name, period, *rest = key
    if name == "shares.csv":
        agency, tier, vendor, metric = rest
        rest = [f"{agency}/{tier}", vendor, metric]
    return f"{name} period {period} {' '.join(rest)}"


def describe_score(z: float, kind: str, key: tuple, v1, v2, runs: int) -> str:
    """One z-score, readable, with both tools' values."""
    if kind == RUNS:
        values = f"runs entering: peer {v1}/{runs} vs sharecast {v2}/{runs}"
    elif kind == LEADER:
        fmt = lambda v: "-" if v is None else f"{v:.6f}"
        values = f"prob_leader: peer {fmt(v1)} vs sharecast {fmt(v2)}"
    else:
        values = f"mean: peer {v1:.6f} vs sharecast {v2:.6f}"
    return f"{z:6.3f}  {describe(key)}, {values}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="scenarios/bench/large.toml")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path,
                        help="write both tools' outputs here (default: a temporary folder)")
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
        work = (args.keep or Path(tmp)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        rust_out, peer_out = work / "sharecast", work / "numpy_peer"
        common = ["--runs", str(args.runs), "--seed", str(args.seed)]
        try:
            rust_s = timed([str(SHARECAST), "run", str(scenario), *common,
                            "--threads", str(args.threads), "--out", str(rust_out), "--quiet"])
            peer_s = timed([sys.executable, str(PEER), str(scenario), *common,
                            "--out", str(peer_out)])
        except RuntimeError as exc:
            print(f"compare: {exc}", file=sys.stderr)
            return 1
        problems = structure_differences(peer_out, rust_out)
        if not problems:
            scores, one_tool, skipped = z_scores(statistics(peer_out), statistics(rust_out),
                                                 args.runs)

    print(f"\nscenario {scenario}, {args.runs} runs, seed {args.seed}, "
          f"sharecast --threads {args.threads} (the peer is one NumPy process)\n")
    print(f"{'tool':<12}{'seconds':>10}{'runs/s':>12}{'cpu s':>10}")
    for tool, (secs, cpu) in (("sharecast", rust_s), ("numpy peer", peer_s)):
        print(f"{tool:<12}{secs:>10.3f}{args.runs / secs:>12.1f}{cpu:>10.3f}")
    print(f"ratio peer_time / sharecast_time = {peer_s[0] / rust_s[0]:.2f}\n")

    if problems:
        for problem in problems:
            print(f"  {problem}")
        print("DISAGREE: the output files differ in structure")
        return 1
    print(f"files {', '.join(LABELS)}: same headers and rows")
    left_out = ", ".join(f"{n} {why}" for why, n in skipped.items() if n)
    print("checks made:")
    for kind, what in KINDS.items():
        print(f"  {what}: {sum(k == kind for _, k, *_ in scores)} tests")
    tests = len(scores)
    if tests == 0:
        if skipped["constant, identical"]:
            print(f"AGREE: nothing has spread to test ({left_out})")
            return 0
        print(f"DISAGREE: nothing could be compared ({left_out})")
        return 1

    bound = NormalDist().inv_cdf(1.0 - ALPHA / (2 * tests))
    worst = max(scores, key=lambda s: s[0])
    over3 = sum(z > 3 for z, *_ in scores) / tests
    print(f"tests: {tests}   max |z|: {worst[0]:.3f}   fraction |z| > 3: {over3:.4f}   "
          f"bound (Bonferroni over all tests, alpha {ALPHA}): {bound:.3f}")
    for kind in KINDS:
        for name in (*TESTED, "summary.csv"):
            mine = [z for z, k, key, *_ in scores if k == kind and key[0] == name]
            if mine:
                print(f"  {name:<14}{kind:<13}{len(mine):>7} tests   max |z| {max(mine):.3f}")
    if left_out:
        print(f"  means not tested: {left_out}")
    if one_tool:
        # Each such row is judged by its runs test (0 runs in one tool).
        listed = sorted(one_tool, key=lambda s: s[0], reverse=True)
        failed = sum(z >= bound for z, *_ in listed)
        print(f"rows defined in one tool only: {len(listed)}, of which {failed} defined in "
              f"too many runs for 0 in the other to be plausible (runs |z| >= bound):")
        for score in listed[:ONE_TOOL_SHOWN]:
            judged = "DISAGREE" if score[0] >= bound else "plausible"
            print(f"  {describe_score(*score, args.runs)}   {judged}")
        if len(listed) > ONE_TOOL_SHOWN:
            print(f"  ... and {len(listed) - ONE_TOOL_SHOWN} more")
    print("largest |z|:")
    for score in sorted(scores, key=lambda s: s[0], reverse=True)[:3]:
        print(f"  {describe_score(*score, args.runs)}")
    return verdict(worst[0], bound)


def verdict(worst: float, bound: float) -> int:
    """Prints AGREE when the largest |z| stays below the bound, else
    DISAGREE; returns the exit status."""
    agree = worst < bound
    print("AGREE" if agree else "DISAGREE")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
