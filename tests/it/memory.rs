//! What a run keeps for the statistics is compact: at most 4 bytes per
//! output cell (one run's value behind one row of `shares.csv`,
//! `adoption.csv` or `revenue.csv`) for every shipped scenario and for
//! every shape of market up to four tiers, and the memory estimate counts
//! exactly what a tally holds.

use sharecast::engine::{Dims, EngineKind, simulate_all};
use sharecast::measures::project;
use sharecast::resources::MemoryEstimate;
use sharecast::scenario;
use sharecast::tally::{Tally, TallyLayout};

use crate::common::repo_root;

const SHIPPED: [&str; 4] = [
    "scenarios/gov-ai-2026.toml",
    "scenarios/no-aws-deal.toml",
    "scenarios/minimal.toml",
    "scenarios/bench/large.toml",
];

#[test]
fn a_run_keeps_at_most_four_bytes_per_output_cell() {
    for file in SHIPPED {
        let s = scenario::load(&repo_root().join(file)).unwrap();
        let records = simulate_all(&s, 1, 0..1, EngineKind::Counts);
        let p = project(&s, &records);
        let cells = (p.shares.len() + p.adoption.len() + p.revenue.len()) as u64;
        let d = Dims::of(&s);
        assert_eq!(cells, (d.periods * cells_per_period(d)) as u64, "{file}");
        let kept = MemoryEstimate::per_run(&s);
        assert!(
            kept <= 4 * cells,
            "{file}: {kept} bytes kept per run for {cells} output cells ({:.2} per cell)",
            kept as f64 / cells as f64
        );
    }
}

#[test]
fn the_estimate_counts_what_a_tally_holds_in_either_layout() {
    for file in SHIPPED {
        let s = scenario::load(&repo_root().join(file)).unwrap();
        let d = Dims::of(&s);
        let record = &simulate_all(&s, 1, 0..1, EngineKind::Counts)[0];
        for layout in [TallyLayout::Joint, TallyLayout::Marginal] {
            let t = Tally::with_layout(record, d, layout);
            let held = 4 * (t.contracts.len() + t.tier_contracts.len() + t.waiting.len())
                + 8 * (t.tier_values.len() + t.annual_value.len())
                + std::mem::size_of::<Tally>();
            assert_eq!(
                Tally::bytes_with(d, layout),
                held as u64,
                "{file} {layout:?}"
            );
        }
        // The layout in use is the smaller one.
        assert_eq!(
            Tally::bytes(d),
            Tally::bytes_with(d, TallyLayout::Joint)
                .min(Tally::bytes_with(d, TallyLayout::Marginal)),
            "{file}"
        );
    }
}

/// Rows per period as MODEL.md sections 4 and 6 lay them out: a count and a
/// value share per scope (all, each tier, each agency) and vendor, two
/// adoption rows for all agencies and each agency, two revenue rows per
/// vendor.
fn cells_per_period(d: Dims) -> usize {
    2 * d.vendors * (1 + d.tiers + d.agencies) + 2 * (1 + d.agencies) + 2 * d.vendors
}

/// Per period, what a run keeps (its tally in the smaller layout and its
/// revenue path) against 4 bytes per cell, for 1 to 300 agencies, 1 to 4
/// tiers and 1 to 20 vendors; the fixed header of each tally is left out.
#[test]
fn every_market_up_to_four_tiers_keeps_at_most_four_bytes_per_cell() {
    let header = std::mem::size_of::<Tally>() as u64;
    for agencies in 1..=300 {
        for tiers in 1..=4 {
            for vendors in 1..=20 {
                let d = Dims {
                    periods: 1,
                    agencies,
                    tiers,
                    vendors,
                };
                let kept = Tally::bytes(d) - header + 8 * vendors as u64;
                let bound = 4 * cells_per_period(d) as u64;
                assert!(
                    kept <= bound,
                    "{agencies} agencies, {tiers} tiers, {vendors} vendors: {kept} > {bound}"
                );
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
    for file in ["scenarios/gov-ai-2026.toml", "benches/peer/edge.toml"] {
        let s = scenario::load(&repo_root().join(file)).unwrap();
        let d = Dims::of(&s);
        let records = simulate_all(&s, 4, 0..200, EngineKind::Counts);
        let project_in = |layout| {
            let tallies: Vec<Tally> = records
                .iter()
                .map(|r| Tally::with_layout(r, d, layout))
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
