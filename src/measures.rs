//! From run records to the rows of the outputs (MODEL.md section 4).
//!
//! The statistics read each run's [`Tally`], the record reduced to what
//! the rows need; [`project`] makes them from records, the CLI as each run
//! finishes.
//!
//! For each output row this derives the value of every run (shares, adoption
//! fractions, revenue; NaN where undefined, so that `compare` can pair runs
//! by index), leaves out runs where it is undefined, and summarises the rest
//! with [`crate::stats`]. No formatting happens here.
//!
//! Records are laid out run by run, so reading one row across runs jumps
//! from record to record. One parallel task per period therefore reads each
//! run's period slice once and fills every row of that period; only the
//! revenue paths outlive the task, for the running sums. Rows come back in
//! output order.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::engine::{Dims, EngineKind, RunRecord};
use crate::scenario::{InvalidScenario, Scenario};
use crate::stats::{Summary, summarize};
use crate::tally::{Tally, TallyLayout};

/// Which units a share or adoption row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Every unit of the scenario (`all` in both the agency and the tier
    /// column).
    All,
    /// The units of one agency, by its index in `Scenario::agencies`.
    Agency(usize),
    /// The units of one tier, by its index in `Scenario::tiers`.
    Tier(usize),
}

/// What a share row divides up: contracts, or their value (the `metric`
/// column of `shares.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShareMetric {
    /// The vendor's contracts over all contracts in the scope
    /// (`count_share`).
    CountShare = 0,
    /// The same, each contract weighted by its annual value: its agency's
    /// when it was signed (`value_share`).
    ValueShare = 1,
}

/// Which state an adoption row counts (the `measure` column of
/// `adoption.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdoptionMeasure {
    /// Fraction of the scope's units holding a contract (`under_contract`).
    UnderContract = 0,
    /// Fraction of the scope's units that want a contract but have no
    /// vendor able to serve their tier (`waiting`).
    Waiting = 1,
}

/// Which revenue a revenue row reports (the `measure` column of
/// `revenue.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RevenueMeasure {
    /// The vendor's revenue in the period, in dollars: each contract's
    /// annual value times the period's length in years, over its contracts
    /// in force (`revenue`).
    Revenue,
    /// The running sum of `Revenue` from period 0 through this period
    /// (`cumulative_revenue`).
    CumulativeRevenue,
}

/// One row of `shares.csv`: a vendor's share of one scope at one period.
/// `T` is the row's statistics: a [`Summary`] here, a
/// [`crate::compare::Paired`] in a comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow<T = Option<Summary>> {
    /// Period index, from 0 (the `period` column).
    pub period: usize,
    /// The units the share covers (the `agency` and `tier` columns).
    pub scope: Scope,
    /// Index into `Scenario::vendors` (into `Comparison::vendors` in a
    /// comparison).
    pub vendor: usize,
    /// Count or value share (the `metric` column).
    pub metric: ShareMetric,
    /// The row's statistics over the runs in which the scope holds a
    /// contract (shares in [0, 1]); `None` when no run does.
    pub summary: T,
}

/// One row of `adoption.csv`: the fraction of an agency's units (or of all
/// units) in one state at one period. `T` as for [`ShareRow`].
#[derive(Debug, Clone, PartialEq)]
pub struct AdoptionRow<T = Option<Summary>> {
    /// Period index, from 0 (the `period` column).
    pub period: usize,
    /// `None` for all agencies.
    pub agency: Option<usize>,
    /// Under contract or waiting (the `measure` column).
    pub measure: AdoptionMeasure,
    /// The row's statistics over the runs (fractions in [0, 1]); `None`
    /// for an agency without units.
    pub summary: T,
}

/// One row of `revenue.csv`: a vendor's revenue at one period. `T` as for
/// [`ShareRow`].
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueRow<T = Option<Summary>> {
    /// Period index, from 0 (the `period` column).
    pub period: usize,
    /// Index into `Scenario::vendors` (into `Comparison::vendors` in a
    /// comparison).
    pub vendor: usize,
    /// Revenue in the period or its running sum (the `measure` column).
    pub measure: RevenueMeasure,
    /// The row's statistics over every run (revenue is defined in all of
    /// them), in dollars; `None` only when there are no runs.
    pub summary: T,
}

/// One vendor at the last period.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorOutlook {
    /// Index into `Scenario::vendors`.
    pub vendor: usize,
    /// Count share over all units.
    pub share: Option<Summary>,
    /// Fraction of all runs in which the vendor holds the most contracts
    /// (ties split evenly; a run without contracts has no leader); `None`
    /// when there are no runs (an empty cell in `summary.csv`, a dash in the
    /// closing table).
    pub prob_leader: Option<f64>,
    /// Mean over the runs of the vendor's cumulative revenue at the last
    /// period, in dollars; `None` when there are no runs.
    pub mean_cumulative_revenue: Option<f64>,
}

/// Everything the CSV outputs report, in output order.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// Runs projected (one per record); a row's own `runs` may be fewer.
    pub runs: usize,
    /// The rows of `shares.csv`: by period, then scope in [`share_scopes`]
    /// order, then vendor, then count share before value share.
    pub shares: Vec<ShareRow>,
    /// The rows of `adoption.csv`: by period, then all agencies followed by
    /// each agency in file order, then under contract before waiting.
    pub adoption: Vec<AdoptionRow>,
    /// The rows of `revenue.csv`: by period, then vendor, then revenue
    /// before cumulative revenue.
    pub revenue: Vec<RevenueRow>,
    /// The rows of `summary.csv`, one per vendor in file order: its count
    /// share of all units at the last period, how often it leads then, and
    /// its mean cumulative revenue.
    pub outlook: Vec<VendorOutlook>,
}

impl Projection {
    /// The `shares.csv` row of `vendor`'s `metric` share of `scope` at
    /// `period`; `None` when there is no such row (an index out of range).
    pub fn share(
        &self,
        period: usize,
        scope: Scope,
        vendor: usize,
        metric: ShareMetric,
    ) -> Option<&ShareRow> {
        share_row(&self.shares, period, scope, vendor, metric)
    }

    /// The `adoption.csv` row of `measure` at `period` for `agency` (`None`
    /// for all agencies); `None` when there is no such row.
    pub fn adoption(
        &self,
        period: usize,
        agency: Option<usize>,
        measure: AdoptionMeasure,
    ) -> Option<&AdoptionRow> {
        adoption_row(&self.adoption, period, agency, measure)
    }

    /// The `revenue.csv` row of `vendor`'s `measure` at `period`; `None`
    /// when there is no such row.
    pub fn revenue(
        &self,
        period: usize,
        vendor: usize,
        measure: RevenueMeasure,
    ) -> Option<&RevenueRow> {
        revenue_row(&self.revenue, period, vendor, measure)
    }
}

/// The rows of `rows` at `period`, for rows ordered by period as every
/// projection's and comparison's are: a binary search, then the period's
/// rows only.
fn rows_at<R>(rows: &[R], period: usize, period_of: impl Fn(&R) -> usize) -> &[R] {
    let first = rows.partition_point(|r| period_of(r) < period);
    let len = rows[first..].partition_point(|r| period_of(r) == period);
    &rows[first..first + len]
}

/// The share row of `vendor`'s `metric` share of `scope` at `period` among
/// `rows` (a projection's or a comparison's, ordered by period).
pub fn share_row<T>(
    rows: &[ShareRow<T>],
    period: usize,
    scope: Scope,
    vendor: usize,
    metric: ShareMetric,
) -> Option<&ShareRow<T>> {
    rows_at(rows, period, |r| r.period)
        .iter()
        .find(|r| r.scope == scope && r.vendor == vendor && r.metric == metric)
}

/// The adoption row of `measure` for `agency` (`None`: all agencies) at
/// `period` among `rows` (ordered by period).
pub fn adoption_row<T>(
    rows: &[AdoptionRow<T>],
    period: usize,
    agency: Option<usize>,
    measure: AdoptionMeasure,
) -> Option<&AdoptionRow<T>> {
    rows_at(rows, period, |r| r.period)
        .iter()
        .find(|r| r.agency == agency && r.measure == measure)
}

/// The revenue row of `vendor`'s `measure` at `period` among `rows`
/// (ordered by period).
pub fn revenue_row<T>(
    rows: &[RevenueRow<T>],
    period: usize,
    vendor: usize,
    measure: RevenueMeasure,
) -> Option<&RevenueRow<T>> {
    rows_at(rows, period, |r| r.period)
        .iter()
        .find(|r| r.vendor == vendor && r.measure == measure)
}

/// The statistics of all units under contract at `period` among `rows`
/// (the rows of `adoption.csv`, or their paired differences); `None` when
/// no unit exists or no run defines the row.
pub fn all_under_contract<T: Copy>(rows: &[AdoptionRow<Option<T>>], period: usize) -> Option<T> {
    adoption_row(rows, period, None, AdoptionMeasure::UnderContract).and_then(|r| r.summary)
}

/// The scopes of `shares.csv` in output order: all units, then each tier
/// (agency `all`), then each agency (tier `all`), each in file order; that
/// is, ordered by agency and then tier, `all` first.
pub fn share_scopes(s: &Scenario) -> Vec<Scope> {
    let mut scopes = vec![Scope::All];
    scopes.extend((0..s.tiers.len()).map(Scope::Tier));
    scopes.extend((0..s.agencies.len()).map(Scope::Agency));
    debug_assert!(
        scopes
            .iter()
            .enumerate()
            .all(|(i, &scope)| scope_index(scope, s.tiers.len()) == i)
    );
    scopes
}

/// Where `scope` stands in [`share_scopes`]' order, with `tiers` tiers.
pub(crate) fn scope_index(scope: Scope, tiers: usize) -> usize {
    match scope {
        Scope::All => 0,
        Scope::Tier(k) => 1 + k,
        Scope::Agency(a) => 1 + tiers + a,
    }
}

/// Simulates the runs `runs` of `s` with `seed` (on the current rayon pool)
/// and gives every output row's statistics: in one call, what `sharecast
/// run --seed SEED --runs N` computes for `runs = 0..N`, byte for byte once
/// exported ([`crate::export::statistics_files`]). Any `u64` seed works
/// here; the command line and scenario files take seeds up to `i64::MAX`
/// (TOML integers are signed), so larger ones have no command-line
/// equivalent. An empty range (`5..2` too) projects no runs. Like the command line,
/// it keeps each run's compact tally rather than its whole record, so its
/// memory is about half that of [`crate::engine::simulate_all`] followed by
/// [`project`].
///
/// # Errors
/// If `s` fails [`Scenario::verify`] (only a scenario built or edited in
/// code can), before anything is simulated.
pub fn simulate_and_project(
    s: &Scenario,
    seed: u64,
    runs: std::ops::Range<u64>,
    engine: EngineKind,
) -> Result<Projection, InvalidScenario> {
    s.verify()?;
    let tallies = Tally::simulate_all(s, seed, runs, engine);
    Ok(project_unless(s, &tallies, &AtomicBool::new(false))
        .expect("nothing cancels this projection"))
}

/// Every output row's statistics over `records` (run order), which must be
/// runs of `s`. Only their shape can be checked: records of another
/// scenario of the same shape (the same scenario with another calendar
/// step, say, which changes what a period's contract is worth) give that
/// other scenario's runs read as runs of `s`.
///
/// # Panics
/// If `s` fails [`Scenario::verify`] (only a scenario built or edited in
/// code can), or the records do not have the shape of runs of `s`
/// (periods, agencies, tiers, vendors).
pub fn project(s: &Scenario, records: &[RunRecord]) -> Projection {
    let tallies = Tally::of_runs(records, s);
    project_unless(s, &tallies, &AtomicBool::new(false)).expect("nothing cancels this projection")
}

/// [`project`] from the runs' tallies (run order, all in one layout),
/// giving up (`None`) soon after `cancel` is set: each parallel task checks
/// it before it starts.
///
/// # Panics
/// If `s` fails [`Scenario::verify`], or the tallies do not have the shape
/// of runs of `s`, or mix layouts or
/// [`PriceEpochs`](crate::tally::PriceEpochs).
pub fn project_unless(s: &Scenario, tallies: &[Tally], cancel: &AtomicBool) -> Option<Projection> {
    project_watched(s, tallies, cancel, &|| {})
}

/// [`project_unless`], calling `on_period_done` (from the worker threads)
/// each time a period's rows are summarised: what a progress bar counts.
/// The running sums of revenue, summarised once every period is done, take
/// a small part of the time.
///
/// # Panics
/// As [`project_unless`].
pub fn project_watched(
    s: &Scenario,
    tallies: &[Tally],
    cancel: &AtomicBool,
    on_period_done: &(dyn Fn() + Sync),
) -> Option<Projection> {
    let d = Dims::of(s);
    crate::tally::assert_runs_of(tallies, s);
    let layout = PeriodLayout::of(s);
    let runs = tallies.len();
    let nv = d.vendors;

    // Pass 1, parallel over periods: each task reads every run's period-t
    // slice once and summarises that period's share, adoption and revenue
    // rows. Revenue paths stay behind, `[period][vendor][run]`, for the
    // running sums.
    let mut revenue_paths = vec![0.0; d.periods * nv * runs];
    let chunk = nv * runs;
    let periods: Vec<PeriodRows> = per_period(&mut revenue_paths, d.periods, chunk)
        .into_par_iter()
        .enumerate()
        .map(|(t, revenue)| {
            if cancel.load(Ordering::Relaxed) {
                return PeriodRows::default();
            }
            let rows = period_rows(s, d, &layout, tallies, t, revenue);
            on_period_done();
            rows
        })
        .collect();
    if cancel.load(Ordering::Relaxed) {
        return None;
    }

    // Pass 2: running sums over periods, then their summaries.
    running_sums(&mut revenue_paths, d.periods, chunk);
    let cumulative: Vec<Vec<Option<Summary>>> = per_period(&mut revenue_paths, d.periods, chunk)
        .into_par_iter()
        .map(|paths| {
            (0..nv)
                .map(|v| summarize(&mut paths[v * runs..(v + 1) * runs]))
                .collect()
        })
        .collect();

    let mut projection = Projection {
        runs,
        shares: Vec::with_capacity(d.periods * layout.share_rows()),
        adoption: Vec::with_capacity(d.periods * layout.adoption_rows()),
        revenue: Vec::with_capacity(d.periods * nv * 2),
        outlook: Vec::new(),
    };
    for (t, (rows, cumulative)) in periods.into_iter().zip(cumulative).enumerate() {
        projection.shares.extend(rows.shares);
        projection.adoption.extend(rows.adoption);
        for (v, (revenue, cumulative)) in rows.revenue.into_iter().zip(cumulative).enumerate() {
            projection.revenue.push(RevenueRow {
                period: t,
                vendor: v,
                measure: RevenueMeasure::Revenue,
                summary: revenue,
            });
            projection.revenue.push(RevenueRow {
                period: t,
                vendor: v,
                measure: RevenueMeasure::CumulativeRevenue,
                summary: cumulative,
            });
        }
    }
    projection.outlook = outlook(d, &layout, tallies, &projection);
    (!cancel.load(Ordering::Relaxed)).then_some(projection)
}
/// Turns `paths` (`[period][chunk]`) into running sums over periods, in
/// place.
pub(crate) fn running_sums(paths: &mut [f64], periods: usize, chunk: usize) {
    for t in 1..periods {
        let (done, rest) = paths.split_at_mut(t * chunk);
        let previous = &done[(t - 1) * chunk..];
        for (x, before) in rest[..chunk].iter_mut().zip(previous) {
            *x += before;
        }
    }
}

/// `paths` (`[period][chunk]`) as one mutable slice per period, also when
/// `chunk` is 0.
pub(crate) fn per_period(paths: &mut [f64], periods: usize, chunk: usize) -> Vec<&mut [f64]> {
    if chunk == 0 {
        (0..periods).map(|_| &mut [][..]).collect()
    } else {
        paths.chunks_mut(chunk).collect()
    }
}

/// Where each row of one period sits among that period's per-run lists:
/// shares `[scope][vendor][metric]` first (output order), then adoption
/// `[agency or all][measure]`.
pub(crate) struct PeriodLayout {
    scopes: Vec<Scope>,
    /// Units of each adoption scope (`all`, then each agency).
    adoption_units: Vec<u64>,
    vendors: usize,
    tiers: usize,
}

impl PeriodLayout {
    pub(crate) fn of(s: &Scenario) -> PeriodLayout {
        let mut adoption_units = vec![s.total_units()];
        adoption_units.extend(s.agencies.iter().map(|a| u64::from(a.units)));
        PeriodLayout {
            scopes: share_scopes(s),
            adoption_units,
            vendors: s.vendors.len(),
            tiers: s.tiers.len(),
        }
    }

    pub(crate) fn share_rows(&self) -> usize {
        self.scopes.len() * self.vendors * 2
    }

    fn adoption_rows(&self) -> usize {
        self.adoption_units.len() * 2
    }

    fn rows(&self) -> usize {
        self.share_rows() + self.adoption_rows()
    }

    /// Where a share row sits among a period's rows.
    pub(crate) fn share_row(&self, scope: Scope, vendor: usize, metric: ShareMetric) -> usize {
        (scope_index(scope, self.tiers) * self.vendors + vendor) * 2 + metric as usize
    }

    /// Where an adoption row (`agency` `None` for all) sits among a
    /// period's rows.
    pub(crate) fn adoption_row(&self, agency: Option<usize>, measure: AdoptionMeasure) -> usize {
        self.share_rows() + agency.map_or(0, |a| 1 + a) * 2 + measure as usize
    }
}

/// Rows of `shares.csv` and `adoption.csv` per period: the rows the
/// statistics stage gathers per-run values for.
pub fn share_and_adoption_rows_per_period(s: &Scenario) -> usize {
    PeriodLayout::of(s).rows()
}

/// Every run's value of each row of one period, `[row][run]`, filled run
/// by run.
pub(crate) struct PeriodValues {
    values: Vec<f64>,
    /// Runs in which each row is defined.
    defined: Vec<usize>,
    runs: usize,
    /// The run being filled.
    run: usize,
}

impl PeriodValues {
    /// The run's value of `row`: NaN when undefined.
    fn set(&mut self, row: usize, x: Option<f64>) {
        self.values[row * self.runs + self.run] = x.unwrap_or(f64::NAN);
        self.defined[row] += usize::from(x.is_some());
    }

    /// `under_contract` and `waiting` of the run into the adoption rows
    /// starting at `row` (`under_contract`'s); a scope without units has no
    /// such fractions.
    fn set_adoption(&mut self, row: usize, contracts: u64, waiting: u64, units: u64) {
        let fraction = |n: u64| (units > 0).then(|| n as f64 / units as f64);
        self.set(row, fraction(contracts));
        self.set(row + 1, fraction(waiting));
    }

    /// Every run's value of row `row` (NaN where undefined).
    pub(crate) fn row(&self, row: usize) -> &[f64] {
        &self.values[row * self.runs..(row + 1) * self.runs]
    }

    /// Summaries of every row, in row order. A row's defined values are
    /// first moved to its front, in run order.
    ///
    /// A row whose every run has bit for bit the value it has in the row
    /// before has that row's summary without a second selection: an
    /// agency's value shares are its count shares (one price for all its
    /// contracts), and a vendor without contracts in a scope has 0 in both.
    fn summarize_rows(&mut self) -> Vec<Option<Summary>> {
        if self.runs == 0 {
            return vec![None; self.defined.len()];
        }
        let runs = self.runs;
        // Decided before any row is touched: summarising a row reorders it.
        let repeats: Vec<bool> = (0..self.defined.len())
            .map(|row| {
                row > 0 && {
                    let (before, this) =
                        self.values[(row - 1) * runs..(row + 1) * runs].split_at(runs);
                    before
                        .iter()
                        .zip(this)
                        .all(|(x, y)| x.to_bits() == y.to_bits())
                }
            })
            .collect();
        let mut summaries: Vec<Option<Summary>> = Vec::with_capacity(repeats.len());
        for ((row, &defined), repeat) in self
            .values
            .chunks_exact_mut(runs)
            .zip(&self.defined)
            .zip(repeats)
        {
            if repeat {
                let previous = *summaries.last().expect("row 0 is never a repeat");
                summaries.push(previous);
                continue;
            }
            if defined < row.len() {
                let mut front = 0;
                for i in 0..row.len() {
                    let x = row[i];
                    row[front] = x;
                    front += usize::from(!x.is_nan());
                }
            }
            summaries.push(summarize(&mut row[..defined]));
        }
        summaries
    }
}

/// The summarised rows of one period.
#[derive(Default)]
struct PeriodRows {
    shares: Vec<ShareRow>,
    adoption: Vec<AdoptionRow>,
    /// Revenue by vendor (the running sums are summarised later).
    revenue: Vec<Option<Summary>>,
}

/// A vendor's share of a scope: `part / total`, undefined where the scope
/// has no contracts (or they are worth nothing). The one definition every
/// output uses, `runs.csv`'s per-run shares included.
pub(crate) fn share(part: f64, total: f64) -> Option<f64> {
    (total > 0.0).then(|| part / total)
}

/// Reads period `t` of every run once: returns every run's value of each
/// share and adoption row, `[row][run]` in [`PeriodLayout`] order, NaN where
/// the row is undefined in that run (a share of a scope without contracts,
/// a fraction of an agency without units); and fills `revenue`
/// (`[vendor][run]`).
pub(crate) fn period_values(
    s: &Scenario,
    d: Dims,
    layout: &PeriodLayout,
    records: &[Tally],
    t: usize,
    revenue: &mut [f64],
) -> PeriodValues {
    let runs = records.len();
    let nv = d.vendors;
    let scopes = layout.scopes.len();
    let years = s.calendar.step.years();
    // Every run sets every row, so the zeros are all overwritten.
    let mut run_values = PeriodValues {
        values: vec![0.0; layout.rows() * runs],
        defined: vec![0; layout.rows()],
        runs,
        run: 0,
    };
    // `[scope][vendor]` contracts and value of the run being read.
    let mut counts = vec![0.0; scopes * nv];
    let mut values = vec![0.0; scopes * nv];
    // One agency's contracts by vendor, summed over its tiers (joint layout),
    // and their values where they may differ from the count times the price.
    let mut agency_counts = vec![0u32; nv];
    let mut agency_values = vec![0.0; nv];
    // The run's revenue by vendor, summed over agencies in file order.
    let mut run_revenue = vec![0.0; nv];
    let cells = d.agencies * d.tiers;
    let tally_layout = records.first().map_or(TallyLayout::Joint, |r| r.layout);
    debug_assert!(records.iter().all(|r| r.layout == tally_layout));
    // Contract counts per run and period: by cell (joint), or by agency and
    // then by tier (marginal), whose tier values go with the prices.
    let (count_groups, tier_values) = match tally_layout {
        TallyLayout::Joint => (cells, 0),
        TallyLayout::Marginal => (d.agencies + d.tiers, d.tiers * nv),
    };
    // Period t of every run, gathered into two contiguous buffers first: a
    // loop that only copies lets the processor fetch many records' slices
    // at once, where the arithmetic below would wait for each in turn.
    let first_agency = d.agency_period(t, 0);
    let per_run = count_groups * nv + d.agencies;
    // The agencies whose contracts in force may be worth different amounts
    // now (the same in every run), and where each one's values are kept.
    let epochs = records.first().map(|r| &r.price_epochs);
    let mixed: Vec<Option<usize>> = (0..d.agencies)
        .map(|a| epochs.and_then(|e| e.mixed_slot(t, a)))
        .collect();
    let values_per_slot = tally_layout.values_per_slot(d);
    let mixed_values = mixed.iter().flatten().count() * values_per_slot;
    let prices_per_run = d.agencies + tier_values + mixed_values;
    let mut gathered_counts: Vec<u32> = Vec::with_capacity(runs * per_run);
    let mut gathered_prices: Vec<f64> = Vec::with_capacity(runs * prices_per_run);
    for r in records {
        match tally_layout {
            TallyLayout::Joint => {
                gathered_counts.extend_from_slice(&r.contracts[t * cells * nv..][..cells * nv]);
            }
            TallyLayout::Marginal => {
                let (by_agency, by_tier) = (d.agencies * nv, d.tiers * nv);
                gathered_counts.extend_from_slice(&r.contracts[t * by_agency..][..by_agency]);
                gathered_counts.extend_from_slice(&r.tier_contracts[t * by_tier..][..by_tier]);
            }
        }
        gathered_counts.extend_from_slice(&r.waiting[first_agency..][..d.agencies]);
        gathered_prices.extend_from_slice(r.prices(t));
        if tier_values > 0 {
            gathered_prices.extend_from_slice(&r.tier_values[t * tier_values..][..tier_values]);
        }
        for &slot in mixed.iter().flatten() {
            gathered_prices
                .extend_from_slice(&r.values[slot * values_per_slot..][..values_per_slot]);
        }
    }
    for i in 0..runs {
        run_values.run = i;
        let (contracts, waiting) =
            gathered_counts[i * per_run..][..per_run].split_at(count_groups * nv);
        let (prices, rest) =
            gathered_prices[i * prices_per_run..][..prices_per_run].split_at(d.agencies);
        let (tier_values, mut mixed_values) = rest.split_at(tier_values);
        run_revenue.fill(0.0);
        counts.fill(0.0);
        values.fill(0.0);
        if tally_layout == TallyLayout::Marginal {
            let tier_contracts = &contracts[d.agencies * nv..];
            for k in 0..d.tiers {
                let scope = scope_index(Scope::Tier(k), d.tiers);
                for v in 0..nv {
                    counts[scope * nv + v] = f64::from(tier_contracts[k * nv + v]);
                    values[scope * nv + v] = tier_values[k * nv + v];
                }
            }
        }
        let (mut all_contracts, mut all_waiting) = (0u64, 0u64);
        for (a, &price) in prices.iter().enumerate() {
            // Where the agency's contracts in force may be worth different
            // amounts, their values by tier and vendor (joint) or by vendor
            // (marginal); elsewhere each is worth the agency's price.
            let own_values = mixed[a].map(|_| {
                let (own, rest) = mixed_values.split_at(values_per_slot);
                mixed_values = rest;
                own
            });
            // The agency's contracts by vendor, over its tiers; the joint
            // layout also adds each of its cells into the tier scopes (in
            // agency order, as the marginal layout's tier values were summed).
            let (by_vendor, by_vendor_value): (&[u32], Option<&[f64]>) = match tally_layout {
                TallyLayout::Joint => {
                    agency_counts.fill(0);
                    agency_values.fill(0.0);
                    for k in 0..d.tiers {
                        let cell = a * d.tiers + k;
                        let tier = scope_index(Scope::Tier(k), d.tiers);
                        for (v, &x) in contracts[cell * nv..(cell + 1) * nv].iter().enumerate() {
                            let c = f64::from(x);
                            counts[tier * nv + v] += c;
                            if let Some(own) = own_values {
                                let value = own[k * nv + v];
                                values[tier * nv + v] += value;
                                agency_values[v] += value;
                            } else {
                                values[tier * nv + v] += c * price;
                            }
                            // Within the agency's units, a u32.
                            agency_counts[v] += x;
                        }
                    }
                    (&agency_counts, own_values.map(|_| &agency_values[..]))
                }
                TallyLayout::Marginal => (&contracts[a * nv..(a + 1) * nv], own_values),
            };
            // All units: each vendor's contracts at the agency's price, the
            // same sums in either layout. The agency's own scope: one price
            // for all its contracts, so its value shares are its count
            // shares exactly (none when its contracts are worth nothing),
            // unless they were signed at different prices.
            let (all, own) = (
                scope_index(Scope::All, d.tiers),
                scope_index(Scope::Agency(a), d.tiers),
            );
            let own_weight = if price > 0.0 { 1.0 } else { 0.0 };
            let mut agency_contracts = 0u64;
            for (v, &x) in by_vendor.iter().enumerate() {
                let c = f64::from(x);
                counts[all * nv + v] += c;
                counts[own * nv + v] += c;
                if let Some(worth) = by_vendor_value {
                    values[all * nv + v] += worth[v];
                    values[own * nv + v] += worth[v];
                    run_revenue[v] += worth[v] * years;
                } else {
                    values[all * nv + v] += c * price;
                    values[own * nv + v] += c * own_weight;
                    run_revenue[v] += c * price * years;
                }
                agency_contracts += u64::from(x);
            }
            let agency_waiting = u64::from(waiting[a]);
            run_values.set_adoption(
                layout.adoption_row(Some(a), AdoptionMeasure::UnderContract),
                agency_contracts,
                agency_waiting,
                layout.adoption_units[1 + a],
            );
            all_contracts += agency_contracts;
            all_waiting += agency_waiting;
        }
        run_values.set_adoption(
            layout.adoption_row(None, AdoptionMeasure::UnderContract),
            all_contracts,
            all_waiting,
            layout.adoption_units[0],
        );
        // Rows `[scope][vendor][metric]`, as `PeriodLayout::share_row` has
        // them (the comparison tests check that the two agree).
        for scope in 0..scopes {
            for (metric, totals) in [&counts, &values].into_iter().enumerate() {
                let row = &totals[scope * nv..(scope + 1) * nv];
                let total: f64 = row.iter().sum();
                for (v, x) in row.iter().enumerate() {
                    run_values.set((scope * nv + v) * 2 + metric, share(*x, total));
                }
            }
        }
        for (v, &earned) in run_revenue.iter().enumerate() {
            revenue[v * runs + i] = earned;
        }
    }

    run_values
}

/// Summarises the rows of period `t` (see [`period_values`]).
fn period_rows(
    s: &Scenario,
    d: Dims,
    layout: &PeriodLayout,
    records: &[Tally],
    t: usize,
    revenue: &mut [f64],
) -> PeriodRows {
    let runs = records.len();
    let nv = d.vendors;
    let mut summaries = period_values(s, d, layout, records, t, revenue)
        .summarize_rows()
        .into_iter();
    let mut next = || summaries.next().flatten();
    let mut out = PeriodRows::default();
    for &scope in &layout.scopes {
        for vendor in 0..nv {
            for metric in [ShareMetric::CountShare, ShareMetric::ValueShare] {
                out.shares.push(ShareRow {
                    period: t,
                    scope,
                    vendor,
                    metric,
                    summary: next(),
                });
            }
        }
    }
    for agency in std::iter::once(None).chain((0..d.agencies).map(Some)) {
        for measure in [AdoptionMeasure::UnderContract, AdoptionMeasure::Waiting] {
            out.adoption.push(AdoptionRow {
                period: t,
                agency,
                measure,
                summary: next(),
            });
        }
    }
    // Summarised from a copy: the paths stay in run order for the sums.
    let mut scratch = Vec::with_capacity(runs);
    out.revenue = (0..nv)
        .map(|v| {
            scratch.clear();
            scratch.extend_from_slice(&revenue[v * runs..(v + 1) * runs]);
            summarize(&mut scratch)
        })
        .collect();
    out
}

/// The last period's outlook: the count share and cumulative revenue come
/// from rows already summarised; only the leader needs the records again.
fn outlook(
    d: Dims,
    layout: &PeriodLayout,
    records: &[Tally],
    projection: &Projection,
) -> Vec<VendorOutlook> {
    let last = d.periods - 1;
    let mut leads = vec![0.0; d.vendors];
    let mut counts = vec![0; d.vendors];
    for r in records {
        r.vendor_contracts(d, last, &mut counts);
        let top = counts.iter().copied().max().unwrap_or(0);
        if top > 0 {
            let leaders = counts.iter().filter(|&&c| c == top).count() as f64;
            for (lead, &c) in leads.iter_mut().zip(&counts) {
                if c == top {
                    *lead += 1.0 / leaders;
                }
            }
        }
    }
    let n = records.len() as f64;
    (0..d.vendors)
        .map(|v| {
            // Output order: shares `[period][scope][vendor][metric]`;
            // revenue `[period][vendor][measure]`.
            let all = scope_index(Scope::All, d.tiers);
            let share = &projection.shares[last * layout.share_rows() + (all * d.vendors + v) * 2];
            let cumulative = &projection.revenue[(last * d.vendors + v) * 2 + 1];
            debug_assert!(
                share.period == last
                    && share.vendor == v
                    && share.scope == Scope::All
                    && share.metric == ShareMetric::CountShare
            );
            debug_assert!(cumulative.measure == RevenueMeasure::CumulativeRevenue);
            VendorOutlook {
                vendor: v,
                share: share.summary,
                prob_leader: (!records.is_empty()).then(|| leads[v] / n),
                // Every run has a revenue, so only no runs leave it undefined.
                mean_cumulative_revenue: cumulative.summary.map(|s| s.mean),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `rows` as a period's per-run lists, `[row][run]`.
    fn period_of(rows: &[&[f64]]) -> PeriodValues {
        let runs = rows[0].len();
        PeriodValues {
            values: rows.concat(),
            defined: rows
                .iter()
                .map(|row| row.iter().filter(|x| !x.is_nan()).count())
                .collect(),
            runs,
            run: 0,
        }
    }

    /// Reusing the summary of an identical row must give what summarising
    /// the row itself gives, and rows that differ anywhere, even only in
    /// their last run, in which runs are defined or in the sign of a zero,
    /// must each be summarised on their own.
    #[test]
    fn every_row_gets_its_own_summary_whether_or_not_it_repeats_the_row_before() {
        let nan = f64::NAN;
        let rows: [&[f64]; 11] = [
            &[0.25, 0.5, 0.125, 1.0, 0.75],
            &[0.25, 0.5, 0.125, 1.0, 0.75],
            &[0.25, 0.5, 0.125, 1.0, 0.5],
            &[0.25, nan, 0.125, 1.0, 0.5],
            &[0.25, nan, 0.125, 1.0, 0.5],
            &[0.25, 0.5, 0.125, 1.0, nan],
            &[0.0, 0.0, 0.0, 0.0, 0.0],
            &[0.0, 0.0, 0.0, 0.0, -0.0],
            &[-0.0, -0.0, -0.0, -0.0, -0.0],
            &[nan, nan, nan, nan, nan],
            &[nan, nan, nan, nan, nan],
        ];
        // Compared bit for bit.
        let bits = |s: &Option<Summary>| {
            s.map(|s| {
                let mut all = vec![s.runs as u64, s.mean.to_bits()];
                all.extend(s.sd.map(f64::to_bits));
                all.extend(s.percentiles.map(f64::to_bits));
                all
            })
        };
        let summaries = period_of(&rows).summarize_rows();
        assert_eq!(summaries.len(), rows.len());
        for (row, summary) in rows.iter().zip(&summaries) {
            let mut defined: Vec<f64> = row.iter().copied().filter(|x| !x.is_nan()).collect();
            let expected = summarize(&mut defined);
            assert_eq!(bits(summary), bits(&expected), "row {row:?}");
        }
        assert_eq!(summaries[2].unwrap().percentiles[2], 0.5);
        assert_eq!(summaries[3].unwrap().runs, 4);
        assert_eq!(summaries[9], None);
    }
}
