//! Statistics across runs: mean, sample standard deviation and the
//! percentiles the outputs report.
//!
//! Percentiles interpolate linearly between order statistics, the
//! definition of Excel's PERCENTILE.INC and numpy's default, so an analyst
//! who recomputes a band from `runs.csv` gets the same number.

/// The percentiles every output row carries, in percent.
pub const PERCENTILES: [u32; 5] = [5, 25, 50, 75, 95];

/// Statistics of one output cell over the runs in which it is defined.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Runs that entered (those in which the value is defined).
    pub runs: usize,
    /// Arithmetic mean over those runs.
    pub mean: f64,
    /// Sample standard deviation (n - 1); `None` with fewer than 2 runs.
    pub sd: Option<f64>,
    /// p05, p25, p50, p75, p95.
    pub percentiles: [f64; 5],
}

impl Summary {
    /// The 5th percentile over the runs (`p05` in the CSV files).
    pub fn p05(&self) -> f64 {
        self.percentiles[0]
    }

    /// The 25th percentile over the runs (`p25`).
    pub fn p25(&self) -> f64 {
        self.percentiles[1]
    }

    /// The median over the runs (`p50`).
    pub fn median(&self) -> f64 {
        self.percentiles[2]
    }

    /// The 75th percentile over the runs (`p75`): with `p25`, the band
    /// that holds the middle half of the runs' values.
    pub fn p75(&self) -> f64 {
        self.percentiles[3]
    }

    /// The 95th percentile over the runs (`p95`): with `p05`, the band
    /// that holds the middle 90% of the runs' values, not an interval for
    /// the mean (for that, see [`Summary::standard_error`]).
    pub fn p95(&self) -> f64 {
        self.percentiles[4]
    }

    /// The standard error of the mean, `sd / sqrt(runs)`; `None` with
    /// fewer than 2 runs.
    pub fn standard_error(&self) -> Option<f64> {
        self.sd.map(|sd| sd / (self.runs as f64).sqrt())
    }
}

/// Summarises `values` (reordering them); `None` when empty. The values
/// are expected to be numbers: a NaN (which no simulation gives) sorts as
/// `f64::total_cmp` orders it (after every number, or before them with its
/// sign bit set) and makes the mean, the sd and any percentile whose
/// interpolation reaches it NaN.
pub fn summarize(values: &mut [f64]) -> Option<Summary> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let (mean, sd, range) = mean_sd_and_range(values);
    // Only the order statistics either side of each percentile's rank are
    // needed: put them in place by selection, O(n) each, not a full sort.
    let mut ranks = [0; 2 * PERCENTILES.len()];
    for (pair, p) in ranks.chunks_exact_mut(2).zip(PERCENTILES) {
        let (lo, _) = rank(n, p);
        pair[0] = lo;
        pair[1] = (lo + 1).min(n - 1);
    }
    // With a handful of values the ranks of neighbouring percentiles
    // coincide or cross.
    ranks.sort_unstable();
    let mut distinct = 0;
    for i in 0..ranks.len() {
        if distinct == 0 || ranks[i] != ranks[distinct - 1] {
            ranks[distinct] = ranks[i];
            distinct += 1;
        }
    }
    let ranks = &ranks[..distinct];
    let mut order_statistics = [0.0; 2 * PERCENTILES.len()];
    let order_statistics = &mut order_statistics[..distinct];
    match range {
        Some((low, high)) if low.to_bits() == high.to_bits() => order_statistics.fill(low),
        Some((low, high)) if n >= BUCKETED_FROM => {
            select_bucketed(values, low, high, ranks, order_statistics)
        }
        _ => select_among_all(values, ranks, order_statistics),
    }
    let order_statistic = |r: usize| order_statistics[ranks.partition_point(|&q| q < r)];
    let percentiles = PERCENTILES.map(|p| {
        let (lo, frac) = rank(n, p);
        let hi = (lo + 1).min(n - 1);
        interpolate(order_statistic(lo), order_statistic(hi), frac)
    });
    Some(Summary {
        runs: n,
        mean,
        sd,
        percentiles,
    })
}

/// Puts in `order_statistics` the values a full sort of `values` would put
/// at each of `ranks` (ascending, distinct), selecting among all values;
/// reorders `values`.
fn select_among_all(values: &mut [f64], ranks: &[usize], order_statistics: &mut [f64]) {
    select_ranks(values, ranks, 0);
    for (statistic, &r) in order_statistics.iter_mut().zip(ranks) {
        *statistic = values[r];
    }
}

/// From this many values on, [`summarize`] finds its order statistics by
/// bucketing (`select_bucketed`); below, a selection is as quick.
const BUCKETED_FROM: usize = 64;

/// Puts in `order_statistics` the values a full sort of `values` would put
/// at each of `ranks` (ascending, distinct), where every value is finite,
/// `low` is the smallest and `high` the largest, and `low < high`;
/// reorders `values`.
///
/// One pass counts the values in equal-width buckets between `low` and
/// `high` (a power of two from 64 to 16,384, about a quarter as many as
/// values up to 65,536 of them), which says the bucket of each wanted
/// rank; a second moves the values of those buckets (about 5% of them for
/// 1,000 runs of `bench/large`) to the front, where a selection finds the
/// ranks among them. When those buckets hold more than half the values (a
/// row of mostly zeros), the selection is made among all of them instead,
/// at the cost of the counting pass. The bucket of a value is rounded from
/// `(x - low) * scale`, which never decreases as `x` grows (each step
/// rounds monotonically), so every value in a bucket orders after every
/// value in an earlier one, and a wanted value's rank among the kept values
/// is its rank less the values of the buckets before it that were not
/// kept. This measured about 2.5
/// µs a row of 1,000 runs against 7 µs for selecting in all of them, over
/// the rows of `bench/large`.
fn select_bucketed(
    values: &mut [f64],
    low: f64,
    high: f64,
    ranks: &[usize],
    order_statistics: &mut [f64],
) {
    let n = values.len();
    let buckets = (n / 4).next_power_of_two().clamp(64, 1 << 14);
    let scale = buckets as f64 / (high - low);
    if !scale.is_finite() || scale == 0.0 || n > u32::MAX as usize {
        // Values nearly 1e308 apart, or too close for the division; or
        // more than a bucket's count can hold.
        return select_among_all(values, ranks, order_statistics);
    }
    // Adding 2^52 rounds a number in 0..2^52 to a whole number held in the
    // low bits of the sum: here 0..=buckets (the largest value lands in
    // `buckets` itself, so the first and last buckets are half as wide as
    // the others), all below 2^16.
    const ROUND: f64 = (1u64 << 52) as f64;
    let bucket = |x: f64| ((x - low) * scale + ROUND).to_bits() as u16 as usize;
    let mut counts = vec![0u32; buckets + 1];
    for &x in values.iter() {
        counts[bucket(x)] += 1;
    }
    // The bucket of each rank, and its rank among the kept values.
    let mut kept_ranks = [0; 2 * PERCENTILES.len()];
    let mut kept_buckets = [0; 2 * PERCENTILES.len()];
    let mut kept_bucket_count = 0;
    let (mut below, mut kept_below, mut b) = (0, 0, 0);
    for (kept_rank, &r) in kept_ranks.iter_mut().zip(ranks) {
        while below + counts[b] as usize <= r {
            if kept_bucket_count > 0 && kept_buckets[kept_bucket_count - 1] == b {
                kept_below += counts[b] as usize;
            }
            below += counts[b] as usize;
            b += 1;
        }
        if kept_bucket_count == 0 || kept_buckets[kept_bucket_count - 1] != b {
            kept_buckets[kept_bucket_count] = b;
            kept_bucket_count += 1;
        }
        *kept_rank = kept_below + (r - below);
    }
    let kept_buckets = &kept_buckets[..kept_bucket_count];
    // Where most values share the wanted buckets (a row of mostly zeros, or
    // of two values), moving them saves nothing: select among all.
    let to_keep: usize = kept_buckets.iter().map(|&b| counts[b] as usize).sum();
    if to_keep > n / 2 {
        return select_among_all(values, ranks, order_statistics);
    }
    // The counts become 1 for a kept bucket, 0 for another: a branch-free
    // partition, swapping each kept value to the front.
    counts.fill(0);
    for &b in kept_buckets {
        counts[b] = 1;
    }
    let mut kept = 0;
    for i in 0..n {
        let x = values[i];
        values.swap(i, kept);
        kept += counts[bucket(x)] as usize;
    }
    debug_assert_eq!(kept, to_keep);
    select_among_all(
        &mut values[..kept],
        &kept_ranks[..ranks.len()],
        order_statistics,
    );
}

/// Mean and sample standard deviation of non-empty `values`, summed in run
/// order (before selection reorders them, so equal values arranged
/// differently cannot change a bit). A plain mean of 1,000 revenues of
/// 833,333,333.333333 each is 833,333,333.333342, off in the fifth decimal
/// and above every percentile; the corrected two-pass algorithm (Chan,
/// Golub and LeVeque, 1983) adds the mean of the residuals from a first
/// mean, which gives a value that is the same in every run exactly, with a
/// standard deviation of 0. The mean is then held within the smallest and
/// largest value, where any mean lies; those two are returned too when
/// every value is finite.
fn mean_sd_and_range(values: &[f64]) -> (f64, Option<f64>, Option<(f64, f64)>) {
    let n = values.len() as f64;
    let first = values.iter().sum::<f64>() / n;
    if !first.is_finite() {
        // A NaN or an infinity among the values, or a sum beyond the largest
        // float (never in sharecast's own statistics, which leave undefined
        // runs out and stay far below 1e300; possible from an embedder): the
        // plain mean carries it, and the spread is not a number.
        return (first, (values.len() >= 2).then_some(f64::NAN), None);
    }
    let (mut residuals, mut squares) = (0.0, 0.0);
    let (mut low, mut high) = (values[0], values[0]);
    for &x in values {
        let d = x - first;
        residuals += d;
        squares += d * d;
        // Plain comparisons: one instruction each on x86-64, where
        // `f64::min` takes several.
        low = if x < low { x } else { low };
        high = if x > high { x } else { high };
    }
    // Comparisons again, so that a NaN from residuals that overflow (values
    // more than 1e154 apart) passes through, not clamped away.
    let corrected = first + residuals / n;
    let mean = if corrected < low {
        low
    } else if corrected > high {
        high
    } else {
        corrected
    };
    let sd = (values.len() >= 2).then(|| {
        let variance = (squares - residuals * residuals / n) / (n - 1.0);
        // Rounding can leave a tiny negative where the spread is 0.
        if variance < 0.0 { 0.0 } else { variance }.sqrt()
    });
    // A finite sum means that every value is finite.
    (mean, sd, Some((low, high)))
}

/// The mean of `values`, to the bit as [`summarize`] gives it; `None` when
/// empty.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| mean_sd_and_range(values).0)
}

/// The rank `(n - 1) * percent / 100` as whole and fractional parts, in
/// integer arithmetic so no rounding error moves it.
fn rank(n: usize, percent: u32) -> (usize, f64) {
    let scaled = (n as u64 - 1) * u64::from(percent);
    ((scaled / 100) as usize, (scaled % 100) as f64 / 100.0)
}

/// Rearranges `values` so that every index in `ranks` (ascending, relative
/// to the whole slice, shifted by `offset`) holds the value a full sort
/// would put there.
fn select_ranks(values: &mut [f64], ranks: &[usize], offset: usize) {
    if ranks.is_empty() || values.len() < 2 {
        return;
    }
    let mid = ranks.len() / 2;
    let k = ranks[mid] - offset;
    let (left, _, right) = values.select_nth_unstable_by_key(k, |x| total_order_key(*x));
    select_ranks(left, &ranks[..mid], offset);
    select_ranks(right, &ranks[mid + 1..], offset + k + 1);
}

/// An integer that orders as [`f64::total_cmp`] orders `x` (the same bit
/// transform): selecting by this key instead of by `total_cmp` measured 2%
/// faster over the statistics of 1,000 runs of `bench/large`.
fn total_order_key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// PERCENTILE.INC of sorted, non-empty `sorted` at `percent` (0..=100).
///
/// # Panics
/// If `sorted` is empty or `percent` is above 100.
pub fn percentile_sorted(sorted: &[f64], percent: u32) -> f64 {
    assert!(
        percent <= 100,
        "a percentile is from 0 to 100, not {percent}"
    );
    assert!(!sorted.is_empty(), "a percentile of no values");
    let n = sorted.len();
    let (lo, frac) = rank(n, percent);
    let hi = (lo + 1).min(n - 1);
    interpolate(sorted[lo], sorted[hi], frac)
}

/// The value `frac` of the way from order statistic `lower` to the next,
/// `upper`, as PERCENTILE.INC computes it.
fn interpolate(lower: f64, upper: f64, frac: f64) -> f64 {
    lower + frac * (upper - lower)
}

#[cfg(test)]
mod tests {
    /// A NaN sorts after the numbers: the percentiles below it stay
    /// numbers, the mean and the rest are NaN.
    #[test]
    fn a_nan_sorts_last_and_spoils_what_reaches_it() {
        let s = super::summarize(&mut [1.0, f64::NAN, 3.0]).unwrap();
        assert!(s.mean.is_nan() && s.sd.is_some_and(f64::is_nan));
        assert_eq!(&s.percentiles[..2], &[1.2, 2.0]);
        assert!(s.percentiles[2..].iter().all(|p| p.is_nan()));
        let message = std::panic::catch_unwind(|| super::percentile_sorted(&[], 50))
            .unwrap_err()
            .downcast_ref::<&str>()
            .map(|m| m.to_string());
        assert_eq!(message.as_deref(), Some("a percentile of no values"));
    }

    use super::*;

    /// Each named percentile reads its own column: over the values 0 to 100
    /// (in shuffled order), PERCENTILE.INC's p-th percentile is p.
    #[test]
    fn the_named_percentiles_are_their_columns() {
        let mut values: Vec<f64> = (0..=100).map(|i| f64::from((i * 37) % 101)).collect();
        let s = summarize(&mut values).unwrap();
        assert_eq!(
            [s.p05(), s.p25(), s.median(), s.p75(), s.p95()],
            PERCENTILES.map(f64::from)
        );
    }

    #[test]
    fn percentile_inc_matches_spreadsheet_definition() {
        // PERCENTILE.INC({1,2,3,4,5,6,7,8,9,10}, p) in Excel / LibreOffice.
        let xs: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile_sorted(&xs, 5), 1.45);
        assert_eq!(percentile_sorted(&xs, 25), 3.25);
        assert_eq!(percentile_sorted(&xs, 50), 5.5);
        assert_eq!(percentile_sorted(&xs, 75), 7.75);
        assert!((percentile_sorted(&xs, 95) - 9.55).abs() < 1e-12);
        assert_eq!(percentile_sorted(&xs, 100), 10.0);
        assert_eq!(percentile_sorted(&[4.0], 95), 4.0);
    }

    #[test]
    fn moments() {
        let mut xs = vec![2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        let s = summarize(&mut xs).unwrap();
        assert_eq!(s.runs, 8);
        assert_eq!(s.mean, 5.0);
        assert!((s.sd.unwrap() - (32.0f64 / 7.0).sqrt()).abs() < 1e-12);
        assert_eq!(summarize(&mut []), None);
        assert_eq!(summarize(&mut [3.0]).unwrap().sd, None);
    }

    /// A value that is the same in every run is its own mean, bit for bit,
    /// with a standard deviation of exactly 0: a plain sum of 1,000 of these
    /// revenues gives a mean above every percentile and an sd of 8.5e-6.
    #[test]
    fn a_value_equal_in_every_run_is_its_own_mean_with_sd_0() {
        for (value, n) in [
            (2.5e9 / 3.0, 1000),
            (5.0e10 + 2.3e-5, 1000),
            (1.0e15 / 12.0 * 4_294_967_295.0, 997),
            (0.1, 3),
            (-7.3e-12, 10_000),
        ] {
            let mut xs = vec![value; n];
            let s = summarize(&mut xs).unwrap();
            assert_eq!(s.mean.to_bits(), value.to_bits(), "{value} x {n}");
            assert_eq!(s.sd, Some(0.0), "{value} x {n}");
            assert_eq!(s.percentiles, [value; 5]);
        }
    }

    /// Values symmetric about a centre have that centre as their mean
    /// (to the last bit here, where every residual is exact), whatever
    /// order the runs come in.
    #[test]
    fn the_mean_of_values_symmetric_about_a_centre_is_the_centre() {
        let centre = 1_228_073_489.368_587;
        let mut xs: Vec<f64> = (1..=500)
            .flat_map(|i| {
                let d = f64::from(i) * 0.125;
                [centre + d, centre - d]
            })
            .collect();
        let s = summarize(&mut xs.clone()).unwrap();
        assert_eq!(s.mean, centre);
        // sd of +-0.125 i, i = 1..=500, each twice over n - 1 = 999.
        let ss: f64 = (1..=500)
            .map(|i| 2.0 * (f64::from(i) * 0.125).powi(2))
            .sum();
        assert!((s.sd.unwrap() - (ss / 999.0).sqrt()).abs() < 1e-9);
        xs.reverse();
        let reversed = summarize(&mut xs).unwrap();
        assert_eq!(reversed.mean, centre);
    }

    /// Values that are not finite (which only an embedder can pass) are not
    /// clamped away: they make the mean NaN or infinite, as a plain mean does.
    #[test]
    fn values_that_are_not_finite_carry_through() {
        let s = summarize(&mut [1.0, f64::INFINITY]).unwrap();
        assert_eq!(s.mean, f64::INFINITY);
        assert!(s.sd.unwrap().is_nan());
        for values in [[1.0, f64::NAN, 2.0], [f64::NAN, 1.0, 2.0]] {
            let s = summarize(&mut values.clone()).unwrap();
            assert!(s.mean.is_nan() && s.sd.unwrap().is_nan(), "{values:?}");
        }
        assert_eq!(mean(&[-f64::INFINITY, 3.0]), Some(-f64::INFINITY));
        assert_eq!(mean(&[]), None);
    }

    /// Every order of a few distinct values: the selection must put each
    /// wanted order statistic in place whatever order the runs came in (a
    /// random input can happen to be sorted already).
    #[test]
    fn selection_is_right_for_every_order_of_a_few_values() {
        fn permutations(items: &mut Vec<f64>, k: usize, out: &mut Vec<Vec<f64>>) {
            if k == items.len() {
                out.push(items.clone());
                return;
            }
            for i in k..items.len() {
                items.swap(k, i);
                permutations(items, k + 1, out);
                items.swap(k, i);
            }
        }
        // Spreadsheet values: PERCENTILE.INC({1, 2}, 5%, 25%, 50%, 75%, 95%).
        let two = summarize(&mut [2.0, 1.0]).unwrap();
        assert_eq!(two.percentiles, [1.05, 1.25, 1.5, 1.75, 1.95]);
        for n in 2..=6 {
            let sorted: Vec<f64> = (0..n).map(|i| f64::from(i * i) - 3.5).collect();
            let mut orders = Vec::new();
            permutations(&mut sorted.clone(), 0, &mut orders);
            for mut order in orders {
                let given = order.clone();
                let s = summarize(&mut order).unwrap();
                for (i, p) in PERCENTILES.iter().enumerate() {
                    assert_eq!(
                        s.percentiles[i].to_bits(),
                        percentile_sorted(&sorted, *p).to_bits(),
                        "{given:?} p {p}"
                    );
                }
            }
        }
    }

    #[test]
    fn selection_gives_the_same_percentiles_as_sorting() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(9);
        for n in [1, 2, 3, 4, 5, 7, 20, 21, 101, 1000, 1001] {
            // Many ties, as count shares have.
            let mut xs: Vec<f64> = (0..n)
                .map(|_| f64::from(rng.random_range(0..12u32)) / 11.0)
                .collect();
            // Negative values and both zeros too, which the integer keys
            // the selection compares must order as total_cmp does.
            if n % 2 == 1 {
                for (i, x) in xs.iter_mut().enumerate() {
                    *x = match i % 4 {
                        0 => -*x,
                        1 => -0.0,
                        _ => *x * 1e300,
                    };
                }
            }
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            let s = summarize(&mut xs).unwrap();
            for (i, p) in PERCENTILES.iter().enumerate() {
                assert_eq!(
                    s.percentiles[i],
                    percentile_sorted(&sorted, *p),
                    "n {n} p {p}"
                );
                assert_eq!(
                    s.percentiles[i].to_bits(),
                    percentile_sorted(&sorted, *p).to_bits()
                );
            }
        }
    }

    /// The order statistics found by bucketing are those of a full sort,
    /// bit for bit, and `values` keeps its values, for shapes that put
    /// everything in one bucket, leave most buckets empty, or stretch the
    /// scale to its limits.
    #[test]
    fn bucketed_selection_gives_the_order_statistics_of_a_sort() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(17);
        type Draw = fn(&mut rand::rngs::ChaCha8Rng, usize) -> f64;
        let shapes: [(&str, Draw); 12] = [
            ("uniform", |r, _| r.random::<f64>()),
            ("ties", |r, _| f64::from(r.random_range(0..12u32)) / 11.0),
            ("mostly zeros", |r, _| {
                if r.random_range(0..20u32) == 0 {
                    r.random::<f64>() * 1e9
                } else {
                    0.0
                }
            }),
            (
                "one outlier",
                |r, i| if i == 7 { 1e12 } else { r.random::<f64>() },
            ),
            ("two clusters", |r, i| {
                r.random::<f64>() * 1e-6 + if i % 2 == 0 { 0.0 } else { 5.0 }
            }),
            ("log-uniform", |r, _| {
                10f64.powf(r.random_range(-10.0..10.0))
            }),
            ("signed", |r, _| r.random_range(-3.0..3.0)),
            ("nearly equal", |r, _| {
                1.0 + f64::EPSILON * f64::from(r.random_range(0..4u32))
            }),
            ("subnormal", |r, _| {
                f64::from_bits(r.random_range(1..1000u64))
            }),
            // The widest range with a finite sum, whose width overflows.
            ("far apart", |r, i| {
                let half = (f64::MAX / 2.0).next_up();
                match i % 4 {
                    0 => -half,
                    2 => half,
                    _ => r.random::<f64>() * 1e300,
                }
            }),
            (
                "two values",
                |r, _| if r.random::<bool>() { 0.25 } else { 0.75 },
            ),
            (
                "both zeros",
                |r, _| if r.random::<bool>() { 0.0 } else { -0.0 },
            ),
        ];
        for (name, draw) in shapes {
            for n in [63, 64, 65, 100, 1000, 1001, 10_000] {
                let mut xs: Vec<f64> = (0..n).map(|i| draw(&mut rng, i)).collect();
                let mut sorted = xs.clone();
                sorted.sort_by(f64::total_cmp);
                let s = summarize(&mut xs).unwrap();
                for (i, p) in PERCENTILES.iter().enumerate() {
                    assert_eq!(
                        s.percentiles[i].to_bits(),
                        percentile_sorted(&sorted, *p).to_bits(),
                        "{name}, n {n}, p {p}"
                    );
                }
                xs.sort_by(f64::total_cmp);
                assert!(
                    xs.iter()
                        .zip(&sorted)
                        .all(|(a, b)| a.to_bits() == b.to_bits()),
                    "{name}, n {n}: the values changed"
                );
            }
        }
    }

    proptest::proptest! {
        /// Any finite values, with many repeats, against a full sort.
        #[test]
        fn summarize_matches_a_sort(
            pool in proptest::collection::vec(-1e6f64..1e6, 1..40),
            picks in proptest::collection::vec(0usize..1000, 0..400),
        ) {
            let mut xs: Vec<f64> = picks.iter().map(|&i| pool[i % pool.len()]).collect();
            let mut sorted = xs.clone();
            sorted.sort_by(f64::total_cmp);
            match summarize(&mut xs) {
                None => proptest::prop_assert!(sorted.is_empty()),
                Some(s) => {
                    for (i, p) in PERCENTILES.iter().enumerate() {
                        proptest::prop_assert_eq!(
                            s.percentiles[i].to_bits(),
                            percentile_sorted(&sorted, *p).to_bits()
                        );
                    }
                }
            }
        }
    }
}
