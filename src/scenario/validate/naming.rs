//! The names a file declares: each held to the name rules (`names`), unique
//! as spreadsheets compare them, and the tiers.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use toml::Spanned;

use super::Checker;
use crate::scenario::names::{
    MAX_NAME_CHARS, MISSING_VALUE_WORDS, RESERVED_TIER_NAMES, folded, formula_start, hidden_char,
    is_reserved, kind_of_hidden, not_shown, printable_name, same_name, spreadsheet_value,
};
use crate::scenario::raw::RawScenario;

impl Checker {
    /// A non-empty name.
    pub(super) fn name(
        &mut self,
        v: &Option<Spanned<String>>,
        whole: &std::ops::Range<usize>,
        what: &str,
    ) -> Option<String> {
        match v {
            None => {
                self.error(whole, format!("{what} needs a name"));
                None
            }
            Some(n) => {
                if let Some(why) = not_shown(n.get_ref()) {
                    self.error(&n.span(), format!("{what} name {why}"));
                    return None;
                }
                let name = n.get_ref().trim().to_string();
                if let Some(message) = too_long(&name, &format!("{what} name")) {
                    self.error(&n.span(), message);
                    return None;
                }
                self.no_hidden_chars(&name, &n.span(), &format!("{what} name"));
                self.spreadsheet_safe(&name, &n.span(), what);
                Some(name)
            }
        }
    }

    /// A vendor's or agency's `name`, as written at `written`, that is one
    /// of `reserved` is an error saying `why` the words are reserved.
    pub(super) fn not_reserved(
        &mut self,
        name: Option<&str>,
        written: &Option<Spanned<String>>,
        what: &str,
        reserved: &[&str],
        why: &str,
    ) {
        if let (Some(name), Some(written)) = (name, written)
            && is_reserved(name, reserved)
        {
            self.error(
                &written.span(),
                format!(
                    "{what} name '{}' is reserved ({why}); name the {what} differently",
                    printable_name(name)
                ),
            );
        }
    }

    /// Names and labels are shown in terminal tables and written to CSV
    /// cells, where a control character (a NUL, an escape that clears the
    /// screen) would garble the text and a formatting character (a
    /// zero-width space, a right-to-left override) would hide in it or
    /// reverse it.
    pub(super) fn no_hidden_chars(
        &mut self,
        text: &str,
        span: &std::ops::Range<usize>,
        what: &str,
    ) -> bool {
        let Some(c) = hidden_char(text) else {
            return true;
        };
        self.error(
            span,
            format!(
                "{what} '{text}' contains the {} U+{:04X}; names and labels must not contain control, formatting or invisible characters, which terminals and spreadsheets would act on or hide",
                kind_of_hidden(c),
                u32::from(c)
            ),
        );
        false
    }

    /// Names end up in CSV cells; one starting with `=`, `+`, `-` or `@`
    /// would be read by Excel and LibreOffice as a formula.
    ///
    /// One that a spreadsheet reads as a value other than text (a number,
    /// a date, a truth value) is legal but is shown changed when a CSV file
    /// is opened there (`00123` as 123, `1-2` as 2-Jan, `true` as TRUE): a
    /// warning. So is one with a `;`: LibreOffice's CSV import ticks
    /// Semicolon as a separator besides Comma unless told otherwise, and
    /// would split the name over two columns.
    fn spreadsheet_safe(&mut self, name: &str, span: &std::ops::Range<usize>, what: &str) {
        if let Some(c) = formula_start(name) {
            self.error(
                span,
                format!("{what} name '{name}' starts with '{c}', which spreadsheets read as the start of a formula; begin the name with a letter or digit"),
            );
        } else if let Some((kind, shown)) = spreadsheet_value(name) {
            self.warn(
                span,
                format!("{what} name '{name}' reads as {kind} in a spreadsheet, which shows it {shown} in the CSV files' cells and headers; rename it if it must appear as written"),
            );
        } else if MISSING_VALUE_WORDS.contains(&name) {
            // Of these words, R's read.csv takes only NA as missing.
            let (r_reads, r_reading) = if name == "NA" {
                (" and R's read.csv", " (in R, na.strings = \"\")")
            } else {
                ("", "")
            };
            self.warn(
                span,
                format!(
                    "{what} name '{name}' reads as a missing value in pandas' read_csv{r_reads}, which loads it as NaN, not as the name; rename it, or read the files with keep_default_na=False, na_values=[\"\"]{r_reading}"
                ),
            );
        }
        // The CSV files quote a name with a comma or a quote, and a quoted
        // cell is never split.
        if name.contains(';') && !name.contains([',', '"']) {
            self.warn(
                span,
                format!("{what} name '{name}' contains ';', which LibreOffice's CSV import also takes as a separator unless only Comma is ticked, so the name would be split over two columns and the row's later cells moved one column right; rename it, or untick Semicolon when opening the files"),
            );
        }
    }

    /// The scenario's name when the file gives none: its file name without
    /// `.toml`, trimmed, held to the rules of a written name; "scenario"
    /// for text that comes with no file name at all (an embedder's `Path::new("")`).
    pub(super) fn name_from_file(&mut self, path: &Path) -> String {
        let Some(stem) = crate::scenario::file_stem(path) else {
            return "scenario".to_string();
        };
        let stem = stem.trim().to_string();
        if crate::text::shows_blank(&stem) {
            self.error_in_file(
                "the scenario has no name and its file name is blank; add name = \"...\" at the top of the file",
            );
        } else if let Some(c) = hidden_char(&stem) {
            self.error_in_file(format!(
                "the scenario has no name and its file name '{stem}' cannot be one: it contains the {} U+{:04X}, which terminals would act on or hide; add name = \"...\" at the top of the file",
                kind_of_hidden(c),
                u32::from(c)
            ));
        }
        stem
    }

    pub(super) fn unique<'a>(
        &mut self,
        names: impl Iterator<Item = &'a Option<Spanned<String>>>,
        what: &str,
    ) {
        let mut seen: BTreeMap<String, (&str, Option<usize>)> = BTreeMap::new();
        for n in names.flatten() {
            let name = n.get_ref().as_str();
            // A name that shows nothing, or one too long, is refused on its
            // own.
            if crate::text::shows_blank(name) || name.trim().chars().count() > MAX_NAME_CHARS {
                continue;
            }
            if let Some((first, line)) = seen.get(&folded(name)) {
                let message = same_name(what, name, first, *line);
                self.error(&n.span(), message);
            } else {
                seen.insert(folded(name), (name, self.line_of(&n.span())));
            }
        }
    }

    pub(super) fn tiers(&mut self, raw: &RawScenario) -> Vec<String> {
        let Some(tiers) = &raw.tiers else {
            return vec!["unclassified".to_string()];
        };
        if tiers.get_ref().is_empty() {
            self.error(&tiers.span(), "tiers must name at least one tier");
        }
        let mut out: Vec<String> = Vec::new();
        // Each name folded, with the first tier that has it.
        let mut first_of: HashMap<String, &Spanned<String>> = HashMap::new();
        for t in tiers.get_ref() {
            let name = t.get_ref().trim().to_string();
            let earlier = match first_of.entry(folded(&name)) {
                Entry::Occupied(first) => Some(*first.get()),
                Entry::Vacant(slot) => {
                    slot.insert(t);
                    None
                }
            };
            if name.is_empty() {
                self.error(&t.span(), "a tier name must not be empty");
            } else if let Some(why) = not_shown(&name) {
                self.error(&t.span(), format!("tier name {why}"));
            } else if let Some(message) = too_long(&name, "tier name") {
                self.error(&t.span(), message);
            } else if is_reserved(&name, &RESERVED_TIER_NAMES) {
                self.error(
                    &t.span(),
                    format!("tier name '{}' is reserved: 'all', in any letter case, names the totals in the outputs; name the tier differently", printable_name(&name)),
                );
            } else if let Some(first) = earlier {
                let message = same_name(
                    "tier",
                    t.get_ref(),
                    first.get_ref(),
                    self.line_of(&first.span()),
                );
                self.error(&t.span(), message);
            } else if self.no_hidden_chars(&name, &t.span(), "tier name") {
                self.spreadsheet_safe(&name, &t.span(), "tier");
            }
            out.push(name);
        }
        out
    }
}

/// The error for a name (`what`, such as "[[vendor]] name") longer than
/// [`MAX_NAME_CHARS`], showing its start.
fn too_long(name: &str, what: &str) -> Option<String> {
    let count = name.chars().count();
    (count > MAX_NAME_CHARS).then(|| {
        let start: String = name.chars().take(40).collect();
        format!(
            "{what} '{}...' is {count} characters long, more than {MAX_NAME_CHARS}: a name heads columns and fills cells of the files; shorten it",
            printable_name(&start)
        )
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::names::printable;
    use crate::scenario::validate::validate;

    /// A name longer than the limit is refused, and the messages that list
    /// the declared names show only as much of it as the limit allows.
    #[test]
    fn an_over_long_name_is_refused_and_cut_in_listings() {
        let long = "V".repeat(MAX_NAME_CHARS + 100);
        let text = format!(
            "start = \"2026-01\"\nperiods = 2\n[[vendor]]\nname = \"{long}\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n[[agency]]\nname = \"X\"\nunits = 10\ninnovation = 0.1\nimitation = 0.1\nterm = 3\n[[agency.initial]]\nvendor = \"W\"\nunits = 1\n"
        );
        let e = validate(&text, Path::new("long.toml"), &[]).unwrap_err();
        let messages: Vec<&str> = e.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.starts_with(&format!(
                "[[vendor]] name '{}...' is {} characters long, more than {MAX_NAME_CHARS}",
                "V".repeat(40),
                MAX_NAME_CHARS + 100
            ))),
            "{messages:?}"
        );
        let listing = messages
            .iter()
            .find(|m| m.contains("names vendor 'W'"))
            .expect("the contract's vendor is not declared");
        assert!(
            listing.contains(&"V".repeat(MAX_NAME_CHARS))
                && !listing.contains(&"V".repeat(MAX_NAME_CHARS + 1)),
            "{listing}"
        );
    }

    #[test]
    fn a_scenario_without_a_name_is_named_after_its_file() {
        let text = "start = \"2026-01\"\nperiods = 2\n[[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n[[agency]]\nname = \"X\"\nunits = 10\ninnovation = 0.1\nimitation = 0.1\nterm = 3\n";
        let name = |path: &str| validate(text, Path::new(path), &[]).map(|s| s.name);
        assert_eq!(name("plans/ My plan .toml").unwrap(), "My plan");
        // Text that comes with no file name at all.
        assert_eq!(name("").unwrap(), "scenario");
        for path in ["plans/ .toml", "esc\u{1b}[2J.toml"] {
            let errors = name(path).unwrap_err();
            assert!(
                errors[0]
                    .message
                    .starts_with("the scenario has no name and its file name"),
                "{errors:?}"
            );
        }
    }

    /// A name drawn as nothing would leave a blank column header or cell:
    /// refused wherever a name is given, with the rule.
    #[test]
    fn names_that_show_as_blank_are_refused() {
        let source = |name: &str, tier: &str, vendor: &str| {
            format!(
                "name = \"{name}\"\nstart = \"2026-01\"\nperiods = 3\ntiers = [\"{tier}\"]\n\
                [[vendor]]\nname = \"{vendor}\"\nbrand = 0.5\naccess = {{ \"{tier}\" = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 3\nterm = 2\ninnovation = 0.1\nimitation = 0.1\n"
            )
        };
        assert!(validate(&source("S", "open", "A"), Path::new("t.toml"), &[]).is_ok());
        for (text, line, rule) in [
            (
                source("\\u2800", "open", "A"),
                1,
                "name '\u{2800}' shows as blank",
            ),
            (
                source("S", "\\u2800 ", "A"),
                4,
                "tier name '\u{2800}' shows as blank",
            ),
            (
                source("S", "open", " \\u2800\\u3000"),
                6,
                "[[vendor]] name ' \u{2800}\u{3000}' shows as blank",
            ),
            (
                source("S", "open", "\\u200D"),
                6,
                "[[vendor]] name '\\u200D' shows as blank",
            ),
            (
                source("S", "open", "\\U000E0100\\u200C "),
                6,
                "[[vendor]] name '\\U000E0100\\u200C ' shows as blank",
            ),
            (
                source("\\uFE0F", "open", "A"),
                1,
                "name '\\uFE0F' shows as blank",
            ),
            (
                source("S", "open", "\\u3164"),
                6,
                "contains the invisible character U+3164",
            ),
            (
                source("S", "open", "A\\u034F"),
                6,
                "contains the invisible character U+034F",
            ),
        ] {
            let errors = validate(&text, Path::new("t.toml"), &[]).unwrap_err();
            assert!(
                errors
                    .iter()
                    .any(|e| e.line == Some(line) && e.message.contains(rule)),
                "{rule}: {errors:?}"
            );
        }
    }

    /// Joiners and variation selectors show nothing by themselves: a name
    /// may use them (Indic conjuncts, emoji), but two names that differ
    /// only by them look the same, so they are one name to the rules.
    #[test]
    fn names_that_differ_only_in_joiners_are_the_same_name() {
        let source = |first: &str, second: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 3\n\
                [[vendor]]\nname = \"{first}\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[vendor]]\nname = \"{second}\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 3\nterm = 2\ninnovation = 0.1\nimitation = 0.1\n"
            )
        };
        let accepted = validate(
            &source("\\u0915\\u094D\\u200D\\u0937", "A"),
            Path::new("t.toml"),
            &[],
        );
        assert!(accepted.is_ok(), "{accepted:?}");
        for (second, how) in [
            ("Acme\\u200C", "only in joiners or variation selectors;"),
            (
                "ACME\\uFE0F",
                "only in letter case and joiners or variation selectors;",
            ),
        ] {
            let errors = validate(&source("Acme", second), Path::new("t.toml"), &[]).unwrap_err();
            assert!(
                errors.iter().any(|e| e.line == Some(8)
                    && e.message.contains(how)
                    && e.message.contains("must differ in something visible")),
                "{second}: {errors:?}"
            );
        }
    }

    /// A name a spreadsheet would turn into a number, a date or a truth
    /// value is accepted with a warning at its line; ordinary names, with
    /// letters, are not warned about.
    #[test]
    fn names_a_spreadsheet_reads_as_values_are_warned_about() {
        for (name, kind) in [
            ("00123", "a number or a date"),
            ("1-2", "a number or a date"),
            ("3/4", "a number or a date"),
            ("2026", "a number or a date"),
            ("TRUE", "a truth value"),
            ("false", "a truth value"),
            ("1e5", "a number"),
            ("2.5E-3", "a number"),
            ("12%", "a number"),
            ("$5", "a number"),
            ("(5)", "a number"),
            ("$1,000", "a number"),
            ("€1,000", "a number"),
            ("$(5)", "a number"),
            ("5 €", "a number"),
            ("(12.5%)", "a number"),
        ] {
            assert_eq!(
                spreadsheet_value(name).map(|(k, _)| k),
                Some(kind),
                "{name}"
            );
        }
        for name in [
            "OpenAI",
            "3M",
            "Agency 7",
            "💡",
            "Truely",
            "e5",
            "1e",
            "Ωmega",
            "国防部",
            "$",
            "(%)",
            "(A)",
            "5G",
            "US$ 5",
            "1%er",
            "$tack",
            "(ISC)2",
            "Tier (1)",
            "7-Eleven",
        ] {
            assert_eq!(spreadsheet_value(name), None, "{name}");
        }
        let source = |vendor: &str, tier: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 3\ntiers = [\"{tier}\"]\n\
                [[vendor]]\nname = \"{vendor}\"\nbrand = 0.5\naccess = {{ \"{tier}\" = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 3\nterm = 2\ninnovation = 0.1\nimitation = 0.1\n"
            )
        };
        let warnings = |vendor: &str, tier: &str| {
            validate(&source(vendor, tier), Path::new("t.toml"), &[])
                .unwrap()
                .warnings
        };
        assert!(warnings("Acme", "open").is_empty());
        let w = warnings("00123", "open");
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, Some(5));
        assert!(
            w[0].message.starts_with(
                "[[vendor]] name '00123' reads as a number or a date in a spreadsheet, which shows it \
                 as a number (leading zeros dropped) or as a date"
            ),
            "{}",
            w[0].message
        );
        let w = warnings("Acme", "TRUE");
        assert!(
            w.len() == 1
                && w[0].line == Some(3)
                && w[0]
                    .message
                    .starts_with("tier name 'TRUE' reads as a truth value"),
            "{w:?}"
        );
        let w = warnings("Acme; Inc", "open");
        assert!(
            w.len() == 1
                && w[0].line == Some(5)
                && w[0].message.starts_with(
                    "[[vendor]] name 'Acme; Inc' contains ';', which LibreOffice's CSV import also takes as a separator"
                ),
            "{w:?}"
        );
        // Quoted in the files, as a name with a comma is: never split.
        assert!(warnings("Zenith, Inc.; Federal", "open").is_empty());
        // A vendor named like the totals, in any letter case.
        for (vendor, warned) in [("all", true), ("ALL", true), ("Allied", false)] {
            let w = warnings(vendor, "open");
            assert_eq!(w.len(), usize::from(warned), "{vendor}: {w:?}");
            if warned {
                assert!(
                    w[0].line == Some(5)
                        && w[0].message.starts_with(&format!(
                            "vendor name '{vendor}' is the word the agency and tier columns use for totals"
                        )),
                    "{w:?}"
                );
            }
        }
        // Words pandas loads as missing, matched as it matches them.
        for (vendor, warned) in [
            ("NA", true),
            ("N/A", true),
            ("None", true),
            ("nan", true),
            ("Nan", false),
            ("NAS", false),
        ] {
            let w = warnings(vendor, "open");
            assert_eq!(w.len(), usize::from(warned), "{vendor}: {w:?}");
            if vendor == "NA" {
                assert!(
                    w[0].message.ends_with(
                        "read the files with keep_default_na=False, na_values=[\"\"] (in R, na.strings = \"\")"
                    ),
                    "{}",
                    w[0].message
                );
            }
            if warned {
                assert!(
                    w[0].message.starts_with(&format!(
                        "[[vendor]] name '{vendor}' reads as a missing value in pandas' read_csv"
                    )),
                    "{}",
                    w[0].message
                );
            }
        }
    }

    /// No message writes a control character raw to the terminal, even
    /// one that quotes a name that refers to nothing.
    #[test]
    fn messages_escape_control_characters() {
        let source = "start = \"2026-01\"\nperiods = 12\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
            [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n\
            [[event]]\nat = 1\nvendor = \"\\u001b[2J\\u0000\"\nset = { brand = 0.6 }\n";
        let errors = validate(source, Path::new("t.toml"), &[]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .message
                .starts_with("event 1 names vendor '\\u001B[2J\\u0000', which is not declared"),
            "{}",
            errors[0].message
        );
        assert_eq!(printable("a\tb\u{85}"), "a\\tb\\u0085");
    }
}
