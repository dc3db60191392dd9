//! `manifest.json`, written beside every job's result files: the sharecast
//! version, the scenario files (by path, real path and SHA-256, with their
//! `--set` settings), seed, runs, engine, command line, warnings and the
//! files that belong to it, so that a folder of results says what produced
//! it. A later job reads it back to tell whose results it would replace.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// `manifest.json`: what produced the files next to it.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    /// Version of sharecast that wrote the files ([`crate::VERSION`]).
    pub sharecast_version: String,
    /// The scenario or scenarios the files come from; its fields appear at
    /// the top level of the JSON.
    #[serde(flatten)]
    pub input: ManifestInput,
    /// Seed the runs were simulated with (`--seed`, else the scenario's).
    pub seed: u64,
    /// Runs simulated (`--runs`, else the scenario's).
    pub runs: u64,
    /// The engine that ran, as `--engine` names it: `counts` or `units`.
    pub engine: String,
    /// The arguments as given, the program first; a byte that is not UTF-8
    /// is written `\xNN` ([`os_text`]).
    pub command_line: Vec<String>,
    /// The folder the command ran in, which relative paths in
    /// `command_line` and the scenario paths start from (bytes that are
    /// not UTF-8 as above; empty if it could not be read).
    pub working_directory: String,
    /// The output folder's own absolute path, links resolved, when the
    /// files are written ([`path_text`]): tells a folder copied (the
    /// original still there) from one moved since (left out when it cannot
    /// be resolved, and absent from manifests of earlier versions, which
    /// the checks of an output folder read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_folder: Option<String>,
    /// The warnings the job printed, each once and as printed without its
    /// `warning: ` prefix: what a scenario or the command line allowed but
    /// probably did not mean, then what the output folder held besides
    /// (those are printed once the files are written, and listed here too).
    pub warnings: Vec<String>,
    /// Names of the result files that belong to it, in order: those
    /// written next to it, then a `runs.csv` that a run without `--per-run`
    /// found holding exactly what `--per-run` would have written, and left
    /// in place; `manifest.json` itself is not listed.
    pub files: Vec<String>,
}

/// The scenario of `sharecast run` or `sweep` (with what was varied), or
/// the two of `sharecast compare` (written as fields of the manifest
/// itself).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum ManifestInput {
    /// `sharecast run`: one scenario.
    Run {
        /// The scenario simulated, with its `--set` settings.
        scenario: ScenarioRef,
    },
    /// `sharecast compare`: two scenarios, counterfactual minus baseline.
    Compare {
        /// The scenario the differences are taken from.
        baseline: ScenarioRef,
        /// The changed scenario: the second file, or the baseline's file
        /// when only `--set` makes the change, with the settings.
        counterfactual: ScenarioRef,
        /// What the comparison left out or assumed (see
        /// `compare::Alignment::notes`).
        notes: Vec<String>,
    },
    /// `sharecast sweep`: one scenario at several values of one number.
    Sweep {
        /// The scenario varied, with the `--set` settings every value
        /// shares.
        scenario: ScenarioRef,
        /// The `--vary` path, as the files' first column header names it.
        parameter: String,
        /// Each value as written (or as a range generated it), in the order
        /// run.
        values: Vec<String>,
    },
}

/// One scenario file, as the manifest names it (and as a later command
/// reads it back, to tell whether it replaces another scenario's results).
/// Its paths are text that gives back every byte ([`path_text`]): read one
/// back with [`text_path`], not `Path::new`, before looking the file up.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScenarioRef {
    /// The scenario's `name` (by default the file name without its extension).
    pub name: String,
    /// The file's path as given on the command line ([`path_text`]).
    pub path: String,
    /// SHA-256 of the file's bytes, in lowercase hex.
    pub sha256: String,
    /// The file's absolute path with every link resolved, when it could be
    /// worked out: which file the results came from, wherever the job ran
    /// and whatever a link pointed to then (absent in manifests of earlier
    /// versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub real_path: Option<String>,
    /// The file's path from the output folder, links resolved
    /// (`../../scenarios/gov.toml`): which file the results came from when
    /// the two have moved together since (a project renamed or copied).
    /// Set when the files are written ([`ManifestInput::locate_from`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_from_folder: Option<String>,
    /// `PATH=VALUE` of each `--set` applied to the file, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub settings: Vec<String>,
    /// The events that the settings, or a sweep's `--vary` path, name by
    /// their position in this file, with their labels (`event 2 is 'OpenAI
    /// on AWS'`): which event `event.2.at` moved, even after the file has
    /// changed. Absent when none does or those events have no label.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events_named: Vec<String>,
}

impl ManifestInput {
    /// The scenario files, each with the manifest key it is written under
    /// (`scenario`, or `baseline` and `counterfactual`).
    pub fn scenarios(&self) -> Vec<(&'static str, &ScenarioRef)> {
        match self {
            ManifestInput::Run { scenario } | ManifestInput::Sweep { scenario, .. } => {
                vec![("scenario", scenario)]
            }
            ManifestInput::Compare {
                baseline,
                counterfactual,
                ..
            } => vec![("baseline", baseline), ("counterfactual", counterfactual)],
        }
    }

    /// The number a sweep varies (its `--vary` path); `None` for a run or
    /// a comparison.
    pub fn swept(&self) -> Option<&str> {
        match self {
            ManifestInput::Sweep { parameter, .. } => Some(parameter),
            ManifestInput::Run { .. } | ManifestInput::Compare { .. } => None,
        }
    }

    /// Records each scenario's path from the output folder `out` (which
    /// exists), links resolved on both sides.
    pub fn locate_from(&mut self, out: &Path) {
        let Ok(folder) = fs::canonicalize(out) else {
            return;
        };
        let refs: Vec<&mut ScenarioRef> = match self {
            ManifestInput::Run { scenario } | ManifestInput::Sweep { scenario, .. } => {
                vec![scenario]
            }
            ManifestInput::Compare {
                baseline,
                counterfactual,
                ..
            } => vec![baseline, counterfactual],
        };
        for r in refs {
            r.path_from_folder = r
                .real_path
                .as_deref()
                .and_then(|real| relative_path(&folder, &text_path(real)))
                .map(|rel| path_text(&rel));
        }
    }

    /// The command that makes such a job: "run", "compare" or "sweep".
    pub fn command(&self) -> &'static str {
        match self {
            ManifestInput::Run { .. } => "run",
            ManifestInput::Compare { .. } => "compare",
            ManifestInput::Sweep { .. } => "sweep",
        }
    }

    /// What messages call the job: "run", "comparison" or "sweep".
    pub fn job(&self) -> &'static str {
        match self {
            ManifestInput::Run { .. } => "run",
            ManifestInput::Compare { .. } => "comparison",
            ManifestInput::Sweep { .. } => "sweep",
        }
    }
}

/// The path from folder `from` to `to`, both absolute with links resolved:
/// `..` for each part of `from` below what they share, then the rest of
/// `to`. `None` when they share no root (another drive).
pub fn relative_path(from: &Path, to: &Path) -> Option<PathBuf> {
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    if from.first() != to.first() {
        return None;
    }
    let shared = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in shared..from.len() {
        path.push("..");
    }
    for part in &to[shared..] {
        path.push(part);
    }
    Some(path)
}

/// A path as the manifest records it ([`os_text`]); [`text_path`] reads
/// it back.
pub fn path_text(path: &Path) -> String {
    os_text(path.as_os_str())
}

/// Text of an argument or a path that keeps every byte: on Unix, UTF-8 as
/// it is but for a backslash, written `\\`, and each byte that is not
/// UTF-8 written `\xNN` (`sc\xe9nario.toml`, a name in Latin-1), where a
/// replacement character would make `sc\xe9nario.toml` and
/// `sc\xe8nario.toml` one name. Elsewhere (Windows, whose paths are
/// UTF-16), what [`std::ffi::OsStr::to_string_lossy`] gives, unescaped.
pub fn os_text(text: &std::ffi::OsStr) -> String {
    escaped(text, true)
}

/// A path as a message shows it: as [`path_text`] writes it but with a
/// backslash as itself, so that a name shows as typed and a byte that is
/// not UTF-8 as `\xNN`, not as a replacement character that would make
/// two names look alike.
pub fn readable_path(path: &Path) -> String {
    escaped(path.as_os_str(), false)
}

/// `text` with each byte that is not UTF-8 written `\xNN` and, when
/// `reversibly`, each backslash `\\` (on Unix; elsewhere, lossily).
fn escaped(text: &std::ffi::OsStr, reversibly: bool) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in text.as_bytes().utf8_chunks() {
            if reversibly {
                out.push_str(&chunk.valid().replace('\\', "\\\\"));
            } else {
                out.push_str(chunk.valid());
            }
            for byte in chunk.invalid() {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        let _ = reversibly;
        text.to_string_lossy().into_owned()
    }
}

/// The path that [`path_text`] wrote as `text`. A backslash that starts
/// neither `\\` nor `\xNN` stands for itself, as in manifests of versions
/// that wrote paths unescaped.
pub fn text_path(text: &str) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        let bytes = text.as_bytes();
        let hex = |b: u8| (b as char).to_digit(16);
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let (byte, read) = match bytes[i..] {
                [b'\\', b'\\', ..] => (b'\\', 2),
                [b'\\', b'x', high, low, ..] => match (hex(high), hex(low)) {
                    (Some(high), Some(low)) => ((high * 16 + low) as u8, 4),
                    _ => (b'\\', 1),
                },
                _ => (bytes[i], 1),
            };
            out.push(byte);
            i += read;
        }
        PathBuf::from(std::ffi::OsString::from_vec(out))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(text)
    }
}

impl ScenarioRef {
    /// `s`, read from `path`, whose bytes hash to `sha256`.
    pub fn of(s: &crate::scenario::Scenario, path: &Path, sha256: String) -> ScenarioRef {
        ScenarioRef {
            name: s.name.clone(),
            path: path_text(path),
            sha256,
            real_path: std::fs::canonicalize(path)
                .ok()
                .map(|real| path_text(&real)),
            path_from_folder: None,
            settings: Vec::new(),
            events_named: Vec::new(),
        }
    }

    /// The same file with the `--set` settings `specs` applied.
    pub fn with_settings(self, specs: Vec<String>) -> ScenarioRef {
        ScenarioRef {
            settings: specs,
            ..self
        }
    }

    /// The same, with the events its settings name by position
    /// ([`ScenarioRef::events_named`]).
    pub fn with_events_named(self, events_named: Vec<String>) -> ScenarioRef {
        ScenarioRef {
            events_named,
            ..self
        }
    }
}

impl Manifest {
    /// The contents of `manifest.json`: pretty-printed JSON ending in a
    /// newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).expect("a manifest always serialises");
        bytes.push(b'\n');
        bytes
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    use super::{path_text, text_path};

    /// Every path comes back byte for byte, and two paths are never
    /// written alike: a byte that is not UTF-8, a backslash and the text
    /// `\xe9` itself are told apart.
    #[test]
    fn a_path_written_as_text_reads_back_byte_for_byte() {
        let paths: [&[u8]; 8] = [
            b"scenarios/gov-ai-2026.toml",
            b"sc\xe9nario.toml",
            b"sc\\xe9nario.toml",
            b"back\\slash\\",
            b"\\\\",
            b"\xff\xfe/\x80",
            "caf\u{e9}/\u{6311}\u{6226}.toml".as_bytes(),
            b"",
        ];
        let mut written = Vec::new();
        for bytes in paths {
            let path = Path::new(OsStr::from_bytes(bytes));
            let text = path_text(path);
            assert_eq!(text_path(&text).as_os_str().as_bytes(), bytes, "{text}");
            assert!(!written.contains(&text), "{text} written twice");
            written.push(text);
        }
        assert_eq!(written[1], "sc\\xe9nario.toml");
        assert_eq!(written[2], "sc\\\\xe9nario.toml");
        assert_eq!(written[6], "caf\u{e9}/\u{6311}\u{6226}.toml");
    }

    /// A manifest of an earlier version wrote a backslash as itself: one
    /// that starts no escape still reads as a backslash.
    #[test]
    fn a_backslash_that_starts_no_escape_stands_for_itself() {
        for (text, bytes) in [
            ("a\\b", &b"a\\b"[..]),
            ("a\\", b"a\\"),
            ("a\\xg1", b"a\\xg1"),
            ("a\\x4", b"a\\x4"),
            ("a\\x41", b"aA"),
        ] {
            assert_eq!(text_path(text).as_os_str().as_bytes(), bytes, "{text}");
        }
    }
}
