//! The scenario a command reads, as its command line gives it: loaded and
//! checked, with `--set` and `--vary` settings applied (each setting's own
//! problems told before the file's rules meet its value), and named in the
//! tables, messages and manifests that describe the job.

use std::path::Path;

use anyhow::Result;
use sha2::{Digest, Sha256};

use super::UsageError;
use super::memory::check_reading;
use crate::scenario::{self, Diagnostic, Scenario, ScenarioError, Setting};
use crate::sweep::Sweep;
use crate::text::shown_path;

/// Reads a scenario file's text, refusing one too large to read in the
/// memory there is (see [`check_reading`]) unless `check_memory` is false
/// (`--no-memory-check`).
pub(super) fn read_source(path: &Path, check_memory: bool) -> Result<String> {
    let source = scenario::read_source(path)?;
    if check_memory {
        check_reading(path, &source)?;
    }
    Ok(source)
}

/// Reads and validates a scenario; returns it with the SHA-256 of its bytes.
/// `check_memory` as for [`read_source`].
pub(super) fn load(path: &Path, check_memory: bool) -> Result<(Scenario, String)> {
    let source = read_source(path, check_memory)?;
    let s = scenario::parse(&source, path)?;
    Ok((s, sha256_hex(&source)))
}

/// A setting as the command line gave it: `flag` (`--set`, `--vary`) and
/// its `PATH=VALUE` spec.
#[derive(Clone)]
pub(super) struct Given {
    pub setting: Setting,
    pub flag: &'static str,
    pub spec: String,
    /// The argument as a message names it whatever its value: `--set
    /// PATH=VALUE`, or `--vary PATH` for a sweep of several values.
    pub argument: String,
    /// The value as written, without surrounding quotes.
    pub text: String,
}

impl Given {
    /// Value `i` of `sweep`, given with `flag`.
    pub fn of(sweep: &Sweep, i: usize, flag: &'static str) -> Given {
        let argument = if sweep.values.len() == 1 {
            format!("{flag} {}", sweep.spec(0))
        } else {
            format!("{flag} {}", sweep.path)
        };
        Given {
            setting: sweep.setting(i),
            flag,
            spec: sweep.spec(i),
            argument,
            text: sweep.values[i].text.clone(),
        }
    }
}

/// Validates `source` (the file `path`, already found valid on its own) with
/// each given setting applied (no two change the same number, so their order
/// does not matter). A setting whose path names nothing
/// is reported as `FLAG PATH: ...` after the file's name; a value of a kind
/// its number cannot take (a date for a brand) as `FLAG PATH=VALUE: ...`;
/// two settings that change the same number are refused (see
/// [`refuse_overlaps`]). Every problem validation then finds comes from a
/// value and is followed by `(with FLAG PATH=VALUE, ...)`.
pub(super) fn parse_with_settings(source: &str, path: &Path, given: &[Given]) -> Result<Scenario> {
    let only = check_settings(source, path, given)?;
    let s = scenario::parse_with(source, path, &only).map_err(|mut e| {
        let with = with_settings(given);
        for d in &mut e.diagnostics {
            d.message.push_str(&with);
        }
        e
    })?;
    Ok(s)
}

/// " (with --set A=1, --vary B=2)": what follows a problem that `given`
/// cause.
pub(super) fn with_settings(given: &[Given]) -> String {
    let with = given
        .iter()
        .map(|g| format!("{} {}", g.flag, g.spec))
        .collect::<Vec<_>>()
        .join(", ");
    format!(" (with {with})")
}

/// The settings' own problems, before the file's rules meet their values:
/// a path the file does not have, a value the file cannot hold there, two
/// settings that change one number, and then fractions given as whole
/// percentages ([`set_percentages`]).
fn check_settings(source: &str, path: &Path, given: &[Given]) -> Result<Vec<Setting>> {
    let only = check_paths(source, path, given)?;
    let percentages = set_percentages(source, path, given);
    if !percentages.is_empty() {
        return Err(ScenarioError {
            path: path.to_path_buf(),
            diagnostics: percentages,
            warnings: Vec::new(),
        }
        .into());
    }
    Ok(only)
}

/// [`check_settings`] without the percentages: `sweep` checks its fixed
/// settings with the varied one this way first, so a clash between them is
/// told before a value's problem, and then tells the percentages of its
/// `--set` and `--vary` together.
pub(super) fn check_paths(source: &str, path: &Path, given: &[Given]) -> Result<Vec<Setting>> {
    let only: Vec<Setting> = given.iter().map(|g| g.setting.clone()).collect();
    let unmatched = scenario::unmatched(source, &only);
    if !unmatched.is_empty() {
        return Err(ScenarioError {
            path: path.to_path_buf(),
            diagnostics: unmatched
                .into_iter()
                .map(|(i, why)| Diagnostic {
                    line: None,
                    message: format!("{} {why}", given[i].flag),
                })
                .collect(),
            warnings: Vec::new(),
        }
        .into());
    }
    // What the file makes of a value (a date for a number, a whole number
    // beyond those sharecast reads) is refused after the file's name, as
    // the settings it cannot match are.
    let changes = Setting::changes(source, &only).map_err(|(i, why)| ScenarioError {
        path: path.to_path_buf(),
        diagnostics: vec![Diagnostic {
            line: None,
            message: format!("{} {}: {why}", given[i].flag, given[i].spec),
        }],
        warnings: Vec::new(),
    })?;
    refuse_overlaps(given, &changes)?;
    Ok(only)
}

/// The `--set` values among `given` that give a fraction as a whole
/// percentage, each told once (see
/// [`scenario::fractions_given_as_percentages`]), once the paths are known
/// to name numbers of the file; a `--vary` is told with all its values by
/// the sweep. The file is valid on its own; its tiers are read only for a
/// vendor's access.
pub(super) fn set_percentages(source: &str, path: &Path, given: &[Given]) -> Vec<Diagnostic> {
    let mut tiers: Option<Vec<String>> = None;
    let mut percentages: Vec<Diagnostic> = Vec::new();
    for g in given.iter().filter(|g| g.flag == "--set") {
        let tiers: &[String] = if g.setting.path.contains(".access.") {
            tiers.get_or_insert_with(|| {
                scenario::parse(source, path).map_or_else(|_| Vec::new(), |s| s.tiers)
            })
        } else {
            &[]
        };
        let text = [g.text.as_str()];
        if let Some(hint) = scenario::fractions_given_as_percentages(&g.setting.path, &text, tiers)
        {
            percentages.push(Diagnostic {
                line: None,
                message: format!("--set {}: {hint}", g.spec),
            });
        }
    }
    percentages
}

/// Refuses two of `given` that change the same number, `changes` naming
/// the numbers each changes: by the same path given twice, or by two
/// spellings (`agency.*.caution` and `agency.DoD.caution`), which would
/// otherwise leave the number to whichever comes last.
fn refuse_overlaps(given: &[Given], changes: &[Vec<String>]) -> Result<()> {
    for (j, later) in changes.iter().enumerate() {
        for (i, earlier) in changes[..j].iter().enumerate() {
            let shared: Vec<&String> = later.iter().filter(|n| earlier.contains(n)).collect();
            let Some(first) = shared.first() else {
                continue;
            };
            let (a, b) = (&given[i].argument, &given[j].argument);
            let message = match shared.len() {
                1 => format!("{a} and {b} both change {first}; give it once"),
                n => format!(
                    "{a} and {b} both change {first} and {} other numbers; give each once",
                    n - 1
                ),
            };
            return Err(UsageError(message).into());
        }
    }
    Ok(())
}

/// The `--set` settings `sets`, as given.
pub(super) fn given_sets(sets: &[Sweep]) -> Vec<Given> {
    sets.iter().map(|s| Given::of(s, 0, "--set")).collect()
}

/// Reads and validates a scenario with the `--set` settings `sets` applied
/// (the file is checked on its own first, so that its own problems read as
/// they always do) and shows its warnings: those of the file (unless
/// `file_warned`, when they were shown already), then those the settings
/// cause, with the settings named, the file's events that override a
/// setting, and a `[choice]` weight set that every agency replaces with its
/// own. Returns the scenario with the SHA-256 of the file's bytes.
/// `check_memory` as for [`read_source`].
pub(super) fn load_with_sets(
    path: &Path,
    sets: &[Sweep],
    file_warned: bool,
    check_memory: bool,
) -> Result<(Scenario, String)> {
    let source = read_source(path, check_memory)?;
    let file = scenario::parse(&source, path)?;
    let sha = sha256_hex(&source);
    if sets.is_empty() {
        if !file_warned {
            warn(path, &file);
        }
        return Ok((file, sha));
    }
    let mut s = parse_with_settings(&source, path, &given_sets(sets))?;
    s.warnings.extend(crate::sweep::event_notes(&file, &s));
    for w in &s.warnings {
        if !file.warnings.contains(w) {
            warning!(
                "{} ({})",
                scenario::located(path, w),
                with_sets(sets).trim_start()
            );
        } else if !file_warned {
            warning!("{}", scenario::located(path, w));
        }
    }
    for set in sets {
        // On the scenario as it runs: a setting may move the event.
        for note in crate::sweep::overriding_events(&s, &set.path) {
            warning!("{}", scenario::located(path, &note));
        }
        if let Some(note) = crate::sweep::unused_weight(&s, &source, &set.path) {
            warning!("{}", scenario::located(path, &note));
        }
    }
    Ok((s, sha))
}

/// Whether two checked scenarios are the same model: what they would
/// simulate, warnings and the lines events sit on aside. Differences that
/// change nothing simulated count as none: the scenarios' names, default
/// runs and seeds (a comparison runs both with one seed and count) and
/// events' labels (no stream is named by them); the dates of events after the
/// horizon (they never fire, and draw nothing), an `until` at or after the
/// horizon against another such, and an agency's fixed choice weight equal
/// to the fixed one of `[choice]` against none.
pub(super) fn same_scenario(a: &Scenario, b: &Scenario) -> bool {
    model_fingerprint(a) == model_fingerprint(b)
}

/// A text equal for two scenarios exactly when [`same_scenario`] holds:
/// computed once per scenario, it lets a sweep find repeated values among
/// many in one pass.
pub(super) fn model_fingerprint(s: &Scenario) -> String {
    let mut s = s.clone();
    s.warnings.clear();
    (s.name, s.runs, s.seed) = (String::new(), 0, 0);
    let periods = s.calendar.periods;
    for e in &mut s.events {
        if e.period >= periods {
            (e.period, e.keyed_period, e.until) = (periods, 0, None);
            // Its numbers are never drawn, whatever streams they name.
            for change in &mut e.changes {
                if change.value.stream().is_some() {
                    change.value.set_stream(0);
                }
            }
        }
        if let Some(until) = &mut e.until {
            *until = (*until).min(periods);
        }
        e.label = None;
        for change in &mut e.changes {
            change.line = None;
        }
    }
    for agency in &mut s.agencies {
        for (own, global) in agency.choice.iter_mut().zip(&s.weights) {
            let fixed = own.as_ref().and_then(|w| w.fixed_value());
            if fixed.is_some() && fixed == global.fixed_value() {
                *own = None;
            }
        }
    }
    format!("{s:?}")
}

/// The `PATH=VALUE` specs of `--set` flags, for the manifest and the table.
pub(super) fn set_specs(sets: &[Sweep]) -> Vec<String> {
    sets.iter().map(|s| s.spec(0)).collect()
}

/// The line that opens a command's table when settings were given:
/// "FILE with --set A=1, --set B=2", followed by which events of `s`
/// settings name by position ("(event 2 is 'LABEL')"), or nothing.
pub(super) fn settings_line(path: &Path, s: &Scenario, sets: &[Sweep]) -> String {
    if sets.is_empty() {
        String::new()
    } else {
        format!(
            "{}{}{}\n",
            shown_path(path),
            with_sets(sets),
            events_named(s, sets)
        )
    }
}

/// For settings that name an event by its position in `s` (`event.2.at`),
/// which event that is: " (event 2 is 'LABEL')", so that a table or message
/// naming a scenario with its settings shows what they moved (positions
/// count in the file the settings apply to, the counterfactual for
/// `compare`); nothing when none does or the events have no label.
pub(super) fn events_named(s: &Scenario, sets: &[Sweep]) -> String {
    let named = event_labels(s, sets);
    if named.is_empty() {
        String::new()
    } else {
        format!(" ({})", named.join(", "))
    }
}

/// [`events_named`] as a list, each once: `event 2 is 'LABEL'`, for the
/// manifest.
pub(super) fn event_labels(s: &Scenario, sets: &[Sweep]) -> Vec<String> {
    let mut named: Vec<String> = Vec::new();
    for set in sets {
        let position = set
            .path
            .strip_prefix("event.")
            .and_then(|rest| rest.split('.').next())
            .and_then(|n| n.parse::<usize>().ok());
        let label = position
            .and_then(|n| s.events.get(n.checked_sub(1)?))
            .and_then(|e| e.label.as_ref());
        if let (Some(n), Some(label)) = (position, label) {
            let said = format!("event {n} is '{label}'");
            if !named.contains(&said) {
                named.push(said);
            }
        }
    }
    named
}

/// "with --set A=1, --set B=2", or nothing without settings.
pub(super) fn with_sets(sets: &[Sweep]) -> String {
    with_specs(&set_specs(sets))
}

/// [`with_sets`] of settings written `PATH=VALUE`, as a manifest records
/// them.
pub(super) fn with_specs(specs: &[String]) -> String {
    if specs.is_empty() {
        return String::new();
    }
    let specs: Vec<String> = specs.iter().map(|s| format!("--set {s}")).collect();
    format!(" with {}", specs.join(", "))
}

/// The SHA-256 of `source` in lower-case hex: how a manifest identifies a
/// scenario file's contents.
pub(super) fn sha256_hex(source: impl AsRef<[u8]>) -> String {
    Sha256::digest(source.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Shows the warnings of the scenario `s`, read from `path`, each with its
/// file and line.
pub(super) fn warn(path: &Path, s: &Scenario) {
    for w in &s.warnings {
        warning!("{}", scenario::located(path, w));
    }
}

/// Whether `a` and `b` name one existing file (through links or relative
/// paths alike).
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
