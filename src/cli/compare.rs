//! `sharecast compare`: a baseline and a counterfactual run with one seed,
//! their rows paired by name and differenced run by run.

use anyhow::Result;

use super::folder::{
    check_out_folder, file_names, foresee_folder_warnings, manifest, write_outputs,
};
use super::folder_name::{default_out_dir, output_folder, settings_suffix, stem};
use super::job::{
    interrupt_flag, print_after_writing, simulate, warn_of_long_files, with_statistics_bar,
};
use super::memory::{MemoryAdvice, check_memory};
use super::settings::{
    event_labels, events_named, load, load_with_sets, same_file, same_scenario, set_specs, warn,
    with_sets,
};
use super::{COMPARISON_FILES, CompareArgs, MANIFEST_FILE, UsageError};
use crate::compare as pairing;
use crate::export;
use crate::manifest::{ManifestInput, ScenarioRef};
use crate::progress::Progress;
use crate::report;
use crate::resources;
use crate::scenario::ScenarioError;
use crate::text::shown_path;

pub(super) fn compare(args: CompareArgs) -> Result<()> {
    let other_path = match &args.counterfactual {
        Some(path) => path.clone(),
        None if !args.set.is_empty() => args.baseline.clone(),
        None => {
            return Err(UsageError(
                "compare needs a COUNTERFACTUAL file, or --set PATH=VALUE to make one from the baseline"
                    .to_string(),
            )
            .into());
        }
    };
    // How the counterfactual is named in messages and the table.
    let other_name = format!("{}{}", shown_path(&other_path), with_sets(&args.set));
    let memory_checked = !args.simulation.no_memory_check;
    let (base, base_sha) = match load(&args.baseline, memory_checked) {
        Ok(loaded) => loaded,
        Err(e) => return Err(with_counterfactual_problems(e, &args, &other_path)),
    };
    warn(&args.baseline, &base);
    // The baseline file's own warnings were shown just above.
    let (other, other_sha) = load_with_sets(
        &other_path,
        &args.set,
        args.counterfactual.is_none(),
        memory_checked,
    )?;
    let other_name = format!("{other_name}{}", events_named(&other, &args.set));
    let alignment = pairing::align(&base, &other).map_err(|e| {
        UsageError(format!(
            "cannot compare {} with {other_name}: {e}",
            shown_path(&args.baseline),
        ))
    })?;
    for note in &alignment.notes {
        warning!("{note}");
    }
    if base_sha == other_sha && args.set.is_empty() {
        warning!(
            "{} and {other_name} have the same contents, so every difference is 0",
            shown_path(&args.baseline),
        );
    } else if same_scenario(&base, &other) {
        warning!(
            "{} and {other_name} describe the same scenario, so every difference is 0",
            shown_path(&args.baseline),
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
        unused.push(crate::text::count(other.runs, "run"));
    }
    if !unused.is_empty() {
        let source = |flag: Option<u64>, name: &str| {
            if flag.is_some() {
                format!("from {name}")
            } else {
                "the baseline's".to_string()
            }
        };
        warning!(
            "{} alone would run with {} (from the file or the defaults); here both scenarios run with seed {seed} ({}) and {} ({}) so that their runs pair",
            shown_path(&other_path),
            unused.join(" and "),
            source(sim.seed, "--seed"),
            crate::text::count(runs, "run"),
            source(sim.runs, "--runs"),
        );
    }
    let out = output_folder(args.out.as_deref(), || {
        let variant = settings_suffix("with", &set_specs(&args.set), true);
        default_out_dir(&format!(
            "{}-vs-{}{variant}",
            stem(&args.baseline),
            stem(&other_path)
        ))
    });
    let names = COMPARISON_FILES.into_iter().chain([MANIFEST_FILE]);
    check_out_folder(&out, names.clone(), &[&args.baseline, &other_path])?;
    let input = ManifestInput::Compare {
        baseline: ScenarioRef::of(&base, &args.baseline, base_sha),
        counterfactual: ScenarioRef::of(&other, &other_path, other_sha)
            .with_settings(set_specs(&args.set))
            .with_events_named(event_labels(&other, &args.set)),
        notes: alignment.notes.clone(),
    };
    foresee_folder_warnings(sim.strict, &out, names, &input, false);
    super::warnings::refuse_warnings(sim.strict, super::warnings::Stop::BeforeSimulating)?;
    let engine = sim.engine();
    if !sim.no_memory_check {
        check_memory(
            |runs, threads| {
                resources::estimate(&base, runs, threads, false, engine)
                    .plus(resources::estimate(&other, runs, threads, false, engine))
            },
            runs,
            MemoryAdvice::for_job("comparison", sim, false, None),
        )?;
    }
    let cancel = interrupt_flag()?;
    let pool = sim.pool()?;

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
    let statistics = |on_period_done: &(dyn Fn() + Sync)| {
        pairing::compare_watched(
            (&base, &records[0]),
            (&other, &records[1]),
            &alignment,
            &cancel,
            on_period_done,
        )
    };
    let periods = base.calendar.periods;
    let comparison =
        with_statistics_bar(&pool, periods, Some("comparison"), sim.quiet, statistics)?;
    drop(records);

    let files = export::comparison_files(&base, &comparison);
    warn_of_long_files(&files, |_| {
        "use a coarser step or fewer periods".to_string()
    });
    let manifest = manifest(input, seed, runs, sim, &files);
    let files = write_outputs(&out, files, manifest, None, sim.strict, &cancel)?;
    if !sim.quiet {
        print_after_writing(
            &format!(
                "{}\nWrote {} to {}\n",
                report::comparison_table(
                    (&base, &shown_path(&args.baseline)),
                    (&other, &other_name),
                    &comparison,
                    seed
                ),
                file_names(&files),
                shown_path(&out)
            ),
            &out,
        )?;
    }
    Ok(())
}

/// The baseline's rejection `baseline_error`, joined by the
/// counterfactual's problems when that file is rejected too, so that one
/// attempt lists what to fix in both.
fn with_counterfactual_problems(
    baseline_error: anyhow::Error,
    args: &CompareArgs,
    other_path: &std::path::Path,
) -> anyhow::Error {
    let Some(baseline) = baseline_error.downcast_ref::<ScenarioError>() else {
        return baseline_error;
    };
    // Without a second file, or with the same file twice, there is nothing
    // more to list.
    if args.counterfactual.is_none() || same_file(&args.baseline, other_path) {
        return baseline_error;
    }
    match load_with_sets(
        other_path,
        &args.set,
        true,
        !args.simulation.no_memory_check,
    ) {
        Err(other) if other.downcast_ref::<ScenarioError>().is_some() => {
            UsageError(format!("scenarios rejected\n{baseline}\n{other}")).into()
        }
        _ => baseline_error,
    }
}
