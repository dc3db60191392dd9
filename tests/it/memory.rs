//! What a run keeps for the statistics is compact: at most 4 bytes per
//! output cell (one run's value behind one row of `shares.csv`,
//! `adoption.csv` or `revenue.csv`) for every shipped scenario, for every
//! shape of market up to four tiers and, when annual values change in at
//! most half of the periods, up to six; and the memory estimate counts
//! exactly what a tally holds.

use std::sync::atomic::AtomicBool;

use sharecast::engine::{
    Dims, EngineKind, MixedPrices, RunRecord, simulate_all, simulate_run_with,
};
use sharecast::measures::project;
use sharecast::measures::project_unless;
use sharecast::resources::MemoryEstimate;
use sharecast::scenario::{self, Scenario};
use sharecast::tally::{PriceEpochs, Tally, TallyLayout};

use crate::common::{repo_root, scenario as parse};

const SHIPPED: [&str; 4] = [
    "scenarios/gov-ai-2026.toml",
    "scenarios/no-aws-deal.toml",
    "scenarios/minimal.toml",
    "scenarios/bench/large.toml",
];

#[test]
fn a_run_keeps_at_most_four_bytes_per_output_cell() {
    for file in SHIPPED {
        let s = load(file);
        let records = simulate_all(&s, 1, 0..1, EngineKind::Counts);
        let p = project(&s, &records);
        let cells = (p.shares.len() + p.adoption.len() + p.revenue.len()) as u64;
        let d = Dims::of(&s);
        assert_eq!(cells, (d.periods * cells_per_period(d)) as u64, "{file}");
        let kept = MemoryEstimate::per_run(&s);
        // Shown with `-- --nocapture` (docs/performance.md quotes them).
        eprintln!(
            "{file}: {kept} bytes kept per run for {cells} output cells: {:.3} per cell",
            kept as f64 / cells as f64
        );
        assert!(
            kept <= 4 * cells,
            "{file}: {kept} bytes kept per run for {cells} output cells ({:.2} per cell)",
            kept as f64 / cells as f64
        );
    }
}

#[test]
fn the_estimate_counts_what_a_tally_holds_in_either_layout() {
    let mut scenarios: Vec<(&str, Scenario)> = SHIPPED.iter().map(|&f| (f, load(f))).collect();
    scenarios.push(("annual-value events", parse(PRICE_EVENTS)));
    for (name, s) in &scenarios {
        let (d, epochs) = (Dims::of(s), PriceEpochs::of(s));
        let record = &simulate_all(s, 1, 0..1, EngineKind::Counts)[0];
        for layout in [TallyLayout::Joint, TallyLayout::Marginal] {
            let t = Tally::with_layout(record, d, &epochs, layout);
            assert_eq!(
                Tally::bytes_with(d, epochs.count(), epochs.mixed_count(), layout),
                bytes_held(&t) as u64,
                "{name} {layout:?}"
            );
        }
        // What the command line keeps: tallies made as runs finish
        // (`Tally::from_record`, which keeps the record's own buffers).
        for engine in [EngineKind::Counts, EngineKind::Units] {
            for t in Tally::simulate_all(s, 1, 0..2, engine) {
                assert_eq!(
                    Tally::bytes(d, epochs.count(), epochs.mixed_count()),
                    bytes_held(&t) as u64,
                    "{name}, {engine:?}, as the command line keeps it"
                );
            }
        }
        // The layout in use is the smaller one.
        let (rows, mixed) = (epochs.count(), epochs.mixed_count());
        assert_eq!(
            Tally::bytes(d, rows, mixed),
            Tally::bytes_with(d, rows, mixed, TallyLayout::Joint).min(Tally::bytes_with(
                d,
                rows,
                mixed,
                TallyLayout::Marginal
            )),
            "{name}"
        );
    }
}

/// The bytes a tally holds: what its buffers were given (their capacity,
/// not only what they use) and the struct itself. Every field is named, so
/// a field added to `Tally` must be counted here before this compiles.
fn bytes_held(t: &Tally) -> usize {
    let Tally {
        layout: _,
        contracts,
        tier_contracts,
        tier_values,
        waiting,
        annual_value,
        values,
        // Shared by every tally of a job (reference-counted).
        price_epochs: _,
    } = t;
    4 * (contracts.capacity() + tier_contracts.capacity() + waiting.capacity())
        + 8 * (tier_values.capacity() + annual_value.capacity() + values.capacity())
        + std::mem::size_of::<Tally>()
}

/// Events on annual values at periods 0 (before anything is recorded), 2
/// (one agency, twice: a set and an add), 5 (every agency, a drawn value)
/// and 40 (after the horizon), and one at 3 that changes no price.
const PRICE_EVENTS: &str = r#"
start = "2026-01"
periods = 8
tiers = ["unclassified", "secret"]
[[vendor]]
name = "V"
brand = 0.5
access = { unclassified = 1.0, secret = 1.0 }
[[vendor]]
name = "W"
brand = 0.2
access = { unclassified = 1.0 }
[[agency]]
name = "A"
units = 40
tiers = { unclassified = 0.5, secret = 0.5 }
innovation = 0.2
imitation = 0.1
term = 3
annual_value = { uniform = [1.0e6, 2.0e6] }
[[agency]]
name = "B"
units = 30
innovation = 0.1
imitation = 0.1
term = 2
annual_value = 5.0e5
[[event]]
at = 0
agency = "B"
set = { annual_value = 6.0e5 }
[[event]]
at = 2
agency = "A"
set = { annual_value = 3.0e6 }
[[event]]
at = 2
agency = "A"
add = { annual_value = { normal = [1.0e5, 1.0e4] } }
[[event]]
at = 3
agency = "B"
set = { caution = 0.5 }
[[event]]
at = 5
agency = "*"
set = { annual_value = { uniform = [1.0e6, 4.0e6] } }
[[event]]
at = 40
agency = "A"
set = { annual_value = 9.0e6 }
"#;

/// A tally keeps one row of prices per stretch between the periods where
/// an event changes an annual value, and gives every period the prices the
/// run had in force then.
#[test]
fn a_tally_keeps_one_row_of_prices_per_stretch_and_gives_every_period_its_own() {
    let s = parse(PRICE_EVENTS);
    let (d, epochs) = (Dims::of(&s), PriceEpochs::of(&s));
    assert_eq!(epochs.starts(), [0, 2, 5]);
    assert_eq!(
        (0..d.periods).map(|t| epochs.index(t)).collect::<Vec<_>>(),
        [0, 0, 1, 1, 1, 2, 2, 2]
    );
    for engine in [EngineKind::Counts, EngineKind::Units] {
        for record in &simulate_all(&s, 3, 0..20, engine) {
            for layout in [TallyLayout::Joint, TallyLayout::Marginal] {
                let tally = Tally::with_layout(record, d, &epochs, layout);
                assert_eq!(tally.annual_value.len(), 3 * d.agencies);
                for t in 0..d.periods {
                    let first = d.agency_period(t, 0);
                    assert_eq!(
                        tally.prices(t),
                        &record.annual_value[first..first + d.agencies],
                        "{engine:?} {layout:?} period {t}"
                    );
                }
            }
            // The drawn prices differ between stretches.
            let at = |t: usize| record.annual_value[d.agency_period(t, 0)];
            assert!(
                at(1) != at(2) && at(4) != at(5),
                "{:?}",
                record.annual_value
            );
        }
    }
}

/// A contract keeps the value it was signed at, so runs record (and tallies
/// keep) the values in force wherever contracts signed at different values
/// may be in force together, and only there: agency A (term 3, changes at 2
/// and 5) from a change until the last contract signed before it ends (2-3,
/// 5-6); B (term 2, changes at 0 and 5) at 5, and with initial contracts to
/// the end of period 3 also at 0-3 (they were signed before the change at
/// 0). Runs that record the values everywhere show, in both engines, that
/// outside those agency-periods every contract in force is worth the
/// agency's current value and that inside some run has one that is not;
/// and their statistics equal those of the usual runs up to rounding.
#[test]
fn values_are_kept_exactly_where_contracts_of_different_values_may_be_in_force() {
    let with_initial = PRICE_EVENTS.replace(
        "annual_value = 5.0e5\n",
        "annual_value = 5.0e5\n[[agency.initial]]\nvendor = \"V\"\nunits = 6\nremaining = 4\n",
    );
    for (text, want_b) in [
        (PRICE_EVENTS, vec![5]),
        (&with_initial, vec![0, 1, 2, 3, 5]),
    ] {
        let s = parse(text);
        let (d, epochs) = (Dims::of(&s), PriceEpochs::of(&s));
        let mixed_periods = |a: usize| {
            (0..d.periods)
                .filter(|&t| epochs.mixed_slot(t, a).is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(mixed_periods(0), [2, 3, 5, 6]);
        assert_eq!(mixed_periods(1), want_b);
        let epochs_ref = &epochs;
        // Every slot belongs to one agency-period.
        let mut slots: Vec<usize> = (0..d.periods)
            .flat_map(|t| (0..d.agencies).filter_map(move |a| epochs_ref.mixed_slot(t, a)))
            .collect();
        slots.sort_unstable();
        assert_eq!(slots, (0..epochs.mixed_count()).collect::<Vec<_>>());
        let everywhere = MixedPrices::everywhere(&s);
        for engine in [EngineKind::Counts, EngineKind::Units] {
            let full: Vec<RunRecord> = (0..50)
                .map(|run| simulate_run_with(&s, &everywhere, 5, run, engine))
                .collect();
            let mut differs = vec![false; d.periods * d.agencies];
            for r in &full {
                for t in 0..d.periods {
                    for a in 0..d.agencies {
                        let price = r.annual_value[d.agency_period(t, a)];
                        let slot = everywhere.slot(t, a).unwrap();
                        for k in 0..d.tiers {
                            for v in 0..d.vendors {
                                let priced = f64::from(r.contracts[d.contract(t, a, k, v)]) * price;
                                let value = r.values[(slot * d.tiers + k) * d.vendors + v];
                                if (value - priced).abs() > 1e-9 * priced.max(1.0) {
                                    differs[d.agency_period(t, a)] = true;
                                }
                            }
                        }
                    }
                }
            }
            for t in 0..d.periods {
                for a in 0..d.agencies {
                    assert_eq!(
                        differs[d.agency_period(t, a)],
                        epochs.mixed_slot(t, a).is_some(),
                        "{engine:?} period {t} agency {a}"
                    );
                }
            }
            let usual = simulate_all(&s, 5, 0..50, engine);
            let full_epochs = epochs.clone().with_mixed(everywhere.clone());
            let project_with = |records: &[RunRecord], epochs: &PriceEpochs| {
                let tallies: Vec<Tally> = records.iter().map(|r| Tally::of(r, d, epochs)).collect();
                project_unless(&s, &tallies, &AtomicBool::new(false)).unwrap()
            };
            let (a, b) = (
                project_with(&usual, &epochs),
                project_with(&full, &full_epochs),
            );
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(1.0);
            for (x, y) in a.shares.iter().zip(&b.shares) {
                let (x, y) = (x.summary.unwrap(), y.summary.unwrap());
                assert!(x.runs == y.runs && close(x.mean, y.mean), "{engine:?}");
            }
            for (x, y) in a.revenue.iter().zip(&b.revenue) {
                let (x, y) = (x.summary.unwrap(), y.summary.unwrap());
                assert!(close(x.mean, y.mean), "{engine:?}");
            }
        }
    }
}

/// A scenario file of the repository, checked.
fn load(file: &str) -> Scenario {
    scenario::load(repo_root().join(file)).unwrap()
}

/// Rows per period as MODEL.md sections 4 and 6 lay them out: a count and a
/// value share per scope (all, each tier, each agency) and vendor, two
/// adoption rows for all agencies and each agency, two revenue rows per
/// vendor.
fn cells_per_period(d: Dims) -> usize {
    2 * d.vendors * (1 + d.tiers + d.agencies) + 2 * (1 + d.agencies) + 2 * d.vendors
}

/// What a run keeps (its tally in the smaller layout and its revenue path)
/// against 4 bytes per cell, for 1 to 300 agencies and 1 to 20 vendors: up
/// to four tiers when annual values change in every period, up to six when
/// they change in at most every other period (two periods, one row of
/// prices). The fixed header of each tally is left out.
#[test]
fn every_market_up_to_six_tiers_keeps_at_most_four_bytes_per_cell() {
    let header = std::mem::size_of::<Tally>() as u64;
    for (periods, price_rows, most_tiers) in [(1, 1, 4), (2, 1, 6)] {
        for agencies in 1..=300 {
            for tiers in 1..=most_tiers {
                for vendors in 1..=20 {
                    let d = Dims {
                        periods,
                        agencies,
                        tiers,
                        vendors,
                    };
                    let revenue_path = 8 * (periods * vendors) as u64;
                    let kept = Tally::bytes(d, price_rows, 0) - header + revenue_path;
                    let bound = 4 * (periods * cells_per_period(d)) as u64;
                    assert!(
                        kept <= bound,
                        "{agencies} agencies, {tiers} tiers, {vendors} vendors, \
                         {price_rows} price rows in {periods} periods: {kept} > {bound}"
                    );
                }
            }
        }
    }
}

/// The statistics read the same numbers from either layout: every row of
/// every file is equal, bit for bit (both sum the same products in the same
/// order).
#[test]
fn both_layouts_give_the_same_rows() {
    use sharecast::measures::project_unless;
    use std::sync::atomic::AtomicBool;
    for (file, s) in [
        (
            "scenarios/gov-ai-2026.toml",
            load("scenarios/gov-ai-2026.toml"),
        ),
        ("benches/peer/edge.toml", load("benches/peer/edge.toml")),
        ("annual-value events", parse(PRICE_EVENTS)),
    ] {
        let (d, epochs) = (Dims::of(&s), PriceEpochs::of(&s));
        let records = simulate_all(&s, 4, 0..200, EngineKind::Counts);
        let project_in = |layout| {
            let tallies: Vec<Tally> = records
                .iter()
                .map(|r| Tally::with_layout(r, d, &epochs, layout))
                .collect();
            project_unless(&s, &tallies, &AtomicBool::new(false)).unwrap()
        };
        let (joint, marginal) = (
            project_in(TallyLayout::Joint),
            project_in(TallyLayout::Marginal),
        );
        assert_eq!(joint.shares, marginal.shares, "{file}");
        assert_eq!(joint.adoption, marginal.adoption, "{file}");
        assert_eq!(joint.revenue, marginal.revenue, "{file}");
        assert_eq!(joint.outlook, marginal.outlook, "{file}");
    }
}
