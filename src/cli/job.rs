//! Running a job: worker threads, Ctrl-C, simulating and summarising runs
//! with progress bars, warnings for files too long for a spreadsheet, and
//! printing to standard output.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};

use super::Interrupted;
use crate::engine::{Control, EngineKind};
use crate::export;
use crate::measures;
use crate::output::OutputFile;
use crate::progress::Progress;
use crate::scenario::Scenario;
use crate::tally::Tally;
use crate::text::shown_path;
use std::path::Path;

/// The default for `--threads`: every core the process may use.
pub(super) fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// What a refused thread may mean, for the messages of a job that cannot
/// start one.
pub(super) const REFUSED_THREAD: &str = "the system refused a thread: a limit on processes or \
     threads (ulimit -u) or on address space (ulimit -v) may have been reached";

/// Ctrl-C sets this flag, and so do SIGTERM and SIGHUP (`ctrlc`'s
/// `termination` feature: a job runner's cancel, `timeout`, a closed
/// terminal); long work polls it. Installed once per process, from the
/// main thread before the job starts any other, since `ctrlc` watches the
/// signals from a thread of its own.
///
/// A signal the job's starter ignores stays ignored (`nohup` ignores
/// SIGHUP, so such a job outlives its terminal; `trap '' INT` before
/// starting one keeps Ctrl-C from it), though `ctrlc` catches every
/// watched signal: such a signal is blocked until it is ignored again, so
/// none that comes meanwhile reaches the handler. A thread the system
/// refuses is an error: `ctrlc` would leave its handler in place with
/// nothing to read it, and the job could not be interrupted.
pub(super) fn interrupt_flag() -> Result<Arc<AtomicBool>> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    if let Some(flag) = FLAG.get() {
        return Ok(Arc::clone(flag));
    }
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = Arc::clone(&flag);
    // Ignored again when dropped, on every path out.
    let _ignored = signals::IgnoredSignals::hold();
    if let Err(e) = ctrlc::set_handler(move || handler_flag.store(true, Ordering::SeqCst)) {
        // `ctrlc`'s own message for a system error says only "Unexpected
        // system error".
        let why = match e {
            ctrlc::Error::System(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                format!("{e}; {REFUSED_THREAD}")
            }
            ctrlc::Error::System(e) => e.to_string(),
            e => e.to_string(),
        };
        anyhow::bail!("cannot watch for Ctrl-C, SIGTERM and SIGHUP: {why}");
    }
    Ok(Arc::clone(FLAG.get_or_init(|| flag)))
}

/// The signals a job's starter told it to ignore, kept ignored across
/// `ctrlc`'s installation.
#[cfg(unix)]
mod signals {
    const WATCHED: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// The watched signals ignored when it was made, blocked in this
    /// thread (and so in any thread it starts) until it is dropped, which
    /// ignores them again, discarding any that came meanwhile, and
    /// unblocks them.
    pub(super) struct IgnoredSignals {
        ignored: Vec<libc::c_int>,
        mask_before: libc::sigset_t,
    }

    impl IgnoredSignals {
        pub(super) fn hold() -> IgnoredSignals {
            let ignored: Vec<libc::c_int> = WATCHED
                .into_iter()
                .filter(|&signal| {
                    // SAFETY: with no new action, `sigaction` only writes
                    // the current one into `current`, a zeroed plain C
                    // struct.
                    let mut current: libc::sigaction = unsafe { std::mem::zeroed() };
                    let read = unsafe { libc::sigaction(signal, std::ptr::null(), &mut current) };
                    read == 0 && current.sa_sigaction == libc::SIG_IGN
                })
                .collect();
            // SAFETY: `sigemptyset`, `sigaddset` and `pthread_sigmask`
            // write only the sets given, zeroed plain C values.
            unsafe {
                let mut blocked: libc::sigset_t = std::mem::zeroed();
                let mut mask_before: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut blocked);
                for &signal in &ignored {
                    libc::sigaddset(&mut blocked, signal);
                }
                let blocking = libc::pthread_sigmask(libc::SIG_BLOCK, &blocked, &mut mask_before);
                debug_assert_eq!(blocking, 0, "SIG_BLOCK is a valid way to change the mask");
                IgnoredSignals {
                    ignored,
                    mask_before,
                }
            }
        }
    }

    impl Drop for IgnoredSignals {
        fn drop(&mut self) {
            // SAFETY: ignoring a signal touches no memory of this program
            // (and discards one pending); the mask restored is the one
            // `pthread_sigmask` gave.
            unsafe {
                for &signal in &self.ignored {
                    libc::signal(signal, libc::SIG_IGN);
                }
                libc::pthread_sigmask(libc::SIG_SETMASK, &self.mask_before, std::ptr::null_mut());
            }
        }
    }
}

/// Elsewhere `ctrlc` watches what the system offers, and nothing is
/// ignored beforehand.
#[cfg(not(unix))]
mod signals {
    pub(super) struct IgnoredSignals;

    impl IgnoredSignals {
        pub(super) fn hold() -> IgnoredSignals {
            IgnoredSignals
        }
    }
}

/// Simulates `runs` runs of `s`, ticking `progress` as each finishes, and
/// keeps each run's tally (what the statistics read).
pub(super) fn simulate(
    pool: &rayon::ThreadPool,
    s: &Scenario,
    seed: u64,
    runs: u64,
    engine: EngineKind,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Vec<Tally>> {
    let on_run_done = || progress.tick();
    let control = Control {
        on_run_done: &on_run_done,
        cancel,
    };
    pool.install(|| Tally::simulate(s, seed, 0..runs, engine, &control))
        .map_err(|_| Interrupted.into())
}

/// The statistics of `records` (runs of `s` in run order), with a bar
/// counting the periods done after the runs' bar, preceded by `label` when
/// given.
pub(super) fn summarize(
    pool: &rayon::ThreadPool,
    s: &Scenario,
    records: &[Tally],
    label: Option<&str>,
    quiet: bool,
    cancel: &AtomicBool,
) -> Result<measures::Projection> {
    with_statistics_bar(pool, s.calendar.periods, label, quiet, |on_period_done| {
        measures::project_watched(s, records, cancel, on_period_done)
    })
}

/// Runs `statistics` (which gives `None` when interrupted) on `pool`, with
/// a bar of `periods` periods that it ticks as each is done, preceded by
/// `label` when given.
pub(super) fn with_statistics_bar<T: Send>(
    pool: &rayon::ThreadPool,
    periods: u32,
    label: Option<&str>,
    quiet: bool,
    statistics: impl FnOnce(&(dyn Fn() + Sync)) -> Option<T> + Send,
) -> Result<T> {
    let mut progress = Progress::statistics(u64::from(periods), quiet);
    if let Some(label) = label {
        progress = progress.labelled(label);
    }
    let on_period_done = || progress.tick();
    let done = pool.install(|| statistics(&on_period_done));
    progress.finish();
    done.ok_or_else(|| Interrupted.into())
}

/// A file whose reads fail once `cancel` is set, so that reading a long
/// file stops at Ctrl-C.
pub(super) struct CancellableFile<'a> {
    pub file: std::fs::File,
    pub cancel: &'a AtomicBool,
}

impl std::io::Read for CancellableFile<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err(std::io::Error::other("interrupted"));
        }
        self.file.read(buf)
    }
}

impl std::io::Seek for CancellableFile<'_> {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        self.file.seek(to)
    }
}

/// Writes `text` to standard output, with any control or invisible
/// character but line breaks and tabs escaped ([`super::terminal_safe`]:
/// a path or `--out` given on the command line may hold them). A reader
/// that has gone away (`sharecast check ... | head`) is not an error:
/// everything it wanted was delivered.
pub(super) fn print_stdout(text: &str) -> Result<()> {
    use std::io::Write;
    let text = super::terminal_safe(text);
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// [`print_stdout`] for the table a job prints once its files are in
/// `out`: if standard output fails (a full disk under a redirection), the
/// error says the results were written all the same.
pub(super) fn print_after_writing(text: &str, out: &Path) -> Result<()> {
    print_stdout(text).with_context(|| {
        format!(
            "the results were written to {}, but their summary could not be shown",
            shown_path(out)
        )
    })
}

/// Warns that file `name`, of `rows` rows with the header, is longer than a
/// spreadsheet opens (its end would be cut off), and what would shorten it.
pub(super) fn warn_if_too_long(name: &str, rows: usize, shorter: &str) {
    if export::too_long_for_a_spreadsheet(rows) {
        warning!(
            "{name} has {rows} rows, more than a spreadsheet opens ({} with the header); filter it with a script, or {shorter}",
            export::SPREADSHEET_ROWS
        );
    }
}

/// Warns that `shares_wide.csv` of scenario `s` has more columns than a
/// spreadsheet opens (its last vendors would be cut off), and where the
/// same numbers are in rows.
pub(super) fn warn_if_too_wide(s: &Scenario) {
    let columns = export::shares_wide_columns(s);
    if columns > export::SPREADSHEET_COLUMNS {
        warning!(
            "shares_wide.csv has {columns} columns, more than a spreadsheet opens ({}); the same means are in shares.csv, a row per vendor (agency all, tier all, metric count_share)",
            export::SPREADSHEET_COLUMNS
        );
    }
}

/// Warns, before anything is simulated, of each of `shares.csv`,
/// `adoption.csv` and `revenue.csv` (named with `prefix`, as `sweep_`
/// names its stacked files) that would be longer than a spreadsheet opens
/// for `s` repeated `copies` times (a sweep's values), saying what makes
/// the rows and what would fit: fewer copies, or fewer periods (a coarser
/// step covers the horizon in fewer), or else a script.
pub(super) fn warn_of_long_statistics(s: &Scenario, prefix: &str, copies: usize) {
    let periods = s.calendar.periods;
    for ((name, (per_period, made_of)), per_copy) in export::STATISTICS_FILES
        .into_iter()
        .zip(export::statistics_rows_per_period(s))
        .zip(export::statistics_rows(s))
    {
        let rows = per_copy.saturating_mul(copies).saturating_add(1);
        if !export::too_long_for_a_spreadsheet(rows) {
            continue;
        }
        let room = export::SPREADSHEET_ROWS - 1;
        let fewer_copies = (copies > 1 && per_copy <= room)
            .then(|| format!("sweep at most {} values, or ", room / per_copy));
        let fewer_periods = match room / per_period.saturating_mul(copies).max(1) {
            0 => "; not even one period's rows fit, so filter it with a script".to_string(),
            most => format!(
                "; {}filter it with a script, or cover the horizon in at most {most} periods (a quarter or a year a period: step = \"quarter\" or \"year\")",
                fewer_copies.unwrap_or_default()
            ),
        };
        warning!(
            "{prefix}{name} will have {rows} rows, more than a spreadsheet opens ({} with the header): {per_period} rows a period ({made_of}) over {periods} periods{}{fewer_periods}",
            export::SPREADSHEET_ROWS,
            if copies > 1 {
                format!(" for each of {copies} values")
            } else {
                String::new()
            }
        );
    }
}

/// [`warn_if_too_long`] for each of `files`, counting their lines (names
/// cannot hold a line break, so each line is a row).
pub(super) fn warn_of_long_files<'a>(
    files: impl IntoIterator<Item = &'a OutputFile>,
    shorter: impl Fn(&str) -> String,
) {
    for f in files {
        let rows = f.bytes.iter().filter(|&&b| b == b'\n').count();
        warn_if_too_long(&f.name, rows, &shorter(&f.name));
    }
}

/// The most runs whose `runs.csv` a spreadsheet opens whole, for a
/// scenario whose runs each take `rows_per_run` rows.
pub(super) fn runs_a_spreadsheet_opens(rows_per_run: usize) -> usize {
    (export::SPREADSHEET_ROWS - 1) / rows_per_run.max(1)
}
