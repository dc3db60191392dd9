//! The scenario file as TOML says it: serde structures with source spans.
//!
//! Nothing here checks meaning; `validate` turns these into a `Scenario`.
//! Numbers are kept as `toml::Value` so that a plain number, an integer and a
//! distribution table can each get a precise message.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use toml::{Spanned, Value};

pub type SpannedValue = Spanned<Value>;
pub type SpannedMap = Spanned<BTreeMap<String, SpannedValue>>;

#[derive(Debug, serde::Deserialize)]
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

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVendor {
    pub name: Option<Spanned<String>>,
    pub brand: Option<SpannedValue>,
    pub access: Option<SpannedMap>,
    pub attributes: Option<SpannedMap>,
}

#[derive(Debug, serde::Deserialize)]
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

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInitial {
    pub vendor: Option<Spanned<String>>,
    pub tier: Option<Spanned<String>>,
    pub units: Option<SpannedValue>,
    pub remaining: Option<SpannedValue>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub at: Option<SpannedValue>,
    pub label: Option<Spanned<String>>,
    pub vendor: Option<Spanned<String>>,
    pub agency: Option<Spanned<String>>,
    pub set: Option<ChangeTable>,
    pub add: Option<ChangeTable>,
    /// The `at` the file gives, when a sweep replaced it (see `vary`).
    #[serde(skip)]
    pub keyed_at: Option<SpannedValue>,
}

/// An event's `set` or `add` table, or a table nested in one.
pub type ChangeTable = BTreeMap<String, Spanned<ChangeEntry>>;

/// One entry of a `set` or `add` table: a value, or a table of further keys
/// (`access = { secret = 0.9 }`, `set.access.secret = 0.9` or an
/// `[event.set.access]` table). Keys at every level keep their own span, so a
/// message about a key names the line it is on.
#[derive(Debug)]
pub enum ChangeEntry {
    Value(Value),
    Table(ChangeTable),
}

impl ChangeEntry {
    /// The entry as plain TOML.
    pub fn to_value(&self) -> Value {
        match self {
            ChangeEntry::Value(v) => v.clone(),
            ChangeEntry::Table(t) => Value::Table(
                t.iter()
                    .map(|(k, v)| (k.clone(), v.get_ref().to_value()))
                    .collect(),
            ),
        }
    }
}

/// The one key of the map through which the TOML deserializer hands over a
/// date.
const DATETIME_FIELD: &str = "$__toml_private_datetime";

impl<'de> Deserialize<'de> for ChangeEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = ChangeEntry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<ChangeEntry, E> {
        Ok(ChangeEntry::Value(Value::Boolean(b)))
    }

    fn visit_i64<E: de::Error>(self, i: i64) -> Result<ChangeEntry, E> {
        Ok(ChangeEntry::Value(Value::Integer(i)))
    }

    fn visit_u64<E: de::Error>(self, u: u64) -> Result<ChangeEntry, E> {
        i64::try_from(u)
            .map(|i| ChangeEntry::Value(Value::Integer(i)))
            .map_err(|_| E::custom("integer out of range"))
    }

    fn visit_f64<E: de::Error>(self, x: f64) -> Result<ChangeEntry, E> {
        Ok(ChangeEntry::Value(Value::Float(x)))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<ChangeEntry, E> {
        Ok(ChangeEntry::Value(Value::String(s.to_string())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<ChangeEntry, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(ChangeEntry::Value)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ChangeEntry, A::Error> {
        let mut table = ChangeTable::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == DATETIME_FIELD {
                let text: String = map.next_value()?;
                return text
                    .parse()
                    .map(|d| ChangeEntry::Value(Value::Datetime(d)))
                    .map_err(de::Error::custom);
            }
            let value = map.next_value()?;
            table.insert(key, value);
        }
        Ok(ChangeEntry::Table(table))
    }
}
