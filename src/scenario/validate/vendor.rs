//! One `[[vendor]]`: its name, brand, access per tier and attributes.

use std::collections::HashMap;

use toml::Spanned;

use super::Checker;
use super::choice::{DEFAULT_WEIGHTS, Spellings, builtin, builtin_how};
use crate::scenario::lookup::{TIER, find, list, suggest, toml_key};
use crate::scenario::names::{
    RESERVED_TIER_NAMES, RESERVED_VENDOR_NAMES, difference, folded, hidden_char, is_reserved,
    not_shown, printable_name,
};
use crate::scenario::param::Param;
use crate::scenario::raw::{RawVendor, SpannedMap, SpannedValue};
use crate::scenario::{Field, Vendor};

impl Checker {
    /// `unweighted` holds the attributes without a weight met so far (in
    /// this and earlier vendors), by folded name: two that differ only in
    /// letter case or surrounding spaces are refused, as weighted ones are.
    /// `spellings` tells an attribute that a misspelt weight resembles from
    /// a misspelt attribute.
    pub(super) fn vendor(
        &mut self,
        raw: &Spanned<RawVendor>,
        tiers: &[String],
        attributes: &[String],
        spellings: &Spellings<'_>,
        unweighted: &mut HashMap<String, String>,
    ) -> Option<Vendor> {
        let span = raw.span();
        let v = raw.get_ref();
        let name = self.name(&v.name, &span, "[[vendor]]");
        self.not_reserved(
            name.as_deref(),
            &v.name,
            "vendor",
            &RESERVED_VENDOR_NAMES,
            "'period' and 'date', in any letter case, head the first two columns of shares_wide.csv, which has a column per vendor; '*' means every vendor in --set and --vary",
        );
        if let (Some(shown), Some(written)) = (name.as_deref(), &v.name)
            && is_reserved(shown, &RESERVED_TIER_NAMES)
        {
            // Legal, as the vendor column never holds a total; but its rows
            // begin `all,all,all`, as a grand total would.
            self.warn(
                &written.span(),
                format!(
                    "vendor name '{}' is the word the agency and tier columns use for totals, so its rows read like totals (period,date,all,all,{},...); rename it if others will read the files",
                    printable_name(shown),
                    printable_name(shown)
                ),
            );
        }
        let label = format!("vendor '{}'", name.as_deref().unwrap_or("?"));
        let brand = match &v.brand {
            None => {
                self.error(
                    &span,
                    format!("{label} needs brand (recognition in [0, 1])"),
                );
                None
            }
            Some(b) => self.param(b, &format!("{label} brand"), Field::Brand.range()),
        };
        let access = match &v.access {
            None => {
                self.error(
                    &span,
                    format!(
                        "{label} needs access, e.g. access = {{ {} = 1.0 }}",
                        tiers.first().map_or("unclassified", String::as_str)
                    ),
                );
                None
            }
            Some(map) => {
                let what = format!("{label} access");
                self.per_tier(map, tiers, &what, |cx, k, value| {
                    cx.param(
                        value,
                        &format!("{what} for tier '{k}'"),
                        Field::Access(0).range(),
                    )
                })
            }
        };
        let mut attrs: Vec<Option<Param>> = vec![None; attributes.len()];
        if let Some(map) = &v.attributes {
            // Looked up by name and by folded name, not searched: a file may
            // weigh thousands of attributes.
            let position: HashMap<&str, usize> = attributes
                .iter()
                .enumerate()
                .map(|(i, a)| (a.as_str(), i))
                .collect();
            let mut by_fold: HashMap<String, Vec<&str>> = HashMap::new();
            for a in attributes {
                by_fold.entry(folded(a)).or_default().push(a);
            }
            // In file order, so that a name is compared with the one
            // written before it.
            let mut in_file_order: Vec<_> = map.get_ref().iter().collect();
            in_file_order.sort_by_key(|(_, value)| value.span().start);
            for (k, value) in in_file_order {
                if let Some(b) = builtin(k) {
                    self.error(
                        &value.span(),
                        format!(
                            "{label} has attribute '{}', but '{b}' is a built-in weight, not an attribute (in any letter case): {}",
                            printable_name(k),
                            builtin_how(b)
                        ),
                    );
                    continue;
                }
                if let Some(why) = not_shown(k) {
                    let message = if k.trim().is_empty() {
                        format!(
                            "{label} has an attribute without a name; an attribute's name must not be empty"
                        )
                    } else {
                        format!("{label} attribute {why}")
                    };
                    self.error(&value.span(), message);
                    continue;
                }
                let near = by_fold
                    .get(&folded(k))
                    .and_then(|names| names.iter().find(|a| **a != k.as_str()));
                match (position.get(k.as_str()).copied(), near) {
                    (Some(i), _) => {
                        attrs[i] = self.param(
                            value,
                            &format!("{label} attribute '{k}'"),
                            Field::Attribute(i).range(),
                        )
                    }
                    (None, Some(near)) => {
                        self.error(
                            &value.span(),
                            format!(
                                "{label} has attribute '{}', which differs from the weighted attribute '{}' only in {}; write '{near}'",
                                printable_name(k),
                                printable_name(near),
                                difference(k, near)
                            ),
                        );
                    }
                    (None, None) if hidden_char(k).is_some() => {
                        self.no_hidden_chars(k, &value.span(), &format!("{label} attribute"));
                    }
                    (None, None) => {
                        // Spelt like a weighted attribute or a built-in
                        // weight: a likely typo, which would silently count
                        // as 0. Otherwise an attribute kept for later, as
                        // the design card's example keeps `capability`: it
                        // has no effect, but its value is still checked.
                        let builtins = DEFAULT_WEIGHTS.iter().map(|(n, _)| *n);
                        let candidates = attributes.iter().map(String::as_str).chain(builtins);
                        let first = unweighted.entry(folded(k)).or_insert_with(|| k.to_string());
                        match suggest(k, candidates) {
                            None if first != k => self.error(
                                &value.span(),
                                format!(
                                    "{label} has attribute '{}', which differs from the attribute '{}' only in {}; write '{}'",
                                    printable_name(k),
                                    printable_name(first),
                                    difference(k, first),
                                    printable_name(first)
                                ),
                            ),
                            None => {
                                // Every attribute has the same range.
                                self.param(value, &format!("{label} attribute '{k}'"), Field::Attribute(0).range());
                                self.warn(
                                    &value.span(),
                                    format!(
                                        "{label} has attribute '{k}', but no [choice] table gives it a weight, so it has no effect; to count it, give it a weight, e.g. {} = 1.0 under [choice]",
                                        toml_key(k)
                                    ),
                                );
                            }
                            Some(b) if builtin(b).is_some() => self.error(
                                &value.span(),
                                format!(
                                    "{label} has attribute '{k}', but no [choice] table gives it a weight, so it would have no effect; did you mean the built-in weight '{b}'? {}",
                                    builtin_how(b)
                                ),
                            ),
                            Some(near) if spellings.weight_is_the_typo(near, k) => {
                                // The weight is the typo: its own error
                                // suggests this attribute's spelling, and
                                // once it is fixed this attribute counts.
                                self.param(value, &format!("{label} attribute '{k}'"), Field::Attribute(0).range());
                            }
                            Some(near) => self.error(
                                &value.span(),
                                format!(
                                    "{label} has attribute '{k}', but no [choice] table gives it a weight, so it would have no effect; weighted attributes: {}; did you mean '{near}'?",
                                    list(attributes.iter().map(String::as_str)),
                                ),
                            ),
                        }
                    }
                }
            }
        }
        Some(Vendor {
            name: name?,
            brand: brand?,
            access: access?,
            attributes: attrs,
        })
    }

    /// A table keyed by tier name, each value read by `read` (given the
    /// tier name as written); tiers left out are `None`.
    pub(super) fn per_tier<T: Clone>(
        &mut self,
        map: &SpannedMap,
        tiers: &[String],
        what: &str,
        mut read: impl FnMut(&mut Self, &str, &SpannedValue) -> Option<T>,
    ) -> Option<Vec<Option<T>>> {
        let mut out: Vec<Option<T>> = vec![None; tiers.len()];
        let mut ok = true;
        for (k, value) in map.get_ref() {
            match self.found(&value.span(), find(tiers, k, what, &TIER)) {
                Some(i) => {
                    out[i] = read(self, k, value);
                    ok &= out[i].is_some();
                }
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}
