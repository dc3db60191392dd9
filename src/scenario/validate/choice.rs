//! The weights of the choice model: `[choice]` and agencies' `choice`
//! tables, the three built-in weights and one per vendor attribute.

use std::collections::HashMap;

use super::Checker;
use super::agency::agency_name;
use super::event::change_keys;
use crate::scenario::lookup::{did_you_mean, list, suggest};
use crate::scenario::names::{differ_invisibly, difference, folded, not_shown, printable_name};
use crate::scenario::param::Param;
use crate::scenario::raw::{RawEvent, RawScenario, SpannedMap};
use crate::scenario::{Event, Field, Target, W_ACCESS, W_BRAND, W_FIRST_ATTRIBUTE, W_INCUMBENCY};

pub(in crate::scenario) use crate::scenario::DEFAULT_WEIGHTS;

/// The tables that give weights, each with how messages name it: the
/// scenario's `[choice]`, then each agency's `choice`, in file order.
pub(in crate::scenario) fn choice_tables(raw: &RawScenario) -> Vec<(String, &SpannedMap)> {
    let mut tables: Vec<(String, &SpannedMap)> = Vec::new();
    tables.extend(raw.choice.iter().map(|c| ("[choice]".to_string(), c)));
    for a in &raw.agency {
        let a = a.get_ref();
        if let Some(c) = &a.choice {
            let name = agency_name(a);
            tables.push((format!("agency '{name}' choice"), c));
        }
    }
    tables
}

/// The attributes an event's `set` and `add` name, written either way
/// (`"attributes.NAME" = ...` or `attributes = { NAME = ... }`), whether or
/// not the rest of the event is valid.
fn attributes_named_by(event: &RawEvent) -> Vec<String> {
    change_keys(event)
        .into_iter()
        .filter_map(|key| key.strip_prefix("attributes.").map(str::to_string))
        .collect()
}

/// The attributes the vendors have, sorted, each once.
fn held_attributes(raw: &RawScenario) -> Vec<&str> {
    let mut held: Vec<&str> = raw
        .vendor
        .iter()
        .filter_map(|v| v.get_ref().attributes.as_ref())
        .flat_map(|map| map.get_ref().keys().map(String::as_str))
        .collect();
    held.sort_unstable();
    held.dedup();
    held
}

/// What a weight that no vendor's attribute matches is suggested from, in
/// order: the built-in weights, then `held` (see [`held_attributes`]).
fn suggestion_candidates<'a>(held: &[&'a str]) -> Vec<&'a str> {
    DEFAULT_WEIGHTS
        .iter()
        .map(|(n, _)| *n)
        .chain(held.iter().copied())
        .collect()
}

/// Whether a weighted attribute is refused for its name already: like a
/// built-in weight, or like another weighted or held name but for letter
/// case (see `weight_names` and `vendor`). Looked up by folded name, not
/// searched: a file may weigh thousands of attributes.
struct NameClashes<'a> {
    by_fold: HashMap<String, Vec<&'a str>>,
}

impl<'a> NameClashes<'a> {
    fn of(attributes: &'a [String], held: &[&'a str]) -> Self {
        let mut by_fold: HashMap<String, Vec<&str>> = HashMap::new();
        for name in attributes
            .iter()
            .map(String::as_str)
            .chain(held.iter().copied())
        {
            by_fold.entry(folded(name)).or_default().push(name);
        }
        NameClashes { by_fold }
    }

    fn clash(&self, a: &str) -> bool {
        builtin(a).is_some()
            || self
                .by_fold
                .get(&folded(a))
                .is_some_and(|names| names.iter().any(|&b| b != a))
    }
}

/// Which spelling of a name a weight and some vendors' attribute nearly
/// share is the intended one. A weighted attribute that no vendor has and
/// no event names is reported by `weights_without_attribute` as a likely
/// typo, suggesting the attribute it resembles; that attribute, left
/// without a weight, is reported by `vendor` too, suggesting the weight.
/// When more vendors spell the attribute one way than tables spell the
/// weight the other (five vendors' `capability` against one `capabilty`
/// under `[choice]`), the weight is the typo, and the vendors' attributes
/// are not reported: one message, pointing the right way, instead of one
/// per vendor asking for the misspelling. Only where the weight's own
/// message suggests that very attribute (it may suggest another, or be
/// refused for another reason, as a clash of letter case).
pub(super) struct Spellings<'a> {
    /// Weighted attributes no vendor has and no event names, which
    /// `weights_without_attribute` reports, with how many tables weigh each.
    unheld_weights: HashMap<String, usize>,
    /// Attributes by how many vendors have each.
    holders: HashMap<String, usize>,
    /// The names `weights_without_attribute` suggests from, in its order:
    /// its suggestion for a weight is made only when the counts leave it
    /// to decide (a suggestion compares the weight with every name).
    candidates: Vec<&'a str>,
}

impl<'a> Spellings<'a> {
    pub(super) fn of(raw: &'a RawScenario, attributes: &[String]) -> Self {
        let mut holders: HashMap<String, usize> = HashMap::new();
        for map in raw
            .vendor
            .iter()
            .filter_map(|v| v.get_ref().attributes.as_ref())
        {
            for name in map.get_ref().keys() {
                *holders.entry(name.clone()).or_default() += 1;
            }
        }
        let named_by_events: Vec<String> = raw
            .event
            .iter()
            .flat_map(|e| attributes_named_by(e.get_ref()))
            .map(|name| folded(&name))
            .collect();
        let tables = choice_tables(raw);
        // As `weights_without_attribute` suggests and skips.
        let held = held_attributes(raw);
        let clashes = NameClashes::of(attributes, &held);
        let unheld_weights = attributes
            .iter()
            .filter(|a| {
                !crate::text::shows_blank(a)
                    && !holders.contains_key(a.as_str())
                    && !named_by_events.contains(&folded(a))
                    && !clashes.clash(a)
            })
            .map(|a| {
                let naming = tables
                    .iter()
                    .filter(|(_, map)| map.get_ref().contains_key(a.as_str()))
                    .count();
                (a.clone(), naming)
            })
            .collect();
        Spellings {
            unheld_weights,
            holders,
            candidates: suggestion_candidates(&held),
        }
    }

    /// Whether the weight `weight`, which a vendor's unweighted `attribute`
    /// resembles, is the typo rather than the attribute.
    pub(super) fn weight_is_the_typo(&self, weight: &str, attribute: &str) -> bool {
        self.unheld_weights.get(weight).is_some_and(|&tables| {
            self.holders.get(attribute).copied().unwrap_or(0) > tables
                && suggest(weight, self.candidates.iter().copied()) == Some(attribute)
        })
    }
}

/// The built-in weight `key` is, in any letter case.
pub(in crate::scenario) fn builtin(key: &str) -> Option<&'static str> {
    let key = folded(key);
    DEFAULT_WEIGHTS.iter().map(|(n, _)| *n).find(|n| *n == key)
}

/// How a vendor gets what the built-in weight `weight` weighs.
pub(super) fn builtin_how(weight: &str) -> &'static str {
    match weight {
        "brand" => "a vendor's brand is set with `brand = ...`, beside its name",
        "access" => "a vendor's access is set per tier with `access = { TIER = ... }`",
        _ => {
            "incumbency is the bonus of the vendor that held a unit's last contract, not a quality a vendor is given"
        }
    }
}

pub(super) fn weight_index(key: &str, attributes: &[String]) -> Option<usize> {
    match key {
        "brand" => Some(W_BRAND),
        "access" => Some(W_ACCESS),
        "incumbency" => Some(W_INCUMBENCY),
        _ => attributes
            .iter()
            .position(|a| a == key)
            .map(|i| W_FIRST_ATTRIBUTE + i),
    }
}

impl Checker {
    /// The `[choice]` table: the three built-in weights and one weight per
    /// attribute. Attributes also come from agencies' `choice` tables.
    pub(super) fn choice(&mut self, raw: &RawScenario) -> (Vec<String>, Vec<Param>) {
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
        // The first spelling of each folded name, with its line.
        let mut seen: HashMap<String, (&str, Option<usize>)> = HashMap::new();
        for (table, key, span) in keys {
            if let Some(b) = builtin(key) {
                if key != b {
                    self.error(
                        &span,
                        format!(
                            "{table} weight '{}' differs from the built-in weight '{b}' only in {}; write '{b}' (the built-in weights are not attributes)",
                            printable_name(key),
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
            if let Some(why) = not_shown(key) {
                self.error(&span, format!("{table}: weight {why}"));
                continue;
            }
            if !self.no_hidden_chars(key, &span, &format!("{table} weight")) {
                continue;
            }
            match seen.get(&folded(key)) {
                Some((first, _)) if *first == key => {}
                Some((first, line)) => {
                    let at = line.map(|l| format!(" (line {l})")).unwrap_or_default();
                    let how = difference(key, first);
                    let rule = if differ_invisibly(key, first) {
                        "attribute names must differ in something visible"
                    } else {
                        "attribute names must differ in more than letter case and surrounding spaces"
                    };
                    let message = format!(
                        "{table} weight '{}' differs from attribute '{}'{at} only in {how}; {rule}",
                        printable_name(key),
                        printable_name(first),
                    );
                    self.error(&span, message);
                }
                None => {
                    let line = self.line_of(&span);
                    seen.insert(folded(key), (key, line));
                }
            }
        }
    }

    /// A weight for an attribute that no vendor has and no event gives
    /// would have no effect: like an unweighted attribute, it is most likely
    /// a typo (`brnad = 2.0` for `brand`), so it is an error at every table
    /// that names it. Skipped without vendors (already an error); an
    /// attribute that an invalid event names, in any letter case, counts as
    /// given (the event, once fixed, may give it).
    pub(super) fn weights_without_attribute(
        &mut self,
        raw: &RawScenario,
        attributes: &[String],
        events: &[Option<Event>],
    ) {
        if raw.vendor.is_empty() {
            return;
        }
        // An event with a mistake of its own is not checked further, but
        // an attribute it names may be what the weight weighs: the weight
        // is then given the benefit of the doubt, and every other weight is
        // still checked, so one pass reports both mistakes.
        let named_by_rejected: Vec<String> = raw
            .event
            .iter()
            .zip(events)
            .filter(|(_, checked)| checked.is_none())
            .flat_map(|(e, _)| attributes_named_by(e.get_ref()))
            .collect();
        let held = held_attributes(raw);
        let given = |j: usize| {
            events.iter().flatten().any(|e| {
                matches!(e.target, Target::Vendor(_))
                    && e.changes.iter().any(|c| c.field == Field::Attribute(j))
            }) || named_by_rejected
                .iter()
                .any(|named| folded(named) == folded(&attributes[j]))
        };
        let tables = choice_tables(raw);
        let candidates = suggestion_candidates(&held);
        let clashes = NameClashes::of(attributes, &held);
        for (j, attribute) in attributes.iter().enumerate() {
            // An empty or blank name is reported as such (see `weight_names`).
            if crate::text::shows_blank(attribute)
                || held.binary_search(&attribute.as_str()).is_ok()
                || given(j)
                || clashes.clash(attribute)
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
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::validate::validate;

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
    fn a_rejected_event_hides_no_other_weights_mistake() {
        let source = |event: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n[choice]\ncertified = 1.0\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                attributes = {{ capability = 0.9 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n\
                choice = {{ capability = 1.0, brnad = 2.0 }}\n{event}"
            )
        };
        let messages = |event: &str| -> Vec<String> {
            validate(&source(event), Path::new("t.toml"), &[])
                .unwrap_err()
                .into_iter()
                .map(|d| d.message)
                .collect()
        };
        // The event's own mistake, and both weights that weigh nothing.
        let wrong = messages("[[event]]\nat = 3\nagency = \"B\"\nset = { caution = 1.5 }\n");
        assert_eq!(wrong.len(), 3, "{wrong:?}");
        assert!(
            wrong[0].starts_with("[choice] weight 'certified'"),
            "{wrong:?}"
        );
        assert!(
            wrong[1].starts_with("agency 'B' choice weight 'brnad'"),
            "{wrong:?}"
        );
        assert!(wrong[2].contains("caution"), "{wrong:?}");
        // A rejected event that names 'certified', in either form and any
        // letter case, may be what gives it: only 'brnad' and the event's
        // own mistakes are reported.
        for gives in [
            "set = { \"attributes.certified\" = 1, caution = 1.5 }",
            "add = { attributes = { certified = 1 }, brnad = 1 }",
            "set = { \"attributes.Certified\" = 1, caution = 1.5 }",
        ] {
            let wrong = messages(&format!("[[event]]\nat = 3\nvendor = \"A\"\n{gives}\n"));
            assert!(
                wrong[0].starts_with("agency 'B' choice weight 'brnad'"),
                "{wrong:?}"
            );
            assert!(
                wrong[1..].iter().all(|m| m.starts_with("event 1")),
                "{wrong:?}"
            );
        }
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

    /// A misspelt weight of an attribute every vendor has is one mistake:
    /// the weight alone is refused, with the attribute's spelling as the
    /// fix, not also each vendor's attribute told to take the misspelling.
    /// When an event gives the misspelt name, the weight is no typo and the
    /// vendors' attributes are the ones refused.
    #[test]
    fn a_misspelt_weight_is_reported_once_not_at_every_vendor() {
        let source = |event: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n[choice]\ncapabilty = 1.0\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\nattributes = {{ capability = 0.5 }}\n\
                [[vendor]]\nname = \"B\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\nattributes = {{ capability = 0.7 }}\n\
                [[agency]]\nname = \"X\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n{event}"
            )
        };
        let errors = validate(&source(""), Path::new("t.toml"), &[]).unwrap_err();
        assert!(
            errors.len() == 1
                && errors[0].line == Some(4)
                && errors[0]
                    .message
                    .starts_with("[choice] weight 'capabilty' is neither")
                && errors[0].message.ends_with("did you mean 'capability'?"),
            "{errors:?}"
        );
        // The attribute's value is still checked in the same pass.
        let out_of_range = source("").replace("capability = 0.7", "capability = 2e6");
        let errors = validate(&out_of_range, Path::new("t.toml"), &[]).unwrap_err();
        assert!(
            errors.len() == 2
                && errors[1].line == Some(14)
                && errors[1].message.contains("attribute 'capability'"),
            "{errors:?}"
        );
        let given = "[[event]]\nat = 3\nvendor = \"A\"\nset = { \"attributes.capabilty\" = 1 }\n";
        let errors = validate(&source(given), Path::new("t.toml"), &[]).unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(9), Some(14)], "{errors:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.message.ends_with("did you mean 'capabilty'?")),
            "{errors:?}"
        );
        // When the weight's message suggests another attribute (`spent`,
        // one vendor's), the two vendors' `speed` is not hidden: every
        // vendor is told, and the weight.
        let ambiguous = source("")
            .replace("capabilty = 1.0", "spend = 1.0")
            .replace("capability = 0.5", "speed = 0.5")
            .replace("capability = 0.7", "speed = 0.7")
            .replace(
                "[[agency]]",
                "[[vendor]]\nname = \"C\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\nattributes = { spent = 0.1 }\n[[agency]]",
            );
        let errors = validate(&ambiguous, Path::new("t.toml"), &[]).unwrap_err();
        let lines: Vec<_> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(4), Some(9), Some(14), Some(19)], "{errors:?}");
        assert!(
            errors[0].message.ends_with("did you mean 'spent'?"),
            "{errors:?}"
        );
    }

    /// A vendor attribute no table weighs has no effect. Spelt like a
    /// weighted attribute or a built-in weight, it is a typo and refused
    /// with the suggestion; otherwise it is accepted with a warning (the
    /// design card's example keeps one), its value still checked. A blank
    /// attribute or weight name is refused as blank.
    #[test]
    fn unweighted_attributes_warn_unless_they_look_like_a_typo() {
        let source = |attributes: &str, choice: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n[choice]\ncapability = 1.0\n{choice}\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\nattributes = {{ capability = 0.5, {attributes} }}\n\
                [[agency]]\nname = \"X\"\nunits = 10\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n"
            )
        };
        let s = validate(&source("speed = 0.3", ""), Path::new("t.toml"), &[]).unwrap();
        assert_eq!(s.attributes, ["capability"]);
        assert!(
            s.warnings.iter().any(|w| w.line == Some(10)
                && w.message.starts_with("vendor 'A' has attribute 'speed', but no [choice] table gives it a weight, so it has no effect")),
            "{:?}",
            s.warnings
        );
        for (attributes, choice, line, message) in [
            ("capabilty = 0.3", "", 10, "did you mean 'capability'?"),
            (
                "acess = 0.3",
                "",
                10,
                "did you mean the built-in weight 'access'?",
            ),
            (
                "speed = \"high\"",
                "",
                10,
                "attribute 'speed' must be a number",
            ),
            (
                "speed = { normal = [0.5, -1.0] }",
                "",
                10,
                "attribute 'speed'",
            ),
            (
                "\"\\u200D\" = 0.3",
                "",
                10,
                "attribute '\\u200D' shows as blank",
            ),
            (
                "",
                "\"\\uFE0F\" = 1.0",
                5,
                "[choice]: weight '\\uFE0F' shows as blank",
            ),
        ] {
            let errors =
                validate(&source(attributes, choice), Path::new("t.toml"), &[]).unwrap_err();
            assert!(
                errors.len() == 1
                    && errors[0].line == Some(line)
                    && errors[0].message.contains(message),
                "{attributes} {choice}: {errors:?}"
            );
        }
    }
}
