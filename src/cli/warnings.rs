//! The warnings a job prints: each is printed, made terminal-safe, and
//! kept, so that the `manifest.json` written next lists them and `--strict`
//! can refuse a job that drew any. The `warning!` macro (in `cli/mod.rs`)
//! is how the rest of the command line warns.

use super::{UsageError, print_stderr, terminal_safe};

/// The warnings printed so far by this process, as printed (without the
/// `warning: ` prefix).
static WARNINGS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// What [`warning!`] does: prints `message` made terminal-safe and keeps it.
pub(crate) fn warn(message: &str) {
    let shown = terminal_safe(message);
    print_stderr(&format!("warning: {shown}\n"));
    WARNINGS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(shown);
}

/// How far a job stopped by [`refuse_warnings`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// `check`, which neither simulates nor writes.
    Check,
    /// Before simulating: nothing simulated or written.
    BeforeSimulating,
    /// After simulating, before writing (a warning only the results or
    /// the folder at writing time could draw): nothing written.
    BeforeWriting,
}

/// With `--strict`, a job that has drawn a warning stops here, as a usage
/// error (exit code 2): before it simulates, and again before it writes
/// anything, for the warnings only the results draw.
pub(crate) fn refuse_warnings(strict: bool, stop: Stop) -> anyhow::Result<()> {
    let warned = warnings_so_far().len();
    if strict && warned > 0 {
        let stopped = match stop {
            Stop::Check => "",
            Stop::BeforeSimulating => ", so nothing was simulated or written",
            Stop::BeforeWriting => ", so nothing was written",
        };
        return Err(UsageError(format!(
            "--strict: {} above{stopped}; fix what {} or leave out --strict",
            crate::text::count(warned as u64, "warning"),
            if warned == 1 { "it says" } else { "they say" }
        ))
        .into());
    }
    Ok(())
}

/// The warnings printed so far, for the manifest, each once (`compare F F`
/// prints the file's own warnings for both sides).
pub(crate) fn warnings_so_far() -> Vec<String> {
    let printed = WARNINGS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    let mut seen = std::collections::HashSet::with_capacity(printed.len());
    printed
        .into_iter()
        .filter(|warning| seen.insert(warning.clone()))
        .collect()
}
