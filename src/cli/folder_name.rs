//! The default output folder's name: the scenario file's name and the
//! settings of a what-if, written so that every file system (Windows
//! included) takes it and two jobs that differ keep two folders.

use std::path::{Path, PathBuf};

use super::settings::sha256_hex;
use crate::output;
use crate::scenario;

/// The first 8 hex digits of the SHA-256 of `text`: what a default folder
/// name ends with when its text alone might not keep it apart.
fn short_hash(text: impl AsRef<[u8]>) -> String {
    sha256_hex(text)[..8].to_string()
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

#[cfg(test)]
mod tests {
    use super::settings_suffix;

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

    /// The 40 characters are a bound that the settings reach exactly: a
    /// first setting of 40 characters is shown whole, and a second that
    /// would make 41 with its `_` is counted instead. A single setting
    /// whose name holds `_` cannot be read as two, and keeps no hash.
    #[test]
    fn settings_fill_the_folder_name_up_to_exactly_40_characters() {
        let suffix = |list: &[&str]| {
            let specs: Vec<String> = list.iter().map(|s| s.to_string()).collect();
            settings_suffix("with", &specs, true)
        };
        let forty = "vendor.abcdefghijklmnopqrstuvwxy.brand=1";
        assert_eq!(
            suffix(&[forty]),
            "-with-vendor.abcdefghijklmnopqrstuvwxy.brand-1"
        );
        assert_eq!(
            suffix(&["vendor.abcdefghijklmnopqrstuvwx.brand=1"]),
            "-with-vendor.abcdefghijklmnopqrstuvwx.brand-1"
        );
        // 18 + 1 + 22 characters: one too many.
        let two = suffix(&["agency.dod.term=12", "vendor.abcdefg.brand=1"]);
        let counted = "-with-agency.dod.term-12_and-1-more-";
        assert!(
            two.starts_with(counted) && two.len() == counted.len() + 8,
            "{two}"
        );
        // 18 + 1 + 21: they fit.
        assert_eq!(
            suffix(&["agency.dod.term=12", "vendor.abcdef.brand=1"]),
            "-with-agency.dod.term-12_vendor.abcdef.brand-1"
        );
        assert_eq!(
            suffix(&["vendor.a_b.brand=0.5"]),
            "-with-vendor.a_b.brand-0.5"
        );
    }

    /// A name of exactly 200 bytes is kept whole; one byte more and it is
    /// cut, with a hash.
    #[test]
    fn a_folder_name_of_exactly_200_bytes_is_kept_whole() {
        let longest = "x".repeat(200);
        assert_eq!(
            super::default_out_dir(&longest),
            std::path::Path::new("out").join(&longest)
        );
        let cut = super::default_out_dir(&"x".repeat(201));
        let name = cut.file_name().unwrap().to_str().unwrap();
        assert_eq!(name.len(), 200, "{name}");
        assert!(name.starts_with(&format!("{}-", "x".repeat(191))), "{name}");
    }
}
