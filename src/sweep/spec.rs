//! `--vary PATH=VALUES` and `--set PATH=VALUE` as typed: a path and its
//! values (lists, ranges of numbers or of months), each value kept as
//! written for the files' first column, and the hints for values written
//! as a spreadsheet shows them, as percentages or as a range with a dash.

use toml::Value;

use crate::calendar::{YearMonth, month_meant, month_rule};
use crate::scenario::{PathShape, Setting};
use crate::scenario::{grouped_in_thousands, spreadsheet_number_hint, takes_only_whole_numbers};

/// At most this many values in one sweep.
pub const MAX_VALUES: usize = 1000;

/// A `--vary` or `--set` argument that is not `PATH=VALUES`, with why.
/// Shown with control characters escaped: clap strips escape sequences from
/// what it prints, and would take part of the message with them.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", crate::text::escape_hidden(.0, false))]
pub struct SpecError(pub String);

/// A parameter path and the values it takes, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The parameter path as given (`agency.DoD.caution`); it heads the
    /// sweep files' first column.
    pub path: String,
    /// At least one value, no two equal (as [`Sweep::parse`] makes them).
    pub values: Vec<SweepValue>,
    /// For a `FROM..TO:COUNT` range with whole ends whose values are
    /// decimals (its step is not whole, or its ends are written as
    /// decimals), which a key that takes whole numbers refuses: why, and a
    /// range that would give whole numbers.
    pub decimal_range: Option<String>,
    /// For a list of amounts of money that also reads as one amount written
    /// with thousands separators (`annual_value=2,500`: the values 2 and
    /// 500, or 2500): that amount, as TOML writes it.
    pub one_amount: Option<String>,
}

/// One value: as it was typed or a range generated it, and as the scenario
/// file would hold it.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepValue {
    /// As written, without surrounding quotes, or as a range generated it:
    /// what messages and the manifest quote (the files hold
    /// [`SweepValue::column`]).
    pub text: String,
    /// An integer, a float, or (for an event's `at` or `until`) a `YYYY-MM`
    /// string.
    pub value: Value,
}

impl SweepValue {
    /// The value as the sweep files' first column holds it: a number as the
    /// shortest plain decimal that reads back as it (`1e-7` as 0.0000001,
    /// `00004` as 4, `.50` as 0.5; a decimal number keeps its point): with
    /// no exponent, like the statistics beside it, so that a spreadsheet
    /// reads it as the number it is, but with every digit the value needs
    /// rather than their six decimals; a date as written.
    pub fn column(&self) -> String {
        match &self.value {
            Value::Integer(i) => i.to_string(),
            // -0.0 as 0.0, as the CSV files write -0.
            Value::Float(x) => plain_decimal(*x + 0.0),
            _ => self.text.clone(),
        }
    }
}

impl Sweep {
    /// Parses `PATH=VALUES`, where VALUES is a comma-separated list
    /// (`0.2,0.4,0.6`, `24,36`, `2026-03,2026-09`) or `FROM..TO:COUNT`,
    /// COUNT evenly spaced values from FROM to TO inclusive (whole numbers
    /// when FROM, TO and every step are whole).
    pub fn parse(spec: &str) -> Result<Sweep, SpecError> {
        Sweep::parse_text(spec).map_err(SpecError)
    }

    fn parse_text(spec: &str) -> Result<Sweep, String> {
        // At the last '=' outside braces (see split_spec).
        let Some((path, values)) = split_spec(spec) else {
            return Err(format!(
                "'{spec}' is not PATH=VALUES, as in agency.DoD.caution=0.2,0.4,0.6 or agency.DoD.caution=0.1..0.9:5, written as one argument (without spaces around =, or in quotes)"
            ));
        };
        let path = path.trim();
        if path.is_empty() {
            return Err(format!("'{spec}' names no parameter before '='"));
        }
        let values = values.trim();
        if values.starts_with('{') {
            return Err(not_a_distribution(spec));
        }
        if values.contains("...") {
            return Err(format!(
                "'{spec}' has '...' where a range takes two dots: FROM..TO:COUNT, as in agency.DoD.caution=0.1..0.9:5"
            ));
        }
        let mut one_amount = None;
        if !values.contains("..") && grouped_in_thousands(unquoted(values)) {
            // `1,000` or `1,500,000`: a value after the first with a
            // leading zero (`000`) is no value a list would give, so the
            // commas were meant as thousands separators.
            let pieces: Vec<&str> = unquoted(values).split(',').map(str::trim).collect();
            let one = pieces.concat();
            if pieces[1..].iter().any(|p| p.starts_with('0')) {
                return Err(format!(
                    "'{values}' reads as one number written with thousands separators, but commas \
                     separate the values of a list (here the values {}): write {one} for one value",
                    pieces.join(", ")
                ));
            }
            // Amounts of money are often written so (`2,500`, `1,500,250`);
            // other numbers' lists (`units=100,200,300`), and lists whose
            // first value has three digits as the others do (`100,200,300`),
            // rarely mean one number.
            let money = PathShape::of(path).names_money();
            let short_first = pieces[0].bytes().filter(u8::is_ascii_digit).count() < 3;
            let in_range = one
                .parse::<f64>()
                .is_ok_and(|x| crate::scenario::Range::MONEY.contains(x));
            if money && short_first && in_range {
                one_amount = Some(one);
            }
        }
        // A number-like hint only for a single value: in a list a comma may
        // have been part of one (`$1,200` cut into `$1` and `200`, `12,5%`
        // into `12` and `5%`), and a hint for a piece would give the wrong
        // number.
        let pieces: Vec<&str> = values.split(',').map(str::trim).collect();
        // Commas inside double quotes around the whole list are one value's:
        // `"2,500"` is told the number to write.
        // (`"0.1","0.2"` is two quoted values.)
        let quoted = values.len() >= 2
            && values.starts_with('"')
            && values.ends_with('"')
            && !values[1..values.len() - 1].contains('"');
        let (values, decimal_range) = match values.split_once("..") {
            Some((from, to)) => (range(from, to)?, decimal_range(from, to)),
            None if quoted && values.contains(',') => {
                (vec![literal(values, path, None, true)?], None)
            }
            None => (
                pieces
                    .iter()
                    .enumerate()
                    .map(|(index, v)| {
                        let place = (pieces.len() > 1).then_some(ListPlace {
                            pieces: &pieces,
                            index,
                        });
                        literal(v, path, place, true)
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| match crate::scenario::percentages_hint(path, values) {
                        Some(hint) => format!("'{values}' are not numbers: {hint}"),
                        None => e,
                    })?,
                None,
            ),
        };
        if values.len() > MAX_VALUES {
            return Err(format!(
                "{} values is too many for one sweep (at most {MAX_VALUES})",
                values.len()
            ));
        }
        for (i, v) in values.iter().enumerate() {
            if let Some(earlier) = values[..i].iter().find(|e| same_value(&e.value, &v.value)) {
                let one = one_amount.as_ref().map_or(String::new(), |one| {
                    format!("; {}", one_amount_advice(&values, one))
                });
                return Err(format!(
                    "{} and {} are the same value; each value is one block of rows in the files{one}",
                    earlier.text, v.text
                ));
            }
        }
        Ok(Sweep {
            path: path.to_string(),
            values,
            decimal_range,
            one_amount,
        })
    }

    /// For a list that also reads as one amount ([`Sweep::one_amount`]):
    /// "--vary PATH=2,500 runs the values 2 and 500, as commas separate the
    /// values of a list; for the one amount 2,500, write 2500".
    pub fn one_amount_note(&self) -> Option<String> {
        let one = self.one_amount.as_ref()?;
        let texts: Vec<&str> = self.values.iter().map(|v| v.text.as_str()).collect();
        let (last, rest) = texts.split_last()?;
        Some(format!(
            "--vary {}={} runs the values {} and {last}, as commas separate the values of a \
             list; {}",
            self.path,
            texts.join(","),
            rest.join(", "),
            one_amount_advice(&self.values, one)
        ))
    }

    /// A `--set PATH=VALUE`: one value, as a sweep of one.
    pub fn parse_one(spec: &str) -> Result<Sweep, SpecError> {
        let fail = |why: String| Err(SpecError(why));
        let Some((path, value)) = split_spec(spec) else {
            return fail(format!(
                "'{spec}' is not PATH=VALUE, as in agency.DoD.caution=0.4, written as one argument (without spaces around =, or in quotes)"
            ));
        };
        let (path, value) = (path.trim(), value.trim());
        if path.is_empty() {
            return fail(format!("'{spec}' names no number before '='"));
        }
        if value.is_empty() {
            return fail(format!(
                "'{spec}' gives no value after '=' (write PATH=VALUE as one argument, without spaces around =, or in quotes)"
            ));
        }
        if value.starts_with('{') {
            return fail(not_a_distribution(spec));
        }
        if unquoted(value).is_empty() {
            return fail(format!("'{spec}' gives an empty value after '='"));
        }
        if value.contains(',') && !value.contains("..") {
            // `1,000` or `0,5`: --set takes one value, so the comma is
            // part of a number.
            let text = unquoted(value);
            let hint = spreadsheet_number_hint(path, text).or_else(|| {
                grouped_in_thousands(text)
                    .then(|| "write the number without thousands separators".to_string())
            });
            if let Some(hint) = hint {
                return fail(format!("'{text}' is not a number: {hint}"));
            }
        }
        if value.contains(',') || value.contains("..") {
            return fail(format!(
                "'{spec}' gives several values; --set takes one (sharecast sweep runs several)"
            ));
        }
        Ok(Sweep {
            path: path.to_string(),
            values: vec![literal(value, path, None, false).map_err(SpecError)?],
            decimal_range: None,
            one_amount: None,
        })
    }

    /// `PATH=VALUE` of value `i`, as the command line would give it.
    ///
    /// # Panics
    /// If `i` is not an index into [`Sweep::values`].
    pub fn spec(&self, i: usize) -> String {
        format!("{}={}", self.path, self.values[i].text)
    }

    /// The setting that makes value `i`'s scenario.
    ///
    /// # Panics
    /// If `i` is not an index into [`Sweep::values`].
    pub fn setting(&self, i: usize) -> Setting {
        Setting {
            path: self.path.clone(),
            value: self.values[i].value.clone(),
        }
    }
}

/// One `PATH=VALUE`, as `--set` reads it ([`Sweep::parse_one`]):
/// `"agency.DoD.caution=0.6".parse::<Setting>()`. A `*` in the path sets
/// every vendor's, agency's or event's number when applied.
impl std::str::FromStr for Setting {
    type Err = SpecError;

    fn from_str(spec: &str) -> Result<Setting, SpecError> {
        Sweep::parse_one(spec).map(|one| one.setting(0))
    }
}

/// `PATH=VALUE` as `--set` takes it, the value written as the file would
/// hold it (`agency.DoD.caution=0.6`, `event.2.at="2027-03"`): what
/// [`ScenarioRef::with_settings`](crate::manifest::ScenarioRef::with_settings)
/// records, and what parses back into the same setting.
impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.path, self.value)
    }
}

/// `PATH=VALUES` split at the last `=` outside braces: a name may contain
/// `=`, and a distribution written by mistake (`{ pert = [...] }`) is
/// recognised as a value.
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let mut depth = 0i32;
    let mut at = None;
    for (i, c) in spec.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            '=' if depth == 0 => at = Some(i),
            _ => {}
        }
    }
    at.map(|i| (&spec[..i], &spec[i + 1..]))
}

fn not_a_distribution(spec: &str) -> String {
    format!(
        "'{spec}' gives a distribution; a value here is a plain number (or a date for an event's at or until): \
         write the distribution in the scenario file"
    )
}

/// Whether two values would make the same scenario: `1` and `1.0` would.
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        // Exactly: 9007199254740992 and 9007199254740993 are one float.
        (Value::Integer(i), Value::Integer(j)) => i == j,
        (Value::Integer(i), Value::Float(x)) | (Value::Float(x), Value::Integer(i)) => {
            // In i64's range (a cast saturates), whole, and the same.
            let bound = -(i64::MIN as f64);
            (-bound..bound).contains(x) && x.fract() == 0.0 && *x as i64 == *i
        }
        (Value::Float(x), Value::Float(y)) => x == y,
        _ => a == b,
    }
}

/// "for the one amount 2,500, write 2500", for `values` whose list also
/// reads as the amount `one`.
fn one_amount_advice(values: &[SweepValue], one: &str) -> String {
    let list: Vec<&str> = values.iter().map(|v| v.text.as_str()).collect();
    format!("for the one amount {}, write {one}", list.join(","))
}

/// Where a value stands in a list of several cut at its commas.
#[derive(Clone, Copy)]
struct ListPlace<'a> {
    pieces: &'a [&'a str],
    index: usize,
}

impl ListPlace<'_> {
    /// "; commas separate the values of a list, so 12,5% is the values 12
    /// and 5%", where the value and a neighbour, joined by their comma,
    /// read as one number for `path` (a decimal comma, thousands
    /// separators); empty where no comma could have been part of one.
    fn cut_note(self, path: &str) -> String {
        // The pieces on either side of a comma, each without the quotes of
        // a whole value and without the quote a cut number in quotes
        // (`"1,5"`) keeps on its outer side.
        let pair = |left: usize| {
            let a = unquoted(self.pieces[left]);
            let b = unquoted(self.pieces[left + 1]);
            (
                a.strip_prefix('"').unwrap_or(a),
                b.strip_suffix('"').unwrap_or(b),
            )
        };
        let before = self.index.checked_sub(1).map(pair);
        let after = (self.index + 1 < self.pieces.len()).then(|| pair(self.index));
        before
            .into_iter()
            .chain(after)
            .map(|(a, b)| (a, b, format!("{a},{b}")))
            .find(|(_, _, joined)| {
                spreadsheet_number_hint(path, joined).is_some() || grouped_in_thousands(joined)
            })
            .map_or(String::new(), |(a, b, joined)| {
                format!(
                    "; commas separate the values of a list, so {joined} is the values {a} and {b}"
                )
            })
    }
}

/// One value as written: a whole number, a decimal number or (as an event's
/// `at` takes it) a date `YYYY-MM`; double quotes around it are dropped.
/// Anything else is refused here, on the command line: a value is never
/// text the file would have to refuse, and the message says what a value
/// of `path` may be. A whole number too large for an integer is kept as a
/// decimal number, which keys that take whole numbers refuse (see
/// `Setting::changes`). A value written as a spreadsheet shows it (`85%`,
/// `$1.2M`) is told the number for `path`, unless it is a piece of a list
/// cut at its commas (`list`: a comma may have been part of a number, and
/// the message then says how the list was cut).
fn literal(
    text: &str,
    path: &str,
    list: Option<ListPlace>,
    ranges: bool,
) -> Result<SweepValue, String> {
    let text = unquoted(text);
    if text.is_empty() {
        return Err("an empty value in the list (two commas in a row, or one at an end)".into());
    }
    let value = if let Ok(i) = text.parse::<i64>() {
        Value::Integer(i)
    } else if let Ok(x) = text.parse::<f64>() {
        if !x.is_finite() {
            return Err(format!("'{text}' is not a finite number"));
        }
        // A whole number just below i64::MIN rounds to it as a float; kept
        // below it, it is refused as too small, not read as i64::MIN.
        let whole = text
            .strip_prefix(['-', '+'])
            .unwrap_or(text)
            .bytes()
            .all(|b| b.is_ascii_digit());
        if whole && x == i64::MIN as f64 {
            Value::Float(x.next_down())
        } else {
            Value::Float(x)
        }
    } else if YearMonth::parse(text).is_some() {
        Value::String(text.to_string())
    } else if YearMonth::digits(text).is_some() || month_meant(text).is_some() {
        return Err(format!(
            "'{text}' is not a number, and as a date (which only an event's at and until take) it must be {}",
            month_rule(text)
        ));
    } else if let Some(hint) = list
        .is_none()
        .then(|| spreadsheet_number_hint(path, text))
        .flatten()
    {
        return Err(format!("'{text}' is not a number: {hint}"));
    } else {
        let cut = list.map_or(String::new(), |place| place.cut_note(path));
        let range = if ranges {
            dash_range_hint(text)
        } else {
            String::new()
        };
        return Err(format!(
            "'{text}' is {}{cut}{range}{}",
            ValueKind::of(path).refusal(),
            spaced_list_hint(text, path, ranges)
        ));
    };
    Ok(SweepValue {
        text: text.to_string(),
        value,
    })
}

/// What values a path takes, as far as the path says: a whole number
/// (`units`, `term`), any number, an event's date (a month or a period
/// index), or, where it says nothing (a misspelt key, which the scenario's
/// own check then names), any of these.
#[derive(Clone, Copy)]
enum ValueKind {
    Whole,
    Number,
    Date,
    Any,
}

impl ValueKind {
    fn of(path: &str) -> ValueKind {
        // `event.LABEL.at`, not a key of its `set` or `add` (`event.1.add.at`
        // names nothing).
        let date = PathShape::of(path).names_event_date();
        // A number's key first: a tier named `until` is a number of an
        // event's `set.access`, not its date.
        match takes_only_whole_numbers(path) {
            Some(true) => ValueKind::Whole,
            Some(false) => ValueKind::Number,
            None if date => ValueKind::Date,
            None => ValueKind::Any,
        }
    }

    /// What a value is not and may be, told when it is none.
    fn refusal(self) -> &'static str {
        match self {
            ValueKind::Whole => "not a number: write a whole number such as 12",
            ValueKind::Number => "not a number: write a plain number such as 0.25 or 2.5e6",
            ValueKind::Date => {
                "not a date: write a month YYYY-MM such as 2027-03, or a period index such as 14"
            }
            ValueKind::Any => {
                "not a number: write a whole number such as 12 or -3 (units and term take only \
                 these), a decimal number such as 0.25 or 2.5e6, or, for an event's at or until, \
                 a month YYYY-MM"
            }
        }
    }

    /// Whether `text` is a value of this kind.
    fn accepts(self, text: &str) -> bool {
        let month = || YearMonth::parse(text).is_some();
        match self {
            ValueKind::Whole => text.parse::<i64>().is_ok(),
            ValueKind::Number => text.parse::<f64>().is_ok(),
            ValueKind::Date => text.parse::<i64>().is_ok() || month(),
            ValueKind::Any => text.parse::<f64>().is_ok() || month(),
        }
    }
}

/// For values of `path` separated by spaces (`0.1 0.3`, `2026-03 2027-03`):
/// with `list` (`--vary`), "; the values of a list are separated by commas:
/// 0.1,0.3", and otherwise (`--set`) that it takes one value. Empty for
/// anything else: pieces that are not values of `path`, and digits grouped
/// in threes by spaces (`1 000`), which are one number written as some
/// countries write it.
fn spaced_list_hint(text: &str, path: &str, list: bool) -> String {
    let pieces: Vec<&str> = text.split_whitespace().collect();
    let [_, rest @ ..] = pieces.as_slice() else {
        return String::new();
    };
    let kind = ValueKind::of(path);
    let grouped = rest
        .iter()
        .all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()));
    if rest.is_empty() || grouped || !pieces.iter().all(|p| kind.accepts(p)) {
        return String::new();
    }
    if list {
        format!(
            "; the values of a list are separated by commas: {}",
            pieces.join(",")
        )
    } else {
        "; --set takes one value (sharecast sweep --vary runs several, separated by commas)"
            .to_string()
    }
}

/// For a range written as a spreadsheet or a report writes one (`0.2-0.6`,
/// `5-10`, `0.2-0.6:5`): "; a range of values is written FROM..TO:COUNT, as
/// in 0.2..0.6:5", with the COUNT given, else one whose steps are whole
/// between whole ends (`5-10` as `5..10:6`) and 5 otherwise. Empty for
/// anything else.
fn dash_range_hint(text: &str) -> String {
    let Some((from, rest)) = text.split_once('-') else {
        return String::new();
    };
    let (to, count) = match rest.split_once(':') {
        Some((to, count)) => (to.trim(), count.trim().parse::<u32>().ok()),
        None => (rest.trim(), None),
    };
    let from = from.trim();
    let (Ok(a), Ok(b)) = (from.parse::<f64>(), to.parse::<f64>()) else {
        return String::new();
    };
    if a == b {
        return String::new();
    }
    // A range has at least two values.
    let count = count.filter(|&n| n >= 2).unwrap_or_else(|| {
        let whole = |t: &str| !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit());
        let span = (b - a).abs();
        if whole(from) && whole(to) && (1.0..=1e6).contains(&span) {
            // The count nearest 5 whose steps are whole.
            let span = span as u32;
            (1..=span)
                .filter(|step| span.is_multiple_of(*step))
                .map(|step| span / step + 1)
                .min_by_key(|n| n.abs_diff(5))
                .unwrap_or(5)
        } else {
            5
        }
    });
    format!("; a range of values is written FROM..TO:COUNT, as in {from}..{to}:{count}")
}

/// `text` without the quotes a TOML date has (`"2026-05"`): they are not
/// part of the value.
fn unquoted(text: &str) -> &str {
    text.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text)
}

/// `FROM..TO:COUNT`.
fn range(from: &str, to_count: &str) -> Result<Vec<SweepValue>, String> {
    let usage = || {
        format!(
            "'{from}..{to_count}' is not FROM..TO:COUNT, as in 0.1..0.9:5 (five values from 0.1 to 0.9); \
             a range of an event's dates is one of months (2026-03..2027-03:5) or of period indexes (2..14:4)"
        )
    };
    let (to, count) = to_count.split_once(':').ok_or_else(usage)?;
    let (from_text, to_text) = (unquoted(from.trim()), unquoted(to.trim()));
    if let (Some(first), Some(last)) = (YearMonth::parse(from_text), YearMonth::parse(to_text)) {
        return month_range(first, last, count);
    }
    for end in [from_text, to_text] {
        if YearMonth::digits(end).is_some() && YearMonth::parse(end).is_none() {
            return Err(format!(
                "'{end}' is not a month: it must be {}",
                month_rule(end)
            ));
        }
    }
    let number = |t: &str| match t.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(format!("'{}' is not a finite number", t.trim())),
        Err(_) => Err(usage()),
    };
    let (a, b) = (number(from)?, number(to)?);
    let count = range_count(count, &format!("{from}..{to_count}"))?;
    let steps = count - 1;
    if let Some(integers) = whole_steps(from, to, steps) {
        return Ok(integers
            .into_iter()
            .map(|i| SweepValue {
                text: i.to_string(),
                value: Value::Integer(i),
            })
            .collect());
    }
    Ok((0..count)
        .map(|i| {
            let f = i as f64 / steps as f64;
            // From one end towards the other; where the ends are so far
            // apart that their difference is not a finite number, as a
            // weighted mean of the ends, which cannot overflow.
            // The ends are the ends exactly before the rounding below
            // (`-2e-7 + (-1e-300 + 2e-7)` would be 0).
            let x = if i == 0 {
                a
            } else if i == steps {
                b
            } else if (b - a).is_finite() {
                a + (b - a) * f
            } else {
                a * (1.0 - f) + b * f
            };
            // Twelve significant digits: 0.1..0.9:5 gives 0.3, not
            // 0.30000000000000004.
            let x = format!("{x:.11e}")
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite())
                .unwrap_or(x);
            // A decimal keeps its point (12.0), so that a message about a
            // key that takes whole numbers shows why the value is refused.
            SweepValue {
                text: plain_decimal(x),
                value: Value::Float(x),
            }
        })
        .collect())
}

/// The shortest decimal that reads back as `x`, with a decimal point and
/// no exponent (`5e-5` is written 0.00005, `1.5e16` 15000000000000000.0):
/// the statistics in the CSV files have no exponent either, but six
/// decimals.
fn plain_decimal(x: f64) -> String {
    let shortest = format!("{x:?}");
    let Some((mantissa, exponent)) = shortest.split_once('e') else {
        return shortest;
    };
    let exponent: i64 = exponent
        .parse()
        .expect("Rust writes a float's exponent as an integer");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    // Where the point falls among `digits`.
    let point = whole.len() as i64 + exponent;
    if point <= 0 {
        format!(
            "{sign}0.{}{digits}",
            "0".repeat(point.unsigned_abs() as usize)
        )
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{digits}{}.0",
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (left, right) = digits.split_at(point as usize);
        format!("{sign}{left}.{right}")
    }
}

/// The COUNT of the range `typed`, for ranges of numbers and of months
/// alike: a whole number from 2 to [`MAX_VALUES`].
fn range_count(count: &str, typed: &str) -> Result<usize, String> {
    let count = count.trim();
    let too_many = |n: &dyn std::fmt::Display| {
        Err(format!(
            "{n} values is too many for one sweep (at most {MAX_VALUES})"
        ))
    };
    match count.parse::<usize>() {
        Ok(n) if n < 2 => Err(format!(
            "COUNT in '{typed}' must be a whole number of at least 2"
        )),
        Ok(n) if n <= MAX_VALUES => Ok(n),
        Ok(n) => too_many(&n),
        // Digits beyond what a `usize` holds are too many too.
        Err(_) if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) => {
            too_many(&count.trim_start_matches('0'))
        }
        Err(_) => Err(format!(
            "COUNT in '{typed}' must be a whole number of at least 2"
        )),
    }
}

/// `FIRST..LAST:COUNT` of months (`2026-03..2027-03:5`): COUNT months from
/// FIRST to LAST in equal whole-month steps, written as `YYYY-MM`, so that
/// the sweep files show dates rather than period indexes.
fn month_range(first: YearMonth, last: YearMonth, count: &str) -> Result<Vec<SweepValue>, String> {
    let count = range_count(count, &format!("{first}..{last}:{}", count.trim()))?;
    let months = even_steps(first.index(), last.index(), count - 1).ok_or_else(|| {
        format!(
            "'{first}..{last}:{count}' does not split into {} equal steps of whole months; \
             choose a COUNT that does, or list the dates",
            count - 1
        )
    })?;
    Ok(months
        .into_iter()
        .map(|i| {
            let month = YearMonth::from_index(i);
            SweepValue {
                text: month.to_string(),
                value: Value::String(month.to_string()),
            }
        })
        .collect())
}

/// The values from `from` to `to` in `steps` equal steps, when both ends
/// are whole numbers and so is every step; exact however large the ends.
fn whole_steps(from: &str, to: &str, steps: usize) -> Option<Vec<i64>> {
    even_steps(from.trim().parse().ok()?, to.trim().parse().ok()?, steps)
}

/// For a valid range `FROM..TO:COUNT` of whole ends that makes decimals
/// (its steps are not whole, or its ends are written with a decimal point
/// or an exponent): why, and a range of whole numbers near it, with the
/// COUNT nearest the one given (the larger of two as near; 2, the ends
/// alone, only when no other up to the most values a sweep takes) whose
/// steps are whole.
fn decimal_range(from: &str, to_count: &str) -> Option<String> {
    let (to, count) = to_count.split_once(':')?;
    let (from, to) = (from.trim(), to.trim());
    let (a, b) = (whole_end(from)?, whole_end(to)?);
    let written_as_decimals = from.parse::<i64>().is_err() || to.parse::<i64>().is_err();
    let count: usize = count.trim().parse().ok()?;
    if !(2..=MAX_VALUES).contains(&count) {
        return None;
    }
    let diff = i128::from(b) - i128::from(a);
    let whole = |c: usize| diff % (c as i128 - 1) == 0;
    let typed = format!("{from}..{to}:{count}");
    if whole(count) {
        return written_as_decimals.then(|| {
            format!(
                "{typed} has ends written as decimals, so its values are decimals; \
                 write them as whole numbers, as in {a}..{b}:{count}, or list the values"
            )
        });
    }
    let nearest = (0..MAX_VALUES)
        .flat_map(|d| [Some(count + d), count.checked_sub(d)])
        .flatten()
        .find(|&c| (3..=MAX_VALUES).contains(&c) && whole(c))
        .unwrap_or(2);
    // The step in thousandths, exactly (the ends may be near 2^63): one
    // that three decimals do not write (8/3) is shown rounded to them,
    // enough to see that it is not whole.
    let intervals = count as i128 - 1;
    let shown = if (diff * 1000) % intervals == 0 {
        let thousandths = diff * 1000 / intervals;
        let sign = if thousandths < 0 { "-" } else { "" };
        let (whole, fraction) = (thousandths.abs() / 1000, thousandths.abs() % 1000);
        let fraction = format!("{fraction:03}");
        format!("{sign}{whole}.{}", fraction.trim_end_matches('0'))
    } else {
        format!("about {:.3}", diff as f64 / intervals as f64)
    };
    Some(format!(
        "{typed} steps by {shown}, so its values are decimals; whole ends and a COUNT whose \
         steps are whole give whole numbers, as in {a}..{b}:{nearest}, or list the values"
    ))
}

/// An end of a range that is a whole number, however written (`8`, `8.0`,
/// `8e0`), within the integers a scenario holds.
fn whole_end(text: &str) -> Option<i64> {
    if let Ok(i) = text.parse::<i64>() {
        return Some(i);
    }
    let x: f64 = text.parse().ok()?;
    // -2^63 ..= 2^63 - 1024 (the largest double below 2^63).
    (x.is_finite()
        && x.fract() == 0.0
        && (-9.223372036854776e18..9.223372036854776e18).contains(&x))
    .then_some(x as i64)
}

/// The integers from `a` to `b` in `steps` equal whole steps, if there are
/// such steps (in `i128`, so no difference overflows).
fn even_steps(a: i64, b: i64, steps: usize) -> Option<Vec<i64>> {
    let (a, b) = (i128::from(a), i128::from(b));
    let steps = i128::try_from(steps).ok()?;
    let diff = b - a;
    if diff % steps != 0 {
        return None;
    }
    (0..=steps)
        .map(|i| i64::try_from(a + diff / steps * i).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a value may be where its path does not say.
    const EVERYTHING: &str = "not a number: write a whole number such as 12 or -3 (units and \
         term take only these), a decimal number such as 0.25 or 2.5e6, or, for an event's at or \
         until, a month YYYY-MM";

    fn texts(spec: &str) -> Vec<String> {
        Sweep::parse(spec)
            .unwrap()
            .values
            .into_iter()
            .map(|v| v.text)
            .collect()
    }

    /// A third dot or an empty quoted value is named for what it is, not
    /// read as another range or called an empty item of a list.
    #[test]
    fn typos_in_values_are_named() {
        let three_dots = Sweep::parse("vendor.A.brand=0...1:3").unwrap_err().0;
        assert!(
            three_dots.contains("has '...' where a range takes two dots"),
            "{three_dots}"
        );
        let empty = Sweep::parse_one("vendor.A.brand=\"\"").unwrap_err().0;
        assert!(empty.contains("gives an empty value after '='"), "{empty}");
        assert!(Sweep::parse("vendor.A.brand=0..1:3").is_ok());
    }

    #[test]
    fn lists_keep_what_is_written() {
        let sweep = Sweep::parse("agency.DoD.caution = 0.2, 0.4,1").unwrap();
        assert_eq!(sweep.path, "agency.DoD.caution");
        assert_eq!(
            sweep.values.iter().map(|v| &v.value).collect::<Vec<_>>(),
            [&Value::Float(0.2), &Value::Float(0.4), &Value::Integer(1)]
        );
        assert_eq!(
            Sweep::parse("event.2.at=2026-03,7").unwrap().values[0].value,
            Value::String("2026-03".into())
        );
        // Quotes as in the file; a name may contain '='.
        let quoted = Sweep::parse(r#"event.Budget = $2B.at="2026-05""#).unwrap();
        assert_eq!(quoted.path, "event.Budget = $2B.at");
        assert_eq!(quoted.values[0].value, Value::String("2026-05".into()));
        assert_eq!(quoted.values[0].text, "2026-05");
        assert_eq!(
            Sweep::parse(r#"x="0.3""#).unwrap().values[0].value,
            Value::Float(0.3)
        );
    }

    /// Values are the same only when they are the same number: whole
    /// numbers are compared exactly, not as floats, and a whole number
    /// beyond i64 is never its neighbour inside it.
    #[test]
    fn repeated_values_are_the_same_number_exactly() {
        let repeated = |spec: &str| {
            Sweep::parse(spec)
                .err()
                .is_some_and(|e| e.0.contains("are the same value"))
        };
        assert!(repeated("x=2,2.0"));
        assert!(repeated("x=0.5,0.50"));
        assert!(repeated("x=-9223372036854775808,-9223372036854775808.0"));
        assert!(!repeated("x=9007199254740992,9007199254740993"));
        assert!(!repeated("x=9223372036854775807,9223372036854775808"));
        assert!(!repeated("x=-9223372036854775808,-9223372036854775809"));
        assert!(!repeated("x=2,2.5"));
        // Just below i64::MIN stays below it, as a float.
        let below = Sweep::parse_one("x=-9223372036854775809").unwrap().values[0]
            .value
            .clone();
        assert!(
            matches!(below, Value::Float(x) if x < i64::MIN as f64),
            "{below:?}"
        );
    }

    #[test]
    fn ranges_are_evenly_spaced_and_rounded() {
        assert_eq!(texts("x=0.1..0.9:5"), ["0.1", "0.3", "0.5", "0.7", "0.9"]);
        // Listed values are quoted as typed; the files hold numbers in
        // plain decimal, dates as written.
        let listed = Sweep::parse("x=1e-7,+2E-7,.3,00004,0.50,-0,2.5e6,\"2026-03\"").unwrap();
        let typed: Vec<&str> = listed.values.iter().map(|v| v.text.as_str()).collect();
        assert_eq!(
            typed,
            [
                "1e-7", "+2E-7", ".3", "00004", "0.50", "-0", "2.5e6", "2026-03"
            ]
        );
        let columns: Vec<String> = listed.values.iter().map(SweepValue::column).collect();
        assert_eq!(
            columns,
            [
                "0.0000001",
                "0.0000002",
                "0.3",
                "4",
                "0.5",
                "0",
                "2500000.0",
                "2026-03"
            ]
        );
        let ranged = Sweep::parse("x=0.1..0.9:5").unwrap();
        assert!(ranged.values.iter().all(|v| v.column() == v.text));
        // -0.0 as 0.0, as the CSV files write -0.
        assert_eq!(Sweep::parse("x=-0.0,1").unwrap().values[0].column(), "0.0");
        assert_eq!(texts("x=12..60:5"), ["12", "24", "36", "48", "60"]);
        assert_eq!(
            Sweep::parse("x=12..60:5").unwrap().values[1].value,
            Value::Integer(24)
        );
        // Whole ends but fractional steps give decimals.
        assert_eq!(texts("x=0..1:3"), ["0.0", "0.5", "1.0"]);
        assert_eq!(
            texts("x=12..40:4"),
            ["12.0", "21.3333333333", "30.6666666667", "40.0"]
        );
        assert_eq!(
            Sweep::parse("x=0..1:3").unwrap().values[0].value,
            Value::Float(0.0)
        );
        assert_eq!(texts("x=-0.1..-0.3:3"), ["-0.1", "-0.2", "-0.3"]);
        assert_eq!(
            texts("x=1e6..3e6:3"),
            ["1000000.0", "2000000.0", "3000000.0"]
        );
        // No exponent, however small or large, as in the CSV files.
        assert_eq!(texts("x=0..0.0001:3"), ["0.0", "0.00005", "0.0001"]);
        assert_eq!(
            texts("x=-2e-7..-1e-300:2"),
            ["-0.0000002", format!("-0.{}1", "0".repeat(299)).as_str()]
        );
        assert_eq!(
            texts("x=1.5e16..3.25e17:2"),
            ["15000000000000000.0", "325000000000000000.0"]
        );
        assert_eq!(texts("x=1.25e16..1.5e16:2")[0], "12500000000000000.0");
    }

    #[test]
    fn ranges_of_months_are_months() {
        assert_eq!(
            texts("event.2.at=2026-03..2027-03:5"),
            ["2026-03", "2026-06", "2026-09", "2026-12", "2027-03"]
        );
        assert_eq!(
            Sweep::parse(r#"x="2026-11".."2027-01":3"#).unwrap().values[2].value,
            Value::String("2027-01".into())
        );
        // Backwards, across a year's end.
        assert_eq!(
            texts("x=2027-01..2026-11:3"),
            ["2027-01", "2026-12", "2026-11"]
        );
        // The COUNT of a range of months or of numbers: one check, one
        // wording.
        for (spec, told) in [
            (
                "x=2026-03..2027-03:6",
                "does not split into 5 equal steps of whole months",
            ),
            (
                "x=2026-03..2027-03:1",
                "must be a whole number of at least 2",
            ),
            (
                "x=2026-03..2027-03:2000",
                "2000 values is too many for one sweep (at most 1000)",
            ),
            (
                "x=0..1:99999999999999999999",
                "99999999999999999999 values is too many",
            ),
            ("x=0..1:+1001", "1001 values is too many"),
            ("x=0..1:01001", "1001 values is too many"),
            ("x=0..1:+1", "must be a whole number of at least 2"),
            ("x=0..1:1e3", "must be a whole number of at least 2"),
        ] {
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert!(e.contains(told), "{spec}: {e}");
        }
        // A month at one end only is not a range of months.
        assert!(Sweep::parse("x=2026-03..14:4").is_err());
        let e = Sweep::parse("x=2026-13..2027-01:2")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("'2026-13' is not a month: it must be"), "{e}");
    }

    /// The numbers of `texts(spec)`, checking that each is written without
    /// an exponent and with a decimal point.
    fn plain_numbers(spec: &str) -> Vec<f64> {
        texts(spec)
            .iter()
            .map(|t| {
                assert!(!t.contains(['e', 'E']) && t.contains('.'), "{spec}: {t}");
                t.parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn ranges_of_far_apart_ends_do_not_overflow() {
        // The ends' difference is not a finite number.
        assert_eq!(plain_numbers("x=-1e308..1e308:3"), [-1e308, 0.0, 1e308]);
        assert_eq!(
            texts("x=-1e308..1e308:3")[2],
            format!("1{}.0", "0".repeat(308))
        );
        assert_eq!(
            plain_numbers("x=-1.7976931348623157e308..1.7976931348623157e308:5"),
            [
                -1.79769313486e308,
                -8.98846567431e307,
                0.0,
                8.98846567431e307,
                1.79769313486e308
            ]
        );
        // The difference is finite but a multiple of it is not.
        assert_eq!(plain_numbers("x=0..1e308:3"), [0.0, 5e307, 1e308]);
        assert_eq!(plain_numbers("x=1e308..-1e308:2"), [1e308, -1e308]);
        for spec in ["x=1e400..1:2", "x=0..-1e999:2", "x=nan..1:2", "x=0..inf:3"] {
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert!(e.ends_with("is not a finite number"), "{spec}: {e}");
        }
    }

    #[test]
    fn ranges_of_whole_ends_and_whole_steps_are_exact_whole_numbers() {
        let values = |spec: &str| -> Vec<Value> {
            Sweep::parse(spec)
                .unwrap()
                .values
                .into_iter()
                .map(|v| v.value)
                .collect()
        };
        assert_eq!(
            values("x=0..9223372036854775807:2"),
            [Value::Integer(0), Value::Integer(i64::MAX)]
        );
        assert_eq!(
            texts("x=-9223372036854775808..9223372036854775807:2"),
            ["-9223372036854775808", "9223372036854775807"]
        );
        // Steps of 3 x 10^18 + 1, beyond what a decimal number holds
        // exactly.
        assert_eq!(
            values("x=1..9000000000000000004:4"),
            [
                Value::Integer(1),
                Value::Integer(3_000_000_000_000_000_002),
                Value::Integer(6_000_000_000_000_000_003),
                Value::Integer(9_000_000_000_000_000_004),
            ]
        );
        assert_eq!(texts("x=60..12:5"), ["60", "48", "36", "24", "12"]);
        // A step that is not whole gives decimals, however large the ends.
        assert_eq!(
            texts("x=0..9223372036854775807:3"),
            ["0.0", "4611686018430000000.0", "9223372036850000000.0"]
        );
    }

    #[test]
    fn a_range_of_whole_ends_and_decimal_steps_says_which_count_gives_whole_steps() {
        let why = |spec: &str| Sweep::parse(spec).unwrap().decimal_range;
        assert_eq!(
            why("x=1..8:3").as_deref(),
            Some(
                "1..8:3 steps by 3.5, so its values are decimals; whole ends and a COUNT whose \
                 steps are whole give whole numbers, as in 1..8:8, or list the values"
            )
        );
        // A step three decimals write exactly is shown as it is.
        assert!(
            why("x=0..161:11")
                .unwrap()
                .starts_with("0..161:11 steps by 16.1,")
        );
        assert!(
            why("x=0..9223372036854775807:3")
                .unwrap()
                .starts_with("0..9223372036854775807:3 steps by 4611686018427387903.5,")
        );
        // The nearest such COUNT, the larger of two as near.
        assert!(why("x=12..36:6").unwrap().contains("as in 12..36:7,"));
        assert!(why("x=0..10:4").unwrap().contains("as in 0..10:3,"));
        assert!(
            why("x= 60 .. 0 :8")
                .unwrap()
                .starts_with("60..0:8 steps by about -8.571,")
        );
        assert!(why("x=-5..-12:3").unwrap().contains("as in -5..-12:8,"));
        // Two values only when no other COUNT up to the most a sweep takes.
        assert!(
            why("x=0..1000003:3")
                .unwrap()
                .contains("as in 0..1000003:2,")
        );
        // Ends written as decimals: the same range with whole ends.
        assert_eq!(
            why("x=1.0..8:8").as_deref(),
            Some(
                "1.0..8:8 has ends written as decimals, so its values are decimals; write them \
                 as whole numbers, as in 1..8:8, or list the values"
            )
        );
        assert!(
            why("x=1e0..8:3")
                .unwrap()
                .starts_with("1e0..8:3 steps by 3.5,")
        );
        assert!(why("x=1e0..8:3").unwrap().contains("as in 1..8:8,"));
        // Whole steps of whole ends, decimal ends, ends beyond the integers,
        // months and lists need no explanation.
        for spec in [
            "x=12..36:5",
            "x=0.5..2:4",
            "x=1.5..2.5:3",
            "x=0..1e300:3",
            "x=2026-01..2026-09:5",
            "x=1,2.5",
        ] {
            assert_eq!(why(spec), None, "{spec}");
        }
    }

    #[test]
    fn a_value_is_a_number_or_a_date() {
        for text in ["abc", "true", "0x1", "1_0", "\"x\"", "1.2.3"] {
            let spec = format!("x={text}");
            let e = Sweep::parse_one(&spec).unwrap_err().to_string();
            let shown = text.trim_matches('"');
            assert!(
                e.starts_with(&format!(
                    "'{shown}' is not a number: write a whole number such as 12 or -3"
                )),
                "{spec}: {e}"
            );
        }
        // A number as a spreadsheet shows it is told the number the key
        // takes; a key of whole numbers has no percentage reading.
        for (spec, hint) in [
            (
                "vendor.A.brand=85%",
                "'85%' is not a number: write 0.85 (a percentage is written as a fraction)",
            ),
            (
                "agency.DoD.units=5k",
                "'5k' is not a number: write 5000 (TOML numbers take no unit suffix)",
            ),
            (
                "agency.DoD.annual_value=$1.2M",
                "'$1.2M' is not a number: write 1200000 (TOML numbers take no unit suffix)",
            ),
        ] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            assert_eq!(e, hint, "{spec}");
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert_eq!(e, hint, "{spec}");
        }
        for (spec, hint) in [
            (
                "vendor.A.access.secret=85%",
                "'85%' is not a number: write 0.85 (a percentage is written as a fraction)",
            ),
            (
                "event.2.add.access.secret=-5%",
                "'-5%' is not a number: write -0.05 (a percentage is written as a fraction)",
            ),
            (
                "agency.DoD.units=1,000",
                "'1,000' is not a number: write 1000 (without thousands separators)",
            ),
        ] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            assert_eq!(e, hint, "{spec}");
        }
        // No number for a path that ends with no number's key (a typo, a
        // date), nor one a whole number's key cannot take.
        for spec in [
            "agency.DoD.units=85%",
            "agency.DoD.term=12m",
            "event.2.at=85%",
            "agency.DoD.trem=12m",
            "agency.DoD.Term=12m",
            "event.2.AT=5k",
            "agency.DoD.units=5b",
            "agency.DoD.units=-5k",
            "agency.DoD.units=$5",
        ] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            let (path, value) = spec.split_once('=').unwrap();
            let plain = match path {
                "agency.DoD.units" | "agency.DoD.term" => {
                    "not a number: write a whole number such as 12".to_string()
                }
                "event.2.at" => "not a date: write a month YYYY-MM such as 2027-03, or a period \
                                 index such as 14"
                    .to_string(),
                _ => EVERYTHING.to_string(),
            };
            assert_eq!(e, format!("'{value}' is {plain}"), "{spec}");
        }
        // Two values are still two values.
        let e = Sweep::parse_one("agency.DoD.caution=0.3,0.5")
            .unwrap_err()
            .to_string();
        assert!(e.contains("gives several values"), "{e}");
        // In a list cut at its commas, a piece of a number that held a
        // comma is not told a number, but that commas separate values.
        for (spec, piece, cut) in [
            (
                "agency.DoD.annual_value=$1,200,$1,500",
                "$1",
                "$1,200 is the values $1 and 200",
            ),
            (
                "agency.DoD.caution=12,5%",
                "5%",
                "12,5% is the values 12 and 5%",
            ),
            (
                "agency.DoD.caution=\"12\",5%",
                "5%",
                "12,5% is the values 12 and 5%",
            ),
            // Quotes around one number do not keep its comma in a list.
            (
                "agency.DoD.caution=0.2,\"1,5\"",
                "\"1",
                "1,5 is the values 1 and 5",
            ),
            (
                "agency.DoD.annual_value=1,5k,2k",
                "5k",
                "1,5k is the values 1 and 5k",
            ),
        ] {
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert_eq!(
                e,
                format!(
                    "'{piece}' is not a number: write a plain number such as 0.25 or 2.5e6; commas \
                     separate the values of a list, so {cut}"
                ),
                "{spec}"
            );
        }
        // Values separated by spaces are told the commas; digits grouped
        // in threes are not.
        assert_eq!(
            Sweep::parse("agency.*.caution=0.1 0.3")
                .unwrap_err()
                .to_string(),
            "'0.1 0.3' is not a number: write a plain number such as 0.25 or 2.5e6; the values \
             of a list are separated by commas: 0.1,0.3"
        );
        assert_eq!(
            Sweep::parse("event.2.at=2026-03  2027-03")
                .unwrap_err()
                .to_string(),
            "'2026-03  2027-03' is not a date: write a month YYYY-MM such as 2027-03, or a period \
             index such as 14; the values of a list are separated by commas: 2026-03,2027-03"
        );
        for spec in [
            "agency.DoD.units=1 000",
            "agency.DoD.caution=2026-03 2027-03",
        ] {
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert!(!e.contains("commas"), "{spec}: {e}");
        }
        // --set is told it takes one value.
        assert_eq!(
            Sweep::parse_one("agency.DoD.caution=0.1 0.3")
                .unwrap_err()
                .to_string(),
            "'0.1 0.3' is not a number: write a plain number such as 0.25 or 2.5e6; --set takes \
             one value (sharecast sweep --vary runs several, separated by commas)"
        );
        // Values each in quotes are values of a list.
        assert_eq!(texts("x=\"0.1\",\"0.2\""), ["0.1", "0.2"]);
        // Where no comma could have been part of a number, no word of it.
        for spec in [
            "agency.DoD.caution=0.1,0.2,abc",
            "agency.DoD.caution=abc,,0.2",
        ] {
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert_eq!(
                e, "'abc' is not a number: write a plain number such as 0.25 or 2.5e6",
                "{spec}"
            );
        }
        // What a value may be follows the path: an event's date, a whole
        // number, any number; everything where the path names no number.
        let date =
            "not a date: write a month YYYY-MM such as 2027-03, or a period index such as 14";
        let whole = "not a number: write a whole number such as 12";
        let plain = "not a number: write a plain number such as 0.25 or 2.5e6";
        for (spec, may_be) in [
            ("event.2.at=abc", date),
            ("event.*.until=abc", date),
            ("agency.DoD.units=abc", whole),
            ("agency.*.term=abc", whole),
            ("vendor.A.brand=abc", plain),
            ("agency.U.S. Army.choice.brand=abc", plain),
            // A tier named like an event's date is a number.
            ("event.1.add.access.until=abc", plain),
            ("event.1.set.access.at=abc", plain),
            ("agency.DoD.trem=abc", EVERYTHING),
            // An event's `set` or `add` has no date.
            ("event.1.add.at=abc", EVERYTHING),
        ] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            assert_eq!(e, format!("'abc' is {may_be}"), "{spec}");
        }
        // A list that reads as one number grouped in thousands (a value
        // after the first with a leading zero) is refused, telling the
        // number; one of values without leading zeros is a list.
        let e = Sweep::parse("agency.DoD.annual_value=1,500,000")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "'1,500,000' reads as one number written with thousands separators, but commas \
             separate the values of a list (here the values 1, 500, 000): write 1500000 for one value"
        );
        assert!(Sweep::parse("agency.DoD.units=1,000").is_err());
        assert_eq!(
            Sweep::parse("agency.DoD.units=100,200,300")
                .unwrap()
                .values
                .len(),
            3
        );
        // Numbers grouped in thousands: the number, where the key takes
        // it; no reading where a zero leads (`01,000`, two values).
        for (spec, told) in [
            (
                "agency.DoD.units=1,000,000",
                "write 1000000 (without thousands separators)",
            ),
            (
                "agency.DoD.term=2,000,000",
                "write the number without thousands separators",
            ),
            (
                "agency.DoD.units=-1,000",
                "write the number without thousands separators",
            ),
            (
                "choice.incumbency=1,000.5",
                "write 1000.5 (without thousands separators)",
            ),
        ] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            assert!(e.ends_with(told), "{spec}: {e}");
        }
        for spec in ["agency.DoD.units=01,000", "agency.DoD.caution=0.3,0.5"] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            assert!(e.contains("gives several values"), "{spec}: {e}");
        }
        // One value: a comma in it is a decimal comma where no thousands fit.
        let e = Sweep::parse_one("agency.DoD.caution=0,5")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "'0,5' is not a number: write 0.5 (with a decimal point, not a comma)"
        );
        // Names may hold dots: the key is read from the ends of the path.
        for (spec, hint) in [
            (
                "agency.U.S. Army.caution=30%",
                "write 0.3 (a percentage is written as a fraction)",
            ),
            (
                "agency.U.S. Army.caution=0,5",
                "write 0.5 (with a decimal point, not a comma)",
            ),
            (
                "vendor.Challenger.AI.brand=85%",
                "write 0.85 (a percentage is written as a fraction)",
            ),
            (
                "event.v2.0 launch.add.brand=5%",
                "write 0.05 (a percentage is written as a fraction)",
            ),
            (
                "agency.U.S. Army.units=5k",
                "write 5000 (TOML numbers take no unit suffix)",
            ),
        ] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            assert!(e.ends_with(hint), "{spec}: {e}");
        }
        // A reading outside the field's range says so; an event's number,
        // clamped into the range, does not.
        for (spec, hint) in [
            (
                "agency.DoD.caution=150%",
                "write 1.5 (a percentage is written as a fraction), though caution must be in [0, 1]",
            ),
            (
                "vendor.A.access.top_secret=120%",
                "write 1.2 (a percentage is written as a fraction), though access.top_secret must be in [0, 1]",
            ),
            (
                "agency.DoD.innovation=-5%",
                "write -0.05 (a percentage is written as a fraction), though innovation must be >= 0",
            ),
            (
                "agency.U.S. Army.annual_value=5000000bn",
                "write 5000000000000000 (TOML numbers take no unit suffix), though annual_value must be in [0, 1e15]",
            ),
            (
                "event.1.set.caution=150%",
                "write 1.5 (a percentage is written as a fraction)",
            ),
            (
                "agency.DoD.caution=100%",
                "write 1 (a percentage is written as a fraction)",
            ),
            (
                "choice.brand=2M",
                "write 2000000 (TOML numbers take no unit suffix), though choice.brand must be in [-1000000, 1000000]",
            ),
            // No such number: a vendor has no choice weights, an agency no
            // attributes.
            (
                "vendor.A.choice.brand=2M",
                "write 2000000 (TOML numbers take no unit suffix)",
            ),
            (
                "agency.DoD.attributes.capability=2M",
                "write 2000000 (TOML numbers take no unit suffix)",
            ),
        ] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            assert!(e.ends_with(hint), "{spec}: {e}");
        }
        // A key of another part gets no number.
        for spec in [
            "vendor.X.units=5k",
            "agency.X.brand=85%",
            "event.1.set.units=5k",
        ] {
            let e = Sweep::parse_one(spec).unwrap_err().to_string();
            assert!(
                !e.contains("write 5000") && !e.contains("write 0.85") && !e.contains("write 2.5"),
                "{spec}: {e}"
            );
        }
        // A month written wrong is told the rule of months.
        for (text, why) in [
            ("2026-13", "(month 13 is not 01 to 12)"),
            ("0999-01", "(year 0999 is before 1000)"),
            ("2026/03", "; write \"2026-03\""),
            ("03/2026", "; write \"2026-03\""),
            ("2026-3", "; write \"2026-03\""),
        ] {
            let e = Sweep::parse_one(&format!("x={text}"))
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with(&format!(
                    "'{text}' is not a number, and as a date (which only an event's at and until take) \
                     it must be a month written \"YYYY-MM\""
                )) && e.ends_with(why),
                "{text}: {e}"
            );
        }
        for (text, value) in [
            ("2026-03", Value::String("2026-03".into())),
            ("\"2026-03\"", Value::String("2026-03".into())),
            ("-3", Value::Integer(-3)),
            ("1e6", Value::Float(1e6)),
            (".5", Value::Float(0.5)),
            // Too large for an integer: a decimal number, which keys that
            // take whole numbers refuse with their own message.
            ("99999999999999999999", Value::Float(1e20)),
        ] {
            let sweep = Sweep::parse_one(&format!("x={text}")).unwrap();
            assert_eq!(sweep.values[0].value, value, "{text}");
        }
    }

    #[test]
    fn malformed_specs_are_refused_with_the_form_expected() {
        for (spec, needle) in [
            ("agency.DoD.caution", "PATH=VALUES"),
            ("=0.1", "no parameter"),
            ("x=0.1,,0.2", "empty value"),
            ("x=0.1..0.9", "FROM..TO:COUNT"),
            ("x=0.1..0.9:1", "at least 2"),
            ("x=a..0.9:3", "FROM..TO:COUNT"),
            ("x=0.2,0.20", "the same value"),
            ("x=1,1.0", "the same value"),
            ("x=0..1:5000", "too many"),
            ("x=inf", "finite"),
            ("x={ pert = [0.1, 0.2, 0.3] }", "gives a distribution"),
            (
                "x=2026-03..14:4",
                "of months (2026-03..2027-03:5) or of period indexes (2..14:4)",
            ),
        ] {
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert!(e.contains(needle), "{spec}: {e}");
        }
    }

    /// A list whose every value is a percentage is told the fractions to
    /// write, for the numbers that take fractions.
    #[test]
    fn a_list_of_percentages_is_told_the_fractions() {
        let error = |spec: &str| Sweep::parse(spec).unwrap_err().to_string();
        assert_eq!(
            error("agency.*.caution=10%,20%, 30%"),
            "'10%,20%, 30%' are not numbers: write 0.1,0.2,0.3 (a percentage is written as a fraction)"
        );
        assert_eq!(
            error("vendor.A.access.secret=50%,150%"),
            "'50%,150%' are not numbers: write 0.5,1.5 (a percentage is written as a fraction), \
             though access.secret must be in [0, 1]"
        );
        // An attribute or a weight called `annual_value` is no amount of
        // money, as `--set` with one value reads it too.
        for spec in [
            "vendor.A.attributes.annual_value=10%,20%",
            "agency.X.choice.annual_value=10%,20%",
            "event.1.set.attributes.annual_value=10%,20%",
        ] {
            assert_eq!(
                error(spec),
                "'10%,20%' are not numbers: write 0.1,0.2 (a percentage is written as a fraction)",
                "{spec}"
            );
        }
        // Not when a comma may be part of a number (`1,500%`, `12,5%`), nor
        // for a number that takes no fraction.
        for spec in [
            "agency.DoD.caution=1,500%",
            "agency.DoD.caution=12,5%",
            "agency.DoD.units=10%,20%",
            "agency.DoD.annual_value=10%,20%",
            "agency.DoD.caution=10%,x",
        ] {
            assert!(!error(spec).contains("are not numbers"), "{spec}");
        }
    }

    /// A range written with a dash, as a spreadsheet writes one, is told
    /// how a sweep writes a range (on `--vary`, not `--set`, which takes one
    /// value), with a COUNT that the key takes.
    #[test]
    fn a_range_with_a_dash_is_told_the_range_form() {
        let e = Sweep::parse("agency.DoD.caution=0.2-0.6")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("'0.2-0.6' is not a number")
                && e.ends_with("; a range of values is written FROM..TO:COUNT, as in 0.2..0.6:5"),
            "{e}"
        );
        for spec in ["agency.DoD.caution=0.2-x", "agency.DoD.units=5-5"] {
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert!(!e.contains("FROM..TO"), "{e}");
        }
        // The COUNT given is kept; between whole ends, steps are whole.
        for (spec, range) in [
            ("agency.DoD.caution=0.2-0.6:3", "0.2..0.6:3"),
            ("agency.DoD.units=5-10", "5..10:6"),
            ("agency.DoD.term=12-36", "12..36:5"),
            ("agency.DoD.term=12-48", "12..48:5"),
            ("agency.DoD.term=12-36:1", "12..36:5"),
        ] {
            let e = Sweep::parse(spec).unwrap_err().to_string();
            assert!(e.ends_with(&format!("as in {range}")), "{spec}: {e}");
            let (path, _) = spec.split_once('=').unwrap();
            let suggested = Sweep::parse(&format!("{path}={range}")).unwrap();
            assert!(suggested.decimal_range.is_none(), "{spec}");
        }
        // --set takes one value: no range is suggested there.
        let e = Sweep::parse_one("agency.DoD.caution=0.2-0.6")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("FROM..TO"), "{e}");
    }

    /// Which lists of amounts also read as one amount: money only (an
    /// agency's or an event's `annual_value`, not a weight or attribute of
    /// that name), a first value shorter than the groups after it, and an
    /// amount within the range of annual values.
    #[test]
    fn a_list_of_amounts_may_read_as_one() {
        let one = |spec: &str| Sweep::parse(spec).unwrap().one_amount;
        assert_eq!(
            one("agency.DoD.annual_value=2,500").as_deref(),
            Some("2500")
        );
        assert_eq!(
            one("event.3.set.annual_value=1,500,250").as_deref(),
            Some("1500250")
        );
        for spec in [
            "agency.DoD.annual_value=100,200,300",
            "agency.DoD.annual_value=1,234,567,890,123,456",
            "agency.DoD.annual_value=2.5,500",
            "agency.DoD.annual_value=2..500:2",
            "choice.annual_value=2,500",
            "vendor.A.attributes.annual_value=2,500",
            "agency.X.choice.annual_value=2,500",
            "agency.DoD.units=2,500",
        ] {
            assert_eq!(one(spec), None, "{spec}");
        }
        // Repeated groups would repeat a value: the error says it too.
        let e = Sweep::parse("agency.DoD.annual_value=1,250,250")
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("250 and 250 are the same value; each value is one block of rows in the files; for the one amount 1,250,250, write 1250250"),
            "{e}"
        );
        // A quoted list is one value, told the number to write.
        let e = Sweep::parse("agency.DoD.annual_value=\"2,500\"")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("'2,500' is not a number: write 2.5, or 2500"),
            "{e}"
        );
    }
}
