//! The library as an embedder uses it: the same bytes as the command line,
//! and a clear panic, never wrong numbers, when the parts passed in do not
//! belong together (a scenario edited in code into an impossible state, a
//! projection of a scenario of another shape, an alignment made for other
//! scenarios).

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use sharecast::compare::{align, compare, simulate_and_compare};
use sharecast::engine::{EngineKind, simulate_all, simulate_run};
use sharecast::export;
use sharecast::measures::{project, simulate_and_project};
use sharecast::scenario::{Scenario, load};
use sharecast::tally::Tally;

use crate::common::repo_root;

fn shipped(name: &str) -> Scenario {
    load(repo_root().join("scenarios").join(name)).expect("a shipped scenario loads")
}

/// `gov-ai-2026` cut to its first 30 periods: the same vendors, agencies
/// and tiers, a shorter horizon.
fn gov_ai_of_30_periods() -> Scenario {
    let text = std::fs::read_to_string(repo_root().join("scenarios/gov-ai-2026.toml")).unwrap();
    let short = text.replace("periods = 60 ", "periods = 30 ");
    assert_ne!(short, text);
    sharecast::scenario::parse(&short, std::path::Path::new("short.toml")).unwrap()
}

/// Asserts two CSV files hold the same rows, numbers equal up to one unit
/// in their last printed place and a relative 1e-12 (sums of the same
/// values in another order may differ in their last bits and round the
/// other way), naming the first line that differs.
fn same_lines(a: Vec<u8>, b: Vec<u8>) {
    let (a, b) = (String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
    let unit = |x: &str| {
        x.split_once('.')
            .map_or(1.0, |(_, d)| 10f64.powi(-(d.len() as i32)))
    };
    for (n, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        let close = x.split(',').count() == y.split(',').count()
            && x.split(',').zip(y.split(',')).all(|(p, q)| {
                p == q
                    || matches!((p.parse::<f64>(), q.parse::<f64>()),
                        (Ok(u), Ok(v)) if (u - v).abs() <= 1.5 * unit(p).max(unit(q)) + 1e-12 * u.abs())
            });
        assert!(close, "line {}:\n{x}\n{y}", n + 1);
    }
    assert_eq!(a.lines().count(), b.lines().count());
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("it panics");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .expect("a message")
}

#[test]
fn the_library_writes_the_command_lines_files_byte_for_byte() {
    let golden = repo_root().join("tests/golden");
    let s = load(golden.join("scenario.toml")).unwrap();
    let records = simulate_all(&s, 3, 0..40, EngineKind::Counts);
    let p = project(&s, &records);
    let files = [
        ("shares.csv", export::shares_csv(&s, &p)),
        ("adoption.csv", export::adoption_csv(&s, &p)),
        ("revenue.csv", export::revenue_csv(&s, &p)),
        ("shares_wide.csv", export::shares_wide_csv(&s, &p)),
        ("summary.csv", export::summary_csv(&s, &p)),
        (
            "runs.csv",
            export::runs_csv(&s, &Tally::of_runs(&records, &s), 0),
        ),
    ];
    for (name, bytes) in files {
        let pinned = std::fs::read(golden.join("expected").join(name)).unwrap();
        assert!(pinned == bytes, "{name} differs from the golden file");
    }

    // In one call each, on a pool of the embedder's choosing.
    let pool = sharecast::rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .unwrap();
    let lean = pool
        .install(|| simulate_and_project(&s, 3, 0..40, EngineKind::Counts))
        .unwrap();
    assert_eq!(lean, p);
    let named = pool.install(|| export::statistics_files(&s, &lean));
    let names: Vec<&str> = named.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "shares.csv",
            "adoption.csv",
            "revenue.csv",
            "shares_wide.csv",
            "summary.csv"
        ]
    );
    for f in named {
        let pinned = std::fs::read(golden.join("expected").join(&f.name)).unwrap();
        assert!(pinned == f.bytes, "{} differs from the golden file", f.name);
    }
}

#[test]
fn comparison_files_are_the_command_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let path = |name: &str| repo_root().join("scenarios").join(name);
    let (base_path, other_path) = (path("gov-ai-2026.toml"), path("no-aws-deal.toml"));
    let o = crate::common::sharecast(
        tmp.path(),
        &[
            "compare",
            base_path.to_str().unwrap(),
            other_path.to_str().unwrap(),
            "--runs",
            "30",
            "--seed",
            "9",
            "--quiet",
            "--out",
            "c",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (base, other) = (shipped("gov-ai-2026.toml"), shipped("no-aws-deal.toml"));
    let runs = |s: &Scenario| simulate_all(s, 9, 0..30, EngineKind::Counts);
    let c = compare(
        (&base, &runs(&base)),
        (&other, &runs(&other)),
        &align(&base, &other).unwrap(),
    );
    // In one call, on the current pool: the same comparison.
    let one_call = simulate_and_compare(&base, &other, 9, 0..30, EngineKind::Counts).unwrap();
    assert!(
        one_call == c,
        "simulate_and_compare differs from compare of the records"
    );
    let files = export::comparison_files(&base, &c);
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["shares_diff.csv", "adoption_diff.csv", "revenue_diff.csv"]
    );
    // Each the exporter of its name gives, and the command's file.
    let exported = [
        export::shares_diff_csv(&base, &c),
        export::adoption_diff_csv(&base, &c),
        export::revenue_diff_csv(&base, &c),
    ];
    for (f, bytes) in files.into_iter().zip(exported) {
        assert!(f.bytes == bytes, "{} is not its exporter's", f.name);
        let written = std::fs::read(tmp.path().join("c").join(&f.name)).unwrap();
        assert!(written == f.bytes, "{} differs from the command's", f.name);
    }
}

/// A sweep through the library: each value applied to the file's text,
/// projected, and appended to `SweepFiles`, gives the command's files.
#[test]
fn sweep_files_are_the_command_lines() {
    use sharecast::export::{SWEEP_FILES, SweepFiles};
    use sharecast::report::sweep_table;
    use sharecast::scenario::{parse_with, read_source};
    use sharecast::sweep::{Sweep, SweepPoint};

    let tmp = tempfile::tempdir().unwrap();
    let path = repo_root().join("scenarios/gov-ai-2026.toml");
    let vary = "agency.*.caution=0.2,0.6";
    let o = crate::common::sharecast(
        tmp.path(),
        &[
            "sweep",
            path.to_str().unwrap(),
            "--vary",
            vary,
            "--runs",
            "30",
            "--seed",
            "9",
            "--quiet",
            "--out",
            "s",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sweep = Sweep::parse(vary).unwrap();
    let source = read_source(&path).unwrap();
    let mut files = SweepFiles::new(&sweep.path);
    for (i, value) in sweep.values.iter().enumerate() {
        let s = parse_with(&source, &path, &[sweep.setting(i)]).unwrap();
        let p = simulate_and_project(&s, 9, 0..30, EngineKind::Counts).unwrap();
        files.append(&value.column(), &s, &p);
    }
    let rows = files.rows();
    let files = files.finish();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, SWEEP_FILES);
    // The closing table wants one point per value, of the scenario's
    // vendors.
    let s = parse_with(&source, &path, &[sweep.setting(0)]).unwrap();
    let point = SweepPoint::of(
        &s,
        &simulate_and_project(&s, 9, 0..5, EngineKind::Counts).unwrap(),
    );
    let table = sweep_table(&s, &sweep, &[point.clone(), point.clone()], 5, 9);
    assert!(table.contains("OpenAI"), "{table}");
    let message =
        panic_message(|| drop(sweep_table(&s, &sweep, std::slice::from_ref(&point), 5, 9)));
    assert!(message.contains("one point per value"), "{message}");
    let minimal = shipped("minimal.toml");
    let message = panic_message(|| {
        drop(sweep_table(
            &minimal,
            &sweep,
            &[point.clone(), point.clone()],
            5,
            9,
        ))
    });
    assert!(
        message.contains("made from a scenario of other vendors"),
        "{message}"
    );
    for (f, rows) in files.into_iter().zip(rows) {
        let written = std::fs::read(tmp.path().join("s").join(&f.name)).unwrap();
        assert!(written == f.bytes, "{} differs from the command's", f.name);
        assert_eq!(
            written.iter().filter(|&&b| b == b'\n').count(),
            rows,
            "{}",
            f.name
        );
    }
}

#[test]
fn a_scenario_edited_into_an_impossible_state_does_not_run() {
    let mut s = shipped("minimal.toml");
    let units = s.agencies[0].units_by_tier[0];
    s.agencies[0].initial[0].units = units + 1;
    s.agencies[0].term = 0;
    for engine in [EngineKind::Counts, EngineKind::Units] {
        let message = panic_message(|| drop(simulate_all(&s, 1, 0..2, engine)));
        assert!(
            message.starts_with("the scenario cannot run: ")
                && message.contains("term is 0")
                && message.contains("initial contracts at tier 0 cover"),
            "{message}"
        );
        let message = panic_message(|| drop(simulate_run(&s, 1, 0, engine)));
        assert!(
            message.starts_with("the scenario cannot run: "),
            "{message}"
        );
    }
    // The one-call paths say so as an error, before simulating, naming the
    // side of a comparison.
    let refused = simulate_and_project(&s, 1, 0..2, EngineKind::Counts).unwrap_err();
    assert!(refused.to_string().contains("term is 0"), "{refused}");
    let fine = shipped("minimal.toml");
    for (base, other, side) in [(&s, &fine, "baseline"), (&fine, &s, "counterfactual")] {
        let refused = simulate_and_compare(base, other, 1, 0..2, EngineKind::Counts).unwrap_err();
        assert!(
            refused
                .to_string()
                .starts_with(&format!("{side}: the scenario cannot run: ")),
            "{refused}"
        );
    }
    // The overview `check` prints refuses it the same way.
    let message = panic_message(|| drop(sharecast::report::overview(&s)));
    assert!(
        message.starts_with("the scenario cannot run: "),
        "{message}"
    );
    // Set right again, it runs.
    s.agencies[0].initial[0].units = units;
    s.agencies[0].term = 12;
    assert_eq!(s.verify(), Ok(()));
    assert_eq!(simulate_all(&s, 1, 0..2, EngineKind::Counts).len(), 2);
}

/// `assign_streams` keys what it can of a scenario whose references point
/// past its lists (an initial contract at a tier or of a vendor it lacks,
/// a weight past its attributes, an event on a vendor, agency, tier,
/// attribute or weight it lacks) and leaves the rest to `verify`, which
/// names each: no panic on the way there.
#[test]
fn assign_streams_leaves_broken_references_to_verify() {
    use sharecast::scenario::{Field, Target};

    let sound = shipped("gov-ai-2026.toml");
    type Break = fn(&mut Scenario);
    let breaks: [(&str, Break); 8] = [
        ("initial[0] is at tier 7, but there are 3 tiers", |s| {
            s.agencies[0].initial[0].tier = 7
        }),
        ("goes to vendor 9, but there are 5 vendors", |s| {
            s.agencies[0].initial[0].vendor = 9
        }),
        ("weights has length 5, but", |s| {
            s.weights.push(s.weights[0].clone())
        }),
        (
            "events[0] changes[0] (Access(9)) is not a field of a vendor",
            |s| s.events[0].changes[0].field = Field::Access(9),
        ),
        (
            "events[0] changes[0] (Attribute(5)) is not a field of a vendor",
            |s| s.events[0].changes[0].field = Field::Attribute(5),
        ),
        (
            "events[0] targets vendor 40, but there are 5 vendors",
            |s| s.events[0].target = Target::Vendor(40),
        ),
        ("events[0] targets agency 42", |s| {
            s.events[0].target = Target::Agency(42)
        }),
        (
            "events[0] changes[0] (Weight(9)) is not a field of an agency",
            |s| {
                s.events[0].target = Target::Agency(0);
                s.events[0].changes[0].field = Field::Weight(9);
            },
        ),
    ];
    for (named, break_it) in breaks {
        let mut s = sound.clone();
        break_it(&mut s);
        s.assign_streams();
        let broken = s.verify().expect_err(named).to_string();
        assert!(
            broken.starts_with("the scenario cannot run: ") && broken.contains(named),
            "{named}: {broken}"
        );
    }
    // A sound scenario keeps the keys it was read with.
    let mut again = sound.clone();
    again.assign_streams();
    let records = |s: &Scenario| simulate_all(s, 3, 0..2, EngineKind::Counts);
    assert!(records(&again) == records(&sound));
}

/// The statistics check the scenario too: runs of a sound scenario read
/// with a copy broken in code (an agency's units no longer what its tiers
/// add up to, so its adoption fractions would exceed 1) are refused, not
/// summarised into impossible numbers.
#[test]
fn statistics_refuse_a_scenario_edited_into_an_impossible_state() {
    let s = shipped("gov-ai-2026.toml");
    let records = simulate_all(&s, 5, 0..4, EngineKind::Counts);
    let mut broken = s.clone();
    broken.agencies[0].units = 10;
    broken.agencies[0].units_by_tier = vec![10, 0, 0];
    assert!(broken.verify().is_err());
    let cannot_run = |message: String| {
        assert!(
            message.starts_with("the scenario cannot run: "),
            "{message}"
        );
    };
    cannot_run(panic_message(|| drop(project(&broken, &records))));
    let tallies = Tally::of_runs(&records, &s);
    let never = std::sync::atomic::AtomicBool::new(false);
    cannot_run(panic_message(|| {
        drop(sharecast::measures::project_unless(
            &broken, &tallies, &never,
        ))
    }));
    let alignment = align(&s, &s).unwrap();
    cannot_run(panic_message(|| {
        drop(compare((&s, &records), (&broken, &records), &alignment))
    }));
    // The sound scenario still summarises them.
    assert_eq!(project(&s, &records).runs, 4);
}

#[test]
fn a_projection_is_written_only_with_its_own_scenario() {
    let (small, big) = (shipped("minimal.toml"), shipped("gov-ai-2026.toml"));
    let of_small = project(&small, &simulate_all(&small, 1, 0..3, EngineKind::Counts));
    let of_big = project(&big, &simulate_all(&big, 1, 0..3, EngineKind::Counts));
    for (s, p) in [(&small, &of_big), (&big, &of_small)] {
        for write in [
            export::shares_csv,
            export::adoption_csv,
            export::revenue_csv,
            export::shares_wide_csv,
            export::summary_csv,
        ] {
            let message = panic_message(|| drop(write(s, p)));
            assert!(
                message.contains(&format!("a projection of '{}' has", s.name))
                    && message.ends_with("it was made from a scenario of another shape"),
                "{message}"
            );
        }
        // So do the closing table and a sweep's point, rather than label
        // one scenario's shares with the other's names.
        for message in [
            panic_message(|| drop(sharecast::report::final_table(s, p, 1))),
            panic_message(|| drop(sharecast::sweep::SweepPoint::of(s, p))),
        ] {
            assert!(
                message.ends_with("it was made from a scenario of another shape"),
                "{message}"
            );
        }
    }
    // A projection of a shorter horizon, of the same vendors and agencies,
    // ends before the scenario's last period: refused too.
    let short = gov_ai_of_30_periods();
    let of_short = project(&short, &simulate_all(&short, 1, 0..3, EngineKind::Counts));
    for message in [
        panic_message(|| drop(sharecast::report::final_table(&big, &of_short, 1))),
        panic_message(|| drop(sharecast::sweep::SweepPoint::of(&big, &of_short))),
    ] {
        assert!(
            message.ends_with("it was made from a scenario of another shape"),
            "{message}"
        );
    }
    // No runs at all is a projection of the scenario too.
    let empty = project(&small, &[]);
    assert_eq!(empty.runs, 0);
    let shares = String::from_utf8(export::shares_csv(&small, &empty)).unwrap();
    assert!(shares.lines().count() > 1);
}

#[test]
fn a_comparison_needs_the_alignment_of_its_two_scenarios() {
    let (base, other) = (shipped("gov-ai-2026.toml"), shipped("no-aws-deal.toml"));
    let mut renamed = other.clone();
    renamed.vendors[4].name = "Other vendors".to_string();
    let runs = |s: &Scenario| simulate_all(s, 5, 0..4, EngineKind::Counts);
    let (base_runs, renamed_runs) = (runs(&base), runs(&renamed));
    // The alignment of the files as read would pair the renamed vendor
    // with the baseline's "Other".
    let stale = align(&base, &other).unwrap();
    let message = panic_message(|| {
        drop(compare(
            (&base, &base_runs),
            (&renamed, &renamed_runs),
            &stale,
        ))
    });
    assert!(
        message.starts_with("the alignment was made for other scenarios"),
        "{message}"
    );
    let mut own = align(&base, &renamed).unwrap();
    // The notes are for the reader; without them it is the same matching.
    own.notes.clear();
    let message = panic_message(|| {
        drop(compare(
            (&base, &base_runs),
            (&renamed, &renamed_runs[..3]),
            &own,
        ))
    });
    assert!(
        message.contains("runs are compared in pairs: give as many runs"),
        "{message}"
    );
    let c = compare((&base, &base_runs), (&renamed, &renamed_runs), &own);
    assert_eq!(c.vendors.len(), base.vendors.len() + 1);
    // Its closing table names its own vendors, and refuses the scenarios
    // it was not made from rather than put its rows under their names.
    let table = |baseline: &Scenario, counterfactual: &Scenario| {
        sharecast::report::comparison_table((baseline, "a"), (counterfactual, "b"), &c, 5)
    };
    let refusal = |baseline: &Scenario, counterfactual: &Scenario| {
        panic_message(|| drop(table(baseline, counterfactual)))
    };
    let shown = table(&base, &renamed);
    assert!(shown.contains("Other vendors"), "{shown}");
    let message = refusal(&base, &other);
    assert!(
        message.contains("the comparison's vendors are not those of"),
        "{message}"
    );
    // Written with a baseline of another shape, its rows do not fit.
    let small = shipped("minimal.toml");
    let message = panic_message(|| drop(export::shares_diff_csv(&small, &c)));
    assert!(
        message.contains("was made with a baseline of another shape"),
        "{message}"
    );
    let message = refusal(&small, &small);
    assert!(
        message.contains("was made with a baseline of another shape"),
        "{message}"
    );
    // A comparison of a shorter horizon fits the longer baseline's rows,
    // but ends before its last period: refused.
    let short = gov_ai_of_30_periods();
    let short_runs = runs(&short);
    let of_short = compare(
        (&short, &short_runs),
        (&short, &short_runs),
        &align(&short, &short).unwrap(),
    );
    let message = panic_message(|| {
        drop(sharecast::report::comparison_table(
            (&base, "a"),
            (&base, "b"),
            &of_short,
            5,
        ))
    });
    assert!(
        message.contains("was made with a baseline of another horizon"),
        "{message}"
    );
}

#[test]
fn run_numbers_end_at_the_last_stream() {
    let s = shipped("minimal.toml");
    let records = simulate_all(&s, 1, u64::MAX - 1..u64::MAX, EngineKind::Counts);
    let tallies = Tally::of_runs(&records, &s);
    let csv = String::from_utf8(export::runs_csv(&s, &tallies, u64::MAX)).unwrap();
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with(&u64::MAX.to_string())
    );
    let two = [tallies[0].clone(), tallies[0].clone()];
    let message = panic_message(|| drop(export::runs_csv(&s, &two, u64::MAX)));
    assert!(message.contains("would be numbered past"), "{message}");
}

/// A number made uncertain in code pairs with the same number in a file
/// once `assign_streams` names its stream: the runs are those of the file.
/// Without it the number is drawn from a stream of its own and the runs
/// differ, though they follow the same model.
#[test]
fn a_number_drawn_in_code_pairs_with_the_file_after_assign_streams() {
    use sharecast::scenario::{DistSpec, Param, Range, Setting, Value, parse, parse_with};
    let path = repo_root().join("scenarios/gov-ai-2026.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let written = "brand = { triangular = [0.80, 0.90, 0.95] }";
    assert!(text.contains(written));
    let from_file = parse(
        &text.replacen(written, "brand = { uniform = [0.8, 0.9] }", 1),
        &path,
    )
    .expect("the edited file is valid");

    let mut in_code = shipped("gov-ai-2026.toml");
    assert_eq!(in_code.vendors[0].name, "OpenAI");
    let uniform = DistSpec::new("uniform", &[0.8, 0.9]).unwrap();
    in_code.vendors[0].brand = Param::drawn(uniform, Range::UNIT);
    in_code.verify().expect("a valid edit");
    let runs = |s: &Scenario| simulate_all(s, 11, 0..20, EngineKind::Counts);
    assert!(
        runs(&in_code) != runs(&from_file),
        "drawn in order, not by name"
    );
    in_code.assign_streams();
    in_code.verify().expect("still valid");
    assert!(runs(&in_code) == runs(&from_file));

    // The same distribution as a setting, which takes what the file takes.
    let mut uniform = toml::map::Map::new();
    uniform.insert("uniform".into(), Value::Array(vec![0.8.into(), 0.9.into()]));
    let set = |value: Value| {
        let setting = Setting {
            path: "vendor.OpenAI.brand".into(),
            value,
        };
        parse_with(&text, &path, &[setting])
    };
    let by_setting = set(Value::Table(uniform)).expect("a distribution where the file takes one");
    assert!(runs(&by_setting) == runs(&from_file));
    // A value of a kind the number cannot take is an error, as in a file.
    let refused = set(Value::Boolean(true)).expect_err("a truth value is no brand");
    assert!(
        refused.to_string().contains(
            "gov-ai-2026.toml:33: vendor 'OpenAI' brand must be a number or a distribution"
        ),
        "{refused}"
    );
}

/// A `main` that returns a scenario's error prints it with `Debug`: the
/// message a user can act on, as `Display` shows it, not the struct.
#[test]
fn a_scenario_error_reads_the_same_through_debug() {
    let path = std::path::Path::new("bad.toml");
    let err = sharecast::scenario::parse("start = \"2026-13\"\n", path).expect_err("invalid");
    let message = err.to_string();
    assert!(
        message.contains("\nbad.toml:1: start must be a month"),
        "{message}"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
    assert_eq!(format!("{boxed:?}"), message);
    let fields = format!("{err:#?}");
    assert!(fields.starts_with("ScenarioError {") && fields.contains("diagnostics"));
}

/// The errors of scenarios built, edited or compared in code read the same
/// through `Debug` as through `Display`, as a scenario file's error does,
/// so that a `main` returning one prints the sentence to act on; `{:#?}`
/// still shows the fields.
#[test]
fn errors_of_scenarios_in_code_read_the_same_through_debug() {
    let base = shipped("gov-ai-2026.toml");
    let mut broken = base.clone();
    broken.agencies[0].units += 100;
    let invalid = simulate_and_project(&broken, 1, 0..2, EngineKind::Counts).expect_err("invalid");
    let message = invalid.to_string();
    assert!(
        message.starts_with("the scenario cannot run: agencies[0] 'DoD' units_by_tier adds up to"),
        "{message}"
    );
    let boxed: Box<dyn std::error::Error> = Box::new(invalid.clone());
    assert_eq!(format!("{boxed:?}"), message);
    let fields = format!("{invalid:#?}");
    assert!(
        fields.starts_with("InvalidScenario {") && fields.contains("problems"),
        "{fields}"
    );

    let short = gov_ai_of_30_periods();
    for (cannot, variant) in [
        (
            simulate_and_compare(&base, &short, 1, 0..2, EngineKind::Counts),
            "Calendars(",
        ),
        (
            simulate_and_compare(&broken, &base, 1, 0..2, EngineKind::Counts),
            "Baseline(",
        ),
        (
            simulate_and_compare(&base, &broken, 1, 0..2, EngineKind::Counts),
            "Counterfactual(",
        ),
    ] {
        let cannot = cannot.expect_err("cannot compare");
        let message = cannot.to_string();
        let boxed: Box<dyn std::error::Error> = Box::new(cannot.clone());
        assert_eq!(format!("{boxed:?}"), message);
        let fields = format!("{cannot:#?}");
        assert!(fields.starts_with(variant), "{fields}");
        assert!(
            fields.contains("CalendarMismatch {") || fields.contains("InvalidScenario {"),
            "{fields}"
        );
    }
    let sharecast::compare::CannotCompare::Calendars(mismatch) =
        simulate_and_compare(&base, &short, 1, 0..2, EngineKind::Counts).expect_err("calendars")
    else {
        panic!("the calendars differ")
    };
    assert_eq!(format!("{mismatch:?}"), mismatch.to_string());
    assert!(
        mismatch
            .to_string()
            .contains("the baseline has 60 month periods"),
        "{mismatch}"
    );
}

/// Asking for the name of a weight the scenario does not have says so in
/// the scenario's own terms, not as an index into its attributes.
#[test]
fn a_weight_beyond_the_scenarios_is_named_in_the_panic() {
    let s = shipped("gov-ai-2026.toml");
    let weights = s.weights.len();
    assert_eq!(s.weight_name(weights - 1), "capability");
    let message = panic_message(|| {
        s.weight_name(weights);
    });
    assert_eq!(
        message,
        format!("weight {weights} is not below {weights}, the number of weights")
    );
}

/// `runs.csv` holds the very per-run values that `shares.csv` summarises
/// for all units: in every period, each vendor's count shares over the runs
/// give the row's run count, mean and percentiles (to the files' six
/// decimals), in either tally layout.
#[test]
fn runs_csv_holds_the_values_the_all_units_share_rows_summarise() {
    use sharecast::measures::{Scope, ShareMetric};
    use sharecast::stats::summarize;
    let golden = repo_root().join("tests/golden/scenario.toml");
    for s in [shipped("gov-ai-2026.toml"), load(&golden).unwrap()] {
        let records = simulate_all(&s, 11, 0..50, EngineKind::Counts);
        let p = project(&s, &records);
        let csv =
            String::from_utf8(export::runs_csv(&s, &Tally::of_runs(&records, &s), 0)).unwrap();
        let periods = s.calendar.periods as usize;
        let vendors = s.vendors.len();
        // `[period][vendor]`: each run's count share, where defined.
        let mut per_run = vec![Vec::new(); periods * vendors];
        let mut rows = 0;
        for record in csv::Reader::from_reader(csv.as_bytes()).records() {
            let fields = record.unwrap();
            let t: usize = fields[1].parse().unwrap();
            let v = s.vendors.iter().position(|x| x.name == fields[2]).unwrap();
            if !fields[4].is_empty() {
                per_run[t * vendors + v].push(fields[4].parse::<f64>().unwrap());
            }
            rows += 1;
        }
        assert_eq!(rows, 50 * periods * vendors);
        let mut checked = 0;
        for row in &p.shares {
            if row.scope != Scope::All || row.metric != ShareMetric::CountShare {
                continue;
            }
            let values = &mut per_run[row.period * vendors + row.vendor];
            let from_file = summarize(values);
            match (&row.summary, from_file) {
                (None, None) => {}
                (Some(a), Some(b)) => {
                    assert_eq!(a.runs, b.runs, "{} period {}", s.name, row.period);
                    assert!((a.mean - b.mean).abs() <= 1e-6, "{a:?} {b:?}");
                    for (x, y) in a.percentiles.iter().zip(b.percentiles) {
                        assert!((x - y).abs() <= 1e-6, "{a:?} {b:?}");
                    }
                    checked += 1;
                }
                (a, b) => panic!("{} period {}: {a:?} against {b:?}", s.name, row.period),
            }
        }
        assert!(checked >= periods * vendors / 2, "{checked}");
    }
}

/// A run recorded with agency-periods made for another scenario, or
/// missing some whose contracts were signed at different values, would
/// misstate those values: it panics instead.
#[test]
fn a_run_refuses_mixed_prices_that_do_not_cover_its_scenario() {
    use sharecast::engine::{MixedPrices, simulate_run_with};
    let large = load(repo_root().join("scenarios/bench/large.toml")).unwrap();
    let mut without_events = large.clone();
    without_events.events.clear();
    let gov = shipped("gov-ai-2026.toml");
    assert!(MixedPrices::of(&large).count() > 0);
    for fits in [MixedPrices::of(&large), MixedPrices::everywhere(&large)] {
        assert!(fits.covers(&large));
        drop(simulate_run_with(&large, &fits, 1, 0, EngineKind::Counts));
    }
    for (other, what) in [
        (MixedPrices::of(&without_events), "none mixed"),
        (MixedPrices::everywhere(&gov), "another scenario's"),
    ] {
        assert!(!other.covers(&large), "{what}");
        let message =
            panic_message(|| drop(simulate_run_with(&large, &other, 1, 0, EngineKind::Counts)));
        assert!(
            message.contains("does not cover this scenario"),
            "{what}: {message}"
        );
    }
}

/// Records that keep the values in force everywhere
/// (`MixedPrices::everywhere`, offered to embedders who want them all)
/// are summarised like the runs the command line simulates: `project` and
/// `compare` take them and give the same rows as the scenario's own
/// records of the same runs, with either engine. A scenario whose prices
/// never change keeps no values of its own; recorded with another
/// scenario's agency-periods (of the same agencies and periods, as when
/// pairing a variant that changes a price) and tallied with
/// `PriceEpochs::with_mixed`, it gives the same rows too: every contract
/// is worth its agency's one price.
#[test]
fn records_keeping_every_value_in_force_are_summarised_like_the_usual_ones() {
    use std::sync::atomic::AtomicBool;

    use sharecast::engine::{Dims, MixedPrices, simulate_run_with};
    use sharecast::measures::project_unless;
    use sharecast::tally::PriceEpochs;
    let large = load(repo_root().join("scenarios/bench/large.toml")).unwrap();
    let mut fixed_prices = large.clone();
    fixed_prices.events.clear();
    assert!(large.prices_change() && !fixed_prices.prices_change());
    assert_eq!(MixedPrices::everywhere(&fixed_prices).count(), 0);
    let everywhere = MixedPrices::everywhere(&large);
    assert!(everywhere.covers(&fixed_prices));
    for (s, engine) in [
        (&large, EngineKind::Counts),
        (&large, EngineKind::Units),
        (&fixed_prices, EngineKind::Counts),
        (&fixed_prices, EngineKind::Units),
    ] {
        assert!(everywhere.count() > MixedPrices::of(s).count());
        let all: Vec<_> = (0..20)
            .map(|run| simulate_run_with(s, &everywhere, 3, run, engine))
            .collect();
        let usual = simulate_all(s, 3, 0..20, engine);
        assert_ne!(all[0].values.len(), usual[0].values.len());
        let epochs = PriceEpochs::of(s).with_mixed(everywhere.clone());
        let tallies: Vec<_> = all
            .iter()
            .map(|r| Tally::of(r, Dims::of(s), &epochs))
            .collect();
        let from_all = project_unless(s, &tallies, &AtomicBool::new(false)).unwrap();
        let from_usual = project(s, &usual);
        same_lines(
            export::shares_csv(s, &from_all),
            export::shares_csv(s, &from_usual),
        );
        same_lines(
            export::revenue_csv(s, &from_all),
            export::revenue_csv(s, &from_usual),
        );
    }
    let all: Vec<_> = (0..20)
        .map(|run| simulate_run_with(&large, &everywhere, 3, run, EngineKind::Counts))
        .collect();
    let usual = simulate_all(&large, 3, 0..20, EngineKind::Counts);
    same_lines(
        export::shares_csv(&large, &project(&large, &all)),
        export::shares_csv(&large, &project(&large, &usual)),
    );
    let alignment = align(&large, &large).unwrap();
    let (a, b) = (
        compare((&large, &all), (&large, &usual), &alignment),
        compare((&large, &usual), (&large, &usual), &alignment),
    );
    same_lines(
        export::revenue_diff_csv(&large, &a),
        export::revenue_diff_csv(&large, &b),
    );
}

/// The statistics read every tally with the first one's layout and price
/// epochs, so tallies of another scenario's shape, or a set that mixes
/// layouts or epochs, would give wrong numbers: `project_unless`,
/// `compare_unless` and `runs_csv` panic instead, naming why.
#[test]
fn statistics_refuse_tallies_that_do_not_belong_together() {
    use std::sync::atomic::AtomicBool;

    use sharecast::compare::compare_unless;
    use sharecast::engine::{Dims, MixedPrices, simulate_run_with};
    use sharecast::measures::project_unless;
    use sharecast::tally::{PriceEpochs, TallyLayout};

    let never = AtomicBool::new(false);
    let (small, gov) = (shipped("minimal.toml"), shipped("gov-ai-2026.toml"));
    let of_gov = Tally::of_runs(&simulate_all(&gov, 1, 0..3, EngineKind::Counts), &gov);
    let of_small = Tally::of_runs(&simulate_all(&small, 1, 0..3, EngineKind::Counts), &small);
    let other_shape = "the runs were simulated from a scenario of another shape";
    let message = panic_message(|| drop(project_unless(&small, &of_gov, &never)));
    assert!(message.starts_with(other_shape), "{message}");
    let message = panic_message(|| drop(export::runs_csv(&small, &of_gov, 0)));
    assert!(message.starts_with(other_shape), "{message}");
    let alignment = align(&small, &small).unwrap();
    for (base, other) in [(&of_small, &of_gov), (&of_gov, &of_small)] {
        let message = panic_message(|| {
            drop(compare_unless(
                (&small, base),
                (&small, other),
                &alignment,
                &never,
            ))
        });
        assert!(message.starts_with(other_shape), "{message}");
    }

    // Runs of the large scenario (events on annual values) recorded with
    // every agency-period mixed: tallies with those epochs project; one
    // tally with the scenario's own epochs among them, or one in the other
    // layout, is refused.
    let large = load(repo_root().join("scenarios/bench/large.toml")).unwrap();
    let (d, everywhere) = (Dims::of(&large), MixedPrices::everywhere(&large));
    let epochs = PriceEpochs::of(&large).with_mixed(everywhere.clone());
    let records: Vec<_> = (0..3)
        .map(|run| simulate_run_with(&large, &everywhere, 1, run, EngineKind::Counts))
        .collect();
    let layout = TallyLayout::of(d, epochs.mixed_count());
    let other_layout = match layout {
        TallyLayout::Joint => TallyLayout::Marginal,
        TallyLayout::Marginal => TallyLayout::Joint,
    };
    let tallies: Vec<Tally> = records
        .iter()
        .map(|r| Tally::with_layout(r, d, &epochs, layout))
        .collect();
    assert!(project_unless(&large, &tallies, &never).is_some());
    let plain = simulate_run(&large, 1, 1, EngineKind::Counts);
    let own_epochs = Tally::of(&plain, d, &PriceEpochs::of(&large));
    let other_layout = Tally::with_layout(&records[1], d, &epochs, other_layout);
    for odd in [own_epochs, other_layout] {
        let mut mixed = tallies.clone();
        mixed[1] = odd;
        let message = panic_message(|| drop(project_unless(&large, &mixed, &never)));
        assert!(
            message.starts_with("the tallies mix layouts or price epochs"),
            "{message}"
        );
    }

    // Tallies edited in code with a list of another length than the shape
    // needs are refused before any task reads past it.
    for layout in [TallyLayout::Joint, TallyLayout::Marginal] {
        let whole: Vec<Tally> = records
            .iter()
            .map(|r| Tally::with_layout(r, d, &epochs, layout))
            .collect();
        assert!(project_unless(&large, &whole, &never).is_some());
        let shorten: [fn(&mut Tally); 3] = [
            |t| t.annual_value.truncate(t.annual_value.len() - 1),
            |t| t.tier_values.push(0.0),
            |t| t.values.truncate(t.values.len() - 1),
        ];
        for edit in shorten {
            let mut edited = whole.clone();
            edit(&mut edited[2]);
            let message = panic_message(|| drop(project_unless(&large, &edited, &never)));
            assert!(message.starts_with(other_shape), "{layout:?}: {message}");
        }
    }
}

/// `holds_runs_csv` compares a file with `runs_csv` a slice of runs at a
/// time, the last slice first against the end of the file: across those
/// slices (150 runs, beyond the first slice of 64) it accepts exactly the
/// bytes `runs_csv` writes and refuses a change at any place, a file cut
/// short, one with more after it, and the file of fewer or more runs.
#[test]
fn holds_runs_csv_accepts_only_the_exact_file() {
    let s = shipped("minimal.toml");
    let tallies = Tally::of_runs(&simulate_all(&s, 5, 0..150, EngineKind::Counts), &s);
    let bytes = export::runs_csv(&s, &tallies, 0);
    let holds = |file: &[u8]| export::holds_runs_csv(&s, &tallies, Cursor::new(file)).unwrap();
    assert!(holds(&bytes));
    for at in [0, 40, bytes.len() / 2, bytes.len() - 1] {
        let mut changed = bytes.clone();
        changed[at] ^= 1;
        assert!(!holds(&changed), "a change at byte {at}");
    }
    assert!(!holds(&bytes[..bytes.len() - 1]));
    assert!(!holds(&[&bytes[..], b"\n"].concat()));
    assert!(!holds(b""));
    for runs in [149, 151, 64, 65] {
        let fewer_or_more = Tally::of_runs(&simulate_all(&s, 5, 0..runs, EngineKind::Counts), &s);
        assert!(
            !holds(&export::runs_csv(&s, &fewer_or_more, 0)),
            "{runs} runs"
        );
    }
    // The runs of another seed: the same shape and length, other numbers.
    let other = Tally::of_runs(&simulate_all(&s, 6, 0..150, EngineKind::Counts), &s);
    assert!(!export::holds_runs_csv(&s, &other, Cursor::new(&bytes)).unwrap());
    // A long horizon makes each run a slice of its own (so that the check
    // holds little in memory): the same answers across those slices.
    let source = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    let long = sharecast::scenario::parse(
        &source.replace("periods = 24 ", "periods = 9000 "),
        "long.toml",
    )
    .unwrap();
    assert_eq!(long.calendar.periods, 9000);
    let tallies = Tally::of_runs(&simulate_all(&long, 5, 0..4, EngineKind::Counts), &long);
    let bytes = export::runs_csv(&long, &tallies, 0);
    let holds = |file: &[u8]| export::holds_runs_csv(&long, &tallies, Cursor::new(file)).unwrap();
    assert!(holds(&bytes));
    for at in [bytes.len() / 3, bytes.len() / 2] {
        let mut changed = bytes.clone();
        changed[at] ^= 1;
        assert!(!holds(&changed), "a change at byte {at}");
    }
    for runs in [3, 5] {
        let fewer_or_more =
            Tally::of_runs(&simulate_all(&long, 5, 0..runs, EngineKind::Counts), &long);
        assert!(
            !holds(&export::runs_csv(&long, &fewer_or_more, 0)),
            "{runs} runs"
        );
    }
}

/// MODEL.md §6: `shares_wide.csv` holds "the mean count_share over all
/// units", one column per vendor: each cell is `shares.csv`'s
/// (all, all, count_share) mean, not the value share, which differs here
/// (the agencies' contracts are worth different amounts).
#[test]
fn shares_wide_holds_the_mean_count_share_of_all_units() {
    use sharecast::measures::{Scope, ShareMetric};
    let s = shipped("gov-ai-2026.toml");
    let p = project(&s, &simulate_all(&s, 4, 0..40, EngineKind::Counts));
    let wide = String::from_utf8(export::shares_wide_csv(&s, &p)).unwrap();
    let mut differs = 0;
    for (t, line) in wide.lines().skip(1).enumerate() {
        let cells: Vec<&str> = line.split(',').skip(2).collect();
        assert_eq!(cells.len(), s.vendors.len());
        for (v, cell) in cells.iter().enumerate() {
            let mean = |metric| {
                crate::common::share_by(&p, t, Scope::All, v, metric)
                    .map_or(String::new(), |x| export::number(x.mean))
            };
            assert_eq!(
                *cell,
                mean(ShareMetric::CountShare),
                "period {t} vendor {v}"
            );
            differs += usize::from(mean(ShareMetric::ValueShare) != *cell);
        }
    }
    assert!(differs > 0, "the value shares differ somewhere");
}

/// MODEL.md §6: "an undefined value is an empty cell". While no run holds a
/// contract, the count share is undefined in every run, so `shares_wide.csv`
/// leaves those periods' cells empty (not 0), as `shares.csv` does its
/// means; from the period the market opens, every cell is a number.
#[test]
fn shares_wide_leaves_a_period_without_contracts_empty() {
    let text = "name = \"opens late\"\nstart = \"2026-01\"\nperiods = 6\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
                [[vendor]]\nname = \"B\"\nbrand = 0.2\naccess = { unclassified = 1.0 }\n\
                [[agency]]\nname = \"Ag\"\nunits = 50\ninnovation = 0.0\nimitation = 0.0\nterm = 12\n\
                [[event]]\nat = \"2026-04\"\nagency = \"Ag\"\nset = { innovation = 1.0 }\n";
    let s = sharecast::scenario::parse(text, std::path::Path::new("late.toml")).unwrap();
    let p = project(&s, &simulate_all(&s, 3, 0..20, EngineKind::Counts));
    let wide = String::from_utf8(export::shares_wide_csv(&s, &p)).unwrap();
    let rows: Vec<Vec<&str>> = wide
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 6);
    for (t, cells) in rows.iter().enumerate() {
        assert_eq!(cells.len(), 4, "{cells:?}");
        let opened = t >= 3;
        for cell in &cells[2..] {
            assert_eq!(cell.parse::<f64>().is_ok(), opened, "period {t}: {cells:?}");
            assert_eq!(cell.is_empty(), !opened, "period {t}: {cells:?}");
        }
    }
    let shares = String::from_utf8(export::shares_csv(&s, &p)).unwrap();
    let (header, body) = shares.split_once('\n').unwrap();
    let mean = header.split(',').position(|c| c == "mean").unwrap();
    let empty_means = body
        .lines()
        .filter(|l| l.split(',').nth(mean) == Some(""))
        .count();
    assert!(
        empty_means > 0,
        "shares.csv leaves the same rows' means empty"
    );
}

/// The statistics an embedder watches (for a progress display) report each
/// period once and give the same numbers as those nobody watches.
#[test]
fn watched_statistics_report_every_period_once_and_change_nothing() {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    let base = shipped("gov-ai-2026.toml");
    let other = shipped("no-aws-deal.toml");
    let tallies = |s: &Scenario| Tally::of_runs(&simulate_all(s, 5, 0..30, EngineKind::Counts), s);
    let (base_tallies, other_tallies) = (tallies(&base), tallies(&other));
    let periods = base.calendar.periods as usize;
    let never = AtomicBool::new(false);

    let done = AtomicUsize::new(0);
    let watched = sharecast::measures::project_watched(&base, &base_tallies, &never, &|| {
        done.fetch_add(1, Ordering::Relaxed);
    });
    assert_eq!(done.load(Ordering::Relaxed), periods);
    assert!(watched == sharecast::measures::project_unless(&base, &base_tallies, &never));

    let alignment = align(&base, &other).unwrap();
    let done = AtomicUsize::new(0);
    let sides = ((&base, &base_tallies[..]), (&other, &other_tallies[..]));
    let watched =
        sharecast::compare::compare_watched(sides.0, sides.1, &alignment, &never, &|| {
            done.fetch_add(1, Ordering::Relaxed);
        });
    assert_eq!(done.load(Ordering::Relaxed), periods);
    let unwatched = sharecast::compare::compare_unless(sides.0, sides.1, &alignment, &never);
    assert!(watched == unwatched);
}

/// The lookups find exactly the row a scan for the same columns finds, for
/// every row of a projection and a comparison, and nothing out of range.
#[test]
fn lookups_find_the_row_of_their_columns() {
    use sharecast::measures::{AdoptionMeasure, RevenueMeasure, Scope, ShareMetric};
    let golden = repo_root().join("tests/golden");
    let s = load(golden.join("scenario.toml")).unwrap();
    let p = simulate_and_project(&s, 5, 0..20, EngineKind::Counts).unwrap();
    for row in &p.shares {
        let found = p.share(row.period, row.scope, row.vendor, row.metric);
        assert!(std::ptr::eq(found.unwrap(), row), "{row:?}");
    }
    for row in &p.adoption {
        let found = p.adoption(row.period, row.agency, row.measure);
        assert!(std::ptr::eq(found.unwrap(), row), "{row:?}");
    }
    for row in &p.revenue {
        let found = p.revenue(row.period, row.vendor, row.measure);
        assert!(std::ptr::eq(found.unwrap(), row), "{row:?}");
    }
    let periods = s.calendar.periods as usize;
    let count = ShareMetric::CountShare;
    assert!(p.share(periods, Scope::All, 0, count).is_none());
    assert!(p.share(0, Scope::All, s.vendors.len(), count).is_none());
    assert!(
        p.share(0, Scope::Agency(s.agencies.len()), 0, count)
            .is_none()
    );
    assert!(
        p.adoption(0, Some(s.agencies.len()), AdoptionMeasure::Waiting)
            .is_none()
    );
    assert!(p.revenue(periods, 0, RevenueMeasure::Revenue).is_none());

    let other = s.clone();
    let c = simulate_and_compare(&s, &other, 5, 0..20, EngineKind::Counts).unwrap();
    for row in &c.shares {
        let found = c.share(row.period, row.scope, row.vendor, row.metric);
        assert!(std::ptr::eq(found.unwrap(), row), "{row:?}");
    }
    for row in &c.adoption {
        let found = c.adoption(row.period, row.agency, row.measure);
        assert!(std::ptr::eq(found.unwrap(), row), "{row:?}");
    }
    for row in &c.revenue {
        let found = c.revenue(row.period, row.vendor, row.measure);
        assert!(std::ptr::eq(found.unwrap(), row), "{row:?}");
    }
    // A scenario against itself differs by nothing.
    let row = c.share(periods - 1, Scope::All, 0, count).unwrap();
    assert_eq!(row.summary.unwrap().difference.mean, 0.0);
}

/// Names are found as a file's names are matched, ignoring letter case and
/// surrounding spaces; a comparison's vendor index is its own.
#[test]
fn names_give_their_index() {
    let s = shipped("gov-ai-2026.toml");
    let openai = s.vendor_index("OpenAI").unwrap();
    assert_eq!(s.vendors[openai].name, "OpenAI");
    assert_eq!(s.vendor_index(" openai "), Some(openai));
    assert_eq!(s.vendor_index("Open AI"), None);
    let dod = s.agency_index("dod").unwrap();
    assert_eq!(s.agencies[dod].name, "DoD");
    assert_eq!(s.agency_index("nobody"), None);
    let last_tier = s.tiers.len() - 1;
    assert_eq!(
        s.tier_index(&s.tiers[last_tier].to_uppercase()),
        Some(last_tier)
    );
    assert_eq!(s.tier_index("no such tier"), None);

    let other = shipped("no-aws-deal.toml");
    let c = simulate_and_compare(&s, &other, 1, 0..4, EngineKind::Counts).unwrap();
    let i = c.vendor_index("OPENAI").unwrap();
    assert_eq!(c.vendors[i], "OpenAI");
    assert_eq!(c.vendor_index("nobody"), None);

    // Two scenarios' `OpenAI` and `OPENAI` are two vendors of a
    // comparison: each exact name finds its own, a third spelling neither.
    let path = repo_root().join("scenarios/gov-ai-2026.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let shouted = sharecast::scenario::parse(&text.replace("\"OpenAI\"", "\"OPENAI\""), &path);
    let shouted = shouted.unwrap();
    let c = simulate_and_compare(&s, &shouted, 1, 0..4, EngineKind::Counts).unwrap();
    let (lower, upper) = (
        c.vendor_index("OpenAI").unwrap(),
        c.vendor_index("OPENAI").unwrap(),
    );
    assert_ne!(lower, upper);
    assert_eq!(
        (c.vendors[lower].as_str(), c.vendors[upper].as_str()),
        ("OpenAI", "OPENAI")
    );
    assert_eq!(c.vendor_index("openai"), None);
}

/// A summary's named percentiles are its p05, p50 and p95, and its
/// standard error is that of the mean.
#[test]
fn summaries_name_their_bands() {
    let mut values: Vec<f64> = (0..=100).map(f64::from).collect();
    let summary = sharecast::stats::summarize(&mut values).unwrap();
    assert_eq!(
        [summary.p05(), summary.median(), summary.p95()],
        [
            summary.percentiles[0],
            summary.percentiles[2],
            summary.percentiles[4]
        ]
    );
    assert_eq!(
        [summary.p05(), summary.median(), summary.p95()],
        [5.0, 50.0, 95.0]
    );
    let se = summary.standard_error().unwrap();
    assert!((se - summary.sd.unwrap() / 101f64.sqrt()).abs() < 1e-12);
    let one = sharecast::stats::summarize(&mut [3.0]).unwrap();
    assert_eq!(one.standard_error(), None);
}

/// One run's contracts by vendor, over any agency and tier: the record's
/// own counts, which add up across agencies and tiers.
#[test]
fn a_runs_contracts_by_vendor_add_up_over_agencies_and_tiers() {
    use sharecast::engine::Dims;
    let s = shipped("gov-ai-2026.toml");
    let d = Dims::of(&s);
    let record = simulate_run(&s, 11, 3, EngineKind::Counts);
    let mut nonzero = 0;
    for t in [0, d.periods / 2, d.periods - 1] {
        let all = record.contracts_by_vendor(d, t, None, None);
        let mut summed = vec![0u32; d.vendors];
        for a in 0..d.agencies {
            let agency = record.contracts_by_vendor(d, t, Some(a), None);
            let mut over_tiers = vec![0u32; d.vendors];
            for k in 0..d.tiers {
                let cell = record.contracts_by_vendor(d, t, Some(a), Some(k));
                for v in 0..d.vendors {
                    assert_eq!(cell[v], record.contracts[d.contract(t, a, k, v)]);
                    over_tiers[v] += cell[v];
                }
            }
            assert_eq!(agency, over_tiers);
            for v in 0..d.vendors {
                summed[v] += agency[v];
            }
        }
        assert_eq!(all, summed);
        nonzero += all.iter().filter(|&&n| n > 0).count();
        // Every tier over all agencies is the sum of its cells too.
        for k in 0..d.tiers {
            let tier = record.contracts_by_vendor(d, t, None, Some(k));
            let cells: Vec<u32> = (0..d.vendors)
                .map(|v| {
                    (0..d.agencies)
                        .map(|a| record.contracts[d.contract(t, a, k, v)])
                        .sum()
                })
                .collect();
            assert_eq!(tier, cells);
        }
    }
    assert!(nonzero > 0, "the run holds contracts");
    let message = panic_message(|| {
        record.contracts_by_vendor(d, d.periods, None, None);
    });
    assert!(message.contains("period"), "{message}");
}

/// A setting reads as `--set` reads it; a problem shows where the line is.
#[test]
fn settings_parse_and_diagnostics_display() {
    use sharecast::scenario::{Diagnostic, Setting, Value};
    let setting: Setting = "agency.DoD.caution=0.6".parse().unwrap();
    assert_eq!(setting.path, "agency.DoD.caution");
    assert_eq!(setting.value, Value::Float(0.6));
    let error = "agency.DoD.caution=0.1,0.2".parse::<Setting>().unwrap_err();
    assert!(error.to_string().contains("several values"), "{error}");
    assert!("no equals sign".parse::<Setting>().is_err());
    // Written back as --set takes it, and parsed into the same setting.
    for spec in [
        "agency.DoD.caution=0.6",
        "event.2.at=\"2027-03\"",
        "event.2.at=14",
        "vendor.*.brand=1e-5",
    ] {
        let setting: Setting = spec.parse().unwrap();
        let again: Setting = setting.to_string().parse().unwrap();
        assert_eq!(again, setting, "{spec} as {setting}");
    }
    assert_eq!(
        "event.2.at=2027-03".parse::<Setting>().unwrap().to_string(),
        "event.2.at=\"2027-03\""
    );
    // Engines by the names --engine and the manifest give them.
    use sharecast::engine::EngineKind;
    for engine in [EngineKind::Counts, EngineKind::Units] {
        assert_eq!(engine.to_string().parse::<EngineKind>(), Ok(engine));
    }
    assert_eq!("Units".parse::<EngineKind>(), Ok(EngineKind::Units));
    assert!("unit".parse::<EngineKind>().is_err());
    // Both refusals are errors `?` passes on, with the message to show.
    fn typed() -> sharecast::anyhow::Result<()> {
        let _engine: EngineKind = "unit".parse()?;
        Ok(())
    }
    assert_eq!(
        typed().unwrap_err().to_string(),
        "'unit' is not an engine; engines are: counts, units"
    );
    fn drawn() -> Result<sharecast::scenario::DistSpec, Box<dyn std::error::Error>> {
        Ok(sharecast::scenario::DistSpec::new("uniform", &[0.8, 0.2])?)
    }
    assert_eq!(
        drawn().unwrap_err().to_string(),
        "uniform needs low < high, got [0.8, 0.2]"
    );
    // Control characters show escaped, not acted on.
    let e = "unit\u{1b}[31m"
        .parse::<EngineKind>()
        .unwrap_err()
        .to_string();
    assert!(!e.contains('\u{1b}'), "{e}");

    let on_line = Diagnostic {
        line: Some(12),
        message: "caution must be in [0, 1]".into(),
    };
    assert_eq!(on_line.to_string(), "line 12: caution must be in [0, 1]");
    let anywhere = Diagnostic {
        line: None,
        message: "no vendor".into(),
    };
    assert_eq!(anywhere.to_string(), "no vendor");
}

/// `write_files` refuses names that are not file names, or given twice,
/// before creating anything, and a cancellation is a `Cancelled` an
/// embedder can tell from a failure, with nothing written.
#[test]
fn writing_files_refuses_bad_names_and_reports_a_cancellation_as_such() {
    use std::sync::atomic::AtomicBool;

    use sharecast::engine::Cancelled;
    use sharecast::output::{OutputFile, write_files};

    let tmp = tempfile::tempdir().unwrap();
    let file = |name: &str| OutputFile {
        name: name.to_string(),
        bytes: b"a,b\n".to_vec(),
    };
    let never = AtomicBool::new(false);
    let out = tmp.path().join("out");
    for (files, why) in [
        (vec![file("")], "is not a file name"),
        (vec![file("..")], "is not a file name"),
        (vec![file("../x.csv")], "is not a file name"),
        (vec![file("a\\b.csv")], "is not a file name"),
        (vec![file("a.csv"), file("a.csv")], "is given twice"),
        (vec![file("a.csv"), file("A.CSV")], "is given twice"),
        (
            vec![file(".a.partial"), file("a")],
            "before it is moved into place",
        ),
        (
            vec![file("a"), file(".A.previous")],
            "an earlier \"a\" is kept while the new one is moved into place",
        ),
    ] {
        let e = write_files(&out, &files, &never).unwrap_err();
        assert!(e.to_string().contains(why), "{e}");
        assert!(!out.exists(), "{e}");
    }
    let cancelled = AtomicBool::new(true);
    let e = write_files(&out, &[file("a.csv")], &cancelled).unwrap_err();
    assert!(e.downcast_ref::<Cancelled>().is_some(), "{e}");
    assert!(!out.exists());
    write_files(&out, &[file("a.csv"), file("b.csv")], &never).unwrap();
    assert_eq!(std::fs::read(out.join("b.csv")).unwrap(), b"a,b\n");
    // A folder under a file names the file in the way.
    let under = out.join("a.csv").join("deeper").join("still");
    let e = write_files(&under, &[file("c.csv")], &never).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "cannot create the output folder {}: {} is not a folder",
            under.display(),
            out.join("a.csv").display()
        )
    );
    assert!(
        e.chain().count() >= 2,
        "the system's error stays its source"
    );
    let e = write_files(&out.join("a.csv"), &[file("c.csv")], &never).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "cannot create the output folder {}: it is a file",
            out.join("a.csv").display()
        )
    );
    // `?` carries a cancellation into any error type.
    fn simulate(s: &Scenario) -> Result<usize, Box<dyn std::error::Error>> {
        let cancel = AtomicBool::new(true);
        let control = sharecast::engine::Control {
            on_run_done: &|| {},
            cancel: &cancel,
        };
        Ok(Tally::simulate(s, 1, 0..10, EngineKind::Counts, &control)?.len())
    }
    let e = simulate(&shipped("minimal.toml")).unwrap_err();
    assert_eq!(e.to_string(), "the simulation was cancelled");
}

/// A tally read with another scenario's shape, a period past the end or a
/// buffer of the wrong length is refused with a message, never summed
/// into wrong counts.
#[test]
fn a_tally_refuses_to_count_with_another_shape() {
    use sharecast::engine::Dims;
    let (small, gov) = (shipped("minimal.toml"), shipped("gov-ai-2026.toml"));
    let tally = &Tally::of_runs(&simulate_all(&gov, 1, 0..1, EngineKind::Counts), &gov)[0];
    let d = Dims::of(&gov);
    let mut counts = vec![0; d.vendors];
    tally.vendor_contracts(d, d.periods - 1, &mut counts);
    assert!(counts.iter().sum::<u64>() > 0);
    let other = Dims::of(&small);
    let message = panic_message(|| {
        tally.vendor_contracts(other, 0, &mut vec![0; other.vendors]);
    });
    assert!(
        message.starts_with("the tally does not have the shape"),
        "{message}"
    );
    let message = panic_message(|| tally.vendor_contracts(d, d.periods, &mut counts));
    assert!(message.starts_with("period "), "{message}");
    let message = panic_message(|| tally.vendor_contracts(d, 0, &mut [0; 2]));
    assert!(message.starts_with("counts holds 2 values"), "{message}");
}

/// A projection of no runs (an empty range of runs) leaves every cell of
/// `summary.csv` that summarises runs empty, the leader's chance too.
#[test]
fn a_projection_of_no_runs_summarises_nothing() {
    let s = shipped("minimal.toml");
    let p = project(&s, &[]);
    assert_eq!(p.runs, 0);
    let summary = String::from_utf8(export::summary_csv(&s, &p)).unwrap();
    for row in summary.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        assert_eq!(cells[3], "0", "{row}");
        assert!(cells[4..].iter().all(|c| c.is_empty()), "{row}");
    }
}
