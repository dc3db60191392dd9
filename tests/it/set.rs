//! `--set PATH=VALUE` on `run` and `compare`: the scenario as if its file
//! said so, written next to (not over) the file's own results.

use std::path::Path;

use crate::common::{
    assert_no_panic, csvs, out_folder, repo_root, running_as_root, sharecast, sharecast_as_nobody,
    snapshot,
};

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
        by_hand == csvs(&out_folder(dir, "gov-ai-2026-with-vendor.OpenAI.brand-0.5")),
        "--set differs from the edited file"
    );
    assert!(
        by_hand != csvs(&dir.join("out/gov-ai-2026")),
        "the setting changed nothing"
    );
    let manifest = std::fs::read_to_string(
        out_folder(dir, "gov-ai-2026-with-vendor.OpenAI.brand-0.5").join("manifest.json"),
    )
    .unwrap();
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
    assert!(
        by_hand
            == csvs(&out_folder(
                dir,
                "gov-ai-2026-vs-gov-ai-2026-with-vendor.OpenAI.brand-0.5"
            ))
    );

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
            "gov-ai-2026.toml:65: agency 'DoD' caution must be in [0, 1], got 1.5 (with --set agency.DoD.caution=1.5)",
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
            vec!["run", baseline, "--set", "vendor.OpenAI.access.secret=80"],
            "gov-ai-2026.toml: --set vendor.OpenAI.access.secret=80: access.secret must be in [0, 1], \
             but 80 is not; if 80 is a percentage, write 0.8",
        ),
        (
            vec![
                "compare",
                baseline,
                "--set",
                "agency.DoD.caution=0.1",
                "--set",
                "agency.DoD.caution=0.1",
            ],
            "--set agency.DoD.caution=0.1 and --set agency.DoD.caution=0.1 both change agency 'DoD' caution; give it once",
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

/// A fraction given as a whole percentage is told once, with the fraction,
/// not at each agency's line of a file that is not at fault; a path that
/// names nothing, or a tier that does not exist, is still told that first.
#[test]
fn fractions_given_as_percentages_are_told_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    for (set, expected) in [
        (
            "agency.*.caution=45",
            format!(
                "error: scenario rejected\n{baseline}: --set agency.*.caution=45: caution must be in \
                 [0, 1], but 45 is not; if 45 is a percentage, write 0.45\n"
            ),
        ),
        (
            "agency.Nope.caution=45",
            format!(
                "error: scenario rejected\n{baseline}: --set agency.Nope.caution: no agency 'Nope' in \
                 the scenario; its agencies: DoD, Intelligence community, DHS, HHS, Other civilian\n"
            ),
        ),
    ] {
        let o = sharecast(dir, &["run", baseline, "--set", set]);
        assert_eq!(o.status.code(), Some(2), "{set}");
        assert_eq!(String::from_utf8_lossy(&o.stderr), expected, "{set}");
        assert!(snapshot(dir).is_empty(), "{set} wrote something");
    }
    // A sweep tells those of its --set and its --vary together.
    let o = sharecast(
        dir,
        &[
            "sweep",
            baseline,
            "--set",
            "vendor.*.brand=45",
            "--vary",
            "agency.*.caution=30,60",
        ],
    );
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: scenario rejected\n{baseline}: --set vendor.*.brand=45: brand must be in [0, 1], \
             but 45 is not; if 45 is a percentage, write 0.45\n{baseline}: --vary agency.*.caution: \
             caution must be in [0, 1], but 30 and 60 are not; if they are percentages, write 0.3,0.6\n"
        )
    );
    assert!(snapshot(dir).is_empty());
    // A tier spelt wrong is told the tier meant, not the percentage.
    let o = sharecast(
        dir,
        &[
            "run",
            baseline,
            "--set",
            "vendor.OpenAI.access.topsecret=45",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("did you mean 'top_secret'?"), "{stderr}");
    // An agency's choice weight of an attribute named like a fraction has a
    // weight's range: 45 is a weight, not a percentage.
    let o = sharecast(
        dir,
        &["check", baseline, "--set", "agency.DoD.choice.brand=45"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Several settings of different numbers give, in either order, what the
/// file edited by hand gives; the closing table names them all, and a run
/// with `--per-run` goes to the variant folder too.
#[test]
fn several_settings_give_the_edited_file_in_either_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    // OpenAI's brand 0.5, every agency's caution 0.9.
    let text = std::fs::read_to_string(edited_baseline(dir)).unwrap();
    let mut edited = String::new();
    let mut agencies = 0;
    for line in text.lines() {
        if line.starts_with("caution = ") {
            agencies += 1;
            edited.push_str("caution = 0.9\n");
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
    let settings = ["agency.*.caution=0.9", "vendor.OpenAI.brand=0.5"];
    let o = sharecast(
        dir,
        &[
            &["run", baseline, "--set", settings[0], "--set", settings[1]][..],
            &common,
        ]
        .concat(),
    );
    assert!(o.status.success());
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.starts_with(&format!(
            "{baseline} with --set agency.*.caution=0.9, --set vendor.OpenAI.brand=0.5\n"
        )),
        "{stdout}"
    );
    let by_hand = csvs(&dir.join("by-hand"));
    assert_eq!(by_hand.len(), 6, "runs.csv included");
    // The folder names the settings, in the order of their text, as many
    // whole ones as fit in 40 characters.
    assert!(
        by_hand
            == csvs(&out_folder(
                dir,
                "gov-ai-2026-with-agency.all.caution-0.9_and-1-more"
            ))
    );
    ok(
        dir,
        &[
            &[
                "run",
                baseline,
                "--set",
                settings[1],
                "--set",
                settings[0],
                "--out",
                "reversed",
                "--quiet",
            ][..],
            &common,
        ]
        .concat(),
    );
    assert!(by_hand == csvs(&dir.join("reversed")));
}

/// Two settings that change the same number, by the same path or by two
/// (`*` and a name, a label and a position), are refused on every command
/// that takes `--set`, naming both as given and the number they share:
/// neither silently wins. Settings of different numbers are accepted.
#[test]
fn settings_that_change_the_same_number_are_refused_naming_both() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    let aws = "event.OpenAI on AWS, classified and unclassified.at=2027-06";
    for (args, needle) in [
        (
            vec![
                "run",
                baseline,
                "--set",
                "agency.DoD.caution=0.9",
                "--set",
                "agency.DoD.caution=0.3",
            ],
            "error: --set agency.DoD.caution=0.9 and --set agency.DoD.caution=0.3 both change \
             agency 'DoD' caution; give it once\n",
        ),
        (
            vec![
                "run",
                baseline,
                "--set",
                "agency.DoD.caution=0.3",
                "--set",
                "agency.*.caution=0.1",
            ],
            "error: --set agency.DoD.caution=0.3 and --set agency.*.caution=0.1 both change \
             agency 'DoD' caution; give it once\n",
        ),
        (
            vec![
                "compare",
                baseline,
                "--set",
                "agency.*.caution=0.3",
                "--set",
                "agency.*.caution=0.1",
            ],
            "both change agency 'DoD' caution and 4 other numbers; give each once",
        ),
        (
            vec![
                "check",
                baseline,
                "--set",
                "event.2.at=2027-03",
                "--set",
                aws,
            ],
            "error: --set event.2.at=2027-03 and --set event.OpenAI on AWS, classified and \
             unclassified.at=2027-06 both change event 2 ('OpenAI on AWS, classified and \
             unclassified') at; give it once\n",
        ),
        (
            vec![
                "check",
                baseline,
                "--set",
                "event.*.set.access.unclassified=0.5",
                "--set",
                "event.1.set.access.unclassified=0.7",
            ],
            "both change event 1 ('OpenAI's Pentagon agreement') set 'access.unclassified'",
        ),
        (
            vec![
                "compare",
                baseline,
                "--set",
                "vendor.*.access.secret=0.5",
                "--set",
                "vendor.Google.access.secret=0.7",
            ],
            "both change vendor 'Google' access for tier 'secret'",
        ),
        // A fixed setting the file refuses (5 units cannot hold DoD's
        // initial contracts) that clashes with the varied number: the clash
        // is told, not the value's problem, which the varied values would
        // replace anyway.
        (
            vec![
                "sweep",
                baseline,
                "--vary",
                "agency.*.units=100..300:3",
                "--set",
                "agency.DoD.units=5",
            ],
            "error: --set agency.DoD.units=5 and --vary agency.*.units both change agency \
             'DoD' units; give it once\n",
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
    // Different numbers: a weight of [choice] and the same weight of one
    // agency, an agency's caution and its innovation, two tiers.
    for set in [
        ["choice.brand=1", "agency.DoD.choice.brand=3"],
        ["agency.*.caution=0.3", "agency.*.innovation=0.01"],
        [
            "vendor.*.access.secret=0.5",
            "vendor.*.access.top_secret=0.5",
        ],
    ] {
        let o = sharecast(dir, &["check", baseline, "--set", set[0], "--set", set[1]]);
        assert!(
            o.status.success(),
            "{set:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// A `*` that names nothing is refused: `event.*` in a scenario without
/// events, `event.*.set.KEY` when no event sets KEY. Otherwise
/// `event.*.set.KEY` changes every event that sets KEY and leaves the others
/// as the file has them.
#[test]
fn a_star_that_names_nothing_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = repo_root().join("scenarios/minimal.toml");
    let minimal = minimal.to_str().unwrap();
    let text = std::fs::read_to_string(minimal).unwrap();
    let (without, _) = text.split_once("# A dated change").unwrap();
    assert!(!without.contains("[[event]]"));
    std::fs::write(dir.join("quiet.toml"), without).unwrap();
    for (args, needle) in [
        (
            vec!["run", "quiet.toml", "--set", "event.*.at=1"],
            "quiet.toml: --set event.*.at names no event: the scenario has no [[event]]\n",
        ),
        (
            vec!["check", "quiet.toml", "--set", "event.*.set.brand=0.5"],
            "quiet.toml: --set event.*.set.brand names no event: the scenario has no [[event]]\n",
        ),
        (
            vec!["sweep", "quiet.toml", "--vary", "event.*.at=1"],
            "quiet.toml: --vary event.*.at names no event: the scenario has no [[event]]\n",
        ),
        (
            vec!["sweep", "quiet.toml", "--vary", "event.*.at=1,2"],
            "quiet.toml: --vary event.*.at names no event: the scenario has no [[event]]\n",
        ),
        (
            vec!["compare", minimal, "--set", "event.*.set.brand=0.5"],
            "minimal.toml: --set event.*.set.brand names no event: no event has a `set` table\n",
        ),
        (
            vec!["run", minimal, "--set", "event.*.add.caution=0.1"],
            "minimal.toml: --set event.*.add.caution names no event: no event adds 'caution'; \
             the keys events add: brand\n",
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
        assert_eq!(snapshot(dir).len(), 1, "{args:?} wrote something");
    }

    // Events 1 and 2 of the shipped file set access.unclassified; events 3
    // and 4 set nothing, event 5 another tier.
    let baseline = &shipped_baseline();
    let text = std::fs::read_to_string(baseline).unwrap();
    let mut edited = text.clone();
    for old in [
        "set = { \"access.unclassified\" = 0.8 }",
        "set = { \"access.unclassified\" = 1.0,",
    ] {
        assert_eq!(edited.matches(old).count(), 1, "{old}");
        edited = edited.replace(old, &old.replace("0.8", "0.5").replace("1.0", "0.5"));
    }
    std::fs::write(dir.join("edited.toml"), &edited).unwrap();
    let common = ["--runs", "60", "--quiet"];
    ok(
        dir,
        &[&["run", "edited.toml", "--out", "by-hand"][..], &common].concat(),
    );
    ok(
        dir,
        &[
            &[
                "run",
                baseline,
                "--set",
                "event.*.set.access.unclassified=0.5",
                "--out",
                "set",
            ][..],
            &common,
        ]
        .concat(),
    );
    ok(
        dir,
        &[&["run", baseline, "--out", "file"][..], &common].concat(),
    );
    let by_hand = csvs(&dir.join("by-hand"));
    assert!(by_hand == csvs(&dir.join("set")));
    assert!(
        by_hand != csvs(&dir.join("file")),
        "the setting changed nothing"
    );
}

/// A value that is not a number is refused on the command line, naming the
/// setting and the rule, never as a problem of a line of the file: text of
/// any kind, and a date for a number other than an event's `at`. A whole
/// number too large for any integer is refused where a whole number goes.
/// An event's `at` still takes a date or a period index.
#[test]
fn values_that_are_not_numbers_are_refused_on_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let baseline = &shipped_baseline();
    for value in ["abc", "true", "0x1", "1_0", "2026-13"] {
        let set = format!("vendor.OpenAI.brand={value}");
        let o = sharecast(dir, &["run", baseline, "--set", &set]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{set}: {stderr}");
        let rule = if value == "2026-13" {
            "'2026-13' is not a number, and as a date (which only an event's at and until take) it must be \
             a month written \"YYYY-MM\", with a year from 1000 to 9999 and a month from 01 to 12, \
             got \"2026-13\" (month 13 is not 01 to 12)"
                .to_string()
        } else {
            format!("'{value}' is not a number: write a plain number such as 0.25 or 2.5e6\n")
        };
        assert!(
            stderr.contains(&format!("'{set}'")) && stderr.contains(&rule),
            "{set}: {stderr}"
        );
        assert!(!stderr.contains("gov-ai-2026.toml:"), "{set}: {stderr}");
        assert!(snapshot(dir).is_empty(), "{set} wrote something");
    }
    let aws = "event 2 ('OpenAI on AWS, classified and unclassified') at";
    for (args, needle) in [
        (
            vec!["run", baseline, "--set", "vendor.OpenAI.brand=2026-03"],
            "gov-ai-2026.toml: --set vendor.OpenAI.brand=2026-03: '2026-03' is a date, which only an event's \
             at and until take; vendor 'OpenAI' brand takes a number\n"
                .to_string(),
        ),
        (
            vec!["sweep", baseline, "--vary", "agency.DoD.units=400,2026-03"],
            "gov-ai-2026.toml: --vary agency.DoD.units=2026-03: '2026-03' is a date, which only an event's at \
             and until take; agency 'DoD' units takes a number\n"
                .to_string(),
        ),
        (
            vec!["check", baseline, "--set", "event.2.at=99999999999999999999"],
            format!(
                "gov-ai-2026.toml: --set event.2.at=99999999999999999999: {aws} takes a date YYYY-MM or a \
                 period index, a whole number, and sharecast reads whole numbers only from \
                 -9223372036854775808 to 9223372036854775807\n"
            ),
        ),
        (
            vec!["sweep", baseline, "--vary", "event.2.at=99999999999999999999,1"],
            format!("gov-ai-2026.toml: --vary event.2.at=99999999999999999999: {aws} takes a date"),
        ),
        (
            vec!["compare", baseline, "--set", "agency.*.term=-99999999999999999999"],
            "gov-ai-2026.toml: --set agency.*.term=-99999999999999999999: agency 'DoD' term takes a whole \
             number, and sharecast reads whole numbers only from"
                .to_string(),
        ),
    ] {
        let o = sharecast(dir, &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert_no_panic(&stderr);
        assert!(
            stderr.contains(&needle),
            "{args:?}: no '{needle}' in {stderr}"
        );
        assert!(snapshot(dir).is_empty(), "{args:?} wrote something");
    }
    // A period index and a date move the event alike.
    for at in ["14", "2027-03"] {
        let o = sharecast(
            dir,
            &["check", baseline, "--set", &format!("event.2.at={at}")],
        );
        assert!(
            o.status.success(),
            "{at}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("  #2  2027-03 period  14  OpenAI"),
            "{at}"
        );
    }
}

/// With a counterfactual file, `--set` changes the counterfactual only: the
/// files are those of comparing with the counterfactual edited by hand, in
/// a folder named after the settings, and the manifest and the table say which side the
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
    let folder = out_folder(
        dir,
        "gov-ai-2026-vs-no-aws-deal-with-vendor.OpenAI.brand-0.5",
    );
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
            "gov-ai-2026.toml:177: event 2 (2026-03, 'OpenAI on AWS, classified and unclassified') sets access.secret, \
             so a value given for vendor.OpenAI.access.secret holds only until then"
        ),
        "{stderr}"
    );
    // A setting that moves the event is taken into account: to the first
    // period, the event replaces the value before anything happens; past
    // the horizon, it overrides nothing.
    let stderr = stderr_of(&[
        "check",
        baseline,
        "--set",
        "vendor.OpenAI.access.secret=0.9",
        "--set",
        "event.2.at=2026-01",
    ]);
    assert!(
        stderr.contains(
            "gov-ai-2026.toml:177: event 2 (2026-01, 'OpenAI on AWS, classified and unclassified') sets access.secret, \
             so a value given for vendor.OpenAI.access.secret is replaced before anything happens and changes nothing"
        ) && !stderr.contains("holds only until then"),
        "{stderr}"
    );
    let stderr = stderr_of(&[
        "check",
        baseline,
        "--set",
        "vendor.OpenAI.access.secret=0.9",
        "--set",
        "event.2.at=2031-01",
    ]);
    assert!(
        stderr.contains("never fires") && !stderr.contains("sets access.secret"),
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
    // An event at the first period applies before anything happens: a
    // value it sets changes nothing, and one set for the annual value
    // prices only the initial contracts.
    let first = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap()
        + "\n[[event]]\nat = 0\nvendor = \"Challenger AI\"\nset = { brand = 0.9 }\n\
           \n[[event]]\nat = \"2026-01\"\nagency = \"Agency\"\nset = { annual_value = 2e6 }\n";
    std::fs::write(dir.join("first.toml"), first).unwrap();
    let stderr = stderr_of(&[
        "run",
        "first.toml",
        "--set",
        "vendor.Challenger AI.brand=0.1",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert!(
        stderr.contains(
            "sets brand, so a value given for vendor.Challenger AI.brand is replaced before \
             anything happens and changes nothing"
        ),
        "{stderr}"
    );
    let stderr = stderr_of(&[
        "run",
        "first.toml",
        "--set",
        "agency.Agency.annual_value=5e5",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert!(
        stderr.contains(
            "sets annual_value, so a value given for agency.Agency.annual_value prices only the \
             initial contracts"
        ) && !stderr.contains("and those signed before then"),
        "{stderr}"
    );
    // Without initial contracts, that value changes nothing either.
    let source = std::fs::read_to_string(dir.join("first.toml")).unwrap();
    let start = source.find("[[agency.initial]]").unwrap();
    let end = start + source[start..].find("\n\n").unwrap();
    std::fs::write(
        dir.join("no-initial.toml"),
        format!("{}{}", &source[..start], &source[end..]),
    )
    .unwrap();
    let stderr = stderr_of(&[
        "run",
        "no-initial.toml",
        "--set",
        "agency.Agency.annual_value=5e5",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert!(
        stderr.contains(
            "sets annual_value, so a value given for agency.Agency.annual_value is replaced \
             before anything happens and changes nothing"
        ),
        "{stderr}"
    );
    // Events apply by date: moving one past another that changes the same
    // number turns round which value holds, and a value given for an
    // event's change holds only until a later event sets it again.
    for (setting, said) in [
        (
            "event.2.at=2026-01",
            "event 1 (2026-02, 'OpenAI's Pentagon agreement') now applies after event 2 \
             (2026-01, 'OpenAI on AWS, classified and unclassified'), the other way round from \
             the file, and both change access.unclassified of vendor 'OpenAI'",
        ),
        (
            "event.1.set.access.unclassified=0.3",
            "event 2 (2026-03, 'OpenAI on AWS, classified and unclassified') sets \
             access.unclassified of vendor 'OpenAI' again after event 1 (2026-02, 'OpenAI's \
             Pentagon agreement'), so the value given for it holds only until then",
        ),
    ] {
        for command in ["compare", "check"] {
            let stderr = stderr_of(
                &[
                    command, baseline, "--set", setting, "--runs", "5", "--quiet",
                ][..if command == "check" { 4 } else { 7 }],
            );
            assert!(
                stderr.contains(said) && stderr.contains(&format!("(with --set {setting})")),
                "{command} --set {setting}: {stderr}"
            );
        }
    }
    // Positions count in the counterfactual, and the table says which event
    // that is; two events that both add to a number are not pointed out.
    let other = repo_root().join("scenarios/no-aws-deal.toml");
    let o = sharecast(
        dir,
        &[
            "compare",
            baseline,
            other.to_str().unwrap(),
            "--set",
            "event.2.at=2027-03",
            "--runs",
            "5",
        ],
    );
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(o.status.success(), "{stderr}");
    assert!(
        stdout.contains(
            "no-aws-deal.toml with --set event.2.at=2027-03 (event 2 is 'Leadership pushes \
             agencies to modernise')"
        ),
        "{stdout}"
    );
    assert!(!stderr.contains("now applies after"), "{stderr}");
    // The manifest says which event the position picked, in the
    // counterfactual, the file the setting applies to.
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            out_folder(dir, "gov-ai-2026-vs-no-aws-deal-with-event.2.at-2027-03")
                .join("manifest.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest["counterfactual"]["events_named"],
        serde_json::json!(["event 2 is 'Leadership pushes agencies to modernise'"])
    );
    assert!(
        manifest["baseline"].get("events_named").is_none(),
        "{manifest}"
    );
    // `run` and `sweep` name the event a position picks too.
    let aws = "(event 2 is 'OpenAI on AWS, classified and unclassified')";
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let out = out.to_str().unwrap();
    for (args, said) in [
        (
            &["run", baseline, "--set", "event.2.at=2027-03"][..],
            format!("gov-ai-2026.toml with --set event.2.at=2027-03 {aws}\n"),
        ),
        (
            &["sweep", baseline, "--vary", "event.2.at=2026-03,2027-03"][..],
            format!("gov-ai-2026.toml --vary event.2.at {aws}\n"),
        ),
        (
            &[
                "sweep",
                baseline,
                "--vary",
                "event.2.at=2026-03,2027-03",
                "--set",
                "event.1.at=2026-02",
            ][..],
            format!(
                "gov-ai-2026.toml with --set event.1.at=2026-02 (event 1 is 'OpenAI's Pentagon \
                 agreement')\n--vary event.2.at {aws}\n"
            ),
        ),
    ] {
        let o = sharecast(dir, &[args, &["--runs", "5", "--out", out]].concat());
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{args:?}");
        assert!(stdout.contains(&said), "{args:?}: {stdout}");
        // The manifest keeps which events the positions named, in the
        // order the settings and the varied path give them.
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(std::path::Path::new(out).join("manifest.json")).unwrap(),
        )
        .unwrap();
        let named: Vec<String> = said
            .match_indices("(event ")
            .map(|(at, _)| said[at + 1..].split(')').next().unwrap().to_string())
            .collect();
        assert_eq!(
            manifest["scenario"]["events_named"],
            serde_json::json!(named),
            "{args:?}"
        );
    }
    // Moved without passing another event: nothing to say.
    let stderr = stderr_of(&[
        "compare",
        baseline,
        "--set",
        "event.2.at=2026-09",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert!(!stderr.contains("now applies after"), "{stderr}");
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
    // An agency's own weight equal to the [choice] one, and an event moved
    // from one date after the horizon to another, change nothing either.
    for set in ["agency.Agency.choice.brand=2", "event.2.at=50"] {
        let stderr = stderr_of(&[
            "compare",
            "late.toml",
            "--set",
            set,
            "--runs",
            "5",
            "--quiet",
        ]);
        assert!(
            stderr.contains("describe the same scenario, so every difference is 0"),
            "{set}: {stderr}"
        );
    }
    let stderr = stderr_of(&[
        "compare",
        "late.toml",
        "--set",
        "agency.Agency.choice.brand=2.5",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert!(!stderr.contains("describe the same scenario"), "{stderr}");
    // Two files whose only difference is such a date (whatever random
    // numbers the event's place would name).
    let later = std::fs::read_to_string(dir.join("late.toml"))
        .unwrap()
        .replace("at = 40", "at = 50");
    assert!(later.contains("at = 50"));
    std::fs::create_dir_all(dir.join("other")).unwrap();
    std::fs::write(dir.join("other/late.toml"), later).unwrap();
    let stderr = stderr_of(&[
        "compare",
        "late.toml",
        "other/late.toml",
        "--runs",
        "5",
        "--quiet",
    ]);
    assert!(
        stderr.contains("describe the same scenario, so every difference is 0"),
        "{stderr}"
    );
    // Another name, default runs and seed, and a label on the event change
    // nothing the comparison simulates.
    let renamed = std::fs::read_to_string(dir.join("late.toml"))
        .unwrap()
        .replace("name = \"Minimal example\"", "name = \"Copy\"")
        .replace("runs = 500", "runs = 40")
        .replace("seed = 7", "seed = 8")
        .replace("at = 40\n", "at = 40\nlabel = \"late push\"\n");
    assert!(renamed.contains("\"Copy\"") && renamed.contains("late push"));
    std::fs::write(dir.join("copy.toml"), renamed).unwrap();
    let stderr = stderr_of(&["compare", "late.toml", "copy.toml", "--quiet"]);
    assert!(
        stderr.contains("describe the same scenario, so every difference is 0"),
        "{stderr}"
    );
}

/// A `[choice]` weight that every agency sets in its own `choice` table is
/// used by none of them (events change the agencies' own weights), so
/// setting or varying it changes nothing: `check`, `run`, `compare` and
/// `sweep` say so at the first agency's own weight. Not when some agency
/// uses it, nor for the agencies' own weights.
#[test]
fn a_choice_weight_every_agency_sets_itself_is_pointed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let agency = |name: &str, choice: &str| {
        format!(
            "[[agency]]\nname = \"{name}\"\nunits = 50\ninnovation = 0.05\nimitation = 0.3\n\
             term = 6\nchoice = {{ {choice} }}\n"
        )
    };
    let text = format!(
        "start = \"2026-01\"\nperiods = 12\n[choice]\nbrand = 2.0\n\
         [[vendor]]\nname = \"A\"\nbrand = 0.8\naccess = {{ unclassified = 1.0 }}\n\
         [[vendor]]\nname = \"B\"\nbrand = 0.4\naccess = {{ unclassified = 1.0 }}\n\
         {}{}\
         [[event]]\nat = 3\nagency = \"*\"\nadd = {{ \"choice.brand\" = 0.5 }}\n",
        agency("Civil", "brand = 1.0"),
        agency("Defence", "brand = 3.0, incumbency = 0.5"),
    );
    std::fs::write(dir.join("w.toml"), &text).unwrap();
    // The first agency's own brand weight.
    let line = text
        .lines()
        .position(|l| l == "choice = { brand = 1.0 }")
        .unwrap()
        + 1;
    let warned = |path: &str| {
        format!(
            "warning: w.toml:{line}: every agency sets its own choice weight 'brand' (the first: \
             agency 'Civil'), so a value given for {path} is used by none of them and changes \
             nothing; give agency.*.choice.brand to change the weight they use\n"
        )
    };
    let quick = ["--runs", "20", "--quiet"];
    for args in [
        &["check", "w.toml", "--set", "choice.brand=5"][..],
        &[&["run", "w.toml", "--set", "choice.brand=5"][..], &quick].concat(),
        &[
            &["compare", "w.toml", "--set", "choice.brand=5"][..],
            &quick,
        ]
        .concat(),
    ] {
        let stderr = ok(dir, args);
        assert!(
            stderr.contains(&warned("choice.brand")),
            "{args:?}: {stderr}"
        );
    }
    let stderr = ok(
        dir,
        &[
            &["sweep", "w.toml", "--vary", "choice.brand=0,5"][..],
            &quick,
        ]
        .concat(),
    );
    assert_eq!(
        stderr.matches("every agency sets its own").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains(&warned("choice.brand")), "{stderr}");
    // Which is true: both values give the same rows.
    let rows =
        std::fs::read_to_string(dir.join("out/w-sweep-choice.brand/sweep_shares.csv")).unwrap();
    let of = |value: &str| -> Vec<&str> {
        rows.lines()
            .filter_map(|l| l.strip_prefix(&format!("{value},")))
            .collect()
    };
    assert!(!of("0").is_empty());
    assert_eq!(of("0"), of("5"));
    // Every agency's own weight may come from a setting too, which has no
    // line in the file.
    let stderr = ok(
        dir,
        &[
            "check",
            "w.toml",
            "--set",
            "choice.incumbency=5",
            "--set",
            "agency.Civil.choice.incumbency=1",
        ],
    );
    assert!(
        stderr.contains(
            "warning: w.toml: every agency has its own choice weight 'incumbency' (the first: \
             agency 'Civil'), so a value given for choice.incumbency is used by none of them and \
             changes nothing (their own weights are given by the settings)\n"
        ),
        "{stderr}"
    );
    // Civil uses the scenario's incumbency weight; every agency's own brand
    // weight is what agency.*.choice.brand sets.
    for args in [
        &["check", "w.toml", "--set", "choice.incumbency=5"][..],
        &["check", "w.toml", "--set", "agency.*.choice.brand=5"],
    ] {
        let stderr = ok(dir, args);
        assert!(!stderr.contains("warning"), "{args:?}: {stderr}");
    }
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
        stdout.contains("  #2  2027-03 period  14  OpenAI: access.unclassified = 1, access.secret"),
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

/// A temporary change written as two events (an addition, then its
/// opposite) no longer cancels when a setting gives the first another
/// amount: `check`, `run` and `sweep` say so at the second, and point to
/// `until`. Not when the first keeps its amount, nor for an addition that
/// is not the opposite.
#[test]
fn an_addition_taken_off_by_a_later_one_is_pointed_out_when_its_amount_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = "start = \"2026-01\"\nperiods = 36\n\
        [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
        [[agency]]\nname = \"X\"\nunits = 100\ninnovation = 0.01\nimitation = 0.1\nterm = 12\n\
        [[event]]\nat = \"2027-01\"\nagency = \"*\"\nadd = { innovation = 0.004 }\n\
        [[event]]\nat = \"2028-01\"\nagency = \"X\"\nadd = { innovation = -0.004 }\n\
        [[event]]\nat = \"2029-01\"\nagency = \"X\"\nadd = { innovation = -0.001 }\n";
    std::fs::write(dir.join("g.toml"), text).unwrap();
    let warned = "warning: g.toml:20: event 2 (2028-01) adds -0.004 to innovation of agency 'X', \
        taking off what event 1 (2027-01) adds in the file, and keeps that amount, so with the \
        value given the two no longer cancel; to end event 1's addition whatever its amount, \
        give it until = \"2028-01\" in place of event 2, or change both";
    let stderr = ok(
        dir,
        &["check", "g.toml", "--set", "event.1.add.innovation=0"],
    );
    assert!(
        stderr.contains(&format!("{warned} (with --set event.1.add.innovation=0)")),
        "{stderr}"
    );
    assert_eq!(stderr.matches("no longer cancel").count(), 1, "{stderr}");
    let stderr = ok(
        dir,
        &[
            "sweep",
            "g.toml",
            "--vary",
            "event.1.add.innovation=0,0.004",
            "--runs",
            "5",
            "--quiet",
        ],
    );
    assert!(
        stderr.contains(&format!("{warned} (with --vary event.1.add.innovation=0)")),
        "{stderr}"
    );
    let stderr = ok(
        dir,
        &["check", "g.toml", "--set", "event.1.add.innovation=0.004"],
    );
    assert!(!stderr.contains("no longer cancel"), "{stderr}");
    let stderr = ok(
        dir,
        &["check", "g.toml", "--set", "event.2.add.innovation=-0.002"],
    );
    assert!(!stderr.contains("no longer cancel"), "{stderr}");
}

/// The notes on settings that move or change events know temporary
/// changes: a value given for an addition that ends before a later event
/// sets the number again is not said to hold only until then, and an
/// addition moved past a set, which in the file had ended before it, is
/// said to add to the set value, not to escape being replaced by it.
#[test]
fn notes_on_moved_events_know_when_an_addition_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = "start = \"2026-01\"\nperiods = 12\n\
        [[vendor]]\nname = \"V\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
        [[agency]]\nname = \"A\"\nunits = 30\ninnovation = 0.1\nimitation = 0.1\nterm = 3\n\
        [[event]]\nat = 2\nuntil = 4\nvendor = \"V\"\nadd = { brand = 0.2 }\n\
        [[event]]\nat = 8\nvendor = \"V\"\nset = { brand = 0.6 }\n";
    std::fs::write(dir.join("n.toml"), text).unwrap();
    let stderr = ok(dir, &["check", "n.toml", "--set", "event.1.add.brand=0.3"]);
    assert!(!stderr.contains("holds only until then"), "{stderr}");
    let stderr = ok(
        dir,
        &[
            "check",
            "n.toml",
            "--set",
            "event.1.at=9",
            "--set",
            "event.1.until=11",
        ],
    );
    assert!(
        stderr.contains(
            "event 1 (2026-10) now applies after event 2 (2026-09), while in the file it ended \
             before it, and both change brand of vendor 'V': the later one now adds to the value \
             the other sets (with --set event.1.at=9, --set event.1.until=11)"
        ),
        "{stderr}"
    );
}

/// `--strict` turns warnings into a refusal before anything is simulated or
/// written: exit 2 and no output folder for `run`, `compare` and `sweep`,
/// exit 2 for `check`; a scenario without warnings runs as usual.
#[test]
fn strict_refuses_a_scenario_with_warnings() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    let warned = minimal.replace("innovation = 0.03 ", "innovation = 3 ");
    assert_ne!(warned, minimal);
    std::fs::write(dir.join("w.toml"), &warned).unwrap();
    std::fs::write(dir.join("ok.toml"), &minimal).unwrap();
    let quick = ["--runs", "5", "--quiet", "--strict"];
    for (args, simulating) in [
        (&["run", "w.toml", "--out", "out/r"][..], true),
        (
            &["compare", "ok.toml", "w.toml", "--out", "out/c"][..],
            true,
        ),
        (
            &[
                "sweep",
                "w.toml",
                "--vary",
                "agency.Agency.caution=0.1,0.2",
                "--out",
                "out/s",
            ][..],
            true,
        ),
        (&["check", "w.toml"][..], false),
    ] {
        let args: Vec<&str> = if simulating {
            [args, &quick[..]].concat()
        } else {
            [args, &["--strict"][..]].concat()
        };
        let o = sharecast(dir, &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("innovation = 3 is a rate per period above 1"),
            "{stderr}"
        );
        let said = if simulating {
            "error: --strict: 1 warning above, so nothing was simulated or written; fix what it \
             says or leave out --strict"
        } else {
            "error: --strict: 1 warning above; fix what it says or leave out --strict"
        };
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(!dir.join("out").exists(), "{args:?} wrote something");
    }
    let o = sharecast(
        dir,
        &["run", "ok.toml", "--runs", "5", "--quiet", "--strict"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.join("out/ok/shares.csv").exists());
}

/// `--strict` refuses what the output folder would draw a warning for too:
/// before simulating when the folder tells (another scenario's results,
/// another command's files, result files no manifest accounts for), after
/// simulating when only the results tell (a `runs.csv` of other runs), and
/// in every case with the folder left exactly as it was.
#[test]
fn strict_refuses_what_the_output_folder_warns_of() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::write(dir.join("a.toml"), &minimal).unwrap();
    std::fs::write(
        dir.join("b.toml"),
        minimal.replace("caution = 0.3", "caution = 0.4"),
    )
    .unwrap();
    let quick = ["--runs", "5", "--quiet"];
    let ok = |args: &[&str]| {
        let o = sharecast(dir, &[args, &quick[..]].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let refused = |args: &[&str], warning: &str, stopped: &str| {
        let folder = dir.join("out/r");
        let before = crate::common::snapshot(&folder);
        let o = sharecast(dir, &[args, &quick[..], &["--strict"][..]].concat());
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(warning), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "error: --strict: 1 warning above, so nothing was {stopped}"
            )),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            crate::common::snapshot(&folder),
            before,
            "{args:?} changed the folder"
        );
    };
    ok(&["run", "a.toml", "--out", "out/r", "--per-run"]);
    refused(
        &["run", "b.toml", "--out", "out/r"],
        "out/r holds the results of a.toml, which this run of b.toml would replace",
        "simulated or written",
    );
    refused(
        &["compare", "a.toml", "b.toml", "--out", "out/r"],
        "out/r also holds shares.csv, adoption.csv, revenue.csv, shares_wide.csv, summary.csv, \
         runs.csv from an earlier `sharecast run`",
        "simulated or written",
    );
    // Only the simulated runs show that runs.csv holds other ones.
    refused(
        &["run", "a.toml", "--out", "out/r", "--seed", "99"],
        "out/r/runs.csv is from an earlier run of other inputs",
        "written",
    );
    // The same inputs again draw no warning, and write.
    ok(&["run", "a.toml", "--out", "out/r", "--strict"]);
    // Results without a manifest are refused with or without --strict:
    // nothing says sharecast wrote them.
    std::fs::remove_file(dir.join("out/r/manifest.json")).unwrap();
    let before = crate::common::snapshot(&dir.join("out/r"));
    let o = sharecast(
        dir,
        &[
            &["run", "a.toml", "--out", "out/r", "--per-run"][..],
            &quick[..],
        ]
        .concat(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "with no manifest.json to say sharecast wrote them, so sharecast will not write there"
        ),
        "{stderr}"
    );
    assert_eq!(crate::common::snapshot(&dir.join("out/r")), before);
    let o = sharecast(
        dir,
        &[
            &["run", "a.toml", "--out", "out/r", "--per-run", "--strict"][..],
            &quick[..],
        ]
        .concat(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("so sharecast will not write there"),
        "{stderr}"
    );
    assert_eq!(crate::common::snapshot(&dir.join("out/r")), before);
}

/// A warning only the results draw stops a `--strict` job before the
/// output folder (or any folder above it) is created.
#[test]
fn strict_creates_no_folder_for_a_refusal_after_simulating() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // 3,496 runs x 300 rows of runs.csv: longer than a spreadsheet opens.
    let o = crate::common::run_shipped(
        dir,
        "scenarios/gov-ai-2026.toml",
        &[
            "--runs",
            "3496",
            "--per-run",
            "--out",
            "nested/a/b",
            "--quiet",
            "--strict",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("runs.csv has 1048801 rows"), "{stderr}");
    // Its length is known before simulating.
    assert!(
        stderr.contains("error: --strict: 1 warning above, so nothing was simulated or written"),
        "{stderr}"
    );
    assert!(!dir.join("nested").exists(), "the refusal created folders");
    // A comparison's statistics file is measured once made: 10,000 periods
    // of 108 share rows (nine scopes, six vendors, two metrics) make
    // shares_diff.csv too long.
    let text = std::fs::read_to_string(repo_root().join("scenarios/gov-ai-2026.toml")).unwrap();
    let long = text.replacen("periods = ", "periods = 10000 #", 1)
        + "\n[[vendor]]\nname = \"Sixth\"\nbrand = 0.1\naccess = { unclassified = 1.0 }\n";
    std::fs::write(dir.join("long.toml"), long).unwrap();
    let o = crate::common::sharecast(
        dir,
        &[
            "compare",
            "long.toml",
            "--set",
            "agency.DoD.term=12",
            "--runs",
            "2",
            "--out",
            "nested/a/b",
            "--quiet",
            "--strict",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("shares_diff.csv has "), "{stderr}");
    assert!(
        stderr.contains("error: --strict: 1 warning above, so nothing was written"),
        "{stderr}"
    );
    assert!(!dir.join("nested").exists(), "the refusal created folders");
}

/// What a folder held is told from its manifest however the earlier job
/// was run: a relative path typed in another folder is taken from there, a
/// manifest whose scenario entry cannot be read still says results are
/// replaced, and result files the manifest does not list (another
/// command's manifest replaced them) are named.
#[test]
fn replaced_results_are_told_from_the_manifest_whoever_wrote_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    for (folder, caution) in [("wa", "0.3"), ("wb", "0.6")] {
        std::fs::create_dir(dir.join(folder)).unwrap();
        let text = minimal.replace("caution = 0.3", &format!("caution = {caution}"));
        std::fs::write(dir.join(folder).join("base.toml"), text).unwrap();
    }
    let out = dir.join("o").to_str().unwrap().to_string();
    let job = |folder: &str, extra: &[&str]| {
        let args = [
            &["run", "base.toml", "--runs", "5", "--quiet", "--out", &out][..],
            extra,
        ]
        .concat();
        sharecast(&dir.join(folder), &args)
    };
    assert!(job("wa", &[]).status.success());
    // The same path typed in another folder is another file.
    let o = job("wb", &["--strict"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "holds the results of base.toml ({}), which this run of base.toml would replace",
            dir.join("wa/base.toml").canonicalize().unwrap().display()
        )),
        "{stderr}"
    );
    // The same file from the same folder again says nothing.
    let o = job("wa", &["--strict"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // A manifest of another version, whose scenario entry this one cannot
    // read.
    let manifest_path = dir.join("o/manifest.json");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let other_version = manifest
        .replacen("\"scenario\":", "\"scenarios\":", 1)
        .replacen(
            "\"sharecast_version\": \"",
            "\"sharecast_version\": \"9.",
            1,
        );
    assert_ne!(other_version, manifest);
    std::fs::write(&manifest_path, other_version).unwrap();
    let o = job("wa", &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "names no scenario file this version can read, now replaced by this run of base.toml"
        ),
        "{stderr}"
    );

    // A run's files left beside a comparison's manifest.
    let compare = sharecast(
        &dir.join("wa"),
        &[
            "compare",
            "base.toml",
            "../wb/base.toml",
            "--runs",
            "5",
            "--quiet",
            "--out",
            &out,
        ],
    );
    assert!(
        compare.status.success(),
        "{}",
        String::from_utf8_lossy(&compare.stderr)
    );
    for name in ["shares_diff.csv", "adoption_diff.csv", "revenue_diff.csv"] {
        std::fs::remove_file(dir.join("o").join(name)).unwrap();
    }
    let o = job("wa", &[]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "held shares.csv, adoption.csv, revenue.csv, shares_wide.csv, summary.csv, which its \
             manifest.json does not list (results of an earlier job whose manifest another job \
             replaced, or other files), now replaced by this run's files; give each job its own \
             --out to keep them"
        ),
        "{stderr}"
    );
}

/// Which file earlier results came from is the file itself: a project
/// moved (or renamed) since, its scenario edited, is still the same
/// scenario; a link pointed at another file since is another; and a
/// `runs.csv` the manifest does not list is never replaced without a word.
#[test]
fn the_earlier_scenario_is_the_file_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::create_dir(dir.join("proj")).unwrap();
    std::fs::write(dir.join("proj/m.toml"), &minimal).unwrap();
    let quick = ["--runs", "5", "--quiet", "--strict"];
    let ok = |folder: &str, args: &[&str]| {
        let o = sharecast(&dir.join(folder), &[args, &quick[..]].concat());
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    ok("proj", &["run", "m.toml"]);
    std::fs::rename(dir.join("proj"), dir.join("moved")).unwrap();
    std::fs::write(
        dir.join("moved/m.toml"),
        minimal.replace("seed = 7", "seed = 8"),
    )
    .unwrap();
    ok("moved", &["run", "m.toml"]);

    // A link pointed at another file since.
    std::fs::write(
        dir.join("moved/m2.toml"),
        minimal.replace("caution = 0.3", "caution = 0.5"),
    )
    .unwrap();
    std::os::unix::fs::symlink("m.toml", dir.join("moved/current.toml")).unwrap();
    ok("moved", &["run", "current.toml", "--out", "cur"]);
    std::fs::remove_file(dir.join("moved/current.toml")).unwrap();
    std::os::unix::fs::symlink("m2.toml", dir.join("moved/current.toml")).unwrap();
    let o = sharecast(
        &dir.join("moved"),
        &[&["run", "current.toml", "--out", "cur"][..], &quick[..]].concat(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("cur holds the results of current.toml ("),
        "{stderr}"
    );

    // A project moved or copied with its results, the path typed from
    // outside it, then edited: the same scenario.
    let outside = |args: &[&str]| sharecast(dir, &[args, &quick[..]].concat());
    let o = outside(&["run", "moved/m.toml", "--out", "moved/out/outside"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::rename(dir.join("moved"), dir.join("again")).unwrap();
    copy_folder(&dir.join("again"), &dir.join("copy"));
    for project in ["again", "copy"] {
        std::fs::write(
            dir.join(project).join("m.toml"),
            minimal.replace("seed = 7", "seed = 9"),
        )
        .unwrap();
        let scenario = format!("{project}/m.toml");
        let folder = format!("{project}/out/outside");
        let o = outside(&["run", &scenario, "--out", &folder]);
        assert!(
            o.status.success(),
            "{project}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // The earlier file deleted, the folder that job ran in still there:
    // another file of the same name is another scenario.
    std::fs::create_dir_all(dir.join("p")).unwrap();
    std::fs::create_dir_all(dir.join("q")).unwrap();
    std::fs::write(dir.join("p/a.toml"), &minimal).unwrap();
    std::fs::write(
        dir.join("q/a.toml"),
        minimal.replace("caution = 0.3", "caution = 0.5"),
    )
    .unwrap();
    ok("p", &["run", "a.toml", "--out", "../shared"]);
    std::fs::remove_file(dir.join("p/a.toml")).unwrap();
    let o = sharecast(
        &dir.join("q"),
        &[&["run", "a.toml", "--out", "../shared"][..], &quick[..]].concat(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("holds the results of a.toml ("), "{stderr}");
    // A line break in a path stays on its line.
    std::fs::write(
        dir.join("q/two\nlines.toml"),
        minimal.replace("caution = 0.3", "caution = 0.6"),
    )
    .unwrap();
    let o = sharecast(
        &dir.join("q"),
        &[
            "run",
            "two\nlines.toml",
            "--runs",
            "5",
            "--quiet",
            "--out",
            "../shared",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("now replaced by this run of two\\nlines.toml;"),
        "{stderr}"
    );
    std::fs::rename(dir.join("again"), dir.join("moved")).unwrap();

    // A results folder moved on its own into another project whose
    // scenario has the same name: its results came from the first
    // project's file, which is still there.
    for (client, caution) in [("clientA", "0.3"), ("clientB", "0.5")] {
        std::fs::create_dir_all(dir.join(client)).unwrap();
        let text = minimal.replace("caution = 0.3", &format!("caution = {caution}"));
        std::fs::write(dir.join(client).join("base.toml"), text).unwrap();
    }
    let o = outside(&["run", "clientA/base.toml", "--out", "clientA/out"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::rename(dir.join("clientA/out"), dir.join("clientB/out")).unwrap();
    let o = outside(&["run", "clientB/base.toml", "--out", "clientB/out"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("clientB/out holds the results of clientA/base.toml, which this run of clientB/base.toml would replace"),
        "{stderr}"
    );
    // A path typed in another folder is shown whole.
    let o = sharecast(
        &dir.join("clientB"),
        &[&["run", "base.toml", "--out", "out"][..], &quick[..]].concat(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let whole = dir.join("clientA/base.toml").canonicalize().unwrap();
    assert!(
        stderr.contains(&format!(
            "holds the results of clientA/base.toml ({})",
            whole.display()
        )),
        "{stderr}"
    );

    // A runs.csv of the user's own beside a manifest that does not list it.
    ok("moved", &["run", "m.toml", "--out", "own"]);
    std::fs::write(dir.join("moved/own/runs.csv"), "my,notes\n").unwrap();
    let o = sharecast(
        &dir.join("moved"),
        &[
            &["run", "m.toml", "--out", "own", "--per-run"][..],
            &quick[..],
        ]
        .concat(),
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("own holds runs.csv, which its manifest.json does not list"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("moved/own/runs.csv")).unwrap(),
        "my,notes\n"
    );
}

/// A job of the scenario `s.toml` reached through the link `link`, from the
/// folder `work`, that writes into `work/o` and fails on any warning.
const LINKED_JOB: [&str; 8] = [
    "run",
    "link/s.toml",
    "--out",
    "o",
    "--runs",
    "5",
    "--quiet",
    "--strict",
];

/// A scenario moved away from its results, the link it was typed through
/// pointed at its new place, is still the same scenario: its old place and
/// its path from the folder now lead to nothing, so the path as typed, from
/// the folder that job ran in, tells.
#[test]
fn a_scenario_moved_away_from_its_results_is_found_through_the_path_typed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::create_dir_all(dir.join("work")).unwrap();
    std::fs::create_dir_all(dir.join("before")).unwrap();
    std::fs::write(dir.join("before/s.toml"), &minimal).unwrap();
    std::os::unix::fs::symlink("../before", dir.join("work/link")).unwrap();
    let job = || sharecast(&dir.join("work"), &LINKED_JOB);
    let o = job();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::rename(dir.join("before"), dir.join("after")).unwrap();
    std::fs::write(
        dir.join("after/s.toml"),
        minimal.replace("seed = 7", "seed = 8"),
    )
    .unwrap();
    std::fs::remove_file(dir.join("work/link")).unwrap();
    std::os::unix::fs::symlink("../after", dir.join("work/link")).unwrap();
    let o = job();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

/// An earlier scenario file that is there but cannot be looked at (a
/// folder its user may not enter) is another file, even where the path
/// typed now leads to this job's file: its results are pointed out. Run as
/// user `nobody` through `runuser`, which needs root (as CI has); without
/// root there is no other user to run as, and the test says so and passes.
#[test]
fn an_earlier_scenario_out_of_reach_is_another_file() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    if !running_as_root(dir) {
        eprintln!("not root: no other user to run as; skipped");
        return;
    }
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    for folder in ["work", "locked", "open"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
    }
    std::fs::write(dir.join("locked/s.toml"), &minimal).unwrap();
    std::fs::write(
        dir.join("open/s.toml"),
        minimal.replace("seed = 7", "seed = 8"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../locked", dir.join("work/link")).unwrap();
    let o = sharecast(
        &dir.join("work"),
        &["run", "link/s.toml", "--out", "o", "--runs", "5", "--quiet"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::set_permissions(dir.join("work/o"), std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::remove_file(dir.join("work/link")).unwrap();
    std::os::unix::fs::symlink("../open", dir.join("work/link")).unwrap();
    let earlier = dir.join("locked/s.toml").canonicalize().unwrap();
    let before = snapshot(&dir.join("work/o"));
    let o = sharecast_as_nobody(&dir.join("work"), LINKED_JOB);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "o holds the results of link/s.toml ({}), which this run of link/s.toml would replace",
            earlier.display()
        )),
        "{stderr}"
    );
    assert_eq!(snapshot(&dir.join("work/o")), before);
}

/// `cp -r from to`.
fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_folder(&entry.path(), &target);
        } else if kind.is_symlink() {
            let link = std::fs::read_link(entry.path()).unwrap();
            std::os::unix::fs::symlink(link, target).unwrap();
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A name written in another encoding than the file's (`e` and a combining
/// accent for `é`, as some systems paste it) looks the same but is not the
/// name: `--set` and `--vary` are told the declared name and what differs,
/// escaped; `compare` of two files so named warns, escaping it too.
#[test]
fn a_name_encoded_otherwise_is_told_the_name_it_looks_like() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let text = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    assert!(text.contains("\"Challenger AI\""));
    std::fs::write(
        dir.join("composed.toml"),
        text.replace("Challenger AI", "Caf\u{e9} AI"),
    )
    .unwrap();
    std::fs::write(
        dir.join("decomposed.toml"),
        text.replace("Challenger AI", "Cafe\u{301} AI"),
    )
    .unwrap();
    let told = "did you mean 'Caf\u{e9} AI'? ('Cafe\\u0301 AI' differs from it only in how a \
                character is encoded (such as an accented letter as one character or as a letter \
                and a combining accent))";
    for args in [
        vec![
            "check",
            "composed.toml",
            "--set",
            "vendor.Cafe\u{301} AI.brand=0.5",
        ],
        vec![
            "sweep",
            "composed.toml",
            "--vary",
            "vendor.Cafe\u{301} AI.brand=0.4,0.6",
        ],
    ] {
        let o = sharecast(dir, &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert_no_panic(&stderr);
        assert!(
            stderr.contains("no vendor 'Cafe\\u0301 AI' in the scenario") && stderr.contains(told),
            "{args:?}: {stderr}"
        );
    }
    let o = sharecast(
        dir,
        &[
            "compare",
            "composed.toml",
            "decomposed.toml",
            "--runs",
            "20",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "vendor Cafe\\u0301 AI is not in the baseline, where it holds no contract (share 0, \
             revenue 0); the baseline has Caf\u{e9} AI, which differs only in how a character is \
             encoded"
        ),
        "{stderr}"
    );
}
