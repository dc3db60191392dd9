//! The scenario file as TOML says it: serde structures with source spans.
//!
//! Nothing here checks meaning; `validate` turns these into a `Scenario`.
//! Numbers are kept as `toml::Value` so that a plain number, an integer and a
//! distribution table can each get a precise message.
//!
//! [`read`] first walks the file as plain TOML against the keys each table
//! may hold and the kind of value each takes (`keys`), so that a key that
//! is unknown or holds the wrong kind of value is named with its line and
//! the form it needs, every such problem at once; serde's own wording
//! ("invalid type: map, expected a sequence") is left for what the walk does
//! not foresee.
//!
//! When the TOML itself does not parse, [`read`] says the likely slip
//! (`syntax`) with the parser's grammar-worded error or instead of it: a
//! key given twice, a month left unquoted, a number written as a
//! spreadsheet shows it (read by `spreadsheet`), a value missing, a list
//! without commas or a `{` left open, a file that is CSV rather than TOML.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::de::{DeTable, DeValue};
use toml::{Spanned, Value};

mod keys;
mod syntax;

use self::keys::*;
use self::syntax::*;
use super::lines::{LineIndex, line_number};
use super::lookup::suggest;
use super::names::{listed_name, printable};
use super::spreadsheet::{
    NumberKind, SpreadsheetNumber, out_of_range, range_of_key, spreadsheet_number,
};

pub type SpannedValue = Spanned<Value>;
pub type SpannedMap = Spanned<BTreeMap<String, SpannedValue>>;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<Spanned<String>>,
    pub start: Option<Spanned<String>>,
    pub periods: Option<SpannedValue>,
    pub step: Option<Spanned<String>>,
    pub runs: Option<SpannedValue>,
    pub seed: Option<SpannedValue>,
    pub tiers: Option<Spanned<Vec<Spanned<String>>>>,
    pub choice: Option<SpannedMap>,
    #[serde(default)]
    pub vendor: Vec<Spanned<RawVendor>>,
    #[serde(default)]
    pub agency: Vec<Spanned<RawAgency>>,
    #[serde(default)]
    pub event: Vec<Spanned<RawEvent>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    pub name: Option<Spanned<String>>,
    pub brand: Option<SpannedValue>,
    pub access: Option<SpannedMap>,
    pub attributes: Option<SpannedMap>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgency {
    pub name: Option<Spanned<String>>,
    pub units: Option<SpannedValue>,
    pub tiers: Option<SpannedMap>,
    pub caution: Option<SpannedValue>,
    pub innovation: Option<SpannedValue>,
    pub imitation: Option<SpannedValue>,
    pub term: Option<SpannedValue>,
    pub annual_value: Option<SpannedValue>,
    pub choice: Option<SpannedMap>,
    #[serde(default)]
    pub initial: Vec<Spanned<RawInitial>>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInitial {
    pub vendor: Option<Spanned<String>>,
    pub tier: Option<Spanned<String>>,
    pub units: Option<SpannedValue>,
    pub remaining: Option<SpannedValue>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub at: Option<SpannedValue>,
    pub until: Option<SpannedValue>,
    pub label: Option<Spanned<String>>,
    pub vendor: Option<Spanned<String>>,
    pub agency: Option<Spanned<String>>,
    pub set: Option<ChangeTable>,
    pub add: Option<ChangeTable>,
    /// The `at` the file gives, when a sweep replaced it (see `vary`).
    #[serde(skip)]
    pub keyed_at: Option<SpannedValue>,
}

/// An event's `set` or `add` table, or a table nested in one.
pub type ChangeTable = BTreeMap<String, Spanned<ChangeEntry>>;

/// Whether the table given for `path` (dotted, from the top of a `set` or
/// `add`) is a distribution (`brand = { uniform = [0.2, 0.5] }`, one value)
/// rather than more keys (`access = { secret = 0.9 }`): it has one key, a
/// family's name, and `path` is not `access`, `attributes` or `choice`,
/// whose tables are keyed by tier, attribute or weight. So a tier named like
/// a family is a key (`access = { normal = 0.5 }`, or with a distribution as
/// its value), and a distribution written wrong (`brand = { normal = 0.5 }`)
/// is still read as one and told its form.
pub fn is_distribution(path: &str, table: &ChangeTable) -> bool {
    !matches!(path, "access" | "attributes" | "choice")
        && table.len() == 1
        && table
            .keys()
            .all(|k| super::param::FAMILIES.contains(&k.as_str()))
}

/// One entry of a `set` or `add` table: a value, or a table of further keys
/// (`access = { secret = 0.9 }`, `set.access.secret = 0.9` or an
/// `[event.set.access]` table). Keys at every level keep their own span, so a
/// message about a key names the line it is on.
#[derive(Debug)]
pub enum ChangeEntry {
    Value(Value),
    Table(ChangeTable),
}

impl ChangeEntry {
    /// The entry as plain TOML.
    pub fn to_value(&self) -> Value {
        match self {
            ChangeEntry::Value(v) => v.clone(),
            ChangeEntry::Table(t) => Value::Table(
                t.iter()
                    .map(|(k, v)| (k.clone(), v.get_ref().to_value()))
                    .collect(),
            ),
        }
    }
}

/// The one key of the map through which the TOML deserializer hands over a
/// date.
const DATETIME_FIELD: &str = "$__toml_private_datetime";

impl<'de> Deserialize<'de> for ChangeEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = ChangeEntry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<ChangeEntry, E> {
        Ok(ChangeEntry::Value(Value::Boolean(b)))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<ChangeEntry, E> {
        Ok(ChangeEntry::Value(Value::Integer(i)))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<ChangeEntry, E> {
        i64::try_from(u)
            .map(|i| ChangeEntry::Value(Value::Integer(i)))
            .map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<ChangeEntry, E> {
        Ok(ChangeEntry::Value(Value::Float(x)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<ChangeEntry, E> {
        Ok(ChangeEntry::Value(Value::String(s.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ChangeEntry, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(ChangeEntry::Value)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ChangeEntry, A::Error> {
        let mut table = ChangeTable::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == DATETIME_FIELD {
                let text: String = map.next_value()?;
                return text
                    .parse()
                    .map(|d| ChangeEntry::Value(Value::Datetime(d)))
                    .map_err(de::Error::custom);
            }
            let value = map.next_value()?;
            table.insert(key, value);
        }
        Ok(ChangeEntry::Table(table))
    }
}

/// A problem with the file as TOML, at a span of it when there is one.
pub type Problem = (Option<Range<usize>>, String);

/// Reads a scenario file as written, or says what is wrong with it as TOML:
/// the first syntax error, or else every unknown key and every value of the
/// wrong kind (a date where a quoted month belongs, `[vendor]` for
/// `[[vendor]]`, an integer beyond what TOML holds), sorted by position.
pub fn read(source: &str) -> Result<RawScenario, Vec<Problem>> {
    let document = match DeTable::parse(source) {
        Ok(document) => document,
        Err(e) => {
            let message = match e.span() {
                Some(span) if e.message().trim() == "duplicate key" => {
                    explain_duplicate(source, &span)
                }
                Some(span) => match unquoted_month(source, &span) {
                    Some(fix) => format!(
                        "a month is text in quotes, {fix} (TOML reads a bare YYYY-MM as the start of a date: {})",
                        e.message().trim()
                    ),
                    None => spreadsheet_value(source, &span).unwrap_or_else(|| {
                        let message = explain_toml_error(e.message());
                        match syntax_hint(source, &span) {
                            Some(hint) => format!("{message}; {hint}"),
                            None => message,
                        }
                    }),
                },
                None => explain_toml_error(e.message()),
            };
            let message = if looks_like_csv(source) {
                format!(
                    "{message}; the file reads like a spreadsheet saved as text (CSV or tab-separated), but a scenario is TOML: key = value lines and [[vendor]], [[agency]] blocks, as in scenarios/minimal.toml"
                )
            } else {
                message
            };
            let span = e.span().or_else(|| line_of_spanless(source, e.message()));
            return Err(vec![(span, message)]);
        }
    };
    let mut problems = key_problems(source, document.get_ref());
    if !problems.is_empty() {
        problems.sort_by_key(|(span, _)| span.as_ref().map(|s| s.start));
        return Err(problems);
    }
    toml::from_str(source).map_err(|e| vec![(e.span(), explain_toml_error(e.message()))])
}

/// Rewords serde's messages and adds a suggestion for misspelt keys.
pub fn explain_toml_error(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `")
        && let Some((field, expected)) = rest.split_once("`, expected ")
    {
        let allowed: Vec<&str> = expected
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        return unknown_key(field, &allowed);
    }
    // The parser words its depth limit two ways: for dotted keys, and for
    // arrays and inline tables nested in a value.
    if message == "recursion limit" || message == "cannot recurse further; max recursion depth met"
    {
        return "invalid TOML: keys, tables or arrays nested too deeply (the parser's recursion limit)"
            .to_string();
    }
    format!("invalid TOML: {message}")
}

/// "unknown key 'x' (unknown keys are errors); allowed here: ...".
fn unknown_key(key: &str, allowed: &[&str]) -> String {
    let mut text = format!(
        "unknown key '{key}' (unknown keys are errors); allowed here: {}",
        allowed.join(", ")
    );
    let synonym = || {
        SYNONYMS
            .iter()
            .find(|(word, _)| word.eq_ignore_ascii_case(key.trim()))
            .map(|&(_, meant)| meant)
            .filter(|meant| allowed.contains(meant))
    };
    if let Some(s) = suggest(key, allowed.iter().copied()).or_else(synonym) {
        text.push_str(&format!("; did you mean '{s}'?"));
    }
    text
}

/// Words a user may reach for in place of a key (`[weights]` for
/// `[choice]`), which their spelling alone would not suggest; each only
/// where its key is allowed.
const SYNONYMS: &[(&str, &str)] = &[
    ("weights", "choice"),
    ("weight", "choice"),
    ("price", "annual_value"),
    ("contract_value", "annual_value"),
    ("value", "annual_value"),
    ("date", "at"),
    ("contracts", "initial"),
    ("initial_contracts", "initial"),
    ("incumbents", "initial"),
    ("name", "label"),
    ("title", "label"),
];

/// What to say of a TOML date or time given for `what` (written `key =`)
/// where a quoted month belongs, or (`or_else`) some other form: the month
/// to write instead when there is a date.
pub fn unquoted_date(what: &str, key: &str, or_else: &str, d: &toml::value::Datetime) -> String {
    match d.date {
        Some(date) => {
            let month = format!("\"{:04}-{:02}\"", date.year, date.month);
            format!(
                "{what} must be a quoted month like {month}{or_else}, not a TOML date: write {key} = {month}"
            )
        }
        None => {
            format!("{what} must be a quoted month like \"2026-01\"{or_else}, not a time of day")
        }
    }
}

#[cfg(test)]
mod tests;
