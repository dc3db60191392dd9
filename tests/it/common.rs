//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output};
use std::time::{Duration, Instant};

use sharecast::engine::{EngineKind, RunRecord, simulate_all};
use sharecast::measures::{
    AdoptionMeasure, Projection, RevenueMeasure, Scope, ShareMetric, project,
};
use sharecast::scenario::{Scenario, parse};
use sharecast::stats::Summary;

/// Parses scenario text, panicking with the messages if it is invalid.
pub fn scenario(text: &str) -> Scenario {
    parse(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("test scenario invalid:\n{e}"))
}

pub fn simulate(
    s: &Scenario,
    seed: u64,
    runs: u64,
    engine: EngineKind,
) -> (Vec<RunRecord>, Projection) {
    let records = simulate_all(s, seed, 0..runs, engine);
    let projection = project(s, &records);
    (records, projection)
}

/// The count-share summary of `vendor` in `scope` at `period`.
pub fn share(p: &Projection, period: usize, scope: Scope, vendor: usize) -> Option<Summary> {
    share_by(p, period, scope, vendor, ShareMetric::CountShare)
}

/// The `metric` summary of `vendor` in `scope` at `period`.
pub fn share_by(
    p: &Projection,
    period: usize,
    scope: Scope,
    vendor: usize,
    metric: ShareMetric,
) -> Option<Summary> {
    p.shares
        .iter()
        .find(|r| {
            r.period == period && r.scope == scope && r.vendor == vendor && r.metric == metric
        })
        .expect("row exists")
        .summary
}

/// Both engines, for tests that check a rule in each.
pub const ENGINES: [EngineKind; 2] = [EngineKind::Counts, EngineKind::Units];

/// Multinomial-logit probabilities of utilities `u`, computed with the
/// largest subtracted so that no exponential overflows.
pub fn softmax(u: &[f64]) -> Vec<f64> {
    let max = u.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let z: f64 = u.iter().map(|x| (x - max).exp()).sum();
    u.iter().map(|x| (x - max).exp() / z).collect()
}

/// The `measure` summary of `agency` (`None`: all units) at `period`; the
/// scope must hold units.
pub fn adoption(
    p: &Projection,
    period: usize,
    agency: Option<usize>,
    measure: AdoptionMeasure,
) -> Summary {
    p.adoption
        .iter()
        .find(|r| r.period == period && r.agency == agency && r.measure == measure)
        .expect("row exists")
        .summary
        .expect("the scope has units")
}

/// The `measure` summary of `vendor` at `period`.
pub fn revenue(p: &Projection, period: usize, vendor: usize, measure: RevenueMeasure) -> Summary {
    p.revenue
        .iter()
        .find(|r| r.period == period && r.vendor == vendor && r.measure == measure)
        .expect("row exists")
        .summary
        .expect("runs exist")
}

/// Asserts `|mean - expected| <= z * standard error` with the standard error
/// taken from the sample sd of the runs (plus `slack` for a known bias).
pub fn assert_mean_near(what: &str, s: &Summary, expected: f64, z: f64, slack: f64) {
    let se = s.sd.unwrap_or(0.0) / (s.runs as f64).sqrt();
    let diff = (s.mean - expected).abs();
    assert!(
        diff <= z * se + slack,
        "{what}: mean {:.6} vs expected {expected:.6}: |diff| {diff:.2e} > {z} x se {se:.2e} + {slack:.1e}",
        s.mean
    );
}

/// Asserts `|mean - expected| <= z x se` for a standard error `se` known in
/// closed form (not estimated from the runs).
pub fn assert_within_se(what: &str, got: &Summary, expected: f64, z: f64, se: f64) {
    let diff = (got.mean - expected).abs();
    assert!(
        diff <= z * se,
        "{what}: mean {:.6} vs expected {expected:.6}: |diff| {diff:.2e} > {z} x se {se:.2e}",
        got.mean
    );
}

/// Asserts that `got` is the count share of `units` independent units, each
/// with the vendor with probability `p`: in every run a Binomial(units,
/// p) / units. Its mean must lie within `z` exact standard errors,
/// sqrt(p (1 - p) / (units x runs)), of `p`, and its spread across runs must
/// be the binomial one, sqrt(p (1 - p) / units): the sample sd over n runs
/// has a relative standard error of about sqrt((2 + k) / (4 (n - 1))), k
/// the excess kurtosis of the binomial share, (1 - 6 p q) / (units p q).
/// Neither tolerance comes from the runs' own spread, so units that drew
/// together (a spread too large) cannot widen the bound on the mean.
pub fn assert_binomial_share(what: &str, got: &Summary, p: f64, units: u64, z: f64) {
    let (units, runs) = (units as f64, got.runs as f64);
    let pq = p * (1.0 - p);
    assert_within_se(what, got, p, z, (pq / (units * runs)).sqrt());
    let ratio = got.sd.expect("more than one run") / (pq / units).sqrt();
    let kurtosis = (1.0 - 6.0 * pq) / (units * pq);
    let tolerance = z * ((2.0 + kurtosis) / (4.0 * (runs - 1.0))).sqrt();
    assert!(
        (ratio - 1.0).abs() < tolerance,
        "{what}: sd {} is {ratio:.4} times the binomial one, tolerance {tolerance:.4}",
        got.sd.unwrap()
    );
}

/// [`assert_mean_near`] for a bias of known sign: asserts
/// `-(below + z x se) <= mean - expected <= above + z x se`, so a known bias
/// that can only lower the mean is allowed for by `below` alone.
pub fn assert_mean_within(what: &str, s: &Summary, expected: f64, z: f64, below: f64, above: f64) {
    let se = s.sd.unwrap_or(0.0) / (s.runs as f64).sqrt();
    let diff = s.mean - expected;
    assert!(
        -(z * se + below) <= diff && diff <= z * se + above,
        "{what}: mean {:.6} vs expected {expected:.6}: diff {diff:+.2e} outside \
         [-({z} x se {se:.2e} + {below:.1e}), {z} x se + {above:.1e}]",
        s.mean
    );
}

/// Waits for `child` to end, polling; kills it and returns `None` once
/// `limit` has passed since `since`.
pub fn wait_with_deadline(
    child: &mut Child,
    since: Instant,
    limit: Duration,
) -> Option<ExitStatus> {
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            return Some(status);
        }
        if since.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Asserts that a process's standard error shows no panic and no backtrace
/// hint.
pub fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "the process panicked:\n{stderr}"
    );
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_sharecast")
}

/// A folder held (locked as a job locks its output folder, as a stuck job
/// would hold it) until dropped, so that a job given it waits for it.
pub struct HeldFolder(#[allow(dead_code)] std::fs::File);

impl HeldFolder {
    /// Holds `folder`, which must exist.
    pub fn hold(folder: &Path) -> HeldFolder {
        let file = std::fs::File::open(folder).expect("the folder opens");
        file.lock().expect("the folder locks");
        HeldFolder(file)
    }
}

/// Waits until the job `child` catches SIGINT, SIGTERM and SIGHUP but
/// `ignored`, and ignores those without blocking them any more (`SigCgt`,
/// `SigIgn` and `SigBlk` in `/proc/PID/status`): its handler is in place,
/// and a signal sent from now on meets it. Panics if the job ends first.
#[cfg(target_os = "linux")]
pub fn wait_for_handlers(child: &mut Child, ignored: &[libc::c_int]) {
    let bits = |signals: &mut dyn Iterator<Item = libc::c_int>| {
        signals.fold(0u64, |mask, s| mask | 1 << (s - 1))
    };
    let watched = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];
    let caught = bits(&mut watched.into_iter().filter(|s| !ignored.contains(s)));
    let ignoring = bits(&mut ignored.iter().copied());
    let mask = |status: &str, key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|m| u64::from_str_radix(m.trim(), 16).ok())
            .unwrap_or(0)
    };
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            panic!("the job ended ({status}) before its handler was in place");
        }
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
        if mask(&status, "SigCgt:") & caught == caught
            && mask(&status, "SigIgn:") & ignoring == ignoring
            && mask(&status, "SigBlk:") & ignoring == 0
        {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the job did not set up its signals within 20 s:\n{status}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Sends `signal` (`-INT`, ...) to `child`, which must then end within
/// `limit` with 130 and say it was interrupted.
pub fn stops_with_130(mut child: Child, signal: &str, limit: Duration) {
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = wait_with_deadline(&mut child, sent, limit)
        .unwrap_or_else(|| panic!("still running {limit:?} after kill {signal}"));
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(status.code(), Some(130), "kill {signal}; stderr: {stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
}

/// Makes `command`'s process start with SIGINT, SIGTERM and SIGHUP at their
/// default, but those in `ignored` ignored, whatever the tests were started
/// with: a process inherits ignored signals (a shell starts a background
/// job with SIGINT ignored, `nohup` ignores SIGHUP), and a job keeps them
/// ignored.
#[cfg(unix)]
pub fn with_signals<'c>(
    command: &'c mut Command,
    ignored: &'static [libc::c_int],
) -> &'c mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec the closure only calls `signal`, which
    // is async-signal-safe, and allocates nothing.
    unsafe {
        command.pre_exec(move || {
            for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
                let action = if ignored.contains(&signal) {
                    libc::SIG_IGN
                } else {
                    libc::SIG_DFL
                };
                libc::signal(signal, action);
            }
            Ok(())
        })
    }
}

/// Whether the tests run as root (`dir`, made by them, is root's), who
/// alone can run the binary as another user ([`sharecast_as_nobody`]).
pub fn running_as_root(dir: &Path) -> bool {
    std::fs::metadata(dir).is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
}

/// Runs the binary with `args` in `dir` as the user `nobody`, through
/// `runuser` (which needs root), no terminal, no colour.
pub fn sharecast_as_nobody<S: AsRef<std::ffi::OsStr>>(
    dir: &Path,
    args: impl IntoIterator<Item = S>,
) -> Output {
    Command::new("runuser")
        .args(["-u", "nobody", "--", binary()])
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("runuser starts")
}

/// Runs the binary with `args` in `dir`, no terminal, no colour.
pub fn sharecast(dir: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary starts")
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file in `dir` with its bytes, sorted by name.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| {
                let e = e.expect("readable entry");
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The CSV files in `dir` with their bytes, sorted by name.
pub fn csvs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    snapshot(dir)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".csv"))
        .collect()
}

/// Creates `dir` holding the files of an earlier run (and a file of the
/// user's), and returns their snapshot.
pub fn earlier_results(dir: &Path) -> Vec<(String, Vec<u8>)> {
    std::fs::create_dir_all(dir).unwrap();
    for name in ["shares.csv", "summary.csv", "notes.txt"] {
        std::fs::write(dir.join(name), format!("earlier {name}\n")).unwrap();
    }
    // A manifest sharecast could have written (another one is refused).
    std::fs::write(
        dir.join("manifest.json"),
        "{ \"sharecast_version\": \"0.0.0\", \"files\": [\"shares.csv\", \"summary.csv\"] }\n",
    )
    .unwrap();
    snapshot(dir)
}

/// `sharecast run <repo>/<scenario> <args...>` in `dir`.
pub fn run_shipped(dir: &Path, scenario: &str, args: &[&str]) -> Output {
    let path = repo_root().join(scenario);
    let mut all = vec!["run", path.to_str().expect("UTF-8 path")];
    all.extend_from_slice(args);
    sharecast(dir, &all)
}

/// [`run_shipped`], asserting that it succeeds.
pub fn run_shipped_ok(dir: &Path, scenario: &str, args: &[&str]) -> Output {
    let o = run_shipped(dir, scenario, args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// The default output folder `out/NAME` under `dir`, where NAME is `text`
/// alone or followed by the 8-hex-digit hash that a folder named after
/// settings carries when its text might not tell them apart; exactly one
/// such folder must exist.
pub fn out_folder(dir: &Path, text: &str) -> std::path::PathBuf {
    let found: Vec<_> = std::fs::read_dir(dir.join("out"))
        .expect("an out folder")
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            name.strip_prefix(text).is_some_and(|rest| {
                rest.is_empty()
                    || (rest.len() == 9
                        && rest.starts_with('-')
                        && rest[1..].bytes().all(|b| b.is_ascii_hexdigit()))
            })
        })
        .collect();
    assert_eq!(found.len(), 1, "out/{text}: {found:?}");
    found.into_iter().next().unwrap()
}
