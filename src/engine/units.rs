//! The unit engine: every buying unit followed one by one, a literal reading
//! of MODEL.md section 3. It is slow (cost grows with units) and exists as
//! the oracle the count engine is tested against; `--engine units` selects it.

use std::sync::atomic::{AtomicBool, Ordering};

use rand::RngExt;
use rand::rngs::ChaCha8Rng;

use super::market::{Market, logit_probabilities};
use super::{Dims, MixedPrices, RunRecord, initial_block_rng, start_period};
use crate::sampling::uniform;
use crate::scenario::Scenario;

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Never,
    /// Holds a contract with `vendor` whose last period is `end`, worth
    /// `price` a year (its agency's annual value when it was signed).
    Contracted {
        vendor: usize,
        end: usize,
        price: f64,
    },
    /// Wants a contract; decides in the award step of this period.
    Open,
    /// No vendor could serve its tier.
    Waiting,
}

#[derive(Debug, Clone, Copy)]
struct Unit {
    agency: usize,
    tier: usize,
    state: State,
    incumbent: Option<usize>,
}

/// Memory per unit followed.
pub const BYTES_PER_UNIT: u64 = std::mem::size_of::<Unit>() as u64;

/// One run's path, given its drawn parameters `market` and its dynamics
/// stream `rng`, with the values in force recorded where `mixed` says;
/// `None` when `cancel` is found set at the start of a period. A run of a
/// large market takes seconds or more here, so a cancel is heeded within
/// the run rather than only between runs.
pub fn run(
    s: &Scenario,
    mixed: &MixedPrices,
    mut market: Market,
    rng: &mut ChaCha8Rng,
    cancel: &AtomicBool,
) -> Option<RunRecord> {
    let d = Dims::of(s);
    let nv = d.vendors;
    let mut record = RunRecord::new(d, mixed.count());

    let mut units: Vec<Unit> = Vec::with_capacity(s.total_units() as usize);
    for (a, agency) in s.agencies.iter().enumerate() {
        for (k, &n) in agency.units_by_tier.iter().enumerate() {
            let first = units.len();
            units.extend((0..n).map(|_| Unit {
                agency: a,
                tier: k,
                state: State::Never,
                incumbent: None,
            }));
            // Initial contracts of this tier take the tier's first units.
            let mut next = first;
            for c in agency.initial.iter().filter(|c| c.tier == k) {
                initial_block_rng(rng, c.stream);
                for _ in 0..c.units {
                    let remaining = match c.remaining {
                        Some(r) => r,
                        None => rng.random_range(1..=agency.term),
                    };
                    units[next].state = State::Contracted {
                        vendor: c.vendor,
                        end: remaining as usize - 1,
                        price: market.annual_value[a],
                    };
                    next += 1;
                }
            }
        }
    }

    let total = units.len() as f64;
    let mut probs = Vec::with_capacity(nv);
    let mut eligible: Vec<Vec<usize>> = vec![Vec::new(); d.tiers];
    let mut utilities: Vec<Vec<f64>> = vec![vec![0.0; nv]; d.agencies * d.tiers];
    let is_contracted = |u: &Unit| matches!(u.state, State::Contracted { .. });
    let mut contracted = units.iter().filter(|u| is_contracted(u)).count();
    // Where in `record.values` each contract in force at a mixed
    // agency-period goes, with its price's bits.
    let mut priced: Vec<(usize, u64)> = Vec::new();

    for t in 0..d.periods {
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        start_period(rng, t);
        if market.apply_events(s, t as u32).any || t == 0 {
            for (k, list) in eligible.iter_mut().enumerate() {
                *list = (0..nv).filter(|&v| market.eligible(v, k)).collect();
            }
            for a in 0..d.agencies {
                for k in 0..d.tiers {
                    for (v, u) in utilities[a * d.tiers + k].iter_mut().enumerate() {
                        *u = market.utility(a, k, v);
                    }
                }
            }
        }
        let f = contracted as f64 / total;
        for u in units.iter_mut() {
            match u.state {
                State::Contracted { vendor, end, .. } if t > 0 && end == t - 1 => {
                    u.state = State::Open;
                    u.incumbent = Some(vendor);
                }
                State::Never if uniform(rng) < market.adoption_hazard(u.agency, f) => {
                    u.state = State::Open;
                }
                _ => {}
            }
            if matches!(u.state, State::Open | State::Waiting) {
                let list = &eligible[u.tier];
                if list.is_empty() {
                    u.state = State::Waiting;
                    continue;
                }
                let bonus = market.incumbency_bonus(u.agency);
                logit_probabilities(
                    &utilities[u.agency * d.tiers + u.tier],
                    list,
                    u.incumbent,
                    bonus,
                    &mut probs,
                );
                let draw = uniform(rng);
                let mut cumulative = 0.0;
                let mut chosen = list[list.len() - 1];
                for (i, p) in probs.iter().enumerate() {
                    cumulative += p;
                    if draw < cumulative {
                        chosen = list[i];
                        break;
                    }
                }
                u.state = State::Contracted {
                    vendor: chosen,
                    end: t + s.agencies[u.agency].term as usize - 1,
                    price: market.annual_value[u.agency],
                };
            }
        }
        contracted = 0;
        priced.clear();
        for u in &units {
            match u.state {
                State::Contracted { vendor, price, .. } => {
                    let cell = d.contract(t, u.agency, u.tier, vendor);
                    record.contracts[cell] += 1;
                    if let Some(slot) = mixed.slot(t, u.agency) {
                        priced.push(((slot * d.tiers + u.tier) * nv + vendor, price.to_bits()));
                    }
                    contracted += 1;
                }
                State::Waiting => record.waiting[d.agency_period(t, u.agency)] += 1,
                State::Never => record.never[d.agency_period(t, u.agency)] += 1,
                State::Open => unreachable!("every open unit is awarded or waits"),
            }
        }
        // The values in force, as the count engine sums them: each price's
        // contracts counted, then multiplied, so that the rounding does not
        // grow with the number of units (comparisons allow for the rounding
        // of a few terms per cell, `compare::RoundingAllowance`).
        priced.sort_unstable();
        for group in priced.chunk_by(|a, b| a == b) {
            let (at, price) = group[0];
            record.values[at] += group.len() as f64 * f64::from_bits(price);
        }
        record.record_annual_values(t, &market.annual_value);
    }
    Some(record)
}
