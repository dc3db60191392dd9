//! One test per rule of the model that the byte-pinned golden and stability
//! files would only catch by a regenerated digest: each test isolates one
//! rule of MODEL.md (quoted in its comment) in a scenario where the rule has
//! a closed form, and checks it for both engines. Checks are exact where the
//! rule makes the outcome deterministic; otherwise the tolerance is `Z`
//! standard errors of the closed form (binomial), never an ad-hoc slack.

use sharecast::engine::{Dims, EngineKind};
use sharecast::measures::{AdoptionMeasure, RevenueMeasure, Scope};

use crate::common::{
    ENGINES, adoption, assert_mean_near, assert_within_se, revenue, scenario, share, simulate,
    softmax,
};

/// Five standard errors: a correct model leaves a check's mean outside with
/// probability 5.7e-7, so even the ~150 checks of one test stay below 1e-4
/// together (and the seeds are fixed, so a passing test passes every time);
/// each rule's breakage moves a mean by tens of standard errors or more.
const Z: f64 = 5.0;

const IMITATION: &str = r#"
start = "2026-01"
periods = 2
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "A"
units = 1000
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 100
[[agency.initial]]
vendor = "V"
units = 500
remaining = 100
[[agency]]
name = "B"
units = 1000
innovation = 0.0
imitation = 0.4
term = 100
"#;

/// MODEL.md §3 step 3: a `never` unit of agency a adopts with probability
/// `h = min(1, (1 - caution_a) (innovation_a + imitation_a F))`, "where F is
/// the fraction of all units in the scenario that were `contracted` at the
/// end of period t-1 (for t = 0: the initial contracts)". Only agency A holds
/// contracts (500 of the scenario's 2000 units, none of B's), so B imitates
/// across agencies: h_0 = 0.4 x 500 / 2000 = 0.1 (a per-agency F gives 0,
/// a denominator of B's own units gives 0.2). Every adopter is awarded (one
/// vendor serves the tier), so B's under_contract at period 0 is
/// Bin(1000, 0.1) / 1000, whose mean over R runs has the closed-form
/// standard error sqrt(h (1 - h) / 1000) / sqrt(R).
///
/// At period 1, F counts B's adopters of period 0 as well: with N ~
/// Bin(1000, 0.1), h_1 = 0.4 (500 + N) / 2000, and E[under_contract_1] =
/// (E N + E[(1000 - N) h_1]) / 1000 = 0.207982 exactly (E N^2 = 90 + 100^2);
/// its standard error is taken from the runs' sample sd.
#[test]
fn imitation_counts_contracts_of_every_agency() {
    let s = scenario(IMITATION);
    let h: f64 = 0.4 * 500.0 / 2000.0;
    let (n, en, en2): (f64, f64, f64) = (1000.0, 100.0, 10_090.0);
    let period1 = (en + (n * 0.1 - 0.1 * en + en / 5.0 - en2 / 5000.0)) / n;
    for (engine, runs) in [(EngineKind::Counts, 2000), (EngineKind::Units, 400)] {
        let (_, p) = simulate(&s, 31, runs, engine);
        let got = adoption(&p, 0, Some(1), AdoptionMeasure::UnderContract);
        let se = (h * (1.0 - h) / n).sqrt() / (runs as f64).sqrt();
        assert_within_se(&format!("{engine:?}: B at period 0"), &got, h, Z, se);
        let got = adoption(&p, 1, Some(1), AdoptionMeasure::UnderContract);
        assert_mean_near(&format!("{engine:?}: B at period 1"), &got, period1, Z, 0.0);
        // A's caution of 1 keeps its own never units out.
        let a = adoption(&p, 1, Some(0), AdoptionMeasure::UnderContract);
        assert_eq!((a.mean, a.sd), (0.5, Some(0.0)), "{engine:?}");
    }
}

/// MODEL.md §3 step 3: the hazard is capped at 1 after caution scales the
/// rate, `h = min(1, (1 - caution) (innovation + imitation F))`. B of the
/// imitation scenario, given caution 0.5 and no imitation: with innovation
/// 4, h = min(1, 2) = 1, so every unit adopts at period 0 in every run;
/// with innovation 1.5, h = 0.75, so B's under_contract at period 0 is
/// Bin(1000, 0.75) / 1000, with the closed-form standard error of
/// `imitation_counts_contracts_of_every_agency`. Capping the rate before
/// caution, (1 - caution) min(1, rate), would give 0.5 in both.
#[test]
fn the_hazard_is_capped_after_caution_scales_the_rate() {
    for (innovation, h) in [(4.0, 1.0_f64), (1.5, 0.75)] {
        let s = scenario(&IMITATION.replace(
            "innovation = 0.0\nimitation = 0.4",
            &format!("caution = 0.5\ninnovation = {innovation:?}\nimitation = 0.0"),
        ));
        for (engine, runs) in [(EngineKind::Counts, 2000), (EngineKind::Units, 400)] {
            let (_, p) = simulate(&s, 23, runs, engine);
            let got = adoption(&p, 0, Some(1), AdoptionMeasure::UnderContract);
            let what = format!("{engine:?}, innovation {innovation}: B at period 0");
            if h == 1.0 {
                assert_eq!((got.mean, got.sd), (1.0, Some(0.0)), "{what}");
            } else {
                let se = (h * (1.0 - h) / 1000.0).sqrt() / (runs as f64).sqrt();
                assert_within_se(&what, &got, h, Z, se);
            }
        }
    }
}

/// MODEL.md §2 and §3 step 1: an event sets an agency's `imitation` or
/// `innovation` from its period on. In the imitation scenario B starts
/// with neither (h = 0: nobody adopts at period 0, exactly); at period 1
/// an event gives it imitation 0.4, so h_1 = 0.4 x F = 0.4 x 500 / 2000 =
/// 0.1, or innovation 0.05, so h_1 = 0.05: B's under_contract at period 1
/// is Bin(1000, h_1) / 1000, with the closed-form standard error of
/// `imitation_counts_contracts_of_every_agency`. Each change reaches its
/// own parameter only (imitation written into innovation would give 0.4).
#[test]
fn events_on_imitation_and_innovation_change_adoption_from_their_period() {
    for (change, h) in [("imitation = 0.4", 0.1_f64), ("innovation = 0.05", 0.05)] {
        let s = scenario(&format!(
            "{}[[event]]\nat = 1\nagency = \"B\"\nset = {{ {change} }}\n",
            IMITATION.replace("imitation = 0.4", "imitation = 0.0")
        ));
        for (engine, runs) in [(EngineKind::Counts, 2000), (EngineKind::Units, 400)] {
            let (_, p) = simulate(&s, 17, runs, engine);
            let before = adoption(&p, 0, Some(1), AdoptionMeasure::UnderContract);
            assert_eq!((before.mean, before.sd), (0.0, Some(0.0)), "{engine:?}");
            let got = adoption(&p, 1, Some(1), AdoptionMeasure::UnderContract);
            let se = (h * (1.0 - h) / 1000.0).sqrt() / (runs as f64).sqrt();
            assert_within_se(&format!("{engine:?} {change}: B at 1"), &got, h, Z, se);
        }
    }
}

const EVENTS: &str = r#"
start = "2026-01"
periods = 6
[choice]
brand = 3.0
access = 0.0
incumbency = 0.0
[[vendor]]
name = "A"
brand = 0.4
access = { unclassified = 1.0 }
[[vendor]]
name = "B"
brand = 0.3
access = { unclassified = 1.0 }
[[vendor]]
name = "C"
brand = 0.2
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = UNITS
innovation = 1.0
imitation = 0.0
term = 1
[[event]]
at = 3
vendor = "A"
add = { brand = 0.4 }
set = { brand = 0.9 }
[[event]]
at = 3
vendor = "B"
add = { brand = -0.5 }
[[event]]
at = 3
vendor = "B"
add = { brand = 0.4 }
[[event]]
at = 3
vendor = "C"
set = { brand = 0.5 }
add = { brand = 0.3 }
"#;

/// MODEL.md §3 step 1: "Events whose period is t are applied, in file
/// order: `set` assigns, `add` adds, then the value is clamped to its valid
/// range. Changes persist." and docs/scenario-reference.md "Order within a
/// period": within one event all `set` changes apply first and then all
/// `add` changes, each result clamped right after it is applied.
///
/// Term 1 and incumbency weight 0 make every unit choose afresh each period
/// (innovation 1 puts all units in the market at period 0), so the count
/// share of v at t is Bin(n, P_v) / n with P the softmax of 3 x brand. At
/// t = 3 (brand range [0, 1]):
/// - C: set 0.5 then add 0.3 gives 0.8 (add first, then set: 0.5);
/// - A: set 0.9 then add 0.4 gives 1.3, clamped to 1 (written add-first in
///   the file: the set still comes first);
/// - B: add -0.5 gives -0.2, clamped to 0, then the next event's add 0.4
///   gives 0.4 (clamping only at the end would give 0.2).
///
/// Periods 3..5 must show these brands (changes persist), periods 0..2 the
/// old ones. Tolerance: the binomial standard error sqrt(P (1 - P) / n) /
/// sqrt(runs).
#[test]
fn events_set_then_add_and_clamp_after_each_change() {
    let before = softmax(&[3.0 * 0.4, 3.0 * 0.3, 3.0 * 0.2]);
    let after = softmax(&[3.0 * 1.0, 3.0 * 0.4, 3.0 * 0.8]);
    for (engine, units, runs) in [
        (EngineKind::Counts, 5000u32, 400u64),
        (EngineKind::Units, 500, 200),
    ] {
        let s = scenario(&EVENTS.replace("UNITS", &units.to_string()));
        let (_, p) = simulate(&s, 13, runs, engine);
        for t in 0..6 {
            let expected = if t < 3 { &before } else { &after };
            for (v, &e) in expected.iter().enumerate() {
                let got = share(&p, t, Scope::All, v).expect("every unit holds a contract");
                let se = (e * (1.0 - e) / f64::from(units)).sqrt() / (runs as f64).sqrt();
                assert_within_se(&format!("{engine:?} period {t} vendor {v}"), &got, e, Z, se);
            }
        }
    }
}

const EVERY_AGENCY: &str = r#"
start = "2026-01"
periods = 8
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 300
innovation = 0.2
imitation = 0.3
term = 100
[[agency]]
name = "Y"
units = 200
innovation = 0.1
imitation = 0.5
term = 100
[[event]]
at = 2
agency = "*"
set = { caution = 1.0 }
"#;

/// MODEL.md §2: an event names `vendor = ...`, `agency = ...` "or
/// `agency = "*"`" (docs: every agency). Caution 1 from period 2 makes the
/// adoption hazard (1 - caution)(...) exactly 0 for both agencies (events
/// apply before adoption, §3 steps 1 and 3), so in every run each agency's
/// `never` count at t >= 2 equals its count at the end of period 1: an exact
/// check. The runs are not vacuous: each agency has adopters before period 2
/// and units left that could still adopt.
#[test]
fn an_event_for_every_agency_reaches_every_agency() {
    let s = scenario(EVERY_AGENCY);
    let d = Dims::of(&s);
    for engine in ENGINES {
        let (records, _) = simulate(&s, 7, 100, engine);
        for (i, r) in records.iter().enumerate() {
            for (a, units) in [(0, 300), (1, 200)] {
                let at1 = r.never[d.agency_period(1, a)];
                assert!(
                    0 < at1 && at1 < units,
                    "{engine:?} run {i} agency {a}: never = {at1} at period 1"
                );
                for t in 2..8 {
                    assert_eq!(
                        r.never[d.agency_period(t, a)],
                        at1,
                        "{engine:?} run {i} agency {a}: adoption at period {t} under caution 1"
                    );
                }
            }
        }
    }
}

const OVERRIDES: &str = r#"
start = "2026-01"
periods = 4
tiers = ["low", "high"]
[choice]
brand = 1.0
access = 2.0
incumbency = 0.0
[[vendor]]
name = "A"
brand = 0.8
access = { low = 1.0, high = 0.2 }
[[vendor]]
name = "B"
brand = 0.2
access = { low = 0.3, high = 0.9 }
[[agency]]
name = "X"
units = XUNITS
tiers = { low = 0.6, high = 0.4 }
innovation = 1.0
imitation = 0.0
term = 1
[[agency]]
name = "Y"
units = YUNITS
tiers = { low = 0.3, high = 0.7 }
innovation = 1.0
imitation = 0.0
term = 1
choice = { brand = 4.0 }
[[agency]]
name = "Z"
units = ZUNITS
tiers = { low = 0.5, high = 0.5 }
innovation = 1.0
imitation = 0.0
term = 1
"#;

/// MODEL.md §3 step 4: `U_v = w_brand brand_v + w_access access_v[tier] +
/// ...`, "weights from [choice] overridden by the agency's `choice`". X uses
/// [choice] (brand 1, access 2), Y overrides brand with 4, and Z, declared
/// after Y, uses [choice] again (an override must not leak into the
/// agencies that follow); access is read at the unit's own tier. Term 1,
/// incumbency weight 0 and innovation 1: every unit of cell (agency a,
/// tier k) is awarded each period, to A with probability p_ak =
/// softmax(U_A, U_B) at that cell, independently. A scope
/// holding cells c with n_c units (all under contract, so the total is
/// fixed) has A's count share sum_c Bin(n_c, p_c) / n: mean sum_c n_c p_c /
/// n and standard error sqrt(sum_c n_c p_c (1 - p_c)) / n / sqrt(runs).
/// Checked for every agency, both tiers and all units; the p_ak are 0.88,
/// 0.31 (X and Z), 0.98 and 0.73 (Y), so using [choice] at Y, Y's weights
/// at X or Z, or one tier's access for the other moves some scope's mean by
/// far more than the tolerance.
#[test]
fn agency_choice_overrides_and_access_follows_the_tier() {
    // U = w_brand brand + 2 access, for (agency, tier) cells in that order.
    let p_a = |w_brand: f64, k: usize| {
        let access = [(1.0, 0.3), (0.2, 0.9)][k];
        softmax(&[
            w_brand * 0.8 + 2.0 * access.0,
            w_brand * 0.2 + 2.0 * access.1,
        ])[0]
    };
    let p = [
        [p_a(1.0, 0), p_a(1.0, 1)],
        [p_a(4.0, 0), p_a(4.0, 1)],
        [p_a(1.0, 0), p_a(1.0, 1)],
    ];
    for (engine, scale, runs) in [
        (EngineKind::Counts, 10u32, 400u64),
        (EngineKind::Units, 1, 200),
    ] {
        // Cells: X 600 low / 400 high, Y 300 low / 700 high, Z 500 / 500
        // (times scale).
        let cells = [
            [600 * scale, 400 * scale],
            [300 * scale, 700 * scale],
            [500 * scale, 500 * scale],
        ];
        let s = scenario(
            &OVERRIDES
                .replace("XUNITS", &(1000 * scale).to_string())
                .replace("YUNITS", &(1000 * scale).to_string())
                .replace("ZUNITS", &(1000 * scale).to_string()),
        );
        let (_, proj) = simulate(&s, 23, runs, engine);
        let scopes: [(Scope, Vec<(usize, usize)>); 6] = [
            (
                Scope::All,
                vec![(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)],
            ),
            (Scope::Agency(0), vec![(0, 0), (0, 1)]),
            (Scope::Agency(1), vec![(1, 0), (1, 1)]),
            (Scope::Agency(2), vec![(2, 0), (2, 1)]),
            (Scope::Tier(0), vec![(0, 0), (1, 0), (2, 0)]),
            (Scope::Tier(1), vec![(0, 1), (1, 1), (2, 1)]),
        ];
        for (scope, members) in &scopes {
            let n: f64 = members.iter().map(|&(a, k)| f64::from(cells[a][k])).sum();
            let mean = members
                .iter()
                .map(|&(a, k)| f64::from(cells[a][k]) * p[a][k])
                .sum::<f64>()
                / n;
            let var = members
                .iter()
                .map(|&(a, k)| f64::from(cells[a][k]) * p[a][k] * (1.0 - p[a][k]))
                .sum::<f64>();
            let se = var.sqrt() / n / (runs as f64).sqrt();
            for t in 0..4 {
                let got = share(&proj, t, *scope, 0).expect("every unit holds a contract");
                assert_within_se(
                    &format!("{engine:?} {scope:?} period {t}"),
                    &got,
                    mean,
                    Z,
                    se,
                );
            }
        }
    }
}

const TERMS: &str = r#"
start = "2026-01"
periods = 8
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 40
innovation = 1.0
imitation = 0.0
term = 3
[[agency]]
name = "Y"
units = 30
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 3
[[agency.initial]]
vendor = "V"
units = 30
remaining = 1
[[agency]]
name = "Z"
units = 20
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 10
[[agency.initial]]
vendor = "V"
units = 20
remaining = 5
[[agency]]
name = "W"
units = 10
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 2
[[agency.initial]]
vendor = "V"
units = 10
remaining = 6
[[event]]
at = 3
vendor = "V"
set = { "access.unclassified" = 0.0 }
"#;

/// MODEL.md §3 step 4: "A contract awarded in period t covers periods t ..
/// t+term-1", and §2: an initial contract's `remaining` counts the "periods
/// still covered, counting period 0", so `remaining = r` covers 0..r-1. The
/// only vendor loses access at period 3, after which an open unit can only
/// wait (§3 step 4: "A unit with no eligible vendor becomes (or stays)
/// `waiting`"). Everything is deterministic, so the checks are exact:
/// - X (innovation 1, term 3) adopts at 0: covered 0..2, waiting from 3;
/// - Y's initial contracts (remaining 1) cover period 0 only; re-awarded at
///   1 with term 3 they cover 1..3, and the units wait from 4;
/// - Z's initial contracts (remaining 5, term 10) cover 0..4: waiting from 5;
/// - W's (remaining 6, longer than its term 2) cover 0..5: waiting from 6.
#[test]
fn contracts_cover_exactly_their_term() {
    let s = scenario(TERMS);
    let d = Dims::of(&s);
    // (agency, units, first period waiting)
    // W's contracts were signed for longer than its current term of 2:
    // remaining = 6 covers 0..5 all the same.
    let agencies = [(0, 40, 3), (1, 30, 4), (2, 20, 5), (3, 10, 6)];
    for engine in ENGINES {
        let (records, _) = simulate(&s, 3, 20, engine);
        for r in &records {
            for &(a, units, end) in &agencies {
                for t in 0..8 {
                    let at = d.agency_period(t, a);
                    let held = r.contracts[d.contract(t, a, 0, 0)];
                    let want = if t < end { (units, 0) } else { (0, units) };
                    assert_eq!(
                        (held, r.waiting[at], r.never[at]),
                        (want.0, want.1, 0),
                        "{engine:?} agency {a} period {t}: (contracts, waiting, never)"
                    );
                }
            }
        }
    }
}

const REVENUE: &str = r#"
start = "2026-01"
periods = 4
step = "STEP"
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
units = 10
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 100
annual_value = 3.0e6
[[agency.initial]]
vendor = "A"
units = 10
remaining = 100
[[agency]]
name = "Y"
units = 6
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 100
annual_value = 1.5e6
[[agency.initial]]
vendor = "B"
units = 4
remaining = 100
[[agency.initial]]
vendor = "A"
units = 2
remaining = 100
"#;

/// MODEL.md §4: "`revenue` of v: sum of annual_value x period length in
/// years over v's contracts in force; `cumulative_revenue`: its running sum
/// from period 0", and docs/scenario-reference.md: month 1/12, quarter 1/4,
/// year 1. Contracts are fixed (caution 1, every unit under an initial
/// contract beyond the horizon): A holds 10 at 3e6 and 2 at 1.5e6, B 4 at
/// 1.5e6, in every run and period. The values are deterministic; the only
/// error allowed is floating-point rounding (1/12 and a few products and
/// sums, each within 2^-53 relative), hence a relative bound of 1e-12.
#[test]
fn revenue_uses_the_period_length_in_years() {
    for (step, years) in [("month", 1.0 / 12.0), ("quarter", 0.25), ("year", 1.0)] {
        let s = scenario(&REVENUE.replace("STEP", step));
        let per_period = [(10.0 * 3.0e6 + 2.0 * 1.5e6) * years, 4.0 * 1.5e6 * years];
        for engine in ENGINES {
            let (_, p) = simulate(&s, 1, 3, engine);
            for t in 0..4 {
                for (v, &want) in per_period.iter().enumerate() {
                    for (measure, want) in [
                        (RevenueMeasure::Revenue, want),
                        (RevenueMeasure::CumulativeRevenue, want * (t + 1) as f64),
                    ] {
                        let got = revenue(&p, t, v, measure).mean;
                        assert!(
                            (got - want).abs() <= 1e-12 * want,
                            "{engine:?} step {step} period {t} vendor {v} {measure:?}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}

/// MODEL.md §2: "Defaults: ... an agency's ... annual_value = 1". The
/// revenue scenario without its annual values: every contract is worth $1
/// a year, so A's 12 contracts earn 12 x 1/12 = 1 a month and B's 4 earn
/// 1/3, exactly up to rounding.
#[test]
fn annual_value_defaults_to_one_dollar() {
    let text = REVENUE
        .replace("STEP", "month")
        .replace("annual_value = 3.0e6\n", "")
        .replace("annual_value = 1.5e6\n", "");
    assert!(!text.contains("annual_value"));
    let s = scenario(&text);
    for engine in ENGINES {
        let (_, p) = simulate(&s, 1, 3, engine);
        for (v, want) in [(0, 1.0), (1, 1.0 / 3.0)] {
            let got = revenue(&p, 2, v, RevenueMeasure::Revenue).mean;
            assert!(
                (got - want).abs() <= 1e-12 * want,
                "{engine:?} vendor {v}: {got} vs {want}"
            );
        }
    }
}

/// MODEL.md section 3, step 1: "Events whose period is t are applied" (in
/// period t, once) "... Changes persist." An `add` of 1e6 to an annual value
/// of 1e6 at period 2 gives 1e6, 1e6, then 2e6 to the end, in every run of
/// both engines: exact; and only contracts signed from period 2 on are
/// worth 2e6 ("Contracts already in force are not touched by events"). An
/// event applied again in each later period keeps adding (3e6, 4e6, ...),
/// which `events_set_then_add_and_clamp_after_each_change` cannot show: its
/// changes give the same value when repeated (a set before each add, or a
/// clamp).
#[test]
fn an_event_applies_once_and_its_change_persists() {
    let s = scenario(
        r#"
start = "2026-01"
periods = 6
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "A"
units = 10
innovation = 0.2
imitation = 0.0
term = 2
annual_value = 1.0e6
[[event]]
at = 2
agency = "A"
add = { annual_value = 1.0e6 }
"#,
    );
    let d = Dims::of(&s);
    let want = [1e6, 1e6, 2e6, 2e6, 2e6, 2e6];
    let runs = 3;
    for engine in ENGINES {
        let (records, p) = simulate(&s, 1, runs, engine);
        for r in &records {
            assert_eq!(r.annual_value, want, "{engine:?}");
        }
        // And the revenue rows price each contract in force at the value of
        // the period it was signed in, up to rounding (a division by 12 and
        // a mean of three runs), hence the relative 1e-12 of
        // `revenue_uses_the_period_length_in_years`. With one vendor every
        // expiring contract is renewed at once, so a unit once contracted
        // stays so, and the contracts signed in period t are the new ones
        // (held(t) - held(t-1)) plus the renewals of those signed at t-2.
        let mut mean_value = [0.0; 6];
        for r in &records {
            let held = |t: usize| f64::from(r.contracts[d.contract(t, 0, 0, 0)]);
            let mut signed = [0.0; 6];
            for t in 0..6 {
                let before = if t > 0 { held(t - 1) } else { 0.0 };
                let renewed = if t >= 2 { signed[t - 2] } else { 0.0 };
                signed[t] = held(t) - before + renewed;
                let last = if t > 0 {
                    signed[t - 1] * want[t - 1]
                } else {
                    0.0
                };
                mean_value[t] += (last + signed[t] * want[t]) / runs as f64;
            }
        }
        for (t, value) in mean_value.iter().enumerate() {
            let got = revenue(&p, t, 0, RevenueMeasure::Revenue);
            let expected = value / 12.0;
            assert!(
                (got.mean - expected).abs() <= 1e-12 * expected.max(1.0),
                "{engine:?} period {t}: {} vs {expected}",
                got.mean
            );
        }
    }
}

const FRACTIONS: &str = r#"
start = "2026-01"
periods = 1
tiers = ["unclassified", "secret"]
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0 }
[[vendor]]
name = "W"
brand = 0.5
access = { secret = 1.0 }
[[agency]]
name = "A"
units = 1000
tiers = { unclassified = 0.6, secret = SECRET }
innovation = 1.0
imitation = 0.0
term = 12
"#;

/// MODEL.md §2: "tier fractions >= 0 summing to 1 (within 1e-9)". Fractions
/// that sum to 1 ± 9e-10 are accepted and split as if they summed to 1:
/// 600 and 400 of 1000 units. Every unit adopts in period 0 (innovation 1,
/// caution 0) and only V serves the first tier, only W the second, so V
/// holds exactly 0.6 of the contracts in every run of both engines. Sums
/// 1.1e-9 off are rejected (the corpus case `fractions_sum_above_tolerance`
/// pins the message).
#[test]
fn tier_fractions_sum_to_one_within_1e_9() {
    for secret in ["0.4000000009", "0.3999999991"] {
        let s = scenario(&FRACTIONS.replace("SECRET", secret));
        assert_eq!(s.agencies[0].units_by_tier, vec![600, 400], "{secret}");
        for engine in ENGINES {
            let (_, p) = simulate(&s, 7, 20, engine);
            let got = share(&p, 0, Scope::All, 0).expect("contracts in every run");
            assert_eq!(got.runs, 20, "{secret} {engine:?}");
            assert!(
                (got.mean - 0.6).abs() < 1e-12,
                "{secret} {engine:?}: {got:?}"
            );
            assert_eq!(got.percentiles, [0.6; 5], "{secret} {engine:?}");
        }
    }
    for secret in ["0.4000000011", "0.3999999989"] {
        let text = FRACTIONS.replace("SECRET", secret);
        let e = sharecast::scenario::parse(&text, std::path::Path::new("t.toml")).unwrap_err();
        assert!(
            e.to_string()
                .contains("agency 'A' tier fractions must sum to 1, but they sum to"),
            "{secret}: {e}"
        );
    }
}

const ATTRIBUTE_EVENTS: &str = r#"
start = "2026-01"
periods = 7
[choice]
brand = 0.0
access = 0.0
incumbency = 0.0
quality = 1.0
speed = 2.0
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
attributes = { quality = 0.0, speed = 0.0 }
[[vendor]]
name = "B"
brand = 0.5
access = { unclassified = 1.0 }
attributes = { quality = 0.0, speed = 0.0 }
[[vendor]]
name = "C"
brand = 0.5
access = { unclassified = 1.0 }
attributes = { quality = 0.0, speed = 0.0 }
[[agency]]
name = "X"
units = UNITS
innovation = 1.0
imitation = 0.0
term = 1
[[event]]
at = 3
vendor = "C"
set = { "attributes.speed" = 1.0 }
[[event]]
at = 5
vendor = "B"
add = { "attributes.quality" = 1.5 }
"#;

/// MODEL.md §3.2, U_v = ... + sum_k w_k attribute_v[k], with events that
/// change one attribute of one vendor (§2): the change reaches that
/// vendor's own attribute, not another vendor's or another attribute.
/// Every contract lasts one period, so every period's shares are the logit
/// of that period's utilities: equal until period 3; then C's speed (weight
/// 2) makes its utility 2; from period 5 B's quality (weight 1) makes its
/// utility 1.5.
#[test]
fn an_attribute_event_changes_that_vendors_attribute() {
    let utilities = |t: usize| match t {
        0..3 => [0.0, 0.0, 0.0],
        3..5 => [0.0, 0.0, 2.0],
        _ => [0.0, 1.5, 2.0],
    };
    check_one_period_shares(ATTRIBUTE_EVENTS, 31, |t| {
        let p = softmax(&utilities(t));
        (0..3).map(|v| (Scope::All, v, p[v])).collect()
    });
}

/// Simulates `text` (every contract lasting one period, `UNITS` units in
/// each scope checked) with both engines, and checks each period's count
/// shares `expected(t)`, as (scope, vendor, probability), within `Z`
/// binomial standard errors: with one-period contracts a scope's share in
/// a run is a binomial proportion of its units.
fn check_one_period_shares(
    text: &str,
    seed: u64,
    expected: impl Fn(usize) -> Vec<(Scope, usize, f64)>,
) {
    for (engine, units, runs) in [
        (EngineKind::Counts, 4000u32, 200u64),
        (EngineKind::Units, 400, 100),
    ] {
        let s = scenario(&text.replace("UNITS", &units.to_string()));
        let (_, proj) = simulate(&s, seed, runs, engine);
        for t in 0..s.calendar.periods as usize {
            for (scope, v, p) in expected(t) {
                let got = share(&proj, t, scope, v).expect("every unit holds a contract");
                let se = (p * (1.0 - p) / f64::from(units) / runs as f64).sqrt();
                let what = format!("{engine:?} period {t} {scope:?} vendor {v}");
                assert_within_se(&what, &got, p, Z, se);
            }
        }
    }
}

const WEIGHT_EVENTS: &str = r#"
start = "2026-01"
periods = 7
[choice]
brand = 0.0
access = 0.0
incumbency = 0.0
[[vendor]]
name = "Plain"
brand = 0.0
access = { unclassified = 1.0 }
[[vendor]]
name = "Known"
brand = 1.0
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = UNITS
innovation = 1.0
imitation = 0.0
term = 1
[[agency]]
name = "Y"
units = UNITS
innovation = 1.0
imitation = 0.0
term = 1
[[event]]
at = 3
agency = "Y"
set = { "choice.brand" = 2.0 }
[[event]]
at = 5
agency = "*"
add = { "choice.brand" = 1.0 }
"#;

/// MODEL.md §2: an event on an agency's `choice` weight changes that
/// agency's weight only, and `agency = "*"` changes each agency's own
/// weight once. With brands 0 and 1 and contracts of one period, the known
/// vendor's share in an agency is logistic(w_brand): X stays at 1/2 until
/// period 5 and then has weight 1; Y has weight 2 from period 3 and 3 from
/// period 5.
#[test]
fn a_weight_event_changes_the_weight_of_the_agencies_it_names() {
    let logistic = |w: f64| 1.0 / (1.0 + (-w).exp());
    let weight = |a: usize, t: usize| match (a, t) {
        (0, 0..5) => 0.0,
        (0, _) => 1.0,
        (_, 0..3) => 0.0,
        (_, 3..5) => 2.0,
        _ => 3.0,
    };
    check_one_period_shares(WEIGHT_EVENTS, 37, |t| {
        (0..2)
            .map(|a| (Scope::Agency(a), 1, logistic(weight(a, t))))
            .collect()
    });
}

/// One vendor and contracts of one period, each unit under an initial
/// contract that ends at once: every unit signs again in every period, at
/// that period's annual value, so revenue(t) is the value in force at t
/// (12 contracts x value / 12 months).
const REPRICED: &str = r#"
start = "2026-01"
periods = 6
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "P"
units = 12
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 1
annual_value = 1.0e6
[[agency.initial]]
vendor = "V"
units = 12
remaining = 1
"#;

/// MODEL.md §3 step 1: events "are applied, in file order", and nothing
/// asks that the file list them by date. Two annual-value events written
/// latest first (2e6 from period 2, 3e6 from period 4) price every period
/// as the dates say, in both engines and in the statistics, which keep an
/// agency's prices once per stretch between such events: exact up to
/// rounding (see `revenue_uses_the_period_length_in_years`).
#[test]
fn annual_value_events_in_any_file_order_price_by_date() {
    let s = scenario(&format!(
        "{}{}",
        REPRICED,
        r#"
[[event]]
at = 4
agency = "P"
set = { annual_value = 3.0e6 }
[[event]]
at = 2
agency = "P"
set = { annual_value = 2.0e6 }
"#
    ));
    let want = [1e6, 1e6, 2e6, 2e6, 3e6, 3e6];
    for engine in ENGINES {
        let (records, p) = simulate(&s, 1, 3, engine);
        for r in &records {
            assert_eq!(r.annual_value, want, "{engine:?}");
        }
        for (t, &want) in want.iter().enumerate() {
            let got = revenue(&p, t, 0, RevenueMeasure::Revenue).mean;
            assert!(
                (got - want).abs() <= 1e-12 * want,
                "{engine:?} period {t}: {got} vs {want}"
            );
        }
    }
}

/// MODEL.md §2: an event "after the last period" is "a warning (it never
/// fires)". An annual-value event at period `periods`, the first one past
/// the horizon, is warned of and changes nothing: the projection is that
/// of the file without it, in both engines.
#[test]
fn an_annual_value_event_just_past_the_horizon_changes_nothing() {
    let without = scenario(REPRICED);
    let with = scenario(&format!(
        "{}{}",
        REPRICED, "[[event]]\nat = 6\nagency = \"P\"\nset = { annual_value = 2.0e6 }\n"
    ));
    assert!(
        with.warnings
            .iter()
            .any(|w| w.message.contains("after the last period")),
        "{:?}",
        with.warnings
    );
    for engine in ENGINES {
        let (_, p) = simulate(&with, 1, 5, engine);
        let (_, q) = simulate(&without, 1, 5, engine);
        assert_eq!(p, q, "{engine:?}");
    }
}

/// MODEL.md §2: `remaining` defaults to "each contract's drawn uniform in
/// 1..=term per run", and §3 step 1: "Contracts already in force are not
/// touched by events". With term 4 and an event at period 0 that doubles
/// the annual value, an initial contract drawn to cover periods 0..=3
/// (remaining 4, each of 20 independently with probability 1/4) is still
/// in force at 1e6 in period 3, while every other unit has signed again at
/// 2e6 (one vendor). So revenue(3) = (N x 1e6 + (20 - N) x 2e6) / 12 with
/// N ~ Binomial(20, 1/4): mean 35e6 / 12, standard error
/// (1e6 / 12) sqrt(20 x 1/4 x 3/4 / runs).
#[test]
fn initial_contracts_of_drawn_length_keep_their_value_to_their_last_period() {
    let s = scenario(
        r#"
start = "2026-01"
periods = 6
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "P"
units = 20
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 4
annual_value = 1.0e6
[[agency.initial]]
vendor = "V"
units = 20
[[event]]
at = 0
agency = "P"
set = { annual_value = 2.0e6 }
"#,
    );
    let runs = 4000;
    let se = 1e6 / 12.0 * (20.0 * 0.25 * 0.75 / runs as f64).sqrt();
    for engine in ENGINES {
        let (_, p) = simulate(&s, 3, runs, engine);
        let got = revenue(&p, 3, 0, RevenueMeasure::Revenue);
        assert_within_se(&format!("{engine:?} revenue(3)"), &got, 35e6 / 12.0, Z, se);
        // From period 4 every contract was signed at 2e6: exact.
        let got = revenue(&p, 4, 0, RevenueMeasure::Revenue).mean;
        let want = 20.0 * 2e6 / 12.0;
        assert!((got - want).abs() <= 1e-12 * want, "{engine:?}: {got}");
    }
}

/// docs/scenario-reference.md, on an initial contract without `tier`: "The
/// contract goes to the agency's only tier: the one tier with a positive
/// fraction in its `tiers`", which need not be the first tier declared:
/// here `secret`, where the holder has access.
#[test]
fn an_initial_contract_without_tier_is_in_the_agencys_only_tier() {
    let s = scenario(
        r#"
start = "2026-01"
periods = 2
tiers = ["unclassified", "secret"]
[[vendor]]
name = "A"
brand = 0.5
access = { secret = 1.0 }
[[agency]]
name = "Q"
units = 30
tiers = { secret = 1.0 }
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 12
[[agency.initial]]
vendor = "A"
units = 30
"#,
    );
    assert_eq!(s.agencies[0].initial[0].tier, 1);
    let d = Dims::of(&s);
    for engine in ENGINES {
        let (records, _) = simulate(&s, 1, 2, engine);
        for r in &records {
            assert_eq!(r.contracts[d.contract(0, 0, 1, 0)], 30, "{engine:?}");
            assert_eq!(r.contracts[d.contract(0, 0, 0, 0)], 0, "{engine:?}");
        }
    }
}

/// docs/scenario-reference.md: within one agency, whose contracts all have
/// one price, value shares are its count shares, digit for digit. With
/// annual value 0.7 and 3 of 128 contracts, A's share is 3/128 =
/// 0.0234375, an exact half in the sixth decimal: a share weighted by the
/// price (3 x 0.7 / (128 x 0.7)) can round to another printed digit, so
/// the agency's value-share summary must equal its count-share summary bit
/// for bit. (Over all units the value share is weighted by each agency's
/// price, and may differ in the last bit.)
#[test]
fn an_agencys_value_shares_are_its_count_shares_bit_for_bit() {
    use sharecast::measures::ShareMetric;
    let s = scenario(
        r#"
start = "2026-01"
periods = 1
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
units = 128
innovation = 0.0
imitation = 0.0
term = 12
annual_value = 0.7
[[agency.initial]]
vendor = "A"
units = 3
remaining = 12
[[agency.initial]]
vendor = "B"
units = 125
remaining = 12
"#,
    );
    for engine in ENGINES {
        let (_, p) = simulate(&s, 1, 2, engine);
        for v in 0..2 {
            let count =
                crate::common::share_by(&p, 0, Scope::Agency(0), v, ShareMetric::CountShare);
            let value =
                crate::common::share_by(&p, 0, Scope::Agency(0), v, ShareMetric::ValueShare);
            assert_eq!(count, value, "{engine:?} vendor {v}");
        }
        let a = crate::common::share_by(&p, 0, Scope::Agency(0), 0, ShareMetric::ValueShare);
        assert_eq!(a.map(|x| x.mean), Some(3.0 / 128.0));
    }
}
