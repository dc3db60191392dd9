//! The progress bars: on a terminal, once a simulation has taken more than a
//! moment, one shows runs done, the rate and the time left, then one the
//! periods whose statistics are done, then (`run`) one the rows of the
//! files formatted; never with
//! `--quiet` or `NO_PROGRESS`, and never when stderr is not a terminal.
//!
//! A terminal comes from util-linux `script`, which runs a command on a
//! pseudo-terminal and copies what it prints. Each simulation lasts well
//! over the bar's delay (the per-unit engine, 400 runs on one thread: about
//! 1.8 s in a release build), so a bar that should appear has time to.
#![cfg(target_os = "linux")]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use sharecast::export::STATISTICS_FILES;

use std::time::Duration;

use crate::common::{
    HeldFolder, binary, repo_root, snapshot, stops_with_130, wait_for_handlers, with_signals,
};

const SLOW_RUN: [&str; 7] = [
    "--engine",
    "units",
    "--runs",
    "400",
    "--threads",
    "1",
    "--out",
];

/// Runs `sharecast <args>` on a pseudo-terminal in `dir`; stdout and
/// stderr both reach the terminal, so both are in the returned text.
fn on_a_terminal(dir: &Path, args: &[String], env: &[(&str, &str)]) -> (Output, String) {
    let command: Vec<String> = std::iter::once(binary().to_string())
        .chain(args.iter().cloned())
        .collect();
    command_on_a_terminal(dir, &command, env)
}

/// Runs `command` (a program and its arguments) on a pseudo-terminal in
/// `dir`, as [`on_a_terminal`] runs sharecast.
fn command_on_a_terminal(dir: &Path, command: &[String], env: &[(&str, &str)]) -> (Output, String) {
    let quoted: Vec<String> = command
        .iter()
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let mut command = Command::new("script");
    command
        .args([
            "--quiet",
            "--return",
            "--command",
            &quoted.join(" "),
            "/dev/null",
        ])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("NO_PROGRESS")
        // `script` runs the command through $SHELL, which may be a
        // non-shell (nologin) in containers.
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command
        .output()
        .expect("util-linux `script` runs (it gives these tests a terminal)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, text)
}

fn slow_run(out: &str, extra: &[&str]) -> Vec<String> {
    let scenario = repo_root().join("scenarios/bench/large.toml");
    let mut args = vec!["run".to_string(), scenario.to_str().unwrap().to_string()];
    args.extend(SLOW_RUN.iter().map(|s| s.to_string()));
    args.push(out.to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[test]
fn a_terminal_shows_runs_done_rate_and_time_left_then_clears_the_bar() {
    let tmp = tempfile::tempdir().unwrap();
    let (output, text) = on_a_terminal(tmp.path(), &slow_run("o", &[]), &[]);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("/400 runs"), "no bar counting runs:\n{text}");
    assert!(text.contains("/s "), "no rate:\n{text}");
    // indicatif writes the time left as `1s`, `2m`, ...: a digit and a
    // unit before " left".
    let time_left = text.match_indices(" left").any(|(i, _)| {
        let before = &text.as_bytes()[..i];
        before.len() >= 2
            && before[before.len() - 1].is_ascii_alphabetic()
            && before[before.len() - 2].is_ascii_digit()
    });
    assert!(time_left, "no time left:\n{text}");
    assert_erased_before_the_report(&text, "/400 runs", "Benchmark: large market");
}

/// The bar whose frames hold `frame` is erased before the report that
/// starts with `report`: after its last frame comes the erase-line
/// sequence, not a line break that would leave it on screen.
fn assert_erased_before_the_report(text: &str, frame: &str, report: &str) {
    let report = text.rfind(report).expect("the report");
    let last_frame = text[..report].rfind(frame).expect("a frame");
    assert!(
        text[last_frame..report].contains("\u{1b}[2K"),
        "the bar was left on screen:\n{:?}",
        &text[last_frame..report]
    );
}

#[test]
fn quiet_and_no_progress_hide_the_bar_on_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let (output, text) = on_a_terminal(tmp.path(), &slow_run("q", &["--quiet"]), &[]);
    assert!(output.status.success(), "{text}");
    assert!(!text.contains("runs "), "--quiet showed a bar:\n{text}");
    assert!(tmp.path().join("q/shares.csv").is_file(), "no results");

    let (output, text) = on_a_terminal(tmp.path(), &slow_run("n", &[]), &[("NO_PROGRESS", "1")]);
    assert!(output.status.success(), "{text}");
    assert!(
        !text.contains("/400 runs"),
        "NO_PROGRESS showed a bar:\n{text}"
    );
    assert!(
        text.contains("Benchmark: large market"),
        "no report:\n{text}"
    );
}

#[test]
fn no_bar_when_stderr_is_not_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let args = slow_run("p", &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = Command::new(binary())
        .args(&args)
        .current_dir(tmp.path())
        .env_remove("NO_PROGRESS")
        .output()
        .expect("the binary starts");
    assert!(o.status.success());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!stderr.contains("runs"), "a bar on a pipe:\n{stderr}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("Benchmark: large market"));
}

/// With many runs the statistics take a good part of the job (a third or
/// more of it); a second bar counts the periods whose statistics are done,
/// so the job does not look hung once the runs' bar has reached its end.
/// 20,000 runs of the default scenario spend over a second on the
/// statistics in a release build.
#[test]
fn a_second_bar_counts_the_periods_whose_statistics_are_done() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/gov-ai-2026.toml");
    let args = |out: &str, quiet: bool| -> Vec<String> {
        let mut args: Vec<String> = ["run", scenario.to_str().unwrap(), "--runs", "20000"]
            .into_iter()
            .chain(["--threads", "2", "--out", out])
            .map(String::from)
            .collect();
        if quiet {
            args.push("--quiet".into());
        }
        args
    };
    let (output, text) = on_a_terminal(tmp.path(), &args("o", false), &[]);
    assert!(output.status.success(), "{text}");
    let first = text
        .find("statistics: ")
        .unwrap_or_else(|| panic!("no statistics bar:\n{text}"));
    assert!(
        text[first..].contains("/60 periods"),
        "the bar does not count periods:\n{text}"
    );
    assert!(
        text[..first].contains("/20000 runs"),
        "no runs' bar before the statistics' bar:\n{text}"
    );
    assert!(
        !text[first..].contains("/20000 runs"),
        "the runs' bar came back:\n{text}"
    );
    assert_erased_before_the_report(&text, "/60 periods", "Government AI market");

    let (output, text) = on_a_terminal(tmp.path(), &args("q", true), &[]);
    assert!(output.status.success(), "{text}");
    assert!(!text.contains("periods"), "--quiet showed a bar:\n{text}");
    assert!(tmp.path().join("q/shares.csv").is_file(), "no results");
}

/// A market of thousands of agencies spends seconds formatting its files
/// after the statistics: a third bar counts their rows, after the
/// statistics' bar, and is erased before the report. 1,000 agencies give
/// 2.65 million rows, over a second to format in a release build.
#[test]
fn a_third_bar_counts_the_rows_of_the_files() {
    let tmp = tempfile::tempdir().unwrap();
    let generated = Command::new("python3")
        .arg(repo_root().join("benches/state_local.py"))
        .args(["1000", "market.toml"])
        .current_dir(tmp.path())
        .status()
        .expect("python3 runs");
    assert!(generated.success());
    let args: Vec<String> = [
        "run",
        "market.toml",
        "--runs",
        "2",
        "--threads",
        "2",
        "--out",
        "o",
    ]
    .map(String::from)
    .to_vec();
    let (output, text) = on_a_terminal(tmp.path(), &args, &[]);
    assert!(output.status.success(), "{text}");
    let first = text
        .find("files: ")
        .unwrap_or_else(|| panic!("no bar of the files:\n{text}"));
    assert!(
        text[first..].contains("/2652240 rows"),
        "the bar does not count the files' rows:\n{text}"
    );
    let report = text
        .find("State and local AI, 1000 agencies:")
        .unwrap_or_else(|| panic!("no report:\n{text}"));
    assert!(
        text[..first].contains("statistics: ") && !text[first..report].contains("periods"),
        "the statistics' bar is not before the files' bar alone:\n{text}"
    );
    assert_erased_before_the_report(&text, "/2652240 rows", "State and local AI");
}

/// A phase that lasts longer than the delay shows its bar before its first
/// step is done: one run of a market of 1.1 million units on the unit
/// engine (about 1.4 s in a release build) shows "0/1 runs" and the time so
/// far, where a rate or a time left would mean nothing yet.
#[test]
fn a_long_first_step_shows_the_bar_with_the_time_so_far() {
    let tmp = tempfile::tempdir().unwrap();
    let large = std::fs::read_to_string(repo_root().join("scenarios/bench/large.toml")).unwrap();
    let scaled: String = large
        .lines()
        .map(|line| match line.strip_prefix("units = ") {
            Some(units) if units.trim().parse::<u64>().is_ok() => format!("{line}00\n"),
            _ => format!("{line}\n"),
        })
        .collect();
    assert!(scaled.contains("units = 150000\n"), "the agencies' units");
    std::fs::write(tmp.path().join("huge.toml"), scaled).unwrap();
    let args: Vec<String> = [
        "run",
        "huge.toml",
        "--engine",
        "units",
        "--runs",
        "1",
        "--threads",
        "1",
        "--out",
        "o",
    ]
    .map(String::from)
    .to_vec();
    let (output, text) = on_a_terminal(tmp.path(), &args, &[]);
    assert!(output.status.success(), "{text}");
    let frame = text
        .split(['\r', '\n'])
        .find(|frame| frame.contains("0/1 runs"))
        .unwrap_or_else(|| panic!("no bar before the run ended:\n{text}"));
    assert!(frame.contains(" so far"), "{frame:?}");
    assert!(!frame.contains(" left"), "{frame:?}");
}

/// A user id no process on this machine runs as, for a test whose limit on
/// processes counts every thread of its user: the job's threads are then
/// the only ones counted. From 60,000 up, within the ids a container maps.
fn an_unused_user_id() -> u32 {
    let mut used = std::collections::HashSet::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let status = std::fs::read_to_string(entry.path().join("status")).unwrap_or_default();
        if let Some(uids) = status.lines().find_map(|l| l.strip_prefix("Uid:")) {
            used.extend(
                uids.split_whitespace()
                    .filter_map(|u| u.parse::<u32>().ok()),
            );
        }
    }
    // From a place of this test run's own, so that two runs at once on one
    // machine take two ids.
    let from = 60_000 + std::process::id() % 5_000;
    (from..65_000)
        .chain(60_000..from)
        .find(|uid| !used.contains(uid))
        .expect("a free user id")
}

/// The command that runs `program` with `args` as user `uid` with at most
/// `threads` threads (util-linux `setpriv` and `prlimit`).
fn limited(uid: u32, threads: u32, program: &Path, args: &[&str]) -> Vec<String> {
    [
        "setpriv".to_string(),
        format!("--reuid={uid}"),
        format!("--regid={uid}"),
        "--clear-groups".to_string(),
        "prlimit".to_string(),
        format!("--nproc={threads}"),
        program.to_str().unwrap().to_string(),
    ]
    .into_iter()
    .chain(args.iter().map(|a| a.to_string()))
    .collect()
}

/// Where the system refuses the bar's thread (a limit on processes), the
/// job goes on without a bar and writes the same files as with one; where
/// it refuses the thread that watches for Ctrl-C or the worker thread, the
/// job stops with exit code 1, a message saying why and nothing written;
/// never a panic. So the lowest limit at which a job runs leaves room for
/// the thread that watches for Ctrl-C, and a job run there stops at it. The limit is `RLIMIT_NPROC`
/// (util-linux `prlimit`), which counts every thread of the user and which
/// root is exempt from, so the job runs as a user no process runs as
/// (util-linux `setpriv`), which takes root, as CI has: there
/// `SHARECAST_REQUIRE_ROOT_TESTS` is set (not empty), and the test fails without root;
/// elsewhere it says it was skipped. The limit is raised one thread at a
/// time from 1 until a bar appears.
#[test]
fn a_refused_progress_thread_leaves_the_job_without_a_bar() {
    let uid = Command::new("id").arg("-u").output().expect("id runs");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        assert!(
            std::env::var_os("SHARECAST_REQUIRE_ROOT_TESTS").is_none_or(|v| v.is_empty()),
            "SHARECAST_REQUIRE_ROOT_TESTS is set, but the tests do not run as root"
        );
        eprintln!("skipped: limiting the threads of another user takes root");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // The job's user runs a copy of the binary, reads the scenario and
    // makes the output folders.
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let program = tmp.path().join("sharecast");
    std::fs::copy(binary(), &program).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let scenario = tmp.path().join("large.toml");
    std::fs::copy(repo_root().join("scenarios/bench/large.toml"), &scenario).unwrap();
    std::fs::set_permissions(&scenario, std::fs::Permissions::from_mode(0o644)).unwrap();
    let user = an_unused_user_id();

    let mut without_a_bar: Option<(u32, std::path::PathBuf)> = None;
    for limit in 1..=16 {
        let out = format!("o{limit}");
        let args = [
            "run",
            "large.toml",
            "--runs",
            "3000",
            "--threads",
            "1",
            "--out",
            &out,
        ];
        let command = limited(user, limit, &program, &args);
        let (output, text) = command_on_a_terminal(tmp.path(), &command, &[]);
        assert!(!text.contains("panicked"), "{limit} threads:\n{text}");
        let folder = tmp.path().join(&out);
        match output.status.code() {
            Some(1) => {
                assert!(
                    without_a_bar.is_none(),
                    "refused at {limit} threads after running at fewer:\n{text}"
                );
                let refused = [
                    "cannot watch for Ctrl-C, SIGTERM and SIGHUP: ",
                    "cannot start 1 worker thread: ",
                ];
                assert!(
                    refused.iter().any(|r| text.contains(r))
                        && text.contains("the system refused a thread: a limit on processes or threads (ulimit -u)"),
                    "{text}"
                );
                assert!(!folder.exists(), "a refused job made {folder:?}");
            }
            Some(0) if text.contains("/3000 runs") => {
                let (fewer, quiet) = without_a_bar.unwrap_or_else(|| {
                    panic!("no limit refused the bar's thread alone: a bar from {limit} threads on, refusals below")
                });
                for file in STATISTICS_FILES {
                    assert!(
                        std::fs::read(folder.join(file)).unwrap()
                            == std::fs::read(quiet.join(file)).unwrap(),
                        "{file} differs without a bar"
                    );
                }
                a_job_under_a_limit_stops_at_ctrl_c(tmp.path(), user, fewer, &program);
                return;
            }
            Some(0) => {
                assert!(folder.join("shares.csv").is_file(), "{text}");
                assert!(text.contains("Benchmark: large market"), "{text}");
                without_a_bar.get_or_insert((limit, folder));
            }
            other => panic!("exit {other:?} under a limit of {limit} threads:\n{text}"),
        }
    }
    panic!("no bar under a limit of up to 16 threads");
}

/// A job that runs under a limit of `threads` threads (as user `user`)
/// stops at Ctrl-C with 130 and nothing written: the thread that watches
/// for it was not refused. The job waits for its output folder, which is
/// held, so it is still running when Ctrl-C comes, once its handler is in
/// place.
fn a_job_under_a_limit_stops_at_ctrl_c(dir: &Path, user: u32, threads: u32, program: &Path) {
    let out = dir.join("held");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    let _held = HeldFolder::hold(&out);
    let args = [
        "run",
        "large.toml",
        "--runs",
        "20",
        "--threads",
        "1",
        "--out",
        "held",
    ];
    let command = limited(user, threads, program, &args);
    let mut job = with_signals(&mut Command::new(&command[0]), &[])
        .args(&command[1..])
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_handlers(&mut job, &[]);
    // The job simulates, then waits for the folder: had it ended instead,
    // it would say why.
    std::thread::sleep(Duration::from_millis(500));
    if job.try_wait().unwrap().is_some() {
        let output = job.wait_with_output().unwrap();
        panic!(
            "the job ended before Ctrl-C under a limit of {threads} threads: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    stops_with_130(job, "-INT", Duration::from_secs(10));
    assert!(snapshot(&out).is_empty(), "Ctrl-C wrote into the folder");
}
