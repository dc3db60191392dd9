//! Property-based tests: random valid scenarios must simulate with every
//! model invariant intact, and random corruptions of valid scenarios must
//! end in a clean acceptance or a clean rejection, never a panic, a hang or
//! output written for a rejected file.

use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use sharecast::engine::{Dims, EngineKind, simulate_all};
use sharecast::export;
use sharecast::measures::{RevenueMeasure, project};
use sharecast::scenario::{Field, Scenario, Target, parse};

use crate::common::{assert_no_panic, binary, earlier_results, snapshot, wait_with_deadline};

/// Cases per property: enough to reach the corners, few enough for CI.
const CASES: u32 = 256;
/// Cases for the properties that start a process per case.
const PROCESS_CASES: u32 = 48;

fn number(x: f64) -> String {
    format!("{x:?}")
}

/// A value for a field in [lo, hi]: fixed or a distribution of each family
/// (`FAMILIES`).
fn value_in(lo: f64, hi: f64) -> impl Strategy<Value = String> {
    let span = hi - lo;
    prop_oneof![
        (0.0..=1.0f64).prop_map(move |u| number(lo + u * span)),
        (0.0..0.5f64, 0.05..0.5f64).prop_map(move |(a, w)| format!(
            "{{ uniform = [{}, {}] }}",
            number(lo + a * span),
            number(lo + (a + w) * span)
        )),
        (0.0..0.4f64, 0.0..0.3f64, 0.05..0.3f64).prop_map(move |(a, b, c)| {
            let (l, m, h) = (lo + a * span, lo + (a + b) * span, lo + (a + b + c) * span);
            format!(
                "{{ triangular = [{}, {}, {}] }}",
                number(l),
                number(m),
                number(h)
            )
        }),
        (0.0..0.4f64, 0.0..0.3f64, 0.05..0.3f64).prop_map(move |(a, b, c)| {
            let (l, m, h) = (lo + a * span, lo + (a + b) * span, lo + (a + b + c) * span);
            format!("{{ pert = [{}, {}, {}] }}", number(l), number(m), number(h))
        }),
        (0.0..=1.0f64, 0.01..0.5f64).prop_map(move |(m, sd)| format!(
            "{{ normal = [{}, {}] }}",
            number(lo + m * span),
            number(sd * span)
        )),
        (0.5..8.0f64, 0.5..8.0f64).prop_map(|(a, b)| format!(
            "{{ beta = [{}, {}] }}",
            number(a),
            number(b)
        )),
        (-4.0..0.0f64, 0.05..1.0f64).prop_map(|(mu, s)| format!(
            "{{ lognormal = [{}, {}] }}",
            number(mu),
            number(s)
        )),
    ]
}

#[derive(Debug, Clone)]
struct Shape {
    tiers: usize,
    vendors: usize,
    agencies: usize,
}

/// A random valid scenario as TOML text.
fn valid_scenario() -> impl Strategy<Value = String> {
    (1usize..=3, 1usize..=5, 1usize..=3)
        .prop_map(|(tiers, vendors, agencies)| Shape { tiers, vendors, agencies })
        .prop_flat_map(|shape| {
            let tier_names: Vec<String> = (0..shape.tiers).map(|k| format!("t{k}")).collect();
            let vendors = prop::collection::vec(
                (value_in(0.0, 1.0), prop::collection::vec(prop::option::weighted(0.7, value_in(0.0, 1.0)), shape.tiers), value_in(-2.0, 2.0)),
                shape.vendors,
            );
            let agencies = prop::collection::vec(
                (
                    0u32..400,
                    prop::collection::vec(0u32..4, shape.tiers),
                    value_in(0.0, 1.0),
                    value_in(0.0, 0.2),
                    value_in(0.0, 0.6),
                    1u32..40,
                    value_in(0.0, 1e7),
                    prop::option::of(value_in(-3.0, 3.0)),
                    prop::option::of((0usize..shape.vendors, 0usize..shape.tiers, 1u32..20, prop::option::of(1u32..50))),
                ),
                shape.agencies,
            );
            let events = prop::collection::vec(
                (
                    0u32..40,
                    prop::bool::ANY,
                    0usize..shape.vendors.max(shape.agencies),
                    0usize..8,
                    0usize..shape.tiers,
                    // For fields in [0, 1] and rates; for weights and
                    // attributes; for contract values.
                    (value_in(0.0, 1.0), value_in(-3.0, 3.0), value_in(0.0, 1e7)),
                    prop::bool::ANY,
                ),
                0..5,
            );
            (
                Just(shape),
                Just(tier_names),
                vendors,
                agencies,
                events,
                1u32..36,
                prop::sample::select(vec!["month", "quarter", "year"]),
                value_in(-1.0, 3.0),
            )
        })
        .prop_map(|(shape, tiers, vendors, agencies, events, periods, step, incumbency)| {
            let mut t = format!(
                "start = \"2026-01\"\nperiods = {periods}\nstep = \"{step}\"\ntiers = [{}]\n[choice]\nincumbency = {incumbency}\nquality = 1.0\n",
                tiers.iter().map(|n| format!("\"{n}\"")).collect::<Vec<_>>().join(", ")
            );
            for (v, (brand, access, quality)) in vendors.iter().enumerate() {
                let access: Vec<String> = access
                    .iter()
                    .enumerate()
                    .filter_map(|(k, a)| a.as_ref().map(|a| format!("{} = {a}", tiers[k])))
                    .collect();
                t.push_str(&format!(
                    "[[vendor]]\nname = \"V{v}\"\nbrand = {brand}\naccess = {{ {} }}\nattributes = {{ quality = {quality} }}\n",
                    access.join(", ")
                ));
            }
            for (a, (units, weights, caution, p, q, term, value, own_incumbency, initial)) in agencies.iter().enumerate() {
                // At least one unit in the scenario.
                let units = if a == 0 { units.max(&1) } else { units };
                let weight_sum: u32 = weights.iter().sum();
                let fractions: Vec<String> = if weight_sum == 0 {
                    vec![format!("{} = 1.0", tiers[0])]
                } else {
                    weights
                        .iter()
                        .enumerate()
                        .map(|(k, w)| format!("{} = {}", tiers[k], number(f64::from(*w) / f64::from(weight_sum))))
                        .collect()
                };
                t.push_str(&format!(
                    "[[agency]]\nname = \"A{a}\"\nunits = {units}\ntiers = {{ {} }}\ncaution = {caution}\ninnovation = {p}\nimitation = {q}\nterm = {term}\nannual_value = {value}\n",
                    fractions.join(", ")
                ));
                if let Some(w) = own_incumbency {
                    t.push_str(&format!("choice = {{ incumbency = {w} }}\n"));
                }
                // An initial contract where it fits and the vendor serves the tier.
                if let Some((v, k, n, remaining)) = initial {
                    let serves = vendors[*v].1[*k].is_some();
                    let room = if weight_sum == 0 {
                        if *k == 0 { *units } else { 0 }
                    } else {
                        // Largest remainder gives at least the floor.
                        (f64::from(*units) * f64::from(weights[*k]) / f64::from(weight_sum)).floor() as u32
                    };
                    let fixed = vendors[*v].1[*k].as_ref().is_some_and(|a| a.parse::<f64>().is_ok_and(|x| x == 0.0));
                    if serves && !fixed && *n < room {
                        t.push_str(&format!("[[agency.initial]]\nvendor = \"V{v}\"\ntier = \"{}\"\nunits = {n}\n", tiers[*k]));
                        if let Some(r) = remaining {
                            t.push_str(&format!("remaining = {}\n", r.min(term)));
                        }
                    }
                }
            }
            // Every key an event can change (docs/scenario-reference.md,
            // section 7), each with values from its own range.
            for (at, on_vendor, who, key, tier, (unit, weight, money), add) in &events {
                let verb = if *add { "add" } else { "set" };
                if *on_vendor && *who < shape.vendors {
                    let (key, value) = match key % 3 {
                        0 => ("\"brand\"".to_string(), unit),
                        1 => (format!("\"access.{}\"", tiers[*tier]), unit),
                        _ => ("\"attributes.quality\"".to_string(), weight),
                    };
                    t.push_str(&format!("[[event]]\nat = {at}\nvendor = \"V{who}\"\n{verb} = {{ {key} = {value} }}\n"));
                } else {
                    let target = if *who < shape.agencies { format!("A{who}") } else { "*".to_string() };
                    let key = ["caution", "innovation", "imitation", "annual_value", "choice.incumbency", "choice.brand", "choice.access", "choice.quality"][*key];
                    let value = if key.starts_with("choice") {
                        weight
                    } else if key == "annual_value" {
                        money
                    } else {
                        unit
                    };
                    t.push_str(&format!("[[event]]\nat = {at}\nagency = \"{target}\"\n{verb} = {{ \"{key}\" = {value} }}\n"));
                }
            }
            t
        })
}

/// Tiers that no vendor can ever serve: no declared access and no event
/// that touches access there.
fn unserved_tiers(s: &Scenario) -> Vec<usize> {
    (0..s.tiers.len())
        .filter(|&k| {
            s.vendors.iter().all(|v| v.access[k].is_none())
                && !s
                    .events
                    .iter()
                    .any(|e| e.changes.iter().any(|c| c.field == Field::Access(k)))
        })
        .collect()
}

/// Whether vendor `v` can never serve tier `k`: no access there that any
/// run can draw above 0, and no event that changes its access there. Such a
/// vendor must never hold a contract at that tier.
fn never_serves(s: &Scenario, v: usize, k: usize) -> bool {
    s.vendors[v].access[k]
        .as_ref()
        .is_none_or(|a| a.max_value() <= 0.0)
        && !s.events.iter().any(|e| {
            e.target == Target::Vendor(v) && e.changes.iter().any(|c| c.field == Field::Access(k))
        })
}

/// Every invariant of the model on every run and period, in both engines.
fn check_invariants(s: &Scenario, runs: u64) -> Result<(), TestCaseError> {
    prop_assert_eq!(s.verify(), Ok(()));
    for engine in [EngineKind::Counts, EngineKind::Units] {
        check_invariants_of(s, runs, engine)?;
    }
    Ok(())
}

fn check_invariants_of(s: &Scenario, runs: u64, engine: EngineKind) -> Result<(), TestCaseError> {
    let d = Dims::of(s);
    let records = simulate_all(s, 9, 0..runs, engine);
    let unserved = unserved_tiers(s);
    let gated: Vec<(usize, usize)> = (0..d.vendors)
        .flat_map(|v| (0..d.tiers).map(move |k| (v, k)))
        .filter(|&(v, k)| never_serves(s, v, k))
        .collect();
    for r in &records {
        for t in 0..d.periods {
            for (a, agency) in s.agencies.iter().enumerate() {
                let mut agency_contracts = 0;
                for k in 0..d.tiers {
                    let base = d.contract(t, a, k, 0);
                    let contracts: u64 = r.contracts[base..base + d.vendors]
                        .iter()
                        .map(|&c| u64::from(c))
                        .sum();
                    prop_assert!(
                        contracts <= u64::from(agency.units_by_tier[k]),
                        "t {} agency {} tier {}: {} contracts",
                        t,
                        a,
                        k,
                        contracts
                    );
                    if unserved.contains(&k) {
                        prop_assert_eq!(
                            contracts,
                            0,
                            "{:?}: a tier nobody serves holds contracts",
                            engine
                        );
                    }
                    agency_contracts += contracts;
                }
                for &(v, k) in &gated {
                    let held = r.contracts[d.contract(t, a, k, v)];
                    prop_assert_eq!(
                        held,
                        0,
                        "{:?} t {} agency {}: vendor {} holds contracts at tier {}, which it never serves",
                        engine,
                        t,
                        a,
                        v,
                        k
                    );
                }
                let at = d.agency_period(t, a);
                let accounted =
                    u64::from(r.never[at]) + agency_contracts + u64::from(r.waiting[at]);
                prop_assert_eq!(accounted, u64::from(agency.units), "t {} agency {}", t, a);
                let value = r.annual_value[t * d.agencies + a];
                prop_assert!(value.is_finite() && value >= 0.0);
            }
        }
    }
    let p = project(s, &records);
    let mut sums = std::collections::BTreeMap::<(usize, String, String), f64>::new();
    for row in &p.shares {
        if let Some(sum) = row.summary {
            prop_assert!(
                sum.percentiles
                    .iter()
                    .chain([sum.mean].iter())
                    .all(|x| (0.0..=1.0).contains(x))
            );
            *sums
                .entry((
                    row.period,
                    format!("{:?}", row.scope),
                    format!("{:?}", row.metric),
                ))
                .or_default() += sum.mean;
        }
    }
    for (key, sum) in sums {
        prop_assert!((sum - 1.0).abs() < 1e-9, "{:?} sums to {}", key, sum);
    }
    for row in &p.revenue {
        let sum = row.summary.expect("revenue is always defined");
        prop_assert!(sum.mean >= 0.0 && sum.percentiles[0] >= 0.0 && sum.mean.is_finite());
    }
    // Run by run, cumulative revenue cannot fall because every period's
    // revenue is counts x non-negative values (checked above); here the
    // means of the cumulative paths are checked as well.
    for v in 0..d.vendors {
        let path: Vec<f64> = p
            .revenue
            .iter()
            .filter(|r| r.vendor == v && r.measure == RevenueMeasure::CumulativeRevenue)
            .map(|r| r.summary.unwrap().mean)
            .collect();
        prop_assert!(path.windows(2).all(|w| w[1] >= w[0]));
    }
    for row in &p.adoption {
        if let Some(sum) = row.summary {
            prop_assert!((0.0..=1.0).contains(&sum.mean));
        }
    }
    // The exporters accept whatever the statistics produce.
    let csv = export::shares_csv(s, &p);
    prop_assert!(!String::from_utf8(csv).unwrap().contains("NaN"));
    Ok(())
}

/// One way to corrupt a scenario's text.
#[derive(Debug, Clone)]
enum Mutation {
    DeleteToken(usize),
    DuplicateToken(usize),
    ReplaceToken(usize, &'static str),
    Number(usize, &'static str),
    Bytes(usize, Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let replacement = prop::sample::select(vec![
        "=",
        "[",
        "]",
        "{",
        "}",
        "\"",
        ",",
        "[[vendor]]",
        "[[agency]]",
        "x",
        "-",
        ".",
    ]);
    let numbers = prop::sample::select(vec![
        "1e308",
        "-1",
        "-1e9",
        "nan",
        "inf",
        "-inf",
        "0",
        "4294967296",
        "99999999999",
        "0.5",
        "1e-320",
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteToken),
        any::<usize>().prop_map(Mutation::DuplicateToken),
        (any::<usize>(), replacement).prop_map(|(i, r)| Mutation::ReplaceToken(i, r)),
        (any::<usize>(), numbers).prop_map(|(i, n)| Mutation::Number(i, n)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Bytes(i, b)),
    ]
}

/// Applies a mutation to whitespace-separated tokens (or bytes).
fn mutate(text: &str, m: &Mutation) -> Vec<u8> {
    let tokens: Vec<&str> = text.split_inclusive(char::is_whitespace).collect();
    let pick = |i: usize| i % tokens.len();
    let numbers: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].trim().parse::<f64>().is_ok())
        .collect();
    let mut out: Vec<String> = tokens.iter().map(|s| s.to_string()).collect();
    match m {
        Mutation::DeleteToken(i) => {
            out.remove(pick(*i));
        }
        Mutation::DuplicateToken(i) => {
            let j = pick(*i);
            out.insert(j, out[j].clone());
        }
        Mutation::ReplaceToken(i, r) => out[pick(*i)] = format!("{r} "),
        Mutation::Number(i, n) if !numbers.is_empty() => {
            out[numbers[i % numbers.len()]] = format!("{n}\n")
        }
        Mutation::Number(..) => {}
        Mutation::Bytes(i, bytes) => {
            let mut raw = out.concat().into_bytes();
            let at = i % raw.len();
            raw.splice(at..at, bytes.iter().copied());
            return raw;
        }
    }
    out.concat().into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_scenarios_keep_every_invariant(text in valid_scenario()) {
        let s = parse(&text, Path::new("random.toml")).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        check_invariants(&s, 3)?;
    }

    #[test]
    fn corrupted_scenarios_are_accepted_or_rejected_cleanly(text in valid_scenario(), m in mutation()) {
        let bytes = mutate(&text, &m);
        let Ok(text) = String::from_utf8(bytes) else { return Ok(()) };
        // In process: parsing never panics; what it accepts simulates,
        // keeps the invariants and exports.
        if let Ok(s) = parse(&text, Path::new("mutated.toml")) {
            check_invariants(&s, 2)?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: PROCESS_CASES, ..ProptestConfig::default() })]

    /// Through the binary: exit 0 or 2 with a message, in bounded time, and
    /// a rejected file leaves the output folder as it was.
    #[test]
    fn the_binary_exits_0_or_2_and_writes_nothing_for_a_rejected_file(text in valid_scenario(), m in mutation()) {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("s.toml"), mutate(&text, &m)).unwrap();
        let out = tmp.path().join("out");
        let before = earlier_results(&out);
        let mut child = std::process::Command::new(binary())
            .args(["run", "s.toml", "--runs", "2", "--out", "out", "--quiet"])
            .current_dir(tmp.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let Some(status) = wait_with_deadline(&mut child, Instant::now(), Duration::from_secs(60)) else {
            return Err(TestCaseError::fail("hung for 60 s"));
        };
        let stderr = std::io::read_to_string(child.stderr.take().unwrap()).unwrap();
        assert_no_panic(&stderr);
        match status.code() {
            Some(0) => {}
            Some(2) => {
                // The warnings the file also draws, then the error.
                let first = stderr.lines().find(|l| !l.starts_with("warning: ")).unwrap_or("");
                prop_assert!(first.starts_with("error: "), "{}", stderr);
                prop_assert_eq!(snapshot(&out), before, "a rejected scenario changed the output folder");
            }
            other => return Err(TestCaseError::fail(format!("exit {other:?}: {stderr}"))),
        }
    }
}
