//! From TOML as written to a checked [`Scenario`].
//!
//! Every rule of the design card is checked here, once. Problems are
//! collected rather than stopping at the first, so a user fixes a file in one
//! pass; each names its line and the rule, and suggests the likely fix.
//! What is allowed but probably not meant (an event past the horizon, a rate
//! above 1 that reads as a percentage, a distribution that is clamped in 5%
//! or more of its draws, a tier no vendor can serve) becomes a warning on the
//! checked scenario instead.

use std::collections::BTreeMap;
use std::path::Path;

use toml::{Spanned, Value};

use super::param::{DistSpec, FAMILIES, Param, Range, Shown};
use super::raw::{
    self, ChangeEntry, RawAgency, RawEvent, RawScenario, RawVendor, SpannedMap, SpannedValue,
};
use super::vary::{self, Setting};
use super::{
    Agency, Change, Diagnostic, Event, Field, InitialContract, Op, Scenario, Target, Vendor,
    W_FIRST_ATTRIBUTE, line_number,
};
use crate::calendar::{Calendar, Step, YearMonth};

/// Upper bounds that keep a scenario's memory and arithmetic sane.
pub const MAX_PERIODS: i64 = 10_000;
pub(super) const MAX_TERM: i64 = 1_000_000;
const MAX_RUNS: i64 = 100_000_000;
pub(super) const MAX_TOTAL_UNITS: u64 = u32::MAX as u64;
/// The share of a distribution's draws clamped to a bound above which a
/// scenario is warned: a twentieth of the runs sitting exactly on the
/// bound is rarely what the author meant.
const HEAVY_CLAMPING: f64 = 0.05;
/// The share of runs in which some vendor's access must be above 0 for a
/// tier to count as served.
const SERVED: f64 = 0.001;

/// The span of a value that stands on no line of the file: one a sweep adds
/// where the file has no table to hold it (see `vary`).
pub(super) const NOT_IN_FILE: std::ops::Range<usize> = usize::MAX..usize::MAX;

const DEFAULT_WEIGHTS: [(&str, f64); 3] = [("brand", 2.0), ("access", 1.0), ("incumbency", 1.5)];

/// Checks `source` with each of `settings` applied to it first (see
/// `vary`); a setting that matches nothing in the file is the only error
/// reported then.
pub fn validate(
    source: &str,
    path: &Path,
    settings: &[Setting],
) -> Result<Scenario, Vec<Diagnostic>> {
    let mut cx = Checker::new(source);
    let mut raw: RawScenario = match raw::read(source) {
        Ok(raw) => raw,
        Err(problems) => {
            return Err(problems
                .into_iter()
                .map(|(span, message)| Diagnostic {
                    line: span.map(|s| cx.line(&s)),
                    message: printable(&message),
                })
                .collect());
        }
    };
    let unmatched: Vec<Diagnostic> = settings
        .iter()
        .filter_map(|setting| vary::apply(&mut raw, setting).err())
        .map(|message| Diagnostic {
            line: None,
            message: printable(&message),
        })
        .collect();
    if !unmatched.is_empty() {
        return Err(unmatched);
    }
    let scenario = cx.scenario(raw, path);
    if cx.errors.is_empty() {
        let mut scenario = scenario.expect("a scenario is built whenever no error was recorded");
        scenario.warnings = cx.warnings;
        Ok(scenario)
    } else {
        cx.errors.sort_by_key(|d| d.line);
        Err(cx.errors)
    }
}

/// The closest candidate to a misspelt name, if one is close enough.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::jaro_winkler(&name.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

pub(super) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    suggest(name, candidates)
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default()
}

fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    // An empty name, refused on its own, would only leave a blank here.
    let names: Vec<&str> = names.into_iter().filter(|n| !n.trim().is_empty()).collect();
    if names.is_empty() {
        "none".to_string()
    } else {
        crate::text::listing(&names)
    }
}

/// The tables that give weights, each with how messages name it: the
/// scenario's `[choice]`, then each agency's `choice`, in file order.
fn choice_tables(raw: &RawScenario) -> Vec<(String, &SpannedMap)> {
    let mut tables: Vec<(String, &SpannedMap)> = Vec::new();
    tables.extend(raw.choice.iter().map(|c| ("[choice]".to_string(), c)));
    for a in &raw.agency {
        let a = a.get_ref();
        if let Some(c) = &a.choice {
            let name = a.name.as_ref().map_or("?", |n| n.get_ref().trim());
            tables.push((format!("agency '{name}' choice"), c));
        }
    }
    tables
}

/// A name as spreadsheets compare it: Excel's AutoFilter, pivot tables and
/// lookups ignore letter case, and names are trimmed of surrounding spaces,
/// so two names that fold alike would share the rows of the outputs.
pub(crate) fn folded(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A share of draws in whole percent, never rounded to "100%" unless it is
/// every draw: "more than 99%" rather than a contradiction of the rule that
/// rejects a distribution whose every draw lies outside its range.
fn share_of_draws(share: f64) -> String {
    if share < 1.0 && share > 0.995 {
        "more than 99%".to_string()
    } else {
        format!("{:.0}%", 100.0 * share)
    }
}

/// Whether vendor `v` has access above 0 at tier `t` in at least
/// [`SERVED`] of the runs, from the start or through one of its events
/// within the horizon.
fn can_serve(s: &Scenario, v: usize, t: usize) -> bool {
    let served = |p: &Param| p.chance_above(0.0) >= SERVED;
    s.vendors[v].access[t].as_ref().is_some_and(served)
        || s.events
            .iter()
            .filter(|e| e.period < s.calendar.periods && e.target == Target::Vendor(v))
            .flat_map(|e| &e.changes)
            .any(|c| c.field == Field::Access(t) && served(&c.value))
}

/// Vendor names that head a column of `shares_wide.csv` already or mean
/// every vendor in `--set` and `--vary`, compared [`folded`].
pub(super) const RESERVED_VENDOR_NAMES: [&str; 3] = ["period", "date", "*"];
/// Agency names that name the totals in the outputs or mean every agency
/// in events, compared [`folded`].
pub(super) const RESERVED_AGENCY_NAMES: [&str; 2] = ["all", "*"];
/// Tier names that name the totals in the outputs, compared [`folded`].
pub(super) const RESERVED_TIER_NAMES: [&str; 1] = ["all"];

/// Whether `a` and `b` are one name to the rules ([`folded`] alike),
/// without allocating when both are ASCII.
pub(super) fn same_folded(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        folded(a) == folded(b)
    }
}

/// Whether `name`, [`folded`], is one of `reserved` (lower-case words).
pub(super) fn is_reserved(name: &str, reserved: &[&str]) -> bool {
    reserved.iter().any(|word| same_folded(name, word))
}

/// The character a name starts with when a spreadsheet would read the
/// cell as a formula (`=`, `+`, `-`, `@`).
fn formula_start(name: &str) -> Option<char> {
    name.chars().next().filter(|c| "=+-@".contains(*c))
}

/// The first rule of a file's vendor, agency or tier names that the
/// trimmed `name` breaks, for a scenario built in code: it shows something,
/// holds no control, formatting or invisible character, does not start a
/// spreadsheet formula and is none of `reserved`.
pub(super) fn broken_name_rule(name: &str, reserved: &[&str]) -> Option<String> {
    if let Some(why) = not_shown(name) {
        return Some(why);
    }
    if let Some(c) = hidden_char(name) {
        return Some(format!(
            "contains the {} U+{:04X}",
            kind_of_hidden(c),
            u32::from(c)
        ));
    }
    if formula_start(name).is_some() {
        return Some("starts a spreadsheet formula".to_string());
    }
    is_reserved(name, reserved).then(|| format!("is reserved ({})", reserved.join(", ")))
}

/// Why `text` cannot be a name, if it shows nothing: it is empty once
/// trimmed, or made of spaces and U+2800 (see `text::shows_blank`).
fn not_shown(text: &str) -> Option<String> {
    if text.trim().is_empty() {
        Some("must not be empty".to_string())
    } else if crate::text::shows_blank(text) {
        Some(format!(
            "'{text}' shows as blank (it is made of spaces and U+2800, the blank braille pattern); a name must show at least one visible character"
        ))
    } else {
        None
    }
}

/// The cells pandas' `read_csv` loads as missing by default (its
/// `na_values`, matched exactly), which include R's `NA`; those that start
/// with `-` are refused as formula starts anyway.
const MISSING_VALUE_WORDS: [&str; 14] = [
    "#N/A", "#N/A N/A", "#NA", "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None",
    "n/a", "nan", "null",
];

/// What a spreadsheet would take `name` for instead of text, if anything,
/// and how it would show it: "a truth value" (TRUE, FALSE in any letter
/// case), "a number" (`1e5`: digits and an exponent), or "a number or a
/// date" (digits with at most spaces and `-/.:,` between them: `00123`,
/// `1-2`, `3/4`, `12:30`, `2026`). Names with letters (`3M`, or `Jan-1`, which Excel reads as a
/// date too) are left alone: a rule for those would flag ordinary names.
fn spreadsheet_value(name: &str) -> Option<(&'static str, &'static str)> {
    let folded = name.to_lowercase();
    if folded == "true" || folded == "false" {
        return Some(("a truth value", "in capitals, as TRUE or FALSE"));
    }
    let numeral = name.chars().any(|c| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_digit() || " -/.:,".contains(c));
    if numeral {
        return Some((
            "a number or a date",
            "as a number (leading zeros dropped) or as a date",
        ));
    }
    let scientific = name
        .split_once(['e', 'E'])
        .is_some_and(|(mantissa, exponent)| {
            let digits =
                |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.');
            digits(mantissa) && digits(exponent.strip_prefix(['+', '-']).unwrap_or(exponent))
        });
    scientific.then_some(("a number", "as the number it spells (1e5 as 100000)"))
}

/// `name` as a TOML key: bare when TOML allows it (`top_secret`), quoted
/// otherwise (`"top secret"`).
fn toml_key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        name.to_string()
    } else {
        Value::String(name.to_string()).to_string()
    }
}

/// How two different names that fold alike differ.
fn difference(a: &str, b: &str) -> &'static str {
    let case = a.trim() != b.trim();
    let spaces = a.to_lowercase() != b.to_lowercase();
    match (case, spaces) {
        (true, true) => "letter case and surrounding spaces",
        (true, false) => "letter case",
        _ => "surrounding spaces",
    }
}

/// The built-in weight `key` is, in any letter case.
fn builtin(key: &str) -> Option<&'static str> {
    let key = folded(key);
    DEFAULT_WEIGHTS.iter().map(|(n, _)| *n).find(|n| *n == key)
}

/// How a vendor gets what the built-in weight `weight` weighs.
fn builtin_how(weight: &str) -> &'static str {
    match weight {
        "brand" => "a vendor's brand is set with `brand = ...`, beside its name",
        "access" => "a vendor's access is set per tier with `access = { TIER = ... }`",
        _ => {
            "incumbency is the bonus of the vendor that held a unit's last contract, not a quality a vendor is given"
        }
    }
}

/// The first control, formatting or invisible character of `text` (see
/// `text::is_hidden`).
fn hidden_char(text: &str) -> Option<char> {
    if text.is_ascii() {
        // The only hidden ASCII characters are the control characters.
        return text.bytes().find(u8::is_ascii_control).map(char::from);
    }
    text.chars().find(|&c| crate::text::is_hidden(c))
}

/// What [`hidden_char`] found, for messages.
fn kind_of_hidden(c: char) -> &'static str {
    if c.is_control() {
        "control character"
    } else if crate::text::is_formatting(c) {
        "formatting character"
    } else {
        "invisible character"
    }
}

/// `text` with each control, formatting or invisible character written as an escape (see
/// `text::escape_hidden`), so that no message writes one raw.
pub(super) fn printable(text: &str) -> String {
    crate::text::escape_hidden(text, false)
}

/// The message for `what` named `name` after `first`, declared on `line`,
/// which it equals as spreadsheets compare names (see [`folded`]).
fn same_name(what: &str, name: &str, first: &str, line: Option<usize>) -> String {
    let at = |before: &str| {
        line.map(|l| format!(" ({before}line {l})"))
            .unwrap_or_default()
    };
    if name == first {
        format!(
            "{what} name '{}' is declared twice{}; names must be unique",
            name.trim(),
            at("first on ")
        )
    } else {
        format!(
            "{what} '{name}' differs from {what} '{first}'{} only in {}; names are trimmed and spreadsheets ignore letter case, so their rows in the outputs would merge: names must differ in more than that",
            at(""),
            difference(name, first)
        )
    }
}

/// The rule a month follows, and what `text` gives instead: dates in the
/// outputs are `YYYY-MM-DD` with four-digit years.
pub(crate) fn month_rule(text: &str) -> String {
    let why = match YearMonth::digits(text) {
        Some((y, _)) if y < "1000" => format!(" (year {y} is before 1000)"),
        Some((_, m)) => format!(" (month {m} is not 01 to 12)"),
        None => String::new(),
    };
    format!(
        "a month written \"YYYY-MM\", with a year from 1000 to 9999 and a month from 01 to 12, got \"{text}\"{why}"
    )
}

/// The name of each declaration, in declaration order and index-aligned
/// with it: `None` where the name is left out.
pub(super) fn declared_names<'a>(
    names: impl Iterator<Item = &'a Option<Spanned<String>>>,
) -> Vec<Option<String>> {
    names
        .map(|n| n.as_ref().map(|n| n.get_ref().trim().to_string()))
        .collect()
}

/// A declared name: `None` for a declaration written without one.
trait Declared {
    fn declared(&self) -> Option<&str>;
}

impl Declared for String {
    fn declared(&self) -> Option<&str> {
        Some(self)
    }
}

impl Declared for Option<String> {
    fn declared(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// What a name refers to, for the message when it refers to nothing.
struct Kind {
    /// The thing named: "tier".
    one: &'static str,
    /// Why the name is not one: "which is not declared".
    missing: &'static str,
    /// Introduces the names there are: "tiers are".
    all: &'static str,
    /// Said after those names.
    besides: &'static str,
}

const TIER: Kind = Kind {
    one: "tier",
    missing: "which is not declared",
    all: "tiers are",
    besides: "",
};
const VENDOR: Kind = Kind {
    one: "vendor",
    missing: "which is not declared",
    all: "vendors are",
    besides: "",
};
const AGENCY: Kind = Kind {
    one: "agency",
    missing: "which is not declared",
    all: "agencies are",
    besides: ", or \"*\" for all",
};
const ATTRIBUTE: Kind = Kind {
    one: "attribute",
    missing: "which has no weight in [choice]",
    all: "weighted attributes",
    besides: "",
};

/// The index of `name` among `names`, or the message
/// "SUBJECT names tier 'x', which is not declared; tiers are: ...", with a
/// suggestion when a declared name is close.
fn find<N: Declared>(names: &[N], name: &str, subject: &str, kind: &Kind) -> Result<usize, String> {
    names
        .iter()
        .position(|n| n.declared() == Some(name))
        .ok_or_else(|| {
            let given = || names.iter().filter_map(Declared::declared);
            format!(
                "{subject} names {} '{name}', {}; {}: {}{}{}",
                kind.one,
                kind.missing,
                kind.all,
                list(given()),
                kind.besides,
                did_you_mean(name, given())
            )
        })
}

/// A plain number, integer or not.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a decimal number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// Flattens one entry of a `set` or `add` table, so that
/// `access = { secret = 0.9 }` and `"access.secret" = 0.9` give the same key;
/// distribution tables (`raw::is_distribution`) stay whole. Each value keeps
/// the span of its own key.
fn flatten(key: String, entry: &Spanned<ChangeEntry>, out: &mut Vec<(String, SpannedValue)>) {
    match entry.get_ref() {
        ChangeEntry::Table(t) if !raw::is_distribution(&key, t) => {
            for (k, v) in t {
                flatten(format!("{key}.{k}"), v, out);
            }
        }
        e => out.push((key, Spanned::new(entry.span(), e.to_value()))),
    }
}

struct Checker<'s> {
    source: &'s str,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl<'s> Checker<'s> {
    fn new(source: &'s str) -> Self {
        Checker {
            source,
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn line(&self, span: &std::ops::Range<usize>) -> usize {
        line_number(self.source.as_bytes(), span.start)
    }

    /// The line of `span`, unless it is [`NOT_IN_FILE`].
    fn line_of(&self, span: &std::ops::Range<usize>) -> Option<usize> {
        (*span != NOT_IN_FILE).then(|| self.line(span))
    }

    fn error(&mut self, span: &std::ops::Range<usize>, message: impl Into<String>) {
        let line = self.line_of(span);
        self.errors.push(Diagnostic {
            line,
            message: printable(&message.into()),
        });
    }

    /// An error about the file as a whole (a missing key or section), with
    /// no line to point at.
    fn error_in_file(&mut self, message: impl Into<String>) {
        self.errors.push(Diagnostic {
            line: None,
            message: printable(&message.into()),
        });
    }

    /// The result of a lookup; a failed one is an error at `span`.
    fn found<T>(&mut self, span: &std::ops::Range<usize>, result: Result<T, String>) -> Option<T> {
        result.map_err(|m| self.error(span, m)).ok()
    }

    fn warn(&mut self, span: &std::ops::Range<usize>, message: impl Into<String>) {
        let line = self.line_of(span);
        self.warnings.push(Diagnostic {
            line,
            message: printable(&message.into()),
        });
    }

    /// A number or a distribution, valid for `range`.
    fn param(&mut self, v: &SpannedValue, what: &str, range: Range) -> Option<Param> {
        let span = v.span();
        if let Some(x) = number(v.get_ref()) {
            return self.fixed(&span, x, what, range);
        }
        match v.get_ref() {
            Value::Table(t) => {
                if t.len() != 1 {
                    self.error(
                        &span,
                        format!(
                            "{what}: a distribution is a table with exactly one key, such as {{ normal = [mean, sd] }}; families: {}",
                            FAMILIES.join(", ")
                        ),
                    );
                    return None;
                }
                let (family, args) = t.iter().next().expect("one entry");
                if !FAMILIES.contains(&family.as_str()) {
                    self.error(
                        &span,
                        format!(
                            "{what}: unknown distribution '{family}'; families: {}{}",
                            FAMILIES.join(", "),
                            did_you_mean(family, FAMILIES)
                        ),
                    );
                    return None;
                }
                let numbers: Option<Vec<f64>> = match args {
                    Value::Array(items) => items.iter().map(number).collect(),
                    _ => None,
                };
                let Some(numbers) = numbers else {
                    self.error(
                        &span,
                        format!(
                            "{what}: {family} takes an array of numbers, such as {family} = [{}]",
                            example_args(family)
                        ),
                    );
                    return None;
                };
                match DistSpec::new(family, &numbers) {
                    Ok(spec) => {
                        let (low, high) = spec.support();
                        if low > range.high || high < range.low {
                            self.error(
                                &span,
                                format!(
                                    "{what} must be {}, but every draw of {spec} lies outside that range",
                                    range.describe()
                                ),
                            );
                            return None;
                        }
                        let clamped = spec.share_outside(range);
                        if clamped >= HEAVY_CLAMPING {
                            self.warn(
                                &span,
                                format!(
                                    "{what} must be {}: {} of the draws of {spec} lie outside that range and are clamped to its nearest bound, which piles them on that one value; prefer a family whose support fits the range (beta, PERT or triangular for values in [0, 1])",
                                    range.describe(),
                                    share_of_draws(clamped)
                                ),
                            );
                        }
                        Some(Param::drawn(spec, range))
                    }
                    Err(rule) => {
                        self.error(&span, format!("{what}: {rule}"));
                        None
                    }
                }
            }
            other => {
                self.error(
                    &span,
                    format!(
                        "{what} must be a number or a distribution such as {{ normal = [mean, sd] }}, not {}",
                        type_name(other)
                    ),
                );
                None
            }
        }
    }

    fn fixed(
        &mut self,
        span: &std::ops::Range<usize>,
        x: f64,
        what: &str,
        range: Range,
    ) -> Option<Param> {
        if !x.is_finite() {
            self.error(
                span,
                format!("{what} must be a finite number, got {}", Shown(x)),
            );
            None
        } else if !range.contains(x) {
            self.error(
                span,
                format!("{what} must be {}, got {}", range.describe(), Shown(x)),
            );
            None
        } else {
            Some(Param::fixed(x, range))
        }
    }

    /// A plain integer in `min..=max`.
    fn integer(&mut self, v: &SpannedValue, what: &str, min: i64, max: i64) -> Option<i64> {
        let span = v.span();
        match v.get_ref() {
            Value::Integer(i) if (min..=max).contains(i) => Some(*i),
            Value::Integer(i) => {
                self.error(
                    &span,
                    format!("{what} must be a whole number from {min} to {max}, got {i}"),
                );
                None
            }
            Value::Table(_) => {
                self.error(
                    &span,
                    format!("{what} must be a plain integer, never a distribution"),
                );
                None
            }
            other => {
                self.error(
                    &span,
                    format!("{what} must be a plain integer, not {}", type_name(other)),
                );
                None
            }
        }
    }

    /// A non-empty name.
    fn name(
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
                self.no_hidden_chars(&name, &n.span(), &format!("{what} name"));
                self.spreadsheet_safe(&name, &n.span(), what);
                Some(name)
            }
        }
    }

    /// Names and labels are shown in terminal tables and written to CSV
    /// cells, where a control character (a NUL, an escape that clears the
    /// screen) would garble the text and a formatting character (a
    /// zero-width space, a right-to-left override) would hide in it or
    /// reverse it.
    fn no_hidden_chars(&mut self, text: &str, span: &std::ops::Range<usize>, what: &str) -> bool {
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
    /// warning.
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
            self.warn(
                span,
                format!(
                    "{what} name '{name}' reads as a missing value in pandas' read_csv{}, which loads it as NaN, not as the name; rename it if the files are read that way",
                    if name == "NA" { " and R's read.csv" } else { "" }
                ),
            );
        }
    }

    /// The scenario's name when the file gives none: its file name without
    /// `.toml`, trimmed, held to the rules of a written name; "scenario"
    /// for text that comes with no file name at all (an embedder's `Path::new("")`).
    fn name_from_file(&mut self, path: &Path) -> String {
        let Some(stem) = super::file_stem(path) else {
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

    fn scenario(&mut self, raw: RawScenario, path: &Path) -> Option<Scenario> {
        let name = match &raw.name {
            Some(n) => match not_shown(n.get_ref()) {
                Some(why) => {
                    self.error(
                        &n.span(),
                        format!("name {why} (leave it out to use the file name)"),
                    );
                    String::new()
                }
                None => {
                    let name = n.get_ref().trim().to_string();
                    self.no_hidden_chars(&name, &n.span(), "name");
                    name
                }
            },
            None => self.name_from_file(path),
        };

        let start = match &raw.start {
            None => {
                self.error_in_file(
                    "required key 'start' is missing (the first period, as \"YYYY-MM\")",
                );
                None
            }
            Some(s) => {
                let parsed = YearMonth::parse(s.get_ref());
                if parsed.is_none() {
                    self.error(
                        &s.span(),
                        format!("start must be {}", month_rule(s.get_ref())),
                    );
                }
                parsed
            }
        };
        let periods = match &raw.periods {
            None => {
                self.error_in_file(
                    "required key 'periods' is missing (the number of periods to simulate)",
                );
                None
            }
            Some(v) => self.integer(v, "periods", 1, MAX_PERIODS),
        };
        let step = match &raw.step {
            None => Some(Step::Month),
            Some(s) => {
                let step = Step::parse(s.get_ref());
                if step.is_none() {
                    self.error(
                        &s.span(),
                        format!(
                            "step must be month, quarter or year, got \"{}\"{}",
                            s.get_ref(),
                            did_you_mean(s.get_ref(), ["month", "quarter", "year"])
                        ),
                    );
                }
                step
            }
        };
        let runs = match &raw.runs {
            None => Some(1000),
            Some(v) => self.integer(v, "runs", 1, MAX_RUNS),
        };
        let seed = match &raw.seed {
            None => Some(1),
            Some(v) => self.integer(v, "seed", 0, i64::MAX),
        };

        let tiers = self.tiers(&raw);
        let (attributes, weights) = self.choice(&raw);

        let calendar = match (start, periods, step) {
            (Some(start), Some(periods), Some(step)) => Some(Calendar {
                start,
                step,
                periods: periods as u32,
            }),
            _ => None,
        };
        // Dates in the outputs are YYYY-MM-DD: the horizon must end by 9999.
        if let (Some(cal), Some(p)) = (&calendar, &raw.periods)
            && cal.last_month().year > 9999
        {
            self.error(
                &p.span(),
                format!(
                    "the last period would start in {}-{:02}, after 9999-12, which dates cannot express; use fewer periods or an earlier start",
                    cal.last_month().year,
                    cal.last_month().month
                ),
            );
        }

        if raw.vendor.is_empty() {
            self.error_in_file(
                "a scenario needs at least one [[vendor]] (with name, brand and access)",
            );
        }
        let vendors: Vec<Option<Vendor>> = raw
            .vendor
            .iter()
            .map(|v| self.vendor(v, &tiers, &attributes))
            .collect();
        self.unique(raw.vendor.iter().map(|v| &v.get_ref().name), "vendor");

        if raw.agency.is_empty() {
            self.error_in_file("a scenario needs at least one [[agency]] (with name, units, term, innovation and imitation)");
        }
        let vendor_names = declared_names(raw.vendor.iter().map(|v| &v.get_ref().name));
        let agencies: Vec<Option<Agency>> = raw
            .agency
            .iter()
            .map(|a| self.agency(a, &tiers, &attributes, &vendor_names, &vendors))
            .collect();
        self.unique(raw.agency.iter().map(|a| &a.get_ref().name), "agency");

        let total_units: u64 = agencies.iter().flatten().map(|a| u64::from(a.units)).sum();
        if agencies.iter().all(Option::is_some) && !agencies.is_empty() {
            if total_units == 0 {
                self.error_in_file(
                    "the scenario has no units: at least one agency needs units >= 1",
                );
            } else if total_units > MAX_TOTAL_UNITS {
                self.error_in_file(format!("the scenario has {total_units} units in all; at most {MAX_TOTAL_UNITS} are supported"));
            }
        }

        for a in &raw.agency {
            if let Some(n) = &a.get_ref().name
                && is_reserved(n.get_ref(), &RESERVED_AGENCY_NAMES)
            {
                self.error(
                    &n.span(),
                    format!("agency name '{}' is reserved ('all', in any letter case, names the totals in the outputs; '*' means every agency in events); name the agency differently", n.get_ref().trim()),
                );
            }
        }
        let agency_names = declared_names(raw.agency.iter().map(|a| &a.get_ref().name));
        let events: Vec<Option<Event>> = raw
            .event
            .iter()
            .enumerate()
            .map(|(i, e)| {
                self.event(
                    i + 1,
                    e,
                    calendar.as_ref(),
                    &tiers,
                    &attributes,
                    &vendor_names,
                    &agency_names,
                )
            })
            .collect();
        self.weights_without_attribute(&raw, &attributes, &events);

        if !self.errors.is_empty() {
            return None;
        }
        let scenario = Scenario {
            name,
            calendar: calendar?,
            runs: runs? as u64,
            seed: seed? as u64,
            tiers,
            attributes,
            weights,
            vendors: vendors.into_iter().collect::<Option<_>>()?,
            agencies: agencies.into_iter().collect::<Option<_>>()?,
            events: events.into_iter().collect::<Option<_>>()?,
            warnings: Vec::new(),
        };
        self.warn_unserved_tiers(&scenario, &raw);
        self.warn_idle_vendors(&scenario, &raw);
        Some(scenario)
    }

    /// A tier that holds units but that no vendor can ever serve (access
    /// above 0 neither from the start nor through an event within the
    /// horizon, in at least [`SERVED`] of the runs) keeps those units out
    /// of contract throughout. That is legal (a tier closed to everyone is a
    /// scenario one may want), but far more often an access forgotten, so it
    /// is pointed out. The message names no count, so that a sweep of units
    /// or a `--set` shows it once, as the file's own warning.
    fn warn_unserved_tiers(&mut self, s: &Scenario, raw: &RawScenario) {
        for (t, tier) in s.tiers.iter().enumerate() {
            if (0..s.vendors.len()).any(|v| can_serve(s, v, t)) {
                continue;
            }
            let Some(first_holding) = s.agencies.iter().position(|a| a.units_by_tier[t] > 0) else {
                continue;
            };
            // At the tier's name in `tiers`, or (the default single tier) at
            // the first agency with units in it.
            let span = raw
                .tiers
                .as_ref()
                .and_then(|names| {
                    names
                        .get_ref()
                        .iter()
                        .find(|n| n.get_ref().trim() == tier)
                        .map(Spanned::span)
                })
                .or_else(|| raw.agency.get(first_holding).map(Spanned::span))
                .unwrap_or(0..0);
            self.warn(
                &span,
                format!(
                    "tier '{tier}' holds units, but no vendor can serve it (access above 0 in at least 0.1% of runs, from the start or through an event within the horizon): its units can never hold a contract; if that is not intended, give a vendor access = {{ {} = ... }}",
                    toml_key(tier)
                ),
            );
        }
    }

    /// A vendor that can serve no tier (access above 0 neither from the
    /// start nor through an event within the horizon, in at least
    /// [`SERVED`] of the runs) never wins a contract: legal, but far more
    /// often a tier key misspelt or an access forgotten. Said only when
    /// some vendor can serve some tier; otherwise the tiers' own warnings
    /// say it.
    fn warn_idle_vendors(&mut self, s: &Scenario, raw: &RawScenario) {
        let tiers = 0..s.tiers.len();
        let serves = |v: usize| tiers.clone().any(|t| can_serve(s, v, t));
        if !(0..s.vendors.len()).any(serves) {
            return;
        }
        for (v, vendor) in s.vendors.iter().enumerate() {
            if serves(v) {
                continue;
            }
            let span = raw.vendor.get(v).map_or(0..0, |r| {
                let r = r.get_ref();
                r.access
                    .as_ref()
                    .map(Spanned::span)
                    .or_else(|| r.name.as_ref().map(Spanned::span))
                    .unwrap_or(0..0)
            });
            let example = s
                .tiers
                .first()
                .map_or("unclassified".to_string(), |t| toml_key(t));
            self.warn(
                &span,
                format!(
                    "vendor '{}' can serve no tier (access above 0 in at least 0.1% of runs, from the start or through an event within the horizon): it can never win a contract; if that is not intended, give it access = {{ {example} = ... }} (tiers are: {})",
                    vendor.name,
                    crate::text::listing(&s.tiers)
                ),
            );
        }
    }

    fn unique<'a>(&mut self, names: impl Iterator<Item = &'a Option<Spanned<String>>>, what: &str) {
        let mut seen: BTreeMap<String, (&str, Option<usize>)> = BTreeMap::new();
        for n in names.flatten() {
            let name = n.get_ref().as_str();
            if name.trim().is_empty() {
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

    fn tiers(&mut self, raw: &RawScenario) -> Vec<String> {
        let Some(tiers) = &raw.tiers else {
            return vec!["unclassified".to_string()];
        };
        if tiers.get_ref().is_empty() {
            self.error(&tiers.span(), "tiers must name at least one tier");
        }
        let mut out: Vec<String> = Vec::new();
        for t in tiers.get_ref() {
            let name = t.get_ref().trim().to_string();
            if name.is_empty() {
                self.error(&t.span(), "a tier name must not be empty");
            } else if let Some(why) = not_shown(&name) {
                self.error(&t.span(), format!("tier name {why}"));
            } else if is_reserved(&name, &RESERVED_TIER_NAMES) {
                self.error(
                    &t.span(),
                    format!("tier name '{name}' is reserved: 'all', in any letter case, names the totals in the outputs; name the tier differently"),
                );
            } else if let Some(first) = tiers
                .get_ref()
                .iter()
                .take_while(|f| f.span() != t.span())
                .find(|f| folded(f.get_ref()) == folded(&name))
            {
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

    /// The `[choice]` table: the three built-in weights and one weight per
    /// attribute. Attributes also come from agencies' `choice` tables.
    fn choice(&mut self, raw: &RawScenario) -> (Vec<String>, Vec<Param>) {
        let mut attributes: Vec<String> = Vec::new();
        let builtin = |k: &str| DEFAULT_WEIGHTS.iter().any(|(n, _)| *n == k);
        let mut note = |k: &str| {
            if !builtin(k) && !attributes.iter().any(|a| a == k) {
                attributes.push(k.to_string());
            }
        };
        if let Some(choice) = &raw.choice {
            choice.get_ref().keys().for_each(|k| note(k));
        }
        for agency in &raw.agency {
            if let Some(choice) = &agency.get_ref().choice {
                choice.get_ref().keys().for_each(|k| note(k));
            }
        }
        self.weight_names(raw);
        let mut weights: Vec<Param> = DEFAULT_WEIGHTS
            .iter()
            .enumerate()
            .map(|(i, (_, w))| Param::fixed(*w, Field::Weight(i).range()))
            .collect();
        weights.extend(
            (0..attributes.len())
                .map(|i| Param::fixed(0.0, Field::Weight(W_FIRST_ATTRIBUTE + i).range())),
        );
        if let Some(choice) = &raw.choice {
            for (k, v) in choice.get_ref() {
                let index = weight_index(k, &attributes).expect("every key was noted");
                if let Some(p) = self.param(
                    v,
                    &format!("[choice] weight '{k}'"),
                    Field::Weight(index).range(),
                ) {
                    weights[index] = p;
                }
            }
        }
        (attributes, weights)
    }

    /// The keys of `[choice]` and of agencies' `choice` tables, in file
    /// order: each is a built-in weight written as such, or an attribute
    /// name without control characters that differs from every other
    /// attribute in more than letter case and surrounding spaces.
    fn weight_names(&mut self, raw: &RawScenario) {
        let tables = choice_tables(raw);
        let mut keys: Vec<(&str, &str, std::ops::Range<usize>)> = tables
            .iter()
            .flat_map(|(table, map)| {
                map.get_ref()
                    .iter()
                    .map(move |(k, v)| (table.as_str(), k.as_str(), v.span()))
            })
            .collect();
        keys.sort_by_key(|(_, _, span)| span.start);
        let mut seen: Vec<(&str, Option<usize>)> = Vec::new();
        for (table, key, span) in keys {
            if let Some(b) = builtin(key) {
                if key != b {
                    self.error(
                        &span,
                        format!(
                            "{table} weight '{key}' differs from the built-in weight '{b}' only in {}; write '{b}' (the built-in weights are not attributes)",
                            difference(key, b)
                        ),
                    );
                }
                continue;
            }
            if key.trim().is_empty() {
                self.error(
                    &span,
                    format!("{table}: a weight's (attribute's) name must not be empty"),
                );
                continue;
            }
            if !self.no_hidden_chars(key, &span, &format!("{table} weight")) {
                continue;
            }
            match seen.iter().find(|(a, _)| folded(a) == folded(key)) {
                Some((first, _)) if *first == key => {}
                Some((first, line)) => {
                    let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
                    let message = format!(
                        "{table} weight '{key}' differs from attribute '{first}'{at} only in {}; attribute names must differ in more than letter case and surrounding spaces",
                        difference(key, first)
                    );
                    self.error(&span, message);
                }
                None => seen.push((key, self.line_of(&span))),
            }
        }
    }

    /// A weight for an attribute that no vendor has and no event gives
    /// would have no effect: like an unweighted attribute, it is most likely
    /// a typo (`brnad = 2.0` for `brand`), so it is an error at every table
    /// that names it. Skipped without vendors (already an error) and while an
    /// event is invalid (it might give the attribute).
    fn weights_without_attribute(
        &mut self,
        raw: &RawScenario,
        attributes: &[String],
        events: &[Option<Event>],
    ) {
        if raw.vendor.is_empty() || events.iter().any(Option::is_none) {
            return;
        }
        let mut held: Vec<&str> = raw
            .vendor
            .iter()
            .filter_map(|v| v.get_ref().attributes.as_ref())
            .flat_map(|map| map.get_ref().keys().map(String::as_str))
            .collect();
        held.sort_unstable();
        held.dedup();
        let given = |j: usize| {
            events.iter().flatten().any(|e| {
                matches!(e.target, Target::Vendor(_))
                    && e.changes.iter().any(|c| c.field == Field::Attribute(j))
            })
        };
        let tables = choice_tables(raw);
        let mut candidates: Vec<&str> = DEFAULT_WEIGHTS.iter().map(|(n, _)| *n).collect();
        candidates.extend(held.iter().copied());
        // A name like a built-in weight or another attribute is an error
        // already (see `weight_names`).
        // So is one that a vendor's attribute differs from only in letter
        // case (see `vendor`).
        let collides = |a: &str| {
            builtin(a).is_some()
                || attributes
                    .iter()
                    .map(String::as_str)
                    .chain(held.iter().copied())
                    .any(|b| b != a && folded(b) == folded(a))
        };
        for (j, attribute) in attributes.iter().enumerate() {
            // An empty name is reported as such (see `weight_names`).
            if attribute.trim().is_empty()
                || held.contains(&attribute.as_str())
                || given(j)
                || collides(attribute)
            {
                continue;
            }
            for (table, map) in &tables {
                if let Some(value) = map.get_ref().get(attribute) {
                    self.error(
                        &value.span(),
                        format!(
                            "{table} weight '{attribute}' is neither brand, access nor incumbency, and no vendor has an attribute of that name (nor does an event give one), so it would have no effect; vendors' attributes: {}{}",
                            list(held.iter().copied()),
                            did_you_mean(attribute, candidates.iter().copied())
                        ),
                    );
                }
            }
        }
    }

    fn vendor(
        &mut self,
        raw: &Spanned<RawVendor>,
        tiers: &[String],
        attributes: &[String],
    ) -> Option<Vendor> {
        let span = raw.span();
        let v = raw.get_ref();
        let name = self.name(&v.name, &span, "[[vendor]]");
        if let (Some(n), Some(spanned)) = (&name, &v.name)
            && is_reserved(n, &RESERVED_VENDOR_NAMES)
        {
            self.error(
                &spanned.span(),
                format!("vendor name '{n}' is reserved ('period' and 'date', in any letter case, head the first two columns of shares_wide.csv, which has a column per vendor; '*' means every vendor in --set and --vary); name the vendor differently"),
            );
        }
        let label = format!("vendor '{}'", name.as_deref().unwrap_or("?"));
        let brand = match &v.brand {
            None => {
                self.error(
                    &span,
                    format!("{label} needs brand (recognition in [0, 1])"),
                );
                None
            }
            Some(b) => self.param(b, &format!("{label} brand"), Field::Brand.range()),
        };
        let access = match &v.access {
            None => {
                self.error(
                    &span,
                    format!(
                        "{label} needs access, e.g. access = {{ {} = 1.0 }}",
                        tiers.first().map_or("unclassified", String::as_str)
                    ),
                );
                None
            }
            Some(map) => {
                let what = format!("{label} access");
                self.per_tier(map, tiers, &what, |cx, k, value| {
                    cx.param(
                        value,
                        &format!("{what} for tier '{k}'"),
                        Field::Access(0).range(),
                    )
                })
            }
        };
        let mut attrs: Vec<Option<Param>> = vec![None; attributes.len()];
        if let Some(map) = &v.attributes {
            for (k, value) in map.get_ref() {
                if let Some(b) = builtin(k) {
                    self.error(
                        &value.span(),
                        format!(
                            "{label} has attribute '{k}', but '{b}' is a built-in weight, not an attribute (in any letter case): {}",
                            builtin_how(b)
                        ),
                    );
                    continue;
                }
                let near = attributes
                    .iter()
                    .find(|a| *a != k && folded(a) == folded(k));
                match attributes.iter().position(|a| a == k) {
                    Some(i) => attrs[i] = self.param(value, &format!("{label} attribute '{k}'"), Field::Attribute(i).range()),
                    None if near.is_some() => {
                        let near = near.expect("checked");
                        self.error(
                            &value.span(),
                            format!(
                                "{label} has attribute '{k}', which differs from the weighted attribute '{near}' only in {}; write '{near}'",
                                difference(k, near)
                            ),
                        );
                    }
                    None if hidden_char(k).is_some() => {
                        self.no_hidden_chars(k, &value.span(), &format!("{label} attribute"));
                    }
                    None if k.trim().is_empty() => self.error(
                        &value.span(),
                        format!("{label} has an attribute without a name; an attribute's name must not be empty"),
                    ),
                    None => self.error(
                        &value.span(),
                        format!(
                            "{label} has attribute '{k}', but no [choice] table gives it a weight, so it would have no effect; weighted attributes: {}{}",
                            list(attributes.iter().map(String::as_str)),
                            did_you_mean(k, attributes.iter().map(String::as_str))
                        ),
                    ),
                }
            }
        }
        Some(Vendor {
            name: name?,
            brand: brand?,
            access: access?,
            attributes: attrs,
        })
    }

    /// A table keyed by tier name, each value read by `read` (given the
    /// tier name as written); tiers left out are `None`.
    fn per_tier<T: Clone>(
        &mut self,
        map: &SpannedMap,
        tiers: &[String],
        what: &str,
        mut read: impl FnMut(&mut Self, &str, &SpannedValue) -> Option<T>,
    ) -> Option<Vec<Option<T>>> {
        let mut out: Vec<Option<T>> = vec![None; tiers.len()];
        let mut ok = true;
        for (k, value) in map.get_ref() {
            match self.found(&value.span(), find(tiers, k, what, &TIER)) {
                Some(i) => {
                    out[i] = read(self, k, value);
                    ok &= out[i].is_some();
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }

    fn agency<'a>(
        &mut self,
        raw: &'a Spanned<RawAgency>,
        tiers: &[String],
        attributes: &[String],
        vendor_names: &[Option<String>],
        vendors: &[Option<Vendor>],
    ) -> Option<Agency> {
        let span = raw.span();
        let a = raw.get_ref();
        let name = self.name(&a.name, &span, "[[agency]]");
        let label = format!("agency '{}'", name.as_deref().unwrap_or("?"));
        let required = |cx: &mut Self,
                        v: &'a Option<SpannedValue>,
                        key: &str,
                        hint: &str|
         -> Option<&'a SpannedValue> {
            if v.is_none() {
                cx.error(&span, format!("{label} needs {key} ({hint})"));
            }
            v.as_ref()
        };
        let units_v = required(
            self,
            &a.units,
            "units",
            "the number of buying units, an integer >= 0",
        );
        let term_v = required(
            self,
            &a.term,
            "term",
            "contract length in periods, an integer >= 1",
        );
        let innovation_v = required(self, &a.innovation, "innovation", "Bass p per period, >= 0");
        let imitation_v = required(self, &a.imitation, "imitation", "Bass q per period, >= 0");

        let units = units_v
            .and_then(|v| self.integer(v, &format!("{label} units"), 0, MAX_TOTAL_UNITS as i64));
        let term = term_v.and_then(|v| self.integer(v, &format!("{label} term"), 1, MAX_TERM));
        let innovation = innovation_v
            .and_then(|v| self.param(v, &format!("{label} innovation"), Field::Innovation.range()));
        let imitation = imitation_v
            .and_then(|v| self.param(v, &format!("{label} imitation"), Field::Imitation.range()));
        // A rate above 1 per period is legal (caution scales it down) but
        // is far more often a percentage written as such.
        for (key, value, param) in [
            ("innovation", innovation_v, &innovation),
            ("imitation", imitation_v, &imitation),
        ] {
            if let (Some(v), Some(x)) = (value, param.as_ref().and_then(Param::fixed_value))
                && x > 1.0
            {
                self.warn(
                    &v.span(),
                    format!(
                        "{label} {key} = {} is a rate per period above 1 (the adoption chance is capped at 1); if {} is a percentage, write {}",
                        Shown(x),
                        Shown(x),
                        // 12 significant digits: 1.4 suggests 0.014, not 0.013999999999999999.
                        Shown(format!("{:.12e}", x / 100.0).parse::<f64>().unwrap_or(x / 100.0))
                    ),
                );
            }
        }
        let caution = match &a.caution {
            None => Some(Param::fixed(0.0, Field::Caution.range())),
            Some(v) => self.param(v, &format!("{label} caution"), Field::Caution.range()),
        };
        let annual_value = match &a.annual_value {
            None => Some(Param::fixed(1.0, Field::AnnualValue.range())),
            Some(v) => self.param(
                v,
                &format!("{label} annual_value"),
                Field::AnnualValue.range(),
            ),
        };
        let fractions = match &a.tiers {
            None => {
                let mut f = vec![0.0; tiers.len()];
                if let Some(first) = f.first_mut() {
                    *first = 1.0;
                }
                Some(f)
            }
            Some(map) => self.fractions(map, tiers, &label),
        };
        let mut choice: Vec<Option<Param>> = vec![None; W_FIRST_ATTRIBUTE + attributes.len()];
        if let Some(map) = &a.choice {
            for (k, v) in map.get_ref() {
                let index = weight_index(k, attributes).expect("every key was noted");
                choice[index] = self.param(
                    v,
                    &format!("{label} choice weight '{k}'"),
                    Field::Weight(index).range(),
                );
            }
        }
        let units_by_tier = match (units, &fractions) {
            (Some(units), Some(f)) => Some(split_units(units as u32, f)),
            _ => None,
        };

        let mut initial = Vec::new();
        let mut placed = vec![0u64; tiers.len()];
        let contract = format!("an initial contract of {label}");
        for raw_initial in &a.initial {
            let ispan = raw_initial.span();
            let c = raw_initial.get_ref();
            let vendor = match &c.vendor {
                None => {
                    self.error(&ispan, format!("{contract} needs vendor"));
                    None
                }
                Some(v) => self.found(
                    &v.span(),
                    find(vendor_names, v.get_ref().trim(), &contract, &VENDOR),
                ),
            };
            // Without `tier`, the contract is in the only tier the agency
            // gives a positive fraction; an agency spread over several tiers
            // must say which.
            let populated: Vec<usize> = fractions
                .as_ref()
                .map(|f| (0..f.len()).filter(|&k| f[k] > 0.0).collect())
                .unwrap_or_default();
            let tier = match &c.tier {
                None if populated.len() == 1 => Some(populated[0]),
                None => {
                    if fractions.is_some() {
                        let names = list(populated.iter().map(|&k| tiers[k].as_str()));
                        self.error(
                            &ispan,
                            format!("{contract} needs tier: the agency gives a positive fraction to several tiers ({names})"),
                        );
                    }
                    None
                }
                Some(t) => self.found(&t.span(), find(tiers, t.get_ref().trim(), &contract, &TIER)),
            };
            let count = match &c.units {
                None => {
                    self.error(
                        &ispan,
                        format!("{contract} needs units (how many units hold it)"),
                    );
                    None
                }
                Some(v) => self.integer(
                    v,
                    &format!("initial contract units of {label}"),
                    1,
                    MAX_TOTAL_UNITS as i64,
                ),
            };
            // A contract in force may have been signed for longer than the
            // agency's current term, so `remaining` is bounded like a term,
            // not by it.
            let remaining = match &c.remaining {
                None => Some(None),
                Some(v) => self
                    .integer(
                        v,
                        &format!("remaining of {contract} (periods still covered)"),
                        1,
                        MAX_TERM,
                    )
                    .map(|r| Some(r as u32)),
            };
            if let (Some(vi), Some(ti)) = (vendor, tier)
                && let Some(Some(v)) = vendors.get(vi)
            {
                let access = v.access[ti].as_ref();
                if access.is_none_or(|p| p.max_value() <= 0.0) {
                    let how = match access {
                        Some(p) if p.fixed_value().is_none() => {
                            format!("(drawn from {p}) is never above 0")
                        }
                        _ => "is 0".to_string(),
                    };
                    self.error(
                        &ispan,
                        format!(
                            "{contract} goes to vendor '{}' at tier '{}', where its access {how}; a vendor needs access > 0 to hold a contract",
                            v.name, tiers[ti]
                        ),
                    );
                }
            }
            if let (Some(vi), Some(ti), Some(count), Some(remaining)) =
                (vendor, tier, count, remaining)
            {
                placed[ti] += count as u64;
                if let Some(by_tier) = &units_by_tier
                    && placed[ti] > u64::from(by_tier[ti])
                {
                    // At the `units` that went over (present, since count is).
                    let at = c.units.as_ref().map_or(ispan.clone(), |u| u.span());
                    self.error(
                        &at,
                        format!(
                            "initial contracts of {label} at tier '{}' cover {}, but the agency has only {} in that tier",
                            tiers[ti],
                            crate::text::count(placed[ti], "unit"),
                            crate::text::count(u64::from(by_tier[ti]), "unit")
                        ),
                    );
                }
                initial.push(InitialContract {
                    vendor: vi,
                    tier: ti,
                    units: count as u32,
                    remaining,
                    stream: 0,
                });
            }
        }

        Some(Agency {
            name: name?,
            units: units? as u32,
            units_by_tier: units_by_tier?,
            caution: caution?,
            innovation: innovation?,
            imitation: imitation?,
            term: term? as u32,
            annual_value: annual_value?,
            choice,
            initial,
        })
    }

    fn fractions(&mut self, map: &SpannedMap, tiers: &[String], label: &str) -> Option<Vec<f64>> {
        let out = self.per_tier(map, tiers, &format!("{label} tiers"), |cx, k, value| {
            let x = number(value.get_ref()).filter(|x| x.is_finite() && *x >= 0.0);
            if x.is_none() {
                cx.error(
                    &value.span(),
                    format!("{label} tier fraction for '{k}' must be a plain number >= 0"),
                );
            }
            x
        })?;
        let out: Vec<f64> = out.into_iter().map(|x| x.unwrap_or(0.0)).collect();
        let sum: f64 = out.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            self.error(
                &map.span(),
                format!("{label} tier fractions must sum to 1, but they sum to {sum}"),
            );
            return None;
        }
        Some(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        number: usize,
        raw: &Spanned<RawEvent>,
        calendar: Option<&Calendar>,
        tiers: &[String],
        attributes: &[String],
        vendor_names: &[Option<String>],
        agency_names: &[Option<String>],
    ) -> Option<Event> {
        let span = raw.span();
        let e = raw.get_ref();
        let label = format!("event {number}");

        let (period, at) = match &e.at {
            None => {
                self.error(
                    &span,
                    format!("{label} needs at (\"YYYY-MM\" or a period index)"),
                );
                (None, String::new())
            }
            Some(v) => match v.get_ref() {
                Value::String(s) => match (YearMonth::parse(s), calendar) {
                    (None, _) => {
                        self.error(
                            &v.span(),
                            format!("{label}: at must be a period index or {}", month_rule(s)),
                        );
                        (None, s.clone())
                    }
                    (Some(_), None) => (None, s.clone()),
                    (Some(month), Some(cal)) => {
                        let p = cal.period_of(month);
                        if p < 0 {
                            self.error(
                                &v.span(),
                                format!(
                                    "{label} is dated {s}, before the scenario starts ({})",
                                    cal.start
                                ),
                            );
                            (None, s.clone())
                        } else {
                            (Some(p), s.clone())
                        }
                    }
                },
                Value::Integer(i) if *i >= 0 => (Some(*i), format!("period {i}")),
                Value::Integer(i) => {
                    self.error(
                        &v.span(),
                        format!("{label}: a period index must be >= 0, got {i}"),
                    );
                    (None, i.to_string())
                }
                Value::Datetime(d) => {
                    let message =
                        raw::unquoted_date(&format!("{label}: at"), "at", " or a period index", d);
                    self.error(&v.span(), message);
                    (None, String::new())
                }
                other => {
                    self.error(
                        &v.span(),
                        format!(
                            "{label}: at must be \"YYYY-MM\" or a period index, not {}",
                            type_name(other)
                        ),
                    );
                    (None, String::new())
                }
            },
        };
        if let (Some(p), Some(cal)) = (period, calendar)
            && p >= i64::from(cal.periods)
            && let Some(v) = &e.at
        {
            // An integer that reads as a year was most likely meant as one.
            let year_hint = match v.get_ref() {
                Value::Integer(i) if (1900..=2200).contains(i) => format!(
                    "; an integer at is a period index (0 is {}): for a month of {i} write at = \"{i}-01\"",
                    cal.start
                ),
                _ => String::new(),
            };
            self.warn(
                &v.span(),
                format!(
                    "{label} (at {at}) falls after the last period ({}, {}) and never fires{year_hint}",
                    cal.periods - 1,
                    cal.last_month()
                ),
            );
        }

        let target = match (&e.vendor, &e.agency) {
            (Some(_), Some(_)) | (None, None) => {
                self.error(&span, format!("{label} needs exactly one of vendor = \"NAME\" or agency = \"NAME\" (or agency = \"*\" for all agencies)"));
                None
            }
            (Some(v), None) => self
                .found(
                    &v.span(),
                    find(vendor_names, v.get_ref().trim(), &label, &VENDOR),
                )
                .map(Target::Vendor),
            (None, Some(a)) => {
                let name = a.get_ref().trim();
                if name == "*" {
                    Some(Target::AllAgencies)
                } else {
                    self.found(&a.span(), find(agency_names, name, &label, &AGENCY))
                        .map(Target::Agency)
                }
            }
        };

        let mut changes = Vec::new();
        // Each change keeps the span of its own key, so a problem names the
        // line of that key however the table is written: inline on one line
        // or several, as an [event.set] table, or with dotted keys.
        let mut seen_keys: Vec<(String, Op, std::ops::Range<usize>)> = Vec::new();
        let mut ok = true;
        for (op, table) in [(Op::Set, &e.set), (Op::Add, &e.add)] {
            let Some(table) = table else { continue };
            let mut entries = Vec::new();
            for (k, v) in table {
                flatten(k.clone(), v, &mut entries);
            }
            for (key, value) in entries {
                let kspan = value.span();
                let Some(target) = target else { continue };
                if let Some((_, _, first)) =
                    seen_keys.iter().find(|(k, o, _)| *k == key && *o == op)
                {
                    // The later of the two entries is the one to remove.
                    let later = if first.start > kspan.start {
                        first.clone()
                    } else {
                        kspan
                    };
                    ok = false;
                    self.error(
                        &later,
                        format!("{label} changes '{key}' twice in the same table; keep one"),
                    );
                    continue;
                }
                seen_keys.push((key.clone(), op, kspan.clone()));
                let field = match target {
                    Target::Vendor(_) => vendor_field(&key, tiers, attributes),
                    Target::Agency(_) | Target::AllAgencies => agency_field(&key, attributes),
                };
                let field = match field {
                    Ok(f) => f,
                    Err(why) => {
                        ok = false;
                        self.error(&kspan, format!("{label}: {why}"));
                        continue;
                    }
                };
                let verb = if op == Op::Set { "set" } else { "add" };
                let range = if op == Op::Set {
                    field.range()
                } else {
                    Range::ANY
                };
                match self.param(&value, &format!("{label} {verb} '{key}'"), range) {
                    Some(value) => changes.push(Change {
                        field,
                        op,
                        value,
                        key,
                        line: self.line_of(&kspan),
                    }),
                    None => ok = false,
                }
            }
        }
        if target.is_some() && ok && changes.is_empty() {
            self.error(
                &span,
                format!("{label} changes nothing: give it set = {{ ... }} or add = {{ ... }}"),
            );
            ok = false;
        }

        let label_text = e.label.as_ref().map(|l| l.get_ref().trim().to_string());
        if let (Some(text), Some(l)) = (&label_text, &e.label) {
            ok &= self.no_hidden_chars(text, &l.span(), &format!("{label} label"));
        }
        if !ok {
            return None;
        }
        let period = u32::try_from(period?).unwrap_or(u32::MAX);
        // A sweep that moves the event keeps the streams of the date the file
        // gives it (already checked when the file itself was validated).
        let keyed_period =
            e.keyed_at
                .as_ref()
                .and_then(|v| match (v.get_ref(), calendar) {
                    (Value::Integer(i), _) => u32::try_from(*i).ok(),
                    (Value::String(s), Some(cal)) => YearMonth::parse(s)
                        .and_then(|month| u32::try_from(cal.period_of(month)).ok()),
                    _ => None,
                })
                .unwrap_or(period);
        Some(Event {
            period,
            keyed_period,
            label: label_text,
            target: target?,
            changes,
        })
    }
}

fn example_args(family: &str) -> &'static str {
    match family {
        "normal" => "mean, sd",
        "uniform" => "low, high",
        "triangular" | "pert" => "low, mode, high",
        "beta" => "alpha, beta",
        _ => "mu, sigma",
    }
}

fn weight_index(key: &str, attributes: &[String]) -> Option<usize> {
    match key {
        "brand" => Some(super::W_BRAND),
        "access" => Some(super::W_ACCESS),
        "incumbency" => Some(super::W_INCUMBENCY),
        _ => attributes
            .iter()
            .position(|a| a == key)
            .map(|i| W_FIRST_ATTRIBUTE + i),
    }
}

fn vendor_field(key: &str, tiers: &[String], attributes: &[String]) -> Result<Field, String> {
    if key == "brand" {
        return Ok(Field::Brand);
    }
    if let Some(tier) = key.strip_prefix("access.") {
        return find(tiers, tier, &format!("'{key}'"), &TIER).map(Field::Access);
    }
    if let Some(attr) = key.strip_prefix("attributes.") {
        if let Some(b) = builtin(attr) {
            let how = match b {
                "brand" => "change a vendor's brand with 'brand'",
                "access" => "change a vendor's access with 'access.TIER'",
                _ => {
                    "incumbency is weighted by agencies: change it with an agency event's 'choice.incumbency'"
                }
            };
            return Err(format!(
                "'{key}': '{b}' is a built-in weight, not an attribute (in any letter case); {how}"
            ));
        }
        return find(attributes, attr, &format!("'{key}'"), &ATTRIBUTE).map(Field::Attribute);
    }
    let mut keys: Vec<String> = vec!["brand".into()];
    keys.extend(tiers.iter().map(|t| format!("access.{t}")));
    keys.extend(attributes.iter().map(|a| format!("attributes.{a}")));
    Err(format!(
        "a vendor event cannot change '{key}'; it can change: {}{}",
        crate::text::listing(&keys),
        did_you_mean(key, keys.iter().map(String::as_str))
    ))
}

fn agency_field(key: &str, attributes: &[String]) -> Result<Field, String> {
    match key {
        "caution" => return Ok(Field::Caution),
        "innovation" => return Ok(Field::Innovation),
        "imitation" => return Ok(Field::Imitation),
        "annual_value" => return Ok(Field::AnnualValue),
        _ => {}
    }
    if let Some(w) = key.strip_prefix("choice.")
        && let Some(i) = weight_index(w, attributes)
    {
        return Ok(Field::Weight(i));
    }
    let mut keys: Vec<String> = [
        "caution",
        "innovation",
        "imitation",
        "annual_value",
        "choice.brand",
        "choice.access",
        "choice.incumbency",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    keys.extend(attributes.iter().map(|a| format!("choice.{a}")));
    Err(format!(
        "an agency event cannot change '{key}'; it can change: {}{}",
        crate::text::listing(&keys),
        did_you_mean(key, keys.iter().map(String::as_str))
    ))
}

/// Splits `units` over tiers by largest remainder: floors first, then the
/// leftover units one by one to the largest fractional parts, ties to the
/// tier declared first.
///
/// Fractions are written in decimal but held in binary, where two parts
/// equal in decimal (0.4 of 20 x 0.47 and of 20 x 0.52) can differ in their
/// last bits. So the split is computed in integers, on the fractions
/// rounded to nine decimals (`f = n / 10^9`): quota `units n / N` and
/// remainder `units n mod N`, with `N` the sum of the `n` (validation lets
/// the fractions sum to 1 within 1e-9, and dividing by the sum absorbs
/// that). A fraction below 5e-10 counts as 0.
pub fn split_units(units: u32, fractions: &[f64]) -> Vec<u32> {
    let parts: Vec<u128> = fractions
        .iter()
        .map(|f| (f * 1e9).round().max(0.0) as u128)
        .collect();
    let total: u128 = parts.iter().sum();
    if total == 0 {
        return vec![0; fractions.len()];
    }
    let scaled = |i: usize| u128::from(units) * parts[i];
    let mut counts: Vec<u32> = (0..parts.len())
        .map(|i| (scaled(i) / total) as u32)
        .collect();
    let placed: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    let mut leftover = u64::from(units) - placed;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Stable sort keeps declaration order among equal remainders.
    order.sort_by_key(|&i| std::cmp::Reverse(scaled(i) % total));
    // The leftover is below the number of tiers with a positive part.
    for &i in order.iter().filter(|&&i| parts[i] > 0) {
        if leftover == 0 {
            break;
        }
        counts[i] += 1;
        leftover -= 1;
    }
    debug_assert_eq!(leftover, 0);
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn largest_remainder_split() {
        assert_eq!(split_units(400, &[0.5, 0.3, 0.2]), vec![200, 120, 80]);
        assert_eq!(
            split_units(10, &[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]),
            vec![4, 3, 3]
        );
        assert_eq!(split_units(7, &[0.25, 0.45, 0.3]), vec![2, 3, 2]);
        assert_eq!(split_units(1, &[0.0, 1.0]), vec![0, 1]);
        assert_eq!(split_units(0, &[0.5, 0.5]), vec![0, 0]);
        // Remainders equal in decimal but not in binary are ties: 20 x
        // [0.01, 0.47, 0.52] has remainders 0.2, 0.4, 0.4, and the leftover
        // unit goes to the earlier of the two 0.4s.
        assert_eq!(split_units(20, &[0.01, 0.47, 0.52]), vec![0, 10, 10]);
        // 50 x [0.01, 0.07, 0.92]: 0.5, 3.5, 46 (46.00000000000001 in binary).
        assert_eq!(split_units(50, &[0.01, 0.07, 0.92]), vec![1, 3, 46]);
        // Large counts: quotas 86799.7, 190291.65, 56753.65 (a tie of 0.65s).
        assert_eq!(
            split_units(333_845, &[0.26, 0.57, 0.17]),
            vec![86_800, 190_292, 56_753]
        );
        // Quotas 289914.6, 119376.6, 159168.8: ties of 0.6 after the 0.8.
        assert_eq!(
            split_units(568_460, &[0.51, 0.21, 0.28]),
            vec![289_915, 119_376, 159_169]
        );
        // The most units there can be, and fractions summing to 1 within
        // 1e-9. Equal to nine decimals: a tie, the odd unit first.
        assert_eq!(
            split_units(u32::MAX, &[0.5, 0.5 + 1e-10]),
            vec![2_147_483_648, 2_147_483_647]
        );
        // Divided by their sum 1.000000001: floors 1288490187, 1288490187,
        // 1717986920 and the odd unit to the largest remainder, the third.
        assert_eq!(
            split_units(u32::MAX, &[0.3, 0.3, 0.4 + 1e-9]),
            vec![1_288_490_187, 1_288_490_187, 1_717_986_921]
        );
    }

    /// Every split of up to 200 units over three tiers with fractions in
    /// hundredths matches the same rule computed exactly in integers.
    #[test]
    fn largest_remainder_split_is_exact_for_decimal_fractions() {
        for units in 0..=200u32 {
            for a in 0..=100u32 {
                for b in 0..=(100 - a) {
                    let hundredths = [a, b, 100 - a - b];
                    let fractions = hundredths.map(|h| f64::from(h) / 100.0);
                    // units x h / 100 as quotient and remainder in hundredths.
                    let mut counts = hundredths.map(|h| units * h / 100);
                    let mut leftover = units - counts.iter().sum::<u32>();
                    let mut order = [0, 1, 2];
                    order.sort_by_key(|&i| std::cmp::Reverse(units * hundredths[i] % 100));
                    for &i in order.iter().cycle() {
                        if leftover == 0 {
                            break;
                        }
                        if hundredths[i] > 0 {
                            counts[i] += 1;
                            leftover -= 1;
                        }
                    }
                    assert_eq!(
                        split_units(units, &fractions),
                        counts.to_vec(),
                        "{units} units over {fractions:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_date_in_an_event_table_is_a_value_at_its_line() {
        let source = "start = \"2026-01\"\nperiods = 12\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
            [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n\
            [[event]]\nat = 1\nvendor = \"A\"\n\
            set.brand = 0.5\n\
            set.access.unclassified = 2026-05-01\n";
        let errors = validate(source, Path::new("t.toml"), &[]).unwrap_err();
        assert_eq!(
            errors,
            vec![Diagnostic {
                line: Some(17),
                message: "event 1 set 'access.unclassified' must be a number or a distribution such as { normal = [mean, sd] }, not a date".to_string(),
            }]
        );
    }

    #[test]
    fn an_attribute_weight_needs_a_vendor_or_an_event_that_gives_it() {
        let source = |event: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n[choice]\ncertified = 1.0\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n{event}"
            )
        };
        // No vendor has 'certified', but an event gives it to A: accepted.
        let given = "[[event]]\nat = 3\nvendor = \"A\"\nset = { \"attributes.certified\" = 1 }\n";
        assert!(validate(&source(given), Path::new("t.toml"), &[]).is_ok());
        // Without the event the weight has no effect: rejected at its line.
        let errors = validate(&source(""), Path::new("t.toml"), &[]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(4));
        assert!(errors[0].message.starts_with("[choice] weight 'certified'"));
    }

    #[test]
    fn an_unused_weight_lists_each_vendor_attribute_once() {
        let source = "start = \"2026-01\"\nperiods = 12\n[choice]\ncapability = 1.0\nspeed = 0.5\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\nattributes = { capability = 0.5 }\n\
            [[vendor]]\nname = \"B\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\nattributes = { capability = 0.7 }\n\
            [[agency]]\nname = \"X\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n";
        let errors = validate(source, Path::new("t.toml"), &[]).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0]
                .message
                .contains("vendors' attributes: capability;")
                || errors[0]
                    .message
                    .ends_with("vendors' attributes: capability"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn an_event_dated_by_a_toml_date_or_time_is_told_how_to_write_at() {
        let source = |at: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 6\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"X\"\nunits = 4\ninnovation = 0.1\nimitation = 0.1\nterm = 2\n\
                [[event]]\nat = {at}\nvendor = \"A\"\nset = {{ brand = 0.6 }}\n"
            )
        };
        let message = |at: &str| {
            validate(&source(at), Path::new("t.toml"), &[]).unwrap_err()[0]
                .message
                .clone()
        };
        assert!(
            message("2026-03-01").ends_with("not a TOML date: write at = \"2026-03\""),
            "{}",
            message("2026-03-01")
        );
        assert!(
            message("07:30:00").ends_with("or a period index, not a time of day"),
            "{}",
            message("07:30:00")
        );
    }

    /// A tier named like a distribution family is a key in an event's
    /// `access` table, holding a number or a distribution; elsewhere a
    /// family's name is a distribution.
    #[test]
    fn a_tier_named_like_a_family_is_a_key_in_event_tables() {
        let source = "start = \"2026-01\"\nperiods = 6\ntiers = [\"normal\", \"secret\"]\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { normal = 1.0 }\n\
            [[agency]]\nname = \"X\"\nunits = 4\ninnovation = 0.1\nimitation = 0.1\nterm = 2\n\
            [[event]]\nat = 3\nvendor = \"A\"\n\
            set = { access = { normal = 0.5 } }\n\
            [[event]]\nat = 4\nvendor = \"A\"\n\
            set = { access = { secret = { uniform = [0.2, 0.4] } } }\n\
            [[event]]\nat = 5\nvendor = \"A\"\n\
            add = { access = { normal = { uniform = [0.0, 0.1] } } }\n";
        let s = validate(source, Path::new("t.toml"), &[]).unwrap();
        let [normal, secret] = [&s.events[0].changes, &s.events[1].changes];
        assert_eq!((normal.len(), secret.len()), (1, 1));
        assert_eq!(normal[0].field, Field::Access(0));
        assert_eq!(normal[0].value.fixed_value(), Some(0.5));
        assert_eq!(secret[0].field, Field::Access(1));
        assert_eq!(secret[0].value.fixed_value(), None, "uniform(0.2, 0.4)");
        let drawn = &s.events[2].changes;
        assert_eq!(drawn.len(), 1);
        assert_eq!(drawn[0].field, Field::Access(0));
        assert_eq!(drawn[0].value.fixed_value(), None, "uniform(0.0, 0.1)");
        // Under a key that is not a table of tiers, a family's name is a
        // distribution, and one written wrong is told its form.
        let wrong = source.replace(
            "add = { access = { normal = { uniform = [0.0, 0.1] } } }",
            "set = { brand = { normal = 0.5 } }",
        );
        assert_ne!(wrong, source);
        let errors = validate(&wrong, Path::new("t.toml"), &[]).unwrap_err();
        assert_eq!(
            errors[0].message,
            "event 3 set 'brand': normal takes an array of numbers, such as normal = [mean, sd]"
        );
        let settings = [Setting {
            path: "event.1.set.access.normal".to_string(),
            value: Value::Float(0.7),
        }];
        let s = validate(source, Path::new("t.toml"), &settings).unwrap();
        let normal = s.events[0]
            .changes
            .iter()
            .find(|c| c.field == Field::Access(0));
        assert_eq!(normal.unwrap().value.fixed_value(), Some(0.7));
    }

    #[test]
    fn a_rate_above_one_is_warned_about_as_a_likely_percentage() {
        let source = |innovation: &str, imitation: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = {innovation}\nimitation = {imitation}\n"
            )
        };
        let s = validate(&source("30", "0.4"), Path::new("t.toml"), &[]).unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].line, Some(11));
        assert!(s.warnings[0].message.contains("innovation = 30"));
        assert!(s.warnings[0].message.ends_with("write 0.3"));
        let s = validate(&source("0.01", "40"), Path::new("t.toml"), &[]).unwrap();
        assert!(s.warnings[0].message.contains("imitation = 40"));
        // The suggestion reads as typed, without binary noise.
        let s = validate(&source("1.4", "0.4"), Path::new("t.toml"), &[]).unwrap();
        assert!(
            s.warnings[0].message.ends_with("write 0.014"),
            "{}",
            s.warnings[0].message
        );
        // At most 1, or drawn: no warning.
        let s = validate(
            &source("1", "{ uniform = [0, 3] }"),
            Path::new("t.toml"),
            &[],
        )
        .unwrap();
        assert!(s.warnings.is_empty());
    }

    #[test]
    fn heavy_clamping_is_warned_about() {
        let source = |brand: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = {brand}\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n"
            )
        };
        let s = validate(
            &source("{ uniform = [0.5, 1.5] }"),
            Path::new("t.toml"),
            &[],
        )
        .unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].line, Some(5));
        assert!(
            s.warnings[0]
                .message
                .starts_with("vendor 'A' brand must be in [0, 1]: 50% of the draws of uniform(0.5, 1.5) lie outside that range"),
            "{}",
            s.warnings[0].message
        );
        // 4% above 1 (0.04 / 1.0), and a normal whose tails outside hold 1.2%:
        // below the 5% that makes the warning.
        for brand in ["{ uniform = [0.06, 1.04] }", "{ normal = [0.5, 0.2] }"] {
            let s = validate(&source(brand), Path::new("t.toml"), &[]).unwrap();
            assert!(s.warnings.is_empty(), "{brand}: {:?}", s.warnings);
        }
        // Nearly every draw outside, but not every one (not rejected).
        let s = validate(&source("{ normal = [2.0, 0.3] }"), Path::new("t.toml"), &[]).unwrap();
        assert!(
            s.warnings[0]
                .message
                .contains(": more than 99% of the draws"),
            "{:?}",
            s.warnings
        );
        // A normal whose tails outside [0, 1] hold 2 (1 - Phi(1.25)) = 21%.
        let s = validate(&source("{ normal = [0.5, 0.4] }"), Path::new("t.toml"), &[]).unwrap();
        assert!(
            s.warnings[0].message.contains(": 21% of the draws"),
            "{:?}",
            s.warnings
        );
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

    #[test]
    fn a_vendor_that_can_serve_no_tier_is_warned_about() {
        let source = |access: &str, event: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\ntiers = [\"open\", \"secret\"]\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ open = 1.0 }}\n\
                [[vendor]]\nname = \"Idle\"\nbrand = 0.5\naccess = {access}\n\
                [[agency]]\nname = \"B\"\nunits = 10\ntiers = {{ open = 1.0 }}\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n{event}"
            )
        };
        let idle = |access: &str, event: &str| -> Vec<Diagnostic> {
            validate(&source(access, event), Path::new("t.toml"), &[])
                .unwrap()
                .warnings
                .into_iter()
                .filter(|w| w.message.starts_with("vendor 'Idle' can serve no tier"))
                .collect()
        };
        for nothing in [
            "{}",
            "{ secret = 0.0 }",
            "{ open = 0, secret = { uniform = [-1.0, 0.0] } }",
        ] {
            let w = idle(nothing, "");
            assert_eq!(w.len(), 1, "{nothing}");
            assert_eq!(w[0].line, Some(11), "at its access: {w:?}");
            assert!(
                w[0].message
                    .ends_with("give it access = { open = ... } (tiers are: open, secret)"),
                "{}",
                w[0].message
            );
        }
        // Access at a tier without units still serves it; access given by
        // an event within the horizon serves from then on.
        assert!(idle("{ secret = 0.3 }", "").is_empty());
        let grant = |at: u32, vendor: &str| {
            format!(
                "[[event]]\nat = {at}\nvendor = \"{vendor}\"\nset = {{ \"access.open\" = 0.5 }}\n"
            )
        };
        assert!(idle("{}", &grant(6, "Idle")).is_empty());
        // Not an event of another vendor's, nor one after the horizon.
        assert_eq!(idle("{}", &grant(6, "A")).len(), 1);
        assert_eq!(idle("{}", &grant(12, "Idle")).len(), 1);
        // When no vendor serves anything, the tiers' warnings say it once.
        let nobody = source("{}", "").replace("access = { open = 1.0 }", "access = {}");
        let w = validate(&nobody, Path::new("t.toml"), &[])
            .unwrap()
            .warnings;
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.starts_with("tier 'open' holds units"), "{w:?}");
    }

    #[test]
    fn a_tier_no_vendor_can_serve_is_warned_about() {
        let source = |fractions: &str, event: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\ntiers = [\"open\",\n \"secret\"]\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ open = 1.0, secret = 0.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\ntiers = {fractions}\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n{event}"
            )
        };
        let warnings = |fractions: &str, event: &str| {
            validate(&source(fractions, event), Path::new("t.toml"), &[])
                .unwrap()
                .warnings
        };
        let split = "{ open = 0.6, secret = 0.4 }";
        let w = warnings(split, "");
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, Some(4), "at the tier's name");
        assert!(
            w[0].message
                .starts_with("tier 'secret' holds units, but no vendor can serve it")
                && w[0]
                    .message
                    .ends_with("give a vendor access = { secret = ... }"),
            "{}",
            w[0].message
        );
        // An event within the horizon that grants access: served.
        let grant = |at: u32, op: &str, value: &str| {
            format!(
                "[[event]]\nat = {at}\nvendor = \"A\"\n{op} = {{ \"access.secret\" = {value} }}\n"
            )
        };
        assert!(warnings(split, &grant(6, "set", "0.5")).is_empty());
        assert!(warnings(split, &grant(6, "add", "0.2")).is_empty());
        assert!(warnings(split, &grant(6, "set", "{ uniform = [0.0, 0.3] }")).is_empty());
        // One after the horizon (which is warned about as well), or one
        // that grants nothing: still unserved.
        let unserved = |event: &str| {
            warnings(split, event)
                .iter()
                .filter(|w| w.message.starts_with("tier 'secret' holds"))
                .count()
        };
        assert_eq!(unserved(&grant(12, "set", "0.5")), 1);
        assert_eq!(unserved(&grant(6, "set", "0.0")), 1);
        // Access above 0 in about 3 runs in ten million is not service.
        assert_eq!(unserved(&grant(6, "set", "{ normal = [-1.0, 0.2] }")), 1);
        // In 0.6% of runs it is (a clamping warning is given instead).
        assert_eq!(unserved(&grant(6, "set", "{ normal = [-0.5, 0.2] }")), 0);
        // No units in the tier: nothing waits, nothing to say.
        assert!(warnings("{ open = 1.0 }", "").is_empty());
        // The default single tier, unserved: at the first agency with units,
        // and a name TOML must quote is quoted in the suggestion.
        let single = "start = \"2026-01\"\nperiods = 12\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 0.0 }\n\
            [[agency]]\nname = \"Empty\"\nunits = 0\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n\
            [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n";
        let w = validate(single, Path::new("t.toml"), &[]).unwrap().warnings;
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, Some(13), "{w:?}");
        let spaced = source(split, "")
            .replace("\"secret\"", "\"top secret\"")
            .replace("secret =", "\"top secret\" =");
        let w = validate(&spaced, Path::new("t.toml"), &[])
            .unwrap()
            .warnings;
        assert!(
            w[0].message.ends_with("access = { \"top secret\" = ... }"),
            "{w:?}"
        );
    }

    #[test]
    fn an_integer_date_that_reads_as_a_year_gets_a_hint() {
        let source = |at: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n\
                [[event]]\nat = {at}\nvendor = \"A\"\nset = {{ brand = 0.6 }}\n"
            )
        };
        let s = validate(&source("2027"), Path::new("t.toml"), &[]).unwrap();
        assert_eq!(
            s.warnings[0].message,
            "event 1 (at period 2027) falls after the last period (11, 2026-12) and never fires; an integer at is a period index (0 is 2026-01): for a month of 2027 write at = \"2027-01\""
        );
        let s = validate(&source("40"), Path::new("t.toml"), &[]).unwrap();
        assert_eq!(
            s.warnings[0].message,
            "event 1 (at period 40) falls after the last period (11, 2026-12) and never fires"
        );
    }

    /// A name that refers to nothing lists what it could have been, but
    /// only the first few of thousands: a file of 3,000 vendors with a
    /// misspelt one in each of 100 events must not print a list of every
    /// vendor 100 times.
    #[test]
    fn messages_list_a_bounded_number_of_declared_names() {
        let mut source = String::from("start = \"2026-01\"\nperiods = 12\n");
        for i in 0..3000 {
            source.push_str(&format!(
                "[[vendor]]\nname = \"Vendor {i}\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n"
            ));
        }
        source.push_str(
            "[[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n",
        );
        for _ in 0..100 {
            source.push_str("[[event]]\nat = 1\nvendor = \"Vendor 12x\"\nset = { brand = 0.6 }\n");
        }
        let errors = validate(&source, Path::new("t.toml"), &[]).unwrap_err();
        assert_eq!(errors.len(), 100);
        let message = &errors[0].message;
        assert!(
            message.contains("vendors are: Vendor 0, Vendor 1, ")
                && message.contains("Vendor 19 and 2980 more; did you mean 'Vendor 12'?"),
            "{message}"
        );
        assert!(message.len() < 500, "{} bytes: {message}", message.len());
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

    #[test]
    fn suggestions() {
        assert_eq!(suggest("brnd", ["brand", "access"]), Some("brand"));
        assert_eq!(suggest("Acne", ["Acme", "Zeta"]), Some("Acme"));
        assert_eq!(suggest("xyz", ["brand", "access"]), None);
    }
}
