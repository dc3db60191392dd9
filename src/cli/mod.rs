//! The command line: parse arguments, call the library, print, pick the
//! exit code. Exit 0 on success; 2 for a bad scenario, bad arguments, a job
//! too large for the memory available, an `--out` the user must change (a
//! file, a folder standing where a result goes, a result that would replace
//! an input, earlier results still kept under backup names, another
//! program's folder, files named like results with no manifest) or a
//! `--strict` refusal; 130 when interrupted; 1 for
//! anything else (such as a folder that cannot be written).
//!
//! This module holds the arguments and the dispatch; each command has its
//! own module (`check`, `run`, `compare`, `sweep`), and what they share has
//! one module per concern: `settings` (the scenario with its `--set` and
//! `--vary` settings), `folder_name` (default output folders), `folder`
//! (checking and writing the output folder), `memory` (the memory check),
//! `warnings` (the warnings printed, for the manifest and `--strict`) and
//! `job` (threads, Ctrl-C, progress bars, stdout).

/// Prints "warning: ..." on stderr with control and formatting characters made visible: a
/// warning may quote a path or a setting as typed, and an escape sequence in
/// it must not act on the terminal. The warning is also kept for the
/// `warnings` of the `manifest.json` written next.
macro_rules! warning {
    ($($arg:tt)*) => {
        $crate::cli::warnings::warn(&format!($($arg)*))
    };
}

mod check;
mod compare;
mod folder;
mod folder_name;
mod job;
mod memory;
mod run;
mod settings;
mod sweep;
mod warnings;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};

use crate::engine::EngineKind;
// The files each command writes, in order, before the manifest.
use crate::export::{COMPARISON_FILES, STATISTICS_FILES, SWEEP_FILES};
use crate::scenario::ScenarioError;
use crate::sweep::Sweep;
use job::available_threads;

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
        sharecast compare scenarios/gov-ai-2026.toml --set 'event.2.at=2027-03'\n  \
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
    /// caution and terms, each vendor's chance of winning an open unit at
    /// the start by tier, the initial contracts and the event timeline, then
    /// the memory a run of the scenario's runs (or --runs N) would need.
    /// Example: sharecast check scenarios/gov-ai-2026.toml
    Check(CheckArgs),
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
    /// revenue_diff.csv and manifest.json. The counterfactual may instead be
    /// the baseline changed with --set.
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
    // Trimmed as --runs and --threads are: a quoted ' 42' is still 42.
    text.trim()
        .parse::<i128>()
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

/// The help of `sweep --vary`.
fn vary_help() -> String {
    format!(
        "The number to vary and its values: PATH=V1,V2,... or PATH=FROM..TO:COUNT (COUNT evenly \
         spaced values). PATH is one of {}. Example: --vary 'agency.*.caution=0.1..0.7:4'",
        crate::scenario::PATH_HELP
    )
}

/// A number of runs: 1 to 100,000,000, as a scenario file's `runs`.
fn runs_value(text: &str) -> Result<u64, String> {
    let most = crate::scenario::MAX_RUNS as u64;
    whole_number_from_to(text, 1, most, "a number of runs")
}

/// A number of worker threads: 1 to 1,024.
fn threads_value(text: &str) -> Result<u64, String> {
    whole_number_from_to(text, 1, 1024, "a number of threads")
}

/// `text` as a whole number in `min..=max`, or a sentence saying what `what`
/// must be. Negative numbers arrive here too (the flags allow them), so that
/// `--runs -3` is told the range rather than to write `-- -3`.
fn whole_number_from_to(text: &str, min: u64, max: u64, what: &str) -> Result<u64, String> {
    text.trim()
        .parse::<i128>()
        .ok()
        .filter(|n| (i128::from(min)..=i128::from(max)).contains(n))
        .map(|n| n as u64)
        .ok_or_else(|| {
            // `2,000` or `10k`, as a spreadsheet shows a number.
            let hint = crate::scenario::whole_number_as_written(text)
                .filter(|n| (min..=max).contains(n))
                .map_or(String::new(), |n| format!("; write {n}"));
            format!("{what} is a whole number from {min} to {max}{hint}")
        })
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,

    /// Check and show the scenario with one of its numbers set, as `run
    /// --set` would simulate it (may be repeated, each number once).
    /// Example: --set 'event.2.at=2027-03'
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Sweep::parse_one)]
    set: Vec<Sweep>,

    /// The number of runs the memory estimate is for (the scenario's
    /// `runs` unless given), as `run --runs N` with its other options
    /// left out would simulate.
    /// Example: --runs 100000
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = runs_value)]
    runs: Option<u64>,

    /// Nothing on stdout: the exit status says whether the file is
    /// valid (0) or not (2); errors and warnings still go to stderr.
    /// Short: -q. Example: for f in *.toml; do sharecast check -q "$f"; done
    #[arg(long, short)]
    quiet: bool,

    /// Treat warnings as errors: a scenario that draws any warning is
    /// refused (exit 2). Example: sharecast check --strict scenario.toml
    #[arg(long)]
    strict: bool,

    /// Read a scenario file even when reading it may need more memory
    /// than is available or the address-space limit (ulimit -v)
    /// leaves; normally such a file is refused before it is parsed.
    /// Example: --no-memory-check
    #[arg(long)]
    no_memory_check: bool,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,

    /// Output folder, created if missing. Only the files this command writes
    /// are replaced. Default: out/<scenario file name without its extension>.
    /// Example: --out results/baseline
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    #[command(flatten)]
    simulation: SimulationArgs,

    /// Also write runs.csv: every run's contracts and count share per vendor
    /// and period. Example: --per-run
    #[arg(long)]
    per_run: bool,

    /// Set one number of the scenario for this run, as if the file said so
    /// (PATH as for `sweep --vary`; may be repeated, each number once). Output then goes by
    /// default to a folder named after the settings, out/<scenario>-with-<settings>.
    /// Example: --set 'agency.*.caution=0.6'
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Sweep::parse_one)]
    set: Vec<Sweep>,
}

#[derive(Debug, clap::Args)]
#[command(
    mut_arg("runs", |arg| arg.help(
        "Number of Monte Carlo runs (at least 1) for both scenarios; overrides the \
         baseline's `runs`, which both scenarios otherwise use. Example: --runs 10000"
    )),
    mut_arg("seed", |arg| arg.help(
        "Seed of the random streams for both scenarios; overrides the baseline's `seed`, \
         which both scenarios otherwise use. From 0 to 9223372036854775807, as in a \
         scenario file. Example: --seed 42"
    )),
)]
struct CompareArgs {
    /// The baseline scenario file (TOML).
    baseline: PathBuf,

    /// The counterfactual scenario file (TOML): the baseline with a change.
    /// Default, with --set: the baseline file itself.
    counterfactual: Option<PathBuf>,

    /// Output folder, created if missing. Only the files this command writes
    /// are replaced. Default: out/<baseline>-vs-<counterfactual> (file names
    /// without their extensions; -with-<settings> added with --set). Example: --out results/aws-deal
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    #[command(flatten)]
    simulation: SimulationArgs,

    /// Set one number of the counterfactual, as if its file said so (PATH as
    /// for `sweep --vary`; may be repeated, each number once). Without a COUNTERFACTUAL file,
    /// the counterfactual is the baseline with these settings.
    /// Example: sharecast compare scenarios/gov-ai-2026.toml --set 'event.2.at=2027-03'
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Sweep::parse_one)]
    set: Vec<Sweep>,
}

#[derive(Debug, clap::Args)]
struct SweepArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,

    // The help lists the paths from `PATH_HELP`, which messages quote too.
    #[arg(long, value_name = "PATH=VALUES", value_parser = Sweep::parse, help = vary_help())]
    vary: Sweep,

    /// Output folder, created if missing. Only the files this command writes
    /// are replaced. Default: out/<scenario file name without its extension>-sweep-<PATH>
    /// (and -with-<settings> with --set). Example: --out results/caution
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,

    #[command(flatten)]
    simulation: SimulationArgs,

    /// Set another number of the scenario for every value, as `run --set`
    /// does (may be repeated, each number once; not the number varied).
    /// Example: --set 'agency.*.term=24'
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Sweep::parse_one)]
    set: Vec<Sweep>,
}

/// How to simulate: the flags `run`, `compare` and `sweep` share.
#[derive(Debug, clap::Args)]
struct SimulationArgs {
    /// Number of Monte Carlo runs (at least 1); overrides the scenario's `runs`.
    /// Example: --runs 10000
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = runs_value)]
    runs: Option<u64>,

    /// Seed of the random streams; overrides the scenario's `seed`. The same
    /// scenario, seed and runs give byte-identical CSVs. From 0 to
    /// 9223372036854775807, as in a scenario file. Example: --seed 42
    #[arg(long, value_name = "S", allow_negative_numbers = true, value_parser = seed_value)]
    seed: Option<u64>,

    /// Worker threads, from 1 to 1024. Default: all cores. Results do not
    /// depend on it. Example: --threads 2
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = threads_value)]
    threads: Option<u64>,

    /// No progress bars and no table on stdout (errors and warnings still go
    /// to stderr). Short: -q. Example: --quiet
    #[arg(long, short)]
    quiet: bool,

    /// Simulation engine: `counts` (fast, default) or `units` (follows every
    /// unit; slow, the reference the fast one is tested against).
    /// Example: --engine units
    #[arg(long, value_enum, ignore_case = true, default_value_t = EngineChoice::Counts)]
    engine: EngineChoice,

    /// Run even when the estimated memory need exceeds the memory available
    /// or the address-space limit (ulimit -v), and read a scenario file
    /// whose size may need more memory to read than that; normally such a
    /// job is refused before it starts, and without the check the system
    /// may stop it (exit 134 or 137, nothing written). Example:
    /// --no-memory-check
    #[arg(long)]
    no_memory_check: bool,

    /// Treat warnings as errors: when the scenario, the settings, the
    /// output folder or the results draw any warning, stop with exit code 2
    /// and write nothing, before simulating whenever the warning is known
    /// then (for scripts). Example: --strict
    #[arg(long)]
    strict: bool,
}

impl SimulationArgs {
    fn engine(&self) -> EngineKind {
        match self.engine {
            EngineChoice::Counts => EngineKind::Counts,
            EngineChoice::Units => EngineKind::Units,
        }
    }

    fn engine_name(&self) -> String {
        self.engine().to_string()
    }

    fn threads(&self) -> usize {
        self.threads.map_or_else(available_threads, |n| n as usize)
    }

    /// The job's worker threads. rayon's error shows the system's reason
    /// and gives it as its source as well, so the message takes its text
    /// once rather than wrapping it.
    fn pool(&self) -> Result<rayon::ThreadPool> {
        let threads = self.threads();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .map_err(|e| {
                let (s, fewer) = if threads == 1 {
                    ("", "")
                } else {
                    ("s", "; fewer --threads may start")
                };
                anyhow::anyhow!(
                    "cannot start {threads} worker thread{s}: {e}; {}{fewer}",
                    job::REFUSED_THREAD
                )
            })
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EngineChoice {
    Counts,
    Units,
}

/// Written with `--per-run`, after the statistics files
/// (`export::STATISTICS_FILES`) and before the manifest (see
/// `folder::write_outputs`).
const RUNS_FILE: &str = "runs.csv";
const MANIFEST_FILE: &str = "manifest.json";

/// A mistake in the arguments (as opposed to a failure of the machine).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// An unknown option: clap's error, with the whole usage of the command it
/// was given to (clap's names only what is required); and for an option of
/// other commands (`--per-run` on `sweep`, `--runs` on `check`), a tip
/// naming the commands that take it in place of clap's, which suggests
/// passing it as a value after `--`.
fn explain_unknown_argument(e: &mut clap::Error) {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return;
    }
    let mut cli = Cli::command();
    // Built, so that each command's usage names the program.
    cli.build();
    let Some(typed) = typed_arguments()
        .into_iter()
        .find(|a| cli.find_subcommand(a).is_some())
    else {
        return;
    };
    let Some(usage) = cli.find_subcommand_mut(&typed).map(|c| c.render_usage()) else {
        return;
    };
    e.insert(ContextKind::Usage, ContextValue::StyledStr(usage.clone()));
    let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg).cloned() else {
        return;
    };
    if let Some(tip) = split_setting(&arg) {
        e.insert(
            ContextKind::Suggested,
            ContextValue::StyledStrs(vec![tip.into()]),
        );
        return;
    }
    let Some(long) = arg.strip_prefix("--") else {
        return;
    };
    let long = long.split('=').next().unwrap_or(long);
    let takers: Vec<&str> = cli
        .get_subcommands()
        .filter(|command| command.get_arguments().any(|a| a.get_long() == Some(long)))
        .map(|command| command.get_name())
        .collect();
    if takers.is_empty() || takers.contains(&typed.as_str()) {
        return;
    }
    let mut named: Vec<String> = takers.iter().map(|t| format!("`sharecast {t}`")).collect();
    let last = named.pop().expect("at least one command takes it");
    let commands = if named.is_empty() {
        last
    } else {
        format!("{} and {last}", named.join(", "))
    };
    let tip = format!("--{long} is an option of {commands} only");
    // A fresh error, as clap words it, without clap's own tips (such as a
    // similar option of this command: `--set` for `--seed` on `check`).
    let mut told = clap::Error::new(ErrorKind::UnknownArgument).with_cmd(&cli);
    told.insert(ContextKind::InvalidArg, ContextValue::String(arg.clone()));
    told.insert(
        ContextKind::Suggested,
        ContextValue::StyledStrs(vec![tip.into()]),
    );
    told.insert(ContextKind::Usage, ContextValue::StyledStr(usage));
    *e = told;
}

/// The arguments after the program's name, as text (a byte that is not
/// UTF-8 replaced), for messages about them.
fn typed_arguments() -> Vec<String> {
    std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

/// A tip for `unexpected`, an argument clap found no place for, when it is
/// part of a `--set` or `--vary` setting the shell split at spaces: around
/// its `=` (`--set agency.DoD.caution = 0.3`: it starts with `=`, or follows
/// an argument of such an option that ends with one), or between the values
/// of a `--vary` list (`--vary agency.DoD.caution=0.1 0.3`).
fn split_setting(unexpected: &str) -> Option<&'static str> {
    const AROUND_EQUALS: &str = "--set and --vary take PATH=VALUE as one argument: write it without spaces around =, or put the whole setting in quotes";
    const LIST: &str = "a --vary list is one argument: separate its values by commas without spaces (PATH=0.1,0.3), or put the whole setting in quotes";
    if unexpected.starts_with('=') {
        return Some(AROUND_EQUALS);
    }
    let typed = typed_arguments();
    // `--set PATH= VALUE` (clap refuses `--set=PATH= VALUE` for its value
    // first, and that message says the same), `--vary PATH=0.1 0.3`.
    let value = |text: &str| {
        let text = text.trim_end_matches(',');
        text.parse::<f64>().is_ok() || crate::calendar::YearMonth::parse(text).is_some()
    };
    typed.windows(3).find_map(|w| {
        if w[2] != unexpected || !["--set", "--vary"].contains(&w[0].as_str()) {
            None
        } else if w[1].ends_with('=') {
            Some(AROUND_EQUALS)
        } else if w[0] == "--vary" && w[1].contains('=') && value(unexpected) {
            Some(LIST)
        } else {
            None
        }
    })
}

/// The user pressed Ctrl-C, or the process got SIGINT, SIGTERM or SIGHUP.
#[derive(Debug, thiserror::Error)]
#[error("interrupted; no output was written")]
pub struct Interrupted;

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    // Before any thread starts (the memory check counts on it).
    crate::resources::share_one_heap_under_an_address_space_limit();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(mut e) if e.use_stderr() => {
            explain_unknown_argument(&mut e);
            // The message quotes the argument as typed: with a control or
            // formatting character in the command line, plain text (which
            // leaves control characters out; formatting ones are escaped)
            // and the arguments shown escaped, rather than clap's colours.
            let typed = typed_arguments();
            if typed.iter().any(|a| a.chars().any(crate::text::is_hidden)) {
                print_stderr(&terminal_safe(&e.render().to_string()));
                let shown: Vec<String> = typed
                    .iter()
                    .map(|a| format!("'{}'", crate::text::escape_hidden(a, false)))
                    .collect();
                print_stderr(&format!(
                    "note: the arguments hold control, formatting or invisible characters, which the message above leaves out or escapes; as typed: {}\n",
                    shown.join(" ")
                ));
            } else if e.to_string().len() > crate::text::MAX_MESSAGE_CHARS {
                // A value of megabytes quoted back (clap quotes the value it
                // refuses), without clap's colours.
                print_stderr(&bounded_lines(&e.render().to_string()));
            } else {
                let _ = e.print();
            }
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let code = exit_code(&e);
            let message = if let Some(rejected) = e.downcast_ref::<ScenarioError>() {
                // What the file also draws warnings for, first, as for a
                // file that is accepted: one pass of fixes can answer all.
                for w in &rejected.warnings {
                    warnings::warn(&crate::scenario::located(&rejected.path, w));
                }
                format!("scenario rejected\n{e}")
            } else {
                format!("{e:#}")
            };
            print_stderr(&format!(
                "error: {}\n",
                bounded_lines(&terminal_safe(&message))
            ));
            ExitCode::from(code)
        }
    }
}

/// `text` with each line cut as `text::bounded_message` cuts a message: an
/// argument or a value of megabytes is not repeated whole.
fn bounded_lines(text: &str) -> String {
    text.split('\n')
        .map(|line| crate::text::bounded_message(line.to_string()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes `text` to stderr, ignoring failure: with stderr unwritable (a full
/// disk under a log file, a closed descriptor) a message is lost, but the
/// job's results and its exit code must not be.
fn print_stderr(text: &str) {
    use std::io::Write;
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// `text` with every control, formatting or invisible character but line breaks and
/// tabs written as an escape, so that nothing quoted from the command line,
/// a file name or a scenario can act on the terminal or hide in it.
pub(crate) fn terminal_safe(text: &str) -> String {
    crate::text::escape_hidden(text, true)
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
        Command::Check(args) => check::check(args),
        Command::Run(args) => run::run(args),
        Command::Compare(args) => compare::compare(args),
        Command::Sweep(args) => sweep::sweep(args),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Cli, Command};

    /// `--threads N` sizes the pool that the arguments of `run`, `compare`
    /// and `sweep` build (each command runs its job in it): the tests that
    /// compare one thread with two through the binary rely on it.
    #[test]
    fn threads_size_the_pool_of_every_command() {
        for (command, threads) in [("run", 1), ("run", 3), ("compare", 2), ("sweep", 5)] {
            let mut argv = vec!["sharecast", command, "a.toml"];
            if command == "sweep" {
                argv.extend(["--vary", "seed=1,2"]);
            }
            let threads_text = threads.to_string();
            argv.extend(["--threads", &threads_text]);
            let simulation = match Cli::try_parse_from(&argv).expect("valid arguments").command {
                Command::Run(args) => args.simulation,
                Command::Compare(args) => args.simulation,
                Command::Sweep(args) => args.simulation,
                Command::Check { .. } => unreachable!("not parsed here"),
            };
            let pool = simulation.pool().expect("the system starts a few threads");
            assert_eq!(pool.current_num_threads(), threads, "{command}");
        }
    }
}
