//! From run records to the rows of the outputs (MODEL.md section 4).
//!
//! For each output row this derives the value of every run (shares, adoption
//! fractions, revenue), leaves out runs where it is undefined, and
//! summarises the rest with [`crate::stats`]. Rows are computed in parallel
//! and returned in output order. No formatting happens here.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::engine::{Dims, RunRecord};
use crate::scenario::Scenario;
use crate::stats::{Summary, summarize};

/// Which units a share or adoption row covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Agency(usize),
    Tier(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShareMetric {
    CountShare,
    ValueShare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdoptionMeasure {
    UnderContract,
    Waiting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevenueMeasure {
    Revenue,
    CumulativeRevenue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    pub period: usize,
    pub scope: Scope,
    pub vendor: usize,
    pub metric: ShareMetric,
    pub summary: Option<Summary>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdoptionRow {
    pub period: usize,
    /// `None` for all agencies.
    pub agency: Option<usize>,
    pub measure: AdoptionMeasure,
    pub summary: Option<Summary>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RevenueRow {
    pub period: usize,
    pub vendor: usize,
    pub measure: RevenueMeasure,
    pub summary: Option<Summary>,
}

/// One vendor at the last period.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorOutlook {
    pub vendor: usize,
    /// Count share over all units.
    pub share: Option<Summary>,
    /// Fraction of all runs in which the vendor holds the most contracts
    /// (ties split evenly; a run without contracts has no leader).
    pub prob_leader: f64,
    pub mean_cumulative_revenue: f64,
}

/// Everything the CSV outputs report, in output order.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    pub runs: usize,
    pub shares: Vec<ShareRow>,
    pub adoption: Vec<AdoptionRow>,
    pub revenue: Vec<RevenueRow>,
    pub outlook: Vec<VendorOutlook>,
}

/// The scopes of `shares.csv` in output order: agency then tier, each in
/// file order with `all` first.
pub fn share_scopes(s: &Scenario) -> Vec<Scope> {
    let mut scopes = vec![Scope::All];
    scopes.extend((0..s.tiers.len()).map(Scope::Tier));
    scopes.extend((0..s.agencies.len()).map(Scope::Agency));
    scopes
}

/// Contract counts of each vendor over all units at period `t` of a run.
fn all_counts(d: Dims, r: &RunRecord, t: usize, counts: &mut [f64]) {
    counts.fill(0.0);
    for a in 0..d.agencies {
        for k in 0..d.tiers {
            let base = d.contract(t, a, k, 0);
            for (c, &x) in counts.iter_mut().zip(&r.contracts[base..base + d.vendors]) {
                *c += f64::from(x);
            }
        }
    }
}

/// Every output row's statistics over `records` (run order).
pub fn project(s: &Scenario, records: &[RunRecord]) -> Projection {
    project_unless(s, records, &AtomicBool::new(false)).expect("nothing cancels this projection")
}

/// [`project`], giving up (`None`) soon after `cancel` is set: each
/// parallel task checks it before it starts.
pub fn project_unless(
    s: &Scenario,
    records: &[RunRecord],
    cancel: &AtomicBool,
) -> Option<Projection> {
    let d = Dims::of(s);
    let revenue = revenue(s, d, records, cancel);
    let outlook = outlook(d, records, &revenue);
    let projection = Projection {
        runs: records.len(),
        shares: shares(s, d, records, cancel),
        adoption: adoption(s, d, records),
        revenue,
        outlook,
    };
    (!cancel.load(Ordering::Relaxed)).then_some(projection)
}

fn shares(s: &Scenario, d: Dims, records: &[RunRecord], cancel: &AtomicBool) -> Vec<ShareRow> {
    let scopes = share_scopes(s);
    let nv = d.vendors;
    (0..d.periods)
        .into_par_iter()
        .flat_map_iter(|t| {
            if cancel.load(Ordering::Relaxed) {
                return Vec::new();
            }
            // One pass over each run's period-t counts fills every scope:
            // `[scope][vendor]` contracts and value.
            let mut counts = vec![0.0; scopes.len() * nv];
            let mut values = vec![0.0; scopes.len() * nv];
            // `[scope][metric][vendor]` lists of per-run shares.
            let mut lists: Vec<Vec<f64>> =
                vec![Vec::with_capacity(records.len()); scopes.len() * 2 * nv];
            for r in records {
                counts.fill(0.0);
                values.fill(0.0);
                for a in 0..d.agencies {
                    let price = r.annual_value[t * d.agencies + a];
                    for k in 0..d.tiers {
                        let base = d.contract(t, a, k, 0);
                        for v in 0..nv {
                            let c = f64::from(r.contracts[base + v]);
                            for scope in [0, 1 + k, 1 + d.tiers + a] {
                                counts[scope * nv + v] += c;
                                values[scope * nv + v] += c * price;
                            }
                        }
                    }
                }
                for scope in 0..scopes.len() {
                    for (metric, totals) in [&counts, &values].into_iter().enumerate() {
                        let row = &totals[scope * nv..(scope + 1) * nv];
                        let total: f64 = row.iter().sum();
                        if total > 0.0 {
                            for (v, x) in row.iter().enumerate() {
                                lists[(scope * 2 + metric) * nv + v].push(x / total);
                            }
                        }
                    }
                }
            }
            let mut rows = Vec::with_capacity(scopes.len() * 2 * nv);
            for (i, &scope) in scopes.iter().enumerate() {
                for v in 0..nv {
                    for (m, metric) in [ShareMetric::CountShare, ShareMetric::ValueShare]
                        .into_iter()
                        .enumerate()
                    {
                        rows.push(ShareRow {
                            period: t,
                            scope,
                            vendor: v,
                            metric,
                            summary: summarize(&mut lists[(i * 2 + m) * nv + v]),
                        });
                    }
                }
            }
            rows
        })
        .collect()
}

fn adoption(s: &Scenario, d: Dims, records: &[RunRecord]) -> Vec<AdoptionRow> {
    let scopes: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..d.agencies).map(Some))
        .collect();
    let tasks: Vec<(usize, Option<usize>)> = (0..d.periods)
        .flat_map(|t| scopes.iter().map(move |&a| (t, a)))
        .collect();
    tasks
        .par_iter()
        .flat_map_iter(|&(t, agency)| {
            let agencies = match agency {
                None => 0..d.agencies,
                Some(a) => a..a + 1,
            };
            let units: u64 = agencies
                .clone()
                .map(|a| u64::from(s.agencies[a].units))
                .sum();
            let mut under = Vec::with_capacity(records.len());
            let mut waiting = Vec::with_capacity(records.len());
            if units > 0 {
                for r in records {
                    let (mut c, mut w) = (0u64, 0u64);
                    for a in agencies.clone() {
                        for k in 0..d.tiers {
                            let base = d.contract(t, a, k, 0);
                            c += r.contracts[base..base + d.vendors]
                                .iter()
                                .map(|&x| u64::from(x))
                                .sum::<u64>();
                            w += u64::from(r.waiting[d.cell(t, a, k)]);
                        }
                    }
                    under.push(c as f64 / units as f64);
                    waiting.push(w as f64 / units as f64);
                }
            }
            [
                (AdoptionMeasure::UnderContract, under),
                (AdoptionMeasure::Waiting, waiting),
            ]
            .into_iter()
            .map(move |(measure, mut list)| AdoptionRow {
                period: t,
                agency,
                measure,
                summary: summarize(&mut list),
            })
        })
        .collect()
}

fn revenue(s: &Scenario, d: Dims, records: &[RunRecord], cancel: &AtomicBool) -> Vec<RevenueRow> {
    let years = s.calendar.step.years();
    let runs = records.len();
    // Per vendor: every run's revenue path and running sum, laid out
    // `[period][run]` (each record read front to back), then one summary
    // per period. Assembled afterwards in (period, vendor) order.
    let per_vendor: Vec<Vec<[Option<Summary>; 2]>> = (0..d.vendors)
        .into_par_iter()
        .map(|v| {
            if cancel.load(Ordering::Relaxed) {
                return vec![[None, None]; d.periods];
            }
            let mut revenue = vec![0.0; d.periods * runs];
            let mut cumulative = vec![0.0; d.periods * runs];
            for (i, r) in records.iter().enumerate() {
                let mut total = 0.0;
                for t in 0..d.periods {
                    let x: f64 = (0..d.agencies)
                        .map(|a| {
                            let contracts: u64 = (0..d.tiers)
                                .map(|k| u64::from(r.contracts[d.contract(t, a, k, v)]))
                                .sum();
                            contracts as f64 * r.annual_value[t * d.agencies + a] * years
                        })
                        .sum();
                    total += x;
                    revenue[t * runs + i] = x;
                    cumulative[t * runs + i] = total;
                }
            }
            (0..d.periods)
                .map(|t| {
                    let row = t * runs..(t + 1) * runs;
                    [
                        summarize(&mut revenue[row.clone()]),
                        summarize(&mut cumulative[row]),
                    ]
                })
                .collect()
        })
        .collect();
    let mut rows = Vec::with_capacity(d.periods * d.vendors * 2);
    for t in 0..d.periods {
        for (v, per_period) in per_vendor.iter().enumerate() {
            let [revenue, cumulative] = per_period[t];
            rows.push(RevenueRow {
                period: t,
                vendor: v,
                measure: RevenueMeasure::Revenue,
                summary: revenue,
            });
            rows.push(RevenueRow {
                period: t,
                vendor: v,
                measure: RevenueMeasure::CumulativeRevenue,
                summary: cumulative,
            });
        }
    }
    rows
}

fn outlook(d: Dims, records: &[RunRecord], revenue: &[RevenueRow]) -> Vec<VendorOutlook> {
    let last = d.periods - 1;
    let mut shares: Vec<Vec<f64>> = vec![Vec::with_capacity(records.len()); d.vendors];
    let mut leads = vec![0.0; d.vendors];
    let mut counts = vec![0.0; d.vendors];
    for r in records {
        all_counts(d, r, last, &mut counts);
        let total: f64 = counts.iter().sum();
        if total > 0.0 {
            let top = counts.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let leaders = counts.iter().filter(|&&c| c == top).count() as f64;
            for v in 0..d.vendors {
                shares[v].push(counts[v] / total);
                if counts[v] == top {
                    leads[v] += 1.0 / leaders;
                }
            }
        }
    }
    let n = records.len().max(1) as f64;
    (0..d.vendors)
        .map(|v| VendorOutlook {
            vendor: v,
            share: summarize(&mut shares[v]),
            prob_leader: leads[v] / n,
            mean_cumulative_revenue: revenue
                .iter()
                .find(|row| {
                    row.period == last
                        && row.vendor == v
                        && row.measure == RevenueMeasure::CumulativeRevenue
                })
                .and_then(|row| row.summary)
                .map_or(0.0, |s| s.mean),
        })
        .collect()
}
