//! One `[[agency]]`: its name, units and their split over tiers, adoption
//! rates, caution, term, annual value, own weights and initial contracts.

use toml::Spanned;

use super::choice::weight_index;
use super::event::change_keys;
use super::values::{CAPPED, RateAboveOne, as_percentage, number};
use super::{Checker, MAX_TERM, MAX_TOTAL_UNITS};
use crate::scenario::lookup::{TIER, VENDOR, find, list};
use crate::scenario::names::RESERVED_AGENCY_NAMES;
use crate::scenario::param::{Param, Shown};
use crate::scenario::raw::{RawAgency, RawScenario, SpannedMap, SpannedValue};
use crate::scenario::{Agency, Field, InitialContract, Vendor, W_FIRST_ATTRIBUTE};

impl Checker {
    /// Where some agencies give an `annual_value` and others leave it out,
    /// those others' contracts are worth the default $1 a year: next to
    /// nothing beside agencies whose contracts are worth $100 or more (a
    /// fixed value, or a distribution's median), which is seldom what was
    /// meant. An agency without units, or whose value an event within the
    /// horizon sets or changes for good (not one whose `until` ends the
    /// change within it), is left alone. `lasting[i]` is whether event `i`
    /// falls within the horizon and its change holds to the end (or whether
    /// it could not be read, when an error says so anyway).
    pub(super) fn warn_missing_annual_values(
        &mut self,
        raw: &RawScenario,
        agencies: &[Option<Agency>],
        lasting: &[bool],
    ) {
        let worth_something = |agency: &Agency| match agency.annual_value.spec() {
            None => agency
                .annual_value
                .fixed_value()
                .is_some_and(|x| x >= 100.0),
            Some(spec) => spec.share_above(100.0) >= 0.5,
        };
        let priced: Vec<&str> = raw
            .agency
            .iter()
            .zip(agencies)
            .filter(|(a, checked)| {
                a.get_ref().annual_value.is_some() && checked.as_ref().is_some_and(worth_something)
            })
            .map(|(a, _)| agency_name(a.get_ref()))
            .collect();
        if priced.is_empty() {
            return;
        }
        let changed_by_event = |name: &str| {
            raw.event.iter().zip(lasting).any(|(e, &lasting)| {
                let e = e.get_ref();
                let targets = e.agency.as_ref().is_some_and(|a| {
                    let target = a.get_ref().trim();
                    target == "*" || target == name
                });
                let changes = change_keys(e).iter().any(|k| k == "annual_value");
                lasting && targets && changes
            })
        };
        for (agency, checked) in raw.agency.iter().zip(agencies) {
            let a = agency.get_ref();
            let name = agency_name(a);
            if a.annual_value.is_some()
                || checked.as_ref().is_none_or(|c| c.units == 0)
                || changed_by_event(name)
            {
                continue;
            }
            let span = a.name.as_ref().map_or_else(|| agency.span(), Spanned::span);
            self.warn(
                &span,
                format!(
                    "agency '{name}' has no annual_value, so each of its contracts is worth $1 a year (the default), while {} {} one of $100 or more: its revenue and value shares are next to nothing beside theirs; give it an annual_value",
                    list(priced.iter().copied()),
                    if priced.len() == 1 { "gives" } else { "give" }
                ),
            );
        }
    }

    pub(super) fn agency<'a>(
        &mut self,
        raw: &'a Spanned<RawAgency>,
        tiers: &[String],
        attributes: &[String],
        vendor_names: &[Option<String>],
        vendors: &[Option<Vendor>],
    ) -> Option<Agency> {
        let span = raw.span();
        let a = raw.get_ref();
        let name = self.name(&a.name, &span, "[[agency]]");
        self.not_reserved(
            name.as_deref(),
            &a.name,
            "agency",
            &RESERVED_AGENCY_NAMES,
            "'all', in any letter case, names the totals in the outputs; '*' means every agency in events",
        );
        let label = format!("agency '{}'", name.as_deref().unwrap_or("?"));
        let required = |cx: &mut Self,
                        v: &'a Option<SpannedValue>,
                        key: &str,
                        hint: &str|
         -> Option<&'a SpannedValue> {
            if v.is_none() {
                cx.error(&span, format!("{label} needs {key} ({hint})"));
            }
            v.as_ref()
        };
        let units_v = required(
            self,
            &a.units,
            "units",
            "the number of buying units, an integer >= 0",
        );
        let term_v = required(
            self,
            &a.term,
            "term",
            "contract length in periods, an integer >= 1",
        );
        let innovation_v = required(self, &a.innovation, "innovation", "Bass p per period, >= 0");
        let imitation_v = required(self, &a.imitation, "imitation", "Bass q per period, >= 0");

        let units = units_v
            .and_then(|v| self.integer(v, &format!("{label} units"), 0, MAX_TOTAL_UNITS as i64));
        let term = term_v.and_then(|v| self.integer(v, &format!("{label} term"), 1, MAX_TERM));
        let innovation = innovation_v
            .and_then(|v| self.param(v, &format!("{label} innovation"), Field::Innovation.range()));
        let imitation = imitation_v
            .and_then(|v| self.param(v, &format!("{label} imitation"), Field::Imitation.range()));
        // A rate above 1 per period (`RateAboveOne`), and Bass p from 1/2.
        for (key, value, param) in [
            ("innovation", innovation_v, &innovation),
            ("imitation", imitation_v, &imitation),
        ] {
            let (Some(v), Some(param)) = (value, param) else {
                continue;
            };
            if let Some(rate) = RateAboveOne::of(param) {
                let hint = rate.hint();
                let message = match rate {
                    RateAboveOne::Fixed(x) => format!(
                        "{label} {key} = {} is a rate per period above 1 {CAPPED}{hint}",
                        Shown(x),
                    ),
                    RateAboveOne::Drawn { spec, how_many } => format!(
                        "{label} {key}: {how_many} of {spec} is a rate per period above 1 {CAPPED}{hint}"
                    ),
                };
                self.warn(&v.span(), message);
            }
            // Bass p from 1/2 to 1: most units adopt at once, on their own
            // (p is rarely above 0.05 a period); 1 is also 1% written as a
            // percentage.
            if key == "innovation"
                && let Some(x) = param.fixed_value()
                && (0.5..=1.0).contains(&x)
            {
                let hint = if x == 1.0 {
                    as_percentage(x)
                } else {
                    String::new()
                };
                self.warn(
                    &v.span(),
                    format!(
                        "{label} innovation = {} makes most units adopt at once: in every period, {}% of the units that have not adopted do so on their own (less caution), before any imitation; Bass p is usually below 0.05 a period{hint}",
                        Shown(x),
                        Shown(100.0 * x),
                    ),
                );
            }
        }
        let caution = match &a.caution {
            None => Some(Param::fixed(0.0, Field::Caution.range())),
            Some(v) => self.param(v, &format!("{label} caution"), Field::Caution.range()),
        };
        let annual_value = match &a.annual_value {
            None => Some(Param::fixed(1.0, Field::AnnualValue.range())),
            Some(v) => self.param(
                v,
                &format!("{label} annual_value"),
                Field::AnnualValue.range(),
            ),
        };
        let fractions = match &a.tiers {
            None => {
                let mut f = vec![0.0; tiers.len()];
                if let Some(first) = f.first_mut() {
                    *first = 1.0;
                }
                Some(f)
            }
            Some(map) => self.fractions(map, tiers, &label),
        };
        let mut choice: Vec<Option<Param>> = vec![None; W_FIRST_ATTRIBUTE + attributes.len()];
        if let Some(map) = &a.choice {
            for (k, v) in map.get_ref() {
                let index = weight_index(k, attributes).expect("every key was noted");
                choice[index] = self.param(
                    v,
                    &format!("{label} choice weight '{k}'"),
                    Field::Weight(index).range(),
                );
            }
        }
        let units_by_tier = match (units, &fractions) {
            (Some(units), Some(f)) => Some(split_units(units as u32, f)),
            _ => None,
        };

        let mut initial = Vec::new();
        // Each tier's initial contracts: where each block's `units` stands, and how many.
        let mut placed: Vec<Vec<(std::ops::Range<usize>, u32)>> = vec![Vec::new(); tiers.len()];
        let contract = format!("an initial contract of {label}");
        for raw_initial in &a.initial {
            let ispan = raw_initial.span();
            let c = raw_initial.get_ref();
            let vendor = match &c.vendor {
                None => {
                    self.error(&ispan, format!("{contract} needs vendor"));
                    None
                }
                Some(v) => self.found(
                    &v.span(),
                    find(vendor_names, v.get_ref().trim(), &contract, &VENDOR),
                ),
            };
            // Without `tier`, the contract is in the only tier the agency
            // gives a positive fraction; an agency spread over several tiers
            // must say which.
            let populated: Vec<usize> = fractions
                .as_ref()
                .map(|f| (0..f.len()).filter(|&k| f[k] > 0.0).collect())
                .unwrap_or_default();
            let tier = match &c.tier {
                None if populated.len() == 1 => Some(populated[0]),
                // No tier with units: no tiers at all (`tiers = []`), or
                // fractions that do not add up, each already an error.
                None if populated.is_empty() => None,
                None => {
                    if fractions.is_some() {
                        let names = list(populated.iter().map(|&k| tiers[k].as_str()));
                        self.error(
                            &ispan,
                            format!("{contract} needs tier: the agency gives a positive fraction to several tiers ({names})"),
                        );
                    }
                    None
                }
                Some(t) => self.found(&t.span(), find(tiers, t.get_ref().trim(), &contract, &TIER)),
            };
            let count = match &c.units {
                None => {
                    self.error(
                        &ispan,
                        format!("{contract} needs units (how many units hold it)"),
                    );
                    None
                }
                Some(v) => self.integer(
                    v,
                    &format!("initial contract units of {label}"),
                    1,
                    MAX_TOTAL_UNITS as i64,
                ),
            };
            // A contract in force may have been signed for longer than the
            // agency's current term, so `remaining` is bounded like a term,
            // not by it.
            let remaining = match &c.remaining {
                None => Some(None),
                Some(v) => self
                    .integer(
                        v,
                        &format!("remaining of {contract} (periods still covered)"),
                        1,
                        MAX_TERM,
                    )
                    .map(|r| Some(r as u32)),
            };
            if let (Some(vi), Some(ti)) = (vendor, tier)
                && let Some(Some(v)) = vendors.get(vi)
            {
                // As for a tier to count as served: access above 0 in at
                // least 0.1% of runs, not merely possible.
                let access = v.access[ti].as_ref();
                if !access.is_some_and(super::unserved::serves) {
                    let how = match access {
                        Some(p) if p.fixed_value().is_some() => "is 0".to_string(),
                        Some(p) if p.max_value() > 0.0 => {
                            format!("(drawn from {p}) is above 0 in fewer than 0.1% of runs")
                        }
                        Some(p) => format!("(drawn from {p}) is never above 0"),
                        None => "is 0".to_string(),
                    };
                    // The two ways out: access at this tier, or a tier the
                    // vendor serves.
                    let served: Vec<&str> = v
                        .access
                        .iter()
                        .zip(tiers)
                        .filter(|(a, _)| a.as_ref().is_some_and(super::unserved::serves))
                        .map(|(_, t)| t.as_str())
                        .collect();
                    let other_tier = if served.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ", or put the contract at a tier it serves ({})",
                            crate::text::listing(&served)
                        )
                    };
                    self.error(
                        &ispan,
                        format!(
                            "{contract} goes to vendor '{}' at tier '{}', where its access {how}; a vendor needs access > 0 to hold a contract: give it access.{} above 0{other_tier}",
                            v.name,
                            tiers[ti],
                            super::super::lookup::toml_key(&tiers[ti])
                        ),
                    );
                }
            }
            if let (Some(vi), Some(ti), Some(count), Some(remaining)) =
                (vendor, tier, count, remaining)
            {
                let at = c.units.as_ref().map_or(ispan.clone(), |u| u.span());
                placed[ti].push((at, count as u32));
                initial.push(InitialContract {
                    vendor: vi,
                    tier: ti,
                    units: count as u32,
                    remaining,
                    stream: 0,
                });
            }
        }

        if let Some(by_tier) = &units_by_tier {
            for (ti, blocks) in placed.iter().enumerate() {
                self.initial_fits(&label, &tiers[ti], blocks, by_tier[ti]);
            }
        }

        Some(Agency {
            name: name?,
            units: units? as u32,
            units_by_tier: units_by_tier?,
            caution: caution?,
            innovation: innovation?,
            imitation: imitation?,
            term: term? as u32,
            annual_value: annual_value?,
            choice,
            initial,
        })
    }

    fn fractions(&mut self, map: &SpannedMap, tiers: &[String], label: &str) -> Option<Vec<f64>> {
        let out = self.per_tier(map, tiers, &format!("{label} tiers"), |cx, k, value| {
            let x = number(value.get_ref()).filter(|x| x.is_finite() && *x >= 0.0);
            if x.is_none() {
                cx.error(
                    &value.span(),
                    format!("{label} tier fraction for '{k}' must be a plain number >= 0"),
                );
            }
            x
        })?;
        let out: Vec<f64> = out.into_iter().map(|x| x.unwrap_or(0.0)).collect();
        // An empty sum is -0.0 in Rust; shown as 0.
        let sum: f64 = out.iter().sum::<f64>() + 0.0;
        if (sum - 1.0).abs() > 1e-9 {
            // Shown to 13 significant digits, so that 0.6 + 0.3 reads 0.9
            // (not 0.8999999999999999) and a sum 1e-9 off still shows it.
            let shown = format!("{sum:.12e}").parse::<f64>().unwrap_or(sum);
            self.error(
                &map.span(),
                format!(
                    "{label} tier fractions must sum to 1, but they sum to {}{}",
                    Shown(shown),
                    if (sum - 100.0).abs() < 1e-9 {
                        "; if they are percentages, divide each by 100"
                    } else {
                        ""
                    }
                ),
            );
            return None;
        }
        Some(out)
    }

    /// One error when the initial contracts of one agency at one tier
    /// (`blocks`: each block's `units` and where it stands) cover more than
    /// the tier's `units`: at the largest block, which is most likely the
    /// slip, listing every block by line so none has to be hunted for.
    fn initial_fits(
        &mut self,
        label: &str,
        tier: &str,
        blocks: &[(std::ops::Range<usize>, u32)],
        units: u32,
    ) {
        let total: u64 = blocks.iter().map(|(_, n)| u64::from(*n)).sum();
        if total <= u64::from(units) {
            return;
        }
        let largest = blocks
            .iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .expect("a total above units has a block");
        let lines = if blocks.len() == 1 {
            String::new()
        } else {
            let each: Vec<String> = blocks
                .iter()
                .map(|(at, n)| format!("{n} on line {}", self.line(at)))
                .collect();
            format!(" ({})", crate::text::listing(&each))
        };
        self.error(
            &largest.0,
            format!(
                "initial contracts of {label} at tier '{tier}' cover {}{lines}, but the agency has only {} in that tier",
                crate::text::count(total, "unit"),
                crate::text::count(u64::from(units), "unit")
            ),
        );
    }
}

/// Splits `units` over tiers by largest remainder: floors first, then the
/// leftover units one by one to the largest fractional parts, ties to the
/// tier declared first.
///
/// Fractions are written in decimal but held in binary, where two parts
/// equal in decimal (0.4 of 20 x 0.47 and of 20 x 0.52) can differ in their
/// last bits. So the split is computed in integers, on the fractions
/// rounded to nine decimals (`f = n / 10^9`): quota `units n / N` and
/// remainder `units n mod N`, with `N` the sum of the `n` (validation lets
/// the fractions sum to 1 within 1e-9, and dividing by the sum absorbs
/// that). A fraction below 5e-10 counts as 0.
fn split_units(units: u32, fractions: &[f64]) -> Vec<u32> {
    let parts: Vec<u128> = fractions
        .iter()
        .map(|f| (f * 1e9).round().max(0.0) as u128)
        .collect();
    let total: u128 = parts.iter().sum();
    if total == 0 {
        return vec![0; fractions.len()];
    }
    let scaled = |i: usize| u128::from(units) * parts[i];
    let mut counts: Vec<u32> = (0..parts.len())
        .map(|i| (scaled(i) / total) as u32)
        .collect();
    let placed: u64 = counts.iter().map(|&c| u64::from(c)).sum();
    let mut leftover = u64::from(units) - placed;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    // Stable sort keeps declaration order among equal remainders.
    order.sort_by_key(|&i| std::cmp::Reverse(scaled(i) % total));
    // The leftover is below the number of tiers with a positive part.
    for &i in order.iter().filter(|&&i| parts[i] > 0) {
        if leftover == 0 {
            break;
        }
        counts[i] += 1;
        leftover -= 1;
    }
    debug_assert_eq!(leftover, 0);
    counts
}

/// An agency's name as messages show it, `?` where it has none.
pub(super) fn agency_name(a: &RawAgency) -> &str {
    a.name.as_ref().map_or("?", |n| n.get_ref().trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use crate::scenario::validate::validate;

    #[test]
    fn largest_remainder_split() {
        assert_eq!(split_units(400, &[0.5, 0.3, 0.2]), vec![200, 120, 80]);
        assert_eq!(
            split_units(10, &[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]),
            vec![4, 3, 3]
        );
        assert_eq!(split_units(7, &[0.25, 0.45, 0.3]), vec![2, 3, 2]);
        assert_eq!(split_units(1, &[0.0, 1.0]), vec![0, 1]);
        assert_eq!(split_units(0, &[0.5, 0.5]), vec![0, 0]);
        // Remainders equal in decimal but not in binary are ties: 20 x
        // [0.01, 0.47, 0.52] has remainders 0.2, 0.4, 0.4, and the leftover
        // unit goes to the earlier of the two 0.4s.
        assert_eq!(split_units(20, &[0.01, 0.47, 0.52]), vec![0, 10, 10]);
        // 50 x [0.01, 0.07, 0.92]: 0.5, 3.5, 46 (46.00000000000001 in binary).
        assert_eq!(split_units(50, &[0.01, 0.07, 0.92]), vec![1, 3, 46]);
        // Large counts: quotas 86799.7, 190291.65, 56753.65 (a tie of 0.65s).
        assert_eq!(
            split_units(333_845, &[0.26, 0.57, 0.17]),
            vec![86_800, 190_292, 56_753]
        );
        // Quotas 289914.6, 119376.6, 159168.8: ties of 0.6 after the 0.8.
        assert_eq!(
            split_units(568_460, &[0.51, 0.21, 0.28]),
            vec![289_915, 119_376, 159_169]
        );
        // The most units there can be, and fractions summing to 1 within
        // 1e-9. Equal to nine decimals: a tie, the odd unit first.
        assert_eq!(
            split_units(u32::MAX, &[0.5, 0.5 + 1e-10]),
            vec![2_147_483_648, 2_147_483_647]
        );
        // Divided by their sum 1.000000001: floors 1288490187, 1288490187,
        // 1717986920 and the odd unit to the largest remainder, the third.
        assert_eq!(
            split_units(u32::MAX, &[0.3, 0.3, 0.4 + 1e-9]),
            vec![1_288_490_187, 1_288_490_187, 1_717_986_921]
        );
    }

    /// Every split of up to 200 units over three tiers with fractions in
    /// hundredths matches the same rule computed exactly in integers.
    #[test]
    fn largest_remainder_split_is_exact_for_decimal_fractions() {
        for units in 0..=200u32 {
            for a in 0..=100u32 {
                for b in 0..=(100 - a) {
                    let hundredths = [a, b, 100 - a - b];
                    let fractions = hundredths.map(|h| f64::from(h) / 100.0);
                    // units x h / 100 as quotient and remainder in hundredths.
                    let mut counts = hundredths.map(|h| units * h / 100);
                    let mut leftover = units - counts.iter().sum::<u32>();
                    let mut order = [0, 1, 2];
                    order.sort_by_key(|&i| std::cmp::Reverse(units * hundredths[i] % 100));
                    for &i in order.iter().cycle() {
                        if leftover == 0 {
                            break;
                        }
                        if hundredths[i] > 0 {
                            counts[i] += 1;
                            leftover -= 1;
                        }
                    }
                    assert_eq!(
                        split_units(units, &fractions),
                        counts.to_vec(),
                        "{units} units over {fractions:?}"
                    );
                }
            }
        }
    }

    /// A one-vendor ('A'), one-agency ('B') scenario whose agency has these
    /// rates, `innovation` on line 11.
    fn with_rates(innovation: &str, imitation: &str) -> String {
        format!(
            "start = \"2026-01\"\nperiods = 12\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n\
            [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = {innovation}\nimitation = {imitation}\n"
        )
    }

    #[test]
    fn a_rate_above_one_is_warned_about_as_a_likely_percentage() {
        let source = with_rates;
        let s = validate(&source("30", "0.4"), Path::new("t.toml"), &[]).unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].line, Some(11));
        assert!(s.warnings[0].message.contains("innovation = 30"));
        assert!(s.warnings[0].message.ends_with("write 0.3"));
        let s = validate(&source("0.01", "40"), Path::new("t.toml"), &[]).unwrap();
        assert!(s.warnings[0].message.contains("imitation = 40"));
        // The suggestion reads as typed, without binary noise.
        let s = validate(&source("1.4", "0.4"), Path::new("t.toml"), &[]).unwrap();
        assert!(
            s.warnings[0].message.ends_with("write 0.014"),
            "{}",
            s.warnings[0].message
        );
        // Above 100 it cannot be a percentage either: warned, with no hint.
        for huge in ["150", "1e308"] {
            let s = validate(&source(huge, "0.4"), Path::new("t.toml"), &[]).unwrap();
            assert!(
                s.warnings[0]
                    .message
                    .ends_with("is a rate per period above 1 (the adoption chance is capped at 1)"),
                "{}",
                s.warnings[0].message
            );
        }
        // At most 1, or drawn with some draws at most 1: no warning.
        let s = validate(
            &source("0.49", "{ uniform = [0, 3] }"),
            Path::new("t.toml"),
            &[],
        )
        .unwrap();
        assert!(s.warnings.is_empty());
        // An innovation from 1/2 to 1 makes most units adopt at once; at
        // exactly 1 it may be 1% written as a percentage. Imitation may be
        // that high without a warning.
        let s = validate(&source("1", "1"), Path::new("t.toml"), &[]).unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(
            s.warnings[0].message,
            "agency 'B' innovation = 1 makes most units adopt at once: in every period, 100% of the units that have not adopted do so on their own (less caution), before any imitation; Bass p is usually below 0.05 a period; if 1 is a percentage, write 0.01"
        );
        let s = validate(&source("0.5", "0.1"), Path::new("t.toml"), &[]).unwrap();
        assert!(
            s.warnings[0]
                .message
                .ends_with("usually below 0.05 a period")
        );
        // Every draw above 1: warned, with the distribution in hundredths
        // where its numbers scale with the draws.
        let s = validate(
            &source("0.01", "{ uniform = [5, 12] }"),
            Path::new("t.toml"),
            &[],
        )
        .unwrap();
        assert_eq!(
            s.warnings[0].message,
            "agency 'B' imitation: every draw of uniform(5, 12) is a rate per period above 1 (the adoption chance is capped at 1); if its numbers are percentages, write { uniform = [0.05, 0.12] }"
        );
        // A lognormal of rates around e^-3: no warning.
        let s = validate(
            &source("{ lognormal = [-3, 1] }", "0.1"),
            Path::new("t.toml"),
            &[],
        )
        .unwrap();
        assert!(s.warnings.is_empty());
        // Nearly every draw above 1 (a normal), or numbers beyond 100:
        // warned, without a hint that would still be above 1.
        for (rate, message) in [
            (
                "{ normal = [5, 1] }",
                "agency 'B' innovation: nearly every draw of normal(5, 1) is a rate per period above 1 (the adoption chance is capped at 1); if its numbers are percentages, write { normal = [0.05, 0.01] }",
            ),
            (
                "{ lognormal = [3, 0.1] }",
                "agency 'B' innovation: nearly every draw of lognormal(3, 0.1) is a rate per period above 1 (the adoption chance is capped at 1)",
            ),
            (
                "{ uniform = [200, 1e6] }",
                "agency 'B' innovation: every draw of uniform(200, 1000000) is a rate per period above 1 (the adoption chance is capped at 1)",
            ),
        ] {
            let s = validate(&source(rate, "0.1"), Path::new("t.toml"), &[]).unwrap();
            assert_eq!(s.warnings[0].message, message);
        }
    }

    #[test]
    fn an_agency_without_the_annual_value_others_give_is_warned_of() {
        let agency = |name: &str, value: &str| {
            format!(
                "[[agency]]\nname = \"{name}\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n{value}"
            )
        };
        let warnings = |agencies: &[String]| -> Vec<(Option<usize>, String)> {
            let source = format!(
                "start = \"2026-01\"\nperiods = 12\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n{}",
                agencies.concat()
            );
            let s = validate(&source, Path::new("t.toml"), &[]).unwrap();
            s.warnings
                .into_iter()
                .map(|w| (w.line, w.message))
                .collect()
        };
        let priced = "annual_value = 2e6\n";
        assert_eq!(
            warnings(&[agency("X", priced), agency("Y", ""), agency("Z", priced)]),
            [(
                Some(15),
                "agency 'Y' has no annual_value, so each of its contracts is worth $1 a year (the default), while X, Z give one of $100 or more: its revenue and value shares are next to nothing beside theirs; give it an annual_value".to_string()
            )]
        );
        // All priced, or none: nothing to say.
        assert!(warnings(&[agency("X", priced), agency("Y", priced)]).is_empty());
        assert!(warnings(&[agency("X", ""), agency("Y", "")]).is_empty());
        // Nor beside contracts worth less than $100 (here nothing, or a
        // median of e^4, about $55).
        for cheap in [
            "annual_value = 0\n",
            "annual_value = { lognormal = [4, 1] }\n",
        ] {
            assert!(
                warnings(&[agency("X", cheap), agency("Y", "")]).is_empty(),
                "{cheap}"
            );
        }
        // Nor for an agency without units, or whose value an event sets.
        let empty = agency("Y", "").replace("units = 10", "units = 0");
        assert!(warnings(&[agency("X", priced), empty]).is_empty());
        for target in ["Y", "*"] {
            let event = format!(
                "[[event]]\nat = 0\nagency = \"{target}\"\nset = {{ annual_value = 1e6 }}\n"
            );
            assert!(
                warnings(&[agency("X", priced), agency("Y", ""), event]).is_empty(),
                "{target}"
            );
        }
        // A temporary price that ends within the horizon leaves the $1
        // before and after it: warned of; one that ends after it is not.
        for (until, warned) in [(6, true), (12, false), (50, false)] {
            let event = format!(
                "[[event]]\nat = 0\nuntil = {until}\nagency = \"Y\"\nadd = {{ annual_value = 1e6 }}\n"
            );
            let w = warnings(&[agency("X", priced), agency("Y", ""), event]);
            assert_eq!(
                w.iter()
                    .any(|(_, m)| m.starts_with("agency 'Y' has no annual_value")),
                warned,
                "until {until}: {w:?}"
            );
        }
        // An event after the horizon never sets it: warned of, beside the
        // event's own warning.
        let late = "[[event]]\nat = 12\nagency = \"Y\"\nset = { annual_value = 1e6 }\n";
        let w = warnings(&[agency("X", priced), agency("Y", ""), late.to_string()]);
        assert_eq!(w.len(), 2, "{w:?}");
        // In file order: the agency's, then the event's.
        assert!(
            w[0].1.starts_with("agency 'Y' has no annual_value"),
            "{w:?}"
        );
        assert!(w[1].1.contains("never fires"), "{w:?}");
    }

    #[test]
    fn tier_fractions_that_sum_to_100_are_told_to_divide_by_100() {
        let source = |tiers: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\ntiers = [\"u\", \"s\"]\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ u = 1.0, s = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\ntiers = {tiers}\n"
            )
        };
        let message = |tiers: &str| {
            validate(&source(tiers), Path::new("t.toml"), &[]).unwrap_err()[0]
                .message
                .clone()
        };
        assert_eq!(
            message("{ u = 80, s = 20 }"),
            "agency 'B' tier fractions must sum to 1, but they sum to 100; if they are percentages, divide each by 100"
        );
        assert_eq!(
            message("{ u = 0.8, s = 0.3 }"),
            "agency 'B' tier fractions must sum to 1, but they sum to 1.1"
        );
        assert_eq!(
            message("{}"),
            "agency 'B' tier fractions must sum to 1, but they sum to 0"
        );
        // Binary rounding does not show: 0.6 + 0.3 is 0.8999999999999999.
        assert_eq!(
            message("{ u = 0.6, s = 0.3 }"),
            "agency 'B' tier fractions must sum to 1, but they sum to 0.9"
        );
        assert_eq!(
            message("{ u = 0.6, s = 0.400000002 }"),
            "agency 'B' tier fractions must sum to 1, but they sum to 1.000000002"
        );
    }

    /// Without a tier that holds units, an initial contract without `tier`
    /// is not also told to name one of "several tiers": the missing tiers
    /// or fractions are the one error.
    #[test]
    fn an_initial_contract_without_tier_adds_no_error_where_no_tier_holds_units() {
        let messages = |tiers: &str, fractions: &str| -> Vec<String> {
            let source = format!(
                "start = \"2026-01\"\nperiods = 12\ntiers = {tiers}\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ u = 1.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n{fractions}\n\
                [[agency.initial]]\nvendor = \"A\"\nunits = 2\n"
            );
            validate(&source, Path::new("t.toml"), &[])
                .unwrap_err()
                .into_iter()
                .map(|d| d.message)
                .collect()
        };
        let no_tiers = messages("[]", "");
        assert_eq!(no_tiers[0], "tiers must name at least one tier");
        assert!(
            no_tiers.iter().all(|m| !m.contains("needs tier")),
            "{no_tiers:?}"
        );
        assert_eq!(
            messages("[\"u\", \"s\"]", "tiers = { u = 0.0, s = 0.0 }"),
            ["agency 'B' tier fractions must sum to 1, but they sum to 0"]
        );
        // Two tiers with units: the contract must say which.
        assert_eq!(
            messages("[\"u\", \"s\"]", "tiers = { u = 0.5, s = 0.5 }"),
            [
                "an initial contract of agency 'B' needs tier: the agency gives a positive fraction to several tiers (u, s)"
            ]
        );
    }

    /// A rate drawn from a distribution whose support starts at exactly 1
    /// is above 1 in nearly every draw, not every one (a draw of 1 is not
    /// above 1); from above 1, in every draw.
    #[test]
    fn a_rate_drawn_from_exactly_one_up_is_nearly_every_draw_above_one() {
        let warning = |imitation: &str| {
            let s = validate(&with_rates("0.01", imitation), Path::new("t.toml"), &[]).unwrap();
            assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
            s.warnings[0].message.clone()
        };
        assert_eq!(
            warning("{ uniform = [1, 3] }"),
            "agency 'B' imitation: nearly every draw of uniform(1, 3) is a rate per period above 1 (the adoption chance is capped at 1); if its numbers are percentages, write { uniform = [0.01, 0.03] }"
        );
        assert!(
            warning("{ uniform = [1.01, 3] }")
                .starts_with("agency 'B' imitation: every draw of uniform(1.01, 3)")
        );
    }
}
