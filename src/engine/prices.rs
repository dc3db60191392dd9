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
/// been signed at different annual values, numbered in (period, agency)
/// order: a run records the values in force there, by tier and vendor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedPrices {
    /// `[period][agency]`: the slot of a mixed agency-period, or
    /// [`NOT_MIXED`]. Empty when no agency-period is mixed.
    slots: Arc<[u32]>,
    /// How many agency-periods are mixed.
    count: usize,
    agencies: usize,
}

/// Marks an agency-period whose contracts in force are all worth the
/// agency's current value.
const NOT_MIXED: u32 = u32::MAX;

impl MixedPrices {
    /// The mixed agency-periods of `s`. Agency a is mixed at period t when
    /// an event changed its value at some period b <= t while a contract
    /// signed before b may still be in force at t: one signed at b - 1
    /// lasts until b + term - 2, an initial contract until its `remaining`
    /// (or `term`, when drawn) runs out.
    pub fn of(s: &Scenario) -> MixedPrices {
        let periods = s.calendar.periods as usize;
        let agencies = s.agencies.len();
        if !s.prices_change() {
            return MixedPrices::from_marks(Vec::new(), agencies);
        }
        let mut marks = vec![false; periods * agencies];
        for (a, agency) in s.agencies.iter().enumerate() {
            let term = i64::from(agency.term);
            let initial_last = agency
                .initial
                .iter()
                .map(|c| i64::from(c.remaining.unwrap_or(agency.term)) - 1)
                .max()
                .unwrap_or(-1);
            let mut changes: Vec<i64> = s.price_changes_of(a).map(i64::from).collect();
            changes.sort_unstable();
            // The last period a contract signed before one of the changes
            // so far may be in force, swept over the periods in order.
            let mut reach = -1;
            let mut next = changes.iter().peekable();
            for t in 0..periods as i64 {
                while let Some(&b) = next.next_if(|&&b| b <= t) {
                    let signed_before = if b >= 1 { b + term - 2 } else { -1 };
                    reach = reach.max(signed_before).max(initial_last);
                }
                marks[t as usize * agencies + a] = t <= reach;
            }
        }
        MixedPrices::from_marks(marks, agencies)
    }

    /// Every agency-period of `s` mixed when some event changes an annual
    /// value (else none): runs simulated with it record the values in force
    /// everywhere, for a check of [`MixedPrices::of`] or for an embedder
    /// who wants them all.
    pub fn everywhere(s: &Scenario) -> MixedPrices {
        let cells = s.calendar.periods as usize * s.agencies.len();
        let marks = if s.prices_change() {
            vec![true; cells]
        } else {
            Vec::new()
        };
        MixedPrices::from_marks(marks, s.agencies.len())
    }

    fn from_marks(marks: Vec<bool>, agencies: usize) -> MixedPrices {
        let mut count = 0;
        let slots: Vec<u32> = if marks.iter().any(|&m| m) {
            marks
                .iter()
                .map(|&mixed| {
                    if !mixed {
                        return NOT_MIXED;
                    }
                    count += 1;
                    u32::try_from(count - 1).expect("fewer mixed agency-periods than u32::MAX")
                })
                .collect()
        } else {
            Vec::new()
        };
        MixedPrices {
            slots: slots.into(),
            count,
            agencies,
        }
    }

    /// The slot of agency `a` at period `t`, if its contracts in force may
    /// be worth different amounts then.
    pub fn slot(&self, t: usize, a: usize) -> Option<usize> {
        self.slots
            .get(t * self.agencies + a)
            .filter(|&&m| m != NOT_MIXED)
            .map(|&m| m as usize)
    }

    /// How many agency-periods are mixed.
    pub fn count(&self) -> usize {
        self.count
    }
}
