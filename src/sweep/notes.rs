//! What a setting does to a scenario that its author may not expect, said
//! as warnings by every command that takes `--set` or `--vary`: events that
//! replace a set number from their period on, events whose order a moved
//! event turns round, a number an event sets again, opposite additions that
//! no longer cancel, and a `[choice]` weight every agency replaces with its
//! own.

use crate::scenario::{
    Change, Diagnostic, Field, Named, Op, Scenario, Target, named_by, own_weight_line,
};

/// A note for each event within the horizon that `set`s the vendor's or
/// agency's number `path` varies, at the line of that key: from the
/// event's period on, every value is replaced by the event's, so the
/// values differ only until then (not at all for an event at the first
/// period, which applies before its awards, except for the annual value
/// of initial contracts).
pub fn overriding_events(s: &Scenario, path: &str) -> Vec<Diagnostic> {
    let named = named_by(s, path);
    let touches = |t: Target, key: &str| -> bool {
        match (&named, t) {
            (Some(Named::Vendors(chosen, k)), Target::Vendor(v)) => k == key && chosen.contains(&v),
            (Some(Named::Agencies(chosen, k)), Target::Agency(a)) => {
                k == key && chosen.contains(&a)
            }
            (Some(Named::Agencies(_, k)), Target::AllAgencies) => k == key,
            _ => false,
        }
    };
    // Whether an agency both the path and the event name holds initial
    // contracts, which keep the value the run starts with.
    let initial_contracts = |t: Target| match (&named, t) {
        (Some(Named::Agencies(chosen, _)), Target::Agency(a)) => {
            chosen.contains(&a) && !s.agencies[a].initial.is_empty()
        }
        (Some(Named::Agencies(chosen, _)), Target::AllAgencies) => {
            chosen.iter().any(|&a| !s.agencies[a].initial.is_empty())
        }
        _ => false,
    };
    // Whether an event within the horizon sets `key` of `target` (one
    // vendor or agency).
    let overridden = |target: Target, key: &str| {
        s.events.iter().any(|e| {
            e.period < s.calendar.periods
                && shared_target(e.target, target).is_some()
                && e.changes.iter().any(|c| c.op == Op::Set && c.key == key)
        })
    };
    s.events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.period < s.calendar.periods)
        .filter_map(|(i, e)| {
            let change = e
                .changes
                .iter()
                .find(|c| c.op == Op::Set && touches(e.target, &c.key))?;
            let first_period = e.period == 0;
            let prices_initial = initial_contracts(e.target);
            // A path that names several (`vendor.*.brand`) says for whom,
            // and whether some of them keep the value throughout (no event
            // within the horizon sets it for them).
            let (several, kept) = match &named {
                Some(Named::Vendors(chosen, key)) => (
                    chosen.len() > 1,
                    chosen
                        .iter()
                        .any(|&v| !overridden(Target::Vendor(v), key.as_str())),
                ),
                Some(Named::Agencies(chosen, key)) => (
                    chosen.len() > 1,
                    chosen
                        .iter()
                        .any(|&a| !overridden(Target::Agency(a), key.as_str())),
                ),
                None => (false, false),
            };
            let others = if kept { " (some others keep it)" } else { "" };
            let (whom, others) = match (several, e.target) {
                (true, Target::Vendor(v)) => (
                    format!(" of vendor '{}'", s.vendors[v].name),
                    format!(" for that vendor{others}"),
                ),
                (true, Target::Agency(a)) => (
                    format!(" of agency '{}'", s.agencies[a].name),
                    format!(" for that agency{others}"),
                ),
                _ => (String::new(), String::new()),
            };
            Some(Diagnostic {
                line: change.line,
                message: format!(
                    "{} sets {}{whom}, so a value given for {path} {}{}",
                    event_label(s, i),
                    change.key,
                    match (
                        change.field == Field::AnnualValue,
                        first_period,
                        prices_initial
                    ) {
                        // A contract keeps the value it was signed at.
                        (true, false, _) => {
                            "prices only the initial contracts and those signed before then"
                        }
                        (true, true, true) => "prices only the initial contracts",
                        (false, false, _) => "holds only until then",
                        // The first period's events apply before its awards.
                        (false, true, _) | (true, true, false) => {
                            "is replaced before anything happens and changes nothing"
                        }
                    },
                    others,
                ),
            })
        })
        .collect()
}

/// The vendor or agency both targets name, if any (every agency and one
/// agency share that agency).
fn shared_target(a: Target, b: Target) -> Option<Target> {
    match (a, b) {
        (Target::Vendor(x), Target::Vendor(y)) | (Target::Agency(x), Target::Agency(y)) => {
            (x == y).then_some(a)
        }
        (Target::AllAgencies, other @ (Target::Agency(_) | Target::AllAgencies)) => Some(other),
        (Target::Agency(_), Target::AllAgencies) => Some(a),
        _ => None,
    }
}

/// Event `i` of `s` as messages name it: "event 2 (2026-03, 'LABEL')".
fn event_label(s: &Scenario, i: usize) -> String {
    let e = &s.events[i];
    let label = e
        .label
        .as_ref()
        .map(|l| format!(", '{l}'"))
        .unwrap_or_default();
    format!(
        "event {} ({}{label})",
        i + 1,
        s.calendar.months_of(e.period)
    )
}

/// Notes on what settings did to the events of `file` in `variant` (the
/// same file with settings applied), at the line of the later event's key:
///
/// - an event moved past (or before) another that changes the same number
///   of the same vendor or agency: which of their values holds from the
///   later one's period on is now the other one's;
/// - a value an event sets or adds, given by a setting, that a later event
///   `set`s again: the value holds only until then;
/// - an amount an event adds, given by a setting, that a later event takes
///   off again by adding the file's opposite (a temporary change written as
///   two events): the two no longer cancel, and `until` is suggested.
///
/// Events apply by period, and within a period in file order.
pub fn event_notes(file: &Scenario, variant: &Scenario) -> Vec<Diagnostic> {
    let events = EventPairs {
        file,
        variant,
        n: variant.events.len().min(file.events.len()),
    };
    let mut notes: Vec<Diagnostic> = Vec::new();
    let mut note = |d: Diagnostic| {
        if !notes.contains(&d) {
            notes.push(d);
        }
    };
    for i in (0..events.n).filter(|&i| EventPairs::fires_in(variant, i)) {
        events.order_notes(i, &mut note);
        events.reset_notes(i, &mut note);
        events.uncancelled_notes(i, &mut note);
    }
    notes
}

/// The events of a file and of the same file with settings applied, which
/// [`event_notes`] compares: the first `n` events of each are the same
/// events, in file order.
struct EventPairs<'s> {
    file: &'s Scenario,
    variant: &'s Scenario,
    n: usize,
}

impl EventPairs<'_> {
    /// Where event `i` of `s` stands in the order events apply: by period,
    /// and within a period in file order.
    fn order(s: &Scenario, i: usize) -> (u32, usize) {
        (s.events[i].period, i)
    }

    /// Whether event `i` of `s` fires within the horizon.
    fn fires_in(s: &Scenario, i: usize) -> bool {
        s.events[i].period < s.calendar.periods
    }

    /// Event `i` of the variant as a note names it.
    fn label(&self, i: usize) -> String {
        event_label(self.variant, i)
    }

    /// The events of the variant that fire within the horizon and apply
    /// after event `i`, in file order.
    fn firing_after(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let variant = self.variant;
        (0..self.n).filter(move |&j| {
            j != i
                && Self::fires_in(variant, j)
                && Self::order(variant, i) < Self::order(variant, j)
        })
    }

    /// Who `t` names, for a note.
    fn whose(&self, t: Target) -> String {
        match t {
            Target::Vendor(v) => format!("vendor '{}'", self.variant.vendors[v].name),
            Target::Agency(a) => format!("agency '{}'", self.variant.agencies[a].name),
            Target::AllAgencies => "every agency".to_string(),
        }
    }

    /// Notes on event `i` (which fires) and each later-numbered event that
    /// changes a number of the same vendor or agency, where a setting moved
    /// either and so turned round which of them applies last.
    fn order_notes(&self, i: usize, note: &mut impl FnMut(Diagnostic)) {
        let (file, variant, n) = (self.file, self.variant, self.n);
        let (order, fires_in) = (Self::order, Self::fires_in);
        let moved = |i: usize| variant.events[i].period != file.events[i].period;
        for j in (i + 1..n).filter(|&j| fires_in(variant, j) && (moved(i) || moved(j))) {
            let Some(target) = shared_target(variant.events[i].target, variant.events[j].target)
            else {
                continue;
            };
            // Which of the two applies last now, and which did in the file
            // (the only one of them that fired there, if one did not).
            let last_now = if order(variant, i) < order(variant, j) {
                j
            } else {
                i
            };
            let last_then = match (fires_in(file, i), fires_in(file, j)) {
                (true, true) => Some(if order(file, i) < order(file, j) {
                    j
                } else {
                    i
                }),
                (true, false) => Some(i),
                (false, true) => Some(j),
                (false, false) => None,
            };
            if last_then == Some(last_now) {
                continue;
            }
            let first_now = if last_now == i { j } else { i };
            // A temporary change that has ended by the other's period meets
            // nothing of it.
            if variant.events[first_now]
                .until
                .is_some_and(|u| u <= variant.events[last_now].period)
            {
                continue;
            }
            // In the file, the one now last may have been a temporary
            // change that ended before the other.
            let ended_in_file = file.events[last_now]
                .until
                .is_some_and(|u| u <= file.events[first_now].period);
            // The first number both change where their order matters: two
            // additions give the same sum either way round (but where the
            // value reaches a bound of its range in between).
            let outcome = variant.events[last_now].changes.iter().find_map(|last| {
                let first = variant.events[first_now]
                    .changes
                    .iter()
                    .find(|c| c.field == last.field)?;
                let outcome = match (first.op, last.op) {
                    (_, Op::Set) => {
                        "from its period on, the later one's value is the one that holds"
                    }
                    (Op::Set, Op::Add) if ended_in_file => {
                        "the later one now adds to the value the other sets"
                    }
                    (Op::Set, Op::Add) => {
                        "the later one now adds to the value the other sets, instead of being \
                         replaced by it"
                    }
                    (Op::Add, Op::Add) => return None,
                };
                Some((last, outcome))
            });
            let Some((last, outcome)) = outcome else {
                continue;
            };
            let was = if !fires_in(file, last_now) {
                " which it never did in the file (it fell after the horizon),"
            } else if ended_in_file {
                " while in the file it ended before it,"
            } else if last_then == Some(first_now) {
                " the other way round from the file,"
            } else {
                ""
            };
            note(Diagnostic {
                line: last.line,
                message: format!(
                    "{} now applies after {},{was} and both change {} of {}: {outcome}",
                    self.label(last_now),
                    self.label(first_now),
                    last.key,
                    self.whose(target)
                ),
            });
        }
    }

    /// A note when a value given for one of event `i`'s changes is `set`
    /// again by a later event (the first such), with a value of its own.
    fn reset_notes(&self, i: usize, note: &mut impl FnMut(Diagnostic)) {
        let (file, variant) = (self.file, self.variant);
        // The same number or distribution (whatever stream it draws from).
        let same_value = |a: &Change, b: &Change| {
            a.value.fixed_value() == b.value.fixed_value() && a.value.spec() == b.value.spec()
        };
        // A value given for the event's change that a later event sets
        // again, with a value of its own from the file: the first such
        // event.
        let (given, now) = (&file.events[i], &variant.events[i]);
        for m in &now.changes {
            let changed = given
                .changes
                .iter()
                .find(|c| c.field == m.field && c.op == m.op)
                .is_none_or(|c| !same_value(c, m));
            if !changed {
                continue;
            }
            let again = self
                .firing_after(i)
                .filter_map(|j| {
                    let e = &variant.events[j];
                    // An addition that has ended by then is not replaced.
                    if now.until.is_some_and(|u| u <= e.period) {
                        return None;
                    }
                    let c = e
                        .changes
                        .iter()
                        .find(|c| c.field == m.field && c.op == Op::Set)?;
                    Some((j, c, shared_target(now.target, e.target)?))
                })
                .min_by_key(|&(j, _, _)| Self::order(variant, j));
            let Some((j, c, target)) = again else {
                continue;
            };
            // Given the same value by the settings too: nothing is lost.
            let set_too = file.events[j]
                .changes
                .iter()
                .find(|f| f.field == c.field && f.op == Op::Set)
                .is_some_and(|f| !same_value(f, c));
            if set_too && same_value(c, m) {
                continue;
            }
            note(Diagnostic {
                line: c.line,
                message: format!(
                    "{} sets {} of {} again after {}, so the value given for it holds only \
                     until then",
                    self.label(j),
                    c.key,
                    self.whose(target),
                    self.label(i)
                ),
            });
        }
    }

    /// A note when an amount event `i` adds, given a new value, is taken off
    /// again by a later event adding the file's opposite: the two no longer
    /// cancel.
    fn uncancelled_notes(&self, i: usize, note: &mut impl FnMut(Diagnostic)) {
        let variant = self.variant;
        let (given, now) = (&self.file.events[i], &variant.events[i]);
        // An addition given a new value that a later event takes off again
        // by adding the file's opposite (a temporary change written as two
        // events): the later one keeps the file's amount, so the two no
        // longer cancel.
        for m in now
            .changes
            .iter()
            .filter(|m| m.op == Op::Add && now.until.is_none())
        {
            let Some(was) = given
                .changes
                .iter()
                .find(|c| c.field == m.field && c.op == Op::Add)
                .and_then(|c| c.value.fixed_value())
            else {
                continue;
            };
            if m.value.fixed_value() == Some(was) || was == 0.0 {
                continue;
            }
            let undoing = self.firing_after(i).find_map(|j| {
                let e = &variant.events[j];
                let c = e.changes.iter().find(|c| {
                    c.field == m.field && c.op == Op::Add && c.value.fixed_value() == Some(-was)
                })?;
                Some((j, c, shared_target(now.target, e.target)?))
            });
            let Some((j, c, target)) = undoing else {
                continue;
            };
            note(Diagnostic {
                line: c.line,
                message: format!(
                    "{} adds {} to {} of {}, taking off what {} adds in the file, and keeps that \
                     amount, so with the value given the two no longer cancel; to end event \
                     {}'s addition whatever its amount, give it until = \"{}\" in place of \
                     event {}, or change both",
                    self.label(j),
                    -was,
                    c.key,
                    self.whose(target),
                    self.label(i),
                    i + 1,
                    variant.calendar.month_of(variant.events[j].period),
                    j + 1
                ),
            });
        }
    }
}

/// A note when `path` names a weight of `[choice]` (`choice.brand`) that
/// every agency of `s` sets in its own `choice` table: no agency uses the
/// `[choice]` value, and events change agencies' own weights, never it, so
/// a value given for it changes nothing. At the line of the first agency's
/// own weight in `source`, the file `s` was read from, when the file gives
/// it there (not a setting).
pub fn unused_weight(s: &Scenario, source: &str, path: &str) -> Option<Diagnostic> {
    let key = path.strip_prefix("choice.")?;
    let w = (0..s.weights.len()).find(|&w| s.weight_name(w) == key)?;
    let first = s.agencies.first()?;
    if !s.agencies.iter().all(|a| a.choice[w].is_some()) {
        return None;
    }
    let line = own_weight_line(source, 0, key);
    // Without a line, the first agency's own weight is given by a setting,
    // which the advice to give one would only repeat.
    let (whose, advice) = match line {
        Some(_) => (
            "sets its own",
            format!("; give agency.*.choice.{key} to change the weight they use"),
        ),
        None => (
            "has its own",
            " (their own weights are given by the settings)".to_string(),
        ),
    };
    Some(Diagnostic {
        line,
        message: format!(
            "every agency {whose} choice weight '{key}' (the first: agency '{}'), so a value \
             given for {path} is used by none of them and changes nothing{advice}",
            first.name
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Setting;
    use crate::sweep::Sweep;

    /// A market of vendors A, B and agencies X, Y over 12 months: `initial`
    /// (X's `[[agency.initial]]` blocks, or nothing) goes after agency X,
    /// and `events` at the end.
    fn market(initial: &str, events: &str) -> String {
        format!(
            "start = \"2026-01\"\nperiods = 12\n\
             [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
             [[vendor]]\nname = \"B\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
             [[agency]]\nname = \"X\"\nunits = 50\ninnovation = 0.05\nimitation = 0.2\nterm = 6\n\
             {initial}\
             [[agency]]\nname = \"Y\"\nunits = 50\ninnovation = 0.05\nimitation = 0.2\nterm = 6\n{events}"
        )
    }

    /// An `[[event]]` at period `at` for `target` (`vendor = "A"`,
    /// `agency = "*"`, ...) with `changes` (its `set` or `add` line).
    fn event(at: u32, target: &str, changes: &str) -> String {
        format!("[[event]]\nat = {at}\n{target}\n{changes}\n")
    }

    /// The notes of `event_notes` for the file `events` (after the
    /// [`market`]) with `settings` applied.
    fn event_notes_of(events: &str, settings: &[&str]) -> Vec<String> {
        let source = market("", events);
        let path = std::path::Path::new("t.toml");
        let file = crate::scenario::parse(&source, path).unwrap();
        let settings: Vec<Setting> = settings
            .iter()
            .map(|spec| Sweep::parse(spec).unwrap().setting(0))
            .collect();
        let variant = crate::scenario::parse_with(&source, path, &settings).unwrap();
        event_notes(&file, &variant)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    #[test]
    fn event_notes_say_when_settings_change_which_event_holds() {
        let (a, star, x) = ("vendor = \"A\"", "agency = \"*\"", "agency = \"X\"");
        // A set moved past another set: once per pair, whichever moved.
        let two_sets = event(2, a, "set = { brand = 0.9 }") + &event(4, a, "set = { brand = 0.2 }");
        for moved in ["event.1.at=6", "event.2.at=1"] {
            let notes = event_notes_of(&two_sets, &[moved]);
            assert_eq!(notes.len(), 1, "{moved}: {notes:?}");
            assert!(
                notes[0].contains("the other way round from the file"),
                "{notes:?}"
            );
            assert!(notes[0].contains("brand of vendor 'A'"), "{notes:?}");
        }
        // Moved without passing: nothing.
        assert!(event_notes_of(&two_sets, &["event.1.at=3"]).is_empty());
        // Two additions: the same sum either way round.
        let two_adds =
            event(2, a, "add = { brand = 0.1 }") + &event(4, a, "add = { brand = -0.2 }");
        assert!(event_notes_of(&two_adds, &["event.1.at=6"]).is_empty());
        // A set against an addition found past a first shared key that
        // both add to.
        let mixed = event(
            2,
            a,
            "set = { brand = 0.9 }\nadd = { \"access.unclassified\" = -0.1 }",
        ) + &event(
            4,
            a,
            "add = { \"access.unclassified\" = -0.1, brand = -0.3 }",
        );
        let notes = event_notes_of(&mixed, &["event.1.at=6"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("both change brand of vendor 'A'"),
            "{notes:?}"
        );
        // Every agency against one: named by the one both change.
        let agencies =
            event(2, star, "set = { caution = 0.2 }") + &event(4, x, "set = { caution = 0.5 }");
        let notes = event_notes_of(&agencies, &["event.1.at=6"]);
        assert!(notes[0].contains("caution of agency 'X'"), "{notes:?}");
        // An event that never fired in the file now overriding another.
        let late = event(4, a, "set = { brand = 0.9 }") + &event(40, a, "set = { brand = 0.2 }");
        let notes = event_notes_of(&late, &["event.2.at=8"]);
        assert!(
            notes[0].contains("which it never did in the file"),
            "{notes:?}"
        );
        assert!(
            event_notes_of(&late, &["event.2.at=2"]).is_empty(),
            "event 1 still holds last"
        );
        // A value given that a later event sets again, said once; not when
        // the settings give the later event the same value.
        let notes = event_notes_of(&two_sets, &["event.1.set.brand=0.7"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("so the value given for it holds only until then"),
            "{notes:?}"
        );
        assert!(event_notes_of(&two_sets, &["event.*.set.brand=0.7"]).is_empty());
    }

    /// The notes of `overriding_events` for `path` on the file `events`,
    /// after the [`market`] with initial contracts at agency X (none at Y).
    fn overriding_notes_of(events: &str, path: &str) -> Vec<String> {
        let source = market("[[agency.initial]]\nvendor = \"A\"\nunits = 5\n", events);
        let s = crate::scenario::parse(&source, std::path::Path::new("t.toml")).unwrap();
        overriding_events(&s, path)
            .into_iter()
            .map(|d| d.message)
            .collect()
    }

    /// A path that names several vendors or agencies says, for each event
    /// that sets the number, whose it is and whether some others keep the
    /// value throughout (none does when an event sets it for each); an
    /// event at the first period on every agency prices the initial
    /// contracts of an agency that holds some, and changes nothing for one
    /// that holds none.
    #[test]
    fn overriding_notes_say_whose_number_and_whether_others_keep_it() {
        let one = event(2, "vendor = \"A\"", "set = { brand = 0.9 }");
        assert_eq!(
            overriding_notes_of(&one, "vendor.*.brand"),
            [
                "event 1 (2026-03) sets brand of vendor 'A', so a value given for vendor.*.brand \
                 holds only until then for that vendor (some others keep it)"
            ]
        );
        let both = one + &event(4, "vendor = \"B\"", "set = { brand = 0.2 }");
        assert_eq!(
            overriding_notes_of(&both, "vendor.*.brand"),
            [
                "event 1 (2026-03) sets brand of vendor 'A', so a value given for vendor.*.brand \
                 holds only until then for that vendor",
                "event 2 (2026-05) sets brand of vendor 'B', so a value given for vendor.*.brand \
                 holds only until then for that vendor"
            ]
        );
        let one = event(2, "agency = \"X\"", "set = { caution = 0.9 }");
        assert_eq!(
            overriding_notes_of(&one, "agency.*.caution"),
            [
                "event 1 (2026-03) sets caution of agency 'X', so a value given for \
                 agency.*.caution holds only until then for that agency (some others keep it)"
            ]
        );
        let both = one + &event(4, "agency = \"Y\"", "set = { caution = 0.2 }");
        assert_eq!(
            overriding_notes_of(&both, "agency.*.caution"),
            [
                "event 1 (2026-03) sets caution of agency 'X', so a value given for \
                 agency.*.caution holds only until then for that agency",
                "event 2 (2026-05) sets caution of agency 'Y', so a value given for \
                 agency.*.caution holds only until then for that agency"
            ]
        );
        let first = event(0, "agency = \"*\"", "set = { annual_value = 2e6 }");
        assert_eq!(
            overriding_notes_of(&first, "agency.X.annual_value"),
            [
                "event 1 (2026-01) sets annual_value, so a value given for agency.X.annual_value \
                 prices only the initial contracts"
            ]
        );
        assert_eq!(
            overriding_notes_of(&first, "agency.Y.annual_value"),
            [
                "event 1 (2026-01) sets annual_value, so a value given for agency.Y.annual_value \
                 is replaced before anything happens and changes nothing"
            ]
        );
    }

    /// Which of two events applies last, turned round by settings: with
    /// one agency before every agency, with both events moved, never for
    /// an event moved to or past the horizon, and not for a temporary
    /// addition that has ended by the other's period; a set moved before
    /// an addition that was not temporary is said to stop replacing it.
    #[test]
    fn order_notes_know_every_agency_both_moves_the_horizon_and_additions() {
        let (a, star, x) = ("vendor = \"A\"", "agency = \"*\"", "agency = \"X\"");
        // One agency, then every agency: named by the one both change.
        let agencies =
            event(2, x, "set = { caution = 0.5 }") + &event(4, star, "set = { caution = 0.2 }");
        let notes = event_notes_of(&agencies, &["event.1.at=6"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("caution of agency 'X'"), "{notes:?}");
        // Both events moved, past each other.
        let two_sets = event(2, a, "set = { brand = 0.9 }") + &event(4, a, "set = { brand = 0.2 }");
        let notes = event_notes_of(&two_sets, &["event.1.at=6", "event.2.at=5"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("the other way round from the file"),
            "{notes:?}"
        );
        // An event moved to the horizon or past it no longer fires.
        let late = event(4, a, "set = { brand = 0.9 }") + &event(40, a, "set = { brand = 0.2 }");
        assert!(event_notes_of(&late, &["event.2.at=12"]).is_empty());
        let swapped = event(4, a, "set = { brand = 0.9 }") + &event(2, a, "set = { brand = 0.2 }");
        assert!(event_notes_of(&swapped, &["event.2.at=40"]).is_empty());
        // A temporary addition still under way when a set moved past it,
        // and one that has ended by then.
        let temporary = event(2, a, "set = { brand = 0.9 }")
            + "[[event]]\nat = 4\nuntil = 8\nvendor = \"A\"\nadd = { brand = 0.1 }\n";
        let notes = event_notes_of(&temporary, &["event.1.at=6"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].ends_with("from its period on, the later one's value is the one that holds"),
            "{notes:?}"
        );
        assert!(event_notes_of(&temporary, &["event.1.at=9"]).is_empty());
        // A lasting addition moved past a set is no longer replaced by it.
        let add_then_set =
            event(2, a, "add = { brand = 0.1 }") + &event(4, a, "set = { brand = 0.9 }");
        let notes = event_notes_of(&add_then_set, &["event.1.at=6"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].ends_with(
                "the later one now adds to the value the other sets, instead of being replaced by it"
            ),
            "{notes:?}"
        );
    }

    /// A value given for an event's change that a later event sets again
    /// holds only until then, also when it equals the later event's value
    /// from the file (that event setting another number too), and when
    /// the settings give the later event another value of its own.
    #[test]
    fn reset_notes_compare_the_later_events_own_value() {
        let event = |at: u32, changes: &str| event(at, "vendor = \"A\"", changes);
        let later_sets_two = event(2, "set = { brand = 0.9 }")
            + &event(4, "set = { \"access.unclassified\" = 0.5, brand = 0.2 }");
        let notes = event_notes_of(&later_sets_two, &["event.1.set.brand=0.2"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("sets brand of vendor 'A' again after event 1"),
            "{notes:?}"
        );
        let two_sets = event(2, "set = { brand = 0.9 }") + &event(4, "set = { brand = 0.2 }");
        let notes = event_notes_of(
            &two_sets,
            &["event.1.set.brand=0.7", "event.2.set.brand=0.5"],
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("so the value given for it holds only until then"),
            "{notes:?}"
        );
    }

    /// Additions that no longer cancel: found by the amount the file gives
    /// the changed number (not another number the event adds to), only
    /// against a later addition to that same number, and never for a
    /// temporary addition, which ends by itself.
    #[test]
    fn uncancelled_notes_match_the_same_number() {
        let (a, x) = ("vendor = \"A\"", "agency = \"X\"");
        let two_numbers = event(
            2,
            a,
            "add = { \"access.unclassified\" = -0.1, brand = 0.2 }",
        ) + &event(6, a, "add = { brand = -0.2 }");
        let notes = event_notes_of(&two_numbers, &["event.1.add.brand=0.1"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].starts_with("event 2 (2026-07) adds -0.2 to brand of vendor 'A'")
                && notes[0].contains("no longer cancel"),
            "{notes:?}"
        );
        let other_number = event(2, x, "add = { innovation = 0.004 }")
            + &event(8, x, "add = { imitation = -0.004 }");
        assert!(event_notes_of(&other_number, &["event.1.add.innovation=0"]).is_empty());
        let temporary =
            "[[event]]\nat = 2\nuntil = 6\nagency = \"X\"\nadd = { innovation = 0.004 }\n"
                .to_string()
                + &event(8, x, "add = { innovation = -0.004 }");
        assert!(event_notes_of(&temporary, &["event.1.add.innovation=0"]).is_empty());
    }
}
