#!/usr/bin/env python3
"""Time sharecast against its NumPy peer doing the same job; check that they agree.

One invocation builds sharecast (``cargo build --release --locked``, not
timed; ``--sharecast BINARY`` times a binary built already), then runs, on
the same scenario with the same run count and seed:

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
   compared statistically, with five kinds of z-score:

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
   * from 100 runs on, the spread of the runs: both tools run the same job
     again, untimed, with ``--per-run`` (into folders of their own), and every vendor's contracts (over
     all units) in each period, one value per run in ``runs.csv``, are
     compared as whole distributions (a two-sample Kolmogorov-Smirnov test,
     its p-value turned into the |z| with the same p-value; conservative for
     counts) and by their variances (the difference of the sample variances
     over its standard error, each from its sample's fourth moment). The
     tests of means cannot see a fault that leaves the means and changes the
     spread (a distribution drawn with the right mean and the wrong shape).

   The tools agree if max |z| over all these tests stays below the two-sided
   normal quantile for 0.001 / tests (a Bonferroni bound).

Exit status: 0 on agreement, 1 otherwise (or if a step fails).

Usage:
    python3 benches/peer/compare.py [--scenario scenarios/bench/large.toml]
        [--runs 1000] [--threads 2] [--seed 7] [--keep DIR] [--sharecast BINARY]
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import shutil
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
SPREAD_MIN_RUNS = 100  # below, the variance test's normal tail is not reliable
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
DISTRIBUTION = "distribution"   # the kind of a Kolmogorov-Smirnov score
SPREAD = "spread"               # the kind of a score of two variances
KINDS = {
    MEAN: "means of rows (z with each tool's sd)",
    RUNS: "runs entering rows, as fractions of N runs (two-proportion z, pooled)",
    LEADER: "prob_leader per vendor in summary.csv (two-proportion z, pooled)",
    DISTRIBUTION: "contracts per vendor and period over the runs (two-sample Kolmogorov-Smirnov)",
    SPREAD: "variance of those contracts over the runs (z from each sample's fourth moment)",
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


class Disagreement(Exception):
    """Outputs that cannot be compared: their rows differ."""


RUNS_HEADER = ["run", "period", "vendor", "contracts", "count_share"]


def contracts_by_run(folder: Path) -> dict[tuple[str, str], list[int]]:
    """Every run's contract count of each vendor in each period, from
    ``runs.csv``, keyed (period, vendor) in the order of the file's first
    run."""
    counts: dict[tuple[str, str], list[int]] = {}
    try:
        with open(folder / "runs.csv", newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            if reader.fieldnames != RUNS_HEADER:
                raise Disagreement(f"{folder.name}/runs.csv has the header "
                                   f"{reader.fieldnames}, not {RUNS_HEADER}")
            for row in reader:
                cell = counts.setdefault((row["period"], row["vendor"]), [])
                if int(row["run"]) != len(cell):
                    raise Disagreement(f"{folder.name}/runs.csv: run {row['run']} of period "
                                       f"{row['period']}, vendor {row['vendor']} out of order")
                cell.append(int(row["contracts"]))
    except (OSError, ValueError, TypeError) as exc:
        raise Disagreement(f"{folder.name}/runs.csv cannot be read: {exc}") from exc
    return counts


def kolmogorov_smirnov(a: list[int], b: list[int]) -> float:
    """The two-sample Kolmogorov-Smirnov test of ``a`` and ``b`` (whole
    distributions, not only means) as a |z| with the same p-value, so that
    it shares the means' Bonferroni bound.

    The p-value is the asymptotic one with Stephens' correction; for
    discrete values such as counts it is conservative (too large), so the
    test may miss a difference but does not raise false alarms.
    """
    a, b = sorted(a), sorted(b)
    n, m = len(a), len(b)
    i = j = 0
    largest = 0.0
    while i < n and j < m:
        value = min(a[i], b[j])
        while i < n and a[i] == value:
            i += 1
        while j < m and b[j] == value:
            j += 1
        largest = max(largest, abs(i / n - j / m))
    effective = math.sqrt(n * m / (n + m))
    lam = (effective + 0.12 + 0.11 / effective) * largest
    if lam < 0.3:
        return 0.0      # p-value 1 to many digits: the series below converges slowly here
    p = 2.0 * sum((-1) ** (k - 1) * math.exp(-2.0 * k * k * lam * lam) for k in range(1, 101))
    p = min(max(p, 0.0), 1.0)
    return math.inf if p < 1e-300 else -NormalDist().inv_cdf(p / 2.0)


def variance_and_its_variance(xs: list[int]) -> tuple[float, float]:
    """The sample variance of ``xs`` and the estimated variance of that
    estimate, ``(m4 - s^4 (n - 3) / (n - 1)) / n`` with ``m4`` the sample's
    fourth central moment (no normality assumed)."""
    n = len(xs)
    mean = sum(xs) / n
    deviations = [x - mean for x in xs]
    variance = sum(d * d for d in deviations) / (n - 1)
    fourth = sum(d ** 4 for d in deviations) / n
    return variance, max(fourth - variance * variance * (n - 3) / (n - 1), 0.0) / n


def spread_z(a: tuple[float, float], b: tuple[float, float]) -> float:
    """|z| of the difference of two samples' variances, each given with the
    variance of its estimate (``variance_and_its_variance``)."""
    (va, vva), (vb, vvb) = a, b
    if vva + vvb == 0.0:
        return 0.0 if va == vb else math.inf
    return abs(va - vb) / math.sqrt(vva + vvb)


def distribution_scores(first: Path, second: Path) -> list[tuple]:
    """For every vendor and period whose contract counts vary in either
    folder's runs, a Kolmogorov-Smirnov score of the whole distributions
    and a score of their variances (listed as ``z_scores`` lists its
    scores; the values are each side's mean count, or its variance)."""
    scores = []
    one, other = contracts_by_run(first), contracts_by_run(second)
    if one.keys() != other.keys():
        missing = sorted(one.keys() ^ other.keys())
        raise Disagreement(f"runs.csv holds different periods or vendors in {first.name} "
                           f"and {second.name}, such as {missing[0]}")
    if list(one) != list(other):
        raise Disagreement(f"runs.csv orders periods or vendors differently in {first.name} "
                           f"and {second.name}")
    sizes = {len(xs) for xs in (*one.values(), *other.values())}
    if len(sizes) > 1:
        raise Disagreement(f"runs.csv of {first.name} or {second.name} holds a different "
                           f"number of runs for some period or vendor ({sorted(sizes)})")
    for key, a in one.items():
        b = other[key]
        if len(set(a)) == 1 and set(a) == set(b):
            continue    # constant and equal: nothing to test
        row = ("runs.csv", *key, "contracts")
        scores.append((kolmogorov_smirnov(a, b), DISTRIBUTION, row,
                       round(sum(a) / len(a), 6), round(sum(b) / len(b), 6)))
        spread_a, spread_b = variance_and_its_variance(a), variance_and_its_variance(b)
        scores.append((spread_z(spread_a, spread_b), SPREAD, row,
                       round(spread_a[0], 6), round(spread_b[0], 6)))
    return scores


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
    elif kind == DISTRIBUTION:
        values = f"distribution over runs (means: peer {v1:.6f} vs sharecast {v2:.6f})"
    elif kind == SPREAD:
        values = f"variance over runs: peer {v1:.6f} vs sharecast {v2:.6f}"
    else:
        values = f"mean: peer {v1:.6f} vs sharecast {v2:.6f}"
    return f"{z:6.3f}  {describe(key)}, {values}"


def sharecast_binary(given: str | None, caller: str) -> Path | None:
    """The sharecast to run: ``given`` (a path, else a program on PATH), or
    one built with ``cargo build --release --locked`` when nothing is given.
    None, with the reason on stderr, if there is none to run."""
    if given is not None:
        path = Path(given)
        found = (str(path) if path.is_file() and os.access(path, os.X_OK)
                 else shutil.which(given))
        if found is None:
            print(f"{caller}: {given} is not a program that can be run", file=sys.stderr)
            return None
        return Path(found).resolve()
    print("building sharecast (cargo build --release --locked) ...", flush=True)
    if subprocess.run(["cargo", "build", "--release", "--locked"], cwd=REPO).returncode != 0:
        print(f"{caller}: cargo build failed", file=sys.stderr)
        return None
    return SHARECAST


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", default="scenarios/bench/large.toml")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path,
                        help="write both tools' outputs here (default: a temporary folder)")
    parser.add_argument("--sharecast", metavar="BINARY",
                        help="time this sharecast binary instead of building one")
    args = parser.parse_args()

    scenario = Path(args.scenario)
    if not scenario.is_absolute() and not scenario.exists():
        scenario = REPO / scenario     # relative to the repository root
    scenario = scenario.resolve()
    if not scenario.is_file():
        print(f"compare: no scenario file {scenario}", file=sys.stderr)
        return 1

    sharecast = sharecast_binary(args.sharecast, "compare")
    if sharecast is None:
        return 1

    spread_tested = args.runs >= SPREAD_MIN_RUNS
    with tempfile.TemporaryDirectory(prefix="sharecast-compare-") as tmp:
        work = (args.keep or Path(tmp)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        rust_out, peer_out = work / "sharecast", work / "numpy_peer"
        common = ["--runs", str(args.runs), "--seed", str(args.seed)]
        rust_cmd = [str(sharecast), "run", str(scenario), *common, "--threads", str(args.threads),
                    "--quiet", "--out"]
        peer_cmd = [sys.executable, str(PEER), str(scenario), *common, "--out"]
        rust_runs, peer_runs = work / "sharecast-per-run", work / "numpy_peer-per-run"
        try:
            rust_s = timed([*rust_cmd, str(rust_out)])
            peer_s = timed([*peer_cmd, str(peer_out)])
            # The same runs again, untimed, each run's contracts written
            # too (runs.csv) for the tests of their spread.
            if spread_tested:
                timed([*rust_cmd, str(rust_runs), "--per-run"])
                timed([*peer_cmd, str(peer_runs), "--per-run"])
        except (RuntimeError, OSError) as exc:
            print(f"compare: {exc}", file=sys.stderr)
            return 1
        problems = structure_differences(peer_out, rust_out)
        if not problems:
            scores, one_tool, skipped = z_scores(statistics(peer_out), statistics(rust_out),
                                                 args.runs)
            if spread_tested:
                try:
                    scores += distribution_scores(peer_runs, rust_runs)
                except Disagreement as exc:
                    problems = [str(exc)]

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
    if not spread_tested:
        print(f"  (the last two are made from {SPREAD_MIN_RUNS} runs on)")
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
        for name in (*TESTED, "summary.csv", "runs.csv"):
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
