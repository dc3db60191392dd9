//! Paired comparison of two scenarios: for every output row both have, the
//! statistics of the run-by-run difference, counterfactual minus baseline.
//!
//! Both scenarios are simulated with the same seed and run count. Run *i*
//! of each draws every uncertain number they share from the same place of
//! stream *i* (common random numbers, `scenario::stream_keys`), so the
//! difference taken within run *i* keeps the effect of the change and
//! cancels most of the sampling noise; the difference of two separately
//! estimated means would keep all of it. Rows are matched by name (vendor,
//! agency, tier), so the two files may order or add entities differently;
//! periods are matched by index, so both must share one calendar.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::engine::{Dims, RunRecord};
use crate::measures::{
    AdoptionMeasure, AdoptionRow, PeriodLayout, RevenueMeasure, RevenueRow, Scope, ShareMetric,
    ShareRow, per_period, period_values, share_scopes,
};
use crate::scenario::Scenario;
use crate::stats::{Summary, summarize};

/// One row's comparison over the runs in which both scenarios define it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// Mean of the baseline's values over the paired runs.
    pub baseline_mean: f64,
    /// Mean of the counterfactual's values over the paired runs.
    pub counterfactual_mean: f64,
    /// Statistics of counterfactual minus baseline, run by run; its `runs`
    /// is the number of paired runs.
    pub difference: Summary,
    /// Fraction of the paired runs in which the counterfactual is higher.
    pub frac_higher: f64,
    /// Fraction of the paired runs in which the counterfactual is lower.
    pub frac_lower: f64,
}

impl Paired {
    /// Standard error of the mean difference (`None` with one paired run).
    pub fn standard_error(&self) -> Option<f64> {
        let d = &self.difference;
        d.sd.map(|sd| sd / (d.runs as f64).sqrt())
    }
}

/// Every row both scenarios have, in the baseline's output order; indices
/// (vendor, agency, tier) are the baseline's. `None` where no run defines
/// the row in both.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub runs: usize,
    pub shares: Vec<ShareRow<Option<Paired>>>,
    pub adoption: Vec<AdoptionRow<Option<Paired>>>,
    pub revenue: Vec<RevenueRow<Option<Paired>>>,
}

/// Why two scenarios cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the scenarios are compared period by period, so they must have the same start, step and \
     periods: the baseline has {baseline}, the counterfactual {counterfactual}"
)]
pub struct CalendarMismatch {
    pub baseline: String,
    pub counterfactual: String,
}

/// How the counterfactual's vendors, agencies and tiers correspond to the
/// baseline's, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// For each baseline vendor, the counterfactual's vendor of that name.
    pub vendors: Vec<Option<usize>>,
    pub agencies: Vec<Option<usize>>,
    pub tiers: Vec<Option<usize>>,
    /// Names only one scenario has (their rows cannot be paired), as
    /// "vendor xAI is only in the counterfactual".
    pub unmatched: Vec<String>,
}

impl Alignment {
    fn scope(&self, scope: Scope) -> Option<Scope> {
        match scope {
            Scope::All => Some(Scope::All),
            Scope::Agency(a) => self.agencies[a].map(Scope::Agency),
            Scope::Tier(k) => self.tiers[k].map(Scope::Tier),
        }
    }
}

/// Matches the counterfactual's entities to the baseline's by name; the
/// calendars must be the same.
pub fn align(
    baseline: &Scenario,
    counterfactual: &Scenario,
) -> Result<Alignment, CalendarMismatch> {
    if baseline.calendar != counterfactual.calendar {
        return Err(CalendarMismatch {
            baseline: baseline.calendar.describe(),
            counterfactual: counterfactual.calendar.describe(),
        });
    }
    let mut unmatched = Vec::new();
    let mut pair = |kind: &str, base: Vec<&str>, other: Vec<&str>| -> Vec<Option<usize>> {
        for name in &other {
            if !base.contains(name) {
                unmatched.push(format!("{kind} {name} is only in the counterfactual"));
            }
        }
        base.iter()
            .map(|name| {
                let found = other.iter().position(|o| o == name);
                if found.is_none() {
                    unmatched.push(format!("{kind} {name} is only in the baseline"));
                }
                found
            })
            .collect()
    };
    let vendors = pair(
        "vendor",
        baseline.vendors.iter().map(|v| v.name.as_str()).collect(),
        counterfactual
            .vendors
            .iter()
            .map(|v| v.name.as_str())
            .collect(),
    );
    let agencies = pair(
        "agency",
        baseline.agencies.iter().map(|a| a.name.as_str()).collect(),
        counterfactual
            .agencies
            .iter()
            .map(|a| a.name.as_str())
            .collect(),
    );
    let tiers = pair(
        "tier",
        baseline.tiers.iter().map(String::as_str).collect(),
        counterfactual.tiers.iter().map(String::as_str).collect(),
    );
    Ok(Alignment {
        vendors,
        agencies,
        tiers,
        unmatched,
    })
}

/// Pairs `baseline[i]` with `counterfactual[i]` over the runs in which both
/// are defined (not NaN). `scratch` holds the differences.
fn paired(baseline: &[f64], counterfactual: &[f64], scratch: &mut Vec<f64>) -> Option<Paired> {
    scratch.clear();
    let (mut base_sum, mut other_sum) = (0.0, 0.0);
    let (mut higher, mut lower) = (0usize, 0usize);
    for (&b, &c) in baseline.iter().zip(counterfactual) {
        if b.is_nan() || c.is_nan() {
            continue;
        }
        base_sum += b;
        other_sum += c;
        higher += usize::from(c > b);
        lower += usize::from(c < b);
        scratch.push(c - b);
    }
    let n = scratch.len() as f64;
    let difference = summarize(scratch)?;
    Some(Paired {
        baseline_mean: base_sum / n,
        counterfactual_mean: other_sum / n,
        difference,
        frac_higher: higher as f64 / n,
        frac_lower: lower as f64 / n,
    })
}

/// One period's paired rows; revenue per vendor (the running sums are
/// paired later).
#[derive(Default)]
struct PeriodPairs {
    shares: Vec<ShareRow<Option<Paired>>>,
    adoption: Vec<AdoptionRow<Option<Paired>>>,
    revenue: Vec<Option<Paired>>,
}

/// The paired statistics of every row both scenarios have. The records are
/// in run order, run *i* of both simulated from stream *i* of one seed, and
/// `alignment` is what [`align`] gave for the two scenarios.
///
/// # Panics
/// If the record counts differ.
pub fn compare(
    baseline: (&Scenario, &[RunRecord]),
    counterfactual: (&Scenario, &[RunRecord]),
    alignment: &Alignment,
) -> Comparison {
    compare_unless(baseline, counterfactual, alignment, &AtomicBool::new(false))
        .expect("nothing cancels this comparison")
}

/// [`compare`], giving up (`None`) soon after `cancel` is set.
pub fn compare_unless(
    baseline: (&Scenario, &[RunRecord]),
    counterfactual: (&Scenario, &[RunRecord]),
    alignment: &Alignment,
    cancel: &AtomicBool,
) -> Option<Comparison> {
    let (base, base_records) = baseline;
    let (other, other_records) = counterfactual;
    assert_eq!(base_records.len(), other_records.len(), "paired runs");
    let runs = base_records.len();
    let (db, dc) = (Dims::of(base), Dims::of(other));
    let (lb, lc) = (PeriodLayout::of(base), PeriodLayout::of(other));
    let periods = db.periods;

    // `[period][vendor][run]` revenue of each scenario, for the running sums.
    let mut base_revenue = vec![0.0; periods * db.vendors * runs];
    let mut other_revenue = vec![0.0; periods * dc.vendors * runs];
    let scopes = share_scopes(base);
    let rows: Vec<PeriodPairs> = per_period(&mut base_revenue, periods, db.vendors * runs)
        .into_par_iter()
        .zip(per_period(&mut other_revenue, periods, dc.vendors * runs))
        .enumerate()
        .map(|(t, (base_rev, other_rev))| {
            if cancel.load(Ordering::Relaxed) {
                return PeriodPairs::default();
            }
            let vb = period_values(base, db, &lb, base_records, t, base_rev);
            let vc = period_values(other, dc, &lc, other_records, t, other_rev);
            let mut scratch = Vec::with_capacity(runs);
            let mut out = PeriodPairs::default();
            for &scope in &scopes {
                let Some(other_scope) = alignment.scope(scope) else {
                    continue;
                };
                for (vendor, other_vendor) in alignment.vendors.iter().enumerate() {
                    let Some(other_vendor) = *other_vendor else {
                        continue;
                    };
                    for metric in [ShareMetric::CountShare, ShareMetric::ValueShare] {
                        let b = vb.row(lb.share_row(scope, vendor, metric));
                        let c = vc.row(lc.share_row(other_scope, other_vendor, metric));
                        out.shares.push(ShareRow {
                            period: t,
                            scope,
                            vendor,
                            metric,
                            summary: paired(b, c, &mut scratch),
                        });
                    }
                }
            }
            let agencies = std::iter::once((None, Some(None)))
                .chain((0..db.agencies).map(|a| (Some(a), alignment.agencies[a].map(Some))));
            for (agency, other_agency) in agencies {
                let Some(other_agency) = other_agency else {
                    continue;
                };
                for measure in [AdoptionMeasure::UnderContract, AdoptionMeasure::Waiting] {
                    let b = vb.row(lb.adoption_row(agency, measure));
                    let c = vc.row(lc.adoption_row(other_agency, measure));
                    out.adoption.push(AdoptionRow {
                        period: t,
                        agency,
                        measure,
                        summary: paired(b, c, &mut scratch),
                    });
                }
            }
            out.revenue = alignment
                .vendors
                .iter()
                .enumerate()
                .map(|(v, other_vendor)| {
                    let c = other_vendor.map(|w| &other_rev[w * runs..(w + 1) * runs])?;
                    paired(&base_rev[v * runs..(v + 1) * runs], c, &mut scratch)
                })
                .collect();
            out
        })
        .collect();
    if cancel.load(Ordering::Relaxed) {
        return None;
    }

    // Running sums over periods, in place, then their pairs.
    for (paths, chunk) in [
        (&mut base_revenue, db.vendors * runs),
        (&mut other_revenue, dc.vendors * runs),
    ] {
        for t in 1..periods {
            let (done, rest) = paths.split_at_mut(t * chunk);
            for (x, before) in rest[..chunk].iter_mut().zip(&done[(t - 1) * chunk..]) {
                *x += before;
            }
        }
    }
    let cumulative: Vec<Vec<Option<Paired>>> = (0..periods)
        .into_par_iter()
        .map(|t| {
            let mut scratch = Vec::with_capacity(runs);
            let base_t = &base_revenue[t * db.vendors * runs..];
            let other_t = &other_revenue[t * dc.vendors * runs..];
            alignment
                .vendors
                .iter()
                .enumerate()
                .map(|(v, other_vendor)| {
                    let c = other_vendor.map(|w| &other_t[w * runs..(w + 1) * runs])?;
                    paired(&base_t[v * runs..(v + 1) * runs], c, &mut scratch)
                })
                .collect()
        })
        .collect();

    let mut comparison = Comparison {
        runs,
        shares: Vec::new(),
        adoption: Vec::new(),
        revenue: Vec::new(),
    };
    for (t, (rows, cumulative)) in rows.into_iter().zip(cumulative).enumerate() {
        comparison.shares.extend(rows.shares);
        comparison.adoption.extend(rows.adoption);
        for (vendor, (revenue, cumulative)) in rows.revenue.into_iter().zip(cumulative).enumerate()
        {
            if alignment.vendors[vendor].is_none() {
                continue;
            }
            for (measure, summary) in [
                (RevenueMeasure::Revenue, revenue),
                (RevenueMeasure::CumulativeRevenue, cumulative),
            ] {
                comparison.revenue.push(RevenueRow {
                    period: t,
                    vendor,
                    measure,
                    summary,
                });
            }
        }
    }
    (!cancel.load(Ordering::Relaxed)).then_some(comparison)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_only_runs_defined_in_both() {
        let nan = f64::NAN;
        let mut scratch = Vec::new();
        let p = paired(
            &[0.1, nan, 0.5, 0.2, 0.4],
            &[0.3, 0.7, nan, 0.2, 0.1],
            &mut scratch,
        )
        .unwrap();
        // Runs 0, 3 and 4: differences 0.2, 0.0, -0.3.
        assert_eq!(p.difference.runs, 3);
        assert!((p.baseline_mean - 0.7 / 3.0).abs() < 1e-15);
        assert!((p.counterfactual_mean - 0.6 / 3.0).abs() < 1e-15);
        assert!((p.difference.mean - (-0.1 / 3.0)).abs() < 1e-15);
        assert_eq!((p.frac_higher, p.frac_lower), (1.0 / 3.0, 1.0 / 3.0));
        let sd = p.difference.sd.unwrap();
        assert!((p.standard_error().unwrap() - sd / 3f64.sqrt()).abs() < 1e-15);
        assert_eq!(paired(&[nan, 1.0], &[2.0, nan], &mut scratch), None);
    }
}
