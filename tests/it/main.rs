//! The integration tests, one binary: the model against closed forms, the
//! two engines against each other, the command line, reproducibility, the
//! bad-input corpus and the golden files.

mod common;
mod corpus;
mod engines;
mod golden;
mod model;
mod reproducibility;
mod statistics;
