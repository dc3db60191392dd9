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
