//! `sharecast run`: one scenario simulated, its projections written.

use std::path::Path;

use anyhow::Result;

use super::folder::{
    RunsFileCheck, check_out_folder, file_names, foresee_folder_warnings, manifest, write_outputs,
};
use super::folder_name::{default_out_dir, output_folder, settings_suffix, stem};
use super::job::{
    CancellableFile, interrupt_flag, print_after_writing, runs_a_spreadsheet_opens, simulate,
    summarize, warn_if_too_long, warn_if_too_wide, warn_of_long_files, warn_of_long_statistics,
};
use super::memory::{MemoryAdvice, check_memory};
use super::settings::{event_labels, load_with_sets, set_specs, settings_line};
use super::{MANIFEST_FILE, RUNS_FILE, RunArgs, STATISTICS_FILES};
use crate::export;
use crate::manifest::{ManifestInput, ScenarioRef};
use crate::output::OutputFile;
use crate::progress::Progress;
use crate::report;
use crate::resources;
use crate::text::shown_path;

pub(super) fn run(args: RunArgs) -> Result<()> {
    let sim = &args.simulation;
    let (s, sha256) = load_with_sets(&args.scenario, &args.set, false, !sim.no_memory_check)?;
    let runs = sim.runs.unwrap_or(s.runs);
    let seed = sim.seed.unwrap_or(s.seed);
    let out = output_folder(args.out.as_deref(), || {
        // With settings, not over the results of the file as it is, nor
        // over those of other settings.
        let variant = settings_suffix("with", &set_specs(&args.set), true);
        default_out_dir(&format!("{}{variant}", stem(&args.scenario)))
    });
    let names = STATISTICS_FILES
        .into_iter()
        .chain(args.per_run.then_some(RUNS_FILE))
        .chain([MANIFEST_FILE]);
    check_out_folder(&out, names.clone(), &[&args.scenario])?;
    let input = ManifestInput::Run {
        scenario: ScenarioRef::of(&s, &args.scenario, sha256)
            .with_settings(set_specs(&args.set))
            .with_events_named(event_labels(&s, &args.set)),
    };
    foresee_folder_warnings(sim.strict, &out, names, &input, !args.per_run);
    // runs.csv has a row per period and vendor of each run: its length is
    // known now, so a file too long for a spreadsheet is told (and stops
    // --strict) before anything is simulated.
    let rows_per_run = s.calendar.periods as usize * s.vendors.len();
    if args.per_run {
        let shorter = match runs_a_spreadsheet_opens(rows_per_run) {
            0 => "leave out --per-run (not even one run's rows fit), or use a coarser step or \
                  fewer periods"
                .to_string(),
            most => format!("use at most {most} --runs with --per-run"),
        };
        let rows = (runs as usize)
            .saturating_mul(rows_per_run)
            .saturating_add(1);
        warn_if_too_long(RUNS_FILE, rows, &shorter);
    }
    warn_of_long_statistics(&s, "", 1);
    warn_if_too_wide(&s);
    super::warnings::refuse_warnings(sim.strict, super::warnings::Stop::BeforeSimulating)?;
    let engine = sim.engine();
    if !sim.no_memory_check {
        check_memory(
            |runs, threads| resources::estimate(&s, runs, threads, args.per_run, engine),
            runs,
            MemoryAdvice::for_job("run", sim, args.per_run, None),
        )?;
    }
    let cancel = interrupt_flag()?;
    let pool = sim.pool()?;

    let progress = Progress::new(runs, sim.quiet);
    let records = simulate(&pool, &s, seed, runs, engine, &progress, &cancel);
    progress.finish();
    let records = records?;
    let projection = summarize(&pool, &s, &records, None, sim.quiet, &cancel)?;

    let rows: usize = export::statistics_rows(&s).iter().sum();
    let writing = Progress::writing(rows as u64, sim.quiet);
    let mut files = pool.install(|| {
        export::statistics_files_watched(&s, &projection, &|rows| {
            writing.advance(rows as u64);
        })
    });
    writing.finish();
    if args.per_run {
        files.push(OutputFile {
            name: RUNS_FILE.into(),
            bytes: export::runs_csv(&s, &records, 0),
        });
    }
    // runs.csv and the statistics files were told of before simulating.
    let told = |name: &str| name == RUNS_FILE || STATISTICS_FILES[..3].contains(&name);
    warn_of_long_files(files.iter().filter(|f| !told(&f.name)), |_| {
        "use a coarser step or fewer periods".to_string()
    });
    let manifest = manifest(input, seed, runs, sim, &files);
    // A runs.csv an earlier --per-run run left stays; it belongs to these
    // results when it holds exactly what --per-run would write now.
    let holds_these_runs = |path: &Path| {
        let file = std::fs::File::open(path)?;
        let cancel = &cancel;
        export::holds_runs_csv(&s, &records, CancellableFile { file, cancel })
    };
    let runs_file = (!args.per_run).then_some(&holds_these_runs as RunsFileCheck);
    let files = write_outputs(&out, files, manifest, runs_file, sim.strict, &cancel)?;

    if !sim.quiet {
        let with = settings_line(&args.scenario, &s, &args.set);
        print_after_writing(
            &format!(
                "{with}{}\nWrote {} to {}\n",
                report::final_table(&s, &projection, seed),
                file_names(&files),
                shown_path(&out)
            ),
            &out,
        )?;
    }
    Ok(())
}
