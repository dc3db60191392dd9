//! Numbers that may be uncertain.
//!
//! Any number in a scenario may be written as a plain value or as a
//! distribution (`{ triangular = [0.5, 0.6, 0.7] }`). A [`Param`] is drawn
//! once per run and clamped into the valid range of the quantity it sets.
//! Sampling goes through [`crate::sampling`], whose maths is pure Rust, so a
//! draw is the same on every platform.
//!
//! Each family's distribution function ([`DistSpec::share_outside`],
//! [`DistSpec::share_above`], [`Param::chance_above`]) serves validation's
//! warnings and hints (heavy clamping, rates that read as percentages, a
//! missing `annual_value`, a lognormal written on the value's own scale,
//! tiers no vendor can serve, vendors that can serve no tier) and the
//! memory estimate (whether an incumbency bonus may be negative); no CSV
//! holds them, though the warnings they draw go into `manifest.json` (and
//! decide `--strict`), so a value at a warning's very threshold could be
//! told differently on another platform. PERT and beta go through the
//! regularised incomplete beta function of `puruspe`.
//!
//! A family is named in one list, `FAMILY_ARGUMENTS`, with its
//! arguments. Adding one also means: a `DistSpec` variant and the arms of
//! its matches (the compiler lists them, except the match on the name in
//! `DistSpec::checked`, behind `DistSpec::new`, which the test
//! `every_family_is_spelt_alike_everywhere` checks),
//! docs/scenario-reference.md section 8, the NumPy peer's
//! `DISTRIBUTIONS` and `draw`, and `value_in` in tests/it/properties.rs.

use std::fmt;

use rand::Rng;

use crate::sampling;

/// The closed interval a drawn value is clamped into.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower bound; may be negative infinity.
    pub low: f64,
    /// Upper bound; may be infinity.
    pub high: f64,
}

impl Range {
    /// Shares, access levels, caution: `[0, 1]`.
    pub const UNIT: Range = Range {
        low: 0.0,
        high: 1.0,
    };
    /// Rates and money: `>= 0`.
    pub const NON_NEGATIVE: Range = Range {
        low: 0.0,
        high: f64::INFINITY,
    };
    /// Choice weights and vendor attributes: large enough for any
    /// meaningful utility, small enough that no utility can overflow.
    pub const WEIGHT: Range = Range {
        low: -1e6,
        high: 1e6,
    };
    /// Contract values in dollars per year: up to 10^15, so revenue sums
    /// over any horizon stay finite.
    pub const MONEY: Range = Range {
        low: 0.0,
        high: 1e15,
    };
    /// Amounts added by events (the result is clamped to its field's range).
    pub const ANY: Range = Range {
        low: f64::NEG_INFINITY,
        high: f64::INFINITY,
    };

    /// `x` moved to the nearest bound when it lies outside the range.
    pub fn clamp(self, x: f64) -> f64 {
        x.max(self.low).min(self.high)
    }

    /// Whether `x` lies in the range, bounds included (never for NaN).
    pub fn contains(self, x: f64) -> bool {
        x >= self.low && x <= self.high
    }

    /// The range as code builds it, for messages about a [`Param`] made in
    /// code: "Range::UNIT [0, 1]", or the bounds alone for a range that is
    /// not one of the constants.
    pub fn in_code(self) -> String {
        let named = [
            (Range::UNIT, "Range::UNIT"),
            (Range::NON_NEGATIVE, "Range::NON_NEGATIVE"),
            (Range::WEIGHT, "Range::WEIGHT"),
            (Range::MONEY, "Range::MONEY"),
            (Range::ANY, "Range::ANY"),
        ];
        let bounds = format!("[{}, {}]", Shown(self.low), Shown(self.high));
        match named.iter().find(|(range, _)| *range == self) {
            Some((_, name)) => format!("{name} {bounds}"),
            None => bounds,
        }
    }

    /// Human wording used in messages: "in [0, 1]", ">= 0".
    pub fn describe(self) -> String {
        match (self.low.is_finite(), self.high.is_finite()) {
            (true, true) => format!("in [{}, {}]", Shown(self.low), Shown(self.high)),
            (true, false) => format!(">= {}", Shown(self.low)),
            (false, true) => format!("<= {}", Shown(self.high)),
            (false, false) => "a finite number".to_string(),
        }
    }
}

/// `x / 100` to 12 significant digits, as a message suggests it for a
/// percentage: 1.4 gives 0.014, not 0.013999999999999999.
pub fn hundredth(x: f64) -> f64 {
    format!("{:.12e}", x / 100.0)
        .parse::<f64>()
        .unwrap_or(x / 100.0)
}

/// A number as messages show it: as written at everyday magnitudes, in
/// scientific notation beyond them (`1e308`, not 309 digits).
pub struct Shown(pub f64);

impl fmt::Display for Shown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // -0 as 0: a sign on zero means nothing to a reader.
        let x = self.0 + 0.0;
        if x == 0.0 || !x.is_finite() || (1e-6..1e15).contains(&x.abs()) {
            write!(f, "{x}")
        } else {
            write!(f, "{x:e}")
        }
    }
}

/// The distribution families a scenario may use, with their parameters as
/// written (kept for display and for the support check).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DistSpec {
    /// `{ normal = [mean, sd] }`: any real number.
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation, `> 0`.
        sd: f64,
    },
    /// `{ uniform = [low, high] }`: equally likely anywhere in
    /// `[low, high]`.
    Uniform {
        /// Lower end.
        low: f64,
        /// Upper end, `> low`.
        high: f64,
    },
    /// `{ triangular = [low, mode, high] }`: values in `[low, high]`, most
    /// likely at `mode`.
    Triangular {
        /// Lower end.
        low: f64,
        /// Most likely value, in `[low, high]`.
        mode: f64,
        /// Upper end, `> low`.
        high: f64,
    },
    /// `{ pert = [low, mode, high] }`: a beta distribution with shape 4
    /// stretched over `[low, high]`; its mean is `(low + 4 mode + high) / 6`.
    Pert {
        /// Lower end.
        low: f64,
        /// Most likely value, in `[low, high]`.
        mode: f64,
        /// Upper end, `> low`.
        high: f64,
    },
    /// `{ beta = [alpha, beta] }`: values in [0, 1].
    Beta {
        /// First shape parameter, `> 0`.
        alpha: f64,
        /// Second shape parameter, `> 0`.
        beta: f64,
    },
    /// `{ lognormal = [mu, sigma] }`: `exp` of a normal draw, so above 0.
    LogNormal {
        /// Mean on the log scale; `exp(mu)` is the median.
        mu: f64,
        /// Standard deviation on the log scale, `> 0`, with
        /// `mu + 8 sigma <= 700`.
        sigma: f64,
    },
}

/// Each family a scenario may name, with its parameters in the order it
/// writes them, in the order the docs list them: the one list that
/// [`FAMILIES`], [`DistSpec::new`]'s messages and validation's examples
/// read (a test checks that `new` and `Display` spell the same names).
const FAMILY_ARGUMENTS: [(&str, &str); 6] = [
    ("normal", "mean, sd"),
    ("uniform", "low, high"),
    ("triangular", "low, mode, high"),
    ("pert", "low, mode, high"),
    ("beta", "alpha, beta"),
    ("lognormal", "mu, sigma"),
];

/// The family names accepted in a scenario, in the order the docs list them.
pub const FAMILIES: [&str; FAMILY_ARGUMENTS.len()] = {
    let mut names = [""; FAMILY_ARGUMENTS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = FAMILY_ARGUMENTS[i].0;
        i += 1;
    }
    names
};

/// The parameters `family` takes, as a scenario writes them
/// (`"mean, sd"`), or `None` for a name that is no family.
pub(crate) fn arguments(family: &str) -> Option<&'static str> {
    FAMILY_ARGUMENTS
        .iter()
        .find(|(name, _)| *name == family)
        .map(|(_, args)| *args)
}

/// Parameters a distribution family refuses: the rule broken, worded as a
/// scenario file's message words it (`uniform needs low < high, got [0.8,
/// 0.2]`).
/// Shown with control characters escaped, as a family name may hold them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::text::escape_hidden(.0, false))]
pub struct InvalidDistribution(pub String);

impl DistSpec {
    /// Builds a spec from a family name and its parameter list, checking
    /// the parameters. The error is the rule that was broken.
    pub fn new(family: &str, args: &[f64]) -> Result<DistSpec, InvalidDistribution> {
        DistSpec::checked(family, args).map_err(InvalidDistribution)
    }

    fn checked(family: &str, args: &[f64]) -> Result<DistSpec, String> {
        if let Some(bad) = args.iter().find(|x| !x.is_finite()) {
            return Err(format!(
                "{family} parameters must be finite numbers, got {bad}"
            ));
        }
        let Some(parameters) = arguments(family) else {
            return Err(format!("unknown distribution '{family}'"));
        };
        let n = parameters.split(", ").count();
        if args.len() != n {
            return Err(format!(
                "{family} takes {n} numbers [{parameters}], got {}",
                args.len()
            ));
        }
        // Draws and distribution functions multiply two widths; beyond
        // this they overflow to infinity and every draw lands on one bound.
        const WIDEST: f64 = 1e150;
        let too_wide = |low: f64, high: f64| -> Result<(), String> {
            if high - low > WIDEST {
                Err(format!(
                    "{family} from {} to {} is too wide to draw from: high - low must be at most {}",
                    Shown(low),
                    Shown(high),
                    Shown(WIDEST)
                ))
            } else {
                Ok(())
            }
        };
        let spec = match family {
            "normal" => {
                if args[1] <= 0.0 {
                    return Err(format!("normal needs sd > 0, got sd = {}", Shown(args[1])));
                }
                DistSpec::Normal {
                    mean: args[0],
                    sd: args[1],
                }
            }
            "uniform" => {
                if args[0] >= args[1] {
                    return Err(format!(
                        "uniform needs low < high, got [{}, {}]",
                        Shown(args[0]),
                        Shown(args[1])
                    ));
                }
                too_wide(args[0], args[1])?;
                DistSpec::Uniform {
                    low: args[0],
                    high: args[1],
                }
            }
            "triangular" | "pert" => {
                let (low, mode, high) = (args[0], args[1], args[2]);
                if !(low <= mode && mode <= high && low < high) {
                    return Err(format!(
                        "{family} needs low <= mode <= high and low < high, got [{}, {}, {}]",
                        Shown(low),
                        Shown(mode),
                        Shown(high)
                    ));
                }
                too_wide(low, high)?;
                if family == "pert" {
                    DistSpec::Pert { low, mode, high }
                } else {
                    DistSpec::Triangular { low, mode, high }
                }
            }
            "beta" => {
                if args[0] <= 0.0 || args[1] <= 0.0 {
                    return Err(format!(
                        "beta needs alpha > 0 and beta > 0, got [{}, {}]",
                        Shown(args[0]),
                        Shown(args[1])
                    ));
                }
                // A draw divides a logarithm of about -37 at most by each
                // shape; below this the quotient overflows to -infinity,
                // and with both shapes that small the draw is NaN.
                const SMALLEST_SHAPE: f64 = 1e-300;
                if args[0] < SMALLEST_SHAPE || args[1] < SMALLEST_SHAPE {
                    return Err(format!(
                        "beta [{}, {}] is too close to 0 to draw from: alpha and beta must be at least {}",
                        Shown(args[0]),
                        Shown(args[1]),
                        Shown(SMALLEST_SHAPE)
                    ));
                }
                DistSpec::Beta {
                    alpha: args[0],
                    beta: args[1],
                }
            }
            "lognormal" => {
                if args[1] <= 0.0 {
                    return Err(format!(
                        "lognormal needs sigma > 0, got sigma = {}",
                        Shown(args[1])
                    ));
                }
                // exp(mu + 8 sigma) must stay finite for the draw to be usable.
                if args[0] + 8.0 * args[1] > 700.0 {
                    return Err(format!(
                        "lognormal [{}, {}] draws numbers too large to represent; use mu + 8*sigma <= 700",
                        Shown(args[0]),
                        Shown(args[1])
                    ));
                }
                DistSpec::LogNormal {
                    mu: args[0],
                    sigma: args[1],
                }
            }
            other => unreachable!("'{other}' is in FAMILY_ARGUMENTS but has no arm here"),
        };
        Ok(spec)
    }

    /// The smallest and largest values the distribution can produce.
    pub fn support(self) -> (f64, f64) {
        match self {
            DistSpec::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            DistSpec::Uniform { low, high }
            | DistSpec::Triangular { low, high, .. }
            | DistSpec::Pert { low, high, .. } => (low, high),
            DistSpec::Beta { .. } => (0.0, 1.0),
            DistSpec::LogNormal { .. } => (0.0, f64::INFINITY),
        }
    }
}

impl DistSpec {
    /// The probability that a draw falls outside `range` and is clamped to
    /// one of its bounds.
    pub fn share_outside(self, range: Range) -> f64 {
        let (low, high) = self.support();
        if low >= range.low && high <= range.high {
            return 0.0;
        }
        (self.cdf(range.low) + self.share_above(range.high)).clamp(0.0, 1.0)
    }

    /// The probability that a draw is above `x`.
    pub fn share_above(self, x: f64) -> f64 {
        1.0 - self.cdf(x)
    }

    /// P(draw <= x). It must be accurate for every parameter [`DistSpec::new`]
    /// accepts: the warnings trust it (a function that returned 0 for a
    /// tiny shape would call every draw clamped).
    fn cdf(self, x: f64) -> f64 {
        let normal = |z: f64| 0.5 * libm::erfc(-z / std::f64::consts::SQRT_2);
        match self {
            DistSpec::Normal { mean, sd } => normal((x - mean) / sd),
            DistSpec::Uniform { low, high } => ((x - low) / (high - low)).clamp(0.0, 1.0),
            DistSpec::Triangular { low, mode, high } => {
                if x <= low {
                    0.0
                } else if x >= high {
                    1.0
                } else if x <= mode {
                    (x - low) * (x - low) / ((high - low) * (mode - low))
                } else {
                    1.0 - (high - x) * (high - x) / ((high - low) * (high - mode))
                }
            }
            DistSpec::Pert { low, mode, high } => {
                let (alpha, beta) = sampling::pert_shapes(low, mode, high);
                beta_cdf(alpha, beta, (x - low) / (high - low))
            }
            DistSpec::Beta { alpha, beta } => beta_cdf(alpha, beta, x),
            DistSpec::LogNormal { mu, sigma } => {
                if x <= 0.0 {
                    0.0
                } else {
                    normal((libm::log(x) - mu) / sigma)
                }
            }
        }
    }
}

/// The Beta(alpha, beta) distribution function at `t`: the regularised
/// incomplete beta function.
fn beta_cdf(alpha: f64, beta: f64, t: f64) -> f64 {
    if t <= 0.0 {
        0.0
    } else if t >= 1.0 {
        1.0
    } else {
        puruspe::betai(alpha, beta, t)
    }
}

impl fmt::Display for DistSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (family, args, count) = self.parts();
        let args: Vec<String> = args[..count]
            .iter()
            .map(|&x| Shown(x).to_string())
            .collect();
        write!(f, "{family}({})", args.join(", "))
    }
}

impl DistSpec {
    /// How a file would write the same distribution with every number a
    /// hundredth of its own (`{ uniform = [0.05, 0.12] }` for `[5, 12]`),
    /// for a family whose numbers all scale with the draws (normal,
    /// uniform, triangular, PERT); `None` for beta and lognormal.
    pub fn written_in_hundredths(self) -> Option<String> {
        let (family, args, count) = self.parts();
        if matches!(family, "beta" | "lognormal") {
            return None;
        }
        let args: Vec<String> = args[..count]
            .iter()
            .map(|&x| Shown(hundredth(x)).to_string())
            .collect();
        Some(format!("{{ {family} = [{}] }}", args.join(", ")))
    }

    /// The family name and its parameters, as a file writes them: the
    /// first `count` of `args`.
    fn parts(self) -> (&'static str, [f64; 3], usize) {
        match self {
            DistSpec::Normal { mean, sd } => ("normal", [mean, sd, 0.0], 2),
            DistSpec::Uniform { low, high } => ("uniform", [low, high, 0.0], 2),
            DistSpec::Triangular { low, mode, high } => ("triangular", [low, mode, high], 3),
            DistSpec::Pert { low, mode, high } => ("pert", [low, mode, high], 3),
            DistSpec::Beta { alpha, beta } => ("beta", [alpha, beta, 0.0], 2),
            DistSpec::LogNormal { mu, sigma } => ("lognormal", [mu, sigma, 0.0], 2),
        }
    }

    /// Whether [`DistSpec::new`] accepts these parameters (a spec written
    /// as a literal bypasses it); the error is the rule broken.
    pub fn check(self) -> Result<(), InvalidDistribution> {
        let (family, args, count) = self.parts();
        DistSpec::new(family, &args[..count]).map(|_| ())
    }

    /// One draw (before clamping), for parameters [`DistSpec::check`]
    /// accepts (a spec written as a literal may hold others, for which the
    /// draw is an unspecified number, possibly NaN; [`Scenario::verify`](crate::scenario::Scenario::verify)
    /// refuses a scenario that holds one). A draw may read at most 2^24 words of
    /// its random stream (each uncertain number has a region of that size;
    /// see `engine`): the samplers take a handful, and a rejection loop
    /// must accept often enough to stay far below that.
    pub fn sample<R: Rng + ?Sized>(self, rng: &mut R) -> f64 {
        match self {
            DistSpec::Normal { mean, sd } => mean + sd * sampling::standard_normal(rng),
            DistSpec::Uniform { low, high } => low + (high - low) * sampling::uniform(rng),
            DistSpec::Triangular { low, mode, high } => sampling::triangular(rng, low, mode, high),
            DistSpec::Pert { low, mode, high } => sampling::pert(rng, low, mode, high),
            DistSpec::Beta { alpha, beta } => sampling::beta(rng, alpha, beta),
            DistSpec::LogNormal { mu, sigma } => {
                libm::exp(mu + sigma * sampling::standard_normal(rng))
            }
        }
    }
}

/// A validated number: fixed, or drawn once per run, always clamped into
/// `range`.
#[derive(Debug, Clone)]
pub struct Param {
    kind: ParamKind,
    range: Range,
    /// Which of the run's parameter sub-streams a drawn value comes from,
    /// given by `scenario::stream_keys` when a file is read; `None` for a
    /// number built through the library, which is then drawn in order.
    stream: Option<u64>,
}

#[derive(Debug, Clone)]
enum ParamKind {
    Fixed(f64),
    Drawn(DistSpec),
}

impl Param {
    /// A number that is the same in every run. It should lie in `range`:
    /// [`Scenario::verify`](super::Scenario::verify) (which the simulation
    /// calls) refuses a fixed value outside it, as validation refuses one
    /// in a file; [`Param::draw`] alone would clamp it.
    pub fn fixed(value: f64, range: Range) -> Param {
        Param {
            kind: ParamKind::Fixed(value),
            range,
            stream: None,
        }
    }

    /// A number drawn from `spec` once per run, clamped into `range`. Built
    /// here it has no sub-stream, so runs draw it in order with the other
    /// such numbers; [`Scenario::assign_streams`](super::Scenario::assign_streams)
    /// gives it the sub-stream the same number of a file has.
    pub fn drawn(spec: DistSpec, range: Range) -> Param {
        Param {
            kind: ParamKind::Drawn(spec),
            range,
            stream: None,
        }
    }

    /// The range every value is clamped into.
    pub fn range(&self) -> Range {
        self.range
    }

    /// The distribution when drawn, `None` when fixed.
    pub fn spec(&self) -> Option<DistSpec> {
        match self.kind {
            ParamKind::Fixed(_) => None,
            ParamKind::Drawn(spec) => Some(spec),
        }
    }

    /// The parameter sub-stream a drawn value comes from, when it has one.
    pub fn stream(&self) -> Option<u64> {
        self.stream
    }

    pub(crate) fn set_stream(&mut self, stream: u64) {
        self.stream = Some(stream);
    }

    /// Draws the value for one run. A fixed value consumes no randomness.
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match &self.kind {
            ParamKind::Fixed(x) => self.range.clamp(*x),
            ParamKind::Drawn(spec) => self.range.clamp(spec.sample(rng)),
        }
    }

    /// The largest value any run can see: the fixed value, or the top of
    /// the distribution's support, clamped into the range.
    pub fn max_value(&self) -> f64 {
        match self.kind {
            ParamKind::Fixed(x) => self.range.clamp(x),
            ParamKind::Drawn(spec) => self.range.clamp(spec.support().1),
        }
    }

    /// The smallest value any run can see: the fixed value, or the bottom
    /// of the distribution's support, clamped into the range.
    pub fn min_value(&self) -> f64 {
        match self.kind {
            ParamKind::Fixed(x) => self.range.clamp(x),
            ParamKind::Drawn(spec) => self.range.clamp(spec.support().0),
        }
    }

    /// The probability that a run's value, after clamping, is above `x`
    /// (a value inside the range).
    pub fn chance_above(&self, x: f64) -> f64 {
        match self.kind {
            ParamKind::Fixed(v) => f64::from(u8::from(self.range.clamp(v) > x)),
            ParamKind::Drawn(spec) => spec.share_above(x),
        }
    }

    /// The value when fixed, `None` when drawn.
    pub fn fixed_value(&self) -> Option<f64> {
        match self.kind {
            ParamKind::Fixed(x) => Some(x),
            ParamKind::Drawn(_) => None,
        }
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ParamKind::Fixed(x) => write!(f, "{}", Shown(*x)),
            ParamKind::Drawn(spec) => write!(f, "{spec}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    #[test]
    fn the_share_clamped_has_its_closed_form() {
        let d = |family: &str, args: &[f64]| DistSpec::new(family, args).unwrap();
        let near = |got: f64, want: f64| assert!((got - want).abs() < 1e-6, "{got} != {want}");
        // Half of each distribution lies above 1.
        near(d("uniform", &[0.5, 1.5]).share_outside(Range::UNIT), 0.5);
        near(d("normal", &[1.0, 0.1]).share_outside(Range::UNIT), 0.5);
        near(
            d("triangular", &[0.0, 1.0, 2.0]).share_outside(Range::UNIT),
            0.5,
        );
        near(d("pert", &[0.0, 1.0, 2.0]).share_outside(Range::UNIT), 0.5);
        near(d("lognormal", &[0.0, 1.0]).share_outside(Range::UNIT), 0.5);
        // Both tails of a normal: 2 (1 - Phi(2)).
        near(
            d("normal", &[0.5, 0.25]).share_outside(Range::UNIT),
            0.045_500_263_9,
        );
        // A quarter of [-0.5, 1.5] on each side.
        near(d("uniform", &[-0.5, 1.5]).share_outside(Range::UNIT), 0.5);
        // Triangular [0, 0.5, 2] above 1: (2 - 1)^2 / (2 * 1.5).
        near(
            d("triangular", &[0.0, 0.5, 2.0]).share_outside(Range::UNIT),
            1.0 / 3.0,
        );
        // PERT [0, 1, 3] is Beta(7/3, 11/3) on [0, 3]; above 1 means t > 1/3:
        // 1 - I_{1/3}(7/3, 11/3) = 0.583210 (the regularised incomplete beta,
        // by Simpson's rule on 200,000 steps over the Gamma-function normaliser).
        let pert = d("pert", &[0.0, 1.0, 3.0]).share_outside(Range::UNIT);
        assert!((pert - 0.583_210_2).abs() < 1e-5, "{pert}");
        // Nothing outside: support within the range.
        for spec in [d("beta", &[0.5, 0.5]), d("pert", &[0.1, 0.5, 0.9])] {
            assert_eq!(spec.share_outside(Range::UNIT), 0.0);
        }
    }

    /// The numerical integral against the sampler itself: 100,000 draws,
    /// within five standard errors.
    #[test]
    fn the_share_clamped_matches_the_draws() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for (family, args) in [
            ("pert", &[0.5, 0.9, 1.2][..]),
            ("pert", &[0.0, 1.0, 3.0][..]),
            ("beta", &[0.5, 2.0][..]),
            ("triangular", &[0.2, 0.95, 1.1][..]),
        ] {
            let spec = DistSpec::new(family, args).unwrap();
            let range = if family == "beta" {
                Range {
                    low: 0.1,
                    high: 1.0,
                }
            } else {
                Range::UNIT
            };
            let p = spec.share_outside(range);
            let n = 100_000;
            let outside = (0..n)
                .filter(|_| {
                    let x = spec.sample(&mut rng);
                    x < range.low || x > range.high
                })
                .count();
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let got = outside as f64 / n as f64;
            assert!(p > 0.01, "{spec}: {p}");
            assert!(
                (got - p).abs() < 5.0 * se,
                "{spec}: sampled {got}, computed {p}"
            );
        }
    }

    #[test]
    fn messages_show_everyday_numbers_as_written_and_extreme_ones_compactly() {
        let shown = |x: f64| Shown(x).to_string();
        assert_eq!(shown(0.0), "0");
        assert_eq!(shown(1.2), "1.2");
        assert_eq!(shown(-1e6), "-1000000");
        assert_eq!(shown(2.5e14), "250000000000000");
        assert_eq!(shown(1e15), "1e15");
        assert_eq!(shown(-1e308), "-1e308");
        assert_eq!(shown(1.5e-7), "1.5e-7");
        assert_eq!(shown(f64::INFINITY), "inf");
        assert_eq!(shown(-0.0), "0");
        assert_eq!(Param::fixed(-0.0, Range::UNIT).to_string(), "0");
        assert_eq!(
            DistSpec::new("normal", &[1e300, 0.5]).unwrap().to_string(),
            "normal(1e300, 0.5)"
        );
        // Refusals too: not 21 digits, nor 151.
        let refusal = |family: &str, args: &[f64]| DistSpec::new(family, args).unwrap_err().0;
        assert!(
            refusal("triangular", &[1e20, 1e19, 1e21]).ends_with("got [1e20, 1e19, 1e21]"),
            "{}",
            refusal("triangular", &[1e20, 1e19, 1e21])
        );
        assert!(refusal("uniform", &[-1e150, -1e151]).ends_with("got [-1e150, -1e151]"));
        assert!(refusal("normal", &[0.0, -1e200]).ends_with("got sd = -1e200"));
        assert!(refusal("beta", &[-1e20, 1.0]).ends_with("got [-1e20, 1]"));
    }

    /// Every family builds from its name and as many numbers as its
    /// arguments list, and shows under the same name.
    #[test]
    fn every_family_is_spelt_alike_everywhere() {
        let examples = [
            ("normal", &[0.5, 0.1][..]),
            ("uniform", &[0.2, 0.8][..]),
            ("triangular", &[0.1, 0.4, 0.9][..]),
            ("pert", &[0.1, 0.4, 0.9][..]),
            ("beta", &[2.0, 3.0][..]),
            ("lognormal", &[0.0, 1.0][..]),
        ];
        assert_eq!(examples.map(|(family, _)| family), FAMILIES);
        for (family, args) in examples {
            let parameters = arguments(family).unwrap();
            assert_eq!(parameters.split(", ").count(), args.len(), "{family}");
            let spec = DistSpec::new(family, args).unwrap();
            assert_eq!(
                spec.to_string(),
                format!(
                    "{family}({})",
                    args.iter()
                        .map(|x| x.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            );
            let short = &args[..args.len() - 1];
            assert_eq!(
                DistSpec::new(family, short).unwrap_err().0,
                format!(
                    "{family} takes {} numbers [{parameters}], got {}",
                    args.len(),
                    short.len()
                )
            );
        }
        assert_eq!(arguments("gamma"), None);
    }

    #[test]
    fn rejects_bad_parameters() {
        assert!(DistSpec::new("normal", &[0.0, 0.0]).is_err());
        assert!(DistSpec::new("uniform", &[1.0, 1.0]).is_err());
        assert!(DistSpec::new("triangular", &[0.0, 2.0, 1.0]).is_err());
        assert!(DistSpec::new("pert", &[0.0, 0.5]).is_err());
        assert!(DistSpec::new("beta", &[0.0, 1.0]).is_err());
        assert!(DistSpec::new("beta", &[1e-315, 1e-315]).is_err());
        assert!(DistSpec::new("beta", &[0.5, 1e-301]).is_err());
        assert!(DistSpec::new("beta", &[1e-300, 1e-300]).is_ok());
        assert!(DistSpec::new("lognormal", &[0.0, -1.0]).is_err());
        assert!(DistSpec::new("normal", &[f64::NAN, 1.0]).is_err());
        assert!(DistSpec::new("no_such_family", &[1.0, 1.0]).is_err());
    }

    #[test]
    fn draws_are_clamped_into_range() {
        let p = Param::drawn(DistSpec::new("normal", &[0.5, 10.0]).unwrap(), Range::UNIT);
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let draws: Vec<f64> = (0..1000).map(|_| p.draw(&mut rng)).collect();
        assert!(draws.iter().all(|x| (0.0..=1.0).contains(x)));
        assert!(draws.contains(&0.0) && draws.contains(&1.0));
    }

    #[test]
    fn uniform_mean_matches_closed_form() {
        // mean of U(2, 4) is 3, sd is 2/sqrt(12); 10,000 draws give a
        // standard error of 0.0058, so 5 standard errors is 0.029.
        let p = Param::drawn(DistSpec::new("uniform", &[2.0, 4.0]).unwrap(), Range::ANY);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let n = 10_000;
        let mean = (0..n).map(|_| p.draw(&mut rng)).sum::<f64>() / n as f64;
        let se = 2.0 / 12f64.sqrt() / (n as f64).sqrt();
        assert!((mean - 3.0).abs() < 5.0 * se, "mean {mean}");
    }
}
