//! Random variates whose every bit is the same on every machine.
//!
//! A seed must give the same CSV on Linux, macOS and Windows, in a release
//! build and in a test build. `rand_distr` computes `exp`, `ln` and `pow`
//! through `num-traits`, which switches to the platform's C maths library as
//! soon as any crate in the build enables its `std` feature (criterion and
//! proptest do, in test and bench builds). So the few distributions the
//! model needs are written here against `libm`, a pure-Rust port of musl's
//! maths, and `f64::sqrt`, which IEEE 754 requires to be correctly rounded.
//!
//! The binomial sampler is also the engine's hot path: Bernoulli counting
//! for a handful of trials, inversion for a small mean, and Hörmann's BTRD
//! (transformed rejection with decomposition, 1993) otherwise, so a draw
//! costs about the same for 10 trials or 10 million.

use rand::{Rng, RngExt};

/// A uniform draw in [0, 1) with 53 random bits.
#[inline]
pub fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    rng.random::<f64>()
}

/// A uniform draw in (0, 1), for logarithms.
#[inline]
fn open_uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    loop {
        let u = uniform(rng);
        if u > 0.0 {
            return u;
        }
    }
}

/// Standard normal by the Marsaglia polar method.
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    loop {
        let x = 2.0 * uniform(rng) - 1.0;
        let y = 2.0 * uniform(rng) - 1.0;
        let s = x * x + y * y;
        if s > 0.0 && s < 1.0 {
            return x * (-2.0 * libm::log(s) / s).sqrt();
        }
    }
}

/// The logarithm of a Gamma(shape, 1) draw: Marsaglia and Tsang (2000) for
/// shape >= 1; below 1 the boost `Gamma(a) = Gamma(a + 1) * U^(1/a)`, added
/// on the log scale, where `U^(1/a)` cannot underflow to 0 however small `a`.
/// NaN for a shape that is not above 0 (whose boosts would never reach 1).
pub fn ln_gamma_variate<R: Rng + ?Sized>(rng: &mut R, shape: f64) -> f64 {
    if shape.is_nan() || shape <= 0.0 {
        return f64::NAN;
    }
    if shape < 1.0 {
        let ln_boost = libm::log(open_uniform(rng)) / shape;
        return ln_gamma_variate(rng, shape + 1.0) + ln_boost;
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = standard_normal(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u = open_uniform(rng);
        if u < 1.0 - 0.0331 * x * x * x * x
            || libm::log(u) < 0.5 * x * x + d * (1.0 - v + libm::log(v))
        {
            return libm::log(d * v);
        }
    }
}

/// Gamma(shape, 1), for a finite `shape > 0` (the `beta` and `pert`
/// families draw through it with the shapes `DistSpec::check` allows); a
/// shape not above 0 gives NaN.
pub fn gamma<R: Rng + ?Sized>(rng: &mut R, shape: f64) -> f64 {
    libm::exp(ln_gamma_variate(rng, shape))
}

/// Beta(alpha, beta) as X / (X + Y) with X, Y gamma draws, computed from
/// their logarithms as `1 / (1 + e^(ln Y - ln X))` so that tiny shape
/// parameters (whose gamma draws underflow) keep their U-shaped mass near 0
/// and 1. For finite `alpha, beta > 0`; others give an unspecified number
/// (possibly NaN), not a panic.
pub fn beta<R: Rng + ?Sized>(rng: &mut R, alpha: f64, beta: f64) -> f64 {
    let ln_x = ln_gamma_variate(rng, alpha);
    let ln_y = ln_gamma_variate(rng, beta);
    logistic(ln_x - ln_y)
}

/// `1 / (1 + e^-x)` without overflow.
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-x))
}

/// Triangular(low, mode, high) by inversion, for finite
/// `low <= mode <= high` with `low < high`; others give an unspecified
/// number (possibly NaN or outside them), not a panic.
pub fn triangular<R: Rng + ?Sized>(rng: &mut R, low: f64, mode: f64, high: f64) -> f64 {
    let u = uniform(rng);
    let split = (mode - low) / (high - low);
    if u < split {
        low + ((high - low) * (mode - low) * u).sqrt()
    } else {
        high - ((high - low) * (high - mode) * (1.0 - u)).sqrt()
    }
}

/// PERT(low, mode, high): a Beta scaled to [low, high] with shape
/// parameter 4, `alpha = 1 + 4 (mode - low) / (high - low)`. For the same
/// parameters as [`triangular`]; `low == high` gives NaN.
pub fn pert<R: Rng + ?Sized>(rng: &mut R, low: f64, mode: f64, high: f64) -> f64 {
    let (alpha, beta_shape) = pert_shapes(low, mode, high);
    low + (high - low) * beta(rng, alpha, beta_shape)
}

/// The beta shapes of PERT(low, mode, high) on [low, high]:
/// `1 + 4 (mode - low) / (high - low)` and `1 + 4 (high - mode) / (high - low)`.
pub fn pert_shapes(low: f64, mode: f64, high: f64) -> (f64, f64) {
    let range = high - low;
    (
        1.0 + 4.0 * (mode - low) / range,
        1.0 + 4.0 * (high - mode) / range,
    )
}

/// A draw from Binomial(n, p). A `p` at or below 0 gives 0 and at or
/// above 1 gives `n`; `p` must not be NaN (a debug build panics, a release
/// build gives 0).
pub fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u32, p: f64) -> u32 {
    debug_assert!(!p.is_nan(), "binomial probability is NaN");
    // A NaN must never reach the rejection loops below.
    if n == 0 || p.is_nan() || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if p > 0.5 {
        return n - binomial(rng, n, 1.0 - p);
    }
    if n <= 12 {
        return (0..n).filter(|_| uniform(rng) < p).count() as u32;
    }
    let mean = f64::from(n) * p;
    if mean < 10.0 {
        inversion(rng, n, p)
    } else {
        btrd(rng, n, p)
    }
}

/// Sequential search from 0 (for n p < 10, p <= 1/2): the expected number
/// of steps is about n p.
fn inversion<R: Rng + ?Sized>(rng: &mut R, n: u32, p: f64) -> u32 {
    let q = 1.0 - p;
    let s = p / q;
    let a = (f64::from(n) + 1.0) * s;
    let r0 = pow_complement(p, n);
    'draw: loop {
        let mut r = r0;
        let mut u = uniform(rng);
        let mut x: u32 = 0;
        while u > r {
            u -= r;
            x += 1;
            if x > n {
                // Rounding left a sliver of mass unassigned; draw again.
                continue 'draw;
            }
            r *= a / f64::from(x) - s;
        }
        return x;
    }
}

/// `(1 - p)^n`. Up to 2^16 trials by repeated squaring (a few exact IEEE
/// multiplications, relative error below 1e-11); beyond, through `log1p`,
/// which keeps its precision for tiny `p` and huge `n`.
fn pow_complement(p: f64, n: u32) -> f64 {
    if n > 1 << 16 {
        return libm::exp(f64::from(n) * libm::log1p(-p));
    }
    let (mut base, mut exponent, mut result) = (1.0 - p, n, 1.0);
    while exponent > 0 {
        if exponent & 1 == 1 {
            result *= base;
        }
        base *= base;
        exponent >>= 1;
    }
    result
}

/// `x.floor()` for `x >= 0`, by truncation: on baseline x86-64 `floor` is a
/// library call, and this is the sampler's hot path.
#[inline]
fn floor_non_negative(x: f64) -> f64 {
    debug_assert!(x >= 0.0);
    (x as u64) as f64
}

/// Stirling-series correction `ln k! - [(k + 1/2) ln(k + 1) - (k + 1) + ln sqrt(2 pi)]`.
fn stirling_correction(k: f64) -> f64 {
    const TABLE: [f64; 10] = [
        0.081_061_466_795_327_26,
        0.041_340_695_955_409_29,
        0.027_677_925_684_998_34,
        0.020_790_672_103_765_09,
        0.016_644_691_189_821_19,
        0.013_876_128_823_070_75,
        0.011_896_709_945_891_77,
        0.010_411_265_261_972_09,
        0.009_255_462_182_712_733,
        0.008_330_563_433_362_87,
    ];
    if k < 10.0 {
        return TABLE[k as usize];
    }
    let k1 = k + 1.0;
    let k2 = k1 * k1;
    (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / 1260.0 / k2) / k2) / k1
}

/// Hörmann's BTRD for n p >= 10 and p <= 1/2: a transformed-rejection
/// sampler whose expected cost does not depend on n.
fn btrd<R: Rng + ?Sized>(rng: &mut R, n: u32, p: f64) -> u32 {
    let nf = f64::from(n);
    let q = 1.0 - p;
    let npq = nf * p * q;
    let sqrt_npq = npq.sqrt();
    let b = 1.15 + 2.53 * sqrt_npq;
    let inv_b = 1.0 / b;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = nf * p + 0.5;
    let v_r = 0.92 - 4.2 * inv_b;
    let u_rv_r = 0.86 * v_r;
    // The rest is needed only when the first test fails (a fifth to a
    // third of the draws), so it is not computed before then.
    let m = || floor_non_negative((nf + 1.0) * p);
    loop {
        let mut v = uniform(rng);
        let u;
        if v <= u_rv_r {
            let u = v / v_r - 0.43;
            // Always >= 0 here (c >= 10.5 outweighs the negative part).
            return ((2.0 * a / (0.5 - u.abs()) + b) * u + c) as u32;
        }
        let (m, r, alpha) = (m(), p / q, (2.83 + 5.1 * inv_b) * sqrt_npq);
        if v >= v_r {
            u = uniform(rng) - 0.5;
        } else {
            let w = v / v_r - 0.93;
            u = w.signum() * 0.5 - w;
            v = uniform(rng) * v_r;
        }
        let us = 0.5 - u.abs();
        let x = (2.0 * a / us + b) * u + c;
        if x < 0.0 {
            continue;
        }
        let k = floor_non_negative(x);
        if k > nf {
            continue;
        }
        v = v * alpha / (a / (us * us) + b);
        let km = (k - m).abs();
        if km <= 15.0 {
            // Recursive evaluation of f(k) / f(m) = prod (nr / i - r) over
            // i between the two, as one quotient of products
            // r^j prod (n + 1 - i) / prod i: one division instead of one per
            // step (at most 15 factors, far from overflow).
            let ratio = |from: f64, to: f64| {
                let (mut top, mut bottom, mut i) = (1.0, 1.0, from + 1.0);
                while i <= to {
                    top *= r * (nf + 1.0 - i);
                    bottom *= i;
                    i += 1.0;
                }
                top / bottom
            };
            let accept = if m < k {
                v <= ratio(m, k)
            } else {
                v * ratio(k, m) <= 1.0
            };
            if accept {
                return k as u32;
            }
            continue;
        }
        // Squeeze, then the exact test on the log scale.
        let v = libm::log(v);
        let rho = (km / npq) * (((km / 3.0 + 0.625) * km + 1.0 / 6.0) / npq + 0.5);
        let t = -km * km / (2.0 * npq);
        if v < t - rho {
            return k as u32;
        }
        if v > t + rho {
            continue;
        }
        if v <= log_pmf_ratio(nf, m, k, r) {
            return k as u32;
        }
    }
}

/// ln(f(k) / f(m)) for the binomial distribution of `nf` trials with odds
/// `r` = p / (1 - p): Stirling's series for the factorials, with the
/// correction terms of [`stirling_correction`]. BTRD's exact test for a
/// `k` more than 15 from the mode `m`.
fn log_pmf_ratio(nf: f64, m: f64, k: f64, r: f64) -> f64 {
    let nm = nf - m + 1.0;
    let nk = nf - k + 1.0;
    (m + 0.5) * libm::log((m + 1.0) / (r * nm))
        + stirling_correction(m)
        + stirling_correction(nf - m)
        + (nf + 1.0) * libm::log(nm / nk)
        + (k + 0.5) * libm::log(nk * r / (k + 1.0))
        - stirling_correction(k)
        - stirling_correction(nf - k)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    fn moments(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
        (mean, var)
    }

    /// Checks mean and variance against closed forms, each within 5 of its
    /// standard errors: the mean's is `sqrt(var / n)`; the sample
    /// variance's, relative to the variance, `sqrt(2 / (n - 1) + kurtosis /
    /// n)`, with the distribution's excess kurtosis.
    fn check(name: &str, xs: &[f64], mean: f64, var: f64, kurtosis: f64) {
        let n = xs.len() as f64;
        let (m, v) = moments(xs);
        assert!(
            (m - mean).abs() < 5.0 * (var / n).sqrt(),
            "{name}: mean {m} vs {mean}"
        );
        let tolerance = 5.0 * (2.0 / (n - 1.0) + kurtosis / n).sqrt();
        assert!(
            (v / var - 1.0).abs() < tolerance,
            "{name}: var {v} vs {var}, relative tolerance {tolerance}"
        );
    }

    /// Mean, variance and excess kurtosis of Beta(a, b).
    fn beta_moments(a: f64, b: f64) -> (f64, f64, f64) {
        let sum = a + b;
        let kurtosis = 6.0 * ((a - b).powi(2) * (sum + 1.0) - a * b * (sum + 2.0))
            / (a * b * (sum + 2.0) * (sum + 3.0));
        (a / sum, a * b / (sum * sum * (sum + 1.0)), kurtosis)
    }

    /// The share of `xs` at or below `x` is `f` within 5 binomial standard
    /// errors.
    fn check_cdf(name: &str, xs: &[f64], x: f64, f: f64) {
        let n = xs.len() as f64;
        let share = xs.iter().filter(|&&d| d <= x).count() as f64 / n;
        let se = (f * (1.0 - f) / n).sqrt();
        assert!(
            (share - f).abs() <= 5.0 * se,
            "{name}: {share} of the draws <= {x}, expected {f} within 5 x se {se}"
        );
    }

    /// A shape no distribution accepts gives NaN at once, where a large
    /// negative one would otherwise recurse until the stack overflowed.
    #[test]
    fn a_gamma_shape_not_above_zero_gives_nan() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        for shape in [0.0, -1.0, -1e12, f64::NAN, f64::NEG_INFINITY] {
            assert!(gamma(&mut rng, shape).is_nan(), "{shape}");
        }
        assert!(gamma(&mut rng, 1e-300) >= 0.0);
    }

    #[test]
    fn continuous_distributions_have_their_moments() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 100_000;
        let draw = |rng: &mut ChaCha8Rng, f: &dyn Fn(&mut ChaCha8Rng) -> f64| {
            (0..n).map(|_| f(rng)).collect::<Vec<f64>>()
        };
        let normal = draw(&mut rng, &|r| standard_normal(r));
        check("normal", &normal, 0.0, 1.0, 0.0);
        // Gamma(k): mean and variance k, excess kurtosis 6 / k.
        check(
            "gamma 2.5",
            &draw(&mut rng, &|r| gamma(r, 2.5)),
            2.5,
            2.5,
            2.4,
        );
        check(
            "gamma 0.4",
            &draw(&mut rng, &|r| gamma(r, 0.4)),
            0.4,
            0.4,
            15.0,
        );
        // Shapes far below 1 included: their gamma draws underflow, which
        // the log-scale ratio must survive.
        for (a, b) in [(2.0, 5.0), (0.5, 0.5), (0.001, 0.001), (0.01, 3.0)] {
            let (mean, var, kurtosis) = beta_moments(a, b);
            let xs = draw(&mut rng, &|r| beta(r, a, b));
            let name = format!("beta({a}, {b})");
            check(&name, &xs, mean, var, kurtosis);
            // With a kurtosis in the hundreds (beta(0.01, 3): 237) the
            // variance alone is checked only loosely; the distribution
            // function at points of every scale is not. A point is checked
            // where at least 25 draws are expected on each side of it, so
            // the binomial count is close enough to normal for 5 standard
            // errors to mean what they say; every family gets two or more.
            let mut points = 0;
            for x in [1e-100, 1e-30, 1e-3, 0.1, 0.5, 0.9] {
                let f = puruspe::betai(a, b, x);
                if f.min(1.0 - f) * n as f64 >= 25.0 {
                    check_cdf(&name, &xs, x, f);
                    points += 1;
                }
            }
            assert!(points >= 2, "{name}: {points} points checked");
        }
        // At the smallest shapes a scenario may use (1e-300), beta is a
        // coin landing on 0 or 1 with P(1) = a / (a + b), written that way
        // as a * b underflows: every draw is 0 or 1, with a share 1 - P(1)
        // of zeros.
        for (a, b) in [(1e-300, 1e-300), (1e-300, 3e-300)] {
            let p = 1.0 / (1.0 + b / a);
            let xs = draw(&mut rng, &|r| beta(r, a, b));
            assert!(xs.iter().all(|&x| x == 0.0 || x == 1.0), "beta({a}, {b})");
            check_cdf(&format!("beta({a}, {b})"), &xs, 0.5, 1.0 - p);
        }
        let (l, m, h) = (1.0, 2.0, 5.0);
        let xs = draw(&mut rng, &|r| triangular(r, l, m, h));
        check(
            "triangular",
            &xs,
            (l + m + h) / 3.0,
            (l * l + m * m + h * h - l * m - l * h - m * h) / 18.0,
            -0.6,
        );
        // Two moments cannot tell this triangle from its mirror image
        // about the mean, nor (with the mode a quarter of the way up) from
        // a sampler whose upper branch starts at the lower bound; its
        // distribution function can: F(x) = (x - l)^2 / ((h - l)(m - l))
        // up to the mode, 1 - (h - x)^2 / ((h - l)(h - m)) above it.
        for (x, f) in [
            (m, (m - l) / (h - l)),
            (3.5, 1.0 - (h - 3.5f64).powi(2) / ((h - l) * (h - m))),
        ] {
            check_cdf("triangular", &xs, x, f);
        }
        // PERT with shape 4: mean (l + 4m + h) / 6, variance (mean - l)(h -
        // mean) / 7; a Beta(1 + 4 (m - l) / (h - l), 1 + 4 (h - m) / (h - l))
        // = Beta(2, 4) stretched over [l, h], which keeps its kurtosis.
        let mean = (l + 4.0 * m + h) / 6.0;
        check(
            "pert",
            &draw(&mut rng, &|r| pert(r, l, m, h)),
            mean,
            (mean - l) * (h - mean) / 7.0,
            beta_moments(2.0, 4.0).2,
        );
    }

    #[test]
    fn binomial_has_its_moments_in_every_regime() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for (n, p) in [
            (5, 0.3),
            (12, 0.9),
            (40, 0.1),
            (200, 0.02),
            (1000, 0.3),
            (50_000, 0.45),
            (10_000_000, 0.001),
            (300, 0.5),
        ] {
            let xs: Vec<f64> = (0..100_000)
                .map(|_| f64::from(binomial(&mut rng, n, p)))
                .collect();
            let (nf, pq) = (f64::from(n), p * (1.0 - p));
            check(
                &format!("binomial({n}, {p})"),
                &xs,
                nf * p,
                nf * pq,
                (1.0 - 6.0 * pq) / (nf * pq),
            );
            // Counts are never negative (they are u32); none exceeds n.
            assert!(xs.iter().all(|&x| x <= nf), "binomial({n}, {p}) above n");
        }
    }

    /// The whole distribution, not just two moments: a chi-square test of
    /// each regime's output against the exact probability mass function.
    fn chi_square(n: u32, p: f64, seed: u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let draws = 200_000;
        let mut counts = vec![0f64; n as usize + 1];
        for _ in 0..draws {
            counts[binomial(&mut rng, n, p) as usize] += 1.0;
        }
        let nf = f64::from(n);
        let ln_pmf = |k: f64| {
            libm::lgamma(nf + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(nf - k + 1.0)
                + k * p.ln()
                + (nf - k) * (1.0 - p).ln()
        };
        // Pool neighbouring cells until each expects at least 20 draws;
        // the values above the last full cell join it, so no draw, however
        // far in the upper tail, goes uncounted.
        let mut pooled: Vec<(f64, f64)> = Vec::new();
        let (mut e_acc, mut o_acc) = (0.0, 0.0);
        for (k, observed) in counts.iter().enumerate() {
            e_acc += ln_pmf(k as f64).exp() * f64::from(draws);
            o_acc += observed;
            if e_acc >= 20.0 {
                pooled.push((o_acc, e_acc));
                e_acc = 0.0;
                o_acc = 0.0;
            }
        }
        let last = pooled.last_mut().expect("at least one full cell");
        last.0 += o_acc;
        last.1 += e_acc;
        let chi2: f64 = pooled.iter().map(|(o, e)| (o - e) * (o - e) / e).sum();
        let cells = pooled.len() as u32;
        // The chance of a statistic this large from the exact pmf, from the
        // chi-square distribution with cells - 1 degrees of freedom (its
        // upper tail is the regularised gamma function Q(df / 2, chi2 / 2)),
        // must not fall below that of a normal deviate 5 sd above its mean,
        // the bound of the statistical tests elsewhere (2.9e-7).
        let df = f64::from(cells - 1);
        let tail = puruspe::gammq(df / 2.0, chi2 / 2.0);
        assert!(
            tail > 2.9e-7,
            "binomial({n}, {p}): chi2 {chi2} with {df} df, upper tail {tail:.2e}"
        );
    }

    /// Inversion reaches every value up to n: Binomial(13, 1/2) (n p < 10)
    /// puts 1/8192 of its mass on each of 0 and 13, cells a chi-square test
    /// pools away. Each count is checked against its own binomial sd.
    #[test]
    fn inversion_reaches_both_ends() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (n, draws) = (13u32, 1_000_000u32);
        let mut counts = [0u32; 14];
        for _ in 0..draws {
            counts[binomial(&mut rng, n, 0.5) as usize] += 1;
        }
        let mut choose = 1.0;
        for (k, &count) in counts.iter().enumerate() {
            let pk = choose / 8192.0;
            let (expected, sd) = (
                f64::from(draws) * pk,
                (f64::from(draws) * pk * (1.0 - pk)).sqrt(),
            );
            assert!(
                (f64::from(count) - expected).abs() < 5.0 * sd,
                "P(X = {k}): {count} draws, expected {expected:.1} (sd {sd:.1})"
            );
            choose = choose * f64::from(n - k as u32) / (k as f64 + 1.0);
        }
    }

    #[test]
    fn complement_powers_agree_with_logarithms() {
        for (p, n) in [
            (0.3f64, 20u32),
            (1e-6, 65_536),
            (0.01, 1000),
            (0.45, 3),
            (1e-9, 1 << 20),
            // Above 2^16 with n p near 10, where exp(-n p) alone would be
            // off by n p^2 / 2, about 5e-4.
            (1e-4, 100_000),
            (1.4e-4, 70_000),
        ] {
            let exact = (f64::from(n) * (-p).ln_1p()).exp();
            assert!(
                (pow_complement(p, n) / exact - 1.0).abs() < 1e-11,
                "p {p} n {n}"
            );
        }
    }

    /// BTRD's exact test uses ln(f(k) / f(m)) from Stirling's series with
    /// its corrections; against the log-gamma function, it is exact to
    /// within 1e-9 wherever the test is made (k more than 15 from the
    /// mode), up to k = n, where a correction left out would be off by
    /// 1 / (12 (n - k + 1)), and down to k = 0.
    #[test]
    fn the_exact_tests_ratio_matches_the_log_gamma_function() {
        let ln_choose = |n: f64, k: f64| {
            libm::lgamma(n + 1.0) - libm::lgamma(k + 1.0) - libm::lgamma(n - k + 1.0)
        };
        for (n, p) in [
            (60u32, 0.35f64),
            (200, 0.05),
            (5000, 0.02),
            (5000, 0.3),
            (5000, 0.5),
        ] {
            let nf = f64::from(n);
            let (m, r) = (((nf + 1.0) * p).floor(), p / (1.0 - p));
            for k in (0..=n).map(f64::from).filter(|k| (k - m).abs() > 15.0) {
                let exact = ln_choose(nf, k) - ln_choose(nf, m) + (k - m) * r.ln();
                let series = log_pmf_ratio(nf, m, k, r);
                assert!(
                    (series - exact).abs() < 1e-9,
                    "n {n} p {p} m {m} k {k}: {series} against {exact}"
                );
            }
        }
    }

    #[test]
    fn binomial_matches_the_exact_pmf() {
        chi_square(10, 0.3, 3); // Bernoulli counting
        chi_square(200, 0.02, 4); // inversion
        chi_square(60, 0.35, 5); // BTRD, recursive evaluation near the mode
        chi_square(5000, 0.3, 6); // BTRD, squeeze and exact test in the tails
        chi_square(400, 0.8, 7); // p > 1/2 by symmetry
        // BTRD where the mode floor((n + 1) p) = 11 is not floor(n p) = 10.
        chi_square(24, 0.45, 8);
    }
}
