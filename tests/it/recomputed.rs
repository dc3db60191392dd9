//! Every row of `shares.csv`, `adoption.csv`, `revenue.csv` and
//! `summary.csv` recomputed from the engine's run records, with the measures
//! of MODEL.md section 4 and the statistics of section 6 written out here
//! afresh. Both engines feed the same `measures` and `stats` code, so the
//! engine comparison cannot see a mistake there; this test can: a wrong
//! scope, a wrong weight, a run wrongly left in or out of a row, a wrong
//! band, a wrong order of rows.

use std::collections::BTreeMap;
use std::path::Path;

use sharecast::engine::{
    Dims, EngineKind, MixedPrices, RunRecord, simulate_all, simulate_run_with,
};
use sharecast::scenario::{Scenario, load};
use sharecast::tally::{PriceEpochs, TallyLayout};

use crate::common::{repo_root, sharecast};

/// The values of one row over the runs that define it, in run order.
type Values = Vec<f64>;

/// Identifies a row: the text of its leading columns, joined by '|'.
type Key = String;

/// Rows in the order MODEL.md fixes, each with the runs' values.
#[derive(Default)]
struct Expected {
    rows: Vec<Key>,
    values: BTreeMap<Key, Values>,
}

impl Expected {
    fn row(&mut self, key: Key) {
        self.values.entry(key.clone()).or_default();
        self.rows.push(key);
    }

    fn push(&mut self, key: &str, x: f64) {
        self.values.get_mut(key).expect("row declared").push(x);
    }
}

/// PERCENTILE.INC from its definition: rank h = (n - 1) p, interpolated.
fn percentile_inc(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// `runs, mean, sd, p05, p25, p50, p75, p95` of a row's values; `None` for
/// an empty cell.
pub(crate) fn statistics(xs: &[f64]) -> Vec<Option<f64>> {
    let n = xs.len();
    if n == 0 {
        return vec![Some(0.0), None, None, None, None, None, None, None];
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    let sd = (n >= 2)
        .then(|| (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt());
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut cells = vec![Some(n as f64), Some(mean), sd];
    cells.extend([0.05, 0.25, 0.5, 0.75, 0.95].map(|p| Some(percentile_inc(&sorted, p))));
    cells
}

/// Whether a CSV cell shows `expected` rounded to 6 decimals (allowing a
/// relative 1e-12 for sums taken in another order).
pub(crate) fn shows(cell: &str, expected: Option<f64>) -> bool {
    match expected {
        None => cell.is_empty(),
        Some(x) => cell
            .parse::<f64>()
            .is_ok_and(|shown| (shown - x).abs() <= 5e-7 + 1e-12 * x.abs()),
    }
}

pub(crate) fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Compares a statistics file with the expected rows: the same rows in the
/// same order (by their first `key_columns` columns after `period,date`),
/// and every statistic cell equal to the recomputed one after rounding.
fn check_file(dir: &Path, file: &str, key_columns: usize, expected: &Expected) {
    let (header, rows) = read_csv(&dir.join(file));
    let stats_at = 2 + key_columns;
    assert_eq!(
        header[stats_at..],
        ["runs", "mean", "sd", "p05", "p25", "p50", "p75", "p95"]
    );
    let keys: Vec<Key> = rows
        .iter()
        .map(|r| {
            let mut parts = vec![r[0].clone()];
            parts.extend(r[2..stats_at].iter().cloned());
            parts.join("|")
        })
        .collect();
    assert_eq!(keys, expected.rows, "{file}: rows or their order");
    for (row, key) in rows.iter().zip(&keys) {
        let want = statistics(&expected.values[key]);
        for (column, (cell, want)) in header[stats_at..]
            .iter()
            .zip(row[stats_at..].iter().zip(want))
        {
            assert!(
                shows(cell, want),
                "{file} {key} {column}: {cell:?}, expected {want:?}"
            );
        }
    }
}

/// The scopes of MODEL.md section 4 in the files' order, as (agency, tier)
/// filters: all units, each tier, each agency.
fn share_scopes(s: &Scenario) -> Vec<(Option<usize>, Option<usize>)> {
    let mut scopes = vec![(None, None)];
    scopes.extend((0..s.tiers.len()).map(|k| (None, Some(k))));
    scopes.extend((0..s.agencies.len()).map(|a| (Some(a), None)));
    scopes
}

fn name(names: &[String], index: Option<usize>) -> &str {
    index.map_or("all", |i| names[i].as_str())
}

fn recompute(s: &Scenario, records: &[RunRecord]) -> (Expected, Expected, Expected, Expected) {
    let d = Dims::of(s);
    let agencies: Vec<String> = s.agencies.iter().map(|a| a.name.clone()).collect();
    let vendors: Vec<String> = s.vendors.iter().map(|v| v.name.clone()).collect();
    let years = s.calendar.step.years();
    let mut shares = Expected::default();
    let mut adoption = Expected::default();
    let mut revenue = Expected::default();
    let mut summary = Expected::default();

    for t in 0..d.periods {
        for &(agency, tier) in &share_scopes(s) {
            for vendor in &vendors {
                for metric in ["count_share", "value_share"] {
                    shares.row(format!(
                        "{t}|{}|{}|{vendor}|{metric}",
                        name(&agencies, agency),
                        name(&s.tiers, tier)
                    ));
                }
            }
        }
        for agency in std::iter::once(None).chain((0..d.agencies).map(Some)) {
            for measure in ["under_contract", "waiting"] {
                adoption.row(format!("{t}|{}|{measure}", name(&agencies, agency)));
            }
        }
        for vendor in &vendors {
            for measure in ["revenue", "cumulative_revenue"] {
                revenue.row(format!("{t}|{vendor}|{measure}"));
            }
        }
    }

    let last = d.periods - 1;
    let mut leader_weight = vec![0.0; d.vendors];
    let mut final_cumulative = vec![0.0; d.vendors];
    // What vendor v's contracts in cell (a, k) are worth a year at period
    // t: each at the value it was signed at, which the record holds for
    // every agency-period when events change values, else the agency's one
    // value.
    let everywhere = MixedPrices::everywhere(s);
    let worth =
        |record: &RunRecord, t: usize, a: usize, k: usize, v: usize| match everywhere.slot(t, a) {
            None => {
                let price = record.annual_value[t * d.agencies + a];
                f64::from(record.contracts[d.contract(t, a, k, v)]) * price
            }
            Some(slot) => record.values[(slot * d.tiers + k) * d.vendors + v],
        };
    for record in records {
        let mut cumulative = vec![0.0; d.vendors];
        for t in 0..d.periods {
            for &(agency, tier) in &share_scopes(s) {
                let cells = || {
                    (0..d.agencies)
                        .filter(move |&a| agency.is_none_or(|x| x == a))
                        .flat_map(move |a| {
                            (0..d.tiers)
                                .filter(move |&k| tier.is_none_or(|x| x == k))
                                .map(move |k| (a, k))
                        })
                };
                let held: Vec<f64> = (0..d.vendors)
                    .map(|v| {
                        cells()
                            .map(|(a, k)| f64::from(record.contracts[d.contract(t, a, k, v)]))
                            .sum()
                    })
                    .collect();
                let value: Vec<f64> = (0..d.vendors)
                    .map(|v| cells().map(|(a, k)| worth(record, t, a, k, v)).sum())
                    .collect();
                let (held_total, value_total) =
                    (held.iter().sum::<f64>(), value.iter().sum::<f64>());
                for (v, vendor) in vendors.iter().enumerate() {
                    let key = |metric: &str| {
                        format!(
                            "{t}|{}|{}|{vendor}|{metric}",
                            name(&agencies, agency),
                            name(&s.tiers, tier)
                        )
                    };
                    if held_total > 0.0 {
                        shares.push(&key("count_share"), held[v] / held_total);
                    }
                    if value_total > 0.0 {
                        shares.push(&key("value_share"), value[v] / value_total);
                    }
                }
            }
            for agency in std::iter::once(None).chain((0..d.agencies).map(Some)) {
                let in_scope = |a: usize| agency.is_none_or(|x| x == a);
                let units: f64 = (0..d.agencies)
                    .filter(|&a| in_scope(a))
                    .map(|a| f64::from(s.agencies[a].units))
                    .sum();
                let (mut contracted, mut waiting) = (0.0, 0.0);
                for a in (0..d.agencies).filter(|&a| in_scope(a)) {
                    waiting += f64::from(record.waiting[d.agency_period(t, a)]);
                    for k in 0..d.tiers {
                        for v in 0..d.vendors {
                            contracted += f64::from(record.contracts[d.contract(t, a, k, v)]);
                        }
                    }
                }
                if units > 0.0 {
                    let scope = name(&agencies, agency);
                    adoption.push(&format!("{t}|{scope}|under_contract"), contracted / units);
                    adoption.push(&format!("{t}|{scope}|waiting"), waiting / units);
                }
            }
            for (v, vendor) in vendors.iter().enumerate() {
                let period_revenue: f64 = (0..d.agencies)
                    .flat_map(|a| (0..d.tiers).map(move |k| (a, k)))
                    .map(|(a, k)| worth(record, t, a, k, v) * years)
                    .sum();
                cumulative[v] += period_revenue;
                revenue.push(&format!("{t}|{vendor}|revenue"), period_revenue);
                revenue.push(&format!("{t}|{vendor}|cumulative_revenue"), cumulative[v]);
            }
        }
        // The leader at the last period: ties split evenly, none without contracts.
        let held: Vec<u32> = (0..d.vendors)
            .map(|v| {
                (0..d.agencies)
                    .flat_map(|a| (0..d.tiers).map(move |k| (a, k)))
                    .map(|(a, k)| record.contracts[d.contract(last, a, k, v)])
                    .sum()
            })
            .collect();
        let most = held.iter().copied().max().unwrap_or(0);
        if most > 0 {
            let tied = held.iter().filter(|&&h| h == most).count() as f64;
            for (v, &h) in held.iter().enumerate() {
                if h == most {
                    leader_weight[v] += 1.0 / tied;
                }
            }
        }
        for (f, c) in final_cumulative.iter_mut().zip(&cumulative) {
            *f += c;
        }
    }
    for (v, vendor) in vendors.iter().enumerate() {
        let key = format!("{last}|{vendor}");
        summary.row(key.clone());
        let shares_at_last = &shares.values[&format!("{last}|all|all|{vendor}|count_share")];
        summary.values.insert(
            key,
            vec![
                leader_weight[v] / records.len() as f64,
                final_cumulative[v] / records.len() as f64,
            ],
        );
        summary
            .values
            .insert(format!("shares {last}|{vendor}"), shares_at_last.clone());
    }
    (shares, adoption, revenue, summary)
}

/// `summary.csv`: per vendor at the last period, the share's runs, mean and
/// three bands, the chance of leading and the mean cumulative revenue.
fn check_summary(dir: &Path, summary: &Expected) {
    let (header, rows) = read_csv(&dir.join("summary.csv"));
    assert_eq!(
        header,
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
            "mean_cumulative_revenue"
        ]
    );
    let keys: Vec<Key> = rows.iter().map(|r| format!("{}|{}", r[0], r[2])).collect();
    assert_eq!(keys, summary.rows);
    for (row, key) in rows.iter().zip(&keys) {
        let stats = statistics(&summary.values[&format!("shares {key}")]);
        let [leader, revenue] = summary.values[key][..] else {
            unreachable!()
        };
        let want = [
            stats[0],
            stats[1],
            stats[3],
            stats[5],
            stats[7], // runs, mean, p05, p50, p95
            Some(leader),
            Some(revenue),
        ];
        for ((column, cell), want) in header[3..].iter().zip(&row[3..]).zip(want) {
            assert!(
                shows(cell, want),
                "summary {key} {column}: {cell:?}, expected {want:?}"
            );
        }
    }
}

fn check_scenario(scenario: &Path, seed: u64, runs: u64) {
    let s = load(scenario).expect("valid scenario");
    // Runs that record the value of the contracts in force in every period,
    // so the recomputation does not lean on where the statistics take it
    // from the counts instead.
    let everywhere = MixedPrices::everywhere(&s);
    let records: Vec<RunRecord> = (0..runs)
        .map(|run| simulate_run_with(&s, &everywhere, seed, run, EngineKind::Counts))
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let (seed_arg, runs_arg) = (seed.to_string(), runs.to_string());
    let o = sharecast(
        tmp.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--seed",
            &seed_arg,
            "--runs",
            &runs_arg,
            "--out",
            "o",
            "--quiet",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = tmp.path().join("o");
    let (shares, adoption, revenue, summary) = recompute(&s, &records);
    check_file(&out, "shares.csv", 4, &shares);
    check_file(&out, "adoption.csv", 2, &adoption);
    check_file(&out, "revenue.csv", 2, &revenue);
    check_summary(&out, &summary);
}

/// Waiting units, an agency without units (adoption rows no run enters), an
/// agency whose contracts are worth nothing (value shares undefined where
/// count shares are not), annual_value events, quarterly periods, a vendor
/// name with a comma. 57 runs: every band falls between order statistics.
#[test]
fn every_row_of_the_edge_scenario_matches_its_recomputation() {
    check_scenario(&repo_root().join("benches/peer/edge.toml"), 11, 57);
}

/// The shipped default: initial contracts, access events, several tiers.
#[test]
fn every_row_of_the_default_scenario_matches_its_recomputation() {
    check_scenario(&repo_root().join("scenarios/gov-ai-2026.toml"), 5, 23);
}

/// Eight agencies over three tiers: the statistics keep each run's counts
/// by agency and by tier (`TallyLayout::Marginal`) rather than by agency and
/// tier, and every row must still match. Waiting units, an agency without
/// units, one whose contracts are worth nothing, drawn and changed contract
/// values, initial contracts.
#[test]
fn every_row_of_a_many_agency_scenario_matches_its_recomputation() {
    let mut text = String::from(
        r#"
name = "many agencies"
start = "2026-01"
periods = 30
tiers = ["open", "secret", "top"]
[[vendor]]
name = "A"
brand = { uniform = [0.3, 0.9] }
access = { open = 1.0, secret = 0.8 }
[[vendor]]
name = "B"
brand = 0.6
access = { open = 0.9 }
[[vendor]]
name = "C"
brand = 0.4
access = { open = 0.6, secret = 0.3 }
[[vendor]]
name = "D"
brand = 0.2
access = { open = 0.4 }
[[event]]
at = 12
vendor = "B"
set = { "access.top" = 0.7 }
[[event]]
at = 20
agency = "Agency 3"
add = { annual_value = { normal = [2e5, 5e4] } }
"#,
    );
    for a in 0..8 {
        let (units, value) = match a {
            0 => (0, "1e6".to_string()),
            1 => (40, "0".to_string()),
            _ => (
                30 + 15 * a,
                format!("{{ lognormal = [{}, 0.4] }}", 12 + a % 3),
            ),
        };
        text.push_str(&format!(
            "[[agency]]\nname = \"Agency {a}\"\nunits = {units}\n\
             tiers = {{ open = 0.5, secret = 0.3, top = 0.2 }}\n\
             innovation = 0.04\nimitation = 0.3\nterm = {}\nannual_value = {value}\n",
            3 + a % 4
        ));
        if a == 5 {
            text.push_str("[[agency.initial]]\nvendor = \"C\"\ntier = \"open\"\nunits = 20\n");
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("many.toml");
    std::fs::write(&path, text).unwrap();
    let s = load(&path).expect("valid scenario");
    assert_eq!(
        TallyLayout::of(Dims::of(&s), PriceEpochs::of(&s).mixed_count()),
        TallyLayout::Marginal
    );
    check_scenario(&path, 3, 41);
}

/// Two units and two equal vendors: at the last period some runs hold no
/// contract (no leader, yet counted in `prob_leader`'s denominator) and many
/// a tie (each tied vendor leads half a run).
#[test]
fn leaders_of_tied_and_empty_runs_match_their_recomputation() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tiny.toml");
    std::fs::write(
        &path,
        r#"
start = "2026-01"
periods = 4
tiers = ["unclassified"]
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 2
innovation = 0.3
imitation = 0
term = 2
"#,
    )
    .unwrap();
    let s = load(&path).unwrap();
    let records = simulate_all(&s, 3, 0..200, EngineKind::Counts);
    let last = |r: &RunRecord| r.contracts[r.contracts.len() - 2..].to_vec();
    assert!(
        records.iter().any(|r| last(r) == [0, 0]),
        "a run without contracts"
    );
    assert!(records.iter().any(|r| last(r) == [1, 1]), "a tie");
    check_scenario(&path, 3, 200);
}
