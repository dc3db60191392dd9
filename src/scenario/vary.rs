//! One number of a scenario set from outside the file, as `sharecast run
//! --set agency.DoD.caution=0.4` does, and `sharecast sweep --vary
//! agency.DoD.caution=0.2,0.4` for each of its values.
//!
//! A setting replaces the value in the file as written (or adds the key
//! where the file leaves it to its default) before validation, so a varied
//! scenario obeys every rule a file does, and a message about the value
//! still names the line of the key it replaced. Events still change the
//! value later in a run: a setting fixes where the file starts it.
//! [`Setting::changes`] names the numbers each setting changes, so that a
//! command can refuse two settings of one number, and a value that no rule
//! of the file could accept (text where a number goes) before validation.
//! [`named_by`] reads a path against a checked scenario instead (which
//! vendors or agencies it names), for the notes a setting draws, and
//! [`own_weight_line`] finds an agency's own weight in the file as written.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::{Spanned, Value};

use super::Scenario;
use super::lookup::{declared_names, did_you_mean, needs_part, unknown_name_hint};
use super::names::printable_name;
use super::raw::{self, ChangeEntry, ChangeTable, RawEvent, RawScenario, SpannedMap, SpannedValue};
use super::validate::choice::{DEFAULT_WEIGHTS, builtin, choice_tables};
use crate::calendar::YearMonth;

/// The span of a value that stands on no line of the file: one a setting
/// adds where the file has no table to hold it. Validation gives its
/// problems no line.
pub(super) const NOT_IN_FILE: std::ops::Range<usize> = usize::MAX..usize::MAX;

/// A dotted path to one number of a scenario file and the value it takes,
/// applied by [`parse_with`](super::parse_with). `"agency.DoD.caution=0.6"
/// .parse::<Setting>()` reads one as `--set` does.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// `choice.KEY`, `vendor.NAME.KEY`, `agency.NAME.KEY` or
    /// `event.LABEL.KEY` (see [`PATH_HELP`]).
    pub path: String,
    /// The value as the file would hold it ([`Value`](super::Value)): a
    /// number, or for an event's `at` or `until` a date such as
    /// `"2026-03"` or a period index. A distribution (an inline table such as
    /// `{ uniform = [0.1, 0.3] }`) is accepted wherever the file takes
    /// one, though `--set` and `sweep` offer only numbers and dates (so
    /// parsing a `Setting` refuses one): build it as
    /// `"{ uniform = [0.1, 0.3] }".parse::<Value>()`.
    pub value: Value,
}

/// What a path may address, for messages and `--help`.
pub const PATH_HELP: &str = "choice.WEIGHT; vendor.NAME.brand, vendor.NAME.access.TIER, \
    vendor.NAME.attributes.ATTRIBUTE; agency.NAME.caution, .innovation, .imitation, .units, \
    .term, .annual_value, .choice.WEIGHT; event.LABEL.at, event.LABEL.until, event.LABEL.set.KEY, \
    event.LABEL.add.KEY. NAME may be * for every vendor, agency or event, and an event may be named \
    by its position (event.2.at)";

/// How a setting's path names its number, read from its ends as far as
/// that can be told without the scenario (a name may hold dots, so only the
/// first piece, the key and the piece before the key are read): for the
/// hints and checks made before, or without, the file, which must all agree
/// on what a path names. [`apply`] reads the path against the file itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PathShape<'p> {
    /// The first piece: `vendor`, `agency`, `choice`, `event`, or what else
    /// was typed.
    pub part: &'p str,
    /// The table inside the named vendor, agency or event that holds the
    /// key (`access`, `attributes`, `choice`; an event's `set` or `add`),
    /// or "" when the key is the part's own (`agency.X.caution`) or the
    /// path is too short to name one (`agency.X.access` names an agency
    /// `X` and its key `access`).
    pub inner: &'p str,
    /// The last piece.
    pub key: &'p str,
    /// How many pieces the path has.
    pub pieces: usize,
}

impl<'p> PathShape<'p> {
    pub(crate) fn of(path: &'p str) -> PathShape<'p> {
        let parts: Vec<&str> = path.split('.').collect();
        let pieces = parts.len();
        let inner = match parts.len().checked_sub(2).map(|i| parts[i]) {
            Some(table @ ("access" | "attributes" | "choice")) if pieces >= 4 => table,
            Some(verb @ ("set" | "add")) if pieces >= 4 && parts[0] == "event" => verb,
            _ => "",
        };
        PathShape {
            part: parts[0],
            inner,
            key: parts[pieces - 1],
            pieces,
        }
    }

    /// Whether the path names an amount of money: an agency's
    /// `annual_value`, or one an event sets or adds (not a weight or an
    /// attribute that happens to be called so).
    pub(crate) fn names_money(&self) -> bool {
        self.key == "annual_value"
            && match self.part {
                "agency" => self.pieces >= 3 && self.inner.is_empty(),
                "event" => matches!(self.inner, "set" | "add"),
                _ => false,
            }
    }

    /// Whether the path names an event's date (`event.LABEL.at` or
    /// `.until`), not a number of its `set` or `add` (a tier named `until`).
    pub(crate) fn names_event_date(&self) -> bool {
        self.part == "event"
            && self.pieces >= 3
            && self.inner.is_empty()
            && matches!(self.key, "at" | "until")
    }
}

const VENDOR_KEYS: [&str; 3] = ["brand", "access.TIER", "attributes.ATTRIBUTE"];
const AGENCY_KEYS: [&str; 7] = [
    "caution",
    "innovation",
    "imitation",
    "units",
    "term",
    "annual_value",
    "choice.WEIGHT",
];
const EVENT_KEYS: [&str; 4] = ["at", "until", "set.KEY", "add.KEY"];

/// The settings whose paths name nothing in `source`, a scenario file that
/// parses as TOML, by index, each with why (as `apply` says it). A CLI
/// checks these first, so that every problem validation then finds comes
/// from a value.
pub fn unmatched(source: &str, settings: &[Setting]) -> Vec<(usize, String)> {
    let Ok(mut raw) = toml::from_str::<RawScenario>(source) else {
        return Vec::new();
    };
    settings
        .iter()
        .enumerate()
        .filter_map(|(i, setting)| apply(&mut raw, setting).err().map(|why| (i, why)))
        .collect()
}

impl Setting {
    /// The numbers of the scenario file `source` that each of `settings`,
    /// applied one after another, changes, as messages name them ("agency 'DoD'
    /// caution", "event 2 ('Budget') at"): two settings that change the
    /// same number name it alike, however their paths spell it. A setting
    /// whose path names nothing (see [`unmatched`]) changes none. On a value
    /// that none of its numbers can take (text where a number goes, a whole
    /// number beyond those sharecast reads), the index of the setting and
    /// why, naming the number.
    pub fn changes(
        source: &str,
        settings: &[Setting],
    ) -> Result<Vec<Vec<String>>, (usize, String)> {
        let Ok(mut raw) = toml::from_str::<RawScenario>(source) else {
            return Ok(vec![Vec::new(); settings.len()]);
        };
        let mut changes = Vec::with_capacity(settings.len());
        for (i, setting) in settings.iter().enumerate() {
            let numbers = change(&mut raw, setting).unwrap_or_default();
            if let Some(why) = numbers.iter().find_map(|n| n.refuses(&setting.value)) {
                return Err((i, why));
            }
            changes.push(numbers.into_iter().map(|n| n.name).collect());
        }
        Ok(changes)
    }
}

/// One number of a scenario that a setting changes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Number {
    /// As messages name it: "agency 'DoD' caution".
    name: String,
    takes: Takes,
}

/// What a number takes from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Takes {
    /// A number (or in the file a distribution).
    Number,
    /// A whole number (`units`, `term`).
    Whole,
    /// A date `YYYY-MM` or a period index (an event's `at` or `until`).
    DateOrPeriod,
}

impl Number {
    fn new(name: String, takes: Takes) -> Number {
        Number { name, takes }
    }

    /// Why `value` cannot be this number whatever the file's rules: text
    /// where a number goes, or a whole number beyond those sharecast reads.
    /// Any other value is for validation to check.
    fn refuses(&self, value: &Value) -> Option<String> {
        // 2^63: no whole number sharecast reads is as large; -2^63 is
        // i64::MIN, which it reads.
        const TOO_LARGE: f64 = 9_223_372_036_854_775_808.0;
        match (value, self.takes) {
            (Value::String(s), Takes::Number | Takes::Whole) => {
                let what = if YearMonth::parse(s).is_some() {
                    "is a date, which only an event's at and until take"
                } else {
                    "is not a number"
                };
                Some(format!("'{s}' {what}; {} takes a number", self.name))
            }
            (Value::Float(x), Takes::Whole | Takes::DateOrPeriod)
                if *x < -TOO_LARGE || *x >= TOO_LARGE =>
            {
                let takes = if self.takes == Takes::Whole {
                    "a whole number"
                } else {
                    "a date YYYY-MM or a period index, a whole number"
                };
                Some(format!(
                    "{} takes {takes}, and sharecast reads whole numbers only from {} to {}",
                    self.name,
                    i64::MIN,
                    i64::MAX
                ))
            }
            _ => None,
        }
    }
}

/// The vendors or agencies a path names in a checked scenario, and the key
/// after them (`vendor.*.access.secret`: every vendor, `access.secret`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    /// Indices into [`Scenario::vendors`], then the key (`brand`,
    /// `access.secret`).
    Vendors(Vec<usize>, String),
    /// Indices into [`Scenario::agencies`], then the key (`caution`,
    /// `choice.brand`).
    Agencies(Vec<usize>, String),
}

/// What `path` names in `s`, read as `apply` reads it; `None` for a path
/// of `choice` or an event, or one that names nothing.
pub fn named_by(s: &Scenario, path: &str) -> Option<Named> {
    let (head, rest) = path.split_once('.')?;
    let names = |it: &mut dyn Iterator<Item = &String>| -> Vec<Option<String>> {
        it.map(|n| Some(n.clone())).collect()
    };
    match head {
        "vendor" => {
            let names = names(&mut s.vendors.iter().map(|v| &v.name));
            let (chosen, key) = select(path, &names, rest, &VENDOR).ok()?;
            Some(Named::Vendors(chosen, key.to_string()))
        }
        "agency" => {
            let names = names(&mut s.agencies.iter().map(|a| &a.name));
            let (chosen, key) = select(path, &names, rest, &AGENCY).ok()?;
            Some(Named::Agencies(chosen, key.to_string()))
        }
        _ => None,
    }
}

/// The line of agency `agency`'s own weight `weight` (a key of its
/// `choice` table) in `source`, the file as written; `None` when the file
/// does not give it there (a setting added it).
pub(crate) fn own_weight_line(source: &str, agency: usize, weight: &str) -> Option<usize> {
    let raw = toml::from_str::<RawScenario>(source).ok()?;
    let choice = raw.agency.get(agency)?.get_ref().choice.as_ref()?;
    let span = choice.get_ref().get(weight)?.span();
    Some(super::lines::line_number(source.as_bytes(), span.start))
}

/// Applies `setting` to the file as written; the message, which starts with
/// the path, says what the path does not match.
pub(super) fn apply(raw: &mut RawScenario, setting: &Setting) -> Result<(), String> {
    change(raw, setting).map(drop)
}

/// [`apply`], returning the numbers the setting changed.
fn change(raw: &mut RawScenario, setting: &Setting) -> Result<Vec<Number>, String> {
    let path = setting.path.as_str();
    let fail = |why: String| format!("{path}: {why}");
    let value = &setting.value;
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    let mut changed = Vec::new();
    match head {
        "choice" if !rest.is_empty() => {
            set_in_map(&mut raw.choice, NOT_IN_FILE, rest, value);
            changed.push(Number::new(
                format!("[choice] weight '{rest}'"),
                Takes::Number,
            ));
        }
        "vendor" => {
            let names = declared_names(raw.vendor.iter().map(|v| &v.get_ref().name));
            let (chosen, key) = select(path, &names, rest, &VENDOR)?;
            // What `access` alone could be: the tiers as the file declares them.
            let access_keys: Vec<String> = raw.tiers.as_ref().map_or_else(
                || vec!["access.unclassified".to_string()],
                |t| {
                    t.get_ref()
                        .iter()
                        .map(|n| format!("access.{}", n.get_ref().trim()))
                        .collect()
                },
            );
            let attribute_keys: Vec<String> = attribute_names(raw)
                .iter()
                .map(|a| format!("attributes.{a}"))
                .collect();
            let named = [("access", access_keys), ("attributes", attribute_keys)];
            for i in chosen {
                let vendor = &mut raw.vendor[i];
                let span = vendor.span();
                let v = vendor.get_mut();
                let label = format!("vendor '{}'", names[i].as_deref().unwrap_or("?"));
                let name = match split_key(key) {
                    ("brand", None) => {
                        set_value(&mut v.brand, span, value);
                        format!("{label} brand")
                    }
                    ("access", Some(tier)) => {
                        set_in_map(&mut v.access, span, tier, value);
                        format!("{label} access for tier '{tier}'")
                    }
                    ("attributes", Some(a)) => {
                        set_in_map(&mut v.attributes, span, a, value);
                        format!("{label} attribute '{a}'")
                    }
                    _ => return Err(fail(unknown_key(key, "a vendor", &VENDOR_KEYS, &named))),
                };
                changed.push(Number::new(name, Takes::Number));
            }
        }
        "agency" => {
            let names = declared_names(raw.agency.iter().map(|a| &a.get_ref().name));
            let (chosen, key) = select(path, &names, rest, &AGENCY)?;
            let weight_keys: Vec<String> = DEFAULT_WEIGHTS
                .iter()
                .map(|(w, _)| w.to_string())
                .chain(attribute_names(raw))
                .map(|w| format!("choice.{w}"))
                .collect();
            let named = [("choice", weight_keys)];
            for i in chosen {
                let agency = &mut raw.agency[i];
                let span = agency.span();
                let a = agency.get_mut();
                let label = format!("agency '{}'", names[i].as_deref().unwrap_or("?"));
                let (field, takes) = match split_key(key) {
                    ("caution", None) => (&mut a.caution, Takes::Number),
                    ("innovation", None) => (&mut a.innovation, Takes::Number),
                    ("imitation", None) => (&mut a.imitation, Takes::Number),
                    ("units", None) => (&mut a.units, Takes::Whole),
                    ("term", None) => (&mut a.term, Takes::Whole),
                    ("annual_value", None) => (&mut a.annual_value, Takes::Number),
                    ("choice", Some(w)) => {
                        set_in_map(&mut a.choice, span, w, value);
                        changed.push(Number::new(
                            format!("{label} choice weight '{w}'"),
                            Takes::Number,
                        ));
                        continue;
                    }
                    ("tiers", _) => {
                        return Err(fail(
                            "an agency's tier fractions must sum to 1, so they cannot be \
                             changed from the command line; change the agency's units, or write \
                             another split in a copy of the file"
                                .to_string(),
                        ));
                    }
                    _ => return Err(fail(unknown_key(key, "an agency", &AGENCY_KEYS, &named))),
                };
                set_value(field, span, value);
                changed.push(Number::new(format!("{label} {key}"), takes));
            }
        }
        "event" => {
            let labels = declared_names(raw.event.iter().map(|e| &e.get_ref().label));
            let (mut chosen, key) = select(path, &labels, rest, &EVENT)?;
            let (verb, k) = match split_key(key) {
                ("at", None) => ("at", None),
                ("until", None) => ("until", None),
                ("set", Some(k)) => ("set", Some(k)),
                ("add", Some(k)) => ("add", Some(k)),
                _ => {
                    let mut why = unknown_key(key, "an event", &EVENT_KEYS, &[]);
                    // `event.1.access.secret` for a number the event sets:
                    // the path leaves out `set.` (or `add.`).
                    let meant = ["set", "add"].into_iter().find(|verb| {
                        chosen.iter().any(|&i| {
                            changes_of(raw.event[i].get_ref(), verb)
                                .is_some_and(|t| change_keys(t).iter().any(|c| c == key))
                        })
                    });
                    if let (Some(verb), Some(before)) = (meant, path.strip_suffix(key)) {
                        why = format!("{why}; did you mean {before}{verb}.{key}?");
                    }
                    return Err(fail(why));
                }
            };
            // `*` names every event that sets (or adds) the key: one that
            // does not is not changed.
            if let Some(k) = k
                && rest.starts_with("*.")
            {
                chosen.retain(|&i| {
                    changes_of(raw.event[i].get_ref(), verb)
                        .is_some_and(|t| change_keys(t).iter().any(|c| c == k))
                });
                if chosen.is_empty() {
                    return Err(format!(
                        "{path} names no event: {}",
                        no_event_changes(raw, verb, k)
                    ));
                }
            }
            for i in chosen {
                let event = &mut raw.event[i];
                let span = event.span();
                let e = event.get_mut();
                let described = describe_event(i, labels[i].as_deref());
                let Some(k) = k else {
                    if verb == "until" {
                        // The end of a temporary change draws nothing, so
                        // moving it keeps every stream as it is; an event
                        // without one gains it.
                        set_value(&mut e.until, span, value);
                    } else {
                        if e.keyed_at.is_none() {
                            e.keyed_at = e.at.clone();
                        }
                        set_value(&mut e.at, span, value);
                    }
                    changed.push(Number::new(
                        format!("{described} {verb}"),
                        Takes::DateOrPeriod,
                    ));
                    continue;
                };
                let table = if verb == "set" {
                    e.set.as_mut()
                } else {
                    e.add.as_mut()
                };
                let Some(table) = table else {
                    return Err(fail(format!("{described} has no `{verb}` table")));
                };
                if !set_in_changes(table, k, value) {
                    let keys = change_keys(table);
                    let prefix = format!("{k}.");
                    let under: Vec<&str> = keys
                        .iter()
                        .filter(|c| c.starts_with(&prefix))
                        .map(String::as_str)
                        .collect();
                    return Err(fail(if under.is_empty() {
                        format!(
                            "{described} has no {verb} key '{k}'; its {verb} keys: {}",
                            crate::text::listing(&keys)
                        )
                    } else if let [only] = under[..] {
                        format!("{described} {verb}s a number under '{k}'; name it: {only}")
                    } else {
                        format!(
                            "{described} {verb}s several numbers under '{k}'; name one: {}",
                            crate::text::listing(&under)
                        )
                    }));
                }
                changed.push(Number::new(
                    format!("{described} {verb} '{k}'"),
                    Takes::Number,
                ));
            }
        }
        "runs" | "seed" if rest.is_empty() => {
            return Err(fail(format!(
                "{head} is not a number of the model: give it on the command line, as --{head} N"
            )));
        }
        _ => {
            return Err(fail(format!(
                "a path starts with choice., vendor., agency. or event. and names one number: \
                 {PATH_HELP}{}",
                part_left_out(raw, path)
            )));
        }
    }
    Ok(changed)
}

/// For a path that starts with a declared vendor's or agency's name or an
/// event's label and goes on with one of that part's keys (`OpenAI.brand`,
/// `DoD.caution`): "; did you mean vendor.OpenAI.brand?". Empty otherwise.
fn part_left_out(raw: &RawScenario, path: &str) -> String {
    let vendors = declared_names(raw.vendor.iter().map(|v| &v.get_ref().name));
    let agencies = declared_names(raw.agency.iter().map(|a| &a.get_ref().name));
    let labels = declared_names(raw.event.iter().map(|e| &e.get_ref().label));
    // Whether `key` has the form of one of `keys` (`access.secret` of
    // `access.TIER`).
    let fits = |keys: &[&str], key: &str| {
        let (head, sub) = split_key(key);
        keys.iter().any(|k| {
            let (h, ks) = split_key(k);
            h == head && ks.is_some() == sub.is_some()
        })
    };
    let named = |names: &[Option<String>], keys: &[&str]| {
        names.iter().flatten().any(|n| {
            path.strip_prefix(n.as_str())
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|key| fits(keys, key))
        })
    };
    [
        ("vendor", &vendors, &VENDOR_KEYS[..]),
        ("agency", &agencies, &AGENCY_KEYS[..]),
        ("event", &labels, &EVENT_KEYS[..]),
    ]
    .into_iter()
    .find(|(_, names, keys)| named(names, keys))
    .map_or_else(String::new, |(part, _, _)| {
        format!("; did you mean {part}.{path}?")
    })
}

/// An event's `set` or `add` table, as `verb` says.
fn changes_of<'e>(e: &'e RawEvent, verb: &str) -> Option<&'e ChangeTable> {
    if verb == "set" {
        e.set.as_ref()
    } else {
        e.add.as_ref()
    }
}

/// Why no event of `raw` `verb`s (sets or adds) `key`: what they do
/// `verb` instead.
fn no_event_changes(raw: &RawScenario, verb: &str, key: &str) -> String {
    let mut keys: Vec<String> = Vec::new();
    for e in &raw.event {
        for k in changes_of(e.get_ref(), verb)
            .map(change_keys)
            .unwrap_or_default()
        {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    if keys.is_empty() {
        let article = if verb == "add" { "an" } else { "a" };
        format!("no event has {article} `{verb}` table")
    } else {
        format!(
            "no event {verb}s '{key}'; the keys events {verb}: {}",
            crate::text::listing(&keys)
        )
    }
}

fn describe_event(i: usize, label: Option<&str>) -> String {
    match label {
        Some(l) => format!("event {} ('{l}')", i + 1),
        None => format!("event {}", i + 1),
    }
}

/// `access.secret` as `("access", Some("secret"))`, `caution` as
/// `("caution", None)`.
fn split_key(key: &str) -> (&str, Option<&str>) {
    match key.split_once('.') {
        Some((k, rest)) if !rest.is_empty() => (k, Some(rest)),
        _ => (key, None),
    }
}

/// The attributes the file names, in the order it first names them: the
/// vendors' `attributes`, then the weights of `[choice]` and the agencies'
/// `choice` tables that are not built in. What `attributes` or `choice`
/// alone could be followed by.
fn attribute_names(raw: &RawScenario) -> Vec<String> {
    let held = raw
        .vendor
        .iter()
        .filter_map(|v| v.get_ref().attributes.as_ref());
    let weighted = choice_tables(raw).into_iter().map(|(_, map)| map);
    let mut names: Vec<String> = Vec::new();
    for map in held.chain(weighted) {
        for name in map.get_ref().keys() {
            let name = name.trim();
            if builtin(name).is_none() && !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
        }
    }
    names
}

/// Why `key` names no number of `what`, whose keys are `allowed`; a key
/// that needs a part after it is told the keys `named` lists for it (the
/// file's tiers after `access`), else the form (`access.TIER`).
fn unknown_key(key: &str, what: &str, allowed: &[&str], named: &[(&str, Vec<String>)]) -> String {
    let (head, sub) = split_key(key);
    if let Some(form) = allowed.iter().find(|k| split_key(k).0 == head) {
        return match (split_key(form).1, sub) {
            (Some(part), None) => {
                let keys = named
                    .iter()
                    .find(|(h, keys)| *h == head && !keys.is_empty())
                    .map_or_else(|| form.to_string(), |(_, keys)| crate::text::listing(keys));
                needs_part(head, part, &keys)
            }
            _ => format!("'{head}' is one number of {what}: nothing follows it"),
        };
    }
    let hint = did_you_mean(head, allowed.iter().map(|k| split_key(k).0));
    format!(
        "'{key}' is not a number of {what} that can be varied; these can: {}{hint}",
        crate::text::listing(allowed)
    )
}

/// What a path's second part picks from: vendors, agencies or events.
struct Kind {
    one: &'static str,
    many: &'static str,
    /// The keys that may follow a name, for messages.
    keys: &'static [&'static str],
    /// Events may be named by their position from 1.
    by_position: bool,
}

const VENDOR: Kind = Kind {
    one: "vendor",
    many: "vendors",
    keys: &VENDOR_KEYS,
    by_position: false,
};
const AGENCY: Kind = Kind {
    one: "agency",
    many: "agencies",
    keys: &AGENCY_KEYS,
    by_position: false,
};
const EVENT: Kind = Kind {
    one: "event",
    many: "events",
    keys: &EVENT_KEYS,
    by_position: true,
};

/// The declarations `rest` (of `path`) starts with and the key after them:
/// `*` for all (refused when there are none), a name (names may contain
/// dots: the longest that fits is taken), or for events a position from 1
/// (a whole number is always a position). The message starts with the path.
fn select<'p>(
    path: &str,
    names: &[Option<String>],
    rest: &'p str,
    kind: &Kind,
) -> Result<(Vec<usize>, &'p str), String> {
    if rest.starts_with("*.") && names.is_empty() {
        return Err(format!(
            "{path} names no {}: the scenario has no [[{}]]",
            kind.one, kind.one
        ));
    }
    select_declared(names, rest, kind).map_err(|why| format!("{path}: {why}"))
}

/// [`select`], saying why without the path.
fn select_declared<'p>(
    names: &[Option<String>],
    rest: &'p str,
    kind: &Kind,
) -> Result<(Vec<usize>, &'p str), String> {
    let needs_key = |name: &str| {
        format!(
            "{}.{name} needs one of its numbers after it: {}",
            kind.one,
            kind.keys.join(", ")
        )
    };
    if rest.is_empty() {
        // `--set vendor=0.5`: the path stops at the kind. Events go by
        // label or position, vendors and agencies by name.
        let one = kind.one;
        let declared: Vec<&str> = names.iter().filter_map(|n| n.as_deref()).collect();
        let (noun, word, form) = if kind.by_position {
            (
                "label",
                "label or position",
                format!("{one}.LABEL.KEY or {one}.N.KEY"),
            )
        } else {
            ("name", "name", format!("{one}.NAME.KEY"))
        };
        let example = if kind.by_position && !names.is_empty() {
            Some("1")
        } else {
            declared.first().copied()
        }
        .map_or(String::new(), |n| {
            // Quoted for a shell unless every character is safe there.
            let path = format!("{one}.{n}.{}", kind.keys[0]);
            let plain = path
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if plain {
                format!(", such as {path}")
            } else {
                format!(", such as '{}'", path.replace('\'', "'\\''"))
            }
        });
        let listed = if names.is_empty() {
            format!("the scenario has no {}", kind.many)
        } else if declared.is_empty() {
            format!("none of its {} has a {noun}", kind.many)
        } else {
            format!("its {}: {}", kind.many, crate::text::listing(&declared))
        };
        return Err(format!(
            "`{one}.` is followed by the {one}'s {word}, then one of its numbers: {form}{example}, or {one}.*.KEY for every {one}; {listed}"
        ));
    }
    if rest == "*" {
        return Err(needs_key("*"));
    }
    if let Some(key) = rest.strip_prefix("*.") {
        return Ok(((0..names.len()).collect(), key));
    }
    let (first, after_first) = rest.split_once('.').unwrap_or((rest, ""));
    if kind.by_position
        && let Ok(position) = first.parse::<usize>()
    {
        if !(1..=names.len()).contains(&position) {
            return Err(format!(
                "no {} {position}: the scenario has {} {}",
                kind.one,
                names.len(),
                if names.len() == 1 {
                    kind.one
                } else {
                    kind.many
                }
            ));
        }
        if after_first.is_empty() {
            return Err(needs_key(first));
        }
        return Ok((vec![position - 1], after_first));
    }
    // Of the names `rest` starts with, the longest that leaves a key of
    // this kind (vendors `A` and `A.access`: `A.access.gov` is A's access),
    // else the longest.
    let fitting = || {
        names
            .iter()
            .filter_map(|n| n.as_deref())
            .filter(|n| rest == *n || rest.strip_prefix(n).is_some_and(|k| k.starts_with('.')))
    };
    let is_key = |key: &str| {
        let (head, sub) = split_key(key);
        kind.keys.iter().any(|form| {
            let (form_head, form_sub) = split_key(form);
            form_head == head && form_sub.is_some() == sub.is_some()
        })
    };
    let longest = fitting()
        .filter(|n| rest.get(n.len() + 1..).is_some_and(is_key))
        .max_by_key(|n| n.len())
        .or_else(|| fitting().max_by_key(|n| n.len()));
    if let Some(name) = longest {
        let chosen: Vec<usize> = (0..names.len())
            .filter(|&i| names[i].as_deref() == Some(name))
            .collect();
        if chosen.len() > 1 {
            let positions: Vec<String> = chosen.iter().map(|i| (i + 1).to_string()).collect();
            return Err(format!(
                "{} {} are named '{name}' ({} {}); name one by its position, as in {}.{}.at",
                chosen.len(),
                kind.many,
                kind.many,
                crate::text::listing(&positions),
                kind.one,
                positions[0]
            ));
        }
        return match rest[name.len()..].strip_prefix('.') {
            Some(key) if !key.is_empty() => Ok((chosen, key)),
            _ => Err(needs_key(name)),
        };
    }
    let declared: Vec<&str> = names.iter().filter_map(|n| n.as_deref()).collect();
    if names.is_empty() {
        return Err(format!("the scenario has no {}", kind.many));
    }
    let hint = unknown_name_hint(first, &declared);
    let listed = if declared.is_empty() {
        "none named".to_string()
    } else {
        crate::text::listing(&declared)
    };
    let positions = if kind.by_position {
        format!(" (or a position from 1 to {})", names.len())
    } else {
        String::new()
    };
    Err(format!(
        "no {} '{}' in the scenario; its {}{positions}: {listed}{hint}",
        kind.one,
        printable_name(first),
        kind.many
    ))
}

fn set_value(field: &mut Option<SpannedValue>, parent: Range<usize>, value: &Value) {
    let span = field.as_ref().map_or(parent, |f| f.span());
    *field = Some(Spanned::new(span, value.clone()));
}

fn set_in_map(map: &mut Option<SpannedMap>, parent: Range<usize>, key: &str, value: &Value) {
    let map = map.get_or_insert_with(|| Spanned::new(parent, BTreeMap::new()));
    let span = map
        .get_ref()
        .get(key)
        .map_or_else(|| map.span(), |v| v.span());
    map.get_mut()
        .insert(key.to_string(), Spanned::new(span, value.clone()));
}

/// Replaces an existing entry of a `set` or `add` table, one of its
/// [`change_keys`]: the key as written (`"access.secret"`) or nested
/// (`access = { secret = ... }`). Whether it did.
fn set_in_changes(table: &mut ChangeTable, key: &str, value: &Value) -> bool {
    set_below(table, "", key, value)
}

/// [`set_in_changes`] in `table`, the value of `prefix` (empty at the top).
fn set_below(table: &mut ChangeTable, prefix: &str, key: &str, value: &Value) -> bool {
    let path = |k: &str| joined(prefix, k);
    if let Some(entry) = table.get_mut(key)
        && !matches!(entry.get_ref(), ChangeEntry::Table(inner) if !raw::is_distribution(&path(key), inner))
    {
        let span = entry.span();
        *entry = Spanned::new(span, ChangeEntry::Value(value.clone()));
        return true;
    }
    if let Some((head, rest)) = key.split_once('.')
        && let Some(entry) = table.get_mut(head)
        && let ChangeEntry::Table(inner) = entry.get_mut()
        && !raw::is_distribution(&path(head), inner)
    {
        return set_below(inner, &path(head), rest, value);
    }
    false
}

/// `prefix.key`, or `key` at the top (empty `prefix`).
fn joined(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The keys of a `set` or `add` table as a path names them.
fn change_keys(table: &ChangeTable) -> Vec<String> {
    keys_below(table, "")
}

/// [`change_keys`] of `table`, the value of `prefix` (empty at the top).
fn keys_below(table: &ChangeTable, prefix: &str) -> Vec<String> {
    table
        .iter()
        .flat_map(|(k, v)| {
            let path = joined(prefix, k);
            match v.get_ref() {
                ChangeEntry::Table(inner) if !raw::is_distribution(&path, inner) => {
                    keys_below(inner, &path)
                }
                _ => vec![path],
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every check made without the file reads a path's shape alike: what
    /// names money or an event's date, and which table holds the key.
    #[test]
    fn path_shapes_are_read_from_the_ends() {
        let money = |p: &str| PathShape::of(p).names_money();
        for p in [
            "agency.DoD.annual_value",
            "agency.U.S. Army.annual_value",
            "agency.*.annual_value",
            "event.1.set.annual_value",
            "event.raise.add.annual_value",
        ] {
            assert!(money(p), "{p}");
        }
        for p in [
            "vendor.A.attributes.annual_value",
            "agency.X.choice.annual_value",
            "choice.annual_value",
            "event.1.set.choice.annual_value",
            "event.1.set.attributes.annual_value",
            "agency.annual_value",
            "annual_value",
        ] {
            assert!(!money(p), "{p}");
        }
        let date = |p: &str| PathShape::of(p).names_event_date();
        assert!(date("event.2.at") && date("event.grant.until") && date("event.a.b.at"));
        assert!(
            !date("event.1.set.access.until") && !date("event.1.add.at") && !date("agency.X.at")
        );
        assert_eq!(PathShape::of("event.1.set.access.secret").inner, "access");
        assert_eq!(PathShape::of("vendor.X.set.brand").inner, "");
        assert_eq!(PathShape::of("agency.X.access").inner, "");
        assert_eq!(PathShape::of("agency.X.access").key, "access");
    }

    const FILE: &str = r#"
start = "2026-01"
periods = 12
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[vendor]]
name = "A.B"
brand = 0.6
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 10
innovation = 0.1
imitation = 0.2
term = 6
[[event]]
at = 3
vendor = "A"
set = { access = { unclassified = { uniform = [0.2, 0.4] } } }
"#;

    fn applied(path: &str, value: Value) -> Result<RawScenario, String> {
        let mut raw: RawScenario = toml::from_str(FILE).unwrap();
        apply(
            &mut raw,
            &Setting {
                path: path.into(),
                value,
            },
        )
        .map(|()| raw)
    }

    fn brand(raw: &RawScenario, v: usize) -> Value {
        raw.vendor[v]
            .get_ref()
            .brand
            .as_ref()
            .unwrap()
            .get_ref()
            .clone()
    }

    #[test]
    fn the_longest_name_that_fits_is_taken_and_star_takes_all() {
        let raw = applied("vendor.A.B.brand", Value::Float(0.9)).unwrap();
        assert_eq!(
            (brand(&raw, 0), brand(&raw, 1)),
            (Value::Float(0.5), Value::Float(0.9))
        );
        let raw = applied("vendor.A.brand", Value::Float(0.9)).unwrap();
        assert_eq!(
            (brand(&raw, 0), brand(&raw, 1)),
            (Value::Float(0.9), Value::Float(0.6))
        );
        let raw = applied("vendor.*.brand", Value::Float(0.1)).unwrap();
        assert_eq!(
            (brand(&raw, 0), brand(&raw, 1)),
            (Value::Float(0.1), Value::Float(0.1))
        );
    }

    /// With vendors `A` and `A.access`, `vendor.A.access.TIER` can only be
    /// A's access: the longest name is taken only when a key follows it.
    #[test]
    fn a_longer_name_that_leaves_no_key_gives_way() {
        let file = FILE.replace("name = \"A.B\"", "name = \"A.access\"");
        assert_ne!(file, FILE);
        let mut raw: RawScenario = toml::from_str(&file).unwrap();
        let setting = |path: &str| Setting {
            path: path.into(),
            value: Value::Float(0.3),
        };
        apply(&mut raw, &setting("vendor.A.access.unclassified")).unwrap();
        let access = |raw: &RawScenario, v: usize| {
            raw.vendor[v].get_ref().access.as_ref().unwrap().get_ref()["unclassified"]
                .get_ref()
                .clone()
        };
        assert_eq!(access(&raw, 0), Value::Float(0.3));
        assert_ne!(access(&raw, 1), Value::Float(0.3));
        apply(&mut raw, &setting("vendor.A.access.brand")).unwrap();
        assert_eq!(brand(&raw, 1), Value::Float(0.3), "the longer name's brand");
    }

    /// A key that ends in a dot names nothing: `vendor.A.access.` is not
    /// A's access for a tier named "", for validation to refuse later.
    #[test]
    fn a_path_that_ends_in_a_dot_names_nothing() {
        for (path, key, what) in [
            ("vendor.A.access.", "access.", "a vendor"),
            ("agency.X.caution.", "caution.", "an agency"),
            ("event.1.set.", "set.", "an event"),
        ] {
            let e = applied(path, Value::Float(0.5)).unwrap_err();
            assert!(
                e.starts_with(&format!(
                    "{path}: '{key}' is not a number of {what} that can be varied"
                )),
                "{e}"
            );
        }
    }

    #[test]
    fn a_key_the_file_leaves_out_is_added_at_its_table() {
        let raw = applied("agency.X.caution", Value::Float(0.4)).unwrap();
        let agency = &raw.agency[0];
        let caution = agency.get_ref().caution.as_ref().unwrap();
        assert_eq!(caution.get_ref(), &Value::Float(0.4));
        assert_eq!(caution.span(), agency.span());
    }

    #[test]
    fn a_distribution_in_an_event_is_one_value() {
        let raw = applied("event.1.set.access.unclassified", Value::Float(0.7)).unwrap();
        let set = raw.event[0].get_ref().set.as_ref().unwrap();
        assert_eq!(
            set["access"].get_ref().to_value(),
            toml::toml! { unclassified = 0.7 }.into()
        );
        let e = applied("event.1.set.access.unclassified.uniform", Value::Float(0.7)).unwrap_err();
        assert!(e.ends_with("its set keys: access.unclassified"), "{e}");
    }

    /// The example of a path that stops at its kind is quoted for a shell
    /// whenever a character of the name would need it there.
    #[test]
    fn the_example_path_is_quoted_for_a_shell() {
        for (name, shown) in [
            ("Acme", "such as vendor.Acme.brand,"),
            ("Acme Inc", "such as 'vendor.Acme Inc.brand',"),
            ("O'Brien AI", "such as 'vendor.O'\\''Brien AI.brand',"),
            ("A*", "such as 'vendor.A*.brand',"),
            ("AT&T", "such as 'vendor.AT&T.brand',"),
        ] {
            let file = FILE.replacen("name = \"A\"", &format!("name = \"{name}\""), 1);
            let mut raw: RawScenario = toml::from_str(&file).unwrap();
            let e = apply(
                &mut raw,
                &Setting {
                    path: "vendor".into(),
                    value: Value::Float(0.5),
                },
            )
            .unwrap_err();
            assert!(e.contains(shown), "{name}: {e}");
        }
    }

    /// A path that leaves out its part (`X.caution`) or an event's verb
    /// (`event.1.access.unclassified`) is told the path it likely means,
    /// and only then.
    #[test]
    fn a_path_missing_a_piece_is_told_the_path_meant() {
        for (path, meant) in [
            ("A.B.brand", Some("vendor.A.B.brand")),
            ("X.caution", Some("agency.X.caution")),
            (
                "event.1.access.unclassified",
                Some("event.1.set.access.unclassified"),
            ),
            ("event.1.access.secret", None),
            ("tier.secret", None),
            ("Y.caution", None),
            ("A.B.units", None),
            ("X.access", None),
        ] {
            let e = applied(path, Value::Float(0.5)).unwrap_err();
            match meant {
                Some(meant) => assert!(e.ends_with(&format!("; did you mean {meant}?")), "{e}"),
                None => assert!(!e.contains("did you mean"), "{e}"),
            }
        }
    }

    #[test]
    fn paths_that_name_nothing_say_what_would() {
        for (path, expected) in [
            (
                "vendor.C.brand",
                "vendor.C.brand: no vendor 'C' in the scenario; its vendors: A, A.B",
            ),
            (
                "vendor",
                "vendor: `vendor.` is followed by the vendor's name, then one of its numbers: vendor.NAME.KEY, such as vendor.A.brand, or vendor.*.KEY for every vendor; its vendors: A, A.B",
            ),
            (
                "event.",
                "event.: `event.` is followed by the event's label or position, then one of its numbers: event.LABEL.KEY or event.N.KEY, such as event.1.at, or event.*.KEY for every event; none of its events has a label",
            ),
            (
                "vendor.A",
                "vendor.A: vendor.A needs one of its numbers after it: brand, access.TIER, attributes.ATTRIBUTE",
            ),
            (
                "vendor.A.access",
                "vendor.A.access: 'access' needs a TIER after it: access.unclassified",
            ),
            (
                "vendor.A.brand.x",
                "vendor.A.brand.x: 'brand' is one number of a vendor: nothing follows it",
            ),
            (
                "agency.X.cuation",
                "agency.X.cuation: 'cuation' is not a number of an agency that can be varied; these can: caution, innovation, imitation, units, term, annual_value, choice.WEIGHT; did you mean 'caution'?",
            ),
            (
                "event.2.at",
                "event.2.at: no event 2: the scenario has 1 event",
            ),
            (
                "event.1.add.brand",
                "event.1.add.brand: event 1 has no `add` table",
            ),
            (
                "event.1.set.access",
                "event.1.set.access: event 1 sets a number under 'access'; name it: access.unclassified",
            ),
            (
                "tier.secret",
                "tier.secret: a path starts with choice., vendor., agency. or event.",
            ),
            (
                "runs",
                "runs: runs is not a number of the model: give it on the command line, as --runs N",
            ),
            (
                "seed",
                "seed: seed is not a number of the model: give it on the command line, as --seed N",
            ),
            (
                "runs.x",
                "runs.x: a path starts with choice., vendor., agency. or event.",
            ),
            (
                "agency.X.tiers.unclassified",
                "agency.X.tiers.unclassified: an agency's tier fractions must sum to 1, so they cannot be changed from the command line",
            ),
        ] {
            let e = applied(path, Value::Float(0.5)).unwrap_err();
            assert!(e.starts_with(expected), "{path}: {e}");
        }
        // `access` alone is told the tiers the file declares, as written
        // there but trimmed.
        let file = FILE.replace(
            "periods = 12",
            "periods = 12\ntiers = [\"open\", \" secret \"]",
        );
        assert_ne!(file, FILE);
        let mut raw: RawScenario = toml::from_str(&file).unwrap();
        let e = apply(
            &mut raw,
            &Setting {
                path: "vendor.*.access".into(),
                value: Value::Float(0.5),
            },
        )
        .unwrap_err();
        assert_eq!(
            e,
            "vendor.*.access: 'access' needs a TIER after it: access.open, access.secret"
        );
        // `attributes` and `choice` alone are told the attributes the file
        // names (a vendor's, then the weights'), each once; the form where
        // it names none.
        assert!(
            applied("vendor.A.attributes", Value::Float(0.5))
                .unwrap_err()
                .ends_with("'attributes' needs an ATTRIBUTE after it: attributes.ATTRIBUTE")
        );
        let file = FILE
            .replace(
                "access = { unclassified = 1.0 }\n[[vendor]]",
                "access = { unclassified = 1.0 }\nattributes = { speed = 0.5 }\n[[vendor]]",
            )
            .replace(
                "term = 6",
                "term = 6\nchoice = { Brand = 2, speed = 1, cost = -1 }",
            );
        let mut raw: RawScenario = toml::from_str(&file).unwrap();
        let mut refused = |path: &str| {
            let setting = Setting {
                path: path.into(),
                value: Value::Float(0.5),
            };
            apply(&mut raw, &setting).unwrap_err()
        };
        assert_eq!(
            refused("vendor.A.attributes"),
            "vendor.A.attributes: 'attributes' needs an ATTRIBUTE after it: attributes.speed, attributes.cost"
        );
        assert_eq!(
            refused("agency.X.choice"),
            "agency.X.choice: 'choice' needs a WEIGHT after it: choice.brand, choice.access, choice.incumbency, choice.speed, choice.cost"
        );
    }

    /// A path that stops at a table an event sets is told the keys under
    /// it: "name it" for one, "name one" for several.
    #[test]
    fn an_event_table_is_answered_with_the_keys_under_it() {
        let file = FILE.replace(
            "access = { unclassified = { uniform = [0.2, 0.4] } } }",
            "access = { unclassified = 0.3, secret = 0.4 } }",
        );
        assert_ne!(file, FILE);
        let mut raw: RawScenario = toml::from_str(&file).unwrap();
        let e = apply(&mut raw, &setting("event.1.set.access", Value::Float(0.5))).unwrap_err();
        assert!(
            e.ends_with(
                "event 1 sets several numbers under 'access'; name one: access.secret, access.unclassified"
            ),
            "{e}"
        );
    }

    #[test]
    fn an_event_moved_remembers_its_date_in_the_file() {
        let raw = applied("event.1.at", Value::Integer(7)).unwrap();
        let e = raw.event[0].get_ref();
        assert_eq!(e.at.as_ref().unwrap().get_ref(), &Value::Integer(7));
        assert_eq!(e.keyed_at.as_ref().unwrap().get_ref(), &Value::Integer(3));
    }

    fn setting(path: &str, value: Value) -> Setting {
        Setting {
            path: path.into(),
            value,
        }
    }

    /// FILE with a second event, which sets nothing and adds to every
    /// agency's caution.
    fn two_events() -> String {
        format!(
            "{FILE}[[event]]\nat = 4\nlabel = \"push\"\nagency = \"*\"\nadd = {{ caution = 0.1 }}\n"
        )
    }

    #[test]
    fn changes_name_a_number_alike_however_a_path_spells_it() {
        let file = two_events();
        let settings = [
            setting("vendor.*.brand", Value::Float(0.1)),
            setting("vendor.A.B.access.secret", Value::Float(0.2)),
            setting("agency.X.units", Value::Integer(5)),
            setting("agency.*.choice.brand", Value::Float(1.0)),
            setting("choice.brand", Value::Float(1.0)),
            setting("event.push.at", Value::String("2026-05".into())),
            setting("event.1.set.access.unclassified", Value::Float(0.3)),
            setting("event.*.add.caution", Value::Float(0.2)),
        ];
        let changes = Setting::changes(&file, &settings).unwrap();
        assert_eq!(
            changes,
            [
                vec!["vendor 'A' brand", "vendor 'A.B' brand"],
                vec!["vendor 'A.B' access for tier 'secret'"],
                vec!["agency 'X' units"],
                vec!["agency 'X' choice weight 'brand'"],
                vec!["[choice] weight 'brand'"],
                vec!["event 2 ('push') at"],
                vec!["event 1 set 'access.unclassified'"],
                vec!["event 2 ('push') add 'caution'"],
            ]
        );
        // By position, by label and by `*`: the same number.
        for path in ["event.2.at", "event.*.at"] {
            let changes = Setting::changes(&file, &[setting(path, Value::Integer(5))]).unwrap();
            assert!(
                changes[0].contains(&"event 2 ('push') at".to_string()),
                "{path}"
            );
        }
        assert_eq!(
            Setting::changes(&file, &[setting("vendor.A.brand", Value::Float(0.1))]).unwrap(),
            [vec!["vendor 'A' brand"]]
        );
    }

    #[test]
    fn a_star_names_what_has_the_key_and_never_nothing() {
        // Only event 2 adds caution, only event 1 sets access: `*` changes
        // that one and leaves the other as the file has it.
        let mut raw: RawScenario = toml::from_str(&two_events()).unwrap();
        apply(&mut raw, &setting("event.*.add.caution", Value::Float(0.2))).unwrap();
        apply(
            &mut raw,
            &setting("event.*.set.access.unclassified", Value::Float(0.7)),
        )
        .unwrap();
        let e1 = raw.event[0].get_ref();
        let e2 = raw.event[1].get_ref();
        assert!(e1.add.is_none() && e2.set.is_none());
        assert_eq!(
            e2.add.as_ref().unwrap()["caution"].get_ref().to_value(),
            Value::Float(0.2)
        );
        assert_eq!(
            e1.set.as_ref().unwrap()["access"].get_ref().to_value(),
            toml::toml! { unclassified = 0.7 }.into()
        );

        let refused = |file: &str, path: &str| {
            let mut raw: RawScenario = toml::from_str(file).unwrap();
            apply(&mut raw, &setting(path, Value::Integer(1))).unwrap_err()
        };
        let no_events = FILE.split("[[event]]").next().unwrap();
        for path in ["event.*.at", "event.*.set.brand", "event.*.add.caution"] {
            assert_eq!(
                refused(no_events, path),
                format!("{path} names no event: the scenario has no [[event]]")
            );
        }
        assert_eq!(
            refused(&two_events(), "event.*.set.brand"),
            "event.*.set.brand names no event: no event sets 'brand'; the keys events set: access.unclassified"
        );
        assert_eq!(
            refused(FILE, "event.*.add.caution"),
            "event.*.add.caution names no event: no event has an `add` table"
        );
        // A named event that lacks the key is still refused as such.
        assert!(
            refused(&two_events(), "event.push.set.brand")
                .starts_with("event.push.set.brand: event 2 ('push') has no `set` table")
        );
    }

    #[test]
    fn a_value_of_a_kind_its_number_cannot_take_is_refused_naming_the_number() {
        let changes = |path: &str, value: Value| Setting::changes(FILE, &[setting(path, value)]);
        let date = || Value::String("2026-03".into());
        assert_eq!(
            changes("vendor.A.brand", date()).unwrap_err(),
            (
                0,
                "'2026-03' is a date, which only an event's at and until take; vendor 'A' brand takes a number"
                    .to_string()
            )
        );
        assert!(changes("agency.X.units", date()).is_err());
        assert_eq!(
            changes("agency.X.caution", Value::String("high".into()))
                .unwrap_err()
                .1,
            "'high' is not a number; agency 'X' caution takes a number"
        );
        assert!(changes("event.1.set.access.unclassified", date()).is_err());
        assert!(changes("event.1.at", date()).is_ok());
        assert!(changes("event.1.at", Value::Integer(i64::MAX)).is_ok());
        // 1e20 is a fine decimal number but no whole number sharecast reads.
        let huge = || Value::Float(1e20);
        assert!(changes("agency.X.annual_value", huge()).is_ok());
        let (_, why) = changes("agency.X.term", huge()).unwrap_err();
        assert_eq!(
            why,
            "agency 'X' term takes a whole number, and sharecast reads whole numbers only from \
             -9223372036854775808 to 9223372036854775807"
        );
        let (_, why) = changes("event.1.at", Value::Float(-1e20)).unwrap_err();
        assert!(
            why.starts_with("event 1 at takes a date YYYY-MM or a period index, a whole number"),
            "{why}"
        );
        // 2^63 is the first whole number beyond i64::MAX, and a float holds
        // it exactly; 2^62 is left to validation.
        let (_, why) = changes("agency.X.units", Value::Float(2f64.powi(63))).unwrap_err();
        assert!(
            why.starts_with("agency 'X' units takes a whole number, and sharecast reads"),
            "{why}"
        );
        assert!(changes("agency.X.units", Value::Float(2f64.powi(62))).is_ok());
        // -2^63 is i64::MIN, within the range the message names, so it is
        // left to validation too (which refuses a decimal for `units`); a
        // float just below it is not.
        assert!(changes("agency.X.units", Value::Float(-(2f64.powi(63)))).is_ok());
        // A NaN (which only an embedder can pass) is no number out of
        // range either: validation names it.
        assert!(changes("agency.X.units", Value::Float(f64::NAN)).is_ok());
        let below = -(2f64.powi(63)) * (1.0 + f64::EPSILON);
        let (_, why) = changes("agency.X.units", Value::Float(below)).unwrap_err();
        assert!(
            why.starts_with("agency 'X' units takes a whole number"),
            "{why}"
        );
        // A smaller decimal is left to validation, which names its line.
        assert!(changes("agency.X.term", Value::Float(12.0)).is_ok());
        // The setting refused is named by its index.
        let two = [
            setting("agency.X.term", Value::Integer(3)),
            setting("vendor.*.brand", date()),
        ];
        assert_eq!(Setting::changes(FILE, &two).unwrap_err().0, 1);
    }
}
