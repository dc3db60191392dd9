//! The count engine: units of one agency and tier that share a state, an
//! incumbent and a contract end are exchangeable, so they move as counts.
//!
//! Per (agency, tier) segment it keeps how many units never adopted, how
//! many wait (by incumbent), how many contracts each vendor holds, and a
//! calendar of how many of each vendor's contracts end in each period.
//! Adoption is one binomial draw per segment and period; expiry is a lookup
//! in the calendar; the award is one binomial per incumbent (the units that
//! stay with it for the incumbency bonus, see `Segment::stay`) and one
//! multinomial draw over the eligible vendors for all other open units of
//! the segment. (A negative bonus, which no stay can express, takes one
//! multinomial per incumbent instead.) No step loops over units (a handful
//! of open units are drawn one by one only because that is the cheapest
//! exact way for so few), so a run's cost stops growing with its units:
//! small groups take cheaper exact paths, so 100 times the units cost a run
//! two to two and a half times as much, and more units than that no more
//! (docs/performance.md has the figures).
//!
//! Choice probabilities change only when events fire, so each segment keeps
//! them tabulated and refreshes them then, not every period.

use rand::Rng;
use rand::rngs::ChaCha8Rng;

use super::market::{Market, logit_probabilities};
use super::{Dims, MixedPrices, RunRecord, initial_block_rng, start_period};
use crate::sampling::{binomial, logistic, uniform};
use crate::scenario::Scenario;

/// Groups of at most this many open units are assigned unit by unit (one
/// uniform each); larger groups by conditional binomials.
const UNIT_BY_UNIT: u32 = 16;

/// Bytes a segment takes beyond the numbers its lists hold: the struct
/// itself and, for each of the seven lists every segment has on the heap,
/// the allocator's header and rounding, about 32 bytes a block. In a market
/// of many small segments (thousands of agencies times tiers, few vendors)
/// this is most of the engine's working set.
pub(super) const SEGMENT_OVERHEAD_BYTES: u64 = std::mem::size_of::<Segment>() as u64 + 7 * 32;

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
    /// Vendors with access > 0 at this tier.
    eligible: Vec<usize>,
    /// Choice tables over `eligible`, one row per incumbent option: only the
    /// "no incumbent" row when the incumbency bonus is >= 0 (see `stay`),
    /// else one row per vendor and the "none" row last.
    /// Cumulative probabilities, each row ending in exactly 1.
    cumulative: Vec<f64>,
    /// The same rows as conditional probabilities for sequential binomial
    /// draws: `p_j / (p_j + p_{j+1} + ...)`.
    conditional: Vec<f64>,
    /// With a bonus >= 0, a unit whose incumbent is `v` stays with `v` "for
    /// the bonus" with probability `stay[v]` and otherwise chooses as if it
    /// had no incumbent: `P(v) = stay + (1 - stay) P0(v)` and `P(u) = (1 -
    /// stay) P0(u)` reproduce the logit with the bonus exactly. It lets all
    /// open units of a segment share one multinomial draw.
    stay: Vec<f64>,
    /// Whether the rows are per incumbent (bonus < 0) rather than `stay`.
    per_incumbent: bool,
    /// Only when the agency's price changes (else empty): contracts in
    /// force by `[price epoch][vendor]`. Epoch 0 holds the initial contracts and
    /// those signed before the first price change, epoch i those signed
    /// from the i-th period with a price change on; a contract is worth its
    /// epoch's price (see `run`).
    by_epoch: Vec<u32>,
    /// The epoch contracts signed now belong to.
    signing_epoch: usize,
    /// Only when the agency's price changes (else empty): `[end * vendors + v]`, how
    /// many of `ends` are initial contracts (epoch 0 whatever their end).
    initial_ends: Vec<u32>,
}

impl Segment {
    fn vendors(&self) -> usize {
        self.held.len()
    }

    /// Recomputes eligibility and the choice tables from the market.
    fn refresh(&mut self, market: &Market, utilities: &mut [f64], probs: &mut Vec<f64>) {
        let vendors = self.vendors();
        self.eligible.clear();
        self.eligible
            .extend((0..vendors).filter(|&v| market.eligible(v, self.tier)));
        for (v, u) in utilities.iter_mut().enumerate() {
            *u = market.utility(self.agency, self.tier, v);
        }
        let ne = self.eligible.len();
        let bonus = market.incumbency_bonus(self.agency);
        self.per_incumbent = bonus < 0.0;
        let rows = if self.per_incumbent { vendors + 1 } else { 1 };
        self.cumulative.resize(rows * ne, 0.0);
        self.conditional.resize(rows * ne, 0.0);
        self.stay.clear();
        self.stay.resize(vendors, 0.0);
        if ne == 0 {
            return;
        }
        // The largest utility and the softmax normaliser of the last row,
        // which is the "no incumbent" row.
        let mut normaliser = (0.0, 0.0);
        for row in 0..rows {
            let incumbent = (self.per_incumbent && row < vendors).then_some(row);
            normaliser = logit_probabilities(utilities, &self.eligible, incumbent, bonus, probs);
            let range = row * ne..(row + 1) * ne;
            let mut running = 0.0;
            for (c, p) in self.cumulative[range.clone()].iter_mut().zip(probs.iter()) {
                running += p;
                *c = running;
            }
            self.cumulative[range.end - 1] = 1.0;
            // Tail sums from the back, so no cancellation error creeps in.
            let mut tail = 0.0;
            for (c, p) in self.conditional[range.clone()]
                .iter_mut()
                .zip(probs.iter())
                .rev()
            {
                tail += p;
                *c = if tail > 0.0 { (p / tail).min(1.0) } else { 1.0 };
            }
            self.conditional[range.end - 1] = 1.0;
        }
        if !self.per_incumbent {
            // stay = w (e^b - 1) / (S + w (e^b - 1)), on the log scale:
            // logistic(ln w + ln(e^b - 1) - ln S), with w and S relative to
            // the largest weight.
            let (max, sum) = normaliser;
            let ln_sum = libm::log(sum);
            let ln_excess = if bonus > 30.0 {
                bonus + libm::log1p(-libm::exp(-bonus))
            } else {
                libm::log(libm::expm1(bonus))
            };
            for &v in &self.eligible {
                self.stay[v] = logistic(utilities[v] - max + ln_excess - ln_sum);
            }
        }
    }

    /// Gives `k` contracts ending at `end` to vendor `v` (`award` adds
    /// them to their price epoch).
    fn give(&mut self, v: usize, k: u32, end: usize) {
        let vendors = self.vendors();
        self.held[v] += k;
        if let Some(slot) = self.ends.get_mut(end * vendors + v) {
            *slot += k;
        }
    }

    /// Gives `k` initial contracts ending at `end` to vendor `v`.
    fn give_initial(&mut self, v: usize, k: u32, end: usize) {
        self.give(v, k, end);
        let vendors = self.vendors();
        if let Some(slot) = self.by_epoch.get_mut(v) {
            *slot += k;
        }
        if let Some(slot) = self.initial_ends.get_mut(end * vendors + v) {
            *slot += k;
        }
    }

    /// Step 2 of period `t > 0`: ends the contracts whose last period was
    /// `t - 1`, putting how many each vendor lost into `expiring`.
    /// `signed_epoch[s]` is the price epoch of period `s`'s contracts.
    fn expire(&mut self, t: usize, term: usize, signed_epoch: &[usize], expiring: &mut [u32]) {
        let vendors = self.vendors();
        let row = (t - 1) * vendors..t * vendors;
        for ((e, held), slot) in expiring
            .iter_mut()
            .zip(self.held.iter_mut())
            .zip(self.ends[row.clone()].iter_mut())
        {
            *e = *slot;
            *held -= *slot;
            *slot = 0;
        }
        if self.by_epoch.is_empty() {
            return;
        }
        for (v, &ended) in expiring.iter().enumerate() {
            let initial = std::mem::take(&mut self.initial_ends[row.start + v]);
            self.by_epoch[v] -= initial;
            let signed = ended - initial;
            if signed > 0 {
                // Signed in period t - term, which ended in t - 1.
                self.by_epoch[signed_epoch[t - term] * vendors + v] -= signed;
            }
        }
    }

    /// The annual values of each vendor's contracts in force, summed, into
    /// `values`: `prices` gives the agency's price in each epoch, in order,
    /// and `price` is its price now.
    fn values(&self, prices: impl Iterator<Item = f64>, price: f64, values: &mut [f64]) {
        let vendors = self.vendors();
        if self.by_epoch.is_empty() {
            // The agency's price never changes: every contract is worth the
            // price of now (there may be no epochs at all, when no price in
            // the scenario changes but the caller asked for values).
            for (value, &n) in values.iter_mut().zip(&self.held) {
                *value = f64::from(n) * price;
            }
            return;
        }
        values.fill(0.0);
        for (held, price) in self.by_epoch.chunks_exact(vendors).zip(prices) {
            for (value, &n) in values.iter_mut().zip(held) {
                *value += f64::from(n) * price;
            }
        }
    }

    /// Awards contracts ending at `end` to `n` open units choosing by table
    /// row `row`; there is at least one eligible vendor.
    fn choose<R: Rng + ?Sized>(&mut self, rng: &mut R, row: usize, mut n: u32, end: usize) {
        let ne = self.eligible.len();
        let range = row * ne..(row + 1) * ne;
        if n <= UNIT_BY_UNIT {
            for _ in 0..n {
                let u = uniform(rng);
                // The first vendor whose cumulative probability exceeds u,
                // counted without branches: the rows are non-decreasing and
                // end in 1 > u.
                let j = self.cumulative[range.clone()]
                    .iter()
                    .map(|&c| usize::from(c <= u))
                    .sum::<usize>()
                    .min(ne - 1);
                self.give(self.eligible[j], 1, end);
            }
        } else {
            for j in range.clone() {
                if n == 0 {
                    break;
                }
                let k = binomial(rng, n, self.conditional[j]);
                if k > 0 {
                    self.give(self.eligible[j - range.start], k, end);
                    n -= k;
                }
            }
        }
    }

    /// Step 4 of a period: awards every open unit, or leaves it waiting when
    /// no vendor can serve the tier. `expiring[v]` units just left `v`.
    fn award<R: Rng + ?Sized>(&mut self, rng: &mut R, adopters: u32, expiring: &[u32], end: usize) {
        if self.by_epoch.is_empty() {
            self.award_all(rng, adopters, expiring, end);
            return;
        }
        // What each vendor holds now; what it holds after the award more
        // than that was signed now, in the current epoch.
        let epoch = self.signing_epoch * self.vendors();
        for (slot, &held) in self.by_epoch[epoch..].iter_mut().zip(&self.held) {
            *slot = slot.wrapping_sub(held);
        }
        self.award_all(rng, adopters, expiring, end);
        for (slot, &held) in self.by_epoch[epoch..].iter_mut().zip(&self.held) {
            *slot = slot.wrapping_add(held);
        }
    }

    /// [`Segment::award`], without the price epochs.
    fn award_all<R: Rng + ?Sized>(
        &mut self,
        rng: &mut R,
        adopters: u32,
        expiring: &[u32],
        end: usize,
    ) {
        let vendors = self.vendors();
        if self.eligible.is_empty() {
            for (w, e) in self.waiting.iter_mut().zip(expiring) {
                *w += e;
            }
            self.waiting[vendors] += adopters;
            return;
        }
        let mut free = adopters + std::mem::take(&mut self.waiting[vendors]);
        for (inc, &left) in expiring.iter().enumerate() {
            let open = left + std::mem::take(&mut self.waiting[inc]);
            if open == 0 {
                continue;
            }
            if self.per_incumbent {
                self.choose(rng, inc, open, end);
            } else {
                let stay = binomial(rng, open, self.stay[inc]);
                if stay > 0 {
                    // stay > 0 only for eligible incumbents (`stay` is 0 for the rest).
                    self.give(inc, stay, end);
                }
                free += open - stay;
            }
        }
        if free > 0 {
            let none = if self.per_incumbent { vendors } else { 0 };
            self.choose(rng, none, free, end);
        }
    }
}

/// One run's path, given its drawn parameters `market` and its dynamics
/// stream `rng`, with the values in force recorded where `mixed` says.
pub fn run(
    s: &Scenario,
    mixed: &MixedPrices,
    mut market: Market,
    rng: &mut ChaCha8Rng,
) -> RunRecord {
    let d = Dims::of(s);
    let periods = d.periods;
    let nv = d.vendors;
    let prices_change = s.prices_change();
    let mut record = RunRecord::new(d, mixed.count());
    // When prices change, the contracts of each agency whose price changes
    // are followed by price epoch as well as by end (the others are always
    // worth their agency's one price): `epoch_prices` holds each epoch's
    // price by agency, `[epoch][agency]`, epoch 0 the drawn values (before
    // any event), and `signed_epoch[t]` the epoch of period t's contracts.
    let mut epoch_prices: Vec<f64> = Vec::new();
    let mut epoch = 0;
    let mut signed_epoch: Vec<usize> = Vec::with_capacity(if prices_change { periods } else { 0 });
    if prices_change {
        epoch_prices.extend_from_slice(&market.annual_value);
    }

    let mut segments: Vec<Segment> = Vec::with_capacity(d.agencies * d.tiers);
    for (a, agency) in s.agencies.iter().enumerate() {
        let priced = s.price_changes_of(a).next().is_some();
        for (k, &units) in agency.units_by_tier.iter().enumerate() {
            segments.push(Segment {
                agency: a,
                tier: k,
                never: units,
                waiting: vec![0; nv + 1],
                held: vec![0; nv],
                ends: vec![0; periods * nv],
                eligible: Vec::with_capacity(nv),
                cumulative: Vec::new(),
                conditional: Vec::new(),
                stay: Vec::new(),
                per_incumbent: false,
                by_epoch: if priced { vec![0; nv] } else { Vec::new() },
                signing_epoch: 0,
                initial_ends: if priced {
                    vec![0; periods * nv]
                } else {
                    Vec::new()
                },
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
            match c.remaining {
                Some(r) => seg.give_initial(c.vendor, c.units, r as usize - 1),
                None => {
                    let rng = initial_block_rng(rng, c.stream);
                    let term = agency.term as usize;
                    let mut left = c.units;
                    for end in 0..term.min(periods) {
                        if left == 0 {
                            break;
                        }
                        let k = binomial(rng, left, 1.0 / (term - end) as f64);
                        seg.give_initial(c.vendor, k, end);
                        left -= k;
                    }
                    // Whatever is left ends after the horizon.
                    seg.give_initial(c.vendor, left, periods);
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
    let mut utilities = vec![0.0; nv];
    let mut probs: Vec<f64> = Vec::with_capacity(nv);
    let mut expiring: Vec<u32> = vec![0; nv];
    let mut adopters: Vec<u32> = vec![0; segments.len()];

    for t in 0..periods {
        start_period(rng, t);
        // 1. Events; the choice tables follow the market, and a price
        // change opens a new epoch for the contracts signed from now on.
        let fired = market.apply_events(s, t as u32);
        if fired.any || t == 0 {
            for seg in &mut segments {
                seg.refresh(&market, &mut utilities, &mut probs);
            }
        }
        if fired.prices {
            epoch_prices.extend_from_slice(&market.annual_value);
            epoch += 1;
            for seg in segments.iter_mut().filter(|g| !g.by_epoch.is_empty()) {
                seg.by_epoch.resize((epoch + 1) * nv, 0);
                seg.signing_epoch = epoch;
            }
        }
        if prices_change {
            signed_epoch.push(epoch);
        }
        let f = contracted as f64 / total_units;
        contracted = 0;

        // 3. Adoption, every segment's before any award: each segment's
        // adoption depends only on its own state and on F of the period
        // before, so the order of the draws changes no distribution. Drawn
        // first, they take the same words of the period's stream in two
        // variants of a scenario whenever those states agree, whatever the
        // awards (which consume a varying number of words) do, so a change
        // that moves only who wins leaves adoption paired run by run.
        for (seg, adopted) in segments.iter_mut().zip(&mut adopters) {
            *adopted = binomial(rng, seg.never, market.adoption_hazard(seg.agency, f));
            seg.never -= *adopted;
        }

        for (seg, &adopted) in segments.iter_mut().zip(&adopters) {
            let a = seg.agency;
            let term = s.agencies[a].term as usize;
            // 2. Expiry: contracts whose last period was t-1.
            if t > 0 {
                seg.expire(t, term, &signed_epoch, &mut expiring);
            }

            // 4. Award.
            seg.award(rng, adopted, &expiring, t + term - 1);

            // 5. Record.
            let base = d.contract(t, a, seg.tier, 0);
            record.contracts[base..base + nv].copy_from_slice(&seg.held);
            if let Some(slot) = mixed.slot(t, a) {
                let prices = epoch_prices.iter().skip(a).step_by(d.agencies).copied();
                let first = (slot * d.tiers + seg.tier) * nv;
                let price = market.annual_value[a];
                seg.values(prices, price, &mut record.values[first..first + nv]);
            }
            record.waiting[d.agency_period(t, a)] += seg.waiting.iter().sum::<u32>();
            record.never[d.agency_period(t, a)] += seg.never;
            contracted += seg.held.iter().map(|&c| u64::from(c)).sum::<u64>();
        }
        record.record_annual_values(t, &market.annual_value);
    }
    record
}
