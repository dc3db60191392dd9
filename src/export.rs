//! The CSV files of MODEL.md section 6, and those of `sharecast compare`
//! and `sharecast sweep` (each value's rows stacked, [`StackedCsv`]), as
//! bytes.
//!
//! Exporters are pure: a projection or a comparison in, bytes out (and
//! `holds_runs_csv` compares a reader the caller gives with what `runs_csv`
//! would write). They fix
//! the spreadsheet conventions in one place: one header row, `YYYY-MM-DD`
//! dates, numbers with exactly 6 decimals and no exponent, an empty cell for
//! an undefined value. Writing files is `output`'s job.

use csv::Writer;

use crate::compare::{Comparison, Paired};
use crate::engine::Dims;
use crate::measures::{
    self, AdoptionMeasure, AdoptionRow, Projection, RevenueMeasure, RevenueRow, Scope, ShareMetric,
    ShareRow, share_scopes,
};
use crate::output::OutputFile;
use crate::scenario::Scenario;
use crate::stats::Summary;
use crate::tally::Tally;
use crate::text::count;

/// Rows, the header included, that Excel and LibreOffice Calc open in one
/// sheet.
pub const SPREADSHEET_ROWS: usize = 1_048_576;

/// Whether a file of `rows` rows (the header included) is longer than a
/// spreadsheet opens.
pub fn too_long_for_a_spreadsheet(rows: usize) -> bool {
    rows > SPREADSHEET_ROWS
}

/// The rows a period gives `shares.csv`, `adoption.csv` and `revenue.csv`
/// of scenario `s` (the first three of [`STATISTICS_FILES`]), each with what makes them up: a share per scope (all
/// units, each tier, each agency), vendor and metric; two fractions per
/// scope of all units and each agency; two amounts per vendor. Their
/// lengths are known before anything is simulated.
pub fn statistics_rows_per_period(s: &Scenario) -> [(usize, String); 3] {
    let (tiers, agencies, vendors) = (s.tiers.len(), s.agencies.len(), s.vendors.len());
    let scopes = 1 + tiers + agencies;
    let (tier_count, vendor_count) = (count(tiers as u64, "tier"), count(vendors as u64, "vendor"));
    let agency_count = match agencies {
        1 => "1 agency".to_string(),
        n => format!("{n} agencies"),
    };
    [
        (
            scopes * vendors * 2,
            format!("all units, {tier_count} and {agency_count} x {vendor_count} x 2 shares"),
        ),
        (
            (1 + agencies) * 2,
            format!("all units and {agency_count} x 2 measures"),
        ),
        (vendors * 2, format!("{vendor_count} x 2 measures")),
    ]
}

/// The rows of `shares.csv`, `adoption.csv` and `revenue.csv` of scenario
/// `s` (the first three of [`STATISTICS_FILES`]), headers aside: those of
/// [`statistics_rows_per_period`] over every period.
pub fn statistics_rows(s: &Scenario) -> [usize; 3] {
    let periods = s.calendar.periods as usize;
    statistics_rows_per_period(s).map(|(rows, _)| rows.saturating_mul(periods))
}

/// Columns that Excel and LibreOffice Calc (from 7.4) open in one sheet.
pub const SPREADSHEET_COLUMNS: usize = 16_384;

/// The columns of `shares_wide.csv`, the only file whose width grows with
/// the scenario: the period, the date and one per vendor.
pub fn shares_wide_columns(s: &Scenario) -> usize {
    2 + s.vendors.len()
}

/// The statistics files of `sharecast run`, in the order it writes them
/// ([`statistics_files`] gives their contents).
pub const STATISTICS_FILES: [&str; 5] = [
    "shares.csv",
    "adoption.csv",
    "revenue.csv",
    "shares_wide.csv",
    "summary.csv",
];

/// The files of `sharecast compare`, in the order it writes them
/// ([`comparison_files`] gives their contents).
pub const COMPARISON_FILES: [&str; 3] =
    ["shares_diff.csv", "adoption_diff.csv", "revenue_diff.csv"];

/// The files of `sharecast sweep`, in the order it writes them: those of
/// `run` but the wide one, every value's rows after a first column holding
/// the value ([`SweepFiles`] fills them).
pub const SWEEP_FILES: [&str; 4] = [
    "sweep_shares.csv",
    "sweep_adoption.csv",
    "sweep_revenue.csv",
    "sweep_summary.csv",
];

/// The files of a sweep, filled one value at a time: after the projection
/// of every value is appended, [`SweepFiles::finish`] gives what
/// `sharecast sweep` writes, byte for byte, for those projections.
#[derive(Debug)]
pub struct SweepFiles {
    tables: [StackedCsv; 4],
}

impl SweepFiles {
    /// Empty files whose first column is named `path` (the varied path, as
    /// [`crate::sweep::Sweep::path`] holds it).
    pub fn new(path: &str) -> SweepFiles {
        SweepFiles {
            tables: SWEEP_FILES.map(|_| StackedCsv::new(path)),
        }
    }

    /// Appends projection `p` of `s`, the scenario with the value applied;
    /// `value` is what the first column says
    /// ([`crate::sweep::SweepValue::column`]). Formats on the current rayon
    /// pool.
    ///
    /// # Panics
    /// If `p` is not a projection of a scenario of `s`'s shape.
    pub fn append(&mut self, value: &str, s: &Scenario, p: &Projection) {
        let [shares, adoption, revenue] = long_csvs(s, p);
        let summary = summary_csv(s, p);
        for (table, bytes) in self
            .tables
            .iter_mut()
            .zip([shares, adoption, revenue, summary])
        {
            table.append(value, &bytes);
        }
    }

    /// Rows of each file so far, headers included, in [`SWEEP_FILES`]'s
    /// order.
    pub fn rows(&self) -> [usize; 4] {
        self.tables.each_ref().map(StackedCsv::rows)
    }

    /// The files, named as [`SWEEP_FILES`]; empty (not even a header row)
    /// when nothing was appended.
    pub fn finish(self) -> Vec<OutputFile> {
        named(SWEEP_FILES, self.tables.map(StackedCsv::finish))
    }
}

/// `shares.csv`, `adoption.csv` and `revenue.csv` of projection `p` of `s`,
/// formatted at the same time on the current rayon pool.
pub fn long_csvs(s: &Scenario, p: &Projection) -> [Vec<u8>; 3] {
    long_csvs_watched(s, p, &|_| {})
}

/// [`long_csvs`], telling `done` the rows of each chunk written.
fn long_csvs_watched(s: &Scenario, p: &Projection, done: &(dyn Fn(usize) + Sync)) -> [Vec<u8>; 3] {
    let (shares, (adoption, revenue)) = rayon::join(
        || shares_csv_watched(s, p, done),
        || {
            rayon::join(
                || adoption_csv_watched(s, p, done),
                || revenue_csv_watched(s, p, done),
            )
        },
    );
    [shares, adoption, revenue]
}

/// Every statistics file `sharecast run` writes for projection `p` of `s`,
/// named as [`STATISTICS_FILES`] and in its order, byte for byte the
/// command's (`runs.csv` and `manifest.json` aside); give them to
/// [`output::write_files`](crate::output::write_files) to write them whole.
///
/// # Panics
/// If `p` is not a projection of a scenario of the shape of `s`.
pub fn statistics_files(s: &Scenario, p: &Projection) -> Vec<OutputFile> {
    statistics_files_watched(s, p, &|_| {})
}

/// [`statistics_files`], telling `done` the rows of `shares.csv`,
/// `adoption.csv` and `revenue.csv` as they are written (the command
/// line's progress bar: for a market of thousands of agencies these take
/// seconds).
pub(crate) fn statistics_files_watched(
    s: &Scenario,
    p: &Projection,
    done: &(dyn Fn(usize) + Sync),
) -> Vec<OutputFile> {
    let [shares, adoption, revenue] = long_csvs_watched(s, p, done);
    let contents = [
        shares,
        adoption,
        revenue,
        shares_wide_csv(s, p),
        summary_csv(s, p),
    ];
    named(STATISTICS_FILES, contents)
}

/// Every file `sharecast compare` writes for comparison `c` (whose
/// baseline is `baseline`), named as [`COMPARISON_FILES`] and in its order
/// (`manifest.json` aside).
///
/// # Panics
/// If `c` is not a comparison of scenarios of the shape of `baseline`.
pub fn comparison_files(baseline: &Scenario, c: &Comparison) -> Vec<OutputFile> {
    let contents = [
        shares_diff_csv(baseline, c),
        adoption_diff_csv(baseline, c),
        revenue_diff_csv(baseline, c),
    ];
    named(COMPARISON_FILES, contents)
}

/// Each of `contents` as a file named by `names`, in order.
pub fn named<const N: usize>(names: [&str; N], contents: [Vec<u8>; N]) -> Vec<OutputFile> {
    names
        .into_iter()
        .zip(contents)
        .map(|(name, bytes)| OutputFile {
            name: name.into(),
            bytes,
        })
        .collect()
}

/// A number as the CSVs write it: 6 decimals, plain notation, no `-0`.
/// Halves round away from zero, as a spreadsheet's `ROUND(x, 6)` does
/// (`0.0078125` is `0.007813`), not to even as Rust's formatting would.
/// As in a spreadsheet, below 10^8 (where its 15 significant digits reach
/// the seventh decimal) a value is a half when those digits say so: the
/// count share 127/640 = 0.1984375, stored as 0.19843749999999998..., is
/// `0.198438`. Every other value is written as `format!("{x:.6}")` writes
/// it. `x` must be finite: the CSVs write an undefined value as an empty
/// cell, never as `NaN` (a debug build checks; a release build would write
/// `NaN`).
pub fn number(x: f64) -> String {
    debug_assert!(x.is_finite(), "only finite numbers reach the CSVs");
    // Most values lie far from a half in the seventh decimal: then x * 10^6
    // rounded in binary is on the same side of the half as the exact
    // product, and rounding it to a whole number of millionths is what
    // `{x:.6}` writes, without formatting a float.
    let millionths = (x * 1e6).abs();
    if far_from_a_half(millionths) {
        let whole = millionths.round() as u128;
        return in_millionths(x < 0.0 && whole > 0, whole);
    }
    number_formatted(x)
}

/// Whether `millionths`, |x| * 10^6 as computed, is below 10^14 (10^8 in
/// units) and so far from a half that neither the product's rounding nor
/// rounding x to 15 significant digits (which moves a value by at most
/// 5e-15 of itself; the second term covers the product) can make it one.
fn far_from_a_half(millionths: f64) -> bool {
    millionths < 1e14 && (millionths.fract() - 0.5).abs() > millionths * 1e-14 + 1e-9
}

/// [`number`] for any finite `x`, by formatting it: its halves, and `{x:.6}`
/// otherwise.
fn number_formatted(x: f64) -> String {
    let text = match half_in_fifteen_digits(x) {
        Some(text) => text,
        None if is_halfway(x) => away_from_zero(x),
        None => format!("{x:.6}"),
    };
    if text.starts_with('-') && text[1..].bytes().all(|b| b == b'0' || b == b'.') {
        text[1..].to_string()
    } else {
        text
    }
}

/// `x` rounded to 6 decimals away from zero when, below 10^8, its 15
/// significant digits (correctly rounded, as a spreadsheet keeps them) put
/// it exactly halfway between two multiples of 10^-6; `None` otherwise.
fn half_in_fifteen_digits(x: f64) -> Option<String> {
    let millionths = (x * 1e6).abs();
    if millionths >= 1e14 || far_from_a_half(millionths) {
        return None;
    }
    let scientific = format!("{:.14e}", x.abs());
    let (mantissa, exponent) = scientific.split_once('e')?;
    let digits: u128 = mantissa.replace('.', "").parse().ok()?;
    let exponent: i32 = exponent.parse().ok()?;
    // |x| = digits * 10^(exponent - 14): digits * 10^(exponent - 8)
    // millionths, a half only when that divides with a remainder of half
    // the divisor (below 5e-21 no 15 digits make a half).
    let shift = exponent - 8;
    if !(-20..0).contains(&shift) {
        return None;
    }
    let divisor = 10u128.pow(shift.unsigned_abs());
    if digits % divisor != divisor / 2 {
        return None;
    }
    Some(in_millionths(x < 0.0, digits / divisor + 1))
}

/// `millionths` millionths, negative when `negative`, with 6 decimals:
/// digit by digit below 2^64, which nearly every value is (most cells of
/// the CSVs are written here), rather than through the formatting
/// machinery.
fn in_millionths(negative: bool, millionths: u128) -> String {
    let Ok(mut rest) = u64::try_from(millionths) else {
        let sign = if negative { "-" } else { "" };
        return format!(
            "{sign}{}.{:06}",
            millionths / 1_000_000,
            millionths % 1_000_000
        );
    };
    // At most 20 digits, the point and the sign.
    let mut text = [0u8; 22];
    let mut at = text.len();
    let mut digits = 0;
    while digits < 7 || rest > 0 {
        if digits == 6 {
            at -= 1;
            text[at] = b'.';
        }
        at -= 1;
        text[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        digits += 1;
    }
    if negative {
        at -= 1;
        text[at] = b'-';
    }
    String::from_utf8(text[at..].to_vec()).expect("ASCII digits")
}

/// Whether `x` lies exactly halfway between two multiples of 10^-6. A
/// binary number does so only when it is an odd multiple of 1/128 (its
/// decimal expansion then ends in a 5 at the seventh place).
fn is_halfway(x: f64) -> bool {
    let scaled = x * 128.0;
    scaled.fract() == 0.0 && scaled.abs() < 2f64.powi(53) && (scaled as i64) % 2 != 0
}

/// A halfway `x` rounded to 6 decimals away from zero. Its 7-decimal
/// expansion is exact, so the rounding is done on those digits.
fn away_from_zero(x: f64) -> String {
    let exact = format!("{:.7}", x.abs()).replace('.', "");
    let tenths_of_millionths: u128 = exact.parse().expect("digits of a finite number");
    in_millionths(x < 0.0, (tenths_of_millionths + 5) / 10)
}

fn optional(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

/// `runs,mean,sd,p05,p25,p50,p75,p95` cells of a row.
fn stat_cells(s: &Option<Summary>) -> Vec<String> {
    match s {
        None => {
            let mut cells = vec!["0".to_string()];
            cells.extend(std::iter::repeat_n(String::new(), 7));
            cells
        }
        Some(s) => {
            let mut cells = vec![s.runs.to_string(), number(s.mean), optional(s.sd)];
            cells.extend(s.percentiles.iter().map(|&p| number(p)));
            cells
        }
    }
}

const STAT_HEADER: [&str; 8] = ["runs", "mean", "sd", "p05", "p25", "p50", "p75", "p95"];

fn finish(w: Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

fn write_row<I, T>(w: &mut Writer<Vec<u8>>, cells: I)
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    w.write_record(cells)
        .expect("writing to memory cannot fail");
}

/// A statistics file: `period,date`, the `labels` columns, then the
/// `stat_header` columns. Each of `rows` gives (through `row`) its period,
/// its label cells and its summary, which `stats` turns into cells; the
/// date is formatted once per period. Formatted in chunks of rows on the
/// current rayon pool, a batch of chunks at a time, so that a file of
/// millions of rows takes all the threads and its text is held once (with
/// one batch beside it), byte for byte what one thread writes; `done` is
/// told the rows of each chunk written.
fn statistics_csv<'a, R: Sync, T: 'a, const N: usize>(
    s: &Scenario,
    labels: [&str; N],
    stat_header: &[&str],
    rows: &'a [R],
    row: impl Fn(&'a R) -> (usize, [&'a str; N], &'a T) + Sync,
    stats: impl Fn(&T) -> Vec<String> + Sync,
    done: &(dyn Fn(usize) + Sync),
) -> Vec<u8> {
    use rayon::prelude::*;
    const CHUNK_ROWS: usize = 4096;
    let mut w = Writer::from_writer(Vec::new());
    write_row(
        &mut w,
        ["period", "date"]
            .into_iter()
            .chain(labels)
            .chain(stat_header.iter().copied()),
    );
    let mut out = finish(w);
    let chunk = |chunk: &'a [R]| {
        let mut w = Writer::from_writer(Vec::with_capacity(chunk.len() * 96));
        let mut dated: Option<(usize, String, String)> = None;
        for r in chunk {
            let (period, labels, summary) = row(r);
            if dated.as_ref().is_none_or(|(t, ..)| *t != period) {
                dated = Some((period, period.to_string(), s.calendar.date(period as u32)));
            }
            let (_, period_cell, date) = dated.as_ref().expect("set just above");
            let stats = stats(summary);
            write_row(
                &mut w,
                [period_cell.as_str(), date.as_str()]
                    .into_iter()
                    .chain(labels)
                    .chain(stats.iter().map(String::as_str)),
            );
        }
        done(chunk.len());
        finish(w)
    };
    let batch_rows = CHUNK_ROWS * 2 * rayon::current_num_threads().max(1);
    for batch in rows.chunks(batch_rows) {
        let parts: Vec<Vec<u8>> = batch.par_chunks(CHUNK_ROWS).map(chunk).collect();
        for part in parts {
            out.extend_from_slice(&part);
        }
    }
    out
}

const SHARE_LABELS: [&str; 4] = ["agency", "tier", "vendor", "metric"];
const ADOPTION_LABELS: [&str; 2] = ["agency", "measure"];
const REVENUE_LABELS: [&str; 2] = ["vendor", "measure"];

/// The `agency,tier,vendor,metric` cells of a share row, its vendor named
/// `vendor`.
fn share_labels<'a, T>(s: &'a Scenario, vendor: &'a str, row: &ShareRow<T>) -> [&'a str; 4] {
    let (agency, tier) = match row.scope {
        Scope::All => ("all", "all"),
        Scope::Agency(a) => (s.agencies[a].name.as_str(), "all"),
        Scope::Tier(k) => ("all", s.tiers[k].as_str()),
    };
    let metric = match row.metric {
        ShareMetric::CountShare => "count_share",
        ShareMetric::ValueShare => "value_share",
    };
    [agency, tier, vendor, metric]
}

/// The `agency,measure` cells of an adoption row.
fn adoption_labels<'a, T>(s: &'a Scenario, row: &AdoptionRow<T>) -> [&'a str; 2] {
    let agency = row.agency.map_or("all", |a| s.agencies[a].name.as_str());
    let measure = match row.measure {
        AdoptionMeasure::UnderContract => "under_contract",
        AdoptionMeasure::Waiting => "waiting",
    };
    [agency, measure]
}

/// The `vendor,measure` cells of a revenue row, its vendor named `vendor`.
fn revenue_labels<'a, T>(vendor: &'a str, row: &RevenueRow<T>) -> [&'a str; 2] {
    let measure = match row.measure {
        RevenueMeasure::Revenue => "revenue",
        RevenueMeasure::CumulativeRevenue => "cumulative_revenue",
    };
    [vendor, measure]
}

/// Whether every row names a period, vendor, agency and tier that exist:
/// a scenario has `vendors` vendors here (a comparison's own list).
fn rows_fit<T>(
    s: &Scenario,
    vendors: usize,
    shares: &[ShareRow<T>],
    adoption: &[AdoptionRow<T>],
    revenue: &[RevenueRow<T>],
) -> bool {
    let periods = s.calendar.periods as usize;
    let (tiers, agencies) = (s.tiers.len(), s.agencies.len());
    let scope_fits = |scope| match scope {
        Scope::All => true,
        Scope::Tier(k) => k < tiers,
        Scope::Agency(a) => a < agencies,
    };
    shares
        .iter()
        .all(|r| r.period < periods && r.vendor < vendors && scope_fits(r.scope))
        && adoption
            .iter()
            .all(|r| r.period < periods && r.agency.is_none_or(|a| a < agencies))
        && revenue
            .iter()
            .all(|r| r.period < periods && r.vendor < vendors)
}

/// Panics unless `p` has the rows of a projection of a scenario shaped
/// like `s` (its periods, vendors, agencies and tiers): the exporters label
/// rows by `s`'s names, so a projection of another shape would index past
/// them or be written under the wrong names. (One of another scenario of
/// the same shape cannot be told apart.)
fn assert_projection_of(s: &Scenario, p: &Projection) {
    let (periods, vendors) = (s.calendar.periods as usize, s.vendors.len());
    let agencies = s.agencies.len();
    let counts = [
        (
            "shares",
            p.shares.len(),
            periods * 2 * vendors * share_scopes(s).len(),
        ),
        ("adoption", p.adoption.len(), periods * 2 * (1 + agencies)),
        ("revenue", p.revenue.len(), periods * 2 * vendors),
        ("outlook", p.outlook.len(), vendors),
    ];
    for (what, rows, expected) in counts {
        assert!(
            rows == expected,
            "the projection has {rows} {what} rows where a projection of '{}' has {expected}: \
             it was made from a scenario of another shape",
            s.name
        );
    }
    assert!(
        rows_fit(s, vendors, &p.shares, &p.adoption, &p.revenue)
            && p.outlook.iter().all(|o| o.vendor < vendors),
        "the projection's rows name periods, vendors, agencies or tiers that '{}' does not \
         have: it was made from a scenario of another shape",
        s.name
    );
}

/// Panics unless every row of `c` names a period, agency and tier of
/// `baseline` and one of the comparison's vendors, and its rows end at
/// `baseline`'s last period (one of a shorter horizon ends earlier).
pub(crate) fn assert_comparison_of(baseline: &Scenario, c: &Comparison) {
    assert!(
        rows_fit(
            baseline,
            c.vendors.len(),
            &c.shares,
            &c.adoption,
            &c.revenue
        ),
        "the comparison's rows name periods, agencies or tiers that '{}' does not have: it \
         was made with a baseline of another shape",
        baseline.name
    );
    assert!(
        c.adoption.iter().map(|r| r.period).max()
            == (baseline.calendar.periods as usize).checked_sub(1),
        "the comparison's rows do not end at the last period of '{}': it was made with a \
         baseline of another horizon",
        baseline.name
    );
}

/// `shares.csv` of `sharecast run`.
///
/// # Panics
/// If `p`'s rows do not fit `s`'s periods, vendors, agencies and tiers
/// (a projection of a scenario of another shape).
pub fn shares_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    shares_csv_watched(s, p, &|_| {})
}

/// [`shares_csv`], telling `done` the rows of each chunk written.
fn shares_csv_watched(s: &Scenario, p: &Projection, done: &(dyn Fn(usize) + Sync)) -> Vec<u8> {
    assert_projection_of(s, p);
    statistics_csv(
        s,
        SHARE_LABELS,
        &STAT_HEADER,
        &p.shares,
        |row| {
            let vendor = s.vendors[row.vendor].name.as_str();
            (row.period, share_labels(s, vendor, row), &row.summary)
        },
        stat_cells,
        done,
    )
}

/// `adoption.csv` of `sharecast run`.
///
/// # Panics
/// If `p`'s rows do not fit `s`'s periods, vendors, agencies and tiers
/// (a projection of a scenario of another shape).
pub fn adoption_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    adoption_csv_watched(s, p, &|_| {})
}

/// [`adoption_csv`], telling `done` the rows of each chunk written.
fn adoption_csv_watched(s: &Scenario, p: &Projection, done: &(dyn Fn(usize) + Sync)) -> Vec<u8> {
    assert_projection_of(s, p);
    statistics_csv(
        s,
        ADOPTION_LABELS,
        &STAT_HEADER,
        &p.adoption,
        |row| (row.period, adoption_labels(s, row), &row.summary),
        stat_cells,
        done,
    )
}

/// `revenue.csv` of `sharecast run`.
///
/// # Panics
/// If `p`'s rows do not fit `s`'s periods, vendors, agencies and tiers
/// (a projection of a scenario of another shape).
pub fn revenue_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    revenue_csv_watched(s, p, &|_| {})
}

/// [`revenue_csv`], telling `done` the rows of each chunk written.
fn revenue_csv_watched(s: &Scenario, p: &Projection, done: &(dyn Fn(usize) + Sync)) -> Vec<u8> {
    assert_projection_of(s, p);
    statistics_csv(
        s,
        REVENUE_LABELS,
        &STAT_HEADER,
        &p.revenue,
        |row| {
            let vendor = s.vendors[row.vendor].name.as_str();
            (row.period, revenue_labels(vendor, row), &row.summary)
        },
        stat_cells,
        done,
    )
}

/// The statistics columns of the `compare` files.
const PAIRED_HEADER: [&str; 13] = [
    "runs",
    "baseline_mean",
    "counterfactual_mean",
    "diff_mean",
    "diff_sd",
    "diff_se",
    "diff_p05",
    "diff_p25",
    "diff_p50",
    "diff_p75",
    "diff_p95",
    "frac_higher",
    "frac_lower",
];

/// The [`PAIRED_HEADER`] cells of a row; `runs` 0 and empty cells when no
/// run defines the row in both scenarios.
fn paired_cells(p: &Option<Paired>) -> Vec<String> {
    match p {
        None => {
            let mut cells = vec!["0".to_string()];
            cells.extend(std::iter::repeat_n(String::new(), PAIRED_HEADER.len() - 1));
            cells
        }
        Some(p) => {
            let d = &p.difference;
            let mut cells = vec![
                d.runs.to_string(),
                number(p.baseline_mean),
                number(p.counterfactual_mean),
                number(d.mean),
                optional(d.sd),
                optional(p.standard_error()),
            ];
            cells.extend(d.percentiles.iter().map(|&x| number(x)));
            cells.push(number(p.frac_higher));
            cells.push(number(p.frac_lower));
            cells
        }
    }
}

/// `shares_diff.csv` of `sharecast compare`; agency and tier names are the
/// baseline's, vendor names the comparison's.
///
/// # Panics
/// If `c`'s rows do not fit `baseline`'s periods, agencies and tiers.
pub fn shares_diff_csv(baseline: &Scenario, c: &Comparison) -> Vec<u8> {
    assert_comparison_of(baseline, c);
    statistics_csv(
        baseline,
        SHARE_LABELS,
        &PAIRED_HEADER,
        &c.shares,
        |row| {
            let vendor = c.vendors[row.vendor].as_str();
            (
                row.period,
                share_labels(baseline, vendor, row),
                &row.summary,
            )
        },
        paired_cells,
        &|_| {},
    )
}

/// `adoption_diff.csv` of `sharecast compare`.
///
/// # Panics
/// If `c`'s rows do not fit `baseline`'s periods, agencies and tiers.
pub fn adoption_diff_csv(baseline: &Scenario, c: &Comparison) -> Vec<u8> {
    assert_comparison_of(baseline, c);
    statistics_csv(
        baseline,
        ADOPTION_LABELS,
        &PAIRED_HEADER,
        &c.adoption,
        |row| (row.period, adoption_labels(baseline, row), &row.summary),
        paired_cells,
        &|_| {},
    )
}

/// `revenue_diff.csv` of `sharecast compare`.
///
/// # Panics
/// If `c`'s rows do not fit `baseline`'s periods, agencies and tiers.
pub fn revenue_diff_csv(baseline: &Scenario, c: &Comparison) -> Vec<u8> {
    assert_comparison_of(baseline, c);
    statistics_csv(
        baseline,
        REVENUE_LABELS,
        &PAIRED_HEADER,
        &c.revenue,
        |row| {
            (
                row.period,
                revenue_labels(&c.vendors[row.vendor], row),
                &row.summary,
            )
        },
        paired_cells,
        &|_| {},
    )
}

/// One column per vendor: the mean count share over all units, ready to
/// chart as a line or stacked-area chart.
///
/// # Panics
/// If `p`'s rows do not fit `s`'s periods, vendors, agencies and tiers
/// (a projection of a scenario of another shape).
pub fn shares_wide_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    assert_projection_of(s, p);
    let mut w = Writer::from_writer(Vec::new());
    let mut header = vec!["period".to_string(), "date".to_string()];
    header.extend(s.vendors.iter().map(|v| v.name.clone()));
    write_row(&mut w, header);
    // The all-units count-share rows: one per vendor and period, in order.
    let means: Vec<String> = p
        .shares
        .iter()
        .filter(|r| r.scope == Scope::All && r.metric == ShareMetric::CountShare)
        .map(|r| optional(r.summary.map(|s| s.mean)))
        .collect();
    for (t, means) in means.chunks(s.vendors.len()).enumerate() {
        let dated = [t.to_string(), s.calendar.date(t as u32)];
        write_row(&mut w, dated.into_iter().chain(means.iter().cloned()));
    }
    finish(w)
}

/// One row per vendor at the last period.
///
/// # Panics
/// If `p`'s rows do not fit `s`'s periods, vendors, agencies and tiers
/// (a projection of a scenario of another shape).
pub fn summary_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    assert_projection_of(s, p);
    let mut w = Writer::from_writer(Vec::new());
    write_row(
        &mut w,
        [
            "period",
            "date",
            "vendor",
            "runs",
            "mean_share",
            "p05_share",
            "p50_share",
            "p95_share",
            "prob_leader",
            "mean_cumulative_revenue",
        ],
    );
    let last = s
        .calendar
        .periods
        .checked_sub(1)
        .expect("a scenario needs at least one period; check it with Scenario::verify");
    for o in &p.outlook {
        let share = o.share;
        write_row(
            &mut w,
            [
                last.to_string(),
                s.calendar.date(last),
                s.vendors[o.vendor].name.clone(),
                share.map_or(0, |s| s.runs).to_string(),
                optional(share.map(|s| s.mean)),
                optional(share.map(|s| s.p05())),
                optional(share.map(|s| s.median())),
                optional(share.map(|s| s.p95())),
                // Of no runs there is no leader and no revenue to average:
                // empty, as the share cells are.
                optional(o.prob_leader),
                optional(o.mean_cumulative_revenue),
            ],
        );
    }
    finish(w)
}

/// Every run's contracts and count share per vendor (scope: all units).
/// Each run is numbered by the index of its random stream: `tallies` are
/// the runs `first_run`, `first_run + 1`, ... (`sharecast run` simulates
/// runs from 0), so the files of ranges simulated separately concatenate
/// to the file of the whole, once every file's header row but the first is
/// dropped.
///
/// `simulate_all` gives run records; [`Tally::of_runs`] makes them tallies.
///
/// # Panics
/// If `s` fails [`Scenario::verify`], the tallies do not have the shape of
/// runs of `s`, or the run numbers would pass `u64::MAX`.
pub fn runs_csv(s: &Scenario, tallies: &[Tally], first_run: u64) -> Vec<u8> {
    let d = Dims::of(s);
    crate::tally::assert_runs_of(tallies, s);
    assert!(
        tallies.is_empty() || first_run.checked_add(tallies.len() as u64 - 1).is_some(),
        "{} runs from run {first_run} would be numbered past {}",
        tallies.len(),
        u64::MAX
    );
    let mut w = Writer::from_writer(Vec::with_capacity(
        tallies.len() * d.periods * d.vendors * 32,
    ));
    write_row(
        &mut w,
        ["run", "period", "vendor", "contracts", "count_share"],
    );
    let mut counts = vec![0u64; d.vendors];
    for (run, r) in (first_run..).zip(tallies) {
        let run = run.to_string();
        for t in 0..d.periods {
            r.vendor_contracts(d, t, &mut counts);
            let total: u64 = counts.iter().sum();
            for (v, &c) in counts.iter().enumerate() {
                let share = measures::share(c as f64, total as f64);
                write_row(
                    &mut w,
                    [
                        run.clone(),
                        t.to_string(),
                        s.vendors[v].name.clone(),
                        c.to_string(),
                        optional(share),
                    ],
                );
            }
        }
    }
    finish(w)
}

/// Whether `file` holds exactly what [`runs_csv`] writes for `tallies`
/// (runs numbered from 0), compared a slice of runs at a time (about
/// 16,384 rows, at least one run) so that the whole file is never held in
/// memory. The last slice is compared with the
/// end of the file first, so a file of another number of runs (or, almost
/// always, of other numbers) is refused without reading the rest; then
/// the whole file, stopping at the first difference.
///
/// # Errors
/// When `file` cannot be read or sought.
///
/// # Panics
/// As [`runs_csv`].
pub fn holds_runs_csv(
    s: &Scenario,
    tallies: &[Tally],
    file: impl std::io::Read + std::io::Seek,
) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    // Slices of about 16,384 rows (half a megabyte of text, held twice: as
    // written and as read), of 1 to 64 runs: a long horizon or many vendors
    // make few runs a slice, so the check never needs much memory.
    const ROWS_AT_ONCE: usize = 1 << 14;
    let rows_per_run = (s.calendar.periods as usize).saturating_mul(s.vendors.len());
    let runs_at_once = (ROWS_AT_ONCE / rows_per_run.max(1)).clamp(1, 64);
    let slices: Vec<&[Tally]> = if tallies.is_empty() {
        vec![tallies]
    } else {
        tallies.chunks(runs_at_once).collect()
    };
    // Each slice's text as the file holds it: every slice's CSV starts with
    // the header, which the file has once, at its start.
    let slice_text = |i: usize| {
        let bytes = runs_csv(s, slices[i], (i * runs_at_once) as u64);
        if i == 0 {
            bytes
        } else {
            let header_end = bytes.iter().position(|&b| b == b'\n').map_or(0, |n| n + 1);
            bytes[header_end..].to_vec()
        }
    };
    let mut file = std::io::BufReader::new(file);
    let mut read = Vec::new();
    let mut matches = |file: &mut std::io::BufReader<_>, expected: &[u8]| {
        read.clear();
        file.by_ref()
            .take(expected.len() as u64)
            .read_to_end(&mut read)
            .map(|_| read == expected)
    };
    let last = slice_text(slices.len() - 1);
    let size = file.seek(SeekFrom::End(0))?;
    let Some(tail) = size.checked_sub(last.len() as u64) else {
        return Ok(false);
    };
    file.seek(SeekFrom::Start(tail))?;
    if !matches(&mut file, &last)? {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(0))?;
    let mut at = 0;
    for i in 0..slices.len() {
        let text;
        let expected: &[u8] = if i + 1 == slices.len() {
            &last
        } else {
            text = slice_text(i);
            &text
        };
        if !matches(&mut file, expected)? {
            return Ok(false);
        }
        at += expected.len() as u64;
    }
    // Nothing may follow.
    Ok(at == size)
}

/// Files of the same columns stacked into one, each row after a leading
/// column that says which file it came from: how `sharecast sweep` puts the
/// files of every value in one table.
pub struct StackedCsv {
    column: String,
    writer: Writer<Vec<u8>>,
    header: Option<csv::StringRecord>,
    rows: usize,
}

/// The leading column, the header and how many rows it holds so far.
impl std::fmt::Debug for StackedCsv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StackedCsv")
            .field("column", &self.column)
            .field("header", &self.header)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl StackedCsv {
    /// An empty table whose leading column is named `column`.
    pub fn new(column: &str) -> StackedCsv {
        StackedCsv {
            column: column.to_string(),
            writer: Writer::from_writer(Vec::new()),
            header: None,
            rows: 0,
        }
    }

    /// Appends the rows of `csv` (one of this module's files) with `value`
    /// in the leading column. Every file appended has the same header.
    ///
    /// # Panics
    /// If `csv` has another header than the files appended before, or is
    /// not well-formed CSV with a header row.
    pub fn append(&mut self, value: &str, csv: &[u8]) {
        let mut reader = csv::Reader::from_reader(csv);
        let header = reader
            .headers()
            .expect("this module's files have a header")
            .clone();
        match &self.header {
            None => {
                write_row(
                    &mut self.writer,
                    std::iter::once(self.column.as_str()).chain(header.iter()),
                );
                self.header = Some(header);
            }
            Some(first) => assert_eq!(first, &header, "stacked files share their columns"),
        }
        for row in reader.records() {
            let row = row.expect("this module's files are well-formed CSV");
            write_row(&mut self.writer, std::iter::once(value).chain(row.iter()));
            self.rows += 1;
        }
    }

    /// Rows so far, the header included.
    pub fn rows(&self) -> usize {
        self.rows + usize::from(self.header.is_some())
    }

    /// The stacked table's bytes.
    pub fn finish(self) -> Vec<u8> {
        finish(self.writer)
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    /// The statistics columns of `run` and `compare` name the percentiles
    /// the statistics compute, in their order.
    #[test]
    fn the_percentile_columns_are_the_percentiles_computed() {
        let named: Vec<String> = crate::stats::PERCENTILES
            .iter()
            .map(|p| format!("p{p:02}"))
            .collect();
        assert_eq!(super::STAT_HEADER[3..], named);
        let differences: Vec<String> = named.iter().map(|p| format!("diff_{p}")).collect();
        assert_eq!(super::PAIRED_HEADER[6..11], differences);
    }

    #[test]
    fn a_spreadsheet_opens_1048576_rows_and_no_more() {
        assert!(!super::too_long_for_a_spreadsheet(1_048_576));
        assert!(super::too_long_for_a_spreadsheet(1_048_577));
    }

    /// The rows foreseen before simulating are the rows written, for each
    /// shipped scenario.
    #[test]
    fn the_rows_foreseen_are_the_rows_written() {
        for file in ["gov-ai-2026.toml", "minimal.toml", "bench/large.toml"] {
            let path = format!("{}/scenarios/{file}", env!("CARGO_MANIFEST_DIR"));
            let s = crate::scenario::load(&path).unwrap();
            let p = crate::measures::simulate_and_project(
                &s,
                1,
                0..2,
                crate::engine::EngineKind::Counts,
            )
            .unwrap();
            let [shares, adoption, revenue] = super::statistics_rows(&s);
            assert_eq!(shares, p.shares.len(), "{file}");
            assert_eq!(adoption, p.adoption.len(), "{file}");
            assert_eq!(revenue, p.revenue.len(), "{file}");
            let lines = |csv: Vec<u8>| csv.iter().filter(|&&b| b == b'\n').count();
            assert_eq!(lines(super::shares_csv(&s, &p)), shares + 1, "{file}");
        }
    }

    #[test]
    fn numbers_are_plain_with_six_decimals() {
        assert_eq!(number(0.5), "0.500000");
        assert_eq!(number(1e-9), "0.000000");
        assert_eq!(number(-1e-9), "0.000000");
        assert_eq!(number(-0.25), "-0.250000");
        assert_eq!(number(1.5e12), "1500000000000.000000");
        assert_eq!(number(2.0 / 3.0), "0.666667");
    }

    #[test]
    fn halves_round_away_from_zero_like_a_spreadsheet() {
        assert_eq!(number(1.0 / 128.0), "0.007813");
        assert_eq!(number(-1.0 / 128.0), "-0.007813");
        assert_eq!(number(127.0 / 128.0), "0.992188");
        assert_eq!(number(3.0 / 128.0), "0.023438");
        assert_eq!(number(12_345.0 + 1.0 / 128.0), "12345.007813");
        // Not halfway: the nearest multiple wins either way.
        assert_eq!(number(1.0 / 64.0), "0.015625");
        assert_eq!(number(0.0078125 + 1e-12), "0.007813");
        assert_eq!(number(0.0078125 - 1e-12), "0.007812");
        assert_eq!(number(-(7.0 + 127.0 / 128.0)), "-7.992188");
        for j in (1..=255).step_by(2) {
            let x = f64::from(j) / 128.0;
            let expected = (x * 1e6 + 0.5).floor() / 1e6;
            assert_eq!(number(x), format!("{expected:.6}"), "{j}/128");
        }
        // Halves a binary number cannot hold exactly count as halves, as
        // their 15 significant digits (what a spreadsheet keeps) say.
        assert_eq!(number(127.0 / 640.0), "0.198438");
        assert_eq!(number(121.0 / 640.0), "0.189063");
        assert_eq!(number(-169.0 / 640.0), "-0.264063");
        assert_eq!(number(0.0000005), "0.000001");
        assert_eq!(number(1_234.567_890_5), "1234.567891");
        // Up to 10^8 the 15 digits decide; beyond, only exact halves are
        // halves, and they round away from zero too.
        assert_eq!(number(13_091_584.389_231_482), "13091584.389232");
        assert_eq!(number(123_456_789.007_812_5), "123456789.007813");
        assert_eq!(number(1_234_567_890.007_812_5), "1234567890.007813");
        assert_eq!(number(-4_600_000_000.007_812_5), "-4600000000.007813");
    }

    /// The quick path writes what formatting writes: for values of every
    /// size and sign, whole multiples of a millionth, and values within a
    /// few units in the last place of a half.
    #[test]
    fn the_quick_path_writes_what_formatting_writes() {
        use super::number_formatted;
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state
        };
        for _ in 0..400_000 {
            let bits = next();
            let unit = (bits >> 11) as f64 / (1u64 << 53) as f64;
            let magnitude = 10f64.powi((bits % 19) as i32 - 9);
            let sign = if bits & 1 == 1 { -1.0 } else { 1.0 };
            let x = sign * unit * magnitude;
            let millionths = (next() % 100_000_000_000) as f64;
            let near_half = f64::from_bits(((millionths + 0.5) / 1e6).to_bits() + (next() % 9) - 4);
            let whole = millionths / 1e6;
            for x in [x, near_half, -near_half, whole, -whole, x.trunc()] {
                assert_eq!(number(x), number_formatted(x), "{x:e}");
            }
        }
    }

    /// Millionths are written digit by digit as formatting writes them, at
    /// every length, below 2^64 and beyond.
    #[test]
    fn millionths_are_written_digit_by_digit_as_formatted() {
        use super::in_millionths;
        let big = u128::from(u64::MAX);
        for m in [
            0,
            1,
            9,
            10,
            999_999,
            1_000_000,
            1_000_001,
            123_456_789,
            big,
            big + 1,
        ] {
            for negative in [false, true] {
                let sign = if negative { "-" } else { "" };
                assert_eq!(
                    in_millionths(negative, m),
                    format!("{sign}{}.{:06}", m / 1_000_000, m % 1_000_000),
                    "{m}"
                );
            }
        }
    }

    /// Apart from halves, a number is written as Rust formats it: over
    /// binary numbers close together around values of every size the
    /// written value never decreases, and where 15 significant digits
    /// cannot make a value a half it is `{:.6}`'s.
    #[test]
    fn numbers_other_than_halves_are_written_as_formatted() {
        for start in [
            1e-7_f64,
            0.003,
            0.198_437_4,
            1.0,
            999.5,
            12_345.678,
            1.3e7,
            9.9e7,
            1.0e8,
            1.234_567_89e9,
            2.5e9,
            4.4e9,
            7.0e9,
            1.0e12,
        ] {
            let mut previous = f64::NEG_INFINITY;
            for i in 0..20_000u64 {
                let x = f64::from_bits(start.to_bits() + i * 37);
                let written = number(x);
                let value: f64 = written.parse().unwrap();
                assert!(
                    value >= previous,
                    "{x:e} written {written} after {previous}"
                );
                previous = value;
                // Unless 15 significant digits (below 10^8) or the value
                // itself (an odd multiple of 1/128, the only binary values
                // halfway between two millionths) make it a half, it is
                // written as formatted.
                let m = (x * 1e6).abs();
                let near_a_half = m < 1e14 && (m.fract() - 0.5).abs() <= m * 2e-14 + 1e-6;
                let in_128ths = x.abs() * 128.0;
                let exactly_a_half = in_128ths.fract() == 0.0 && in_128ths % 2.0 == 1.0;
                if !near_a_half && !exactly_a_half {
                    assert_eq!(written, format!("{x:.6}"), "{x:e}");
                } else {
                    // A half: the formatted value or one millionth further
                    // from zero.
                    let formatted: f64 = format!("{x:.6}").parse().unwrap();
                    let away = formatted + 1e-6_f64.copysign(x);
                    assert!(
                        value == formatted || (value - away).abs() <= away.abs() * 1e-15,
                        "{x:e} written {written}"
                    );
                }
            }
        }
    }

    /// Every share k/n of up to 2,000 units is written as the exact
    /// fraction rounds (halves away from zero), which is what a
    /// spreadsheet's `ROUND(k/n, 6)` gives.
    #[test]
    fn shares_of_whole_units_round_as_their_exact_fractions() {
        for n in 1..=2_000u64 {
            for k in 0..=n {
                let millionths = (2 * k * 1_000_000 + n) / (2 * n);
                let expected = format!("{}.{:06}", millionths / 1_000_000, millionths % 1_000_000);
                assert_eq!(number(k as f64 / n as f64), expected, "{k}/{n}");
            }
        }
    }
}
