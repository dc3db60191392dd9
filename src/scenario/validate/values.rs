//! Numbers as a scenario writes them: a plain number or a distribution
//! table, held to the range of the field it sets, and plain integers.

use toml::Value;

use super::Checker;
use crate::scenario::DIGITS_ONLY;
use crate::scenario::lookup::did_you_mean;
use crate::scenario::param::{self, DistSpec, FAMILIES, Param, Range, Shown, hundredth};
use crate::scenario::raw::SpannedValue;

/// The share of a distribution's draws clamped to a bound above which a
/// scenario is warned: a twentieth of the runs sitting exactly on the
/// bound is rarely what the author meant.
const HEAVY_CLAMPING: f64 = 0.05;

/// The share of a distribution without bounds (normal, lognormal) whose
/// draws fall inside a field's range below which it is refused, as one
/// whose every draw lies outside is:
/// fewer than one draw in a million (a normal centred at 30 for a fraction)
/// leaves every run of any realistic job at one bound.
const HOPELESS_INSIDE: f64 = 1e-6;

/// A share of draws in whole percent, never rounded to "100%" unless it is
/// every draw: "more than 99%" rather than a contradiction of the rule that
/// rejects a distribution whose every draw lies outside its range.
fn share_of_draws(share: f64) -> String {
    let shown = format!("{:.0}%", 100.0 * share);
    if share < 1.0 && shown == "100%" {
        "more than 99%".to_string()
    } else {
        shown
    }
}

/// A plain number, integer or not.
pub(super) fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    }
}

pub(super) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a decimal number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "an array",
        Value::Table(_) => "a table",
    }
}

/// The families whose draws can stay within `range`, for the advice that
/// follows a heavily clamped distribution.
fn fitting_families(range: Range) -> String {
    if range == Range::UNIT {
        "beta, PERT or triangular for values in [0, 1]".to_string()
    } else if range.low == 0.0 {
        format!(
            "lognormal for rates and amounts above 0, or PERT, triangular or uniform with bounds {}",
            range.describe()
        )
    } else {
        format!(
            "PERT, triangular or uniform with bounds {}",
            range.describe()
        )
    }
}

impl Checker {
    /// A number or a distribution, valid for `range`.
    pub(super) fn param(&mut self, v: &SpannedValue, what: &str, range: Range) -> Option<Param> {
        let span = v.span();
        if let Some(x) = number(v.get_ref()) {
            return self.fixed(&span, x, what, range);
        }
        match v.get_ref() {
            Value::Table(t) => {
                if t.len() != 1 {
                    self.error(
                        &span,
                        format!(
                            "{what}: a distribution is a table with exactly one key, such as {{ normal = [mean, sd] }}; families: {}",
                            FAMILIES.join(", ")
                        ),
                    );
                    return None;
                }
                let (family, args) = t.iter().next().expect("one entry");
                if !FAMILIES.contains(&family.as_str()) {
                    self.error(
                        &span,
                        format!(
                            "{what}: unknown distribution '{family}'; families: {}{}",
                            FAMILIES.join(", "),
                            did_you_mean(family, FAMILIES)
                        ),
                    );
                    return None;
                }
                let numbers: Option<Vec<f64>> = match args {
                    Value::Array(items) => items.iter().map(number).collect(),
                    _ => None,
                };
                let Some(numbers) = numbers else {
                    self.error(
                        &span,
                        format!(
                            "{what}: {family} takes an array of numbers, such as {family} = [{}]",
                            param::arguments(family).unwrap_or("...")
                        ),
                    );
                    return None;
                };
                match DistSpec::new(family, &numbers) {
                    Ok(spec) => {
                        let (low, high) = spec.support();
                        if low > range.high || high < range.low {
                            let hint = match spec.written_in_hundredths() {
                                Some(written)
                                    if range == Range::UNIT
                                        && low > 1.0
                                        && (2.0..=100.0).contains(&high) =>
                                {
                                    format!("; if its numbers are percentages, write {written}")
                                }
                                _ => String::new(),
                            };
                            self.error(
                                &span,
                                format!(
                                    "{what} must be {}, but every draw of {spec} lies outside that range{hint}",
                                    range.describe()
                                ),
                            );
                            return None;
                        }
                        let clamped = spec.share_outside(range);
                        // A fraction written as percentages, or a lognormal
                        // written on the value's own scale, is told how to
                        // write it; any other distribution the families
                        // that fit.
                        let rewritten = (range == Range::UNIT)
                            .then(|| percentages_reading(spec, false))
                            .flatten()
                            .or_else(|| match spec {
                                DistSpec::LogNormal { mu, sigma } if mu > range.high.ln() => {
                                    lognormal_on_the_log_scale(mu, sigma, range)
                                }
                                _ => None,
                            });
                        // A bounded family is held to the rule above (its
                        // support may end at a bound: every draw of
                        // uniform(-1, 0) is 0, as meant); one without bounds
                        // (normal, lognormal) to its share of draws.
                        let unbounded = low.is_infinite() || high.is_infinite();
                        if unbounded && 1.0 - clamped < HOPELESS_INSIDE {
                            // One bound when nearly every draw falls on its
                            // side; both when a wide spread sends draws past
                            // either.
                            let above = spec.share_above(range.high);
                            let bounds = if above >= NEARLY_EVERY {
                                Shown(range.high).to_string()
                            } else if above <= 1.0 - NEARLY_EVERY {
                                Shown(range.low).to_string()
                            } else {
                                format!("{} or {}", Shown(range.low), Shown(range.high))
                            };
                            self.error(
                                &span,
                                format!(
                                    "{what} must be {}, but fewer than one draw in a million of {spec} lies inside that range, so every run would use {bounds}{}",
                                    range.describe(),
                                    rewritten.unwrap_or_default()
                                ),
                            );
                            return None;
                        }
                        if clamped >= HEAVY_CLAMPING {
                            let advice = rewritten.unwrap_or_else(|| {
                                format!(
                                    "; prefer a family whose support fits the range ({})",
                                    fitting_families(range)
                                )
                            });
                            self.warn(
                                &span,
                                format!(
                                    "{what} must be {}: {} of the draws of {spec} lie outside that range and are clamped to its nearest bound, which piles them on that one value{advice}",
                                    range.describe(),
                                    share_of_draws(clamped),
                                ),
                            );
                        }
                        Some(Param::drawn(spec, range))
                    }
                    Err(rule) => {
                        // Too large to represent: most likely the value's
                        // own mean and sd, written where their logarithm's go.
                        let hint = match numbers[..] {
                            [mu, sigma] if family == "lognormal" && sigma > 0.0 => {
                                lognormal_on_the_log_scale(mu, sigma, range)
                            }
                            _ => None,
                        };
                        self.error(&span, format!("{what}: {rule}{}", hint.unwrap_or_default()));
                        None
                    }
                }
            }
            other => {
                self.error(
                    &span,
                    format!(
                        "{what} must be a number or a distribution such as {{ normal = [mean, sd] }}, not {}{}",
                        type_name(other),
                        unquoted_number(other, None)
                    ),
                );
                None
            }
        }
    }

    fn fixed(
        &mut self,
        span: &std::ops::Range<usize>,
        x: f64,
        what: &str,
        range: Range,
    ) -> Option<Param> {
        if !x.is_finite() {
            self.error(
                span,
                format!("{what} must be a finite number, got {}", Shown(x)),
            );
            None
        } else if !range.contains(x) {
            self.error(
                span,
                format!(
                    "{what} must be {}, got {}{}",
                    range.describe(),
                    Shown(x),
                    percentage_hint(x, range, false)
                ),
            );
            None
        } else {
            Some(Param::fixed(x, range))
        }
    }

    /// A plain integer in `min..=max`.
    pub(super) fn integer(
        &mut self,
        v: &SpannedValue,
        what: &str,
        min: i64,
        max: i64,
    ) -> Option<i64> {
        let span = v.span();
        match v.get_ref() {
            Value::Integer(i) if (min..=max).contains(i) => Some(*i),
            Value::Integer(i) => {
                self.error(
                    &span,
                    format!("{what} must be a whole number from {min} to {max}, got {i}"),
                );
                None
            }
            Value::Table(_) => {
                self.error(
                    &span,
                    format!("{what} must be a plain integer, never a distribution"),
                );
                None
            }
            // `1e3` and `1000.0` are TOML floats: say how to write the
            // number they spell, when a float holds it exactly (up to 2^53;
            // beyond, its digits are already lost).
            Value::Float(x)
                if x.fract() == 0.0
                    && x.abs() <= 2f64.powi(53)
                    && (min as f64..=max as f64).contains(x) =>
            {
                self.error(
                    &span,
                    format!(
                        "{what} must be a plain integer, not a decimal number: write {}{DIGITS_ONLY}",
                        *x as i64
                    ),
                );
                None
            }
            other => {
                self.error(
                    &span,
                    format!(
                        "{what} must be a plain integer, not {}{}",
                        type_name(other),
                        unquoted_number(other, Some(what))
                    ),
                );
                None
            }
        }
    }
}

/// For a lognormal whose `mu` and `sigma` read as the value's own mean and
/// standard deviation rather than its logarithm's (`lognormal = [120000,
/// 30000]` for a contract worth about $120,000): the lognormal with that
/// mean and sd, `sigma_ln^2 = ln(1 + (sigma / mu)^2)` and `mu_ln = ln mu -
/// sigma_ln^2 / 2`, rounded to four decimals, when its draws fit `range`
/// (clamped in fewer than 5%). When `sigma` is small beside `mu` and could
/// be the logarithm's sd already (up to 2, as in `lognormal = [2.4e6,
/// 0.3]` for a median of $2.4 million): also, or instead, the lognormal of
/// median `mu`, `[ln mu, sigma]`, when it fits.
fn lognormal_on_the_log_scale(mu: f64, sigma: f64, range: Range) -> Option<String> {
    if !(mu > 0.0 && sigma > 0.0 && mu.is_finite() && sigma.is_finite()) {
        return None;
    }
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let fits = |mu_ln: f64, sigma_ln: f64| {
        DistSpec::new("lognormal", &[mu_ln, sigma_ln])
            .is_ok_and(|d| d.share_outside(range) < HEAVY_CLAMPING)
    };
    let variance = (sigma / mu).powi(2).ln_1p();
    let (mu_ln, sigma_ln) = (round(mu.ln() - variance / 2.0), round(variance.sqrt()));
    let as_mean_and_sd = (sigma_ln > 0.0 && fits(mu_ln, sigma_ln)).then(|| {
        format!(
            "if {} and {} are the value's own mean and sd, write {{ lognormal = [{}, {}] }}",
            Shown(mu),
            Shown(sigma),
            Shown(mu_ln),
            Shown(sigma_ln)
        )
    });
    let median_ln = round(mu.ln());
    let as_median = (sigma <= 2.0 && sigma < mu / 100.0 && fits(median_ln, sigma)).then(|| {
        format!(
            "if {} is the value's median and {} the sd of its logarithm, write {{ lognormal = [{}, {}] }} (ln {} = {})",
            Shown(mu),
            Shown(sigma),
            Shown(median_ln),
            Shown(sigma),
            Shown(mu),
            Shown(median_ln)
        )
    });
    let readings: Vec<String> = [as_mean_and_sd, as_median].into_iter().flatten().collect();
    (!readings.is_empty()).then(|| {
        format!(
            "; lognormal's numbers are the mean and sd of the value's natural logarithm: {}",
            readings.join("; ")
        )
    })
}

/// "; if 45 is a percentage, write 0.45" where `x` is a fraction (`range`
/// [0, 1]) most likely written as a percentage: from 2 to 100, or from -2
/// to -100 for an amount an event adds (`added`); below 2 it is more
/// likely a slip. Empty otherwise.
pub(super) fn percentage_hint(x: f64, range: Range, added: bool) -> String {
    // An amount added of 100 would be told to add 1, itself the whole range.
    let (size, most) = if added { (x.abs(), 99.0) } else { (x, 100.0) };
    if range == Range::UNIT && (2.0..=most).contains(&size) {
        as_percentage(x)
    } else {
        String::new()
    }
}

/// "; if its numbers are percentages, write { normal = [0.3, 0.05] }" for a
/// distribution of a fraction whose draws read as percentages: most of them
/// from 2 to 100 and nearly none beyond (for an amount an event adds,
/// `added`, the same from -2 to -99, or from 2 to 99, as
/// [`percentage_hint`] reads a fixed amount). `None` otherwise, and for
/// beta and lognormal, whose numbers do not scale with their draws.
pub(super) fn percentages_reading(spec: DistSpec, added: bool) -> Option<String> {
    let most = if added { 99.0 } else { 100.0 };
    let share_below = |x: f64| 1.0 - spec.share_above(x);
    let positive = spec.share_above(2.0) >= 0.5 && spec.share_above(most) <= 0.001;
    let negative = added && share_below(-2.0) >= 0.5 && share_below(-most) <= 0.001;
    if !(positive || negative) {
        return None;
    }
    spec.written_in_hundredths()
        .map(|written| format!("; if its numbers are percentages, write {written}"))
}

/// The share of a distribution's draws beyond a line from which its every
/// run is warned of as beyond it: a normal has no bounds, yet one centred
/// at 5 for a rate is never below 1.
pub(super) const NEARLY_EVERY: f64 = 0.999;

/// What a warning of a rate per period above 1 says of it.
pub(super) const CAPPED: &str = "(the adoption chance is capped at 1)";

/// An `innovation` or `imitation` above 1 a period in every run: legal
/// (caution scales it down), but far more often a percentage written as
/// such. The agency's own rate and an event's change are warned of alike.
pub(super) enum RateAboveOne {
    /// A fixed rate above 1.
    Fixed(f64),
    /// A distribution with [`NEARLY_EVERY`] of its draws above 1;
    /// `how_many` is "every draw" where its support is, else "nearly
    /// every draw".
    Drawn {
        spec: DistSpec,
        how_many: &'static str,
    },
}

impl RateAboveOne {
    pub(super) fn of(param: &Param) -> Option<RateAboveOne> {
        match (param.fixed_value(), param.spec()) {
            (Some(x), _) if x > 1.0 => Some(RateAboveOne::Fixed(x)),
            (_, Some(spec)) if spec.share_above(1.0) >= NEARLY_EVERY => {
                let how_many = if spec.support().0 > 1.0 {
                    "every draw"
                } else {
                    "nearly every draw"
                };
                Some(RateAboveOne::Drawn { spec, how_many })
            }
            _ => None,
        }
    }

    /// The rate read as a percentage: a fixed one up to 100 (beyond, its
    /// hundredth would be a rate above 1 still), or a distribution's draws
    /// as [`percentages_reading`] reads them; empty otherwise.
    pub(super) fn hint(&self) -> String {
        match *self {
            RateAboveOne::Fixed(x) if x <= 100.0 => as_percentage(x),
            RateAboveOne::Fixed(_) => String::new(),
            RateAboveOne::Drawn { spec, .. } => {
                percentages_reading(spec, false).unwrap_or_default()
            }
        }
    }
}

/// "; if 45 is a percentage, write 0.45": `x` read as a percentage.
pub(super) fn as_percentage(x: f64) -> String {
    format!(
        "; if {} is a percentage, write {}",
        Shown(x),
        Shown(hundredth(x))
    )
}

/// For a number written in quotes (`term = "36"`), how to write it: TOML
/// reads quoted digits as text. Only a whole number where one goes: where
/// `whole` is the message's name of the number (`agency 'DoD' units`).
fn unquoted_number(value: &Value, whole: Option<&str>) -> String {
    use crate::scenario::spreadsheet::{NumberKind, spreadsheet_number};
    let Value::String(text) = value else {
        return String::new();
    };
    let text = text.trim();
    // A whole number of units, runs or a seed may have a unit suffix; one
    // of periods or months (`term`) may not. The message names the key last.
    let kind = match whole.map(|what| what.rsplit(' ').next().and_then(NumberKind::of_key)) {
        None => NumberKind::Any,
        Some(Some(NumberKind::Whole)) => NumberKind::Whole,
        Some(_) => NumberKind::Periods,
    };
    // The number as TOML writes it (`.5` and `010` are not TOML numbers).
    let number = if whole.is_some() {
        text.parse::<i64>().ok().map(|i| i.to_string())
    } else {
        text.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .map(|x| Shown(x).to_string())
    };
    if let Some(n) = number {
        return format!(": write {n} without the quotes");
    }
    // A number as a spreadsheet shows it ("45%", "2,500,000"), quoted.
    match spreadsheet_number(text, kind) {
        Some(n) => format!(": write {} ({})", n.advice(" without the quotes"), n.why),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::Diagnostic;
    use crate::scenario::validate::validate;

    /// docs/scenario-reference.md: `check` and `run` warn when 5% or more
    /// of a distribution's draws would be clamped. A caution drawn from
    /// normal(0.9, sd) lies above 1 with probability 1 - Phi(0.1 / sd):
    /// 15.9% with sd 0.1, 5.5% with sd 0.1 / 1.6 (warned), 4.5% with sd
    /// 0.1 / 1.7 (not).
    #[test]
    fn clamping_is_warned_of_from_five_percent_of_draws() {
        let warnings = |sd: f64| {
            let source = format!(
                "start = \"2026-01\"\nperiods = 3\n\
                 [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                 [[agency]]\nname = \"X\"\nunits = 10\nterm = 12\ninnovation = 0.1\n\
                 imitation = 0.0\ncaution = {{ normal = [0.9, {sd}] }}\n"
            );
            let s = validate(&source, Path::new("t.toml"), &[]).unwrap();
            s.warnings
                .into_iter()
                .map(|w| w.message)
                .collect::<Vec<_>>()
        };
        let heavy = warnings(0.1);
        assert!(
            heavy.len() == 1
                && heavy[0].contains("16% of the draws of normal(0.9, 0.1) lie outside that range"),
            "{heavy:?}"
        );
        assert_eq!(warnings(0.1 / 1.6).len(), 1);
        assert!(warnings(0.1 / 1.7).is_empty());
    }

    /// A lognormal given the value's own mean and sd instead of its
    /// logarithm's is told the lognormal with that mean and sd: 120 and 30
    /// give sigma^2 = ln(1 + 0.0625) = 0.060625, sigma = 0.2462 and mu =
    /// ln 120 - 0.030312 = 4.7572; 150000 and 40000 give 0.2621 and 11.884.
    /// A lognormal that is merely wide keeps the usual advice.
    #[test]
    fn a_lognormal_of_the_value_itself_is_told_its_logarithms() {
        let outcome = annual_value_outcome;
        assert_eq!(
            outcome("{ lognormal = [120, 30] }"),
            [
                "agency 'X' annual_value must be in [0, 1e15]: more than 99% of the draws of lognormal(120, 30) lie outside that range and are clamped to its nearest bound, which piles them on that one value; lognormal's numbers are the mean and sd of the value's natural logarithm: if 120 and 30 are the value's own mean and sd, write { lognormal = [4.7572, 0.2462] }"
            ]
        );
        assert_eq!(
            outcome("{ lognormal = [150000, 40000] }"),
            [
                "agency 'X' annual_value: lognormal [150000, 40000] draws numbers too large to represent; use mu + 8*sigma <= 700; lognormal's numbers are the mean and sd of the value's natural logarithm: if 150000 and 40000 are the value's own mean and sd, write { lognormal = [11.884, 0.2621] }"
            ]
        );
        let wide = outcome("{ lognormal = [33, 4] }");
        assert!(
            wide.len() == 1 && wide[0].ends_with("prefer a family whose support fits the range (lognormal for rates and amounts above 0, or PERT, triangular or uniform with bounds in [0, 1e15])"),
            "{wide:?}"
        );
        assert!(outcome("{ lognormal = [13.8, 0.3] }").is_empty());
        // Both readings fit: both are told.
        let both = outcome("{ lognormal = [1000, 2] }");
        assert!(
            both.len() == 1
                && both[0].ends_with(
                    "if 1000 and 2 are the value's own mean and sd, write { lognormal = [6.9078, 0.002] }; if 1000 is the value's median and 2 the sd of its logarithm, write { lognormal = [6.9078, 2] } (ln 1000 = 6.9078)"
                ),
            "{both:?}"
        );
        // A median in dollars with the logarithm's sd.
        assert_eq!(
            outcome("{ lognormal = [2.4e6, 0.3] }"),
            [
                "agency 'X' annual_value: lognormal [2400000, 0.3] draws numbers too large to represent; use mu + 8*sigma <= 700; lognormal's numbers are the mean and sd of the value's natural logarithm: if 2400000 is the value's median and 0.3 the sd of its logarithm, write { lognormal = [14.691, 0.3] } (ln 2400000 = 14.691)"
            ]
        );
    }

    /// A one-vendor, one-agency scenario whose agency has this `caution`,
    /// validated.
    fn with_caution(caution: &str) -> Result<crate::scenario::Scenario, Vec<Diagnostic>> {
        let source = format!(
            "start = \"2026-01\"\nperiods = 12\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
            [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\ncaution = {caution}\n"
        );
        validate(&source, Path::new("t.toml"), &[])
    }

    /// The warnings of a scenario whose one agency ('X') has `annual_value
    /// = value`, or its errors if it is refused.
    fn annual_value_outcome(value: &str) -> Vec<String> {
        let source = format!(
            "start = \"2026-01\"\nperiods = 3\n\
             [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
             [[agency]]\nname = \"X\"\nunits = 10\nterm = 12\ninnovation = 0.1\n\
             imitation = 0.0\nannual_value = {value}\n"
        );
        match validate(&source, Path::new("t.toml"), &[]) {
            Ok(s) => s.warnings.into_iter().map(|w| w.message).collect(),
            Err(errors) => errors.into_iter().map(|e| e.message).collect(),
        }
    }

    /// The warnings of [`with_caution`], which must accept `caution`.
    fn caution_warnings(caution: &str) -> Vec<String> {
        let s = with_caution(caution).expect("accepted, perhaps with warnings");
        s.warnings.into_iter().map(|w| w.message).collect()
    }

    /// The first error of [`with_caution`], which must refuse `caution`.
    fn caution_error(caution: &str) -> String {
        with_caution(caution).expect_err("refused")[0]
            .message
            .clone()
    }

    /// A fraction written as a percentage (from 2 to 100) is told the
    /// fraction; a number just above 1 is more likely a slip.
    #[test]
    fn a_fraction_written_as_a_percentage_is_told_the_fraction() {
        let message = caution_error;
        assert_eq!(
            message("45"),
            "agency 'B' caution must be in [0, 1], got 45; if 45 is a percentage, write 0.45"
        );
        assert_eq!(
            message("1.5"),
            "agency 'B' caution must be in [0, 1], got 1.5"
        );
        assert_eq!(
            message("450"),
            "agency 'B' caution must be in [0, 1], got 450"
        );
        assert_eq!(
            message("-45"),
            "agency 'B' caution must be in [0, 1], got -45"
        );
        assert_eq!(
            message("{ pert = [35, 45, 60] }"),
            "agency 'B' caution must be in [0, 1], but every draw of pert(35, 45, 60) lies outside that range; if its numbers are percentages, write { pert = [0.35, 0.45, 0.6] }"
        );
    }

    /// A normal or lognormal, which has no bounds, is refused when fewer
    /// than one draw in a million falls inside the range, as a bounded
    /// family is when every draw lies outside; with more inside, heavy
    /// clamping is warned of, and percentages are told their fractions.
    #[test]
    fn a_distribution_without_bounds_almost_never_inside_is_refused() {
        assert_eq!(
            caution_error("{ normal = [30, 5] }"),
            "agency 'B' caution must be in [0, 1], but fewer than one draw in a million of normal(30, 5) lies inside that range, so every run would use 1; if its numbers are percentages, write { normal = [0.3, 0.05] }"
        );
        assert_eq!(
            caution_error("{ normal = [-1, 0.2] }"),
            "agency 'B' caution must be in [0, 1], but fewer than one draw in a million of normal(-1, 0.2) lies inside that range, so every run would use 0"
        );
        assert_eq!(
            caution_error("{ lognormal = [3, 0.5] }"),
            "agency 'B' caution must be in [0, 1], but fewer than one draw in a million of lognormal(3, 0.5) lies inside that range, so every run would use 1"
        );
        // P(draw < 1) of normal(5.5, 1) is about 3.4e-6: clamped, not refused.
        assert_eq!(
            caution_warnings("{ normal = [5.5, 1] }"),
            [
                "agency 'B' caution must be in [0, 1]: more than 99% of the draws of normal(5.5, 1) lie outside that range and are clamped to its nearest bound, which piles them on that one value; if its numbers are percentages, write { normal = [0.055, 0.01] }"
            ]
        );
        assert_eq!(
            caution_warnings("{ normal = [0.9, 0.2] }"),
            [
                "agency 'B' caution must be in [0, 1]: 31% of the draws of normal(0.9, 0.2) lie outside that range and are clamped to its nearest bound, which piles them on that one value; prefer a family whose support fits the range (beta, PERT or triangular for values in [0, 1])"
            ]
        );
        // A bounded family whose support ends at a bound is every draw at
        // that bound, as meant, not refused.
        assert!(with_caution("{ uniform = [-1, 0] }").is_ok());
    }

    /// A number written in quotes is told to drop them.
    #[test]
    fn numbers_in_quotes_are_told_to_drop_the_quotes() {
        let source = "start = \"2026-01\"\nperiods = 12\n\
            [[vendor]]\nname = \"A\"\nbrand = \" 0.5\"\naccess = { unclassified = 1.0 }\n\
            [[agency]]\nname = \"B\"\nunits = \"010\"\nterm = \"36\"\ninnovation = \"low\"\nimitation = \".5\"\n";
        let messages: Vec<String> = validate(source, Path::new("t.toml"), &[])
            .unwrap_err()
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(
            messages,
            [
                "vendor 'A' brand must be a number or a distribution such as { normal = [mean, sd] }, not a string: write 0.5 without the quotes",
                "agency 'B' units must be a plain integer, not a string: write 10 without the quotes",
                "agency 'B' term must be a plain integer, not a string: write 36 without the quotes",
                "agency 'B' innovation must be a number or a distribution such as { normal = [mean, sd] }, not a string",
                "agency 'B' imitation must be a number or a distribution such as { normal = [mean, sd] }, not a string: write 0.5 without the quotes",
            ]
        );
        // As a spreadsheet shows them: units may have a unit suffix, a
        // term (months) may not; a whole number takes no percentage.
        let spreadsheet = source
            .replace("\"010\"", "\"5k\"")
            .replace("\"36\"", "\"12m\"")
            .replace("\"low\"", "\"1,5%\"")
            .replace("\".5\"", "\"1,000\"");
        let messages: Vec<String> = validate(&spreadsheet, Path::new("t.toml"), &[])
            .unwrap_err()
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(
            messages[1..],
            [
                "agency 'B' units must be a plain integer, not a string: write 5000 without the quotes (TOML numbers take no unit suffix)",
                "agency 'B' term must be a plain integer, not a string",
                "agency 'B' innovation must be a number or a distribution such as { normal = [mean, sd] }, not a string: write 0.015 without the quotes (a percentage is written as a fraction)",
                "agency 'B' imitation must be a number or a distribution such as { normal = [mean, sd] }, not a string: write 1 without the quotes, or 1000 without the quotes if the comma separates thousands (TOML reads neither a decimal comma nor thousands separators)",
            ]
        );
    }

    /// A whole number written as a TOML float (`1e3`, `12.0`) is refused
    /// with the digits to write instead; a fraction only with the rule.
    #[test]
    fn whole_numbers_written_as_decimals_are_refused_with_their_digits() {
        let source = |units: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = {units}\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n"
            )
        };
        for (units, message) in [
            (
                "1e3",
                "agency 'B' units must be a plain integer, not a decimal number: write 1000 (digits only, without an exponent or a decimal point)",
            ),
            (
                "12.0",
                "agency 'B' units must be a plain integer, not a decimal number: write 12 (",
            ),
            (
                "2.5",
                "agency 'B' units must be a plain integer, not a decimal number",
            ),
        ] {
            let errors = validate(&source(units), Path::new("t.toml"), &[]).unwrap_err();
            assert!(
                errors
                    .iter()
                    .any(|e| e.line == Some(9) && e.message.starts_with(message)),
                "{units}: {errors:?}"
            );
            if units == "2.5" {
                assert!(
                    !errors.iter().any(|e| e.message.contains("write")),
                    "{errors:?}"
                );
            }
        }
    }

    #[test]
    fn heavy_clamping_is_warned_about() {
        let source = |brand: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = {brand}\naccess = {{ unclassified = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n"
            )
        };
        let s = validate(
            &source("{ uniform = [0.5, 1.5] }"),
            Path::new("t.toml"),
            &[],
        )
        .unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].line, Some(5));
        assert!(
            s.warnings[0]
                .message
                .starts_with("vendor 'A' brand must be in [0, 1]: 50% of the draws of uniform(0.5, 1.5) lie outside that range"),
            "{}",
            s.warnings[0].message
        );
        assert!(
            s.warnings[0]
                .message
                .ends_with("prefer a family whose support fits the range (beta, PERT or triangular for values in [0, 1])"),
            "{}",
            s.warnings[0].message
        );
        // Rates and money take draws above 0: a lognormal fits them.
        let s = validate(
            &source("0.5").replace("imitation = 0.1", "imitation = { normal = [0.01, 0.05] }"),
            Path::new("t.toml"),
            &[],
        )
        .unwrap();
        assert!(
            s.warnings[0].message.starts_with("agency 'B' imitation must be >= 0: 42% of the draws")
                && s.warnings[0].message.ends_with("(lognormal for rates and amounts above 0, or PERT, triangular or uniform with bounds >= 0)"),
            "{}",
            s.warnings[0].message
        );
        // 4% above 1 (0.04 / 1.0), and a normal whose tails outside hold 1.2%:
        // below the 5% that makes the warning.
        for brand in ["{ uniform = [0.06, 1.04] }", "{ normal = [0.5, 0.2] }"] {
            let s = validate(&source(brand), Path::new("t.toml"), &[]).unwrap();
            assert!(s.warnings.is_empty(), "{brand}: {:?}", s.warnings);
        }
        // Nearly every draw outside, but not every one (not rejected).
        let s = validate(&source("{ normal = [2.0, 0.3] }"), Path::new("t.toml"), &[]).unwrap();
        assert!(
            s.warnings[0]
                .message
                .contains(": more than 99% of the draws"),
            "{:?}",
            s.warnings
        );
        // A normal whose tails outside [0, 1] hold 2 (1 - Phi(1.25)) = 21%.
        let s = validate(&source("{ normal = [0.5, 0.4] }"), Path::new("t.toml"), &[]).unwrap();
        assert!(
            s.warnings[0].message.contains(": 21% of the draws"),
            "{:?}",
            s.warnings
        );
    }

    /// A bounded family whose support starts at the upper bound has every
    /// draw at that bound: warned of as clamped, not refused, as one that
    /// ends at the lower bound (`uniform(-1, 0)`) is.
    #[test]
    fn a_bounded_family_starting_at_the_upper_bound_is_warned_of_not_refused() {
        let warnings = caution_warnings("{ uniform = [1, 2] }");
        assert_eq!(
            warnings,
            [
                "agency 'B' caution must be in [0, 1]: 100% of the draws of uniform(1, 2) lie outside that range and are clamped to its nearest bound, which piles them on that one value; prefer a family whose support fits the range (beta, PERT or triangular for values in [0, 1])"
            ]
        );
    }

    /// A normal refused as hopeless is told the bound its draws fall on:
    /// one bound when at least NEARLY_EVERY of them lie on its side, both
    /// otherwise (centred on a bound, half the draws lie on either side).
    #[test]
    fn a_hopeless_normal_names_the_bounds_its_draws_fall_on() {
        let message = caution_error;
        let use_of = |caution: &str| {
            let m = message(caution);
            m.split_once("so every run would use ")
                .map(|(_, rest)| rest.to_string())
                .unwrap_or(m)
        };
        assert_eq!(
            message("{ normal = [1, 1e7] }"),
            "agency 'B' caution must be in [0, 1], but fewer than one draw in a million of normal(1, 10000000) lies inside that range, so every run would use 0 or 1"
        );
        // Half the draws on either side, or nearly all on one.
        assert_eq!(use_of("{ normal = [0.5, 1e7] }"), "0 or 1");
        assert_eq!(use_of("{ normal = [-50, 5] }"), "0");
        assert!(use_of("{ normal = [45, 5] }").starts_with("1; if its numbers are percentages"));
        // Either side of NEARLY_EVERY (99.9%, 3.09 sd): 99.93% of the draws
        // above 1 (3.2 sd) name one bound, 99.87% (3 sd) both.
        assert_eq!(use_of("{ normal = [3.2e7, 1e7] }"), "1");
        assert_eq!(use_of("{ normal = [-3.2e7, 1e7] }"), "0");
        assert_eq!(use_of("{ normal = [3e7, 1e7] }"), "0 or 1");
        assert_eq!(use_of("{ normal = [-3e7, 1e7] }"), "0 or 1");
    }

    /// A share that would round to 100% while some draws stay inside is
    /// "more than 99%": uniform(0, 200) has 1 draw in 200 inside [0, 1],
    /// a share outside of exactly 0.995, which `{:.0}` rounds to 100.
    #[test]
    fn a_share_of_draws_is_never_shown_as_100_percent_with_draws_inside() {
        let warnings = caution_warnings("{ uniform = [0, 200] }");
        assert!(
            warnings.len() == 1
                && warnings[0]
                    .contains(": more than 99% of the draws of uniform(0, 200) lie outside"),
            "{warnings:?}"
        );
    }

    /// Numbers wholly outside [0, 1] that cannot be percentages (above 100,
    /// or below 0) are refused without the percentage reading.
    #[test]
    fn numbers_wholly_outside_that_cannot_be_percentages_get_no_hint() {
        let message = caution_error;
        assert_eq!(
            message("{ pert = [150, 200, 300] }"),
            "agency 'B' caution must be in [0, 1], but every draw of pert(150, 200, 300) lies outside that range"
        );
        assert_eq!(
            message("{ uniform = [-45, -5] }"),
            "agency 'B' caution must be in [0, 1], but every draw of uniform(-45, -5) lies outside that range"
        );
    }

    /// A lognormal's first number is read as a median only where its sd is
    /// at most 2 and below a hundredth of it: lognormal(200, 2) (sd exactly
    /// a hundredth) and lognormal(120, 3) (sd above 2) are told only the
    /// mean-and-sd reading. A mu of exactly ln(1e15) is not above the
    /// range's logarithm and keeps the usual advice.
    #[test]
    fn a_lognormal_is_read_as_a_median_only_with_a_small_sd() {
        let message = |value: &str| annual_value_outcome(value).swap_remove(0);
        assert!(
            message("{ lognormal = [200, 2] }").ends_with(
                "lognormal's numbers are the mean and sd of the value's natural logarithm: if 200 and 2 are the value's own mean and sd, write { lognormal = [5.2983, 0.01] }"
            )
        );
        assert!(
            message("{ lognormal = [120, 3] }").ends_with(
                "lognormal's numbers are the mean and sd of the value's natural logarithm: if 120 and 3 are the value's own mean and sd, write { lognormal = [4.7872, 0.025] }"
            )
        );
        assert!(
            message("{ lognormal = [34.538776394910684, 1] }").ends_with(
                "; prefer a family whose support fits the range (lognormal for rates and amounts above 0, or PERT, triangular or uniform with bounds in [0, 1e15])"
            )
        );
    }
}
