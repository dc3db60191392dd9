//! Faults: an interrupted run, an output location that cannot be created,
//! and a disk that fills up while writing. In each case the process fails
//! with the right exit code and a clear message, and an earlier output
//! folder is left exactly as it was, with no temporary file behind.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{binary, repo_root, run_shipped, snapshot};

/// An output folder holding the results of an earlier run.
fn earlier_results(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    std::fs::create_dir_all(dir).unwrap();
    for name in ["shares.csv", "summary.csv", "manifest.json", "notes.txt"] {
        std::fs::write(dir.join(name), format!("earlier {name}\n")).unwrap();
    }
    snapshot(dir)
}

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
    std::thread::sleep(Duration::from_millis(700));
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status.code(), Some(130), "stderr: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_eq!(snapshot(&out), before, "the earlier output folder changed");
}

#[test]
fn an_output_folder_that_cannot_be_created_fails_with_1() {
    let tmp = tempfile::tempdir().unwrap();
    // Not even root can create folders under /proc or inside /dev/null.
    for out in ["/proc/sharecast-test/out", "/dev/null/out"] {
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
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn a_full_disk_leaves_earlier_results_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let before = earlier_results(&out);
    // The temporary file of summary.csv is a link to /dev/full, where every
    // write fails with "No space left on device", as on a full disk.
    let trap = sharecast::output::temporary_name(&out, "summary.csv");
    std::os::unix::fs::symlink("/dev/full", &trap).unwrap();
    let o = run_shipped(
        tmp.path(),
        "scenarios/minimal.toml",
        &["--runs", "5", "--out", out.to_str().unwrap()],
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("cannot write summary.csv") && stderr.contains("No space left on device"),
        "{stderr}"
    );
    // The earlier files are intact; every temporary file (the trap too) is gone.
    assert!(!trap.exists() && std::fs::symlink_metadata(&trap).is_err());
    assert_eq!(snapshot(&out), before);
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
