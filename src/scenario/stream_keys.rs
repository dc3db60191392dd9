//! Stable names for a scenario's uncertain numbers, so that two variants of
//! a scenario draw the same value for every uncertain number they share.
//!
//! Analysts compare a baseline with a counterfactual run under the same seed
//! ("what if the AWS deal had not happened?"). If the uncertain numbers were
//! drawn one after another from a single stream, removing one event would
//! shift every later draw, and run i of the two scenarios would differ in
//! every parameter for reasons unrelated to the change. Instead every drawn
//! number reads its own sub-stream of the run, chosen by a hash of *what*
//! the number is ("vendor OpenAI, brand"; "the event of period 2 on vendor
//! OpenAI that sets access at tier secret"), not of where it sits in the
//! file. Numbers the two scenarios share then take the same value in run i of
//! both (common random numbers), and both runs follow the same path until a
//! difference between the scenarios takes effect.
//!
//! The hash is FNV-1a over length-prefixed parts, fixed here forever: a key
//! is part of what a seed means.

use std::collections::{HashMap, HashSet};

use super::{Field, Op, Param, Scenario, Target, W_FIRST_ATTRIBUTE};

/// Sub-stream keys of uncertain numbers are this many bits wide (see
/// `engine::parameter_rng`).
pub const STREAM_KEY_BITS: u32 = 43;
/// Sub-stream keys of initial contract blocks are this many bits wide (see
/// `engine::initial_block_rng`).
pub const INITIAL_KEY_BITS: u32 = 32;

/// The keys of `bits` bits handed out so far; two identities whose hashes
/// collide (about one chance in 10^9 for a hundred drawn numbers) still get
/// distinct keys, the later one the next free key.
struct Keys {
    bits: u32,
    used: HashSet<u64>,
}

impl Keys {
    fn new(bits: u32) -> Keys {
        Keys {
            bits,
            used: HashSet::new(),
        }
    }

    fn of(&mut self, parts: &[&str]) -> u64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for part in parts {
            let length = (part.len() as u64).to_le_bytes();
            for &byte in length.iter().chain(part.as_bytes()) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        // The high bits of FNV-1a are the well-mixed ones.
        let mask = (1u64 << self.bits) - 1;
        let mut key = hash >> (64 - self.bits);
        while !self.used.insert(key) {
            key = (key + 1) & mask;
        }
        key
    }
}

/// The names that make up identities, copied so that the scenario's numbers
/// can be keyed while it is borrowed mutably. A weight beyond the
/// attributes has no name (`None`): only a scenario built in code can have
/// one, and [`Scenario::verify`] reports it.
struct Names {
    tiers: Vec<String>,
    attributes: Vec<String>,
    weights: Vec<Option<String>>,
    vendors: Vec<String>,
    agencies: Vec<String>,
}

impl Names {
    fn of(s: &Scenario) -> Names {
        Names {
            tiers: s.tiers.clone(),
            attributes: s.attributes.clone(),
            weights: (0..s.weights.len())
                .map(|w| {
                    (w < W_FIRST_ATTRIBUTE + s.attributes.len())
                        .then(|| s.weight_name(w).to_string())
                })
                .collect(),
            vendors: s.vendors.iter().map(|v| v.name.clone()).collect(),
            agencies: s.agencies.iter().map(|a| a.name.clone()).collect(),
        }
    }

    /// The identity of field `field` as parts: `["access", "secret"]`;
    /// `None` for a field past the scenario's tiers, attributes or weights
    /// (left for [`Scenario::verify`] to report).
    fn field(&self, field: Field) -> Option<Vec<&str>> {
        Some(match field {
            Field::Brand => vec!["brand"],
            Field::Access(k) => vec!["access", self.tiers.get(k)?],
            Field::Attribute(j) => vec!["attributes", self.attributes.get(j)?],
            Field::Caution => vec!["caution"],
            Field::Innovation => vec!["innovation"],
            Field::Imitation => vec!["imitation"],
            Field::AnnualValue => vec!["annual_value"],
            Field::Weight(w) => vec!["choice", self.weights.get(w)?.as_deref()?],
        })
    }
}

/// Gives every number of `s` its sub-stream key. Fixed and absent numbers
/// are keyed too (unused), so that the keys of drawn numbers do not depend
/// on which others are drawn. A number that refers to a tier, vendor,
/// agency, attribute or weight the scenario does not have (which only a
/// scenario built in code can) keeps its key, for [`Scenario::verify`] to
/// report.
pub fn assign(s: &mut Scenario) {
    let names = Names::of(s);
    let mut keys = Keys::new(STREAM_KEY_BITS);
    let mut key = |p: Option<&mut Param>, parts: &[&str]| {
        let key = keys.of(parts);
        if let Some(p) = p {
            p.set_stream(key);
        }
    };
    for (p, w) in s.weights.iter_mut().zip(&names.weights) {
        if let Some(w) = w {
            key(Some(p), &["choice", w]);
        }
    }
    for v in &mut s.vendors {
        key(Some(&mut v.brand), &["vendor", &v.name, "brand"]);
        for (p, tier) in v.access.iter_mut().zip(&names.tiers) {
            key(p.as_mut(), &["vendor", &v.name, "access", tier]);
        }
        for (p, attribute) in v.attributes.iter_mut().zip(&names.attributes) {
            key(p.as_mut(), &["vendor", &v.name, "attributes", attribute]);
        }
    }
    for a in &mut s.agencies {
        for (p, field) in [
            (&mut a.caution, "caution"),
            (&mut a.innovation, "innovation"),
            (&mut a.imitation, "imitation"),
            (&mut a.annual_value, "annual_value"),
        ] {
            key(Some(p), &["agency", &a.name, field]);
        }
        for (p, w) in a.choice.iter_mut().zip(&names.weights) {
            if let Some(w) = w {
                key(p.as_mut(), &["agency", &a.name, "choice", w]);
            }
        }
    }
    // An event's change is named by its period (the file's, for an event a
    // sweep moves), target, verb and field, and by how many earlier changes
    // share all four (a scenario may repeat one).
    // Counted in maps, so a file of many thousand events is keyed in
    // linear time.
    let mut seen: HashMap<Vec<String>, usize> = HashMap::new();
    for e in &mut s.events {
        let period = e.keyed_period.to_string();
        let mut target: Vec<&str> = vec!["event", &period];
        match e.target {
            Target::Vendor(v) => match names.vendors.get(v) {
                Some(name) => target.extend(["vendor", name.as_str()]),
                None => continue,
            },
            Target::Agency(a) => match names.agencies.get(a) {
                Some(name) => target.extend(["agency", name.as_str()]),
                None => continue,
            },
            Target::AllAgencies => target.push("every agency"),
        }
        for c in &mut e.changes {
            let Some(field) = names.field(c.field) else {
                continue;
            };
            let mut parts = target.clone();
            parts.push(match c.op {
                Op::Set => "set",
                Op::Add => "add",
            });
            parts.extend(field);
            let identity: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
            let earlier = seen.entry(identity).or_insert(0);
            let repeat = earlier.to_string();
            *earlier += 1;
            parts.push(&repeat);
            key(Some(&mut c.value), &parts);
        }
    }

    // An initial block is named by its agency, tier and vendor, and by how
    // many earlier blocks of the agency share both.
    let mut blocks = Keys::new(INITIAL_KEY_BITS);
    for a in &mut s.agencies {
        let mut seen: HashMap<(usize, usize), usize> = HashMap::new();
        for c in &mut a.initial {
            let (Some(tier), Some(vendor)) = (names.tiers.get(c.tier), names.vendors.get(c.vendor))
            else {
                continue;
            };
            let earlier = seen.entry((c.tier, c.vendor)).or_insert(0);
            let repeat = *earlier;
            *earlier += 1;
            c.stream = blocks.of(&["initial", &a.name, tier, vendor, &repeat.to_string()]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{INITIAL_KEY_BITS, Keys, STREAM_KEY_BITS};
    use crate::scenario::parse;
    use std::path::Path;

    /// A change or an initial block that repeats an earlier one is keyed by
    /// how many earlier ones it repeats, not by where a collision left it:
    /// the third of three equal changes has the key of its identity with
    /// "2", whatever comes between.
    #[test]
    fn repeats_are_keyed_by_how_many_came_before() {
        let mut text = String::from(
            "start = \"2026-01\"\nperiods = 12\nstep = \"month\"\ntiers = [\"unclassified\"]\n\
             [choice]\nbrand = 1.0\n\
             [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
             [[agency]]\nname = \"Ag\"\nunits = 100\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n",
        );
        for _ in 0..3 {
            text.push_str(
                "[[agency.initial]]\nvendor = \"A\"\ntier = \"unclassified\"\nunits = 5\n",
            );
        }
        for at in [3, 5, 3, 3] {
            text.push_str(&format!(
                "[[event]]\nat = {at}\nvendor = \"A\"\nadd = {{ brand = {{ normal = [0, 0.01] }} }}\n"
            ));
        }
        let s = parse(&text, Path::new("repeats.toml")).expect("a valid scenario");
        let change = |i: usize| s.events[i].changes[0].value.stream();
        let expected = |repeat: &str| {
            Keys::new(STREAM_KEY_BITS).of(&["event", "3", "vendor", "A", "add", "brand", repeat])
        };
        assert_eq!(change(0), Some(expected("0")));
        assert_eq!(change(2), Some(expected("1")));
        assert_eq!(change(3), Some(expected("2")));
        for (i, c) in s.agencies[0].initial.iter().enumerate() {
            let repeat = i.to_string();
            let expected =
                Keys::new(INITIAL_KEY_BITS).of(&["initial", "Ag", "unclassified", "A", &repeat]);
            assert_eq!(c.stream, expected, "block {i}");
        }
    }

    /// An initial block counts only the earlier blocks of its agency with
    /// both its tier and its vendor: blocks of one vendor in two tiers are
    /// each the first of their kind.
    #[test]
    fn an_initial_block_counts_the_earlier_blocks_of_its_tier_and_vendor_only() {
        let mut text = String::from(
            "start = \"2026-01\"\nperiods = 12\ntiers = [\"unclassified\", \"secret\"]\n\
             [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0, secret = 1.0 }\n\
             [[agency]]\nname = \"Ag\"\nunits = 100\ntiers = { unclassified = 0.5, secret = 0.5 }\n\
             term = 12\ninnovation = 0.01\nimitation = 0.1\n",
        );
        for tier in ["secret", "unclassified", "secret"] {
            text.push_str(&format!(
                "[[agency.initial]]\nvendor = \"A\"\ntier = \"{tier}\"\nunits = 5\n"
            ));
        }
        let s = parse(&text, Path::new("blocks.toml")).expect("a valid scenario");
        let mut keys = Keys::new(INITIAL_KEY_BITS);
        for (c, (tier, repeat)) in s.agencies[0].initial.iter().zip([
            ("secret", "0"),
            ("unclassified", "0"),
            ("secret", "1"),
        ]) {
            assert_eq!(
                c.stream,
                keys.of(&["initial", "Ag", tier, "A", repeat]),
                "{tier} {repeat}"
            );
        }
    }

    /// A change of an agency's choice weight is named by `choice` and the
    /// weight, as a file writes it.
    #[test]
    fn a_change_of_a_choice_weight_is_keyed_by_choice_and_the_weight() {
        let text = "start = \"2026-01\"\nperiods = 12\n\
             [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 1.0 }\n\
             [[agency]]\nname = \"Ag\"\nunits = 100\nterm = 12\ninnovation = 0.01\nimitation = 0.1\n\
             [[event]]\nat = 3\nagency = \"Ag\"\nadd = { choice = { brand = { normal = [0, 0.01] } } }\n";
        let s = parse(text, Path::new("weight.toml")).expect("a valid scenario");
        let expected = Keys::new(STREAM_KEY_BITS)
            .of(&["event", "3", "agency", "Ag", "add", "choice", "brand", "0"]);
        assert_eq!(s.events[0].changes[0].value.stream(), Some(expected));
    }

    #[test]
    fn parts_are_length_prefixed_and_colliding_keys_move_on() {
        let mut keys = Keys::new(STREAM_KEY_BITS);
        let a = keys.of(&["ab", "c"]);
        let b = keys.of(&["a", "bc"]);
        assert_ne!(a, b);
        // The same identity again: the next free key, never a shared one.
        let again = keys.of(&["ab", "c"]);
        assert_eq!(again, a + 1);
    }
}
