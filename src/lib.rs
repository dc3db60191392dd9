//! sharecast: seeded Monte Carlo projections of market share when
//! government agencies adopt AI and award contracts to vendors.
//!
//! The pipeline is `scenario` (TOML to a checked [`scenario::Scenario`]) →
//! `engine` (pure simulation of run records) → `measures` (statistics per
//! output row) → `export` (CSV bytes) → `output` (files written whole).
//! See ARCHITECTURE.md for the code map and invariants, and MODEL.md-derived
//! `docs/scenario-reference.md` for the model itself.

pub mod calendar;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod export;
pub mod measures;
pub mod output;
pub mod report;
pub mod resources;
pub mod sampling;
pub mod scenario;
pub mod stats;
