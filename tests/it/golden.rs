//! Golden output: a small scenario's CSVs pinned byte for byte, so any
//! change to the numbers shows in review. These files also pin the value
//! stability of the random streams and distributions: a dependency upgrade
//! that changes a draw changes them. Regenerate with
//! `UPDATE_EXPECT=1 cargo test --release golden`, and explain the change in
//! the commit.

use crate::common::{csvs, repo_root, sharecast};

#[test]
fn small_scenario_csvs_are_pinned() {
    let golden = repo_root().join("tests/golden");
    let tmp = tempfile::tempdir().unwrap();
    let o = sharecast(
        &golden,
        &[
            "run",
            "scenario.toml",
            "--runs",
            "40",
            "--seed",
            "3",
            "--per-run",
            "--out",
            tmp.path().to_str().unwrap(),
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // What is about to be compared or pinned agrees with itself.
    files_agree_with_their_runs(tmp.path());
    let expected_dir = golden.join("expected");
    let actual = csvs(tmp.path());
    assert_eq!(actual.len(), 6);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(&expected_dir).unwrap();
        for (name, bytes) in &actual {
            std::fs::write(expected_dir.join(name), bytes).unwrap();
        }
        return;
    }
    for (name, bytes) in &actual {
        let want = std::fs::read(expected_dir.join(name))
            .unwrap_or_else(|_| panic!("no golden {name}; run with UPDATE_EXPECT=1"));
        if &want != bytes {
            let (w, b) = (
                String::from_utf8_lossy(&want),
                String::from_utf8_lossy(bytes),
            );
            let line = w
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{name} differs from tests/golden/expected/{name} at line {}:\n  expected {}\n  actual   {}",
                line + 1,
                w.lines().nth(line).unwrap_or(""),
                b.lines().nth(line).unwrap_or("")
            );
        }
    }
}

/// The pinned files agree with one another, whatever produced them (see
/// [`files_agree_with_their_runs`]).
#[test]
fn pinned_files_agree_with_the_pinned_runs() {
    // While they are being rewritten, the test above checks what it writes.
    if std::env::var_os("UPDATE_EXPECT").is_none() {
        files_agree_with_their_runs(&repo_root().join("tests/golden/expected"));
    }
}

/// The files in `dir` agree with one another: the all-units count-share
/// rows of `shares.csv`, `shares_wide.csv` and the share and leader
/// columns of `summary.csv`, recomputed here from `runs.csv` (each run's
/// contracts by period and vendor) with the statistics written out afresh
/// in `recomputed.rs`. Checked on the pinned files and on every new output
/// before it is compared with them or pinned (`UPDATE_EXPECT`), so
/// inconsistent files are never pinned.
fn files_agree_with_their_runs(expected: &std::path::Path) {
    use std::collections::BTreeMap;

    use crate::recomputed::{read_csv, shows, statistics};

    let (header, runs) = read_csv(&expected.join("runs.csv"));
    assert_eq!(
        header,
        ["run", "period", "vendor", "contracts", "count_share"]
    );
    // contracts[(period, vendor)][run], vendors in file order.
    let mut vendors: Vec<String> = Vec::new();
    let mut contracts: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    let mut run_count = 0;
    for row in &runs {
        let (run, period): (usize, usize) = (row[0].parse().unwrap(), row[1].parse().unwrap());
        let vendor = match vendors.iter().position(|v| *v == row[2]) {
            Some(v) => v,
            None => {
                vendors.push(row[2].clone());
                vendors.len() - 1
            }
        };
        let cell = contracts.entry((period, vendor)).or_default();
        assert_eq!(cell.len(), run, "runs.csv lists runs in order");
        cell.push(row[3].parse().unwrap());
        run_count = run_count.max(run + 1);
    }
    let periods = contracts.keys().map(|&(p, _)| p).max().unwrap() + 1;
    // Each run's count share of each vendor, where it holds contracts.
    let shares = |period: usize, vendor: usize| -> Vec<f64> {
        (0..run_count)
            .filter_map(|run| {
                let total: f64 = (0..vendors.len())
                    .map(|v| contracts[&(period, v)][run])
                    .sum();
                (total > 0.0).then(|| contracts[&(period, vendor)][run] / total)
            })
            .collect()
    };
    let (_, share_rows) = read_csv(&expected.join("shares.csv"));
    let all_units: Vec<&Vec<String>> = share_rows
        .iter()
        .filter(|r| r[2] == "all" && r[3] == "all" && r[5] == "count_share")
        .collect();
    assert_eq!(all_units.len(), periods * vendors.len());
    let (_, wide) = read_csv(&expected.join("shares_wide.csv"));
    for row in all_units {
        let (period, vendor): (usize, usize) = (
            row[0].parse().unwrap(),
            vendors.iter().position(|v| *v == row[4]).unwrap(),
        );
        let stats = statistics(&shares(period, vendor));
        for (cell, want) in row[6..].iter().zip(&stats) {
            assert!(shows(cell, *want), "shares.csv {row:?}: {want:?}");
        }
        assert!(
            shows(&wide[period][2 + vendor], stats[1]),
            "shares_wide.csv period {period} vendor {vendor}"
        );
    }
    // summary.csv: the last period's share bands, and the chance of
    // leading over all runs (ties split evenly; a run without contracts
    // has no leader).
    let last = periods - 1;
    let (_, summary) = read_csv(&expected.join("summary.csv"));
    assert_eq!(summary.len(), vendors.len());
    for (vendor, row) in summary.iter().enumerate() {
        assert_eq!(
            (row[0].parse::<usize>().unwrap(), &row[2]),
            (last, &vendors[vendor])
        );
        let stats = statistics(&shares(last, vendor));
        let bands = [stats[0], stats[1], stats[3], stats[5], stats[7]];
        for (cell, want) in row[3..8].iter().zip(bands) {
            assert!(shows(cell, want), "summary.csv {row:?}: {want:?}");
        }
        let leads: f64 = (0..run_count)
            .map(|run| {
                let held: Vec<f64> = (0..vendors.len())
                    .map(|v| contracts[&(last, v)][run])
                    .collect();
                let top = held.iter().copied().fold(0.0, f64::max);
                let leaders = held.iter().filter(|&&h| h == top).count() as f64;
                if top > 0.0 && held[vendor] == top {
                    1.0 / leaders
                } else {
                    0.0
                }
            })
            .sum();
        assert!(
            shows(&row[8], Some(leads / run_count as f64)),
            "summary.csv prob_leader {row:?}"
        );
    }
}
