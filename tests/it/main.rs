//! The integration tests, one binary: the model against closed forms, the
//! two engines against each other, the command line, reproducibility, the
//! bad-input corpus and the golden files.

mod common;
mod compare;
mod corpus;
mod draws;
mod embedding;
mod engines;
mod extremes;
mod faults;
mod golden;
mod memory;
mod model;
mod progress;
mod properties;
mod recomputed;
mod reproducibility;
mod rules;
mod set;
mod stability;
mod statistics;
mod sweep;
