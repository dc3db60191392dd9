//! The memory checks: a job whose estimated need exceeds the memory
//! available, or the process's address-space limit, is refused before it
//! starts, with the largest run count or thread count that would fit and
//! the other ways to need less; and a scenario file too large to read in
//! that memory is refused before it is parsed.

use std::path::Path;

use anyhow::Result;

use super::{SimulationArgs, UsageError};
use crate::engine::EngineKind;
use crate::resources;
use crate::text::shown_path;

/// What the memory check's refusal says: the job refused and what else
/// than fewer runs would make it fit.
pub(super) struct MemoryAdvice {
    /// "run", "comparison", "sweep".
    pub job: &'static str,
    /// Whether `--per-run` is on (dropping it helps).
    pub per_run: bool,
    /// Another way to need less, such as "fewer values".
    pub fewer: Option<&'static str>,
    /// The engine asked for: the unit engine holds every unit of a run, the
    /// count engine none.
    pub engine: EngineKind,
    /// Worker threads: under an address-space limit each reserves room.
    pub threads: u64,
    /// Other threads that allocate while the job runs (the progress bar's,
    /// when it is drawn): they reserve room too, whatever `--threads` says.
    pub other_threads: u64,
}

impl MemoryAdvice {
    /// The advice for a `job` with `sim`'s engine and threads (and the
    /// progress bar's thread when a bar is drawn).
    pub(super) fn for_job(
        job: &'static str,
        sim: &SimulationArgs,
        per_run: bool,
        fewer: Option<&'static str>,
    ) -> MemoryAdvice {
        MemoryAdvice {
            job,
            per_run,
            fewer,
            engine: sim.engine(),
            threads: sim.threads() as u64,
            other_threads: u64::from(crate::progress::Progress::shown(sim.quiet)),
        }
    }

    /// The advice for `run` with its default options on `threads` threads
    /// (the count engine, no `runs.csv`, a progress bar where one is
    /// drawn), for `check`'s verdict on what `run` would find.
    pub(super) fn for_plain_run(threads: u64) -> MemoryAdvice {
        MemoryAdvice {
            job: "run",
            per_run: false,
            fewer: None,
            engine: EngineKind::Counts,
            threads,
            other_threads: u64::from(crate::progress::Progress::shown(false)),
        }
    }
}

/// The largest `n` in `fits..too_many` for which `fits_at(n)` holds, by
/// bisection: `fits_at` must hold at `fits` (or `fits` be a floor such as
/// 0), fail at `too_many`, and change only once in between.
fn largest_fitting(mut fits: u64, mut too_many: u64, fits_at: impl Fn(u64) -> bool) -> u64 {
    while too_many - fits > 1 {
        let mid = fits + (too_many - fits) / 2;
        if fits_at(mid) {
            fits = mid;
        } else {
            too_many = mid;
        }
    }
    fits
}

/// `n` rounded down to its first three significant digits: 1,029,215 to
/// 1,020,000.
fn three_significant_digits(n: u64) -> u64 {
    let mut unit = 1;
    while n / unit >= 1000 {
        unit *= 10;
    }
    n / unit * unit
}

/// Refuses to read the scenario file at `path`, whose text is `source`,
/// when reading it may need more memory than is available, or more address
/// space than this process's limit (`ulimit -v`) leaves
/// ([`resources::reading_need`]): without the check, such a file stops the
/// process (exit 134 or 137) before any other check could speak. A file of
/// thousands of events takes about 65 to 130 bytes a byte to read, so a scenario
/// of a few megabytes needs a few hundred MiB.
pub(super) fn check_reading(path: &Path, source: &str) -> Result<()> {
    let need = resources::reading_need(source);
    let short_of_memory = resources::available_memory().filter(|&m| need > m);
    // The bound itself leaves room for what the allocator maps beside the
    // data (the parse runs on one thread, from one heap); what the job maps
    // after is the job's check's to count.
    let short_of_space = resources::AddressSpace::of_this_process().filter(|a| need > a.left());
    let mut limits = Vec::new();
    if let Some(memory) = short_of_memory {
        limits.push(format!(
            "{} of memory is available",
            resources::human_bytes(memory)
        ));
    }
    if let Some(space) = short_of_space {
        limits.push(format!(
            "this process's address-space limit (ulimit -v, {}) leaves {}",
            resources::human_bytes(space.limit),
            resources::human_bytes(space.left())
        ));
    }
    if limits.is_empty() {
        return Ok(());
    }
    Err(UsageError(format!(
        "{}: reading this scenario file of {} may take up to about {} of memory (the parser holds every table, key and value of it), but {}; a scenario file is rarely larger than a few hundred KiB: is this the scenario file? (--no-memory-check reads it anyway)",
        shown_path(path),
        resources::human_bytes(source.len() as u64),
        resources::human_bytes(need),
        limits.join(", and ")
    ))
    .into())
}

/// Refuses a job whose estimated memory need (`need_on(runs, threads)`)
/// exceeds what is available, or whose address space would exceed this
/// process's address-space limit (`ulimit -v`).
pub(super) fn check_memory(
    need_on: impl Fn(u64, u64) -> resources::MemoryEstimate,
    runs: u64,
    advice_for: MemoryAdvice,
) -> Result<()> {
    let threads = advice_for.threads;
    let need = |runs| need_on(runs, threads);
    let memory = resources::available_memory();
    let address_space = resources::AddressSpace::of_this_process();
    // The worker threads asked for (or advised), and the others that run
    // whatever `--threads` says.
    let mapped_on = |e: &resources::MemoryEstimate, threads: u64| {
        resources::address_space_need(e.total(), threads.saturating_add(advice_for.other_threads))
    };
    let mapped_for = |e: &resources::MemoryEstimate| mapped_on(e, threads);
    let fits_memory = |e: &resources::MemoryEstimate| memory.is_none_or(|m| e.total() <= m);
    let fits_address_space_on = |e: &resources::MemoryEstimate, threads| {
        address_space.is_none_or(|a| mapped_on(e, threads) <= a.left())
    };
    let fits_address_space = |e: &resources::MemoryEstimate| fits_address_space_on(e, threads);
    let wanted = need(runs);
    if fits_memory(&wanted) && fits_address_space(&wanted) {
        return Ok(());
    }
    // The estimate grows with runs and threads. The advice must still hold
    // when followed, so it leaves 5% of the memory available now to spare
    // (it moves from one moment to the next).
    let fits_with_room_on = |e: &resources::MemoryEstimate, t| {
        memory.is_none_or(|m| e.total() as f64 <= m as f64 * 0.95) && fits_address_space_on(e, t)
    };
    // The most runs (up to `runs`) that fit on `t` threads, by bisection,
    // rounded down to three significant digits; a single run that fits
    // only without the room to spare is still advised, not called too
    // large.
    let most_runs_on = |t: u64| {
        let fits = largest_fitting(0, runs, |r| fits_with_room_on(&need_on(r, t), t));
        let one_run = need_on(1, t);
        if fits == 0 && runs > 1 && fits_memory(&one_run) && fits_address_space_on(&one_run, t) {
            1
        } else {
            three_significant_digits(fits)
        }
    };
    let fits = most_runs_on(threads);
    // Each worker thread has working memory and reserves address space of
    // its own: the most threads (fewer than asked) on which every run fits,
    // by bisection (the need grows with threads); else, when not even one
    // run fits on the threads asked, the most runs one thread takes.
    let all_fit_on = |t: u64| fits_with_room_on(&need_on(runs, t), t);
    let fewer_threads =
        (threads > 1 && all_fit_on(1)).then(|| largest_fitting(1, threads, all_fit_on));
    let runs_on_one_thread = if threads > 1 && fewer_threads.is_none() && fits == 0 {
        most_runs_on(1)
    } else {
        0
    };
    let one_run = need(1);
    // Enough memory but too little address space: raising the limit is the
    // plain remedy, and comes first.
    let address_bound = fits_memory(&wanted);
    let mut options = Vec::new();
    let each_thread = if address_bound {
        "each worker thread reserves address space of its own"
    } else {
        "each worker thread needs working memory of its own"
    };
    if let Some(t) = fewer_threads {
        let or_fewer = if t > 1 { " or fewer" } else { "" };
        options.push(format!("use --threads {t}{or_fewer} ({each_thread})"));
    } else if runs_on_one_thread > 0 {
        options.push(format!(
            "use --threads 1 with --runs at most {runs_on_one_thread} ({each_thread})"
        ));
    }
    // Whether some run fits on some number of threads.
    let something_fits = fits > 0 || fewer_threads.is_some() || runs_on_one_thread > 0;
    // Under an address-space limit that leaves less than a job of nothing
    // on one thread maps, only a higher limit helps.
    let only_a_higher_limit = address_bound
        && !something_fits
        && address_space
            .is_some_and(|a| mapped_on(&resources::MemoryEstimate::default(), 1) > a.left());
    if let (true, Some(space)) = (address_bound, address_space) {
        // Rounded up to whole MiB with 4 MiB to spare: what the process
        // maps at start-up moves by a page or two with its command line.
        const MIB: u64 = 1 << 20;
        let limit_kib = (space
            .mapped
            .saturating_add(mapped_for(&wanted))
            .div_ceil(MIB)
            + 4)
            * 1024;
        options.push(format!(
            "raise the limit to at least {limit_kib} KiB (ulimit -v {limit_kib})"
        ));
    }
    // The unit engine's working memory grows with the units; advise against
    // it only when that is what takes most of the memory.
    let units_engine =
        advice_for.engine == EngineKind::Units && one_run.working * 2 > one_run.total();
    if only_a_higher_limit {
        // Nothing smaller would fit.
    } else if fits > 0 {
        options.push(format!("reduce --runs to at most {fits}"));
        if units_engine {
            options.push("leave out --engine units".to_string());
        }
    } else if units_engine {
        options.push("leave out --engine units (the default count engine's memory does not grow with the number of units)".to_string());
        options.push("reduce the units".to_string());
    } else if !something_fits {
        options.push("reduce the number of vendors, agencies or tiers".to_string());
    }
    if advice_for.per_run && !only_a_higher_limit {
        options.push("drop --per-run".to_string());
    }
    if let Some(fewer) = advice_for.fewer.filter(|_| !only_a_higher_limit) {
        options.push(format!("use {fewer}"));
    }
    let shorter_horizon_helps = !(units_engine && fits == 0) && (fits > 0 || !something_fits);
    if shorter_horizon_helps && !only_a_higher_limit {
        // The unit engine's need is its units, whatever the horizon; and
        // where only fewer threads do, the threads are what does not fit.
        options.push("shorten the horizon (periods)".to_string());
        options.push("use a coarser step".to_string());
    }
    let mut advice = match options.pop() {
        Some(last) if !options.is_empty() => format!("{}, or {last}", options.join(", ")),
        Some(only) => only,
        None => unreachable!("a remedy is always given"),
    };
    if fits == 0 {
        let under = if units_engine {
            " with --engine units, which follows every unit"
        } else {
            ""
        };
        let on = if something_fits {
            format!(" on {threads} threads")
        } else {
            String::new()
        };
        advice = format!("even one run does not fit{on}{under}: {advice}");
    }
    let sizes = format!(
        "about {} of memory ({} kept from the runs for the statistics, {} of working memory, {} of output files)",
        resources::human_bytes(wanted.total()),
        resources::human_bytes(wanted.records),
        resources::human_bytes(wanted.working),
        resources::human_bytes(wanted.files),
    );
    let over_both = !fits_memory(&wanted) && !fits_address_space(&wanted);
    let message = match (memory, address_space) {
        (Some(available), Some(space)) if over_both => format!(
            "this {} would need {sizes}, but only {} is available, and about {} of address space with what the allocator and threads map beside it, \
             while this process's address-space limit (ulimit -v, {}) leaves {}; {advice}",
            advice_for.job,
            resources::human_bytes(available),
            resources::human_bytes(mapped_for(&wanted)),
            resources::human_bytes(space.limit),
            resources::human_bytes(space.left()),
        ),
        (Some(available), _) if !address_bound => format!(
            "this {} would need {sizes}, but only {} is available; {advice}",
            advice_for.job,
            resources::human_bytes(available),
        ),
        (_, Some(space)) => format!(
            "this {} would need {sizes}, and about {} of address space with what the allocator and threads map beside it, \
             but this process's address-space limit (ulimit -v, {}) leaves {}; {advice}",
            advice_for.job,
            resources::human_bytes(mapped_for(&wanted)),
            resources::human_bytes(space.limit),
            resources::human_bytes(space.left()),
        ),
        (_, None) => unreachable!("a job that fits memory and has no address-space limit fits"),
    };
    Err(UsageError(format!("{message}. To run anyway, add --no-memory-check")).into())
}

#[cfg(test)]
mod tests {
    use super::three_significant_digits;

    #[test]
    fn advised_run_counts_keep_three_significant_digits_rounded_down() {
        for (n, rounded) in [
            (0, 0),
            (7, 7),
            (999, 999),
            (1_000, 1_000),
            (1_029_215, 1_020_000),
            (99_999, 99_900),
            (u64::MAX, 18_400_000_000_000_000_000),
        ] {
            assert_eq!(three_significant_digits(n), rounded, "{n}");
        }
    }
}
