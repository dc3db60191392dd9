//! The bad-input corpus: every file in tests/corpus/ breaks one rule. Each
//! must be rejected with exit 2 and exactly the message in its `.stderr`
//! file, and must leave an existing output folder exactly as it was. The
//! folder holds exactly the cases `tests/corpus/generate.py` lists in the
//! README it writes. Regenerate the expectations with `UPDATE_EXPECT=1 cargo test`.

use std::path::Path;

use crate::common::{earlier_results, repo_root, sharecast, snapshot};

fn check(corpus: &Path, name: &str, update: bool) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let before = earlier_results(&out);

    let o = sharecast(
        corpus,
        &["run", name, "--out", out.to_str().unwrap(), "--quiet"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let expected_path = corpus.join(name).with_extension("stderr");
    if o.status.code() != Some(2) {
        return Err(format!(
            "{name}: exit {:?}, want 2; stderr:\n{stderr}",
            o.status.code()
        ));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return Err(format!("{name}: panicked:\n{stderr}"));
    }
    if !o.stdout.is_empty() {
        return Err(format!("{name}: printed to stdout"));
    }
    if snapshot(&out) != before {
        return Err(format!("{name}: the output folder changed"));
    }
    if update {
        std::fs::write(&expected_path, &stderr).unwrap();
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).map_err(|_| {
        format!(
            "{name}: no {} (run with UPDATE_EXPECT=1)",
            expected_path.display()
        )
    })?;
    if expected != stderr {
        return Err(format!(
            "{name}:\n--- expected\n{expected}--- actual\n{stderr}"
        ));
    }
    Ok(())
}

/// The cases the generator writes, sorted: the README it writes lists them
/// under a heading that gives their number.
fn generated_cases(corpus: &Path) -> Vec<String> {
    let readme = std::fs::read_to_string(corpus.join("README.md")).unwrap();
    let count: usize = readme
        .lines()
        .find_map(|l| l.strip_prefix("## Cases (")?.strip_suffix(')'))
        .and_then(|n| n.parse().ok())
        .expect("tests/corpus/README.md has a '## Cases (N)' heading");
    let mut cases: Vec<String> = readme
        .lines()
        .filter_map(|l| Some(l.strip_prefix("- `")?.split_once('`')?.0.to_string()))
        .collect();
    assert_eq!(
        cases.len(),
        count,
        "the README lists {} cases, its heading says {count}",
        cases.len()
    );
    cases.sort();
    cases
}

/// Checks that the files of `corpus` ending in `.ext` are one per case.
fn one_file_per_case(corpus: &Path, ext: &str, cases: &[String]) {
    let stems: Vec<String> = std::fs::read_dir(corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    let unlisted: Vec<&String> = stems.iter().filter(|s| !cases.contains(s)).collect();
    let missing: Vec<&String> = cases.iter().filter(|c| !stems.contains(c)).collect();
    assert!(
        unlisted.is_empty() && missing.is_empty(),
        ".{ext} files of no case listed in tests/corpus/README.md: {unlisted:?}; cases without a .{ext} file: {missing:?}; run python3 tests/corpus/generate.py, then UPDATE_EXPECT=1 cargo test --release corpus"
    );
}

#[test]
fn every_bad_input_is_rejected_with_its_message() {
    let corpus = repo_root().join("tests/corpus");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let cases = generated_cases(&corpus);
    one_file_per_case(&corpus, "toml", &cases);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|n| check(&corpus, &format!("{n}.toml"), update).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus files failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // Checked after the run above, which writes them with UPDATE_EXPECT.
    one_file_per_case(&corpus, "stderr", &cases);
}

#[test]
fn messages_name_file_line_and_rule() {
    let corpus = repo_root().join("tests/corpus");
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "stderr") {
            let text = std::fs::read_to_string(&path).unwrap();
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            // The warnings the file also draws come first, each naming the
            // file and its line as well.
            let warnings: Vec<&str> = text
                .lines()
                .take_while(|l| l.starts_with("warning: "))
                .collect();
            for w in &warnings {
                assert!(
                    w.starts_with(&format!("warning: {stem}.toml:")),
                    "{}: {w}",
                    path.display()
                );
            }
            let text = text
                .lines()
                .skip(warnings.len())
                .map(|l| format!("{l}\n"))
                .collect::<String>();
            assert!(text.starts_with("error: "), "{}: {text}", path.display());
            // The first diagnostic names the file and a line, unless it is
            // about the file as a whole; after the location comes the rule.
            let diagnostic = text.lines().nth(1).unwrap_or("");
            let rest = diagnostic
                .strip_prefix(&format!("{stem}.toml"))
                .unwrap_or_else(|| panic!("{} does not name its file: {text}", path.display()));
            let line = rest
                .strip_prefix(':')
                .and_then(|r| r.split_once(':'))
                .filter(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            let rule = match line {
                Some((_, rule)) => rule,
                None => {
                    assert!(
                        WHOLE_FILE.contains(&stem.as_str()),
                        "{} names no line: {text}",
                        path.display()
                    );
                    rest.strip_prefix(':').unwrap_or(rest)
                }
            };
            assert!(
                rule.starts_with(' ') && rule.trim().len() > 10,
                "{} states no rule: {text}",
                path.display()
            );
        }
    }
}

/// Corpus files whose mistake has no line: something missing or empty.
const WHOLE_FILE: [&str; 6] = [
    "agency_none",
    "periods_missing",
    "start_missing",
    "toml_empty",
    "units_total_zero",
    "vendor_none",
];

#[test]
fn missing_scenario_file_and_bad_arguments_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/minimal.toml");
    let s = scenario.to_str().unwrap();
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", "does-not-exist.toml"],
        vec!["check", "does-not-exist.toml"],
        vec!["run", s, "--runs", "0"],
        vec!["run", s, "--runs", "-3"],
        vec!["run", s, "--runs", "many"],
        vec!["run", s, "--threads", "0"],
        vec!["run", s, "--seed", "-1"],
        // A scenario's seed is at most i64::MAX (a TOML integer); so is --seed.
        vec!["run", s, "--seed", "9223372036854775808"],
        vec!["run", s, "--engine", "fast"],
        vec!["run", s, "--frobnicate"],
        vec!["run"],
        vec!["launch", s],
        vec![],
    ];
    for args in cases {
        let o = sharecast(tmp.path(), &args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!o.stderr.is_empty(), "{args:?} gave no message");
    }
    // A number out of range is told its range, not clap's "use '-- -3'".
    for (args, range) in [
        (
            ["--runs", "-3"],
            "a number of runs is a whole number from 1 to 100000000",
        ),
        (
            ["--threads", "0"],
            "a number of threads is a whole number from 1 to 1024",
        ),
        // Written as a spreadsheet shows it: told the number, when in range.
        (
            ["--runs", "2,000"],
            "a number of runs is a whole number from 1 to 100000000; write 2000\n",
        ),
        (
            ["--runs", "10k"],
            "a number of runs is a whole number from 1 to 100000000; write 10000\n",
        ),
        (
            ["--runs", "200,000,000"],
            "a number of runs is a whole number from 1 to 100000000\n",
        ),
        (
            ["--threads", "1,5"],
            "a number of threads is a whole number from 1 to 1024\n",
        ),
    ] {
        let o = sharecast(tmp.path(), &["run", s, args[0], args[1]]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains(range), "{args:?}: {stderr}");
        assert!(!stderr.contains("-- "), "{args:?}: {stderr}");
    }
    // Numbers quoted with spaces read alike on every flag.
    for args in [
        ["--runs", " 5"],
        ["--seed", " 7"],
        ["--seed", "+7"],
        ["--threads", "1 "],
    ] {
        let o = sharecast(
            tmp.path(),
            &["run", s, args[0], args[1], "--quiet", "--out", "spaced"],
        );
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    // An option of other commands: the tip names them, rather than clap's
    // "use '-- --per-run'"; an option no command takes keeps clap's tip.
    // Either way the usage is the command's whole usage.
    for (args, tip) in [
        (
            vec!["sweep", s, "--vary", "agency.Agency.term=6,12", "--per-run"],
            "tip: --per-run is an option of `sharecast run` only",
        ),
        (
            vec!["check", s, "--threads=2"],
            "tip: --threads is an option of `sharecast run`, `sharecast compare` and `sharecast sweep` only",
        ),
        (
            vec!["run", s, "--frobnicate"],
            "tip: to pass '--frobnicate' as a value, use '-- --frobnicate'\n\n\
             Usage: sharecast run [OPTIONS] <SCENARIO>",
        ),
        // A setting written with spaces around its `=`, which the shell
        // splits into arguments of their own.
        (
            vec!["run", s, "--set", "agency.Agency.term", "=", "12"],
            "error: unexpected argument '=' found\n\n  tip: --set and --vary take PATH=VALUE as one argument",
        ),
        (
            vec!["sweep", s, "--vary", "agency.Agency.term=", "6,12"],
            "error: unexpected argument '6,12' found\n\n  tip: --set and --vary take PATH=VALUE as one argument",
        ),
        (
            vec!["compare", s, s, "--set", "agency.Agency.term", "=12"],
            "tip: --set and --vary take PATH=VALUE as one argument: write it without spaces around =, or put the whole setting in quotes",
        ),
        (
            vec!["sweep", s, "--vary", "agency.Agency.term=6,", "12"],
            "error: unexpected argument '12' found\n\n  tip: a --vary list is one argument: separate its values by commas without spaces",
        ),
        // With the scenario after the options, the value is refused first.
        (
            vec!["run", "--set", "agency.Agency.term", "=", "12", s],
            "'agency.Agency.term' is not PATH=VALUE, as in agency.DoD.caution=0.4, written as one argument (without spaces around =, or in quotes)",
        ),
    ] {
        let o = sharecast(tmp.path(), &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(tip), "{args:?}: {stderr}");
    }
    // Only that tip, not also clap's similar option of this command (`--set`
    // for `--seed`), and the command's whole usage.
    let o = sharecast(tmp.path(), &["check", s, "--seed", "5"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("tip: --seed is an option of `sharecast run`, `sharecast compare` and `sharecast sweep` only")
            && stderr.matches("tip:").count() == 1
            && stderr.contains("Usage: sharecast check [OPTIONS] <SCENARIO>"),
        "{stderr}"
    );
    // An argument after another option's value that ends with `=` is not a
    // split setting: no tip of --set and --vary.
    let o = sharecast(tmp.path(), &["run", s, "--out", "results=", "extra"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: unexpected argument 'extra' found")
            && !stderr.contains("--set and --vary take"),
        "{stderr}"
    );
    // --out pointing at a file is a bad argument too, and touches nothing.
    std::fs::write(tmp.path().join("file"), "keep").unwrap();
    let o = sharecast(tmp.path(), &["run", s, "--out", "file"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("file")).unwrap(),
        "keep"
    );
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn help_explains_every_flag_with_an_example() {
    let o = sharecast(Path::new("."), &["run", "--help"]);
    assert!(o.status.success());
    let help = String::from_utf8_lossy(&o.stdout);
    let options = help.split("Options:").nth(1).expect("an Options section");
    for flag in [
        "--out",
        "--runs",
        "--seed",
        "--threads",
        "--per-run",
        "--quiet",
        "--engine",
        "--no-memory-check",
    ] {
        let section = options
            .split(flag)
            .nth(1)
            .unwrap_or_else(|| panic!("{flag} missing from help"));
        let until_next = section.split("\n  -").next().unwrap();
        assert!(
            until_next.contains("Example"),
            "{flag} has no example:\n{until_next}"
        );
    }
}

/// --runs and --seed are shared by three commands; each command's help
/// speaks of its own scenarios only.
#[test]
fn runs_and_seed_are_explained_in_each_commands_terms() {
    let help = |command: &str| {
        let o = sharecast(Path::new("."), &[command, "--help"]);
        assert!(o.status.success());
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    for command in ["run", "sweep"] {
        let text = help(command);
        assert!(text.contains("overrides the scenario's `runs`"), "{text}");
        assert!(
            !text.contains("the baseline's") && !text.contains("both scenarios"),
            "{text}"
        );
    }
    let text = help("compare");
    assert!(text.contains("runs (at least 1) for both scenarios; overrides the baseline's `runs`"));
    assert!(text.contains("streams for both scenarios; overrides the baseline's `seed`"));
}

#[test]
fn an_event_after_the_horizon_is_a_warning_not_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml"))
        .unwrap()
        .replace("at = \"2026-06\"", "at = \"2031-06\"");
    std::fs::write(tmp.path().join("late.toml"), text).unwrap();
    let o = sharecast(
        tmp.path(),
        &["run", "late.toml", "--runs", "3", "--out", "o", "--quiet"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: late.toml:")
            && stderr.contains("falls after the last period (")
            && stderr.contains(", 2027-12) and never fires"),
        "{stderr}"
    );
    assert!(tmp.path().join("o/shares.csv").exists());
}

/// Without `name`, the file name names the scenario, under the rules of a
/// written name; and a path that is not a scenario file at all (a device
/// that never ends, a huge data file) is refused after a bounded read.
#[test]
fn file_names_that_cannot_name_a_scenario_and_endless_files_are_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml"))
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("name = \"Minimal example\""))
        .map(|line| format!("{line}\n"))
        .collect::<String>();
    assert!(
        !text.contains("Minimal example"),
        "the scenario still has its name"
    );
    let cases = [
        (
            "esc\u{1b}[31mred.toml",
            "esc\\u001B[31mred.toml: the scenario has no name and its file name 'esc\\u001B[31mred' cannot be one: it contains the control character U+001B",
        ),
        (
            " .toml",
            " .toml: the scenario has no name and its file name is blank; add name = \"...\"",
        ),
        (
            ".toml",
            ".toml: the scenario has no name and its file name is blank; add name = \"...\"",
        ),
        (
            "\u{2800}.toml",
            "\u{2800}.toml: the scenario has no name and its file name is blank; add name = \"...\"",
        ),
        (
            "\u{3164}.toml",
            "\\u3164.toml: the scenario has no name and its file name '\\u3164' cannot be one: it contains the invisible character U+3164",
        ),
    ];
    for (file, message) in cases {
        std::fs::write(tmp.path().join(file), &text).unwrap();
        for args in [
            &["check", file][..],
            &["run", file, "--quiet", "--out", "o"],
        ] {
            let command = args[0];
            let o = sharecast(tmp.path(), args);
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{command} {file:?}: {stderr}");
            assert!(stderr.contains(message), "{command} {file:?}: {stderr}");
            assert!(!stderr.contains('\u{1b}'), "{stderr}");
            assert!(!tmp.path().join("o").exists());
        }
    }
    // The same text under an ordinary file name is valid, named after it.
    std::fs::write(tmp.path().join("plain.toml"), &text).unwrap();
    let o = sharecast(tmp.path(), &["check", "plain.toml"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("plain\n"));
    // With --quiet only the exit status and stderr speak: nothing for a
    // valid file, its warnings, or its errors and 2.
    let o = sharecast(tmp.path(), &["check", "--quiet", "plain.toml"]);
    assert_eq!(
        (o.status.code(), &o.stdout[..], &o.stderr[..]),
        (Some(0), &b""[..], &b""[..])
    );
    std::fs::write(
        tmp.path().join("warned.toml"),
        format!("{text}\n[[event]]\nat = 40\nvendor = \"Incumbent AI\"\nset = {{ brand = 0.5 }}\n"),
    )
    .unwrap();
    let o = sharecast(tmp.path(), &["check", "-q", "warned.toml"]);
    assert_eq!((o.status.code(), &o.stdout[..]), (Some(0), &b""[..]));
    assert!(
        String::from_utf8_lossy(&o.stderr).starts_with("warning: warned.toml:"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = sharecast(tmp.path(), &["check", "-q", "/dev/zero"]);
    assert_eq!((o.status.code(), &o.stdout[..]), (Some(2), &b""[..]));
    assert!(String::from_utf8_lossy(&o.stderr).starts_with("error: scenario rejected\n"));

    let o = sharecast(tmp.path(), &["check", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: scenario rejected\n/dev/zero: the file is larger than 64 MiB, far more than any scenario needs; is this the scenario file?\n"
    );
}

/// The scenario that opens docs/scenario-reference.md is the one newcomers
/// copy first: it must run as the page says, with the commands under it.
#[test]
fn the_reference_pages_first_scenario_runs() {
    let page = std::fs::read_to_string(repo_root().join("docs/scenario-reference.md")).unwrap();
    let section = page
        .split("## 1. A minimal scenario")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a section 1");
    // The first fenced block of `language` in the section.
    let block = |language: &str| {
        section
            .split(&format!("```{language}\n"))
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .unwrap_or_else(|| panic!("a {language} block in section 1"))
    };
    let (toml, commands) = (block("toml"), block("sh"));
    let file = commands
        .split_whitespace()
        .find(|word| word.ends_with(".toml"))
        .expect("the commands name a scenario file");
    assert!(
        section.contains(&format!("Save it as `{file}`")),
        "{section}"
    );
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(file), toml).unwrap();
    let check = sharecast(tmp.path(), &["check", file]);
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let run = sharecast(
        tmp.path(),
        &["run", file, "--runs", "50", "--quiet", "--out", "o"],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // With annual_value set, revenue is in dollars of real contracts, not
    // the $1 default.
    let summary = std::fs::read_to_string(tmp.path().join("o/summary.csv")).unwrap();
    assert!(
        summary
            .lines()
            .next()
            .is_some_and(|header| header.ends_with(",mean_cumulative_revenue")),
        "{summary}"
    );
    let revenue: f64 = summary
        .lines()
        .nth(1)
        .and_then(|row| row.rsplit(',').next())
        .and_then(|cell| cell.parse().ok())
        .expect("a mean cumulative revenue in summary.csv");
    assert!(revenue > 1e5, "{summary}");
}

/// The design card's own example (section 2 of MODEL.md, kept verbatim in
/// tests/fixtures) is a valid scenario: `check` accepts it and `run`
/// simulates it. Its vendor attribute `capability` has no weight (the card
/// comments the weight out), which is a warning, not an error. The
/// fixture must be the example of the repository's MODEL.md, word for word.
#[test]
fn the_design_cards_example_is_a_valid_scenario() {
    let fixture = repo_root().join("tests/fixtures/design-card-example.toml");
    let text = std::fs::read_to_string(&fixture).unwrap();
    let example: String = text
        .lines()
        .skip_while(|l| l.starts_with("# "))
        .map(|l| format!("{l}\n"))
        .collect();
    let card = std::fs::read_to_string(repo_root().join("MODEL.md")).unwrap();
    let section = &card[card.find("## 2. Scenario file").expect("section 2")..];
    let start = section.find("```toml\n").expect("the example") + "```toml\n".len();
    let end = start + section[start..].find("```").unwrap();
    assert_eq!(
        example,
        section[start..end],
        "the fixture is not the card's example"
    );
    let tmp = tempfile::tempdir().unwrap();
    let o = sharecast(tmp.path(), &["check", fixture.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert_eq!(
        stderr.trim_end().lines().collect::<Vec<_>>(),
        [format!(
            "warning: {}:21: vendor 'OpenAI' has attribute 'capability', but no [choice] table gives it a weight, so it has no effect; to count it, give it a weight, e.g. capability = 1.0 under [choice]",
            fixture.display()
        )]
    );
    // The overview shows what the card's example declares: brands,
    // access by tier (left out = cannot serve), the largest-remainder
    // split of 400 units over 0.5/0.3/0.2, the agency's parameters and
    // its own weights, the chances of winning an open unit at the start
    // (OpenAI's 64.6% against the mean of logistic(1.8 - 2 brand) over
    // Anthropic's triangular brand, 64.5%; only Anthropic serves `secret`
    // until the event), the initial contracts and the event.
    let stdout = String::from_utf8_lossy(&o.stdout);
    let overview = &stdout[stdout.find("Vendors").unwrap()..stdout.find("Memory").unwrap()];
    assert_eq!(
        overview,
        "Vendors (access by tier; - = cannot serve):
  vendor                         brand  unclassified  secret  top_secret
  OpenAI                           0.9             1       -           -
  Anthropic  triangular(0.5, 0.6, 0.7)             1     0.8           -

Agencies (units by tier):
  agency  units  unclassified  secret  top_secret  caution  innovation  imitation  term  annual value
  DoD       400           200     120          80      0.5        0.02       0.25    36       2500000
  400 units in all; innovation and imitation are rates per month, term in months, annual value in dollars a year
  DoD choice weights: incumbency 2.5

Chance of winning an open unit with no incumbent in 2026-01, by tier (after the period's events; the mean over the numbers drawn in runs 0 to 999, in those where some vendor can serve the tier; - = cannot serve):
  vendor     unclassified  secret  top_secret
  OpenAI            64.6%       -           -
  Anthropic         35.4%  100.0%           -

Initial contracts:
  agency    tier     vendor  units        remaining
  DoD     secret  Anthropic     12  uniform 1 to 36

Events (numbered in file order):
  #1  2026-03 period   2  OpenAI: access.secret = 0.9, access.top_secret = 0.7

"
    );
    let o = sharecast(
        tmp.path(),
        &[
            "run",
            fixture.to_str().unwrap(),
            "--runs",
            "20",
            "--quiet",
            "--out",
            "o",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(tmp.path().join("o/shares.csv").is_file());
}

/// The shipped scenarios' numbers are assumptions, not data: every line
/// that gives a number, a date or a distribution says next to it that it
/// is illustrative, or that it is a setting of the simulation (runs, seed)
/// rather than a claim about the market. Names and labels are exempt. The
/// benchmark workload in `scenarios/bench/` is left out: its header says
/// its numbers are illustrative, and docs/performance.md edits its `units`
/// lines with a pattern that a comment on them would defeat.
#[test]
fn every_number_in_a_shipped_scenario_says_it_is_an_assumption() {
    let folder = repo_root().join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let mut unmarked = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        for (index, line) in text.lines().enumerate() {
            let Some((key, rest)) = line.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if key.starts_with('#') || ["name", "label", "vendor", "agency"].contains(&key) {
                continue;
            }
            let (value, comment) = rest.split_once('#').unwrap_or((rest, ""));
            let says_so =
                comment.contains("illustrative") || comment.contains("a simulation setting");
            if value.contains(|c: char| c.is_ascii_digit()) && !says_so {
                let file = path.file_name().unwrap().to_string_lossy();
                unmarked.push(format!("{file}:{}: {line}", index + 1));
            }
        }
    }
    assert!(unmarked.is_empty(), "{}", unmarked.join("\n"));
}

/// A byte-order mark (Excel and Notepad may write one) changes no message:
/// a mistake on line 1 gets the same hint, which never quotes the
/// invisible mark back.
#[test]
fn a_byte_order_mark_changes_no_message() {
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    let without = |key: &str| -> String {
        minimal
            .lines()
            .filter(|line| !line.starts_with(&format!("{key} ")))
            .map(|line| format!("{line}\n"))
            .collect()
    };
    for first_line in [
        "runs = 2,000",
        "start = 2026-01",
        "periods = 1 000",
        "periods = 12 24",
        "periods =",
    ] {
        let key = first_line.split(' ').next().unwrap();
        let text = format!("{first_line}\n{}", without(key));
        let message = |text: &str| {
            sharecast::scenario::parse(text, "first.toml")
                .expect_err(first_line)
                .to_string()
        };
        let plain = message(&text);
        assert!(plain.contains("first.toml:1: "), "{plain}");
        assert!(
            plain.contains("write") || plain.contains("`periods =`"),
            "{plain}"
        );
        assert_eq!(message(&format!("\u{FEFF}{text}")), plain);
    }
}
