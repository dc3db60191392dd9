//! The scenario file as TOML says it: serde structures with source spans.
//!
//! Nothing here checks meaning; `validate` turns these into a `Scenario`.
//! Numbers are kept as `toml::Value` so that a plain number, an integer and a
//! distribution table can each get a precise message.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::{Spanned, Value};

pub type SpannedValue = Spanned<Value>;
pub type SpannedMap = Spanned<BTreeMap<String, SpannedValue>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<Spanned<String>>,
    pub start: Option<Spanned<String>>,
    pub periods: Option<SpannedValue>,
    pub step: Option<Spanned<String>>,
    pub runs: Option<SpannedValue>,
    pub seed: Option<SpannedValue>,
    pub tiers: Option<Spanned<Vec<Spanned<String>>>>,
    pub choice: Option<SpannedMap>,
    #[serde(default)]
    pub vendor: Vec<Spanned<RawVendor>>,
    #[serde(default)]
    pub agency: Vec<Spanned<RawAgency>>,
    #[serde(default)]
    pub event: Vec<Spanned<RawEvent>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    pub name: Option<Spanned<String>>,
    pub brand: Option<SpannedValue>,
    pub access: Option<SpannedMap>,
    pub attributes: Option<SpannedMap>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgency {
    pub name: Option<Spanned<String>>,
    pub units: Option<SpannedValue>,
    pub tiers: Option<SpannedMap>,
    pub caution: Option<SpannedValue>,
    pub innovation: Option<SpannedValue>,
    pub imitation: Option<SpannedValue>,
    pub term: Option<SpannedValue>,
    pub annual_value: Option<SpannedValue>,
    pub choice: Option<SpannedMap>,
    #[serde(default)]
    pub initial: Vec<Spanned<RawInitial>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInitial {
    pub vendor: Option<Spanned<String>>,
    pub tier: Option<Spanned<String>>,
    pub units: Option<SpannedValue>,
    pub remaining: Option<SpannedValue>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub at: Option<SpannedValue>,
    pub label: Option<Spanned<String>>,
    pub vendor: Option<Spanned<String>>,
    pub agency: Option<Spanned<String>>,
    pub set: Option<Spanned<toml::Table>>,
    pub add: Option<Spanned<toml::Table>>,
}
