//! `--set PATH=VALUE` on `run` and `compare`: the scenario as if its file
//! said so, written next to (not over) the file's own results.

use std::path::Path;

use crate::common::{assert_no_panic, csvs, repo_root, sharecast, snapshot};

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = sharecast(dir, args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{args:?}: {stderr}");
    assert_no_panic(&stderr);
    stderr
}

fn shipped_baseline() -> String {
    let path = repo_root().join("scenarios/gov-ai-2026.toml");
    path.to_str().unwrap().to_string()
}

/// The shipped baseline with OpenAI's brand fixed at 0.5 (a triangular
/// distribution in the file), written into a copy of the file by hand.
fn edited_baseline(dir: &Path) -> String {
    let text = std::fs::read_to_string(shipped_baseline()).unwrap();
    let old = "brand = { triangular = [0.80, 0.90, 0.95] }";
    assert_eq!(text.matches(old).count(), 1);
    let path = dir.join("edited.toml");
    std::fs::write(&path, text.replace(old, "brand = 0.5")).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn run_with_set_writes_what_the_edited_file_gives_next_to_the_files_own_results() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    let edited = edited_baseline(dir);
    let common = ["--runs", "100", "--quiet"];
    ok(
        dir,
        &[&["run", &edited, "--out", "by-hand"][..], &common].concat(),
    );
    ok(dir, &[&["run", baseline][..], &common].concat());
    ok(
        dir,
        &[
            &["run", baseline, "--set", "vendor.OpenAI.brand=0.5"][..],
            &common,
        ]
        .concat(),
    );
    let by_hand = csvs(&dir.join("by-hand"));
    assert!(
        by_hand == csvs(&dir.join("out/gov-ai-2026-variant")),
        "--set differs from the edited file"
    );
    assert!(
        by_hand != csvs(&dir.join("out/gov-ai-2026")),
        "the setting changed nothing"
    );
    let manifest =
        std::fs::read_to_string(dir.join("out/gov-ai-2026-variant/manifest.json")).unwrap();
    assert!(
        manifest.contains("\"settings\": [\n      \"vendor.OpenAI.brand=0.5\"\n    ]"),
        "{manifest}"
    );
    let plain = std::fs::read_to_string(dir.join("out/gov-ai-2026/manifest.json")).unwrap();
    assert!(!plain.contains("settings"), "{plain}");
}

/// Without a counterfactual file, `compare --set` compares the baseline with
/// itself changed: the same files as comparing it with the edited copy.
#[test]
fn compare_with_set_and_no_counterfactual_file_compares_the_baseline_with_its_variant() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    let edited = edited_baseline(dir);
    let common = ["--runs", "100", "--quiet"];
    ok(
        dir,
        &[
            &["compare", baseline, &edited, "--out", "by-hand"][..],
            &common,
        ]
        .concat(),
    );
    let stderr = ok(
        dir,
        &[
            &["compare", baseline, "--set", "vendor.OpenAI.brand=0.5"][..],
            &common,
        ]
        .concat(),
    );
    assert!(!stderr.contains("same contents"), "{stderr}");
    let by_hand = csvs(&dir.join("by-hand"));
    assert!(!by_hand.is_empty());
    assert!(by_hand == csvs(&dir.join("out/gov-ai-2026-vs-gov-ai-2026-variant")));

    // The table names the counterfactual with its setting.
    let o = sharecast(
        dir,
        &[
            "compare",
            baseline,
            "--set",
            "vendor.OpenAI.brand=0.5",
            "--runs",
            "100",
        ],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("Counterfactual: ")
            && stdout.contains("gov-ai-2026.toml with --set vendor.OpenAI.brand=0.5 ("),
        "{stdout}"
    );
}

#[test]
fn settings_that_cannot_apply_stop_with_nothing_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    for (args, needle) in [
        (
            vec!["run", baseline, "--set", "agency.DOD.caution=0.5"],
            "gov-ai-2026.toml: --set agency.DOD.caution: no agency 'DOD'",
        ),
        (
            vec!["run", baseline, "--set", "agency.DoD.caution=1.5"],
            "gov-ai-2026.toml:62: agency 'DoD' caution must be in [0, 1], got 1.5 (with --set agency.DoD.caution=1.5)",
        ),
        (
            vec![
                "run",
                baseline,
                "--set",
                "vendor.OpenAI.brand=0.5",
                "--set",
                "agency.DoD.caution=1.5",
            ],
            "got 1.5 (with --set vendor.OpenAI.brand=0.5, --set agency.DoD.caution=1.5)",
        ),
        (
            vec!["run", baseline, "--set", "agency.DoD.caution=0.1,0.2"],
            "--set takes one (sharecast sweep runs several)",
        ),
        (
            vec!["compare", baseline],
            "compare needs a COUNTERFACTUAL file, or --set PATH=VALUE",
        ),
    ] {
        let o = sharecast(dir, &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert_no_panic(&stderr);
        assert!(
            stderr.contains(needle),
            "{args:?}: no '{needle}' in {stderr}"
        );
        assert!(snapshot(dir).is_empty(), "{args:?} wrote something");
    }
}

/// Several settings apply in order (a later one over what `*` set), on
/// `run` as on a hand-edited file; the closing table names them all, and a
/// run with `--per-run` goes to the variant folder too.
#[test]
fn several_settings_apply_in_order_as_in_an_edited_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    let text = std::fs::read_to_string(baseline).unwrap();
    // Every agency's caution 0.9, then DoD's 0.3 (DoD is the first agency).
    let mut edited = String::new();
    let mut agencies = 0;
    for line in text.lines() {
        if line.starts_with("caution = ") {
            agencies += 1;
            let value = if agencies == 1 { "0.3" } else { "0.9" };
            edited.push_str(&format!("caution = {value}\n"));
        } else {
            edited.push_str(line);
            edited.push('\n');
        }
    }
    assert_eq!(agencies, 5, "every agency of the shipped file sets caution");
    std::fs::write(dir.join("edited.toml"), &edited).unwrap();
    let common = ["--runs", "60", "--per-run"];
    ok(
        dir,
        &[
            &["run", "edited.toml", "--out", "by-hand", "--quiet"][..],
            &common,
        ]
        .concat(),
    );
    let o = sharecast(
        dir,
        &[
            &[
                "run",
                baseline,
                "--set",
                "agency.*.caution=0.9",
                "--set",
                "agency.DoD.caution=0.3",
            ][..],
            &common,
        ]
        .concat(),
    );
    assert!(o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with(&format!(
            "{baseline} with --set agency.*.caution=0.9, --set agency.DoD.caution=0.3\n"
        )),
        "{stdout}"
    );
    let by_hand = csvs(&dir.join("by-hand"));
    assert_eq!(by_hand.len(), 6, "runs.csv included");
    assert!(by_hand == csvs(&dir.join("out/gov-ai-2026-variant")));
}

/// With a counterfactual file, `--set` changes the counterfactual only: the
/// files are those of comparing with the counterfactual edited by hand, in
/// a `-variant` folder, and the manifest and the table say which side the
/// settings belong to.
#[test]
fn with_a_counterfactual_file_set_changes_the_counterfactual_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    let other = repo_root().join("scenarios/no-aws-deal.toml");
    let other = other.to_str().unwrap();
    let text = std::fs::read_to_string(other).unwrap();
    let old = "brand = { triangular = [0.80, 0.90, 0.95] }";
    assert_eq!(text.matches(old).count(), 1);
    std::fs::write(dir.join("other.toml"), text.replace(old, "brand = 0.5")).unwrap();
    let common = ["--runs", "60"];
    ok(
        dir,
        &[
            &[
                "compare",
                baseline,
                "other.toml",
                "--out",
                "by-hand",
                "--quiet",
            ][..],
            &common,
        ]
        .concat(),
    );
    let o = sharecast(
        dir,
        &[
            &[
                "compare",
                baseline,
                other,
                "--set",
                "vendor.OpenAI.brand=0.5",
            ][..],
            &common,
        ]
        .concat(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(!stderr.contains("same"), "{stderr}");
    let folder = dir.join("out/gov-ai-2026-vs-no-aws-deal-variant");
    assert!(csvs(&dir.join("by-hand")) == csvs(&folder));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with(&format!(
            "Baseline:       {baseline} (\"Government AI market, 2026 baseline\")\n\
             Counterfactual: {other} with --set vendor.OpenAI.brand=0.5 (\"Government AI market, no AWS deal\")\n"
        )),
        "{stdout}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["counterfactual"]["settings"],
        serde_json::json!(["vendor.OpenAI.brand=0.5"])
    );
    assert!(manifest["baseline"].get("settings").is_none(), "{manifest}");
}

/// Warnings name what caused them: a file event that sets a number given
/// with `--set`, a warning only the setting causes, and a setting that
/// leaves the scenario as it was; the file's own warnings show once.
#[test]
fn warnings_name_the_settings_that_cause_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    let stderr_of = |args: &[&str]| -> String {
        let o = sharecast(dir, args);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{args:?}: {stderr}");
        stderr
    };
    let stderr = stderr_of(&[
        "run",
        baseline,
        "--set",
        "vendor.OpenAI.access.secret=0.9",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert!(
        stderr.contains(
            "warning: event 2 (2026-03, 'OpenAI on AWS, classified and unclassified') sets access.secret, \
             so a value given for vendor.OpenAI.access.secret holds only until then"
        ),
        "{stderr}"
    );
    let stderr = stderr_of(&[
        "run",
        baseline,
        "--set",
        "agency.DoD.innovation=2",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert!(
        stderr.contains("is a rate per period above 1")
            && stderr.contains("(with --set agency.DoD.innovation=2)"),
        "{stderr}"
    );
    // A file with a warning of its own, compared with itself changed.
    let late = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap()
        + "\n[[event]]\nat = 40\nagency = \"*\"\nadd = { caution = 0.1 }\n";
    std::fs::write(dir.join("late.toml"), late).unwrap();
    let stderr = stderr_of(&[
        "compare",
        "late.toml",
        "--set",
        "agency.Agency.term=12",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert_eq!(stderr.matches("never fires").count(), 1, "{stderr}");
    assert!(
        stderr.contains("describe the same scenario, so every difference is 0"),
        "{stderr}"
    );
    let o = sharecast(
        dir,
        &[
            "run",
            baseline,
            "--set",
            "agency.DoD.caution=0.9",
            "--set",
            "agency.DoD.caution=0.3",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--set agency.DoD.caution is given twice"));
}

/// `check --set` shows the scenario as `run --set` would simulate it.
#[test]
fn check_with_set_shows_the_changed_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let baseline = &shipped_baseline();
    let o = sharecast(
        tmp.path(),
        &["check", baseline, "--set", "event.2.at=2027-03"],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("  #2  2027-03 period  14  OpenAI: access.secret"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with(&format!(
            "{baseline} with --set event.2.at=2027-03: valid\n"
        )),
        "{stdout}"
    );
    assert!(snapshot(tmp.path()).is_empty());
}
