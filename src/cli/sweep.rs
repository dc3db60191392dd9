//! `sharecast sweep`: one scenario run at each value of one of its numbers,
//! every value with the same seed, the files of all values stacked.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::Path;

use anyhow::Result;

use super::folder::{
    check_out_folder, file_names, foresee_folder_warnings, manifest, write_outputs,
};
use super::folder_name::{default_out_dir, output_folder, settings_suffix, stem};
use super::job::{
    interrupt_flag, print_after_writing, simulate, summarize, warn_if_too_long,
    warn_of_long_statistics,
};
use super::memory::{MemoryAdvice, check_memory};
use super::settings::{
    Given, check_paths, event_labels, events_named, given_sets, model_fingerprint,
    parse_with_settings, read_source, set_percentages, set_specs, settings_line, sha256_hex,
    with_sets, with_settings,
};
use super::{MANIFEST_FILE, SWEEP_FILES, SweepArgs, UsageError};
use crate::export;
use crate::manifest::{ManifestInput, ScenarioRef};
use crate::progress::Progress;
use crate::report;
use crate::resources;
use crate::scenario::{self, Diagnostic, Scenario};
use crate::sweep::{self, Sweep, SweepPoint};
use crate::text::shown_path;

pub(super) fn sweep(args: SweepArgs) -> Result<()> {
    let path = &args.scenario;
    let plan = &args.vary;
    let source = read_source(path, !args.simulation.no_memory_check)?;
    let file = scenario::parse(&source, path)?;
    let fixed = given_sets(&args.set);
    let mut first = fixed.clone();
    first.push(Given::of(plan, 0, "--vary"));
    check_paths(&source, path, &first)?;
    let mut percentages = set_percentages(&source, path, &fixed);
    let texts: Vec<&str> = plan.values.iter().map(|v| v.text.as_str()).collect();
    if let Some(hint) = scenario::fractions_given_as_percentages(&plan.path, &texts, &file.tiers) {
        percentages.push(Diagnostic {
            line: None,
            message: format!("--vary {}: {hint}", plan.path),
        });
    }
    if !percentages.is_empty() {
        return Err(scenario::ScenarioError {
            path: path.clone(),
            diagnostics: percentages,
            warnings: Vec::new(),
        }
        .into());
    }
    // The file with the fixed settings, which the manifest and the table
    // describe.
    let mut base = parse_with_settings(&source, path, &fixed)?;
    base.warnings.extend(sweep::event_notes(&file, &base));
    // Every value's scenario is checked before anything runs, so a value
    // the file's rules refuse stops the sweep with nothing written; the
    // problems of every refused value are told at once, each once with the
    // values that cause it (a misspelt tier in `vendor.*.access.TIER` is
    // one problem per vendor, not per vendor and value), in the order
    // first met.
    let mut variants = Vec::with_capacity(plan.values.len());
    let mut refused: Vec<(Diagnostic, Vec<&str>)> = Vec::new();
    // Where each rule a value's setting caused is in `refused`.
    let mut rule_at: HashMap<(Option<usize>, String), usize> = HashMap::new();
    // A range that makes decimals where whole numbers go is told for its
    // first value only: every other value is refused for the same reason.
    let decimal = |d: &Diagnostic| plan.decimal_range.is_some() && d.message.contains(NOT_DECIMAL);
    let mut decimals_told = false;
    for i in 0..plan.values.len() {
        let mut given = fixed.clone();
        given.push(Given::of(plan, i, "--vary"));
        match parse_with_settings(&source, path, &given).map_err(|e| explain_decimal_range(e, plan))
        {
            Ok(mut variant) => {
                variant.warnings.extend(sweep::event_notes(&file, &variant));
                variants.push(variant);
            }
            Err(e) => match e.downcast::<scenario::ScenarioError>() {
                Ok(e) => {
                    let told = decimals_told;
                    decimals_told |= e.diagnostics.iter().any(decimal);
                    let with = with_settings(&given);
                    let value = plan.values[i].text.as_str();
                    for d in e.diagnostics.into_iter().filter(|d| !(told && decimal(d))) {
                        // One the value's setting caused, without the
                        // setting; any other as it is.
                        let Some(rule) = d.message.strip_suffix(&with) else {
                            refused.push((d, Vec::new()));
                            continue;
                        };
                        match rule_at.entry((d.line, rule.to_string())) {
                            Entry::Occupied(at) => refused[*at.get()].1.push(value),
                            Entry::Vacant(at) => {
                                at.insert(refused.len());
                                let rule = Diagnostic {
                                    line: d.line,
                                    message: rule.to_string(),
                                };
                                refused.push((rule, vec![value]));
                            }
                        }
                    }
                }
                Err(e) => return Err(e),
            },
        }
    }
    if !refused.is_empty() {
        let sets: String = fixed
            .iter()
            .map(|g| format!("{} {}, ", g.flag, g.spec))
            .collect();
        let diagnostics = refused
            .into_iter()
            .map(|(d, values)| match values.is_empty() {
                true => d,
                false => Diagnostic {
                    line: d.line,
                    message: format!(
                        "{} (with {sets}--vary {}={})",
                        d.message,
                        plan.path,
                        values.join(",")
                    ),
                },
            })
            .collect();
        return Err(scenario::ScenarioError {
            path: path.clone(),
            diagnostics,
            warnings: Vec::new(),
        }
        .into());
    }
    warn_of_variants(path, &args, &file, &base, &variants);
    warn_of_overrides(path, plan, &args.set, &variants);
    if let Some(note) = plan.one_amount_note() {
        warning!("{note}");
    }
    for varied in args.set.iter().chain([plan]) {
        // Every value changes the same numbers, so the agencies of every
        // value's scenario set the same weights of their own.
        if let Some(note) = sweep::unused_weight(&variants[0], &source, &varied.path) {
            warning!("{}", scenario::located(path, &note));
        }
    }
    // After the warnings, which may say why two values make one scenario
    // (an attribute no weight reads, an event that sets the number).
    refuse_repeats(plan, &variants)?;
    let sim = &args.simulation;
    let runs = sim.runs.unwrap_or(base.runs);
    let seed = sim.seed.unwrap_or(base.seed);
    let out = output_folder(args.out.as_deref(), || {
        // One folder per number swept (and settings), so that a sweep
        // of another number keeps its own.
        default_out_dir(&format!(
            "{}{}{}",
            stem(path),
            settings_suffix("sweep", std::slice::from_ref(&plan.path), false),
            settings_suffix("with", &set_specs(&args.set), true)
        ))
    });
    let names = SWEEP_FILES.into_iter().chain([MANIFEST_FILE]);
    check_out_folder(&out, names.clone(), &[path])?;
    let input = ManifestInput::Sweep {
        scenario: ScenarioRef::of(&base, path, sha256_hex(&source))
            .with_settings(set_specs(&args.set))
            .with_events_named(event_labels(
                &base,
                &[args.set.as_slice(), std::slice::from_ref(plan)].concat(),
            )),
        parameter: plan.path.clone(),
        values: plan.values.iter().map(|v| v.text.clone()).collect(),
    };
    foresee_folder_warnings(sim.strict, &out, names, &input, false);
    super::warnings::refuse_warnings(sim.strict, super::warnings::Stop::BeforeSimulating)?;
    let engine = sim.engine();
    if !sim.no_memory_check {
        let threads = sim.threads() as u64;
        let values = variants.len() as u64;
        let need_on = |runs, threads| {
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
        };
        // Fewer values shrink only the stacked files: advised when there
        // are several and their files take a tenth of the need or more.
        let wanted = need_on(runs, threads);
        let fewer_values_help = values > 1 && wanted.files >= wanted.total() / 10;
        check_memory(
            need_on,
            runs,
            MemoryAdvice::for_job(
                "sweep",
                sim,
                false,
                fewer_values_help.then_some("fewer values"),
            ),
        )?;
    }
    let cancel = interrupt_flag()?;
    let pool = sim.pool()?;
    // Every value gives each file the same rows (the scenario's shape fixes
    // them), so a file too long for a spreadsheet is told (and stops
    // --strict) before anything is simulated.
    warn_of_long_statistics(&variants[0], "sweep_", variants.len());
    let [shares, adoption, revenue] = export::statistics_rows(&variants[0]);
    let stacked_rows = [shares, adoption, revenue, variants[0].vendors.len()]
        .map(|rows| rows.saturating_mul(variants.len()).saturating_add(1));
    warn_if_too_long(SWEEP_FILES[3], stacked_rows[3], "sweep fewer values");
    super::warnings::refuse_warnings(sim.strict, super::warnings::Stop::BeforeSimulating)?;

    let mut stacked = export::SweepFiles::new(&plan.path);
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
        let projection = summarize(&pool, s, &records, Some(&label), sim.quiet, &cancel)?;
        drop(records);
        pool.install(|| stacked.append(&value.column(), s, &projection));
        points.push(SweepPoint::of(s, &projection));
    }

    debug_assert_eq!(stacked.rows(), stacked_rows, "the rows foreseen");
    let files = stacked.finish();
    let manifest = manifest(input, seed, runs, sim, &files);
    let files = write_outputs(&out, files, manifest, None, sim.strict, &cancel)?;
    if !sim.quiet {
        let mut with = settings_line(path, &base, &args.set);
        let varied = events_named(&base, std::slice::from_ref(plan));
        if !varied.is_empty() {
            let file = if with.is_empty() {
                format!("{} ", shown_path(path))
            } else {
                String::new()
            };
            with.push_str(&format!("{file}--vary {}{varied}\n", plan.path));
        }
        print_after_writing(
            &format!(
                "{with}{}\nWrote {} to {}\n",
                report::sweep_table(&base, plan, &points, runs, seed),
                file_names(&files),
                shown_path(&out)
            ),
            &out,
        )?;
    }
    Ok(())
}

/// The warnings of the values' scenarios, each once: as a problem of the
/// file when the file has it and every value keeps it, with the `--set`
/// settings when they cause it and every value keeps it, otherwise with the
/// values that cause it. A warning of the file that no value keeps is not
/// shown.
fn warn_of_variants(
    path: &Path,
    args: &SweepArgs,
    file: &Scenario,
    base: &Scenario,
    variants: &[Scenario],
) {
    let plan = &args.vary;
    let warnings = by_value(
        variants
            .iter()
            .zip(&plan.values)
            .map(|(s, value)| (value.text.as_str(), s.warnings.clone())),
    );
    for (w, values) in warnings {
        let located = scenario::located(path, &w);
        if values.len() == variants.len() && file.warnings.contains(&w) {
            warning!("{located}");
        } else if values.len() == variants.len() && base.warnings.contains(&w) {
            warning!("{located} ({})", with_sets(&args.set).trim_start());
        } else {
            warning!("{located} (with --vary {}={})", plan.path, values.join(","));
        }
    }
}

/// The events that override a number the sweep sets or varies
/// ([`sweep::overriding_events`]), found in each value's scenario, since
/// `--vary` may move such an event: a note every value shares is shown
/// once, one some values cause names them.
fn warn_of_overrides(path: &Path, plan: &Sweep, sets: &[Sweep], variants: &[Scenario]) {
    let notes = by_value(variants.iter().zip(&plan.values).map(|(s, value)| {
        let notes = sets
            .iter()
            .chain([plan])
            .flat_map(|varied| sweep::overriding_events(s, &varied.path))
            .collect();
        (value.text.as_str(), notes)
    }));
    for (note, values) in notes {
        let located = scenario::located(path, &note);
        if values.len() == variants.len() {
            warning!("{located}");
        } else {
            warning!("{located} (with --vary {}={})", plan.path, values.join(","));
        }
    }
}

/// Each diagnostic some values of a sweep draw, once, with the values
/// (each once, in order) that draw it, in the order first drawn.
fn by_value<'a>(
    per_value: impl Iterator<Item = (&'a str, Vec<Diagnostic>)>,
) -> Vec<(Diagnostic, Vec<&'a str>)> {
    let mut seen: Vec<(Diagnostic, Vec<&'a str>)> = Vec::new();
    for (value, diagnostics) in per_value {
        for d in diagnostics {
            match seen.iter_mut().find(|(known, _)| *known == d) {
                Some((_, values)) => {
                    if !values.contains(&value) {
                        values.push(value);
                    }
                }
                None => seen.push((d, vec![value])),
            }
        }
    }
    seen
}

/// What validation says of a decimal where a whole number goes.
const NOT_DECIMAL: &str = ", not a decimal number";

/// A range of whole ends whose steps are not whole, or whose ends are
/// written as decimals, makes decimals: where a key that takes whole
/// numbers (or an event's period index) refuses one, the first such message
/// says why the value is a decimal and which range would give whole
/// numbers. The file's advice for a whole number typed as a decimal
/// ("write 100 (digits only, ...)") is left out: the range made it.
fn explain_decimal_range(e: anyhow::Error, plan: &Sweep) -> anyhow::Error {
    let Some(why) = &plan.decimal_range else {
        return e;
    };
    match e.downcast::<scenario::ScenarioError>() {
        Ok(mut refused) => {
            let mut first = true;
            for d in &mut refused.diagnostics {
                let Some(at) = d.message.find(NOT_DECIMAL) else {
                    continue;
                };
                let after = at + NOT_DECIMAL.len();
                if d.message[after..].starts_with(": write ")
                    && let Some(end) = d.message[after..].find(scenario::DIGITS_ONLY)
                {
                    d.message
                        .replace_range(after..after + end + scenario::DIGITS_ONLY.len(), "");
                }
                if first {
                    d.message.push_str(&format!("; {why}"));
                    first = false;
                }
            }
            refused.into()
        }
        Err(e) => e,
    }
}

/// Refuses two values that make the same scenario (`2` and `2026-03` for
/// the date of an event, when the scenario starts in 2026-01): their blocks
/// of rows would be the same.
fn refuse_repeats(plan: &Sweep, variants: &[Scenario]) -> Result<()> {
    // One fingerprint per value, so that a sweep of many values costs one
    // pass rather than a comparison of every pair; kept as its SHA-256, as
    // a fingerprint of a scenario of thousands of events takes megabytes.
    let mut first_of: HashMap<String, usize> = HashMap::with_capacity(variants.len());
    for (j, later) in variants.iter().enumerate() {
        match first_of.entry(sha256_hex(model_fingerprint(later))) {
            Entry::Occupied(earlier) => {
                let i = *earlier.get();
                return Err(UsageError(format!(
                    "--vary {}: the values {} and {} make the same scenario; each value is one block of rows in the files",
                    plan.path, plan.values[i].text, plan.values[j].text
                ))
                .into());
            }
            Entry::Vacant(first) => {
                first.insert(j);
            }
        }
    }
    Ok(())
}
