//! The scenario file as TOML says it: serde structures with source spans.
//!
//! Nothing here checks meaning; `validate` turns these into a `Scenario`.
//! Numbers are kept as `toml::Value` so that a plain number, an integer and a
//! distribution table can each get a precise message.
//!
//! [`read`] first walks the file as plain TOML against [`SCENARIO`], the
//! keys each table may hold and the kind of value each takes, so that a key
//! that is unknown or holds the wrong kind of value is named with its line
//! and the form it needs, every such problem at once; serde's own wording
//! ("invalid type: map, expected a sequence") is left for what the walk does
//! not foresee.
//!
//! When the TOML itself does not parse, [`read`] says the likely slip
//! with the parser's grammar-worded error or instead of it: a key given
//! twice (`explain_duplicate`), a month left unquoted (`unquoted_month`), a
//! number written as a spreadsheet shows it (`spreadsheet_value`, read by
//! `spreadsheet`), a value missing, a list without commas or a `{` left
//! open (`syntax_hint`), a file that is CSV rather than TOML
//! (`looks_like_csv`).

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::de::{DeTable, DeValue};
use toml::{Spanned, Value};

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
    let mut problems = Vec::new();
    let walk = Walk {
        source,
        index: std::cell::OnceCell::new(),
    };
    walk.block(document.get_ref(), &SCENARIO, &[], &mut problems);
    problems.extend(headers_apart_from_their_block(source, document.get_ref()));
    if !problems.is_empty() {
        problems.sort_by_key(|(span, _)| span.as_ref().map(|s| s.start));
        return Err(problems);
    }
    toml::from_str(source).map_err(|e| vec![(e.span(), explain_toml_error(e.message()))])
}

/// The tables and lists of blocks written under a header of their own
/// inside a block (`[[agency.initial]]`, `[vendor.attributes]`,
/// `[event.set]`, `[vendor.access.secret]`) that another block's or table's
/// header separates from their block's own header. TOML gives such a header
/// to the last block of the list above it, however far above, so an
/// `[[agency.initial]]` written after the `[[event]]` blocks would quietly
/// give its contracts to the last agency; docs/scenario-reference.md asks
/// for each to follow its own block's header.
fn headers_apart_from_their_block(source: &str, document: &DeTable) -> Vec<Problem> {
    // The start of the line on which `span` starts, when that line is a
    // header: a table made by a header has the span of its brackets, or of
    // its key within them where the header makes a table below one.
    let header_line = |span: &Range<usize>| {
        let start = start_of_line(source, span.start);
        source[start..]
            .trim_start()
            .starts_with('[')
            .then_some(start)
    };
    // Every header of a block or a table of the file itself, by line, in order.
    let mut opened: Vec<(usize, String)> = Vec::new();
    for (key, value) in document.iter() {
        let key = key.get_ref();
        match value.get_ref() {
            DeValue::Array(items) => opened.extend(
                items
                    .iter()
                    .filter_map(|item| header_line(&item.span()))
                    .map(|at| (at, format!("[[{}]]", toml_key(key)))),
            ),
            DeValue::Table(table) => {
                if let Some(at) = header_line(&value.span()) {
                    opened.push((at, format!("[{}]", toml_key(key))));
                }
                // `[choice.speed]` opens a table of the file as well.
                headers_within(table, &toml_key(key), &header_line, &mut opened);
            }
            _ => {}
        }
    }
    one_header_per_line(&mut opened);
    let line = |at: usize| line_number(source.as_bytes(), at);
    let mut out = Vec::new();
    for (key, value) in document.iter() {
        let DeValue::Array(items) = value.get_ref() else {
            continue;
        };
        let key = key.get_ref();
        for item in items.iter() {
            let (Some(own), DeValue::Table(block)) = (header_line(&item.span()), item.get_ref())
            else {
                continue;
            };
            let naming = if key.as_ref() == "event" {
                "label"
            } else {
                "name"
            };
            let name = match block.get(naming).map(|n| n.get_ref()) {
                Some(DeValue::String(n)) => format!(" ('{}')", printable(&listed_name(n))),
                _ => String::new(),
            };
            let mut headers = Vec::new();
            headers_within(block, &toml_key(key), &header_line, &mut headers);
            one_header_per_line(&mut headers);
            for (at, header) in headers {
                // The last header of a block or of the file above this one.
                let before = opened.partition_point(|(start, _)| *start < at);
                let Some((between, other)) = before.checked_sub(1).map(|i| &opened[i]) else {
                    continue;
                };
                if *between != own {
                    out.push((
                        Some(at..at),
                        format!(
                            "{header} comes after {other} (line {}), but TOML gives it to the [[{key}]] above that one, on line {}{name}: write it directly below the [[{key}]] it belongs to",
                            line(*between),
                            line(own)
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// `headers` (each line's start and a header) in order of their lines, one
/// per line: a header that makes a table below one it makes too
/// (`[vendor.access.secret]` without `access` above) gives both the line,
/// and the longer names what was written.
fn one_header_per_line(headers: &mut Vec<(usize, String)>) {
    headers.sort_by_key(|(at, header)| (*at, std::cmp::Reverse(header.len())));
    headers.dedup_by_key(|(at, _)| *at);
}

/// `key` as a header writes it: bare when it can be, else quoted
/// (`"top secret"`, `"a.b"`).
fn toml_key(key: &str) -> String {
    if bare_key(key) {
        key.to_string()
    } else {
        format!("{:?}", key)
    }
}

/// The headers inside `table` (of the list of blocks or table `path`), at
/// any depth: each header line's start and how it is written.
fn headers_within(
    table: &DeTable,
    path: &str,
    header_line: &impl Fn(&Range<usize>) -> Option<usize>,
    out: &mut Vec<(usize, String)>,
) {
    for (key, value) in table.iter() {
        let path = format!("{path}.{}", toml_key(key.get_ref()));
        match value.get_ref() {
            DeValue::Table(inner) => {
                if let Some(at) = header_line(&value.span()) {
                    out.push((at, format!("[{path}]")));
                }
                headers_within(inner, &path, header_line, out);
            }
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let DeValue::Table(inner) = item.get_ref() {
                        if let Some(at) = header_line(&item.span()) {
                            out.push((at, format!("[[{path}]]")));
                        }
                        headers_within(inner, &path, header_line, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether `source`, which is not TOML, starts like a spreadsheet saved
/// as text: its first line that is neither blank nor a comment separates
/// cells with commas, semicolons (Excel's CSV where the decimal mark is a
/// comma) or tabs, has no `=`, and opens neither a header nor a JSON
/// object.
fn looks_like_csv(source: &str) -> bool {
    let cells = source
        .lines()
        .map(str::trim)
        .find(|line| {
            // Comments, and comments as INI files and C write them (the
            // syntax error's hint tells those); a line that starts with `;`
            // and has more is a row with an empty first cell.
            let ini_comment = line.starts_with(';') && !line[1..].contains(';');
            !line.is_empty() && !line.starts_with('#') && !ini_comment && !line.starts_with("//")
        })
        .is_some_and(|line| {
            // A comment after the text (`name "A"\t# shown`) is not a cell.
            let text = line.split('#').next().unwrap_or_default().trim();
            text.contains([',', ';', '\t']) && !text.contains('=') && !text.starts_with(['[', '{'])
        });
    cells || lines_in_quoted_cells(source)
}

/// Whether `source` looks like a scenario pasted into a spreadsheet's
/// column and saved as CSV: a line with a comma or a quote then becomes
/// one cell in double quotes, its own quotes doubled
/// (`"name = ""Market, 2026"""`, `"# Illustrative, not data"`). Read from
/// the first line that is neither blank nor a comment (a quoted comment is
/// no comment).
fn lines_in_quoted_cells(source: &str) -> bool {
    let source = source.trim_start_matches('\u{feff}');
    let first = source
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'));
    let Some(line) = first else {
        return false;
    };
    let Some(inside) = line
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    else {
        return false;
    };
    inside.starts_with('#') || (inside.contains('=') && inside.contains("\"\""))
}

/// Where the line that holds byte `at` of `source` starts (`at` past the
/// end counts as the end).
fn start_of_line(source: &str, at: usize) -> usize {
    source[..at.min(source.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1)
}

/// `write KEY = "YYYY-MM"` when the line of `span` gives a key a bare
/// `YYYY-MM` (`start = 2026-01`, `at = 2027-03`), which TOML takes for an
/// unfinished date.
fn unquoted_month(source: &str, span: &std::ops::Range<usize>) -> Option<String> {
    let line_start = start_of_line(source, span.start);
    let line = source[line_start..].lines().next()?;
    let (key, value) = line.split_once('=')?;
    let value = value.split('#').next()?.trim().trim_end_matches(',').trim();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let (year, month) = value.split_once('-')?;
    (digits(year, 4) && digits(month, 2)).then(|| {
        let key = key.trim().trim_start_matches('{').trim();
        format!("write {key} = \"{value}\"")
    })
}

/// `KEY = VALUE is not a TOML number: write KEY = N (why)` when the line of
/// `span` gives a bare key of numbers a number written as a spreadsheet
/// shows it ([`spreadsheet_number`]); inside an inline table or an array
/// (`access = { secret = 50% }`, `uniform = [50%, 90%]`), the same for the
/// value at `span`, one without commas (which separate the values there).
fn spreadsheet_value(source: &str, span: &Range<usize>) -> Option<String> {
    let at = span.start.min(source.len());
    let line_start = start_of_line(source, at);
    let line = source[line_start..].lines().next()?;
    let at = (at - line_start).min(line.len());
    let (key, value) = line.split_once('=')?;
    let value = value.split('#').next()?.trim();
    if value.starts_with(['{', '[']) {
        return spreadsheet_value_within(&source[..line_start], line, at);
    }
    let key = key.trim();
    if !key.split('.').all(bare_key) {
        return None;
    }
    // A dotted key names a tier, an attribute or a weight (`access.seed`),
    // whatever its last part: any number.
    let kind = if key.contains('.') {
        NumberKind::Any
    } else {
        NumberKind::of_key(key)?
    };
    // `100,` is a trailing comma, not a decimal one.
    if value.ends_with(',') {
        return None;
    }
    let n = spreadsheet_number(value, kind)?;
    Some(format!(
        "{key} = {value} is not a TOML number: write {key} = {} ({}){}",
        n.advice(""),
        n.why,
        outside_range(&source[..line_start], key, &n)
    ))
}

/// ", though caution must be in [0, 1]" when the number `n` a hint reads
/// lies outside the range of `key`, on its own line directly in a
/// `[[vendor]]`, `[[agency]]` or `[choice]` table (`before` is the file up
/// to the key's line): a number whose value must lie in its range. An
/// event's number is clamped into it, and a line that may lie inside a
/// value spread over several lines (an inline table, an array, a string)
/// gets nothing, as its key may be another table's.
fn outside_range(before: &str, key: &str, n: &SpreadsheetNumber) -> String {
    // No string of several lines anywhere before (a header-like line may be
    // inside one).
    if before.contains("'''") || before.contains("\"\"\"") {
        return String::new();
    }
    let lines: Vec<&str> = before.lines().collect();
    let Some(at) = lines.iter().rposition(|l| code_of(l).starts_with('[')) else {
        return String::new();
    };
    let table: String = code_of(lines[at])
        .chars()
        .filter(|c| !matches!(c, '[' | ']') && !c.is_whitespace())
        .collect();
    // Every bracket and brace opened since the header closed again: the
    // key's line is the table's own.
    let depth: i64 = lines[at + 1..]
        .iter()
        .map(|l| open_brackets(&code_of(l)))
        .sum();
    if depth != 0 {
        return String::new();
    }
    let (inner, last) = key.split_once('.').unwrap_or(("", key));
    out_of_range(range_of_key(&table, inner, last), key, n)
}

/// Brackets and braces `text` opens less those it closes, outside quoted
/// strings (one line of TOML, without its comment).
fn open_brackets(text: &str) -> i64 {
    let mut quote = None;
    let mut depth = 0;
    for c in text.chars() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            _ => {}
        }
    }
    depth
}

/// A part of a key TOML reads as it stands (else the key is the problem).
fn bare_key(part: &str) -> bool {
    !part.is_empty()
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// [`spreadsheet_value`] for the value at byte `at` of `line`, inside an
/// inline table or an array: the value runs from the `=`, `[`, `{` or `,`
/// before it to the `,`, `}`, `]` or `#` after it.
fn spreadsheet_value_within(before: &str, line: &str, at: usize) -> Option<String> {
    let left = line[..at].rfind(['=', '[', ',', '{'])?;
    let right = line[at..]
        .find([',', '}', ']', '#'])
        .map_or(line.len(), |i| at + i);
    let value = line.get(left + 1..right)?.trim();
    let n = spreadsheet_number(value, NumberKind::Any)?;
    if n.thousands.is_some() {
        return None;
    }
    // The key before `=`, when the value is a table's: bare or quoted.
    let key = (line.as_bytes()[left] == b'=').then(|| {
        let before = &line[..left];
        let start = before.rfind(['{', ',']).map_or(0, |i| i + 1);
        before[start..].trim()
    });
    Some(match key {
        Some(key)
            if key.split('.').all(bare_key) || (key.starts_with('"') && key.ends_with('"')) =>
        {
            // A key of an inline table that a line opens (`access = {
            // unclassified = 1.0, secret = 150% }`) has the range of that
            // table's numbers; one nested deeper, or in quotes, gets none.
            let outer = line
                .find('{')
                .filter(|&brace| brace < left)
                .and_then(|brace| {
                    let nested = open_brackets(&line[brace + 1..left]) != 0;
                    let outer = line[..brace].trim_end().strip_suffix('=')?.trim();
                    (!nested && bare_key(outer) && bare_key(key)).then_some(outer)
                });
            let range = outer.map_or(String::new(), |outer| {
                outside_range(before, &format!("{outer}.{key}"), &n)
            });
            format!(
                "{key} = {value} is not a TOML number: write {key} = {} ({}){range}",
                n.number, n.why
            )
        }
        _ => format!(
            "{value} is not a TOML number: write {} ({})",
            n.number, n.why
        ),
    })
}

/// `line` as TOML code: without its comment, and with the contents of its
/// quoted strings left out (`name = "A {b}" # c` is `name = ""`), so that
/// brackets, `=` and `#` within a string count for nothing. Trimmed.
fn code_of(line: &str) -> String {
    untrimmed_code_of(line).trim().to_string()
}

/// [`code_of`] before trimming, which would take spaces other than TOML's
/// (a non-breaking space) from its ends.
fn untrimmed_code_of(line: &str) -> String {
    let mut code = String::with_capacity(line.len());
    let mut quote = None;
    let mut escaped = false;
    for c in line.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if q == '"' && c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    code.push(c);
                }
            }
            None if c == '#' => break,
            None => {
                if matches!(c, '"' | '\'') {
                    quote = Some(c);
                }
                code.push(c);
            }
        }
    }
    code
}

/// `{` less `}` in TOML code (see [`code_of`]).
fn open_braces(code: &str) -> i64 {
    code.chars()
        .map(|c| match c {
            '{' => 1,
            '}' => -1,
            _ => 0,
        })
        .sum()
}

/// What a syntax error most likely is, where the parser words it in terms
/// of its grammar: a value left out after `=` (which it calls an unquoted
/// string), two values where one goes (or one number with its digits
/// grouped by spaces), numbers of a list without commas between them, and
/// an inline table whose closing `}` was left out (which it reports on a
/// later line). `None` for anything else, and wherever a string of several
/// lines may hide what a line means.
fn syntax_hint(source: &str, span: &Range<usize>) -> Option<String> {
    if source.contains("\"\"\"") || source.contains("'''") {
        return None;
    }
    let at = span.start.min(source.len());
    let start = start_of_line(source, at);
    let before: Vec<String> = source[..start].lines().map(code_of).collect();
    let after: Vec<String> = source[start..].lines().map(code_of).collect();
    let code = after.first().cloned().unwrap_or_default();
    // A comment as other formats write it (INI files, C-like languages),
    // on its own line or after a value, unless the file reads like a
    // spreadsheet whose cells `;` separates. Outside strings neither mark
    // is TOML.
    if let Some(mark) = comment_mark(&code)
        && !looks_like_csv(source)
    {
        return Some(format!(
            "a TOML comment starts with #: write # in place of {mark}"
        ));
    }
    // A byte-order mark that opens the file is read as none.
    let line = source[start..].lines().next().unwrap_or_default();
    let line = if start == 0 {
        line.strip_prefix('\u{FEFF}').unwrap_or(line)
    } else {
        line
    };
    if let Some(hint) = control_slip(line) {
        return Some(hint);
    }
    if let Some(hint) = typographic_slip(&untrimmed_code_of(line)) {
        return Some(hint);
    }
    // An inline table that an earlier line (back to a header) opens with an
    // entry, as `access = { unclassified = 1.0` does, and that no `}`
    // closes before the next header. TOML 1.1 lets an inline table go on
    // over lines, so one closed later is no such slip (a comma missing
    // between its entries is, and the parser says so).
    let header = |c: &str| c.starts_with('[') && !c.contains('=') && c.ends_with(']');
    for (back, earlier) in before.iter().rev().enumerate().take(6) {
        if header(earlier) {
            break;
        }
        let Some(brace) = earlier.rfind('{') else {
            continue;
        };
        let entry = earlier[brace + 1..].trim();
        if open_braces(&earlier[brace..]) <= 0 || entry.is_empty() || entry.ends_with(',') {
            continue;
        }
        let mut depth = open_braces(earlier);
        let later = before[before.len() - back..].iter().chain(&after);
        for line in later.take_while(|l| !header(l)) {
            depth += open_braces(line);
            if depth <= 0 {
                return None;
            }
        }
        let number = before.len() - back;
        return Some(format!(
            "line {number} opens {{ without the }} that closes it"
        ));
    }
    let number = |t: &str| t.parse::<f64>().is_ok();
    // `0,3`: a number with a decimal comma.
    let decimal_comma = |t: &str| {
        t.split_once(',').is_some_and(|(a, b)| {
            !a.trim_start_matches('-').is_empty()
                && !b.is_empty()
                && a.trim_start_matches('-')
                    .bytes()
                    .all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
        })
    };
    // Numbers in a list with only spaces between some of them (`[0.5 0.9]`,
    // `[0,3 0,5]`).
    let mut rest = code.as_str();
    while let Some(open) = rest.find('[') {
        let inside = &rest[open + 1..];
        let Some(close) = inside.find(']') else { break };
        let tokens: Vec<&str> = inside[..close].split_whitespace().collect();
        let bare: Vec<&str> = tokens.iter().map(|t| t.trim_end_matches(',')).collect();
        let spaced = tokens[..tokens.len().saturating_sub(1)]
            .iter()
            .any(|t| !t.ends_with(','));
        if tokens.len() >= 2 && spaced && bare.iter().all(|t| number(t) || decimal_comma(t)) {
            let points = bare.iter().any(|t| decimal_comma(t));
            let numbers: Vec<String> = bare.iter().map(|t| t.replace(',', ".")).collect();
            return Some(format!(
                "the numbers of a list are separated by commas{}: [{}]",
                if points {
                    ", each with a decimal point"
                } else {
                    ""
                },
                numbers.join(", ")
            ));
        }
        rest = &inside[close + 1..];
    }
    let (key, value) = code.split_once('=')?;
    let (key, value) = (key.trim(), value.trim());
    if !key
        .split('.')
        .all(|k| bare_key(k.trim()) || k.trim().starts_with('"'))
    {
        return None;
    }
    if value.is_empty() {
        return Some(format!("the value after `{key} =` is missing"));
    }
    // `012`, `-007.5`: a number with leading zeros, which TOML refuses; a
    // name, where such text is meant as written, goes in quotes. A key with
    // a quoted part shows here without its text, so it is left alone.
    let (sign, digits) = match value.strip_prefix(['-', '+']) {
        Some(rest) => (&value[..1], rest),
        None => ("", value),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.len() > 1
        && whole.starts_with('0')
        && whole.bytes().all(|c| c.is_ascii_digit())
        && fraction.bytes().all(|c| c.is_ascii_digit())
        && !(digits.contains('.') && fraction.is_empty())
        && !key.contains(['"', '\''])
    {
        let last = key.rsplit('.').next().unwrap_or(key).trim();
        if ["name", "label", "vendor", "agency", "tier"].contains(&last) {
            return Some(format!(
                "a name is text in quotes: write {key} = \"{value}\""
            ));
        }
        let trimmed = whole.trim_start_matches('0');
        let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
        let point = if digits.contains('.') { "." } else { "" };
        let sign = if sign == "-" { "-" } else { "" };
        return Some(format!(
            "a TOML number has no leading zeros: write {key} = {sign}{trimmed}{point}{fraction}"
        ));
    }
    let words: Vec<&str> = value.split_whitespace().collect();
    if words.len() < 2 || !words.iter().all(|w| number(w)) {
        return None;
    }
    // `1 000 000`: one number with its digits grouped by spaces.
    let digits = |w: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&w.len()) && w.bytes().all(|c| c.is_ascii_digit())
    };
    let grouped = digits(words[0], 1..=3) && words[1..].iter().all(|w| digits(w, 3..=3));
    // `100 120` may be either.
    if grouped && (words.len() > 2 || words[0].len() < 3) {
        return Some(format!(
            "write {key} = {} (without spaces between groups of digits)",
            words.concat()
        ));
    }
    let or_grouped = if grouped {
        format!(
            " (or, if the space groups digits, write {key} = {})",
            words.concat()
        )
    } else {
        String::new()
    };
    Some(format!(
        "`{key} =` takes one value, here followed by more: `{}`{or_grouped}",
        words.join(" ")
    ))
}

/// The comment mark of another format (`;` of INI files, `//` of C) that
/// TOML code (see [`code_of`]) uses as one: one that opens the line, or one
/// after whitespace that ends a header or a whole `key = value` (a quoted
/// string, a number, a boolean, or a list or table closed before it), not
/// inside brackets. `None` where the mark is more likely part of a value
/// written without quotes (`http://`, `Acme; Inc`) or a list separator.
fn comment_mark(code: &str) -> Option<&'static str> {
    let marks = [";", "//"];
    if let Some(mark) = marks.into_iter().find(|m| code.starts_with(m)) {
        return Some(mark);
    }
    let (at, mark) = marks
        .into_iter()
        .filter_map(|m| code.find(&format!(" {m}")).map(|at| (at, m)))
        .min_by_key(|(at, _)| *at)?;
    let before = code[..at].trim_end();
    let depth = open_brackets(before);
    let is_header = before.starts_with('[') && before.ends_with(']') && !before.contains('=');
    let whole_value = || {
        let (_, value) = before.split_once('=')?;
        let value = value.trim();
        let whole = value == "\"\""
            || value == "''"
            || value.parse::<f64>().is_ok()
            || matches!(value, "true" | "false")
            || (value.starts_with('[') && value.ends_with(']'))
            || (value.starts_with('{') && value.ends_with('}'));
        whole.then_some(())
    };
    (depth == 0 && (is_header || whole_value().is_some())).then_some(mark)
}

/// What a word processor, a web page or a spreadsheet may have put in TOML
/// code (see [`code_of`]: outside strings) in place of what TOML reads:
/// curly quotes for straight ones, a full-width equals sign, a
/// non-breaking space. `None` if the code has none of them.
fn typographic_slip(code: &str) -> Option<String> {
    let found = |set: &[char]| -> Vec<char> {
        let mut seen: Vec<char> = Vec::new();
        for c in code.chars().filter(|c| set.contains(c)) {
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        seen
    };
    let listed = |chars: &[char]| {
        chars
            .iter()
            .map(|c| format!("{c} (U+{:04X})", u32::from(*c)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut slips = Vec::new();
    let quotes = found(&[
        '\u{201C}', '\u{201D}', '\u{201E}', '\u{201F}', '\u{2018}', '\u{2019}', '\u{201A}',
        '\u{201B}', '\u{FF02}', '\u{FF07}', '\u{00AB}', '\u{00BB}',
    ]);
    if !quotes.is_empty() {
        slips.push(format!(
            "{} {}: write straight quotes, \" or ' (word processors, web pages and some keyboard layouts type the others)",
            listed(&quotes),
            if quotes.len() == 1 {
                "is not a TOML quote"
            } else {
                "are not TOML quotes"
            }
        ));
    }
    let equals = found(&['\u{FF1D}']);
    if !equals.is_empty() {
        slips.push(format!(
            "{} is not TOML's equals sign: write =",
            listed(&equals)
        ));
    }
    // Invisible, so named rather than shown: every space but TOML's own,
    // and the zero-width ones.
    let mut spaces: Vec<String> = Vec::new();
    for c in code.chars().filter(|&c| {
        // Not U+0085, U+2028 and U+2029, which break lines.
        (!c.is_ascii() && c.is_whitespace() && !matches!(c, '\u{0085}' | '\u{2028}' | '\u{2029}'))
            || matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}')
    }) {
        let name = match c {
            '\u{00A0}' => "a non-breaking space",
            '\u{2007}' => "a figure space",
            '\u{202F}' => "a narrow non-breaking space",
            '\u{3000}' => "an ideographic space",
            '\u{200B}' | '\u{2060}' | '\u{FEFF}' => "a zero-width space",
            _ => "a wide space",
        };
        let named = format!("{name} (U+{:04X})", u32::from(c));
        if !spaces.contains(&named) {
            spaces.push(named);
        }
    }
    if !spaces.is_empty() {
        slips.push(format!(
            "the line has {}, which TOML does not read as a space: write an ordinary space",
            spaces.join(" and ")
        ));
    }
    (!slips.is_empty()).then(|| slips.join("; "))
}

/// A control character in `line` (other than a tab), which TOML allows
/// nowhere raw, named, since it shows as nothing or as a box and the
/// parser's message speaks of what it expected instead: a form feed an
/// editor left as a page break, a NUL or an escape from a pasted terminal
/// text. And, outside strings and comments, a line or paragraph separator
/// (U+2028, U+2029), which an editor shows as a line break and TOML does
/// not read as one. `None` if the line has neither.
fn control_slip(line: &str) -> Option<String> {
    if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
        if c == '\r' {
            // Lines split at line feeds, each taking its carriage return
            // along: one left within a line ends a line on its own.
            return Some(
                "the line has a carriage return (U+000D) with no line feed after it, which TOML does not read as a line break: save the file with ordinary line endings (LF, or CR LF)".to_string(),
            );
        }
        let name = match c {
            '\0' => "a NUL character",
            '\u{0B}' => "a vertical tab",
            '\u{0C}' => "a form feed",
            '\u{1B}' => "an escape character",
            '\u{7F}' => "a delete character",
            '\u{85}' => "a next-line character",
            _ => "a control character",
        };
        let code = u32::from(c);
        let page_break = if c == '\u{0C}' { ", a page break" } else { "" };
        return Some(format!(
            "the line has {name} (U+{code:04X}{page_break}), which shows as nothing and TOML does not allow: delete it (in a quoted string, write it as an escape, \\u{code:04X})"
        ));
    }
    let code = untrimmed_code_of(line);
    let separator = code
        .chars()
        .find(|c| matches!(c, '\u{2028}' | '\u{2029}'))?;
    Some(format!(
        "the line has a {} separator (U+{:04X}), which an editor may show as a line break but TOML does not read as one: write an ordinary line break",
        if separator == '\u{2028}' {
            "line"
        } else {
            "paragraph"
        },
        u32::from(separator)
    ))
}

/// Where a syntax error the parser reports without a position (its
/// nesting limit) lies: the start of the first line such that the file up
/// to and including it fails with `message`, found by bisection over the
/// lines, a handful of parses made only once the file is known to be bad.
fn line_of_spanless(source: &str, message: &str) -> Option<Range<usize>> {
    let ends: Vec<usize> = source
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .chain((!source.ends_with('\n')).then_some(source.len()))
        .collect();
    let fails = |line: usize| match DeTable::parse(&source[..ends[line]]) {
        Err(e) => e.span().is_none() && e.message() == message,
        Ok(_) => false,
    };
    // Invariant: lines before `low` do not fail; the prefix to `high` does.
    let (mut low, mut high) = (0, ends.len().checked_sub(1)?);
    if !fails(high) {
        return None;
    }
    while low < high {
        let mid = low + (high - low) / 2;
        if fails(mid) {
            high = mid;
        } else {
            low = mid + 1;
        }
    }
    let start = if high == 0 { 0 } else { ends[high - 1] };
    Some(start..start)
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

/// The kind of value a key takes.
#[derive(Clone, Copy)]
enum Shape {
    /// A string; says what it holds, e.g. "a vendor's name in quotes".
    Text(&'static str),
    /// A month as a string, `"YYYY-MM"`.
    Month,
    /// A list of names: the scenario's `tiers`.
    Names,
    /// A table of any keys; says what it holds and how it is written.
    Table(&'static str),
    /// Any value; `validate` checks it (a number or a distribution).
    Any,
    /// A list of blocks, each written `[[PATH]]`.
    Blocks(&'static Block),
}

/// A table the file may hold: its keys, in the order serde lists them.
struct Block {
    /// The header of one block (`agency.initial`), or "" for the file.
    path: &'static str,
    /// Why its header has double brackets.
    why: &'static str,
    keys: &'static [(&'static str, Shape)],
}

const NAME: Shape = Shape::Text("a name in quotes, such as name = \"Acme\"");

/// What a scenario file may hold; each list of keys is that of the serde
/// structure above (a test checks it).
const SCENARIO: Block = Block {
    path: "",
    why: "",
    keys: &[
        (
            "name",
            Shape::Text("a title in quotes, such as name = \"Baseline\""),
        ),
        ("start", Shape::Month),
        ("periods", Shape::Any),
        (
            "step",
            Shape::Text("\"month\", \"quarter\" or \"year\", in quotes"),
        ),
        ("runs", Shape::Any),
        ("seed", Shape::Any),
        ("tiers", Shape::Names),
        (
            "choice",
            Shape::Table("a table of weights, written [choice] with one weight per line below it"),
        ),
        ("vendor", Shape::Blocks(&VENDOR)),
        ("agency", Shape::Blocks(&AGENCY)),
        ("event", Shape::Blocks(&EVENT)),
    ],
};

const VENDOR: Block = Block {
    path: "vendor",
    why: "vendors are a list of blocks, one per vendor",
    keys: &[
        ("name", NAME),
        ("brand", Shape::Any),
        (
            "access",
            Shape::Table("a table of tier = access, such as access = { unclassified = 1.0 }"),
        ),
        (
            "attributes",
            Shape::Table("a table of attribute = value, such as attributes = { capability = 0.9 }"),
        ),
    ],
};

const AGENCY: Block = Block {
    path: "agency",
    why: "agencies are a list of blocks, one per agency",
    keys: &[
        ("name", NAME),
        ("units", Shape::Any),
        (
            "tiers",
            Shape::Table(
                "a table of tier = fraction, such as tiers = { unclassified = 0.5, secret = 0.5 }",
            ),
        ),
        ("caution", Shape::Any),
        ("innovation", Shape::Any),
        ("imitation", Shape::Any),
        ("term", Shape::Any),
        ("annual_value", Shape::Any),
        (
            "choice",
            Shape::Table("a table of weights, such as choice = { incumbency = 2.5 }"),
        ),
        ("initial", Shape::Blocks(&INITIAL)),
    ],
};

const INITIAL: Block = Block {
    path: "agency.initial",
    why: "contracts in force are a list of blocks, each after the [[agency]] it belongs to",
    keys: &[
        (
            "vendor",
            Shape::Text("a vendor's name in quotes, such as vendor = \"Acme\""),
        ),
        (
            "tier",
            Shape::Text("a tier's name in quotes, such as tier = \"secret\""),
        ),
        ("units", Shape::Any),
        ("remaining", Shape::Any),
    ],
};

const EVENT: Block = Block {
    path: "event",
    why: "events are a list of blocks, one per event",
    keys: &[
        ("at", Shape::Any),
        ("until", Shape::Any),
        (
            "label",
            Shape::Text("a description in quotes, such as label = \"New accreditation\""),
        ),
        (
            "vendor",
            Shape::Text("a vendor's name in quotes, such as vendor = \"Acme\""),
        ),
        (
            "agency",
            Shape::Text("an agency's name in quotes, or \"*\" for every agency"),
        ),
        (
            "set",
            Shape::Table("a table of key = value, such as set = { brand = 0.9 }"),
        ),
        (
            "add",
            Shape::Table("a table of key = amount, such as add = { brand = 0.05 }"),
        ),
    ],
};

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

/// The kind of a TOML value, for messages (as `validate` names them).
fn kind(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a TOML date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

type Item<'i> = Spanned<DeValue<'i>>;

/// The innermost of the tables `within` that has `key` as a key of its own
/// (not a list of blocks), with the shape of that key.
fn owner_of<'t>(
    key: &str,
    within: &[(&'static Block, &'t DeTable<'t>)],
) -> Option<(&'static Block, &'t DeTable<'t>, Shape)> {
    within.iter().rev().find_map(|&(owner, table)| {
        owner
            .keys
            .iter()
            .find(|(k, shape)| *k == key && !matches!(shape, Shape::Blocks(_)))
            .map(|(_, shape)| (owner, table, *shape))
    })
}

struct Walk<'s> {
    source: &'s str,
    /// Where each line starts and each header line's start, kind and path,
    /// made once, when a hint first needs them (a file with thousands of
    /// misplaced keys would otherwise scan the text for each).
    index: std::cell::OnceCell<SourceIndex>,
}

/// The line starts of a scenario's text, and its header lines: where each
/// starts, whether it has double brackets, and its dotted path.
struct SourceIndex {
    lines: LineIndex,
    headers: Vec<(usize, bool, Vec<String>)>,
}

impl SourceIndex {
    fn of(source: &str) -> SourceIndex {
        let lines = LineIndex::of(source);
        let headers = lines
            .starts()
            .iter()
            .filter_map(|&start| {
                let line = source[start..].lines().next()?;
                header(line).map(|(double, path)| (start, double, path))
            })
            .collect();
        SourceIndex { lines, headers }
    }

    /// The line (from 1) on which byte `offset` lies.
    fn line_of(&self, offset: usize) -> usize {
        self.lines.line(offset)
    }
}

impl Walk<'_> {
    /// Checks the keys of one table written as `block`.
    /// `within` holds the tables that enclose it, outermost first (the
    /// file's, then an agency's for a contract in force).
    fn block<'t>(
        &self,
        table: &'t DeTable<'t>,
        block: &'static Block,
        within: &[(&'static Block, &'t DeTable<'t>)],
        out: &mut Vec<Problem>,
    ) {
        let place = if block.path.is_empty() {
            String::new()
        } else {
            format!(" in [[{}]]", block.path)
        };
        // The tables that enclose this block's values.
        let enclosing: Vec<_> = within.iter().copied().chain([(block, table)]).collect();
        for (key, value) in table.iter() {
            let name = key.get_ref().as_ref();
            match block.keys.iter().find(|(k, _)| *k == name) {
                None => {
                    let allowed: Vec<&str> = block.keys.iter().map(|(k, _)| *k).collect();
                    let mut text = unknown_key(name, &allowed);
                    if let Some(hint) = self.misplaced(name, block, key.span().start, within) {
                        text.push_str("; ");
                        text.push_str(&hint);
                    }
                    out.push((Some(key.span()), text));
                }
                Some((_, shape)) => self.value(name, &place, value, *shape, &enclosing, out),
            }
        }
    }

    /// When `key`, unknown in `block`, is a key of a table that holds the
    /// block (`within`, searched from the innermost: an agency's for a
    /// contract in force, then the whole scenario's), and the block was
    /// opened by a header line above `at`: how TOML read the key, and where
    /// it belongs, or where that table already sets it. TOML gives every
    /// key below a header to that header's table, so a `runs = 5000` added
    /// at the end of a file lands in its last `[[event]]`. Said as a
    /// condition ("if 'runs' is meant for the whole scenario"), since the
    /// key may also be a slip for one of the block's own. A key that names a
    /// list of blocks gets no hint; `name`, unknown only in blocks without
    /// one (an event, a contract in force), gets one only where the
    /// enclosing table has no name yet.
    fn misplaced(
        &self,
        key: &str,
        block: &Block,
        at: usize,
        within: &[(&'static Block, &DeTable)],
    ) -> Option<String> {
        let (owner, owner_table, _) = owner_of(key, within)?;
        let already = owner_table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(k, _)| k.span().start);
        // Every event and contract in force would be told to delete a name
        // meant as its label or by mistake; a name the table lacks is told.
        if key == "name" && already.is_some() {
            return None;
        }
        let index = self.index.get_or_init(|| SourceIndex::of(self.source));
        let line_of = |offset: usize| index.line_of(offset);
        // The headers above the key: the last of them, and the last of the
        // owner's.
        let headers = &index.headers[..index.headers.partition_point(|(start, ..)| *start < at)];
        let (start, double, path) = headers.last()?;
        if !double || path.join(".") != block.path {
            return None;
        }
        let captured = format!(
            "TOML puts every key below a header into that header's block, here the [[{}]] on line {}",
            block.path,
            line_of(*start)
        );
        let (whose, where_it_goes) = if owner.path.is_empty() {
            (
                "the whole scenario".to_string(),
                "among the scenario's own keys at the top of the file, before the first [ or [[ header"
                    .to_string(),
            )
        } else {
            let owner_at = headers
                .iter()
                .rposition(|(_, double, path)| *double && path.join(".") == owner.path)?;
            let owner_header = headers[owner_at].0;
            // The owner's own keys end at the next header of any kind (its
            // first contract in force, or a table such as [agency.choice]).
            let (next, next_double, next_path) = headers.get(owner_at + 1)?;
            (
                format!("the {}", owner.path),
                format!(
                    "among the {}'s own keys, below its [[{}]] header on line {} and above the {} header on line {}",
                    owner.path,
                    owner.path,
                    line_of(owner_header),
                    bracketed(*next_double, next_path),
                    line_of(*next)
                ),
            )
        };
        Some(match already.map(line_of) {
            Some(line) => format!(
                "if '{key}' is meant for {whose}: {captured}, and {whose} already sets it on line {line}; change it there and delete this line"
            ),
            None => {
                format!("if '{key}' is meant for {whose}: {captured}; write it {where_it_goes}")
            }
        })
    }

    /// Checks one value, of `key` in the table that `within` ends with.
    fn value<'t>(
        &self,
        key: &str,
        place: &str,
        v: &'t Item<'t>,
        shape: Shape,
        within: &[(&'static Block, &'t DeTable<'t>)],
        out: &mut Vec<Problem>,
    ) {
        let span = v.span();
        // A value of the wrong kind here that is of the right kind for the
        // same key of an enclosing table (`tiers = [...]` added at the end
        // of a file lands in the last [[agency]]): how TOML read it.
        // Only where that table does not set the key yet: otherwise the line
        // is more likely the block's own, written wrong.
        let late = || {
            let ((block, _), outer) = within.split_last()?;
            let (_, owner_table, owner_shape) = owner_of(key, outer)?;
            if owner_table.iter().any(|(k, _)| k.get_ref().as_ref() == key) {
                return None;
            }
            let fits = matches!(
                (owner_shape, v.get_ref()),
                (Shape::Names, DeValue::Array(_))
                    | (Shape::Text(_) | Shape::Month, DeValue::String(_))
                    | (Shape::Table(_), DeValue::Table(_))
                    | (Shape::Any, _)
            );
            fits.then(|| self.misplaced(key, block, span.start, outer))
                .flatten()
        };
        let mut wrong = |what: &str| {
            let mut text = format!("`{key}`{place} must be {what}, not {}", kind(v.get_ref()));
            if let Some(hint) = late() {
                text.push_str("; ");
                text.push_str(&hint);
            }
            out.push((Some(span.clone()), text));
        };
        match (shape, v.get_ref()) {
            (Shape::Text(_) | Shape::Month, DeValue::String(_)) => {}
            (Shape::Month, DeValue::Datetime(d)) => {
                out.push((
                    Some(span.clone()),
                    unquoted_date(&format!("`{key}`"), key, "", d),
                ));
            }
            (Shape::Month, _) => wrong("a quoted month like \"2026-01\""),
            (Shape::Text(what), DeValue::Datetime(_)) => {
                let text = self.source[span.clone()].trim();
                out.push((
                    Some(span.clone()),
                    format!(
                        "`{key}`{place} must be {what}, not a TOML date: write {key} = \"{text}\""
                    ),
                ));
            }
            (Shape::Text(what), _) => wrong(what),
            (Shape::Names, DeValue::Array(items)) => {
                for item in items.iter() {
                    if !matches!(item.get_ref(), DeValue::String(_)) {
                        out.push((
                            Some(item.span()),
                            format!(
                                "`{key}` must list tier names in quotes, such as tiers = [\"unclassified\", \"secret\"], but holds {}",
                                kind(item.get_ref())
                            ),
                        ));
                    }
                }
            }
            (Shape::Names, _) => {
                wrong("a list of tier names, such as tiers = [\"unclassified\", \"secret\"]")
            }
            (Shape::Table(_), DeValue::Table(_)) | (Shape::Any, _) => {
                self.integers(key, place, v, out)
            }
            (Shape::Table(what), _) => wrong(what),
            (Shape::Blocks(block), DeValue::Array(items)) => {
                for item in items.iter() {
                    match item.get_ref() {
                        DeValue::Table(t) => self.block(t, block, within, out),
                        other => out.push((
                            Some(item.span()),
                            format!(
                                "each entry of `{key}`{place} must be a [[{}]] block, not {}",
                                block.path,
                                kind(other)
                            ),
                        )),
                    }
                }
            }
            (Shape::Blocks(block), DeValue::Table(_)) => {
                let path = block.path;
                // A table from a header spans the header itself.
                // A header of blocks inside it (`[[agency.initial]]`) with
                // no `[[agency]]` above makes the table by itself.
                let line_start = start_of_line(self.source, span.start);
                let header = self.source[line_start..]
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start();
                let message = if self.source[span.clone()].starts_with('[') {
                    format!(
                        "`[{path}]` must be written `[[{path}]]`, with double brackets: {}",
                        block.why
                    )
                } else if path == "agency"
                    && header
                        .strip_prefix("[[")
                        .and_then(|h| h.split(']').next())
                        .is_some_and(|inner| inner.trim() == format!("{path}.initial"))
                {
                    let inner = format!("{path}.initial");
                    format!(
                        "[[{inner}]] needs a [[{path}]] block written above it: each [[{inner}]] block belongs to the [[{path}]] just above it"
                    )
                } else {
                    format!(
                        "`{key}`{place} must be a list of blocks, each written `[[{path}]]`, not a single table: {}",
                        block.why
                    )
                };
                out.push((Some(span.clone()), message));
            }
            (Shape::Blocks(block), _) => wrong(&format!(
                "a list of blocks, each written `[[{}]]`",
                block.path
            )),
        }
    }

    /// Integers anywhere in `v` must fit TOML's 64 bits; serde would say
    /// "invalid type: integer ... as i128".
    fn integers(&self, key: &str, place: &str, v: &Item, out: &mut Vec<Problem>) {
        match v.get_ref() {
            DeValue::Integer(i) if i64::from_str_radix(i.as_str(), i.radix()).is_err() => {
                let text = self.source[v.span()].trim();
                let how = if i.as_str().starts_with('-') {
                    "small"
                } else {
                    "large"
                };
                out.push((
                    Some(v.span()),
                    format!(
                        "`{key}`{place}: the integer {text} is too {how}; TOML integers lie between {} and {}",
                        i64::MIN,
                        i64::MAX
                    ),
                ));
            }
            DeValue::Array(items) => {
                for item in items.iter() {
                    self.integers(key, place, item, out);
                }
            }
            DeValue::Table(t) => {
                for (_, item) in t.iter() {
                    self.integers(key, place, item, out);
                }
            }
            _ => {}
        }
    }
}

/// A TOML header line, `[a.b]` or `[[a.b]]`: whether it has double
/// brackets, and its keys with quotes and spaces removed.
fn header(line: &str) -> Option<(bool, Vec<String>)> {
    let line = line.trim_start();
    let inner = line.strip_prefix('[')?;
    let (double, inner) = match inner.strip_prefix('[') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let keys = inner.split(']').next()?;
    Some((double, dotted(keys)))
}

/// `a . "b"` as `["a", "b"]`.
fn dotted(keys: &str) -> Vec<String> {
    keys.split('.')
        .map(|k| k.trim().trim_matches(['"', '\'']).to_string())
        .collect()
}

/// `[a.b]` or `[[a.b]]`.
fn bracketed(double: bool, keys: &[String]) -> String {
    let path = keys.join(".");
    if double {
        format!("[[{path}]]")
    } else {
        format!("[{path}]")
    }
}

/// The list of blocks a header path names (`agency.initial`), if it is one.
fn block_of(path: &[String]) -> Option<&'static Block> {
    let path = path.join(".");
    [&VENDOR, &AGENCY, &EVENT, &INITIAL]
        .into_iter()
        .find(|b| b.path == path)
}

/// Explains TOML's "duplicate key" at `span` (the key). Most often a header
/// says a table again that an earlier header made another kind of thing:
/// an `[[agency.initial]]` written before any `[[agency]]` (which makes
/// `agency` a table that `[[agency]]` cannot then extend), or `[vendor]`
/// beside `[[vendor]]`.
fn explain_duplicate(source: &str, span: &Range<usize>) -> String {
    let key = source[span.clone()].trim();
    let line_start = start_of_line(source, span.start);
    let before = &source[..line_start];
    let Some((double, path)) = header(&source[line_start..span.end]) else {
        return format!("invalid TOML: the key '{key}' is given twice in the same table; keep one");
    };
    let Some((_, whole)) = header(&source[line_start..]) else {
        return format!("invalid TOML: duplicate key '{key}'");
    };
    let this = bracketed(double, &whole);
    let mut earlier: Vec<(usize, bool, Vec<String>)> = before
        .lines()
        .enumerate()
        .filter_map(|(i, l)| header(l).map(|(d, k)| (i + 1, d, k)))
        .collect();
    // A table inside a block (`[vendor.access]` after `[[vendor]]`) can only
    // clash with one of the same block: forget the headers before it.
    if let Some(block) = earlier
        .iter()
        .rposition(|(_, d, k)| *d && k.len() < path.len() && path.starts_with(k))
    {
        earlier.drain(..=block);
    }
    let block = block_of(&path);
    if whole == path {
        // The header itself names a table an earlier header made.
        if let Some((line, d, _)) = earlier.iter().find(|(_, _, k)| *k == path) {
            match (double, d) {
                (true, false) if block.is_none() => {
                    return format!(
                        "{this} follows {} (line {line}): {} is one table, written once with single brackets",
                        bracketed(false, &path),
                        bracketed(false, &path)
                    );
                }
                (true, false) => {
                    return format!(
                        "{this} follows {} (line {line}), a single table of the same name: write each with double brackets, {this}",
                        bracketed(false, &path)
                    );
                }
                (false, false) if let Some(block) = block => {
                    return format!(
                        "{this} is written again (first on line {line}): write each {}, with double brackets: {}",
                        bracketed(true, &path),
                        block.why
                    );
                }
                (false, true) => {
                    return format!(
                        "{this} (single brackets) follows {} blocks (line {line}): write it {} to add another block",
                        bracketed(true, &path),
                        bracketed(true, &path)
                    );
                }
                (false, false) => {
                    return format!(
                        "invalid TOML: the table {this} is written twice (first on line {line}); put its keys in one table"
                    );
                }
                (true, true) => {}
            }
        }
        if double
            && let Some((line, d, k)) = earlier
                .iter()
                .find(|(_, _, k)| k.len() > path.len() && k.starts_with(&path))
        {
            let inner = bracketed(*d, k);
            return format!(
                "{this} comes after {inner} (line {line}), but each {inner} block belongs to the {this} written above it: move it below its {this}"
            );
        }
    }
    if let Some(line) = given_as_a_key(before, &path) {
        let last = path.last().map_or("", String::as_str);
        let what = if double {
            "a list of blocks"
        } else {
            "a table"
        };
        return format!(
            "{this} makes '{last}' {what}, but line {line} already gives it (as `{last} = ...` or `{last}.KEY = ...`): write it one way"
        );
    }
    format!("invalid TOML: duplicate key '{key}' in the header {this}")
}

/// The line (from 1) of `before` (the file up to the clashing header) where
/// the table of `path` minus its last key (the file's top when that is
/// empty, the last block of a list of blocks) already gives the last key,
/// as `key = ...` or dotted keys. Read from `before` parsed as TOML, so text
/// inside strings and multi-line values is never taken for a key.
fn given_as_a_key(before: &str, path: &[String]) -> Option<usize> {
    let (last, parent) = path.split_last()?;
    let document = DeTable::parse(before).ok()?;
    let mut table: &DeTable = document.get_ref();
    for key in parent {
        let (_, value) = table.iter().find(|(k, _)| k.get_ref().as_ref() == key)?;
        table = match value.get_ref() {
            DeValue::Table(t) => t,
            DeValue::Array(blocks) => match blocks.iter().last()?.get_ref() {
                DeValue::Table(t) => t,
                _ => return None,
            },
            _ => return None,
        };
    }
    let (key, _) = table.iter().find(|(k, _)| k.get_ref().as_ref() == last)?;
    Some(line_number(before.as_bytes(), key.span().start))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CSV hint is for text a spreadsheet wrote, not for TOML with a
    /// syntax error, a header or JSON.
    #[test]
    fn only_spreadsheet_text_looks_like_csv() {
        for csv in [
            "vendor,brand,access\r\nOpenAI,0.9,1\r\n",
            "# exported\n\nvendor;brand\nOpenAI;0,9\n",
            "vendor\tbrand\nOpenAI\t0.9\n",
            // Excel's semicolon CSV with an empty top-left cell.
            ";Q1;Q2\nAcme;0,5;0,6\n",
        ] {
            assert!(looks_like_csv(csv), "{csv:?}");
            assert!(
                !syntax_hint(csv, &(0..0)).is_some_and(|h| h.contains("comment")),
                "{csv:?}"
            );
        }
        for not_csv in [
            "tiers = [\"a\",\n\"b\"",
            "[[vendor]]\nname = \"A\", brand = 0.5\n",
            "{\"name\": \"x\", \"runs\": 5}\n",
            "name \"Baseline\"\n",
            "name \"Baseline\"\t\t# shown in reports, and in titles\n",
            "; illustrative, as of 2026\nname = \"A\"\n",
            "// illustrative, as of 2026\nname = \"A\"\n",
            "",
        ] {
            assert!(!looks_like_csv(not_csv), "{not_csv:?}");
        }
    }

    /// A number written as a spreadsheet or a report shows it is told the
    /// TOML number at its key, or at the value inside an inline table or an
    /// array; keys of text or dates, and lines that are not a number, are
    /// left to the usual message.
    #[test]
    fn a_spreadsheet_number_is_told_at_its_key() {
        let toml_error = |line: &str| {
            let source = format!("start = \"2026-01\"\n{line}\nperiods = 3\n");
            read_error(&source)
        };
        assert_eq!(
            toml_error("runs = 1,000 # runs"),
            "runs = 1,000 is not a TOML number: write runs = 1000 (without thousands separators)"
        );
        assert_eq!(
            toml_error("caution = 0,500"),
            "caution = 0,500 is not a TOML number: write caution = 0.5 (with a decimal point, not a comma)"
        );
        // A dotted key (a tier named like a key of whole numbers) takes
        // any number.
        assert_eq!(
            toml_error("access.seed = 1,000"),
            "access.seed = 1,000 is not a TOML number: write access.seed = 1, or 1000 if the comma separates thousands (TOML reads neither a decimal comma nor thousands separators)"
        );
        assert_eq!(
            toml_error("x = 45%"),
            "x = 45% is not a TOML number: write x = 0.45 (a percentage is written as a fraction)"
        );
        // Not told a number: a line that is not one, a number of months
        // with m, a key with a space, keys of text or dates.
        // Inside an inline table or an array: the value at the error.
        for (line, told) in [
            (
                "access = { unclassified = 50% }",
                "unclassified = 50% is not a TOML number: write unclassified = 0.5 (a percentage is written as a fraction)",
            ),
            (
                "add = { brand = 0.1, \"access.secret\" = 10% }",
                "\"access.secret\" = 10% is not a TOML number: write \"access.secret\" = 0.1 (a percentage is written as a fraction)",
            ),
            (
                "brand = { uniform = [50%, 90%] }",
                "50% is not a TOML number: write 0.5 (a percentage is written as a fraction)",
            ),
            (
                "annual_value = { pert = [1M, 2.5M, 4M] }",
                "1M is not a TOML number: write 1000000 (TOML numbers take no unit suffix)",
            ),
            (
                "x = { b = .45 }",
                "b = .45 is not a TOML number: write b = 0.45 (with a digit before the decimal point)",
            ),
        ] {
            assert_eq!(toml_error(line), told, "{line}");
        }
        for line in [
            "x = 1,2,3",
            "x = { b = 1,000 }",
            "x = [1,000]",
            "term = 12m",
            "annual value = $1.2M",
            "vendor = 3M",
            "step = 3m",
            "name = 45%",
            "label = 2,500",
            "at = 2026,06",
            "units = 100,",
        ] {
            assert!(toml_error(line).starts_with("invalid TOML"), "{line}");
        }
    }

    /// The message of the first problem `read` finds in `source`.
    fn read_error(source: &str) -> String {
        read(source).unwrap_err()[0].1.clone()
    }

    /// The keys serde allows in `T`, in its order.
    fn serde_keys<T: de::DeserializeOwned + fmt::Debug>() -> Vec<String> {
        let e = toml::from_str::<T>("not_a_key = 1").unwrap_err();
        let (_, expected) = e.message().split_once("expected ").unwrap();
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    fn walk_keys(block: &Block) -> Vec<String> {
        block.keys.iter().map(|(k, _)| k.to_string()).collect()
    }

    /// The walk knows every key serde does, in serde's order (which the
    /// "allowed here" lists keep), and no other.
    #[test]
    fn the_walk_allows_the_keys_of_the_serde_structures() {
        assert_eq!(walk_keys(&SCENARIO), serde_keys::<RawScenario>());
        assert_eq!(walk_keys(&VENDOR), serde_keys::<RawVendor>());
        assert_eq!(walk_keys(&AGENCY), serde_keys::<RawAgency>());
        assert_eq!(walk_keys(&INITIAL), serde_keys::<RawInitial>());
        assert_eq!(walk_keys(&EVENT), serde_keys::<RawEvent>());
    }

    fn problems(source: &str) -> Vec<(usize, String)> {
        read(source)
            .unwrap_err()
            .into_iter()
            .map(|(span, m)| {
                let line = span.map_or(0, |s| source[..s.start].lines().count().max(1));
                (line, m)
            })
            .collect()
    }

    /// A header inside a block must follow its block: TOML would give a
    /// `[vendor.attributes]` written below an `[[agency]]` to the last vendor,
    /// and an `[[agency.initial]]` below a `[choice]` to the last agency. The
    /// same headers right below their own block are the block's, as usual.
    /// (`problems` counts the lines before a span, so a header at the start
    /// of line n shows as n - 1.)
    #[test]
    fn a_header_inside_a_block_must_follow_its_block() {
        let vendor = "[[vendor]]\nname = \"V\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n";
        let agency =
            "[[agency]]\nname = \"A\"\nunits = 10\ninnovation = 0.1\nimitation = 0.1\nterm = 2\n";
        let initial = "[[agency.initial]]\nvendor = \"V\"\nunits = 1\n";
        let top = "start = \"2026-01\"\nperiods = 3\n";
        let attributes = "[vendor.attributes]\nspeed = 0.5\n";
        assert!(
            read(&format!(
                "{top}{vendor}{attributes}{agency}{initial}[choice]\nspeed = 1.0\n"
            ))
            .is_ok()
        );
        assert_eq!(
            problems(&format!("{top}{vendor}{agency}{attributes}[choice]\nspeed = 1.0\n")),
            [(
                12,
                "[vendor.attributes] comes after [[agency]] (line 7), but TOML gives it to the \
                 [[vendor]] above that one, on line 3 ('V'): write it directly below the [[vendor]] \
                 it belongs to"
                    .to_string()
            )]
        );
        // At any depth, and named by the header as written; a block's own
        // deeper headers below it are its own.
        let vendor_by_headers =
            "[[vendor]]\nname = \"V\"\nbrand = 0.5\n[vendor.access]\nunclassified = 1.0\n";
        let secret = "[vendor.access.secret]\nuniform = [0.4, 0.7]\n";
        let event =
            "[[event]]\nat = 1\nlabel = \"Grant\"\nvendor = \"V\"\n[event.set]\nbrand = 0.9\n";
        assert!(read(&format!("{top}{vendor_by_headers}{secret}{agency}{event}")).is_ok());
        assert_eq!(
            problems(&format!("{top}{vendor_by_headers}{agency}{secret}")),
            [(
                13,
                "[vendor.access.secret] comes after [[agency]] (line 8), but TOML gives it to the \
                 [[vendor]] above that one, on line 3 ('V'): write it directly below the [[vendor]] \
                 it belongs to"
                    .to_string()
            )]
        );
        let late_set = problems(&format!(
            "{top}{vendor}{agency}{event}[choice]\nbrand = 1.0\n[event.set.access]\nunclassified = 1.0\n"
        ));
        assert_eq!(late_set.len(), 1, "{late_set:?}");
        assert!(
            late_set[0].1.starts_with("[event.set.access] comes after [choice] (line 19), but TOML gives it to the [[event]] above that one, on line 13 ('Grant')"),
            "{late_set:?}"
        );
        // A header of a table of the file stands between too, and a key a
        // header must quote is quoted in the message.
        let late_attributes = problems(&format!(
            "{top}{vendor}{agency}[choice.speed]\nuniform = [0, 2]\n{attributes}"
        ));
        assert_eq!(late_attributes.len(), 1, "{late_attributes:?}");
        assert!(
            late_attributes[0]
                .1
                .starts_with("[vendor.attributes] comes after [choice.speed] (line 13)"),
            "{late_attributes:?}"
        );
        let quoted = problems(&format!(
            "start = \"2026-01\"\nperiods = 3\ntiers = [\"top secret\"]\n\
             [[vendor]]\nname = \"V\"\nbrand = 0.5\n[vendor.access]\n\"top secret\" = 1.0\n\
             {agency}[vendor.access.\"a.b\"]\nuniform = [0.1, 0.2]\n"
        ));
        assert!(
            quoted[0]
                .1
                .starts_with("[vendor.access.\"a.b\"] comes after [[agency]]"),
            "{quoted:?}"
        );
        assert_eq!(
            problems(&format!("{top}{vendor}{agency}[choice]\nbrand = 1.0\n{initial}")),
            [(
                14,
                "[[agency.initial]] comes after [choice] (line 13), but TOML gives it to the \
                 [[agency]] above that one, on line 7 ('A'): write it directly below the [[agency]] \
                 it belongs to"
                    .to_string()
            )]
        );
    }

    /// Each control character a line may hide is named for what it is, with
    /// its escape; a tab is blank space, and the separators are told only
    /// outside strings and comments.
    #[test]
    fn control_characters_are_named_for_what_they_are() {
        for (c, name) in [
            ('\0', "a NUL character (U+0000)"),
            ('\u{0B}', "a vertical tab (U+000B)"),
            ('\u{0C}', "a form feed (U+000C, a page break)"),
            ('\u{1B}', "an escape character (U+001B)"),
            ('\u{7F}', "a delete character (U+007F)"),
            ('\u{85}', "a next-line character (U+0085)"),
            ('\u{01}', "a control character (U+0001)"),
            ('\u{9F}', "a control character (U+009F)"),
        ] {
            let slip = control_slip(&format!("periods = 12{c}")).unwrap_or_default();
            assert!(
                slip.starts_with(&format!("the line has {name}, which shows as nothing")),
                "{c:?}: {slip}"
            );
            let code = u32::from(c);
            assert!(slip.ends_with(&format!("\\u{code:04X})")), "{c:?}: {slip}");
        }
        assert!(
            control_slip("periods = 12\r")
                .unwrap_or_default()
                .starts_with("the line has a carriage return (U+000D) with no line feed after it")
        );
        // A tab is blank space to TOML; the separators are told outside
        // strings and comments only.
        assert_eq!(control_slip("periods =\t12"), None);
        assert!(
            control_slip("periods = 12\u{2029}")
                .unwrap_or_default()
                .starts_with("the line has a paragraph separator (U+2029)")
        );
        assert_eq!(control_slip("name = \"A\u{2028}B\""), None);
        assert_eq!(control_slip("periods = 12 # \u{2028}"), None);
    }

    /// Syntax errors the parser words for its grammar get the likelier
    /// slip, and only where the slip is there: an inline table TOML 1.1
    /// spreads over lines, a `#` inside a string and a plain unclosed string
    /// get no hint.
    #[test]
    fn syntax_errors_are_told_the_likely_slip() {
        let hint = |source: &str| {
            let problems = problems(source);
            assert_eq!(problems.len(), 1, "{source:?}: {problems:?}");
            problems[0]
                .1
                .split_once("; ")
                .map(|(_, hint)| hint.to_string())
        };
        assert_eq!(
            hint("a = 1\ncaution =   # later\n").as_deref(),
            Some("the value after `caution =` is missing")
        );
        assert_eq!(
            hint("units = 100 120\n").as_deref(),
            Some(
                "`units =` takes one value, here followed by more: `100 120` (or, if the space groups digits, write units = 100120)"
            )
        );
        assert_eq!(
            hint("units = 100\t120.5\n").as_deref(),
            Some("`units =` takes one value, here followed by more: `100 120.5`")
        );
        assert_eq!(
            hint("annual_value = 1 000 000\n").as_deref(),
            Some("write annual_value = 1000000 (without spaces between groups of digits)")
        );
        assert_eq!(
            hint("x = { uniform = [0,3 0,5] }\n").as_deref(),
            Some(
                "the numbers of a list are separated by commas, each with a decimal point: [0.3, 0.5]"
            )
        );
        assert_eq!(
            hint("brand = { uniform = [0.3  0.5] }\n").as_deref(),
            Some("the numbers of a list are separated by commas: [0.3, 0.5]")
        );
        assert_eq!(
            hint("[[vendor]]\nname = \"A\"\naccess = { unclassified = 0.8   # note\n\n[[agency]]\nname = \"B\"\n")
                .as_deref(),
            Some("line 3 opens { without the } that closes it")
        );
        assert_eq!(
            hint("name = \u{201C}Acme\u{201D}\n").as_deref(),
            Some(
                "\u{201C} (U+201C), \u{201D} (U+201D) are not TOML quotes: write straight quotes, \" or ' (word processors, web pages and some keyboard layouts type the others)"
            )
        );
        assert_eq!(
            hint("[[vendor]]\n\u{2018}name\u{2019} = \"A\"\n").as_deref(),
            Some(
                "\u{2018} (U+2018), \u{2019} (U+2019) are not TOML quotes: write straight quotes, \" or ' (word processors, web pages and some keyboard layouts type the others)"
            )
        );
        assert_eq!(
            hint("; illustrative\nperiods = 12\n").as_deref(),
            Some("a TOML comment starts with #: write # in place of ;")
        );
        assert_eq!(
            hint("periods = 12\n// illustrative\n").as_deref(),
            Some("a TOML comment starts with #: write # in place of //")
        );
        for source in [
            "name = \"A\" ; the name\n",
            "periods = 12 ; twelve\n",
            "[[vendor]] ; first\n",
        ] {
            assert_eq!(
                hint(source).as_deref(),
                Some("a TOML comment starts with #: write # in place of ;"),
                "{source:?}"
            );
        }
        assert_eq!(
            hint("name = \"A\" // the name\n").as_deref(),
            Some("a TOML comment starts with #: write # in place of //")
        );
        // Where the mark is more likely part of an unquoted value or a list
        // separator, no comment is suggested.
        for source in [
            "name = http://example.com/x\n",
            "brand = { uniform = [0.5; 0.9] }\n",
            "tiers = [\"a\" ; \"b\"]\n",
            "name = Acme; Inc\n",
        ] {
            assert!(
                hint(source).is_none_or(|h| !h.contains("comment")),
                "{source:?}: {:?}",
                hint(source)
            );
        }
        // Inside a string, the marks are text.
        assert!(
            hint("name = \"A; B // C\" x\n").is_none_or(|h| !h.contains("comment")),
            "{:?}",
            hint("name = \"A; B // C\" x\n")
        );
        assert_eq!(
            hint("periods = 012\n").as_deref(),
            Some("a TOML number has no leading zeros: write periods = 12")
        );
        assert_eq!(
            hint("x = -007.50 # note\n").as_deref(),
            Some("a TOML number has no leading zeros: write x = -7.50")
        );
        assert_eq!(
            hint("x = 00\n").as_deref(),
            Some("a TOML number has no leading zeros: write x = 0")
        );
        assert_eq!(
            hint("x = +012\n").as_deref(),
            Some("a TOML number has no leading zeros: write x = 12")
        );
        assert_eq!(
            hint("[[vendor]]\nname = 00123\n").as_deref(),
            Some("a name is text in quotes: write name = \"00123\"")
        );
        for source in ["x = 007.\n", "x = 00.\n", "a.\"b\" = 012\n"] {
            let told = hint(source);
            assert!(
                told.as_deref().is_none_or(|h| !h.contains("write")),
                "{source:?}: {told:?}"
            );
        }
        assert_eq!(
            hint("units \u{FF1D} 100\n").as_deref(),
            Some("\u{FF1D} (U+FF1D) is not TOML's equals sign: write =")
        );
        assert!(
            hint("name = \u{00AB}Acme\"\n")
                .is_some_and(|h| h.starts_with("\u{00AB} (U+00AB) is not a TOML quote: ")),
        );
        // At either end of a line, where trimming would lose them.
        for source in [
            "\u{00A0}\u{00A0}name = \"A\"\n",
            "periods = 12\u{00A0}\n",
            "periods = 12\u{00A0}# twelve\n",
            "x = 1\n\u{3000}y = 2\n",
            "\u{200B}name = \"A\"\n",
            "units\u{2003}= 100\n",
            "x = 1\n\u{FEFF}y = 2\n",
        ] {
            assert!(
                hint(source).is_some_and(|h| h.contains("which TOML does not read as a space")),
                "{source:?}: {:?}",
                hint(source)
            );
        }
        // A second byte-order mark is a stray character; line breaks other
        // than \n are not spaces.
        assert!(
            hint("\u{FEFF}\u{FEFF}periods = 12 12\n").is_some_and(|h| h.contains("zero-width")),
            "{:?}",
            hint("\u{FEFF}\u{FEFF}periods = 12 12\n")
        );
        assert!(
            hint("units\u{2028}= 100\n").is_none_or(|h| !h.contains("space")),
            "{:?}",
            hint("units\u{2028}= 100\n")
        );
        // A byte-order mark at the start of the file is none of these.
        assert!(
            hint("\u{FEFF}units = 100 120\n").is_none_or(|h| !h.contains("zero-width")),
            "{:?}",
            hint("\u{FEFF}units = 100 120\n")
        );
        // A comment with a curly quote is told the comment.
        assert_eq!(
            hint("; Acme\u{2019}s scenario\nperiods = 12\n").as_deref(),
            Some("a TOML comment starts with #: write # in place of ;")
        );
        assert_eq!(
            hint("units\u{00A0}= 100\n").as_deref(),
            Some(
                "the line has a non-breaking space (U+00A0), which TOML does not read as a space: write an ordinary space"
            )
        );
        // Curly quotes inside a string are text, and the slip is elsewhere.
        let inside = problems("name = \"\u{201C}A\u{201D}\" x\n");
        assert!(
            inside.len() == 1 && !inside[0].1.contains("quotes"),
            "{inside:?}"
        );
        for source in [
            // An inline table over lines, a comma missing between entries.
            "[[vendor]]\naccess = { unclassified = 1.0\n  secret = 0.5\n}\n",
            "[[vendor]]\naccess = { unclassified = 1.0\n  secret = 0.5 }\n",
            // An array over lines inside an inline table.
            "[[vendor]]\nbrand = { uniform = [\n  0.3\n  0.5\n] }\n",
            // Braces and brackets inside strings.
            "name = \"probe {draft\"\ntiers = [\n \"a\"\n \"b\"\n]\n",
            "name = \"Acme \\\"{\\\"\"\nbrand = 0.6 x\n",
            "name = \"Zenith [1 2]\" x\n",
            "[[vendor]]\naccess = {\n  unclassified = 1.0 secret = 2\n}\n",
            "name = \"A # b\" x\n",
            "name = \"unclosed\n",
        ] {
            let problems = problems(source);
            assert!(
                problems.len() == 1
                    && !problems[0].1.contains("opens {")
                    && !problems[0].1.contains("is missing")
                    && !problems[0].1.contains("a list are separated")
                    && !problems[0].1.contains("takes one value"),
                "{source:?}: {problems:?}"
            );
        }
    }

    /// A name below an event or a contract in force, and the scenario's
    /// list of tiers in an agency, are told how TOML read them only where
    /// the enclosing table does not set the key yet; where it does, the
    /// line is more likely the block's own, and deleting it the wrong fix.
    #[test]
    fn late_keys_are_told_only_where_the_enclosing_table_lacks_them() {
        let agency = "[[agency]]\nname = \"Ag\"\nunits = 5\n";
        let told = |source: &str| {
            let problems = problems(source);
            assert_eq!(problems.len(), 1, "{source:?}: {problems:?}");
            problems[0].1.contains("TOML puts every key below a header")
        };
        // An event's name: told when the scenario has none.
        let event = "[[event]]\nat = 1\nname = \"E\"\n";
        assert!(told(&format!("periods = 3\n{event}")));
        assert!(!told(&format!("name = \"S\"\n{event}")));
        // A contract's name: the agency always has one.
        assert!(!told(&format!(
            "{agency}[[agency.initial]]\nunits = 1\nname = \"X\"\n"
        )));
        // An agency's list of tiers: told when the scenario has none.
        let listed = "tiers = [\"a\", \"b\"]\n";
        assert!(told(&format!("periods = 3\n{agency}{listed}")));
        assert!(!told(&format!("{listed}{agency}{listed}")));
    }

    #[test]
    fn headers_that_clash_are_explained() {
        assert_eq!(
            problems("[[vendor]]\nname = \"A\"\n[vendor]\nname = \"B\"\n"),
            vec![(
                3,
                "[vendor] (single brackets) follows [[vendor]] blocks (line 1): write it [[vendor]] to add another block".to_string()
            )]
        );
        assert_eq!(
            problems("[choice]\nbrand = 1\n[choice]\naccess = 1\n"),
            vec![(
                3,
                "invalid TOML: the table [choice] is written twice (first on line 1); put its keys in one table".to_string()
            )]
        );
    }

    #[test]
    fn a_date_or_time_where_a_month_belongs_is_told_how_to_write_it() {
        assert_eq!(
            problems("start = 2026-03-01\n"),
            vec![(
                1,
                "`start` must be a quoted month like \"2026-03\", not a TOML date: write start = \"2026-03\"".to_string()
            )]
        );
        assert_eq!(
            problems("start = 07:32:00\n"),
            vec![(
                1,
                "`start` must be a quoted month like \"2026-01\", not a time of day".to_string()
            )]
        );
    }

    /// A header that makes a table of a key given before names the line
    /// that gave it, never a line inside a string or another key's value.
    #[test]
    fn a_header_after_the_same_key_names_the_key_s_line() {
        let source = "[[vendor]]\nname = \"\"\"A\naccess = 1\"\"\"\n\
            attributes = { speed = 0.3 }\naccess.unclassified = 1.0\n[vendor.access]\nsecret = 0.5\n";
        assert_eq!(
            problems(source),
            vec![(
                6,
                "[vendor.access] makes 'access' a table, but line 5 already gives it (as \
                 `access = ...` or `access.KEY = ...`): write it one way"
                    .to_string()
            )]
        );
    }

    /// Values of the wrong kind anywhere are all reported, each at its line.
    #[test]
    fn every_value_of_the_wrong_kind_is_named() {
        let source = "step = 3\ntiers = [\"a\", 2]\nchoice = 1\nevent = 4\n\
            [[vendor]]\nname = \"A\"\naccess = [1]\n\
            [[agency]]\nname = \"B\"\ninitial = { vendor = \"A\" }\n";
        let lines: Vec<usize> = problems(source).iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, vec![1, 2, 3, 4, 7, 10], "{:?}", problems(source));
        assert!(problems(source)[5].1.starts_with(
            "`initial` in [[agency]] must be a list of blocks, each written `[[agency.initial]]`, not a single table"
        ));
    }

    /// The range is told only for a key on its own line directly in a
    /// vendor's, an agency's or the `[choice]` table, never for a line that
    /// may belong to a value spread over lines, nor an event's number.
    #[test]
    fn a_hint_tells_the_range_only_for_a_tables_own_key() {
        let hint = |source: &str| {
            let at = source.find("%").or_else(|| source.find("2M")).unwrap();
            spreadsheet_value(source, &(at..at + 1))
        };
        let range = ", though caution must be in [0, 1]";
        let own = "[[agency]]\nname = \"X\"\ncaution = 150%\n";
        assert!(hint(own).unwrap().ends_with(range), "{:?}", hint(own));
        // A `#` or a bracket inside a string on a line before is text, not
        // a comment or an open list.
        for quoted in [
            "[[agency]]\nnames = [\"a#b\"]\ncaution = 150%\n",
            "[[agency]] # the [ agency\nname = \"X [#\"\ncaution = 150%\n",
        ] {
            assert!(hint(quoted).unwrap().ends_with(range), "{:?}", hint(quoted));
        }
        for no_range in [
            // Inside an inline table spread over lines: a choice weight.
            "[[agency]]\nchoice = {\n  innovation = -5%\n}\n",
            // A header-like line inside a string of several lines.
            "[[agency]]\nname = '''\n[[vendor]]\nDoD'''\nbrand = 150%\n",
            // An event's number is clamped, not refused.
            "[[event]]\nat = 3\n[event.set]\ncaution = 150%\n",
        ] {
            let note = hint(no_range);
            assert!(!note.as_ref().unwrap().contains("though"), "{note:?}");
        }
        let choice = "[choice] # weights\nbrand = 2M\n";
        assert!(
            hint(choice)
                .unwrap()
                .ends_with(", though brand must be in [-1000000, 1000000]"),
            "{:?}",
            hint(choice)
        );
        // Inline tables a line opens, at any place in them.
        for (inline, range) in [
            (
                "[[vendor]]\naccess = { unclassified = 1.0, secret = 120% }\n",
                Some(", though access.secret must be in [0, 1]"),
            ),
            (
                "[[agency]]\nchoice = { brand = 2M }\n",
                Some(", though choice.brand must be in [-1000000, 1000000]"),
            ),
            ("[[agency]]\nchoice = { brand = 20% }\n", None),
            ("[[vendor]]\nbrand = { uniform = [50%, 150%] }\n", None),
            ("[[event]]\nat = 3\nset = { caution = 150% }\n", None),
            ("[[vendor]]\naccess = { \"secret\" = 120% }\n", None),
            // After a value nested in the table, or a string with a brace.
            (
                "[[vendor]]\naccess = { a = { uniform = [0.5, 0.9] }, b = \"{\", secret = 120% }\n",
                Some(", though access.secret must be in [0, 1]"),
            ),
            ("[[vendor]]\naccess = { a = { secret = 120% } }\n", None),
            // A header-like line inside a string of several lines.
            (
                "[choice]\nnote = \"\"\"\n[[vendor]]#\"\"\"\nbrand = 150%\n",
                None,
            ),
            // Not TOML at all: the brace comes after the key.
            ("[[agency]]\nx = [ ], caution = 150%, y = {\n", None),
        ] {
            let told = hint(inline).unwrap();
            match range {
                Some(range) => assert!(told.ends_with(range), "{inline}: {told}"),
                None => assert!(!told.contains("though"), "{inline}: {told}"),
            }
        }
        let access = "[[vendor]]\naccess.secret = 120%\n";
        assert!(
            hint(access)
                .unwrap()
                .ends_with(", though access.secret must be in [0, 1]"),
            "{:?}",
            hint(access)
        );
    }
}
