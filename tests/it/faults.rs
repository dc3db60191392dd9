//! Faults: an interrupted run, an output location that cannot be created,
//! and a disk that fills up while writing. In each case the process fails
//! with the right exit code and a clear message, and an earlier output
//! folder is left exactly as it was, with no temporary file behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{
    HeldFolder, assert_no_panic, binary, earlier_results, out_folder, repo_root, run_shipped,
    run_shipped_ok, running_as_root, sharecast, sharecast_as_nobody, snapshot, stops_with_130,
    wait_for_handlers, wait_with_deadline, with_signals,
};

/// Ctrl-C, and the signals a job runner, `timeout` or a closed terminal
/// send (SIGTERM, SIGHUP), stop a run the same way.
#[test]
fn interrupt_stops_promptly_with_130_and_touches_nothing() {
    for signal in ["-INT", "-TERM", "-HUP"] {
        interrupted_by(signal);
    }
}

fn interrupted_by(signal: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let before = earlier_results(&out);
    let scenario = repo_root().join("scenarios/bench/large.toml");
    // About a minute of work: it must stop long before that.
    interrupt_run(
        &[
            scenario.to_str().unwrap(),
            "--runs",
            "400000",
            "--no-memory-check",
            "--threads",
            "2",
            "--out",
            out.to_str().unwrap(),
        ],
        signal,
    );
    assert_eq!(
        snapshot(&out),
        before,
        "kill {signal} changed the earlier output folder"
    );
}

/// The unit engine follows every unit, so one run of a large market takes
/// minutes; an interrupt stops it within a period, not at the run's end.
#[test]
fn an_interrupt_stops_a_long_run_of_the_unit_engine() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("big.toml");
    // 4 million units over 1,200 periods: several minutes for one run.
    std::fs::write(
        &scenario,
        "start = \"2026-01\"\nperiods = 1200\n[[vendor]]\nname = \"A\"\nbrand = 0.5\n\
         access = { unclassified = 1.0 }\n[[agency]]\nname = \"X\"\nunits = 4000000\n\
         innovation = 0.01\nimitation = 0.2\nterm = 12\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    interrupt_run(
        &[
            scenario.to_str().unwrap(),
            "--runs",
            "1",
            "--engine",
            "units",
            "--out",
            out.to_str().unwrap(),
        ],
        "-TERM",
    );
    assert!(!out.exists(), "an interrupted run wrote its folder");
}

/// Starts `sharecast run ARGS`, sends `signal` once it is under way, and
/// checks that it stops within 10 s with 130.
fn interrupt_run(args: &[&str], signal: &str) {
    let mut child = with_signals(&mut Command::new(binary()), &[])
        .arg("run")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_handlers(&mut child, &[]);
    stops_with_130(child, signal, Duration::from_secs(10));
}

/// Starts `sharecast run` of the minimal scenario into `out`, which is
/// held, with the signals in `ignored` ignored, and returns once its
/// handler is in place and it waits for the folder.
fn a_job_waiting_for(out: &Path, ignored: &'static [libc::c_int]) -> std::process::Child {
    let scenario = repo_root().join("scenarios/minimal.toml");
    let mut job = with_signals(&mut Command::new(binary()), ignored)
        .args(["run", scenario.to_str().unwrap(), "--runs", "20", "--quiet"])
        .arg("--out")
        .arg(out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_handlers(&mut job, ignored);
    // Past its few runs, to the folder's lock.
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        job.try_wait().unwrap().is_none(),
        "the job did not wait for the folder"
    );
    job
}

/// A job waiting for a folder another process holds (as a stuck job would)
/// still stops at Ctrl-C, SIGTERM or SIGHUP, with 130 and nothing written.
#[test]
fn a_job_waiting_for_its_folder_can_be_interrupted() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("held");
    std::fs::create_dir(&out).unwrap();
    let _held = HeldFolder::hold(&out);
    for signal in ["-INT", "-TERM", "-HUP"] {
        let job = a_job_waiting_for(&out, &[]);
        stops_with_130(job, signal, Duration::from_secs(5));
        assert!(
            snapshot(&out).is_empty(),
            "kill {signal} wrote into the folder"
        );
    }
}

/// A signal the job's starter ignores stays ignored: under `nohup`
/// (SIGHUP ignored) a job outlives its terminal, and a background job of a
/// shell script (SIGINT ignored) is not stopped by Ctrl-C; the other
/// signals still stop it with 130 and nothing written. The job waits for a
/// folder another process holds, so it is still running when signalled.
#[test]
fn a_signal_its_starter_ignores_does_not_stop_a_job() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("held");
    std::fs::create_dir(&out).unwrap();
    let _held = HeldFolder::hold(&out);
    for (ignored, name, other) in [
        (&[libc::SIGHUP][..], "-HUP", "-TERM"),
        (&[libc::SIGINT][..], "-INT", "-HUP"),
        (&[libc::SIGTERM][..], "-TERM", "-INT"),
    ] {
        let mut job = a_job_waiting_for(&out, ignored);
        let kill = Command::new("kill")
            .args([name, &job.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        std::thread::sleep(Duration::from_millis(1000));
        assert!(
            job.try_wait().unwrap().is_none(),
            "kill {name}, which its starter ignores, stopped the job"
        );
        stops_with_130(job, other, Duration::from_secs(5));
        assert!(
            snapshot(&out).is_empty(),
            "kill {other} wrote into the folder"
        );
    }
}

/// A signal ignored at the start never reaches the job's handler, even one
/// that comes while the handler is being installed (which catches every
/// watched signal until the ignored ones are ignored again): jobs flooded
/// with SIGHUP from their start, which they were started ignoring, all
/// finish their work. Before the ignored signals were blocked meanwhile,
/// about two jobs in five ended with 130.
#[test]
fn a_signal_ignored_at_the_start_never_reaches_the_handler() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/minimal.toml");
    for i in 0..10 {
        let out = tmp.path().join(format!("o{i}"));
        let mut job = with_signals(&mut Command::new(binary()), &[libc::SIGHUP])
            .args(["run", scenario.to_str().unwrap(), "--runs", "20", "--quiet"])
            .arg("--out")
            .arg(&out)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = libc::pid_t::try_from(job.id()).unwrap();
        let started = Instant::now();
        while job.try_wait().unwrap().is_none() {
            if started.elapsed() > Duration::from_secs(60) {
                let _ = job.kill();
                panic!("job {i} still running after 60 s");
            }
            // SAFETY: `kill` sends a signal to the child, which is still
            // ours to wait for (not reaped), so its pid is not reused.
            unsafe {
                libc::kill(pid, libc::SIGHUP);
            }
        }
        let output = job.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "job {i} ended by an ignored SIGHUP: {:?} {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(out.join("shares.csv").is_file());
    }
}

/// Two jobs given one output folder at the same time take turns writing:
/// both succeed, and the folder holds one job's files, all of them, never a
/// mix (checked against each job's files written alone).
#[test]
fn jobs_writing_into_one_folder_at_once_take_turns() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/gov-ai-2026.toml");
    let args = |seed: &str, out: &Path| -> Vec<String> {
        let mut all: Vec<String> = [
            "run",
            scenario.to_str().unwrap(),
            "--runs",
            "600",
            "--per-run",
        ]
        .map(String::from)
        .to_vec();
        all.extend(["--seed", seed, "--threads", "1", "--quiet"].map(String::from));
        all.extend(["--out".to_string(), out.display().to_string()]);
        all
    };
    let alone: Vec<_> = ["1", "2"]
        .iter()
        .map(|seed| {
            let out = tmp.path().join(format!("alone-{seed}"));
            let o = Command::new(binary())
                .args(args(seed, &out))
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            let mut files = snapshot(&out);
            files.retain(|(name, _)| name != "manifest.json");
            files
        })
        .collect();
    let shared = tmp.path().join("shared");
    for attempt in 0..6 {
        let jobs: Vec<_> = ["1", "2"]
            .iter()
            .map(|seed| {
                Command::new(binary())
                    .args(args(seed, &shared))
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for job in jobs {
            let o = job.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(o.status.success(), "attempt {attempt}: {stderr}");
        }
        let mut files = snapshot(&shared);
        let manifest = files
            .iter()
            .position(|(name, _)| name == "manifest.json")
            .unwrap();
        let manifest = String::from_utf8(files.remove(manifest).1).unwrap();
        let seed = if manifest.contains("\"seed\": 1,") {
            0
        } else {
            1
        };
        assert!(
            files == alone[seed],
            "attempt {attempt}: the folder mixes the two jobs' files (manifest of seed {})",
            seed + 1
        );
    }
}

#[test]
fn an_output_folder_that_cannot_be_created_fails_with_1() {
    let tmp = tempfile::tempdir().unwrap();
    // Not even root can create folders under /proc. 10^8 runs would be
    // refused by the memory check (exit 2), and take hours if simulated:
    // the folder is tried first.
    let out = "/proc/sharecast-test/out";
    let o = run_shipped(
        tmp.path(),
        "scenarios/minimal.toml",
        &["--runs", "100000000", "--out", out],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{out}: {stderr}");
    assert!(
        stderr.contains(
            "cannot write into the output folder /proc/sharecast-test/out (checked before simulating): no file can be created in /proc"
        ),
        "{stderr}"
    );
    assert_no_panic(&stderr);
}

/// Dots in a path name the folder a user means: a scenario file named
/// `...toml` (whose stem `..` would put `out/..` beside `out/`) writes into
/// `out/scenario` and leaves the current folder's files alone, and an
/// `--out` ending in `/.` is created like the same path without it.
#[test]
fn output_folders_named_with_dots() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::write(tmp.path().join("...toml"), &text).unwrap();
    std::fs::write(tmp.path().join("summary.csv"), "the user's own file\n").unwrap();
    let o = sharecast(tmp.path(), &["run", "...toml", "--runs", "20", "--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("summary.csv")).unwrap(),
        "the user's own file\n"
    );
    assert!(tmp.path().join("out/scenario/summary.csv").is_file());
    assert!(!tmp.path().join("shares.csv").exists());

    // A file named just `.toml` has a blank name: not a hidden `out/.toml`.
    std::fs::remove_dir_all(tmp.path().join("out")).unwrap();
    std::fs::write(tmp.path().join(".toml"), &text).unwrap();
    let o = sharecast(tmp.path(), &["run", ".toml", "--runs", "20", "--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(tmp.path().join("out/scenario/summary.csv").is_file());
    assert!(!tmp.path().join("out/.toml").exists());
    // And so do the folders named after it: not `out/-with-...`.
    let o = sharecast(
        tmp.path(),
        &[
            "run",
            ".toml",
            "--runs",
            "20",
            "--quiet",
            "--set",
            "agency.Agency.caution=0.2",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        out_folder(tmp.path(), "scenario-with-agency.Agency.caution-0.2")
            .join("summary.csv")
            .is_file()
    );

    for out in ["fresh/.", "fresh/deeper/./."] {
        let o = run_shipped(
            tmp.path(),
            "scenarios/minimal.toml",
            &["--runs", "20", "--quiet", "--out", out],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{out}: {stderr}");
        assert!(tmp.path().join(out).join("summary.csv").is_file(), "{out}");
    }
}

/// A scenario kept in the output folder under the name of a result file
/// would be replaced by results: refused, and the scenario left as it was.
#[test]
fn results_never_replace_the_scenario_they_come_from() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("work");
    std::fs::create_dir(&folder).unwrap();
    let scenario = std::fs::read(repo_root().join("scenarios/minimal.toml")).unwrap();
    for (name, args) in [
        ("shares.csv", vec!["run", "work/shares.csv"]),
        ("manifest.json", vec!["run", "work/manifest.json"]),
        (
            "shares_diff.csv",
            vec!["compare", "work/base.toml", "work/shares_diff.csv"],
        ),
        (
            "sweep_summary.csv",
            vec![
                "sweep",
                "work/sweep_summary.csv",
                "--vary",
                "agency.*.caution=0.1,0.2",
            ],
        ),
    ] {
        std::fs::write(folder.join(name), &scenario).unwrap();
        std::fs::write(folder.join("base.toml"), &scenario).unwrap();
        let before = snapshot(&folder);
        let mut all = args.clone();
        all.extend(["--runs", "5", "--out", "work", "--quiet"]);
        let o = sharecast(tmp.path(), &all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "writing {name} into work would replace the scenario"
            )) && stderr.contains("rename the scenario or choose another --out"),
            "{stderr}"
        );
        assert_eq!(snapshot(&folder), before, "{args:?}");
        std::fs::remove_file(folder.join(name)).unwrap();
    }
    // A scenario under the name of a result's temporary file would be
    // replaced as well; a folder there would stop the writing half way.
    let run_into_work = |scenario: &str| {
        sharecast(
            tmp.path(),
            &["run", scenario, "--runs", "5", "--out", "work", "--quiet"],
        )
    };
    // Or of the backup an earlier result is kept under while it is replaced.
    for (hidden, result) in [
        (".summary.csv.partial", "summary.csv"),
        (".shares.csv.previous", "shares.csv"),
    ] {
        std::fs::write(folder.join(hidden), &scenario).unwrap();
        let before = snapshot(&folder);
        let o = run_into_work(&format!("work/{hidden}"));
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "writing {result} into work would replace the scenario"
            )),
            "{stderr}"
        );
        assert_eq!(snapshot(&folder), before);
        std::fs::remove_file(folder.join(hidden)).unwrap();
    }
    std::fs::create_dir(folder.join(".summary.csv.partial")).unwrap();
    let before = snapshot(&folder);
    let o = run_into_work("work/base.toml");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "work/.summary.csv.partial is a folder, so summary.csv cannot be written there"
        ),
        "{stderr}"
    );
    assert_eq!(snapshot(&folder), before);
    // A link there is removed, never followed: no refusal, and what it
    // points to (the scenario itself) is left alone.
    std::fs::remove_dir(folder.join(".summary.csv.partial")).unwrap();
    std::os::unix::fs::symlink(
        folder.join("base.toml"),
        folder.join(".summary.csv.partial"),
    )
    .unwrap();
    let o = run_into_work("work/base.toml");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read(folder.join("base.toml")).unwrap(), scenario);
    assert!(folder.join("summary.csv").is_file());
    // A scenario named runs.csv, which only --per-run writes (and refuses
    // to write over the scenario): left as it is, and called the scenario,
    // not the runs of earlier results.
    std::fs::write(folder.join("runs.csv"), &scenario).unwrap();
    let o = run_into_work("work/runs.csv");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(
            "work/runs.csv is the scenario this run reads, not the runs of earlier results"
        ) && !stderr.contains("earlier run"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(folder.join("runs.csv")).unwrap(), scenario);
}

/// An output path that runs through a file is the user's mistake, refused
/// with exit 2 before anything is simulated: before the memory check, which
/// would refuse this many runs.
#[test]
fn an_output_path_through_a_file_is_refused_before_simulating() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("results");
    std::fs::write(&file, "not a folder").unwrap();
    let through_file = file.join("gov").join("out");
    for (out, blocker) in [
        (through_file.to_str().unwrap(), file.to_str().unwrap()),
        (file.to_str().unwrap(), file.to_str().unwrap()),
        ("/dev/null/out", "/dev/null"),
    ] {
        let o = run_shipped(
            tmp.path(),
            "scenarios/minimal.toml",
            &["--runs", "100000000", "--out", out],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{out}: {stderr}");
        let expected = if out == blocker {
            format!("the output folder {out} is a file, not a folder; choose another --out")
        } else {
            format!("the output folder {out} cannot be created: {blocker} is not a folder")
        };
        assert!(stderr.contains(&expected), "{stderr}");
        assert_no_panic(&stderr);
    }
    // A link to nothing is no folder either.
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(tmp.path().join("missing"), &link).unwrap();
    for (out, expected) in [
        (
            link.clone(),
            format!(
                "the output folder {} is a link that leads to nothing",
                link.display()
            ),
        ),
        (
            PathBuf::from(format!("{}/", link.display())),
            format!(
                "the output folder {}/ is a link that leads to nothing",
                link.display()
            ),
        ),
        (
            link.join("x"),
            format!(
                "the output folder {}/x cannot be created: {} is not a folder but a link that leads to nothing",
                link.display(),
                link.display()
            ),
        ),
    ] {
        let o = run_shipped(
            tmp.path(),
            "scenarios/minimal.toml",
            &["--runs", "5", "--out", out.to_str().unwrap()],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(&expected), "{stderr}");
    }
    std::fs::remove_file(&link).unwrap();
    // A link to a file is a file, not a link to nothing.
    std::os::unix::fs::symlink(&file, &link).unwrap();
    for (out, expected) in [
        (
            link.clone(),
            format!(
                "the output folder {} is a file, not a folder; choose another --out",
                link.display()
            ),
        ),
        (
            link.join("x"),
            format!(
                "the output folder {}/x cannot be created: {} is not a folder; choose another --out",
                link.display(),
                link.display()
            ),
        ),
    ] {
        let o = run_shipped(
            tmp.path(),
            "scenarios/minimal.toml",
            &["--runs", "5", "--out", out.to_str().unwrap()],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(&expected), "{stderr}");
    }
    std::fs::remove_file(&link).unwrap();
    // Without --out, the default folder is named as such, not as an --out.
    std::fs::create_dir(tmp.path().join("out")).unwrap();
    std::fs::write(tmp.path().join("out/minimal"), "a file").unwrap();
    let o = run_shipped(tmp.path(), "scenarios/minimal.toml", &["--runs", "5"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "error: the output folder out/minimal is a file, not a folder; choose another --out"
        ),
        "{stderr}"
    );
    std::fs::remove_dir_all(tmp.path().join("out")).unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), b"not a folder");
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

/// A disk that fills up mid-way: the output folder lives on a 32 KiB tmpfs
/// (mounted in a private mount namespace by `unshare`, so no privilege is
/// needed and nothing outlives the test) holding earlier results; the new
/// files do not fit.
#[test]
fn a_full_disk_leaves_earlier_results_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let disk = tmp.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let scenario = repo_root().join("scenarios/minimal.toml");
    let script = format!(
        r#"set -e
mount -t tmpfs -o size=32k tmpfs '{disk}'
mkdir '{disk}/out'
for f in shares.csv summary.csv notes.txt; do echo "earlier $f" > '{disk}/out/'$f; done
echo '{{ "sharecast_version": "0.0.0", "files": ["shares.csv", "summary.csv"] }}' > '{disk}/out/manifest.json'
state() {{ ls -A '{disk}/out'; cat '{disk}/out/'*; }}
before=$(state)
set +e
'{bin}' run '{scenario}' --runs 200 --out '{disk}/out' --quiet 2> '{stderr}'
echo "exit=$?"
[ "$before" = "$(state)" ] && echo "folder unchanged"
ls -A '{disk}/out' | grep -c partial || true
"#,
        disk = disk.display(),
        bin = binary(),
        scenario = scenario.display(),
        stderr = tmp.path().join("stderr.txt").display(),
    );
    let (report, stderr) = in_private_mounts(tmp.path(), &script, "set up a small file system");
    assert!(report.contains("exit=1"), "{report}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(report.contains("folder unchanged"), "{report}");
    assert!(
        report.trim_end().ends_with("\n0") || report.trim_end() == "0",
        "temporary files left: {report}"
    );
}

/// Runs the shell `script` in a mount namespace of its own made by
/// `unshare` (no privilege needed), whose job writes its standard error to
/// `tmp/stderr.txt`: what the script printed, and that standard error.
/// `what` says what the script sets up, should `unshare` fail.
fn in_private_mounts(tmp: &Path, script: &str, what: &str) -> (String, String) {
    let o = Command::new("unshare")
        .args(["-rm", "sh", "-c", script])
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "could not {what} with unshare: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = std::fs::read_to_string(tmp.join("stderr.txt")).unwrap();
    (String::from_utf8_lossy(&o.stdout).into_owned(), stderr)
}

/// A result that cannot be replaced once others are in place (a file
/// mounted over it, in a private mount namespace made by `unshare`, stands
/// for one another program holds): the files already moved are put back,
/// and the folder keeps its earlier results whole.
#[test]
fn a_result_that_cannot_be_replaced_half_way_leaves_the_earlier_results_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = repo_root().join("scenarios/minimal.toml");
    let o = sharecast(
        tmp.path(),
        &[
            "run",
            scenario.to_str().unwrap(),
            "--runs",
            "5",
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let held = tmp.path().join("held.csv");
    std::fs::copy(out.join("summary.csv"), &held).unwrap();
    let script = format!(
        r#"set -e
mount --bind '{held}' '{out}/summary.csv'
state() {{ ls -A '{out}'; cat '{out}/'*; }}
before=$(state)
set +e
'{bin}' run '{scenario}' --runs 6 --out '{out}' --quiet 2> '{stderr}'
echo "exit=$?"
if [ "$before" = "$(state)" ]; then echo "folder unchanged"; fi
"#,
        held = held.display(),
        out = out.display(),
        bin = binary(),
        scenario = scenario.display(),
        stderr = tmp.path().join("stderr.txt").display(),
    );
    let (report, stderr) = in_private_mounts(tmp.path(), &script, "mount a file");
    assert!(report.contains("exit=1"), "{report}\n{stderr}");
    assert!(
        stderr.contains("summary.csv in ")
            && stderr.contains("(the results there are as they were before this job"),
        "{stderr}"
    );
    assert!(report.contains("folder unchanged"), "{report}\n{stderr}");
}

/// In a shared folder with the sticky bit (`chmod +t`, as `/tmp`), only a
/// file's owner may replace it: results over another user's file are
/// refused before simulating (exit 1), the folder left as it was, rather
/// than failing half way with the files of two runs mixed. Run as the
/// user `nobody` through `runuser`, which needs root (as CI has); without
/// root there is no other user to be, and the test says so and returns.
#[test]
fn another_users_results_in_a_shared_folder_are_refused_before_simulating() {
    use std::os::unix::fs::{PermissionsExt, chown};
    let tmp = tempfile::tempdir().unwrap();
    if !running_as_root(tmp.path()) {
        eprintln!("not root: no other user to write as; skipped");
        return;
    }
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let shared = tmp.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let scenario = repo_root().join("scenarios/minimal.toml");
    let as_nobody = |runs: &str| {
        let (scenario, shared) = (scenario.to_str().unwrap(), shared.to_str().unwrap());
        sharecast_as_nobody(
            tmp.path(),
            ["run", scenario, "--quiet", "--runs", runs, "--out", shared],
        )
    };
    let first = as_nobody("2");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );

    // Another user's summary.csv: nothing may be replaced.
    chown(shared.join("summary.csv"), Some(0), None).unwrap();
    let before = snapshot(&shared);
    let refused = as_nobody("3");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_no_panic(&stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("checked before simulating")
            && stderr.contains("cannot replace summary.csv")
            && stderr.contains("another user's file")
            && stderr.contains("sticky bit"),
        "{stderr}"
    );
    assert_eq!(snapshot(&shared), before);

    // Another user's leftover backup of a result is named as such.
    chown(shared.join("summary.csv"), Some(65534), None).unwrap();
    let leftover = sharecast::output::backup_name(&shared, "shares.csv");
    std::os::unix::fs::symlink("left by root", &leftover).unwrap();
    let before = snapshot(&shared);
    let refused = as_nobody("3");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "cannot replace shares.csv in {}: another user's leftover .shares.csv.previous is there"
                .replace("{}", &shared.display().to_string())
                .as_str()
        ),
        "{stderr}"
    );
    assert_eq!(snapshot(&shared), before);
    std::fs::remove_file(&leftover).unwrap();

    // Its own files a user replaces as anywhere else.
    let again = as_nobody("3");
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_ne!(snapshot(&shared), before);
}

/// A folder where an output file should go is found before the run starts
/// (exit 2), and a leftover temporary file, even a link, is replaced, not
/// followed.
#[test]
fn obstacles_in_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let before = earlier_results(&out);
    // A run refused before simulating (exit 2) with `message`.
    let refused = |message: &str| {
        let o = run_shipped(
            tmp.path(),
            "scenarios/minimal.toml",
            &["--runs", "5", "--out", "out"],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
    };

    std::fs::create_dir(out.join("revenue.csv")).unwrap();
    refused("revenue.csv is a folder");
    std::fs::remove_dir(out.join("revenue.csv")).unwrap();
    assert_eq!(snapshot(&out), before);

    let precious = tmp.path().join("precious.txt");
    std::fs::write(&precious, "keep me").unwrap();
    std::os::unix::fs::symlink(
        &precious,
        sharecast::output::temporary_name(&out, "summary.csv"),
    )
    .unwrap();
    // So is a link at a backup's name, and a backup a killed job left that
    // is a second name of the result itself.
    std::os::unix::fs::symlink(
        &precious,
        sharecast::output::backup_name(&out, "summary.csv"),
    )
    .unwrap();
    std::fs::hard_link(
        out.join("shares.csv"),
        sharecast::output::backup_name(&out, "shares.csv"),
    )
    .unwrap();
    run_shipped_ok(
        tmp.path(),
        "scenarios/minimal.toml",
        &["--runs", "5", "--out", "out", "--quiet"],
    );
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me");
    assert!(
        std::fs::read_to_string(out.join("summary.csv"))
            .unwrap()
            .starts_with("period,date,vendor")
    );
    assert!(
        snapshot(&out)
            .iter()
            .all(|(name, _)| !name.ends_with(".partial") && !name.ends_with(".previous")),
        "{:?}",
        snapshot(&out)
            .iter()
            .map(|(name, _)| name)
            .collect::<Vec<_>>()
    );

    // A backup holding an earlier version of a result is the user's to
    // move back or remove: refused before simulating, nothing touched.
    let before = snapshot(&out);
    let kept = sharecast::output::backup_name(&out, "revenue.csv");
    std::fs::write(&kept, "the earlier revenue.csv").unwrap();
    refused(
        "out/.revenue.csv.previous holds the earlier revenue.csv, kept while a job that did \
         not finish replaced the results (one interrupted, or one that could not put them \
         back); move each back over its name to restore the earlier results (a result the \
         earlier ones did not have is that job's too: remove it), or remove it to keep the \
         results there now, then run again",
    );
    std::fs::remove_file(&kept).unwrap();
    assert_eq!(snapshot(&out), before);

    // A folder at a backup's name is in the way as well.
    let folder = sharecast::output::backup_name(&out, "adoption.csv");
    std::fs::create_dir(&folder).unwrap();
    refused("out/.adoption.csv.previous is a folder");
    std::fs::remove_dir(&folder).unwrap();
    assert_eq!(snapshot(&out), before);
}

/// A message about the output folder is one line, whatever the folder's
/// name holds: a line break and a byte that is not UTF-8 are escaped, in
/// the checks of the folder and in those made while writing alike.
#[test]
fn a_message_about_the_output_folder_shows_its_name_on_one_line() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join(OsStr::from_bytes(b"nl\nn\xe9me"));
    std::fs::create_dir(&out).unwrap();
    std::fs::write(
        sharecast::output::backup_name(&out, "shares.csv"),
        "the earlier shares.csv",
    )
    .unwrap();
    let o = Command::new(binary())
        .arg("run")
        .arg(repo_root().join("scenarios/minimal.toml"))
        .args(["--runs", "3", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("nl\\nn\\xe9me/.shares.csv.previous holds the earlier shares.csv"),
        "{stderr}"
    );
    // Once the folder is clear, the line naming it is one line too.
    std::fs::remove_file(sharecast::output::backup_name(&out, "shares.csv")).unwrap();
    let o = Command::new(binary())
        .arg("run")
        .arg(repo_root().join("scenarios/minimal.toml"))
        .args(["--runs", "3", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let last = stdout.lines().last().unwrap();
    assert!(
        last.starts_with("Wrote ") && last.ends_with("/nl\\nn\\xe9me"),
        "{stdout}"
    );
}

/// Arguments that are not UTF-8 (a path in a legacy encoding) work, and
/// the manifest keeps them apart.
#[test]
fn non_utf8_arguments_do_not_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let tmp = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"sc\xe9nario.toml");
    std::fs::copy(
        repo_root().join("scenarios/minimal.toml"),
        tmp.path().join(name),
    )
    .unwrap();
    let o = Command::new(binary())
        .arg("run")
        .arg(name)
        .args(["--runs", "3", "--out"])
        .arg(OsStr::from_bytes(b"r\xe9sultats"))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    // The table's last line names the folder with the byte as \xe9.
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.ends_with(" to r\\xe9sultats\n"), "{stdout}");
    // So do a scenario's messages and the tables that name its file.
    std::fs::write(
        tmp.path().join(OsStr::from_bytes(b"br\xf6ken.toml")),
        "start = \"2026-01\"\nperiods = 0\n",
    )
    .unwrap();
    let o = Command::new(binary())
        .arg("check")
        .arg(OsStr::from_bytes(b"br\xf6ken.toml"))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("\nbr\\xf6ken.toml:2: periods must be"),
        "{stderr}"
    );
    let check = |arg: &OsStr| {
        let o = Command::new(binary())
            .arg("check")
            .arg(arg)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (stdout, _) = check(name);
    assert!(stdout.ends_with("\nsc\\xe9nario.toml: valid\n"), "{stdout}");
    let (_, stderr) = check(OsStr::from_bytes(b"sc\xe9nario"));
    assert!(
        stderr.contains("sc\\xe9nario: cannot read the scenario file: ")
            && stderr.contains("; did you mean sc\\xe9nario.toml?"),
        "{stderr}"
    );
    let o = Command::new(binary())
        .arg("compare")
        .arg(name)
        .args([
            "--set",
            "agency.Agency.caution=0.5",
            "--runs",
            "3",
            "--out",
            "c",
        ])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.starts_with(
            "Baseline:       sc\\xe9nario.toml (\"Minimal example\")\n\
             Counterfactual: sc\\xe9nario.toml with --set agency.Agency.caution=0.5 (\"Minimal example\")\n"
        ),
        "{stdout}"
    );
    let manifest = std::fs::read(
        tmp.path()
            .join(OsStr::from_bytes(b"r\xe9sultats/manifest.json")),
    )
    .unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    // The byte that is not UTF-8 is written \xe9, so that the name stays
    // this file's alone.
    assert_eq!(manifest["scenario"]["path"], "sc\\xe9nario.toml");
    assert_eq!(manifest["command_line"][2], "sc\\xe9nario.toml");
    assert_eq!(manifest["command_line"][6], "r\\xe9sultats");
    assert!(
        manifest["output_folder"]
            .as_str()
            .unwrap()
            .ends_with("/r\\xe9sultats"),
        "{manifest}"
    );
}

/// A scenario whose path is not UTF-8, or holds a backslash, is
/// recognised as any other: the same file again (edited, moved or copied
/// with its results and run from elsewhere) replaces its results without a
/// word, also after a manifest of a version that wrote such a byte as a
/// replacement character; a file whose name differs only in such a byte,
/// or that spells one out as text (`sc\xe9nario.toml`), is another
/// scenario, whose results are told.
#[test]
fn a_path_that_is_not_utf8_is_one_file_and_no_other() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let tmp = tempfile::tempdir().unwrap();
    let top = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    let name = OsStr::from_bytes(b"sc\xe9nario.toml");
    let write = |file: &Path, seed: u32| {
        let text = minimal.replace("seed = 7 ", &format!("seed = {seed} "));
        std::fs::write(file, text).unwrap();
    };
    // `run FOLDER/FILE --out FOLDER/res` from the top folder: its stderr.
    let run = |folder: &OsStr, file: &OsStr| {
        let o = Command::new(binary())
            .arg("run")
            .arg(Path::new(folder).join(file))
            .args(["--runs", "3", "--quiet", "--out"])
            .arg(Path::new(folder).join("res"))
            .current_dir(top)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        stderr
    };
    let with_prefix = |prefix: &[u8], folder: &[u8]| [prefix, folder].concat();
    let mut seed = 7;
    for folder in [&b"proj\xe9"[..], b"back\\slash", b"two\\\\slashes"] {
        let original = OsStr::from_bytes(folder);
        std::fs::create_dir(top.join(original)).unwrap();
        write(&top.join(original).join(name), seed);
        assert_eq!(run(original, name), "");
        // Edited: the same file.
        seed += 1;
        write(&top.join(original).join(name), seed);
        assert_eq!(run(original, name), "");
        // Moved with its results, edited, and typed from here by its new
        // path: the same project.
        let moved = with_prefix(b"moved-", folder);
        let moved = OsStr::from_bytes(&moved);
        std::fs::rename(top.join(original), top.join(moved)).unwrap();
        seed += 1;
        write(&top.join(moved).join(name), seed);
        assert_eq!(run(moved, name), "", "{}", moved.to_string_lossy());
        // Copied with its results and edited: the same project.
        let copy = with_prefix(b"copy-", folder);
        let copy = OsStr::from_bytes(&copy);
        let copied = Command::new("cp")
            .arg("-a")
            .arg(top.join(moved))
            .arg(top.join(copy))
            .status()
            .unwrap();
        assert!(copied.success());
        seed += 1;
        write(&top.join(copy).join(name), seed);
        assert_eq!(run(copy, name), "", "{}", copy.to_string_lossy());
    }

    // A manifest that wrote the byte as a replacement character, as
    // earlier versions did, still names this file.
    let folder = OsStr::from_bytes(b"moved-proj\xe9");
    let manifest = top.join(folder).join("res/manifest.json");
    let earlier = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("\\\\xe9", "\u{FFFD}");
    assert!(earlier.contains('\u{FFFD}'), "{earlier}");
    std::fs::write(&manifest, earlier).unwrap();
    seed += 1;
    write(&top.join(folder).join(name), seed);
    assert_eq!(run(folder, name), "");

    // Other files: another byte, and the escape spelt out in UTF-8. A
    // message shows a byte that is not UTF-8 as \xNN, and a name as typed.
    let other = OsStr::from_bytes(b"sc\xe8nario.toml");
    let spelt = OsStr::new("sc\\xe9nario.toml");
    write(&top.join(folder).join(other), 100);
    write(&top.join(folder).join(spelt), 101);
    let told = |was: &str, now: &str| {
        format!(
            "warning: moved-proj\\xe9/res held the results of moved-proj\\xe9/{was}, now \
             replaced by this run of moved-proj\\xe9/{now}; give each its own --out to keep both"
        )
    };
    let stderr = run(folder, other);
    assert!(
        stderr.contains(&told("sc\\xe9nario.toml", "sc\\xe8nario.toml")),
        "{stderr}"
    );
    let stderr = run(folder, spelt);
    assert!(
        stderr.contains(&told("sc\\xe8nario.toml", "sc\\xe9nario.toml")),
        "{stderr}"
    );
    let stderr = run(folder, name);
    assert!(
        stderr.contains(&told("sc\\xe9nario.toml", "sc\\xe9nario.toml")),
        "{stderr}"
    );
    let stderr = run(folder, name);
    assert_eq!(stderr, "");

    // With a manifest of the earlier kind, another file whose name reads
    // the same with a replacement character may be the one it names: its
    // results are told.
    let earlier = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("\\\\xe9", "\u{FFFD}");
    std::fs::write(&manifest, earlier).unwrap();
    let stderr = run(folder, other);
    assert!(
        stderr.contains("held the results of")
            && stderr.contains("now replaced by this run of moved-proj\\xe9/sc\\xe8nario.toml"),
        "{stderr}"
    );
    // So are those of a file whose folder's name reads the same.
    let shared = |folder: &[u8]| {
        let o = Command::new(binary())
            .arg("run")
            .arg(Path::new(OsStr::from_bytes(folder)).join("s.toml"))
            .args(["--runs", "3", "--quiet", "--out", "shared"])
            .current_dir(top)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    for (folder, seed) in [(&b"lossy\xe9"[..], 200), (b"lossy\xe8", 201)] {
        std::fs::create_dir(top.join(OsStr::from_bytes(folder))).unwrap();
        write(&top.join(OsStr::from_bytes(folder)).join("s.toml"), seed);
    }
    assert_eq!(shared(b"lossy\xe9"), "");
    let manifest = top.join("shared/manifest.json");
    let earlier = std::fs::read_to_string(&manifest)
        .unwrap()
        .replace("\\\\xe9", "\u{FFFD}");
    std::fs::write(&manifest, earlier).unwrap();
    let stderr = shared(b"lossy\xe8");
    assert!(
        stderr.contains("held the results of")
            && stderr.contains("now replaced by this run of lossy\\xe8/s.toml"),
        "{stderr}"
    );
}

/// `sharecast ARGS` (with `minimal.toml` for `SCENARIO`) in `dir`, its
/// standard output sent to `stdout`; the exit code and stderr.
fn minimal_with_stdout(
    dir: &Path,
    args: &[&str],
    stdout: impl Into<Stdio>,
) -> (Option<i32>, String) {
    let scenario = repo_root().join("scenarios/minimal.toml");
    let args = args.iter().map(|a| {
        if *a == "SCENARIO" {
            scenario.to_str().unwrap()
        } else {
            a
        }
    });
    let o = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_no_panic(&stderr);
    (o.status.code(), stderr)
}

/// A reader that stops early (`sharecast check ... | head`) closes the
/// pipe: both commands still end normally, with no panic, and `run` has
/// written its files.
#[test]
fn a_closed_standard_output_is_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [
        &["check", "SCENARIO"][..],
        &["run", "SCENARIO", "--runs", "5", "--out", "r"],
    ] {
        // The read end is gone before the process starts, so every write to
        // standard output fails with a broken pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let (code, stderr) = minimal_with_stdout(tmp.path(), args, writer);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
    }
    assert!(tmp.path().join("r/shares.csv").is_file());
}

/// A standard output that cannot take the report (a log file on a full
/// disk) is an error, exit 1, but the results are already written whole.
#[test]
fn a_full_standard_output_fails_with_1_after_the_results_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let args = ["run", "SCENARIO", "--runs", "5", "--out", "r"];
    let (code, stderr) = minimal_with_stdout(tmp.path(), &args, full);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "error: the results were written to r, but their summary could not be shown: \
             cannot write to standard output: No space left on device"
        ),
        "{stderr}"
    );
    for name in [
        "shares.csv",
        "adoption.csv",
        "revenue.csv",
        "shares_wide.csv",
        "summary.csv",
        "manifest.json",
    ] {
        assert!(tmp.path().join("r").join(name).is_file(), "{name} missing");
    }
}

/// `sharecast ARGS` run in `dir` under an address-space limit of `kib`
/// KiB (`ulimit -v`).
fn under_address_space_limit(dir: &Path, kib: &str, args: &[&str]) -> std::process::Output {
    Command::new("sh")
        .args([
            "-c",
            "ulimit -v \"$1\" && shift && exec \"$0\" \"$@\"",
            binary(),
            kib,
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// The text in `text` between the first `marker` and the next `end`.
fn text_after(text: &str, marker: &str, end: char) -> Option<String> {
    text.split(marker)
        .nth(1)
        .and_then(|rest| rest.split(end).next())
        .map(str::to_string)
}

/// Reading a scenario takes memory in proportion to its tables, keys and
/// values: a file of 45,000 events (2 MiB, about 250 MiB to read) under
/// a limit it may exceed is refused before it is parsed, with exit 2, the
/// file named and nothing written, by `run` and by `check`; under a limit
/// with room for it, the same file runs. `--no-memory-check` skips the
/// check, on `check` too.
#[test]
fn a_scenario_too_large_to_read_under_the_limit_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "start = \"2026-01\"\nperiods = 12\n[[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
         [[agency]]\nname = \"Ag\"\nunits = 50\ninnovation = 0.05\nimitation = 0.3\nterm = 6\n",
    );
    for k in 0..45_000 {
        text.push_str(&format!(
            "[[event]]\nat = {}\nvendor = \"A\"\nadd = {{ brand = 0.0 }}\n",
            k % 12
        ));
    }
    std::fs::write(tmp.path().join("events.toml"), &text).unwrap();
    let refused = |o: &std::process::Output| {
        let stderr = String::from_utf8_lossy(&o.stderr).to_string();
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert_no_panic(&stderr);
        assert!(
            stderr.starts_with("error: events.toml: reading this scenario file of ")
                && stderr
                    .contains("this process's address-space limit (ulimit -v, 195.3 MiB) leaves ")
                && stderr.contains("(--no-memory-check reads it anyway)"),
            "{stderr}"
        );
    };
    let run = ["run", "events.toml", "--runs", "2", "--quiet", "--out", "o"];
    refused(&under_address_space_limit(tmp.path(), "200000", &run));
    assert!(!tmp.path().join("o").exists());
    let check = ["check", "events.toml", "--quiet"];
    refused(&under_address_space_limit(tmp.path(), "200000", &check));
    // With room for the bound and the program, it runs.
    let o = under_address_space_limit(tmp.path(), "2000000", &run);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(tmp.path().join("o").join("shares.csv").is_file());
    // Without the check, the limit is the process's to meet: nothing is
    // refused for reading (whether the parse then fits is the machine's
    // affair).
    for command in [&run[..], &check[..]] {
        let unchecked = [command, &["--no-memory-check"]].concat();
        let o = under_address_space_limit(tmp.path(), "200000", &unchecked);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.contains("reading this scenario file"), "{stderr}");
        assert!(!stderr.contains("unexpected argument"), "{stderr}");
    }
}

/// The bound on reading memory holds for the constructs that take the most
/// for their size (dotted keys of many parts in inline tables, under
/// headers, and headers of dotted names; blank lines and runs of brackets,
/// a token a byte): under a limit that leaves just
/// the bound beside what the program maps at start-up, the check lets the
/// file through and reading it fits, with no abort.
#[test]
fn the_reading_bound_holds_for_the_densest_toml() {
    let tmp = tempfile::tempdir().unwrap();
    let size = 512 * 1024;
    let repeat = |unit: &str, head: &str, tail: &str| {
        format!("{head}{}{tail}", unit.repeat(size / unit.len()))
    };
    let files = [
        repeat("{a.b.c.d.e.f.g.h.i=0},", "x = [", "]\n"),
        repeat("[[e]]\na.b.c.d=0\n", "", ""),
        (0..size / 12).map(|i| format!("[a{i}.b.c]\n")).collect(),
        // A token for each byte, and no marks.
        "\n".repeat(8 * size),
        format!("x = {}", "]".repeat(8 * size)),
    ];
    for (n, text) in files.iter().enumerate() {
        let name = format!("dense{n}.toml");
        std::fs::write(tmp.path().join(&name), text).unwrap();
        let marks = text.bytes().filter(|b| b"{[.=,".contains(b)).count() as u64;
        let bound = 80 * text.len() as u64 + 1280 * marks;
        // What the program maps before it reads (its code, libraries and
        // first heap) is well under 64 MiB.
        let kib = (bound >> 10) + 64 * 1024;
        let o =
            under_address_space_limit(tmp.path(), &kib.to_string(), &["check", &name, "--quiet"]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_no_panic(&stderr);
        // A blank file is a scenario without keys: refused as such.
        assert_eq!(o.status.code(), Some(2), "{name} under {kib} KiB: {stderr}");
        assert!(
            !stderr.contains("memory allocation") && !stderr.contains("reading this scenario file"),
            "{name} under {kib} KiB: {stderr}"
        );
    }
}

/// Under an address-space limit (`ulimit -v`) an allocation beyond it
/// aborts the process, so the memory check counts the limit too, with
/// room for what the allocator and threads map; both the run count and
/// the limit it advises then run, and a small job runs under a limit
/// far below the large one's need. A job that many threads alone put over
/// the limit is told how many threads it fits on, and runs on them.
#[test]
fn an_address_space_limit_is_part_of_the_memory_check() {
    let tmp = tempfile::tempdir().unwrap();
    let on_threads = |threads: &str, kib: &str, scenario: &str, runs: &str, out: &str| {
        let scenario = repo_root().join(scenario);
        let run = ["run", scenario.to_str().unwrap(), "--runs", runs];
        let rest = ["--threads", threads, "--quiet", "--out", out];
        under_address_space_limit(tmp.path(), kib, &[&run[..], &rest].concat())
    };
    let under_limit = |kib: &str, scenario: &str, runs: &str, out: &str| {
        on_threads("2", kib, scenario, runs, out)
    };
    let large = "scenarios/bench/large.toml";
    let o = under_limit("400000", large, "20000", "o");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert_no_panic(&stderr);
    assert!(
        stderr.contains("of address space with what the allocator and threads map beside it, but this process's address-space limit (ulimit -v, 390.6 MiB) leaves ")
            && stderr.contains(" KiB (ulimit -v ")
            && stderr.contains("reduce --runs to at most"),
        "{stderr}"
    );
    assert!(!tmp.path().join("o").exists());
    // `check --runs` foresees the refusal, in the same words.
    let scenario = repo_root().join(large);
    let o = under_address_space_limit(
        tmp.path(),
        "400000",
        &["check", scenario.to_str().unwrap(), "--runs", "20000"],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("\n`run` would refuse it: this run would need about ")
            && stdout.contains("this process's address-space limit (ulimit -v, 390.6 MiB) leaves "),
        "{stdout}"
    );
    let advised = |marker: &str, end: char| text_after(&stderr, marker, end).expect(marker);
    let advised_runs = advised("--runs to at most ", ',');
    let o = under_limit("400000", large, &advised_runs, "advised");
    assert!(
        o.status.success(),
        "{advised_runs} runs: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let advised_limit = advised("(ulimit -v ", ')');
    let o = under_limit(&advised_limit, large, "20000", "raised");
    assert!(
        o.status.success(),
        "ulimit -v {advised_limit}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The default scenario's single run maps about 14 MiB.
    let o = under_limit("200000", "scenarios/gov-ai-2026.toml", "1", "small");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let default = "scenarios/gov-ai-2026.toml";
    let o = on_threads("16", "50000", default, "20", "many");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("even one run does not fit on 16 threads: use --threads ")
            && stderr.contains(" or fewer (each worker thread reserves address space of its own)")
            && !stderr.contains("vendors"),
        "{stderr}"
    );
    let advised_threads = text_after(&stderr, "use --threads ", ' ').expect("a thread count");
    assert!(
        advised_threads
            .parse::<u32>()
            .is_ok_and(|t| (1..16).contains(&t)),
        "{stderr}"
    );
    let o = on_threads(&advised_threads, "50000", default, "20", "fewer");
    assert!(
        o.status.success(),
        "--threads {advised_threads}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!tmp.path().join("many").exists());

    // Too many runs for any number of threads: one thread with the most
    // runs it takes.
    let o = on_threads("16", "50000", default, "200000", "many");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let advised_runs = text_after(&stderr, "use --threads 1 with --runs at most ", ' ')
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(!stderr.contains("vendors"), "{stderr}");
    let o = on_threads("1", "50000", default, &advised_runs, "one");
    assert!(
        o.status.success(),
        "--threads 1 --runs {advised_runs}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A job the memory check lets through under an address-space limit
/// completes: glibc reserves 64 MiB of address space for each heap of its
/// own, so before the threads shared one heap under a limit, jobs that
/// fitted by the check aborted at random. Each advice the refusal gives
/// (fewer threads or runs, or a higher limit) is followed several times,
/// and every attempt must finish.
#[test]
fn a_job_the_address_space_check_lets_through_completes() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("tests/fixtures/address-space.toml");
    let scenario = scenario.to_str().unwrap();
    let attempt = |kib: &str, threads: &str, runs: &str| {
        let args = ["run", scenario, "--runs", runs, "--threads", threads];
        under_address_space_limit(
            tmp.path(),
            kib,
            &[&args[..], &["--quiet", "--out", "out"]].concat(),
        )
    };
    let o = attempt("45000", "2", "4000");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let (threads, runs) = match text_after(&stderr, "use --threads 1 with --runs at most ", ' ') {
        Some(runs) => ("1", runs),
        None => (
            "2",
            text_after(&stderr, "--runs to at most ", ',').expect(&stderr),
        ),
    };
    let limit = text_after(&stderr, "(ulimit -v ", ')').expect(&stderr);
    for _ in 0..6 {
        let o = attempt("45000", threads, &runs);
        assert!(
            o.status.success(),
            "--threads {threads} --runs {runs}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = attempt(&limit, "2", "4000");
        assert!(
            o.status.success(),
            "ulimit -v {limit}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// In a market of many small segments (2,000 agencies times 500 tiers,
/// two vendors) the count engine's working set is mostly each segment's
/// own bookkeeping, which the estimate counts: a run under the
/// address-space limit the refusal advises completes instead of aborting
/// when an allocation fails.
#[test]
fn the_limit_advised_for_a_market_of_many_segments_is_enough() {
    let tmp = tempfile::tempdir().unwrap();
    let tiers: Vec<String> = (0..500).map(|t| format!("\"t{t}\"")).collect();
    let mut text = format!(
        "name = \"many segments\"\nstart = \"2026-01\"\nperiods = 2\ntiers = [{}]\n",
        tiers.join(", ")
    );
    for v in 0..2 {
        text += &format!("[[vendor]]\nname = \"v{v}\"\nbrand = 0.5\naccess = {{ t0 = 1.0 }}\n");
    }
    for a in 0..2000 {
        text += &format!(
            "[[agency]]\nname = \"a{a}\"\nunits = 10\ninnovation = 0.01\nimitation = 0.1\nterm = 12\n"
        );
    }
    std::fs::write(tmp.path().join("segments.toml"), text).unwrap();
    let run = |kib: &str, out: &str| {
        let args = ["run", "segments.toml", "--runs", "1", "--threads", "1"];
        under_address_space_limit(
            tmp.path(),
            kib,
            &[&args[..], &["-q", "--out", out]].concat(),
        )
    };
    let o = run("100000", "refused");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    let advised = text_after(&stderr, "(ulimit -v ", ')').expect("a limit advised");
    let o = run(&advised, "advised");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_no_panic(&stderr);
    assert!(o.status.success(), "ulimit -v {advised}: {stderr}");
    assert!(tmp.path().join("advised/shares.csv").is_file());
}

/// Under an address-space limit too low for even an empty job, only a
/// higher limit is advised; over both the memory and the limit, the
/// message names both.
#[test]
fn a_memory_refusal_names_what_would_help() {
    let tmp = tempfile::tempdir().unwrap();
    let under_limit = |kib: &str, args: &[&str]| under_address_space_limit(tmp.path(), kib, args);
    let minimal = repo_root().join("scenarios/minimal.toml");
    let minimal = minimal.to_str().unwrap();
    let o = under_limit(
        "20000",
        &[
            "run",
            minimal,
            "--runs",
            "1",
            "--threads",
            "1",
            "--quiet",
            "--out",
            "o",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("even one run does not fit: raise the limit to at least ")
            && !stderr.contains("reduce")
            && !stderr.contains("horizon"),
        "{stderr}"
    );
    let o = under_limit(
        "1000000",
        &[
            "run",
            minimal,
            "--runs",
            "100000000",
            "--quiet",
            "--out",
            "o",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(" is available, and about ")
            && stderr.contains(
                "while this process's address-space limit (ulimit -v, 976.6 MiB) leaves "
            ),
        "{stderr}"
    );
    assert!(!tmp.path().join("o").exists());
}

#[test]
fn a_run_too_large_for_memory_is_refused_before_it_starts() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_shipped(
        tmp.path(),
        "scenarios/bench/large.toml",
        &["--runs", "100000000", "--out", "o"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("would need about") && stderr.contains("reduce --runs to at most"),
        "{stderr}"
    );
    assert!(stderr.contains("--no-memory-check"));
    assert!(!tmp.path().join("o").exists());

    // The unit engine's need grows with the units, the count engine's not:
    // the advice says which to drop.
    let text = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    let huge = text.replacen("units = 100 ", "units = 4000000000 ", 1);
    assert_ne!(huge, text);
    std::fs::write(tmp.path().join("huge.toml"), huge).unwrap();
    let o = sharecast(
        tmp.path(),
        &[
            "run",
            "huge.toml",
            "--engine",
            "units",
            "--runs",
            "5",
            "--out",
            "o",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("even one run does not fit with --engine units, which follows every unit: leave out --engine units")
            && !stderr.contains("horizon"),
        "{stderr}"
    );
    assert!(!tmp.path().join("o").exists());
    let o = sharecast(
        tmp.path(),
        &["run", "huge.toml", "--runs", "5", "--out", "o", "--quiet"],
    );
    assert_eq!(o.status.code(), Some(0), "the count engine runs it");
    // Where the run records take the memory, the engine is not the advice.
    let o = run_shipped(
        tmp.path(),
        "scenarios/bench/large.toml",
        &["--runs", "100000000", "--engine", "units", "--out", "o"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("reduce --runs to at most") && !stderr.contains("--engine units"),
        "{stderr}"
    );
}

/// Only the files a run writes are replaced: a runs.csv from an earlier
/// --per-run run stays. A run without --per-run keeps it as its own when it
/// holds exactly what --per-run would write now (the manifest lists it,
/// nothing is said), whatever the earlier manifest says; otherwise a
/// warning says so, naming the inputs that differ when the manifest tells.
/// Every such warning is in the new manifest too.
#[test]
fn a_leftover_runs_csv_is_pointed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::write(dir.join("m.toml"), &minimal).unwrap();
    let manifest = || -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(dir.join("o/manifest.json")).unwrap()).unwrap()
    };
    let run = |args: &[&str]| -> String {
        let mut all = vec!["run", "m.toml", "--out", "o", "--quiet"];
        all.extend(args);
        let o = sharecast(dir, &all);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{all:?}: {stderr}");
        stderr
    };
    let files = |m: &serde_json::Value| -> Vec<String> {
        serde_json::from_value(m["files"].clone()).unwrap()
    };
    let warnings = |m: &serde_json::Value| -> Vec<String> {
        serde_json::from_value(m["warnings"].clone()).unwrap()
    };
    let kept_silently = |args: &[&str]| {
        let stderr = run(args);
        assert!(!stderr.contains("warning"), "{args:?}: {stderr}");
        let m = manifest();
        assert_eq!(
            files(&m).last().map(String::as_str),
            Some("runs.csv"),
            "{m}"
        );
        assert!(warnings(&m).is_empty(), "{m}");
    };
    let stale = |args: &[&str], expected: &str| {
        let stderr = run(args);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        let m = manifest();
        assert!(!files(&m).contains(&"runs.csv".to_string()), "{m}");
        assert!(warnings(&m).iter().any(|w| w.contains(expected)), "{m}");
    };
    let not_ours = "and does not match these results (only --per-run replaces it)";

    assert!(!run(&["--runs", "3", "--per-run"]).contains("warning"));
    let written = std::fs::read(dir.join("o/runs.csv")).unwrap();
    // The same inputs again, and again: that runs.csv is this run's too.
    kept_silently(&["--runs", "3"]);
    kept_silently(&["--runs", "3"]);
    // Other inputs: what differs is named.
    stale(
        &["--runs", "4", "--seed", "9"],
        &format!(
            "o/runs.csv is from an earlier run of other inputs (runs 3, now 4; seed 7, now 9) {not_ours}"
        ),
    );
    // The same inputs as the file's run, after a run of others: its own
    // again, though the manifest no longer describes it.
    kept_silently(&["--runs", "3"]);
    stale(
        &["--runs", "3", "--set", "agency.Agency.term=6"],
        &format!(
            "o/runs.csv is from an earlier run of other inputs (other --set settings) {not_ours}"
        ),
    );
    // The file as it is again: its runs.csv is kept; what is said is that
    // the --set run's results were replaced.
    let stderr = run(&["--runs", "3"]);
    assert!(
        stderr.contains("warning: o held the results of m.toml with --set agency.Agency.term=6")
            && !stderr.contains("runs.csv"),
        "{stderr}"
    );
    assert_eq!(
        files(&manifest()).last().map(String::as_str),
        Some("runs.csv")
    );
    kept_silently(&["--runs", "3"]);
    stale(
        &["--runs", "3", "--engine", "units"],
        &format!(
            "o/runs.csv is from an earlier run of other inputs (engine counts, now units) {not_ours}"
        ),
    );
    // A file edited where no number changes gives the same runs.
    std::fs::write(dir.join("m.toml"), format!("# edited\n{minimal}")).unwrap();
    kept_silently(&["--runs", "3"]);
    // Edited where a number changes: the contents differ.
    std::fs::write(
        dir.join("m.toml"),
        minimal.replace("term = 12 ", "term = 9  "),
    )
    .unwrap();
    stale(
        &["--runs", "3"],
        &format!(
            "o/runs.csv is from an earlier run of other inputs (other scenario file contents) {not_ours}"
        ),
    );
    std::fs::write(dir.join("m.toml"), &minimal).unwrap();
    // A file the manifest says matches but that differs (another build's
    // numbers, or changed by hand) is not taken on trust.
    kept_silently(&["--runs", "3"]);
    let mut changed = written.clone();
    *changed.last_mut().unwrap() = b'\r';
    std::fs::write(dir.join("o/runs.csv"), &changed).unwrap();
    stale(
        &["--runs", "3"],
        "o/runs.csv does not match these results, though o/manifest.json describes a run of \
         the same inputs: it has changed since that run wrote it, or a build of sharecast that \
         gives other numbers wrote it (only --per-run replaces it)",
    );
    // Listed by a manifest that another version wrote of the same inputs:
    // that build is named.
    std::fs::write(dir.join("o/runs.csv"), &written).unwrap();
    kept_silently(&["--runs", "3"]);
    let mut other_build = manifest();
    other_build["sharecast_version"] = "0.0.1".into();
    std::fs::write(
        dir.join("o/manifest.json"),
        serde_json::to_vec_pretty(&other_build).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.join("o/runs.csv"), &changed).unwrap();
    stale(
        &["--runs", "3"],
        &format!(
            "o/runs.csv is from an earlier run of the same inputs by another build (sharecast \
             version 0.0.1, now {}) and does not match these results: that build gives other \
             numbers, or the file has changed since (only --per-run replaces it)",
            env!("CARGO_PKG_VERSION")
        ),
    );
    // Alone, with no manifest at all, it stops the run: nothing says
    // sharecast wrote it.
    for name in [
        "manifest.json",
        "shares.csv",
        "adoption.csv",
        "revenue.csv",
        "shares_wide.csv",
        "summary.csv",
    ] {
        std::fs::remove_file(dir.join("o").join(name)).unwrap();
    }
    let o = sharecast(
        dir,
        &["run", "m.toml", "--out", "o", "--quiet", "--runs", "3"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("o holds runs.csv with no manifest.json to say sharecast wrote it"),
        "{stderr}"
    );
    // Beside a manifest that does not describe it (a run's, written while
    // it was elsewhere), it is told apart from these results.
    std::fs::rename(dir.join("o/runs.csv"), dir.join("runs.csv")).unwrap();
    run(&["--runs", "3"]);
    std::fs::rename(dir.join("runs.csv"), dir.join("o/runs.csv")).unwrap();
    stale(
        &["--runs", "3"],
        &format!("o/runs.csv is from an earlier run {not_ours}"),
    );
    // --per-run replaces it, naming it: the manifest does not list it, so
    // it may be another run's (or the user's own file).
    let stderr = run(&["--runs", "3", "--per-run"]);
    assert!(
        stderr.contains(
            "o held runs.csv, which its manifest.json does not list (results of an earlier job \
             whose manifest another job replaced, or other files), now replaced by this run's \
             files; give each job its own --out to keep it"
        ),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.join("o/runs.csv")).unwrap(), written);
    // Another number of runs is told from the end of the file.
    stale(
        &["--runs", "2"],
        &format!("o/runs.csv is from an earlier run of other inputs (runs 3, now 2) {not_ours}"),
    );
    // A folder of that name is not read, but pointed out.
    std::fs::remove_file(dir.join("o/runs.csv")).unwrap();
    std::fs::create_dir(dir.join("o/runs.csv")).unwrap();
    stale(
        &["--runs", "3"],
        "o/runs.csv is not a regular file, so it holds no run's results",
    );
}

/// Files named like any command's results with no manifest beside them
/// stop every command that would write there, not only the one whose files
/// they are named like: a comparison's manifest written beside a user's
/// `shares.csv` would otherwise have the next `run` take that file for an
/// earlier run's and replace it. A lone `runs.csv` counts too.
#[test]
fn files_without_a_manifest_stop_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::write(dir.join("m.toml"), &minimal).unwrap();
    std::fs::write(dir.join("m2.toml"), format!("# another\n{minimal}")).unwrap();
    for (own, jobs) in [
        (
            "shares.csv",
            &[
                &["run", "m.toml"][..],
                &["compare", "m.toml", "m2.toml"],
                &["sweep", "m.toml", "--vary", "agency.Agency.caution=0.1,0.2"],
            ][..],
        ),
        ("sweep_summary.csv", &[&["run", "m.toml"][..]]),
        ("shares_diff.csv", &[&["run", "m.toml"][..]]),
        ("runs.csv", &[&["run", "m.toml"][..]]),
    ] {
        let folder = dir.join("b");
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join(own), "mine\n").unwrap();
        let before = snapshot(&folder);
        for job in jobs {
            let o = sharecast(
                dir,
                &[*job, &["--runs", "3", "--quiet", "--out", "b"][..]].concat(),
            );
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{own}, {job:?}: {stderr}");
            assert!(
                stderr.contains(&format!(
                    "b holds {own} with no manifest.json to say sharecast wrote it, so sharecast \
                     will not write there"
                )),
                "{own}, {job:?}: {stderr}"
            );
            assert_eq!(snapshot(&folder), before, "{own}, {job:?}");
        }
    }
}

/// Results of one scenario file written over those of another (two files
/// of one name in different folders, a file named like the folder of
/// another's `--set` settings, or the same file with other settings) are
/// pointed out once the new files are in place, naming both; the same file
/// again, however its path is spelt, whatever its seed and with the same
/// settings in any order, is not, nor a folder whose manifest is
/// unreadable or another command's, nor a command refused. Results with no
/// manifest, or another program's manifest, are refused.
#[test]
fn results_of_another_scenario_replaced_are_pointed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let minimal = std::fs::read_to_string(repo_root().join("scenarios/minimal.toml")).unwrap();
    // Four different scenarios (their contents differ by a comment).
    for file in ["a/base.toml", "b/base.toml", "m.toml", "m2.toml"] {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, format!("# {file}\n{minimal}")).unwrap();
    }
    let stderr_of = |args: &[&str]| -> String {
        let mut all = args.to_vec();
        all.extend(["--runs", "3", "--quiet"]);
        let o = sharecast(dir, &all);
        let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{all:?}: {stderr}");
        stderr
    };
    let replaced = "held the results of";
    // The same file again, spelt another way, with another seed.
    for args in [
        &["run", "a/base.toml"][..],
        &["run", "./a/base.toml", "--seed", "9"],
    ] {
        let stderr = stderr_of(args);
        assert!(!stderr.contains("warning"), "{args:?}: {stderr}");
    }
    // The same file given relative to another folder (a manifest records
    // the path as typed), or a copy of it elsewhere: the same scenario.
    let o = sharecast(
        &dir.join("a"),
        &[
            "run",
            "base.toml",
            "--out",
            "../out/base",
            "--runs",
            "3",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && !stderr.contains("warning"),
        "{stderr}"
    );
    std::fs::create_dir_all(dir.join("copy")).unwrap();
    std::fs::copy(dir.join("a/base.toml"), dir.join("copy/base.toml")).unwrap();
    assert!(!stderr_of(&["run", "copy/base.toml"]).contains("warning"));
    // The same file with a setting: another scenario, then the same again.
    let with_term_6 = [
        "run",
        "a/../a/base.toml",
        "--set",
        "agency.Agency.term=6",
        "--out",
        "out/base",
    ];
    let stderr = stderr_of(&with_term_6);
    assert!(
        stderr.contains(
            "warning: out/base held the results of copy/base.toml, now replaced by this run of \
             a/../a/base.toml with --set agency.Agency.term=6; give each its own --out to keep both\n"
        ),
        "{stderr}"
    );
    assert!(!stderr_of(&with_term_6).contains("warning"));
    // Another file of the same name writes into the same folder.
    let before = snapshot(&dir.join("out/base"));
    let stderr = stderr_of(&["run", "b/base.toml"]);
    assert!(
        stderr.contains(
            "warning: out/base held the results of a/../a/base.toml with --set agency.Agency.term=6, \
             now replaced by this run of b/base.toml; give each its own --out to keep both\n"
        ),
        "{stderr}"
    );
    assert_ne!(snapshot(&dir.join("out/base")), before);
    // The manifest written lists the warning too, though it is printed
    // after the files are in place.
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out/base/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["warnings"],
        serde_json::json!([
            "out/base held the results of a/../a/base.toml with --set agency.Agency.term=6, now \
             replaced by this run of b/base.toml; give each its own --out to keep both"
        ])
    );
    // A file named like the folder of another's settings writes into it
    // too.
    assert!(!stderr_of(&["run", "m.toml", "--set", "agency.Agency.term=6"]).contains("warning"));
    let folder = out_folder(dir, "m-with-agency.Agency.term-6");
    let named_like = format!("{}.toml", folder.file_name().unwrap().to_str().unwrap());
    std::fs::write(dir.join(&named_like), format!("# named like\n{minimal}")).unwrap();
    let stderr = stderr_of(&["run", &named_like]);
    let shown = folder.strip_prefix(dir).unwrap().display();
    assert!(
        stderr.contains(&format!(
            "warning: {shown} held the results of m.toml with --set agency.Agency.term=6, now \
             replaced by this run of {named_like}; give each its own --out to keep both"
        )),
        "{stderr}"
    );
    // Another variant of the same file has a folder of its own.
    let stderr = stderr_of(&["run", "m.toml", "--set", "agency.Agency.term=9"]);
    assert!(!stderr.contains(replaced), "{stderr}");
    let term_9 = out_folder(dir, "m-with-agency.Agency.term-9");
    assert!(term_9.join("summary.csv").is_file());
    // Into one folder, other settings replace the results.
    let stderr = stderr_of(&[
        "run",
        "m.toml",
        "--set",
        "agency.Agency.term=6",
        "--out",
        "t9",
    ]);
    assert!(!stderr.contains(replaced), "{stderr}");
    let stderr = stderr_of(&[
        "run",
        "m.toml",
        "--set",
        "agency.Agency.term=9",
        "--out",
        "t9",
    ]);
    assert!(
        stderr.contains(
            "warning: t9 held the results of m.toml with --set agency.Agency.term=6, now \
             replaced by this run of m.toml with --set agency.Agency.term=9; give each its own \
             --out to keep both"
        ),
        "{stderr}"
    );
    // The same settings in another order are the same scenario.
    let (term, caution) = ("agency.Agency.term=9", "agency.Agency.caution=0.2");
    stderr_of(&["run", "m.toml", "--set", term, "--set", caution]);
    let stderr = stderr_of(&["run", "m.toml", "--set", caution, "--set", term]);
    assert!(!stderr.contains(replaced), "{stderr}");
    // compare: either file's change counts.
    assert!(!stderr_of(&["compare", "a/base.toml", "m.toml", "--out", "c"]).contains(replaced));
    assert!(!stderr_of(&["compare", "./a/base.toml", "m.toml", "--out", "c"]).contains(replaced));
    let stderr = stderr_of(&["compare", "a/base.toml", "m2.toml", "--out", "c"]);
    assert!(
        stderr.contains(
            "warning: c held the comparison of ./a/base.toml against m.toml, now replaced by \
             this comparison of a/base.toml against m2.toml; give each its own --out to keep both"
        ),
        "{stderr}"
    );
    // sweep.
    let vary = ["--vary", "agency.Agency.term=6,9", "--out", "s"];
    assert!(!stderr_of(&[&["sweep", "m.toml"][..], &vary].concat()).contains(replaced));
    let stderr = stderr_of(&[&["sweep", "m2.toml"][..], &vary].concat());
    assert!(
        stderr.contains(
            "warning: s held a sweep of agency.Agency.term over m.toml, now replaced by this \
             sweep of m2.toml; give each its own --out to keep both"
        ),
        "{stderr}"
    );
    // Another number of the same file: the earlier sweep is lost too.
    // Other values of the same number are a sweep refined, not a loss.
    let stderr = stderr_of(&[
        "sweep",
        "m2.toml",
        "--vary",
        "agency.Agency.caution=0.1,0.5",
        "--out",
        "s",
    ]);
    assert!(
        stderr.contains(
            "warning: s held a sweep of agency.Agency.term over m2.toml, now replaced by \
             this sweep of agency.Agency.caution; give each its own --out to keep both"
        ),
        "{stderr}"
    );
    let stderr = stderr_of(&[
        "sweep",
        "m2.toml",
        "--vary",
        "agency.Agency.caution=0.2..0.4:3",
        "--out",
        "s",
    ]);
    assert!(!stderr.contains("warning"), "{stderr}");
    // Another file and another number: both are said.
    let stderr = stderr_of(&[
        "sweep",
        "m.toml",
        "--vary",
        "agency.Agency.term=6,9",
        "--out",
        "s",
    ]);
    assert!(
        stderr.contains(
            "warning: s held a sweep of agency.Agency.caution over m2.toml, now replaced \
             by this sweep of agency.Agency.term over m.toml; give each its own --out to keep both"
        ),
        "{stderr}"
    );
    let stderr = stderr_of(&[
        "sweep",
        "m2.toml",
        "--vary",
        "agency.Agency.caution=0.2..0.4:3",
        "--out",
        "s",
    ]);
    assert!(
        stderr.contains("now replaced by this sweep of agency.Agency.caution over m2.toml"),
        "{stderr}"
    );
    // A run beside a sweep's files replaces none of them: only the manifest
    // changes, which the warning about other commands' files says.
    let stderr = stderr_of(&["run", "m.toml", "--out", "s"]);
    assert!(
        !stderr.contains(replaced) && stderr.contains("from an earlier `sharecast sweep`"),
        "{stderr}"
    );
    // A refused command says nothing of the folder and writes nothing.
    let before = snapshot(&dir.join("out/base"));
    let o = sharecast(
        dir,
        &[
            "run",
            "a/base.toml",
            "--set",
            "agency.Agency.caution=2",
            "--quiet",
        ],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains(replaced), "{stderr}");
    assert_eq!(snapshot(&dir.join("out/base")), before);
    // Without a manifest, nothing says sharecast wrote the files there (a
    // spreadsheet's summary.csv, say): refused, with nothing written.
    std::fs::remove_file(dir.join("out/base/manifest.json")).unwrap();
    let before = snapshot(&dir.join("out/base"));
    let o = sharecast(dir, &["run", "a/base.toml", "--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "out/base holds shares.csv, adoption.csv, revenue.csv, shares_wide.csv, summary.csv \
             with no manifest.json to say sharecast wrote them, so sharecast will not write there"
        ),
        "{stderr}"
    );
    assert_eq!(snapshot(&dir.join("out/base")), before);
    // A manifest sharecast did not write is another program's folder:
    // refused, with nothing written.
    for (foreign, why) in [
        ("{ \"files\": [", "it cannot be read as JSON"),
        (
            "{ \"name\": \"my-extension\" }",
            "it names no sharecast_version",
        ),
        (
            "{ \"sharecast_version\": 1 }",
            "its sharecast_version is not text",
        ),
    ] {
        std::fs::write(dir.join("out/base/manifest.json"), foreign).unwrap();
        let before = snapshot(&dir.join("out/base"));
        let o = sharecast(dir, &["run", "b/base.toml", "--quiet"]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "out/base/manifest.json is not a manifest sharecast wrote ({why}), so the folder \
                 looks like another program's"
            )),
            "{stderr}"
        );
        assert_eq!(snapshot(&dir.join("out/base")), before);
    }
}

/// The periods and sweep values advised for a statistics file too long for
/// a spreadsheet are the most that fit, also where a period's or a value's
/// rows divide the 1,048,576 rows a spreadsheet opens (128 and 2,048 here),
/// and a sweep is not told to sweep fewer values when one value's rows are
/// already too many.
#[test]
fn the_periods_and_values_advised_for_a_long_file_are_the_most_that_fit() {
    let tmp = tempfile::tempdir().unwrap();
    // One tier, six agencies, eight vendors: (1 + 1 + 6) scopes x 8 vendors
    // x 2 shares = 128 share rows a period.
    let scenario = |periods: u32| {
        let mut text = format!("start = \"2026-01\"\nperiods = {periods}\n");
        for v in 0..8 {
            text += &format!(
                "[[vendor]]\nname = \"V{v}\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n"
            );
        }
        for a in 0..6 {
            text += &format!(
                "[[agency]]\nname = \"A{a}\"\nunits = 10\nterm = 12\ninnovation = 0.02\nimitation = 0.2\n"
            );
        }
        let file = tmp.path().join(format!("p{periods}.toml"));
        std::fs::write(&file, text).unwrap();
        file.to_str().unwrap().to_string()
    };
    let check = |periods: u32| {
        let o = sharecast(tmp.path(), &["check", &scenario(periods), "--quiet"]);
        assert_eq!(o.status.code(), Some(0));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let stderr = check(10_000);
    assert!(
        stderr.contains(
            "shares.csv will have 1280001 rows, more than a spreadsheet opens (1048576 with the \
             header): 128 rows a period (all units, 1 tier and 6 agencies x 8 vendors x 2 shares) \
             over 10000 periods; filter it with a script, or cover the horizon in at most 8191 \
             periods"
        ),
        "{stderr}"
    );
    // 8,191 periods are 1,048,448 rows and the header; 8,192 one row too many.
    assert!(!check(8191).contains("more than a spreadsheet opens"));
    assert!(check(8192).contains("shares.csv will have 1048577 rows"));

    let sweep = |periods: u32, vary: &str| {
        let o = sharecast(
            tmp.path(),
            &[
                "sweep",
                &scenario(periods),
                "--vary",
                vary,
                "--strict",
                "--quiet",
                "--out",
                "sweep",
            ],
        );
        assert_eq!(o.status.code(), Some(2));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    // 16 periods: 2,048 rows a value; 511 values fit, 512 are one row too many.
    let stderr = sweep(16, "agency.*.caution=0..0.599:600");
    assert!(
        stderr.contains(
            "over 16 periods for each of 600 values; sweep at most 511 values, or filter it with \
             a script, or cover the horizon in at most 13 periods"
        ),
        "{stderr}"
    );
    // One value's rows already too many: fewer values would not help.
    let stderr = sweep(10_000, "agency.*.caution=0.1,0.2");
    assert!(
        stderr.contains(
            "over 10000 periods for each of 2 values; filter it with a script, or cover the \
             horizon in at most 4095 periods"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("sweep at most"), "{stderr}");
}

/// A file longer than a spreadsheet opens (1,048,576 rows) would lose its
/// end when opened there: `run` and `compare` say so, as `sweep` does, and
/// not of the files that fit.
#[test]
fn files_longer_than_a_spreadsheet_opens_are_pointed_out() {
    let tmp = tempfile::tempdir().unwrap();
    // 4,000 runs x 60 periods x 5 vendors: 1,200,000 rows of runs.csv.
    let o = run_shipped_ok(
        tmp.path(),
        "scenarios/gov-ai-2026.toml",
        &["--runs", "4000", "--per-run", "--out", "long", "--quiet"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(
            "warning: runs.csv has 1200001 rows, more than a spreadsheet opens (1048576 with the header); filter it with a script, or use at most 3495 --runs with --per-run"
        ),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("more than a spreadsheet opens").count(),
        1,
        "{stderr}"
    );
    // The advised count is the largest that fits: 3,495 x 300 rows and the
    // header are 1,048,501 rows, 3,496 runs 1,048,801.
    for (runs, too_long) in [("3495", false), ("3496", true)] {
        let o = run_shipped_ok(
            tmp.path(),
            "scenarios/gov-ai-2026.toml",
            &["--runs", runs, "--per-run", "--out", "long", "--quiet"],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            stderr.contains("runs.csv has"),
            too_long,
            "{runs} runs: {stderr}"
        );
    }

    // 10,000 monthly periods x 108 share rows each (nine scopes, six
    // vendors, two metrics): shares.csv and its comparison are too long,
    // the other files are not.
    let text = std::fs::read_to_string(repo_root().join("scenarios/gov-ai-2026.toml")).unwrap();
    let long = text.replacen("periods = ", "periods = 10000 #", 1)
        + "\n[[vendor]]\nname = \"Sixth\"\nbrand = 0.1\naccess = { unclassified = 1.0 }\n";
    assert_ne!(long, text);
    std::fs::write(tmp.path().join("long.toml"), long).unwrap();
    for args in [
        vec!["run", "long.toml"],
        vec!["compare", "long.toml", "long.toml"],
    ] {
        let mut all = args.clone();
        all.extend(["--runs", "2", "--quiet", "--out", "o"]);
        let o = sharecast(tmp.path(), &all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {stderr}");
        // A run's statistics files are foreseen before simulating, with
        // what makes their rows and the periods that would fit (1,048,575
        // rows over 108 a period: 9,709); a comparison's are told after.
        let told = if args[0] == "run" {
            "warning: shares.csv will have 1080001 rows, more than a spreadsheet opens (1048576 \
             with the header): 108 rows a period (all units, 3 tiers and 5 agencies x 6 vendors \
             x 2 shares) over 10000 periods; filter it with a script, or cover the horizon in at \
             most 9709 periods (a quarter or a year a period: step = \"quarter\" or \"year\")"
        } else {
            "warning: shares_diff.csv has "
        };
        assert!(stderr.contains(told), "{args:?}: {stderr}");
        assert_eq!(
            stderr.matches("more than a spreadsheet opens").count(),
            1,
            "{stderr}"
        );
    }

    // A file whose length is known before simulating (runs.csv of --per-run,
    // a sweep's stacked files) stops --strict before anything runs.
    let gov = repo_root().join("scenarios/gov-ai-2026.toml");
    let gov = gov.to_str().unwrap();
    for args in [
        vec!["run", gov, "--runs", "4000", "--per-run"],
        vec!["sweep", gov, "--vary", "agency.*.caution=0.0..0.99:200"],
        vec!["run", "long.toml"],
    ] {
        let mut all = args.clone();
        all.extend(["--strict", "--quiet", "--out", "strict"]);
        let o = sharecast(tmp.path(), &all);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("more than a spreadsheet opens")
                && stderr.contains("so nothing was simulated or written"),
            "{args:?}: {stderr}"
        );
        assert!(!tmp.path().join("strict").exists());
    }
    // `check` tells what `run` would, and --strict makes it refuse.
    let o = sharecast(tmp.path(), &["check", "long.toml", "--strict", "--quiet"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("warning: shares.csv will have 1080001 rows"),
        "{stderr}"
    );
}

/// `shares_wide.csv` has a column per vendor: wider than a spreadsheet
/// opens (16,384 columns), it would lose its last vendors there, which
/// `run` says before simulating (and `--strict` refuses, writing nothing).
#[test]
fn a_file_wider_than_a_spreadsheet_opens_is_pointed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = |vendors: usize| {
        let mut text = String::from("start = \"2026-01\"\nperiods = 1\n");
        for v in 0..vendors {
            text.push_str(&format!(
                "[[vendor]]\nname = \"V{v}\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n"
            ));
        }
        text.push_str(
            "[[agency]]\nname = \"A\"\nunits = 10\ninnovation = 0.1\nimitation = 0.3\nterm = 3\n",
        );
        text
    };
    // 16,382 vendors and the period and date: 16,384 columns, which fit.
    for (vendors, too_wide) in [(16_382, false), (16_383, true)] {
        let name = format!("v{vendors}.toml");
        std::fs::write(tmp.path().join(&name), scenario(vendors)).unwrap();
        let out = format!("o{vendors}");
        let o = sharecast(
            tmp.path(),
            &["run", &name, "--runs", "2", "--quiet", "--out", &out],
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{stderr}");
        let warning = "warning: shares_wide.csv has 16385 columns, more than a spreadsheet opens \
                       (16384); the same means are in shares.csv, a row per vendor (agency all, \
                       tier all, metric count_share)";
        assert_eq!(
            stderr.contains(warning),
            too_wide,
            "{vendors} vendors: {stderr}"
        );
        assert_eq!(
            stderr.contains("columns"),
            too_wide,
            "{vendors} vendors: {stderr}"
        );
        let wide = std::fs::read_to_string(tmp.path().join(&out).join("shares_wide.csv")).unwrap();
        let header = wide.lines().next().unwrap();
        assert_eq!(header.split(',').count(), vendors + 2);
        if too_wide {
            let o = sharecast(
                tmp.path(),
                &[
                    "run", &name, "--runs", "2", "--quiet", "--strict", "--out", "strict",
                ],
            );
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{stderr}");
            assert!(
                stderr.contains("shares_wide.csv has 16385 columns"),
                "{stderr}"
            );
            assert!(!tmp.path().join("strict").exists());
        }
    }
}

/// An escape sequence or a bidirectional override typed on the command line
/// or in a file name is shown escaped (`\u001B`, `\u202E`), never written
/// raw to the terminal, and the message around it stays whole.
#[test]
fn control_characters_from_the_command_line_are_shown_escaped() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/minimal.toml");
    let scenario = scenario.to_str().unwrap();
    let bad_name = tmp.path().join("e\u{1b}[2Jvil.toml");
    std::fs::write(&bad_name, "start = \"2026-01\"\noops\n").unwrap();
    for (args, needle) in [
        (
            vec![
                "check",
                scenario,
                "--set",
                "vendor.Incumbent AI.brand=\u{1b}[31mred",
            ],
            "'\\u001B[31mred' is not a number",
        ),
        (
            vec!["sweep", scenario, "--vary", "choice.brand=1,\u{1b}"],
            "'\\u001B' is not a number",
        ),
        (
            vec!["check", scenario, "--set", "vendor.A\u{1b}[31m.brand=0.5"],
            "no vendor 'A\\u001B[31m'",
        ),
        (
            vec!["check", bad_name.to_str().unwrap()],
            "e\\u001B[2Jvil.toml:2: invalid TOML",
        ),
        (
            vec!["run", scenario, "--runs", "5\u{1b}[0m"],
            "note: the arguments hold control, formatting or invisible characters, which the message above \
             leaves out or escapes; as typed: 'run'",
        ),
        // A right-to-left override would reverse how the rest of the line
        // reads.
        (
            vec!["run", scenario, "--runs", "5\u{202e}0"],
            "as typed: 'run'",
        ),
        (
            vec!["check", scenario, "--set", "vendor.A\u{202e}B.brand=0.5"],
            "no vendor 'A\\u202EB'",
        ),
        (
            vec!["run", "nope\nwarning: fine.toml"],
            "nope\\nwarning: fine.toml: cannot read the scenario file",
        ),
    ] {
        let o = sharecast(tmp.path(), &args);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            !stderr.contains(['\u{1b}', '\u{202e}']),
            "{args:?}: {stderr:?}"
        );
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

/// `--out results.csv` makes a folder of that name: said once, since an
/// analyst who expected one file would otherwise look for it in vain.
#[test]
fn an_output_folder_named_like_a_file_is_pointed_out() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/minimal.toml");
    let s = scenario.to_str().unwrap();
    let args = ["run", s, "--runs", "5", "--quiet", "--out", "results.csv"];
    let o = sharecast(tmp.path(), &args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(
        stderr.contains("the output folder results.csv is named like a file"),
        "{stderr}"
    );
    assert!(tmp.path().join("results.csv/shares.csv").is_file());
    // The folder now exists: running again says nothing more.
    let o = sharecast(tmp.path(), &args);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(!stderr.contains("named like a file"), "{stderr}");
    // An ordinary folder name gets no warning.
    let o = sharecast(
        tmp.path(),
        &["run", s, "--runs", "5", "--quiet", "--out", "results"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(!stderr.contains("named like a file"), "{stderr}");
}

#[test]
fn an_unwritable_stderr_loses_messages_but_not_results_or_exit_codes() {
    // /dev/full fails every write with "no space left on device", as a log
    // file on a full disk would.
    let tmp = tempfile::tempdir().unwrap();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let scenario = repo_root().join("scenarios/minimal.toml");
    // A valid run that warns (the folder is named like a file).
    let status = Command::new(binary())
        .current_dir(tmp.path())
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--runs",
            "5",
            "--out",
            "results.csv",
        ])
        .stdout(Stdio::null())
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(tmp.path().join("results.csv/shares.csv").is_file());
    // A rejected scenario still exits with 2, not a panic's 101.
    let empty = tmp.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let status = Command::new(binary())
        .args(["check", empty.to_str().unwrap()])
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    // So does a bad argument, which clap reports.
    let status = Command::new(binary())
        .args(["run", "--runs", "0"])
        .stderr(full())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

/// The run count the memory check advises fits with 5% of the available
/// memory to spare, rounded down to three significant digits, so that
/// following it at once is not refused again as the available memory moves.
/// `/proc/meminfo` is replaced, in a private mount namespace made by
/// `unshare` (no privilege needed), by one saying 100 MiB are available.
#[test]
fn the_advised_run_count_fits_with_room_to_spare() {
    let tmp = tempfile::tempdir().unwrap();
    let meminfo = tmp.path().join("meminfo");
    std::fs::write(
        &meminfo,
        "MemTotal:         204800 kB\nMemFree:          102400 kB\nMemAvailable:     102400 kB\n",
    )
    .unwrap();
    let available = 100.0 * 1024.0 * 1024.0;
    let scenario = repo_root().join("scenarios/gov-ai-2026.toml");
    let run_with_100_mib = |runs: &str| {
        let script = format!(
            "mount --bind '{meminfo}' /proc/meminfo && exec '{bin}' run '{scenario}' --runs {runs} \
             --threads 2 --quiet --out '{out}'",
            meminfo = meminfo.display(),
            bin = binary(),
            scenario = scenario.display(),
            out = tmp.path().join("o").display(),
        );
        Command::new("unshare")
            .args(["-rm", "sh", "-c", &script])
            .output()
            .expect("unshare starts")
    };
    let o = run_with_100_mib("100000000");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("only 100.0 MiB is available"), "{stderr}");
    let advised: u64 = stderr
        .split("reduce --runs to at most ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no advised run count: {stderr}"));
    // Three significant digits at most, and the next such count does not
    // fit in 95%.
    let unit = 10u64.pow((advised.ilog10()).saturating_sub(2));
    assert_eq!(advised % unit, 0, "{advised}");
    let s = sharecast::scenario::load(&scenario).unwrap();
    let need = |runs: u64| {
        sharecast::resources::estimate(&s, runs, 2, false, sharecast::engine::EngineKind::Counts)
            .total() as f64
    };
    assert!(need(advised) <= 0.95 * available, "{advised}");
    assert!(need(advised + unit) > 0.95 * available, "{advised}");
    let o = run_with_100_mib(&advised.to_string());
    assert!(
        o.status.success(),
        "{advised} runs: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// What lies in the output folder under a result's name is never followed:
/// a link there is replaced, not the scenario it points to (which the
/// refusal to overwrite an input does not concern), and a pipe named
/// `manifest.json` is refused at once, never opened (opening one waits for
/// a writer that never comes).
#[test]
fn links_and_pipes_in_the_output_folder_are_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let scenario = std::fs::read(repo_root().join("scenarios/minimal.toml")).unwrap();
    std::fs::write(dir.join("base.toml"), &scenario).unwrap();
    let run = || {
        sharecast(
            dir,
            &["run", "base.toml", "--runs", "3", "--quiet", "--out", "o"],
        )
    };
    // Results whose summary.csv has become a link to the scenario.
    assert!(run().status.success());
    std::fs::remove_file(dir.join("o/summary.csv")).unwrap();
    std::os::unix::fs::symlink(dir.join("base.toml"), dir.join("o/summary.csv")).unwrap();
    let o = run();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(dir.join("base.toml")).unwrap(), scenario);
    let summary = std::fs::symlink_metadata(dir.join("o/summary.csv")).unwrap();
    assert!(summary.is_file(), "the link was not replaced by the file");

    std::fs::create_dir_all(dir.join("p")).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("p/manifest.json"))
        .status()
        .unwrap();
    assert!(made.success());
    let child = Command::new(binary())
        .args(["run", "base.toml", "--runs", "3", "--quiet", "--out", "p"])
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = child;
    let started = Instant::now();
    let status =
        wait_with_deadline(&mut child, started, Duration::from_secs(20)).unwrap_or_else(|| {
            let _ = child.kill();
            panic!("a pipe named manifest.json kept the run waiting");
        });
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "p/manifest.json is not a regular file, so the folder looks like another program's"
        ),
        "{stderr}"
    );
    assert_no_panic(&stderr);
}

/// A path with a control character reaches the terminal escaped on
/// standard output as on standard error: it cannot recolour or retitle it.
#[test]
fn paths_print_escaped_on_standard_output() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let name = "red\u{1b}[31m.toml";
    std::fs::copy(repo_root().join("scenarios/minimal.toml"), dir.join(name)).unwrap();
    let check = sharecast(dir, &["check", name]);
    let run = sharecast(
        dir,
        &["run", name, "--runs", "3", "--out", "o\u{1b}]0;title\u{7}"],
    );
    for o in [check, run] {
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
            "{stdout:?}"
        );
        assert!(
            stdout.contains("red\\u001B[31m.toml") || stdout.contains("o\\u001B]0;title\\u0007"),
            "{stdout:?}"
        );
    }
}

/// A scenario path that names no file is told the file it may have meant:
/// the path with `.toml`, or the closest `.toml` name in its folder; nothing
/// is written.
#[test]
fn a_missing_scenario_file_is_told_the_closest_one() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("scenarios");
    std::fs::create_dir(&folder).unwrap();
    let shipped = std::fs::read(repo_root().join("scenarios/gov-ai-2026.toml")).unwrap();
    std::fs::write(folder.join("gov-ai-2026.toml"), &shipped).unwrap();
    std::fs::write(folder.join("no-aws-deal.toml"), &shipped).unwrap();
    // Neither a folder nor a broken link named like a scenario is one.
    std::fs::create_dir(folder.join("market.toml")).unwrap();
    std::os::unix::fs::symlink("/nonexistent", folder.join("broken.toml")).unwrap();
    for (typed, meant) in [
        ("scenarios/gov-ai-2026", Some("scenarios/gov-ai-2026.toml")),
        (
            "scenarios/gov-ai-2062.toml",
            Some("scenarios/gov-ai-2026.toml"),
        ),
        ("scenarios/noaws.toml", Some("scenarios/no-aws-deal.toml")),
        ("scenarios/markt.toml", None),
        ("scenarios/market", None),
        ("scenarios/broken", None),
        ("scenarios/broke.toml", None),
        ("elsewhere/gov-ai-2026.toml", None),
    ] {
        let output = sharecast(tmp.path(), &["run", typed, "--runs", "5", "--quiet"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{typed}: {stderr}");
        assert_no_panic(&stderr);
        let told = format!("{typed}: cannot read the scenario file: ");
        assert!(stderr.contains(&told), "{typed}: {stderr}");
        match meant {
            Some(meant) => assert!(
                stderr
                    .trim_end()
                    .ends_with(&format!("; did you mean {meant}?")),
                "{typed}: {stderr}"
            ),
            None => assert!(!stderr.contains("did you mean"), "{typed}: {stderr}"),
        }
        assert!(!tmp.path().join("out").exists(), "{typed} wrote out/");
    }
}

/// Only the output folder is made: a `..` after a folder that does not
/// exist yet does not make that folder on the way, and when the folder
/// cannot be made (a name longer than the file system takes), the parents
/// made for it are removed again.
#[test]
fn only_the_output_folder_is_made() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/minimal.toml");
    let scenario = scenario.to_str().unwrap();
    let o = sharecast(
        tmp.path(),
        &[
            "run", scenario, "--runs", "3", "--quiet", "--out", "x/a/../b",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(tmp.path().join("x/b/shares.csv").is_file());
    assert!(!tmp.path().join("x/a").exists(), "x/a was made");
    // `nope/..` is the folder it starts from.
    let o = sharecast(
        tmp.path(),
        &["run", scenario, "--runs", "3", "--out", "nope/.."],
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.trim_end().ends_with(" to ."), "{stdout}");
    assert!(tmp.path().join("shares.csv").is_file() && !tmp.path().join("nope").exists());
    let long = format!("n1/n2/{}", "x".repeat(300));
    let o = sharecast(
        tmp.path(),
        &["run", scenario, "--runs", "3", "--quiet", "--out", &long],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_no_panic(&stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot create the output folder n1/n2/xxx"),
        "{stderr}"
    );
    assert!(!tmp.path().join("n1").exists(), "n1 was left");
}
