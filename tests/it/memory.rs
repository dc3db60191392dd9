//! What a run keeps for the statistics is compact: for every shipped
//! scenario at most 4 bytes per output cell (one run's value behind one row
//! of `shares.csv`, `adoption.csv` or `revenue.csv`), and the memory
//! estimate counts exactly what a record holds.

use sharecast::engine::{Dims, EngineKind, RunRecord, simulate_all};
use sharecast::measures::project;
use sharecast::resources::MemoryEstimate;
use sharecast::scenario;

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
        let kept = MemoryEstimate::per_run(&s);
        assert!(
            kept <= 4 * cells,
            "{file}: {kept} bytes kept per run for {cells} output cells ({:.2} per cell)",
            kept as f64 / cells as f64
        );
    }
}

#[test]
fn the_estimate_counts_what_a_record_holds() {
    for file in SHIPPED {
        let s = scenario::load(&repo_root().join(file)).unwrap();
        let r = &simulate_all(&s, 1, 0..1, EngineKind::Counts)[0];
        let held = 4 * (r.contracts.len() + r.waiting.len() + r.never.len())
            + 8 * r.annual_value.len()
            + std::mem::size_of::<RunRecord>();
        assert_eq!(RunRecord::bytes(Dims::of(&s)), held as u64, "{file}");
    }
}
