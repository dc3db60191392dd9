#!/usr/bin/env python3
"""Vectorised NumPy reference implementation of the sharecast model.

This is the benchmark peer for ``sharecast``: an independent implementation of
the per-run semantics in ``MODEL.md`` (section 3) and of the statistics
sharecast writes (sections 4 and 6), written the way a competent data
scientist would write it in NumPy, so that ``compare.py`` can check the Rust
engine's outputs against it and time the two doing the same job.

Simulation
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

Run records
    At the end of every period each run records its contracts by (agency,
    tier, vendor), their annual values summed the same way, and its waiting
    units by (agency, tier).  A contract keeps the annual value its agency
    had when it was signed (an initial contract: the value drawn for the
    run, before any event).  Prices change only at the periods of events on
    annual values, so each unit carries the price epoch its contract was
    signed in (``epoch[run, unit]``, 0 before the first such period), the
    contracts in force are counted by (agency, tier, vendor, epoch) and
    their values are those counts times each epoch's prices: exact, where a
    running sum of prices would leave rounding residue in a cell whose
    contracts have all ended.  Over all runs these are the arrays
    ``contracts[run, period, agency, tier, vendor]``,
    ``values[run, period, agency, tier, vendor]`` and
    ``waiting[run, period, agency, tier]``.  (sharecast's ``RunRecord`` keeps
    waiting units by agency only, which is all the adoption rows need, and
    values only where contracts of different values may be in force.)

Statistics
    Every per-run measure of MODEL.md section 4 is derived from the records as
    an array with the runs on axis 0 (NaN where the measure is undefined in a
    run) and summarised over that axis with ``np.nanmean``,
    ``np.nanstd(ddof=1)`` and ``np.nanpercentile`` (default linear method,
    i.e. Excel's PERCENTILE.INC); ``runs`` counts the runs in which the
    measure is defined, and the sd is left empty below 2 runs.  The measures:

    * ``count_share`` of a vendor -- its contracts / all contracts of the
      scope, for the scopes all units, each tier and each agency; undefined
      in a run whose scope holds no contract;
    * ``value_share`` -- the same with each contract weighted by the annual
      value it was signed at; undefined where the scope's total value is 0;
    * ``under_contract`` and ``waiting`` -- units in that state / units of the
      scope (all agencies, each agency);
    * ``revenue`` of a vendor -- the sum over its contracts of their annual
      values x period length in years (1/12, 1/4 or 1); ``cumulative_revenue`` -- its
      running sum from period 0;
    * at the last period, per vendor, the probability of holding the most
      contracts (ties split evenly; a run without contracts has no leader).

Output
    ``--out DIR`` (created if missing) receives the files of MODEL.md
    section 6 in sharecast's formats -- same headers, row order, dates,
    6 decimals, empty cell for an undefined value -- each written whole
    (temporary file, then rename): ``shares.csv``, ``adoption.csv``,
    ``revenue.csv``, ``shares_wide.csv`` and ``summary.csv``; with
    ``--per-run`` also ``runs.csv`` (every run's contracts and count share of
    each vendor over all units, in the columns and order of ``sharecast run
    --per-run``).  sharecast's ``manifest.json`` is not written.  A value
    halfway between two sixth decimals (exactly, or in its 15 significant
    digits, as 127/640 = 0.1984375) is written here as Python formats it
    and rounded away from zero by sharecast, so such a last decimal may
    differ by one; ``compare.py`` allows for that rounding.

Usage
    python3 benches/peer/numpy_peer.py SCENARIO.toml --out DIR
        [--runs N] [--seed S] [--batch B] [--per-run] [--timings]

Only the standard library and NumPy are used.  The random stream is a single
``numpy.random.default_rng(seed)`` consumed batch after batch, so results are
reproducible for a given seed, run count and batch size (they are not meant to
match sharecast's streams, only its distributions).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import os
import sys
import time
import tomllib
import warnings
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
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
        # The tables under access, attributes and choice are keyed by tier,
        # attribute or weight, so a tier named like a family is a key there
        # (as sharecast reads it: scenario::raw::is_distribution).
        keyed_by_name = name in ("access", "attributes", "choice")
        if isinstance(value, dict) and (keyed_by_name or not is_distribution(value)):
            flat.update(flatten_keys(value, name + "."))
        else:
            flat[name] = value
    return flat


def split_units(units: int, fractions: list[float]) -> list[int]:
    """Largest-remainder split of ``units`` over tiers (ties: first declared).

    Exact, as docs/scenario-reference.md section 5 states: each fraction
    rounded to nine decimals (f x 10^9 as the float holds it, halves away
    from zero), divided by their sum, in rational arithmetic,
    so parts equal in decimal (0.4 of 20 x 0.47 and of 20 x 0.52) are ties
    rather than whatever their binary rounding makes them. A tier whose
    fraction rounds to 0 gets none.
    """
    # f x 10^9 rounded half away from zero (Decimal of a float is exact).
    nines = [Fraction(int(Decimal(f * 10**9).to_integral_value(ROUND_HALF_UP)), 10**9)
             for f in fractions]
    total = sum(nines)
    if total == 0:
        return [0] * len(fractions)
    exact = [units * f / total for f in nines]
    counts = [math.floor(x) for x in exact]
    leftover = units - sum(counts)
    order = sorted(
        (i for i in range(len(fractions)) if nines[i] > 0),
        key=lambda i: (-(exact[i] - counts[i]), i),
    )
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
    until: int | None = None    # period its additions are taken off again


@dataclass
class Scenario:
    start: str                  # first period, YYYY-MM
    step: str                   # month | quarter | year
    periods: int
    tiers: list[str]
    tier_index: dict[str, int]  # tier name -> index in `tiers`
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
        # Without `tier`, a contract is in the agency's only tier with a
        # positive fraction (without `tiers`, the first declared tier); an
        # agency spread over several tiers must name one.
        populated = [ti for ti, f in enumerate(fractions) if f > 0.0]
        used = [0] * len(tiers)
        for c in a.get("initial", []):
            if "tier" in c:
                tier = c["tier"]
            elif len(populated) == 1:
                tier = tiers[populated[0]]
            else:
                raise ScenarioError(f"{a['name']}: an initial contract needs tier "
                                    "(the agency has units in several tiers)")
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
        if "until" in e:
            event.until = parse_period(e["until"], doc["start"], step)
        for verb in ("set", "add"):  # set assigns, then add adds
            for key, spec in flatten_keys(e.get(verb, {})).items():
                if key.startswith(("attributes.", "choice.")):
                    note_attribute(key.split(".", 1)[1])
                event.changes.append((verb, key, spec))
        events.append(event)

    if not unit_agency:
        raise ScenarioError("the scenario has no units")
    return Scenario(
        start=str(doc["start"])[:7], step=step,
        periods=int(doc["periods"]), tiers=tiers, tier_index=tier_index,
        vendors=vendors, agencies=agencies,
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
        self.tier_index = sc.tier_index
        self.attr_index = {name: k for k, name in enumerate(sc.attributes)}
        self.weight_index = {name: i for i, name in enumerate(sc.weight_names)}

        self.brand = np.empty((n, V))
        self.access = np.zeros((n, V, T))
        self.attr = np.zeros((n, V, K))
        for vi, v in enumerate(sc.vendors):
            self.brand[:, vi] = draw(rng, v["brand"], n, UNIT_RANGE)
            for tier, spec in v["access"].items():
                self.access[:, vi, self.tier_index[tier]] = draw(rng, spec, n, UNIT_RANGE)
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
        # With an event that has ``until``: every change applied, in order
        # ((target, key, index), event, verb, value), each number's value
        # before its first change, and the events that have ended.
        self.tracks = any(ev.until is not None for ev in sc.events)
        self.history: list[tuple[tuple, int, str, np.ndarray]] = []
        self.origins: dict[tuple, np.ndarray] = {}
        self.ended: set[int] = set()

    def apply_event(self, ev: Event, values: list[np.ndarray], number: int = -1) -> None:
        """Apply one event (``number`` in file order) to every run of the batch.

        ``set`` assigns and ``add`` adds (sets come first); each result is
        clamped into its valid range right after it is applied (so a ``set``
        and an ``add`` of one key clamp twice).  When some event has
        ``until``, every change is kept (``end_event`` replays them).
        """
        for (verb, key, _), value in zip(ev.changes, values):
            array, index, bounds = self._locate(ev.target, key)
            for i in ev.indices:
                column = (slice(None), i) + index
                slot = (ev.target, key, i)
                if self.tracks:
                    self.origins.setdefault(slot, array[column].copy())
                    self.history.append((slot, number, verb, value))
                array[column] = np.clip(value if verb == "set" else array[column] + value,
                                        *bounds)

    def end_event(self, number: int) -> None:
        """End event ``number``'s additions: each number it changed becomes
        what it would be had the event never happened, its value before any
        change replayed through the changes of events not ended, in order,
        clamped after each."""
        self.ended.add(number)
        slots = list(dict.fromkeys(h[0] for h in self.history if h[1] == number))
        for slot in slots:
            target, key, i = slot
            array, index, bounds = self._locate(target, key)
            x = self.origins[slot].copy()
            for s, event, verb, value in self.history:
                if s == slot and event not in self.ended:
                    x = np.clip(value if verb == "set" else x + value, *bounds)
            array[(slice(None), i) + index] = x

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


@dataclass
class Records:
    """The state at the end of every period of every run (runs on axis 0).

    The same content as sharecast's ``RunRecord``, from which every output
    derives.
    """
    contracts: np.ndarray       # (run, period, agency, tier, vendor) contracts in force
    waiting: np.ndarray         # (run, period, agency, tier) waiting units
    values: np.ndarray          # (run, period, agency, tier, vendor) their annual values

    @classmethod
    def allocate(cls, sc: Scenario, runs: int) -> Records:
        P, A, T, V = sc.periods, len(sc.agencies), len(sc.tiers), len(sc.vendors)
        return cls(np.zeros((runs, P, A, T, V), dtype=np.int32),
                   np.zeros((runs, P, A, T), dtype=np.int32),
                   np.zeros((runs, P, A, T, V)))

    def batch(self, runs: slice) -> Records:
        """A view of some of the runs (writing to it fills these records)."""
        return Records(self.contracts[runs], self.waiting[runs], self.values[runs])


def simulate_batch(sc: Scenario, rng: np.random.Generator, out: Records) -> None:
    """Simulate ``len(out.contracts)`` runs, recording each period into ``out``."""
    n = out.contracts.shape[0]
    V, U, P = len(sc.vendors), sc.n_units, sc.periods
    A, T = len(sc.agencies), len(sc.tiers)
    C = A * T                                       # (agency, tier) cells
    params = Parameters(sc, rng, n)
    term_of_unit = np.array([int(a["term"]) for a in sc.agencies])[sc.unit_agency]
    # Cell of a unit: its row in the (agency, tier) choice tables and its
    # (agency, tier) slot in the records; run r adds r * C.
    unit_row = sc.unit_agency * T + sc.unit_tier

    # Per-unit state, (run, unit); a flat index is run * U + unit.
    vendor_dtype = np.int8 if V < 127 else np.int32
    vendor = np.full((n, U), NO_VENDOR, dtype=vendor_dtype)
    last = np.full((n, U), NO_EXPIRY, dtype=np.int32)
    incumbent = np.full((n, U), NO_VENDOR, dtype=vendor_dtype)
    # Price epochs: a new one at each period with an event on annual values;
    # epoch_price[run, epoch, agency] is the price of contracts signed in it.
    price_periods = sorted({t for ev in sc.events
                            if any(k == "annual_value" for _, k, _ in ev.changes)
                            for t in (ev.period, ev.until) if t is not None and t < P})
    E = 1 + len(price_periods)
    epoch_price = np.zeros((n, E, A))
    epoch_price[:, 0] = params.agency["annual_value"]
    signing_epoch = 0
    epoch = np.zeros((n, U), dtype=np.int16)    # initial contracts: epoch 0
    for vi, units, term, remaining in sc.initial:
        vendor[:, units] = vi
        if remaining is None:
            last[:, units] = rng.integers(1, term + 1, size=(n, len(units))) - 1
        else:
            last[:, units] = int(remaining) - 1

    # Contracts in force by (run, cell, vendor), as one flat array indexed
    # (run * C + cell) * V + vendor; bincounts of the contracts that end and
    # start keep it current.
    def slot(flat: np.ndarray, vendors: np.ndarray) -> np.ndarray:
        return (flat // U * C + unit_row[flat % U]) * V + vendors

    held_size = n * C * V
    contracted = np.flatnonzero(vendor != NO_VENDOR)
    held = np.bincount(slot(contracted, vendor.ravel()[contracted]), minlength=held_size)

    # Units still `never`, as flat indices, with their (run, agency) cell for
    # the hazard; units `waiting`, as flat indices.
    never = np.flatnonzero(vendor == NO_VENDOR)
    never_cell = never // U * A + sc.unit_agency[never % U]
    waiting = np.empty(0, dtype=np.intp)

    # Per period, in file order: events that fire, and events whose
    # additions end (``until``).
    events_at: dict[int, list[tuple[int, bool]]] = {}
    for i, ev in enumerate(sc.events):
        events_at.setdefault(ev.period, []).append((i, False))
        if ev.until is not None:
            events_at.setdefault(ev.until, []).append((i, True))
    for actions in events_at.values():
        actions.sort()

    flat_vendor, flat_last, flat_inc = vendor.ravel(), last.ravel(), incumbent.ravel()
    flat_epoch = epoch.ravel()
    held_by_epoch = np.bincount(slot(contracted, vendor.ravel()[contracted]) * E,
                                minlength=held_size * E)
    tables = None

    for t in range(P):
        # 1. Events, in file order; they invalidate the choice tables.
        for i, ends in events_at.get(t, ()):
            if ends:
                params.end_event(i)
            else:
                params.apply_event(sc.events[i], params.event_draws[i], i)
            tables = None
        if t in price_periods:
            signing_epoch += 1
            epoch_price[:, signing_epoch] = params.agency["annual_value"]
        if tables is None:
            tables = params.utilities()
        table, bonus = tables
        share_contracted = held.reshape(n, C * V).sum(axis=1) / U    # F: end of period t-1

        # 2. Expiry: contracts whose last period was t-1.
        expired = np.flatnonzero(flat_last == t - 1)
        if expired.size:
            old = flat_vendor[expired]
            held -= np.bincount(slot(expired, old), minlength=held_size)
            held_by_epoch -= np.bincount(slot(expired, old) * E + flat_epoch[expired],
                                         minlength=held_size * E)
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
        row = run * C + unit_row[unit]
        util = table.take(row, axis=1)                        # (vendor, open)
        inc = flat_inc[open_]
        has_inc = np.flatnonzero(inc != NO_VENDOR)
        util[inc[has_inc], has_inc] += bonus.take(row[has_inc])
        best = util.max(axis=0)
        servable = best > -np.inf                             # some vendor has access
        waiting = open_[~servable]                            # they keep their incumbent
        if waiting.size:
            open_, row, unit, util, best = (
                open_[servable], row[servable], unit[servable], util[:, servable], best[servable])
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
            flat_epoch[open_] = signing_epoch
            held += np.bincount(row * V + pick, minlength=held_size)
            held_by_epoch += np.bincount((row * V + pick) * E + signing_epoch,
                                         minlength=held_size * E)

        # 5. Record the state at the end of the period.
        out.contracts[:, t] = held.reshape(n, A, T, V)
        out.waiting[:, t] = np.bincount(waiting // U * C + unit_row[waiting % U],
                                        minlength=n * C).reshape(n, A, T)
        out.values[:, t] = np.einsum("ratve,rea->ratv",
                                     held_by_epoch.reshape(n, A, T, V, E), epoch_price)


def simulate(sc: Scenario, runs: int, seed: int, batch: int) -> Records:
    """All runs, in batches of ``batch`` runs from one random stream."""
    rng = np.random.default_rng(seed)
    records = Records.allocate(sc, runs)
    for first in range(0, runs, batch):
        simulate_batch(sc, rng, records.batch(slice(first, first + batch)))
    return records


# --------------------------------------------------------------------------
# Statistics across runs
# --------------------------------------------------------------------------

PERCENTILES = [5, 25, 50, 75, 95]
# At most this many per-run values (float64) are summarised at once; larger
# outputs are summarised in blocks of periods to bound memory.
BLOCK_VALUES = 1 << 23


@dataclass
class Summary:
    """Statistics over the runs of every cell of an output array."""
    runs: np.ndarray            # runs in which the cell is defined
    mean: np.ndarray            # NaN where runs == 0
    sd: np.ndarray              # sample (n-1) sd; NaN where runs < 2
    percentiles: np.ndarray     # cell shape + (5,): p05 p25 p50 p75 p95; NaN where runs == 0


def summarize(values: np.ndarray) -> Summary:
    """Statistics over axis 0 (the runs) of ``values``; NaN marks an undefined value."""
    with warnings.catch_warnings():
        # Cells no run defines, and sds of one run, are expected: they are NaN.
        warnings.simplefilter("ignore", RuntimeWarning)
        runs = np.count_nonzero(~np.isnan(values), axis=0)
        mean = np.nanmean(values, axis=0)
        sd = np.nanstd(values, axis=0, ddof=1)
        # Percentiles by linear interpolation (numpy's default, PERCENTILE.INC).
        # np.nanpercentile loops over the cells in Python, so it is used only
        # for the cells some run leaves undefined; for the others np.percentile
        # gives the same numbers in one vectorised call.
        percentiles = np.percentile(values, PERCENTILES, axis=0)
        gaps = runs < values.shape[0]
        if gaps.any():
            percentiles[:, gaps] = np.nanpercentile(values[:, gaps], PERCENTILES, axis=0)
    sd[runs < 2] = np.nan
    return Summary(runs, mean, sd, np.moveaxis(percentiles, 0, -1))


def summarize_by_periods(values_of, runs: int, periods: int, cells: int) -> Summary:
    """Summarise ``values_of(periods_slice)`` -- (run, period, ...) -- block by block.

    ``cells`` is the number of values per run and period; blocks of periods
    are sized so that one block holds at most ``BLOCK_VALUES`` values.  The
    result has the periods on axis 0.
    """
    step = max(1, BLOCK_VALUES // max(1, runs * cells))
    parts = [summarize(values_of(slice(lo, lo + step))) for lo in range(0, periods, step)]
    return Summary(*(np.concatenate([getattr(p, name) for p in parts])
                     for name in ("runs", "mean", "sd", "percentiles")))


def ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` (broadcast); NaN where the denominator is <= 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, np.nan)


def parts_of_total(totals: np.ndarray) -> np.ndarray:
    """Each vendor's fraction of its scope's total (last axis); NaN where the total is 0."""
    return ratio(totals, totals.sum(axis=-1, keepdims=True))


def by_share_scope(x: np.ndarray) -> np.ndarray:
    """(run, period, agency, tier, vendor) totals per scope of shares.csv.

    Returns (run, period, scope, vendor) with the scopes in output order:
    all units, each tier, each agency.
    """
    by_agency = x.sum(axis=3)
    by_tier = x.sum(axis=2)
    everything = by_agency.sum(axis=2, keepdims=True)
    return np.concatenate([everything, by_tier, by_agency], axis=2)


def share_values(rec: Records, periods: slice) -> np.ndarray:
    """Per-run shares: (run, period, scope, vendor, metric), metric = count, value."""
    contracts = rec.contracts[:, periods].astype(float)
    value = rec.values[:, periods]
    return np.stack([parts_of_total(by_share_scope(contracts)),
                     parts_of_total(by_share_scope(value))], axis=-1)


def adoption_values(sc: Scenario, rec: Records, periods: slice) -> np.ndarray:
    """Per-run fractions of units: (run, period, scope, measure).

    Scopes: all agencies, then each agency; measures: under_contract, waiting.
    An agency without units has no fraction (NaN in every run).
    """
    units = np.array([float(a["units"]) for a in sc.agencies])
    scope_units = np.concatenate([[units.sum()], units])

    def fractions(per_agency: np.ndarray) -> np.ndarray:       # (run, period, agency)
        x = np.concatenate([per_agency.sum(axis=2, keepdims=True), per_agency], axis=2)
        return ratio(x, scope_units)

    under = rec.contracts[:, periods].sum(axis=(3, 4))
    waiting = rec.waiting[:, periods].sum(axis=3)
    return np.stack([fractions(under), fractions(waiting)], axis=-1)


def revenue_values(sc: Scenario, rec: Records) -> np.ndarray:
    """Per-run revenue: (run, period, vendor, measure), measure = revenue, cumulative."""
    years = STEP_MONTHS[sc.step] / 12.0
    revenue = rec.values.sum(axis=(2, 3)) * years                # (run, period, vendor)
    return np.stack([revenue, np.cumsum(revenue, axis=1)], axis=-1)


def prob_leader(rec: Records) -> np.ndarray:
    """Per vendor: the fraction of runs in which it holds the most contracts at
    the last period, ties split evenly; a run without contracts has no leader."""
    counts = rec.contracts[:, -1].sum(axis=(1, 2))                # (run, vendor)
    top = counts.max(axis=1, keepdims=True)
    leads = (counts == top) & (top > 0)
    split = leads / np.maximum(leads.sum(axis=1, keepdims=True), 1)
    return split.sum(axis=0) / counts.shape[0]


@dataclass
class Outputs:
    """The statistics of every output row, periods on axis 0."""
    shares: Summary             # (period, scope, vendor, metric)
    adoption: Summary           # (period, scope, measure)
    revenue: Summary            # (period, vendor, measure)
    prob_leader: np.ndarray     # (vendor,) at the last period


def compute_outputs(sc: Scenario, rec: Records) -> Outputs:
    R, P = rec.contracts.shape[:2]
    A, T, V = len(sc.agencies), len(sc.tiers), len(sc.vendors)
    revenue = revenue_values(sc, rec)
    return Outputs(
        shares=summarize_by_periods(lambda p: share_values(rec, p), R, P, (1 + T + A) * V * 2),
        adoption=summarize_by_periods(lambda p: adoption_values(sc, rec, p), R, P, (1 + A) * 2),
        revenue=summarize_by_periods(lambda p: revenue[:, p], R, P, V * 2),
        prob_leader=prob_leader(rec),
    )


# --------------------------------------------------------------------------
# CSV files (MODEL.md section 6, as sharecast's src/export.rs writes them)
# --------------------------------------------------------------------------

STAT_HEADER = ["runs", "mean", "sd", "p05", "p25", "p50", "p75", "p95"]


def number(x: float) -> str:
    """A number as the CSVs write it: 6 decimals, plain, no ``-0``; NaN is an empty cell."""
    if math.isnan(x):
        return ""
    text = f"{x:.6f}"
    if text.startswith("-") and not text.strip("-0."):
        return text[1:]
    return text


def stat_cells(s: Summary):
    """The ``runs,mean,sd,p05..p95`` cells of every cell of ``s``, in C order."""
    pct = s.percentiles.reshape(-1, len(PERCENTILES)).tolist()
    for runs, mean, sd, p in zip(s.runs.ravel().tolist(), s.mean.ravel().tolist(),
                                 s.sd.ravel().tolist(), pct):
        if runs == 0:
            yield ["0"] + [""] * 7
        else:
            yield [str(runs), number(mean), number(sd), *map(number, p)]


def period_dates(sc: Scenario) -> list[str]:
    """``YYYY-MM-DD``, the first day of each period."""
    year, month = (int(x) for x in sc.start.split("-"))
    first = year * 12 + month - 1
    months = [first + t * STEP_MONTHS[sc.step] for t in range(sc.periods)]
    return [f"{m // 12:04d}-{m % 12 + 1:02d}-01" for m in months]


def write_csv(folder: Path, name: str, header: list[str], rows) -> None:
    """Write one CSV whole: to a temporary file in ``folder``, then rename it."""
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, folder / name)
    finally:
        tmp.unlink(missing_ok=True)


def write_stats(folder: Path, name: str, columns: list[str], axes: list[list],
                dates: list[str], stats: Summary) -> None:
    """One statistics file: a row per cell of ``stats`` -- (period, *axes), C order.

    Each row is ``period, date``, the cell's labels (``columns``; an axis entry
    that is a tuple fills several columns), then ``runs, mean, sd, p05..p95``.
    """
    def labels(parts):
        for part in parts:
            yield from part if isinstance(part, tuple) else (part,)

    keys = itertools.product(range(len(dates)), *axes)
    write_csv(folder, name, ["period", "date", *columns, *STAT_HEADER],
              ([t, dates[t], *labels(parts), *cells]
               for (t, *parts), cells in zip(keys, stat_cells(stats))))


def write_outputs(folder: Path, sc: Scenario, out: Outputs) -> None:
    """shares.csv, adoption.csv, revenue.csv, shares_wide.csv, summary.csv.

    Row keys are generated in the C order of the statistics arrays, which is
    sharecast's row order: period, then scope (``all`` first, then tiers, then
    agencies, each in file order), then vendor, then metric or measure.
    """
    folder.mkdir(parents=True, exist_ok=True)
    P = sc.periods
    dates = period_dates(sc)
    vendors = [v["name"] for v in sc.vendors]
    agencies = [a["name"] for a in sc.agencies]
    share_scopes = ([("all", "all")] + [("all", k) for k in sc.tiers]
                    + [(a, "all") for a in agencies])

    write_stats(folder, "shares.csv", ["agency", "tier", "vendor", "metric"],
                [share_scopes, vendors, ["count_share", "value_share"]], dates, out.shares)
    write_stats(folder, "adoption.csv", ["agency", "measure"],
                [["all"] + agencies, ["under_contract", "waiting"]], dates, out.adoption)
    write_stats(folder, "revenue.csv", ["vendor", "measure"],
                [vendors, ["revenue", "cumulative_revenue"]], dates, out.revenue)

    # Mean count share over all units (scope 0, metric 0), one column per vendor.
    wide = out.shares.mean[:, 0, :, 0].tolist()
    write_csv(folder, "shares_wide.csv", ["period", "date", *vendors],
              ([t, dates[t], *map(number, wide[t])] for t in range(P)))

    # Per vendor at the last period: count share over all units, leadership,
    # mean cumulative revenue (measure 1).
    last, share, revenue = P - 1, out.shares, out.revenue
    write_csv(folder, "summary.csv",
              ["period", "date", "vendor", "runs", "mean_share", "p05_share", "p50_share",
               "p95_share", "prob_leader", "mean_cumulative_revenue"],
              ([last, dates[last], v, int(share.runs[last, 0, i, 0]),
                number(share.mean[last, 0, i, 0]),
                *(number(share.percentiles[last, 0, i, 0, k]) for k in (0, 2, 4)),
                number(out.prob_leader[i]), number(revenue.mean[last, i, 1])]
               for i, v in enumerate(vendors)))


def write_runs(folder: Path, sc: Scenario, rec: Records) -> None:
    """runs.csv: ``run,period,vendor,contracts,count_share`` by run, then
    period, then vendor, over all units; the share is empty in a run and
    period without contracts."""
    counts = rec.contracts.sum(axis=(2, 3))                        # (run, period, vendor)
    totals = counts.sum(axis=2)
    vendors = [v["name"] for v in sc.vendors]

    def rows():
        for r, t in itertools.product(range(counts.shape[0]), range(counts.shape[1])):
            total = int(totals[r, t])
            for i, v in enumerate(vendors):
                n = int(counts[r, t, i])
                yield r, t, v, n, number(n / total) if total else ""

    write_csv(folder, "runs.csv", ["run", "period", "vendor", "contracts", "count_share"], rows())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="output folder, created if missing (only the five CSVs are replaced)")
    parser.add_argument("--runs", type=int, help="replications (default: the scenario's)")
    parser.add_argument("--seed", type=int, help="seed (default: the scenario's)")
    parser.add_argument("--batch", type=int, default=250, help="runs per batch (default 250)")
    parser.add_argument("--per-run", action="store_true",
                        help="also write runs.csv, in the columns of sharecast run --per-run")
    parser.add_argument("--timings", action="store_true",
                        help="print the seconds of each phase to stderr")
    args = parser.parse_args(argv)

    try:
        sc = load_scenario(args.scenario)
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError, ScenarioError) as exc:
        print(f"numpy_peer: {args.scenario}: {exc!r}", file=sys.stderr)
        return 2
    runs = args.runs if args.runs is not None else sc.runs
    seed = args.seed if args.seed is not None else sc.seed
    if runs < 1:
        print("numpy_peer: --runs must be at least 1", file=sys.stderr)
        return 2

    clock = [time.perf_counter()]

    def lap(phase: str) -> None:
        clock.append(time.perf_counter())
        if args.timings:
            print(f"numpy_peer: {phase:<10} {clock[-1] - clock[-2]:8.3f} s", file=sys.stderr)

    records = simulate(sc, runs, seed, max(1, args.batch))
    lap("simulate")
    outputs = compute_outputs(sc, records)
    lap("statistics")
    try:
        write_outputs(args.out, sc, outputs)
        if args.per_run:
            write_runs(args.out, sc, records)
    except OSError as exc:
        print(f"numpy_peer: {args.out}: {exc}", file=sys.stderr)
        return 1
    lap("write")
    return 0


if __name__ == "__main__":
    sys.exit(main())
