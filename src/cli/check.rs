//! `sharecast check`: validates a scenario (with its `--set` settings) and
//! prints its overview and the memory a `run` of it would need, or, with
//! `--quiet`, only the verdict in the exit status.

use anyhow::Result;

use super::CheckArgs;
use super::job::{available_threads, print_stdout, warn_of_long_statistics};
use super::memory::{self, MemoryAdvice};
use super::settings::{load_with_sets, with_sets};
use super::warnings::{Stop, refuse_warnings};
use crate::engine::EngineKind;
use crate::report;
use crate::resources;

pub(super) fn check(args: CheckArgs) -> Result<()> {
    let CheckArgs {
        scenario,
        set,
        runs,
        quiet,
        strict,
        no_memory_check,
    } = args;
    let (s, _) = load_with_sets(&scenario, &set, false, !no_memory_check)?;
    // What `run` would warn of before simulating.
    warn_of_long_statistics(&s, "", 1);
    refuse_warnings(strict, Stop::Check)?;
    if quiet {
        return Ok(());
    }
    let threads = available_threads() as u64;
    let runs = runs.unwrap_or(s.runs);
    let need = resources::estimate(&s, runs, threads, false, EngineKind::Counts);
    // What `run` with its default options would find: it refuses a job that
    // does not fit the memory or the address space.
    let verdict = memory::check_memory(
        |runs, threads| resources::estimate(&s, runs, threads, false, EngineKind::Counts),
        runs,
        MemoryAdvice::for_plain_run(threads),
    );
    let available = match (verdict, resources::available_memory()) {
        (Err(refusal), _) => format!(")\n`run` would refuse it: {refusal}"),
        (Ok(()), Some(m)) => format!("; {} available now)", resources::human_bytes(m)),
        (Ok(()), None) => ")".to_string(),
    };
    print_stdout(&format!(
        "{}\nMemory for {}: about {} ({} per run{available}\n\n{}{}: valid\n",
        report::overview(&s),
        crate::text::count(runs, "run"),
        resources::human_bytes(need.total()),
        resources::human_bytes(resources::MemoryEstimate::per_run(&s)),
        crate::text::shown_path(&scenario),
        with_sets(&set)
    ))
}
