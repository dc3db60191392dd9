//! The count engine against the unit engine (the oracle) on a scenario that
//! uses every feature: tiers, access gates, events with set and add, agency
//! caution, initial contracts with and without `remaining`, every
//! distribution, and a stretch in which a scope holds no contract. Every row
//! of every output is compared by z-score: the fraction of runs that define
//! it and, where both engines define it, its mean; so is each vendor's
//! probability of leading. Runs are many (20,000 against 10,000) so that a
//! drift of a few percent in one engine's own arithmetic (the stay or an
//! award probability) is caught, not only gross ones.
//!
//! What both engines share (`engine::market`: the drawn parameters, events,
//! utilities, the adoption hazard) cannot drift between them; it is checked
//! against closed forms instead (`model.rs`: logit shares, the Bass
//! recursion, Markov-chain stationary shares, access gates; `draws.rs`: the
//! distributions) and against the independent NumPy peer
//! (`benches/peer/`, run by CI).

use sharecast::engine::{EngineKind, RunRecord};
use sharecast::measures::Projection;
use sharecast::stats::Summary;

use crate::common::{scenario, simulate};

pub const EVERY_FEATURE: &str = r#"
name = "every feature"
start = "2026-01"
periods = 30
step = "month"
tiers = ["unclassified", "secret", "top_secret"]

[choice]
brand = 2.0
access = { normal = [1.0, 0.2] }
incumbency = 1.5
capability = 0.8

[[vendor]]
name = "North"
brand = { triangular = [0.6, 0.7, 0.9] }
access = { unclassified = 1.0, secret = 0.8 }
attributes = { capability = { pert = [0.6, 0.8, 0.9] } }

[[vendor]]
name = "South"
brand = { beta = [5.0, 5.0] }
access = { unclassified = 0.9, secret = { uniform = [0.3, 0.6] }, top_secret = 0.7 }
attributes = { capability = 0.5 }

[[vendor]]
name = "East"
brand = { lognormal = [-1.0, 0.3] }
access = { unclassified = 0.7 }

[[agency]]
name = "Defense"
units = 240
tiers = { unclassified = 0.5, secret = 0.3, top_secret = 0.2 }
caution = { pert = [0.3, 0.5, 0.7] }
innovation = 0.03
imitation = { uniform = [0.2, 0.4] }
term = 9
annual_value = { lognormal = [14.5, 0.2] }
choice = { incumbency = 2.5 }

[[agency.initial]]
vendor = "North"
tier = "secret"
units = 20

[[agency.initial]]
vendor = "South"
tier = "top_secret"
units = 10
remaining = 4

[[agency]]
name = "Civil"
units = 160
caution = 0.2
innovation = { normal = [0.04, 0.01] }
imitation = 0.3
term = 6
annual_value = 1.0e6

[[agency.initial]]
vendor = "East"
units = 30

[[event]]
at = "2026-05"
vendor = "East"
set = { "access.secret" = 0.9 }
add = { brand = { uniform = [0.05, 0.15] } }

[[event]]
at = 8
agency = "*"
add = { caution = -0.1, innovation = 0.01 }

[[event]]
at = "2026-12"
vendor = "South"
set = { "access.top_secret" = 0.0 }

[[event]]
at = "2027-03"
agency = "Defense"
set = { annual_value = 3.0e6, "choice.capability" = 2.0 }

[[event]]
at = "2027-04"
vendor = "North"
set = { "access.top_secret" = 1.0 }
"#;

/// [`EVERY_FEATURE`] (whose runs `stability.rs` pins) with a stretch in
/// which a scope holds no contract: South, the only vendor serving
/// top_secret, loses it at period 4 instead of 11. Its last contracts there
/// end by period 11 (term 9), and North serves the tier from period 15, so
/// top_secret holds contracts in only some runs in periods 4-11 and in none
/// in periods 12-14: undefined shares, and `runs` below the total. Two
/// temporary events (`until`) as well: North's brand and secret access
/// lowered in periods 6-12, and Civil more cautious in periods 10-15.
pub fn every_feature_with_a_gap() -> String {
    let text = EVERY_FEATURE.replace(
        "at = \"2026-12\"\nvendor = \"South\"",
        "at = \"2026-05\"\nvendor = \"South\"",
    );
    assert_ne!(text, EVERY_FEATURE);
    text + r#"
[[event]]
at = "2026-07"
until = "2027-02"
vendor = "North"
add = { brand = -0.3, "access.secret" = { uniform = [-0.5, -0.2] } }

[[event]]
at = 10
until = 16
agency = "Civil"
add = { caution = 0.4 }
"#
}

/// Inverse of the two-sided normal tail: the z with P(|Z| > z) = alpha.
fn two_sided_quantile(alpha: f64) -> f64 {
    let (mut lo, mut hi) = (0.0, 40.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if libm::erfc(mid / std::f64::consts::SQRT_2) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

fn summaries(p: &Projection) -> Vec<(String, Option<Summary>)> {
    let mut out = Vec::new();
    out.extend(p.shares.iter().map(|r| (format!("share {r:?}"), r.summary)));
    out.extend(
        p.adoption
            .iter()
            .map(|r| (format!("adoption {r:?}"), r.summary)),
    );
    out.extend(
        p.revenue
            .iter()
            .map(|r| (format!("revenue {r:?}"), r.summary)),
    );
    out
}

/// Each vendor's probability of leading at the last period (a fraction of
/// the runs, ties split): a two-proportion z, pooled, whose standard error
/// bounds that of a mean of split ties from above.
fn leader_z_scores(a: &Projection, b: &Projection) -> Vec<(String, f64)> {
    let (na, nb) = (a.runs as f64, b.runs as f64);
    a.outlook
        .iter()
        .zip(&b.outlook)
        .map(|(x, y)| {
            assert_eq!(x.vendor, y.vendor);
            let (x_leads, y_leads) = (
                x.prob_leader.expect("runs were made"),
                y.prob_leader.expect("runs were made"),
            );
            let pooled = (x_leads * na + y_leads * nb) / (na + nb);
            let se = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
            (
                format!("prob_leader of vendor {}", x.vendor),
                z_score(x_leads - y_leads, se),
            )
        })
        .collect()
}

/// `diff / se`, where a zero standard error (both sides constant) allows
/// no difference beyond rounding.
fn z_score(diff: f64, se: f64) -> f64 {
    if se > 0.0 {
        diff / se
    } else if diff.abs() < 1e-12 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// Compares every row: the fraction of runs that define it (two-proportion
/// z, pooled) and, where both engines define it, its mean; and each
/// vendor's probability of leading. Returns the
/// number of comparisons, the largest |z| and the failures: every
/// comparison beyond the Bonferroni bound for a family-wise false-alarm
/// rate of 0.001 over these and `others` comparisons made besides, and
/// every row that one engine defines and the other not.
fn disagreements(a: &Projection, b: &Projection, others: usize) -> (usize, f64, Vec<String>) {
    let (ra, rb) = (summaries(a), summaries(b));
    assert_eq!(ra.len(), rb.len());
    let (na, nb) = (a.runs as f64, b.runs as f64);
    let mut compared: Vec<(String, f64)> = Vec::new();
    let mut bad = Vec::new();
    for ((name, x), (_, y)) in ra.iter().zip(&rb) {
        let (kx, ky) = (x.map_or(0, |s| s.runs), y.map_or(0, |s| s.runs));
        let pooled = (kx + ky) as f64 / (na + nb);
        let se = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
        compared.push((
            format!("runs {kx}/{na} vs {ky}/{nb}: {name}"),
            z_score(kx as f64 / na - ky as f64 / nb, se),
        ));
        match (x, y) {
            (Some(x), Some(y)) => {
                let se = (x.sd.unwrap_or(0.0).powi(2) / x.runs as f64
                    + y.sd.unwrap_or(0.0).powi(2) / y.runs as f64)
                    .sqrt();
                compared.push((format!("mean: {name}"), z_score(x.mean - y.mean, se)));
            }
            (None, None) => {}
            _ => bad.push(format!(
                "defined in one engine only ({kx} vs {ky} runs): {name}"
            )),
        }
    }
    compared.extend(leader_z_scores(a, b));
    let bound = two_sided_quantile(0.001 / (compared.len() + others) as f64);
    let max = compared.iter().map(|(_, z)| z.abs()).fold(0.0, f64::max);
    bad.extend(
        compared
            .iter()
            .filter(|(_, z)| z.abs() > bound)
            .map(|(n, z)| format!("z = {z:.2}: {n}")),
    );
    (compared.len(), max, bad)
}

/// The spread of every number the runs record (each vendor's contracts in
/// each agency, tier and period; each agency's waiting and never-adopted
/// units in each period), compared between two sets of runs by the
/// Brown-Forsythe statistic: the mean absolute deviation from the median,
/// as a Welch z. A fault that keeps the means but changes the spread (a
/// draw shared by units that should draw one each) shows here; the means
/// compared by [`disagreements`] cannot see it. One z per number.
fn spread_disagreements(a: &[RunRecord], b: &[RunRecord]) -> Vec<(String, f64)> {
    let numbers = |r: &RunRecord| -> Vec<u32> {
        let mut all = r.contracts.clone();
        all.extend(&r.waiting);
        all.extend(&r.never);
        all
    };
    let (xa, xb): (Vec<Vec<u32>>, Vec<Vec<u32>>) = (
        a.iter().map(numbers).collect(),
        b.iter().map(numbers).collect(),
    );
    // The mean and the variance of the mean of |x - median| over the runs.
    let deviation = |runs: &[Vec<u32>], i: usize| -> (f64, f64) {
        let mut x: Vec<f64> = runs.iter().map(|r| f64::from(r[i])).collect();
        x.sort_by(f64::total_cmp);
        let n = x.len();
        let median = if n % 2 == 1 {
            x[n / 2]
        } else {
            (x[n / 2 - 1] + x[n / 2]) / 2.0
        };
        let d: Vec<f64> = x.iter().map(|v| (v - median).abs()).collect();
        let mean = d.iter().sum::<f64>() / n as f64;
        let var = d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
        (mean, var / n as f64)
    };
    (0..xa[0].len())
        .map(|i| {
            let ((ma, va), (mb, vb)) = (deviation(&xa, i), deviation(&xb, i));
            (
                format!("spread of recorded number {i}"),
                z_score(ma - mb, (va + vb).sqrt()),
            )
        })
        .collect()
}

/// Runs of each engine in the comparisons (the unit engine's cost grows
/// with the units, the count engine's does not).
const COUNT_RUNS: u64 = 20_000;
const UNIT_RUNS: u64 = 10_000;

/// Whether a scenario is meant to leave some rows undefined in some runs
/// (checked, so that the comparison of such rows is not vacuous).
#[derive(PartialEq)]
enum Gaps {
    Expected,
    None,
}

/// Runs both engines on `text` (independent seeds) and fails on any row
/// (mean, or runs that define it) or any recorded number's spread beyond
/// one Bonferroni bound over all of them.
fn assert_engines_agree(text: &str, gaps: Gaps) {
    let s = scenario(text);
    let (counts_runs, counts) = simulate(&s, 2024, COUNT_RUNS, EngineKind::Counts);
    let (units_runs, units) = simulate(&s, 99, UNIT_RUNS, EngineKind::Units);
    if gaps == Gaps::Expected {
        // Some rows are undefined, and some defined in only some runs.
        let defined: Vec<Option<usize>> = summaries(&units)
            .iter()
            .map(|(_, x)| x.map(|x| x.runs))
            .collect();
        assert!(defined.contains(&None));
        assert!(defined.iter().flatten().any(|&k| k < units.runs));
    }
    let spreads = spread_disagreements(&counts_runs, &units_runs);
    let (n, max, mut bad) = disagreements(&counts, &units, spreads.len());
    assert!(n > 1000, "{n} comparisons");
    let bound = two_sided_quantile(0.001 / (n + spreads.len()) as f64);
    let spread_max = spreads.iter().map(|(_, z)| z.abs()).fold(0.0, f64::max);
    bad.extend(
        spreads
            .iter()
            .filter(|(_, z)| z.abs() > bound)
            .map(|(n, z)| format!("z = {z:.2}: {n}")),
    );
    assert!(
        bad.is_empty(),
        "max |z| {max:.2} over {n} rows, {spread_max:.2} over {} spreads; beyond the bound {bound:.2}:\n{}",
        spreads.len(),
        bad.join("\n")
    );
}

#[test]
fn count_engine_matches_unit_engine_on_every_row() {
    assert_engines_agree(&every_feature_with_a_gap(), Gaps::Expected);
}

/// With a negative incumbency weight the count engine takes its other path
/// (one choice table per incumbent instead of "stay" draws); it must agree
/// with the unit engine there too.
#[test]
fn count_engine_matches_unit_engine_when_incumbents_are_penalised() {
    assert_engines_agree(
        &every_feature_with_a_gap()
            .replace("incumbency = 1.5", "incumbency = -0.8")
            .replace(
                "choice = { incumbency = 2.5 }",
                "choice = { incumbency = -1.5 }",
            ),
        Gaps::Expected,
    );
}

/// A market whose open units come in groups larger than the count engine
/// assigns one by one (adoption of about a tenth of 2,000 units a period,
/// and blocks of initial contracts ending together), so that its
/// conditional binomial draws, for the stays and for the award among the
/// vendors, carry most of the awards: [`EVERY_FEATURE`]'s small groups
/// mostly take the one-by-one path. A and B each lead in about half the
/// runs (0.46 and 0.54 in 4,000), so that the probability of leading is
/// compared where it is uncertain; in [`EVERY_FEATURE`] North nearly always
/// leads.
const LARGE_GROUPS: &str = r#"
name = "large groups"
start = "2026-01"
periods = 12
tiers = ["unclassified", "secret"]

[choice]
brand = 2.0
access = 1.0
incumbency = { uniform = [0.5, 1.5] }

[[vendor]]
name = "A"
brand = 0.7
access = { unclassified = 1.0, secret = 0.6 }

[[vendor]]
name = "B"
brand = { uniform = [0.55, 0.95] }
access = { unclassified = 0.8, secret = 0.9 }

[[vendor]]
name = "C"
brand = 0.5
access = { unclassified = 0.6 }

[[vendor]]
name = "D"
brand = 0.3
access = { unclassified = 0.9, secret = 0.4 }

[[agency]]
name = "Big"
units = 2000
tiers = { unclassified = 0.7, secret = 0.3 }
caution = 0.3
innovation = 0.1
imitation = 0.2
term = 3
annual_value = 1.0e6

[[agency.initial]]
vendor = "A"
tier = "unclassified"
units = 300

[[agency.initial]]
vendor = "B"
tier = "secret"
units = 100
remaining = 2

[[event]]
at = 6
vendor = "C"
set = { "access.secret" = 0.8 }
"#;

#[test]
fn count_engine_matches_unit_engine_on_large_groups() {
    assert_engines_agree(LARGE_GROUPS, Gaps::None);
    assert_engines_agree(
        &LARGE_GROUPS.replace(
            "incumbency = { uniform = [0.5, 1.5] }",
            "incumbency = { uniform = [-1.5, -0.5] }",
        ),
        Gaps::None,
    );
}

/// The comparison has power: a model that differs only slightly (the
/// incumbency weight 1.5 instead of 1.6, which moves the probability of
/// staying with an incumbent by a few percent) is caught. At these runs
/// that drift gives a largest |z| about 12 against a bound about 5.1.
#[test]
fn engine_comparison_detects_a_small_model_change() {
    let text = every_feature_with_a_gap();
    let s = scenario(&text);
    let drifted = scenario(&text.replace("incumbency = 1.5", "incumbency = 1.6"));
    let (_, counts) = simulate(&drifted, 2024, COUNT_RUNS, EngineKind::Counts);
    let (_, units) = simulate(&s, 99, UNIT_RUNS, EngineKind::Units);
    let (_, max, bad) = disagreements(&counts, &units, 0);
    assert!(!bad.is_empty(), "a drift went unnoticed (max |z| {max:.2})");
}

#[test]
fn bonferroni_bound() {
    assert!((two_sided_quantile(0.05) - 1.959964).abs() < 1e-5);
    assert!((two_sided_quantile(0.001) - 3.290527).abs() < 1e-5);
}
