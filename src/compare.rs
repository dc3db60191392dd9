//! Paired comparison of two scenarios: for every output row, the statistics
//! of the run-by-run difference, counterfactual minus baseline.
//!
//! Both scenarios are simulated with the same seed and run count. Run *i*
//! of each draws every uncertain number they share from the same place of
//! stream *i* (common random numbers, see
//! [`Scenario::assign_streams`](crate::scenario::Scenario::assign_streams)), so the
//! difference taken within run *i* keeps the effect of the change and
//! cancels most of the sampling noise; the difference of two separately
//! estimated means would keep all of it. Rows are matched by name (vendor,
//! agency, tier); a vendor only one scenario has is compared with no
//! contracts on the other side, an agency or tier only one has is left out.
//! Periods are matched by index, so both must share one calendar. Pairing is
//! closest when the counterfactual keeps the baseline's order (within a
//! period, segments and vendors draw in file order), so [`align`] notes a
//! changed order.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::engine::{Dims, RunRecord};
use crate::measures::{
    AdoptionMeasure, AdoptionRow, PeriodLayout, PeriodValues, RevenueMeasure, RevenueRow, Scope,
    ShareMetric, ShareRow, per_period, period_values, running_sums, share_scopes,
};
use crate::scenario::{InvalidScenario, Scenario};
use crate::stats::{Summary, mean, summarize};
use crate::tally::Tally;

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
        self.difference.standard_error()
    }
}

/// Every row of the compared vendors (both scenarios' vendors) over the
/// agencies and tiers both scenarios have, in the baseline's output order
/// with the vendors only the counterfactual has after the baseline's.
/// Agency and tier indices are the baseline's; vendor indices refer to
/// `vendors`. `None` where no run defines the row in both.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Runs simulated of each scenario; a row's own `runs` counts only
    /// those paired for it.
    pub runs: usize,
    /// The names of the vendors the rows' `vendor` indices refer to
    /// ([`Alignment::vendors`]).
    pub vendors: Vec<String>,
    /// The rows of `shares_diff.csv`, in the order of `shares.csv`: the
    /// shared scopes, every compared vendor.
    pub shares: Vec<ShareRow<Option<Paired>>>,
    /// The rows of `adoption_diff.csv`: all agencies, then each agency
    /// both scenarios have, in the baseline's order.
    pub adoption: Vec<AdoptionRow<Option<Paired>>>,
    /// The rows of `revenue_diff.csv`: every compared vendor's revenue and
    /// cumulative revenue, in dollars.
    pub revenue: Vec<RevenueRow<Option<Paired>>>,
    /// What a reader of the comparison should know ([`Alignment::notes`]):
    /// what `sharecast compare` prints and its manifest records.
    pub notes: Vec<String>,
}

/// Why two scenarios cannot be compared. Its `Debug` form is its message
/// (`{:#?}` shows the fields), as for [`CannotCompare`].
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the scenarios are compared period by period, so they must have the same start, step and \
     periods: the baseline has {baseline}, the counterfactual {counterfactual}"
)]
pub struct CalendarMismatch {
    /// The baseline's calendar in words (`60 month periods from 2026-01 to
    /// 2030-12`).
    pub baseline: String,
    /// The counterfactual's calendar, in the same words.
    pub counterfactual: String,
}

/// Why [`simulate_and_compare`] cannot compare two scenarios.
///
/// Like [`ScenarioError`](crate::scenario::ScenarioError), its `Debug`
/// form is its message, so that a `main` returning it prints what to
/// change; `{:#?}` shows the variant and its fields.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum CannotCompare {
    /// The two calendars differ.
    #[error(transparent)]
    Calendars(#[from] CalendarMismatch),
    /// The baseline fails [`Scenario::verify`].
    #[error("baseline: {0}")]
    Baseline(InvalidScenario),
    /// The counterfactual fails [`Scenario::verify`].
    #[error("counterfactual: {0}")]
    Counterfactual(InvalidScenario),
}

impl fmt::Debug for CalendarMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.debug_struct("CalendarMismatch")
                .field("baseline", &self.baseline)
                .field("counterfactual", &self.counterfactual)
                .finish()
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

impl fmt::Debug for CannotCompare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !f.alternate() {
            return fmt::Display::fmt(self, f);
        }
        match self {
            CannotCompare::Calendars(e) => f.debug_tuple("Calendars").field(e).finish(),
            CannotCompare::Baseline(e) => f.debug_tuple("Baseline").field(e).finish(),
            CannotCompare::Counterfactual(e) => f.debug_tuple("Counterfactual").field(e).finish(),
        }
    }
}

/// A vendor of the comparison: its name and its index in each scenario
/// (`None` in the one that does not have it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparedVendor {
    /// The vendor's name (the `vendor` column of the comparison's files).
    pub name: String,
    /// Its index among the baseline's vendors.
    pub baseline: Option<usize>,
    /// Its index among the counterfactual's vendors.
    pub counterfactual: Option<usize>,
}

/// How the two scenarios' vendors, agencies and tiers correspond, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alignment {
    /// Every vendor of either scenario: the baseline's in its order, then
    /// those only the counterfactual has. A vendor a scenario does not have
    /// holds no contract there (share 0, revenue 0).
    pub vendors: Vec<ComparedVendor>,
    /// For each baseline agency, the counterfactual's agency of that name.
    pub agencies: Vec<Option<usize>>,
    /// For each baseline tier, the counterfactual's tier of that name.
    pub tiers: Vec<Option<usize>>,
    /// What a reader of the comparison should know: agencies and tiers only
    /// one scenario has (their rows are left out), vendors only one has, and
    /// a changed order, which loosens the pairing of runs.
    pub notes: Vec<String>,
}

impl Alignment {
    /// Whether both match the same vendors, agencies and tiers (their
    /// notes aside).
    fn same_matching(&self, other: &Alignment) -> bool {
        self.vendors == other.vendors
            && self.agencies == other.agencies
            && self.tiers == other.tiers
    }

    fn scope(&self, scope: Scope) -> Option<Scope> {
        match scope {
            Scope::All => Some(Scope::All),
            Scope::Agency(a) => self.agencies[a].map(Scope::Agency),
            Scope::Tier(k) => self.tiers[k].map(Scope::Tier),
        }
    }
}

/// Whether a name only one scenario has loosens the pairing of the shared
/// names listed after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LonePlacement {
    /// It does: an agency or tier draws in its place within each period,
    /// so the shared ones after it draw from other places of the stream
    /// (an agency inserted before shared ones of `gov-ai-2026.toml` rather
    /// than added at the end doubled the rows' median `diff_sd`).
    Matters,
    /// It does not: a vendor only one scenario has changes every award's
    /// probabilities, so the award draws after its first award no longer
    /// line up wherever it is listed (a vendor inserted or removed before
    /// shared ones rather than at the end changed the median `diff_sd` of
    /// each file's rows by at most 2.3%, and some rows paired more closely).
    Irrelevant,
}

/// For each of `baseline`'s names, its index among `counterfactual`'s; and
/// a note in `notes` when the names both have are not in the same order,
/// or (where `lone` says placement matters) one that only one file has
/// comes before a shared one: within a period, the draws of the entities
/// after it then come from other places in the stream.
fn match_names(
    plural: &str,
    baseline: &[&str],
    counterfactual: &[&str],
    lone: LonePlacement,
    notes: &mut Vec<String>,
) -> Vec<Option<usize>> {
    let matched: Vec<Option<usize>> = baseline
        .iter()
        .map(|name| counterfactual.iter().position(|o| o == name))
        .collect();
    let shared: Vec<usize> = matched.iter().flatten().copied().collect();
    let reordered = shared.windows(2).any(|w| w[0] > w[1]);
    let shared_after = |present: &[bool]| {
        let last_shared = present.iter().rposition(|&p| p);
        present
            .iter()
            .position(|&p| !p)
            .is_some_and(|first_alone| last_shared.is_some_and(|last| first_alone < last))
    };
    let in_counterfactual: Vec<bool> = matched.iter().map(Option::is_some).collect();
    let in_baseline: Vec<bool> = counterfactual
        .iter()
        .map(|name| baseline.contains(name))
        .collect();
    let lone_before_shared = lone == LonePlacement::Matters
        && (shared_after(&in_counterfactual) || shared_after(&in_baseline));
    if reordered || lone_before_shared {
        let (or_lone, and_new) = match lone {
            LonePlacement::Matters => (
                ", or one that only one file has comes before shared ones",
                " and add new ones at the end",
            ),
            LonePlacement::Irrelevant => ("", ""),
        };
        notes.push(format!(
            "the counterfactual lists the {plural} in another order{or_lone}: rows are still \
             matched by name, but from the first one out of place on, the {plural} draw from \
             other places of each period's stream, so the runs pair less closely (the \
             differences stay unbiased; diff_sd is larger). Keep shared {plural} in the \
             baseline's order{and_new} for the closest pairing"
        ));
    }
    matched
}

fn vendor_names(s: &Scenario) -> Vec<&str> {
    s.vendors.iter().map(|v| v.name.as_str()).collect()
}

fn agency_names(s: &Scenario) -> Vec<&str> {
    s.agencies.iter().map(|a| a.name.as_str()).collect()
}

fn tier_names(s: &Scenario) -> Vec<&str> {
    s.tiers.iter().map(String::as_str).collect()
}

/// Matches the two scenarios' entities by name; the calendars must be the
/// same. It reads only names and calendars, so it does not check the
/// scenarios otherwise ([`Scenario::verify`]; [`compare`] and
/// [`simulate_and_compare`] do).
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
    let mut notes = Vec::new();
    let (base_vendors, counterfactual_vendors) =
        (vendor_names(baseline), vendor_names(counterfactual));
    let matched = match_names(
        "vendors",
        &base_vendors,
        &counterfactual_vendors,
        LonePlacement::Irrelevant,
        &mut notes,
    );
    let mut vendors: Vec<ComparedVendor> = base_vendors
        .iter()
        .zip(&matched)
        .enumerate()
        .map(|(v, (name, &other))| ComparedVendor {
            name: name.to_string(),
            baseline: Some(v),
            counterfactual: other,
        })
        .collect();
    for (w, name) in counterfactual_vendors.iter().enumerate() {
        if !matched.contains(&Some(w)) {
            vendors.push(ComparedVendor {
                name: name.to_string(),
                baseline: None,
                counterfactual: Some(w),
            });
        }
    }
    for v in &vendors {
        let (missing_from, this_side, other_side) = match (v.baseline, v.counterfactual) {
            (None, _) => ("baseline", &counterfactual_vendors, &base_vendors),
            (_, None) => ("counterfactual", &base_vendors, &counterfactual_vendors),
            _ => continue,
        };
        notes.push(format!(
            "vendor {} is not in the {missing_from}, where it holds no contract (share 0, revenue 0){}",
            crate::scenario::printable_name(&v.name),
            looks_alike_hint("vendor", &v.name, this_side, other_side, missing_from)
        ));
    }
    // A scope only one file has is left out, but its units still count in
    // that side's wider scopes: all units, and each scope of the other kind.
    let mut matched_or_left_out =
        |kind: &str, plural: &str, other_kind: &str, base: &[&str], other: &[&str]| {
            let matched = match_names(plural, base, other, LonePlacement::Matters, &mut notes);
            let still_counted = |side: &str| {
                format!(
                    "its rows are left out, but its units still count in the {side}'s rows of all \
                 units and of each {other_kind} (and in the closing table), which then cover a \
                 different market on each side"
                )
            };
            for (name, found) in base.iter().zip(&matched) {
                if found.is_none() {
                    notes.push(format!(
                        "{kind} {} is only in the baseline: {}{}",
                        crate::scenario::printable_name(name),
                        still_counted("baseline"),
                        looks_alike_hint(kind, name, base, other, "counterfactual")
                    ));
                }
            }
            for name in other.iter().filter(|name| !base.contains(name)) {
                notes.push(format!(
                    "{kind} {} is only in the counterfactual: {}{}",
                    crate::scenario::printable_name(name),
                    still_counted("counterfactual"),
                    looks_alike_hint(kind, name, other, base, "baseline")
                ));
            }
            matched
        };
    let agencies = matched_or_left_out(
        "agency",
        "agencies",
        "tier",
        &agency_names(baseline),
        &agency_names(counterfactual),
    );
    let tiers = matched_or_left_out(
        "tier",
        "tiers",
        "agency",
        &tier_names(baseline),
        &tier_names(counterfactual),
    );
    Ok(Alignment {
        vendors,
        agencies,
        tiers,
        notes,
    })
}

/// A hint for a `kind` (vendor, agency, tier) `name` of `this_side` that
/// is missing from the `side` whose names are `other_side`, when that side
/// has a name differing from it only in letter case (`Acme` and `ACME`),
/// or in what does not show (joiners, variation selectors, the encoding of
/// an accented letter or the kind of space; `scenario::folded`): rows are
/// matched by exact name, but a spreadsheet's pivot table would merge the
/// two. Failing that, when that side has a name of its own (one this side
/// lacks) close to it, a misspelling or a renaming in one file (`Gama` and
/// `Gamma`), which would split one entity into two rows on either side:
/// close as "did you mean" finds names in a scenario, and each the other's
/// closest, so that no name is offered for two. Empty otherwise.
fn looks_alike_hint<'a>(
    kind: &str,
    name: &str,
    this_side: &[&'a str],
    other_side: &[&'a str],
    side: &str,
) -> String {
    let folded = crate::scenario::folded(name);
    if let Some(other) = other_side
        .iter()
        .find(|other| **other != name && crate::scenario::folded(other) == folded)
    {
        return format!(
            "; the {side} has {}, which differs only in {}: rows are matched by exact name, so rename one to pair them",
            crate::scenario::printable_name(other),
            crate::scenario::difference(name, other)
        );
    }
    // The closest among the names only that side has; where it is the
    // closest of several names of this side, offered to the closest of
    // those alone, so that no name is offered for two (`Gama` and `Gamme`
    // against `Gamma`). `suggest` is not symmetric (`Army` finds `US Army`
    // as a shortened name, not the other way round), so the closest of
    // those is asked only when there are several.
    let lone = |side: &[&'a str], other: &[&str]| -> Vec<&'a str> {
        side.iter()
            .copied()
            .filter(|n| !other.contains(n))
            .collect()
    };
    let (lone_here, lone_there) = (lone(this_side, other_side), lone(other_side, this_side));
    let closest = |n: &str| crate::scenario::suggest(n, lone_there.iter().copied());
    closest(name)
        .filter(|&close| {
            let rivals: Vec<&str> = lone_here
                .iter()
                .copied()
                .filter(|&n| closest(n) == Some(close))
                .collect();
            rivals == [name] || crate::scenario::suggest(close, rivals) == Some(name)
        })
        .map(|close| {
            format!(
                "; the {side} has {} instead, a name close to it: if the two are one {kind}, \
                 give it the same name in both files so that their rows pair",
                crate::scenario::printable_name(close)
            )
        })
        .unwrap_or_default()
}

/// Scratch space for [`pair_runs`], reused from row to row.
#[derive(Default)]
struct PairScratch {
    differences: Vec<f64>,
    baseline: Vec<f64>,
    counterfactual: Vec<f64>,
}

/// How far apart, relative to the larger of the two, a run's two values of
/// an amount of money may be and still be the same amount, for runs of a
/// scenario: the most that rounding can move them, row by row. Such an
/// amount is a sum, and the same amounts split another way can add up to
/// other last bits: a vendor's value share divides by the scope's total,
/// which adds every vendor's value, so contracts moved between the *other*
/// vendors can move its last bits; a vendor's revenue adds its contracts
/// agency by agency, so the same contracts held in other agencies at the
/// same price can too. Counts, count shares and fractions of units are
/// exact, and compared exactly.
///
/// Each agency-tier cell (and, in a total, each vendor) adds a count times
/// a price for each price in force (at most `1 + price changes`; both
/// engines count the contracts at each price before multiplying): two
/// roundings of half a unit in the last place (ULP) each. With `n` the
/// roundings a row's sums can make, two amounts that are the same differ
/// by less than `n + 1` ULPs of the larger on each side, and twice that is
/// taken: `2 (n + 1) f64::EPSILON`. A change smaller than that cannot be
/// told from rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundingAllowance {
    /// Roundings in a value share: every cell and vendor of the scope.
    value_share: usize,
    /// Roundings in a vendor's revenue of one period: every cell, each
    /// agency's sum, and the period's length.
    revenue: usize,
}

impl RoundingAllowance {
    /// The allowance for runs of `s`.
    pub fn of(s: &Scenario) -> RoundingAllowance {
        let cells = s.agencies.len() * s.tiers.len();
        // An event with `until` changes the price twice.
        let price_changes: usize = s
            .events
            .iter()
            .filter(|e| e.changes_annual_value())
            .map(|e| 1 + usize::from(e.until.is_some()))
            .sum();
        let per_cell = 2 * (1 + price_changes);
        RoundingAllowance {
            value_share: cells * s.vendors.len() * per_cell,
            revenue: cells * per_cell + s.agencies.len() + 1,
        }
    }

    /// The larger allowance of two scenarios', row by row.
    fn max(self, other: RoundingAllowance) -> RoundingAllowance {
        RoundingAllowance {
            value_share: self.value_share.max(other.value_share),
            revenue: self.revenue.max(other.revenue),
        }
    }

    /// Relative allowance of a value share.
    pub fn value_share(self) -> f64 {
        ulps(self.value_share)
    }

    /// Relative allowance of a vendor's revenue in one period.
    pub fn revenue(self) -> f64 {
        ulps(self.revenue)
    }

    /// Relative allowance of a vendor's cumulative revenue at period `t`
    /// (from 0): `t + 1` periods' revenue, added in turn.
    pub fn cumulative_revenue(self, t: usize) -> f64 {
        ulps(self.revenue + t + 1)
    }
}

/// `2 (n + 1)` ULPs of 1, relative.
fn ulps(n: usize) -> f64 {
    2.0 * (n + 1) as f64 * f64::EPSILON
}

/// `counterfactual - baseline`, or 0 where the two are within
/// `equal_within` of the larger (0: only where they are the same).
fn run_difference(baseline: f64, counterfactual: f64, equal_within: f64) -> f64 {
    let difference = counterfactual - baseline;
    if difference.abs() <= equal_within * baseline.abs().max(counterfactual.abs()) {
        0.0
    } else {
        difference
    }
}

/// Pairs `baseline[i]` with `counterfactual[i]` over the runs in which both
/// are defined (not NaN). Each side's mean is computed as a projection's
/// (`stats::mean`), so a scenario compared with itself keeps its means to
/// the bit. A run's difference is [`run_difference`] with `equal_within`:
/// for amounts of money, rounding is no change.
fn pair_runs(
    baseline: &[f64],
    counterfactual: &[f64],
    equal_within: f64,
    scratch: &mut PairScratch,
) -> Option<Paired> {
    scratch.differences.clear();
    scratch.baseline.clear();
    scratch.counterfactual.clear();
    let (mut higher, mut lower) = (0usize, 0usize);
    for (&b, &c) in baseline.iter().zip(counterfactual) {
        if b.is_nan() || c.is_nan() {
            continue;
        }
        scratch.baseline.push(b);
        scratch.counterfactual.push(c);
        let difference = run_difference(b, c, equal_within);
        higher += usize::from(difference > 0.0);
        lower += usize::from(difference < 0.0);
        scratch.differences.push(difference);
    }
    let n = scratch.differences.len() as f64;
    let difference = summarize(&mut scratch.differences)?;
    Some(Paired {
        baseline_mean: mean(&scratch.baseline)?,
        counterfactual_mean: mean(&scratch.counterfactual)?,
        difference,
        frac_higher: higher as f64 / n,
        frac_lower: lower as f64 / n,
    })
}

/// One scenario's side of the comparison: its scenario, records, shape and
/// tally layout.
struct Side<'a> {
    scenario: &'a Scenario,
    records: &'a [Tally],
    dims: Dims,
    layout: PeriodLayout,
}

impl<'a> Side<'a> {
    fn new((scenario, records): (&'a Scenario, &'a [Tally])) -> Side<'a> {
        crate::tally::assert_runs_of(records, scenario);
        Side {
            scenario,
            records,
            dims: Dims::of(scenario),
            layout: PeriodLayout::of(scenario),
        }
    }

    /// Every run's share of `vendor` in `scope`: a vendor this side does
    /// not have holds 0 in each run where the scope is defined (the rows of
    /// a scope are defined in the same runs for every vendor).
    fn share<'v>(
        &self,
        values: &'v PeriodValues,
        scope: Scope,
        vendor: Option<usize>,
        metric: ShareMetric,
        absent: &'v mut Vec<f64>,
    ) -> &'v [f64] {
        match vendor {
            Some(v) => values.row(self.layout.share_row(scope, v, metric)),
            None => {
                let defined = values.row(self.layout.share_row(scope, 0, metric));
                absent.clear();
                absent.extend(
                    defined
                        .iter()
                        .map(|x| if x.is_nan() { f64::NAN } else { 0.0 }),
                );
                absent
            }
        }
    }
}

/// Every run's revenue of `vendor` in one period's `[vendor][run]` slice;
/// `zeros` for a vendor the side does not have.
fn revenue_of<'r>(paths: &'r [f64], vendor: Option<usize>, zeros: &'r [f64]) -> &'r [f64] {
    let runs = zeros.len();
    vendor.map_or(zeros, |v| &paths[v * runs..(v + 1) * runs])
}

/// Each compared vendor's revenue paired, from one period's `[vendor][run]`
/// slice of each side.
fn pair_revenue(
    alignment: &Alignment,
    base_paths: &[f64],
    other_paths: &[f64],
    zeros: &[f64],
    equal_within: f64,
) -> Vec<Option<Paired>> {
    let mut scratch = PairScratch::default();
    alignment
        .vendors
        .iter()
        .map(|v| {
            let b = revenue_of(base_paths, v.baseline, zeros);
            let c = revenue_of(other_paths, v.counterfactual, zeros);
            pair_runs(b, c, equal_within, &mut scratch)
        })
        .collect()
}

/// One period's paired rows; revenue per compared vendor (the running sums
/// are paired later).
#[derive(Default)]
struct PeriodPairs {
    shares: Vec<ShareRow<Option<Paired>>>,
    adoption: Vec<AdoptionRow<Option<Paired>>>,
    revenue: Vec<Option<Paired>>,
}

impl Comparison {
    /// The `shares_diff.csv` row of `vendor`'s `metric` share of `scope` at
    /// `period` (`vendor` indexes [`Comparison::vendors`], agencies and
    /// tiers are the baseline's); `None` when there is no such row.
    pub fn share(
        &self,
        period: usize,
        scope: Scope,
        vendor: usize,
        metric: ShareMetric,
    ) -> Option<&ShareRow<Option<Paired>>> {
        crate::measures::share_row(&self.shares, period, scope, vendor, metric)
    }

    /// The `adoption_diff.csv` row of `measure` at `period` for the
    /// baseline's `agency` (`None` for all agencies); `None` when there is
    /// no such row.
    pub fn adoption(
        &self,
        period: usize,
        agency: Option<usize>,
        measure: AdoptionMeasure,
    ) -> Option<&AdoptionRow<Option<Paired>>> {
        crate::measures::adoption_row(&self.adoption, period, agency, measure)
    }

    /// The `revenue_diff.csv` row of `vendor`'s `measure` at `period`;
    /// `None` when there is no such row.
    pub fn revenue(
        &self,
        period: usize,
        vendor: usize,
        measure: RevenueMeasure,
    ) -> Option<&RevenueRow<Option<Paired>>> {
        crate::measures::revenue_row(&self.revenue, period, vendor, measure)
    }

    /// The index in [`Comparison::vendors`] of the vendor named exactly
    /// `name`; else of the one vendor whose name differs from it only in
    /// letter case, surrounding spaces or what does not show (joiners,
    /// variation selectors, the encoding of an accented letter or the kind
    /// of space), so that it looks the same (as validation compares names).
    /// `None` when there is none, or
    /// several such (a comparison matches vendors by exact name, so
    /// `OpenAI` in one scenario and `OPENAI` in the other are two).
    pub fn vendor_index(&self, name: &str) -> Option<usize> {
        if let Some(exact) = self.vendors.iter().position(|v| v == name) {
            return Some(exact);
        }
        let folded = crate::scenario::folded(name);
        let mut alike = (0..self.vendors.len())
            .filter(|&i| crate::scenario::folded(&self.vendors[i]) == folded);
        match (alike.next(), alike.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }
}

/// Simulates the runs `runs` of both scenarios with `seed` (on the current
/// rayon pool) and pairs them: in one call, what `sharecast compare --seed
/// SEED --runs N` computes for `runs = 0..N`, byte for byte once exported
/// ([`crate::export::comparison_files`]). It keeps each run's compact tally,
/// as [`crate::measures::simulate_and_project`] does.
///
/// # Errors
/// When either scenario fails [`Scenario::verify`] (only one built or
/// edited in code can), or they do not share one calendar ([`align`]),
/// before anything is simulated.
pub fn simulate_and_compare(
    baseline: &Scenario,
    counterfactual: &Scenario,
    seed: u64,
    runs: std::ops::Range<u64>,
    engine: crate::engine::EngineKind,
) -> Result<Comparison, CannotCompare> {
    baseline.verify().map_err(CannotCompare::Baseline)?;
    counterfactual
        .verify()
        .map_err(CannotCompare::Counterfactual)?;
    let alignment = align(baseline, counterfactual)?;
    let simulate = |s: &Scenario| Tally::simulate_all(s, seed, runs.clone(), engine);
    let (base, other) = (simulate(baseline), simulate(counterfactual));
    Ok(compare_unless(
        (baseline, &base),
        (counterfactual, &other),
        &alignment,
        &AtomicBool::new(false),
    )
    .expect("nothing cancels this comparison"))
}

/// The paired statistics of every row (see [`Comparison`]). The records are
/// in run order, run *i* of both simulated from stream *i* of one seed, and
/// `alignment` is what [`align`] gave for the two scenarios. Records carry
/// no seed, so records of two seeds (or of two ranges of runs) are not
/// refused: they give a valid but unpaired comparison, whose standard
/// errors keep all the sampling noise pairing removes.
/// [`simulate_and_compare`] cannot be given them.
///
/// # Panics
/// If either scenario fails [`Scenario::verify`], the record counts
/// differ, either side's records do not have the shape of runs of its
/// scenario (or its tallies mix layouts or price epochs), or `alignment`
/// was made for other scenarios.
pub fn compare(
    baseline: (&Scenario, &[RunRecord]),
    counterfactual: (&Scenario, &[RunRecord]),
    alignment: &Alignment,
) -> Comparison {
    let tallies = |(s, records): (&Scenario, &[RunRecord])| Tally::of_runs(records, s);
    let (base, other) = (tallies(baseline), tallies(counterfactual));
    compare_unless(
        (baseline.0, &base),
        (counterfactual.0, &other),
        alignment,
        &AtomicBool::new(false),
    )
    .expect("nothing cancels this comparison")
}

/// [`compare`] from the runs' tallies, giving up (`None`) soon after
/// `cancel` is set.
///
/// # Panics
/// As [`compare`].
pub fn compare_unless(
    baseline: (&Scenario, &[Tally]),
    counterfactual: (&Scenario, &[Tally]),
    alignment: &Alignment,
    cancel: &AtomicBool,
) -> Option<Comparison> {
    compare_watched(baseline, counterfactual, alignment, cancel, &|| {})
}

/// [`compare_unless`], calling `on_period_done` (from the worker threads)
/// each time a period's rows are paired and summarised: what a progress bar
/// counts.
///
/// # Panics
/// As [`compare`].
pub fn compare_watched(
    baseline: (&Scenario, &[Tally]),
    counterfactual: (&Scenario, &[Tally]),
    alignment: &Alignment,
    cancel: &AtomicBool,
    on_period_done: &(dyn Fn() + Sync),
) -> Option<Comparison> {
    assert!(
        align(baseline.0, counterfactual.0).is_ok_and(|own| own.same_matching(alignment)),
        "the alignment was made for other scenarios than '{}' and '{}'; make it with \
         compare::align of these two",
        baseline.0.name,
        counterfactual.0.name
    );
    let (base, other) = (Side::new(baseline), Side::new(counterfactual));
    let allowance = RoundingAllowance::of(base.scenario).max(RoundingAllowance::of(other.scenario));
    assert_eq!(
        base.records.len(),
        other.records.len(),
        "runs are compared in pairs: give as many runs of the counterfactual as of the \
         baseline, simulated with the same seed over the same range"
    );
    let runs = base.records.len();
    let periods = base.dims.periods;
    let zeros = vec![0.0; runs];

    // `[period][vendor][run]` revenue of each side, for the running sums.
    let (base_chunk, other_chunk) = (base.dims.vendors * runs, other.dims.vendors * runs);
    let mut base_revenue = vec![0.0; periods * base_chunk];
    let mut other_revenue = vec![0.0; periods * other_chunk];
    let scopes = share_scopes(base.scenario);
    let rows: Vec<PeriodPairs> = per_period(&mut base_revenue, periods, base_chunk)
        .into_par_iter()
        .zip(per_period(&mut other_revenue, periods, other_chunk))
        .enumerate()
        .map(|(t, (base_paths, other_paths))| {
            if cancel.load(Ordering::Relaxed) {
                return PeriodPairs::default();
            }
            let vb = period_values(
                base.scenario,
                base.dims,
                &base.layout,
                base.records,
                t,
                base_paths,
            );
            let vc = period_values(
                other.scenario,
                other.dims,
                &other.layout,
                other.records,
                t,
                other_paths,
            );
            let (mut scratch, mut absent_b, mut absent_c) =
                (PairScratch::default(), Vec::new(), Vec::new());
            let mut out = PeriodPairs::default();
            for &scope in &scopes {
                let Some(other_scope) = alignment.scope(scope) else {
                    continue;
                };
                for (vendor, compared) in alignment.vendors.iter().enumerate() {
                    for metric in [ShareMetric::CountShare, ShareMetric::ValueShare] {
                        let b = base.share(&vb, scope, compared.baseline, metric, &mut absent_b);
                        let c = other.share(
                            &vc,
                            other_scope,
                            compared.counterfactual,
                            metric,
                            &mut absent_c,
                        );
                        let equal_within = match metric {
                            ShareMetric::ValueShare => allowance.value_share(),
                            ShareMetric::CountShare => 0.0,
                        };
                        out.shares.push(ShareRow {
                            period: t,
                            scope,
                            vendor,
                            metric,
                            summary: pair_runs(b, c, equal_within, &mut scratch),
                        });
                    }
                }
            }
            // (baseline agency, counterfactual agency) of each adoption
            // scope: `None` is all agencies; the outer `Option` of the
            // counterfactual's is whether the scope exists there.
            let agencies = std::iter::once((None, Some(None)))
                .chain((0..base.dims.agencies).map(|a| (Some(a), alignment.agencies[a].map(Some))));
            for (agency, other_agency) in agencies {
                let Some(other_agency) = other_agency else {
                    continue;
                };
                for measure in [AdoptionMeasure::UnderContract, AdoptionMeasure::Waiting] {
                    let b = vb.row(base.layout.adoption_row(agency, measure));
                    let c = vc.row(other.layout.adoption_row(other_agency, measure));
                    out.adoption.push(AdoptionRow {
                        period: t,
                        agency,
                        measure,
                        summary: pair_runs(b, c, 0.0, &mut scratch),
                    });
                }
            }
            out.revenue = pair_revenue(
                alignment,
                base_paths,
                other_paths,
                &zeros,
                allowance.revenue(),
            );
            on_period_done();
            out
        })
        .collect();
    if cancel.load(Ordering::Relaxed) {
        return None;
    }

    running_sums(&mut base_revenue, periods, base_chunk);
    running_sums(&mut other_revenue, periods, other_chunk);
    let cumulative: Vec<Vec<Option<Paired>>> = (0..periods)
        .into_par_iter()
        .map(|t| {
            let base_paths = &base_revenue[t * base_chunk..][..base_chunk];
            let other_paths = &other_revenue[t * other_chunk..][..other_chunk];
            pair_revenue(
                alignment,
                base_paths,
                other_paths,
                &zeros,
                allowance.cumulative_revenue(t),
            )
        })
        .collect();

    let mut comparison = Comparison {
        runs,
        vendors: alignment.vendors.iter().map(|v| v.name.clone()).collect(),
        shares: Vec::new(),
        adoption: Vec::new(),
        revenue: Vec::new(),
        notes: alignment.notes.clone(),
    };
    for (t, (rows, cumulative)) in rows.into_iter().zip(cumulative).enumerate() {
        comparison.shares.extend(rows.shares);
        comparison.adoption.extend(rows.adoption);
        for (vendor, (revenue, cumulative)) in rows.revenue.into_iter().zip(cumulative).enumerate()
        {
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
        let mut scratch = PairScratch::default();
        let p = pair_runs(
            &[0.1, nan, 0.5, 0.2, 0.4],
            &[0.3, 0.7, nan, 0.2, 0.1],
            0.0,
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
        assert_eq!(pair_runs(&[nan, 1.0], &[2.0, nan], 0.0, &mut scratch), None);
    }

    #[test]
    fn a_difference_left_by_rounding_is_no_change_where_rounding_is_allowed_for() {
        // The same three amounts summed in two orders differ in the last
        // place.
        let (left, right) = ((0.1 + 0.2) + 0.3, 0.1 + (0.2 + 0.3));
        assert_ne!(left, right);
        let mut scratch = PairScratch::default();
        // Within 1e-14 of the larger: the first run is equal, and a change
        // of 1e-12 in the third is a change.
        let p = pair_runs(
            &[left, 0.2, 0.5],
            &[right, 0.3, 0.5 - 5e-13],
            1e-14,
            &mut scratch,
        )
        .unwrap();
        // Differences 0, 0.1 and about -5e-13: the median is 0.
        assert_eq!(p.difference.percentiles[2], 0.0);
        assert_eq!((p.frac_higher, p.frac_lower), (1.0 / 3.0, 1.0 / 3.0));
        let q = pair_runs(&[left], &[right], 1e-14, &mut scratch).unwrap();
        assert_eq!(q.difference.percentiles, [0.0; 5]);
        assert_eq!(q.difference.mean, 0.0);
        assert_eq!((q.frac_higher, q.frac_lower), (0.0, 0.0));
        // Where no rounding is allowed for, any difference counts.
        let exact = pair_runs(&[left], &[right], 0.0, &mut scratch).unwrap();
        assert_eq!((exact.frac_higher, exact.frac_lower), (0.0, 1.0));
    }

    /// The allowance counts the roundings of each row's sums.
    #[test]
    fn the_rounding_allowance_counts_the_terms_of_each_sum() {
        let s = crate::scenario::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/gov-ai-2026.toml"
        )))
        .unwrap();
        // 5 agencies x 3 tiers, two roundings per cell (no price changes):
        // 150 roundings with 5 vendors in a value share; 30, one per
        // agency and one for the period's length in a revenue; a period
        // more for each period of a running sum. Twice n + 1 ULPs of 1.
        let allowance = RoundingAllowance::of(&s);
        assert_eq!(allowance.value_share(), 302.0 * f64::EPSILON);
        assert_eq!(allowance.revenue(), 74.0 * f64::EPSILON);
        assert_eq!(allowance.cumulative_revenue(0), 76.0 * f64::EPSILON);
        assert_eq!(allowance.cumulative_revenue(59), 194.0 * f64::EPSILON);
        // Each event that changes a price adds two roundings per cell.
        let mut priced = s.clone();
        priced.events.push(crate::scenario::Event {
            period: 3,
            keyed_period: 3,
            until: None,
            label: None,
            target: crate::scenario::Target::AllAgencies,
            changes: vec![crate::scenario::Change {
                field: crate::scenario::Field::AnnualValue,
                op: crate::scenario::Op::Set,
                value: crate::scenario::Param::fixed(
                    2e6,
                    crate::scenario::Field::AnnualValue.range(),
                ),
                key: "annual_value".into(),
                line: None,
            }],
        });
        let priced = RoundingAllowance::of(&priced);
        assert_eq!(priced.value_share(), 602.0 * f64::EPSILON);
        assert_eq!(priced.revenue(), 134.0 * f64::EPSILON);
    }

    /// A vendor's value share that is the same in both scenarios, whose
    /// total each side adds up differently: moving the initial contracts
    /// from A to B leaves C's contracts and every scope's total value as
    /// they were at period 0, but the totals add A's and B's values split
    /// another way, so C's share differs in the last bits in some runs.
    /// The comparison counts no such run as higher or lower.
    #[test]
    fn a_value_share_that_differs_only_by_rounding_does_not_change() {
        use crate::engine::{EngineKind, simulate_all};
        use crate::measures::{Scope, period_values};
        let base_text = r#"
start = "2026-01"
periods = 1
tiers = ["u", "s"]
[[vendor]]
name = "A"
brand = 0.5
access = { u = 1.0, s = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { u = 1.0, s = 1.0 }
[[vendor]]
name = "C"
brand = 0.5
access = { u = 1.0 }
[[agency]]
name = "X"
units = 100
tiers = { u = 0.5, s = 0.5 }
innovation = 0.1
imitation = 0.1
term = 12
annual_value = { lognormal = [14.0, 0.5] }
[[agency.initial]]
vendor = "A"
tier = "s"
units = 10
[[agency]]
name = "Y"
units = 100
innovation = 0.1
imitation = 0.1
term = 12
annual_value = { lognormal = [13.1, 0.7] }
"#;
        let parse =
            |text: &str| crate::scenario::parse(text, std::path::Path::new("t.toml")).unwrap();
        let base = parse(base_text);
        let moved = parse(&base_text.replace("vendor = \"A\"\ntier", "vendor = \"B\"\ntier"));
        let runs = 1000;
        let records = |s: &Scenario| simulate_all(s, 3, 0..runs, EngineKind::Counts);
        let (rb, rm) = (records(&base), records(&moved));
        // The premise: C's value share of all contracts differs in the
        // last bits in some runs, and never by more than the allowance.
        let c_value_share = |s: &Scenario, r: &[RunRecord]| {
            let layout = PeriodLayout::of(s);
            let mut revenue = vec![0.0; s.vendors.len() * r.len()];
            let values = period_values(
                s,
                Dims::of(s),
                &layout,
                &Tally::of_runs(r, s),
                0,
                &mut revenue,
            );
            values
                .row(layout.share_row(Scope::All, 2, ShareMetric::ValueShare))
                .to_vec()
        };
        let (b, m) = (c_value_share(&base, &rb), c_value_share(&moved, &rm));
        let allowance = RoundingAllowance::of(&base).value_share();
        let apart = b.iter().zip(&m).filter(|(x, y)| x != y).count();
        assert!(apart > 0, "no run's share differs: the test checks nothing");
        for (x, y) in b.iter().zip(&m) {
            assert!((x - y).abs() <= allowance * x.max(*y), "{x} against {y}");
        }
        let c = compare((&base, &rb), (&moved, &rm), &align(&base, &moved).unwrap());
        let row = c
            .shares
            .iter()
            .find(|r| r.scope == Scope::All && r.vendor == 2 && r.metric == ShareMetric::ValueShare)
            .and_then(|r| r.summary)
            .unwrap();
        assert_eq!(row.difference.mean, 0.0);
        assert_eq!(row.difference.percentiles, [0.0; 5]);
        assert_eq!((row.frac_higher, row.frac_lower), (0.0, 0.0));
    }

    fn names(list: &[&'static str]) -> Vec<&'static str> {
        list.to_vec()
    }

    #[test]
    fn a_changed_order_is_noted_and_an_addition_at_the_end_is_not() {
        let order_note = |notes: &[String]| notes.iter().any(|n| n.contains("another order"));
        let check = |base: &[&str], other: &[&str]| {
            let mut notes = Vec::new();
            let matched = match_names("agencies", base, other, LonePlacement::Matters, &mut notes);
            (matched, order_note(&notes), notes)
        };
        let (matched, noted, notes) = check(&names(&["A", "B"]), &names(&["A", "B", "C"]));
        assert_eq!(matched, [Some(0), Some(1)]);
        assert!(!noted);
        assert!(notes.is_empty());
        assert!(
            check(&names(&["A", "B"]), &names(&["B", "A"])).1,
            "reordered"
        );
        assert!(
            check(&names(&["A", "B", "C"]), &names(&["A", "C"])).1,
            "B dropped before C"
        );
        assert!(
            !check(&names(&["A", "B", "C"]), &names(&["A", "B"])).1,
            "C dropped at the end"
        );
        assert!(
            check(&names(&["A", "B"]), &names(&["N", "A", "B"])).1,
            "N added first"
        );
        let (matched, noted, _) = check(&names(&["A", "B"]), &names(&["X", "Y"]));
        assert_eq!(matched, [None, None]);
        assert!(!noted, "nothing shared, nothing to pair");
        // Vendors: where a lone one stands does not matter, an order does.
        let vendors = |base: &[&str], other: &[&str]| {
            let mut notes = Vec::new();
            match_names(
                "vendors",
                base,
                other,
                LonePlacement::Irrelevant,
                &mut notes,
            );
            notes
        };
        assert!(vendors(&names(&["A", "B"]), &names(&["N", "A", "B"])).is_empty());
        assert!(vendors(&names(&["A", "B", "C"]), &names(&["A", "C"])).is_empty());
        let notes = vendors(&names(&["A", "B", "N"]), &names(&["B", "A"]));
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].starts_with("the counterfactual lists the vendors in another order: rows"),
            "{notes:?}"
        );
    }
}
