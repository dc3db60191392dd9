//! Golden output: a small scenario's CSVs pinned byte for byte, so any
//! change to the numbers shows in review. These files also pin the value
//! stability of the random streams and distributions: a dependency upgrade
//! that changes a draw changes them. Regenerate with
//! `UPDATE_EXPECT=1 cargo test --release golden`, and explain the change in
//! the commit.

use crate::common::{csvs, repo_root, sharecast};

#[test]
fn small_scenario_csvs_are_pinned() {
    let golden = repo_root().join("tests/golden");
    let tmp = tempfile::tempdir().unwrap();
    let o = sharecast(
        &golden,
        &[
            "run",
            "scenario.toml",
            "--runs",
            "40",
            "--seed",
            "3",
            "--per-run",
            "--out",
            tmp.path().to_str().unwrap(),
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let expected_dir = golden.join("expected");
    let actual = csvs(tmp.path());
    assert_eq!(actual.len(), 6);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(&expected_dir).unwrap();
        for (name, bytes) in &actual {
            std::fs::write(expected_dir.join(name), bytes).unwrap();
        }
        return;
    }
    for (name, bytes) in &actual {
        let want = std::fs::read(expected_dir.join(name))
            .unwrap_or_else(|_| panic!("no golden {name}; run with UPDATE_EXPECT=1"));
        if &want != bytes {
            let (w, b) = (
                String::from_utf8_lossy(&want),
                String::from_utf8_lossy(bytes),
            );
            let line = w
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(0);
            panic!(
                "{name} differs from tests/golden/expected/{name} at line {}:\n  expected {}\n  actual   {}",
                line + 1,
                w.lines().nth(line).unwrap_or(""),
                b.lines().nth(line).unwrap_or("")
            );
        }
    }
}
