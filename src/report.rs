//! Text for people: the overview `check` prints and the tables that close
//! `run`, `compare` and `sweep`. Pure functions returning strings; the CLI prints
//! them.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

use crate::compare::{Comparison, Paired};
use crate::measures::{Projection, RevenueMeasure, Scope, ShareMetric, all_under_contract};
use crate::scenario::{Op, Scenario, Target};
use crate::sweep::{Sweep, SweepPoint};

/// What a table shows where there is no number (no run, no contract).
fn dash() -> String {
    "-".to_string()
}

fn percent(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// A fraction of runs as a percentage that never rounds a run away: 0.05%
/// shows as "<0.1%" and 99.95% as ">99.9%", not as 0.0% or 100.0%.
fn fraction_of_runs(x: f64) -> String {
    if x > 0.0 && x < 0.001 {
        "<0.1%".to_string()
    } else if x < 1.0 && x > 0.999 {
        ">99.9%".to_string()
    } else {
        percent(x)
    }
}

/// A difference of shares in signed percentage points with `decimals`
/// decimals: +2.7, -0.84; a change that rounds to zero has no sign ("0.0",
/// not "+0.0" or "-0.0"), like `signed_amount`'s "$0".
fn signed_points(x: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let rounded = (100.0 * x * scale).round() / scale;
    if rounded == 0.0 {
        format!("{:.*}", decimals, 0.0)
    } else {
        format!("{rounded:+.decimals$}")
    }
}

/// A difference of revenue in `unit`, signed: +$4.56M, -$950, -950; no
/// sign for a change that shows as zero ($0, 0).
fn signed_amount(x: f64, unit: Revenue) -> String {
    let text = unit.amount(x.abs());
    if text == unit.amount(0.0) {
        text
    } else if x < 0.0 {
        format!("-{text}")
    } else {
        format!("+{text}")
    }
}

/// Dollars with a readable unit: $950, $12.3k, $4.56M, $1.23bn, $6.47tn
/// (up to $999999.99tn, so that a column's vendors and their total read in
/// one unit), and from a million trillion on in scientific notation
/// ($3.97e18).
pub fn dollars(x: f64) -> String {
    format!("${}", with_magnitude(x))
}

/// A number with a readable unit of magnitude, as [`dollars`] writes it
/// after the `$`: 950, 12.3k, 4.56M, 1.23bn, 6.47tn, 3.97e18; below 100
/// with decimals (45.6, 1.87, 0.068), since a small market's contract-years
/// (a contract for one month is 0.083 of one) would otherwise read as 0,
/// and 0 for what shows as 0.000.
fn with_magnitude(x: f64) -> String {
    let a = x.abs();
    // The bounds are where rounding carries into the next digit (9.996
    // shows as 10.0, not 10.00).
    if a < 99.95 {
        let decimals = if a >= 9.995 {
            1
        } else if a >= 0.9995 {
            2
        } else {
            3
        };
        let text = format!("{x:.decimals$}");
        return if text
            .trim_start_matches('-')
            .trim_start_matches(['0', '.'])
            .is_empty()
        {
            "0".to_string()
        } else {
            text
        };
    }
    // Each unit from where the one below would round up to 1000 of itself
    // ($999.96k is $1.00M, not $1000.0k).
    if a >= 999_999.995e12 {
        format!("{x:.2e}")
    } else if a >= 999.995e9 {
        format!("{:.2}tn", x / 1e12)
    } else if a >= 999.995e6 {
        format!("{:.2}bn", x / 1e9)
    } else if a >= 999.95e3 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 999.5 {
        format!("{:.1}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// What a closing table's revenue column counts: dollars, or, when every
/// contract is worth the default $1 a year, contract-years, shown without
/// a `$` so that nobody reads them as money.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Revenue {
    Dollars,
    ContractYears,
}

impl Revenue {
    /// Contract-years when every contract of `s` is worth $1 a year,
    /// otherwise dollars.
    fn of(s: &Scenario) -> Revenue {
        if s.counts_contract_years() {
            Revenue::ContractYears
        } else {
            Revenue::Dollars
        }
    }

    /// `x` in this unit: $12.3k or 12.3k.
    fn amount(self, x: f64) -> String {
        match self {
            Revenue::Dollars => dollars(x),
            Revenue::ContractYears => with_magnitude(x),
        }
    }

    /// The revenue column's label: `cum. revenue` or `cum. contract-years`.
    fn label(self) -> &'static str {
        match self {
            Revenue::Dollars => "cum. revenue",
            Revenue::ContractYears => "cum. contract-years",
        }
    }
}

/// Columns as wide as their widest cell in a terminal's columns (a CJK
/// character or an emoji takes two), the first left-aligned, the rest
/// right-aligned.
fn table(rows: &[Vec<String>]) -> String {
    let width = |cell: &str| UnicodeWidthStr::width(cell);
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from("  ");
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - width(cell);
            if c == 0 {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            } else {
                line.push_str("  ");
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Draws of the uncertain numbers behind the chances `check` shows.
const OPENING_DRAWS: u64 = 1000;
/// The most work the chances may take, in draws times (agency, tier and
/// vendor combinations plus the scenario's numbers and events, which each
/// draw of a run's numbers goes through): a few tenths of a second. A
/// larger scenario's table would not be read anyway.
const MOST_OPENING_WORK: usize = 5_000_000;

/// The overview's table of each vendor's chance of winning an open unit
/// with no incumbent in the first period ([`crate::engine::opening_chances`]),
/// by tier: one table when every agency gives the same chances, else one
/// per group of agencies that do (their own weights can differ).
fn opening_chances(s: &Scenario) -> String {
    let cells = s.agencies.len() * s.tiers.len() * s.vendors.len();
    let numbers = s
        .vendors
        .iter()
        .map(|v| 1 + v.access.len() + v.attributes.len())
        .sum::<usize>()
        + s.agencies.iter().map(|a| 4 + a.choice.len()).sum::<usize>()
        + s.events
            .iter()
            .map(|e| {
                // An event for every agency changes each agency's number.
                let targets = if e.target == crate::scenario::Target::AllAgencies {
                    s.agencies.len()
                } else {
                    1
                };
                1 + e.changes.len() * targets
            })
            .sum::<usize>();
    if (cells + numbers).saturating_mul(OPENING_DRAWS as usize) > MOST_OPENING_WORK {
        return format!(
            "\nChances of winning an open unit are not worked out for a scenario this large ({cells} \
             agency, tier and vendor combinations, {numbers} numbers and events).\n"
        );
    }
    let mut out = format!(
        "\nChance of winning an open unit with no incumbent in {}, by tier (after the period's \
         events; the mean over the numbers drawn in runs 0 to {}, in those where some vendor can \
         serve the tier; - = cannot serve):\n",
        s.calendar.months_of(0),
        OPENING_DRAWS - 1,
    );
    let chances = crate::engine::opening_chances(s, s.seed, OPENING_DRAWS);
    let mut header = vec!["vendor".to_string()];
    header.extend(s.tiers.iter().cloned());
    let tables: Vec<Vec<Vec<String>>> = chances
        .iter()
        .map(|by_tier| {
            let mut rows = vec![header.clone()];
            for (v, vendor) in s.vendors.iter().enumerate() {
                let mut row = vec![vendor.name.clone()];
                row.extend(by_tier.iter().map(|tier| {
                    tier.as_ref()
                        .and_then(|by_vendor| by_vendor[v])
                        .map_or_else(dash, percent)
                }));
                rows.push(row);
            }
            rows
        })
        .collect();
    // Agencies that give the same chances, in file order of their first.
    let mut groups: Vec<(Vec<&str>, &Vec<Vec<String>>)> = Vec::new();
    for (agency, rows) in s.agencies.iter().zip(&tables) {
        match groups.iter_mut().find(|(_, r)| *r == rows) {
            Some((names, _)) => names.push(&agency.name),
            None => groups.push((vec![&agency.name], rows)),
        }
    }
    if let [(_, rows)] = groups.as_slice() {
        out.push_str(&table(rows));
    } else {
        for (names, rows) in groups {
            let _ = writeln!(out, "  at {}:", names.join(", "));
            out.push_str(&table(rows));
        }
    }
    out
}

/// The overview `sharecast check` prints.
///
/// # Panics
/// If `s` fails [`Scenario::verify`], which only a scenario built or
/// changed in code can.
pub fn overview(s: &Scenario) -> String {
    crate::engine::assert_runnable(s);
    let cal = &s.calendar;
    let mut out = String::new();
    let _ = writeln!(out, "{}", s.name);
    let _ = writeln!(
        out,
        "{}, {} to {}; {} by default, seed {}",
        cal.count_of_periods(),
        cal.start,
        cal.end_month(),
        crate::text::count(s.runs, "run"),
        s.seed
    );
    let weights: Vec<String> = (0..s.weights.len())
        .map(|w| format!("{} {}", s.weight_name(w), s.weights[w]))
        .collect();
    let _ = writeln!(out, "choice weights: {}", weights.join(", "));

    let _ = writeln!(out, "\nVendors (access by tier; - = cannot serve):");
    let mut rows = vec![{
        let mut h = vec!["vendor".to_string(), "brand".to_string()];
        h.extend(s.tiers.iter().cloned());
        h
    }];
    let shown_vendors = &s.vendors[..s.vendors.len().min(OVERVIEW_ROWS)];
    for v in shown_vendors {
        let mut r = vec![v.name.clone(), v.brand.to_string()];
        r.extend(
            v.access
                .iter()
                .map(|a| a.as_ref().map_or("-".to_string(), ToString::to_string)),
        );
        rows.push(r);
    }
    out.push_str(&table(&rows));
    out.push_str(&more_rows(s.vendors.len(), "vendor", "vendors", ""));
    for v in shown_vendors {
        let attrs: Vec<String> = v
            .attributes
            .iter()
            .enumerate()
            .filter_map(|(j, p)| p.as_ref().map(|p| format!("{} {}", s.attributes[j], p)))
            .collect();
        if !attrs.is_empty() {
            let _ = writeln!(out, "  {} attributes: {}", v.name, attrs.join(", "));
        }
    }

    let _ = writeln!(out, "\nAgencies (units by tier):");
    let mut rows = vec![{
        let mut h = vec!["agency".to_string(), "units".to_string()];
        h.extend(s.tiers.iter().cloned());
        h.extend(["caution", "innovation", "imitation", "term", "annual value"].map(String::from));
        h
    }];
    let shown_agencies = &s.agencies[..s.agencies.len().min(OVERVIEW_ROWS)];
    for a in shown_agencies {
        let mut r = vec![a.name.clone(), a.units.to_string()];
        r.extend(a.units_by_tier.iter().map(ToString::to_string));
        r.extend([
            a.caution.to_string(),
            a.innovation.to_string(),
            a.imitation.to_string(),
            a.term.to_string(),
            a.annual_value.to_string(),
        ]);
        rows.push(r);
    }
    out.push_str(&table(&rows));
    let units = s.agencies.iter().skip(OVERVIEW_ROWS).map(|a| a.units);
    if let (Some(least), Some(most)) = (units.clone().min(), units.max()) {
        out.push_str(&more_rows(
            s.agencies.len(),
            "agency",
            "agencies",
            &format!(", {least} to {most} units each"),
        ));
    }
    // The units the numbers are in: rates and terms count periods, which a
    // change of `step` changes under them.
    let step = s.calendar.step.name();
    let _ = writeln!(
        out,
        "  {} in all; innovation and imitation are rates per {step}, term in {step}s, annual value in dollars a year",
        crate::text::count(s.total_units(), "unit")
    );
    // A lognormal's parameters are on the log scale, which few read at
    // a glance: its median and middle 90% in dollars, once for the
    // agencies that share it.
    // Each distinct one, with the first agency that has it and the names
    // of all that do.
    let mut lognormals: Vec<(String, &crate::scenario::Agency, Vec<&str>)> = Vec::new();
    for a in &s.agencies {
        if let Some(crate::scenario::DistSpec::LogNormal { .. }) = a.annual_value.spec() {
            let text = a.annual_value.to_string();
            match lognormals.iter_mut().find(|(t, ..)| *t == text) {
                Some((_, _, names)) => names.push(&a.name),
                None => lognormals.push((text, a, vec![&a.name])),
            }
        }
    }
    for (_, a, names) in &lognormals {
        if let Some(crate::scenario::DistSpec::LogNormal { mu, sigma }) = a.annual_value.spec() {
            let at = |z: f64| {
                // Cents below $100, where whole dollars would round values
                // near the default $1 away.
                let x = a.annual_value.range().clamp(libm::exp(mu + z * sigma));
                if x < 100.0 {
                    format!("${x:.2}")
                } else {
                    dollars(x)
                }
            };
            let _ = writeln!(
                out,
                "  {} annual value {}: median {}, 90% of runs between {} and {}",
                a_few_agencies(names),
                a.annual_value,
                at(0.0),
                at(-1.644_853_626_951_472_2),
                at(1.644_853_626_951_472_2)
            );
        }
    }
    for a in shown_agencies {
        let overrides: Vec<String> = a
            .choice
            .iter()
            .enumerate()
            .filter_map(|(w, p)| p.as_ref().map(|p| format!("{} {}", s.weight_name(w), p)))
            .collect();
        if !overrides.is_empty() {
            let _ = writeln!(out, "  {} choice weights: {}", a.name, overrides.join(", "));
        }
    }
    out.push_str(&opening_chances(s));

    let initial: Vec<Vec<String>> = s
        .agencies
        .iter()
        .flat_map(|a| {
            a.initial.iter().map(move |c| {
                vec![
                    a.name.clone(),
                    s.tiers[c.tier].clone(),
                    s.vendors[c.vendor].name.clone(),
                    c.units.to_string(),
                    c.remaining
                        .map_or_else(|| format!("uniform 1 to {}", a.term), |r| r.to_string()),
                ]
            })
        })
        .collect();
    if initial.is_empty() {
        let _ = writeln!(out, "\nInitial contracts: none");
    } else {
        let _ = writeln!(out, "\nInitial contracts:");
        let mut rows = vec![
            ["agency", "tier", "vendor", "units", "remaining"]
                .map(String::from)
                .to_vec(),
        ];
        let contracts = initial.len();
        rows.extend(initial.into_iter().take(OVERVIEW_ROWS));
        out.push_str(&table(&rows));
        out.push_str(&more_rows(
            contracts,
            "initial contract",
            "initial contracts",
            "",
        ));
    }

    let timeline = s.timeline();
    let never: Vec<(usize, &crate::scenario::Event)> = s
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.period >= cal.periods)
        .collect();
    let describe = |e: &crate::scenario::Event| {
        let target = match e.target {
            Target::Vendor(v) => s.vendors[v].name.clone(),
            Target::Agency(a) => s.agencies[a].name.clone(),
            Target::AllAgencies => "all agencies".to_string(),
        };
        let changes: Vec<String> = e
            .changes
            .iter()
            .map(|c| match c.op {
                Op::Set => format!("{} = {}", c.key, c.value),
                Op::Add => format!("{} += {}", c.key, c.value),
            })
            .collect();
        let label = e
            .label
            .as_ref()
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        (format!("{target}: {}", changes.join(", ")), label)
    };
    if s.events.is_empty() {
        let _ = writeln!(out, "\nEvents: none");
    } else if timeline.is_empty() {
        let _ = writeln!(out, "\nEvents: none within the horizon");
    } else {
        // Numbered in file order, as `sweep --vary event.N.KEY` names them.
        let _ = writeln!(out, "\nEvents (numbered in file order):");
        let listed = timeline.len();
        for (index, e) in timeline.into_iter().take(OVERVIEW_ROWS) {
            let position = index + 1;
            // A temporary change says when it is undone, or that it lasts
            // to the end.
            let until = match e.until {
                Some(u) if u < cal.periods => {
                    format!(", undone from {} (period {u})", cal.months_of(u))
                }
                Some(_) => ", undone after the last period".to_string(),
                None => String::new(),
            };
            let (what, label) = describe(e);
            let _ = writeln!(
                out,
                "  #{position:<2} {} period {:>3}  {what}{until}{label}",
                cal.months_of(e.period),
                e.period,
            );
        }
        out.push_str(&more_rows(listed, "event", "events", ""));
    }
    // Events dated after the horizon never fire: listed, so that a moved
    // event does not vanish from the report.
    if !never.is_empty() {
        let _ = writeln!(out, "\nAfter the horizon (these never fire):");
        for (index, e) in never {
            let (what, label) = describe(e);
            // A date where one can be written (a period index given in the
            // file may lie past year 9999), else the period.
            let last_month =
                cal.start.index() + (i64::from(e.period) + 1) * i64::from(cal.step.months()) - 1;
            let when = if last_month.div_euclid(12) <= 9999 {
                cal.months_of(e.period)
            } else {
                format!("period {}", e.period)
            };
            let _ = writeln!(out, "  #{:<2} {when}  {what}{label}", index + 1);
        }
    }
    out
}

/// The most rows each table of [`overview`] shows: a market of thousands
/// of agencies, contracts or events is summed up after them rather than
/// listed whole.
const OVERVIEW_ROWS: usize = 50;

/// "  ... and 12 more vendors (the file lists them all)\n" after a table
/// that shows the first [`OVERVIEW_ROWS`] of `count` (called `one` or
/// `many`, then `detail` about the rest); empty when it shows them all.
fn more_rows(count: usize, one: &str, many: &str, detail: &str) -> String {
    match count.saturating_sub(OVERVIEW_ROWS) {
        0 => String::new(),
        1 => format!("  ... and 1 more {one}{detail} (the file lists them all)\n"),
        more => format!("  ... and {more} more {many}{detail} (the file lists them all)\n"),
    }
}

/// `names` for a line about all of them: up to three, then how many more
/// (`State 1, State 2, State 3 and 47 more agencies`).
fn a_few_agencies(names: &[&str]) -> String {
    match names {
        [_, _, _, _, ..] => format!(
            "{} and {} more agencies",
            names[..3].join(", "),
            names.len() - 3
        ),
        _ => names.join(", "),
    }
}

/// `label` for a row or column of all vendors in a table of vendors, told
/// apart from any vendor named so: `all vendors: LABEL` then.
fn all_vendors_label<'a>(label: &str, mut vendors: impl Iterator<Item = &'a str>) -> String {
    if vendors.any(|v| v.trim().eq_ignore_ascii_case(label)) {
        format!("all vendors: {label}")
    } else {
        label.to_string()
    }
}

/// Panics unless what the closing table and a sweep's point read of `p`
/// fits `s`: one outlook per vendor, in order, and adoption rows of its
/// agencies whose last period is `s`'s (rows are ordered by period; a
/// projection of a shorter horizon ends earlier). The exporters check a
/// projection's every row.
pub(crate) fn assert_outlook_of(s: &Scenario, p: &Projection) {
    let (periods, agencies, vendors) = (
        s.calendar.periods as usize,
        s.agencies.len(),
        s.vendors.len(),
    );
    assert!(
        p.outlook.len() == vendors
            && p.outlook.iter().enumerate().all(|(v, o)| o.vendor == v)
            && p.adoption.iter().map(|r| r.period).max() == periods.checked_sub(1)
            && p.adoption
                .iter()
                .all(|r| r.agency.is_none_or(|a| a < agencies)),
        "the projection does not fit '{}' ({vendors} vendors, {periods} periods, {agencies} \
         agencies): it was made from a scenario of another shape",
        s.name
    );
}

/// The line under a closing table whose revenue counts contract-years.
const CONTRACT_YEARS_NOTE: &str = "Every contract is worth $1 a year (every agency's annual_value \
     is 1, as by default), so revenue counts contract-years; give annual_value to see dollars.";

/// The table that closes `sharecast run`: each vendor's share of all
/// contracts at the last period, its chance of leading and its cumulative
/// revenue; then the share of all units under contract, with all vendors'
/// revenue together.
///
/// # Panics
/// If `p` is not a projection of `s` (of another scenario's vendors or
/// periods), or `s` has no period.
pub fn final_table(s: &Scenario, p: &Projection, seed: u64) -> String {
    assert_outlook_of(s, p);
    let cal = &s.calendar;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}, seed {}, {}",
        s.name,
        crate::text::count(p.runs as u64, "run"),
        seed,
        cal.describe()
    );
    let _ = writeln!(
        out,
        "\nShare of all contracts in {} (mean, 5-95% band), chance of leading; then of all units \
         under contract (with all vendors' revenue):",
        cal.last_months()
    );
    let revenue = Revenue::of(s);
    let mut rows = vec![
        ["vendor", "mean", "p05", "p95", "P(lead)", revenue.label()]
            .map(String::from)
            .to_vec(),
    ];
    for o in &p.outlook {
        let (mean, lo, hi) = o.share.map_or(("-".into(), "-".into(), "-".into()), |s| {
            (percent(s.mean), percent(s.p05()), percent(s.p95()))
        });
        rows.push(vec![
            s.vendors[o.vendor].name.clone(),
            mean,
            lo,
            hi,
            o.prob_leader.map_or_else(dash, percent),
            o.mean_cumulative_revenue
                .map_or_else(dash, |x| revenue.amount(x)),
        ]);
    }
    let last = cal.periods as usize - 1;
    let under_contract = all_under_contract(&p.adoption, last);
    let (mean, lo, hi) = under_contract.map_or(("-".into(), "-".into(), "-".into()), |u| {
        (percent(u.mean), percent(u.p05()), percent(u.p95()))
    });
    rows.push(vec![
        all_vendors_label("under contract", s.vendors.iter().map(|v| v.name.as_str())),
        mean,
        lo,
        hi,
        String::new(),
        p.outlook
            .iter()
            .map(|o| o.mean_cumulative_revenue)
            .sum::<Option<f64>>()
            .map_or_else(dash, |x| revenue.amount(x)),
    ]);
    out.push_str(&table(&rows));
    if revenue == Revenue::ContractYears {
        let _ = writeln!(out, "{CONTRACT_YEARS_NOTE}");
    }
    out
}

/// The seven cells of a paired row in the closing table of `compare`:
/// both means, the mean change in points with its 95% interval (from 30
/// paired runs on), the 5-95% band of the change, and the runs higher and
/// lower; dashes where no run pairs.
fn paired_cells(paired: Option<&Paired>) -> Vec<String> {
    let Some(p) = paired else {
        return std::iter::repeat_with(dash).take(7).collect();
    };
    // Points with one decimal, signed; never "-0.0".
    let signed = |x: f64| signed_points(x, 1);
    let d = &p.difference;
    // The 95% interval of the mean (from 30 paired runs on), with as many
    // decimals as it takes for its ends to differ (up to 3): a narrow
    // interval is not shown as "-0.8 to -0.8". Ends that no number of
    // decimals tells apart are shown with three, unless both are 0 (no
    // change in any run): with one.
    let interval = p.standard_error().filter(|_| d.runs >= 30).map(|se| {
        let (low, high) = (d.mean - 1.96 * se, d.mean + 1.96 * se);
        let decimals = (1..=3)
            .find(|&k| signed_points(low, k) != signed_points(high, k))
            .unwrap_or(if low == 0.0 && high == 0.0 { 1 } else { 3 });
        (low, high, decimals)
    });
    // The mean change with as many decimals as its interval, so that a
    // change the interval shows is not read as "0.0 pts"; without an
    // interval, with as many as it takes not to round a change to 0 (up
    // to 3).
    let mean_decimals = interval.map_or_else(
        || {
            (1..=3)
                .find(|&k| d.mean == 0.0 || signed_points(d.mean, k) != signed_points(0.0, k))
                .unwrap_or(3)
        },
        |(_, _, decimals)| decimals,
    );
    let interval = interval.map_or_else(dash, |(low, high, decimals)| {
        format!(
            "{} to {} pts",
            signed_points(low, decimals),
            signed_points(high, decimals)
        )
    });
    vec![
        percent(p.baseline_mean),
        percent(p.counterfactual_mean),
        format!("{} pts", signed_points(d.mean, mean_decimals)),
        interval,
        format!("{} to {} pts", signed(d.p05()), signed(d.p95())),
        fraction_of_runs(p.frac_higher),
        fraction_of_runs(p.frac_lower),
    ]
}

/// The table that closes `sharecast compare`: for each vendor at the last
/// period, its count share of all contracts in both scenarios, the mean
/// change run by run with its 95% interval (from 30 paired runs on), the
/// 5-95% band of the change over runs, how often the counterfactual is
/// higher or lower, and the mean change in cumulative revenue; then the
/// same for the share of all units under contract, with all vendors'
/// revenue together. Each scenario is shown as `file` (its path, with any
/// settings) and its name.
///
/// # Panics
/// If `c` is not a comparison of the two scenarios (of other vendors or
/// periods, or of scenarios whose calendars differ), or they have no
/// period.
pub fn comparison_table(
    baseline: (&Scenario, &str),
    counterfactual: (&Scenario, &str),
    c: &Comparison,
    seed: u64,
) -> String {
    crate::export::assert_comparison_of(baseline.0, c);
    let aligned = crate::compare::align(baseline.0, counterfactual.0)
        .map(|a| a.vendors.into_iter().map(|v| v.name).collect::<Vec<_>>());
    assert!(
        aligned.as_ref() == Ok(&c.vendors),
        "the comparison's vendors are not those of '{}' and '{}': it was made from other \
         scenarios",
        baseline.0.name,
        counterfactual.0.name
    );
    let cal = &baseline.0.calendar;
    let last = cal.periods as usize - 1;
    let mut out = String::new();
    for (label, (s, file)) in [
        ("Baseline:      ", baseline),
        ("Counterfactual:", counterfactual),
    ] {
        let _ = writeln!(out, "{label} {file} (\"{}\")", s.name);
    }
    let _ = writeln!(
        out,
        "{}, seed {}, {}",
        crate::text::count(c.runs as u64, "paired run"),
        seed,
        cal.describe()
    );
    let _ = writeln!(
        out,
        "\nShare of all contracts in {}, then of all units under contract (with all vendors' \
         revenue); change = counterfactual minus baseline, run by run (mean, 95% interval of the \
         mean, 5-95% band over runs, runs higher and lower):",
        cal.last_months()
    );
    // Contract-years only when both sides count them; a change between a
    // count and dollars is shown in dollars, and the note below says so.
    let revenue = match [baseline.0, counterfactual.0].map(Revenue::of) {
        [Revenue::ContractYears, Revenue::ContractYears] => Revenue::ContractYears,
        _ => Revenue::Dollars,
    };
    let mut rows = vec![
        [
            "vendor",
            "baseline",
            "counterfactual",
            "change",
            "95% CI of mean",
            "5-95% of runs",
            "higher",
            "lower",
            &format!("{} change", revenue.label()),
        ]
        .map(String::from)
        .to_vec(),
    ];
    let share_rows = c.shares.iter().filter(|r| {
        r.period == last && r.scope == Scope::All && r.metric == ShareMetric::CountShare
    });
    for row in share_rows {
        let revenue_change = c
            .revenue
            .iter()
            .find(|r| {
                r.period == last
                    && r.vendor == row.vendor
                    && r.measure == RevenueMeasure::CumulativeRevenue
            })
            .and_then(|r| r.summary);
        let mut cells = vec![c.vendors[row.vendor].clone()];
        cells.extend(paired_cells(row.summary.as_ref()));
        cells.push(revenue_change.map_or_else(dash, |p| signed_amount(p.difference.mean, revenue)));
        rows.push(cells);
    }
    // All vendors together: the units under contract, and the change in
    // their cumulative revenue (the sum of the vendors' mean changes).
    let under_contract = all_under_contract(&c.adoption, last);
    let all_revenue: Option<f64> = c
        .revenue
        .iter()
        .filter(|r| r.period == last && r.measure == RevenueMeasure::CumulativeRevenue)
        .map(|r| r.summary.map(|p| p.difference.mean))
        .sum();
    let mut cells = vec![all_vendors_label(
        "under contract",
        c.vendors.iter().map(String::as_str),
    )];
    cells.extend(paired_cells(under_contract.as_ref()));
    cells.push(all_revenue.map_or_else(dash, |x| signed_amount(x, revenue)));
    rows.push(cells);
    out.push_str(&table(&rows));
    let one_side = |priced: &str, unpriced: &str| {
        Some(format!(
            "Every contract of the {unpriced} is worth $1 a year (every agency's annual_value is \
             1, as by default) and those of the {priced} are priced in dollars, so the revenue \
             change compares contract-years with dollars."
        ))
    };
    let note = match [baseline.0, counterfactual.0].map(Revenue::of) {
        [Revenue::ContractYears, Revenue::ContractYears] => Some(CONTRACT_YEARS_NOTE.to_string()),
        [Revenue::ContractYears, Revenue::Dollars] => one_side("counterfactual", "baseline"),
        [Revenue::Dollars, Revenue::ContractYears] => one_side("baseline", "counterfactual"),
        [Revenue::Dollars, Revenue::Dollars] => None,
    };
    if let Some(note) = note {
        let _ = writeln!(out, "{note}");
    }
    out
}

/// The table that closes `sharecast sweep`: for each value of the varied
/// number, each vendor's mean count share of all contracts at the last
/// period, the units under contract then, the vendor most likely to lead
/// with that chance, and the mean cumulative revenue of all vendors over
/// the horizon. `s` is the scenario at any of the values (they
/// share vendors and calendar).
///
/// # Panics
/// If the points are not of `s`'s vendors, there is not one point per
/// value, or `s` has no period.
pub fn sweep_table(
    s: &Scenario,
    sweep: &Sweep,
    points: &[SweepPoint],
    runs: u64,
    seed: u64,
) -> String {
    let vendors = s.vendors.len();
    assert!(
        points.len() == sweep.values.len(),
        "{} points for {} values of {}: one point per value is needed",
        points.len(),
        sweep.values.len(),
        sweep.path
    );
    assert!(
        points
            .iter()
            .all(|p| p.shares.len() == vendors && p.leader.is_none_or(|(v, _)| v < vendors)),
        "the points are not of the {vendors} vendors of '{}': they were made from a scenario of \
         other vendors",
        s.name
    );
    let cal = &s.calendar;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {} of {}, {} each, seed {}, {}",
        s.name,
        crate::text::count(sweep.values.len() as u64, "value"),
        sweep.path,
        crate::text::count(runs, "run"),
        seed,
        cal.describe()
    );
    let _ = writeln!(
        out,
        "\nShare of all contracts in {} (mean), units under contract, all vendors' mean cumulative \
         revenue and the likeliest leader, by value:",
        cal.last_months()
    );
    let mut header = vec![sweep.path.clone()];
    header.extend(s.vendors.iter().map(|v| v.name.clone()));
    // Contract-years only when every value's scenario counts them (a value
    // may set a price, or move an event that changes one into the horizon).
    let revenue = if points.iter().all(|p| p.counts_contract_years) {
        Revenue::ContractYears
    } else {
        Revenue::Dollars
    };
    header.extend(
        ["under contract", revenue.label(), "likeliest leader"]
            .map(|label| all_vendors_label(label, s.vendors.iter().map(|v| v.name.as_str()))),
    );
    let mut rows = vec![header];
    for (value, point) in sweep.values.iter().zip(points) {
        // As the files' first column holds it, so the CSV filters by it.
        let mut row = vec![value.column()];
        row.extend(
            point
                .shares
                .iter()
                .map(|share| share.map_or_else(dash, percent)),
        );
        row.push(point.under_contract.map_or_else(dash, percent));
        row.push(point.revenue.map_or_else(dash, |x| revenue.amount(x)));
        row.push(point.leader.map_or_else(dash, |(v, p)| {
            format!("{} {}", s.vendors[v].name, fraction_of_runs(p))
        }));
        rows.push(row);
    }
    out.push_str(&table(&rows));
    let counting: Vec<String> = sweep
        .values
        .iter()
        .zip(points)
        .filter(|(_, point)| point.counts_contract_years)
        .map(|(value, _)| value.column())
        .collect();
    if revenue == Revenue::ContractYears {
        let _ = writeln!(out, "{CONTRACT_YEARS_NOTE}");
    } else if !counting.is_empty() {
        let _ = writeln!(
            out,
            "At {} every contract is worth $1 a year (every agency's annual_value is 1, as by \
             default), so the revenue shown there counts contract-years, not dollars.",
            counting.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::AdoptionMeasure;

    /// The chances `check` shows are the logit probabilities among the
    /// vendors that can serve a tier (here every number is fixed, so the
    /// mean over draws is the softmax itself), after the first period's
    /// events (B gains `t1` at 2026-01, by a `set` and an `add` applied in
    /// file order, not `t2` at 2026-02), with "-" where a vendor cannot serve
    /// a tier, and over the runs in which a tier can be served; an agency
    /// with its own weights gets a table of its own, agencies alike share
    /// one.
    #[test]
    fn the_opening_chances_are_the_first_periods_logit_shares() {
        let s = crate::scenario::parse(
            r#"
start = "2026-01"
periods = 3
tiers = ["t0", "t1", "t2"]
[[vendor]]
name = "A"
brand = 0.9
access = { t0 = 1.0, t1 = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { t0 = 0.6 }
[[vendor]]
name = "C"
brand = 0.1
access = { t2 = { uniform = [-1.0, 1.0] } }
[[agency]]
name = "X"
units = 10
innovation = 0.1
imitation = 0.1
term = 2
[[agency]]
name = "Y"
units = 10
innovation = 0.1
imitation = 0.1
term = 2
choice = { brand = 1.0 }
[[agency]]
name = "Z"
units = 10
innovation = 0.1
imitation = 0.1
term = 2
[[event]]
at = "2026-01"
vendor = "B"
set = { "access.t1" = 0.5 }
[[event]]
at = "2026-01"
vendor = "B"
add = { "access.t1" = 0.2 }
[[event]]
at = "2026-02"
vendor = "B"
set = { "access.t2" = 0.5 }
"#,
            std::path::Path::new("o.toml"),
        )
        .unwrap();
        let softmax = |u: [f64; 2]| {
            let e = u.map(f64::exp);
            e.map(|x| x / (e[0] + e[1]))
        };
        let x_t0 = softmax([2.0 * 0.9 + 1.0, 2.0 * 0.5 + 0.6]);
        // B's access at t1: set to 0.5, then 0.2 added, in file order.
        let x_t1 = softmax([2.0 * 0.9 + 1.0, 2.0 * 0.5 + 0.7]);
        let y_t0 = softmax([0.9 + 1.0, 0.5 + 0.6]);
        let y_t1 = softmax([0.9 + 1.0, 0.5 + 0.7]);
        let text = opening_chances(&s);
        // C serves t2 alone in the runs that draw its access above 0 (about
        // half): 100% over those runs, and "-" where it cannot serve.
        let row = |name: &str, cells: [f64; 2]| {
            format!(
                "  {name}  {:>5}  {:>5}       -",
                percent(cells[0]),
                percent(cells[1])
            )
        };
        let c = "  C           -      -  100.0%";
        let expected = format!(
            "\nChance of winning an open unit with no incumbent in 2026-01, by tier (after the \
             period's events; the mean over the numbers drawn in runs 0 to 999, in those where \
             some vendor can serve the tier; - = cannot serve):\n\
             \x20 at X, Z:\n  vendor     t0     t1      t2\n{}\n{}\n{c}\n\
             \x20 at Y:\n  vendor     t0     t1      t2\n{}\n{}\n{c}\n",
            row("A     ", [x_t0[0], x_t1[0]]),
            row("B     ", [x_t0[1], x_t1[1]]),
            row("A     ", [y_t0[0], y_t1[0]]),
            row("B     ", [y_t0[1], y_t1[1]]),
        );
        assert_eq!(text, expected);
        assert_eq!(percent(x_t0[0]), "76.9%");
    }

    /// A lognormal contract value is also shown in dollars: its median
    /// e^mu and the 5th and 95th percentiles e^(mu -/+ 1.645 sigma).
    #[test]
    fn a_lognormal_annual_value_is_shown_in_dollars() {
        let s = crate::scenario::parse(
            "start = \"2026-01\"\nperiods = 2\n[[vendor]]\nname = \"A\"\nbrand = 0.5\n\
             access = { unclassified = 1.0 }\n[[agency]]\nname = \"X\"\nunits = 10\n\
             innovation = 0.1\nimitation = 0.1\nterm = 2\n\
             annual_value = { lognormal = [14.7, 0.3] }\n",
            std::path::Path::new("l.toml"),
        )
        .unwrap();
        assert!(
            overview(&s).contains(
                "\n  X annual value lognormal(14.7, 0.3): median $2.42M, 90% of runs between \
                 $1.48M and $3.97M\n"
            ),
            "{}",
            overview(&s)
        );
    }

    /// Wide characters take two terminal columns, so a CJK name is padded
    /// by its width, not its number of characters.
    #[test]
    fn columns_line_up_in_terminal_columns() {
        let rows = vec![
            vec!["vendor".to_string(), "brand".to_string()],
            vec!["Acme".to_string(), "0.5".to_string()],
            vec!["挑戦者".to_string(), "0.25".to_string()],
        ];
        let text = table(&rows);
        let widths: Vec<usize> = text.lines().map(UnicodeWidthStr::width).collect();
        assert_eq!(widths, [15, 15, 15], "{text}");
        assert!(text.contains("  挑戦者   0.25\n"), "{text}");
    }

    #[test]
    fn a_fraction_of_runs_never_rounds_a_run_away() {
        assert_eq!(fraction_of_runs(0.0), "0.0%");
        assert_eq!(fraction_of_runs(0.0005), "<0.1%");
        assert_eq!(fraction_of_runs(0.001), "0.1%");
        assert_eq!(fraction_of_runs(0.9995), ">99.9%");
        assert_eq!(fraction_of_runs(0.999), "99.9%");
        assert_eq!(fraction_of_runs(1.0), "100.0%");
        assert_eq!(signed_amount(0.0, Revenue::Dollars), "$0");
        assert_eq!(signed_amount(-2.5e6, Revenue::Dollars), "-$2.50M");
        assert_eq!(signed_amount(-0.4, Revenue::ContractYears), "-0.400");
        assert_eq!(signed_amount(0.0004, Revenue::ContractYears), "0");
        assert_eq!(signed_amount(-0.0004, Revenue::Dollars), "$0");
        assert_eq!(signed_amount(1234.0, Revenue::ContractYears), "+1.2k");
        assert_eq!(signed_amount(-950.0, Revenue::ContractYears), "-950");
        assert_eq!(dollars(950.0), "$950");
        assert_eq!(dollars(1.234e9), "$1.23bn");
        assert_eq!(dollars(999.4e9), "$999.40bn");
        assert_eq!(dollars(3.966749e15), "$3966.75tn");
        assert_eq!(dollars(3.966749e18), "$3.97e18");
        assert_eq!(dollars(1e12), "$1.00tn");
        assert_eq!(dollars(6.4712e12), "$6.47tn");
        assert_eq!(dollars(1e15), "$1000.00tn");
        assert_eq!(signed_points(-0.0084, 2), "-0.84");
        assert_eq!(signed_points(-0.00004, 1), "0.0");
        assert_eq!(signed_points(0.00004, 2), "0.00");
        assert_eq!(signed_points(0.027, 1), "+2.7");
    }

    /// Amounts below 100 keep decimals; each unit starts where rounding in
    /// the one below would reach its next digit.
    #[test]
    fn magnitudes_take_the_unit_their_rounding_reaches() {
        assert_eq!(with_magnitude(0.0679), "0.068");
        assert_eq!(with_magnitude(1.874), "1.87");
        assert_eq!(with_magnitude(45.61), "45.6");
        assert_eq!(with_magnitude(99.96), "100");
        assert_eq!(with_magnitude(9.996), "10.0");
        assert_eq!(with_magnitude(0.9996), "1.00");
        // At each bound, where the smaller form would round up to its next
        // digit: the float nearest the bound, and the one below it.
        for (bound, at, below) in [
            (0.9995, "1.00", "0.999"),
            (9.995, "10.0", "9.99"),
            (99.95, "100", "99.9"),
            (999.5, "1.0k", "999"),
            (999.95e3, "1.00M", "999.9k"),
            (999.995e6, "1.00bn", "999.99M"),
            (999.995e9, "1.00tn", "999.99bn"),
            (999_999.995e12, "1.00e18", "999999.99tn"),
        ] {
            assert_eq!(with_magnitude(bound), at, "{bound}");
            assert_eq!(with_magnitude(-bound), format!("-{at}"), "{bound}");
            assert_eq!(with_magnitude(bound.next_down()), below, "{bound}");
        }
    }

    /// A file without events says so; one whose events all fall after the
    /// horizon says they do not fire.
    #[test]
    fn the_overview_tells_no_events_from_events_after_the_horizon() {
        let text = |events: &str| {
            let file = format!(
                "start = \"2026-01\"\nperiods = 12\n[[vendor]]\nname = \"A\"\nbrand = 0.5\n\
                 access = {{ unclassified = 1.0 }}\n[[agency]]\nname = \"X\"\nunits = 10\n\
                 innovation = 0.1\nimitation = 0.2\nterm = 6\n{events}"
            );
            overview(&crate::scenario::parse(&file, std::path::Path::new("x.toml")).unwrap())
        };
        assert!(text("").contains("\nEvents: none\n"));
        let late = text("[[event]]\nat = 12\nvendor = \"A\"\nset = { brand = 0.7 }\n");
        assert!(late.contains("\nEvents: none within the horizon\n"));
        // Each is still listed, by its place in the file and its date.
        assert!(
            late.contains(
                "\nAfter the horizon (these never fire):\n  #1  2027-01  A: brand = 0.7\n"
            ),
            "{late}"
        );
        let both = text(
            "[[event]]\nat = 20\nvendor = \"A\"\nadd = { brand = 0.1 }\nlabel = \"late\"\n\
             [[event]]\nat = 3\nvendor = \"A\"\nset = { brand = 0.7 }\n",
        );
        assert!(
            both.contains(
                "\nEvents (numbered in file order):\n  #2  2026-04 period   3  A: brand = 0.7\n"
            ) && both.contains(
                "\nAfter the horizon (these never fire):\n  #1  2027-09  A: brand += 0.1 (late)\n"
            ),
            "{both}"
        );
        // A period index past year 9999 is shown as the period.
        let far = text("[[event]]\nat = 4294967294\nvendor = \"A\"\nset = { brand = 0.7 }\n");
        assert!(
            far.contains("\n  #1  period 4294967294  A: brand = 0.7\n"),
            "{far}"
        );
    }

    /// The scenario of the table tests: vendors North and South, twelve
    /// months from 2026-01.
    /// A market of many agencies, contracts and events is summed up after
    /// the first rows of each table, and agencies that share a lognormal
    /// value are told its dollars once.
    #[test]
    fn the_overview_of_a_large_market_shows_the_first_rows_and_counts_the_rest() {
        let mut file = String::from(
            "start = \"2026-01\"\nperiods = 12\n[[vendor]]\nname = \"A\"\nbrand = 0.5\n\
             access = { unclassified = 1.0 }\n",
        );
        for i in 0..60 {
            let value = if i < 55 {
                "{ lognormal = [12.0, 0.5] }"
            } else {
                "2.0e5"
            };
            file.push_str(&format!(
                "[[agency]]\nname = \"City {i}\"\nunits = {}\ninnovation = 0.1\nimitation = 0.2\n\
                 term = 6\nannual_value = {value}\n[[agency.initial]]\nvendor = \"A\"\nunits = 1\n",
                5 + i
            ));
        }
        for i in 0..53 {
            file.push_str(&format!(
                "[[event]]\nat = {}\nvendor = \"A\"\nadd = {{ brand = 0.001 }}\n",
                i % 12
            ));
        }
        let text =
            overview(&crate::scenario::parse(&file, std::path::Path::new("x.toml")).unwrap());
        assert!(text.contains("\n  City 49 "), "{text}");
        assert!(!text.contains("\n  City 50 "), "{text}");
        assert!(
            text.contains(
                "\n  ... and 10 more agencies, 55 to 64 units each (the file lists them all)\n"
            ),
            "{text}"
        );
        assert_eq!(
            text.matches("annual value lognormal(12, 0.5)").count(),
            1,
            "{text}"
        );
        assert!(
            text.contains("\n  City 0, City 1, City 2 and 52 more agencies annual value lognormal(12, 0.5): median $162.8k"),
            "{text}"
        );
        assert!(
            text.contains("\n  ... and 10 more initial contracts (the file lists them all)\n"),
            "{text}"
        );
        assert!(
            text.contains("\n  ... and 3 more events (the file lists them all)\n"),
            "{text}"
        );
        assert!(text.lines().count() < 200, "{}", text.lines().count());
    }

    const TWO_VENDORS: &str = r#"
name = "Two"
start = "2026-01"
periods = 12
[[vendor]]
name = "North"
brand = 0.5
access = { unclassified = 1.0 }
[[vendor]]
name = "South"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 10
innovation = 0.1
imitation = 0.2
term = 6
"#;

    fn two_vendors() -> Scenario {
        crate::scenario::parse(TWO_VENDORS, std::path::Path::new("two.toml")).unwrap()
    }

    /// A summary whose percentiles p05 to p95 are `percentiles`.
    fn summary(runs: usize, mean: f64, sd: f64, percentiles: [f64; 5]) -> crate::stats::Summary {
        crate::stats::Summary {
            runs,
            mean,
            sd: Some(sd),
            percentiles,
        }
    }

    /// The run table's band is p05 to p95, the first and the last of the
    /// five percentiles; a vendor without a share shows dashes.
    #[test]
    fn the_run_table_shows_the_5_to_95_band() {
        let outlook =
            |vendor, share, prob_leader, mean_cumulative_revenue| crate::measures::VendorOutlook {
                vendor,
                share,
                prob_leader: Some(prob_leader),
                mean_cumulative_revenue: Some(mean_cumulative_revenue),
            };
        use crate::measures::AdoptionRow;
        // Units under contract at the last period, all agencies (the rows
        // of another period, of one agency or of waiting units are not it).
        let adoption = |period, agency, measure, mean| AdoptionRow {
            period,
            agency,
            measure,
            summary: Some(summary(
                100,
                mean,
                0.1,
                [mean - 0.2, 0.0, 0.0, 0.0, mean + 0.1],
            )),
        };
        let p = Projection {
            runs: 100,
            shares: Vec::new(),
            adoption: vec![
                adoption(10, None, AdoptionMeasure::UnderContract, 0.3),
                adoption(11, Some(0), AdoptionMeasure::UnderContract, 0.5),
                adoption(11, None, AdoptionMeasure::UnderContract, 0.7),
                adoption(11, None, AdoptionMeasure::Waiting, 0.2),
            ],
            revenue: Vec::new(),
            outlook: vec![
                outlook(
                    0,
                    Some(summary(100, 0.4, 0.1, [0.2, 0.3, 0.4, 0.5, 0.6])),
                    0.25,
                    1.5e6,
                ),
                outlook(1, None, 0.0, 0.0),
            ],
        };
        let priced = crate::scenario::parse(
            &format!("{TWO_VENDORS}annual_value = 250000\n"),
            std::path::Path::new("two.toml"),
        )
        .unwrap();
        let table = "Two: 100 runs, seed 7, 12 month periods from 2026-01 to 2026-12

Share of all contracts in 2026-12 (mean, 5-95% band), chance of leading; then of all units under contract (with all vendors' revenue):
  vendor           mean    p05    p95  P(lead)  cum. revenue
  North           40.0%  20.0%  60.0%    25.0%        $1.50M
  South               -      -      -     0.0%            $0
  under contract  70.0%  50.0%  80.0%                 $1.50M
";
        assert_eq!(final_table(&priced, &p, 7), table);
        // Every contract worth the default $1: revenue counts contract-years,
        // shown without a `$`.
        assert_eq!(
            final_table(&two_vendors(), &p, 7),
            "Two: 100 runs, seed 7, 12 month periods from 2026-01 to 2026-12

Share of all contracts in 2026-12 (mean, 5-95% band), chance of leading; then of all units under contract (with all vendors' revenue):
  vendor           mean    p05    p95  P(lead)  cum. contract-years
  North           40.0%  20.0%  60.0%    25.0%                1.50M
  South               -      -      -     0.0%                    0
  under contract  70.0%  50.0%  80.0%                         1.50M
Every contract is worth $1 a year (every agency's annual_value is 1, as by default), so revenue counts contract-years; give annual_value to see dollars.
"
        );
        // An event that prices contracts later: dollars after all.
        let later = crate::scenario::parse(
            &format!(
                "{TWO_VENDORS}[[event]]\nat = 3\nagency = \"X\"\nset = {{ annual_value = 5e5 }}\n"
            ),
            std::path::Path::new("two.toml"),
        )
        .unwrap();
        assert_eq!(final_table(&later, &p, 7), table);

        // A projection of no runs (the library allows an empty run range)
        // has no chance of leading and no revenue to show: dashes, as
        // `summary.csv` leaves those cells empty, not a 0% chance or $0.
        let none = Projection {
            runs: 0,
            adoption: p
                .adoption
                .iter()
                .map(|row| AdoptionRow {
                    summary: None,
                    ..row.clone()
                })
                .collect(),
            outlook: (0..2)
                .map(|vendor| crate::measures::VendorOutlook {
                    vendor,
                    share: None,
                    prob_leader: None,
                    mean_cumulative_revenue: None,
                })
                .collect(),
            ..p
        };
        assert_eq!(
            final_table(&priced, &none, 7),
            "Two: 0 runs, seed 7, 12 month periods from 2026-01 to 2026-12

Share of all contracts in 2026-12 (mean, 5-95% band), chance of leading; then of all units under contract (with all vendors' revenue):
  vendor          mean  p05  p95  P(lead)  cum. revenue
  North              -    -    -        -             -
  South              -    -    -        -             -
  under contract     -    -    -                      -
"
        );
    }

    /// With year steps the reports name the horizon by its first and last
    /// month, the closing table's period and each event's period by the
    /// months they cover: "2028-01" alone would read as January.
    #[test]
    fn reports_name_the_months_of_a_year_period() {
        let yearly = TWO_VENDORS
            .replace("name = \"Two\"", "name = \"Yearly\"")
            .replace("periods = 12", "periods = 3\nstep = \"year\"")
            + "[[event]]\nat = \"2026-06\"\nvendor = \"North\"\nadd = { brand = 0.1 }\n";
        let s = crate::scenario::parse(&yearly, std::path::Path::new("yearly.toml")).unwrap();
        let overview = overview(&s);
        assert!(
            overview.contains("\n3 year periods, 2026-01 to 2028-12;"),
            "{overview}"
        );
        assert!(
            overview.contains("#1  2026-01 to 2026-12 period   0  North: brand += 0.1"),
            "{overview}"
        );
        let nothing = |vendor| crate::measures::VendorOutlook {
            vendor,
            share: None,
            prob_leader: Some(0.0),
            mean_cumulative_revenue: Some(0.0),
        };
        let p = Projection {
            runs: 10,
            shares: Vec::new(),
            adoption: vec![crate::measures::AdoptionRow {
                period: 2,
                agency: None,
                measure: AdoptionMeasure::UnderContract,
                summary: None,
            }],
            revenue: Vec::new(),
            outlook: vec![nothing(0), nothing(1)],
        };
        let table = final_table(&s, &p, 7);
        assert!(
            table.starts_with(
                "Yearly: 10 runs, seed 7, 3 year periods from 2026-01 to 2028-12\n\n\
                 Share of all contracts in 2028-01 to 2028-12 (mean"
            ),
            "{table}"
        );
    }

    /// The comparison table's band over runs is the difference's p05 to
    /// p95, and its interval of the mean 1.96 standard errors each side.
    #[test]
    fn the_comparison_table_shows_the_5_to_95_band_of_the_change() {
        use crate::compare::Paired;
        use crate::measures::{AdoptionRow, RevenueRow, ShareRow};
        let s = two_vendors();
        let priced = crate::scenario::parse(
            &format!("{TWO_VENDORS}annual_value = 250000\n"),
            std::path::Path::new("two.toml"),
        )
        .unwrap();
        let paired = |mean: f64, percentiles| Paired {
            baseline_mean: 0.4,
            counterfactual_mean: 0.4 + mean,
            // sd 0.316 over 40 runs: a standard error of 0.05, large
            // enough that 1.96 and 2 standard errors print differently.
            difference: summary(40, mean, 0.05 * 40f64.sqrt(), percentiles),
            frac_higher: 0.9,
            frac_lower: 0.05,
        };
        let c = Comparison {
            runs: 40,
            vendors: vec!["North".to_string(), "South".to_string()],
            notes: Vec::new(),
            shares: vec![ShareRow {
                period: 11,
                scope: Scope::All,
                vendor: 0,
                metric: ShareMetric::CountShare,
                summary: Some(paired(0.05, [0.01, 0.03, 0.05, 0.07, 0.09])),
            }],
            adoption: vec![AdoptionRow {
                period: 11,
                agency: None,
                measure: AdoptionMeasure::UnderContract,
                summary: Some(paired(-0.1, [-0.2, -0.15, -0.1, -0.05, 0.0])),
            }],
            revenue: vec![
                RevenueRow {
                    period: 11,
                    vendor: 0,
                    measure: RevenueMeasure::CumulativeRevenue,
                    summary: Some(paired(2.5e6, [0.0; 5])),
                },
                RevenueRow {
                    period: 11,
                    vendor: 1,
                    measure: RevenueMeasure::CumulativeRevenue,
                    summary: Some(paired(-1e6, [0.0; 5])),
                },
            ],
        };
        let table = comparison_table((&priced, "two.toml"), (&priced, "two.toml --set x"), &c, 7);
        // The cells of the row that starts with `name`.
        let cells = |name: &str| -> Vec<&str> {
            table
                .lines()
                .find(|l| l.starts_with(&format!("  {name}")))
                .unwrap()
                .split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        };
        // All vendors: the units under contract, and their revenue together.
        assert_eq!(
            cells("under contract"),
            [
                "under contract",
                "40.0%",
                "30.0%",
                "-10.0 pts",
                "-19.8 to -0.2 pts",
                "-20.0 to 0.0 pts",
                "90.0%",
                "5.0%",
                "+$1.50M"
            ],
            "{table}"
        );
        assert_eq!(
            cells("North"),
            [
                "North",
                "40.0%",
                "45.0%",
                "+5.0 pts",
                "-4.8 to +14.8 pts",
                "+1.0 to +9.0 pts",
                "90.0%",
                "5.0%",
                "+$2.50M"
            ],
            "{table}"
        );
        assert!(table.contains("  cum. revenue change\n"), "{table}");
        // Both sides at the default $1: a change in contract-years, no `$`.
        let counted = comparison_table((&s, "two.toml"), (&s, "two.toml --set x"), &c, 7);
        assert!(
            counted.contains("  cum. contract-years change\n"),
            "{counted}"
        );
        assert!(counted.contains("  +1.50M\n"), "{counted}");
        assert!(counted.contains("  +2.50M\n"), "{counted}");
        assert!(
            !counted.contains("$1.50M") && !counted.contains("$2.50M"),
            "{counted}"
        );
        // One side priced: dollars, with a note that a count is compared.
        let mixed = comparison_table((&s, "two.toml"), (&priced, "priced.toml"), &c, 7);
        assert!(mixed.contains("  cum. revenue change\n"), "{mixed}");
        assert!(mixed.contains("  +$1.50M\n"), "{mixed}");
    }

    /// A vendor named like the last row does not share its label.
    #[test]
    fn the_last_row_of_the_comparison_is_told_apart_from_any_vendor() {
        let named = |extra: &str| {
            crate::scenario::parse(
                &format!(
                    "{}{extra}",
                    TWO_VENDORS.replace("name = \"North\"", "name = \"Under Contract\"")
                ),
                std::path::Path::new("two.toml"),
            )
            .unwrap()
        };
        let s = named("");
        let c = Comparison {
            runs: 10,
            vendors: vec!["Under Contract".to_string(), "South".to_string()],
            shares: Vec::new(),
            adoption: vec![crate::measures::AdoptionRow {
                period: 11,
                agency: None,
                measure: AdoptionMeasure::UnderContract,
                summary: None,
            }],
            revenue: Vec::new(),
            notes: Vec::new(),
        };
        let table = comparison_table((&s, "two.toml"), (&s, "other.toml"), &c, 7);
        let mut lines = table.lines().rev();
        // Below the table, what revenue means when every price is $1.
        assert_eq!(
            lines.next(),
            Some(
                "Every contract is worth $1 a year (every agency's annual_value is 1, as by \
                 default), so revenue counts contract-years; give annual_value to see dollars."
            )
        );
        let last = lines.next().unwrap();
        assert!(
            last.starts_with("  all vendors: under contract  "),
            "{table}"
        );
        let priced = named("annual_value = 250000\n");
        for (pair, whose) in [
            ((&priced, &s), Some("the counterfactual")),
            ((&s, &priced), Some("the baseline")),
            ((&priced, &priced), None),
        ] {
            let table = comparison_table((pair.0, "a.toml"), (pair.1, "b.toml"), &c, 7);
            let note = table.lines().last().unwrap();
            match whose {
                Some(whose) => assert!(
                    note.starts_with(&format!("Every contract of {whose} is worth $1"))
                        && note.ends_with("compares contract-years with dollars."),
                    "{table}"
                ),
                None => assert!(!table.contains("contract-years"), "{table}"),
            }
        }
    }

    /// A change that is 0 in every run has an interval of one point, shown
    /// with one decimal rather than three.
    #[test]
    fn no_change_in_any_run_shows_a_plain_interval() {
        let unchanged = crate::compare::Paired {
            baseline_mean: 0.854,
            counterfactual_mean: 0.854,
            difference: summary(40, 0.0, 0.0, [0.0; 5]),
            frac_higher: 0.0,
            frac_lower: 0.0,
        };
        let cells = paired_cells(Some(&unchanged));
        assert_eq!(cells[2..5], ["0.0 pts", "0.0 to 0.0 pts", "0.0 to 0.0 pts"]);
        assert_eq!(paired_cells(None), vec!["-"; 7]);
        // The same change in every run is a change: three decimals.
        let constant = crate::compare::Paired {
            counterfactual_mean: 0.854125,
            difference: summary(40, 0.000125, 0.0, [0.000125; 5]),
            frac_higher: 1.0,
            ..unchanged
        };
        assert_eq!(
            paired_cells(Some(&constant))[2..4],
            ["+0.013 pts", "+0.013 to +0.013 pts"]
        );
        // A small change whose interval needs two decimals shows its mean
        // with two, not as "0.0 pts"; without an interval (under 30 runs),
        // with as many as it takes not to read as 0.
        let small = crate::compare::Paired {
            counterfactual_mean: 0.854131,
            difference: summary(40, 0.000131, 0.0002, [-0.003, 0.0, 0.0, 0.0, 0.003]),
            ..constant
        };
        assert_eq!(
            paired_cells(Some(&small))[2..4],
            ["+0.01 pts", "+0.01 to +0.02 pts"]
        );
        let few = crate::compare::Paired {
            difference: summary(20, 0.000131, 0.0002, [-0.003, 0.0, 0.0, 0.0, 0.003]),
            ..small
        };
        assert_eq!(paired_cells(Some(&few))[2..4], ["+0.01 pts", "-"]);
        let tiny = crate::compare::Paired {
            difference: summary(20, -0.0000004, 0.0002, [0.0; 5]),
            ..small
        };
        assert_eq!(paired_cells(Some(&tiny))[2], "0.000 pts");
    }

    #[test]
    fn the_sweep_table_shows_each_value_with_its_point() {
        let s = two_vendors();
        let sweep = Sweep::parse("agency.X.caution=0.2,0.8").unwrap();
        // The two values' points, each counting contract-years or not.
        let points_counting = |counted: [bool; 2]| {
            [
                SweepPoint {
                    shares: vec![Some(0.25), Some(0.75)],
                    under_contract: Some(0.5),
                    leader: Some((1, 0.9996)),
                    revenue: Some(1.5e6),
                    counts_contract_years: counted[0],
                },
                SweepPoint {
                    shares: vec![None, None],
                    under_contract: Some(0.0),
                    leader: None,
                    revenue: Some(0.0),
                    counts_contract_years: counted[1],
                },
            ]
        };
        let points = points_counting([true, true]);
        let table = "Two: 2 values of agency.X.caution, 100 runs each, seed 7, 12 month periods from 2026-01 to 2026-12

Share of all contracts in 2026-12 (mean), units under contract, all vendors' mean cumulative revenue and the likeliest leader, by value:
  agency.X.caution  North  South  under contract  cum. revenue  likeliest leader
  0.2               25.0%  75.0%           50.0%        $1.50M      South >99.9%
  0.8                   -      -            0.0%            $0                 -
";
        // Every contract of every value at the default $1: contract-years,
        // without a `$`, and said under the table.
        assert_eq!(
            sweep_table(&s, &sweep, &points, 100, 7),
            "Two: 2 values of agency.X.caution, 100 runs each, seed 7, 12 month periods from 2026-01 to 2026-12

Share of all contracts in 2026-12 (mean), units under contract, all vendors' mean cumulative revenue and the likeliest leader, by value:
  agency.X.caution  North  South  under contract  cum. contract-years  likeliest leader
  0.2               25.0%  75.0%           50.0%                1.50M      South >99.9%
  0.8                   -      -            0.0%                    0                 -
Every contract is worth $1 a year (every agency's annual_value is 1, as by default), so revenue counts contract-years; give annual_value to see dollars.
"
        );
        // A value priced in dollars (a swept price, or an event that sets
        // one moved into the horizon), whatever the file's own prices:
        // dollars for all, and a note naming any value that counts
        // contract-years.
        assert_eq!(
            sweep_table(&s, &sweep, &points_counting([false, false]), 100, 7),
            table
        );
        for (counted, value) in [([true, false], "0.2"), ([false, true], "0.8")] {
            assert_eq!(
                sweep_table(&s, &sweep, &points_counting(counted), 100, 7),
                format!(
                    "{table}At {value} every contract is worth $1 a year (every agency's \
                     annual_value is 1, as by default), so the revenue shown there counts \
                     contract-years, not dollars.\n"
                ),
            );
        }
        // A vendor named like a column of all vendors does not share its
        // label.
        let mut named = s.clone();
        named.vendors[1].name = "Under Contract".to_string();
        let table = sweep_table(&named, &sweep, &points, 100, 7);
        let header = table.lines().nth(3).unwrap();
        assert!(
            header.contains("  Under Contract  all vendors: under contract  cum. contract-years  "),
            "{header}"
        );
    }
}
