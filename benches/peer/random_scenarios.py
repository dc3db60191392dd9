#!/usr/bin/env python3
"""Random valid scenarios, each simulated by both engines (and optionally by
the NumPy peer), checked for statistical agreement.

The engine cross-check in the test suite and the peer comparison in CI use a
few hand-made scenarios. This script looks for a combination of features on
which two implementations of MODEL.md drift apart: for each seed it writes a
random scenario that the validation rules accept (docs/scenario-reference.md),
checks it with ``sharecast check``, runs it with ``--engine counts`` and
``--engine units`` (and, with ``--peer``, with ``numpy_peer.py``) on the same
run count, and compares every row with the z-scores of
``compare.py`` (means, runs entering each row, ``prob_leader``).  Each pair
is also compared run by run (``--per-run``, which the peer writes too):
each vendor's contracts in each period, as whole distributions (a
two-sample Kolmogorov-Smirnov test, its p-value turned into the |z| with
the same p-value) and by their variances (z of the difference of the
sample variances, each with its standard error from the sample's fourth
moment), the tests most sensitive to a fault in the spread of the runs.

Profiles (``--profile``; ``mixed`` takes them in turn):

* ``normal``: 1-4 tiers (some named like distribution families), 2-6
  vendors with access left out, 0, fixed or drawn, attributes weighted in
  ``[choice]`` or only in an agency's ``choice``, 1-5 agencies of 10-400
  units (some of 0), tier splits with a zero fraction, every distribution
  family, ``annual_value`` 0, left out, fixed or drawn, initial contracts
  with and without ``remaining``, month or quarter periods, up to six events
  (``set`` and ``add``, vendor, agency and ``agency = "*"``, access, annual
  value and weight changes, dated or by period, some after the horizon, some
  that only add made temporary with ``until``).
* ``extreme``: large or negative incumbency weights, extreme brand and
  access weights, tiny agencies, certain adoption, caution 1, terms of 1
  and 100, up to twelve events.
* ``waiting``: one tier closed to every vendor for a while, then reopened
  to some, and the incumbency weight changed for every agency.

Every number in these scenarios is random and means nothing. Seed N makes
scenario N of profile N mod 3 (1 ``normal``, 2 ``extreme``, 3 ``waiting``,
...) with ``--profile mixed``, whatever ``--first`` is.

The unit engine runs with seed N + 2^32, the count engine and the peer with
seed N: the two engines draw a run's uncertain numbers alike from the same
seed, so on one seed their runs would be paired and the tests, which treat
the samples as independent, would lose power.

Agreement: the two implementations agree if max |z| over every test of every
scenario stays below the two-sided normal quantile for 0.001 / tests (one
Bonferroni bound over the whole batch, so a batch of any size raises a false
alarm with probability 0.001). The seeds are fixed, so a batch that agrees
keeps agreeing until a change moves the random streams.

Scenarios are checked ``--jobs`` at a time (default: one per processor),
each in a process of its own, and reported in the order of their seeds:
every score depends on the seed alone, so the report is the same for any
number of jobs. ``--sharecast BINARY`` runs a binary built already instead
of building one.

Exit status: 0 on agreement, 1 otherwise (or if a scenario is refused or a
step fails).

Usage:
    python3 benches/peer/random_scenarios.py [--count 30] [--first 1]
        [--runs 2000] [--profile mixed] [--peer] [--threads 2] [--jobs N]
        [--keep DIR] [--sharecast BINARY]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from statistics import NormalDist

from compare import (ALPHA, PEER, REPO, SPREAD_MIN_RUNS, Disagreement, describe,
                     distribution_scores, sharecast_binary, statistics,
                     structure_differences, verdict, z_scores)

PROFILES = ("normal", "extreme", "waiting")
UNIT_ENGINE_SEED = 2 ** 32      # added to a scenario's seed for the unit engine
FAMILIES = ("normal", "uniform", "triangular", "pert", "beta", "lognormal")
TIER_NAMES = ("unclassified", "secret", "top_secret", "pert", "cui", "normal")
VENDOR_NAMES = ("OpenAI", "Anthropic", "Google", "Microsoft", "Other", "A, Inc.", "Zeta",
                "Beta Co")
AGENCY_NAMES = ("DoD", "DHS", "HHS", "IC", "Civil", "Big", "Empty")
ATTRIBUTE_NAMES = ("capability", "speed", "cost", "certified")


def number(x: float | int) -> str:
    """A TOML number: an int as written, a float with its point."""
    return str(x) if isinstance(x, int) else repr(float(x))


class Scenario:
    """One random scenario's text, built section by section from one seed."""

    def __init__(self, seed: int, profile: str):
        self.rng = random.Random(seed)
        self.seed = seed
        self.profile = profile
        self.harsh = profile in ("extreme", "waiting")
        self.lines: list[str] = []

    def uncertain(self, low: float, high: float, drawn: float, kind: str = "unit") -> str:
        """A number roughly in [low, high], drawn from a distribution with
        probability ``drawn``; ``kind`` is "unit" (a fraction), "positive" or
        "weight" (any sign)."""
        rng = self.rng
        if rng.random() > drawn:
            return number(round(rng.uniform(low, high), 4))
        family = rng.choice(FAMILIES)
        if kind == "positive" and family == "beta":
            family = "lognormal"
        a, b = sorted([rng.uniform(low, high), rng.uniform(low, high)])
        b = max(b, a + 1e-3)
        if family == "normal":
            return "{ normal = [%s, %s] }" % (number(round((a + b) / 2, 4)),
                                              number(round(max((b - a) / 3, 1e-3), 4)))
        if family == "uniform":
            return "{ uniform = [%s, %s] }" % (number(round(a, 4)), number(round(b, 4)))
        if family in ("triangular", "pert"):
            a, b = round(a, 4), round(b, 4)
            b = max(b, a + 0.001)
            mode = min(max(round(rng.uniform(a, b), 4), a), b)
            return "{ %s = [%s, %s, %s] }" % (family, number(a), number(mode), number(b))
        if family == "beta":
            shapes = (0.5, 6) if kind == "unit" else (1, 5)
            return "{ beta = [%s, %s] }" % (number(round(rng.uniform(*shapes), 3)),
                                            number(round(rng.uniform(*shapes), 3)))
        middle = max((a + b) / 2, 1e-4)
        return "{ lognormal = [%s, %s] }" % (number(round(math.log(middle), 4)),
                                             number(round(rng.uniform(0.1, 0.6), 3)))

    def text(self) -> str:
        """The whole scenario file."""
        self.header()
        self.choice()
        self.vendors()
        self.agencies()
        self.events()
        return "\n".join(self.lines) + "\n"

    def header(self) -> None:
        rng = self.rng
        count = rng.choice([1, 1, 2, 2, 3, 4])
        self.tiers = (rng.sample(TIER_NAMES, count) if count > 1
                      else [rng.choice(["unclassified", "secret"])])
        self.step = rng.choice(["month", "month", "quarter"])
        self.periods = rng.randint(12, 60) if self.profile == "normal" else rng.randint(12, 30)
        self.start = (rng.randint(2024, 2027), rng.randint(1, 12))
        self.lines += [f'name = "random {self.seed}"',
                       'start = "%04d-%02d"' % self.start,
                       f"periods = {self.periods}"]
        if self.step != "month" or rng.random() < 0.5:
            self.lines.append(f'step = "{self.step}"')
        self.lines += ["runs = 100", f"seed = {self.seed}"]
        if self.tiers != ["unclassified"] or rng.random() < 0.3:
            self.lines.append("tiers = [%s]" % ", ".join(f'"{t}"' for t in self.tiers))

    def choice(self) -> None:
        """``[choice]``, and which attributes only an agency's choice weighs."""
        rng = self.rng
        self.attributes = rng.sample(ATTRIBUTE_NAMES, rng.choice([0, 0, 1, 2, 3]))
        self.weighted_everywhere = {a: rng.random() < 0.7 for a in self.attributes}
        # An attribute no vendor has until an event gives it to one.
        self.event_attribute = ("certified" if rng.random() < 0.2
                                and "certified" not in self.attributes else None)
        weights = {}
        for key, (low, high) in {"brand": (0, 4), "access": (-1, 3),
                                 "incumbency": (-1.5, 3)}.items():
            if rng.random() < 0.4:
                weights[key] = self.uncertain(low, high, 0.3, "weight")
        for a in self.attributes:
            if self.weighted_everywhere[a]:
                weights[a] = self.uncertain(-1, 2, 0.3, "weight")
        if self.event_attribute:
            weights[self.event_attribute] = number(round(rng.uniform(0.2, 2), 3))
        if self.harsh and rng.random() < 0.5:
            weights["incumbency"] = rng.choice(
                ["-40.0", "40.0", "-3.0", "31.5", "{ uniform = [-2, 2] }", "0.0"])
        if rng.random() < (0.3 if self.harsh else 0.05):
            if "brand" not in weights:
                weights["brand"] = "50.0"
            elif "access" not in weights:
                weights["access"] = "-20.0"
        if weights:
            self.lines += ["", "[choice]", *(f"{k} = {v}" for k, v in weights.items())]

    def vendors(self) -> None:
        rng = self.rng
        self.vendor_names = rng.sample(VENDOR_NAMES, rng.randint(2, 6))
        # (vendor, tier) pairs with access above 0 from the start.
        self.serving: set[tuple[str, str]] = set()
        given: set[str] = set()
        for v in self.vendor_names:
            self.lines += ["", "[[vendor]]", f'name = "{v}"',
                           f"brand = {self.uncertain(0, 1, 0.5)}"]
            access = []
            for t in self.tiers:
                x = rng.random()
                if x < 0.25 and t != self.tiers[0]:
                    continue            # left out: no access
                if x < 0.32:
                    access.append(f"{t} = 0")
                    continue
                access.append(f"{t} = {self.uncertain(0.05, 1, 0.35)}")
                self.serving.add((v, t))
            self.lines.append("access = { %s }" % ", ".join(access))
            # Every attribute is given to at least one vendor.
            has = [a for a in self.attributes
                   if rng.random() < 0.8 or (v == self.vendor_names[-1] and a not in given)]
            given.update(has)
            if has:
                self.lines.append("attributes = { %s }" % ", ".join(
                    f"{a} = {self.uncertain(0, 1, 0.4)}" for a in has))

    def agencies(self) -> None:
        rng = self.rng
        self.agency_names = rng.sample(AGENCY_NAMES, rng.randint(1, 5))
        most_units = 400 if self.profile == "normal" else 150
        # Attributes that only an agency's choice weighs: the last agency
        # weighs every one of them, so each has a weight somewhere.
        own_weights = [a for a in self.attributes if not self.weighted_everywhere[a]]
        for i, name in enumerate(self.agency_names):
            units = (rng.randint(1, 20) if self.harsh and rng.random() < 0.4
                     else rng.randint(10, most_units))
            if i > 0 and rng.random() < 0.07:
                units = 0
            self.lines += ["", "[[agency]]", f'name = "{name}"', f"units = {units}"]
            split = self.tier_split()
            if self.rng.random() < 0.7:
                self.lines.append(f"caution = {self.uncertain(0, 0.8, 0.5)}")
            elif self.harsh and rng.random() < 0.15:
                self.lines.append("caution = 1.0")
            fastest = 0.08 if rng.random() < (0.6 if self.harsh else 0.9) else 1.2
            self.lines += [f"innovation = {self.uncertain(0.001, fastest, 0.4, 'positive')}",
                           f"imitation = {self.uncertain(0.0, 0.5, 0.4, 'positive')}"]
            term = rng.choice([1, 2, 3, 4, 6, 12, 24, 36, rng.randint(1, 48)]
                              + ([1, 1, 2, 100] if self.harsh else []))
            self.lines.append(f"term = {term}")
            x = rng.random()
            if 0.15 <= x < 0.22:
                self.lines.append("annual_value = 0")
            elif x >= 0.22:
                self.lines.append(f"annual_value = {self.uncertain(1e5, 3e6, 0.5, 'positive')}")
            weights = []
            if rng.random() < 0.3:
                weights += [f"{k} = {self.uncertain(-1, 3, 0.3, 'weight')}"
                            for k in ("brand", "access", "incumbency") if rng.random() < 0.5]
            weights += [f"{a} = {self.uncertain(-1, 2, 0.3, 'weight')}" for a in own_weights
                        if rng.random() < 0.6 or i == len(self.agency_names) - 1]
            if weights:
                self.lines.append("choice = { %s }" % ", ".join(weights))
            if units > 0 and rng.random() < 0.6:
                self.initial_contracts(units, split, term)

    def tier_split(self) -> dict[str, float]:
        """An agency's ``tiers`` table (left out for one tier, or at times)."""
        rng = self.rng
        if len(self.tiers) == 1 or rng.random() >= 0.8:
            return {self.tiers[0]: 1.0}
        used = [t for t in self.tiers if rng.random() < 0.7] or [self.tiers[0]]
        weights = [rng.random() + 0.05 for _ in used]
        if len(used) > 1 and rng.random() < 0.2:
            weights[-1] = 0.0
        fractions = [round(w / sum(weights), 3) for w in weights]
        fractions[0] = round(1 - sum(fractions[1:]), 3)
        if fractions[0] < 0:
            fractions = [1.0] + [0.0] * (len(used) - 1)
        split = dict(zip(used, fractions))
        self.lines.append("tiers = { %s }" % ", ".join(
            f"{t} = {number(f)}" for t, f in split.items()))
        return split

    def initial_contracts(self, units: int, split: dict[str, float], term: int) -> None:
        """One to three blocks of contracts in force, each within its tier's
        units (split as validation splits them) and with a vendor that serves
        the tier."""
        rng = self.rng
        tiers = [t for t, f in split.items() if f > 0]
        left = dict(zip(split, largest_remainder(units, list(split.values()))))
        for _ in range(rng.randint(1, 3)):
            tier = rng.choice(tiers)
            vendors = [v for v in self.vendor_names if (v, tier) in self.serving]
            if not vendors or left[tier] < 1:
                continue
            block = rng.randint(1, max(1, min(left[tier], units // 4 + 1)))
            left[tier] -= block
            self.lines += ["", "[[agency.initial]]", f'vendor = "{rng.choice(vendors)}"']
            if len(tiers) > 1 or rng.random() < 0.3:
                self.lines.append(f'tier = "{tier}"')
            self.lines.append(f"units = {block}")
            if rng.random() < 0.5:
                longest = max(1, int(term * rng.choice([0.5, 1, 1.5, 3])))
                self.lines.append(f"remaining = {rng.randint(1, longest)}")

    def event(self, at: str, target: str, sets: list, adds: list) -> None:
        table = lambda items: "{ %s }" % ", ".join(f'"{k}" = {v}' for k, v in items)
        self.lines += ["", "[[event]]", at, target]
        if sets:
            self.lines.append(f"set = {table(sets)}")
        if adds:
            self.lines.append(f"add = {table(adds)}")

    def events(self) -> None:
        rng = self.rng
        if self.event_attribute:
            self.event(f"at = {rng.randint(0, self.periods - 1)}",
                       f'vendor = "{rng.choice(self.vendor_names)}"',
                       [(f"attributes.{self.event_attribute}", self.uncertain(0, 1, 0.4))], [])
        attributes = self.attributes + ([self.event_attribute] if self.event_attribute else [])
        months = 1 if self.step == "month" else 3
        for _ in range(rng.choice([0, 1, 2, 3, 4, 5, 6] + ([6, 8, 10, 12] if self.harsh else []))):
            # Now and then one period after the horizon: it never fires.
            period = rng.randint(0, self.periods - (0 if rng.random() < 0.1 else 1))
            if rng.random() < 0.5:
                month = (self.start[0] * 12 + self.start[1] - 1 + period * months
                         + rng.randint(0, months - 1))
                at = 'at = "%04d-%02d"' % (month // 12, month % 12 + 1)
            else:
                at = f"at = {period}"
            if rng.random() < 0.3:
                at += f'\nlabel = "event at {period}"'
            sets, adds = [], []
            if rng.random() < 0.5:
                target = f'vendor = "{rng.choice(self.vendor_names)}"'
                keys = []
                for _ in range(rng.randint(1, 3)):
                    x = rng.random()
                    if x < 0.3:
                        keys.append("brand")
                    elif x < 0.8:
                        keys.append(f"access.{rng.choice(self.tiers)}")
                    elif attributes:
                        keys.append(f"attributes.{rng.choice(attributes)}")
                for key in dict.fromkeys(keys) or ["brand"]:
                    if rng.random() >= 0.55:
                        adds.append((key, self.uncertain(-0.4, 0.4, 0.4, "weight")))
                    elif key.startswith("attributes."):
                        sets.append((key, self.uncertain(-0.5, 1.5, 0.4, "weight")))
                    else:
                        sets.append((key, self.uncertain(0, 1, 0.4)))
            else:
                target = 'agency = "%s"' % ("*" if rng.random() < 0.4
                                            else rng.choice(self.agency_names))
                keys = ["caution", "innovation", "imitation", "annual_value", "choice.brand",
                        "choice.access", "choice.incumbency",
                        *(f"choice.{a}" for a in attributes)]
                for key in dict.fromkeys(rng.choice(keys) for _ in range(rng.randint(1, 3))):
                    to_set = rng.random() < 0.5
                    low, high, kind = {
                        "caution": (0, 0.9, "unit") if to_set else (-0.2, 0.2, "weight"),
                        "innovation": (0, 0.3, "positive") if to_set else (-0.05, 0.1, "weight"),
                        "imitation": (0, 0.3, "positive") if to_set else (-0.05, 0.1, "weight"),
                        "annual_value": (0, 4e6, "positive") if to_set else (-5e5, 1e6, "weight"),
                    }.get(key, (-2, 3, "weight"))
                    (sets if to_set else adds).append((key, self.uncertain(low, high, 0.4, kind)))
            # Now and then an event that only adds is temporary: its
            # additions are taken off at `until` (possibly after the horizon).
            if adds and not sets and rng.random() < 0.4:
                at += f"\nuntil = {period + rng.randint(1, max(1, self.periods // 2))}"
            self.event(at, target, sets, adds)
        if self.profile == "waiting":
            self.waiting_events()

    def waiting_events(self) -> None:
        """One tier closed to every vendor, then reopened to some."""
        rng = self.rng
        tier = rng.choice(self.tiers)
        closed = rng.randint(0, self.periods // 2)
        reopened = rng.randint(closed + 1, self.periods)
        for v in self.vendor_names:
            self.event(f"at = {closed}", f'vendor = "{v}"', [(f"access.{tier}", "0")], [])
        for v in rng.sample(self.vendor_names, rng.randint(1, len(self.vendor_names))):
            self.event(f"at = {reopened}", f'vendor = "{v}"',
                       [(f"access.{tier}", self.uncertain(0.05, 1, 0.4))], [])
        if rng.random() < 0.5:
            self.event(f"at = {rng.randint(0, self.periods - 1)}", 'agency = "*"',
                       [("choice.incumbency", rng.choice(
                           ["-2.0", "2.0", "{ uniform = [-3, 3] }", "35.0", "-35.0"]))], [])


def largest_remainder(units: int, fractions: list[float]) -> list[int]:
    """Units split by fractions as validation splits them (largest remainder,
    ties to the earlier tier), so initial contracts fit their tier."""
    whole = [math.floor(units * f) for f in fractions]
    remainders = [units * f - w for f, w in zip(fractions, whole)]
    order = sorted(range(len(fractions)), key=lambda i: (-round(remainders[i], 9), i))
    for i in order[:units - sum(whole)]:
        if fractions[i] > 0:
            whole[i] += 1
    return whole


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    """Runs a command from the repository root, keeping its output."""
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)


class Failure(Exception):
    """A scenario that could not be checked: its line for stderr, and the
    verdict line for stdout when the failure is a disagreement."""

    def __init__(self, message: str, verdict_line: str | None = None):
        super().__init__(message)
        self.verdict_line = verdict_line


def check_scenario(seed: int, profile: str, runs: int, threads: int, peer: bool,
                   work: Path, sharecast: Path) -> tuple[str, list[tuple]]:
    """Writes scenario ``seed``, simulates it with both engines (and the
    peer), and returns its line of the report and the scores of its tests,
    as (|z|, pair, seed, kind, key, first value, second value). Raises
    Failure if a step fails or the outputs differ in structure. Depends on
    its arguments alone, so scenarios can be checked in any order."""
    path = work / f"random-{seed}.toml"
    path.write_text(Scenario(seed, profile).text(), encoding="utf-8")
    checked = run([str(sharecast), "check", str(path)])
    if checked.returncode != 0:
        raise Failure(f"{path.name}: refused; the generator made an invalid scenario:\n"
                      f"{checked.stderr}")
    outputs = {}
    for engine, engine_seed in (("counts", seed), ("units", seed + UNIT_ENGINE_SEED)):
        outputs[engine] = work / f"random-{seed}-{engine}"
        cmd = [str(sharecast), "run", str(path), "--runs", str(runs),
               "--seed", str(engine_seed), "--engine", engine,
               "--threads", str(threads), "--per-run", "--quiet",
               "--out", str(outputs[engine])]
        if (done := run(cmd)).returncode != 0:
            raise Failure(f"{path.name}: {' '.join(cmd)} failed:\n{done.stderr}")
    if peer:
        outputs["peer"] = work / f"random-{seed}-peer"
        cmd = [sys.executable, str(PEER), str(path), "--runs", str(runs), "--seed", str(seed),
               "--per-run", "--out", str(outputs["peer"])]
        if (done := run(cmd)).returncode != 0:
            raise Failure(f"{path.name}: the peer failed:\n{done.stderr}")
    pairs = [("units", "counts")] + ([("peer", "counts")] if peer else [])
    scores = []
    line = [f"{path.name} ({profile})"]
    for first, second in pairs:
        problems = structure_differences(outputs[first], outputs[second])
        if problems:
            raise Failure(f"{path.name}: {first} and {second} write different rows: "
                          f"{problems[0]}", "DISAGREE: the output files differ in structure")
        mine, _, _ = z_scores(statistics(outputs[first]), statistics(outputs[second]), runs)
        try:
            mine += distribution_scores(outputs[first], outputs[second])
        except Disagreement as e:
            raise Failure(f"{path.name}: {e}",
                          "DISAGREE: the output files differ in structure") from None
        scores += [(z, f"{first}/{second}", seed, kind, key, v1, v2)
                   for z, kind, key, v1, v2 in mine]
        worst = max((z for z, *_ in mine), default=0.0)
        line.append(f"{first} vs {second}: {len(mine)} tests, max |z| {worst:.3f}")
    return "  ".join(line), scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=30, help="scenarios (default 30)")
    parser.add_argument("--first", type=int, default=1, help="first seed (default 1)")
    parser.add_argument("--runs", type=int, default=2000, help="runs per simulation")
    parser.add_argument("--profile", choices=(*PROFILES, "mixed"), default="mixed")
    parser.add_argument("--peer", action="store_true",
                        help="also run the NumPy peer and compare it with the count engine")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads of each sharecast run (default 2)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="scenarios checked at once (default: the processors)")
    parser.add_argument("--keep", type=Path,
                        help="keep the scenarios and outputs here (default: a temporary folder)")
    parser.add_argument("--sharecast", metavar="BINARY",
                        help="run this sharecast binary instead of building one")
    args = parser.parse_args()
    if args.runs < SPREAD_MIN_RUNS or args.count < 1 or args.jobs < 1:
        parser.error(f"--runs must be at least {SPREAD_MIN_RUNS} (the variance test relies on the "
                     "normal tail of its score), --count and --jobs at least 1")

    sharecast = sharecast_binary(args.sharecast, "random_scenarios")
    if sharecast is None:
        return 1

    scores = []     # (|z|, pair, seed, kind, key, first value, second value)
    with (tempfile.TemporaryDirectory(prefix="sharecast-random-") as tmp,
          ProcessPoolExecutor(max_workers=args.jobs) as pool):
        work = (args.keep or Path(tmp)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        seeds = range(args.first, args.first + args.count)
        profiles = [PROFILES[(seed - 1) % len(PROFILES)] if args.profile == "mixed"
                    else args.profile for seed in seeds]
        checks = [pool.submit(check_scenario, seed, profile, args.runs, args.threads,
                              args.peer, work, sharecast)
                  for seed, profile in zip(seeds, profiles)]
        # Reported in the order of the seeds, whichever finishes first.
        for check in checks:
            try:
                line, mine = check.result()
            except Failure as failure:
                for other in checks:
                    other.cancel()
                print(failure, file=sys.stderr)
                if failure.verdict_line:
                    print(failure.verdict_line)
                return 1
            scores += mine
            print(line, flush=True)

    tests = len(scores)
    if tests == 0:
        print("DISAGREE: nothing could be compared")
        return 1
    bound = NormalDist().inv_cdf(1.0 - ALPHA / (2 * tests))
    print(f"\n{args.count} scenarios, {args.runs} runs each; tests: {tests}   "
          f"bound (Bonferroni over all tests, alpha {ALPHA}): {bound:.3f}")
    for pair in dict.fromkeys(pair for _, pair, *_ in scores):
        for kind in dict.fromkeys(kind for _, p, _, kind, *_ in scores if p == pair):
            mine = [z for z, p, _, k, *_ in scores if p == pair and k == kind]
            print(f"  {pair:<14}{kind:<14}{len(mine):>8} tests   max |z| {max(mine):.3f}")
    print("largest |z|:")
    for z, pair, seed, kind, key, v1, v2 in sorted(scores, key=lambda s: -s[0])[:5]:
        first, second = pair.split("/")
        print(f"  {z:6.3f}  random-{seed}.toml {describe(key)}, {kind}: "
              f"{first} {v1} vs {second} {v2}")
    return verdict(max(z for z, *_ in scores), bound)


if __name__ == "__main__":
    sys.exit(main())
