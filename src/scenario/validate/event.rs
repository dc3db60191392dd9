//! One `[[event]]`: when it fires, what it targets, and each value it sets
//! or adds, on a field its target has.

use toml::{Spanned, Value};

use super::Checker;
use super::choice::{builtin, weight_index};
use super::values::{
    CAPPED, NEARLY_EVERY, RateAboveOne, percentage_hint, percentages_reading, type_name,
};
use crate::calendar::{Calendar, YearMonth, month_rule};
use crate::scenario::lookup::{AGENCY, ATTRIBUTE, TIER, VENDOR, did_you_mean, find, needs_part};
use crate::scenario::names::printable_name;
use crate::scenario::param::{Param, Range, Shown};
use crate::scenario::raw::{self, ChangeEntry, RawEvent, SpannedValue};
use crate::scenario::{Change, Event, Field, Op, Target};

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

/// The largest period index an event's `at` may give: periods are counted
/// in `u32`, and an `until` (kept up to `u32::MAX`, any later one meaning
/// the same: never within the horizon) must stay above its `at`. Anything
/// this late is past every horizon (which ends by year 9999) and never
/// fires; the bound only keeps the number exact.
const MAX_PERIOD_INDEX: i64 = u32::MAX as i64 - 1;

/// Integers an event's `at` more likely means as a year than as a period
/// index.
const LIKELY_YEARS: std::ops::RangeInclusive<i64> = 1900..=2200;

/// How to write the month an `at` or `until` (`key`) of digits most likely means: a year
/// (`2027`) as its first month, a year and month run together (`202703`)
/// with the dash; `None` for other numbers.
fn month_meant_by_digits(n: i64, key: &str) -> Option<String> {
    if LIKELY_YEARS.contains(&n) {
        return Some(format!("for a month of {n} write {key} = \"{n}-01\""));
    }
    let (year, month) = (n / 100, n % 100);
    (LIKELY_YEARS.contains(&year) && (1..=12).contains(&month))
        .then(|| format!("for that month write {key} = \"{year}-{month:02}\""))
}

/// Every key an event's `set` and `add` give, dotted as the event reads
/// them (`attributes.speed`, whether written so or as a table), valid or
/// not.
pub(super) fn change_keys(event: &RawEvent) -> Vec<String> {
    let mut entries = Vec::new();
    for table in [&event.set, &event.add].into_iter().flatten() {
        for (k, v) in table {
            flatten(k.clone(), v, &mut entries);
        }
    }
    entries.into_iter().map(|(key, _)| key).collect()
}

/// What the file declares that an event may name: its tiers, its vendor
/// attributes, and its vendors' and agencies' names (`None` where a name
/// is missing or repeated, so an event cannot pick it).
pub(super) struct Declared<'a> {
    pub(super) tiers: &'a [String],
    pub(super) attributes: &'a [String],
    pub(super) vendor_names: &'a [Option<String>],
    pub(super) agency_names: &'a [Option<String>],
}

impl Checker {
    /// The period an event's `at` or `until` (`key`) names, a period index
    /// or a month of the calendar (`None` where it is wrong, with the error
    /// recorded, or where the calendar is), and the date as messages show it.
    fn event_period(
        &mut self,
        label: &str,
        key: &str,
        v: &SpannedValue,
        calendar: Option<&Calendar>,
    ) -> (Option<i64>, String) {
        match v.get_ref() {
            Value::String(s) => match (YearMonth::parse(s), calendar) {
                (None, _) => {
                    let unquoted = match s.trim().parse::<u32>() {
                        // A year (or a year and month) is more likely a
                        // month than a period index.
                        Ok(i) => month_meant_by_digits(i64::from(i), key).map_or_else(
                            || format!("; a period index is written without quotes: {key} = {i}"),
                            |month| format!("; {month}"),
                        ),
                        Err(_) => String::new(),
                    };
                    self.error(
                        &v.span(),
                        format!(
                            "{label}: {key} must be a period index or {}{unquoted}",
                            month_rule(s)
                        ),
                    );
                    (None, s.clone())
                }
                (Some(_), None) => (None, s.clone()),
                (Some(month), Some(cal)) => {
                    let p = cal.period_of(month);
                    if p < 0 {
                        let what = if key == "at" {
                            format!("{label} is dated {s}")
                        } else {
                            format!("{label} ends ({key} = \"{s}\")")
                        };
                        self.error(
                            &v.span(),
                            format!("{what}, before the scenario starts ({})", cal.start),
                        );
                        (None, s.clone())
                    } else {
                        (Some(p), s.clone())
                    }
                }
            },
            Value::Integer(i) if key == "at" && *i > MAX_PERIOD_INDEX => {
                self.error(
                    &v.span(),
                    format!(
                        "{label}: at = {i} is past any horizon (a period index is at most {MAX_PERIOD_INDEX}); an event there never fires: leave it out, or give a period within the horizon"
                    ),
                );
                (None, i.to_string())
            }
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
                    raw::unquoted_date(&format!("{label}: {key}"), key, " or a period index", d);
                self.error(&v.span(), message);
                (None, String::new())
            }
            other => {
                self.error(
                    &v.span(),
                    format!(
                        "{label}: {key} must be \"YYYY-MM\" or a period index, not {}",
                        type_name(other)
                    ),
                );
                (None, String::new())
            }
        }
    }

    pub(super) fn event(
        &mut self,
        number: usize,
        raw: &Spanned<RawEvent>,
        calendar: Option<&Calendar>,
        declared: &Declared<'_>,
    ) -> Option<Event> {
        let Declared {
            tiers,
            attributes,
            vendor_names,
            agency_names,
        } = *declared;
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
            Some(v) => self.event_period(&label, "at", v, calendar),
        };
        if let (Some(p), Some(cal)) = (period, calendar)
            && p >= i64::from(cal.periods)
            && let Some(v) = &e.at
        {
            // An integer that reads as a year was most likely meant as one.
            let year_hint = match v.get_ref() {
                Value::Integer(i) => {
                    month_meant_by_digits(*i, "at").map_or_else(String::new, |month| {
                        format!(
                            "; an integer at is a period index (0 is {}): {month}",
                            cal.months_of(0)
                        )
                    })
                }
                _ => String::new(),
            };
            self.warn(
                &v.span(),
                format!(
                    "{label} (at {at}) falls after the last period ({}, {}) and never fires{year_hint}",
                    cal.periods - 1,
                    cal.last_months()
                ),
            );
        }

        // The period from which the changes are undone, after `at`.
        let until = e.until.as_ref().map(|v| {
            let (until, shown) = self.event_period(&label, "until", v, calendar);
            if let (Some(u), Some(p)) = (until, period)
                && u <= p
            {
                // Two months of one period (a quarter, a year) are one period.
                let same = match calendar {
                    Some(cal) if u == p && cal.step.months() > 1 && shown != at => format!(
                        "; both fall in period {p} ({})",
                        cal.months_of(u32::try_from(p).unwrap_or(u32::MAX))
                    ),
                    _ => String::new(),
                };
                self.error(
                    &v.span(),
                    format!(
                        "{label}: until ({shown}) must come after at ({at}): its additions end from that period on{same}"
                    ),
                );
                return None;
            }
            // An integer that reads as a year was most likely meant as one
            // (for an event that fires at all).
            if let (Some(u), Some(cal), Value::Integer(i)) = (until, calendar, v.get_ref())
                && u >= i64::from(cal.periods)
                && period.is_some_and(|p| p < i64::from(cal.periods))
                && let Some(month) = month_meant_by_digits(*i, "until")
            {
                self.warn(
                    &v.span(),
                    format!(
                        "{label}: until = {i} is a period index after the last period ({}, {}), so its changes last to the end; an integer until is a period index (0 is {}): {month}",
                        cal.periods - 1,
                        cal.last_months(),
                        cal.months_of(0)
                    ),
                );
            }
            until
        });

        let target = match (&e.vendor, &e.agency) {
            (Some(_), Some(_)) | (None, None) => {
                self.error(&span, format!("{label} needs exactly one of vendor = \"NAME\" or agency = \"NAME\" (or agency = \"*\" for all agencies)"));
                None
            }
            // No vendor is named "*" (a reserved name), so it can only mean
            // "every vendor", which events do not offer.
            (Some(v), None) if v.get_ref().trim() == "*" => {
                self.error(
                    &v.span(),
                    format!(
                        "{label} names vendor '*', but '*' (every agency) works only with \
                         agency = \"*\"; an event changes one vendor, so write one event per vendor"
                    ),
                );
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

        // Whether the event changes a vendor or agencies, known from its key
        // even when the name it gives is wrong, so that its changes are still
        // checked and every mistake is reported in one pass.
        let changes_vendor = match (&e.vendor, &e.agency) {
            (Some(_), None) => Some(true),
            (None, Some(_)) => Some(false),
            _ => None,
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
            // In the order the file writes them (the table is read sorted
            // by key), so that messages and the overview follow the file.
            entries.sort_by_key(|(_, value)| value.span().start);
            for (key, value) in entries {
                let kspan = value.span();
                // With both targets or none (already an error), each key
                // is checked as the field it can be: a vendor's first; a
                // key that is neither is told why as the kind whose keys
                // it resembles (did you mean), else as an agency's.
                let changes_vendor = match changes_vendor {
                    Some(kind) => kind,
                    None => match (
                        vendor_field(&key, tiers, attributes),
                        agency_field(&key, attributes),
                    ) {
                        (Ok(_), _) => true,
                        (_, Ok(_)) => false,
                        (Err(as_vendor), Err(as_agency)) => {
                            ok = false;
                            // A vendor's key (`access.secret` of an
                            // undeclared tier) or an agency's is told as
                            // such; any other as neither, with both lists.
                            let head = key.split('.').next().unwrap_or(&key);
                            let why = match head {
                                "brand" | "access" | "attributes" => as_vendor,
                                "caution" | "innovation" | "imitation" | "annual_value"
                                | "choice" => as_agency,
                                _ => neither_field(&key, tiers, attributes),
                            };
                            self.error(&kspan, format!("{label}: {why}"));
                            continue;
                        }
                    },
                };
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
                let field = if changes_vendor {
                    vendor_field(&key, tiers, attributes)
                } else {
                    agency_field(&key, attributes)
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
                let param = self.param(&value, &format!("{label} {verb} '{key}'"), range);
                if let Some(param) = &param {
                    self.warn_of_extreme_change(&label, op, &key, field, param, &kspan);
                }
                match param {
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
        // Only an addition can be undone whatever else changed the number
        // meanwhile; the value a `set` replaced is not known at `until`.
        if let (Some(v), Some(set)) = (&e.until, changes.iter().find(|c| c.op == Op::Set)) {
            ok = false;
            self.error(
                &v.span(),
                format!(
                    "{label} has until, which undoes additions only, but it sets '{}': write that change under add (the difference from the value before), or give a later event that sets the value back",
                    set.key
                ),
            );
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
        // It fits: a date's period ends by year 9999, and a period index
        // is at most MAX_PERIOD_INDEX.
        let period = u32::try_from(period?).expect("a checked period fits u32");
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
        let until = match until {
            None => None,
            Some(None) => return None,
            // Past u32::MAX, still after `at` (at most u32::MAX - 1) and
            // never within the horizon: the same `until`.
            Some(Some(u)) => Some(u32::try_from(u).unwrap_or(u32::MAX)),
        };
        Some(Event {
            period,
            until,
            keyed_period,
            label: label_text,
            target: target?,
            changes,
        })
    }

    /// Warns of a change whose result no run can escape, most often a
    /// fraction or rate written as a percentage: an amount added that is as
    /// large as the whole range of a bounded field in every draw (the
    /// result always at one bound), and an `innovation` or `imitation`
    /// that a `set` or an `add` takes above 1 a period in every draw, as
    /// an agency's own rate above 1 is warned of.
    fn warn_of_extreme_change(
        &mut self,
        label: &str,
        op: Op,
        key: &str,
        field: Field,
        param: &Param,
        span: &std::ops::Range<usize>,
    ) {
        let bounds = field.range();
        let width = bounds.high - bounds.low;
        let added = op == Op::Add;
        let range = format!("[{}, {}]", Shown(bounds.low), Shown(bounds.high));
        let at_a_bound = match (param.fixed_value(), param.spec()) {
            _ if !added || !width.is_finite() => None,
            (Some(x), _) if x.abs() >= width => {
                let how_much = if x.abs() > width {
                    "more than"
                } else {
                    "as much as"
                };
                let bound = if x > 0.0 { bounds.high } else { bounds.low };
                Some(format!(
                    "{label} adds {} to '{key}', {how_much} the width of its range {range}, so the result is always {}{}",
                    Shown(x),
                    Shown(bound),
                    percentage_hint(x, bounds, true)
                ))
            }
            (_, Some(spec)) => {
                let (low, high) = spec.support();
                let reaches = if spec.share_above(width) >= NEARLY_EVERY {
                    Some((bounds.high, "adds", low >= width))
                } else if 1.0 - spec.share_above(-width) >= NEARLY_EVERY {
                    Some((bounds.low, "takes away", high <= -width))
                } else {
                    None
                };
                reaches.map(|(bound, verb, every)| {
                    let (how_many, always) = if every {
                        ("every draw", "always")
                    } else {
                        ("nearly every draw", "almost always")
                    };
                    let hint = if bounds == Range::UNIT {
                        percentages_reading(spec, true).unwrap_or_default()
                    } else {
                        String::new()
                    };
                    format!(
                        "{label} adds {spec} to '{key}': {how_many} {verb} the whole width of its range {range} or more, so the result is {always} {}{hint}",
                        Shown(bound)
                    )
                })
            }
            _ => None,
        };
        if let Some(message) = at_a_bound {
            self.warn(span, message);
        }
        // A rate per period above 1: the rate set, or the result of adding
        // more than 1 to a rate of at least 0.
        if matches!(field, Field::Innovation | Field::Imitation)
            && let Some(rate) = RateAboveOne::of(param)
        {
            let hint = rate.hint();
            let message = match (rate, added) {
                (RateAboveOne::Fixed(x), true) => format!(
                    "{label} adds {} to '{key}', so the rate per period is above 1 whatever it was {CAPPED}{hint}",
                    Shown(x)
                ),
                (RateAboveOne::Fixed(x), false) => format!(
                    "{label} sets '{key}' to {}, a rate per period above 1 {CAPPED}{hint}",
                    Shown(x)
                ),
                (RateAboveOne::Drawn { spec, how_many }, true) => format!(
                    "{label} adds {spec} to '{key}': {how_many} makes the rate per period above 1 whatever it was {CAPPED}{hint}"
                ),
                (RateAboveOne::Drawn { spec, how_many }, false) => format!(
                    "{label} sets '{key}' to {spec}: {how_many} is a rate per period above 1 {CAPPED}{hint}"
                ),
            };
            self.warn(span, message);
        }
    }
}

fn vendor_field(key: &str, tiers: &[String], attributes: &[String]) -> Result<Field, String> {
    if key == "brand" {
        return Ok(Field::Brand);
    }
    if let Some(tier) = key.strip_prefix("access.") {
        let subject = format!("'{}'", printable_name(key));
        return find(tiers, tier, &subject, &TIER).map(Field::Access);
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
        let subject = format!("'{}'", printable_name(key));
        return find(attributes, attr, &subject, &ATTRIBUTE).map(Field::Attribute);
    }
    Err(cannot_change(true, key, &vendor_keys(tiers, attributes)))
}

/// The keys a vendor event may change: `brand`, `access.TIER` and
/// `attributes.NAME`.
fn vendor_keys(tiers: &[String], attributes: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = vec!["brand".into()];
    keys.extend(tiers.iter().map(|t| format!("access.{t}")));
    keys.extend(attributes.iter().map(|a| format!("attributes.{a}")));
    keys
}

/// The keys an agency event may change: its four numbers and its choice
/// weights.
fn agency_keys(attributes: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = [
        "caution",
        "innovation",
        "imitation",
        "annual_value",
        "choice.brand",
        "choice.access",
        "choice.incumbency",
    ]
    .map(String::from)
    .to_vec();
    keys.extend(attributes.iter().map(|a| format!("choice.{a}")));
    keys
}

/// Why `key` is none of the `keys` an event of `kind` may change: a table
/// named without its key (`access`) is told the keys under it, and a key
/// written without its table (`top_secret`) the key it most likely means.
fn cannot_change(vendor_event: bool, key: &str, keys: &[String]) -> String {
    // A key of the other kind of event: said so, rather than a key of
    // this kind that merely looks alike (`choice.brand` for `brand`).
    let head = key.split('.').next().unwrap_or(key);
    if !vendor_event && matches!(head, "brand" | "access" | "attributes") {
        // How much the agency weighs it: `choice.access` for any tier's
        // access, `choice.NAME` for attribute NAME.
        let weight = match key.split_once('.') {
            Some(("attributes", name)) => name,
            _ => head,
        };
        return format!(
            "'{key}' is a vendor's: change it with a vendor event (vendor = \"NAME\"); an agency event changes how much the agency weighs it, with 'choice.{weight}'"
        );
    }
    if vendor_event
        && matches!(
            head,
            "caution" | "innovation" | "imitation" | "annual_value" | "choice"
        )
    {
        return format!(
            "'{key}' is an agency's: change it with an agency event (agency = \"NAME\", or \"*\" for all agencies)"
        );
    }
    let under: Vec<&str> = keys
        .iter()
        .filter(|k| k.split_once('.').is_some_and(|(head, _)| head == key))
        .map(String::as_str)
        .collect();
    if !under.is_empty() {
        let part = match key {
            "access" => "TIER",
            "attributes" => "ATTRIBUTE",
            _ => "WEIGHT",
        };
        return needs_part(key, part, &crate::text::listing(&under));
    }
    let hint = keys
        .iter()
        .find(|k| k.split_once('.').is_some_and(|(_, tail)| tail == key))
        .map_or_else(
            || did_you_mean(key, keys.iter().map(String::as_str)),
            |k| format!("; did you mean '{k}'?"),
        );
    let kind = if vendor_event {
        "a vendor"
    } else {
        "an agency"
    };
    format!(
        "{kind} event cannot change '{key}'; it can change: {}{hint}",
        crate::text::listing(keys)
    )
}

/// Why `key`, in an event that names both a vendor and an agency or
/// neither, is no field of either: both lists, and the closest key.
fn neither_field(key: &str, tiers: &[String], attributes: &[String]) -> String {
    let (vendor_keys, agency_keys) = (vendor_keys(tiers, attributes), agency_keys(attributes));
    let suggestion = did_you_mean(
        key,
        vendor_keys.iter().chain(&agency_keys).map(String::as_str),
    );
    format!(
        "'{key}' is neither a vendor's key ({}) nor an agency's ({}){suggestion}",
        crate::scenario::lookup::list(vendor_keys.iter().map(String::as_str)),
        crate::scenario::lookup::list(agency_keys.iter().map(String::as_str)),
    )
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
    Err(cannot_change(false, key, &agency_keys(attributes)))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::validate::validate;
    use toml::Value;

    use crate::scenario::{Diagnostic, Field, Setting};

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
    fn a_table_without_its_key_or_a_key_without_its_table_is_told_the_key() {
        let message = |target: &str, set: &str| {
            let source = format!(
                "start = \"2026-01\"\nperiods = 12\ntiers = [\"unclassified\", \"top_secret\"]\n\
                [choice]\ncapability = 1.0\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\nattributes = {{ capability = 0.5 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n\
                [[event]]\nat = 1\n{target}\nset = {{ {set} }}\n"
            );
            validate(&source, Path::new("t.toml"), &[]).unwrap_err()[0]
                .message
                .clone()
        };
        let vendor = "vendor = \"A\"";
        assert_eq!(
            message(vendor, "access = 0.7"),
            "event 1: 'access' needs a TIER after it: access.unclassified, access.top_secret"
        );
        assert_eq!(
            message(vendor, "attributes = 0.7"),
            "event 1: 'attributes' needs an ATTRIBUTE after it: attributes.capability"
        );
        assert!(
            message(vendor, "top_secret = 0.7").ends_with("; did you mean 'access.top_secret'?"),
            "{}",
            message(vendor, "top_secret = 0.7")
        );
        assert!(
            message(vendor, "capability = 0.7")
                .ends_with("; did you mean 'attributes.capability'?")
        );
        assert_eq!(
            message(vendor, "caution = 0.5"),
            "event 1: 'caution' is an agency's: change it with an agency event (agency = \"NAME\", or \"*\" for all agencies)"
        );
        let agency = "agency = \"B\"";
        assert_eq!(
            message(agency, "brand = 0.5"),
            "event 1: 'brand' is a vendor's: change it with a vendor event (vendor = \"NAME\"); an agency event changes how much the agency weighs it, with 'choice.brand'"
        );
        assert!(
            message(agency, "\"access.top_secret\" = 0.5")
                .starts_with("event 1: 'access.top_secret' is a vendor's")
        );
        assert!(
            message(agency, "\"attributes.capability\" = 0.5")
                .ends_with("with 'choice.capability'")
        );
        assert_eq!(
            message(agency, "choice = 2"),
            "event 1: 'choice' needs a WEIGHT after it: choice.brand, choice.access, choice.incumbency, choice.capability"
        );
        assert!(message(agency, "incumbency = 2").ends_with("; did you mean 'choice.incumbency'?"));
        // Anything else keeps the closest key.
        assert!(message(agency, "cuation = 0.2").ends_with("; did you mean 'caution'?"));
    }

    #[test]
    fn a_period_index_in_quotes_is_told_to_drop_them() {
        let message = |at: &str| {
            let source = format!(
                "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n\
                [[event]]\nat = {at}\nvendor = \"A\"\nset = {{ brand = 0.6 }}\n"
            );
            validate(&source, Path::new("t.toml"), &[]).unwrap_err()[0]
                .message
                .clone()
        };
        assert!(message("\"3\"").ends_with("; a period index is written without quotes: at = 3"));
        assert!(message("\"2028\"").ends_with("; for a month of 2028 write at = \"2028-01\""));
        assert!(message("\"202603\"").ends_with("; for that month write at = \"2026-03\""));
        assert!(
            message("\"202613\"")
                .ends_with("; a period index is written without quotes: at = 202613")
        );
        assert!(message("\"2027-01-01\"").ends_with("; write \"2027-01\""));
    }

    /// A one-vendor ('A'), one-agency ('B') scenario of 12 monthly periods
    /// from 2026-01 with one event whose keys are `event`, checked.
    fn with_event(event: &str) -> Result<crate::scenario::Scenario, Vec<Diagnostic>> {
        let source = format!(
            "start = \"2026-01\"\nperiods = 12\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
            [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n\
            [[event]]\n{event}\n"
        );
        validate(&source, Path::new("t.toml"), &[])
    }

    /// The warnings of [`with_event`] for an event at period 1 whose target
    /// and changes are `event`.
    fn event_warnings(event: &str) -> Vec<String> {
        let s = with_event(&format!("at = 1\n{event}")).unwrap();
        s.warnings.into_iter().map(|w| w.message).collect()
    }

    #[test]
    fn an_amount_added_beyond_the_width_of_the_range_is_warned_of() {
        let warnings = |add: &str| event_warnings(&format!("vendor = \"A\"\nadd = {{ {add} }}"));
        assert_eq!(
            warnings("brand = -5"),
            [
                "event 1 adds -5 to 'brand', more than the width of its range [0, 1], so the result is always 0; if -5 is a percentage, write -0.05"
            ]
        );
        assert_eq!(
            warnings("\"access.unclassified\" = 1.5"),
            [
                "event 1 adds 1.5 to 'access.unclassified', more than the width of its range [0, 1], so the result is always 1"
            ]
        );
        assert_eq!(
            warnings("brand = 1"),
            [
                "event 1 adds 1 to 'brand', as much as the width of its range [0, 1], so the result is always 1"
            ]
        );
        // 100 would be told to add 1, itself the whole range: no hint.
        assert_eq!(
            warnings("brand = 100"),
            [
                "event 1 adds 100 to 'brand', more than the width of its range [0, 1], so the result is always 1"
            ]
        );
        assert!(warnings("brand = -0.5").is_empty());
        // Every draw of a distribution, or all but a thousandth.
        assert_eq!(
            warnings("brand = { uniform = [-5, -4] }"),
            [
                "event 1 adds uniform(-5, -4) to 'brand': every draw takes away the whole width of its range [0, 1] or more, so the result is always 0; if its numbers are percentages, write { uniform = [-0.05, -0.04] }"
            ]
        );
        assert_eq!(
            warnings("brand = { normal = [30, 5] }"),
            [
                "event 1 adds normal(30, 5) to 'brand': nearly every draw adds the whole width of its range [0, 1] or more, so the result is almost always 1; if its numbers are percentages, write { normal = [0.3, 0.05] }"
            ]
        );
        assert_eq!(
            warnings("brand = { uniform = [1, 1.5] }"),
            [
                "event 1 adds uniform(1, 1.5) to 'brand': every draw adds the whole width of its range [0, 1] or more, so the result is always 1"
            ]
        );
        // A thousandth of the draws or more leave the result inside.
        assert!(warnings("brand = { uniform = [-5, 0.5] }").is_empty());
        assert!(warnings("brand = { normal = [-1.5, 0.17] }").is_empty());
        assert!(warnings("brand = { uniform = [-0.5, 0.5] }").is_empty());
    }

    /// An event that takes an agency's `innovation` or `imitation` above 1
    /// a period in every run is warned of as the agency's own rate is.
    #[test]
    fn a_rate_an_event_takes_above_one_is_warned_of() {
        let warnings = |change: &str| event_warnings(&format!("agency = \"B\"\n{change}"));
        assert_eq!(
            warnings("set = { innovation = 3 }"),
            [
                "event 1 sets 'innovation' to 3, a rate per period above 1 (the adoption chance is capped at 1); if 3 is a percentage, write 0.03"
            ]
        );
        assert_eq!(
            warnings("add = { imitation = 2 }"),
            [
                "event 1 adds 2 to 'imitation', so the rate per period is above 1 whatever it was (the adoption chance is capped at 1); if 2 is a percentage, write 0.02"
            ]
        );
        assert_eq!(
            warnings("set = { imitation = { uniform = [20, 40] } }"),
            [
                "event 1 sets 'imitation' to uniform(20, 40): every draw is a rate per period above 1 (the adoption chance is capped at 1); if its numbers are percentages, write { uniform = [0.2, 0.4] }"
            ]
        );
        assert_eq!(
            warnings("add = { innovation = { normal = [5, 1] } }"),
            [
                "event 1 adds normal(5, 1) to 'innovation': nearly every draw makes the rate per period above 1 whatever it was (the adoption chance is capped at 1); if its numbers are percentages, write { normal = [0.05, 0.01] }"
            ]
        );
        // Above 100 it is no percentage; at 1 or below, or in more than a
        // thousandth of the draws, it is no warning.
        assert_eq!(
            warnings("set = { innovation = 150 }"),
            [
                "event 1 sets 'innovation' to 150, a rate per period above 1 (the adoption chance is capped at 1)"
            ]
        );
        assert!(warnings("set = { innovation = 1 }").is_empty());
        assert!(warnings("add = { imitation = 1 }").is_empty());
        assert!(warnings("set = { imitation = { uniform = [0.5, 3] } }").is_empty());
        assert!(warnings("add = { innovation = -4 }").is_empty());
    }

    #[test]
    fn an_event_naming_no_declared_vendor_or_agency_still_has_its_changes_checked() {
        let source = |target: &str, set: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n\
                [[event]]\nat = 1\n{target}\nset = {{ {set} }}\n"
            )
        };
        let messages = |target: &str, set: &str| -> Vec<String> {
            validate(&source(target, set), Path::new("t.toml"), &[])
                .unwrap_err()
                .into_iter()
                .map(|d| d.message)
                .collect()
        };
        let vendor = messages("vendor = \"a\"", "brnad = 0.5, \"access.secret\" = 2");
        assert_eq!(vendor.len(), 3, "{vendor:?}");
        assert!(
            vendor[0].starts_with("event 1 names vendor 'a'"),
            "{vendor:?}"
        );
        // The changes are checked in the order the file writes them.
        assert!(vendor[1].contains("cannot change 'brnad'"), "{vendor:?}");
        assert!(vendor[2].contains("names tier 'secret'"), "{vendor:?}");
        let agency = messages("agency = \"b\"", "caution = 4");
        assert_eq!(agency.len(), 2, "{agency:?}");
        assert!(
            agency[1].contains("'caution' must be in [0, 1]"),
            "{agency:?}"
        );
        // With neither or both, each key is checked as the field it can
        // be, and one that is neither is told as the kind it resembles.
        let neither = messages("", "brnad = 0.5, caution = 4");
        assert_eq!(neither.len(), 3, "{neither:?}");
        assert!(neither[0].contains("needs exactly one of"), "{neither:?}");
        assert!(
            neither[1].contains("'brnad' is neither a vendor's key (brand, access.unclassified)")
                && neither[1].contains("did you mean 'brand'?"),
            "{neither:?}"
        );
        assert!(
            neither[2].contains("'caution' must be in [0, 1]"),
            "{neither:?}"
        );
        let both = messages(
            "vendor = \"A\"\nagency = \"B\"",
            "brand = 0.7, caution = 0.5",
        );
        assert_eq!(both.len(), 1, "{both:?}");
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
        let s = validate(&source("202611"), Path::new("t.toml"), &[]).unwrap();
        assert_eq!(
            s.warnings[0].message,
            "event 1 (at period 202611) falls after the last period (11, 2026-12) and never fires; an integer at is a period index (0 is 2026-01): for that month write at = \"2026-11\""
        );
        let s = validate(&source("40"), Path::new("t.toml"), &[]).unwrap();
        assert_eq!(
            s.warnings[0].message,
            "event 1 (at period 40) falls after the last period (11, 2026-12) and never fires"
        );
        // The boundary: the last period fires, the one after does not, as
        // an index or as a month.
        for last in ["11", "\"2026-12\""] {
            let s = validate(&source(last), Path::new("t.toml"), &[]).unwrap();
            assert!(s.warnings.is_empty(), "{last}: {:?}", s.warnings);
        }
        for after in ["12", "\"2027-01\""] {
            let s = validate(&source(after), Path::new("t.toml"), &[]).unwrap();
            assert!(
                s.warnings[0]
                    .message
                    .ends_with("falls after the last period (11, 2026-12) and never fires"),
                "{after}: {:?}",
                s.warnings
            );
        }
    }

    /// An amount whose support ends inside the range, past the line of the
    /// whole width, reaches the bound in nearly every draw, not every one;
    /// on either side.
    #[test]
    fn an_amount_reaching_a_bound_in_all_but_a_few_draws_says_nearly_every_draw() {
        let warnings = |add: &str| event_warnings(&format!("vendor = \"A\"\nadd = {{ {add} }}"));
        assert_eq!(
            warnings("brand = { uniform = [-2000, 0] }"),
            [
                "event 1 adds uniform(-2000, 0) to 'brand': nearly every draw takes away the whole width of its range [0, 1] or more, so the result is almost always 0"
            ]
        );
        assert_eq!(
            warnings("brand = { uniform = [0, 2000] }"),
            [
                "event 1 adds uniform(0, 2000) to 'brand': nearly every draw adds the whole width of its range [0, 1] or more, so the result is almost always 1"
            ]
        );
    }

    /// An integer `until` that reads as a year is told so only for an
    /// event that fires: at the last period, yes; at the period after, the
    /// event never fires and that is the one warning.
    #[test]
    fn an_until_read_as_a_year_is_told_only_for_an_event_that_fires() {
        let warnings = |at: u32| -> Vec<String> {
            let s = with_event(&format!(
                "at = {at}\nuntil = 2030\nvendor = \"A\"\nadd = {{ brand = 0.1 }}"
            ))
            .unwrap();
            s.warnings.into_iter().map(|w| w.message).collect()
        };
        assert_eq!(
            warnings(11),
            [
                "event 1: until = 2030 is a period index after the last period (11, 2026-12), so its changes last to the end; an integer until is a period index (0 is 2026-01): for a month of 2030 write until = \"2030-01\""
            ]
        );
        assert_eq!(
            warnings(12),
            ["event 1 (at period 12) falls after the last period (11, 2026-12) and never fires"]
        );
    }

    /// With monthly periods, an `until` in the period of `at` is the same
    /// month however it is written: refused without a "both fall in period"
    /// clause, which is for two months of one quarter or year.
    #[test]
    fn an_until_in_the_month_of_at_gets_no_shared_period_clause_when_monthly() {
        assert_eq!(
            with_event("at = 3\nuntil = \"2026-04\"\nvendor = \"A\"\nadd = { brand = 0.1 }")
                .unwrap_err()[0]
                .message,
            "event 1: until (2026-04) must come after at (period 3): its additions end from that period on"
        );
    }
}
