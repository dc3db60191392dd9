//! Rules that hold alike in both engines, so that the engine cross-check
//! cannot see a change to them: how uncertain numbers are drawn, how the
//! `remaining` of an initial contract is spread, when and in which order
//! events fire, and what the imitation term's F counts. Each test makes the
//! rule observable exactly where it can, and otherwise compares a mean with a
//! closed form within a few standard errors, on fixed seeds.

use sharecast::engine::{Dims, EngineKind, RunRecord, simulate_all};
use sharecast::scenario::Scenario;

use crate::common::{ENGINES, scenario};

/// Five standard errors, as in model.rs: a correct model passes a check of
/// a mean over 100 or more runs with probability about 1 - 2.5e-6 (and, the
/// seeds being fixed, passes every time), while the mutations these tests
/// guard against move a statistic by tens of them.
const Z: f64 = 5.0;

fn records(s: &Scenario, seed: u64, runs: u64, engine: EngineKind) -> Vec<RunRecord> {
    simulate_all(s, seed, 0..runs, engine)
}

/// Sample mean and sample standard deviation (n - 1).
fn mean_sd(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Checks that `xs` (independent draws) has mean `mean` and variance `var`:
/// `|m - mean| <= Z s / sqrt(n)` with the sample mean m and sd s, and
/// `|s^2 / var - 1| <= Z sqrt(2 / (n - 1) + kurtosis / n)`, the standard
/// error of a sample variance relative to the true one (`kurtosis` is the
/// excess kurtosis of one draw).
fn assert_moments(what: &str, xs: &[f64], mean: f64, var: f64, kurtosis: f64) {
    let n = xs.len() as f64;
    let (m, s) = mean_sd(xs);
    let se = s / n.sqrt();
    assert!(
        (m - mean).abs() <= Z * se,
        "{what}: mean {m:.6e} vs {mean:.6e}, |diff| {:.3e} > {Z} x se {se:.3e}",
        (m - mean).abs()
    );
    let ratio = s * s / var;
    let tolerance = Z * (2.0 / (n - 1.0) + kurtosis / n).sqrt();
    assert!(
        (ratio - 1.0).abs() <= tolerance,
        "{what}: sample variance / variance = {ratio:.4}, tolerance {tolerance:.4} \
         (sd {s:.6e} vs {:.6e})",
        var.sqrt()
    );
}

/// Mean, variance and excess kurtosis of Beta(a, b).
fn beta_moments(a: f64, b: f64) -> (f64, f64, f64) {
    let sum = a + b;
    let mean = a / sum;
    let var = a * b / (sum * sum * (sum + 1.0));
    let kurtosis = 6.0 * ((a - b).powi(2) * (sum + 1.0) - a * b * (sum + 2.0))
        / (a * b * (sum + 2.0) * (sum + 3.0));
    (mean, var, kurtosis)
}

/// One unit held for the whole horizon by an initial contract, and full
/// caution, so nothing ever changes but the agency's annual value: the
/// record's `annual_value` is the value drawn for the run.
const HELD: &str = r#"
start = "2026-01"
periods = 3
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 1
caution = 1.0
innovation = 0.0
imitation = 0.0
term = 100
annual_value = VALUE
[[agency.initial]]
vendor = "A"
units = 1
remaining = 100
EVENT
"#;

/// MODEL.md section 2: "Each is drawn once per run (event values
/// included), and the draw is clamped into the parameter's valid range";
/// the scenario reference, section 8, gives the families and their
/// parameters ("PERT is a beta distribution stretched over [low, high]
/// with shape parameter 4: alpha = 1 + 4 (mode - low) / (high - low)").
///
/// Over 2000 runs the drawn annual values must have the family's mean and
/// variance (closed forms below; every support lies inside [0, 1e15], and
/// the normal's lower clamp at 0 is 10 sd away, so clamping moves nothing
/// measurable, except in the clamping check at the end). The sample
/// variance is what catches a value drawn once per scenario rather than per
/// run (it is then 0) and a wrong scale; the value must also stay the same
/// in every period of a run.
#[test]
fn uncertain_numbers_are_drawn_once_per_run_from_their_distribution() {
    let n = 2000;
    let (pa, pb) = (1.0 + 4.0 * 0.5 / 3.0, 1.0 + 4.0 * 2.5 / 3.0);
    let (pert_mean, pert_var, pert_kurtosis) = beta_moments(pa, pb);
    let (beta_mean, beta_var, beta_kurtosis) = beta_moments(2.0, 5.0);
    let s2 = 0.3f64 * 0.3;
    let (lo, mo, hi) = (1e6f64, 1.5e6f64, 4e6f64);
    // (spec, mean, variance, excess kurtosis)
    let families = [
        ("{ normal = [1e6, 1e5] }", 1e6, 1e10, 0.0),
        (
            "{ uniform = [1e6, 3e6] }",
            2e6,
            (2e6f64).powi(2) / 12.0,
            -1.2,
        ),
        (
            "{ triangular = [1e6, 1.5e6, 4e6] }",
            (lo + mo + hi) / 3.0,
            (lo * lo + mo * mo + hi * hi - lo * mo - lo * hi - mo * hi) / 18.0,
            -0.6,
        ),
        // Beta(5/3, 13/3) on [1e6, 4e6]; its mean is (low + 4 mode + high) / 6.
        (
            "{ pert = [1e6, 1.5e6, 4e6] }",
            lo + (hi - lo) * pert_mean,
            (hi - lo).powi(2) * pert_var,
            pert_kurtosis,
        ),
        ("{ beta = [2, 5] }", beta_mean, beta_var, beta_kurtosis),
        (
            "{ lognormal = [14.7, 0.3] }",
            (14.7 + s2 / 2.0).exp(),
            (s2.exp() - 1.0) * (2.0 * 14.7 + s2).exp(),
            (4.0 * s2).exp() + 2.0 * (3.0 * s2).exp() + 3.0 * (2.0 * s2).exp() - 6.0,
        ),
    ];
    assert!(((lo + 4.0 * mo + hi) / 6.0 - families[3].1).abs() < 1e-6);
    for engine in ENGINES {
        for (spec, mean, var, kurtosis) in families {
            let s = scenario(&HELD.replace("VALUE", spec).replace("EVENT", ""));
            let runs = records(&s, 8, n, engine);
            for r in &runs {
                assert_eq!(
                    r.contracts,
                    vec![1; 3],
                    "{engine:?} {spec}: the unit is held"
                );
                assert!(
                    r.annual_value.iter().all(|&x| x == r.annual_value[0]),
                    "{engine:?} {spec}: the value changed within a run: {:?}",
                    r.annual_value
                );
            }
            let drawn: Vec<f64> = runs.iter().map(|r| r.annual_value[0]).collect();
            assert_moments(&format!("{engine:?} {spec}"), &drawn, mean, var, kurtosis);
        }
        // An event's value is drawn once per run too: from period 1 on the
        // annual value is the event's draw, N(2e6, (2e5)^2), whatever the
        // value before it.
        let s = scenario(&HELD.replace("VALUE", "{ uniform = [1e6, 3e6] }").replace(
            "EVENT",
            "[[event]]\nat = 1\nagency = \"X\"\nset = { annual_value = { normal = [2e6, 2e5] } }",
        ));
        let runs = records(&s, 9, n, engine);
        for r in &runs {
            assert_eq!(r.annual_value[1], r.annual_value[2], "{engine:?}");
        }
        let drawn: Vec<f64> = runs.iter().map(|r| r.annual_value[1]).collect();
        assert_moments(&format!("{engine:?} event value"), &drawn, 2e6, 4e10, 0.0);

        // Clamped, not redrawn: a value of N(0, sigma^2), valid from 0,
        // is exactly 0 in half of the runs and otherwise as drawn, so its
        // mean is sigma / sqrt(2 pi). Drawing again until a value fits (a
        // truncated normal) would give no zeros and twice that mean.
        let sigma = 1e6;
        let s = scenario(
            &HELD
                .replace("VALUE", "{ normal = [0, 1e6] }")
                .replace("EVENT", ""),
        );
        let drawn: Vec<f64> = records(&s, 10, n, engine)
            .iter()
            .map(|r| r.annual_value[0])
            .collect();
        let zeros = drawn.iter().filter(|&&x| x == 0.0).count() as f64 / n as f64;
        let se = (0.25 / n as f64).sqrt();
        assert!(
            (zeros - 0.5).abs() <= Z * se,
            "{engine:?}: {zeros} of the clamped draws are 0, not half within {Z} x se {se:.4}"
        );
        let (mean, sd) = mean_sd(&drawn);
        let expected = sigma / (2.0 * std::f64::consts::PI).sqrt();
        let se = sd / (n as f64).sqrt();
        assert!(
            (mean - expected).abs() <= Z * se,
            "{engine:?}: clamped mean {mean:.6e} vs {expected:.6e}, beyond {Z} x se {se:.3e}"
        );
    }
}

/// All 10,000 units of the agency hold initial contracts without
/// `remaining`, term TERM. From period 0 the vendor has no access, so an
/// expired contract leaves its unit waiting for good (nobody else adopts:
/// caution 1, innovation 0).
const SPREAD: &str = r#"
start = "2026-01"
periods = 12
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 10000
caution = 1.0
innovation = 0.0
imitation = 0.0
term = TERM
[[agency.initial]]
vendor = "A"
units = 10000
[[event]]
at = 0
vendor = "A"
set = { "access.unclassified" = 0.0 }
"#;

/// Scenario reference, section 6: `remaining` is "periods still covered,
/// counting period 0", by default "drawn per contract and run, uniformly
/// from 1 to term"; "remaining = 1 means that the contract covers period 0
/// only and is re-competed in period 1". A contract with remaining r so
/// covers periods 0..r-1 and its unit waits from period r on: at period t
/// the waiting units are those with r <= t, each independently with
/// probability p = t / T for t <= T. So, exactly, nobody waits at period 0
/// and everybody from period T on; in between waiting_t / U is a binomial
/// proportion with mean p and variance p (1 - p) / U in every run. With a
/// term of 10 all of it falls in the 12 periods; with a term of 40 most
/// contracts end after the horizon, and waiting still follows t / 40 (an
/// engine that spread the ends over the horizon alone would give t / 12).
#[test]
fn initial_contracts_without_remaining_end_uniformly_over_the_term() {
    for (term, engine, n) in [
        (10, EngineKind::Counts, 400),
        (10, EngineKind::Units, 100),
        (40, EngineKind::Counts, 400),
        (40, EngineKind::Units, 100),
    ] {
        let units = 10_000.0f64;
        let s = scenario(&SPREAD.replace("TERM", &term.to_string()));
        let d = Dims::of(&s);
        let runs = records(&s, 12, n, engine);
        for r in &runs {
            for t in 0..12 {
                let at = d.agency_period(t, 0);
                assert_eq!(r.never[at], 0);
                assert_eq!(
                    r.contracts[d.contract(t, 0, 0, 0)] + r.waiting[at],
                    10_000,
                    "{engine:?} t={t}"
                );
            }
            assert_eq!(
                r.waiting[d.agency_period(0, 0)],
                0,
                "{engine:?}: every contract covers period 0"
            );
            for t in term..12 {
                assert_eq!(
                    r.waiting[d.agency_period(t, 0)],
                    10_000,
                    "{engine:?}, term {term}: a contract outlived its term at t={t}"
                );
            }
        }
        for t in 1..term.min(12) {
            let p = t as f64 / term as f64;
            let xs: Vec<f64> = runs
                .iter()
                .map(|r| f64::from(r.waiting[d.agency_period(t, 0)]) / units)
                .collect();
            // Excess kurtosis of a binomial proportion: (1 - 6p(1-p)) / (U p (1-p)).
            let kurtosis = (1.0 - 6.0 * p * (1.0 - p)) / (units * p * (1.0 - p));
            assert_moments(
                &format!("{engine:?}, term {term}: waiting fraction at t={t}"),
                &xs,
                p,
                p * (1.0 - p) / units,
                kurtosis,
            );
        }
    }
}

/// An annual value of 1 that an event sets to 2 at `at`: the period in
/// which the record's value changes, in every run and both engines.
fn switch_period(step: &str, start: &str, at: &str) -> usize {
    let s = scenario(&format!(
        r#"
start = "{start}"
periods = 6
step = "{step}"
[[vendor]]
name = "A"
brand = 0.5
access = {{ unclassified = 1.0 }}
[[agency]]
name = "X"
units = 5
innovation = 0.3
imitation = 0.3
term = 2
annual_value = 1.0
[[event]]
at = {at}
agency = "X"
set = {{ annual_value = 2.0 }}
"#
    ));
    let mut found = None;
    for engine in ENGINES {
        for r in records(&s, 3, 3, engine) {
            let first = r
                .annual_value
                .iter()
                .position(|&x| x == 2.0)
                .expect("the event fires within the horizon");
            let want: Vec<f64> = (0..6).map(|t| if t < first { 1.0 } else { 2.0 }).collect();
            assert_eq!(r.annual_value, want, "{step} {start} at {at}");
            assert!(found.is_none_or(|f| f == first), "{engine:?} disagrees");
            found = Some(first);
        }
    }
    found.unwrap()
}

/// Scenario reference, section 11: "`at = "YYYY-MM"` means the period that
/// contains that month. With `step = "quarter"` and `start = "2026-01"`,
/// `"2026-05"` is period 1 (April-June). An integer `at` is a period
/// index, counted from 0." MODEL.md section 3: events whose period is t are
/// applied in step 1 of period t. Exact, at both edges of a period.
#[test]
fn events_fire_in_the_period_containing_their_date() {
    for (step, start, at, period) in [
        ("month", "2026-01", "\"2026-01\"", 0),
        ("month", "2026-01", "\"2026-04\"", 3),
        ("month", "2026-11", "\"2027-02\"", 3),
        ("quarter", "2026-01", "\"2026-03\"", 0),
        ("quarter", "2026-01", "\"2026-04\"", 1),
        ("quarter", "2026-01", "\"2026-05\"", 1),
        ("quarter", "2026-01", "\"2026-12\"", 3),
        ("quarter", "2026-02", "\"2026-04\"", 0),
        ("quarter", "2026-02", "\"2026-05\"", 1),
        ("year", "2026-01", "\"2026-12\"", 0),
        ("year", "2026-01", "\"2027-01\"", 1),
        ("year", "2026-01", "\"2028-07\"", 2),
        ("year", "2026-07", "\"2027-06\"", 0),
        ("year", "2026-07", "\"2027-07\"", 1),
        ("month", "2026-01", "2", 2),
        ("quarter", "2026-01", "2", 2),
        ("year", "2026-01", "4", 4),
    ] {
        assert_eq!(
            switch_period(step, start, at),
            period,
            "step {step}, start {start}, at {at}"
        );
    }
}

/// Caution 0.4 and innovation 0.5 (h = 0.3) until the events of period 3.
const ORDER: &str = r#"
start = "2026-01"
periods = 8
[[vendor]]
name = "A"
brand = 0.5
access = { unclassified = 1.0 }
[[agency]]
name = "X"
units = 1000
caution = 0.4
innovation = 0.5
imitation = 0.0
term = 100
"#;

fn caution_event(verbs: &str) -> String {
    format!("[[event]]\nat = 3\nagency = \"X\"\n{verbs}\n")
}

/// Scenario reference, section 11, "Order within a period": "Events of the
/// same period apply in file order. Within one event, all `set` changes
/// apply first and then all `add` changes. Each result is clamped into the
/// field's range right after it is applied."
///
/// From caution 0.4, "set 0 then add 1" gives caution 1, which stops
/// adoption (h = 0): `never` is constant from period 3 on in every run,
/// exactly. "Add 1 then set 0" gives caution 0 (0.4 + 1 clamps to 1, then
/// 0): adoption goes on with h = innovation = 0.5.
#[test]
fn events_of_a_period_apply_in_file_order_and_set_before_add() {
    let set = "set = { caution = 0.0 }";
    let add = "add = { caution = 1.0 }";
    let frozen = [
        // Two events, set first in the file.
        format!("{}{}", caution_event(set), caution_event(add)),
        // One event with both verbs, in either order in the file.
        caution_event(&format!("{set}\n{add}")),
        caution_event(&format!("{add}\n{set}")),
    ];
    let adopting = format!("{}{}", caution_event(add), caution_event(set));
    for engine in ENGINES {
        for events in &frozen {
            let s = scenario(&format!("{ORDER}{events}"));
            let d = Dims::of(&s);
            for r in records(&s, 4, 100, engine) {
                let never = |t: usize| r.never[d.agency_period(t, 0)];
                assert!(never(2) < 1000, "{engine:?}: adoption before period 3");
                for t in 3..8 {
                    assert_eq!(
                        never(t),
                        never(2),
                        "{engine:?} t={t}: caution is not 1 after\n{events}"
                    );
                }
            }
        }
        // Reversed file order: caution 0, so each never-adopted unit adopts
        // with probability 0.5 in periods 3..7. The adopters summed over
        // runs and periods, S, against the trials n = sum of never_{t-1}:
        // S - 0.5 n is a martingale with variance 0.25 n, so S / n lies
        // within Z sqrt(0.25 / n) of 0.5 (with caution 0.4 left in place
        // it would be 0.3; with caution 1, 0). Around 340 units are still
        // never-adopted at period 2, so a period without an adopter has
        // probability about 2^-340 and is ruled out run by run.
        let s = scenario(&format!("{ORDER}{adopting}"));
        let d = Dims::of(&s);
        let (mut adopters, mut trials) = (0.0, 0.0);
        for r in records(&s, 4, 100, engine) {
            let never = |t: usize| f64::from(r.never[d.agency_period(t, 0)]);
            assert!(never(3) < never(2), "{engine:?}: adoption stopped");
            for t in 3..8 {
                adopters += never(t - 1) - never(t);
                trials += never(t - 1);
            }
        }
        let rate = adopters / trials;
        let se = (0.25 / trials).sqrt();
        assert!(
            (rate - 0.5).abs() <= Z * se,
            "{engine:?}: adoption rate after add-then-set {rate:.4}, want 0.5 +- {:.4}",
            Z * se
        );
    }
}

/// Half the units are in a tier nobody can serve: their adopters wait.
const HALF_WAITING: &str = r#"
start = "2026-01"
periods = 6
tiers = ["open", "nobody"]
[[vendor]]
name = "A"
brand = 0.5
access = { open = 1.0 }
[[agency]]
name = "X"
units = 100000
tiers = { open = 0.5, nobody = 0.5 }
innovation = 0.1
imitation = 0.8
term = 100
"#;

/// MODEL.md section 3, step 3: "F is the fraction of all units in the
/// scenario that were `contracted` at the end of period t-1"; waiting units
/// are not contracted.
///
/// Both tiers adopt with the same hazard h_t = p + q F_{t-1} (caution 0,
/// F_{-1} = 0), so given the path each tier's never-adopted fraction is the
/// same product of (1 - h), and the contracted fraction F_t (the open
/// tier's adopters over all N units) has mean E[a_t] / 2, a_t being the
/// adopted fraction 1 - never_t / N. Taking means of
/// a_t = a_{t-1} + (1 - a_{t-1})(p + q F_{t-1}) plus a zero-mean binomial
/// term gives m_t = g(m_{t-1}) - q Cov(a_{t-1}, F_{t-1}) with
/// g(x) = x + (1 - x)(p + q x / 2). The recursion f_t = g(f_{t-1}) from
/// f_{-1} = 0 then differs from the mean by
/// d_t = g'(x) d_{t-1} - q Cov(a_{t-1}, F_{t-1}), x between m_{t-1} and f_{t-1}. As
/// g'(x) = 1 - p + q / 2 - q x is positive and decreasing on [0, 1],
/// |d_{t-1}| <= b_{t-1} gives |d_t| <= b_t with
/// b_t = g'(f_{t-1} - b_{t-1}) b_{t-1} + q sd(a_{t-1}) sd(F_{t-1}),
/// b_0 = 0 (a_{-1} = 0 is not random). The sds are the runs' sample sds,
/// each raised by half to cover its own error (a sample sd of n >= 100 runs
/// is within 4 x 1/sqrt(2n) < 29% of the true one). With N = 100,000 the
/// sds are about 2e-3 and b_t stays below a fifth of a standard error of the
/// mean; the test asserts it is below half of one before allowing it as
/// slack.
/// Counting waiting units in F (F = a) would give the recursion
/// x + (1 - x)(p + q x) instead, hundreds of standard errors away.
#[test]
fn imitation_counts_contracted_units_not_waiting_ones() {
    let (p, q, n_units) = (0.1f64, 0.8f64, 100_000.0f64);
    let slope = |x: f64| 1.0 - p + q / 2.0 - q * x;
    let s = scenario(HALF_WAITING);
    let d = Dims::of(&s);
    for (engine, runs) in [(EngineKind::Counts, 400), (EngineKind::Units, 100)] {
        let records = records(&s, 6, runs, engine);
        let (mut f, mut wrong) = (0.0f64, 0.0f64);
        let (mut bias, mut cov_bound) = (0.0f64, 0.0f64);
        for t in 0..6 {
            let adopted: Vec<f64> = records
                .iter()
                .map(|r| {
                    let never = r.never[d.agency_period(t, 0)];
                    1.0 - f64::from(never) / n_units
                })
                .collect();
            let contracted: Vec<f64> = records
                .iter()
                .map(|r| f64::from(r.contracts[d.contract(t, 0, 0, 0)]) / n_units)
                .collect();
            bias = slope((f - bias).max(0.0)) * bias + q * cov_bound;
            f += (1.0 - f) * (p + q * f / 2.0);
            wrong += (1.0 - wrong) * (p + q * wrong);
            let (m, sd) = mean_sd(&adopted);
            let se = sd / (runs as f64).sqrt();
            assert!(
                bias < 0.5 * se,
                "{engine:?} t={t}: the bias bound {bias:.2e} is not negligible (se {se:.2e})"
            );
            assert!(
                (m - f).abs() <= Z * se + bias,
                "{engine:?} t={t}: adopted fraction {m:.6} vs recursion with F = a/2 {f:.6}, \
                 |diff| {:.2e} > {Z} x se {se:.2e} + {bias:.1e} (F = a would give {wrong:.6})",
                (m - f).abs()
            );
            if t > 0 {
                assert!(
                    (wrong - f).abs() > 20.0 * se + bias,
                    "the test cannot tell F = a from F = a/2 at t={t}"
                );
            }
            let (_, sd_contracted) = mean_sd(&contracted);
            cov_bound = (1.5 * sd) * (1.5 * sd_contracted);
        }
    }
}
