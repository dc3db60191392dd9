#!/usr/bin/env python3
"""Vectorised NumPy reference implementation of the sharecast model.

This is the benchmark peer for ``sharecast``: an independent implementation of
the per-run semantics in ``MODEL.md`` (section 3), written the way a competent
data scientist would write it in NumPy, so that ``compare.py`` can check the
Rust engine's statistics against it and time the two side by side.

Design
    Runs are simulated in batches (``--batch``, default 250).  Each batch keeps
    per-unit state arrays of shape ``(runs_in_batch, units)`` -- current
    vendor, last period of the contract, incumbent -- plus flat index arrays
    of the units still ``never`` and the units ``waiting``.  Every period is
    advanced with whole-array operations (no Python loop over runs or units):
    expiry is one comparison on the ``last`` array, adoption draws one uniform
    per ``never`` unit, and the multinomial-logit award draws one uniform per
    open unit and inverts the cumulative choice probabilities.  Uncertain
    parameters are drawn once per run (vectorised over the batch) and held in
    arrays such as ``brand[run, vendor]`` or ``caution[run, agency]``.

Output
    A CSV with columns ``series,period,vendor,runs,mean,sd``:

    * ``count_share`` -- contracts of the vendor / all contracts (all units),
      at the end of each period, averaged over the runs holding at least one
      contract (``runs`` says how many); ``sd`` is the sample (n-1) sd.
    * ``under_contract`` -- fraction of all units under contract (vendor
      column empty), averaged over all runs.

Usage
    python3 benches/peer/numpy_peer.py SCENARIO.toml --runs N --seed S --out FILE.csv

Only the standard library and NumPy are used.  The random stream is a single
``numpy.random.default_rng(seed)`` consumed batch after batch, so results are
reproducible for a given seed, run count and batch size (they are not meant to
match sharecast's streams, only its distributions).
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# --------------------------------------------------------------------------
# Scenario model
# --------------------------------------------------------------------------

DISTRIBUTIONS = {"normal", "uniform", "triangular", "pert", "beta", "lognormal"}
STEP_MONTHS = {"month": 1, "quarter": 3, "year": 12}
BASE_WEIGHTS = ("brand", "access", "incumbency")
DEFAULT_WEIGHTS = {"brand": 2.0, "access": 1.0, "incumbency": 1.5}

# Valid ranges used to clamp draws and event results: (low, high).
UNIT_RANGE = (0.0, 1.0)
NON_NEGATIVE = (0.0, math.inf)
UNBOUNDED = (-math.inf, math.inf)
AGENCY_RANGES = {
    "caution": UNIT_RANGE,
    "innovation": NON_NEGATIVE,
    "imitation": NON_NEGATIVE,
    "annual_value": NON_NEGATIVE,
}


class ScenarioError(Exception):
    """A scenario the peer cannot simulate."""


def is_distribution(value) -> bool:
    """True for an inline table such as ``{ triangular = [0.5, 0.6, 0.7] }``."""
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)) in DISTRIBUTIONS
    )


def draw(rng: np.random.Generator, spec, n: int, bounds=UNBOUNDED) -> np.ndarray:
    """Draw a number (plain or distribution) independently for ``n`` runs, clamped."""
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        values = np.full(n, float(spec))
    elif is_distribution(spec):
        (kind, params), = spec.items()
        p = [float(x) for x in params]
        if kind == "normal":
            values = rng.normal(p[0], p[1], n)
        elif kind == "uniform":
            values = rng.uniform(p[0], p[1], n)
        elif kind == "lognormal":
            values = rng.lognormal(p[0], p[1], n)
        elif kind == "beta":
            values = rng.beta(p[0], p[1], n)
        elif kind in ("triangular", "pert"):
            lo, mode, hi = p
            if hi <= lo:  # degenerate range: a constant
                values = np.full(n, lo)
            elif kind == "triangular":
                values = rng.triangular(lo, mode, hi, n)
            else:  # standard PERT (shape 4) as a scaled beta
                a = 1.0 + 4.0 * (mode - lo) / (hi - lo)
                b = 1.0 + 4.0 * (hi - mode) / (hi - lo)
                values = lo + (hi - lo) * rng.beta(a, b, n)
    else:
        raise ScenarioError(f"not a number or distribution: {spec!r}")
    return np.clip(values, *bounds)


def flatten_keys(table: dict, prefix: str = "") -> dict:
    """Flatten an event's ``set``/``add`` table into dotted keys.

    ``{"access.secret": 0.9}`` (quoted key) and ``{access = {secret = 0.9}}``
    (nested table) both become ``{"access.secret": 0.9}``; distribution tables
    are kept as values.
    """
    flat = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and not is_distribution(value):
            flat.update(flatten_keys(value, name + "."))
        else:
            flat[name] = value
    return flat


def split_units(units: int, fractions: list[float]) -> list[int]:
    """Largest-remainder split of ``units`` over tiers (ties: first declared)."""
    exact = [units * f for f in fractions]
    counts = [math.floor(x) for x in exact]
    leftover = units - sum(counts)
    order = sorted(range(len(fractions)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in order[:leftover]:
        counts[i] += 1
    return counts


def parse_period(at, start: str, step: str) -> int:
    """Period index of an event's ``at``: an integer, or ``YYYY-MM`` after ``start``."""
    if isinstance(at, int):
        return at
    year, month = (int(x) for x in str(at)[:7].split("-"))
    y0, m0 = (int(x) for x in start.split("-"))
    return ((year - y0) * 12 + (month - m0)) // STEP_MONTHS[step]


@dataclass
class Event:
    period: int
    target: str                 # "vendor" or "agency"
    indices: list[int]          # vendor or agency indices it applies to
    changes: list[tuple[str, str, object]] = field(default_factory=list)  # (verb, key, spec)


@dataclass
class Scenario:
    periods: int
    tiers: list[str]
    vendors: list[dict]
    agencies: list[dict]
    choice: dict
    attributes: list[str]       # every attribute name used or weighted anywhere
    unit_agency: np.ndarray     # (U,) agency index of each unit
    unit_tier: np.ndarray       # (U,) tier index of each unit
    initial: list[tuple[int, np.ndarray, int, int | None]]  # (vendor, unit idx, term, remaining)
    events: list[Event]
    runs: int
    seed: int

    @property
    def n_units(self) -> int:
        return len(self.unit_agency)

    @property
    def weight_names(self) -> list[str]:
        return list(BASE_WEIGHTS) + self.attributes


def load_scenario(path: Path) -> Scenario:
    """Read a scenario TOML file and lay out its units."""
    with open(path, "rb") as fh:
        doc = tomllib.load(fh)

    tiers = doc.get("tiers", ["unclassified"])
    tier_index = {name: i for i, name in enumerate(tiers)}
    vendors = doc["vendor"]
    agencies = doc["agency"]
    vendor_index = {v["name"]: i for i, v in enumerate(vendors)}
    agency_index = {a["name"]: i for i, a in enumerate(agencies)}
    step = doc.get("step", "month")
    choice = {**DEFAULT_WEIGHTS, **doc.get("choice", {})}

    # Attribute names: vendor attributes, weighted keys, event targets.
    attributes: list[str] = []

    def note_attribute(name: str) -> None:
        if name not in BASE_WEIGHTS and name not in attributes:
            attributes.append(name)

    for v in vendors:
        for name in v.get("attributes", {}):
            note_attribute(name)
    for name in choice:
        note_attribute(name)
    for a in agencies:
        for name in a.get("choice", {}):
            note_attribute(name)

    # Units: agency-major, then tier, so each (agency, tier) block is contiguous.
    unit_agency, unit_tier, initial = [], [], []
    offset = 0
    for ai, a in enumerate(agencies):
        fractions = [0.0] * len(tiers)
        for name, f in a.get("tiers", {tiers[0]: 1.0}).items():
            fractions[tier_index[name]] = float(f)
        counts = split_units(int(a["units"]), fractions)
        block_start = {}
        for ti, n in enumerate(counts):
            block_start[ti] = offset
            unit_agency += [ai] * n
            unit_tier += [ti] * n
            offset += n
        # Initial contracts fill each (agency, tier) block from its start.
        used = [0] * len(tiers)
        for c in a.get("initial", []):
            tier = c.get("tier", tiers[0])        # default: the first declared tier
            ti = tier_index[tier]
            n = int(c["units"])
            if used[ti] + n > counts[ti]:
                raise ScenarioError(f"{a['name']}: initial contracts exceed its {tier} units")
            first = block_start[ti] + used[ti]
            used[ti] += n
            initial.append((vendor_index[c["vendor"]], np.arange(first, first + n),
                            int(a["term"]), c.get("remaining")))

    events = []
    for e in doc.get("event", []):
        if "vendor" in e:
            target, indices = "vendor", [vendor_index[e["vendor"]]]
        elif e["agency"] == "*":
            target, indices = "agency", list(range(len(agencies)))
        else:
            target, indices = "agency", [agency_index[e["agency"]]]
        event = Event(parse_period(e["at"], doc["start"], step), target, indices)
        for verb in ("set", "add"):  # set assigns, then add adds
            for key, spec in flatten_keys(e.get(verb, {})).items():
                if key.startswith("attributes."):
                    note_attribute(key.split(".", 1)[1])
                elif key.startswith("choice."):
                    note_attribute(key.split(".", 1)[1])
                event.changes.append((verb, key, spec))
        events.append(event)

    if not unit_agency:
        raise ScenarioError("the scenario has no units")
    return Scenario(
        periods=int(doc["periods"]), tiers=tiers, vendors=vendors, agencies=agencies,
        choice=choice, attributes=attributes,
        unit_agency=np.array(unit_agency, dtype=np.intp),
        unit_tier=np.array(unit_tier, dtype=np.intp),
        initial=initial, events=events,
        runs=int(doc.get("runs", 1000)), seed=int(doc.get("seed", 1)),
    )


# --------------------------------------------------------------------------
# Per-run parameters (one row per run of the batch)
# --------------------------------------------------------------------------

class Parameters:
    """Every uncertain parameter drawn for a batch of runs, plus the events' draws."""

    def __init__(self, sc: Scenario, rng: np.random.Generator, n: int):
        V, A, T, K = len(sc.vendors), len(sc.agencies), len(sc.tiers), len(sc.attributes)
        tier_index = {name: i for i, name in enumerate(sc.tiers)}
        self.attr_index = {name: k for k, name in enumerate(sc.attributes)}
        self.tier_index = tier_index
        self.weight_index = {name: i for i, name in enumerate(sc.weight_names)}

        self.brand = np.empty((n, V))
        self.access = np.zeros((n, V, T))
        self.attr = np.zeros((n, V, K))
        for vi, v in enumerate(sc.vendors):
            self.brand[:, vi] = draw(rng, v["brand"], n, UNIT_RANGE)
            for tier, spec in v["access"].items():
                self.access[:, vi, tier_index[tier]] = draw(rng, spec, n, UNIT_RANGE)
            for name, spec in v.get("attributes", {}).items():
                self.attr[:, vi, self.attr_index[name]] = draw(rng, spec, n)

        # Choice weights per (run, agency, weight); attributes default to 0.
        self.weights = np.zeros((n, A, len(sc.weight_names)))
        for name, spec in sc.choice.items():
            self.weights[:, :, self.weight_index[name]] = draw(rng, spec, n)[:, None]
        self.agency = {key: np.empty((n, A)) for key in AGENCY_RANGES}
        for ai, a in enumerate(sc.agencies):
            for key, bounds in AGENCY_RANGES.items():
                default = 0.0 if key == "caution" else 1.0 if key == "annual_value" else None
                spec = a.get(key, default)
                self.agency[key][:, ai] = draw(rng, spec, n, bounds)
            for name, spec in a.get("choice", {}).items():
                self.weights[:, ai, self.weight_index[name]] = draw(rng, spec, n)

        # Event values are drawn once per run, up front.
        self.event_draws = [
            [draw(rng, spec, n) for _, _, spec in ev.changes] for ev in sc.events
        ]

    def apply_event(self, ev: Event, values: list[np.ndarray]) -> None:
        """Apply one event to every run of the batch.

        ``set`` assigns and ``add`` adds (sets come first); each value touched
        is then clamped into its valid range.
        """
        touched = {}
        for (verb, key, _), value in zip(ev.changes, values):
            array, index, bounds = self._locate(ev.target, key)
            for i in ev.indices:
                column = (slice(None), i) + index
                array[column] = value if verb == "set" else array[column] + value
                touched[key, i] = (array, column, bounds)
        for array, column, bounds in touched.values():
            array[column] = np.clip(array[column], *bounds)

    def _locate(self, target: str, key: str):
        """Map an event key to (array, trailing index, valid range)."""
        head, _, rest = key.partition(".")
        if target == "vendor":
            if key == "brand":
                return self.brand, (), UNIT_RANGE
            if head == "access":
                return self.access, (self.tier_index[rest],), UNIT_RANGE
            if head == "attributes":
                return self.attr, (self.attr_index[rest],), UNBOUNDED
        else:
            if key in AGENCY_RANGES:
                return self.agency[key], (), AGENCY_RANGES[key]
            if head == "choice":
                return self.weights, (self.weight_index[rest],), UNBOUNDED
        raise ScenarioError(f"unknown {target} event key {key!r}")

    def utilities(self) -> tuple[np.ndarray, np.ndarray]:
        """Choice tables for every (run, agency, tier) cell, flattened to rows.

        Returns the utilities without incumbency, shape (vendor, run*agency*tier),
        with -inf where the vendor has no access at the tier (so its logit
        weight is 0); and the incumbency bonus w_incumbency * (1 + caution),
        shape (run*agency*tier,).  Vendors come first so that the per-unit
        arrays gathered from the table are contiguous along units.
        """
        w = self.weights
        n, A = w.shape[:2]
        access = self.access.transpose(0, 2, 1)[:, None, :, :]        # (run, 1, tier, vendor)
        base = (w[:, :, 0, None, None] * self.brand[:, None, None, :]
                + w[:, :, 1, None, None] * access)
        if self.attr.shape[2]:
            base = base + np.einsum("bak,bvk->bav", w[:, :, 3:], self.attr)[:, :, None, :]
        base = np.where(access > 0.0, base, -np.inf)                  # (run, agency, tier, vendor)
        T, V = base.shape[2:]
        bonus = np.broadcast_to((w[:, :, 2] * (1.0 + self.agency["caution"]))[:, :, None], (n, A, T))
        return np.ascontiguousarray(base.reshape(-1, V).T), bonus.reshape(-1)


# --------------------------------------------------------------------------
# Simulation
# --------------------------------------------------------------------------

NO_VENDOR = -1
NO_EXPIRY = np.iinfo(np.int32).max   # `last` of a unit without a contract


def simulate_batch(sc: Scenario, rng: np.random.Generator, n: int):
    """Simulate ``n`` runs; return per-run contract counts (period, run, vendor)."""
    V, U, P = len(sc.vendors), sc.n_units, sc.periods
    A, T = len(sc.agencies), len(sc.tiers)
    params = Parameters(sc, rng, n)
    term_of_unit = np.array([int(a["term"]) for a in sc.agencies])[sc.unit_agency]
    # Row of a unit in the (agency, tier) choice tables; run r adds r * A * T.
    unit_row = sc.unit_agency * T + sc.unit_tier

    # Per-unit state, (run, unit); a flat index is run * U + unit.
    vendor_dtype = np.int8 if V < 127 else np.int32
    vendor = np.full((n, U), NO_VENDOR, dtype=vendor_dtype)
    last = np.full((n, U), NO_EXPIRY, dtype=np.int32)
    incumbent = np.full((n, U), NO_VENDOR, dtype=vendor_dtype)
    for vi, units, term, remaining in sc.initial:
        vendor[:, units] = vi
        if remaining is None:
            last[:, units] = rng.integers(1, term + 1, size=(n, len(units))) - 1
        else:
            last[:, units] = int(remaining) - 1
    counts = np.stack([(vendor == v).sum(axis=1) for v in range(V)], axis=1)  # (run, vendor)

    # Units still `never`, as flat indices, with their (run, agency) cell for
    # the hazard; units `waiting`, as flat indices.
    never = np.flatnonzero(vendor == NO_VENDOR)
    never_cell = never // U * A + sc.unit_agency[never % U]
    waiting = np.empty(0, dtype=np.intp)

    events_at: dict[int, list[int]] = {}
    for i, ev in enumerate(sc.events):
        events_at.setdefault(ev.period, []).append(i)

    flat_vendor, flat_last, flat_inc = vendor.ravel(), last.ravel(), incumbent.ravel()
    history = np.empty((P, n, V), dtype=np.int32)
    tables = None

    for t in range(P):
        # 1. Events, in file order; they invalidate the choice tables.
        for i in events_at.get(t, ()):
            params.apply_event(sc.events[i], params.event_draws[i])
            tables = None
        if tables is None:
            tables = params.utilities()
        table, bonus = tables
        share_contracted = counts.sum(axis=1) / U    # F: end of period t-1

        # 2. Expiry: contracts whose last period was t-1.
        expired = np.flatnonzero(flat_last == t - 1)
        if expired.size:
            old = flat_vendor[expired]
            counts -= np.bincount(expired // U * V + old, minlength=n * V).reshape(n, V)
            flat_inc[expired] = old
            flat_vendor[expired] = NO_VENDOR
            flat_last[expired] = NO_EXPIRY

        # 3. Adoption of `never` units (Bass hazard damped by caution).
        ag = params.agency
        hazard = np.minimum(1.0, (1.0 - ag["caution"])
                            * (ag["innovation"] + ag["imitation"] * share_contracted[:, None]))
        adopts = rng.random(never.size) < hazard.ravel()[never_cell]
        adopted = never[adopts]
        never, never_cell = never[~adopts], never_cell[~adopts]

        # 4. Award: every open unit draws a vendor from its multinomial logit.
        open_ = np.concatenate([expired, adopted, waiting])
        run = open_ // U
        unit = open_ - run * U
        row = run * (A * T) + unit_row[unit]
        util = table.take(row, axis=1)                        # (vendor, open)
        inc = flat_inc[open_]
        has_inc = np.flatnonzero(inc != NO_VENDOR)
        util[inc[has_inc], has_inc] += bonus.take(row[has_inc])
        best = util.max(axis=0)
        servable = best > -np.inf                             # some vendor has access
        waiting = open_[~servable]                            # they keep their incumbent
        if waiting.size:
            open_, run, unit, util, best = (
                open_[servable], run[servable], unit[servable], util[:, servable], best[servable])
        if open_.size:
            # Logit weights (ineligible vendors: exp(-inf) = 0), accumulated
            # over vendors; the pick is the first vendor whose cumulative weight
            # exceeds u * total.  Capping the target below the total keeps
            # rounding from ever selecting a trailing ineligible vendor.
            cum = np.exp(util - best, out=util)
            for v in range(1, V):
                cum[v] += cum[v - 1]
            total = cum[-1]
            target = np.minimum(rng.random(open_.size) * total, np.nextafter(total, 0.0))
            pick = (cum <= target).sum(axis=0, dtype=vendor_dtype)
            flat_vendor[open_] = pick
            flat_last[open_] = t + term_of_unit[unit] - 1
            counts += np.bincount(run * V + pick, minlength=n * V).reshape(n, V)

        # 5. Record the state at the end of the period.
        history[t] = counts
    return history


class RunningMoments:
    """Mean and M2 over runs, merged batch by batch (Chan et al.), elementwise.

    Cells where a run's value is undefined (NaN) are left out of that cell.
    """

    def __init__(self, shape):
        self.n = np.zeros(shape)
        self.mean = np.zeros(shape)
        self.m2 = np.zeros(shape)

    def add(self, values: np.ndarray) -> None:
        """Merge a batch; ``values`` has the runs on axis 1: (period, run, ...)."""
        defined = ~np.isnan(values)
        nb = defined.sum(axis=1)
        x = np.where(defined, values, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mb = np.where(nb > 0, x.sum(axis=1) / nb, 0.0)
            m2b = np.where(defined, (x - mb[:, None]) ** 2, 0.0).sum(axis=1)
            n = self.n + nb
            delta = mb - self.mean
            self.mean = np.where(n > 0, self.mean + delta * nb / n, 0.0)
            self.m2 = np.where(n > 0, self.m2 + m2b + delta ** 2 * self.n * nb / n, 0.0)
        self.n = n

    def sd(self) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.n > 1, np.sqrt(self.m2 / (self.n - 1)), np.nan)


def simulate(sc: Scenario, runs: int, seed: int, batch: int):
    """All runs, in batches; return moments of count_share and under_contract."""
    rng = np.random.default_rng(seed)
    P, V = sc.periods, len(sc.vendors)
    share = RunningMoments((P, V))
    under = RunningMoments((P,))
    for first in range(0, runs, batch):
        counts = simulate_batch(sc, rng, min(batch, runs - first)).astype(float)
        total = counts.sum(axis=2, keepdims=True)              # (period, run, 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            share.add(np.where(total > 0, counts / total, np.nan))
        under.add(total[:, :, 0] / sc.n_units)
    return share, under


def fmt(x: float) -> str:
    return "" if np.isnan(x) else f"{x:.9f}"


def write_csv(out, sc: Scenario, share: RunningMoments, under: RunningMoments) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["series", "period", "vendor", "runs", "mean", "sd"])
    share_sd, under_sd = share.sd(), under.sd()
    for t in range(sc.periods):
        for vi, v in enumerate(sc.vendors):
            n = int(share.n[t, vi])
            mean = share.mean[t, vi] if n else np.nan
            writer.writerow(["count_share", t, v["name"], n, fmt(mean), fmt(share_sd[t, vi])])
    for t in range(sc.periods):
        writer.writerow(["under_contract", t, "", int(under.n[t]),
                         fmt(under.mean[t]), fmt(under_sd[t])])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--runs", type=int, help="replications (default: the scenario's)")
    parser.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    parser.add_argument("--batch", type=int, default=250, help="runs per batch (default 250)")
    parser.add_argument("--out", type=Path, help="output CSV (default: stdout)")
    args = parser.parse_args(argv)

    try:
        sc = load_scenario(args.scenario)
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError, ScenarioError) as exc:
        print(f"numpy_peer: {args.scenario}: {exc!r}", file=sys.stderr)
        return 2
    runs = args.runs if args.runs is not None else sc.runs
    seed = args.seed if args.seed is not None else sc.seed
    share, under = simulate(sc, runs, seed, max(1, args.batch))
    if args.out is None:
        write_csv(sys.stdout, sc, share, under)
    else:
        with open(args.out, "w", newline="", encoding="utf-8") as fh:
            write_csv(fh, sc, share, under)
    return 0


if __name__ == "__main__":
    sys.exit(main())
