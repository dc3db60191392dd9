//! The model against closed forms. Each test uses a fixed seed and a
//! tolerance of a few standard errors, in closed form where the model gives
//! one (a binomial share) and otherwise computed from the runs themselves,
//! so a correct model passes (the seed is fixed, so it passes every time)
//! and a wrong one cannot hide inside a loose bound.

use sharecast::engine::{Dims, EngineKind};
use sharecast::measures::{AdoptionMeasure, RevenueMeasure, Scope, ShareMetric};

use crate::common::{
    ENGINES, adoption, assert_binomial_share, assert_mean_near, assert_mean_within,
    assert_within_se, revenue, scenario, share, share_by, simulate, softmax,
};

/// Five standard errors. This file makes about 360 checks, some with a
/// standard error estimated from as few as 40 runs: a correct model passes
/// one with probability at least 1 - 1.3e-5 (Student's t with 39 degrees
/// of freedom; 1 - 5.7e-7 for large samples), so all of them with
/// probability above 0.995 for any seed, so a change to how random numbers
/// are drawn rarely makes a correct model fail. The errors the
/// tests guard against (a wrong utility, a missing factor) move a mean by
/// tens of standard errors.
const Z: f64 = 5.0;

const LOGIT: &str = r#"
start = "2026-01"
periods = 3
[choice]
brand = 2.0
access = 1.0
incumbency = 0.0
quality = 0.5
speed = -1.0
[[vendor]]
name = "A"
brand = 0.9
access = { unclassified = 1.0 }
attributes = { speed = 0.2, quality = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { unclassified = 0.6 }
attributes = { speed = 0.9 }
[[vendor]]
name = "C"
brand = 0.1
access = { unclassified = 0.3 }
attributes = { quality = -0.4 }
[[agency]]
name = "X"
units = UNITS
innovation = 1.0
imitation = 0.0
term = 1
"#;

/// One agency, one-period contracts, no incumbency: every unit chooses
/// afresh each period, so the mean count share is the softmax of the
/// utilities U = 2 brand + 1 access + 0.5 quality - 1 speed. Two attributes
/// with different weights, written in another order than in [choice] and
/// missing for some vendors, so each weight must meet its own attribute of
/// the right vendor (with one attribute a wrong index or stride is
/// invisible). The spread across runs is checked too, also in a market of
/// 10 units, which the count engine assigns unit by unit.
#[test]
fn logit_shares_equal_softmax_of_utilities() {
    let expected = softmax(&[
        2.0 * 0.9 + 1.0 + 0.5 * 1.0 - 1.0 * 0.2,
        2.0 * 0.5 + 0.6 - 1.0 * 0.9,
        2.0 * 0.1 + 0.3 + 0.5 * -0.4,
    ]);
    for (engine, units, runs) in [
        (EngineKind::Counts, 5000, 400),
        (EngineKind::Counts, 10, 2000),
        (EngineKind::Units, 2000, 200),
    ] {
        let s = scenario(&LOGIT.replace("UNITS", &units.to_string()));
        let (_, p) = simulate(&s, 11, runs, engine);
        for t in 0..3 {
            for (v, &e) in expected.iter().enumerate() {
                let got = share(&p, t, Scope::All, v).expect("contracts exist");
                // Every unit chooses independently each period: a binomial
                // share, in its mean and in its spread across runs.
                assert_binomial_share(
                    &format!("{engine:?} period {t} vendor {v}"),
                    &got,
                    e,
                    units,
                    Z,
                );
            }
        }
    }
}

const BASS: &str = r#"
start = "2026-01"
periods = 36
[[vendor]]
name = "Only"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = UNITS
caution = 0.2
innovation = 0.01
imitation = 0.3
term = 100
[[agency.initial]]
vendor = "Only"
units = INITIAL
remaining = 100
"#;

/// One vendor: the fraction under contract follows the Bass recursion
/// F' = g(F) = F + (1-F)(1-c)(p+qF), also with a temporary change of p (an
/// event adding 0.04 from period 5 until period 15: p is 0.05 in periods 5
/// to 14 and 0.01 again from 15), whether contracts outlast the horizon
/// (term 100) or end every period or every third one: an expiring unit is
/// awarded again at once by the only vendor, and F counts it as under
/// contract at the end of the period before, when its contract was still
/// in force (MODEL.md section 3, step 3). With term 1, counting F after
/// expiry instead would leave F at the initial contracts' 0.01: about 0.32
/// under contract at the end, against 0.998.
#[test]
fn adoption_follows_the_bass_recursion() {
    let (c, q) = (0.2, 0.3);
    const GRANT: &str =
        "[[event]]\nat = 5\nuntil = 15\nagency = \"X\"\nadd = { innovation = 0.04 }\n";
    // g'(F) = 1 + (1-c)(q - p - 2qF): decreasing, and positive on [0, 1].
    let slope = |p: f64, f: f64| 1.0 + (1.0 - c) * (q - p - 2.0 * q * f);
    assert!(slope(0.05, 1.0) > 0.0);
    for (engine, units, runs, term, grant) in [
        (EngineKind::Counts, 1_000_000u64, 200, 100, false),
        (EngineKind::Counts, 1_000_000, 200, 3, false),
        (EngineKind::Counts, 1_000_000, 200, 1, false),
        (EngineKind::Counts, 1_000_000, 200, 3, true),
        (EngineKind::Units, 20_000, 40, 100, false),
        (EngineKind::Units, 20_000, 40, 1, false),
        (EngineKind::Units, 20_000, 40, 3, true),
    ] {
        let text = BASS
            .replace("UNITS", &units.to_string())
            .replace("INITIAL", &(units / 100).to_string())
            .replace("term = 100", &format!("term = {term}"))
            + if grant { GRANT } else { "" };
        let p_at = |t: usize| {
            if grant && (5..15).contains(&t) {
                0.05
            } else {
                0.01
            }
        };
        let s = scenario(&text);
        let (_, proj) = simulate(&s, 5, runs, engine);
        // The mean E[F_t] = m_t lags the recursion f_t = g(f_{t-1}), and
        // only in one direction. Given F_{t-1}, each unit not yet under
        // contract adopts with probability (1-c)(p + q F_{t-1}) < 1, so
        // E[F_t | F_{t-1}] = g(F_{t-1}); g is quadratic with
        // g'' = -2(1-c)q, so exactly
        //   m_t = g(m_{t-1}) - (1-c) q Var(F_{t-1}).
        // For a quadratic g(f) - g(m) = (f - m) g'((f + m)/2), so the lag
        // d_t = f_t - m_t obeys
        //   d_t = d_{t-1} g'(f_{t-1} - d_{t-1}/2) + (1-c) q Var(F_{t-1}).
        // From d = 0 at the start (the initial contracts are fixed), g' > 0
        // gives d_t >= 0 for every t; and as g' decreases, d_{t-1} <= b_{t-1}
        // gives d_t <= b_t with
        //   b_t = b_{t-1} g'(f_{t-1} - b_{t-1}/2) + (1-c) q Var(F_{t-1}).
        // So the mean may fall below the recursion by b_t plus sampling
        // error, and rise above it by sampling error only. The runs' sample
        // variance stands in for Var; b_t stays within about 0.2 standard errors
        // of the mean (checked: at most half of one), so the error of that
        // estimate does not matter and the slack does not weaken the test.
        let mut f = 0.01;
        let mut bias = 0.0;
        let mut var_before = 0.0;
        for t in 0..36 {
            let p = p_at(t);
            bias = bias * slope(p, f - bias / 2.0) + (1.0 - c) * q * var_before;
            f += (1.0 - f) * (1.0 - c) * (p + q * f);
            let row = adoption(&proj, t, None, AdoptionMeasure::UnderContract);
            let se = row.sd.unwrap() / (row.runs as f64).sqrt();
            assert!(
                bias <= 0.5 * se,
                "{engine:?} term {term} grant {grant} period {t}: the bias bound {bias:.2e} is not negligible (se {se:.2e})"
            );
            assert_mean_within(
                &format!("{engine:?} term {term} grant {grant} period {t}"),
                &row,
                f,
                Z,
                bias,
                0.0,
            );
            var_before = row.sd.unwrap().powi(2);
        }
        assert!(f > 0.5, "the test covers the steep part of the curve");
    }
}

const PENALTY: &str = r#"
start = "2026-01"
periods = 2
[choice]
brand = 1.0
access = 0.0
incumbency = -1.0
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = UNITS
innovation = 0.0
imitation = 0.0
term = 1
[[agency.initial]]
vendor = "A"
units = UNITS
remaining = 1
"#;

/// A negative incumbency weight penalises the incumbent (MODEL.md section
/// 3, step 4: the bonus is w_incumbency (1 + caution), whatever its sign).
/// Every unit starts with A, whose contracts end after period 0; A and B
/// are otherwise alike, so at period 1 each unit stays with A with
/// probability e^-1 / (e^-1 + 1) = 0.269, independently: the count share
/// has standard error sqrt(p (1 - p) / (units x runs)). Dropping a
/// negative bonus would give 0.5; its absolute value, 0.731.
#[test]
fn a_negative_incumbency_weight_drives_units_away_from_their_incumbent() {
    let stay = (-1f64).exp() / ((-1f64).exp() + 1.0);
    for (engine, units, runs) in [
        (EngineKind::Counts, 10_000u64, 200u64),
        (EngineKind::Units, 2_000, 100),
    ] {
        let s = scenario(&PENALTY.replace("UNITS", &units.to_string()));
        let (_, p) = simulate(&s, 17, runs, engine);
        let before = share(&p, 0, Scope::All, 0).expect("contracts exist");
        assert_eq!((before.mean, before.sd), (1.0, Some(0.0)), "{engine:?}");
        let after = share(&p, 1, Scope::All, 0).expect("contracts exist");
        let se = (stay * (1.0 - stay) / (units * runs) as f64).sqrt();
        assert_within_se(&format!("{engine:?} period 1"), &after, stay, Z, se);
    }
}

const MARKOV: &str = r#"
start = "2026-01"
periods = 80
[choice]
brand = 2.0
access = 0.0
incumbency = WEIGHT
[[vendor]]
name = "A"
brand = 0.7
access = { unclassified = 1.0 }
[[vendor]]
name = "B"
brand = 0.4
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 20000
caution = CAUTION
innovation = 1.0
imitation = 0.0
term = 1
"#;

/// The stationary probability of A in the two-state chain with switching
/// bonus `b` (w (1 + caution) in the model) and utilities 2 x 0.7 and
/// 2 x 0.4.
fn markov_stationary_with(b: f64) -> f64 {
    let (ua, ub) = (1.4f64, 0.8f64);
    let a_to_b = ub.exp() / ((ua + b).exp() + ub.exp());
    let b_to_a = ua.exp() / (ua.exp() + (ub + b).exp());
    b_to_a / (a_to_b + b_to_a)
}

/// Two vendors re-competed every period with a switching bonus b = w (1 +
/// caution): each unit's vendor is a two-state Markov chain, and the
/// long-run share of A is its stationary probability. With w = 1 the bonus
/// w (1 + c) equals w + c; w = 0.5 and c = 0.5 tell them apart (b = 0.75
/// against 1). Contracts of three periods are re-competed every third
/// period, from the calendar of contract ends: the chain is the same, taken
/// at each re-award. The units' chains are independent and, by period 79,
/// stationary: the second eigenvalue is at most 0.61, so a unit's chance of
/// holding A differs from the stationary one by at most 1.1e-7 on average
/// (b = 1.5, three-period contracts, adoption spread by caution 0.5),
/// against a standard error of 1.8e-4. So A's count share is
/// Binomial(units, stationary) / units in every run, whose mean and spread
/// the checks take in closed form.
#[test]
fn incumbency_gives_the_markov_stationary_share() {
    let mut cases = Vec::new();
    for term in [1, 3] {
        for (weight, caution) in [(1.0, 0.0), (1.0, 0.5), (0.5, 0.5)] {
            let stationary = markov_stationary_with(weight * (1.0 + caution));
            let markov = MARKOV
                .replace("WEIGHT", &format!("{weight:?}"))
                .replace("CAUTION", &caution.to_string())
                .replace("term = 1", &format!("term = {term}"));
            let s = scenario(&markov);
            let (_, p) = simulate(&s, 3, 300, EngineKind::Counts);
            let got = share(&p, 79, Scope::All, 0).unwrap();
            assert_binomial_share(
                &format!("term {term}, weight {weight}, caution {caution}"),
                &got,
                stationary,
                20_000,
                Z,
            );
            // The unit engine agrees on a smaller market.
            let (_, pu) = simulate(
                &scenario(&markov.replace("20000", "400")),
                3,
                60,
                EngineKind::Units,
            );
            assert_binomial_share(
                &format!("units engine, term {term}, weight {weight}, caution {caution}"),
                &share(&pu, 79, Scope::All, 0).unwrap(),
                stationary,
                400,
                Z,
            );
            if term == 1 {
                cases.push(stationary);
            }
        }
    }
    // Caution scales the bonus, and the test can tell: each stationary
    // share lies more than twice the count engine's tolerance away from the
    // other, so a model that ignored caution (or applied it where it is 0)
    // would fail the count engine's check above.
    let se = |p: f64| (p * (1.0 - p) / (20_000.0 * 300.0)).sqrt();
    let (s0, s1, s2) = (cases[0], cases[1], cases[2]);
    assert!(
        s1 - s0 > 2.0 * Z * se(s0).max(se(s1)),
        "caution moves the stationary share by {} only, within twice the tolerance",
        s1 - s0
    );
    // And a bonus of w + c would miss the third case's share by more than
    // twice the tolerance.
    let sum = markov_stationary_with(0.5 + 0.5);
    assert!(
        (sum - s2).abs() > 2.0 * Z * se(s2),
        "w + c gives {sum}, within twice the tolerance of {s2}"
    );
}

/// Caution favours incumbents at each agency by that agency's own caution,
/// and an agency's own incumbency weight replaces `[choice]`'s: agencies X
/// (caution 0), Y (caution 0.5) and W (caution 0.5, `choice = { incumbency
/// = 0.5 }`) of one scenario, each re-competed every period as in
/// [`MARKOV`]. Each agency's long-run share of A is the stationary
/// probability of the chain with its own bonus b_a = w_a (1 + caution_a):
/// 0.705, 0.726 and 0.692 (b = 1, 1.5 and 0.75), about a hundred standard
/// errors apart in the count engine and about ten in the unit engine (each
/// share binomial, as in the test above), so a bonus
/// that reads another agency's caution, or `[choice]`'s weight at W, fails
/// (the test above, with one agency, cannot see which caution or weight is
/// read; the engine cross-check cannot see it either, as both engines take
/// the bonus from `Market`).
#[test]
fn each_agency_scales_the_incumbency_bonus_by_its_own_caution() {
    let agency = |name: &str, choice: &str| {
        format!(
            "[[agency]]\nname = \"{name}\"\nunits = UNITS\ncaution = 0.5\ninnovation = 1.0\n\
             imitation = 0.0\nterm = 1\n{choice}"
        )
    };
    let text = MARKOV
        .replace("WEIGHT", "1.0")
        .replace("CAUTION", "0.0")
        .replace("20000", "UNITS")
        + &agency("Y", "")
        + &agency("W", "choice = { incumbency = 0.5 }\n");
    let expected = [
        ("X", markov_stationary_with(1.0)),
        ("Y", markov_stationary_with(1.0 * 1.5)),
        ("W", markov_stationary_with(0.5 * 1.5)),
    ];
    assert!(expected[1].1 - expected[0].1 > 0.02 && expected[1].1 - expected[2].1 > 0.03);
    for (engine, units, runs) in [
        (EngineKind::Counts, 50_000, 100),
        (EngineKind::Units, 1000, 60),
    ] {
        let s = scenario(&text.replace("UNITS", &units.to_string()));
        let (_, p) = simulate(&s, 4, runs, engine);
        for (a, (name, stationary)) in expected.into_iter().enumerate() {
            let got = share(&p, 79, Scope::Agency(a), 0).unwrap();
            assert_binomial_share(
                &format!("{engine:?} agency {name}"),
                &got,
                stationary,
                units,
                Z,
            );
        }
    }
}

const GATE: &str = r#"
start = "2026-01"
periods = 40
tiers = ["open", "secret", "top"]
[choice]
incumbency = 0.0
[[vendor]]
name = "A"
brand = 0.5
access = { open = 1.0, secret = 1.0 }
[[vendor]]
name = "B"
brand = 0.9
access = { open = 1.0 }
[[agency]]
name = "X"
units = 300
tiers = { open = 0.4, secret = 0.4, top = 0.2 }
innovation = 0.2
imitation = 0.2
term = 6
[[event]]
at = 10
vendor = "B"
set = { "access.secret" = 1.0 }
[[event]]
at = 20
vendor = "A"
set = { "access.secret" = 0.0 }
"#;

/// Only A serves `secret` until B is granted access at period 10; A loses
/// access at 20 but its contracts in force run to their end (at most
/// term - 1 = 5 periods later); nobody serves `top`, whose units wait.
/// With an incumbency bonus of either sign as well as none: A, the
/// incumbent of every secret contract that ends from period 20 on, must
/// neither keep one for the bonus (a positive one) nor be chosen among the
/// vendors when the bonus is negative.
///
/// Without a bonus, every secret contract in force at periods 15 to 19 was
/// awarded from period 10 on (contracts last 6 periods), when both vendors
/// served the tier, and every award is a fresh logit choice: B's mean
/// share of them is e^2.8 / (e^2.8 + e^2.0), its utility 2 x 0.9 + 1 x 1.0
/// against A's 2 x 0.5 + 1 x 1.0 (the default weights). That also pins the
/// access an event sets entering the utility, not only the gate.
#[test]
fn access_gates_and_events() {
    for incumbency in ["0.0", "1.5", "-1.5"] {
        access_gates_and_events_with(incumbency);
    }
}

fn access_gates_and_events_with(incumbency: &str) {
    let s = scenario(&GATE.replace("incumbency = 0.0", &format!("incumbency = {incumbency}")));
    let d = Dims::of(&s);
    let (secret, top) = (1, 2);
    for engine in ENGINES {
        let (records, p) = simulate(&s, 17, 100, engine);
        let engine = format!("{engine:?}, incumbency {incumbency}");
        let mut b_before_20 = 0;
        for r in &records {
            let count = |t: usize, k: usize, v: usize| r.contracts[d.contract(t, 0, k, v)];
            for t in 0..40 {
                if t < 10 {
                    assert_eq!(
                        count(t, secret, 1),
                        0,
                        "{engine}: B holds secret work before its access, t={t}"
                    );
                } else if t < 20 {
                    b_before_20 += count(t, secret, 1);
                }
                if (20..26).contains(&t) {
                    assert!(
                        count(t, secret, 0) <= count(t - 1, secret, 0),
                        "{engine}: A won secret work after losing access"
                    );
                }
                if t >= 25 {
                    assert_eq!(
                        count(t, secret, 0),
                        0,
                        "{engine}: A's secret contracts outlived their term"
                    );
                }
                assert_eq!(
                    count(t, top, 0) + count(t, top, 1),
                    0,
                    "{engine}: top tier has contracts"
                );
                // Every unit accounted for; only the top tier's adopters
                // can wait, as every other tier has a vendor.
                let held: u32 = (0..d.tiers).map(|k| count(t, k, 0) + count(t, k, 1)).sum();
                let at = d.agency_period(t, 0);
                assert_eq!(
                    r.never[at] + r.waiting[at] + held,
                    s.agencies[0].units,
                    "{engine} t={t}"
                );
                assert!(
                    r.waiting[at] <= s.agencies[0].units_by_tier[top],
                    "{engine} t={t}: more units wait than the top tier has"
                );
            }
        }
        // A's contracts survive the loss of access: it still holds some at
        // period 20 in almost every run.
        let a_holds_at_20 = records
            .iter()
            .filter(|r| r.contracts[d.contract(20, 0, secret, 0)] > 0)
            .count();
        assert!(
            a_holds_at_20 >= 95,
            "{engine}: contracts in force were cut at the access loss ({a_holds_at_20}/100)"
        );
        assert!(
            b_before_20 > 0,
            "{engine}: B never won secret work after gaining access"
        );
        if incumbency == "0.0" {
            let b_share = 2.8f64.exp() / (2.8f64.exp() + 2.0f64.exp());
            for t in 15..20 {
                assert_mean_near(
                    &format!("{engine}: B's secret share at period {t}"),
                    &share(&p, t, Scope::Tier(secret), 1).unwrap(),
                    b_share,
                    Z,
                    0.0,
                );
            }
        }
        // Before B's access, every run gives A the whole secret tier.
        let a_secret = share(&p, 5, Scope::Tier(secret), 0).unwrap();
        assert_eq!((a_secret.mean, a_secret.percentiles[0]), (1.0, 1.0));
        // The top tier holds no contract, so its shares are undefined.
        assert_eq!(share(&p, 30, Scope::Tier(top), 0), None);
        // ... and its adopters wait: by period 39 most of its 60 units.
        let waiting_39: f64 = records
            .iter()
            .map(|r| f64::from(r.waiting[d.agency_period(39, 0)]))
            .sum::<f64>()
            / 100.0;
        assert!(waiting_39 > 50.0, "{engine}: waiting {waiting_39}");
    }
}

const DRAWN_ACCESS: &str = r#"
start = "2026-01"
periods = 5
[choice]
incumbency = 0.0
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[vendor]]
name = "C"
brand = 0.5
access = { unclassified = { uniform = [-1.0, 1.0] } }
[[agency]]
name = "X"
units = 2000
innovation = 1.0
imitation = 0.0
term = 1
"#;

/// A drawn access is clamped into [0, 1] run by run, and a run whose draw
/// falls at or below 0 gates the vendor for the whole run: C's access is
/// uniform on [-1, 1], so in half the runs (in expectation; the fraction of
/// n runs has standard error sqrt(0.25 / n)) C holds no contract in any
/// period, and in the others it holds some in every period (with access
/// above 0 its chance per unit is at least e^1 / (e^1 + e^2) = 0.27, so
/// none of 2,000 units is a chance below 1e-270). Gating by the declared
/// table instead (C has an entry for the tier) would leave no run without
/// C; gating by the distribution's mean (0) would leave every run without.
#[test]
fn a_drawn_access_of_zero_gates_its_run() {
    let s = scenario(DRAWN_ACCESS);
    let d = Dims::of(&s);
    for (engine, runs) in [(EngineKind::Counts, 2000u64), (EngineKind::Units, 1000)] {
        let (records, _) = simulate(&s, 23, runs, engine);
        let mut gated = 0;
        for (i, r) in records.iter().enumerate() {
            let held: Vec<u32> = (0..5)
                .map(|t| r.contracts[d.contract(t, 0, 0, 1)])
                .collect();
            if held[0] == 0 {
                gated += 1;
                assert!(
                    held.iter().all(|&c| c == 0),
                    "{engine:?} run {i}: C gated at period 0 but not later: {held:?}"
                );
            } else {
                assert!(
                    held.iter().all(|&c| c > 0),
                    "{engine:?} run {i}: C served the tier at period 0 but not later: {held:?}"
                );
            }
        }
        let fraction = f64::from(gated) / runs as f64;
        let se = (0.25 / runs as f64).sqrt();
        assert!(
            (fraction - 0.5).abs() <= Z * se,
            "{engine:?}: C gated in {gated} of {runs} runs, expected half within {Z} x se {se:.4}"
        );
    }
}

/// Events that close tier `t` to vendors A and B from period 1 and open it
/// to both again at period 6.
const CLOSED_FROM_1_TO_5: &str = r#"[[event]]
at = 1
vendor = "A"
set = { "access.t" = 0.0 }
[[event]]
at = 1
vendor = "B"
set = { "access.t" = 0.0 }
[[event]]
at = 6
vendor = "A"
set = { "access.t" = 1.0 }
[[event]]
at = 6
vendor = "B"
set = { "access.t" = 1.0 }
"#;

/// Units that wait keep their incumbent: when the tier can be served again,
/// an overwhelming incumbency bonus sends every one of them back to the
/// vendor it had. (Forgetting the incumbent would split them evenly.)
#[test]
fn waiting_units_keep_their_incumbent() {
    let s = scenario(
        &(r#"
start = "2026-01"
periods = 12
tiers = ["t"]
[choice]
brand = 1.0
access = 0.0
incumbency = 1e6
[[vendor]]
name = "A"
brand = 0.5
access = { t = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { t = 1.0 }
[[agency]]
name = "X"
units = 50
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 5
[[agency.initial]]
vendor = "A"
units = 20
remaining = 3
[[agency.initial]]
vendor = "B"
units = 10
remaining = 3
"#
        .to_string()
            + CLOSED_FROM_1_TO_5),
    );
    let d = Dims::of(&s);
    for engine in ENGINES {
        let (records, _) = simulate(&s, 21, 30, engine);
        for r in &records {
            // Contracts end after period 2; nobody can serve until period 6.
            for t in 3..6 {
                assert_eq!(r.waiting[d.agency_period(t, 0)], 30, "{engine:?} t={t}");
            }
            assert_eq!(
                r.contracts[d.contract(6, 0, 0, 0)],
                20,
                "{engine:?}: A's former units"
            );
            assert_eq!(
                r.contracts[d.contract(6, 0, 0, 1)],
                10,
                "{engine:?}: B's former units"
            );
        }
    }
}

/// Units that wait keep their incumbent under a penalty too (a negative
/// bonus, which the count engine draws per incumbent rather than by its
/// stays): A's 200 units wait from period 3 to 5 and, when both vendors can
/// serve again at period 6, each stays with A with probability
/// e^-2 / (e^-2 + 1) = 0.1192 (bonus -1 x (1 + caution 1)), independently,
/// so A's share has standard error sqrt(p (1 - p) / (200 runs)).
/// Forgetting the incumbent would give 0.5.
#[test]
fn waiting_units_keep_their_incumbent_under_a_penalty() {
    let s = scenario(
        &(r#"
start = "2026-01"
periods = 8
tiers = ["t"]
[choice]
brand = 1.0
access = 0.0
incumbency = -1.0
[[vendor]]
name = "A"
brand = 0.5
access = { t = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { t = 1.0 }
[[agency]]
name = "X"
units = 200
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 5
[[agency.initial]]
vendor = "A"
units = 200
remaining = 3
"#
        .to_string()
            + CLOSED_FROM_1_TO_5),
    );
    let stay = (-2f64).exp() / ((-2f64).exp() + 1.0);
    for (engine, runs) in [(EngineKind::Counts, 400), (EngineKind::Units, 200)] {
        let (_, p) = simulate(&s, 22, runs, engine);
        let got = share(&p, 6, Scope::All, 0).unwrap();
        let se = (stay * (1.0 - stay) / (200.0 * runs as f64)).sqrt();
        assert_within_se(&format!("{engine:?}: A's share"), &got, stay, Z, se);
    }
}

/// Units that adopt while no vendor can serve their tier wait with no
/// incumbent (MODEL.md section 3, step 3: adopting units become open "with
/// no incumbent"; only expiring contracts leave one). Every unit adopts at
/// period 0 and waits; at period 2 two equally attractive vendors gain
/// access, and an overwhelming incumbency bonus must favour neither: each
/// unit goes to A with probability 1/2, so A's count share is Bin(400,
/// 1/2) / 400, with closed-form standard error sqrt(1/4 / 400) / sqrt(runs)
/// for the mean. (Recording such units under any vendor as incumbent sends
/// all of them to it.)
#[test]
fn units_that_adopt_while_waiting_have_no_incumbent() {
    let s = scenario(
        r#"
start = "2026-01"
periods = 4
tiers = ["t"]
[choice]
brand = 1.0
access = 0.0
incumbency = 1e6
[[vendor]]
name = "A"
brand = 0.5
access = { t = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { t = 1.0 }
[[agency]]
name = "X"
units = 400
innovation = 1.0
imitation = 0.0
term = 100
[[event]]
at = 0
vendor = "A"
set = { "access.t" = 0.0 }
[[event]]
at = 0
vendor = "B"
set = { "access.t" = 0.0 }
[[event]]
at = 2
vendor = "A"
set = { "access.t" = 1.0 }
[[event]]
at = 2
vendor = "B"
set = { "access.t" = 1.0 }
"#,
    );
    let d = Dims::of(&s);
    let runs = 100;
    for engine in ENGINES {
        let (records, p) = simulate(&s, 8, runs, engine);
        for r in &records {
            for t in 0..2 {
                assert_eq!(r.waiting[d.agency_period(t, 0)], 400, "{engine:?} t={t}");
            }
            let held = r.contracts[d.contract(2, 0, 0, 0)] + r.contracts[d.contract(2, 0, 0, 1)];
            assert_eq!(held, 400, "{engine:?}: every waiting unit is awarded");
        }
        let got = share(&p, 2, Scope::All, 0).unwrap();
        let se = (0.25f64 / 400.0).sqrt() / (runs as f64).sqrt();
        assert_within_se(&format!("{engine:?}: A's share"), &got, 0.5, Z, se);
    }
}

/// Value shares weight each contract by the annual value it was signed at,
/// and revenue is that value times the period length. An event on
/// annual_value prices the contracts signed from its period on; contracts
/// already in force keep their value (MODEL.md section 3, step 1): here P's
/// initial contracts, at 1e6, run to the end of period 3 although P's value
/// becomes 8e6 in period 3, and their renewals in period 4 are worth 8e6.
/// Each agency's tier has one eligible vendor, so every number is exact.
#[test]
fn value_shares_and_revenue_follow_the_value_each_contract_was_signed_at() {
    let s = scenario(
        r#"
start = "2026-01"
periods = 6
tiers = ["unclassified", "secret"]
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { secret = 1.0 }
[[agency]]
name = "P"
units = 10
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 100
annual_value = 1.0e6
[[agency.initial]]
vendor = "A"
units = 10
remaining = 4
[[agency]]
name = "Q"
units = 30
tiers = { secret = 1.0 }
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 100
annual_value = 2.0e6
[[agency.initial]]
vendor = "B"
tier = "secret"
units = 30
remaining = 100
[[event]]
at = 3
agency = "P"
set = { annual_value = 8.0e6 }
"#,
    );
    for engine in [EngineKind::Counts, EngineKind::Units] {
        let (_, p) = simulate(&s, 1, 5, engine);
        let value_share = |t: usize| {
            share_by(&p, t, Scope::All, 0, ShareMetric::ValueShare)
                .unwrap()
                .mean
        };
        let revenue = |t: usize, measure: RevenueMeasure| revenue(&p, t, 0, measure).mean;
        for t in 0..6 {
            assert_eq!(share(&p, t, Scope::All, 0).unwrap().mean, 0.25);
            let (want_share, want_revenue) = if t < 4 {
                (1.0 / 7.0, 10.0 * 1e6 / 12.0)
            } else {
                (4.0 / 7.0, 10.0 * 8e6 / 12.0)
            };
            assert!(
                (value_share(t) - want_share).abs() < 1e-12,
                "{engine:?} t={t}: {}",
                value_share(t)
            );
            assert!(
                (revenue(t, RevenueMeasure::Revenue) - want_revenue).abs() < 1e-6,
                "{engine:?} t={t}"
            );
        }
        let cumulative = 4.0 * 10.0 * 1e6 / 12.0 + 2.0 * 10.0 * 8e6 / 12.0;
        assert!(
            (revenue(5, RevenueMeasure::CumulativeRevenue) - cumulative).abs() < 1e-6,
            "{engine:?}"
        );
    }
}

/// A temporary price (an event that adds to annual_value `until` a later
/// period) prices the contracts signed while it lasts, and those signed from
/// its end on at the value before it: with one-period contracts renewed
/// every period after the initial ones end (period 3), period 4's are worth
/// 1e6 + 7e6 and period 5's 1e6 again, exactly, in both engines.
#[test]
fn a_temporary_price_prices_the_contracts_signed_while_it_lasts() {
    let s = scenario(
        r#"
start = "2026-01"
periods = 7
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "P"
units = 10
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 1
annual_value = 1.0e6
[[agency.initial]]
vendor = "A"
units = 10
remaining = 4
[[event]]
at = 3
until = 5
agency = "P"
add = { annual_value = 7.0e6 }
"#,
    );
    for engine in [EngineKind::Counts, EngineKind::Units] {
        let (_, p) = simulate(&s, 1, 5, engine);
        for t in 0..7 {
            let want = if t == 4 { 8e6 } else { 1e6 } * 10.0 / 12.0;
            let got = revenue(&p, t, 0, RevenueMeasure::Revenue).mean;
            assert!(
                (got - want).abs() < 1e-6,
                "{engine:?} t={t}: {got} vs {want}"
            );
        }
    }
}
