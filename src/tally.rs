//! What the statistics keep of each run: a [`RunRecord`] reduced to the
//! counts the output rows read, in the smaller of two layouts.
//!
//! Every run's tally stays in memory until the statistics are done (a
//! percentile needs all runs), so its size per run bounds how many runs fit.
//! A share row covers all units, one agency or one tier, never an agency
//! and a tier at once. The record's contract counts by (agency, tier,
//! vendor) grow with the product of agencies and tiers, the rows only with
//! their sum, so with many of both the counts by agency and by tier
//! suffice, with each tier's contract value by vendor: value shares by tier
//! weigh each agency's contracts by that agency's value, so those sums are
//! kept exactly, in `f64`. Which layout is smaller depends only on the
//! scenario's shape and its mixed agency-periods (from its price events,
//! terms and initial contracts), so a scenario always gets the same one.
//!
//! Each agency's annual value changes only when an event changes it, at
//! periods the scenario fixes for every run ([`PriceEpochs`]), so a tally
//! keeps one row of prices per stretch between such periods, not one per
//! period. A contract keeps the value it was signed at, so after a change
//! an agency's contracts in force are worth different amounts until the
//! older ones have expired; only for those agency-periods, again the same
//! in every run, does a tally keep the value in force by vendor. Everywhere
//! else that value is the count times the agency's price.

use std::sync::Arc;

use crate::engine::{Cancelled, Control, Dims, EngineKind, MixedPrices, RunRecord};
use crate::scenario::Scenario;

/// The stretches of periods over which no event changes any agency's annual
/// value, and the agency-periods whose contracts in force may have been
/// signed at different values: the same for every run of a scenario, since
/// events fire at fixed periods. A tally keeps one row of prices per
/// stretch, and the values in force for the mixed agency-periods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceEpochs {
    /// The first period of each stretch, ascending; the first is 0.
    starts: Arc<[u32]>,
    /// The agency-periods whose values in force are kept.
    mixed: MixedPrices,
}

impl PriceEpochs {
    /// The stretches of `s`: a new one starts at every period after the
    /// first in which an event that sets or adds to an `annual_value` fires
    /// (events of period 0 apply before anything is recorded).
    pub fn of(s: &Scenario) -> PriceEpochs {
        let mut starts = s.price_change_periods();
        if starts.first() != Some(&0) {
            starts.insert(0, 0);
        }
        PriceEpochs {
            starts: starts.into(),
            mixed: MixedPrices::of(s),
        }
    }

    /// Where agency `a`'s values in force at period `t` are among the mixed
    /// agency-periods, if its contracts may be worth different amounts then.
    pub fn mixed_slot(&self, t: usize, a: usize) -> Option<usize> {
        self.mixed.slot(t, a)
    }

    /// How many agency-periods are mixed.
    pub fn mixed_count(&self) -> usize {
        self.mixed.count()
    }

    /// These stretches, with values kept for `mixed` instead: the tallies of
    /// runs simulated with that [`MixedPrices`].
    pub fn with_mixed(mut self, mixed: MixedPrices) -> PriceEpochs {
        self.mixed = mixed;
        self
    }

    /// How many stretches there are (at least 1).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// The stretch period `t` falls in.
    pub fn index(&self, t: usize) -> usize {
        self.starts.partition_point(|&start| start as usize <= t) - 1
    }

    /// The first period of each stretch.
    pub fn starts(&self) -> &[u32] {
        &self.starts
    }
}

/// How a [`Tally`] keeps its contract counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TallyLayout {
    /// As the record has them, by (agency, tier, vendor): smaller when
    /// agencies or tiers are few.
    Joint,
    /// By (agency, vendor) and by (tier, vendor), with each tier's contract
    /// value by vendor: smaller when agencies and tiers are both many.
    Marginal,
}

impl TallyLayout {
    /// The smaller layout for records of shape `d` with `mixed` mixed
    /// agency-periods (the joint one on a tie). Both keep the same waiting
    /// counts and prices, so only the contract counts and values decide.
    pub fn of(d: Dims, mixed: usize) -> TallyLayout {
        let bytes =
            |layout: TallyLayout| layout.count_bytes(d) + mixed * layout.values_per_slot(d) * 8;
        if bytes(TallyLayout::Marginal) < bytes(TallyLayout::Joint) {
            TallyLayout::Marginal
        } else {
            TallyLayout::Joint
        }
    }

    /// How many values a tally in this layout keeps per mixed
    /// agency-period: by tier and vendor (joint) or by vendor (marginal).
    pub fn values_per_slot(self, d: Dims) -> usize {
        match self {
            TallyLayout::Joint => d.tiers * d.vendors,
            TallyLayout::Marginal => d.vendors,
        }
    }

    /// Bytes of the contract counts (and, marginal, the tier values) of a
    /// tally of shape `d` in this layout.
    fn count_bytes(self, d: Dims) -> usize {
        match self {
            TallyLayout::Joint => d.periods * d.agencies * d.tiers * d.vendors * 4,
            TallyLayout::Marginal => {
                let by_tier = d.periods * d.tiers * d.vendors;
                d.periods * d.agencies * d.vendors * 4 + by_tier * (4 + 8)
            }
        }
    }
}

/// Panics, naming why, unless `record` is a run of a scenario of shape `d`
/// whose prices change as `epochs` says.
fn assert_record_fits(record: &RunRecord, d: Dims, epochs: &PriceEpochs) {
    assert!(
        record.fits(d) && record.values.len() == epochs.mixed_count() * d.tiers * d.vendors,
        "{OTHER_SHAPE}"
    );
}

/// One run's counts as the statistics read them, period by period.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    /// Which of the two layouts the fields below follow.
    pub layout: TallyLayout,
    /// Contracts in force: `[period][agency][tier][vendor]` (joint, as
    /// [`Dims::contract`] indexes it) or `[period][agency][vendor]`
    /// (marginal).
    pub contracts: Vec<u32>,
    /// Marginal layout only (else empty): contracts in force by
    /// `[period][tier][vendor]`.
    pub tier_contracts: Vec<u32>,
    /// Marginal layout only (else empty): the annual value of those
    /// contracts, `[period][tier][vendor]`, summed over agencies in file
    /// order.
    pub tier_values: Vec<f64>,
    /// Waiting units by `[period][agency]`, as the record has them.
    pub waiting: Vec<u32>,
    /// Each agency's annual contract value, `[stretch][agency]`, one row per
    /// stretch of `price_epochs`; [`Tally::prices`] finds a period's row.
    pub annual_value: Vec<f64>,
    /// The annual values of the contracts in force, summed, for each mixed
    /// agency-period of `price_epochs` in its order: by `[tier][vendor]`
    /// (joint) or by vendor over the agency's tiers (marginal). In every
    /// other agency-period a vendor's contracts are worth its count times
    /// the agency's price.
    pub values: Vec<f64>,
    /// The stretches `annual_value` has a row for, shared by every run.
    pub price_epochs: PriceEpochs,
}

/// The message of the panic when records or tallies come from a scenario of
/// another shape than the one they are read with.
const OTHER_SHAPE: &str = "the runs were simulated from a scenario of another shape (periods, agencies, tiers or vendors, or events on annual values) than the one given, or keep the values in force for other agency-periods than PriceEpochs says (records made with a MixedPrices other than MixedPrices::of need PriceEpochs::with_mixed)";

/// Panics, naming why, unless `tallies` can be runs of `s`: each has its
/// shape, all share one layout and one [`PriceEpochs`] (the statistics read
/// every tally with the first one's), and those epochs' stretches are
/// `s`'s; a scenario must have at least one period.
pub(crate) fn assert_runs_of(tallies: &[Tally], s: &Scenario) {
    // `verify` also makes sure of at least one period.
    crate::engine::assert_runnable(s);
    let d = Dims::of(s);
    assert!(tallies.iter().all(|t| t.fits(d)), "{OTHER_SHAPE}");
    if let Some(first) = tallies.first() {
        assert!(
            first.price_epochs.starts() == PriceEpochs::of(s).starts(),
            "{OTHER_SHAPE}"
        );
        // `Arc`s of `Eq` contents compare by address first, so tallies
        // made with one `PriceEpochs` cost a pointer comparison each.
        assert!(
            tallies
                .iter()
                .all(|t| t.layout == first.layout && t.price_epochs == first.price_epochs),
            "the tallies mix layouts or price epochs; make every tally of one simulation with the same TallyLayout and PriceEpochs"
        );
    }
}

impl Tally {
    /// Whether the tally has the shape a run of a scenario of shape `d`
    /// gives, in its own layout.
    pub fn fits(&self, d: Dims) -> bool {
        let by_agency = d.periods * d.agencies;
        self.waiting.len() == by_agency
            && self.annual_value.len() == self.price_epochs.count() * d.agencies
            && self.values.len() == self.price_epochs.mixed_count() * self.layout.values_per_slot(d)
            && match self.layout {
                TallyLayout::Joint => {
                    self.contracts.len() == by_agency * d.tiers * d.vendors
                        && self.tier_contracts.is_empty()
                        && self.tier_values.is_empty()
                }
                TallyLayout::Marginal => {
                    let by_tier = d.periods * d.tiers * d.vendors;
                    self.contracts.len() == by_agency * d.vendors
                        && self.tier_contracts.len() == by_tier
                        && self.tier_values.len() == by_tier
                }
            }
    }

    /// The tally of `record` (of shape `d`, with prices changing at
    /// `epochs`) in the smaller layout for `d`.
    ///
    /// # Panics
    /// If `record` does not have shape `d`.
    pub fn of(record: &RunRecord, d: Dims, epochs: &PriceEpochs) -> Tally {
        Tally::with_layout(record, d, epochs, TallyLayout::of(d, epochs.mixed_count()))
    }

    /// Simulates the runs `runs` of `s` with `seed` on the current rayon
    /// pool, keeping each run's tally as it finishes (about half the memory
    /// of its record), in run order; `Err` once `control` cancels. What the
    /// command line and [`crate::measures::simulate_and_project`] run.
    ///
    /// # Panics
    /// If `s` fails [`Scenario::verify`].
    pub fn simulate(
        s: &Scenario,
        seed: u64,
        runs: std::ops::Range<u64>,
        engine: EngineKind,
        control: &Control<'_>,
    ) -> Result<Vec<Tally>, Cancelled> {
        let (d, epochs) = (Dims::of(s), PriceEpochs::of(s));
        let keep = |record| Tally::from_record(record, d, &epochs);
        crate::engine::simulate_keeping(s, seed, runs, engine, control, &keep)
    }

    /// [`Tally::simulate`] with nothing to report to and nothing to cancel
    /// it: what [`crate::measures::simulate_and_project`] and
    /// [`crate::compare::simulate_and_compare`] keep of each run.
    ///
    /// # Panics
    /// If `s` fails [`Scenario::verify`].
    pub fn simulate_all(
        s: &Scenario,
        seed: u64,
        runs: std::ops::Range<u64>,
        engine: EngineKind,
    ) -> Vec<Tally> {
        let never = std::sync::atomic::AtomicBool::new(false);
        let control = Control {
            on_run_done: &|| {},
            cancel: &never,
        };
        Tally::simulate(s, seed, runs, engine, &control).expect("nothing cancels this simulation")
    }

    /// The tallies of `records`, runs of `s`, in run order. The records
    /// may keep the values in force where [`MixedPrices::of`] says (as
    /// [`crate::engine::simulate_run`] does) or everywhere
    /// ([`MixedPrices::everywhere`]); for any other [`MixedPrices`], make
    /// each tally with [`Tally::of`] and
    /// `PriceEpochs::of(s).with_mixed(mixed)`.
    ///
    /// # Panics
    /// If `s` fails [`Scenario::verify`], the records do not have the shape
    /// of runs of `s`, or they keep the values in force for other
    /// agency-periods than those two.
    pub fn of_runs(records: &[RunRecord], s: &Scenario) -> Vec<Tally> {
        crate::engine::assert_runnable(s);
        let d = Dims::of(s);
        let mut epochs = PriceEpochs::of(s);
        if let Some(first) = records.first() {
            let everywhere = MixedPrices::everywhere(s);
            let kept = first.values.len();
            let kept_for = |count: usize| kept == count * d.tiers * d.vendors;
            if !kept_for(epochs.mixed_count()) && kept_for(everywhere.count()) {
                epochs = epochs.with_mixed(everywhere);
            }
        }
        records.iter().map(|r| Tally::of(r, d, &epochs)).collect()
    }

    /// [`Tally::of`], taking the record: the joint layout then reuses its
    /// count buffers instead of copying them.
    ///
    /// # Panics
    /// If `record` does not have shape `d`.
    pub fn from_record(record: RunRecord, d: Dims, epochs: &PriceEpochs) -> Tally {
        assert_record_fits(&record, d, epochs);
        match TallyLayout::of(d, epochs.mixed_count()) {
            TallyLayout::Joint => Tally::joint(record, d, epochs),
            TallyLayout::Marginal => Tally::with_layout(&record, d, epochs, TallyLayout::Marginal),
        }
    }

    /// The joint tally: the record's own counts, without the never-adopted.
    fn joint(record: RunRecord, d: Dims, epochs: &PriceEpochs) -> Tally {
        Tally {
            layout: TallyLayout::Joint,
            annual_value: Tally::epoch_prices(&record, d, epochs),
            values: record.values,
            price_epochs: epochs.clone(),
            contracts: record.contracts,
            tier_contracts: Vec::new(),
            tier_values: Vec::new(),
            waiting: record.waiting,
        }
    }

    /// The record's prices at the first period of each stretch, which hold
    /// through the stretch.
    fn epoch_prices(record: &RunRecord, d: Dims, epochs: &PriceEpochs) -> Vec<f64> {
        let mut prices = Vec::with_capacity(epochs.count() * d.agencies);
        for &start in epochs.starts() {
            let first = d.agency_period(start as usize, 0);
            prices.extend_from_slice(&record.annual_value[first..first + d.agencies]);
        }
        prices
    }

    /// Each agency's annual value in force during period `t`, in file
    /// order. A period after the last is in the last stretch (prices
    /// change only at events, which fire within the horizon).
    pub fn prices(&self, t: usize) -> &[f64] {
        let agencies = self.annual_value.len() / self.price_epochs.count();
        let row = self.price_epochs.index(t);
        &self.annual_value[row * agencies..(row + 1) * agencies]
    }

    /// The tally of `record` in `layout` (which [`TallyLayout::of`] picks as
    /// the smaller for the scenario's shape).
    ///
    /// # Panics
    /// If `record` does not have shape `d`.
    pub fn with_layout(
        record: &RunRecord,
        d: Dims,
        epochs: &PriceEpochs,
        layout: TallyLayout,
    ) -> Tally {
        assert_record_fits(record, d, epochs);
        if layout == TallyLayout::Joint {
            return Tally::joint(record.clone(), d, epochs);
        }
        let (waiting, annual_value) = (
            record.waiting.clone(),
            Tally::epoch_prices(record, d, epochs),
        );
        let (agencies, tiers, nv) = (d.agencies, d.tiers, d.vendors);
        let mut contracts = vec![0u32; d.periods * agencies * nv];
        let mut tier_contracts = vec![0u32; d.periods * tiers * nv];
        let mut tier_values = vec![0.0; d.periods * tiers * nv];
        // By slot, as the record's, summed over tiers.
        let mut values = vec![0.0; epochs.mixed_count() * nv];
        for t in 0..d.periods {
            for a in 0..agencies {
                let price = record.annual_value[d.agency_period(t, a)];
                let mixed = epochs.mixed_slot(t, a);
                let by_agency = (t * agencies + a) * nv;
                let agency_values = mixed.map_or(0, |slot| slot * nv);
                for k in 0..tiers {
                    let by_tier = (t * tiers + k) * nv;
                    let cell = d.contract(t, a, k, 0);
                    for (v, &c) in record.contracts[cell..cell + nv].iter().enumerate() {
                        // An agency's sum stays within its units, a tier's
                        // within the scenario's, which validation caps at
                        // u32::MAX.
                        contracts[by_agency + v] += c;
                        tier_contracts[by_tier + v] += c;
                        if let Some(slot) = mixed {
                            let value = record.values[(slot * tiers + k) * nv + v];
                            tier_values[by_tier + v] += value;
                            values[agency_values + v] += value;
                        } else {
                            tier_values[by_tier + v] += f64::from(c) * price;
                        }
                    }
                }
            }
        }
        Tally {
            layout,
            contracts,
            tier_contracts,
            tier_values,
            waiting,
            annual_value,
            values,
            price_epochs: epochs.clone(),
        }
    }

    /// Bytes one tally of a run of shape `d`, with `price_rows` stretches of
    /// prices and `mixed` mixed agency-periods, holds in the layout
    /// [`TallyLayout::of`] picks.
    pub fn bytes(d: Dims, price_rows: usize, mixed: usize) -> u64 {
        Tally::bytes_with(d, price_rows, mixed, TallyLayout::of(d, mixed))
    }

    /// Bytes one tally of shape `d`, with `price_rows` stretches of prices
    /// and `mixed` mixed agency-periods, holds in `layout` (the stretches
    /// and the mixed agency-periods are shared by all runs).
    pub fn bytes_with(d: Dims, price_rows: usize, mixed: usize, layout: TallyLayout) -> u64 {
        let waiting = d.periods * d.agencies * 4;
        let prices = price_rows * d.agencies * 8;
        let values = mixed * layout.values_per_slot(d) * 8;
        (layout.count_bytes(d) + waiting + prices + values + std::mem::size_of::<Tally>()) as u64
    }

    /// Contracts of each vendor over all agencies and tiers at period `t`,
    /// into `counts` (one per vendor).
    ///
    /// # Panics
    /// If the tally does not have shape `d` ([`Tally::fits`]), `t` is not
    /// below `d.periods`, or `counts` does not hold one count per vendor.
    pub fn vendor_contracts(&self, d: Dims, t: usize, counts: &mut [u64]) {
        assert!(self.fits(d), "the tally does not have the shape {d:?}");
        assert!(t < d.periods, "period {t} is not below {}", d.periods);
        assert!(
            counts.len() == d.vendors,
            "counts holds {} values for {} vendors",
            counts.len(),
            d.vendors
        );
        counts.fill(0);
        let groups = match self.layout {
            TallyLayout::Joint => d.agencies * d.tiers,
            TallyLayout::Marginal => d.agencies,
        };
        let first = t * groups * d.vendors;
        let period = &self.contracts[first..first + groups * d.vendors];
        for group in period.chunks(d.vendors.max(1)) {
            for (c, &x) in counts.iter_mut().zip(group) {
                *c += u64::from(x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a tie the joint layout is kept: it takes the record's buffers as
    /// they are, with no record in flight to reduce. Six agencies and two
    /// tiers tie without price changes (4 A T = 4 A + 12 T bytes per period
    /// and vendor); a seventh agency tips the balance.
    #[test]
    fn a_tie_between_the_layouts_keeps_the_joint_one() {
        let d = Dims {
            periods: 60,
            agencies: 6,
            tiers: 2,
            vendors: 5,
        };
        assert_eq!(
            TallyLayout::Joint.count_bytes(d),
            TallyLayout::Marginal.count_bytes(d)
        );
        assert_eq!(TallyLayout::of(d, 0), TallyLayout::Joint);
        let seven = Dims { agencies: 7, ..d };
        assert_eq!(TallyLayout::of(seven, 0), TallyLayout::Marginal);
    }
}
