//! What the commands share: loading a scenario, the output folder and its
//! files, simulating with a progress bar and Ctrl-C, the memory check.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result, bail};
use sha2::{Digest, Sha256};

use super::{
    COMPARISON_FILES, Interrupted, MANIFEST_FILE, RUNS_FILE, STATISTICS_FILES, SWEEP_FILES,
    SimulationArgs, UsageError,
};
use crate::engine::{Control, EngineKind};
use crate::measures;
use crate::output::{self, Manifest, ManifestInput, OutputFile, ScenarioRef};
use crate::progress::Progress;
use crate::resources;
use crate::scenario::{self, Diagnostic, Scenario, ScenarioError, Setting};
use crate::sweep::{self, Sweep};
use crate::tally::Tally;

/// Reads and validates a scenario; returns it with the SHA-256 of its bytes.
pub(super) fn load(path: &Path) -> Result<(Scenario, String)> {
    let source = scenario::read_source(path)?;
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
pub(super) fn check_settings(source: &str, path: &Path, given: &[Given]) -> Result<Vec<Setting>> {
    let only = check_paths(source, path, given)?;
    let percentages = set_percentages(source, path, given);
    if !percentages.is_empty() {
        return Err(ScenarioError {
            path: path.to_path_buf(),
            diagnostics: percentages,
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
pub(super) fn load_with_sets(
    path: &Path,
    sets: &[Sweep],
    file_warned: bool,
) -> Result<(Scenario, String)> {
    let source = scenario::read_source(path)?;
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
    let fingerprint = |s: &Scenario| {
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
    };
    fingerprint(a) == fingerprint(b)
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
            path.display(),
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
    if named.is_empty() {
        String::new()
    } else {
        format!(" ({})", named.join(", "))
    }
}

/// "with --set A=1, --set B=2", or nothing without settings.
pub(super) fn with_sets(sets: &[Sweep]) -> String {
    with_specs(&set_specs(sets))
}

/// [`with_sets`] of settings written `PATH=VALUE`, as a manifest records
/// them.
fn with_specs(specs: &[String]) -> String {
    if specs.is_empty() {
        return String::new();
    }
    let specs: Vec<String> = specs.iter().map(|s| format!("--set {s}")).collect();
    format!(" with {}", specs.join(", "))
}

pub(super) fn sha256_hex(source: impl AsRef<[u8]>) -> String {
    Sha256::digest(source.as_ref())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The first 8 hex digits of the SHA-256 of `text`: what a default folder
/// name ends with when its text alone might not keep it apart.
fn short_hash(text: impl AsRef<[u8]>) -> String {
    sha256_hex(text)[..8].to_string()
}

pub(super) fn warn(path: &Path, s: &Scenario) {
    for w in &s.warnings {
        warning!("{}", scenario::located(path, w));
    }
}

/// The default for `--threads`: every core the process may use.
pub(super) fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Where a command writes: `--out` as the folder to make
/// ([`output::folder_to_make`]), else the default folder `default` names.
pub(super) fn output_folder(out: Option<&Path>, default: impl FnOnce() -> PathBuf) -> PathBuf {
    out.map(output::folder_to_make).unwrap_or_else(default)
}

/// A scenario file's name without its extension (`.toml`), which names its
/// output folders; "scenario" when that is blank (a file named `.toml`),
/// so that no folder name starts with `-` (`out/-sweep`). A name that is
/// not UTF-8 (`lat\xe9.toml`, written `lat\u{fffd}`) ends with `-` and 8
/// hex digits of a hash of its bytes, so that two such names keep two
/// folders.
pub(super) fn stem(scenario: &Path) -> String {
    let stem = scenario::file_stem(scenario)
        .filter(|stem| !stem.trim().is_empty())
        .unwrap_or_else(|| "scenario".to_string());
    match scenario.file_name() {
        Some(name) if name.to_str().is_none() => {
            format!("{stem}-{}", short_hash(name.as_encoded_bytes()))
        }
        _ => stem,
    }
}

/// What a default output folder's name adds for `specs` (`--set` or
/// `--vary` paths and values): `-PREFIX-` and the settings, so that each
/// what-if keeps its own folder. Each spec is written with `*` as `all`,
/// `=` as `-`, quotes dropped and any character other than an ASCII letter,
/// digit, `.`, `-` or `_` as `_`; they are sorted (the same settings in
/// any order are one scenario) and joined by `_`, in that order while
/// they fit in 40 characters, and the rest counted (`_and-2-more`), so
/// that a cut never leaves part of a value to be read as the value. A
/// first setting longer than 40 characters keeps only its path, cut to 40.
/// Whenever that text alone might not tell two settings apart (a character
/// was replaced or dropped, a `*` written `all`, a capital letter, which
/// file systems that ignore letter case would not tell apart, or a cut),
/// `-` and the first 8 hex digits of the SHA-256 of the settings follow.
/// `with_values`: each spec is `PATH=VALUE`, its last `=` the separator;
/// else (a sweep's path) every `=` is a name's. Empty for no specs.
pub(super) fn settings_suffix(prefix: &str, specs: &[String], with_values: bool) -> String {
    const LONGEST: usize = 40;
    if specs.is_empty() {
        return String::new();
    }
    let mut sorted: Vec<&str> = specs.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let mut lossy = false;
    // Each setting as written in the name, with where its path ends (the
    // `-` before its value, or its length).
    let mut written: Vec<(String, usize)> = Vec::with_capacity(sorted.len());
    for spec in &sorted {
        // The last `=` separates the value (a number or a date, never
        // with `=`) when specs have values; one in a path (a name with
        // `=`) is lost as `-`.
        let separator = spec.rfind('=').filter(|_| with_values);
        let mut text = String::new();
        let mut path_end = None;
        for (at, c) in spec.char_indices() {
            match c {
                '=' => {
                    if Some(at) == separator {
                        path_end = Some(text.len());
                    } else {
                        lossy = true;
                    }
                    text.push('-');
                }
                c if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') => {
                    lossy |= c.is_ascii_uppercase();
                    text.push(c);
                }
                '*' => {
                    lossy = true;
                    text.push_str("all");
                }
                '"' => lossy = true,
                _ => {
                    lossy = true;
                    text.push('_');
                }
            }
        }
        let path_end = path_end.unwrap_or(text.len());
        // `=` and `-` are both written `-`: with a `-` in the path, where
        // the value starts (`x=1e-5`, `x-1e=5`) is not told by the text.
        lossy |= separator.is_some() && text[..path_end].contains('-');
        written.push((text, path_end));
    }
    // A name with `_` could read as the separator of two settings.
    lossy |= sorted.len() > 1 && sorted.iter().any(|spec| spec.contains('_'));
    let mut text = String::new();
    let mut shown = 0;
    for (setting, _) in &written {
        let separator = usize::from(shown > 0);
        if text.len() + separator + setting.len() > LONGEST {
            break;
        }
        if shown > 0 {
            text.push('_');
        }
        text.push_str(setting);
        shown += 1;
    }
    if shown == 0 {
        // The first setting alone is too long: its path, cut (the text is
        // ASCII, so any byte is a character boundary).
        let (setting, path_end) = &written[0];
        text.push_str(&setting[..(*path_end).min(LONGEST)]);
        shown = 1;
        lossy = true;
    }
    // A folder name ending in a dot loses it on Windows; a cut may end on
    // a separator.
    let kept = text.trim_end_matches(['.', '-', '_']).len();
    lossy |= kept < text.len();
    text.truncate(kept);
    let left_out = written.len() - shown;
    if left_out > 0 {
        lossy = true;
        text.push_str(&format!("_and-{left_out}-more"));
    }
    if lossy {
        text = format!("{text}-{}", short_hash(sorted.join("\n")));
    }
    format!("-{prefix}-{text}")
}

/// `out/<name>`, where a command writes unless `--out` says otherwise. A
/// name that is not a plain folder name (the stem `..` of a file named
/// `...toml` would put the results beside `out/`, over whatever is there)
/// gives `out/scenario`; one longer than 200 bytes is cut to 191 and ends
/// with `-` and 8 hex digits of a hash of the whole.
pub(super) fn default_out_dir(name: &str) -> PathBuf {
    // Most file systems take names of up to 255 bytes: a longer one (a
    // long file name with settings) is cut, and keeps a hash of the whole.
    const LONGEST: usize = 200;
    let long;
    let name = if name.len() > LONGEST {
        let mut end = LONGEST - 9;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        long = format!("{}-{}", &name[..end], short_hash(name));
        long.as_str()
    } else {
        name
    };
    let mut parts = Path::new(name).components();
    match (parts.next(), parts.next()) {
        (Some(std::path::Component::Normal(_)), None) => {
            Path::new("out").join(windows_safe_name(name))
        }
        _ => Path::new("out").join("scenario"),
    }
}

/// `name` as a folder name Windows also takes: a trailing dot or space
/// (which Windows drops) written `_`, and a device name (`con`, `aux.v2`,
/// `com1`, in any letter case) preceded by `_`; a name so changed ends
/// with `-` and 8 hex digits of a hash of `name`, so that it stays apart
/// from a file named like the change (`_con.toml`).
fn windows_safe_name(name: &str) -> String {
    const DEVICES: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];
    let kept = name.trim_end_matches(['.', ' ']);
    let mut safe = format!("{kept}{}", "_".repeat(name.len() - kept.len()));
    let base = safe
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end()
        .to_ascii_uppercase();
    let numbered = |prefix: &str| {
        base.strip_prefix(prefix).is_some_and(|n| {
            matches!(
                n,
                "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³"
            )
        })
    };
    if DEVICES.contains(&base.as_str()) || numbered("COM") || numbered("LPT") {
        safe.insert(0, '_');
    }
    if safe != name {
        safe = format!("{safe}-{}", short_hash(name));
    }
    safe
}

/// Ctrl-C sets this flag, and so do SIGTERM and SIGHUP (`ctrlc`'s
/// `termination` feature: a job runner's cancel, `timeout`, a closed
/// terminal); long work polls it. Installed once per process.
pub(super) fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let handler_flag = Arc::clone(&flag);
        // If a handler cannot be installed, Ctrl-C keeps its default
        // behaviour (the process ends before anything is renamed into place).
        let _ = ctrlc::set_handler(move || handler_flag.store(true, Ordering::SeqCst));
        flag
    })
    .clone()
}

/// Refuses an `--out` that is a file, lies under a file, holds a folder
/// where one of `names` is to be written, or would have one of `names`
/// replace an input scenario; fails when nothing can be written there.
/// Checked before simulating (`output::write_files` checks again for a
/// folder created meanwhile).
pub(super) fn check_out_folder<'a>(
    out: &Path,
    names: impl IntoIterator<Item = &'a str> + Clone,
    inputs: &[&Path],
) -> Result<()> {
    if let Some(file) = output::blocked_by_file(out) {
        // Named as "the output folder": it may be the default, not an --out.
        let dangling = file.is_symlink() && !file.exists();
        let whole = file.components().eq(out.components());
        let message = match (whole, dangling) {
            (true, false) => format!(
                "the output folder {} is a file, not a folder; choose another --out",
                out.display()
            ),
            (true, true) => format!(
                "the output folder {} is a link that leads to nothing (to something that does not exist, or round a loop of links); choose another --out",
                out.display()
            ),
            (false, _) => format!(
                "the output folder {} cannot be created: {} is not a folder{}; choose another --out",
                out.display(),
                file.display(),
                if dangling {
                    " but a link that leads to nothing"
                } else {
                    ""
                }
            ),
        };
        return Err(UsageError(message).into());
    }
    if let Some((name, folder)) = output::name_taken_by_folder(out, names.clone()) {
        return Err(UsageError(format!(
            "{} is a folder, so {name} cannot be written there; move it away or choose another --out",
            folder.display()
        ))
        .into());
    }
    if let Some((name, input)) = output::name_of_an_input(out, names.clone(), inputs) {
        return Err(UsageError(format!(
            "writing {name} into {} would replace the scenario {} with results; rename the scenario or choose another --out",
            out.display(),
            input.display()
        ))
        .into());
    }
    let kept = output::earlier_versions_kept(out, names.clone());
    if !kept.is_empty() {
        return Err(UsageError(output::earlier_versions_message(&kept)).into());
    }
    if let Some(why) = foreign_manifest(out)? {
        return Err(UsageError(format!(
            "{} {why}, so the folder looks like another program's and sharecast will not replace it; move it away or choose another --out",
            out.join(MANIFEST_FILE).display()
        ))
        .into());
    }
    let looks_like_a_file = out.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["csv", "json", "txt", "xlsx", "xls", "ods", "toml"]
            .contains(&e.to_ascii_lowercase().as_str())
    });
    if looks_like_a_file && !out.exists() {
        warning!(
            "the output folder {} is named like a file; sharecast writes several files into a folder of that name",
            out.display()
        );
    }
    output::try_writing_in(out, names).with_context(|| {
        format!(
            "cannot write into the output folder {} (checked before simulating)",
            out.display()
        )
    })?;
    Ok(())
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

/// Whether a file holds the `runs.csv` of the results being written; see
/// [`write_outputs`].
pub(super) type RunsFileCheck<'a> = &'a dyn Fn(&Path) -> std::io::Result<bool>;

/// Writes `files` and the manifest into `out`, whole or not at all; then
/// says what else the folder held ([`folder_warnings`]). Those warnings are
/// worked out before anything is written, so that the manifest lists them
/// with the others, and printed only once the new files are in place.
/// `runs_file`, given by a run without `--per-run`, tells whether a
/// `runs.csv` already in `out` is the one these results would write.
///
/// With `strict` (`--strict`), a warning drawn since the simulation began
/// (a file too long for a spreadsheet, say) or by the folder stops the job
/// here with nothing written.
pub(super) fn write_outputs(
    out: &Path,
    mut files: Vec<OutputFile>,
    mut manifest: Manifest,
    runs_file: Option<RunsFileCheck>,
    strict: bool,
    cancel: &AtomicBool,
) -> Result<Vec<OutputFile>> {
    // Warnings drawn since the simulation began, before the lock creates
    // the folder.
    super::refuse_warnings(strict, super::Stop::BeforeWriting)?;
    // Another job writing into `out` finishes first; then its manifest is
    // the one replaced.
    let _turn = output::FolderLock::acquire(out, cancel).map_err(|e| {
        if cancel.load(Ordering::SeqCst) {
            anyhow::Error::new(Interrupted)
        } else {
            e
        }
    })?;
    manifest.input.locate_from(out);
    manifest.output_folder = std::fs::canonicalize(out)
        .ok()
        .map(|folder| folder.display().to_string());
    let tense = if strict { Tense::Foreseen } else { Tense::Done };
    let said = folder_warnings(out, &files, &mut manifest, runs_file, tense);
    if strict {
        for warning in &said {
            warning!("{warning}");
        }
        super::refuse_warnings(strict, super::Stop::BeforeWriting)?;
    }
    for warning in &said {
        let shown = super::terminal_safe(warning);
        if !manifest.warnings.contains(&shown) {
            manifest.warnings.push(shown);
        }
    }
    files.push(OutputFile {
        name: MANIFEST_FILE.into(),
        bytes: manifest.to_bytes(),
    });
    if cancel.load(Ordering::SeqCst) {
        bail!(Interrupted);
    }
    output::write_files(out, &files, cancel).map_err(|e| {
        if cancel.load(Ordering::SeqCst) {
            anyhow::Error::new(Interrupted)
        } else {
            e
        }
    })?;
    // Said once the new files are in place, never for a job that fails.
    for warning in said {
        warning!("{warning}");
    }
    Ok(files)
}

/// What `out` holds besides the `files` about to be written with
/// `manifest`, as warnings: results of another scenario file or sweep
/// replaced ([`replaced_warning`]), another command's files left beside
/// them ([`other_files_warnings`]), and a `runs.csv` that a run without
/// `--per-run` leaves in place when `runs_file` finds it is not the one
/// these results would write ([`leftover_runs_warning`]; when it is, it is
/// listed in `manifest` instead).
fn folder_warnings(
    out: &Path,
    files: &[OutputFile],
    manifest: &mut Manifest,
    runs_file: Option<RunsFileCheck>,
    tense: Tense,
) -> Vec<String> {
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    let mut said = foreseeable_folder_warnings(out, &names, &manifest.input, tense);
    let earlier = earlier_manifest(out);
    let leftover = out.join(RUNS_FILE);
    // A link to nothing is nothing; a folder, a pipe or a device is never
    // read.
    if let Some(holds_these_runs) = runs_file
        && leftover.exists()
    {
        let is_an_input = std::fs::canonicalize(&leftover).is_ok_and(|leftover| {
            manifest.input.scenarios().iter().any(|(_, scenario)| {
                scenario
                    .real_path
                    .as_deref()
                    .is_some_and(|real| Path::new(real) == leftover)
            })
        });
        if is_an_input {
            said.push(format!(
                "{} is the scenario this {} reads, not the runs of earlier results; it is left as it is, but whoever opens the folder may take it for them (rename the scenario, or choose another --out)",
                shown_path(leftover.display()),
                manifest.input.job()
            ));
        } else if !leftover.is_file() {
            said.push(not_a_runs_file(&leftover));
        } else {
            match holds_these_runs(&leftover) {
                Ok(true) => manifest.files.push(RUNS_FILE.into()),
                Ok(false) => said.push(leftover_runs_warning(out, earlier.as_ref(), manifest)),
                Err(e) => said.push(format!(
                    "{} cannot be read ({e}), so whether it holds these results' runs is unknown (only --per-run replaces it)",
                    leftover.display()
                )),
            }
        }
    }
    said
}

/// A path as a message about the output folder shows it: every control
/// character escaped, a line break too (the message is one line).
fn shown_path(path: impl std::fmt::Display) -> String {
    crate::text::escape_hidden(&path.to_string(), false)
}

/// Whether a warning about the output folder is said once the new files
/// are in place, or foreseen by `--strict` before anything is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Done,
    Foreseen,
}

impl Tense {
    /// "held" or "holds".
    fn held(self) -> &'static str {
        match self {
            Tense::Done => "held",
            Tense::Foreseen => "holds",
        }
    }

    /// ", now replaced by {by}" or ", which {by} would replace".
    fn replaced_by(self, by: &str) -> String {
        match self {
            Tense::Done => format!(", now replaced by {by}"),
            Tense::Foreseen => format!(", which {by} would replace"),
        }
    }

    /// "now describes" or "would describe".
    fn describes(self) -> &'static str {
        match self {
            Tense::Done => "now describes",
            Tense::Foreseen => "would describe",
        }
    }
}

/// What [`folder_warnings`] says that is known before simulating, from the
/// names of the files to be written and the job's input: results of
/// another scenario file or sweep replaced ([`replaced_warning`]), another
/// command's files left beside them ([`other_files_warnings`]), and files
/// of these names that no manifest accounts for ([`unlisted_files_warning`]).
fn foreseeable_folder_warnings(
    out: &Path,
    names: &[&str],
    input: &ManifestInput,
    tense: Tense,
) -> Vec<String> {
    let earlier = earlier_manifest(out);
    let keys: Vec<&str> = input.scenarios().into_iter().map(|(k, _)| k).collect();
    let mut said = Vec::new();
    if let Some(replaced) = earlier
        .as_ref()
        .and_then(|m| replaced_results(m, names, &keys))
    {
        said.extend(replaced_warning(out, replaced, input, tense));
    }
    said.extend(other_files_warnings(out, input, tense));
    said.extend(unlisted_files_warning(
        out,
        names,
        earlier.as_ref(),
        input,
        tense,
    ));
    said
}

/// With `--strict`, draws before simulating the warnings writing into
/// `out` would draw that are already known ([`foreseeable_folder_warnings`]
/// for the files `names` and the job's `input`), so that
/// [`super::refuse_warnings`] stops the job before it simulates; without
/// it they are said once the files are written ([`write_outputs`]).
/// `keeps_runs_file` is set for a run without `--per-run`, which leaves a
/// `runs.csv` in place: one that is no regular file is known now too.
pub(super) fn foresee_folder_warnings<'a>(
    strict: bool,
    out: &Path,
    names: impl IntoIterator<Item = &'a str>,
    input: &ManifestInput,
    keeps_runs_file: bool,
) {
    if !strict {
        return;
    }
    let names: Vec<&str> = names
        .into_iter()
        .filter(|&name| name != MANIFEST_FILE)
        .collect();
    for warning in foreseeable_folder_warnings(out, &names, input, Tense::Foreseen) {
        warning!("{warning}");
    }
    let leftover = out.join(RUNS_FILE);
    if keeps_runs_file && leftover.exists() && !leftover.is_file() {
        warning!("{}", not_a_runs_file(&leftover));
    }
}

/// The warning for a `runs.csv` that is a folder, a pipe or a device.
fn not_a_runs_file(path: &Path) -> String {
    format!(
        "{} is not a regular file, so it holds no run's results",
        shown_path(path.display())
    )
}

/// The warning that `out` holds files named as some of `names` that no
/// `manifest.json` there lists (`earlier`, the folder's manifest, if any):
/// results whose manifest was removed or replaced by another command's, or
/// another program's files. The job of `input` replaces them.
fn unlisted_files_warning(
    out: &Path,
    names: &[&str],
    earlier: Option<&serde_json::Value>,
    input: &ManifestInput,
    tense: Tense,
) -> Option<String> {
    let listed: Vec<&str> = earlier
        .map(|m| listed_files(m).collect())
        .unwrap_or_default();
    let present: Vec<&str> = names
        .iter()
        .copied()
        .filter(|&name| name != MANIFEST_FILE && !listed.contains(&name))
        .filter(|name| out.join(name).exists() || out.join(name).is_symlink())
        .collect();
    if present.is_empty() {
        return None;
    }
    let them = if present.len() == 1 { "it" } else { "them" };
    let unaccounted = if earlier.is_some() {
        format!(
            ", which its {MANIFEST_FILE} does not list (results of an earlier job whose manifest another job replaced, or other files)"
        )
    } else {
        format!(" with no {MANIFEST_FILE} to say sharecast wrote {them}")
    };
    Some(format!(
        "{} {} {}{unaccounted}{}; give each job its own --out to keep {them}",
        shown_path(out.display()),
        tense.held(),
        present.join(", "),
        tense.replaced_by(&format!("this {}'s files", input.job())),
    ))
}

/// Why the `manifest.json` in `out` is not one sharecast wrote: not a
/// regular file, not JSON, or JSON without sharecast's `sharecast_version`
/// text; `None` when there is none or it is sharecast's. A manifest that
/// cannot be read (no permission) is an error: whose results the folder
/// holds is then unknown.
fn foreign_manifest(out: &Path) -> Result<Option<&'static str>> {
    let path = out.join(MANIFEST_FILE);
    if !path.exists() && !path.is_symlink() {
        return Ok(None);
    }
    if !path.exists() {
        return Ok(Some("is a link that leads to nothing"));
    }
    if !path.is_file() {
        return Ok(Some("is not a regular file"));
    }
    let bytes = read_manifest(&path).with_context(|| {
            format!(
                "cannot read {}, which says whose results the output folder holds (fix its permissions, or choose another --out)",
            shown_path(path.display())
        )
    })?;
    let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Ok(Some(
            "is not a manifest sharecast wrote (it cannot be read as JSON)",
        ));
    };
    Ok(match manifest.get("sharecast_version") {
        None => Some("is not a manifest sharecast wrote (it names no sharecast_version)"),
        Some(version) if !version.is_string() => {
            Some("is not a manifest sharecast wrote (its sharecast_version is not text)")
        }
        Some(_) => None,
    })
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

/// The manifest of `files`, made from `input` with `seed` and `runs` by the
/// command whose simulation flags are `sim`.
pub(super) fn manifest(
    input: ManifestInput,
    seed: u64,
    runs: u64,
    sim: &SimulationArgs,
    files: &[OutputFile],
) -> Manifest {
    Manifest {
        sharecast_version: env!("CARGO_PKG_VERSION").to_string(),
        input,
        seed,
        runs,
        engine: sim.engine_name(),
        command_line: command_line(),
        working_directory: std::env::current_dir()
            .map(|dir| dir.to_string_lossy().into_owned())
            .unwrap_or_default(),
        output_folder: None,
        warnings: super::warnings_so_far(),
        files: files.iter().map(|f| f.name.clone()).collect(),
    }
}

/// The command line as given, for the manifest.
fn command_line() -> Vec<String> {
    // args_os: an argument that is not UTF-8 (a path, say) must not panic.
    std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect()
}

pub(super) fn file_names(files: &[OutputFile]) -> String {
    files
        .iter()
        .map(|f| f.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The warnings, one per other command, that `out` also holds files
/// another command than the one `input` describes writes (`run`, `compare` or `sweep`): the
/// manifest next to them now describes this job's results instead.
fn other_files_warnings(out: &Path, input: &ManifestInput, tense: Tense) -> Vec<String> {
    let this = match input {
        ManifestInput::Run { .. } => "run",
        ManifestInput::Compare { .. } => "compare",
        ManifestInput::Sweep { .. } => "sweep",
    };
    let run_files: Vec<&str> = STATISTICS_FILES.into_iter().chain([RUNS_FILE]).collect();
    let commands: [(&str, &[&str]); 3] = [
        ("run", &run_files),
        ("compare", &COMPARISON_FILES),
        ("sweep", &SWEEP_FILES),
    ];
    let mut said = Vec::new();
    for (command, names) in commands.into_iter().filter(|(c, _)| *c != this) {
        let present: Vec<&str> = names
            .iter()
            .copied()
            .filter(|name| out.join(name).exists())
            .collect();
        if !present.is_empty() {
            said.push(format!(
                "{} also holds {} from an earlier `sharecast {command}`; {} {} this {}, not them",
                shown_path(out.display()),
                present.join(", "),
                shown_path(out.join(MANIFEST_FILE).display()),
                tense.describes(),
                input.job()
            ));
        }
    }
    said
}

/// The `manifest.json` already in `out`, parsed; `None` without one or
/// with one that cannot be read.
fn earlier_manifest(out: &Path) -> Option<serde_json::Value> {
    let path = out.join(MANIFEST_FILE);
    // A pipe or a device is never read: opening a pipe waits for a writer.
    if !path.is_file() {
        return None;
    }
    serde_json::from_slice(&read_manifest(&path).ok()?).ok()
}

/// The bytes of the regular file `path`, a manifest: a few kilobytes, so
/// whatever is far larger is read only as far as a scenario may go.
fn read_manifest(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(scenario::MAX_SCENARIO_BYTES)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The result files an earlier manifest lists.
fn listed_files(earlier: &serde_json::Value) -> impl Iterator<Item = &str> {
    earlier
        .get("files")
        .and_then(|f| f.as_array())
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str())
}

/// What the `manifest.json` already in `out` says of the results about to
/// be replaced.
struct Replaced {
    /// The scenario files it names under the keys asked for; `None` when
    /// it names none there that can be read (a manifest of another version
    /// or another command, or edited).
    scenarios: Option<Vec<ScenarioRef>>,
    /// The folder that job ran in, which its relative paths start from.
    working_directory: Option<PathBuf>,
    /// Where the output folder was then, links resolved.
    output_folder: Option<PathBuf>,
    /// The sharecast version that wrote it, as it says.
    version: Option<String>,
    /// The number a sweep varied, when the results are a sweep's.
    swept: Option<String>,
}

/// The scenario files the `earlier` manifest names under `keys`
/// (`scenario`, or `baseline` and `counterfactual`), and the number a sweep
/// varied, when the results it lists include one of `names`, files
/// about to replace them; `None` when it lists other results (another
/// command's, which stay).
fn replaced_results(
    earlier: &serde_json::Value,
    names: &[&str],
    keys: &[&str],
) -> Option<Replaced> {
    let replaced = listed_files(earlier).any(|name| names.contains(&name));
    if !replaced {
        return None;
    }
    let text = |key: &str| {
        earlier
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let scenarios = keys
        .iter()
        .map(|key| serde_json::from_value(earlier.get(key)?.clone()).ok())
        .collect::<Option<Vec<ScenarioRef>>>();
    Some(Replaced {
        scenarios,
        working_directory: text("working_directory")
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from),
        output_folder: text("output_folder").map(PathBuf::from),
        version: text("sharecast_version"),
        swept: text("parameter"),
    })
}

/// The warning, if any, that the results `out` held (as
/// [`replaced_results`] gives them) came from other scenario files than
/// those of `input`, key by key, or were a sweep of another number of the
/// same file. A file is the same when it has the same contents or its path,
/// taken from the folder that job ran in (the manifest's
/// `working_directory`), leads to the same file as this job's path
/// (`./x.toml` and `x.toml`, `../a/x.toml` from another folder; edited
/// since or not). Its `--set` settings count, compared as written in any
/// order (another spelling of the same setting counts as another); seeds
/// and a sweep's values do not. Results whose manifest names no scenario
/// file that can be read are always pointed out.
fn replaced_warning(
    out: &Path,
    earlier: Replaced,
    input: &ManifestInput,
    tense: Tense,
) -> Option<String> {
    let Replaced {
        scenarios: earlier,
        working_directory,
        output_folder,
        version,
        swept,
    } = earlier;
    let now: Vec<&ScenarioRef> = input.scenarios().into_iter().map(|(_, r)| r).collect();
    let named = |r: &ScenarioRef| format!("{}{}", shown_path(&r.path), with_specs(&r.settings));
    let listed = |refs: &[&ScenarioRef]| {
        refs.iter()
            .map(|r| named(r))
            .collect::<Vec<_>>()
            .join(" against ")
    };
    let Some(earlier) = earlier else {
        return Some(format!(
            "{} {} results whose {MANIFEST_FILE} (written by sharecast {}) names no scenario file this version can read{}; give each its own --out to keep both",
            shown_path(out.display()),
            tense.held(),
            version.as_deref().unwrap_or("of an unknown version"),
            tense.replaced_by(&format!("this {} of {}", input.job(), listed(&now))),
        ));
    };
    // The earlier file is this one when its real path is this one's; else
    // it is where its path from the output folder leads (the two moved or
    // copied together), else its real path, else its path as typed from
    // the folder that job ran in, while each still leads somewhere; else
    // the path as typed, from here (a project moved since without its
    // results). One that exists but cannot be looked at (no permission) is
    // another file.
    let same_as_earlier = |was: &ScenarioRef, is: &ScenarioRef| {
        // This job's file as its manifest records it: recorded from the
        // path itself, so a path that is not UTF-8 (recorded with
        // replacement characters) still compares as text.
        let now: Option<PathBuf> = is
            .real_path
            .as_ref()
            .map(PathBuf::from)
            .or_else(|| std::fs::canonicalize(&is.path).ok());
        let lossy = now.as_ref().map(|n| n.display().to_string());
        let leads_to = |earlier: &Path| -> Option<bool> {
            match std::fs::canonicalize(earlier) {
                Ok(real) => Some(now.as_ref() == Some(&real)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(_) => Some(false),
            }
        };
        if was.real_path.is_some() && was.real_path == lossy {
            return true;
        }
        // The path from the folder tells only when the two travelled
        // together: the folder copied (its original still there), or moved
        // with its scenario (whose old place is empty). A folder moved
        // away from a scenario still where it was came from that one.
        let folder_copied = output_folder.as_ref().is_some_and(|f| f.exists());
        let scenario_gone = was
            .real_path
            .as_ref()
            .is_none_or(|real| matches!(Path::new(real).try_exists(), Ok(false)));
        if let Some(rel) = &was.path_from_folder
            && (folder_copied || scenario_gone)
            && let Some(same) = leads_to(&out.join(rel))
        {
            return same;
        }
        if let Some(real) = &was.real_path
            && let Some(same) = leads_to(Path::new(real))
        {
            return same;
        }
        if let Some(dir) = &working_directory {
            match dir.try_exists() {
                Ok(true) => return leads_to(&dir.join(&was.path)).unwrap_or(false),
                Ok(false) => {}
                Err(_) => return false,
            }
        }
        leads_to(Path::new(&was.path)).unwrap_or(false)
    };
    // The same file (perhaps edited since), with the same settings in any
    // order: results of another `--set` variant are another scenario's.
    let sorted = |settings: &[String]| {
        let mut settings = settings.to_vec();
        settings.sort();
        settings
    };
    let same = earlier.len() == now.len()
        && earlier.iter().zip(&now).all(|(was, is)| {
            (was.sha256 == is.sha256 || same_as_earlier(was, is))
                && sorted(&was.settings) == sorted(&is.settings)
        });
    if same {
        let (was, is) = (swept.clone()?, input.swept()?);
        return (was != is).then(|| {
            format!(
                "{} {} a sweep of {} over {}{}; give each its own --out to keep both",
                shown_path(out.display()),
                tense.held(),
                was,
                named(now[0]),
                tense.replaced_by(&format!("this sweep of {is}"))
            )
        });
    }
    // A path that, read from here, no longer names the earlier file (typed
    // in another folder, a link pointed elsewhere since, the same text as
    // this job's): say which file it was.
    let located = |(was, is): (&ScenarioRef, &&ScenarioRef)| {
        let whole = was.real_path.clone().or_else(|| {
            working_directory
                .as_ref()
                .map(|dir| dir.join(&was.path).display().to_string())
        });
        let read_here = std::fs::canonicalize(&was.path)
            .ok()
            .map(|p| p.display().to_string());
        match whole {
            Some(whole)
                if whole != was.path
                    && read_here.as_ref() != Some(&whole)
                    && was.sha256 != is.sha256
                    && !same_as_earlier(was, is) =>
            {
                format!(
                    "{} ({}){}",
                    shown_path(&was.path),
                    shown_path(&whole),
                    with_specs(&was.settings)
                )
            }
            _ => named(was),
        }
    };
    let earlier = earlier
        .iter()
        .zip(&now)
        .map(located)
        .collect::<Vec<_>>()
        .join(" against ");
    let what = match (input, &swept) {
        (ManifestInput::Compare { .. }, _) => "the comparison of".to_string(),
        (ManifestInput::Sweep { .. }, Some(number)) => format!("a sweep of {number} over"),
        _ => "the results of".to_string(),
    };
    // A sweep of another number says which it varies now.
    let this_job = match input.swept() {
        Some(is) if swept.as_deref() != Some(is) => {
            format!("this sweep of {is} over {}", listed(&now))
        }
        _ => format!("this {} of {}", input.job(), listed(&now)),
    };
    Some(format!(
        "{} {} {what} {earlier}{}; give each its own --out to keep both",
        shown_path(out.display()),
        tense.held(),
        tense.replaced_by(&this_job),
    ))
}

/// The warning for a `runs.csv` in `out` that a run without `--per-run`
/// leaves in place and that does not hold these results' runs; it says
/// what inputs differ when the `earlier` manifest lists that `runs.csv`
/// and tells.
fn leftover_runs_warning(
    out: &Path,
    earlier: Option<&serde_json::Value>,
    manifest: &Manifest,
) -> String {
    let described = earlier.filter(|m| listed_files(m).any(|name| name == RUNS_FILE));
    let differences = described.and_then(|earlier| {
        let now = serde_json::to_value(manifest).ok()?;
        Some(differing_inputs(earlier, &now))
    });
    let path = out.join(RUNS_FILE);
    match differences {
        Some(d) if d.is_empty() => format!(
            "{} does not match these results, though {} describes a run of the same inputs: it has changed since that run wrote it, or a build of sharecast that gives other numbers wrote it (only --per-run replaces it)",
            shown_path(path.display()),
            shown_path(out.join(MANIFEST_FILE).display())
        ),
        Some(d) if d.len() == 1 && d[0].starts_with("sharecast version") => format!(
            "{} is from an earlier run of the same inputs by another build ({}) and does not match these results: that build gives other numbers, or the file has changed since (only --per-run replaces it)",
            shown_path(path.display()),
            d[0]
        ),
        Some(d) => format!(
            "{} is from an earlier run of other inputs ({}) and does not match these results (only --per-run replaces it)",
            shown_path(path.display()),
            d.join("; ")
        ),
        None => format!(
            "{} is from an earlier run and does not match these results (only --per-run replaces it)",
            shown_path(path.display())
        ),
    }
}

/// What the `earlier` run manifest records differently from `now` among
/// the inputs that decide a run's numbers: "runs 3, now 4", "seed 7, now
/// 9", the engine, the sharecast version, the scenario file's contents,
/// the settings (in any order).
fn differing_inputs(earlier: &serde_json::Value, now: &serde_json::Value) -> Vec<String> {
    let shown = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => "not recorded".to_string(),
    };
    let mut differences = Vec::new();
    for (key, what) in [
        ("runs", "runs"),
        ("seed", "seed"),
        ("engine", "engine"),
        ("sharecast_version", "sharecast version"),
    ] {
        let (was, is) = (earlier.get(key), now.get(key));
        if was != is {
            differences.push(format!("{what} {}, now {}", shown(was), shown(is)));
        }
    }
    let scenario = |m: &serde_json::Value, field: &str| m.get("scenario")?.get(field).cloned();
    if scenario(earlier, "sha256") != scenario(now, "sha256") {
        differences.push("other scenario file contents".to_string());
    }
    let settings = |m: &serde_json::Value| {
        let mut specs: Vec<String> = scenario(m, "settings")
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        specs.sort();
        specs
    };
    if settings(earlier) != settings(now) {
        differences.push("other --set settings".to_string());
    }
    differences
}

/// Whether `a` and `b` name one existing file (through links or relative
/// paths alike).
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
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

/// Refuses a job whose estimated memory need (`need` of a run count)
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
        let limit_kib = ((space.mapped + mapped_for(&wanted)).div_ceil(MIB) + 4) * 1024;
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
        "about {} of memory ({} of run records, {} of working memory, {} of output files)",
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

/// Warns that file `name`, of `rows` rows with the header, is longer than a
/// spreadsheet opens (its end would be cut off), and what would shorten it.
pub(super) fn warn_if_too_long(name: &str, rows: usize, shorter: &str) {
    if sweep::too_long_for_a_spreadsheet(rows) {
        warning!(
            "{name} has {rows} rows, more than a spreadsheet opens ({} with the header); filter it with a script, or {shorter}",
            sweep::SPREADSHEET_ROWS
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
    (sweep::SPREADSHEET_ROWS - 1) / rows_per_run.max(1)
}

#[cfg(test)]
mod tests {
    use super::{settings_suffix, three_significant_digits};

    /// File names that are not UTF-8 show the same replacement character;
    /// a hash of their bytes keeps their folders apart.
    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_keep_their_own_folders() {
        use std::os::unix::ffi::OsStrExt;
        let stem =
            |bytes: &[u8]| super::stem(std::path::Path::new(std::ffi::OsStr::from_bytes(bytes)));
        let (e_acute, e_grave) = (stem(b"lat\xe9.toml"), stem(b"lat\xe8.toml"));
        assert_ne!(e_acute, e_grave);
        assert!(e_acute.starts_with("lat\u{fffd}-") && e_acute.len() == "lat\u{fffd}-".len() + 8);
        assert_eq!(stem(b"lat.toml"), "lat");
    }

    /// Each what-if's folder names its settings, the same in any order,
    /// with only characters every file system takes; whenever the text
    /// might not tell two apart (a character replaced, a capital letter, a
    /// cut), a hash of the whole follows.
    #[test]
    fn default_folders_name_the_settings() {
        let specs = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let suffix = |list: &[&str]| settings_suffix("with", &specs(list), true);
        assert_eq!(suffix(&[]), "");
        assert_eq!(suffix(&["event.2.at=2027-03"]), "-with-event.2.at-2027-03");
        // A trailing dot is dropped, with a hash: `1.` and `1` stay apart.
        assert_ne!(
            suffix(&["agency.dod.term=1."]),
            suffix(&["agency.dod.term=1"])
        );
        assert_eq!(suffix(&["agency.dod.term=1"]), "-with-agency.dod.term-1");
        // A path alone (a sweep's) has no value: any `=` is a name's.
        let path = |p: &str| settings_suffix("sweep", &specs(&[p]), false);
        assert_eq!(path("vendor.x-y.brand"), "-sweep-vendor.x-y.brand");
        assert_ne!(path("vendor.x=y.brand"), path("vendor.x-y.brand"));
        // Two settings whose names hold `_` keep a hash.
        assert_ne!(
            suffix(&["vendor.a_b.brand=0.5", "vendor.c.brand=0.5"]),
            "-with-vendor.a_b.brand-0.5_vendor.c.brand-0.5"
        );
        assert_eq!(
            suffix(&["vendor.OpenAI.brand=0.5", "agency.*.caution=0.9"]),
            suffix(&["agency.*.caution=0.9", "vendor.OpenAI.brand=0.5"]),
        );
        let hashed = |s: &str, text: &str| {
            s.strip_prefix(text).is_some_and(|rest| {
                rest.len() == 9
                    && rest.starts_with('-')
                    && rest[1..].bytes().all(|b| b.is_ascii_hexdigit())
            })
        };
        for (list, text) in [
            (
                &["vendor.OpenAI.brand=0.5"][..],
                "-with-vendor.OpenAI.brand-0.5",
            ),
            (&["agency.*.caution=0.6"], "-with-agency.all.caution-0.6"),
            (&["event.2.at=\"2027-03\""], "-with-event.2.at-2027-03"),
            (
                &["agency.国防部.caution=0.9"],
                "-with-agency.___.caution-0.9",
            ),
            (
                &["vendor.acme ai.brand=0.2"],
                "-with-vendor.acme_ai.brand-0.2",
            ),
        ] {
            let s = suffix(list);
            assert!(hashed(&s, text), "{list:?}: {s}");
        }
        // Names a lossy text would merge, or a file system that ignores
        // letter case: each its own folder.
        for (a, b) in [
            ("agency.国防部.caution=0.9", "agency.外交部.caution=0.9"),
            ("vendor.acme ai.brand=0.2", "vendor.acme/ai.brand=0.2"),
            ("vendor.*.brand=0.2", "vendor.all.brand=0.2"),
            ("event.Launch.at=3", "event.launch.at=3"),
            ("vendor.x-y.brand=0.6", "vendor.x=y.brand=0.6"),
            ("vendor.a.attributes.x=1e-5", "vendor.a.attributes.x-1e=5"),
            (
                "vendor.a.brand=0.5",
                "vendor.a.brand-0.5_vendor.b.brand=0.5",
            ),
        ] {
            assert_ne!(
                suffix(&[a]).to_lowercase(),
                suffix(&[b]).to_lowercase(),
                "{a} and {b}"
            );
        }
        let long = |value: &str| {
            suffix(&[
                "agency.department of veterans affairs.caution=0.35",
                &format!("agency.department of veterans affairs.innovation={value}"),
            ])
        };
        let (a, b) = (long("0.01"), long("0.02"));
        assert_ne!(a, b);
        assert!(
            hashed(
                &a,
                "-with-agency.department_of_veterans_affairs.ca_and-1-more"
            ),
            "{a}"
        );
        // Whole settings while they fit in 40 characters, the rest
        // counted: a cut never leaves part of a value (`brand-0`).
        let two = suffix(&["vendor.Google.brand=0.9", "agency.DoD.term=12"]);
        assert!(hashed(&two, "-with-agency.DoD.term-12_and-1-more"), "{two}");
        assert_ne!(
            two,
            suffix(&["vendor.Google.brand=0.8", "agency.DoD.term=12"])
        );
        let fits = suffix(&["vendor.x.brand=0.9", "agency.dod.term=12"]);
        assert_eq!(fits, "-with-agency.dod.term-12_vendor.x.brand-0.9");
        let single = suffix(&["agency.department of veterans affairs.caution=0.35"]);
        assert!(
            hashed(&single, "-with-agency.department_of_veterans_affairs.ca"),
            "{single}"
        );
        let sweep = path("agency.department of veterans affairs.caution");
        assert!(
            hashed(&sweep, "-sweep-agency.department_of_veterans_affairs.ca"),
            "{sweep}"
        );
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_')),
            "{a}"
        );
        // A whole name longer than 200 bytes is cut, keeping a hash.
        let stem = "x".repeat(190);
        let (one, two) = (
            super::default_out_dir(&format!("{stem}{}", long("0.01"))),
            super::default_out_dir(&format!("{stem}{}", long("0.02"))),
        );
        assert_ne!(one, two);
        for dir in [&one, &two] {
            let name = dir.file_name().unwrap().to_str().unwrap();
            assert_eq!(name.len(), 200, "{name}");
        }
        let cut = super::default_out_dir(&"é".repeat(150));
        assert!(cut.file_name().unwrap().len() <= 200);
        // Names Windows refuses or changes, changed and with a hash (so
        // that `con` and `_con` keep two folders); others as they are.
        for (name, safe) in [
            ("con", "_con"),
            ("AUX.v2", "_AUX.v2"),
            ("com1", "_com1"),
            ("Lpt9.x", "_Lpt9.x"),
            ("dot.", "dot_"),
            ("sp ", "sp_"),
            ("com¹", "_com¹"),
            ("CONIN$", "_CONIN$"),
        ] {
            let dir = super::default_out_dir(name);
            let folder = dir.file_name().unwrap().to_str().unwrap();
            let hash = folder
                .strip_prefix(safe)
                .and_then(|rest| rest.strip_prefix('-'));
            assert!(
                hash.is_some_and(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit())),
                "{name}: {folder}"
            );
        }
        for name in ["console", "com10", "com0", "_con", "dot_"] {
            assert_eq!(
                super::default_out_dir(name),
                std::path::Path::new("out").join(name)
            );
        }
        assert_eq!(
            super::default_out_dir(".."),
            std::path::Path::new("out/scenario")
        );
    }

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
