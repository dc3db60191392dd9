//! sharecast: seeded Monte Carlo projections of market share when
//! government agencies adopt AI and award contracts to vendors.
//!
//! The pipeline is `scenario` (TOML to a checked [`scenario::Scenario`]) →
//! `engine` (pure simulation of run records) → `tally` (each record reduced
//! to what the statistics read) → `measures` (statistics per output row) →
//! `export` (CSV bytes) → `output` (files written whole).
//! [`measures::project`] takes records and makes the tallies itself.
//! A scenario built or edited in code is checked again by
//! [`scenario::Scenario::verify`], which the simulation's entry points call
//! (they panic on a broken one rather than give wrong numbers).
//! `compare` takes the place of `measures` for two scenarios run with one
//! seed: statistics of their run-by-run differences. `sweep` varies one
//! number of a scenario through [`scenario::parse_with`].
//! See ARCHITECTURE.md for the code map and invariants, and MODEL.md-derived
//! `docs/scenario-reference.md` for the model itself. The README's library
//! section has a longer example (writing the CSV files, keeping compact
//! tallies for many runs), which also runs as a test.
//!
//! The `cli` and `progress` modules (the `sharecast` command) need the
//! default feature `cli`; `default-features = false` leaves them and their
//! crates out.
//!
//! ```
//! use sharecast::{compare, engine, measures, scenario};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let s = scenario::load("scenarios/gov-ai-2026.toml".as_ref())?;
//! let records = engine::simulate_all(&s, 42, 0..50, engine::EngineKind::Counts);
//! let projection = measures::project(&s, &records);
//! assert_eq!(projection.runs, 50);
//!
//! // A counterfactual, paired run by run with the baseline:
//! let other = scenario::load("scenarios/no-aws-deal.toml".as_ref())?;
//! let alignment = compare::align(&s, &other)?;
//! let other_records = engine::simulate_all(&other, 42, 0..50, engine::EngineKind::Counts);
//! let comparison = compare::compare((&s, &records), (&other, &other_records), &alignment);
//! // Without the AWS deal OpenAI (vendor 0) ends with a lower share.
//! let last = s.calendar.periods as usize - 1;
//! let openai = comparison
//!     .shares
//!     .iter()
//!     .find(|r| r.period == last && r.scope == measures::Scope::All && r.vendor == 0)
//!     .and_then(|r| r.summary)
//!     .expect("defined in every run");
//! assert!(openai.difference.mean < 0.0);
//!
//! // The baseline with every agency's caution at 0.6, as `sharecast sweep
//! // --vary 'agency.*.caution=0.6'` builds it:
//! let path = std::path::Path::new("scenarios/gov-ai-2026.toml");
//! let source = scenario::read_source(path)?;
//! let setting = sharecast::sweep::Sweep::parse("agency.*.caution=0.6")?.setting(0);
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

/// The rayon the simulation and the statistics run on: call them inside a
/// `rayon::ThreadPoolBuilder` pool's `install` to choose the thread count
/// (results do not depend on it), with no rayon dependency of your own.
pub use rayon;

/// The rand whose `ChaCha8Rng` [`engine::run_rng`] gives and whose `Rng`
/// the [`sampling`] functions take.
pub use rand;

/// The README's library example, run as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeExample;
