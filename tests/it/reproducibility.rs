//! Same scenario, seed and runs give byte-identical CSVs on any thread
//! count; run i depends only on (seed, i).

use sharecast::engine::{EngineKind, RunRecord, simulate_all};
use sharecast::export;
use sharecast::tally::Tally;

use crate::common::{ENGINES, csvs, run_shipped_ok, scenario};
use crate::engines::EVERY_FEATURE;

fn run_into(dir: &std::path::Path, out: &str, extra: &[&str]) {
    let mut args = vec!["--out", out, "--quiet"];
    args.extend_from_slice(extra);
    run_shipped_ok(dir, "scenarios/gov-ai-2026.toml", &args);
}

#[test]
fn thread_count_does_not_change_a_byte() {
    let tmp = tempfile::tempdir().unwrap();
    for (engine, runs) in [("counts", "300"), ("units", "40")] {
        let out = |threads: &str| format!("{engine}-{threads}");
        for threads in ["1", "2"] {
            run_into(
                tmp.path(),
                &out(threads),
                &[
                    "--runs",
                    runs,
                    "--seed",
                    "5",
                    "--threads",
                    threads,
                    "--engine",
                    engine,
                    "--per-run",
                ],
            );
        }
        let (one, two) = (
            csvs(&tmp.path().join(out("1"))),
            csvs(&tmp.path().join(out("2"))),
        );
        assert_eq!(one.len(), 6);
        assert_eq!(two.len(), one.len());
        for ((name, a), (name_two, b)) in one.iter().zip(&two) {
            assert_eq!(name, name_two);
            assert!(a == b, "{engine}: {name} differs between 1 and 2 threads");
        }
    }
}

/// In the library, on pools of 1 and 4 threads (the command line's test
/// above compares 1 and 2): the same run records bit for bit, in both
/// engines, and the same statistics, whose rows are summed and selected by
/// tasks that the pool splits differently.
#[test]
fn the_pool_size_changes_no_record_and_no_statistic() {
    let s = scenario(EVERY_FEATURE);
    let on = |threads: usize, engine: EngineKind| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            assert_eq!(rayon::current_num_threads(), threads);
            let records = simulate_all(&s, 21, 0..120, engine);
            let projection = sharecast::measures::project(&s, &records);
            (records, projection)
        })
    };
    for engine in ENGINES {
        let (one, four) = (on(1, engine), on(4, engine));
        assert!(one.0 == four.0, "{engine:?}: records differ");
        assert!(one.1 == four.1, "{engine:?}: statistics differ");
    }
}

/// A scenario saved on Windows (CRLF line ends) with a UTF-8 byte-order
/// mark, as Notepad and Excel's text export write it, is the same scenario:
/// the same CSVs, byte for byte.
#[test]
fn windows_line_ends_and_a_byte_order_mark_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(crate::common::repo_root().join("scenarios/gov-ai-2026.toml"))
            .unwrap();
    let windows = format!("\u{FEFF}{}", text.replace('\n', "\r\n"));
    std::fs::write(tmp.path().join("unix.toml"), &text).unwrap();
    std::fs::write(tmp.path().join("windows.toml"), windows).unwrap();
    for name in ["unix", "windows"] {
        let o = crate::common::sharecast(
            tmp.path(),
            &[
                "run",
                &format!("{name}.toml"),
                "--runs",
                "40",
                "--out",
                name,
                "--quiet",
            ],
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(
            o.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    let (unix, windows) = (
        csvs(&tmp.path().join("unix")),
        csvs(&tmp.path().join("windows")),
    );
    assert_eq!(unix.len(), 5);
    assert_eq!(unix, windows);
}

/// `--engine` reads its value in any letter case, as the library's
/// `EngineKind` parses it: the same engine, the same bytes.
#[test]
fn the_engine_is_named_in_any_letter_case() {
    let tmp = tempfile::tempdir().unwrap();
    run_into(tmp.path(), "lower", &["--runs", "30", "--engine", "units"]);
    run_into(tmp.path(), "title", &["--runs", "30", "--engine", "Units"]);
    run_into(
        tmp.path(),
        "counts",
        &["--runs", "30", "--engine", "COUNTS"],
    );
    let (lower, title) = (
        csvs(&tmp.path().join("lower")),
        csvs(&tmp.path().join("title")),
    );
    assert_eq!(lower.len(), 5);
    assert_eq!(lower, title);
    assert_ne!(lower, csvs(&tmp.path().join("counts")));
    let manifest = std::fs::read_to_string(tmp.path().join("title/manifest.json")).unwrap();
    assert!(manifest.contains("\"units\""), "{manifest}");
}

#[test]
fn another_seed_gives_other_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    run_into(tmp.path(), "a", &["--runs", "50", "--seed", "5"]);
    run_into(tmp.path(), "b", &["--runs", "50", "--seed", "6"]);
    let a = std::fs::read(tmp.path().join("a/shares.csv")).unwrap();
    let b = std::fs::read(tmp.path().join("b/shares.csv")).unwrap();
    assert_ne!(a, b);
}

#[test]
fn first_runs_of_a_larger_simulation_equal_a_smaller_one() {
    // In the library: records of runs 0..20 are those of runs 0..20 of 0..50,
    // and a range starting elsewhere gives the same runs as well.
    let s = scenario(EVERY_FEATURE);
    for engine in ENGINES {
        let large = simulate_all(&s, 8, 0..50, engine);
        let small = simulate_all(&s, 8, 0..20, engine);
        assert_eq!(&large[..20], &small[..]);
        let later = simulate_all(&s, 8, 30..50, engine);
        assert_eq!(&large[30..50], &later[..]);
        // runs.csv numbers runs by their stream: the file of runs 0..30
        // and that of 30..50, its header dropped, make the file of 0..50.
        let file = |records: &[RunRecord], first: u64| {
            String::from_utf8(export::runs_csv(&s, &Tally::of_runs(records, &s), first)).unwrap()
        };
        let (whole, head, tail) = (file(&large, 0), file(&large[..30], 0), file(&later, 30));
        let tail_rows = tail.split_once('\n').unwrap().1;
        assert!(tail_rows.starts_with("30,0,"), "{}", &tail_rows[..40]);
        assert_eq!(whole, format!("{head}{tail_rows}"));
    }
    // Through the command line: runs.csv of 20 runs is the start of that of 50.
    let tmp = tempfile::tempdir().unwrap();
    run_into(
        tmp.path(),
        "small",
        &["--runs", "20", "--per-run", "--seed", "8"],
    );
    run_into(
        tmp.path(),
        "large",
        &["--runs", "50", "--per-run", "--seed", "8"],
    );
    let small = std::fs::read_to_string(tmp.path().join("small/runs.csv")).unwrap();
    let large = std::fs::read_to_string(tmp.path().join("large/runs.csv")).unwrap();
    assert!(
        large.starts_with(&small),
        "runs.csv of 20 runs is not a prefix of that of 50"
    );
    assert!(large.len() > small.len());
}

/// Rows of a CSV whose first column (the period) is below `period`.
fn rows_before(csv: &[u8], period: u32) -> Vec<String> {
    String::from_utf8_lossy(csv)
        .lines()
        .skip(1)
        .filter(|row| {
            let first = row.split(',').next().unwrap_or("");
            first.parse::<u32>().is_ok_and(|p| p < period)
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn a_counterfactual_follows_the_baseline_until_it_differs() {
    // no-aws-deal.toml is gov-ai-2026.toml without the event of 2026-03
    // (period 2). With the same seed, every run draws the same values for
    // all other uncertain numbers and follows the same path until then, so
    // periods 0 and 1 agree to the byte, run by run, and period 2 on differ
    // (but for adoption, which the deal does not change).
    let tmp = tempfile::tempdir().unwrap();
    let args = ["--runs", "200", "--per-run", "--quiet", "--seed", "3"];
    for (scenario, out) in [
        ("gov-ai-2026", "baseline"),
        ("no-aws-deal", "counterfactual"),
    ] {
        let mut all = vec!["--out", out];
        all.extend_from_slice(&args);
        run_shipped_ok(tmp.path(), &format!("scenarios/{scenario}.toml"), &all);
    }
    let (baseline, counterfactual) = (
        csvs(&tmp.path().join("baseline")),
        csvs(&tmp.path().join("counterfactual")),
    );
    for ((name, a), (_, b)) in baseline.iter().zip(&counterfactual) {
        // runs.csv starts with the run index; the rest with the period.
        let (a, b) = if name == "runs.csv" {
            let strip = |csv: &[u8]| -> Vec<u8> {
                String::from_utf8_lossy(csv)
                    .lines()
                    .map(|row| row.split_once(',').map_or(row, |(_, rest)| rest))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .into_bytes()
            };
            (strip(a), strip(b))
        } else {
            (a.clone(), b.clone())
        };
        if name == "summary.csv" {
            continue; // the final period only
        }
        let (early_a, early_b) = (rows_before(&a, 2), rows_before(&b, 2));
        assert!(!early_a.is_empty(), "{name} has rows before period 2");
        assert_eq!(early_a, early_b, "{name} differs before the deal");
        if name == "adoption.csv" {
            // The deal changes who wins, never how many units hold a
            // contract (every tier is served throughout): each period's
            // adoption draws come before its awards, so they stay paired
            // and adoption agrees to the byte in every period.
            assert!(a == b, "adoption differs with the deal");
            continue;
        }
        assert_ne!(
            rows_before(&a, 3),
            rows_before(&b, 3),
            "{name}: the deal changes period 2"
        );
    }
}

#[test]
fn reordering_initial_blocks_changes_no_run() {
    // Each [[agency.initial]] block without `remaining` draws its ends from
    // a sub-stream named by agency, tier and vendor, so listing the blocks
    // in another order gives the same runs (count engine, which keeps
    // contracts by cohort; the unit engine gives the units other indices).
    let blocks = [
        "[[agency.initial]]\nvendor = \"A\"\ntier = \"s\"\nunits = 30\n",
        "[[agency.initial]]\nvendor = \"B\"\ntier = \"u\"\nunits = 40\n",
    ];
    let text = |first: &str, second: &str| {
        format!(
            "start = \"2026-01\"\nperiods = 24\ntiers = [\"u\", \"s\"]\n\
             [[vendor]]\nname = \"A\"\nbrand = {{ uniform = [0.3, 0.7] }}\naccess = {{ u = 1.0, s = 1.0 }}\n\
             [[vendor]]\nname = \"B\"\nbrand = 0.5\naccess = {{ u = 1.0 }}\n\
             [[agency]]\nname = \"X\"\nunits = 200\ntiers = {{ u = 0.5, s = 0.5 }}\nterm = 12\n\
             innovation = 0.05\nimitation = 0.2\n{first}{second}"
        )
    };
    let (a, b) = (
        scenario(&text(blocks[0], blocks[1])),
        scenario(&text(blocks[1], blocks[0])),
    );
    let (runs_a, runs_b) = (
        simulate_all(&a, 4, 0..30, EngineKind::Counts),
        simulate_all(&b, 4, 0..30, EngineKind::Counts),
    );
    assert_eq!(runs_a, runs_b);
    // The blocks' ends are random: runs differ from each other.
    assert!(runs_a.windows(2).any(|w| w[0] != w[1]));
}

/// MODEL.md's defaults (runs 1000, seed 1, the name from the file) and the
/// manifest's record of what produced the files: the version, the
/// scenario's SHA-256 (checked against the system's `sha256sum`), the seed
/// and runs actually used, the engine, the command line and the files.
#[test]
fn defaults_and_the_manifest_record_what_produced_the_files() {
    let tmp = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(crate::common::repo_root().join("scenarios/minimal.toml")).unwrap();
    let without: String = text
        .lines()
        .filter(|l| {
            !["name = \"Minimal", "runs = ", "seed = "]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(without.lines().count() + 3, text.lines().count());
    std::fs::write(tmp.path().join("plain.toml"), &without).unwrap();
    let sha256 = {
        let o = std::process::Command::new("sha256sum")
            .arg(tmp.path().join("plain.toml"))
            .output()
            .expect("sha256sum runs");
        String::from_utf8(o.stdout).unwrap()[..64].to_string()
    };

    let run = |out: &str, extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["run", "plain.toml", "--quiet", "--out", out];
        args.extend(extra);
        let o = crate::common::sharecast(tmp.path(), &args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let manifest = std::fs::read_to_string(tmp.path().join(out).join("manifest.json")).unwrap();
        let manifest: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        let command: Vec<&str> = manifest["command_line"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        assert_eq!(command[1..], args[..], "the command line as given");
        manifest
    };
    let defaults = run("defaults", &[]);
    let explicit = run("explicit", &["--runs", "1000", "--seed", "1"]);
    let other = run("other", &["--runs", "3", "--seed", "5", "--per-run"]);

    assert_eq!(
        csvs(&tmp.path().join("defaults")),
        csvs(&tmp.path().join("explicit"))
    );
    assert_ne!(
        csvs(&tmp.path().join("defaults")),
        csvs(&tmp.path().join("other"))
    );
    for (manifest, seed, runs) in [(&defaults, 1, 1000), (&explicit, 1, 1000), (&other, 5, 3)] {
        assert_eq!(manifest["sharecast_version"], sharecast::VERSION);
        assert_eq!(sharecast::VERSION, env!("CARGO_PKG_VERSION"));
        assert_eq!(manifest["scenario"]["name"], "plain");
        assert_eq!(manifest["scenario"]["sha256"], sha256.as_str());
        assert_eq!(manifest["seed"], seed);
        assert_eq!(manifest["runs"], runs);
        assert_eq!(manifest["engine"], "counts");
        // Where relative paths start from, and what was warned (nothing).
        let cwd = std::fs::canonicalize(tmp.path()).unwrap();
        assert_eq!(manifest["working_directory"], cwd.to_str().unwrap());
        assert_eq!(manifest["warnings"], serde_json::json!([]));
    }
    // A warning printed before the files are written is kept in the
    // manifest as printed.
    let warned = text.replace("name = \"Agency\"", "name = \"NA\"");
    assert_ne!(warned, text, "minimal.toml has an agency named Agency");
    std::fs::write(tmp.path().join("warned.toml"), &warned).unwrap();
    let o = crate::common::sharecast(
        tmp.path(),
        &["run", "warned.toml", "--runs", "3", "--quiet", "--out", "w"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("w/manifest.json")).unwrap())
            .unwrap();
    let kept = manifest["warnings"].as_array().unwrap();
    assert_eq!(kept.len(), 1, "{manifest}");
    let kept = kept[0].as_str().unwrap();
    assert!(
        kept.contains("name 'NA' reads as a missing value"),
        "{kept}"
    );
    assert!(stderr.contains(&format!("warning: {kept}\n")), "{stderr}");
    let files = |m: &serde_json::Value| -> Vec<String> {
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        files(&defaults),
        [
            "shares.csv",
            "adoption.csv",
            "revenue.csv",
            "shares_wide.csv",
            "summary.csv"
        ]
    );
    assert_eq!(files(&other).last().unwrap(), "runs.csv");
    for (m, out) in [(&defaults, "defaults"), (&other, "other")] {
        let mut on_disk: Vec<String> = std::fs::read_dir(tmp.path().join(out))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n != "manifest.json")
            .collect();
        on_disk.sort();
        let mut listed = files(m);
        listed.sort();
        assert_eq!(on_disk, listed, "{out}");
    }
}

/// Records read with a scenario of another shape would give statistics
/// of the wrong periods or vendors: the library refuses them, naming why.
#[test]
fn records_of_a_scenario_of_another_shape_are_refused() {
    let s = scenario(EVERY_FEATURE);
    let shorter = scenario(&EVERY_FEATURE.replace("periods = 30", "periods = 20"));
    let records = simulate_all(&s, 3, 0..4, EngineKind::Counts);
    let tallies = Tally::of_runs(&records, &s);
    let attempts: [Box<dyn Fn() + std::panic::RefUnwindSafe>; 3] = [
        Box::new(|| drop(sharecast::measures::project(&shorter, &records))),
        Box::new(|| drop(export::runs_csv(&shorter, &tallies, 0))),
        Box::new(|| {
            let never = std::sync::atomic::AtomicBool::new(false);
            drop(sharecast::measures::project_unless(
                &shorter, &tallies, &never,
            ));
        }),
    ];
    for (i, attempt) in attempts.iter().enumerate() {
        let panic = std::panic::catch_unwind(attempt).expect_err("refused");
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        assert!(
            message.contains("simulated from a scenario of another shape"),
            "attempt {i}: {message}"
        );
    }
    // Read with their own scenario they are fine.
    let rows = export::runs_csv(&s, &tallies, 0);
    assert_eq!(rows.iter().filter(|&&b| b == b'\n').count(), 1 + 4 * 30 * 3);
}

/// A run whose market holds no contract in a period has no count share
/// there: runs.csv leaves the cell empty, never NaN.
#[test]
fn runs_csv_leaves_the_share_of_a_market_without_contracts_empty() {
    let s = scenario(
        "start = \"2026-01\"\nperiods = 3\ntiers = [\"unclassified\"]\n\
         [choice]\nbrand = 1.0\n\
         [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
         [[agency]]\nname = \"Ag\"\nunits = 10\ninnovation = 0.0\nimitation = 0.0\nterm = 12\n",
    );
    let records = simulate_all(&s, 1, 0..2, EngineKind::Counts);
    let csv = String::from_utf8(export::runs_csv(&s, &Tally::of_runs(&records, &s), 0)).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 2 * 3);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(*row, format!("{},{},A,0,", i / 3, i % 3));
    }
}
