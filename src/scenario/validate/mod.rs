//! From TOML as written to a checked [`Scenario`].
//!
//! Every rule of MODEL.md section 2 and docs/scenario-reference.md is
//! checked here, once. Problems are collected rather than stopping at the
//! first, so a user fixes a file in one pass; each names its line and the
//! rule, and suggests the likely fix. What is allowed but probably not
//! meant becomes a warning on the checked scenario instead: an event past
//! the horizon, an integer `until` that reads as a year, an addition as wide
//! as its number's range, a rate above 1 that reads as a percentage, an
//! `innovation` that makes most units adopt at once, a distribution clamped
//! in 5% or more of its draws, an agency without the `annual_value` the
//! others give, a tier no vendor can serve or a vendor that can serve no
//! tier, an attribute no weight uses, a name a spreadsheet reads as a value
//! or pandas as missing, or one with a `;` that LibreOffice would split.
//!
//! `Checker` collects the diagnostics; each part of the file has its own
//! module of `Checker` methods:
//!
//! - `values`: numbers, integers and distributions in their ranges;
//! - `naming`: declared names and their rules, the tiers;
//! - `choice`: the weights of `[choice]` and agencies' `choice` tables;
//! - `vendor`, `agency`, `event`: one `[[vendor]]`, `[[agency]]` or
//!   `[[event]]` each;
//! - `unserved`: the warnings about tiers and vendors that can never meet.

mod agency;
pub(in crate::scenario) mod choice;
mod event;
mod naming;
mod unserved;
mod values;
mod vendor;

use std::path::Path;

use super::lines::LineIndex;
use super::lookup::{declared_names, did_you_mean};
use super::names::{not_shown, printable};

/// A message as it is kept and shown: hidden characters escaped, and cut
/// to `text::MAX_MESSAGE_CHARS` when it repeats a huge value of the file.
fn shown(message: &str) -> String {
    crate::text::bounded_message(printable(message))
}
use super::raw::{self, RawScenario};
use super::vary::{self, NOT_IN_FILE, Setting};
use super::{Agency, Diagnostic, Event, Scenario, Vendor};
use crate::calendar::{Calendar, Step, YearMonth, month_rule};

/// Upper bounds that keep a scenario's memory and arithmetic sane.
pub const MAX_PERIODS: i64 = 10_000;
pub(super) const MAX_TERM: i64 = 1_000_000;
pub(crate) const MAX_RUNS: i64 = 100_000_000;
pub(super) const MAX_TOTAL_UNITS: u64 = u32::MAX as u64;
/// The most vendors times tiers: each vendor has an access at every tier,
/// checked and kept at about 90 bytes a pair.
pub(super) const MAX_VENDOR_TIERS: u64 = 1_000_000;
/// The most agencies times tiers: each pair is a segment of the count
/// engine, whose working set is several hundred bytes a segment per thread.
pub(super) const MAX_AGENCY_TIERS: u64 = 10_000_000;

/// [`validate_with_warnings`] for the tests, which look at the errors.
#[cfg(test)]
pub fn validate(
    source: &str,
    path: &Path,
    settings: &[Setting],
) -> Result<Scenario, Vec<Diagnostic>> {
    validate_with_warnings(source, path, settings).map_err(|(errors, _)| errors)
}

/// Checks `source` with each of `settings` applied to it first (see
/// `vary`); a setting that matches nothing in the file is the only error
/// reported then. A rejected file comes with the warnings its checks drew
/// too, so that one pass of fixes can answer both.
pub fn validate_with_warnings(
    source: &str,
    path: &Path,
    settings: &[Setting],
) -> Result<Scenario, (Vec<Diagnostic>, Vec<Diagnostic>)> {
    let mut cx = Checker::new(source);
    let mut raw: RawScenario = match raw::read(source) {
        Ok(raw) => raw,
        Err(problems) => {
            return Err((
                problems
                    .into_iter()
                    .map(|(span, message)| Diagnostic {
                        line: span.map(|s| cx.line(&s)),
                        message: shown(&message),
                    })
                    .collect(),
                Vec::new(),
            ));
        }
    };
    let unmatched: Vec<Diagnostic> = settings
        .iter()
        .filter_map(|setting| vary::apply(&mut raw, setting).err())
        .map(|message| Diagnostic {
            line: None,
            message: shown(&message),
        })
        .collect();
    if !unmatched.is_empty() {
        return Err((unmatched, Vec::new()));
    }
    let scenario = cx.scenario(raw, path);
    if cx.errors.is_empty() {
        let mut scenario = scenario.expect("a scenario is built whenever no error was recorded");
        scenario.warnings = cx.warnings;
        Ok(scenario)
    } else {
        cx.errors.sort_by_key(|d| d.line);
        // A warning on a line that has an error may read the error's slip
        // as meant (a duplicate name compared with itself): left out.
        let errors = &cx.errors;
        let warnings = cx
            .warnings
            .iter()
            .filter(|w| {
                w.line
                    .is_none_or(|line| errors.iter().all(|e| e.line != Some(line)))
            })
            .cloned()
            .collect();
        Err((cx.errors, warnings))
    }
}

/// What is counted against a limit of pairs with the tiers.
#[derive(Clone, Copy)]
enum Kind {
    Vendors,
    Agencies,
}

/// The error when `count` vendors or agencies times `tiers` tiers (declared
/// in the file, or the one default tier) exceed their limit,
/// [`MAX_VENDOR_TIERS`] or [`MAX_AGENCY_TIERS`].
fn too_many_pairs(count: usize, kind: Kind, tiers: usize, declared: bool) -> Option<String> {
    let (plural, what, most) = match kind {
        Kind::Vendors => (
            "vendors",
            "each vendor has an access at every tier",
            MAX_VENDOR_TIERS,
        ),
        Kind::Agencies => (
            "agencies",
            "each pair is a segment of the market",
            MAX_AGENCY_TIERS,
        ),
    };
    let pairs = count as u64 * tiers as u64;
    if pairs <= most {
        return None;
    }
    Some(if declared {
        format!(
            "{count} {plural} and {tiers} tiers make {pairs} pairs ({what}); at most {most} are \
             supported: declare fewer tiers or {plural}"
        )
    } else {
        format!("{count} {plural} are more than the {most} supported in one scenario")
    })
}

struct Checker {
    /// Where each line of `source` starts, so that finding a span's line
    /// is a binary search: every event's change keys its line, and
    /// counting breaks from the top each time made `check` of a file of
    /// 40,000 events take 17.7 s (0.49 s by search).
    lines: LineIndex,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
}

impl Checker {
    fn new(source: &str) -> Self {
        Checker {
            lines: LineIndex::of(source),
            errors: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The line (from 1) on which `span` starts.
    fn line(&self, span: &std::ops::Range<usize>) -> usize {
        self.lines.line(span.start)
    }

    /// The line of `span`, unless it is [`NOT_IN_FILE`].
    fn line_of(&self, span: &std::ops::Range<usize>) -> Option<usize> {
        (*span != NOT_IN_FILE).then(|| self.line(span))
    }

    fn error(&mut self, span: &std::ops::Range<usize>, message: impl Into<String>) {
        let line = self.line_of(span);
        self.errors.push(Diagnostic {
            line,
            message: shown(&message.into()),
        });
    }

    /// An error about the file as a whole (a missing key or section), with
    /// no line to point at.
    fn error_in_file(&mut self, message: impl Into<String>) {
        self.errors.push(Diagnostic {
            line: None,
            message: shown(&message.into()),
        });
    }

    /// The result of a lookup; a failed one is an error at `span`.
    fn found<T>(&mut self, span: &std::ops::Range<usize>, result: Result<T, String>) -> Option<T> {
        result.map_err(|m| self.error(span, m)).ok()
    }

    fn warn(&mut self, span: &std::ops::Range<usize>, message: impl Into<String>) {
        let line = self.line_of(span);
        self.warnings.push(Diagnostic {
            line,
            message: shown(&message.into()),
        });
    }

    /// Whether the file's vendors and agencies, each times its `tiers`
    /// tiers, stay within [`MAX_VENDOR_TIERS`] and [`MAX_AGENCY_TIERS`]; if
    /// not, an error at `tiers`, before anything is built per pair.
    fn tier_pairs_fit(&mut self, raw: &RawScenario, tiers: usize) -> bool {
        let messages = [
            too_many_pairs(raw.vendor.len(), Kind::Vendors, tiers, raw.tiers.is_some()),
            too_many_pairs(raw.agency.len(), Kind::Agencies, tiers, raw.tiers.is_some()),
        ];
        let fit = messages.iter().all(Option::is_none);
        for message in messages.into_iter().flatten() {
            match &raw.tiers {
                Some(declared) => self.error(&declared.span(), message),
                None => self.error_in_file(message),
            }
        }
        fit
    }

    fn scenario(&mut self, raw: RawScenario, path: &Path) -> Option<Scenario> {
        let name = match &raw.name {
            Some(n) => match not_shown(n.get_ref()) {
                Some(why) => {
                    self.error(
                        &n.span(),
                        format!("name {why} (leave it out to use the file name)"),
                    );
                    String::new()
                }
                None => {
                    let name = n.get_ref().trim().to_string();
                    self.no_hidden_chars(&name, &n.span(), "name");
                    name
                }
            },
            None => self.name_from_file(path),
        };

        let start = match &raw.start {
            None => {
                self.error_in_file(
                    "required key 'start' is missing (the first period, as \"YYYY-MM\")",
                );
                None
            }
            Some(s) => {
                let parsed = YearMonth::parse(s.get_ref());
                if parsed.is_none() {
                    self.error(
                        &s.span(),
                        format!("start must be {}", month_rule(s.get_ref())),
                    );
                }
                parsed
            }
        };
        let periods = match &raw.periods {
            None => {
                self.error_in_file(
                    "required key 'periods' is missing (the number of periods to simulate)",
                );
                None
            }
            Some(v) => self.integer(v, "periods", 1, MAX_PERIODS),
        };
        let step = match &raw.step {
            None => Some(Step::Month),
            Some(s) => {
                let step = Step::parse(s.get_ref());
                if step.is_none() {
                    self.error(
                        &s.span(),
                        format!(
                            "step must be month, quarter or year, got \"{}\"{}",
                            s.get_ref(),
                            did_you_mean(s.get_ref(), ["month", "quarter", "year"])
                        ),
                    );
                }
                step
            }
        };
        let runs = match &raw.runs {
            None => Some(1000),
            Some(v) => self.integer(v, "runs", 1, MAX_RUNS),
        };
        let seed = match &raw.seed {
            None => Some(1),
            Some(v) => self.integer(v, "seed", 0, i64::MAX),
        };

        let tiers = self.tiers(&raw);
        if !self.tier_pairs_fit(&raw, tiers.len()) {
            return None;
        }
        let (attributes, weights) = self.choice(&raw);

        let calendar = match (start, periods, step) {
            (Some(start), Some(periods), Some(step)) => Some(Calendar {
                start,
                step,
                periods: periods as u32,
            }),
            _ => None,
        };
        // Dates in the outputs and reports are YYYY-MM(-DD): the horizon,
        // the last period's last month included, must end by 9999-12.
        if let (Some(cal), Some(p)) = (&calendar, &raw.periods)
            && cal.end_month().year > 9999
        {
            self.error(
                &p.span(),
                format!(
                    "the horizon would end in {}, after 9999-12, which dates cannot express; use fewer periods or an earlier start",
                    cal.end_month()
                ),
            );
        }

        if raw.vendor.is_empty() {
            self.error_in_file(
                "a scenario needs at least one [[vendor]] (with name, brand and access)",
            );
        }
        let mut unweighted = std::collections::HashMap::new();
        let spellings = choice::Spellings::of(&raw, &attributes);
        let vendors: Vec<Option<Vendor>> = raw
            .vendor
            .iter()
            .map(|v| self.vendor(v, &tiers, &attributes, &spellings, &mut unweighted))
            .collect();
        self.unique(raw.vendor.iter().map(|v| &v.get_ref().name), "vendor");

        if raw.agency.is_empty() {
            self.error_in_file("a scenario needs at least one [[agency]] (with name, units, term, innovation and imitation)");
        }
        let vendor_names = declared_names(raw.vendor.iter().map(|v| &v.get_ref().name));
        let agencies: Vec<Option<Agency>> = raw
            .agency
            .iter()
            .map(|a| self.agency(a, &tiers, &attributes, &vendor_names, &vendors))
            .collect();
        self.unique(raw.agency.iter().map(|a| &a.get_ref().name), "agency");
        // The agencies' warnings about annual values need the events' dates
        // (one that never fires changes nothing), but are said here, among
        // the agencies'.
        let annual_value_warnings_at = self.warnings.len();

        let total_units: u64 = agencies.iter().flatten().map(|a| u64::from(a.units)).sum();
        if agencies.iter().all(Option::is_some) && !agencies.is_empty() {
            if total_units == 0 {
                let message = "the scenario has no units: at least one agency needs units >= 1";
                // At the first agency's `units`, where a fix would go.
                match raw.agency.first().and_then(|a| a.get_ref().units.as_ref()) {
                    Some(units) => self.error(&units.span(), message),
                    None => self.error_in_file(message),
                }
            } else if total_units > MAX_TOTAL_UNITS {
                self.error_in_file(format!("the scenario has {total_units} units in all; at most {MAX_TOTAL_UNITS} are supported"));
            }
        }

        let agency_names = declared_names(raw.agency.iter().map(|a| &a.get_ref().name));
        let declared = event::Declared {
            tiers: &tiers,
            attributes: &attributes,
            vendor_names: &vendor_names,
            agency_names: &agency_names,
        };
        let events: Vec<Option<Event>> = raw
            .event
            .iter()
            .enumerate()
            .map(|(i, e)| self.event(i + 1, e, calendar.as_ref(), &declared))
            .collect();
        self.weights_without_attribute(&raw, &attributes, &events);
        // Whether each event's change holds to the end of the horizon: it
        // fires within it, and a temporary one ends after it.
        let lasting: Vec<bool> = events
            .iter()
            .map(|e| match (e, &calendar) {
                (Some(e), Some(cal)) => {
                    e.period < cal.periods && e.until.is_none_or(|u| u >= cal.periods)
                }
                _ => true,
            })
            .collect();
        let before = self.warnings.len();
        self.warn_missing_annual_values(&raw, &agencies, &lasting);
        let added = self.warnings.len() - before;
        self.warnings[annual_value_warnings_at..].rotate_right(added);

        if !self.errors.is_empty() {
            return None;
        }
        let scenario = Scenario {
            name,
            calendar: calendar?,
            runs: runs? as u64,
            seed: seed? as u64,
            tiers,
            attributes,
            weights,
            vendors: vendors.into_iter().collect::<Option<_>>()?,
            agencies: agencies.into_iter().collect::<Option<_>>()?,
            events: events.into_iter().collect::<Option<_>>()?,
            warnings: Vec::new(),
        };
        self.warn_unserved_tiers(&scenario, &raw);
        self.warn_idle_vendors(&scenario, &raw);
        Some(scenario)
    }
}

#[cfg(test)]
mod tests {
    /// Without `tiers`, the one default tier makes the limits counts of
    /// vendors and agencies, and the message says so.
    #[test]
    fn too_many_vendors_or_agencies_without_tiers_are_counted_alone() {
        use super::{Kind, too_many_pairs};
        assert_eq!(too_many_pairs(1_000_000, Kind::Vendors, 1, false), None);
        assert_eq!(
            too_many_pairs(1_000_001, Kind::Vendors, 1, false).as_deref(),
            Some("1000001 vendors are more than the 1000000 supported in one scenario")
        );
        assert_eq!(
            too_many_pairs(10_000_001, Kind::Agencies, 1, false).as_deref(),
            Some("10000001 agencies are more than the 10000000 supported in one scenario")
        );
        assert_eq!(too_many_pairs(10_000_000, Kind::Agencies, 1, false), None);
    }

    /// A file whose vendors or agencies times tiers run past their limits
    /// is refused at `tiers` (its line, the counts and the limit) before
    /// anything is built per pair; at the limit it is accepted.
    #[test]
    fn too_many_tier_pairs_are_refused_at_tiers() {
        use super::{MAX_AGENCY_TIERS, MAX_VENDOR_TIERS};
        let scenario = |tiers: usize, vendors: usize, agencies: usize| {
            let names: Vec<String> = (0..tiers).map(|t| format!("\"t{t}\"")).collect();
            let mut text = format!(
                "name = \"pairs\"\nstart = \"2026-01\"\nperiods = 2\ntiers = [{}]\n",
                names.join(", ")
            );
            for v in 0..vendors {
                text +=
                    &format!("[[vendor]]\nname = \"v{v}\"\nbrand = 0.5\naccess = {{ t0 = 1.0 }}\n");
            }
            for a in 0..agencies {
                text += &format!(
                    "[[agency]]\nname = \"a{a}\"\nunits = 1\ninnovation = 0.1\nimitation = 0.1\nterm = 2\n"
                );
            }
            super::validate(&text, std::path::Path::new("pairs.toml"), &[])
        };
        let tiers = 1_000;
        let vendors = (MAX_VENDOR_TIERS / tiers) as usize;
        assert!(scenario(tiers as usize, vendors, 1).is_ok());
        let errors = scenario(tiers as usize, vendors + 1, 1).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, Some(4));
        assert_eq!(
            errors[0].message,
            format!(
                "{} vendors and 1000 tiers make {} pairs (each vendor has an access at every tier); at most 1000000 are supported: declare fewer tiers or vendors",
                vendors + 1,
                (vendors as u64 + 1) * tiers
            )
        );
        let tiers = 10_000;
        let agencies = (MAX_AGENCY_TIERS / tiers) as usize;
        assert!(scenario(tiers as usize, 1, agencies).is_ok());
        let errors = scenario(tiers as usize, 1, agencies + 1).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, Some(4));
        assert!(
            errors[0].message.starts_with(&format!(
                "{} agencies and 10000 tiers make {} pairs (each pair is a segment of the market); at most 10000000",
                agencies + 1,
                (agencies as u64 + 1) * tiers
            )),
            "{}",
            errors[0].message
        );
    }
}
