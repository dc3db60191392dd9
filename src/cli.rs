//! The command line: parse arguments, call the library, print, pick the
//! exit code. Exit 0 on success, 2 for a bad scenario or bad arguments, 130
//! when interrupted, 1 for anything else (such as an unwritable folder).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use sha2::{Digest, Sha256};

use crate::compare;
use crate::engine::{self, Control, EngineKind};
use crate::export;
use crate::measures;
use crate::output::{self, Manifest, ManifestInput, OutputFile, ScenarioRef};
use crate::progress::Progress;
use crate::report;
use crate::resources;
use crate::scenario::{self, Scenario, ScenarioError};
use crate::sweep::{self, Sweep};

#[derive(Debug, Parser)]
#[command(
    name = "sharecast",
    version,
    about = "Seeded Monte Carlo projections of government AI market share",
    long_about = "Seeded Monte Carlo projections of government AI market share.\n\n\
        A scenario file (TOML) describes vendors, agencies, contracts in force and dated events; \
        `sharecast run` simulates it many times and writes CSV projections of contract share, \
        adoption and revenue with mean and percentile bands; `sharecast compare` runs a baseline \
        and a counterfactual with one seed and writes their run-by-run differences; `sharecast \
        sweep` runs a scenario at several values of one of its numbers.\n\n\
        Examples:\n  sharecast check scenarios/gov-ai-2026.toml\n  \
        sharecast run scenarios/gov-ai-2026.toml --runs 5000 --seed 42 --out results/baseline\n  \
        sharecast compare scenarios/gov-ai-2026.toml scenarios/no-aws-deal.toml\n  \
        sharecast sweep scenarios/gov-ai-2026.toml --vary 'agency.*.caution=0.1..0.7:4'"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a scenario and print an overview of it.
    ///
    /// Shows vendors with their access per tier, agencies with units per tier,
    /// caution and terms, the initial contracts and the event timeline.
    /// Example: sharecast check scenarios/gov-ai-2026.toml
    Check {
        /// The scenario file (TOML).
        scenario: PathBuf,
    },
    /// Simulate a scenario and write CSV projections.
    ///
    /// Writes shares.csv, adoption.csv, revenue.csv, shares_wide.csv,
    /// summary.csv and manifest.json (and runs.csv with --per-run).
    /// Example: sharecast run scenarios/gov-ai-2026.toml --runs 5000 --out results/baseline
    Run(RunArgs),
    /// Run two scenarios with the same seed and write their paired differences.
    ///
    /// Both scenarios are simulated with one seed and run count (the
    /// baseline's unless --seed and --runs say otherwise), so run i of each
    /// shares every uncertain number they have in common; for every row both
    /// have, the files give the statistics of counterfactual minus baseline
    /// taken run by run. Writes shares_diff.csv, adoption_diff.csv,
    /// revenue_diff.csv and manifest.json.
    /// Example: sharecast compare scenarios/gov-ai-2026.toml scenarios/no-aws-deal.toml
    Compare(CompareArgs),
    /// Run a scenario at each of several values of one of its numbers.
    ///
    /// Each value replaces the number in the file (events still change it
    /// later) and every value runs with the same seed and run count, so the
    /// runs of all values share their uncertain numbers and the response is
    /// not blurred by sampling noise. Writes sweep_shares.csv,
    /// sweep_adoption.csv, sweep_revenue.csv and sweep_summary.csv (the files
    /// of `run` with the value in a first column) and manifest.json.
    /// Example: sharecast sweep scenarios/gov-ai-2026.toml --vary 'agency.*.caution=0.1..0.7:4'
    Sweep(SweepArgs),
}

/// A seed as a scenario file takes it (a TOML integer): 0 to i64::MAX, so
/// that any seed given here can be written into a file.
fn seed_value(text: &str) -> Result<u64, String> {
    text.parse::<i128>()
        .ok()
        .filter(|seed| (0..=i128::from(i64::MAX)).contains(seed))
        .map(|seed| seed as u64)
        .ok_or_else(|| {
            format!(
                "a seed is a whole number from 0 to {}, as in a scenario file",
                i64::MAX
            )
        })
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,

    /// Output folder, created if missing. Only the files this command writes
    /// are replaced. Default: out/<scenario file name without .toml>.
    /// Example: --out results/baseline
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    #[command(flatten)]
    simulation: SimulationArgs,

    /// Also write runs.csv: every run's contracts and count share per vendor
    /// and period. Example: --per-run
    #[arg(long)]
    per_run: bool,
}

#[derive(Debug, clap::Args)]
struct CompareArgs {
    /// The baseline scenario file (TOML).
    baseline: PathBuf,

    /// The counterfactual scenario file (TOML): the baseline with a change.
    counterfactual: PathBuf,

    /// Output folder, created if missing. Only the files this command writes
    /// are replaced. Default: out/<baseline>-vs-<counterfactual> (file names
    /// without .toml). Example: --out results/aws-deal
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    #[command(flatten)]
    simulation: SimulationArgs,
}

#[derive(Debug, clap::Args)]
struct SweepArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,

    /// The number to vary and its values: PATH=V1,V2,... or
    /// PATH=FROM..TO:COUNT (COUNT evenly spaced values). PATH is one of
    /// choice.WEIGHT; vendor.NAME.brand, vendor.NAME.access.TIER,
    /// vendor.NAME.attributes.ATTRIBUTE; agency.NAME.caution, .innovation,
    /// .imitation, .units, .term, .annual_value, .choice.WEIGHT;
    /// event.LABEL.at, event.LABEL.set.KEY, event.LABEL.add.KEY. NAME may be *
    /// for every vendor or agency; an event may be named by its position
    /// (event.2.at). Example: --vary 'agency.*.caution=0.1..0.7:4'
    #[arg(long, value_name = "PATH=VALUES", value_parser = Sweep::parse)]
    vary: Sweep,

    /// Output folder, created if missing. Only the files this command writes
    /// are replaced. Default: out/<scenario file name without .toml>-sweep.
    /// Example: --out results/caution
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    #[command(flatten)]
    simulation: SimulationArgs,
}

/// How to simulate: the flags `run`, `compare` and `sweep` share.
#[derive(Debug, clap::Args)]
struct SimulationArgs {
    /// Number of Monte Carlo runs (at least 1); overrides the scenario's `runs`.
    /// Example: --runs 10000
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    runs: Option<u64>,

    /// Seed of the random streams; overrides the scenario's `seed`. The same
    /// scenario, seed and runs give byte-identical CSVs. From 0 to
    /// 9223372036854775807, as in a scenario file. Example: --seed 42
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = seed_value)]
    seed: Option<u64>,

    /// Worker threads (at least 1). Default: all cores. Results do not depend
    /// on it. Example: --threads 2
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=1024))]
    threads: Option<u64>,

    /// No progress bar and no table on stdout (errors and warnings still go
    /// to stderr). Example: --quiet
    #[arg(long, short)]
    quiet: bool,

    /// Simulation engine: `counts` (fast, default) or `units` (follows every
    /// unit; slow, the reference the fast one is tested against).
    /// Example: --engine units
    #[arg(long, value_enum, default_value_t = EngineChoice::Counts)]
    engine: EngineChoice,

    /// Run even when the estimated memory need exceeds the memory available
    /// (normally such a run is refused before it starts).
    /// Example: --no-memory-check
    #[arg(long)]
    no_memory_check: bool,
}

impl SimulationArgs {
    fn engine(&self) -> EngineKind {
        match self.engine {
            EngineChoice::Counts => EngineKind::Counts,
            EngineChoice::Units => EngineKind::Units,
        }
    }

    fn engine_name(&self) -> String {
        self.engine
            .to_possible_value()
            .expect("no engine choice is hidden")
            .get_name()
            .to_string()
    }

    fn threads(&self) -> usize {
        self.threads.map_or_else(available_threads, |n| n as usize)
    }

    fn pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads())
            .build()
            .context("cannot start worker threads")
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EngineChoice {
    Counts,
    Units,
}

/// The statistics files every run writes, in the order they are written;
/// `runs.csv` (with `--per-run`) and the manifest follow (see
/// `output::write_files`).
const STATISTICS_FILES: [&str; 5] = [
    "shares.csv",
    "adoption.csv",
    "revenue.csv",
    "shares_wide.csv",
    "summary.csv",
];
/// Written with `--per-run`, before the manifest.
const RUNS_FILE: &str = "runs.csv";
const MANIFEST_FILE: &str = "manifest.json";
/// The files `compare` writes, before the manifest.
const COMPARISON_FILES: [&str; 3] = ["shares_diff.csv", "adoption_diff.csv", "revenue_diff.csv"];
/// The files `sweep` writes, before the manifest: those of `run` (but the
/// wide one) with the value in a first column.
const SWEEP_FILES: [&str; 4] = [
    "sweep_shares.csv",
    "sweep_adoption.csv",
    "sweep_revenue.csv",
    "sweep_summary.csv",
];

/// A mistake in the arguments (as opposed to a failure of the machine).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// The user pressed Ctrl-C (or the process got SIGINT).
#[derive(Debug, thiserror::Error)]
#[error("interrupted; no output was written")]
pub struct Interrupted;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = exit_code(&e);
            if e.downcast_ref::<ScenarioError>().is_some() {
                eprintln!("error: scenario rejected\n{e}");
            } else {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(code)
        }
    }
}

fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<Interrupted>().is_some() {
        130
    } else if e.downcast_ref::<ScenarioError>().is_some()
        || e.downcast_ref::<UsageError>().is_some()
    {
        2
    } else {
        1
    }
}

fn execute(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Check { scenario } => {
            let (s, _) = load(&scenario)?;
            warn(&scenario, &s);
            let threads = available_threads() as u64;
            let need = resources::estimate(&s, s.runs, threads, false, EngineKind::Counts);
            print_stdout(&format!(
                "{}\nMemory for {} runs: about {} ({} per run)\n\n{}: valid\n",
                report::overview(&s),
                s.runs,
                resources::human_bytes(need.total()),
                resources::human_bytes(resources::MemoryEstimate::per_run(&s)),
                scenario.display()
            ))
        }
        Command::Run(args) => run(args),
        Command::Compare(args) => compare(args),
        Command::Sweep(args) => sweep(args),
    }
}

/// Reads and validates a scenario; returns it with the SHA-256 of its bytes.
fn load(path: &Path) -> Result<(Scenario, String)> {
    let source = scenario::read_source(path)?;
    let s = scenario::parse(&source, path)?;
    Ok((s, sha256_hex(&source)))
}

fn sha256_hex(source: &str) -> String {
    Sha256::digest(source.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn warn(path: &Path, s: &Scenario) {
    for w in &s.warnings {
        eprintln!("warning: {}", scenario::located(path, w));
    }
}

/// The default for `--threads`: every core the process may use.
fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn default_out_dir(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".to_string());
    Path::new("out").join(stem)
}

/// Ctrl-C sets this flag; long work polls it. Installed once per process.
fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let handler_flag = Arc::clone(&flag);
        // If a handler cannot be installed, Ctrl-C keeps its default
        // behaviour (the process ends before anything is renamed into place).
        let _ = ctrlc::set_handler(move || handler_flag.store(true, Ordering::SeqCst));
        flag
    })
    .clone()
}

/// Refuses an `--out` that is a file, lies under a file, or holds a folder
/// where one of `names` is to be written; checked before simulating
/// (`output::write_files` checks again for a folder created meanwhile).
fn check_out_folder<'a>(out: &Path, names: impl IntoIterator<Item = &'a str>) -> Result<()> {
    if let Some(file) = output::blocked_by_file(out) {
        let message = if file == out {
            format!("--out {} exists and is not a folder", out.display())
        } else {
            format!(
                "--out {} cannot be created: {} is not a folder",
                out.display(),
                file.display()
            )
        };
        return Err(UsageError(message).into());
    }
    if let Some(name) = output::name_taken_by_folder(out, names) {
        return Err(UsageError(format!(
            "{} is a folder, so {name} cannot be written there; move it away or choose another --out",
            out.join(name).display()
        ))
        .into());
    }
    Ok(())
}

/// Simulates `runs` runs of `s`, ticking `progress` as each finishes.
fn simulate(
    pool: &rayon::ThreadPool,
    s: &Scenario,
    seed: u64,
    runs: u64,
    engine: EngineKind,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Vec<engine::RunRecord>> {
    let on_run_done = || progress.tick();
    let control = Control {
        on_run_done: &on_run_done,
        cancel,
    };
    pool.install(|| engine::simulate(s, seed, 0..runs, engine, &control))
        .map_err(|_| Interrupted.into())
}

/// `shares.csv`, `adoption.csv` and `revenue.csv`, formatted at the same
/// time.
fn long_files(
    pool: &rayon::ThreadPool,
    s: &Scenario,
    projection: &measures::Projection,
) -> [Vec<u8>; 3] {
    let (shares, (adoption, revenue)) = pool.install(|| {
        rayon::join(
            || export::shares_csv(s, projection),
            || {
                rayon::join(
                    || export::adoption_csv(s, projection),
                    || export::revenue_csv(s, projection),
                )
            },
        )
    });
    [shares, adoption, revenue]
}

/// Writes `files` and the manifest into `out`, whole or not at all.
fn write_outputs(
    out: &Path,
    mut files: Vec<OutputFile>,
    manifest: Manifest,
    cancel: &AtomicBool,
) -> Result<Vec<OutputFile>> {
    files.push(OutputFile {
        name: MANIFEST_FILE.into(),
        bytes: manifest.to_bytes(),
    });
    if cancel.load(Ordering::SeqCst) {
        bail!(Interrupted);
    }
    output::write_files(out, &files, cancel).map_err(|e| {
        if cancel.load(Ordering::SeqCst) {
            anyhow::Error::new(Interrupted)
        } else {
            e
        }
    })?;
    Ok(files)
}

/// Each of `names` with its contents, in order.
fn named_files<const N: usize>(names: [&str; N], contents: [Vec<u8>; N]) -> Vec<OutputFile> {
    names
        .into_iter()
        .zip(contents)
        .map(|(name, bytes)| OutputFile {
            name: name.into(),
            bytes,
        })
        .collect()
}

/// The command line as given, for the manifest.
fn command_line() -> Vec<String> {
    // args_os: an argument that is not UTF-8 (a path, say) must not panic.
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

fn file_names(files: &[OutputFile]) -> String {
    files
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn run(args: RunArgs) -> Result<()> {
    let (s, sha256) = load(&args.scenario)?;
    warn(&args.scenario, &s);
    let sim = &args.simulation;
    let runs = sim.runs.unwrap_or(s.runs);
    let seed = sim.seed.unwrap_or(s.seed);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| default_out_dir(&args.scenario));
    let names = STATISTICS_FILES
        .into_iter()
        .chain(args.per_run.then_some(RUNS_FILE))
        .chain([MANIFEST_FILE]);
    check_out_folder(&out, names)?;
    let engine = sim.engine();
    if !sim.no_memory_check {
        let threads = sim.threads() as u64;
        check_memory(
            |runs| resources::estimate(&s, runs, threads, args.per_run, engine),
            runs,
            args.per_run,
        )?;
    }
    let pool = sim.pool()?;

    let cancel = interrupt_flag();
    let progress = Progress::new(runs, sim.quiet);
    let records = simulate(&pool, &s, seed, runs, engine, &progress, &cancel);
    progress.finish();
    let records = records?;
    let projection = pool
        .install(|| measures::project_unless(&s, &records, &cancel))
        .ok_or(Interrupted)?;

    let [shares, adoption, revenue] = long_files(&pool, &s, &projection);
    // In the order of STATISTICS_FILES, which names them.
    let contents: [Vec<u8>; STATISTICS_FILES.len()] = [
        shares,
        adoption,
        revenue,
        export::shares_wide_csv(&s, &projection),
        export::summary_csv(&s, &projection),
    ];
    let mut files = named_files(STATISTICS_FILES, contents);
    if args.per_run {
        files.push(OutputFile {
            name: RUNS_FILE.into(),
            bytes: export::runs_csv(&s, &records),
        });
    }
    let manifest = Manifest {
        sharecast_version: env!("CARGO_PKG_VERSION").to_string(),
        input: ManifestInput::Run {
            scenario: ScenarioRef::of(&s, &args.scenario, sha256),
        },
        seed,
        runs,
        engine: sim.engine_name(),
        command_line: command_line(),
        files: files.iter().map(|f| f.name.clone()).collect(),
    };
    let files = write_outputs(&out, files, manifest, &cancel)?;

    // Only the files a run writes are replaced, so a runs.csv of an earlier
    // run with --per-run would sit next to results it does not belong to.
    if !args.per_run && out.join(RUNS_FILE).exists() {
        eprintln!(
            "warning: {} is from an earlier run and does not match these results (only --per-run replaces it)",
            out.join(RUNS_FILE).display()
        );
    }
    warn_of_other_files(&out, &COMPARISON_FILES, "sharecast compare", "run");
    if !sim.quiet {
        print_stdout(&format!(
            "{}\nWrote {} to {}\n",
            report::final_table(&s, &projection, seed),
            file_names(&files),
            out.display()
        ))?;
    }
    Ok(())
}

fn compare(args: CompareArgs) -> Result<()> {
    let (base, base_sha) = load(&args.baseline)?;
    warn(&args.baseline, &base);
    let (other, other_sha) = load(&args.counterfactual)?;
    warn(&args.counterfactual, &other);
    let alignment = compare::align(&base, &other).map_err(|e| {
        UsageError(format!(
            "cannot compare {} with {}: {e}",
            args.baseline.display(),
            args.counterfactual.display()
        ))
    })?;
    for note in &alignment.notes {
        eprintln!("warning: {note}");
    }
    if base_sha == other_sha {
        eprintln!(
            "warning: {} and {} have the same contents, so every difference is 0",
            args.baseline.display(),
            args.counterfactual.display()
        );
    }
    let sim = &args.simulation;
    let runs = sim.runs.unwrap_or(base.runs);
    let seed = sim.seed.unwrap_or(base.seed);
    let mut unused = Vec::new();
    if sim.seed.is_none() && other.seed != base.seed {
        unused.push(format!("seed {}", other.seed));
    }
    if sim.runs.is_none() && other.runs != base.runs {
        unused.push(format!("runs {}", other.runs));
    }
    if !unused.is_empty() {
        let source = |flag: Option<u64>, name: &str| {
            if flag.is_some() {
                format!("from {name}")
            } else {
                "the baseline's".to_string()
            }
        };
        eprintln!(
            "warning: {} sets {}, which is not used: both scenarios run with seed {seed} ({}) and {runs} runs ({}) so that their runs pair",
            args.counterfactual.display(),
            unused.join(" and "),
            source(sim.seed, "--seed"),
            source(sim.runs, "--runs"),
        );
    }
    let out = args.out.clone().unwrap_or_else(|| {
        let stem = |p: &Path| {
            default_out_dir(p)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        Path::new("out").join(format!(
            "{}-vs-{}",
            stem(&args.baseline),
            stem(&args.counterfactual)
        ))
    });
    check_out_folder(&out, COMPARISON_FILES.into_iter().chain([MANIFEST_FILE]))?;
    let engine = sim.engine();
    if !sim.no_memory_check {
        let threads = sim.threads() as u64;
        check_memory(
            |runs| {
                resources::estimate(&base, runs, threads, false, engine)
                    .plus(resources::estimate(&other, runs, threads, false, engine))
            },
            runs,
            false,
        )?;
    }
    let pool = sim.pool()?;

    let cancel = interrupt_flag();
    let simulate_both = || -> Result<_> {
        let mut records = Vec::with_capacity(2);
        for (s, label) in [(&base, "baseline"), (&other, "counterfactual")] {
            let progress = Progress::new(runs, sim.quiet).labelled(label);
            let simulated = simulate(&pool, s, seed, runs, engine, &progress, &cancel);
            progress.finish();
            records.push(simulated?);
        }
        Ok(records)
    };
    let records = simulate_both()?;
    let comparison = pool
        .install(|| {
            compare::compare_unless(
                (&base, &records[0]),
                (&other, &records[1]),
                &alignment,
                &cancel,
            )
        })
        .ok_or(Interrupted)?;
    drop(records);

    let contents = [
        export::shares_diff_csv(&base, &comparison),
        export::adoption_diff_csv(&base, &comparison),
        export::revenue_diff_csv(&base, &comparison),
    ];
    let files = named_files(COMPARISON_FILES, contents);
    let manifest = Manifest {
        sharecast_version: env!("CARGO_PKG_VERSION").to_string(),
        input: ManifestInput::Compare {
            baseline: ScenarioRef::of(&base, &args.baseline, base_sha),
            counterfactual: ScenarioRef::of(&other, &args.counterfactual, other_sha),
            notes: alignment.notes.clone(),
        },
        seed,
        runs,
        engine: sim.engine_name(),
        command_line: command_line(),
        files: files.iter().map(|f| f.name.clone()).collect(),
    };
    let files = write_outputs(&out, files, manifest, &cancel)?;
    let run_files: Vec<&str> = STATISTICS_FILES.into_iter().chain([RUNS_FILE]).collect();
    warn_of_other_files(&out, &run_files, "sharecast run", "comparison");
    if !sim.quiet {
        print_stdout(&format!(
            "{}\nWrote {} to {}\n",
            report::comparison_table(
                (&base, &args.baseline),
                (&other, &args.counterfactual),
                &comparison,
                seed
            ),
            file_names(&files),
            out.display()
        ))?;
    }
    Ok(())
}

fn sweep(args: SweepArgs) -> Result<()> {
    let path = &args.scenario;
    let source = scenario::read_source(path)?;
    let base = scenario::parse(&source, path)?;
    warn(path, &base);
    let plan = &args.vary;
    // Every value's scenario is checked before anything runs, so a value
    // the file's rules refuse stops the sweep with nothing written.
    let mut variants = Vec::with_capacity(plan.values.len());
    for (i, value) in plan.values.iter().enumerate() {
        let with = format!("with --vary {}={}", plan.path, value.text);
        let s = scenario::parse_with(&source, path, &[plan.setting(i)]).map_err(|mut e| {
            for d in e.diagnostics.iter_mut().filter(|d| d.line.is_some()) {
                d.message.push_str(&format!(" ({with})"));
            }
            e
        })?;
        for w in s.warnings.iter().filter(|w| !base.warnings.contains(w)) {
            eprintln!("warning: {} ({with})", scenario::located(path, w));
        }
        variants.push(s);
    }
    let sim = &args.simulation;
    let runs = sim.runs.unwrap_or(base.runs);
    let seed = sim.seed.unwrap_or(base.seed);
    let out = args.out.clone().unwrap_or_else(|| {
        let mut dir = default_out_dir(path).into_os_string();
        dir.push("-sweep");
        PathBuf::from(dir)
    });
    check_out_folder(&out, SWEEP_FILES.into_iter().chain([MANIFEST_FILE]))?;
    let engine = sim.engine();
    if !sim.no_memory_check {
        let threads = sim.threads() as u64;
        let values = variants.len() as u64;
        check_memory(
            |runs| {
                // Values run one after another; the stacked files of all of
                // them are held until the end.
                let need = variants
                    .iter()
                    .map(|s| resources::estimate(s, runs, threads, false, engine))
                    .max_by_key(|e| e.total())
                    .expect("a sweep has at least one value");
                resources::MemoryEstimate {
                    files: need.files.saturating_mul(values),
                    ..need
                }
            },
            runs,
            false,
        )?;
    }
    let pool = sim.pool()?;

    let cancel = interrupt_flag();
    let mut stacked = SWEEP_FILES.map(|_| export::StackedCsv::new(&plan.path));
    let mut points = Vec::with_capacity(variants.len());
    for (i, (s, value)) in variants.iter().zip(&plan.values).enumerate() {
        let label = format!(
            "{}={} ({}/{})",
            plan.path,
            value.text,
            i + 1,
            variants.len()
        );
        let progress = Progress::new(runs, sim.quiet).labelled(&label);
        let records = simulate(&pool, s, seed, runs, engine, &progress, &cancel);
        progress.finish();
        let records = records?;
        let projection = pool
            .install(|| measures::project_unless(s, &records, &cancel))
            .ok_or(Interrupted)?;
        drop(records);
        let [shares, adoption, revenue] = long_files(&pool, s, &projection);
        let summary = export::summary_csv(s, &projection);
        for (file, bytes) in stacked.iter_mut().zip([shares, adoption, revenue, summary]) {
            file.append(&value.text, &bytes);
        }
        points.push(sweep::SweepPoint::of(s, &projection));
    }

    let files = named_files(SWEEP_FILES, stacked.map(export::StackedCsv::finish));
    let manifest = Manifest {
        sharecast_version: env!("CARGO_PKG_VERSION").to_string(),
        input: ManifestInput::Sweep {
            scenario: ScenarioRef::of(&base, path, sha256_hex(&source)),
            parameter: plan.path.clone(),
            values: plan.values.iter().map(|v| v.text.clone()).collect(),
        },
        seed,
        runs,
        engine: sim.engine_name(),
        command_line: command_line(),
        files: files.iter().map(|f| f.name.clone()).collect(),
    };
    let files = write_outputs(&out, files, manifest, &cancel)?;
    let others: Vec<&str> = STATISTICS_FILES
        .into_iter()
        .chain([RUNS_FILE])
        .chain(COMPARISON_FILES)
        .collect();
    warn_of_other_files(&out, &others, "sharecast run or compare", "sweep");
    if !sim.quiet {
        print_stdout(&format!(
            "{}\nWrote {} to {}\n",
            report::sweep_table(&variants[0], plan, &points, runs, seed),
            file_names(&files),
            out.display()
        ))?;
    }
    Ok(())
}

/// Warns when `out` also holds files the other command (`command`) writes:
/// the manifest next to them now describes this `what` instead.
fn warn_of_other_files(out: &Path, names: &[&str], command: &str, what: &str) {
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|name| out.join(name).exists())
        .collect();
    if !present.is_empty() {
        eprintln!(
            "warning: {} also holds {} from an earlier `{command}`; {} now describes this {what}, not them",
            out.display(),
            present.join(", "),
            out.join(MANIFEST_FILE).display()
        );
    }
}

/// Writes `text` to standard output. A reader that has gone away (`sharecast
/// check ... | head`) is not an error: everything it wanted was delivered.
fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// Refuses a run whose estimated memory need (`need` of a run count)
/// exceeds what is available.
fn check_memory(
    need: impl Fn(u64) -> resources::MemoryEstimate,
    runs: u64,
    per_run: bool,
) -> Result<()> {
    let Some(available) = resources::available_memory() else {
        return Ok(());
    };
    let wanted = need(runs);
    if wanted.total() <= available {
        return Ok(());
    }
    // The estimate grows with runs: find the largest run count that fits.
    let (mut fits, mut too_many) = (0u64, runs);
    while too_many - fits > 1 {
        let mid = fits + (too_many - fits) / 2;
        if need(mid).total() <= available {
            fits = mid;
        } else {
            too_many = mid;
        }
    }
    let mut advice = if fits > 0 {
        format!("reduce --runs to at most about {fits}")
    } else {
        "even one run does not fit: reduce the number of periods, vendors, agencies or tiers"
            .to_string()
    };
    if per_run {
        advice.push_str(", drop --per-run");
    }
    advice.push_str(", or shorten the horizon (periods) or use a coarser step");
    Err(UsageError(format!(
        "this run would need about {} of memory ({} of run records, {} of working memory, {} of output files), \
         but only {} is available; {advice}. To run anyway, add --no-memory-check",
        resources::human_bytes(wanted.total()),
        resources::human_bytes(wanted.records),
        resources::human_bytes(wanted.working),
        resources::human_bytes(wanted.files),
        resources::human_bytes(available),
    ))
    .into())
}
