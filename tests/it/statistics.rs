//! The statistics in the CSVs against the per-run data in runs.csv,
//! recomputed here independently of the library.

use std::collections::BTreeMap;

use crate::common::{run_shipped_ok, sharecast};

fn read_csv(path: &std::path::Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            headers
                .iter()
                .zip(r.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// PERCENTILE.INC, written from its definition: rank h = (n-1)p.
fn percentile_inc(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

fn num(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row[key]
        .parse()
        .unwrap_or_else(|_| panic!("{key} = {:?} is not a number", row[key]))
}

#[test]
fn bands_and_sd_match_runs_csv_and_shares_sum_to_one() {
    let tmp = tempfile::tempdir().unwrap();
    // 103 runs: (n - 1) p is fractional for every band (5.1, 25.5, 51, 76.5,
    // 96.9), so the interpolation of PERCENTILE.INC is exercised; with 101
    // runs every band would fall on a single order statistic.
    run_shipped_ok(
        tmp.path(),
        "scenarios/gov-ai-2026.toml",
        &["--runs", "103", "--per-run", "--out", "o", "--quiet"],
    );
    let runs = read_csv(&tmp.path().join("o/runs.csv"));
    let shares = read_csv(&tmp.path().join("o/shares.csv"));

    // Shares per (period, vendor) recomputed from contract counts.
    let mut totals: BTreeMap<(String, String), f64> = BTreeMap::new();
    for r in &runs {
        *totals
            .entry((r["run"].clone(), r["period"].clone()))
            .or_default() += num(r, "contracts");
    }
    let mut values: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for r in &runs {
        let total = totals[&(r["run"].clone(), r["period"].clone())];
        if total > 0.0 {
            values
                .entry((r["period"].clone(), r["vendor"].clone()))
                .or_default()
                .push(num(r, "contracts") / total);
        }
    }
    let mut checked = 0;
    for row in shares
        .iter()
        .filter(|r| r["agency"] == "all" && r["tier"] == "all" && r["metric"] == "count_share")
    {
        let mut xs = values[&(row["period"].clone(), row["vendor"].clone())].clone();
        let n = xs.len() as f64;
        assert_eq!(num(row, "runs"), n);
        let mean = xs.iter().sum::<f64>() / n;
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        xs.sort_by(f64::total_cmp);
        let expected = [
            ("mean", mean),
            ("sd", sd),
            ("p05", percentile_inc(&xs, 0.05)),
            ("p25", percentile_inc(&xs, 0.25)),
            ("p50", percentile_inc(&xs, 0.50)),
            ("p75", percentile_inc(&xs, 0.75)),
            ("p95", percentile_inc(&xs, 0.95)),
        ];
        for (key, want) in expected {
            // The CSV rounds to 6 decimals.
            assert!(
                (num(row, key) - want).abs() <= 5.1e-7,
                "{key} of {row:?}: want {want}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 60 * 5);

    // Mean shares of every scope sum to 1 (up to the rounding of 5 cells).
    let mut sums: BTreeMap<(String, String, String, String), f64> = BTreeMap::new();
    for r in &shares {
        if r["runs"] != "0" {
            *sums
                .entry((
                    r["period"].clone(),
                    r["agency"].clone(),
                    r["tier"].clone(),
                    r["metric"].clone(),
                ))
                .or_default() += num(r, "mean");
        }
    }
    // 60 periods x 2 metrics x 9 scopes (all, 3 tiers, 5 agencies): every
    // scope holds contracts in every run and period, because every agency
    // and every tier starts with initial contracts and a contract that
    // expires is always re-awarded (every tier keeps a vendor with access).
    assert_eq!(sums.len(), 60 * 2 * 9);
    for (scope, sum) in sums {
        assert!((sum - 1.0).abs() <= 5.0 * 5e-7, "{scope:?} sums to {sum}");
    }
}

/// Counts in what sharecast prints are singular for one: "1 run", "1
/// month period".
#[test]
fn one_run_and_one_period_are_singular() {
    let tmp = tempfile::tempdir().unwrap();
    let text = "start = \"2026-01\"\nperiods = 1\nruns = 1\nseed = 7\n\
                [[vendor]]\nname = \"V\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
                [[agency]]\nname = \"A\"\nunits = 1\ninnovation = 0.1\nimitation = 0.1\n\
                term = 12\nannual_value = 1.0\n";
    std::fs::write(tmp.path().join("one.toml"), text).unwrap();
    let o = sharecast(tmp.path(), &["run", "one.toml", "--out", "o"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("1 run, seed 7, 1 month period from 2026-01 to 2026-01"),
        "{stdout}"
    );
    let o = sharecast(tmp.path(), &["check", "one.toml"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("1 month period, 2026-01 to 2026-01; 1 run by default")
            && stdout.contains("  1 unit in all")
            && stdout.contains("Memory for 1 run:"),
        "{stdout}"
    );
    // `--runs` asks about the job `run --runs` would simulate.
    let o = sharecast(tmp.path(), &["check", "one.toml", "--runs", "5000"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && stdout.contains("Memory for 5000 runs: about "),
        "{stdout}"
    );
    let o = sharecast(tmp.path(), &["check", "one.toml", "--runs", "0"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn csv_conventions() {
    let tmp = tempfile::tempdir().unwrap();
    run_shipped_ok(
        tmp.path(),
        "scenarios/gov-ai-2026.toml",
        &["--runs", "1", "--out", "o", "--quiet"],
    );
    for file in [
        "shares.csv",
        "adoption.csv",
        "revenue.csv",
        "shares_wide.csv",
        "summary.csv",
    ] {
        let text = std::fs::read_to_string(tmp.path().join("o").join(file)).unwrap();
        for line in text.lines().skip(1) {
            for cell in line.split(',') {
                assert!(
                    !cell.contains(['e', 'E'])
                        || cell
                            .chars()
                            .any(|c| c.is_alphabetic() && c != 'e' && c != 'E')
                        || cell.is_empty(),
                    "{file}: exponent in {cell}"
                );
                assert!(
                    !cell.eq_ignore_ascii_case("nan") && !cell.contains("inf"),
                    "{file}: {cell}"
                );
                if let Some((_, decimals)) = cell.split_once('.')
                    && cell.parse::<f64>().is_ok()
                {
                    assert_eq!(decimals.len(), 6, "{file}: {cell}");
                }
            }
        }
        // One run: sd is empty, the other statistics are there.
        if file == "shares.csv" {
            let first = text.lines().nth(1).unwrap();
            assert!(
                first.starts_with("0,2026-01-01,all,all,OpenAI,count_share,1,"),
                "{first}"
            );
            assert_eq!(
                first.split(',').nth(8),
                Some(""),
                "sd with one run must be empty: {first}"
            );
        }
    }
    let header = std::fs::read_to_string(tmp.path().join("o/shares.csv")).unwrap();
    assert!(
        header.starts_with(
            "period,date,agency,tier,vendor,metric,runs,mean,sd,p05,p25,p50,p75,p95\n"
        )
    );
}

/// The chance of leading: the vendor with most contracts at the last
/// period; ties split evenly; a run without contracts has no leader.
#[test]
fn leadership_probabilities() {
    use sharecast::engine::EngineKind;

    use crate::common::{scenario, simulate};

    let base = |initial: &str| {
        format!(
            r#"
start = "2026-01"
periods = 3
[[vendor]]
name = "A"
brand = 0.5
access = {{ unclassified = 1.0 }}
[[vendor]]
name = "B"
brand = 0.5
access = {{ unclassified = 1.0 }}
[[agency]]
name = "Frozen"
units = 20
caution = 1.0
innovation = 0.5
imitation = 0.5
term = 10
{initial}
"#
        )
    };
    let contract = |vendor: &str, units: u32| {
        format!("[[agency.initial]]\nvendor = \"{vendor}\"\nunits = {units}\nremaining = 10\n")
    };
    let lead = |text: String| -> Vec<f64> {
        let (_, p) = simulate(&scenario(&text), 1, 10, EngineKind::Counts);
        p.outlook
            .iter()
            .map(|o| o.prob_leader.expect("ten runs"))
            .collect()
    };
    assert_eq!(
        lead(base(&(contract("A", 6) + &contract("B", 5)))),
        vec![1.0, 0.0]
    );
    assert_eq!(
        lead(base(&(contract("A", 5) + &contract("B", 5)))),
        vec![0.5, 0.5]
    );
    assert_eq!(lead(base("")), vec![0.0, 0.0]);
}
