//! The parameters of one run: every uncertain number drawn once, then
//! changed by events as simulated time passes.
//!
//! Both engines share this, so they see the same model: the draws, the
//! event semantics (set, add, clamp) and the utilities are defined here once.

use std::collections::HashMap;

use rand::rngs::ChaCha8Rng;

use super::{parameter_rng, unkeyed_parameter_rng};

use crate::scenario::{
    Field, Op, Param, Scenario, Target, W_ACCESS, W_BRAND, W_FIRST_ATTRIBUTE, W_INCUMBENCY,
};

/// Current parameter values of one run. Indices: vendor `v`, agency `a`,
/// tier `k`, weight `w`, attribute `j`.
#[derive(Debug, Clone)]
pub struct Market {
    tiers: usize,
    weight_count: usize,
    attribute_count: usize,
    brand: Vec<f64>,
    /// `[v * tiers + k]`
    access: Vec<f64>,
    /// `[v * attribute_count + j]`
    attributes: Vec<f64>,
    caution: Vec<f64>,
    innovation: Vec<f64>,
    imitation: Vec<f64>,
    pub(super) annual_value: Vec<f64>,
    /// `[a * weight_count + w]`
    weights: Vec<f64>,
    /// Drawn value of each event's changes, `[event][change]`, file order.
    event_values: Vec<Vec<f64>>,
    /// Each number some event with `until` changes (none when no event has
    /// one): its value before its first change and every change applied to
    /// it since, in order, to replay it without an event that ended.
    tracked: HashMap<Slot, Tracked>,
    /// The numbers each event with `until` changes, by event (empty for
    /// the others, and when no event has `until`).
    slots_of_event: Vec<Vec<Slot>>,
    /// Whether each event's additions have ended (its `until` has come);
    /// empty when no event has `until`.
    ended: Vec<bool>,
}

/// One number an event changes: a field of one vendor or one agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Slot {
    field: Field,
    /// The vendor's or the agency's index.
    owner: usize,
}

/// A number that an event with `until` changes, as [`Market::end`]
/// replays it.
#[derive(Debug, Clone, Default)]
struct Tracked {
    /// The value before the first change; `None` until then.
    origin: Option<f64>,
    /// Every change applied to it: the event, `set` or `add`, the value.
    changes: Vec<(usize, Op, f64)>,
}

impl Market {
    /// Draws every uncertain parameter of a run from `rng`, the run's
    /// stream: each from its own sub-stream (see `scenario::stream_keys`),
    /// so a value depends on the seed, the run and what the number is, not
    /// on which other numbers the scenario draws. Fixed numbers consume no
    /// randomness.
    pub fn draw(s: &Scenario, rng: &mut ChaCha8Rng) -> Market {
        let mut unkeyed = 0;
        let mut draw = |p: &Param| match (p.fixed_value(), p.stream()) {
            (Some(_), _) => p.draw(rng),
            (None, Some(key)) => p.draw(parameter_rng(rng, key)),
            (None, None) => {
                unkeyed += 1;
                p.draw(unkeyed_parameter_rng(rng, unkeyed))
            }
        };
        let tiers = s.tiers.len();
        let attribute_count = s.attributes.len();
        let weight_count = W_FIRST_ATTRIBUTE + attribute_count;
        let base_weights: Vec<f64> = s.weights.iter().map(&mut draw).collect();

        let mut brand = Vec::with_capacity(s.vendors.len());
        let mut access = Vec::with_capacity(s.vendors.len() * tiers);
        let mut attributes = Vec::with_capacity(s.vendors.len() * attribute_count);
        for v in &s.vendors {
            brand.push(draw(&v.brand));
            access.extend(v.access.iter().map(|p| p.as_ref().map_or(0.0, &mut draw)));
            attributes.extend(
                v.attributes
                    .iter()
                    .map(|p| p.as_ref().map_or(0.0, &mut draw)),
            );
        }

        let n = s.agencies.len();
        let mut m = Market {
            tiers,
            weight_count,
            attribute_count,
            brand,
            access,
            attributes,
            caution: Vec::with_capacity(n),
            innovation: Vec::with_capacity(n),
            imitation: Vec::with_capacity(n),
            annual_value: Vec::with_capacity(n),
            weights: Vec::with_capacity(n * weight_count),
            event_values: Vec::with_capacity(s.events.len()),
            tracked: HashMap::new(),
            slots_of_event: Vec::new(),
            ended: Vec::new(),
        };
        if s.events.iter().any(|e| e.until.is_some()) {
            m.ended = vec![false; s.events.len()];
            // An event with `until` only adds, each key once, so its slots
            // are distinct.
            m.slots_of_event = s
                .events
                .iter()
                .map(|e| match e.until {
                    None => Vec::new(),
                    Some(_) => e
                        .changes
                        .iter()
                        .flat_map(|c| {
                            owners(e.target, n).map(|owner| Slot {
                                field: c.field,
                                owner,
                            })
                        })
                        .collect(),
                })
                .collect();
            for &slot in m.slots_of_event.iter().flatten() {
                m.tracked.insert(slot, Tracked::default());
            }
        }
        for a in &s.agencies {
            m.caution.push(draw(&a.caution));
            m.innovation.push(draw(&a.innovation));
            m.imitation.push(draw(&a.imitation));
            m.annual_value.push(draw(&a.annual_value));
            for (w, own) in a.choice.iter().enumerate() {
                m.weights
                    .push(own.as_ref().map_or(base_weights[w], &mut draw));
            }
        }
        for e in &s.events {
            m.event_values
                .push(e.changes.iter().map(|c| draw(&c.value)).collect());
        }
        m
    }

    /// Applies the events dated `period`, in file order, and says what
    /// fired (so callers can refresh what they derived from the market).
    pub fn apply_events(&mut self, s: &Scenario, period: u32) -> Fired {
        let mut fired = Fired::default();
        for (e, event) in s.events.iter().enumerate() {
            let ends = event.until == Some(period);
            if !ends && event.period != period {
                continue;
            }
            fired.any = true;
            fired.prices |= event.changes_annual_value();
            if ends {
                self.end(e);
                continue;
            }
            for (c, change) in event.changes.iter().enumerate() {
                let value = self.event_values[e][c];
                for owner in owners(event.target, self.caution.len()) {
                    let slot = Slot {
                        field: change.field,
                        owner,
                    };
                    self.change(e, slot, change.op, value);
                }
            }
        }
        fired
    }

    /// The current value of `slot`.
    fn slot_mut(&mut self, slot: Slot) -> &mut f64 {
        let Slot { field, owner } = slot;
        match field {
            Field::Brand => &mut self.brand[owner],
            Field::Access(k) => &mut self.access[owner * self.tiers + k],
            Field::Attribute(j) => &mut self.attributes[owner * self.attribute_count + j],
            Field::Caution => &mut self.caution[owner],
            Field::Innovation => &mut self.innovation[owner],
            Field::Imitation => &mut self.imitation[owner],
            Field::AnnualValue => &mut self.annual_value[owner],
            Field::Weight(w) => &mut self.weights[owner * self.weight_count + w],
        }
    }

    /// Applies one change of event `e` to `slot`, clamped, and records it
    /// (with the number's value before its first change) when some event
    /// with `until` changes that number, for [`Market::end`].
    fn change(&mut self, e: usize, slot: Slot, op: Op, value: f64) {
        let x = self.slot_mut(slot);
        let before = *x;
        apply(x, slot.field, op, value);
        if let Some(t) = self.tracked.get_mut(&slot) {
            t.origin.get_or_insert(before);
            t.changes.push((e, op, value));
        }
    }

    /// Ends event `e`'s additions (its `until` has come): each number it
    /// changed becomes what it would be had the event never happened, its
    /// value before any change replayed through every change since, in
    /// order and clamped after each, but those of ended events. A number
    /// nothing else changed returns exactly to its value before the event;
    /// every other change, lasting or still in force, keeps its effect.
    fn end(&mut self, e: usize) {
        self.ended[e] = true;
        for i in 0..self.slots_of_event[e].len() {
            let slot = self.slots_of_event[e][i];
            let t = &self.tracked[&slot];
            let mut x = t
                .origin
                .expect("a number an event changed has its value before the change");
            for &(event, op, value) in &t.changes {
                if !self.ended[event] {
                    apply(&mut x, slot.field, op, value);
                }
            }
            *self.slot_mut(slot) = x;
        }
    }

    pub fn access(&self, v: usize, k: usize) -> f64 {
        self.access[v * self.tiers + k]
    }

    /// Whether vendor `v` can win contracts at tier `k`.
    pub fn eligible(&self, v: usize, k: usize) -> bool {
        self.access(v, k) > 0.0
    }

    /// `U_v` for a unit of agency `a` at tier `k`, without incumbency.
    pub fn utility(&self, a: usize, k: usize, v: usize) -> f64 {
        let w = &self.weights[a * self.weight_count..(a + 1) * self.weight_count];
        let attrs = &self.attributes[v * self.attribute_count..(v + 1) * self.attribute_count];
        let mut u = w[W_BRAND] * self.brand[v] + w[W_ACCESS] * self.access(v, k);
        for (j, x) in attrs.iter().enumerate() {
            u += w[W_FIRST_ATTRIBUTE + j] * x;
        }
        u
    }

    /// What being the incumbent adds to a vendor's utility at agency `a`:
    /// `w_incumbency * (1 + caution)`.
    pub fn incumbency_bonus(&self, a: usize) -> f64 {
        self.weights[a * self.weight_count + W_INCUMBENCY] * (1.0 + self.caution[a])
    }

    /// Probability that a `never` unit of agency `a` adopts this period,
    /// given the fraction `f` of all units under contract at the end of the
    /// last period.
    pub fn adoption_hazard(&self, a: usize, f: f64) -> f64 {
        let willing = 1.0 - self.caution[a];
        let rate = self.innovation[a] + rate_times(self.imitation[a], f);
        let hazard = rate_times(rate, willing);
        debug_assert!(!hazard.is_nan(), "adoption hazard is NaN");
        hazard.min(1.0)
    }
}

/// What [`Market::apply_events`] applied in one period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fired {
    /// Some event fired.
    pub any: bool,
    /// Some event changed an annual value: contracts signed from now on may
    /// be worth more or less than those in force.
    pub prices: bool,
}

/// `rate * factor`, where a zero factor wins over an unbounded rate: rates
/// have no upper limit, and full caution or nobody under contract yet must
/// mean no adoption from that term, not `0 * inf`.
fn rate_times(rate: f64, factor: f64) -> f64 {
    if factor == 0.0 { 0.0 } else { rate * factor }
}

/// The vendors or agencies an event with `target` changes, of `agencies`.
fn owners(target: Target, agencies: usize) -> std::ops::Range<usize> {
    match target {
        Target::Vendor(v) => v..v + 1,
        Target::Agency(a) => a..a + 1,
        Target::AllAgencies => 0..agencies,
    }
}

fn apply(slot: &mut f64, field: Field, op: Op, value: f64) {
    let x = match op {
        Op::Set => value,
        Op::Add => *slot + value,
    };
    *slot = field.range().clamp(x);
}

/// Multinomial-logit probabilities over `eligible` vendors into `probs`
/// (same order), with the incumbent's utility raised by `bonus`. Computed
/// with the largest utility subtracted, so utilities of any size neither
/// overflow nor underflow to an all-zero vector. Returns that largest
/// utility and the sum of `e^(U - max)`, the softmax's normaliser.
pub fn logit_probabilities(
    utilities: &[f64],
    eligible: &[usize],
    incumbent: Option<usize>,
    bonus: f64,
    probs: &mut Vec<f64>,
) -> (f64, f64) {
    probs.clear();
    let total = |v: usize| utilities[v] + if Some(v) == incumbent { bonus } else { 0.0 };
    let max = eligible
        .iter()
        .map(|&v| total(v))
        .fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for &v in eligible {
        let e = libm::exp(total(v) - max);
        probs.push(e);
        sum += e;
    }
    for p in probs.iter_mut() {
        *p /= sum;
    }
    (max, sum)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logit_is_softmax_and_stable() {
        let mut p = Vec::new();
        logit_probabilities(&[0.0, 1.0, 2.0], &[0, 1, 2], None, 0.0, &mut p);
        let z: f64 = [0.0f64, 1.0, 2.0].iter().map(|u| u.exp()).sum();
        for (i, u) in [0.0f64, 1.0, 2.0].iter().enumerate() {
            assert!((p[i] - u.exp() / z).abs() < 1e-15);
        }
        logit_probabilities(&[1e6, -1e6, 0.0], &[0, 1, 2], Some(1), 2e6, &mut p);
        assert!(p.iter().all(|x| x.is_finite()));
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert_eq!(p[0], 0.5);
        assert_eq!(p[1], 0.5);
    }
}

#[cfg(test)]
mod event_properties {
    use std::path::Path;

    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    use super::Market;
    use crate::scenario::{Range, parse};

    fn within(m: &Market) -> bool {
        let unit = |xs: &[f64]| xs.iter().all(|&x| Range::UNIT.contains(x));
        unit(&m.brand)
            && unit(&m.access)
            && unit(&m.caution)
            && m.innovation
                .iter()
                .chain(&m.imitation)
                .all(|&x| Range::NON_NEGATIVE.contains(x))
            && m.annual_value.iter().all(|&x| Range::MONEY.contains(x))
            && m.weights
                .iter()
                .chain(&m.attributes)
                .all(|&x| Range::WEIGHT.contains(x))
    }

    proptest! {
        /// Whatever events add (any amount, of either sign, drawn or
        /// fixed), every parameter stays in its valid range.
        #[test]
        fn events_clamp_every_parameter_into_its_range(
            adds in prop::collection::vec(-1e12..1e12f64, 9),
            sd in 0.1..1e9f64,
            seed in any::<u64>(),
        ) {
            let text = format!(
                r#"
start = "2026-01"
periods = 3
tiers = ["u", "s"]
[choice]
quality = 1.0
[[vendor]]
name = "V"
brand = 0.5
access = {{ u = 1.0 }}
attributes = {{ quality = 0.5 }}
[[agency]]
name = "A"
units = 10
innovation = 0.1
imitation = 0.1
term = 2
[[event]]
at = 1
vendor = "V"
add = {{ brand = {}, "access.u" = {}, "access.s" = {}, "attributes.quality" = {{ normal = [{}, {sd}] }} }}
[[event]]
at = 1
agency = "*"
add = {{ caution = {}, innovation = {}, imitation = {}, annual_value = {}, "choice.quality" = {} }}
"#,
                adds[0], adds[1], adds[2], adds[3], adds[4], adds[5], adds[6], adds[7], adds[8]
            );
            let s = parse(&text, Path::new("events.toml")).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut m = Market::draw(&s, &mut rng);
            prop_assert!(within(&m));
            prop_assert!(m.apply_events(&s, 1).any);
            prop_assert!(within(&m), "{:?}", m);
        }

        /// A temporary addition (`until`) of any amount, clamped or not,
        /// leaves every number exactly as before once it has ended, when
        /// nothing else changed it meanwhile; with a lasting addition in
        /// between, the number keeps that one.
        #[test]
        fn an_undone_addition_restores_the_value_before_it(
            add in -3.0..3.0f64,
            between in -0.3..0.3f64,
            seed in any::<u64>(),
        ) {
            let text = format!(
                r#"
start = "2026-01"
periods = 6
[[vendor]]
name = "V"
brand = {{ uniform = [0, 1] }}
access = {{ unclassified = 1.0 }}
[[agency]]
name = "A"
units = 10
innovation = {{ uniform = [0, 0.1] }}
imitation = 0.1
caution = {{ uniform = [0, 1] }}
term = 2
[[event]]
at = 1
until = 4
vendor = "V"
add = {{ brand = {add} }}
[[event]]
at = 1
until = 3
agency = "*"
add = {{ innovation = {add}, caution = {add} }}
[[event]]
at = 2
agency = "A"
add = {{ caution = {between} }}
"#
            );
            let s = parse(&text, Path::new("until.toml")).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut m = Market::draw(&s, &mut ChaCha8Rng::seed_from_u64(seed));
            let start = m.clone();
            m.apply_events(&s, 1);
            let temporary = m.caution[0] - start.caution[0];
            m.apply_events(&s, 2);
            prop_assert!(m.apply_events(&s, 3).any);
            prop_assert_eq!(m.innovation[0], start.innovation[0]);
            // The lasting addition stays, as if the temporary one had never
            // been, whatever either met at the bounds.
            prop_assert!((temporary - add).abs() < 1e-12 || temporary == -start.caution[0]
                || temporary == 1.0 - start.caution[0]);
            prop_assert_eq!(m.caution[0], Range::UNIT.clamp(start.caution[0] + between));
            prop_assert_eq!(m.brand[0], Range::UNIT.clamp(start.brand[0] + add));
            prop_assert!(m.apply_events(&s, 4).any);
            prop_assert_eq!(m.brand[0], start.brand[0]);
        }
    }

    /// Ended additions leave a number as if they had never happened, even
    /// where clamping met them: overlapping temporary additions to an
    /// access of 0 (+0.5 from 1 until 3, -0.8 from 2 until 5) leave 0 in
    /// the end, not 0.5; from 0.2, +0.5 and -0.6 leave 0.2; a lasting -0.1
    /// that a temporary -0.5 had clamped away from 0.3 leaves 0.2.
    #[test]
    fn ended_additions_are_as_if_they_never_happened_whatever_was_clamped() {
        let text = |access: f64| {
            format!(
                r#"
start = "2026-01"
periods = 8
tiers = ["u", "s"]
[[vendor]]
name = "V"
brand = 0.3
access = {{ u = 1.0, s = {access} }}
[[agency]]
name = "A"
units = 10
innovation = 0.01
imitation = 0.1
term = 2
[[event]]
at = 1
until = 3
vendor = "V"
add = {{ "access.s" = 0.5, brand = -0.5 }}
[[event]]
at = 2
until = 5
vendor = "V"
add = {{ "access.s" = -0.8 }}
[[event]]
at = 2
vendor = "V"
add = {{ brand = -0.1 }}
"#
            )
        };
        for (start, at_3, at_5) in [(0.0, 0.0, 0.0), (0.2, 0.0, 0.2)] {
            let s = parse(&text(start), Path::new("until.toml")).unwrap();
            let mut m = Market::draw(&s, &mut ChaCha8Rng::seed_from_u64(1));
            let mut access = Vec::new();
            for t in 0..8 {
                m.apply_events(&s, t);
                access.push(m.access(0, 1));
                if t == 1 || t == 2 {
                    assert_eq!(m.brand[0], 0.0, "t={t}");
                }
            }
            assert_eq!(
                (access[3], access[5], access[7]),
                (at_3, at_5, at_5),
                "{access:?}"
            );
            assert!((m.brand[0] - 0.2).abs() < 1e-15, "{}", m.brand[0]);
        }
    }

    /// A `set` between a temporary addition and its end replaces what the
    /// addition added, so its end takes nothing off; a price undone fires
    /// as a price change.
    #[test]
    fn a_set_in_between_keeps_its_value_past_the_end_of_an_addition() {
        let text = r#"
start = "2026-01"
periods = 6
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "A"
units = 10
innovation = 0.01
imitation = 0.1
annual_value = 100.0
term = 2
[[event]]
at = 1
until = 4
agency = "A"
add = { innovation = 0.05, annual_value = 50.0 }
[[event]]
at = 2
agency = "A"
set = { innovation = 0.2 }
"#;
        let s = parse(text, Path::new("until.toml")).unwrap();
        let mut m = Market::draw(&s, &mut ChaCha8Rng::seed_from_u64(1));
        m.apply_events(&s, 1);
        assert_eq!(
            (m.innovation[0], m.annual_value[0]),
            (0.060000000000000005, 150.0)
        );
        m.apply_events(&s, 2);
        let fired = m.apply_events(&s, 4);
        assert!(fired.any && fired.prices);
        assert_eq!((m.innovation[0], m.annual_value[0]), (0.2, 100.0));
        assert!(!m.apply_events(&s, 5).any);
    }
}

#[cfg(test)]
mod common_random_numbers {
    use std::path::Path;

    use super::Market;
    use crate::engine::run_rng;
    use crate::scenario::parse;

    const BASE: &str = r#"
start = "2026-01"
periods = 12
tiers = ["u", "s"]
[choice]
quality = { uniform = [0, 2] }
[[vendor]]
name = "A"
brand = { uniform = [0, 1] }
access = { u = 1.0, s = { beta = [2, 3] } }
attributes = { quality = { normal = [0.5, 0.2] } }
[[vendor]]
name = "B"
brand = { uniform = [0, 1] }
access = { u = 1.0 }
[[agency]]
name = "X"
units = 10
innovation = { triangular = [0.01, 0.02, 0.05] }
imitation = 0.1
term = 2
choice = { brand = { pert = [1, 2, 3] } }
[[event]]
at = 3
vendor = "A"
set = { "access.s" = { uniform = [0.5, 1] } }
add = { brand = { normal = [0.1, 0.05] } }
[[event]]
at = 6
vendor = "B"
add = { brand = { uniform = [0, 0.2] } }
"#;

    fn market(text: &str, run: u64) -> Market {
        let s = parse(text, Path::new("crn.toml")).expect("valid scenario");
        Market::draw(&s, &mut run_rng(7, run))
    }

    /// A variant that adds a vendor and an uncertain weight before the
    /// others and removes the first event draws, in every run, the same
    /// value for every number it shares with the base scenario.
    #[test]
    fn shared_numbers_get_the_same_draw_in_a_variant() {
        let variant = BASE
            .replace(
                "[[vendor]]\nname = \"A\"",
                "[[vendor]]\nname = \"New\"\nbrand = { uniform = [0, 1] }\naccess = { u = { uniform = [0, 1] } }\nattributes = { speed = 1 }\n[[vendor]]\nname = \"A\"",
            )
            .replace("[choice]\n", "[choice]\nspeed = { normal = [0, 1] }\n")
            .replace(
                "[[event]]\nat = 3\nvendor = \"A\"\nset = { \"access.s\" = { uniform = [0.5, 1] } }\nadd = { brand = { normal = [0.1, 0.05] } }\n",
                "",
            );
        assert_ne!(variant, BASE);
        for run in 0..50 {
            let (b, v) = (market(BASE, run), market(&variant, run));
            // Vendors A and B are 0 and 1 in the base, 1 and 2 in the variant.
            assert_eq!(b.brand[..], v.brand[1..]);
            assert_eq!(b.access[..], v.access[2..]);
            assert_eq!(b.innovation, v.innovation);
            // Weights: brand, access, incumbency, quality; the variant adds speed.
            assert_eq!(b.weights[..4], v.weights[..4]);
            // The base's second event is the variant's only one.
            assert_eq!(b.event_values[1], v.event_values[0]);
            // Attribute 'quality' of A: base [A quality, B quality],
            // variant [New quality, New speed, A quality, A speed, ...].
            assert_eq!(b.attributes[0], v.attributes[2]);
        }
    }

    /// Numbers built through the library carry no key; they are drawn in
    /// order, each from its own stretch, so two of them with the same
    /// distribution still differ (they would be equal if they shared a
    /// sub-stream) and are uncorrelated with each other.
    #[test]
    fn numbers_built_without_a_key_are_independent_too() {
        use crate::scenario::{DistSpec, Param, Range};
        let mut s = parse(BASE, Path::new("crn.toml")).expect("valid scenario");
        let uniform = DistSpec::new("uniform", &[0.0, 1.0]).expect("valid distribution");
        for v in &mut s.vendors {
            v.brand = Param::drawn(uniform, Range::UNIT);
            assert_eq!(v.brand.stream(), None);
        }
        let n = 2000;
        let pairs: Vec<(f64, f64)> = (0..n)
            .map(|run| {
                let m = Market::draw(&s, &mut run_rng(7, run));
                (m.brand[0], m.brand[1])
            })
            .collect();
        assert!(pairs.iter().all(|(a, b)| a != b));
        let (ma, mb) = (
            pairs.iter().map(|p| p.0).sum::<f64>() / n as f64,
            pairs.iter().map(|p| p.1).sum::<f64>() / n as f64,
        );
        let cov: f64 = pairs.iter().map(|(a, b)| (a - ma) * (b - mb)).sum();
        let r = cov / (n as f64 - 1.0) / (1.0 / 12.0);
        assert!(r.abs() < 5.0 / (n as f64).sqrt(), "correlation {r}");
    }

    /// Numbers with the same distribution are still independent: two
    /// vendors' brands drawn from U(0, 1) differ in every run and are
    /// uncorrelated. Under independence the sample correlation of n pairs
    /// has standard error 1/sqrt(n); the bound is 5 of them.
    #[test]
    fn numbers_with_the_same_distribution_are_independent() {
        let n = 4000;
        let pairs: Vec<(f64, f64)> = (0..n)
            .map(|run| {
                let m = market(BASE, run);
                (m.brand[0], m.brand[1])
            })
            .collect();
        assert!(pairs.iter().all(|(a, b)| a != b));
        let mean = |f: fn(&(f64, f64)) -> f64| pairs.iter().map(f).sum::<f64>() / n as f64;
        let (ma, mb) = (mean(|p| p.0), mean(|p| p.1));
        let cov = pairs.iter().map(|(a, b)| (a - ma) * (b - mb)).sum::<f64>();
        let var = |m: f64, f: fn(&(f64, f64)) -> f64| {
            pairs.iter().map(|p| (f(p) - m).powi(2)).sum::<f64>()
        };
        let r = cov / (var(ma, |p| p.0) * var(mb, |p| p.1)).sqrt();
        assert!(r.abs() < 5.0 / (n as f64).sqrt(), "correlation {r}");
        // And each is still U(0, 1): mean 1/2 with standard error sqrt(1/12 / n).
        let se = (1.0 / 12.0 / n as f64).sqrt();
        assert!((ma - 0.5).abs() < 5.0 * se && (mb - 0.5).abs() < 5.0 * se);
    }
}
