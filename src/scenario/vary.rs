//! One number of a scenario set from outside the file, as `sharecast run
//! --set agency.DoD.caution=0.4` does, and `sharecast sweep --vary
//! agency.DoD.caution=0.2,0.4` for each of its values.
//!
//! A setting replaces the value in the file as written (or adds the key
//! where the file leaves it to its default) before validation, so a varied
//! scenario obeys every rule a file does, and a message about the value
//! still names the line of the key it replaced. Events still change the
//! value later in a run: a setting fixes where the file starts it.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::{Spanned, Value};

use super::Scenario;
use super::param::FAMILIES;
use super::raw::{ChangeEntry, ChangeTable, RawScenario, SpannedMap, SpannedValue};
use super::validate::{NOT_IN_FILE, declared_names, did_you_mean};

/// A dotted path to one number of a scenario file and the value it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// `choice.KEY`, `vendor.NAME.KEY`, `agency.NAME.KEY` or
    /// `event.LABEL.KEY` (see [`PATH_HELP`]).
    pub path: String,
    pub value: Value,
}

/// What a path may address, for messages and `--help`.
pub const PATH_HELP: &str = "choice.WEIGHT; vendor.NAME.brand, vendor.NAME.access.TIER, \
    vendor.NAME.attributes.ATTRIBUTE; agency.NAME.caution, .innovation, .imitation, .units, \
    .term, .annual_value, .choice.WEIGHT; event.LABEL.at, event.LABEL.set.KEY, \
    event.LABEL.add.KEY. NAME may be * for every vendor, agency or event, and an event may be named \
    by its position (event.2.at)";

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
const EVENT_KEYS: [&str; 3] = ["at", "set.KEY", "add.KEY"];

/// The settings whose paths name nothing in `source`, a scenario file that
/// parses as TOML, by index, each with why (as [`apply`] says it). A CLI
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

/// The vendors or agencies a path names in a checked scenario, and the key
/// after them (`vendor.*.access.secret`: every vendor, `access.secret`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    Vendors(Vec<usize>, String),
    Agencies(Vec<usize>, String),
}

/// What `path` names in `s`, read as [`apply`] reads it; `None` for a path
/// of `choice` or an event, or one that names nothing.
pub fn named_by(s: &Scenario, path: &str) -> Option<Named> {
    let (head, rest) = path.split_once('.')?;
    let names = |it: &mut dyn Iterator<Item = &String>| -> Vec<Option<String>> {
        it.map(|n| Some(n.clone())).collect()
    };
    match head {
        "vendor" => {
            let names = names(&mut s.vendors.iter().map(|v| &v.name));
            let (chosen, key) = select(&names, rest, &VENDOR).ok()?;
            Some(Named::Vendors(chosen, key.to_string()))
        }
        "agency" => {
            let names = names(&mut s.agencies.iter().map(|a| &a.name));
            let (chosen, key) = select(&names, rest, &AGENCY).ok()?;
            Some(Named::Agencies(chosen, key.to_string()))
        }
        _ => None,
    }
}

/// Applies `setting` to the file as written; the message, which starts with
/// the path and a colon, says what the path does not match.
pub(super) fn apply(raw: &mut RawScenario, setting: &Setting) -> Result<(), String> {
    let path = setting.path.as_str();
    let fail = |why: String| format!("{path}: {why}");
    let value = &setting.value;
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    match head {
        "choice" if !rest.is_empty() => {
            set_in_map(&mut raw.choice, NOT_IN_FILE, rest, value);
            Ok(())
        }
        "vendor" => {
            let names = declared_names(raw.vendor.iter().map(|v| &v.get_ref().name));
            let (chosen, key) = select(&names, rest, &VENDOR).map_err(fail)?;
            for i in chosen {
                let vendor = &mut raw.vendor[i];
                let span = vendor.span();
                let v = vendor.get_mut();
                match split_key(key) {
                    ("brand", None) => set_value(&mut v.brand, span, value),
                    ("access", Some(tier)) => set_in_map(&mut v.access, span, tier, value),
                    ("attributes", Some(a)) => set_in_map(&mut v.attributes, span, a, value),
                    _ => return Err(fail(unknown_key(key, "a vendor", &VENDOR_KEYS))),
                }
            }
            Ok(())
        }
        "agency" => {
            let names = declared_names(raw.agency.iter().map(|a| &a.get_ref().name));
            let (chosen, key) = select(&names, rest, &AGENCY).map_err(fail)?;
            for i in chosen {
                let agency = &mut raw.agency[i];
                let span = agency.span();
                let a = agency.get_mut();
                let field = match split_key(key) {
                    ("caution", None) => &mut a.caution,
                    ("innovation", None) => &mut a.innovation,
                    ("imitation", None) => &mut a.imitation,
                    ("units", None) => &mut a.units,
                    ("term", None) => &mut a.term,
                    ("annual_value", None) => &mut a.annual_value,
                    ("choice", Some(w)) => {
                        set_in_map(&mut a.choice, span, w, value);
                        continue;
                    }
                    _ => return Err(fail(unknown_key(key, "an agency", &AGENCY_KEYS))),
                };
                set_value(field, span, value);
            }
            Ok(())
        }
        "event" => {
            let labels = declared_names(raw.event.iter().map(|e| &e.get_ref().label));
            let (chosen, key) = select(&labels, rest, &EVENT).map_err(fail)?;
            for i in chosen {
                let event = &mut raw.event[i];
                let span = event.span();
                let e = event.get_mut();
                let table = match split_key(key) {
                    ("at", None) => {
                        if e.keyed_at.is_none() {
                            e.keyed_at = e.at.clone();
                        }
                        set_value(&mut e.at, span, value);
                        continue;
                    }
                    ("set", Some(k)) => e.set.as_mut().map(|t| (t, k, "set")),
                    ("add", Some(k)) => e.add.as_mut().map(|t| (t, k, "add")),
                    _ => return Err(fail(unknown_key(key, "an event", &EVENT_KEYS))),
                };
                let described = describe_event(i, labels[i].as_deref());
                let Some((table, k, verb)) = table else {
                    return Err(fail(format!(
                        "{described} has no `{}` table",
                        split_key(key).0
                    )));
                };
                set_in_changes(table, k, value).map_err(|keys| {
                    fail(format!(
                        "{described} has no {verb} key '{k}'; its {verb} keys: {}",
                        keys.join(", ")
                    ))
                })?;
            }
            Ok(())
        }
        _ => Err(fail(format!(
            "a path starts with choice., vendor., agency. or event. and names one number: {PATH_HELP}"
        ))),
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

fn unknown_key(key: &str, what: &str, allowed: &[&str]) -> String {
    let (head, sub) = split_key(key);
    if let Some(form) = allowed.iter().find(|k| split_key(k).0 == head) {
        return match (split_key(form).1, sub) {
            (Some(part), None) => format!("'{head}' needs a {part} after it: {form}"),
            _ => format!("'{head}' is one number of {what}: nothing follows it"),
        };
    }
    let hint = did_you_mean(head, allowed.iter().map(|k| split_key(k).0));
    format!(
        "'{key}' is not a number of {what} that can be varied; these can: {}{hint}",
        allowed.join(", ")
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

/// The declarations `rest` starts with and the key after them: `*` for all,
/// a name (names may contain dots: the longest that fits is taken), or for
/// events a position from 1 (a whole number is always a position).
fn select<'p>(
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
                kind.many
            ));
        }
        if after_first.is_empty() {
            return Err(needs_key(first));
        }
        return Ok((vec![position - 1], after_first));
    }
    let longest = names
        .iter()
        .filter_map(|n| n.as_deref())
        .filter(|n| rest == *n || rest.strip_prefix(n).is_some_and(|k| k.starts_with('.')))
        .max_by_key(|n| n.len());
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
                positions.join(", "),
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
    let hint = did_you_mean(first, declared.iter().copied());
    let listed = if declared.is_empty() {
        "none named".to_string()
    } else {
        declared.join(", ")
    };
    let positions = if kind.by_position {
        format!(" (or a position from 1 to {})", names.len())
    } else {
        String::new()
    };
    Err(format!(
        "no {} '{first}' in the scenario; its {}{positions}: {listed}{hint}",
        kind.one, kind.many
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

/// Replaces an existing entry of a `set` or `add` table: the key as written
/// (`"access.secret"`) or nested (`access = { secret = ... }`). On failure,
/// the keys the table has.
fn set_in_changes(table: &mut ChangeTable, key: &str, value: &Value) -> Result<(), Vec<String>> {
    if let Some(entry) = table.get_mut(key) {
        let span = entry.span();
        *entry = Spanned::new(span, ChangeEntry::Value(value.clone()));
        return Ok(());
    }
    if let Some((head, rest)) = key.split_once('.')
        && let Some(entry) = table.get_mut(head)
        && let ChangeEntry::Table(inner) = entry.get_mut()
        && !is_distribution(inner)
        && set_in_changes(inner, rest, value).is_ok()
    {
        return Ok(());
    }
    Err(change_keys(table))
}

/// A table of a `set` or `add` that is a distribution (`{ uniform = [0.2,
/// 0.5] }`): one value, not keys.
fn is_distribution(table: &ChangeTable) -> bool {
    table.len() == 1 && table.keys().all(|k| FAMILIES.contains(&k.as_str()))
}

/// The keys of a `set` or `add` table as a path names them.
fn change_keys(table: &ChangeTable) -> Vec<String> {
    table
        .iter()
        .flat_map(|(k, v)| match v.get_ref() {
            ChangeEntry::Table(inner) if !is_distribution(inner) => change_keys(inner)
                .into_iter()
                .map(|sub| format!("{k}.{sub}"))
                .collect(),
            _ => vec![k.clone()],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn paths_that_name_nothing_say_what_would() {
        for (path, expected) in [
            (
                "vendor.C.brand",
                "vendor.C.brand: no vendor 'C' in the scenario; its vendors: A, A.B",
            ),
            (
                "vendor.A",
                "vendor.A: vendor.A needs one of its numbers after it: brand, access.TIER, attributes.ATTRIBUTE",
            ),
            (
                "vendor.A.access",
                "vendor.A.access: 'access' needs a TIER after it: access.TIER",
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
                "event.2.at: no event 2: the scenario has 1 events",
            ),
            (
                "event.1.add.brand",
                "event.1.add.brand: event 1 has no `add` table",
            ),
            (
                "tier.secret",
                "tier.secret: a path starts with choice., vendor., agency. or event.",
            ),
        ] {
            let e = applied(path, Value::Float(0.5)).unwrap_err();
            assert!(e.starts_with(expected), "{path}: {e}");
        }
    }

    #[test]
    fn an_event_moved_remembers_its_date_in_the_file() {
        let raw = applied("event.1.at", Value::Integer(7)).unwrap();
        let e = raw.event[0].get_ref();
        assert_eq!(e.at.as_ref().unwrap().get_ref(), &Value::Integer(7));
        assert_eq!(e.keyed_at.as_ref().unwrap().get_ref(), &Value::Integer(3));
    }
}
