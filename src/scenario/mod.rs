//! Scenario files: what a market looks like, checked before anything runs.
//!
//! `load` reads a TOML file, `raw` holds it as written, and `validate` turns
//! it into a [`Scenario`] in which every name is resolved to an index, every
//! number is a [`Param`] with its valid range, and every rule of the design
//! card holds. Nothing downstream re-checks input.

mod param;
mod raw;
mod stream_keys;
mod validate;
mod vary;

use std::fmt;
use std::path::{Path, PathBuf};

pub use param::{DistSpec, FAMILIES, Param, Range};
pub use stream_keys::{INITIAL_KEY_BITS, STREAM_KEY_BITS};
pub use validate::MAX_PERIODS;
pub(crate) use validate::month_rule;
pub use vary::{Named, PATH_HELP, Setting, named_by, unmatched};

use crate::calendar::Calendar;

/// Index of the brand weight in every weight vector.
pub const W_BRAND: usize = 0;
/// Index of the access weight.
pub const W_ACCESS: usize = 1;
/// Index of the incumbency weight.
pub const W_INCUMBENCY: usize = 2;
/// Weights from this index on apply to vendor attributes, in the order of
/// [`Scenario::attributes`].
pub const W_FIRST_ATTRIBUTE: usize = 3;

/// A checked scenario. Indices (vendor, agency, tier, attribute) follow the
/// order of declaration in the file.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub calendar: Calendar,
    /// Default number of runs; the CLI may override it.
    pub runs: u64,
    /// Default seed; the CLI may override it.
    pub seed: u64,
    pub tiers: Vec<String>,
    /// Names of vendor attributes that carry a choice weight.
    pub attributes: Vec<String>,
    /// The `[choice]` weights: brand, access, incumbency, then attributes.
    pub weights: Vec<Param>,
    pub vendors: Vec<Vendor>,
    pub agencies: Vec<Agency>,
    /// Events in file order, including those past the horizon.
    pub events: Vec<Event>,
    /// Things that are allowed but probably not meant (an event that never
    /// fires); shown by `check` and `run`.
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, Clone)]
pub struct Vendor {
    pub name: String,
    pub brand: Param,
    /// Per tier; `None` means access 0 (the vendor cannot serve the tier).
    pub access: Vec<Option<Param>>,
    /// Per attribute of [`Scenario::attributes`]; `None` means 0.
    pub attributes: Vec<Option<Param>>,
}

#[derive(Debug, Clone)]
pub struct Agency {
    pub name: String,
    pub units: u32,
    /// Units per tier, split by largest remainder; the same in every run.
    pub units_by_tier: Vec<u32>,
    pub caution: Param,
    pub innovation: Param,
    pub imitation: Param,
    pub term: u32,
    pub annual_value: Param,
    /// Per weight index; `Some` overrides the scenario's `[choice]` weight.
    pub choice: Vec<Option<Param>>,
    pub initial: Vec<InitialContract>,
}

#[derive(Debug, Clone)]
pub struct InitialContract {
    pub vendor: usize,
    pub tier: usize,
    pub units: u32,
    /// Periods still covered counting period 0; `None`: drawn per contract
    /// and run, uniform in `1..=term`.
    pub remaining: Option<u32>,
    /// The sub-stream those draws come from (see `stream_keys`): distinct
    /// blocks need distinct keys below 2^[`INITIAL_KEY_BITS`].
    pub stream: u64,
}

#[derive(Debug, Clone)]
pub struct Event {
    /// Period index; may be `>= periods`, in which case it never fires.
    pub period: u32,
    /// The period that names the random streams of its changes: `period`,
    /// unless `sweep` moved the event, in which case the file's own, so that
    /// the event draws the same numbers at every date it is moved to.
    pub keyed_period: u32,
    pub label: Option<String>,
    pub target: Target,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Vendor(usize),
    Agency(usize),
    AllAgencies,
}

#[derive(Debug, Clone)]
pub struct Change {
    pub field: Field,
    pub op: Op,
    /// For `Set`, drawn in the field's range; for `Add`, any amount. The
    /// result is clamped into the field's range either way.
    pub value: Param,
    /// The key as written, for display.
    pub key: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Set,
    Add,
}

/// A parameter an event can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Brand,
    Access(usize),
    Attribute(usize),
    Caution,
    Innovation,
    Imitation,
    AnnualValue,
    Weight(usize),
}

impl Field {
    /// The range every value of this field is clamped into.
    pub fn range(self) -> Range {
        match self {
            Field::Brand | Field::Access(_) | Field::Caution => Range::UNIT,
            Field::Innovation | Field::Imitation => Range::NON_NEGATIVE,
            Field::AnnualValue => Range::MONEY,
            Field::Attribute(_) | Field::Weight(_) => Range::WEIGHT,
        }
    }
}

impl Scenario {
    /// Name of weight `w` (`brand`, `access`, `incumbency` or an attribute).
    pub fn weight_name(&self, w: usize) -> &str {
        match w {
            W_BRAND => "brand",
            W_ACCESS => "access",
            W_INCUMBENCY => "incumbency",
            _ => &self.attributes[w - W_FIRST_ATTRIBUTE],
        }
    }

    pub fn total_units(&self) -> u64 {
        self.agencies.iter().map(|a| u64::from(a.units)).sum()
    }

    /// Events that fire within the horizon, in the order they apply.
    pub fn timeline(&self) -> Vec<&Event> {
        let mut events: Vec<&Event> = self
            .events
            .iter()
            .filter(|e| e.period < self.calendar.periods)
            .collect();
        // Stable: events of the same period keep file order.
        events.sort_by_key(|e| e.period);
        events
    }
}

/// One problem found in a scenario, at a line when TOML gives one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: Option<usize>,
    pub message: String,
}

/// A scenario that cannot be used: every problem found, each with its line.
#[derive(Debug, Clone)]
pub struct ScenarioError {
    pub path: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", located(&self.path, d))?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// `path:line: message`, the form every scenario message takes. A line
/// break or other control character in the path is shown escaped, so a
/// path cannot start a line of its own that looks like another message.
pub fn located(path: &Path, d: &Diagnostic) -> String {
    let path = crate::report::escape_controls(&path.display().to_string(), false);
    match d.line {
        Some(line) => format!("{path}:{line}: {}", d.message),
        None => format!("{path}: {}", d.message),
    }
}

/// Reads and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    parse(&read_source(path)?, path)
}

/// Reads a scenario file as UTF-8 text.
pub fn read_source(path: &Path) -> Result<String, ScenarioError> {
    let bytes = std::fs::read(path).map_err(|e| ScenarioError {
        path: path.to_path_buf(),
        diagnostics: vec![Diagnostic {
            line: None,
            message: format!("cannot read the scenario file: {e}"),
        }],
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let line = line_number(e.as_bytes(), e.utf8_error().valid_up_to());
        ScenarioError {
            path: path.to_path_buf(),
            diagnostics: vec![Diagnostic {
                line: Some(line),
                message: "the file is not valid UTF-8 text; save it as UTF-8".to_string(),
            }],
        }
    })
}

/// The line (from 1) on which byte `offset` of `text` lies.
fn line_number(text: &[u8], offset: usize) -> usize {
    let end = offset.min(text.len());
    text[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Validates scenario text; `path` names it in messages and gives the
/// default scenario name (its file stem).
pub fn parse(source: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    parse_with(source, path, &[])
}

/// Validates scenario text as [`parse`] does, with each of `settings`
/// replacing a number of the file first (as `sharecast sweep` does).
/// Uncertain numbers keep their streams, so the same seed pairs the runs of
/// every variant.
pub fn parse_with(
    source: &str,
    path: &Path,
    settings: &[Setting],
) -> Result<Scenario, ScenarioError> {
    let mut scenario =
        validate::validate(source, path, settings).map_err(|diagnostics| ScenarioError {
            path: path.to_path_buf(),
            diagnostics,
        })?;
    stream_keys::assign(&mut scenario);
    Ok(scenario)
}
