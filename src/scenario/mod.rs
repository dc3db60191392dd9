//! Scenario files: what a market looks like, checked before anything runs.
//!
//! `load` reads a TOML file, `raw` holds it as written, and `validate` turns
//! it into a [`Scenario`] in which every name is resolved to an index, every
//! number is a [`Param`] with its valid range, and every rule of the design
//! card holds. Nothing downstream re-checks a file's rules;
//! [`Scenario::verify`] checks the structure of a scenario built or edited
//! in code, and the simulation calls it. `parse_with` applies
//! settings (`vary`: what `--set` and `sweep` change) to the file as written
//! before validating, and `stream_keys` names the random stream of every
//! uncertain number.

mod invariants;
mod lines;
mod lookup;
mod names;
mod param;
mod raw;
mod spreadsheet;
mod stream_keys;
mod validate;
mod vary;

use std::fmt;
use std::path::{Path, PathBuf};

pub use invariants::InvalidScenario;
pub(crate) use lookup::suggest;
pub(crate) use names::{difference, folded, printable_name};
pub use param::{DistSpec, FAMILIES, InvalidDistribution, Param, Range};
pub(crate) use spreadsheet::takes_only_whole_numbers;
#[cfg(feature = "cli")]
pub(crate) use spreadsheet::{fractions_given_as_percentages, whole_number_as_written};
pub(crate) use spreadsheet::{grouped_in_thousands, percentages_hint, spreadsheet_number_hint};
pub use stream_keys::{INITIAL_KEY_BITS, STREAM_KEY_BITS};
/// A setting's value, as TOML holds it (re-exported so that an embedder
/// building a [`Setting`] needs no `toml` dependency of its own).
pub use toml::Value;
pub use validate::MAX_PERIODS;
#[cfg(feature = "cli")]
pub(crate) use validate::MAX_RUNS;
pub(crate) use vary::PathShape;
pub(crate) use vary::own_weight_line;
pub use vary::{Named, PATH_HELP, Setting, named_by, unmatched};

/// How a whole number written as a decimal (`1000.0`, `1e3`) is told to be
/// written: "write 1000" and this (validation); `sweep` leaves it out of a
/// value its range made a decimal.
pub(crate) const DIGITS_ONLY: &str = " (digits only, without an exponent or a decimal point)";

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

/// The built-in weights, by name in the order of their indices
/// ([`W_BRAND`], [`W_ACCESS`], [`W_INCUMBENCY`]), with the defaults MODEL.md
/// gives them: what a file without `[choice]` gets, and what a
/// [`Scenario`] built in code should start from to match one.
pub const DEFAULT_WEIGHTS: [(&str, f64); 3] =
    [("brand", 2.0), ("access", 1.0), ("incumbency", 1.5)];

/// A checked scenario. Indices (vendor, agency, tier, attribute) follow the
/// order of declaration in the file.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Title shown in reports and `manifest.json`: the file's `name`, or
    /// the file name without its extension when it gives none.
    pub name: String,
    /// The simulated horizon: first month, step and number of periods.
    pub calendar: Calendar,
    /// Default number of runs; the CLI may override it.
    pub runs: u64,
    /// Default seed; the CLI may override it.
    pub seed: u64,
    /// Security tier names, at least one, in display order; a tier index
    /// is a position in this list.
    pub tiers: Vec<String>,
    /// Names of vendor attributes that carry a choice weight.
    pub attributes: Vec<String>,
    /// The `[choice]` weights: brand, access, incumbency, then attributes.
    pub weights: Vec<Param>,
    /// At least one; their order sets the column and row order of every
    /// output.
    pub vendors: Vec<Vendor>,
    /// Segments of buyers, at least one, in file order.
    pub agencies: Vec<Agency>,
    /// Events in file order, including those past the horizon.
    pub events: Vec<Event>,
    /// Things that are allowed but probably not meant (an event that never
    /// fires, heavy clamping, a tier no vendor can serve); shown by every
    /// command that reads the scenario. Found once, from the text the
    /// scenario was parsed from (with its settings): a scenario edited in
    /// code keeps the warnings of that text, and one built in code has
    /// those it was given; [`Scenario::verify`] checks the rules, not these.
    pub warnings: Vec<Diagnostic>,
}

/// An AI supplier competing for contracts (a `[[vendor]]` block).
#[derive(Debug, Clone)]
pub struct Vendor {
    /// Trimmed of surrounding spaces; unique among vendors ignoring letter
    /// case.
    pub name: String,
    /// Recognition and reputation, in [0, 1].
    pub brand: Param,
    /// Per tier; `None` means access 0 (the vendor cannot serve the tier).
    pub access: Vec<Option<Param>>,
    /// Per attribute of [`Scenario::attributes`]; `None` means 0.
    pub attributes: Vec<Option<Param>>,
}

/// A segment of buyers (an `[[agency]]` block).
#[derive(Debug, Clone)]
pub struct Agency {
    /// Trimmed of surrounding spaces; unique among agencies ignoring letter
    /// case.
    pub name: String,
    /// Number of buying units, each holding at most one contract at a time;
    /// may be 0.
    pub units: u32,
    /// Units per tier, split by largest remainder; the same in every run.
    pub units_by_tier: Vec<u32>,
    /// Reluctance in [0, 1]: scales the adoption chance by `1 - caution`
    /// and the incumbency bonus by `1 + caution`.
    pub caution: Param,
    /// Bass *p*, `>= 0`: the chance per period that a unit that has never
    /// adopted adopts unprompted.
    pub innovation: Param,
    /// Bass *q*, `>= 0`: extra adoption chance per period, times the
    /// fraction of all the scenario's units under contract.
    pub imitation: Param,
    /// Contract length in periods, 1 to 1,000,000.
    pub term: u32,
    /// Value of one contract per year, in dollars, in [0, 10^15]. A contract
    /// keeps the value its agency had when it was signed (initial contracts:
    /// the value drawn for the run, before any event).
    pub annual_value: Param,
    /// Per weight index; `Some` overrides the scenario's `[choice]` weight.
    pub choice: Vec<Option<Param>>,
    /// Contracts in force at the start, in file order.
    pub initial: Vec<InitialContract>,
}

/// A block of contracts in force from period 0 (an `[[agency.initial]]`
/// block), held by units of the [`Agency`] it belongs to.
#[derive(Debug, Clone)]
pub struct InitialContract {
    /// The holder: index into [`Scenario::vendors`].
    pub vendor: usize,
    /// Index into [`Scenario::tiers`].
    pub tier: usize,
    /// How many units hold such a contract, at least 1.
    pub units: u32,
    /// Periods still covered counting period 0; `None`: drawn per contract
    /// and run, uniform in `1..=term`.
    pub remaining: Option<u32>,
    /// The sub-stream those draws come from (common random numbers, see
    /// [`Scenario::assign_streams`]): distinct blocks need distinct keys
    /// below 2^[`INITIAL_KEY_BITS`].
    pub stream: u64,
}

/// A dated change to a vendor's or agency's parameters (an `[[event]]`
/// block); it lasts until another event changes the same parameter, or,
/// with `until`, to that period, when its changes end.
#[derive(Debug, Clone)]
pub struct Event {
    /// Period index; may be `>= periods`, in which case it never fires.
    pub period: u32,
    /// The period that names the random streams of its changes: `period`,
    /// unless `sweep` moved the event, in which case the file's own, so that
    /// the event draws the same numbers at every date it is moved to.
    pub keyed_period: u32,
    /// The period from which the event's changes are undone (`until` in the
    /// file; after `period`, and possibly `>= periods`, when they last to
    /// the end); `None` for a lasting change. Only an event whose changes
    /// all `add` has one: from that period on, each number it changed is
    /// what it would be had the event never happened (docs/scenario-reference.md,
    /// section 7, "Temporary changes").
    pub until: Option<u32>,
    /// Short description shown by `check`, trimmed; `None` when the file
    /// gives none.
    pub label: Option<String>,
    /// Whose parameters the event changes.
    pub target: Target,
    /// At least one, in the order they apply: every `set`, then every
    /// `add`.
    pub changes: Vec<Change>,
}

impl Event {
    /// Whether the event changes an agency's annual value.
    pub fn changes_annual_value(&self) -> bool {
        self.changes.iter().any(|c| c.field == Field::AnnualValue)
    }

    /// Whether the event changes agency `a`'s parameters.
    pub fn targets_agency(&self, a: usize) -> bool {
        match self.target {
            Target::Agency(b) => a == b,
            Target::AllAgencies => true,
            Target::Vendor(_) => false,
        }
    }
}

/// What an [`Event`] changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// One vendor: index into [`Scenario::vendors`].
    Vendor(usize),
    /// One agency: index into [`Scenario::agencies`].
    Agency(usize),
    /// Every agency (`agency = "*"`); a drawn value is drawn once per run
    /// and given to all of them.
    AllAgencies,
}

/// One change an [`Event`] makes.
#[derive(Debug, Clone)]
pub struct Change {
    /// The parameter changed, of the event's target.
    pub field: Field,
    /// Whether `value` replaces the current value or is added to it.
    pub op: Op,
    /// For `Set`, drawn in the field's range; for `Add`, any amount. The
    /// result is clamped into the field's range either way. Built in code,
    /// its range is the field's ([`Field::range`]) for `Set` and
    /// [`Range::ANY`] for `Add`, as [`Scenario::verify`] requires.
    pub value: Param,
    /// The key as written, for display.
    pub key: String,
    /// The line of the key's value in the file, for messages; `None` when
    /// a setting from the command line gave a key the file leaves out.
    pub line: Option<usize>,
}

/// How a [`Change`] applies its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Replaces the current value (an event's `set` table).
    Set,
    /// Adds to the current value (an event's `add` table).
    Add,
}

/// A parameter an event can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// A vendor's `brand`, in [0, 1].
    Brand,
    /// A vendor's access at a tier, in [0, 1]: index into
    /// [`Scenario::tiers`].
    Access(usize),
    /// A vendor's attribute, in [-10^6, 10^6]: index into
    /// [`Scenario::attributes`].
    Attribute(usize),
    /// An agency's `caution`, in [0, 1].
    Caution,
    /// An agency's `innovation` (Bass *p*), `>= 0`.
    Innovation,
    /// An agency's `imitation` (Bass *q*), `>= 0`.
    Imitation,
    /// An agency's `annual_value`, in dollars per year, in [0, 10^15].
    AnnualValue,
    /// An agency's own choice weight, in [-10^6, 10^6], by weight index
    /// ([`W_BRAND`], [`W_ACCESS`], [`W_INCUMBENCY`], or
    /// [`W_FIRST_ATTRIBUTE`] plus an attribute index).
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
    /// Names the random stream of every uncertain number and initial
    /// contract block by what it is, as loading a file does, so that two
    /// scenarios run with one seed draw the numbers they share alike
    /// (common random numbers: docs/scenario-reference.md, section 9,
    /// "Comparing scenarios"; [`engine::run_rng`](crate::engine::run_rng)
    /// lays out the stream). Call it after
    /// editing a scenario in code: a number made with [`Param::drawn`] has
    /// no stream of its own and is drawn in order with the other such
    /// numbers, and a vendor or agency copied and renamed keeps the
    /// original's streams (which [`Scenario::verify`] refuses). Afterwards
    /// each drawn number reads the stream a file's number of the same name
    /// reads, so the scenario pairs run by run with a file that says the
    /// same, and the runs are those of that file. An event's changes are
    /// named by its [`Event::keyed_period`] (which `sweep` keeps at the
    /// file's date when it moves an event): set it to the new `period` when
    /// moving or adding an event in code to match a file that gives that
    /// date. A number that refers to a tier, vendor, agency, attribute or
    /// weight the scenario lacks keeps its stream; [`Scenario::verify`]
    /// names such references.
    pub fn assign_streams(&mut self) {
        stream_keys::assign(self);
    }

    /// Name of weight `w` (`brand`, `access`, `incumbency` or an attribute).
    ///
    /// # Panics
    /// If `w` is not below [`W_FIRST_ATTRIBUTE`] plus the number of
    /// attributes.
    pub fn weight_name(&self, w: usize) -> &str {
        match w {
            W_BRAND => "brand",
            W_ACCESS => "access",
            W_INCUMBENCY => "incumbency",
            _ => {
                let count = W_FIRST_ATTRIBUTE + self.attributes.len();
                assert!(
                    w < count,
                    "weight {w} is not below {count}, the number of weights"
                );
                &self.attributes[w - W_FIRST_ATTRIBUTE]
            }
        }
    }

    /// The index of the vendor named `name` in [`Scenario::vendors`],
    /// ignoring letter case, surrounding spaces and what does not show
    /// (joiners, variation selectors, the encoding of an accented letter,
    /// the kind of space: the names of one scenario never differ only in
    /// those; a file's references to a name must still match it exactly);
    /// `None` when no vendor has that name.
    pub fn vendor_index(&self, name: &str) -> Option<usize> {
        self.vendors
            .iter()
            .position(|v| names::same_folded(&v.name, name))
    }

    /// The index of the agency named `name` in [`Scenario::agencies`],
    /// matched as [`Scenario::vendor_index`] matches.
    pub fn agency_index(&self, name: &str) -> Option<usize> {
        self.agencies
            .iter()
            .position(|a| names::same_folded(&a.name, name))
    }

    /// The index of the tier named `name` in [`Scenario::tiers`], matched
    /// as [`Scenario::vendor_index`] matches.
    pub fn tier_index(&self, name: &str) -> Option<usize> {
        self.tiers.iter().position(|t| names::same_folded(t, name))
    }

    /// Number of units over all agencies.
    pub fn total_units(&self) -> u64 {
        self.agencies.iter().map(|a| u64::from(a.units)).sum()
    }

    /// Each event that changes an annual value with the periods within the
    /// horizon in which it does: its own, and the one its change is undone
    /// in (`until`).
    fn price_events(&self) -> impl Iterator<Item = (&Event, u32)> {
        let periods = self.calendar.periods;
        self.events
            .iter()
            .filter(|e| e.changes_annual_value())
            .flat_map(|e| {
                [Some(e.period), e.until]
                    .into_iter()
                    .flatten()
                    .map(move |t| (e, t))
            })
            .filter(move |&(_, t)| t < periods)
    }

    /// The periods, ascending and each once, in which an event changes an
    /// annual value (of any agency), or its change is undone: from each of
    /// them on, new contracts are signed at another price than those
    /// already in force.
    pub fn price_change_periods(&self) -> Vec<u32> {
        let mut periods: Vec<u32> = self.price_events().map(|(_, t)| t).collect();
        periods.sort_unstable();
        periods.dedup();
        periods
    }

    /// The periods, in file order (an event's own before its `until`), in
    /// which an event changes agency `a`'s annual value or its change is
    /// undone.
    pub fn price_changes_of(&self, a: usize) -> impl Iterator<Item = u32> {
        self.price_events()
            .filter(move |(e, _)| e.targets_agency(a))
            .map(|(_, t)| t)
    }

    /// Whether contracts in force can carry different annual values: some
    /// event within the horizon changes an annual value.
    pub fn prices_change(&self) -> bool {
        self.price_events().next().is_some()
    }

    /// Whether every contract is worth $1 a year: every agency's
    /// `annual_value` is 1 (the default) and no event within the horizon
    /// changes one, so that revenue counts contract-years, not dollars.
    pub fn counts_contract_years(&self) -> bool {
        !self.prices_change()
            && self
                .agencies
                .iter()
                .all(|a| a.annual_value.fixed_value() == Some(1.0))
    }

    /// Whether some run may see a negative incumbency bonus in some
    /// agency, for which the count engine keeps a choice table per
    /// incumbent rather than one: the `[choice]` weight or the agency's own
    /// below 0 in more than one run in 10^12 (a normal far above 0 is not),
    /// or an event that sets such a value or adds one that may be below 0.
    pub fn incumbency_may_be_negative(&self) -> bool {
        let negative = |p: &Param| {
            p.min_value() < 0.0 && (p.spec().is_none() || 1.0 - p.chance_above(0.0) > 1e-12)
        };
        self.agencies.iter().any(|a| {
            a.choice
                .get(W_INCUMBENCY)
                .and_then(Option::as_ref)
                .or(self.weights.get(W_INCUMBENCY))
                .is_some_and(negative)
        }) || self.events.iter().any(|e| {
            e.changes
                .iter()
                .any(|c| c.field == Field::Weight(W_INCUMBENCY) && negative(&c.value))
        })
    }

    /// Events that fire within the horizon, in the order they apply, each
    /// with its index in file order (`event.N` counts from 1, so N is the
    /// index + 1).
    pub fn timeline(&self) -> Vec<(usize, &Event)> {
        let mut events: Vec<(usize, &Event)> = self
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.period < self.calendar.periods)
            .collect();
        // Stable: events of the same period keep file order.
        events.sort_by_key(|(_, e)| e.period);
        events
    }
}

/// One problem found in a scenario, at a line when TOML gives one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Line in the file, counted from 1; `None` when the problem has no
    /// single line (or TOML gives none).
    pub line: Option<usize>,
    /// The rule broken, without the path or line; [`located`] adds them.
    pub message: String,
}

/// `line N: message`, or the message alone when there is no line; for the
/// whole `path:line: message` form of the command line, see [`located`].
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// A scenario that cannot be used: every problem found, each with its line.
///
/// Its `Debug` form is its message, as `Display` shows it, so that a `main`
/// returning it (say as `Box<dyn Error>`) prints what the user can act on;
/// `{:#?}` shows the fields.
#[derive(Clone)]
pub struct ScenarioError {
    /// The scenario file, as given; messages name it.
    pub path: PathBuf,
    /// At least one problem, sorted by line.
    pub diagnostics: Vec<Diagnostic>,
    /// What the file also draws warnings for, as far as the checks that
    /// found the problems could tell (a rate that reads as a percentage,
    /// say): not part of the message, which names what must change; the
    /// command line prints them before it.
    pub warnings: Vec<Diagnostic>,
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

impl fmt::Debug for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.debug_struct("ScenarioError")
                .field("path", &self.path)
                .field("diagnostics", &self.diagnostics)
                .finish()
        } else {
            fmt::Display::fmt(self, f)
        }
    }
}

impl std::error::Error for ScenarioError {}

/// A scenario file's name without its extension (`.toml`), which names
/// the scenario when the file gives no `name` and its output folders:
/// `None` for a path without a file name. A file named just `.toml` has a
/// blank one (the standard library would take the whole `.toml` for the
/// stem, as it does for any name that starts with a dot).
pub fn file_stem(path: &Path) -> Option<String> {
    let name = path.file_name()?;
    if name.to_string_lossy().eq_ignore_ascii_case(".toml") {
        return Some(String::new());
    }
    path.file_stem().map(|s| s.to_string_lossy().into_owned())
}

/// `path:line: message`, the form every scenario message takes. A line
/// break or other control character in the path is shown escaped, so a
/// path cannot start a line of its own that looks like another message,
/// and a byte that is not UTF-8 as `\xNN` ([`crate::text::shown_path`]).
pub fn located(path: &Path, d: &Diagnostic) -> String {
    let path = crate::text::shown_path(path);
    match d.line {
        Some(line) => format!("{path}:{line}: {}", d.message),
        None => format!("{path}: {}", d.message),
    }
}

/// Reads and validates a scenario file.
pub fn load(path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
    let path = path.as_ref();
    parse(&read_source(path)?, path)
}

/// The largest scenario file read, in bytes: hundreds of times what a
/// market of thousands of agencies takes, and a bound on what a wrong path
/// (a device that never ends, a multi-gigabyte data file) can make the
/// program read into memory.
pub const MAX_SCENARIO_BYTES: u64 = 64 << 20;

/// Reads a scenario file as UTF-8 text, refusing one larger than
/// [`MAX_SCENARIO_BYTES`].
pub fn read_source(path: impl AsRef<Path>) -> Result<String, ScenarioError> {
    use std::io::Read;
    let path = path.as_ref();
    let in_file = |message: String| ScenarioError {
        path: path.to_path_buf(),
        diagnostics: vec![Diagnostic {
            line: None,
            message,
        }],
        warnings: Vec::new(),
    };
    let cannot_read = |e: std::io::Error| {
        let hint = if e.kind() == std::io::ErrorKind::NotFound {
            missing_file_hint(path)
        } else {
            String::new()
        };
        in_file(format!("cannot read the scenario file: {e}{hint}"))
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_SCENARIO_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_SCENARIO_BYTES {
        return Err(in_file(format!(
            "the file is larger than {} MiB, far more than any scenario needs; is this the scenario file?",
            MAX_SCENARIO_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let line = lines::line_number(e.as_bytes(), e.utf8_error().valid_up_to());
        ScenarioError {
            path: path.to_path_buf(),
            diagnostics: vec![Diagnostic {
                line: Some(line),
                message: "the file is not valid UTF-8 text; save it as UTF-8".to_string(),
            }],
            warnings: Vec::new(),
        }
    })
}

/// "; did you mean scenarios/gov-ai-2026.toml?" for a scenario path that
/// names no file: the path with `.toml` added, or the most similar name
/// of a `.toml` file in its folder; empty when none is close.
fn missing_file_hint(path: &Path) -> String {
    let with_extension = {
        let mut name = path.as_os_str().to_owned();
        name.push(".toml");
        std::path::PathBuf::from(name)
    };
    if path.extension().is_none() && with_extension.is_file() {
        return format!(
            "; did you mean {}?",
            crate::text::shown_path(&with_extension)
        );
    }
    let (Some(folder), Some(name)) = (path.parent(), path.file_name().and_then(|n| n.to_str()))
    else {
        return String::new();
    };
    let listed = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let Ok(entries) = std::fs::read_dir(listed) else {
        return String::new();
    };
    // A bounded look: a folder of many files is not worth reading whole for
    // a hint.
    let files: Vec<String> = entries
        .take(10_000)
        .filter_map(Result::ok)
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|file| file.ends_with(".toml") && folder.join(file).is_file())
        .collect();
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    let stems: Vec<&str> = files
        .iter()
        .map(|f| &f[..f.len() - ".toml".len()])
        .collect();
    match lookup::suggest(stem, stems.iter().copied()) {
        Some(close) if close != stem || !name.ends_with(".toml") => {
            format!(
                "; did you mean {}?",
                crate::text::shown_path(&folder.join(format!("{close}.toml")))
            )
        }
        _ => String::new(),
    }
}

/// Validates scenario text; `path` names it in messages and gives the
/// default scenario name (its file stem).
pub fn parse(source: &str, path: impl AsRef<Path>) -> Result<Scenario, ScenarioError> {
    parse_with(source, path, &[])
}

/// Validates scenario text as [`parse`] does, with each of `settings`
/// replacing a number of the file first (as `sharecast sweep` does).
/// Uncertain numbers keep their streams, so the same seed pairs the runs of
/// every variant.
///
/// Settings apply in order, so of two that change the same number (say
/// `agency.DoD.caution` and `agency.*.caution`) the later one wins. The
/// command line refuses such a pair instead: call
/// [`Setting::changes`] first to do the same.
///
/// A value a rule refuses is reported as the file's number would be, at
/// the line of the number it replaces; the command line adds which setting
/// gave it ("(with --set agency.DoD.caution=1.5)").
///
/// The returned scenario's `warnings` are those of its text. Two notes are
/// about a setting itself and are the command line's to add, as
/// [`crate::sweep::overriding_events`] (an event within the horizon sets
/// the number, so the setting matters only before it, or not at all) and
/// [`crate::sweep::unused_weight`] (every agency overrides the `[choice]`
/// weight set).
pub fn parse_with(
    source: &str,
    path: impl AsRef<Path>,
    settings: &[Setting],
) -> Result<Scenario, ScenarioError> {
    let path = path.as_ref();
    // A byte-order mark (as Excel and Notepad may write) holds no setting;
    // without it the hints that quote line 1 quote what the user sees.
    // Lines are counted the same either way.
    let source = source.strip_prefix('\u{FEFF}').unwrap_or(source);
    let mut scenario = validate::validate_with_warnings(source, path, settings).map_err(
        |(diagnostics, warnings)| ScenarioError {
            path: path.to_path_buf(),
            diagnostics,
            warnings,
        },
    )?;
    stream_keys::assign(&mut scenario);
    Ok(scenario)
}
