//! Warnings about a market that cannot meet: a tier that holds units but
//! that no vendor can serve, and a vendor that can serve no tier.

use toml::Spanned;

use super::Checker;
use crate::scenario::lookup::toml_key;
use crate::scenario::param::Param;
use crate::scenario::raw::RawScenario;
use crate::scenario::{Field, Op, Scenario, Target};

/// The share of runs in which some vendor's access must be above 0 for a
/// tier to count as served, and in which an initial contract's holder must
/// have access above 0 at its tier.
pub(super) const SERVED: f64 = 0.001;

/// Whether an access drawn from `p` is above 0 in at least [`SERVED`] of
/// the runs: enough for a vendor to count as serving a tier.
pub(super) fn serves(p: &Param) -> bool {
    p.chance_above(0.0) >= SERVED
}

/// Whether vendor `v` has access above 0 at tier `t` in at least
/// [`SERVED`] of the runs, from the start or through one of its events
/// within the horizon. Events at the first period apply before its awards,
/// so one that sets the access replaces the starting value before any
/// contract could be won with it, and one that adds to a fixed access
/// gives the sum (0.5 less 0.5 serves nothing). A temporary change at the
/// first period that ends within the horizon leaves, from then on, the
/// access the first-period changes still in force make.
fn can_serve(s: &Scenario, v: usize, t: usize) -> bool {
    let field = Field::Access(t);
    let periods = s.calendar.periods;
    let changes = || {
        s.events
            .iter()
            .filter(|e| e.period < periods && e.target == Target::Vendor(v))
            .flat_map(|e| e.changes.iter().map(move |c| (e, c)))
            .filter(|(_, c)| c.field == field)
    };
    /// The access as far as it is known: a number, or only whether it
    /// serves.
    enum Access {
        Fixed(f64),
        Drawn { serves: bool },
    }
    let of = |p: &Param| match p.fixed_value() {
        Some(x) => Access::Fixed(field.range().clamp(x)),
        None => Access::Drawn { serves: serves(p) },
    };
    let served = |a: &Access| match *a {
        Access::Fixed(x) => x > 0.0,
        Access::Drawn { serves } => serves,
    };
    // The start, then the first period's changes in the order they apply:
    // the lasting ones, and the temporary ones still in force at `period`
    // (each is undone from its `until` on).
    let at = |period: u32| {
        let start = s.vendors[v].access[t]
            .as_ref()
            .map_or(Access::Fixed(0.0), of);
        changes()
            .filter(|(e, _)| e.period == 0 && e.until.is_none_or(|until| until > period))
            .fold(start, |access, (_, c)| {
                match (c.op, &access, c.value.fixed_value()) {
                    (Op::Set, _, _) => of(&c.value),
                    (Op::Add, Access::Fixed(x), Some(add)) => {
                        Access::Fixed(field.range().clamp(x + add))
                    }
                    (Op::Add, Access::Fixed(x), None) => Access::Drawn {
                        serves: c.value.chance_above(-x) >= SERVED,
                    },
                    // Of a drawn access only whether it serves is known: it
                    // serves if it did or if what is added does.
                    (Op::Add, Access::Drawn { serves: before }, _) => Access::Drawn {
                        serves: *before || serves(&c.value),
                    },
                }
            })
    };
    // The access changes at the first period and where a first-period
    // temporary change ends within the horizon.
    let ends = changes()
        .filter(|(e, _)| e.period == 0)
        .filter_map(|(e, _)| e.until.filter(|&until| until < periods));
    std::iter::once(0)
        .chain(ends)
        .any(|period| served(&at(period)))
        || changes().any(|(e, c)| e.period > 0 && serves(&c.value))
}

impl Checker {
    /// A tier that holds units but that no vendor can ever serve (access
    /// above 0 neither from the start nor through an event within the
    /// horizon, in at least [`SERVED`] of the runs) keeps those units out
    /// of contract throughout. That is legal (a tier closed to everyone is a
    /// scenario one may want), but far more often an access forgotten, so it
    /// is pointed out. The message names no count, so that a sweep of units
    /// or a `--set` shows it once, as the file's own warning.
    pub(super) fn warn_unserved_tiers(&mut self, s: &Scenario, raw: &RawScenario) {
        for (t, tier) in s.tiers.iter().enumerate() {
            if (0..s.vendors.len()).any(|v| can_serve(s, v, t)) {
                continue;
            }
            let Some(first_holding) = s.agencies.iter().position(|a| a.units_by_tier[t] > 0) else {
                continue;
            };
            // At the tier's name in `tiers`, or (the default single tier) at
            // the first agency with units in it.
            let span = raw
                .tiers
                .as_ref()
                .and_then(|names| {
                    names
                        .get_ref()
                        .iter()
                        .find(|n| n.get_ref().trim() == tier)
                        .map(Spanned::span)
                })
                .or_else(|| raw.agency.get(first_holding).map(Spanned::span))
                .unwrap_or(0..0);
            self.warn(
                &span,
                format!(
                    "tier '{tier}' holds units, but no vendor can serve it (access above 0 in at least 0.1% of runs, from the start, after the first period's events, or through a later event within the horizon): its units can never hold a contract; if that is not intended, give a vendor access = {{ {} = ... }}",
                    toml_key(tier)
                ),
            );
        }
    }

    /// A vendor that can serve no tier (access above 0 neither from the
    /// start nor through an event within the horizon, in at least
    /// [`SERVED`] of the runs) never wins a contract: legal, but far more
    /// often a tier key misspelt or an access forgotten. Said only when
    /// some vendor can serve some tier; otherwise the tiers' own warnings
    /// say it.
    pub(super) fn warn_idle_vendors(&mut self, s: &Scenario, raw: &RawScenario) {
        let tiers = 0..s.tiers.len();
        let serves = |v: usize| tiers.clone().any(|t| can_serve(s, v, t));
        if !(0..s.vendors.len()).any(serves) {
            return;
        }
        for (v, vendor) in s.vendors.iter().enumerate() {
            if serves(v) {
                continue;
            }
            let span = raw.vendor.get(v).map_or(0..0, |r| {
                let r = r.get_ref();
                r.access
                    .as_ref()
                    .map(Spanned::span)
                    .or_else(|| r.name.as_ref().map(Spanned::span))
                    .unwrap_or(0..0)
            });
            let example = s
                .tiers
                .first()
                .map_or("unclassified".to_string(), |t| toml_key(t));
            self.warn(
                &span,
                format!(
                    "vendor '{}' can serve no tier (access above 0 in at least 0.1% of runs, from the start, after the first period's events, or through a later event within the horizon): it can never win a contract; if that is not intended, give it access = {{ {example} = ... }} (tiers are: {})",
                    vendor.name,
                    crate::text::listing(&s.tiers)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::scenario::Diagnostic;
    use crate::scenario::validate::validate;

    #[test]
    fn a_vendor_that_can_serve_no_tier_is_warned_about() {
        let source = |access: &str, event: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\ntiers = [\"open\", \"secret\"]\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ open = 1.0 }}\n\
                [[vendor]]\nname = \"Idle\"\nbrand = 0.5\naccess = {access}\n\
                [[agency]]\nname = \"B\"\nunits = 10\ntiers = {{ open = 1.0 }}\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n{event}"
            )
        };
        let idle = |access: &str, event: &str| -> Vec<Diagnostic> {
            validate(&source(access, event), Path::new("t.toml"), &[])
                .unwrap()
                .warnings
                .into_iter()
                .filter(|w| w.message.starts_with("vendor 'Idle' can serve no tier"))
                .collect()
        };
        for nothing in [
            "{}",
            "{ secret = 0.0 }",
            "{ open = 0, secret = { uniform = [-1.0, 0.0] } }",
        ] {
            let w = idle(nothing, "");
            assert_eq!(w.len(), 1, "{nothing}");
            assert_eq!(w[0].line, Some(11), "at its access: {w:?}");
            assert!(
                w[0].message
                    .ends_with("give it access = { open = ... } (tiers are: open, secret)"),
                "{}",
                w[0].message
            );
        }
        // Access at a tier without units still serves it; access given by
        // an event within the horizon serves from then on.
        assert!(idle("{ secret = 0.3 }", "").is_empty());
        let grant = |at: u32, vendor: &str| {
            format!(
                "[[event]]\nat = {at}\nvendor = \"{vendor}\"\nset = {{ \"access.open\" = 0.5 }}\n"
            )
        };
        assert!(idle("{}", &grant(6, "Idle")).is_empty());
        // Not an event of another vendor's, nor one after the horizon.
        assert_eq!(idle("{}", &grant(6, "A")).len(), 1);
        assert_eq!(idle("{}", &grant(12, "Idle")).len(), 1);
        // Access an event sets to 0 at the first period, before its awards,
        // never serves; one that adds, or sets it later, leaves the start.
        let revoke = |at: u32, op: &str| {
            format!("[[event]]\nat = {at}\nvendor = \"Idle\"\n{op} = {{ \"access.open\" = 0 }}\n")
        };
        assert_eq!(idle("{ open = 0.8 }", &revoke(0, "set")).len(), 1);
        assert!(idle("{ open = 0.8 }", &revoke(0, "add")).is_empty());
        assert!(idle("{ open = 0.8 }", &revoke(1, "set")).is_empty());
        assert!(idle("{ open = 0.8 }", &(revoke(0, "set") + &grant(6, "Idle"))).is_empty());
        // The first period's changes apply in file order, wherever a later
        // event stands: an access added and then set to 0 never serves; one
        // set to 0 and then added does.
        let add = "[[event]]\nat = 0\nvendor = \"Idle\"\nadd = { \"access.open\" = 0.5 }\n";
        let later = "[[event]]\nat = 3\nvendor = \"Idle\"\nadd = { \"access.open\" = 0 }\n";
        assert_eq!(
            idle("{}", &format!("{add}{later}{}", revoke(0, "set"))).len(),
            1
        );
        assert!(idle("{}", &format!("{}{later}{add}", revoke(0, "set"))).is_empty());
        // A lasting addition at the first period that takes a fixed access
        // to 0, or a drawn one that always does, serves nothing; one that
        // leaves some access, or a temporary one (undone later), serves.
        let take = |value: &str, until: &str| {
            format!(
                "[[event]]\nat = 0\n{until}vendor = \"Idle\"\nadd = {{ \"access.open\" = {value} }}\n"
            )
        };
        assert_eq!(idle("{ open = 0.5 }", &take("-0.5", "")).len(), 1);
        assert_eq!(idle("{ open = 0.5 }", &take("-0.8", "")).len(), 1);
        let always_zero = "{ uniform = [-1.0, -0.6] }";
        assert_eq!(idle("{ open = 0.5 }", &take(always_zero, "")).len(), 1);
        assert!(idle("{ open = 0.5 }", &take("-0.4", "")).is_empty());
        assert!(idle("{ open = 0.5 }", &take("{ uniform = [-1.0, 0.0] }", "")).is_empty());
        assert!(idle("{ open = 0.5 }", &take("-0.5", "until = 6\n")).is_empty());
        // Undone, a temporary addition leaves what the lasting changes of
        // the first period make, in whichever order the file gives them.
        let lasting = take("-0.5", "");
        let temporary = take("-0.5", "until = 6\n");
        assert_eq!(
            idle("{ open = 0.5 }", &format!("{temporary}{lasting}")).len(),
            1
        );
        assert_eq!(
            idle("{ open = 0.5 }", &format!("{lasting}{temporary}")).len(),
            1
        );
        assert!(
            idle(
                "{ open = 0.5 }",
                &format!("{temporary}{}", take("-0.2", ""))
            )
            .is_empty()
        );
        // Two temporary changes that end at different periods: the access
        // between the two ends counts (0 + 0.5 once the -0.5 ends at 3,
        // until the +0.5 ends at 8).
        let plus = take("0.5", "until = 8\n");
        let minus = take("-0.5", "until = 3\n");
        assert!(idle("{ open = 0 }", &format!("{plus}{minus}")).is_empty());
        assert_eq!(
            idle(
                "{ open = 0 }",
                &format!("{}{minus}", take("0.5", "until = 3\n"))
            )
            .len(),
            1
        );
        // Undone only after the horizon, a temporary addition lasts.
        assert_eq!(
            idle("{ open = 0.5 }", &take("-0.5", "until = 12\n")).len(),
            1
        );
        // Of a drawn access, an addition that may leave some serves.
        assert!(idle("{ open = { uniform = [0.3, 0.9] } }", &take("-0.5", "")).is_empty());
        // When no vendor serves anything, the tiers' warnings say it once.
        let nobody = source("{}", "").replace("access = { open = 1.0 }", "access = {}");
        let w = validate(&nobody, Path::new("t.toml"), &[])
            .unwrap()
            .warnings;
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].message.starts_with("tier 'open' holds units"), "{w:?}");
    }

    #[test]
    fn a_tier_no_vendor_can_serve_is_warned_about() {
        let source = |fractions: &str, event: &str| {
            format!(
                "start = \"2026-01\"\nperiods = 12\ntiers = [\"open\",\n \"secret\"]\n\
                [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = {{ open = 1.0, secret = 0.0 }}\n\
                [[agency]]\nname = \"B\"\nunits = 10\ntiers = {fractions}\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n{event}"
            )
        };
        let warnings = |fractions: &str, event: &str| {
            validate(&source(fractions, event), Path::new("t.toml"), &[])
                .unwrap()
                .warnings
        };
        let split = "{ open = 0.6, secret = 0.4 }";
        let w = warnings(split, "");
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, Some(4), "at the tier's name");
        assert!(
            w[0].message
                .starts_with("tier 'secret' holds units, but no vendor can serve it")
                && w[0]
                    .message
                    .ends_with("give a vendor access = { secret = ... }"),
            "{}",
            w[0].message
        );
        // An event within the horizon that grants access: served.
        let grant = |at: u32, op: &str, value: &str| {
            format!(
                "[[event]]\nat = {at}\nvendor = \"A\"\n{op} = {{ \"access.secret\" = {value} }}\n"
            )
        };
        assert!(warnings(split, &grant(6, "set", "0.5")).is_empty());
        assert!(warnings(split, &grant(6, "add", "0.2")).is_empty());
        assert!(warnings(split, &grant(6, "set", "{ uniform = [0.0, 0.3] }")).is_empty());
        // Access from the start that an event takes away at the first
        // period, before its awards, serves nothing.
        let opened = source(split, "").replace("secret = 0.0 }", "secret = 0.9 }");
        let w = |event: &str| {
            validate(&format!("{opened}{event}"), Path::new("t.toml"), &[])
                .unwrap()
                .warnings
        };
        assert!(w("").is_empty());
        assert_eq!(w(&grant(0, "set", "0")).len(), 1);
        assert!(
            w(&grant(0, "set", "0"))[0]
                .message
                .starts_with("tier 'secret' holds units, but no vendor can serve it")
        );
        assert!(w(&grant(1, "set", "0")).is_empty());
        // One after the horizon (which is warned about as well), or one
        // that grants nothing: still unserved.
        let unserved = |event: &str| {
            warnings(split, event)
                .iter()
                .filter(|w| w.message.starts_with("tier 'secret' holds"))
                .count()
        };
        assert_eq!(unserved(&grant(12, "set", "0.5")), 1);
        assert_eq!(unserved(&grant(6, "set", "0.0")), 1);
        // Access above 0 in about 2 runs in ten thousand is not service.
        assert_eq!(unserved(&grant(6, "set", "{ normal = [-0.7, 0.2] }")), 1);
        // In 0.6% of runs it is (a clamping warning is given instead).
        assert_eq!(unserved(&grant(6, "set", "{ normal = [-0.5, 0.2] }")), 0);
        // No units in the tier: nothing waits, nothing to say.
        assert!(warnings("{ open = 1.0 }", "").is_empty());
        // The default single tier, unserved: at the first agency with units,
        // and a name TOML must quote is quoted in the suggestion.
        let single = "start = \"2026-01\"\nperiods = 12\n\
            [[vendor]]\nname = \"A\"\nbrand = 0.5\naccess = { unclassified = 0.0 }\n\
            [[agency]]\nname = \"Empty\"\nunits = 0\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n\
            [[agency]]\nname = \"B\"\nunits = 10\nterm = 12\ninnovation = 0.1\nimitation = 0.1\n";
        let w = validate(single, Path::new("t.toml"), &[]).unwrap().warnings;
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].line, Some(13), "{w:?}");
        let spaced = source(split, "")
            .replace("\"secret\"", "\"top secret\"")
            .replace("secret =", "\"top secret\" =");
        let w = validate(&spaced, Path::new("t.toml"), &[])
            .unwrap()
            .warnings;
        assert!(
            w[0].message.ends_with("access = { \"top secret\" = ... }"),
            "{w:?}"
        );
    }
}
