//! Faults: an interrupted run, an output location that cannot be created,
//! and a disk that fills up while writing. In each case the process fails
//! with the right exit code and a clear message, and an earlier output
//! folder is left exactly as it was, with no temporary file behind.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{
    assert_no_panic, binary, earlier_results, repo_root, run_shipped, run_shipped_ok, snapshot,
    wait_with_deadline,
};

#[test]
fn interrupt_stops_promptly_with_130_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let before = earlier_results(&out);
    let scenario = repo_root().join("scenarios/bench/large.toml");
    // About a minute of work: it must stop long before that.
    let mut child = Command::new(binary())
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--runs",
            "400000",
            "--no-memory-check",
            "--threads",
            "2",
            "--out",
            out.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Long enough for the handler to be installed on a busy machine.
    std::thread::sleep(Duration::from_millis(1500));
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_with_deadline(&mut child, sent, Duration::from_secs(10))
        .expect("still running 10 s after SIGINT");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status.code(), Some(130), "stderr: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(snapshot(&out), before, "the earlier output folder changed");
}

#[test]
fn an_output_folder_that_cannot_be_created_fails_with_1() {
    let tmp = tempfile::tempdir().unwrap();
    // Not even root can create folders under /proc.
    let out = "/proc/sharecast-test/out";
    let o = run_shipped(
        tmp.path(),
        "scenarios/minimal.toml",
        &["--runs", "5", "--out", out],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{out}: {stderr}");
    assert!(
        stderr.contains("cannot create the output folder"),
        "{stderr}"
    );
    assert_no_panic(&stderr);
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
        assert!(
            stderr.contains(&format!("{blocker} is not a folder"))
                || stderr.contains(&format!("{blocker} exists and is not a folder")),
            "{stderr}"
        );
        assert_no_panic(&stderr);
    }
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
for f in shares.csv summary.csv manifest.json notes.txt; do echo "earlier $f" > '{disk}/out/'$f; done
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
    let o = Command::new("unshare")
        .args(["-rm", "sh", "-c", &script])
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "could not set up a small file system with unshare: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = std::fs::read_to_string(tmp.path().join("stderr.txt")).unwrap();
    assert!(report.contains("exit=1"), "{report}\n{stderr}");
    assert!(stderr.contains("No space left on device"), "{stderr}");
    assert!(report.contains("folder unchanged"), "{report}");
    assert!(
        report.trim_end().ends_with("\n0") || report.trim_end() == "0",
        "temporary files left: {report}"
    );
}

/// A folder where an output file should go is found before the run starts
/// (exit 2), and a leftover temporary file, even a link, is replaced, not
/// followed.
#[test]
fn obstacles_in_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let before = earlier_results(&out);
    std::fs::create_dir(out.join("revenue.csv")).unwrap();
    let o = run_shipped(
        tmp.path(),
        "scenarios/minimal.toml",
        &["--runs", "5", "--out", "out"],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("revenue.csv is a folder"), "{stderr}");
    std::fs::remove_dir(out.join("revenue.csv")).unwrap();
    assert_eq!(snapshot(&out), before);

    let precious = tmp.path().join("precious.txt");
    std::fs::write(&precious, "keep me").unwrap();
    std::os::unix::fs::symlink(
        &precious,
        sharecast::output::temporary_name(&out, "summary.csv"),
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
            .all(|(name, _)| !name.ends_with(".partial"))
    );
}

/// Arguments that are not UTF-8 (a path in a legacy encoding) work.
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
        .args(["--runs", "3", "--quiet", "--out"])
        .arg(OsStr::from_bytes(b"r\xe9sultats"))
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    let manifest = std::fs::read(
        tmp.path()
            .join(OsStr::from_bytes(b"r\xe9sultats/manifest.json")),
    )
    .unwrap();
    assert!(
        String::from_utf8(manifest)
            .unwrap()
            .contains("sc\u{fffd}nario.toml")
    );
}

/// A reader that stops early (`sharecast check ... | head`) closes the
/// pipe: both commands still end normally, with no panic, and `run` has
/// written its files.
#[test]
fn a_closed_standard_output_is_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo_root().join("scenarios/minimal.toml");
    let scenario = scenario.to_str().unwrap();
    for args in [
        vec!["check", scenario],
        vec!["run", scenario, "--runs", "5", "--out", "r"],
    ] {
        // The read end is gone before the process starts, so every write to
        // standard output fails with a broken pipe.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let o = Command::new(binary())
            .args(&args)
            .current_dir(tmp.path())
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {stderr}");
        assert_no_panic(&stderr);
    }
    assert!(tmp.path().join("r/shares.csv").is_file());
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
        stderr.contains("would need about") && stderr.contains("reduce --runs to at most about"),
        "{stderr}"
    );
    assert!(stderr.contains("--no-memory-check"));
    assert!(!tmp.path().join("o").exists());
}

#[test]
fn a_leftover_runs_csv_is_pointed_out() {
    // Only the files a run writes are replaced: a runs.csv from an earlier
    // --per-run run stays, and the user is told it no longer matches.
    let tmp = tempfile::tempdir().unwrap();
    let scenario = "scenarios/minimal.toml";
    let first = run_shipped_ok(
        tmp.path(),
        scenario,
        &["--runs", "3", "--per-run", "--out", "o", "--quiet"],
    );
    assert!(!String::from_utf8_lossy(&first.stderr).contains("warning"));
    let again = run_shipped_ok(
        tmp.path(),
        scenario,
        &["--runs", "4", "--out", "o", "--quiet"],
    );
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("runs.csv is from an earlier run and does not match these results"),
        "{stderr}"
    );
    let replaced = run_shipped_ok(
        tmp.path(),
        scenario,
        &["--runs", "4", "--per-run", "--out", "o", "--quiet"],
    );
    assert!(!String::from_utf8_lossy(&replaced.stderr).contains("warning"));
}
