//! The rules a [`Scenario`] built or changed in code must meet before it
//! runs.
//!
//! A scenario read from a file meets them by construction (`validate`
//! enforces them with a line number for each). Its fields are public, so an
//! embedder can also assemble one or edit a loaded one; the engines and
//! statistics index vectors by vendor, agency and tier and count units in
//! fixed-width integers, so a scenario whose parts disagree would panic deep
//! inside a run or, worse, give numbers that are silently wrong (more units
//! under contract than exist). [`Scenario::verify`] checks every such
//! structural rule and returns all that are broken; the entry points of the
//! simulation and of the statistics call it and refuse to start on a broken
//! scenario.

use std::collections::HashSet;
use std::fmt;

use super::names::{
    RESERVED_AGENCY_NAMES, RESERVED_TIER_NAMES, RESERVED_VENDOR_NAMES, broken_name_rule, folded,
    same_folded,
};
use super::validate::{MAX_TERM, MAX_TOTAL_UNITS};
use super::{
    Field, INITIAL_KEY_BITS, MAX_PERIODS, Op, Param, Range, STREAM_KEY_BITS, Scenario, Target,
    W_FIRST_ATTRIBUTE,
};

/// The rules a scenario built or changed in code breaks, each said in a
/// sentence that names the part of the scenario (`vendors[1] 'Google'`).
///
/// Like [`ScenarioError`](super::ScenarioError), its `Debug` form is its
/// message, so that a `main` returning it prints what to change; `{:#?}`
/// shows the fields.
#[derive(Clone, PartialEq, Eq)]
pub struct InvalidScenario {
    /// At least one, in the order of the scenario's fields.
    pub problems: Vec<String>,
}

impl fmt::Display for InvalidScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the scenario cannot run: {}", self.problems.join("; "))
    }
}

impl fmt::Debug for InvalidScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.debug_struct("InvalidScenario")
                .field("problems", &self.problems)
                .finish()
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

impl std::error::Error for InvalidScenario {}

impl Scenario {
    /// Checks the rules the simulation relies on: every list has one entry
    /// per tier, vendor, agency or weight; indices point into their lists;
    /// units per tier add up to the agency's units and initial contracts fit
    /// in them; every number is finite, in its field's range and drawn from
    /// a valid distribution; events change fields their target has. A
    /// scenario from [`load`](super::load), [`parse`](super::parse) or
    /// [`parse_with`](super::parse_with) always passes; call this after
    /// building or editing one in code. (Editing the file's text and using
    /// `parse_with` instead also gives the file's messages and warnings.)
    pub fn verify(&self) -> Result<(), InvalidScenario> {
        let mut check = Verifier::new(self, Vec::new());
        check.scenario();
        check.streams.sort_unstable();
        let mut shared: Vec<u64> = check
            .streams
            .windows(2)
            .filter(|pair| pair[0] == pair[1])
            .map(|pair| pair[0])
            .collect();
        if !shared.is_empty() {
            // Rare: walk again to name the numbers that share a stream.
            shared.dedup();
            let mut naming = Verifier::new(self, shared);
            naming.scenario();
            naming.sharing.sort();
            for (key, group) in naming
                .sharing
                .chunk_by(|a, b| a.0 == b.0)
                .map(|g| (g[0].0, g))
            {
                let names: Vec<&str> = group.iter().map(|(_, what)| what.as_str()).collect();
                check.fail(format!(
                    "{} draw from one random stream (key {key}), so they take the same value in every run; a copied uncertain number keeps its stream: call Scenario::assign_streams after copying (it keys each number by its new name, as a file naming it would), or give the copy a new Param::drawn",
                    names.join(" and ")
                ));
            }
        }
        if check.problems.is_empty() {
            Ok(())
        } else {
            Err(InvalidScenario {
                problems: check.problems,
            })
        }
    }
}

/// Name lists up to this long are searched for repeats pair by pair,
/// without allocating: the check runs before every simulation, and most
/// scenarios have a handful of names.
const SMALL_LIST: usize = 32;

/// A name as messages show it: hidden characters escaped, so that a name
/// built in code cannot act on the terminal that prints the panic.
fn shown(name: &str) -> String {
    crate::text::escape_hidden(name, false)
}

/// One walk over a scenario for [`Scenario::verify`], collecting every
/// broken invariant and every drawn number's stream.
struct Verifier<'a> {
    s: &'a Scenario,
    problems: Vec<String>,
    /// The sub-stream of every drawn number, which must all differ.
    streams: Vec<u64>,
    /// Streams found shared by more than one drawn number, and the numbers
    /// that draw from them with their names (the second walk).
    shared: Vec<u64>,
    sharing: Vec<(u64, String)>,
}

impl<'a> Verifier<'a> {
    fn new(s: &'a Scenario, shared: Vec<u64>) -> Verifier<'a> {
        Verifier {
            s,
            problems: Vec::new(),
            streams: Vec::new(),
            shared,
            sharing: Vec::new(),
        }
    }

    fn fail(&mut self, problem: String) {
        self.problems.push(problem);
    }

    /// `what` must have one entry per `per` (`count` of them).
    fn length(&mut self, what: impl Fn() -> String, len: usize, count: usize, per: &str) {
        if len != count {
            self.fail(format!(
                "{} has length {len}, but the scenario has {}",
                what(),
                crate::text::count(count as u64, per)
            ));
        }
    }

    /// Whether `p` meets every rule of [`Verifier::param`], without building
    /// a message: the check runs before every simulation.
    fn param_holds(&self, p: &Param, range: Range) -> bool {
        p.range() == range
            && p.fixed_value()
                .is_none_or(|x| x.is_finite() && range.contains(x))
            && p.spec().is_none_or(|spec| spec.check().is_ok())
            && p.stream().is_none_or(|key| key >> STREAM_KEY_BITS == 0)
    }

    /// A number that is the same in every run must be finite and in its
    /// range; a drawn one must come from a distribution `DistSpec::new`
    /// accepts; either must carry the range of what it is.
    /// `what` names the number in a message; it is called only for one.
    fn param(&mut self, what: impl Fn() -> String, p: &Param, range: Range) {
        if let (Some(_), Some(key)) = (p.spec(), p.stream()) {
            self.streams.push(key);
            if self.shared.contains(&key) {
                self.sharing.push((key, what()));
            }
        }
        if self.param_holds(p, range) {
            return;
        }
        let what = what();
        if p.range() != range {
            self.fail(format!(
                "{what} is built with {}, but its field's range is {}",
                p.range().in_code(),
                range.in_code()
            ));
        }
        match (p.fixed_value(), p.spec()) {
            (Some(x), _) if !x.is_finite() => {
                self.fail(format!("{what} is {x}, not a finite number"));
            }
            (Some(x), _) if !range.contains(x) => {
                self.fail(format!(
                    "{what} is {}, not {}",
                    super::param::Shown(x),
                    range.describe()
                ));
            }
            (_, Some(spec)) => {
                if let Err(why) = spec.check() {
                    self.fail(format!("{what}: {why}"));
                }
            }
            _ => {}
        }
        if p.stream().is_some_and(|key| key >> STREAM_KEY_BITS != 0) {
            self.fail(format!(
                "{what} has stream key {}, at or above 2^{STREAM_KEY_BITS}",
                p.stream().unwrap_or_default()
            ));
        }
    }

    /// Names must differ from each other ignoring case and surrounding
    /// spaces, as in a file: rows are told apart by them. Vendor, agency and
    /// tier names (`reserved` given) must also keep a file's other rules for
    /// names (see `names::broken_name_rule`); attribute names, which no
    /// output shows, must not be empty.
    fn names<'n>(
        &mut self,
        plural: &str,
        names: impl Iterator<Item = &'n str>,
        reserved: Option<&[&str]>,
    ) {
        let names: Vec<&str> = names.map(str::trim).collect();
        for (i, name) in names.iter().enumerate() {
            let broken = match reserved {
                Some(reserved) => broken_name_rule(name, reserved),
                None => name.is_empty().then(|| "must not be empty".to_string()),
            };
            if let Some(why) = broken {
                self.fail(format!("{plural}[{i}] name '{}' {why}", shown(name)));
            }
        }
        let mut repeated = |i: usize| {
            self.problems.push(format!(
                "{plural}[{i}] '{}' has the name of an earlier one",
                shown(names[i])
            ));
        };
        if names.len() <= SMALL_LIST {
            for i in 1..names.len() {
                if names[..i]
                    .iter()
                    .any(|earlier| same_folded(earlier, names[i]))
                {
                    repeated(i);
                }
            }
        } else {
            let mut seen = HashSet::new();
            for (i, name) in names.iter().enumerate() {
                if !seen.insert(folded(name)) {
                    repeated(i);
                }
            }
        }
    }

    fn scenario(&mut self) {
        let s = self.s;
        let periods = s.calendar.periods;
        if !(1..=MAX_PERIODS as u32).contains(&periods) {
            self.fail(format!(
                "calendar.periods is {periods}, not from 1 to {MAX_PERIODS}"
            ));
        }
        let (start, end) = (s.calendar.start, s.calendar.end_month());
        if !(1000..=9999).contains(&start.year) || !(1..=12).contains(&start.month) {
            self.fail(format!(
                "calendar.start is year {} month {}, not a month from 1000-01 to 9999-12",
                start.year, start.month
            ));
        } else if end.year > 9999 {
            self.fail(format!("the horizon ends in {end}, after 9999-12"));
        }
        if s.tiers.is_empty() {
            self.fail("tiers is empty; a scenario has at least one tier".to_string());
        }
        if s.vendors.is_empty() {
            self.fail("vendors is empty; a scenario has at least one vendor".to_string());
        }
        if s.agencies.is_empty() {
            self.fail("agencies is empty; a scenario has at least one agency".to_string());
        }
        let (tiers, attributes) = (s.tiers.iter(), s.attributes.iter());
        self.names(
            "tiers",
            tiers.map(String::as_str),
            Some(&RESERVED_TIER_NAMES),
        );
        self.names("attributes", attributes.map(String::as_str), None);
        let vendors = s.vendors.iter().map(|v| v.name.as_str());
        self.names("vendors", vendors, Some(&RESERVED_VENDOR_NAMES));
        let agencies = s.agencies.iter().map(|a| a.name.as_str());
        self.names("agencies", agencies, Some(&RESERVED_AGENCY_NAMES));

        let weights = W_FIRST_ATTRIBUTE + s.attributes.len();
        if s.weights.len() != weights {
            self.fail(format!(
                "weights has length {}, but brand, access, incumbency and {} need {weights}",
                s.weights.len(),
                crate::text::count(s.attributes.len() as u64, "attribute")
            ));
        }
        for (w, p) in s.weights.iter().enumerate() {
            self.param(|| format!("weights[{w}]"), p, Range::WEIGHT);
        }
        self.vendors();
        self.agencies();
        self.events();
    }

    fn vendors(&mut self) {
        let s = self.s;
        for (i, v) in s.vendors.iter().enumerate() {
            let who = || format!("vendors[{i}] '{}'", shown(&v.name));
            self.param(|| format!("{} brand", who()), &v.brand, Range::UNIT);
            let tiers = s.tiers.len();
            self.length(
                || format!("{} access", who()),
                v.access.len(),
                tiers,
                "tier",
            );
            for (k, p) in v.access.iter().enumerate() {
                if let Some(p) = p {
                    self.param(|| format!("{} access[{k}]", who()), p, Range::UNIT);
                }
            }
            self.length(
                || format!("{} attributes", who()),
                v.attributes.len(),
                s.attributes.len(),
                "attribute",
            );
            for (k, p) in v.attributes.iter().enumerate() {
                if let Some(p) = p {
                    self.param(|| format!("{} attributes[{k}]", who()), p, Range::WEIGHT);
                }
            }
        }
    }

    fn agencies(&mut self) {
        let s = self.s;
        let total: u64 = s.total_units();
        if total == 0 || total > MAX_TOTAL_UNITS {
            self.fail(format!(
                "the agencies have {total} units in all, not from 1 to {MAX_TOTAL_UNITS}"
            ));
        }
        // Each initial block's sub-stream with its agency and index.
        let mut streams: Vec<(u64, usize, usize)> = Vec::new();
        for (a, agency) in s.agencies.iter().enumerate() {
            let who = || format!("agencies[{a}] '{}'", shown(&agency.name));
            let by_tier = &agency.units_by_tier;
            let tiers = s.tiers.len();
            self.length(
                || format!("{} units_by_tier", who()),
                by_tier.len(),
                tiers,
                "tier",
            );
            let split: u64 = by_tier.iter().map(|&u| u64::from(u)).sum();
            if split != u64::from(agency.units) {
                self.fail(format!(
                    "{} units_by_tier adds up to {split}, but units is {}",
                    who(),
                    agency.units
                ));
            }
            let rates = Range::NON_NEGATIVE;
            self.param(
                || format!("{} caution", who()),
                &agency.caution,
                Range::UNIT,
            );
            self.param(
                || format!("{} innovation", who()),
                &agency.innovation,
                rates,
            );
            self.param(|| format!("{} imitation", who()), &agency.imitation, rates);
            let value = &agency.annual_value;
            self.param(|| format!("{} annual_value", who()), value, Range::MONEY);
            if !(1..=MAX_TERM as u32).contains(&agency.term) {
                self.fail(format!(
                    "{} term is {}, not from 1 to {MAX_TERM}",
                    who(),
                    agency.term
                ));
            }
            let (choices, weights) = (agency.choice.len(), s.weights.len());
            self.length(|| format!("{} choice", who()), choices, weights, "weight");
            for (w, p) in agency.choice.iter().enumerate() {
                if let Some(p) = p {
                    self.param(|| format!("{} choice[{w}]", who()), p, Range::WEIGHT);
                }
            }
            let mut placed = if agency.initial.is_empty() {
                Vec::new()
            } else {
                vec![0u64; by_tier.len()]
            };
            for (b, block) in agency.initial.iter().enumerate() {
                let what = || format!("{} initial[{b}]", who());
                if block.units == 0 {
                    self.fail(format!("{} has 0 units; a block holds at least 1", what()));
                }
                if block
                    .remaining
                    .is_some_and(|r| !(1..=MAX_TERM as u32).contains(&r))
                {
                    self.fail(format!(
                        "{} remaining is {}, not from 1 to {MAX_TERM}",
                        what(),
                        block.remaining.unwrap_or_default()
                    ));
                }
                if block.stream >> INITIAL_KEY_BITS != 0 {
                    self.fail(format!(
                        "{} has stream {}, at or above 2^{INITIAL_KEY_BITS}",
                        what(),
                        block.stream
                    ));
                }
                streams.push((block.stream, a, b));
                let Some(vendor) = s.vendors.get(block.vendor) else {
                    self.fail(format!(
                        "{} goes to vendor {}, but there are {} vendors",
                        what(),
                        block.vendor,
                        s.vendors.len()
                    ));
                    continue;
                };
                let Some(units_in_tier) = by_tier.get(block.tier) else {
                    self.fail(format!(
                        "{} is at tier {}, but there are {} tiers",
                        what(),
                        block.tier,
                        s.tiers.len()
                    ));
                    continue;
                };
                let access = vendor.access.get(block.tier).and_then(Option::as_ref);
                if access.is_none_or(|p| p.max_value() <= 0.0) {
                    self.fail(format!(
                        "{} goes to vendor '{}', whose access at tier {} is never above 0",
                        what(),
                        shown(&vendor.name),
                        block.tier
                    ));
                }
                placed[block.tier] += u64::from(block.units);
                if placed[block.tier] > u64::from(*units_in_tier) {
                    self.fail(format!(
                        "{} initial contracts at tier {} cover {} units, but the tier has {units_in_tier}",
                        who(),
                        block.tier,
                        placed[block.tier]
                    ));
                }
            }
        }
        streams.sort_unstable();
        for pair in streams.windows(2) {
            let [(stream, a, b), (same, a2, b2)] = [pair[0], pair[1]];
            if stream == same {
                self.fail(format!(
                    "agencies[{a2}] initial[{b2}] has stream {stream}, as agencies[{a}] initial[{b}] has; each block needs its own"
                ));
            }
        }
    }

    fn events(&mut self) {
        let s = self.s;
        for (e, event) in s.events.iter().enumerate() {
            let vendor_target = match event.target {
                Target::Vendor(v) if v >= s.vendors.len() => {
                    self.fail(format!(
                        "events[{e}] targets vendor {v}, but there are {} vendors",
                        s.vendors.len()
                    ));
                    continue;
                }
                Target::Agency(a) if a >= s.agencies.len() => {
                    self.fail(format!(
                        "events[{e}] targets agency {a}, but there are {} agencies",
                        s.agencies.len()
                    ));
                    continue;
                }
                Target::Vendor(_) => true,
                Target::Agency(_) | Target::AllAgencies => false,
            };
            if event.changes.is_empty() {
                self.fail(format!(
                    "events[{e}] changes nothing; an event makes at least one change"
                ));
            }
            if let Some(until) = event.until {
                if until <= event.period {
                    self.fail(format!(
                        "events[{e}] is undone at period {until}, not after its period {}",
                        event.period
                    ));
                }
                if event.changes.iter().any(|c| c.op == Op::Set) {
                    self.fail(format!(
                        "events[{e}] has until but sets a value; until undoes additions only"
                    ));
                }
            }
            for (c, change) in event.changes.iter().enumerate() {
                let field = change.field;
                let fits = match field {
                    Field::Brand => vendor_target,
                    Field::Access(k) => vendor_target && k < s.tiers.len(),
                    Field::Attribute(k) => vendor_target && k < s.attributes.len(),
                    Field::Caution | Field::Innovation | Field::Imitation | Field::AnnualValue => {
                        !vendor_target
                    }
                    Field::Weight(w) => !vendor_target && w < s.weights.len(),
                };
                let what = || format!("events[{e}] changes[{c}] ({field:?})");
                if !fits {
                    let whose = if vendor_target {
                        "a vendor"
                    } else {
                        "an agency"
                    };
                    self.fail(format!(
                        "{} is not a field of {whose} in this scenario",
                        what()
                    ));
                }
                let range = match change.op {
                    Op::Set => field.range(),
                    Op::Add => Range::ANY,
                };
                self.param(what, &change.value, range);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Change, DistSpec, Event, InitialContract, load};
    use std::path::Path;

    fn baseline() -> Scenario {
        load(Path::new("scenarios/gov-ai-2026.toml")).expect("the shipped scenario loads")
    }

    /// The problems `edit` makes the baseline have.
    fn broken_by(edit: impl FnOnce(&mut Scenario)) -> Vec<String> {
        let mut s = baseline();
        edit(&mut s);
        s.verify().expect_err("the edit breaks a rule").problems
    }

    /// The first vendor with a drawn brand, copied and named "Copy": its
    /// uncertain numbers keep the original's streams.
    fn renamed_copy_of_a_drawn_vendor(s: &Scenario) -> crate::scenario::Vendor {
        let drawn = s.vendors.iter().position(|v| v.brand.spec().is_some());
        let mut copy = s.vendors[drawn.expect("a vendor with a drawn brand")].clone();
        copy.name = "Copy".to_string();
        copy
    }

    fn assert_names(problems: &[String], expected: &str) {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "no problem says '{expected}': {problems:#?}"
        );
    }

    #[test]
    fn every_shipped_scenario_passes() {
        for path in [
            "scenarios/gov-ai-2026.toml",
            "scenarios/no-aws-deal.toml",
            "scenarios/minimal.toml",
            "scenarios/bench/large.toml",
            "benches/peer/edge.toml",
            "tests/golden/scenario.toml",
        ] {
            let s = load(Path::new(path)).expect("loads");
            assert_eq!(s.verify(), Ok(()), "{path}");
        }
    }

    #[test]
    fn counts_that_disagree_are_named() {
        let p = broken_by(|s| s.agencies[0].initial[0].units = 100_000);
        assert_names(&p, "initial contracts at tier");
        let p = broken_by(|s| s.agencies[0].units += 100);
        assert_names(&p, "units_by_tier adds up to");
        let p = broken_by(|s| s.agencies[0].initial[0].units = 0);
        assert_names(&p, "initial[0] has 0 units");
        let p = broken_by(|s| s.agencies[1].term = 0);
        assert_names(&p, "term is 0, not from 1 to");
        let p = broken_by(|s| s.calendar.periods = 0);
        assert_names(&p, "calendar.periods is 0");
        let p = broken_by(|s| {
            s.agencies.iter_mut().for_each(|a| {
                a.units = 0;
                a.units_by_tier.iter_mut().for_each(|u| *u = 0);
                a.initial.clear();
            })
        });
        assert_names(&p, "0 units in all");
    }

    #[test]
    fn lists_that_do_not_match_the_scenario_are_named() {
        assert_names(&broken_by(|s| s.vendors.clear()), "vendors is empty");
        assert_names(&broken_by(|s| s.agencies.clear()), "agencies is empty");
        assert_names(&broken_by(|s| s.weights.clear()), "weights has length 0");
        let p = broken_by(|s| s.tiers.push("cosmic".to_string()));
        assert_names(&p, "access has length 3, but the scenario has 4 tiers");
        assert_names(&p, "units_by_tier has length 3");
        let p = broken_by(|s| s.attributes.push("speed".to_string()));
        assert_names(&p, "weights has");
        assert_names(
            &p,
            "attributes has length 1, but the scenario has 2 attributes",
        );
        let p = broken_by(|s| s.vendors[0].access.clear());
        assert_names(&p, "vendors[0] 'OpenAI' access has length 0");
        let p = broken_by(|s| s.agencies[0].choice.pop().map(drop).unwrap_or(()));
        assert_names(&p, "choice has");
        let p = broken_by(|s| s.vendors[1].name = "openai ".to_string());
        assert_names(&p, "has the name of an earlier one");
        let p = broken_by(|s| s.tiers[0] = " ".to_string());
        assert_names(&p, "tiers[0] name '' must not be empty");
    }

    #[test]
    fn indices_out_of_range_are_named() {
        let p = broken_by(|s| s.agencies[0].initial[0].vendor = 9);
        assert_names(&p, "goes to vendor 9, but there are 5 vendors");
        let p = broken_by(|s| s.agencies[0].initial[0].tier = 7);
        assert_names(&p, "is at tier 7, but there are 3 tiers");
        let p = broken_by(|s| {
            let block = s.agencies[0].initial[0].clone();
            s.agencies[0]
                .initial
                .push(InitialContract { units: 1, ..block });
        });
        assert_names(
            &p,
            "as agencies[0] initial[0] has; each block needs its own",
        );
        let p = broken_by(|s| s.events[0].target = Target::Vendor(40));
        assert_names(&p, "events[0] targets vendor 40, but there are 5 vendors");
        let p = broken_by(|s| s.events[0].target = Target::Agency(40));
        assert_names(&p, "events[0] targets agency 40");
        let p = broken_by(|s| {
            s.events.push(Event {
                changes: vec![Change {
                    field: Field::Caution,
                    op: Op::Set,
                    value: Param::fixed(0.5, Range::UNIT),
                    key: "caution".to_string(),
                    line: None,
                }],
                target: Target::Vendor(0),
                ..s.events[0].clone()
            })
        });
        assert_names(&p, "(Caution) is not a field of a vendor");
        let p = broken_by(|s| s.events[0].changes.clear());
        assert_names(&p, "changes nothing");
        let p = broken_by(|s| s.events[0].until = Some(s.events[0].period));
        assert_names(&p, "is undone at period");
        let p = broken_by(|s| {
            s.events[0].until = Some(s.events[0].period + 1);
            s.events[0].changes[0].op = Op::Set;
        });
        assert_names(&p, "until undoes additions only");
    }

    #[test]
    fn numbers_out_of_range_or_not_finite_are_named() {
        let p = broken_by(|s| {
            s.agencies[0].annual_value = Param::fixed(f64::INFINITY, Range::NON_NEGATIVE)
        });
        assert_names(
            &p,
            "annual_value is built with Range::NON_NEGATIVE [0, inf], but its field's \
             range is Range::MONEY [0, 1e15]",
        );
        assert_names(&p, "annual_value is inf, not a finite number");
        let p = broken_by(|s| {
            s.agencies[0].imitation = Param::fixed(f64::INFINITY, Range::NON_NEGATIVE)
        });
        assert_names(&p, "imitation is inf, not a finite number");
        let p = broken_by(|s| s.vendors[0].brand = Param::fixed(f64::NAN, Range::UNIT));
        assert_names(&p, "brand is NaN, not a finite number");
        let p = broken_by(|s| s.agencies[0].caution = Param::fixed(1.5, Range::UNIT));
        assert_names(&p, "caution is 1.5, not in [0, 1]");
        let p = broken_by(|s| {
            let spec = DistSpec::Normal {
                mean: 0.5,
                sd: -1.0,
            };
            s.vendors[0].brand = Param::drawn(spec, Range::UNIT);
        });
        assert_names(&p, "brand: normal needs sd > 0");
    }

    #[test]
    fn a_copied_uncertain_number_is_named_with_its_original() {
        let p = broken_by(|s| {
            let copy = renamed_copy_of_a_drawn_vendor(s);
            s.vendors.push(copy);
        });
        // OpenAI's brand and its drawn attribute.
        assert_eq!(p.len(), 2, "{p:#?}");
        assert_names(
            &p,
            "'OpenAI' brand and vendors[5] 'Copy' brand draw from one random stream",
        );
        assert_names(
            &p,
            "'OpenAI' attributes[0] and vendors[5] 'Copy' attributes[0] draw",
        );
        // A new number of the same distribution has no stream and passes.
        let mut s = baseline();
        let mut copy = renamed_copy_of_a_drawn_vendor(&s);
        copy.brand = Param::drawn(copy.brand.spec().unwrap(), Range::UNIT);
        for access in copy.access.iter_mut().flatten() {
            *access = Param::fixed(access.max_value(), Range::UNIT);
        }
        for attribute in copy.attributes.iter_mut().flatten() {
            *attribute = Param::fixed(attribute.max_value(), Range::WEIGHT);
        }
        s.vendors.push(copy);
        assert_eq!(s.verify(), Ok(()));
    }

    /// The remedy the message gives first works: after `assign_streams` the
    /// copy draws from streams of its own name.
    #[test]
    fn a_copy_passes_once_its_streams_are_assigned() {
        let mut s = baseline();
        let copy = renamed_copy_of_a_drawn_vendor(&s);
        s.vendors.push(copy);
        let refused = s
            .verify()
            .expect_err("the copy shares its original's streams");
        assert!(
            refused
                .to_string()
                .contains("call Scenario::assign_streams after copying"),
            "{refused}"
        );
        s.assign_streams();
        assert_eq!(s.verify(), Ok(()));
    }

    #[test]
    fn names_keep_the_rules_of_a_file() {
        let p = broken_by(|s| s.vendors[0].name = "=HYPERLINK(\"x\")".to_string());
        assert_names(&p, "starts a spreadsheet formula");
        let p = broken_by(|s| s.agencies[0].name = "ALL".to_string());
        assert_names(&p, "agencies[0] name 'ALL' is reserved (all, *)");
        let p = broken_by(|s| s.tiers[1] = "All".to_string());
        assert_names(&p, "tiers[1] name 'All' is reserved (all)");
        let p = broken_by(|s| s.vendors[2].name = "Date".to_string());
        assert_names(&p, "is reserved (period, date, *)");
        let p = broken_by(|s| s.vendors[2].name = "G\u{200b}oogle".to_string());
        assert_names(
            &p,
            "name 'G\\u200Boogle' contains the formatting character U+200B",
        );
        let p = broken_by(|s| s.attributes[0] = String::new());
        assert_names(&p, "attributes[0] name '' must not be empty");
    }

    /// `is_reserved` compares ASCII names without case: right only for
    /// words already folded.
    #[test]
    fn reserved_words_are_folded() {
        let words = RESERVED_VENDOR_NAMES
            .iter()
            .chain(&RESERVED_AGENCY_NAMES)
            .chain(&RESERVED_TIER_NAMES);
        for word in words {
            assert_eq!(folded(word), *word);
        }
    }

    #[test]
    fn the_message_lists_every_problem() {
        let mut s = baseline();
        s.agencies[0].term = 0;
        s.vendors[0].access.clear();
        let message = s.verify().expect_err("broken").to_string();
        assert!(
            message.starts_with("the scenario cannot run: "),
            "{message}"
        );
        assert!(
            message.contains("term is 0") && message.contains("access has length 0"),
            "{message}"
        );
    }
}
