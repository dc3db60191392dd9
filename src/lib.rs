//! sharecast: seeded Monte Carlo projections of market share when
//! government agencies adopt AI and award contracts to vendors.
//!
//! The pipeline is `scenario` (TOML to a checked [`scenario::Scenario`]) →
//! `engine` (pure simulation of run records) → `tally` (each record reduced
//! to what the statistics read) → `measures` (statistics per output row) →
//! `export` (CSV bytes) → `output` (files written whole; `manifest` says
//! what produced them).
//! [`measures::project`] takes records and makes the tallies itself.
//! A scenario built or edited in code is checked again by
//! [`scenario::Scenario::verify`], which the entry points of the simulation
//! and of the statistics call: the one-call paths
//! [`measures::simulate_and_project`] and [`compare::simulate_and_compare`]
//! return its problems as an error, the steps they are made of panic on a
//! broken scenario rather than give wrong numbers (call `verify` yourself
//! first to get the problems as an error there). A scenario from
//! [`scenario::load`], [`scenario::parse`] or [`scenario::parse_with`]
//! has passed it.
//! `compare` takes the place of `measures` for two scenarios run with one
//! seed: statistics of their run-by-run differences. `sweep` varies one
//! number of a scenario through [`scenario::parse_with`], and
//! [`export::SweepFiles`] stacks each value's projection into the files
//! `sharecast sweep` writes.
//! [`measures::simulate_and_project`] and [`compare::simulate_and_compare`]
//! do in one call what `sharecast run` and `sharecast compare` compute; the
//! projection's and the comparison's `share`, `adoption` and `revenue`
//! methods find a CSV row by its columns.
//! See ARCHITECTURE.md for the code map and invariants, and MODEL.md-derived
//! `docs/scenario-reference.md` for the model itself. `docs/library.md` (the
//! [`guide`] page of these docs) has a longer example (writing the CSV
//! files, keeping compact tallies for many runs), which also runs as a
//! test, and the rules an embedder relies on: threads, ranges of runs,
//! memory, panics, benchmarking.
//!
//! The `cli` and `progress` modules (the `sharecast` command) need the
//! default feature `cli`; `default-features = false` leaves them and their
//! crates out.
//!
//! ```
//! use sharecast::engine::{self, Dims, EngineKind};
//! use sharecast::measures::{Scope, ShareMetric};
//! use sharecast::{compare, measures, scenario};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let s = scenario::load("scenarios/gov-ai-2026.toml")?;
//! // What `sharecast run --seed 42 --runs 50` computes:
//! let projection = measures::simulate_and_project(&s, 42, 0..50, EngineKind::Counts)?;
//! let last = s.calendar.periods as usize - 1;
//! let openai = s.vendor_index("OpenAI").expect("in the file");
//! let share = projection
//!     .share(last, Scope::All, openai, ShareMetric::CountShare)
//!     .and_then(|row| row.summary)
//!     .expect("defined in every run");
//! assert!(share.mean > 0.0 && share.mean < 1.0);
//!
//! // One run's path, as someone benchmarking the core reads it:
//! let record = engine::simulate_run(&s, 42, 0, EngineKind::Counts);
//! let held = record.contracts_by_vendor(Dims::of(&s), last, None, None);
//! assert_eq!(held.len(), s.vendors.len());
//!
//! // A counterfactual, paired run by run with the baseline
//! // (`sharecast compare`):
//! let other = scenario::load("scenarios/no-aws-deal.toml")?;
//! let comparison = compare::simulate_and_compare(&s, &other, 42, 0..50, EngineKind::Counts)?;
//! let openai = comparison.vendor_index("OpenAI").expect("in both");
//! let difference = comparison
//!     .share(last, Scope::All, openai, ShareMetric::CountShare)
//!     .and_then(|row| row.summary)
//!     .expect("defined in every run");
//! // Without the AWS deal OpenAI ends with a lower share.
//! assert!(difference.difference.mean < 0.0);
//!
//! // The baseline with every agency's caution at 0.6, as `--set
//! // 'agency.*.caution=0.6'` builds it:
//! let path = std::path::Path::new("scenarios/gov-ai-2026.toml");
//! let source = scenario::read_source(path)?;
//! let setting: scenario::Setting = "agency.*.caution=0.6".parse()?;
//! let cautious = scenario::parse_with(&source, path, &[setting])?;
//! assert!(cautious.agencies.iter().all(|a| a.caution.fixed_value() == Some(0.6)));
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

pub mod calendar;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compare;
pub mod engine;
pub mod export;
pub mod manifest;
pub mod measures;
pub mod output;
#[cfg(feature = "cli")]
pub mod progress;
pub mod report;
pub mod resources;
pub mod sampling;
pub mod scenario;
pub mod stats;
pub mod sweep;
pub mod tally;
pub mod text;

/// This crate's version, which `manifest.json` records as
/// `sharecast_version`; a program that writes a manifest of its own reads
/// it here (`env!("CARGO_PKG_VERSION")` there would give its own version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The rayon the simulation and the statistics run on: call them inside a
/// `rayon::ThreadPoolBuilder` pool's `install` to choose the thread count
/// (results do not depend on it), with no rayon dependency of your own.
pub use rayon;

/// The anyhow whose `Error` the [`output`] functions return, each with the
/// file or folder it concerns in its context.
pub use anyhow;

/// The rand whose `ChaCha8Rng` [`engine::run_rng`] gives and whose `Rng`
/// the [`sampling`] functions take.
pub use rand;

/// The guide for embedders, `docs/library.md`, shown in the API docs; its
/// example runs as a doc test.
#[cfg(any(doc, doctest))]
#[doc = include_str!("../docs/library.md")]
pub mod guide {}
