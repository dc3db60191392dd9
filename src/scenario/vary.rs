//! One number of a scenario set from outside the file, as `sharecast sweep
//! --vary agency.DoD.caution=0.2,0.4` does for each of its values.
//!
//! A setting replaces the value in the file as written (or adds the key
//! where the file leaves it to its default) before validation, so a varied
//! scenario obeys every rule a file does, and a message about the value
//! still names the line of the key it replaced. Events still change the
//! value later in a run: a setting fixes where the file starts it.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::{Spanned, Value};

use super::raw::{ChangeEntry, ChangeTable, RawScenario, SpannedMap, SpannedValue};
use super::validate::suggest;

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
    event.LABEL.add.KEY. NAME may be * for every vendor or agency, and an event may be named \
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

/// Applies `setting` to the file as written; the message says what the
/// path does not match.
pub(super) fn apply(raw: &mut RawScenario, setting: &Setting) -> Result<(), String> {
    let path = setting.path.as_str();
    let fail = |why: String| format!("--vary {path}: {why}");
    let value = &setting.value;
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    match head {
        "choice" if !rest.is_empty() => {
            set_in_map(&mut raw.choice, 0..0, rest, value);
            Ok(())
        }
        "vendor" => {
            let names = names(raw.vendor.iter().map(|v| &v.get_ref().name));
            let (chosen, key) = select(&names, rest, "vendor", false).map_err(fail)?;
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
            let names = names(raw.agency.iter().map(|a| &a.get_ref().name));
            let (chosen, key) = select(&names, rest, "agency", false).map_err(fail)?;
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
            let labels = names(raw.event.iter().map(|e| &e.get_ref().label));
            let (chosen, key) = select(&labels, rest, "event", true).map_err(fail)?;
            for i in chosen {
                let event = &mut raw.event[i];
                let span = event.span();
                let e = event.get_mut();
                let table = match split_key(key) {
                    ("at", None) => {
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
                        "{described} has no `{}` table, so it has no value to vary there",
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

/// Each declaration's name as validation reads it (trimmed), if it has one.
fn names<'a>(declared: impl Iterator<Item = &'a Option<Spanned<String>>>) -> Vec<Option<String>> {
    declared
        .map(|n| n.as_ref().map(|n| n.get_ref().trim().to_string()))
        .collect()
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
    let hint = suggest(split_key(key).0, allowed.iter().map(|k| split_key(k).0))
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default();
    format!(
        "'{key}' is not a number of {what} that can be varied; these can: {}{hint}",
        allowed.join(", ")
    )
}

/// The declarations `rest` starts with (`NAME.`, `*.` for all, or for
/// events a position from 1 when no label matches) and the key after them.
/// Names may contain dots: the longest name that fits is taken.
fn select<'p>(
    names: &[Option<String>],
    rest: &'p str,
    kind: &str,
    by_position: bool,
) -> Result<(Vec<usize>, &'p str), String> {
    if let Some(key) = rest.strip_prefix("*.") {
        return Ok(((0..names.len()).collect(), key));
    }
    let matched = names
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            let n = n.as_deref()?;
            let key = rest.strip_prefix(n)?.strip_prefix('.')?;
            Some((i, n.len(), key))
        })
        .max_by_key(|&(_, len, _)| len);
    if let Some((i, _, key)) = matched {
        return Ok((vec![i], key));
    }
    let (first, key) = rest.split_once('.').unwrap_or((rest, ""));
    if by_position
        && let Ok(position) = first.parse::<usize>()
        && (1..=names.len()).contains(&position)
    {
        return Ok((vec![position - 1], key));
    }
    let declared: Vec<&str> = names.iter().filter_map(|n| n.as_deref()).collect();
    let hint = suggest(first, declared.iter().copied())
        .map(|s| format!("; did you mean '{s}'?"))
        .unwrap_or_default();
    let listed = if declared.is_empty() {
        "none".to_string()
    } else {
        declared.join(", ")
    };
    let plural = if kind == "agency" {
        "agencies".to_string()
    } else {
        format!("{kind}s")
    };
    let positions = if by_position {
        format!(" (or a position from 1 to {})", names.len())
    } else {
        String::new()
    };
    Err(format!(
        "no {kind} '{first}' in the scenario; its {plural}{positions}: {listed}{hint}"
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
        && set_in_changes(inner, rest, value).is_ok()
    {
        return Ok(());
    }
    Err(change_keys(table))
}

fn change_keys(table: &ChangeTable) -> Vec<String> {
    table
        .iter()
        .flat_map(|(k, v)| match v.get_ref() {
            ChangeEntry::Value(_) => vec![k.clone()],
            ChangeEntry::Table(inner) => change_keys(inner)
                .into_iter()
                .map(|sub| format!("{k}.{sub}"))
                .collect(),
        })
        .collect()
}
