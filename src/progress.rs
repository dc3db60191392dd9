//! The progress bars of long jobs: one counting the runs simulated, then one
//! counting the periods whose statistics are done (with many runs these take
//! a good part of the job, and a bar that ended at "0s left" would make the
//! job look hung). On stderr, only after a moment, never with `--quiet`,
//! `NO_PROGRESS` or a stderr that is not a terminal. Kept apart from the
//! CLI's orchestration because the engine's workers and the statistics'
//! tasks tick it from many threads.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr that appears only once its phase of the job has
/// taken longer than a moment, and never when stderr is not a terminal or
/// with `--quiet` (indicatif hides a bar whose target is not a terminal).
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    shown: AtomicBool,
    enabled: bool,
}

impl Progress {
    const DELAY: Duration = Duration::from_millis(300);

    /// A bar counting `runs` runs; never shown with `quiet`.
    pub fn new(runs: u64, quiet: bool) -> Progress {
        Progress::counting(
            runs,
            "{prefix}{bar:40} {pos}/{len} runs  {per_sec:0}  {eta} left",
            quiet,
        )
    }

    /// A bar counting the `periods` periods whose statistics are done, for
    /// the phase after the runs; never shown with `quiet`.
    pub fn statistics(periods: u64, quiet: bool) -> Progress {
        Progress::counting(
            periods,
            "{prefix}{bar:40} statistics: {pos}/{len} periods  {eta} left",
            quiet,
        )
    }

    fn counting(steps: u64, template: &str, quiet: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(steps), ProgressDrawTarget::hidden());
        bar.set_style(ProgressStyle::with_template(template).expect("a valid template"));
        Progress {
            bar,
            started: Instant::now(),
            shown: AtomicBool::new(false),
            enabled: !quiet && std::env::var_os("NO_PROGRESS").is_none(),
        }
    }

    /// The bar, preceded by `label` (which simulation it counts).
    pub fn labelled(self, label: &str) -> Progress {
        self.bar.set_prefix(format!("{label} "));
        self
    }

    /// One more run (or period) done.
    pub fn tick(&self) {
        self.bar.inc(1);
        if self.enabled
            && !self.shown.load(Ordering::Relaxed)
            && self.started.elapsed() > Self::DELAY
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
