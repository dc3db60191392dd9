//! Numbers written as a spreadsheet or a report shows them (`45%`,
//! `2,500,000`, `0,1` with a decimal comma, `2.5M`, `$120k`, `.45`), which
//! neither TOML nor the command line reads, and the hints that say what to
//! write instead: for a value in a scenario file (`raw`, `validate`), a
//! `--set` or `--vary` value, a `--runs` or `--threads` count, and
//! fractions given on the command line as whole percentages. The ranges
//! the hints quote come from one table ([`range_of_key`]).

use super::param::Range;
use super::validate;
use super::vary::PathShape;

/// A number written as a spreadsheet or a report shows it, which TOML does
/// not read ([`spreadsheet_number`]): the number as TOML writes it, the
/// other reading of a single comma before three digits (`2,500`: 2.5, or
/// 2500 if the comma separates thousands), and what was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SpreadsheetNumber {
    pub number: String,
    pub thousands: Option<String>,
    pub why: &'static str,
    /// Whether the text groups its digits in thousands with commas
    /// (`1,000`, `$2,500,000`), which the number drops.
    pub grouped: bool,
}

impl SpreadsheetNumber {
    /// `N` or `N, or M if the comma separates thousands`, each followed by
    /// `after` (" without the quotes", or nothing).
    pub fn advice(&self, after: &str) -> String {
        match &self.thousands {
            Some(m) => format!(
                "{}{after}, or {m}{after} if the comma separates thousands",
                self.number
            ),
            None => format!("{}{after}", self.number),
        }
    }
}

/// The kind of number a key takes, for [`spreadsheet_number`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumberKind {
    /// Any number: a fraction, a rate, an amount of money.
    Any,
    /// A whole number of units, runs or a seed.
    Whole,
    /// A whole number of periods or months (`term`), where `12m` means
    /// months: no unit suffix is read.
    Periods,
}

impl NumberKind {
    /// The kind of number `key` (a key that is not dotted) takes; `None`
    /// for a key of text or dates (`name`, `start`, an event's `at`), which
    /// no number hint fits.
    pub(super) fn of_key(key: &str) -> Option<NumberKind> {
        match key {
            "name" | "vendor" | "agency" | "tier" | "tiers" | "start" | "step" | "label" | "at"
            | "until" => None,
            "periods" | "term" | "remaining" => Some(NumberKind::Periods),
            "units" | "runs" | "seed" => Some(NumberKind::Whole),
            _ => Some(NumberKind::Any),
        }
    }
}

/// A number written as a spreadsheet or a report shows it, which TOML does
/// not read: `45%`, `2,500,000`, `0,1` (a decimal comma), `2.5M`, `$120k`,
/// `.45`; `None` for text that is a plain number already, not a number at
/// all, or none that a key of `kind` takes (a whole number has no
/// percentage or decimal reading; a number of periods no unit suffix, since
/// `12m` is a year). Digits are kept as written (a long whole number is
/// not rounded); a scaled number is rounded to 12 significant digits.
pub(super) fn spreadsheet_number(text: &str, kind: NumberKind) -> Option<SpreadsheetNumber> {
    let mut t = text.trim();
    let mut why = None;
    let negative = t.starts_with('-');
    t = t.strip_prefix(['-', '+']).unwrap_or(t).trim_start();
    let dollars = t.starts_with('$');
    if let Some(rest) = t.strip_prefix('$') {
        (t, why) = (rest.trim_start(), Some("without the currency sign"));
    }
    let mut scale = 1.0;
    if let Some(rest) = t.strip_suffix('%') {
        if kind != NumberKind::Any {
            return None;
        }
        (t, scale, why) = (
            rest.trim_end(),
            0.01,
            Some("a percentage is written as a fraction"),
        );
    } else if kind != NumberKind::Periods {
        let lower = t.to_ascii_lowercase();
        for (suffix, factor) in [("bn", 1e9), ("mm", 1e6), ("k", 1e3), ("m", 1e6), ("b", 1e9)] {
            if lower.ends_with(suffix) && lower.len() > suffix.len() {
                t = t[..t.len() - suffix.len()].trim_end();
                (scale, why) = (factor, Some("TOML numbers take no unit suffix"));
                break;
            }
        }
    }
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    {
        return None;
    }
    let groups: Vec<&str> = t.split(',').collect();
    let (whole, point) = match groups.last()?.split_once('.') {
        Some((last, decimals)) => (last, Some(decimals)),
        None => (*groups.last()?, None),
    };
    // Thousands are grouped from a first group of 1 to 3 digits that does
    // not start with 0 (0,500 is a decimal comma).
    let thousands = groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && !groups[0].starts_with('0')
        && groups[1..groups.len() - 1].iter().all(|g| g.len() == 3)
        && whole.len() == 3;
    // `2,500` may be 2.5 with a decimal comma, but `$2,500` is written where
    // the comma separates thousands.
    let ambiguous = thousands && groups.len() == 2 && point.is_none() && !dollars;
    let sign = if negative { "-" } else { "" };
    let number = |body: &str| toml_number(body, scale, sign);
    let whole_number = |n: &str| n.parse::<i64>().is_ok();
    if ambiguous {
        let (decimal, grouped) = (number(&t.replace(',', "."))?, number(&t.replace(',', ""))?);
        return Some(if kind == NumberKind::Any {
            SpreadsheetNumber {
                number: decimal,
                thousands: Some(grouped),
                why: "TOML reads neither a decimal comma nor thousands separators",
                grouped: true,
            }
        } else {
            SpreadsheetNumber {
                number: whole_number(&grouped).then_some(grouped)?,
                thousands: None,
                why: "without thousands separators",
                grouped: true,
            }
        });
    }
    let body = if thousands {
        why = why.or(Some(
            "without thousands separators; TOML allows underscores between digits",
        ));
        t.replace(',', "")
    } else if groups.len() == 2 && point.is_none() {
        // A whole number has no decimal reading (`01,000` is not 1).
        if kind != NumberKind::Any {
            return None;
        }
        why = why.or(Some("with a decimal point, not a comma"));
        t.replace(',', ".")
    } else if groups.len() > 1 {
        return None;
    } else {
        t.to_string()
    };
    if body.starts_with('.') {
        why = why.or(Some("with a digit before the decimal point"));
    }
    let n = number(&body)?;
    if kind != NumberKind::Any && !whole_number(&n) {
        return None;
    }
    why.map(|why| SpreadsheetNumber {
        number: n,
        thousands: None,
        why,
        grouped: thousands,
    })
}

/// `body` (digits with at most one point) times `scale`, signed, as TOML
/// writes it: unscaled, the digits as written without leading zeros or
/// trailing zeros after the point (a
/// whole number too large for TOML's integers as a float with an
/// exponent); scaled, rounded to 12 significant digits.
fn toml_number(body: &str, scale: f64, sign: &str) -> Option<String> {
    let x = body.parse::<f64>().ok().filter(|x| x.is_finite())?;
    if scale == 1.0 {
        let (int, fraction) = body.split_once('.').unwrap_or((body, ""));
        let fraction = fraction.trim_end_matches('0');
        let int = int.trim_start_matches('0');
        let int = if int.is_empty() { "0" } else { int };
        let text = if fraction.is_empty() {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{fraction}")
        };
        return Some(if fraction.is_empty() && text.parse::<i64>().is_err() {
            format!("{sign}{x:e}")
        } else {
            text
        });
    }
    let x = format!("{:.12e}", x * scale).parse::<f64>().ok()?;
    Some(if x.abs() >= 9.2e18 {
        format!("{sign}{x:e}")
    } else {
        format!("{sign}{x}")
    })
}

/// The range a number of a `vendor`'s or an `agency`'s table, or of the
/// `choice` table, must lie in, by the table, the table inside it that
/// holds the key (`access`, `attributes`, `choice`, or "" for none) and
/// the key: one place for the file's hints and the command line's. `None`
/// for any other (an event's numbers are clamped into their ranges, not
/// refused).
pub(super) fn range_of_key(table: &str, inner: &str, key: &str) -> Option<Range> {
    match (table, inner, key) {
        ("choice", "", _) => Some(Range::WEIGHT),
        ("vendor", "", "brand") | ("agency", "", "caution") => Some(Range::UNIT),
        ("vendor", "access", _) => Some(Range::UNIT),
        ("vendor", "attributes", _) | ("agency", "choice", _) => Some(Range::WEIGHT),
        ("agency", "", "innovation" | "imitation") => Some(Range::NON_NEGATIVE),
        ("agency", "", "annual_value") => Some(Range::MONEY),
        _ => None,
    }
}

/// ", though KEY must be in [a, b]" when the number `n` reads lies outside
/// `range` (`named` is how the message names the key); empty otherwise,
/// and for a reading with a second, thousands one.
pub(super) fn out_of_range(range: Option<Range>, named: &str, n: &SpreadsheetNumber) -> String {
    match (range, n.number.parse::<f64>()) {
        (Some(range), Ok(x)) if n.thousands.is_none() && !range.contains(x) => {
            format!(", though {named} must be {}", range.describe())
        }
        _ => String::new(),
    }
}

/// What a value of the setting `path` (`agency.DoD.units`) written as a
/// spreadsheet shows it (`85%`, `5k`) means as a number: "write 0.85 (a
/// percentage is written as a fraction)". `None` when the path names no
/// number of the model (a typo, a key of another part), and, for whole numbers
/// (`units`, `term`), for a reading that is negative, in dollars or
/// larger than a whole number of the model can be.
pub(crate) fn spreadsheet_number_hint(path: &str, text: &str) -> Option<String> {
    let (n, why, outside) = spreadsheet_reading(path, text)?;
    Some(format!("write {} ({why}){outside}", n.advice("")))
}

/// For a `--vary` list whose every value is a percentage (`10%,20%,30%`,
/// where no comma can separate thousands): "write 0.1,0.2,0.3 (a
/// percentage is written as a fraction)", with the range note of the first
/// value outside the range of `path`'s number. `None` unless every value
/// reads so for `path`.
pub(crate) fn percentages_hint(path: &str, list: &str) -> Option<String> {
    let pieces: Vec<&str> = list.split(',').map(str::trim).collect();
    // An amount of money is no percentage of anything here.
    if PathShape::of(path).names_money()
        || pieces.len() < 2
        || !pieces.iter().all(|p| p.ends_with('%'))
    {
        return None;
    }
    let readings: Vec<_> = pieces
        .iter()
        .map(|p| spreadsheet_reading(path, p))
        .collect::<Option<_>>()?;
    let numbers: Vec<&str> = readings.iter().map(|(n, _, _)| n.number.as_str()).collect();
    let why = readings[0].1;
    let outside = readings
        .iter()
        .map(|(_, _, outside)| outside.as_str())
        .find(|outside| !outside.is_empty())
        .unwrap_or_default();
    Some(format!("write {} ({why}){outside}", numbers.join(",")))
}

/// For a `--set` value, or the values of a `--vary`, that all lie outside
/// the range [0, 1] of a vendor's or an agency's fraction (`brand`,
/// `access.TIER`, `caution`) and read as percentages (2 to 100, as the
/// file's rule reads one): "caution must be in [0, 1], but 30 and 60 are
/// not; if they are percentages, write 0.3,0.6". The command line tells it
/// once, where the file's rule would refuse each value at each number the
/// path names (`agency.*.caution`: once per agency and value, at lines of a
/// file that is not at fault). `None` otherwise: for a weight or an
/// attribute (`agency.X.choice.caution`, whose range is wide), for an
/// event's number, which is clamped into its range rather than refused,
/// and for the access of a tier not among `tiers` (a typo, which the file's
/// rules tell with the tier meant).
#[cfg(feature = "cli")]
pub(crate) fn fractions_given_as_percentages(
    path: &str,
    texts: &[&str],
    tiers: &[String],
) -> Option<String> {
    let (first, inner, key, named) = number_of_path(path);
    if path.split('.').count() < 3 || !matches!(first, "vendor" | "agency") {
        return None;
    }
    if range_of_key(first, inner, key) != Some(Range::UNIT)
        || (inner == "access" && !tiers.iter().any(|t| t == key))
    {
        return None;
    }
    let fractions: Vec<String> = texts
        .iter()
        .map(|t| {
            t.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| (2.0..=100.0).contains(x))
                .map(|x| super::param::Shown(super::param::hundredth(x)).to_string())
        })
        .collect::<Option<_>>()?;
    Some(match texts.split_last()? {
        (only, []) => format!(
            "{named} must be in [0, 1], but {only} is not; if {only} is a percentage, write {}",
            fractions[0]
        ),
        (last, rest) if rest.len() < 8 => format!(
            "{named} must be in [0, 1], but {} and {last} are not; if they are percentages, write {}",
            rest.join(", "),
            fractions.join(",")
        ),
        (last, _) => format!(
            "{named} must be in [0, 1], but none of the {} values ({} to {last}) is; if they are \
             percentages, divide each by 100 ({} to {})",
            texts.len(),
            texts[0],
            fractions[0],
            fractions[fractions.len() - 1]
        ),
    })
}

/// How a setting's path names its number ([`PathShape`]): the part
/// (`vendor`, `agency`, `choice`, `event`), the table inside it that holds
/// the key where the part before the key names one (`access`,
/// `attributes`, `choice`; "" for none, an event's `set` and `add`
/// included: a vendor has no choice weights and an agency no attributes,
/// so those name no number), the key, and how messages name it
/// (`access.secret`, `choice.brand`, `caution`).
fn number_of_path(path: &str) -> (&str, &str, &str, String) {
    let shape = PathShape::of(path);
    let (inner, named) = match shape.inner {
        table @ ("access" | "attributes" | "choice") => (table, format!("{table}.{}", shape.key)),
        _ if shape.part == "choice" => ("", format!("choice.{}", shape.key)),
        _ => ("", shape.key.to_string()),
    };
    (shape.part, inner, shape.key, named)
}

/// The kind of number `path` names, as `vary` reads it: a vendor's, an
/// agency's or a `[choice]` number, or one an event sets or adds; `None`
/// for any other path (a misspelt key, an event's `at`, a key of another
/// part such as `vendor.X.units`).
fn kind_of_path(path: &str) -> Option<NumberKind> {
    let shape = PathShape::of(path);
    let any_of = |key: &str| {
        matches!(
            key,
            "brand" | "caution" | "innovation" | "imitation" | "annual_value"
        )
    };
    let (named, own) = (shape.pieces >= 3, shape.inner.is_empty());
    Some(match (shape.part, shape.inner, shape.key) {
        ("choice", _, _) if shape.pieces == 2 => NumberKind::Any,
        ("vendor" | "agency" | "event", "access" | "attributes" | "choice", _) => NumberKind::Any,
        ("vendor", _, "brand") if named && own => NumberKind::Any,
        ("agency", _, "units") if named && own => NumberKind::Whole,
        ("agency", _, "term") if named && own => NumberKind::Periods,
        ("agency", _, key) if named && own && any_of(key) && key != "brand" => NumberKind::Any,
        ("event", "set" | "add", key) if any_of(key) => NumberKind::Any,
        _ => return None,
    })
}

/// Whether the number `path` names takes only whole numbers (`units`,
/// `term`); `None` where `path` names none of the numbers [`kind_of_path`]
/// knows.
pub(crate) fn takes_only_whole_numbers(path: &str) -> Option<bool> {
    kind_of_path(path).map(|kind| kind != NumberKind::Any)
}

/// What [`spreadsheet_number_hint`] says: the reading, why it differs from
/// the text, and the note when it lies outside the number's range.
fn spreadsheet_reading(
    path: &str,
    text: &str,
) -> Option<(SpreadsheetNumber, &'static str, String)> {
    let kind = kind_of_path(path)?;
    let n = spreadsheet_number(text, kind)?;
    // A whole number only as `units` (a u32) and `term` (1 to 1,000,000)
    // take it, so that following the hint never meets another refusal.
    let largest = match kind {
        NumberKind::Any => None,
        NumberKind::Periods => Some(validate::MAX_TERM as u64),
        NumberKind::Whole => Some(u64::from(u32::MAX)),
    };
    if let Some(largest) = largest
        && (text.trim_start().starts_with('-')
            || text.contains('$')
            || n.number.parse::<u64>().map_or(true, |x| x > largest))
    {
        return None;
    }
    // The command line reads no underscores in numbers, as TOML does.
    let why = n.why.split("; TOML allows").next().unwrap_or(n.why);
    // A vendor's, an agency's or a `[choice]` number must lie in its
    // field's range (an event's is clamped into it): a reading outside it
    // (`caution=150%`) is told so rather than left to a second refusal.
    let (first, inner, key, named) = number_of_path(path);
    let outside = out_of_range(range_of_key(first, inner, key), &named, &n);
    Some((n, why, outside))
}

/// The whole number `text` means when written as a spreadsheet or a report
/// shows one (`2,000`, `10k`), for a count given on the command line
/// (`--runs`, `--threads`); `None` for anything else, a negative number
/// or an amount of money among them.
#[cfg(feature = "cli")]
pub(crate) fn whole_number_as_written(text: &str) -> Option<u64> {
    if text.contains(['-', '$']) {
        return None;
    }
    let n = spreadsheet_number(text.trim(), NumberKind::Whole)?;
    n.thousands
        .is_none()
        .then(|| n.number.parse().ok())
        .flatten()
}

/// Whether `text` is a number with its digits grouped in thousands by
/// commas (`1,000`, `$2,500,000`, `-1,000.5`), as [`spreadsheet_number`]
/// reads it: `0,500` and `01,000` are not.
pub(crate) fn grouped_in_thousands(text: &str) -> bool {
    spreadsheet_number(text, NumberKind::Any).is_some_and(|n| n.grouped)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers as spreadsheets and reports show them are told the TOML
    /// number; plain numbers and other text are left to the usual message.
    #[test]
    fn spreadsheet_numbers_are_told_the_toml_number() {
        let read = |text: &str, kind| spreadsheet_number(text, kind).map(|n| n.advice(""));
        let number = |text: &str| read(text, NumberKind::Any);
        for (text, expected) in [
            ("45%", "0.45"),
            ("12.5 %", "0.125"),
            ("-5%", "-0.05"),
            ("0,1", "0.1"),
            ("0,500", "0.5"),
            ("2,500,000", "2500000"),
            ("12,345,678,901,234,567", "12345678901234567"),
            ("9,223,372,036,854,775,808", "9.223372036854776e18"),
            ("1,234.5", "1234.5"),
            ("1,234,567.891234567", "1234567.891234567"),
            ("2,500", "2.5, or 2500 if the comma separates thousands"),
            ("2.5M", "2500000"),
            ("$120k", "120000"),
            ("$ 3,000", "3000"),
            ("$120,000", "120000"),
            ("1.5bn", "1500000000"),
            ("2MM", "2000000"),
            (".45", "0.45"),
            ("-.5", "-0.5"),
            ("$900", "900"),
            ("$007", "7"),
        ] {
            assert_eq!(number(text).as_deref(), Some(expected), "{text}");
        }
        for text in [
            "0.45",
            "2500000",
            "1e6",
            "abc",
            "1,2,3",
            "12,34,567",
            "M",
            "%",
            "$",
            "1.2.3",
            "",
            "nan",
            "inf",
            "45%%",
        ] {
            assert_eq!(number(text), None, "{text}");
        }
        // Whole numbers: the thousands reading only, and none that is not
        // whole (a percentage, a decimal comma).
        for kind in [NumberKind::Whole, NumberKind::Periods] {
            assert_eq!(read("1,000", kind).as_deref(), Some("1000"));
            assert_eq!(read("12,345,678", kind).as_deref(), Some("12345678"));
            for text in [
                "2,5",
                "50%",
                "0,500",
                "01,000",
                "10,00",
                "1,000.5",
                "9,223,372,036,854,775,808",
            ] {
                assert_eq!(read(text, kind), None, "{text}");
            }
        }
        // A number of periods has no unit suffix: 12m is not twelve million.
        assert_eq!(read("12m", NumberKind::Periods), None);
        assert_eq!(read("5k", NumberKind::Whole).as_deref(), Some("5000"));
        assert_eq!(
            spreadsheet_number("2,500", NumberKind::Any).map(|n| n.advice(" without the quotes")),
            Some("2.5 without the quotes, or 2500 without the quotes if the comma separates thousands".into())
        );
    }
}
