//! `sharecast sweep`: one scenario simulated at each of several values of one
//! of its numbers, to see how the projection responds (what if agencies were
//! more cautious, the deal came later, a vendor's brand were stronger?).
//!
//! Every value runs with the same seed and run count, so run i of each value
//! draws the same uncertain numbers (each has its own stream) and the
//! response curve is not blurred by sampling noise between values. `spec`
//! parses `--vary PATH=VALUES` (lists, ranges of numbers or of months) and
//! `--set PATH=VALUE`; `notes` finds what a setting does that its author
//! may not expect (events that override a set number, whose order a moved
//! event turns round, that set a number again, or whose opposite additions
//! no longer cancel, and a
//! `[choice]` weight that every agency overrides), for every command that
//! takes settings; this module reduces each value's projection to the point
//! the closing table shows. The varied scenarios themselves come from
//! [`crate::scenario::parse_with`].

mod notes;
mod spec;

pub use notes::{event_notes, overriding_events, unused_weight};
pub use spec::{MAX_VALUES, SpecError, Sweep, SweepValue};

use crate::measures::{Projection, all_under_contract};
use crate::scenario::Scenario;

/// What the closing table shows of one value, at the last period, over all
/// units.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// Mean count share per vendor; `None` when no run holds a contract.
    pub shares: Vec<Option<f64>>,
    /// Mean fraction of units under contract.
    pub under_contract: Option<f64>,
    /// The vendor most likely to lead and that chance.
    pub leader: Option<(usize, f64)>,
    /// Mean cumulative revenue of all vendors together over the horizon:
    /// what a swept price or term changes most directly; `None` when there
    /// are no runs.
    pub revenue: Option<f64>,
    /// Whether every contract of the value's scenario is worth $1 a year,
    /// so that `revenue` counts contract-years
    /// ([`Scenario::counts_contract_years`]).
    pub counts_contract_years: bool,
}

impl SweepPoint {
    /// The point of projection `p` of scenario `s`.
    ///
    /// # Panics
    /// If `p` is not a projection of `s` (of another scenario's vendors or
    /// periods), or `s` has no period.
    pub fn of(s: &Scenario, p: &Projection) -> SweepPoint {
        crate::report::assert_outlook_of(s, p);
        let last = s.calendar.periods as usize - 1;
        let under_contract = all_under_contract(&p.adoption, last).map(|s| s.mean);
        let leader = p
            .outlook
            .iter()
            .filter_map(|o| o.prob_leader.map(|chance| (o.vendor, chance)))
            .filter(|&(_, chance)| chance > 0.0)
            .max_by(|(a, a_chance), (b, b_chance)| a_chance.total_cmp(b_chance).then(b.cmp(a)));
        SweepPoint {
            shares: p.outlook.iter().map(|o| o.share.map(|s| s.mean)).collect(),
            under_contract,
            leader,
            revenue: p.outlook.iter().map(|o| o.mean_cumulative_revenue).sum(),
            counts_contract_years: s.counts_contract_years(),
        }
    }
}
