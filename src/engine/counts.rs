//! The count engine: units of one agency and tier that share a state, an
//! incumbent and a contract end are exchangeable, so they move as counts.
//!
//! Per (agency, tier) segment it keeps: how many units never adopted, how
//! many wait by incumbent, how many contracts each vendor holds, and a
//! calendar of how many of each vendor's contracts end in each period.
//! Adoption is one binomial draw per segment and period, each group of open
//! units one multinomial draw over the eligible vendors, expiry a lookup in
//! the calendar. No step loops over units, so a run costs the same for 100
//! units or 10 million.

use rand::Rng;
use rand_distr::{Binomial, Distribution};

use super::market::{Market, logit_probabilities};
use super::{Dims, RunRecord};
use crate::scenario::Scenario;

/// Draws from Binomial(n, p), with the trivial cases short-cut.
pub(crate) fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u32, p: f64) -> u32 {
    if n == 0 || p <= 0.0 {
        0
    } else if p >= 1.0 {
        n
    } else {
        let d = Binomial::new(u64::from(n), p).expect("0 < p < 1");
        d.sample(rng) as u32
    }
}

/// Splits `n` units over categories with probabilities `probs` (summing to
/// 1) by conditional binomials, calling `place(i, count)` for every
/// non-zero count.
pub(crate) fn multinomial<R: Rng + ?Sized>(
    rng: &mut R,
    mut n: u32,
    probs: &[f64],
    mut place: impl FnMut(usize, u32),
) {
    let mut mass_left = 1.0;
    let last = probs.len() - 1;
    for (i, &p) in probs.iter().enumerate() {
        if n == 0 {
            return;
        }
        let k = if i == last {
            n
        } else {
            let q = if mass_left > 0.0 {
                (p / mass_left).min(1.0)
            } else {
                1.0
            };
            binomial(rng, n, q)
        };
        if k > 0 {
            place(i, k);
            n -= k;
        }
        mass_left -= p;
    }
}

/// One agency-tier cell of the market.
struct Segment {
    agency: usize,
    tier: usize,
    never: u32,
    /// Waiting units by incumbent; index `vendors` is "no incumbent".
    waiting: Vec<u32>,
    /// Contracts in force by vendor.
    held: Vec<u32>,
    /// `[end * vendors + v]`: contracts of `v` whose last period is `end`,
    /// for `end < periods` (later ends never expire within the horizon).
    ends: Vec<u32>,
    /// Eligible vendors and their utilities (without incumbency), refreshed
    /// whenever events fire.
    eligible: Vec<usize>,
    utilities: Vec<f64>,
}

pub fn run<R: Rng + ?Sized>(s: &Scenario, rng: &mut R) -> RunRecord {
    let d = Dims::of(s);
    let periods = d.periods;
    let nv = d.vendors;
    let mut market = Market::draw(s, rng);
    let mut record = RunRecord::new(d);

    let mut segments: Vec<Segment> = Vec::with_capacity(d.agencies * d.tiers);
    for (a, agency) in s.agencies.iter().enumerate() {
        for (k, &units) in agency.units_by_tier.iter().enumerate() {
            segments.push(Segment {
                agency: a,
                tier: k,
                never: units,
                waiting: vec![0; nv + 1],
                held: vec![0; nv],
                ends: vec![0; periods * nv],
                eligible: Vec::with_capacity(nv),
                utilities: vec![0.0; nv],
            });
        }
    }

    // Initial contracts: a contract with `remaining` r covers periods
    // 0..r-1. Unknown remaining is uniform on 1..=term per contract, so a
    // batch of them spreads over the end periods as a multinomial with equal
    // cells, drawn as conditional binomials.
    for (a, agency) in s.agencies.iter().enumerate() {
        for c in &agency.initial {
            let seg = &mut segments[a * d.tiers + c.tier];
            seg.never -= c.units;
            seg.held[c.vendor] += c.units;
            let mut place = |end: usize, n: u32| {
                if end < periods {
                    seg.ends[end * nv + c.vendor] += n;
                }
            };
            match c.remaining {
                Some(r) => place(r as usize - 1, c.units),
                None => {
                    let term = agency.term as usize;
                    let mut left = c.units;
                    for end in 0..term.min(periods) {
                        if left == 0 {
                            break;
                        }
                        let k = binomial(rng, left, 1.0 / (term - end) as f64);
                        place(end, k);
                        left -= k;
                    }
                    // Whatever is left ends after the horizon.
                }
            }
        }
    }

    let total_units = s.total_units() as f64;
    let mut contracted: u64 = segments
        .iter()
        .flat_map(|g| g.held.iter())
        .map(|&c| u64::from(c))
        .sum();
    let mut probs: Vec<f64> = Vec::with_capacity(nv);
    let mut expiring: Vec<u32> = vec![0; nv];

    for t in 0..periods {
        // 1. Events.
        if market.apply_events(s, t as u32) || t == 0 {
            for seg in &mut segments {
                seg.eligible.clear();
                for v in 0..nv {
                    if market.eligible(v, seg.tier) {
                        seg.eligible.push(v);
                    }
                    seg.utilities[v] = market.utility(seg.agency, seg.tier, v);
                }
            }
        }
        let f = contracted as f64 / total_units;
        contracted = 0;

        for seg in &mut segments {
            let a = seg.agency;
            // 2. Expiry: contracts whose last period was t-1.
            if t > 0 {
                let row = &mut seg.ends[(t - 1) * nv..t * nv];
                for v in 0..nv {
                    expiring[v] = row[v];
                    seg.held[v] -= row[v];
                    row[v] = 0;
                }
            }
            // 3. Adoption.
            let adopters = binomial(rng, seg.never, market.adoption_hazard(a, f));
            seg.never -= adopters;

            // 4. Award: open units grouped by incumbent (index nv: none).
            let end = t + s.agencies[a].term as usize - 1;
            let bonus = market.incumbency_bonus(a);
            for inc in 0..=nv {
                let mut open = std::mem::take(&mut seg.waiting[inc]);
                if inc == nv {
                    open += adopters;
                } else if t > 0 {
                    open += expiring[inc];
                }
                if open == 0 {
                    continue;
                }
                if seg.eligible.is_empty() {
                    seg.waiting[inc] = open;
                    continue;
                }
                let incumbent = (inc < nv).then_some(inc);
                logit_probabilities(&seg.utilities, &seg.eligible, incumbent, bonus, &mut probs);
                let (eligible, held, ends) = (&seg.eligible, &mut seg.held, &mut seg.ends);
                multinomial(rng, open, &probs, |i, n| {
                    let v = eligible[i];
                    held[v] += n;
                    if end < periods {
                        ends[end * nv + v] += n;
                    }
                });
            }

            // 5. Record.
            let base = d.contract(t, a, seg.tier, 0);
            record.contracts[base..base + nv].copy_from_slice(&seg.held);
            record.waiting[d.cell(t, a, seg.tier)] = seg.waiting.iter().sum();
            contracted += seg.held.iter().map(|&c| u64::from(c)).sum::<u64>();
        }
        for a in 0..d.agencies {
            record.annual_value[t * d.agencies + a] = market.annual_value[a];
        }
    }
    record
}
