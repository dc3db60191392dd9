//! The simulation: one run is a pure function of (scenario, seed, run index).
//!
//! Two engines implement MODEL.md section 3. [`EngineKind::Counts`] moves
//! exchangeable units in counts (binomial adoption, multinomial awards, a
//! calendar of contract cohorts), so its cost does not grow with the number
//! of units; it is the default. [`EngineKind::Units`] follows every unit one
//! by one, exactly as MODEL.md reads, and serves as the oracle the
//! count engine is tested against.
//!
//! The engine does no I/O and knows nothing of TOML or CSV. Runs execute in
//! parallel on the current rayon pool and are gathered by run index, so the
//! thread count cannot change a result.

mod counts;
mod market;
mod prices;
mod units;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rayon::prelude::*;

use crate::scenario::Scenario;
use market::Market;
pub use prices::MixedPrices;

/// Which implementation of the model runs. Named as `--engine` and the
/// manifest name it (`counts`, `units`): `"units".parse::<EngineKind>()`,
/// `EngineKind::Counts.to_string()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum EngineKind {
    /// Exchangeable units moved in counts; cost independent of unit numbers.
    #[default]
    Counts,
    /// Every unit followed individually; slow, the reference.
    Units,
}

impl EngineKind {
    /// `counts` or `units`.
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Counts => "counts",
            EngineKind::Units => "units",
        }
    }
}

impl std::fmt::Display for EngineKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no engine (`EngineKind`'s `FromStr`), shown with control
/// characters escaped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{}' is not an engine; engines are: counts, units", crate::text::escape_hidden(.0, false))]
pub struct UnknownEngine(pub String);

impl std::str::FromStr for EngineKind {
    type Err = UnknownEngine;

    /// `counts` or `units`, in any letter case.
    fn from_str(name: &str) -> Result<EngineKind, UnknownEngine> {
        [EngineKind::Counts, EngineKind::Units]
            .into_iter()
            .find(|e| e.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| UnknownEngine(name.to_string()))
    }
}

/// The shape of a run's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    /// Periods in the horizon (the scenario's `periods`).
    pub periods: usize,
    /// Agencies, indexed from 0 in file order.
    pub agencies: usize,
    /// Declared tiers, indexed from 0 in file order.
    pub tiers: usize,
    /// Vendors, indexed from 0 in file order.
    pub vendors: usize,
}

impl Dims {
    /// The shape of `s`'s run records.
    pub fn of(s: &Scenario) -> Dims {
        Dims {
            periods: s.calendar.periods as usize,
            agencies: s.agencies.len(),
            tiers: s.tiers.len(),
            vendors: s.vendors.len(),
        }
    }

    /// Index of the (agency, tier) cell of period `t`.
    pub fn cell(&self, t: usize, a: usize, k: usize) -> usize {
        (t * self.agencies + a) * self.tiers + k
    }

    /// Index of agency `a` at period `t`, for what is recorded by agency.
    pub fn agency_period(&self, t: usize, a: usize) -> usize {
        t * self.agencies + a
    }

    /// Index of vendor `v`'s contract count in cell (t, a, k).
    pub fn contract(&self, t: usize, a: usize, k: usize, v: usize) -> usize {
        self.cell(t, a, k) * self.vendors + v
    }
}

/// What one run leaves behind: the state at the end of every period, in
/// counts. Every measure of MODEL.md section 4 derives from it, and it is
/// compact: 4 bytes per count, and the units not under contract only by
/// agency, which is all the adoption rows need (see docs/performance.md,
/// "Memory", for how it compares with the output cells it yields).
#[derive(Debug, Clone, PartialEq)]
pub struct RunRecord {
    /// Contracts in force by `[period][agency][tier][vendor]` (see [`Dims::contract`]).
    pub contracts: Vec<u32>,
    /// Waiting units (adopted, but no vendor can serve their tier), over
    /// all tiers, by `[period][agency]` (see [`Dims::agency_period`]).
    pub waiting: Vec<u32>,
    /// Units that never adopted, over all tiers, by `[period][agency]`.
    /// With `waiting` and the contracts it accounts for every unit of the
    /// agency, which the invariant tests check.
    pub never: Vec<u32>,
    /// Each agency's annual contract value during the period (after the
    /// period's events), by `[period][agency]`: the value of the contracts
    /// it signs then.
    pub annual_value: Vec<f64>,
    /// The annual values of the contracts in force, summed, where an
    /// agency's contracts may have been signed at different values: by
    /// `[slot][tier][vendor]` for each agency-period of the run's
    /// [`MixedPrices`], in slot order. A contract keeps the value its agency
    /// had when it was signed (an initial contract, the value drawn for the
    /// run before any event). In every other agency-period each contract in
    /// force is worth the agency's `annual_value`. Empty when no event
    /// changes an annual value.
    pub values: Vec<f64>,
}

impl RunRecord {
    /// Whether the record has the shape of a run of a scenario of shape
    /// `d` (periods, agencies, tiers, vendors).
    pub fn fits(&self, d: Dims) -> bool {
        let (contracts, by_agency) = RunRecord::lengths(d);
        self.contracts.len() == contracts
            && self.waiting.len() == by_agency
            && self.never.len() == by_agency
            && self.annual_value.len() == by_agency
            && self
                .values
                .len()
                .is_multiple_of((d.tiers * d.vendors).max(1))
    }

    /// Contracts in force by vendor at the end of period `t`, summed over
    /// agency `agency` (`None`: every agency) and tier `tier` (`None`:
    /// every tier), for a record of shape `d`: one run's path, as the
    /// projections' `count_share` rows divide it up.
    ///
    /// # Panics
    /// If `t`, `agency` or `tier` is out of range for `d`, or the record
    /// does not have shape `d` ([`RunRecord::fits`]).
    pub fn contracts_by_vendor(
        &self,
        d: Dims,
        t: usize,
        agency: Option<usize>,
        tier: Option<usize>,
    ) -> Vec<u32> {
        assert!(self.fits(d), "the record does not have the shape {d:?}");
        assert!(t < d.periods, "period {t} is not below {}", d.periods);
        let agencies = match agency {
            Some(a) => {
                assert!(a < d.agencies, "agency {a} is not below {}", d.agencies);
                a..a + 1
            }
            None => 0..d.agencies,
        };
        let tiers = match tier {
            Some(k) => {
                assert!(k < d.tiers, "tier {k} is not below {}", d.tiers);
                k..k + 1
            }
            None => 0..d.tiers,
        };
        let mut by_vendor = vec![0; d.vendors];
        for a in agencies {
            for k in tiers.clone() {
                let first = d.contract(t, a, k, 0);
                for (sum, &n) in by_vendor.iter_mut().zip(&self.contracts[first..]) {
                    *sum += n;
                }
            }
        }
        by_vendor
    }

    /// Lengths of `contracts`, and of each of `waiting`, `never` and
    /// `annual_value`.
    fn lengths(d: Dims) -> (usize, usize) {
        let cells = d.periods * d.agencies * d.tiers;
        (cells * d.vendors, d.periods * d.agencies)
    }

    /// An empty record of shape `d`, with values for `mixed` agency-periods.
    fn new(d: Dims, mixed: usize) -> RunRecord {
        let (contracts, by_agency) = RunRecord::lengths(d);
        RunRecord {
            contracts: vec![0; contracts],
            waiting: vec![0; by_agency],
            never: vec![0; by_agency],
            annual_value: vec![0.0; by_agency],
            values: vec![0.0; mixed * d.tiers * d.vendors],
        }
    }

    /// Bytes one record of a run with dimensions `d` and `mixed` mixed
    /// agency-periods holds, for the memory estimate.
    pub fn bytes(d: Dims, mixed: usize) -> u64 {
        let (contracts, by_agency) = RunRecord::lengths(d);
        let values = mixed * d.tiers * d.vendors * 8;
        (contracts * 4 + values + by_agency * (4 + 4 + 8) + std::mem::size_of::<RunRecord>()) as u64
    }

    /// Records each agency's annual value in force during period `t`.
    fn record_annual_values(&mut self, t: usize, annual_values: &[f64]) {
        let n = annual_values.len();
        self.annual_value[t * n..(t + 1) * n].copy_from_slice(annual_values);
    }
}

/// The random stream of run `run`: ChaCha8 seeded from `seed`, on stream
/// `run`. It depends on nothing else, which is what makes the first n runs of
/// a larger simulation equal a simulation of n runs.
///
/// The stream's 2^68 words are laid out in regions, so that a change to a
/// scenario moves as few draws as possible (common random numbers, see
/// docs/scenario-reference.md, section 9): period t's dynamics (adoption
/// and awards) from word (t + 1) 2^50; uncertain numbers built without a
/// key, the i-th (from 1) at 2^64 + i 2^24; each initial contract block's ends from
/// 2^66 + key 2^34; each keyed uncertain number from 2^67 + key 2^24 (the
/// keys: [`InitialContract::stream`](crate::scenario::InitialContract::stream),
/// [`Scenario::assign_streams`](crate::scenario::Scenario::assign_streams)).
/// Each region is far larger than anything drawn in it.
pub fn run_rng(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// Words of the run's stream reserved for each period's dynamics.
const WORDS_PER_PERIOD: u128 = 1 << 50;
/// First word of the uncertain numbers that carry no key, and the words
/// each of them may use.
const UNKEYED_PARAMETER_WORDS: u128 = 1 << 64;
const WORDS_PER_UNKEYED_PARAMETER: u128 = 1 << 24;
/// First word of the initial contract blocks' sub-streams, and the words
/// each may use: the unit engine draws one end per unit, up to 2^32 units.
const INITIAL_BLOCK_WORDS: u128 = 1 << 66;
const WORDS_PER_INITIAL_BLOCK: u128 = 1 << 34;
/// First word of the keyed uncertain numbers' sub-streams, and the words
/// each may use (one draw takes a handful).
const PARAMETER_WORDS: u128 = 1 << 67;
const WORDS_PER_PARAMETER: u128 = 1 << 24;
const _: () = {
    use crate::scenario::{INITIAL_KEY_BITS, MAX_PERIODS, STREAM_KEY_BITS};
    assert!(
        (MAX_PERIODS as u128 + 1) * WORDS_PER_PERIOD <= UNKEYED_PARAMETER_WORDS,
        "the periods' regions end before the unkeyed numbers"
    );
    assert!(
        UNKEYED_PARAMETER_WORDS + (WORDS_PER_UNKEYED_PARAMETER << 40) <= INITIAL_BLOCK_WORDS,
        "2^40 unkeyed numbers fit before the initial blocks"
    );
    assert!(
        INITIAL_BLOCK_WORDS + (WORDS_PER_INITIAL_BLOCK << INITIAL_KEY_BITS) <= PARAMETER_WORDS,
        "the initial blocks end before the keyed numbers"
    );
    assert!(
        PARAMETER_WORDS + (WORDS_PER_PARAMETER << STREAM_KEY_BITS) <= 1 << 68,
        "the keyed numbers fit in the stream's 2^68 words"
    );
};

/// Moves run `rng` to the start of period `t`'s region. Whatever earlier
/// periods drew, period t's draws start at the same place; two variants of
/// a scenario that differ from period s on therefore draw the same numbers
/// up to s, and realign at the start of every later period, which keeps
/// their runs paired (common random numbers) as far as their states allow.
pub(crate) fn start_period(rng: &mut ChaCha8Rng, t: usize) {
    rng.set_word_pos((t as u128 + 1) * WORDS_PER_PERIOD);
}

/// Run `rng` positioned at the start of parameter sub-stream `key`: where
/// the uncertain number with that key is drawn from (see
/// `scenario::stream_keys`).
pub(crate) fn parameter_rng(rng: &mut ChaCha8Rng, key: u64) -> &mut ChaCha8Rng {
    rng.set_word_pos(PARAMETER_WORDS + u128::from(key) * WORDS_PER_PARAMETER);
    rng
}

/// Run `rng` positioned for the `index`-th uncertain number that has no key
/// (one built through the library rather than read from a file): such
/// numbers are drawn in order, each from its own stretch, so they are still
/// independent of each other and of every keyed number.
pub(crate) fn unkeyed_parameter_rng(rng: &mut ChaCha8Rng, index: u64) -> &mut ChaCha8Rng {
    rng.set_word_pos(UNKEYED_PARAMETER_WORDS + u128::from(index) * WORDS_PER_UNKEYED_PARAMETER);
    rng
}

/// Run `rng` positioned at initial contract block `key`'s sub-stream, where
/// the ends of its contracts without `remaining` are drawn.
pub(crate) fn initial_block_rng(rng: &mut ChaCha8Rng, key: u64) -> &mut ChaCha8Rng {
    rng.set_word_pos(INITIAL_BLOCK_WORDS + u128::from(key) * WORDS_PER_INITIAL_BLOCK);
    rng
}

/// Memory the unit engine needs per unit, for the memory estimate.
pub fn bytes_per_unit() -> u64 {
    units::BYTES_PER_UNIT
}

/// Memory the count engine needs per segment (agency and tier) beyond the
/// numbers its lists hold, for the memory estimate.
pub(crate) fn segment_overhead_bytes() -> u64 {
    counts::SEGMENT_OVERHEAD_BYTES
}

/// Panics with every broken rule when `s` fails [`Scenario::verify`]: the
/// engines and the statistics index and count by its parts and would
/// otherwise panic somewhere inside or give wrong numbers.
pub(crate) fn assert_runnable(s: &Scenario) {
    if let Err(broken) = s.verify() {
        panic!("{broken}");
    }
}

/// Each vendor's chance of winning an open unit that has no incumbent, in
/// the first period after that period's events: for each agency and tier,
/// the mean over runs `0..runs` of `seed` of each run's logit probabilities
/// among the vendors that can serve the tier there, over the runs in which
/// one can. `[agency][tier]` is `None` where no vendor can serve the tier in
/// any of those runs; else one entry per vendor, `None` for a vendor that
/// could serve it in none of them. What `sharecast check` shows, so that
/// what the weights make of brand, access and attributes can be seen before
/// anything runs.
pub(crate) fn opening_chances(
    s: &Scenario,
    seed: u64,
    runs: u64,
) -> Vec<Vec<Option<Vec<Option<f64>>>>> {
    let d = Dims::of(s);
    let mut sums = vec![vec![0.0; d.vendors]; d.agencies * d.tiers];
    let mut served_runs = vec![0u64; d.agencies * d.tiers];
    let mut could_serve = vec![false; d.vendors * d.tiers];
    let (mut utilities, mut probs) = (vec![0.0; d.vendors], Vec::with_capacity(d.vendors));
    let mut eligible: Vec<usize> = Vec::with_capacity(d.vendors);
    for run in 0..runs {
        let mut rng = run_rng(seed, run);
        let mut market = Market::draw(s, &mut rng);
        market.apply_events(s, 0);
        for k in 0..d.tiers {
            eligible.clear();
            eligible.extend((0..d.vendors).filter(|&v| market.eligible(v, k)));
            if eligible.is_empty() {
                continue;
            }
            for &v in &eligible {
                could_serve[v * d.tiers + k] = true;
            }
            for a in 0..d.agencies {
                for &v in &eligible {
                    utilities[v] = market.utility(a, k, v);
                }
                market::logit_probabilities(&utilities, &eligible, None, 0.0, &mut probs);
                let cell = a * d.tiers + k;
                for (&v, &p) in eligible.iter().zip(&probs) {
                    sums[cell][v] += p;
                }
                served_runs[cell] += 1;
            }
        }
    }
    (0..d.agencies)
        .map(|a| {
            (0..d.tiers)
                .map(|k| {
                    let cell = a * d.tiers + k;
                    let n = served_runs[cell];
                    (n > 0).then(|| {
                        (0..d.vendors)
                            .map(|v| could_serve[v * d.tiers + k].then(|| sums[cell][v] / n as f64))
                            .collect()
                    })
                })
                .collect()
        })
        .collect()
}

/// Simulates one run.
///
/// # Panics
/// If `s` fails [`Scenario::verify`], which only a scenario built or
/// changed in code can.
pub fn simulate_run(s: &Scenario, seed: u64, run: u64, engine: EngineKind) -> RunRecord {
    assert_runnable(s);
    run_to_end(s, &MixedPrices::of(s), seed, run, engine)
}

/// [`simulate_run`], recording the values in force for the agency-periods
/// of `mixed` (normally `MixedPrices::of(s)` or `MixedPrices::everywhere(s)`).
/// Each call checks that `mixed` covers `s`, which computes
/// `MixedPrices::of(s)` again; the simulations of many runs compute it once
/// and skip this check.
///
/// # Panics
/// If `s` fails [`Scenario::verify`], or `mixed` does not cover `s`
/// ([`MixedPrices::covers`]: made for another scenario, or missing
/// agency-periods whose values the run must record).
pub fn simulate_run_with(
    s: &Scenario,
    mixed: &MixedPrices,
    seed: u64,
    run: u64,
    engine: EngineKind,
) -> RunRecord {
    assert_runnable(s);
    assert!(
        mixed.covers(s),
        "the MixedPrices passed does not cover this scenario's agencies, periods or price events; \
         make it with MixedPrices::of or MixedPrices::everywhere of this scenario"
    );
    run_to_end(s, mixed, seed, run, engine)
}

/// [`run_verified`] with nothing to cancel it.
fn run_to_end(
    s: &Scenario,
    mixed: &MixedPrices,
    seed: u64,
    run: u64,
    engine: EngineKind,
) -> RunRecord {
    run_verified(s, mixed, seed, run, engine, &AtomicBool::new(false))
        .expect("nothing cancels this run")
}

/// One run of a scenario that passed [`Scenario::verify`]; `None` when
/// `cancel` stopped it. The count engine's runs take well under a
/// millisecond, so it is asked between runs only; the unit engine's may
/// take minutes, so it also looks at every period.
fn run_verified(
    s: &Scenario,
    mixed: &MixedPrices,
    seed: u64,
    run: u64,
    engine: EngineKind,
    cancel: &AtomicBool,
) -> Option<RunRecord> {
    let market = Market::draw(s, &mut run_rng(seed, run));
    let mut rng = run_rng(seed, run);
    match engine {
        EngineKind::Counts => Some(counts::run(s, mixed, market, &mut rng)),
        EngineKind::Units => units::run(s, mixed, market, &mut rng, cancel),
    }
}

/// The simulation was stopped through [`Control::cancel`]. An error, so
/// that `?` carries it into `anyhow` or `Box<dyn Error>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the simulation was cancelled")]
pub struct Cancelled;

/// Hooks for a caller that shows progress or may stop a long simulation.
pub struct Control<'a> {
    /// Called once per finished run, from worker threads.
    pub on_run_done: &'a (dyn Fn() + Sync),
    /// When set, runs not yet started are skipped (and the unit engine
    /// stops a run in progress at its next period) and `simulate` returns
    /// `Err(Cancelled)`.
    pub cancel: &'a AtomicBool,
}

/// Whether cancelled; the callback shows as a function.
impl std::fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("on_run_done", &"Fn()")
            .field("cancel", &self.cancel)
            .finish()
    }
}

/// Simulates the runs `runs` in parallel on the current rayon pool; the
/// result is ordered by run index.
///
/// The count engine's memory does not grow with the number of units; the
/// unit engine keeps [`bytes_per_unit`] bytes for every unit of each run in
/// progress, which for the largest markets a file allows is more than a
/// machine has: [`crate::resources::estimate`] gives the need beforehand,
/// as the command line checks it.
///
/// # Panics
/// If `s` fails [`Scenario::verify`], which only a scenario built or
/// changed in code can.
pub fn simulate(
    s: &Scenario,
    seed: u64,
    runs: Range<u64>,
    engine: EngineKind,
    control: &Control<'_>,
) -> Result<Vec<RunRecord>, Cancelled> {
    simulate_keeping(s, seed, runs, engine, control, &|record| record)
}

/// [`simulate`], keeping of each run only what `keep` makes of its record,
/// in the worker that ran it: so the whole records of all runs are never
/// held at once (the CLI keeps each run's [`crate::tally::Tally`]).
///
/// # Panics
/// If `s` fails [`Scenario::verify`].
pub fn simulate_keeping<T: Send>(
    s: &Scenario,
    seed: u64,
    runs: Range<u64>,
    engine: EngineKind,
    control: &Control<'_>,
    keep: &(dyn Fn(RunRecord) -> T + Sync),
) -> Result<Vec<T>, Cancelled> {
    assert_runnable(s);
    let mixed = MixedPrices::of(s);
    runs.into_par_iter()
        .map(|run| {
            if control.cancel.load(Ordering::Relaxed) {
                return Err(Cancelled);
            }
            let record =
                run_verified(s, &mixed, seed, run, engine, control.cancel).ok_or(Cancelled)?;
            let kept = keep(record);
            (control.on_run_done)();
            Ok(kept)
        })
        .collect()
}

/// [`simulate`] without progress reporting or cancellation: the entry point
/// for embedding and benchmarks.
///
/// # Panics
/// If `s` fails [`Scenario::verify`].
pub fn simulate_all(
    s: &Scenario,
    seed: u64,
    runs: Range<u64>,
    engine: EngineKind,
) -> Vec<RunRecord> {
    let never = AtomicBool::new(false);
    let control = Control {
        on_run_done: &|| {},
        cancel: &never,
    };
    simulate(s, seed, runs, engine, &control).expect("nothing cancels this simulation")
}
