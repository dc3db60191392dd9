//! The progress bars of long jobs: one counting the runs simulated, then one
//! counting the periods whose statistics are done (with many runs these take
//! a good part of the job, and a bar that ended at "0s left" would make the
//! job look hung), then, for `run`, one counting the rows of its files
//! formatted (seconds for a market of thousands of agencies). On stderr,
//! only after a moment, never with `--quiet`, `NO_PROGRESS` or a stderr
//! that is not a terminal. Kept apart from the
//! CLI's orchestration because the engine's workers and the statistics'
//! tasks tick it from many threads.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr that appears once its phase of the job has
/// taken longer than a moment, even before its first step is done (one run
/// of a large market on the unit engine, a period of statistics over very
/// many runs), and never when stderr is not a terminal or with `--quiet`
/// (indicatif hides a bar whose target is not a terminal). Dropping it
/// (or [`finish`](Progress::finish)) erases it.
pub struct Progress {
    bar: ProgressBar,
    /// The thread that shows the bar after the delay; `None` when the bar
    /// is never shown, and once stopped.
    revealer: Option<Revealer>,
    /// The style once a step is done: until then there is no rate to show
    /// or time left to estimate, and the bar shows the time so far.
    counting: ProgressStyle,
    counted: AtomicBool,
}

struct Revealer {
    finished: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Revealer {
    /// A thread that shows `bar` once [`Progress::DELAY`] has passed, then
    /// redraws it every [`Progress::REDRAW`] until stopped; `None` when the
    /// system refuses a thread (a limit on processes), and the job goes on
    /// without a bar.
    fn start(bar: &ProgressBar) -> Option<Revealer> {
        let started = Instant::now();
        let finished = Arc::new(AtomicBool::new(false));
        let (bar, stop) = (bar.clone(), Arc::clone(&finished));
        let thread = std::thread::Builder::new()
            .name("progress".to_string())
            .spawn(move || {
                // Woken early by `Progress::stop`, or spuriously.
                while !stop.load(Ordering::SeqCst) {
                    let elapsed = started.elapsed();
                    if elapsed < Progress::DELAY {
                        std::thread::park_timeout(Progress::DELAY - elapsed);
                        continue;
                    }
                    if bar.is_hidden() {
                        bar.set_draw_target(ProgressDrawTarget::stderr());
                    }
                    bar.tick();
                    std::thread::park_timeout(Progress::REDRAW);
                }
            })
            .ok()?;
        Some(Revealer { finished, thread })
    }
}

impl Progress {
    const DELAY: Duration = Duration::from_millis(300);
    /// How often a shown bar is redrawn between steps, so that its rate and
    /// time left stay current.
    const REDRAW: Duration = Duration::from_millis(200);

    /// A bar counting `runs` runs; never shown with `quiet`.
    pub fn new(runs: u64, quiet: bool) -> Progress {
        Progress::counting(
            runs,
            "{prefix}{bar:40} {pos}/{len} runs",
            "  {per_sec:0}  {eta} left",
            quiet,
        )
    }

    /// A bar counting the `periods` periods whose statistics are done, for
    /// the phase after the runs; never shown with `quiet`.
    pub fn statistics(periods: u64, quiet: bool) -> Progress {
        Progress::counting(
            periods,
            "{prefix}{bar:40} statistics: {pos}/{len} periods",
            "  {eta} left",
            quiet,
        )
    }

    /// A bar counting the `rows` rows of the statistics files formatted,
    /// for the phase after the statistics; never shown with `quiet`.
    pub fn writing(rows: u64, quiet: bool) -> Progress {
        Progress::counting(
            rows,
            "{prefix}{bar:40} files: {pos}/{len} rows",
            "  {eta} left",
            quiet,
        )
    }

    /// Whether bars are drawn: not with `--quiet`, nor with `NO_PROGRESS`
    /// set, nor when stderr is not a terminal. A drawn bar has a thread of
    /// its own (which reserves address space, see the memory check).
    pub fn shown(quiet: bool) -> bool {
        !quiet && std::env::var_os("NO_PROGRESS").is_none() && std::io::stderr().is_terminal()
    }

    /// A bar of `steps` steps showing `counts`, then the time so far until
    /// the first step is done, and `estimates` from then on.
    fn counting(steps: u64, counts: &str, estimates: &str, quiet: bool) -> Progress {
        let style = |rest: &str| {
            ProgressStyle::with_template(&format!("{counts}{rest}")).expect("a valid template")
        };
        let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::hidden());
        bar.set_style(style("  {elapsed} so far"));
        let revealer = Progress::shown(quiet)
            .then(|| Revealer::start(&bar))
            .flatten();
        Progress {
            bar,
            revealer,
            counting: style(estimates),
            counted: AtomicBool::new(false),
        }
    }

    /// The bar, preceded by `label` (which simulation it counts).
    pub fn labelled(self, label: &str) -> Progress {
        self.bar.set_prefix(format!("{label} "));
        self
    }

    /// One more run (or period) done.
    pub fn tick(&self) {
        self.advance(1);
    }

    /// `steps` more done at once (rows written).
    pub fn advance(&self, steps: u64) {
        // Read first: the workers tick often, and a write on every tick
        // would bounce the flag between their caches.
        if !self.counted.load(Ordering::Relaxed) && !self.counted.swap(true, Ordering::Relaxed) {
            self.bar.set_style(self.counting.clone());
        }
        self.bar.inc(steps);
    }

    /// Erases the bar (as dropping it does).
    pub fn finish(self) {
        drop(self);
    }

    fn stop(&mut self) {
        if let Some(Revealer { finished, thread }) = self.revealer.take() {
            finished.store(true, Ordering::SeqCst);
            thread.thread().unpark();
            // A panic there would only have left the bar hidden.
            let _ = thread.join();
        }
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}
