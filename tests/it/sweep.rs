//! `sharecast sweep`: each value's rows are those of `run` on the file with
//! that value written in, the values share their random numbers, the model
//! responds to the varied number as the closed form says, and a path or
//! value the scenario refuses stops the sweep with nothing written.

use std::path::Path;

use sharecast::engine::EngineKind;
use sharecast::measures::Scope;
use sharecast::scenario::{Setting, parse_with};

use crate::common::{
    assert_mean_near, assert_no_panic, csvs, repo_root, share, sharecast, simulate, snapshot,
    softmax,
};
use crate::engines::EVERY_FEATURE;

/// The rows of a CSV file after its header.
fn rows(bytes: &[u8]) -> Vec<String> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .skip(1)
        .map(String::from)
        .collect()
}

/// The rows of a sweep file whose first cell is `value`, without that cell.
fn rows_of_value(bytes: &[u8], value: &str) -> Vec<String> {
    let prefix = format!("{value},");
    rows(bytes)
        .into_iter()
        .filter_map(|r| r.strip_prefix(&prefix).map(String::from))
        .collect()
}

fn file<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).expect(name).1
}

/// `sharecast sweep SCENARIO --vary VARY --out sweep --quiet EXTRA...` in
/// `dir`, which must succeed: the CSV files it wrote.
fn sweep_ok(dir: &Path, scenario: &Path, vary: &str, extra: &[&str]) -> Vec<(String, Vec<u8>)> {
    sweep_with_stderr(dir, scenario, vary, extra).0
}

/// [`sweep_ok`], with what the sweep wrote on stderr.
fn sweep_with_stderr(
    dir: &Path,
    scenario: &Path,
    vary: &str,
    extra: &[&str],
) -> (Vec<(String, Vec<u8>)>, String) {
    let out = dir.join("sweep");
    let mut args = vec![
        "sweep",
        scenario.to_str().unwrap(),
        "--vary",
        vary,
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = sharecast(dir, &args);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{vary}: {stderr}");
    (csvs(&out), stderr)
}

/// For each sweep, the files of every value equal, row for row, those of
/// `run` on the scenario with the value written into the file by hand: the
/// path reaches the number it names, and nothing else moves.
#[test]
fn each_value_gives_the_rows_of_a_run_with_that_value_in_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("every.toml");
    std::fs::write(&base, EVERY_FEATURE).unwrap();
    // Each sweep, its values, and the edits that write a value into the
    // file (text to find, its replacement with the value in place of {}).
    type Edits = &'static [(&'static str, &'static str)];
    let cases: [(&str, [&str; 2], Edits); 5] = [
        // A distribution replaced by numbers.
        (
            "agency.Defense.caution=0.2,0.6",
            ["0.2", "0.6"],
            &[("caution = { pert = [0.3, 0.5, 0.7] }", "caution = {}")],
        ),
        // A table the file leaves out, created.
        (
            "agency.Civil.choice.incumbency=0.5..3:2",
            ["0.5", "3.0"],
            &[(
                "annual_value = 1.0e6",
                "annual_value = 1.0e6\nchoice = { incumbency = {} }",
            )],
        ),
        // Every agency at once.
        (
            "agency.*.innovation=0.01,0.2",
            ["0.01", "0.2"],
            &[
                ("innovation = 0.03", "innovation = {}"),
                ("innovation = { normal = [0.04, 0.01] }", "innovation = {}"),
            ],
        ),
        // An event's value, written as a key of its own in the file.
        (
            "event.2.add.caution=-0.3,0.05",
            ["-0.3", "0.05"],
            &[("add = { caution = -0.1,", "add = { caution = {},")],
        ),
        // When an event fires.
        (
            "event.4.at=2027-04,2026-02",
            ["2027-04", "2026-02"],
            &[("at = \"2027-03\"", "at = \"{}\"")],
        ),
    ];
    for (vary, values, edits) in cases {
        let swept = sweep_ok(tmp.path(), &base, vary, &["--runs", "60", "--seed", "5"]);
        // The first column is headed by the path; the manifest names it and
        // the values in order.
        let (path, _) = vary.rsplit_once('=').unwrap();
        for (name, bytes) in &swept {
            let header = String::from_utf8_lossy(bytes)
                .lines()
                .next()
                .unwrap()
                .to_string();
            assert!(header.starts_with(&format!("{path},")), "{name}: {header}");
        }
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(tmp.path().join("sweep/manifest.json")).unwrap(),
        )
        .unwrap();
        assert_eq!(manifest["parameter"], path);
        assert_eq!(manifest["values"], serde_json::json!(values));
        for value in values {
            let mut text = EVERY_FEATURE.to_string();
            for (old, new) in edits {
                assert_eq!(text.matches(old).count(), 1, "{old}");
                text = text.replace(old, &new.replace("{}", value));
            }
            let edited = tmp.path().join("edited.toml");
            std::fs::write(&edited, &text).unwrap();
            let out = tmp.path().join("run");
            let o = sharecast(
                tmp.path(),
                &[
                    "run",
                    edited.to_str().unwrap(),
                    "--runs",
                    "60",
                    "--seed",
                    "5",
                    "--quiet",
                    "--out",
                    out.to_str().unwrap(),
                ],
            );
            assert!(
                o.status.success(),
                "{vary}={value}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let run = csvs(&out);
            for (sweep_name, run_name) in [
                ("sweep_shares.csv", "shares.csv"),
                ("sweep_adoption.csv", "adoption.csv"),
                ("sweep_revenue.csv", "revenue.csv"),
                ("sweep_summary.csv", "summary.csv"),
            ] {
                let expected = rows(file(&run, run_name));
                let got = rows_of_value(file(&swept, sweep_name), value);
                assert_eq!(got.len(), expected.len(), "{vary}={value} {sweep_name}");
                assert!(
                    got == expected,
                    "{vary}={value}: {sweep_name} differs from {run_name}"
                );
            }
        }
        // The values differ from each other: the path reached a number that
        // matters.
        let shares = file(&swept, "sweep_shares.csv");
        assert_ne!(
            rows_of_value(shares, values[0]),
            rows_of_value(shares, values[1]),
            "{vary}"
        );
    }
}

/// Every value runs with the same seed, so run i of each draws the same
/// numbers: a value that cannot move a contract (the contract value) leaves
/// every count share identical to the bit while the revenue follows it.
/// The files are the same on one thread and on two.
#[test]
fn values_share_their_random_numbers_and_threads_do_not_matter() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/gov-ai-2026.toml");
    let vary = "agency.*.annual_value=1e6,3e6";
    let one = sweep_ok(
        tmp.path(),
        &scenario,
        vary,
        &["--runs", "200", "--threads", "1"],
    );
    let two = sweep_ok(
        tmp.path(),
        &scenario,
        vary,
        &["--runs", "200", "--threads", "2"],
    );
    assert!(one == two, "the files depend on the thread count");

    let shares = file(&one, "sweep_shares.csv");
    let count = |value: &str| -> Vec<String> {
        rows_of_value(shares, value)
            .into_iter()
            .filter(|r| r.contains(",count_share,"))
            .collect()
    };
    // The first column holds the values in plain decimal, as the files
    // write numbers, not as typed.
    assert!(count("1e6").is_empty());
    assert!(!count("1000000.0").is_empty());
    assert_eq!(count("1000000.0"), count("3000000.0"));

    // Revenue means scale with the value (to rounding in the last digits).
    let revenue = file(&one, "sweep_revenue.csv");
    let means = |value: &str| -> Vec<f64> {
        rows_of_value(revenue, value)
            .iter()
            .map(|r| r.split(',').nth(5).unwrap().parse().unwrap())
            .collect()
    };
    let (low, high) = (means("1000000.0"), means("3000000.0"));
    assert_eq!(low.len(), high.len());
    for (l, h) in low.iter().zip(&high) {
        assert!(
            (h - 3.0 * l).abs() <= 1e-9 * h.abs() + 1e-3,
            "{h} vs 3 x {l}"
        );
    }
    assert!(low.iter().any(|&x| x > 0.0));
}

/// One agency whose units all choose afresh every period: the mean count
/// share is the softmax of w_brand x brand + access, so sweeping the brand
/// weight must move the shares along that closed form.
#[test]
fn sweeping_the_brand_weight_follows_the_logit_closed_form() {
    const MARKET: &str = r#"
start = "2026-01"
periods = 2
[choice]
incumbency = 0.0
[[vendor]]
name = "A"
brand = 0.9
access = { unclassified = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { unclassified = 0.6 }
[[vendor]]
name = "C"
brand = 0.1
access = { unclassified = 0.3 }
[[agency]]
name = "X"
units = 3000
innovation = 1.0
imitation = 0.0
term = 1
"#;
    // Five standard errors, as in model.rs: a wrong weight moves a share by
    // tens of them.
    const Z: f64 = 5.0;
    for weight in [0.0, 1.0, 3.5] {
        let setting = Setting {
            path: "choice.brand".into(),
            value: toml::Value::Float(weight),
        };
        let s = parse_with(MARKET, Path::new("market.toml"), &[setting]).unwrap();
        let expected = softmax(&[weight * 0.9 + 1.0, weight * 0.5 + 0.6, weight * 0.1 + 0.3]);
        let (_, p) = simulate(&s, 3, 300, EngineKind::Counts);
        for t in 0..2 {
            for (v, &e) in expected.iter().enumerate() {
                let got = share(&p, t, Scope::All, v).expect("contracts exist");
                assert_mean_near(
                    &format!("weight {weight} period {t} vendor {v}"),
                    &got,
                    e,
                    Z,
                    0.0,
                );
            }
        }
    }
}

/// A problem every value of a sweep causes is told once, with the values:
/// a misspelt tier under `vendor.*` is one line per vendor, not per vendor
/// and value; problems that differ by value stay apart.
#[test]
fn a_problem_every_value_causes_is_told_once_with_the_values() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/gov-ai-2026.toml");
    let path = scenario.to_str().unwrap();
    let o = sharecast(
        tmp.path(),
        &["sweep", path, "--vary", "vendor.*.access.topsecret=0.3,0.6"],
    );
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 6, "{stderr}");
    assert!(
        lines[1..].iter().all(|l| l.ends_with(
            "did you mean 'top_secret'? (with --vary vendor.*.access.topsecret=0.3,0.6)"
        )),
        "{stderr}"
    );
    let o = sharecast(
        tmp.path(),
        &[
            "sweep",
            path,
            "--set",
            "agency.DoD.term=12",
            "--vary",
            "vendor.OpenAI.brand=1.5,0.5,2",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr
            .contains("got 1.5 (with --set agency.DoD.term=12, --vary vendor.OpenAI.brand=1.5)\n")
            && stderr.contains(
                "write 0.02 (with --set agency.DoD.term=12, --vary vendor.OpenAI.brand=2)\n"
            ),
        "{stderr}"
    );
    assert!(std::fs::read_dir(tmp.path()).unwrap().next().is_none());
}

/// A path that names nothing in the file, or a value the file's rules
/// refuse (only the second one here), exits with 2, names the file (and
/// the line and the value), and writes nothing.
#[test]
fn paths_and_values_the_scenario_refuses_stop_the_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/gov-ai-2026.toml");
    let path = scenario.to_str().unwrap();
    for (vary, needles) in [
        (
            "agency.DOD.caution=0.1",
            vec![
                "gov-ai-2026.toml: --vary agency.DOD.caution",
                "did you mean 'DoD'?",
            ],
        ),
        (
            "agency.DoD.cauton=0.1",
            vec![
                "'cauton' is not a number of an agency",
                "did you mean 'caution'?",
            ],
        ),
        (
            "event.1.set.brand=0.1",
            vec![
                "event 1 ('OpenAI's Pentagon agreement') has no set key 'brand'",
                "access.unclassified",
            ],
        ),
        (
            "vendor.OpenAI.brand=0.5,1.5",
            vec![
                "gov-ai-2026.toml:33:",
                "must be in [0, 1], got 1.5",
                "(with --vary vendor.OpenAI.brand=1.5)",
            ],
        ),
        // Fractions given as whole percentages: told once, with the values.
        (
            "agency.*.caution=30,60",
            vec![
                "gov-ai-2026.toml: --vary agency.*.caution: caution must be in [0, 1], but 30 \
                 and 60 are not; if they are percentages, write 0.3,0.6\n",
            ],
        ),
        (
            "vendor.OpenAI.brand=2..100:50",
            vec![
                "but none of the 50 values (2 to 100) is; if they are percentages, divide each by 100 \
                 (0.02 to 1)\n",
            ],
        ),
        // Every refused value is told, in the order given.
        (
            "vendor.OpenAI.brand=1.5,0.5,2",
            vec![
                "must be in [0, 1], got 1.5 (with --vary vendor.OpenAI.brand=1.5)\n",
                "must be in [0, 1], got 2; if 2 is a percentage, write 0.02 (with --vary vendor.OpenAI.brand=2)",
            ],
        ),
        (
            "vendor.*.access.secret=0.5,0",
            vec!["access is 0", "(with --vary vendor.*.access.secret=0)"],
        ),
        // Whole ends but a step that is not whole: decimals, which a key
        // of whole numbers refuses, told why once and what COUNT would do.
        (
            "agency.*.term=1..1000000:3",
            vec![
                "gov-ai-2026.toml:68: agency 'DoD' term must be a plain integer, not a decimal number \
                 (with --vary agency.*.term=1.0); 1..1000000:3 steps by 499999.5, so its values are \
                 decimals; whole ends and a COUNT whose steps are whole give whole numbers, as in \
                 1..1000000:4, or list the values\n",
                "gov-ai-2026.toml:93: agency 'Intelligence community' term must be a plain integer, \
                 not a decimal number (with --vary agency.*.term=1.0)\n",
            ],
        ),
        // The same for an event's period index, and for ends written as
        // decimals.
        (
            "event.1.at=2..13:4",
            vec![
                "at must be \"YYYY-MM\" or a period index, not a decimal number \
                 (with --vary event.1.at=2.0); 2..13:4 steps by about 3.667,",
                "as in 2..13:12, or list the values",
            ],
        ),
        (
            "agency.DoD.term=12.0..36:3",
            vec![
                "12.0..36:3 has ends written as decimals, so its values are decimals; \
                  write them as whole numbers, as in 12..36:3, or list the values",
            ],
        ),
        ("agency.DoD.caution", vec!["PATH=VALUES"]),
        ("agency.DoD.caution=0.1..0.9", vec!["FROM..TO:COUNT"]),
    ] {
        let out = tmp.path().join("out");
        let o = sharecast(
            tmp.path(),
            &[
                "sweep",
                path,
                "--vary",
                vary,
                "--out",
                out.to_str().unwrap(),
                "--runs",
                "5",
            ],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{vary}: {stderr}");
        assert_no_panic(&stderr);
        for needle in needles {
            assert!(
                stderr.contains(needle),
                "{vary}: no '{needle}' in:\n{stderr}"
            );
        }
        // Decimals from a range are told for the first value only (one
        // line per agency), not again for every other value.
        if vary == "agency.*.term=1..1000000:3" {
            assert_eq!(
                stderr.matches("not a decimal number").count(),
                5,
                "{stderr}"
            );
            assert!(!stderr.contains("term=500000.5"), "{stderr}");
        }
        assert!(
            snapshot(&out).is_empty() && !out.exists(),
            "{vary}: something was written"
        );
    }
    // A value added where the file has no table for it stands on no line.
    let minimal = repo_root().join("scenarios/minimal.toml");
    let o = sharecast(
        tmp.path(),
        &[
            "sweep",
            minimal.to_str().unwrap(),
            "--vary",
            "choice.brand=1,2e6",
            "--out",
            "out",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("minimal.toml: [choice] weight 'brand' must be in")
            && stderr.contains("(with --vary choice.brand=2e6)"),
        "{stderr}"
    );
}

/// `FROM..TO:COUNT` never overflows: ends too far apart for their
/// difference, or for a multiple of it, give the values between them, and
/// whole ends with whole steps give whole numbers however large. Each value
/// then meets the rules of its number as written.
#[test]
fn ranges_between_far_apart_ends_give_the_values_between_them() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/gov-ai-2026.toml");
    let path = scenario.to_str().unwrap();
    // A value made from a range is written out in full, without an
    // exponent, as in the CSV files.
    let minus_1e308 = format!("-1{}.0", "0".repeat(308));
    let five_e307 = format!("5{}.0", "0".repeat(307));
    for (vary, needle) in [
        (
            "vendor.OpenAI.brand=-1e308..1e308:3",
            "must be in [0, 1], got -1e308 (with --vary".to_string(),
        ),
        (
            "vendor.OpenAI.brand=-1e308..1e308:3",
            format!("(with --vary vendor.OpenAI.brand={minus_1e308})"),
        ),
        (
            "agency.DoD.caution=0..1e308:3",
            format!("(with --vary agency.DoD.caution={five_e307})"),
        ),
        (
            "agency.DoD.units=400..9223372036854775807:2",
            "agency 'DoD' units must be a whole number from 0 to 4294967295, got 9223372036854775807 \
             (with --vary agency.DoD.units=9223372036854775807)"
                .to_string(),
        ),
        (
            "agency.DoD.units=1..1e400:2",
            "'1e400' is not a finite number".to_string(),
        ),
    ] {
        let o = sharecast(
            tmp.path(),
            &["sweep", path, "--vary", vary, "--out", "out", "--runs", "5"],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{vary}: {stderr}");
        assert_no_panic(&stderr);
        assert!(
            stderr.contains(&needle),
            "{vary}: no '{needle}' in:\n{stderr}"
        );
        // Never a value that was not written, such as inf.
        assert!(
            !stderr
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == "inf"),
            "{vary}: {stderr}"
        );
        assert!(
            snapshot(tmp.path()).is_empty(),
            "{vary}: something was written"
        );
    }
    // Where the rules allow such values, the sweep runs them: a rate above
    // 1 is capped (with a warning).
    let (_, stderr) = sweep_with_stderr(
        tmp.path(),
        &scenario,
        "agency.DoD.innovation=0..1e308:3",
        &["--runs", "5"],
    );
    let one_e308 = format!("1{}.0", "0".repeat(308));
    for value in [&five_e307, &one_e308] {
        assert!(
            stderr.contains(&format!("(with --vary agency.DoD.innovation={value})")),
            "{stderr}"
        );
    }
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("sweep/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest["values"],
        serde_json::json!(["0.0", five_e307, one_e308])
    );
}

/// A sweep over an event's date moves the same event: its uncertain values
/// keep the streams of the date the file gives it, so every date draws the
/// same numbers (a file edited to the later date names them anew).
#[test]
fn a_moved_event_draws_the_same_numbers_at_every_date() {
    let path = Path::new("every.toml");
    let streams = |s: &sharecast::scenario::Scenario| -> Vec<Option<u64>> {
        s.events[0]
            .changes
            .iter()
            .map(|c| c.value.stream())
            .collect()
    };
    let moved = |at: &str| {
        let setting = Setting {
            path: "event.1.at".into(),
            value: toml::Value::String(at.into()),
        };
        let s = parse_with(EVERY_FEATURE, path, &[setting]).unwrap();
        assert_eq!(s.calendar.month_of(s.events[0].period).to_string(), at);
        streams(&s)
    };
    let file = streams(&parse_with(EVERY_FEATURE, path, &[]).unwrap());
    assert!(file.iter().any(Option::is_some), "event 1 draws a number");
    assert_eq!(moved("2026-05"), file);
    assert_eq!(moved("2027-01"), file);
    let edited = EVERY_FEATURE.replace("at = \"2026-05\"", "at = \"2027-01\"");
    assert_ne!(streams(&parse_with(&edited, path, &[]).unwrap()), file);

    // The same for an event dated by a period index in the file, moved to a
    // date and to another index.
    let text = EVERY_FEATURE.replacen(
        "add = { caution = -0.1,",
        "add = { caution = { uniform = [-0.2, -0.1] },",
        1,
    );
    let second = |s: &sharecast::scenario::Scenario| -> Vec<Option<u64>> {
        s.events[1]
            .changes
            .iter()
            .map(|c| c.value.stream())
            .collect()
    };
    let file = second(&parse_with(&text, path, &[]).unwrap());
    assert!(file.iter().any(Option::is_some), "event 2 draws a number");
    for at in [
        toml::Value::Integer(12),
        toml::Value::String("2026-04".into()),
    ] {
        let setting = Setting {
            path: "event.2.at".into(),
            value: at,
        };
        assert_eq!(second(&parse_with(&text, path, &[setting]).unwrap()), file);
    }
}

/// Events are named by label or by position; a whole number is always a
/// position, and a label two events share must be replaced by a position.
#[test]
fn events_are_named_by_label_or_position_never_ambiguously() {
    let text = EVERY_FEATURE
        .replacen("at = \"2026-05\"", "at = \"2026-05\"\nlabel = \"cut\"", 1)
        .replacen("at = 8", "at = 8\nlabel = \"cut\"", 1)
        .replacen("at = \"2026-12\"", "at = \"2026-12\"\nlabel = \"1\"", 1);
    let path = Path::new("labels.toml");
    let at = |vary: &str| -> Result<Vec<u32>, String> {
        let setting = Setting {
            path: vary.into(),
            value: toml::Value::Integer(20),
        };
        parse_with(&text, path, &[setting])
            .map(|s| s.events.iter().map(|e| e.period).collect())
            .map_err(|e| e.to_string())
    };
    let file: Vec<u32> = at("event.2.at").unwrap();
    assert_eq!(file[1], 20);
    // "1" is event 1, not the event labelled "1" (event 3).
    let by_number = at("event.1.at").unwrap();
    assert_eq!((by_number[0], by_number[2]), (20, 11));
    let e = at("event.cut.at").unwrap_err();
    assert!(
        e.contains("2 events are named 'cut' (events 1, 2); name one by its position"),
        "{e}"
    );
}

/// Warnings say which values cause them: an event that `set`s the varied
/// number (each value holds only until then), an event a value moves past
/// the horizon, none for a problem of the file that every value replaces;
/// files too long for a spreadsheet, and files of a sweep that a later
/// `run` leaves behind in its folder.
#[test]
fn warnings_name_the_values_that_cause_them() {
    let tmp = tempfile::tempdir().unwrap();
    let shipped = repo_root().join("scenarios/gov-ai-2026.toml");
    let stderr_of = |scenario: &Path, vary: &str, extra: &[&str]| -> String {
        sweep_with_stderr(tmp.path(), scenario, vary, extra).1
    };

    let stderr = stderr_of(
        &shipped,
        "vendor.OpenAI.access.unclassified=0.1,1",
        &["--runs", "5"],
    );
    assert!(
        stderr.contains(
            "gov-ai-2026.toml:168: event 1 (2026-02, 'OpenAI's Pentagon agreement') sets access.unclassified, \
             so a value given for vendor.OpenAI.access.unclassified holds only until then"
        ),
        "{stderr}"
    );

    // A `*` that an event overrides for one vendor only says for which.
    let stderr = stderr_of(
        &shipped,
        "vendor.*.access.unclassified=0.5,1",
        &["--runs", "5"],
    );
    assert!(
        stderr.contains(
            "sets access.unclassified of vendor 'OpenAI', so a value given for \
             vendor.*.access.unclassified holds only until then for that vendor (some others keep it)"
        ),
        "{stderr}"
    );
    std::fs::remove_dir_all(tmp.path().join("sweep")).unwrap();

    // An event the varied date moves past the horizon overrides a set
    // value only for the other date.
    let stderr = stderr_of(
        &shipped,
        "event.5.at=2027-06,2031-01",
        &[
            "--runs",
            "5",
            "--set",
            "vendor.Google.access.top_secret=0.3",
        ],
    );
    assert!(
        stderr.contains(
            "event 5 (2027-06, 'Google gains top-secret accreditation') sets access.top_secret, so a value \
             given for vendor.Google.access.top_secret holds only until then (with --vary event.5.at=2027-06)"
        ),
        "{stderr}"
    );
    std::fs::remove_dir_all(tmp.path().join("sweep")).unwrap();

    // Only the value that moves the AWS deal before the Pentagon agreement
    // turns round which of their accesses holds.
    let stderr = stderr_of(&shipped, "event.2.at=2026-01,2026-03", &["--runs", "5"]);
    assert_eq!(stderr.matches("now applies after").count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "the later one's value is the one that holds (with --vary event.2.at=2026-01)"
        ),
        "{stderr}"
    );
    std::fs::remove_dir_all(tmp.path().join("sweep")).unwrap();

    let stderr = stderr_of(&shipped, "event.2.at=2026-03,2031-01", &["--runs", "5"]);
    assert_eq!(stderr.matches("never fires").count(), 1, "{stderr}");
    assert!(
        stderr.contains("never fires (with --vary event.2.at=2031-01)"),
        "{stderr}"
    );

    // Event 2 of this file never fires, but every value moves it inside.
    // (Into a folder of its own: replacing the shipped file's results would
    // be pointed out.)
    std::fs::remove_dir_all(tmp.path().join("sweep")).unwrap();
    let late = tmp.path().join("late.toml");
    std::fs::write(&late, EVERY_FEATURE.replacen("at = 8", "at = 40", 1)).unwrap();
    assert!(stderr_of(&late, "event.2.at=3,5", &["--runs", "5"]).is_empty());
    let stderr = stderr_of(&late, "agency.Civil.term=5,7", &["--runs", "5"]);
    assert!(
        stderr.contains("late.toml:73: event 2 (at period 40) falls after the last period")
            && !stderr.contains("with --vary"),
        "a problem every value shares is shown once, plainly: {stderr}"
    );

    // 200 values x 5,400 share rows pass a spreadsheet's 1,048,576 rows.
    let stderr = stderr_of(
        &shipped,
        "agency.*.annual_value=1..200:200",
        &["--runs", "2"],
    );
    assert!(
        stderr.contains(
            "sweep_shares.csv will have 1080001 rows, more than a spreadsheet opens (1048576 with \
             the header): 90 rows a period (all units, 3 tiers and 5 agencies x 5 vendors x 2 \
             shares) over 60 periods for each of 200 values; sweep at most 194 values, or filter \
             it with a script, or cover the horizon in at most 58 periods"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("sweep_adoption.csv has"), "{stderr}");

    let o = crate::common::run_shipped(
        tmp.path(),
        "scenarios/minimal.toml",
        &["--runs", "5", "--quiet", "--out", "sweep"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "also holds sweep_shares.csv, sweep_adoption.csv, sweep_revenue.csv, sweep_summary.csv \
             from an earlier `sharecast sweep`"
        ),
        "{stderr}"
    );
}

/// A list of amounts of money that also reads as one amount written with
/// thousands separators runs its values, with a warning that says how to
/// write the one amount; another number's list has none.
#[test]
fn a_list_of_amounts_that_reads_as_one_amount_is_warned_of() {
    let tmp = tempfile::tempdir().unwrap();
    let shipped = repo_root().join("scenarios/gov-ai-2026.toml");
    for (vary, warned) in [
        (
            "agency.DoD.annual_value=2,500",
            Some(
                "warning: --vary agency.DoD.annual_value=2,500 runs the values 2 and 500, as commas \
                 separate the values of a list; for the one amount 2,500, write 2500",
            ),
        ),
        (
            "agency.*.annual_value=1,500,250",
            Some(
                "runs the values 1, 500 and 250, as commas separate the values of a list; for the one amount 1,500,250, write 1500250",
            ),
        ),
        ("agency.DoD.annual_value=2500,1e6", None),
        ("agency.DoD.annual_value=100,200,300", None),
        ("agency.DoD.annual_value=2..500:2", None),
        ("agency.DoD.units=100,200", None),
    ] {
        let (files, stderr) = sweep_with_stderr(tmp.path(), &shipped, vary, &["--runs", "3"]);
        assert_eq!(files.len(), 4, "{vary}");
        match warned {
            Some(text) => assert!(stderr.contains(text), "{vary}: {stderr}"),
            None => assert!(!stderr.contains("for the one amount"), "{vary}: {stderr}"),
        }
        std::fs::remove_dir_all(tmp.path().join("sweep")).unwrap();
    }
}

/// Only an event within the horizon that `set`s the varied number of a
/// vendor or agency the path names overrides the values; `add` keeps the
/// difference between values, and an event past the horizon never fires.
#[test]
fn only_events_that_set_the_varied_number_in_time_override_it() {
    let text = format!(
        "{EVERY_FEATURE}
[[event]]
at = 40
vendor = \"East\"
set = {{ brand = 0.2 }}

[[event]]
at = 3
vendor = \"East\"
set = {{ brand = 0.3 }}

[[event]]
at = 4
agency = \"*\"
set = {{ caution = 0.3 }}

[[event]]
at = 30
vendor = \"North\"
set = {{ brand = 0.9 }}
"
    );
    let s = parse_with(&text, Path::new("every.toml"), &[]).unwrap();
    let notes = |path: &str| -> Vec<String> {
        sharecast::sweep::overriding_events(&s, path)
            .into_iter()
            .map(|d| d.message)
            .collect()
    };
    // Each note is placed at the line of the key that sets the number.
    let lines = |path: &str| -> Vec<&str> {
        sharecast::sweep::overriding_events(&s, path)
            .into_iter()
            .map(|d| text.lines().nth(d.line.expect("a line") - 1).unwrap())
            .collect()
    };
    // Event 1 adds to East's brand; event 7 sets it past the horizon.
    assert_eq!(
        notes("vendor.East.brand"),
        [
            "event 7 (2026-04) sets brand, so a value given for vendor.East.brand holds only until then"
        ]
    );
    assert_eq!(lines("vendor.East.brand"), ["set = { brand = 0.3 }"]);
    assert_eq!(lines("agency.Civil.caution"), ["set = { caution = 0.3 }"]);
    assert_eq!(notes("vendor.*.brand").len(), 1);
    // Event 9 sets North's brand at period 30, the first past the horizon:
    // it never fires, so it overrides nothing.
    assert!(notes("vendor.North.brand").is_empty());
    // Event 1 sets East's secret access; event 3 South's top-secret access.
    assert_eq!(notes("vendor.*.access.secret").len(), 1);
    assert_eq!(notes("vendor.South.access.top_secret").len(), 1);
    // Event 2 adds to every agency's caution; event 8 sets it.
    assert_eq!(
        notes("agency.Civil.caution"),
        [
            "event 8 (2026-05) sets caution, so a value given for agency.Civil.caution holds only until then"
        ]
    );
    // Event 4 sets Defense's contract value: a value given for it still
    // prices the contracts signed before then, which keep it.
    let value_notes = notes("agency.Defense.annual_value");
    assert_eq!(value_notes.len(), 1);
    assert!(
        value_notes[0].ends_with(
            "sets annual_value, so a value given for agency.Defense.annual_value prices only \
             the initial contracts and those signed before then"
        ),
        "{value_notes:?}"
    );
    assert!(notes("agency.Civil.annual_value").is_empty());
    assert!(notes("choice.brand").is_empty());
}

/// What the closing table shows of a value is read at the last period,
/// over all units: the mean count shares, the mean under contract, all
/// vendors' mean cumulative revenue and the vendor with the highest chance
/// of leading.
#[test]
fn the_point_of_a_value_is_read_at_the_last_period() {
    let s = crate::common::scenario(EVERY_FEATURE);
    let (_, p) = simulate(&s, 9, 80, EngineKind::Counts);
    let point = sharecast::sweep::SweepPoint::of(&s, &p);
    let last = s.calendar.periods as usize - 1;
    for v in 0..s.vendors.len() {
        assert_eq!(
            point.shares[v],
            share(&p, last, Scope::All, v).map(|x| x.mean)
        );
    }
    let under = crate::common::adoption(
        &p,
        last,
        None,
        sharecast::measures::AdoptionMeasure::UnderContract,
    );
    assert_eq!(point.under_contract, Some(under.mean));
    let (best, chance) = p
        .outlook
        .iter()
        .map(|o| (o.vendor, o.prob_leader.expect("80 runs")))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    assert!(chance > 0.0);
    assert_eq!(point.leader, Some((best, chance)));
    // All vendors' mean cumulative revenue: the sum of the vendors'
    // cumulative revenue rows at the last period.
    let cumulative: f64 = p
        .revenue
        .iter()
        .filter(|r| {
            r.period == last && r.measure == sharecast::measures::RevenueMeasure::CumulativeRevenue
        })
        .map(|r| r.summary.expect("every run has revenue").mean)
        .sum();
    assert!(cumulative > 0.0);
    let revenue = point.revenue.expect("80 runs");
    assert!(
        (revenue - cumulative).abs() <= 1e-12 * cumulative,
        "{revenue} against {cumulative}"
    );
}

/// Of vendors equally likely to lead, the point names the first in the
/// file; when no run has a leader (no run holds a contract), none.
#[test]
fn a_tie_for_leader_goes_to_the_first_vendor_and_no_contract_means_no_leader() {
    let market = |initial: &str| {
        crate::common::scenario(&format!(
            "start = \"2026-01\"\nperiods = 3\n\
             [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
             [[vendor]]\nname = \"B\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
             [[agency]]\nname = \"X\"\nunits = 2\nterm = 12\ninnovation = 0.0\nimitation = 0.0\n\
             {initial}"
        ))
    };
    // One contract each in every run: a tie, every time.
    let tied = market(
        "[[agency.initial]]\nvendor = \"A\"\nunits = 1\nremaining = 12\n\
         [[agency.initial]]\nvendor = \"B\"\nunits = 1\nremaining = 12\n",
    );
    let (_, p) = simulate(&tied, 1, 4, EngineKind::Counts);
    assert_eq!(
        sharecast::sweep::SweepPoint::of(&tied, &p).leader,
        Some((0, 0.5))
    );
    let empty = market("");
    let (_, p) = simulate(&empty, 1, 4, EngineKind::Counts);
    let point = sharecast::sweep::SweepPoint::of(&empty, &p);
    assert_eq!((point.leader, point.shares), (None, vec![None, None]));
}

/// Every value is checked before anything runs: a refused last value stops
/// a sweep whose first values would take very long, before the memory check.
#[test]
fn every_value_is_checked_before_anything_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/bench/large.toml");
    let o = sharecast(
        tmp.path(),
        &[
            "sweep",
            scenario.to_str().unwrap(),
            "--vary",
            "agency.*.caution=0.1,0.2,1.5",
            "--runs",
            "100000000",
            "--no-memory-check",
            "--out",
            "out",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("(with --vary agency.*.caution=1.5)"),
        "{stderr}"
    );
    assert!(snapshot(tmp.path()).is_empty());
}

/// `--set` fixes other numbers for every value: the files are those of the
/// same sweep of the file edited by hand, and the manifest lists the
/// settings; the varied number cannot also be set.
#[test]
fn set_fixes_other_numbers_for_every_value() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let shipped = repo_root().join("scenarios/gov-ai-2026.toml");
    let text = std::fs::read_to_string(&shipped).unwrap();
    let edited: String = text
        .lines()
        .map(|l| {
            if l.starts_with("caution = ") {
                "caution = 0.6"
            } else {
                l
            }
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(edited, text);
    std::fs::write(dir.join("edited.toml"), edited).unwrap();
    let vary = "event.2.at=2026-03,2027-03";
    let by_hand = sweep_ok(dir, &dir.join("edited.toml"), vary, &["--runs", "40"]);
    let (set, stderr) = sweep_with_stderr(
        dir,
        &shipped,
        vary,
        &["--runs", "40", "--set", "agency.*.caution=0.6"],
    );
    assert!(by_hand == set, "{stderr}");
    let manifest = std::fs::read_to_string(dir.join("sweep/manifest.json")).unwrap();
    assert!(manifest.contains("\"agency.*.caution=0.6\""), "{manifest}");

    // A number both set and varied, under any spelling, is refused: the
    // value varied would silently win.
    for (vary, set, needle) in [
        (
            "agency.DoD.caution=0.1,0.2",
            "agency.DoD.caution=0.5",
            "error: --set agency.DoD.caution=0.5 and --vary agency.DoD.caution both change \
             agency 'DoD' caution; give it once\n",
        ),
        (
            "agency.*.caution=0.1,0.2",
            "agency.DoD.caution=0.3",
            "error: --set agency.DoD.caution=0.3 and --vary agency.*.caution both change \
             agency 'DoD' caution; give it once\n",
        ),
        (
            "event.2.at=3,5",
            "event.*.at=4",
            "error: --set event.*.at=4 and --vary event.2.at both change \
             event 2 ('OpenAI on AWS, classified and unclassified') at; give it once\n",
        ),
        (
            "vendor.OpenAI.access.secret=0.5",
            "vendor.*.access.secret=0.2",
            "error: --set vendor.*.access.secret=0.2 and --vary vendor.OpenAI.access.secret=0.5 \
             both change vendor 'OpenAI' access for tier 'secret'; give it once\n",
        ),
    ] {
        let o = sharecast(
            dir,
            &[
                "sweep",
                shipped.to_str().unwrap(),
                "--vary",
                vary,
                "--set",
                set,
                "--out",
                "refused",
            ],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{vary} {set}: {stderr}");
        assert_no_panic(&stderr);
        assert!(stderr.contains(needle), "{vary} {set}: {stderr}");
        assert!(
            !dir.join("refused").exists(),
            "{vary} {set} wrote something"
        );
    }
}

/// Values that make one scenario are refused after the warnings that say
/// why: an attribute no weight reads changes nothing.
#[test]
fn an_unweighted_attribute_is_explained_before_its_values_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::write(dir.join("m.toml"), minimal).unwrap();
    let o = sharecast(
        dir,
        &[
            "sweep",
            "m.toml",
            "--vary",
            "vendor.Incumbent AI.attributes.speed=0.1,0.2",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let explained = stderr
        .find("has attribute 'speed', but no [choice] table gives it a weight, so it has no effect")
        .unwrap_or_else(|| panic!("{stderr}"));
    let refused = stderr
        .find("the values 0.1 and 0.2 make the same scenario")
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(explained < refused, "{stderr}");
    assert!(!dir.join("out").exists());
}

/// Two dates after the horizon make the same scenario (the event never
/// fires), as do two ends of a temporary change at or after it: refused,
/// as other repeated values are.
#[test]
fn dates_after_the_horizon_make_one_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let gov = repo_root().join("scenarios/gov-ai-2026.toml");
    for vary in [
        "event.2.at=2031-01,2032-01",
        "event.3.until=2031-01,2040-06",
    ] {
        let o = sharecast(
            dir,
            &[
                "sweep",
                gov.to_str().unwrap(),
                "--vary",
                vary,
                "--runs",
                "5",
                "--quiet",
            ],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{vary}: {stderr}");
        assert!(
            stderr.contains("make the same scenario"),
            "{vary}: {stderr}"
        );
    }
    assert!(!dir.join("out").exists());
}

/// The closing table counts contract-years only when every value's
/// scenario does: a value that moves a price event into the horizon, or
/// sets a price, makes the column dollars for all, without the note.
#[test]
fn revenue_is_in_dollars_when_any_value_prices_contracts() {
    let tmp = tempfile::tempdir().unwrap();
    // No agency gives annual_value; the event that would set one falls
    // after the horizon in the file.
    let text = "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.6\naccess = { unclassified = 1.0 }\n\
                [[vendor]]\nname = \"B\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
                [[agency]]\nname = \"X\"\nunits = 100\ninnovation = 0.05\nimitation = 0.3\nterm = 6\n\
                [[event]]\nat = \"2027-06\"\nagency = \"X\"\nset = { annual_value = 1e6 }\n";
    std::fs::write(tmp.path().join("unpriced.toml"), text).unwrap();
    let table = |vary: &str| {
        let o = sharecast(
            tmp.path(),
            &[
                "sweep",
                "unpriced.toml",
                "--vary",
                vary,
                "--runs",
                "20",
                "--out",
                "s",
            ],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{vary}: {stderr}");
        String::from_utf8(o.stdout).unwrap()
    };
    let note = "so revenue counts contract-years";
    let counted = table("agency.X.caution=0.1,0.5");
    assert!(counted.contains("  cum. contract-years  "), "{counted}");
    assert!(counted.contains(note), "{counted}");
    let value_rows = |table: &str| -> Vec<String> {
        table
            .lines()
            .filter(|l| l.starts_with("  ") && !l.contains("likeliest leader"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(value_rows(&counted).len(), 2, "{counted}");
    assert!(
        value_rows(&counted).iter().all(|row| !row.contains('$')),
        "{counted}"
    );
    for (vary, counting) in [
        ("event.1.at=2027-06,2026-03", "2027-06"),
        ("agency.X.annual_value=1,2e6", "1"),
    ] {
        let priced = table(vary);
        assert!(priced.contains("  cum. revenue  "), "{priced}");
        assert!(!priced.contains(note), "{priced}");
        assert!(
            priced.contains(&format!(
                "At {counting} every contract is worth $1 a year (every agency's annual_value is \
                 1, as by default), so the revenue shown there counts contract-years, not dollars."
            )),
            "{priced}"
        );
        assert!(
            value_rows(&priced).iter().all(|row| row.contains("  $")),
            "{priced}"
        );
    }
}
