//! Where a run must follow what contracts are worth, not just how many
//! there are.
//!
//! A contract keeps the annual value its agency had when it was signed
//! (MODEL.md section 3: events do not touch contracts in force). So after
//! an event changes an agency's value, its contracts in force are worth
//! different amounts until the last one signed before the change has
//! expired; everywhere else each is worth the agency's current value, and
//! counts times that value say everything. Which agency-periods are
//! "mixed" depends only on the scenario (events fire at fixed periods, terms
//! are fixed), so every run records values for the same ones and a tally
//! keeps them in the same slots.

use std::sync::Arc;

use crate::scenario::Scenario;

/// The agency-periods in which an agency's contracts in force may have
/// been signed at different annual values: a run records the values in
/// force there, by tier and vendor, one slot each. Kept as stretches of
/// periods per agency, so its size grows with the events, not with
/// periods x agencies; slots are numbered agency by agency, each agency's
/// in period order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedPrices {
    /// `[agency]`: its mixed stretches, ascending and apart (a period
    /// between any two), so [`MixedPrices::slot`] finds one by bisection.
    stretches: Arc<[Vec<Stretch>]>,
    /// How many agency-periods are mixed.
    count: usize,
}

/// Periods `first..=last` of one agency, mixed, whose slots start at `slot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stretch {
    first: usize,
    last: usize,
    slot: usize,
}

impl MixedPrices {
    /// The mixed agency-periods of `s`. Agency a is mixed at period t when
    /// an event changed its value at some period b <= t while a contract
    /// signed before b may still be in force at t: one signed at b - 1
    /// lasts until b + term - 2, an initial contract until its `remaining`
    /// (or `term`, when drawn) runs out.
    pub fn of(s: &Scenario) -> MixedPrices {
        let periods = i64::from(s.calendar.periods);
        let windows = s.agencies.iter().enumerate().map(|(a, agency)| {
            let term = i64::from(agency.term);
            let initial_last = agency
                .initial
                .iter()
                .map(|c| i64::from(c.remaining.unwrap_or(agency.term)) - 1)
                .max()
                .unwrap_or(-1);
            let mut changes: Vec<i64> = s.price_changes_of(a).map(i64::from).collect();
            changes.sort_unstable();
            // From each change on, until the last period a contract signed
            // before it may be in force.
            let mut windows: Vec<(usize, usize)> = Vec::new();
            for b in changes.into_iter().filter(|&b| b < periods) {
                let signed_before = if b >= 1 { b + term - 2 } else { -1 };
                let last = signed_before.max(initial_last).min(periods - 1);
                if last < b {
                    continue;
                }
                let (b, last) = (b as usize, last as usize);
                match windows.last_mut() {
                    Some(open) if b <= open.1 + 1 => open.1 = open.1.max(last),
                    _ => windows.push((b, last)),
                }
            }
            windows
        });
        MixedPrices::from_windows(windows)
    }

    /// Every agency-period of `s` mixed when some event changes an annual
    /// value (else none): runs simulated with it record the values in force
    /// everywhere, for a check of [`MixedPrices::of`] or for an embedder
    /// who wants them all.
    pub fn everywhere(s: &Scenario) -> MixedPrices {
        let periods = s.calendar.periods as usize;
        let all = s.prices_change() && periods > 0;
        MixedPrices::from_windows(s.agencies.iter().map(|_| {
            if all {
                vec![(0, periods - 1)]
            } else {
                Vec::new()
            }
        }))
    }

    fn from_windows(windows: impl Iterator<Item = Vec<(usize, usize)>>) -> MixedPrices {
        let mut count = 0;
        let stretches = windows
            .map(|agency| {
                agency
                    .into_iter()
                    .map(|(first, last)| {
                        let slot = count;
                        count += last - first + 1;
                        Stretch { first, last, slot }
                    })
                    .collect()
            })
            .collect();
        MixedPrices { stretches, count }
    }

    /// The slot of agency `a` at period `t`, if its contracts in force may
    /// be worth different amounts then.
    pub fn slot(&self, t: usize, a: usize) -> Option<usize> {
        let stretches = self.stretches.get(a)?;
        // The first stretch that ends at t or later, if it has begun.
        let s = stretches.get(stretches.partition_point(|s| s.last < t))?;
        (s.first <= t).then(|| s.slot + (t - s.first))
    }

    /// How many agency-periods are mixed.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Whether runs of `s` may record with these agency-periods: made for
    /// a scenario of `s`'s agencies and periods, and mixed wherever
    /// [`MixedPrices::of`] says `s` needs the values in force (elsewhere a
    /// count times the agency's price would misstate them).
    pub fn covers(&self, s: &Scenario) -> bool {
        let periods = s.calendar.periods as usize;
        let needed = MixedPrices::of(s);
        self.stretches.len() == s.agencies.len()
            && self
                .stretches
                .iter()
                .flatten()
                .all(|stretch| stretch.last < periods)
            && needed
                .stretches
                .iter()
                .zip(self.stretches.iter())
                .all(|(needed, held)| {
                    needed
                        .iter()
                        .all(|n| held.iter().any(|h| h.first <= n.first && n.last <= h.last))
                })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A market of `agencies` agencies over `periods` months, agency a with
    /// term `terms[a % terms.len()]` and, for every third agency, initial
    /// contracts with `remaining` 4; and price events at `events`
    /// (period, agency or `*`).
    fn market(agencies: usize, periods: u32, terms: &[u32], events: &[(u32, &str)]) -> Scenario {
        let mut text = format!(
            "start = \"2026-01\"\nperiods = {periods}\n[[vendor]]\nname = \"V\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n"
        );
        for a in 0..agencies {
            text += &format!(
                "[[agency]]\nname = \"G{a}\"\nunits = 10\ninnovation = 0.1\nimitation = 0.1\nterm = {}\nannual_value = 1.0\n",
                terms[a % terms.len()]
            );
            if a % 3 == 0 {
                text += "[[agency.initial]]\nvendor = \"V\"\nunits = 2\nremaining = 4\n";
            }
        }
        for (at, agency) in events {
            text += &format!(
                "[[event]]\nat = {at}\nagency = \"{agency}\"\nadd = {{ annual_value = 1 }}\n"
            );
        }
        crate::scenario::parse(&text, Path::new("market.toml")).unwrap()
    }

    /// The definition, period by period: agency a is mixed at t when a
    /// change at some b <= t may have left a contract signed before b in
    /// force.
    fn mixed_by_definition(s: &Scenario, t: usize, a: usize) -> bool {
        let agency = &s.agencies[a];
        let term = i64::from(agency.term);
        let initial_last = agency
            .initial
            .iter()
            .map(|c| i64::from(c.remaining.unwrap_or(agency.term)) - 1)
            .max()
            .unwrap_or(-1);
        s.price_changes_of(a).map(i64::from).any(|b| {
            let t = t as i64;
            let signed_before = if b >= 1 { b + term - 2 } else { -1 };
            b <= t && t <= signed_before.max(initial_last)
        })
    }

    #[test]
    fn stretches_hold_exactly_the_mixed_agency_periods_one_slot_each() {
        let events = [
            (0, "G1"),
            (3, "G0"),
            (5, "G0"),
            (9, "*"),
            (6, "G4"),
            (6, "G4"),
            (30, "G2"),
        ];
        for terms in [&[1, 2, 3][..], &[4, 12], &[40]] {
            let s = market(6, 24, terms, &events);
            let mixed = MixedPrices::of(&s);
            let mut slots = Vec::new();
            for t in 0..24 {
                for a in 0..6 {
                    let slot = mixed.slot(t, a);
                    assert_eq!(
                        slot.is_some(),
                        mixed_by_definition(&s, t, a),
                        "{terms:?} t {t} a {a}"
                    );
                    slots.extend(slot);
                }
            }
            slots.sort_unstable();
            assert_eq!(slots, (0..mixed.count()).collect::<Vec<_>>(), "{terms:?}");
            let everywhere = MixedPrices::everywhere(&s);
            assert_eq!(everywhere.count(), 24 * 6);
        }
    }

    /// Mixed prices cover a scenario only where each stretch it needs lies
    /// inside one held stretch: a held stretch that starts after it, or
    /// ends before it, leaves periods whose values in force would be
    /// misstated.
    #[test]
    fn a_needed_stretch_is_covered_only_by_one_that_holds_all_of_it() {
        // Term 6, a change at 3: mixed from 3 to 3 + 6 - 2 = 7.
        let s = market(1, 24, &[6], &[(3, "G0")]);
        let needed = MixedPrices::of(&s);
        assert_eq!((needed.slot(3, 0), needed.count()), (Some(0), 5));
        for (term, at, covers) in [
            (6, 3, true),  // 3 to 7
            (8, 3, true),  // 3 to 9
            (8, 1, true),  // 1 to 7
            (6, 1, false), // 1 to 5: ends before
            (6, 5, false), // 5 to 9: starts after
        ] {
            let held = MixedPrices::of(&market(1, 24, &[term], &[(at, "G0")]));
            assert_eq!(held.covers(&s), covers, "term {term}, change at {at}");
        }
    }

    /// The stretches grow with the events, not with periods x agencies: a
    /// price change for all of 3,000 agencies over 10,000 months is one
    /// stretch each, where a table would hold 30 million entries.
    #[test]
    fn a_large_market_keeps_one_stretch_per_agency_and_event() {
        let s = market(3000, 10_000, &[100_000], &[(1, "*")]);
        let mixed = MixedPrices::of(&s);
        assert_eq!(mixed.count(), 3000 * 9_999);
        assert_eq!(mixed.stretches.iter().map(Vec::len).sum::<usize>(), 3000);
        assert_eq!(mixed.slot(0, 0), None);
        assert!(mixed.slot(9_999, 2_999).is_some());
    }
}
