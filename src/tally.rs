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
//! scenario's shape, so a scenario always gets the same one.

use crate::engine::{Dims, RunRecord};

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
    /// The smaller layout for records of shape `d` (the joint one on a tie).
    pub fn of(d: Dims) -> TallyLayout {
        if Tally::bytes_with(d, TallyLayout::Marginal) < Tally::bytes_with(d, TallyLayout::Joint) {
            TallyLayout::Marginal
        } else {
            TallyLayout::Joint
        }
    }
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
    /// Each agency's annual contract value, `[period][agency]`, as the
    /// record has it.
    pub annual_value: Vec<f64>,
}

impl Tally {
    /// The tally of `record` (of shape `d`) in the smaller layout for `d`.
    pub fn of(record: &RunRecord, d: Dims) -> Tally {
        Tally::with_layout(record, d, TallyLayout::of(d))
    }

    /// The tallies of `records` (runs of shape `d`), in run order.
    pub fn of_runs(records: &[RunRecord], d: Dims) -> Vec<Tally> {
        records.iter().map(|r| Tally::of(r, d)).collect()
    }

    /// [`Tally::of`], taking the record: the joint layout then reuses its
    /// buffers instead of copying them.
    pub fn from_record(record: RunRecord, d: Dims) -> Tally {
        match TallyLayout::of(d) {
            TallyLayout::Joint => Tally::joint(record),
            TallyLayout::Marginal => Tally::with_layout(&record, d, TallyLayout::Marginal),
        }
    }

    /// The joint tally: the record's own counts, without the never-adopted.
    fn joint(record: RunRecord) -> Tally {
        Tally {
            layout: TallyLayout::Joint,
            contracts: record.contracts,
            tier_contracts: Vec::new(),
            tier_values: Vec::new(),
            waiting: record.waiting,
            annual_value: record.annual_value,
        }
    }

    /// The tally of `record` in `layout` (which [`TallyLayout::of`] picks as
    /// the smaller for the scenario's shape).
    pub fn with_layout(record: &RunRecord, d: Dims, layout: TallyLayout) -> Tally {
        if layout == TallyLayout::Joint {
            return Tally::joint(record.clone());
        }
        let (waiting, annual_value) = (record.waiting.clone(), record.annual_value.clone());
        let (agencies, tiers, nv) = (d.agencies, d.tiers, d.vendors);
        let mut contracts = vec![0u32; d.periods * agencies * nv];
        let mut tier_contracts = vec![0u32; d.periods * tiers * nv];
        let mut tier_values = vec![0.0; d.periods * tiers * nv];
        for t in 0..d.periods {
            for a in 0..agencies {
                let price = record.annual_value[d.agency_period(t, a)];
                let by_agency = (t * agencies + a) * nv;
                for k in 0..tiers {
                    let by_tier = (t * tiers + k) * nv;
                    let cell = d.contract(t, a, k, 0);
                    for (v, &c) in record.contracts[cell..cell + nv].iter().enumerate() {
                        // An agency's sum stays within its units, a tier's
                        // within the scenario's, which validation caps at
                        // u32::MAX.
                        contracts[by_agency + v] += c;
                        tier_contracts[by_tier + v] += c;
                        tier_values[by_tier + v] += f64::from(c) * price;
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
        }
    }

    /// Bytes one tally of a run of shape `d` holds, in the layout
    /// [`TallyLayout::of`] picks.
    pub fn bytes(d: Dims) -> u64 {
        Tally::bytes_with(d, TallyLayout::of(d))
    }

    /// Bytes one tally of shape `d` holds in `layout`.
    pub fn bytes_with(d: Dims, layout: TallyLayout) -> u64 {
        let by_agency = d.periods * d.agencies;
        let counts = match layout {
            TallyLayout::Joint => d.periods * d.agencies * d.tiers * d.vendors * 4,
            TallyLayout::Marginal => {
                let by_tier = d.periods * d.tiers * d.vendors;
                d.periods * d.agencies * d.vendors * 4 + by_tier * (4 + 8)
            }
        };
        (counts + by_agency * (4 + 8) + std::mem::size_of::<Tally>()) as u64
    }

    /// Contracts of each vendor over all agencies and tiers at period `t`,
    /// into `counts` (one per vendor).
    pub fn vendor_contracts(&self, d: Dims, t: usize, counts: &mut [u64]) {
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
