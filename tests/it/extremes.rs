//! Numerical extremes: results stay finite and correct, or the scenario is
//! rejected with a reason.

use sharecast::engine::{Dims, EngineKind};
use sharecast::measures::{AdoptionMeasure, Scope};

use crate::common::{ENGINES, scenario, share, sharecast, simulate};

fn two_vendors(weights: &str, extra_agency: &str) -> String {
    format!(
        r#"
start = "2026-01"
periods = 6
[choice]
{weights}
[[vendor]]
name = "Strong"
brand = 1.0
access = {{ unclassified = 1.0 }}
[[vendor]]
name = "Weak"
brand = 0.0
access = {{ unclassified = 1.0 }}
[[agency]]
name = "X"
units = 500
innovation = 1.0
imitation = 0.0
term = 1
{extra_agency}
"#
    )
}

/// A market with one vendor, "A", serving the default tier, and `agencies`.
fn one_vendor(periods: u32, agencies: &str) -> String {
    format!(
        "start = \"2026-01\"\nperiods = {periods}\n[[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n{agencies}"
    )
}

#[test]
fn utilities_of_a_million_neither_overflow_nor_lose_the_winner() {
    for (weight, winner, loser) in [("brand = 1e6", 0, "Weak"), ("brand = -1e6", 1, "Strong")] {
        let weights = format!("{weight}\naccess = 1e6\nincumbency = 0");
        // New adopters choose at once (innovation 1) ...
        let adoption = scenario(&two_vendors(&weights, ""));
        // ... and, with adoption blocked by full caution, contracts of the
        // loser that end in period 0 are re-competed in period 1.
        let recompetition = scenario(&two_vendors(
            &weights,
            &format!(
                "caution = 1.0\n[[agency.initial]]\nvendor = \"{loser}\"\nunits = 100\nremaining = 1"
            ),
        ));
        for s in [&adoption, &recompetition] {
            let (_, p) = simulate(s, 1, 20, EngineKind::Counts);
            for row in &p.shares {
                if let Some(sum) = row.summary {
                    assert!(sum.mean.is_finite() && sum.percentiles.iter().all(|x| x.is_finite()));
                }
            }
            let top = share(&p, 5, Scope::All, winner).expect("contracts exist in period 5");
            assert_eq!(
                (top.mean, top.percentiles[0]),
                (1.0, 1.0),
                "{weight}: the vendor with a utility lead of 1e6 takes everything"
            );
        }
    }
}

#[test]
fn a_huge_incumbency_bonus_keeps_every_incumbent() {
    let text = two_vendors(
        "incumbency = 1e6",
        "[[agency.initial]]\nvendor = \"Weak\"\nunits = 100\nremaining = 1",
    );
    let s = scenario(&text);
    let d = Dims::of(&s);
    for engine in ENGINES {
        let (records, _) = simulate(&s, 2, 20, engine);
        for r in &records {
            // Weak's 100 contracts expire at the end of period 0 and are
            // re-awarded to Weak every period: the bonus of 1e6 dominates.
            for t in 0..6 {
                assert!(
                    r.contracts[d.contract(t, 0, 0, 1)] >= 100,
                    "{engine:?} t={t}"
                );
            }
        }
    }
}

#[test]
fn one_unit_and_one_period() {
    let s = scenario(&one_vendor(
        1,
        "[[agency]]\nname = \"X\"\nunits = 1\ninnovation = 1.0\nimitation = 0.0\nterm = 1\n",
    ));
    let (records, p) = simulate(&s, 1, 50, EngineKind::Counts);
    assert!(records.iter().all(|r| r.contracts == vec![1]));
    let s = share(&p, 0, Scope::All, 0).unwrap();
    assert_eq!((s.runs, s.mean, s.sd), (50, 1.0, Some(0.0)));
}

/// The latest `at` an event may give is accepted and runs (the event never
/// fires), with an `until` after it however late (kept as u32::MAX past
/// it); a later `at` is refused with its line, never saturated into a
/// period its `until` no longer follows.
#[test]
fn the_latest_event_periods_run_and_later_ones_are_refused() {
    let agency =
        "[[agency]]\nname = \"X\"\nunits = 10\ninnovation = 0.5\nimitation = 0.0\nterm = 2\n";
    let event = |at: u64, until: u64| {
        format!(
            "{agency}[[event]]\nat = {at}\nuntil = {until}\nagency = \"X\"\nadd = {{ caution = 0.1 }}\n"
        )
    };
    let plain = scenario(&one_vendor(3, agency));
    for (at, until, kept) in [
        (4_294_967_293, 4_294_967_294, u32::MAX - 1),
        (4_294_967_294, 4_294_967_296, u32::MAX),
        (1, 9_999_999_999, u32::MAX),
    ] {
        let late = scenario(&one_vendor(3, &event(at, until)));
        assert_eq!(late.events[0].until, Some(kept));
        for engine in ENGINES {
            let (with_event, _) = simulate(&late, 5, 20, engine);
            let (without, _) = simulate(&plain, 5, 20, engine);
            // An event from period 1 on changes the runs; one that never
            // fires does not.
            assert_eq!(with_event == without, at > 3, "{engine:?} at {at}");
        }
    }
    let too_late = sharecast::scenario::parse(
        &one_vendor(3, &event(4_294_967_295, 4_294_967_296)),
        std::path::Path::new("late.toml"),
    )
    .expect_err("past the largest period index")
    .to_string();
    assert!(
        too_late.contains(
            "late.toml:14: event 1: at = 4294967295 is past any horizon (a period index is at most 4294967294)"
        ),
        "{too_late}"
    );
    assert!(!too_late.contains("late.toml:15"), "{too_late}");
}

/// A thousand vendors in ten brand classes (0.0 to 0.9, a hundred each),
/// without an incumbency bonus, so every contract in force is a fresh logit
/// choice: class c wins each with probability e^(0.2 c) / sum of e^(0.2 j)
/// (utility 2 brand + 1 access, access 1 for all). Given a run's N
/// contracts, a class's count share is Binomial(N, P_c) / N, so the mean
/// over runs has standard error sqrt(P_c (1 - P_c) sum(1 / N_r)) / runs.
#[test]
fn a_thousand_vendors() {
    let mut text = String::from("start = \"2026-01\"\nperiods = 4\n[choice]\nincumbency = 0.0\n");
    for v in 0..1000 {
        text.push_str(&format!(
            "[[vendor]]\nname = \"V{v}\"\nbrand = {}\naccess = {{ unclassified = 1.0 }}\n",
            f64::from(v % 10) / 10.0
        ));
    }
    text.push_str(
        "[[agency]]\nname = \"X\"\nunits = 5000\ninnovation = 0.5\nimitation = 0.1\nterm = 2\n",
    );
    let s = scenario(&text);
    let runs = 20;
    let (records, p) = simulate(&s, 3, runs, EngineKind::Counts);
    let d = Dims::of(&s);
    let (contracts, at) = (d.contract(3, 0, 0, 0), d.agency_period(3, 0));
    let mut class_shares = [0.0; 10];
    let mut inverse_counts = 0.0;
    for r in &records {
        let held = &r.contracts[contracts..contracts + d.vendors];
        let total: u32 = held.iter().sum();
        assert_eq!(total + r.never[at] + r.waiting[at], 5000);
        inverse_counts += 1.0 / f64::from(total);
        for (v, &c) in held.iter().enumerate() {
            class_shares[v % 10] += f64::from(c) / f64::from(total) / runs as f64;
        }
    }
    // The mean shares of a scope still sum to one.
    let means: Vec<f64> = (0..1000)
        .map(|v| share(&p, 3, Scope::All, v).unwrap().mean)
        .collect();
    assert!((means.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    let weights: Vec<f64> = (0..10).map(|c| (0.2 * f64::from(c)).exp()).collect();
    let total_weight: f64 = weights.iter().sum();
    for (c, (&got, &w)) in class_shares.iter().zip(&weights).enumerate() {
        let expected = w / total_weight;
        let se = (expected * (1.0 - expected) * inverse_counts).sqrt() / runs as f64;
        assert!(
            (got - expected).abs() <= 5.0 * se,
            "brand class {c}: share {got:.5}, expected {expected:.5} within 5 x se {se:.5}"
        );
        // The projection's per-vendor means add up to the same class share.
        let from_means: f64 = (0..100).map(|i| means[i * 10 + c]).sum();
        assert!(
            (from_means - got).abs() < 1e-9,
            "class {c}: {from_means} against {got}"
        );
    }
}

const LONG_TERM_AGENCY: &str = "[[agency]]\nname = \"X\"\nunits = 300\ninnovation = 0.05\nimitation = 0.2\nterm = 1000000\n\
                                [[agency.initial]]\nvendor = \"A\"\nunits = 30\n";

#[test]
fn a_term_longer_than_the_horizon_never_expires() {
    let s = scenario(&one_vendor(
        24,
        &format!("{LONG_TERM_AGENCY}remaining = 1000000\n"),
    ));
    let d = Dims::of(&s);
    let (records, _) = simulate(&s, 4, 30, EngineKind::Counts);
    for r in &records {
        // Nothing ends within 24 periods: contracts only accumulate.
        for t in 1..24 {
            assert!(r.contracts[d.contract(t, 0, 0, 0)] >= r.contracts[d.contract(t - 1, 0, 0, 0)]);
        }
        assert!(r.contracts[d.contract(23, 0, 0, 0)] > 30);
    }
    // With remaining drawn from 1..=term instead (almost all beyond the
    // horizon), every unit is still accounted for in every period.
    let drawn = scenario(&one_vendor(24, LONG_TERM_AGENCY));
    let (records, _) = simulate(&drawn, 4, 30, EngineKind::Counts);
    for r in &records {
        for t in 0..24 {
            let at = d.agency_period(t, 0);
            assert_eq!(
                r.contracts[d.contract(t, 0, 0, 0)] + r.never[at] + r.waiting[at],
                300
            );
        }
        assert!(r.contracts[d.contract(0, 0, 0, 0)] >= 30);
    }
}

#[test]
fn full_caution_stops_adoption_and_an_empty_agency_has_no_statistics() {
    let s = scenario(&one_vendor(
        12,
        "[[agency]]\nname = \"Frozen\"\nunits = 200\ncaution = 1.0\ninnovation = 1.0\nimitation = 1.0\nterm = 6\n\
         [[agency]]\nname = \"Empty\"\nunits = 0\ninnovation = 0.1\nimitation = 0.1\nterm = 6\n",
    ));
    let (_, p) = simulate(&s, 5, 20, EngineKind::Counts);
    for row in &p.adoption {
        match (row.agency, row.measure) {
            (Some(1), _) => assert_eq!(
                row.summary, None,
                "an agency without units has no adoption statistics"
            ),
            (_, AdoptionMeasure::UnderContract) => assert_eq!(row.summary.unwrap().mean, 0.0),
            _ => {}
        }
    }
    // No contract anywhere: every share is undefined, revenue is zero.
    assert!(p.shares.iter().all(|r| r.summary.is_none()));
    assert!(p.revenue.iter().all(|r| r.summary.unwrap().mean == 0.0));
}

#[test]
fn an_unbounded_imitation_adds_nothing_while_nobody_is_under_contract() {
    // Two adds of 1e308 take imitation to infinity; with no innovation and
    // no initial contract the hazard p + q F stays 0 for ever.
    let s = scenario(&one_vendor(
        6,
        "[[agency]]\nname = \"A\"\nunits = 100\ninnovation = 0.0\nimitation = 1e308\nterm = 3\n\
         [[event]]\nat = \"2026-01\"\nagency = \"A\"\nadd = { imitation = 1e308 }\n",
    ));
    for engine in ENGINES {
        let (records, _) = simulate(&s, 3, 20, engine);
        for r in &records {
            assert!(
                r.contracts.iter().all(|&c| c == 0),
                "{engine:?}: nobody adopts"
            );
        }
    }
}

#[test]
fn full_caution_stops_adoption_even_at_an_unbounded_rate() {
    // An initial contract makes F > 0, and two adds of 1e308 take
    // innovation to infinity in period 1; full caution must still win.
    let s = scenario(&one_vendor(
        4,
        "[[agency]]\nname = \"A\"\nunits = 100\ncaution = 1.0\ninnovation = 1e308\nimitation = 1.0\nterm = 10\n\
         [[agency.initial]]\nvendor = \"A\"\nunits = 10\nremaining = 10\n\
         [[event]]\nat = \"2026-02\"\nagency = \"A\"\nadd = { innovation = 1e308 }\n",
    ));
    for engine in ENGINES {
        let (records, _) = simulate(&s, 3, 20, engine);
        for r in &records {
            assert!(
                r.contracts.iter().all(|&c| c == 10),
                "{engine:?}: only the initial contracts, {:?}",
                r.contracts
            );
        }
    }
}

#[test]
fn the_largest_values_still_print_as_plain_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("big.toml");
    std::fs::write(
        &path,
        r#"
start = "2026-01"
periods = 3
step = "year"
[[vendor]]
name = "A"
brand = 1.0
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 4000000000
innovation = 1.0
imitation = 1.0
term = 1
annual_value = 1e15
"#,
    )
    .unwrap();
    let o = sharecast(
        tmp.path(),
        &["run", "big.toml", "--runs", "3", "--out", "o", "--quiet"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let revenue = std::fs::read_to_string(tmp.path().join("o/revenue.csv")).unwrap();
    // 4e9 contracts x 1e15 dollars x 3 years = 1.2e25, written in full
    // (the nearest double, digit by digit), never with an exponent.
    let last = revenue.lines().last().unwrap();
    assert!(
        last.starts_with("2,2028-01-01,A,cumulative_revenue,3,"),
        "{last}"
    );
    let mean = last.split(',').nth(5).unwrap();
    assert!(
        mean.bytes().all(|b| b.is_ascii_digit() || b == b'.'),
        "{mean}"
    );
    assert!(
        (mean.parse::<f64>().unwrap() / 1.2e25 - 1.0).abs() < 1e-12,
        "{mean}"
    );
}
