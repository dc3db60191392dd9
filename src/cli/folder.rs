//! The output folder a job writes into: refused before simulating when
//! nothing could be written there or when it would replace a scenario,
//! another program's folder or files of result names with no manifest
//! beside them; written whole or not at all, with its manifest; and what it
//! held before (results of another scenario, another command's files, files
//! of result names that the manifest does not list, a `runs.csv` that no
//! longer matches) told as warnings.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};

use super::settings::with_specs;
use super::{
    COMPARISON_FILES, Interrupted, MANIFEST_FILE, RUNS_FILE, STATISTICS_FILES, SWEEP_FILES,
    SimulationArgs, UsageError,
};
use crate::manifest::{Manifest, ManifestInput, ScenarioRef, os_text, path_text, text_path};
use crate::output::{self, OutputFile};
use crate::scenario;
use crate::text::shown_path;

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
                shown_path(out)
            ),
            (true, true) => format!(
                "the output folder {} is a link that leads to nothing (to something that does not exist, or round a loop of links); choose another --out",
                shown_path(out)
            ),
            (false, _) => format!(
                "the output folder {} cannot be created: {} is not a folder{}; choose another --out",
                shown_path(out),
                shown_path(&file),
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
            shown_path(&folder)
        ))
        .into());
    }
    if let Some((name, input)) = output::name_of_an_input(out, names.clone(), inputs) {
        return Err(UsageError(format!(
            "writing {name} into {} would replace the scenario {} with results; rename the scenario or choose another --out",
            shown_path(out),
            shown_path(&input)
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
            shown_path(&out.join(MANIFEST_FILE))
        ))
        .into());
    }
    // While another job holds the folder it may be moving its results in,
    // the manifest last, so its files are not judged now: `write_outputs`
    // looks again with the folder held, before writing anything.
    if out.is_dir()
        && let Some(_free) = output::FolderLock::try_acquire(out)
        && let Some(unclaimed) = unclaimed_files(out)
    {
        return Err(UsageError(unclaimed).into());
    }
    let looks_like_a_file = out.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["csv", "json", "txt", "xlsx", "xls", "ods", "toml"]
            .contains(&e.to_ascii_lowercase().as_str())
    });
    if looks_like_a_file && !out.exists() {
        warning!(
            "the output folder {} is named like a file; sharecast writes several files into a folder of that name",
            shown_path(out)
        );
    }
    output::try_writing_in(out, names).with_context(|| {
        format!(
            "cannot write into the output folder {} (checked before simulating)",
            shown_path(out)
        )
    })?;
    Ok(())
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
    super::warnings::refuse_warnings(strict, super::warnings::Stop::BeforeWriting)?;
    // Another job writing into `out` finishes first; then its manifest is
    // the one replaced.
    let _turn = output::FolderLock::acquire(out, cancel).map_err(|e| {
        if cancel.load(Ordering::SeqCst) {
            anyhow::Error::new(Interrupted)
        } else {
            e
        }
    })?;
    // Files of these names with no manifest may have appeared while the
    // job simulated: they are not replaced either.
    if let Some(unclaimed) = unclaimed_files(out) {
        return Err(UsageError(unclaimed).into());
    }
    manifest.input.locate_from(out);
    manifest.output_folder = std::fs::canonicalize(out)
        .ok()
        .map(|folder| path_text(&folder));
    let tense = if strict { Tense::Foreseen } else { Tense::Done };
    let said = folder_warnings(out, &files, &mut manifest, runs_file, tense);
    if strict {
        for warning in &said {
            warning!("{warning}");
        }
        super::warnings::refuse_warnings(strict, super::warnings::Stop::BeforeWriting)?;
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
                    .is_some_and(|real| text_path(real) == leftover)
            })
        });
        if is_an_input {
            said.push(format!(
                "{} is the scenario this {} reads, not the runs of earlier results; it is left as it is, but whoever opens the folder may take it for them (rename the scenario, or choose another --out)",
                shown_path(&leftover),
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
                    shown_path(&leftover)
                )),
            }
        }
    }
    said
}

/// Whether no other path reads as `path` does when each byte that is not
/// UTF-8 is read as a replacement character (as a manifest of an earlier
/// version recorded it): of every part of it whose name so read holds one,
/// its folder holds no other entry whose name reads the same.
fn only_path_read_so(path: &Path) -> bool {
    path.ancestors().all(|part| {
        let (Some(folder), Some(name)) = (part.parent(), part.file_name()) else {
            return true;
        };
        let lossy = name.to_string_lossy();
        !lossy.contains('\u{FFFD}')
            || std::fs::read_dir(folder).is_ok_and(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|entry| entry.file_name().to_string_lossy() == lossy)
                    .count()
                    == 1
            })
    })
}

/// [`shown_path`] of a path as a manifest records it ([`path_text`]).
fn shown_recorded(text: &str) -> String {
    shown_path(&text_path(text))
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
/// [`super::warnings::refuse_warnings`] stops the job before it simulates; without
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
        shown_path(path)
    )
}

/// The warning that `out` holds files named as some of `names` that its
/// `manifest.json` (`earlier`) does not list: results whose manifest was
/// replaced by another command's, or other files. The job of `input`
/// replaces them.
fn unlisted_files_warning(
    out: &Path,
    names: &[&str],
    earlier: Option<&serde_json::Value>,
    input: &ManifestInput,
    tense: Tense,
) -> Option<String> {
    // Without a manifest, files of these names stop the job before this
    // (`unclaimed_files`).
    let listed: Vec<&str> = listed_files(earlier?).collect();
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
    Some(format!(
        "{} {} {}, which its {MANIFEST_FILE} does not list (results of an earlier job whose \
         manifest another job replaced, or other files){}; give each job its own --out to keep \
         {them}",
        shown_path(out),
        tense.held(),
        present.join(", "),
        tense.replaced_by(&format!("this {}'s files", input.job())),
    ))
}

/// When `out` has no `manifest.json` but holds files named as any
/// command's results (`summary.csv`, `shares_diff.csv`, `runs.csv`, ...):
/// why the job does not write there. Nothing says sharecast wrote them:
/// they may be another program's files or the user's own (a `summary.csv`
/// of a spreadsheet), or results whose manifest was removed. A file
/// replaced is gone, and one left beside a new manifest would be taken for
/// sharecast's by the jobs after it.
fn unclaimed_files(out: &Path) -> Option<String> {
    let manifest = out.join(MANIFEST_FILE);
    if manifest.exists() || manifest.is_symlink() {
        return None;
    }
    let present: Vec<&str> = STATISTICS_FILES
        .into_iter()
        .chain([RUNS_FILE])
        .chain(COMPARISON_FILES)
        .chain(SWEEP_FILES)
        .filter(|name| out.join(name).exists() || out.join(name).is_symlink())
        .collect();
    let (them, what) = match present.len() {
        0 => return None,
        1 => ("it", "it may be another program's file or your own"),
        _ => ("them", "they may be another program's files or your own"),
    };
    Some(format!(
        "{} holds {} with no {MANIFEST_FILE} to say sharecast wrote {them}, so sharecast will not \
         write there ({what}, or results whose manifest was removed); move {them} away or choose \
         another --out",
        shown_path(out),
        present.join(", "),
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
            shown_path(&path)
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
        sharecast_version: crate::VERSION.to_string(),
        input,
        seed,
        runs,
        engine: sim.engine_name(),
        command_line: command_line(),
        working_directory: std::env::current_dir()
            .map(|dir| path_text(&dir))
            .unwrap_or_default(),
        output_folder: None,
        warnings: super::warnings::warnings_so_far(),
        files: files.iter().map(|f| f.name.clone()).collect(),
    }
}

/// The command line as given, for the manifest.
fn command_line() -> Vec<String> {
    // args_os: an argument that is not UTF-8 (a path, say) must not panic.
    std::env::args_os().map(|a| os_text(&a)).collect()
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
    let this = input.command();
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
                shown_path(out),
                present.join(", "),
                shown_path(&out.join(MANIFEST_FILE)),
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
            .map(|dir| text_path(&dir)),
        output_folder: text("output_folder").map(|folder| text_path(&folder)),
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
    let named = |r: &ScenarioRef| format!("{}{}", shown_recorded(&r.path), with_specs(&r.settings));
    let listed = |refs: &[&ScenarioRef]| {
        refs.iter()
            .map(|r| named(r))
            .collect::<Vec<_>>()
            .join(" against ")
    };
    let Some(earlier) = earlier else {
        return Some(format!(
            "{} {} results whose {MANIFEST_FILE} (written by sharecast {}) names no scenario file this version can read{}; give each its own --out to keep both",
            shown_path(out),
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
    // results). A path that cannot be followed for any reason but that
    // nothing is there (no permission, a file where a folder belongs, a
    // loop of links) leads to another file: its results are pointed out
    // rather than replaced without a word.
    let same_as_earlier = |was: &ScenarioRef, is: &ScenarioRef| {
        // This job's file, read back from its record ([`text_path`]).
        let now: Option<PathBuf> = is
            .real_path
            .as_deref()
            .map(text_path)
            .or_else(|| std::fs::canonicalize(text_path(&is.path)).ok());
        let leads_to = |earlier: &Path| -> Option<bool> {
            match std::fs::canonicalize(earlier) {
                Ok(real) => Some(now.as_ref() == Some(&real)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(_) => Some(false),
            }
        };
        if let (Some(real), Some(now)) = (&was.real_path, &now)
            && text_path(real) == *now
        {
            return true;
        }
        // A manifest of a version that wrote a byte that is not UTF-8 as a
        // replacement character: its text is all there is to compare, and
        // it names this file when it names no file itself and no other path
        // reads the same.
        if let (Some(real), Some(now)) = (&was.real_path, &now)
            && real.contains('\u{FFFD}')
            && *real == now.to_string_lossy()
            && matches!(text_path(real).try_exists(), Ok(false))
            && only_path_read_so(now)
        {
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
            .is_none_or(|real| matches!(text_path(real).try_exists(), Ok(false)));
        if let Some(rel) = &was.path_from_folder
            && (folder_copied || scenario_gone)
            && let Some(same) = leads_to(&out.join(text_path(rel)))
        {
            return same;
        }
        if let Some(real) = &was.real_path
            && let Some(same) = leads_to(&text_path(real))
        {
            return same;
        }
        if let Some(dir) = &working_directory {
            match dir.try_exists() {
                Ok(true) => return leads_to(&dir.join(text_path(&was.path))).unwrap_or(false),
                Ok(false) => {}
                Err(_) => return false,
            }
        }
        leads_to(&text_path(&was.path)).unwrap_or(false)
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
                shown_path(out),
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
                .map(|dir| path_text(&dir.join(text_path(&was.path))))
        });
        let read_here = std::fs::canonicalize(text_path(&was.path))
            .ok()
            .map(|p| path_text(&p));
        match whole {
            Some(whole)
                if whole != was.path
                    && read_here.as_ref() != Some(&whole)
                    && was.sha256 != is.sha256
                    && !same_as_earlier(was, is) =>
            {
                format!(
                    "{} ({}){}",
                    shown_recorded(&was.path),
                    shown_recorded(&whole),
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
        shown_path(out),
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
            shown_path(&path),
            shown_path(&out.join(MANIFEST_FILE))
        ),
        Some(d) if d.len() == 1 && d[0].starts_with("sharecast version") => format!(
            "{} is from an earlier run of the same inputs by another build ({}) and does not match these results: that build gives other numbers, or the file has changed since (only --per-run replaces it)",
            shown_path(&path),
            d[0]
        ),
        Some(d) => format!(
            "{} is from an earlier run of other inputs ({}) and does not match these results (only --per-run replaces it)",
            shown_path(&path),
            d.join("; ")
        ),
        None => format!(
            "{} is from an earlier run and does not match these results (only --per-run replaces it)",
            shown_path(&path)
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
