//! Throughput of the simulation core, reported by criterion as runs per
//! second and unit-periods per second.
//!
//! Workloads: the shipped default scenario (`gov-ai-2026.toml`) and the
//! benchmark scenario (`bench/large.toml`), one run at a time and as a batch
//! on two threads; the large scenario with every agency's units x100 and
//! x10,000 (the count engine's cost is bounded in units); the statistics stage
//! (the runs' tallies to output rows, on two threads); and the CSV export
//! (its throughput in rows of the three long files per second).

use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use sharecast::engine::{EngineKind, simulate_all, simulate_run};
use sharecast::export;
use sharecast::measures::{project, project_unless};
use sharecast::scenario::{Scenario, load, parse};
use sharecast::tally::Tally;

fn scenario(path: &str) -> Scenario {
    load(Path::new(env!("CARGO_MANIFEST_DIR")).join(path).as_path())
        .expect("shipped scenario is valid")
}

/// The large scenario with every agency's units (and initial contracts)
/// multiplied by `factor`.
pub fn scaled_large(factor: u32) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench/large.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let scaled: String = text
        .lines()
        .map(|line| {
            match line
                .strip_prefix("units = ")
                .and_then(|n| n.parse::<u32>().ok())
            {
                Some(n) => format!("units = {}\n", n * factor),
                None => format!("{line}\n"),
            }
        })
        .collect();
    parse(&scaled, &path).expect("scaled scenario is valid")
}

fn unit_periods(s: &Scenario) -> u64 {
    s.total_units() * u64::from(s.calendar.periods)
}

fn single_run(c: &mut Criterion) {
    let mut group = c.benchmark_group("one run");
    for (name, s) in [
        ("gov-ai-2026", scenario("scenarios/gov-ai-2026.toml")),
        ("large", scenario("scenarios/bench/large.toml")),
        ("large x100 units", scaled_large(100)),
        ("large x10000 units", scaled_large(10_000)),
    ] {
        group.throughput(Throughput::Elements(unit_periods(&s)));
        group.bench_function(BenchmarkId::new("unit-periods", name), |b| {
            let mut run = 0;
            b.iter(|| {
                run += 1;
                black_box(simulate_run(&s, 1, run, EngineKind::Counts))
            })
        });
        group.throughput(Throughput::Elements(1));
        group.bench_function(BenchmarkId::new("runs", name), |b| {
            let mut run = 0;
            b.iter(|| {
                run += 1;
                black_box(simulate_run(&s, 1, run, EngineKind::Counts))
            })
        });
    }
    group.finish();
}

/// Two worker threads whatever the machine, as `--threads 2` and the
/// figures in docs/performance.md.
fn two_threads() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a pool of two threads")
}

fn batch(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch of 1000 runs");
    group.sample_size(10);
    let pool = two_threads();
    for (name, s) in [
        ("gov-ai-2026", scenario("scenarios/gov-ai-2026.toml")),
        ("large", scenario("scenarios/bench/large.toml")),
    ] {
        group.throughput(Throughput::Elements(1000));
        group.bench_function(BenchmarkId::new("runs", name), |b| {
            b.iter(|| pool.install(|| black_box(simulate_all(&s, 1, 0..1000, EngineKind::Counts))))
        });
    }
    group.finish();
}

fn statistics(c: &mut Criterion) {
    let mut group = c.benchmark_group("statistics of 1000 runs");
    group.sample_size(10);
    let s = scenario("scenarios/bench/large.toml");
    let records = simulate_all(&s, 1, 0..1000, EngineKind::Counts);
    // As the CLI has them: each run already reduced to its tally.
    let tallies = Tally::of_runs(&records, &s);
    let never = AtomicBool::new(false);
    group.throughput(Throughput::Elements(1000));
    let pool = two_threads();
    group.bench_function("runs/large", |b| {
        b.iter(|| pool.install(|| black_box(project_unless(&s, &tallies, &never))))
    });
    let projection = project(&s, &records);
    // Formatting is counted in rows of the three long files, not runs.
    let rows = projection.shares.len() + projection.adoption.len() + projection.revenue.len();
    group.throughput(Throughput::Elements(rows as u64));
    group.bench_function("csv export/large", |b| {
        b.iter(|| {
            black_box(export::shares_csv(&s, &projection));
            black_box(export::adoption_csv(&s, &projection));
            black_box(export::revenue_csv(&s, &projection));
        })
    });
    group.finish();
}

fn sampling(c: &mut Criterion) {
    let mut group = c.benchmark_group("binomial draws");
    group.throughput(Throughput::Elements(1));
    for (n, p) in [
        (8u32, 0.3),
        (20, 0.3),
        (60, 0.05),
        (300, 0.3),
        (30_000, 0.3),
        (30_000_000, 0.3),
    ] {
        group.bench_function(BenchmarkId::new("draws", format!("n={n} p={p}")), |b| {
            let mut rng = sharecast::engine::run_rng(1, 0);
            b.iter(|| {
                black_box(sharecast::sampling::binomial(
                    &mut rng,
                    black_box(n),
                    black_box(p),
                ))
            })
        });
    }
    group.finish();
}

/// Conditional binomials shaped like an award's multinomial (each draw's
/// trials are what the previous one left), for one run and for two runs
/// advanced in lockstep: whether interleaving runs would hide the latency
/// of such chains or the draws are bound by throughput already.
fn draw_chains(c: &mut Criterion) {
    const CONDITIONAL: [f64; 4] = [0.3, 0.35, 0.45, 0.6];
    let mut group = c.benchmark_group("conditional binomial chains");
    group.throughput(Throughput::Elements(CONDITIONAL.len() as u64));
    group.bench_function("draws/one chain", |b| {
        let mut rng = sharecast::engine::run_rng(1, 0);
        b.iter(|| {
            let mut n = black_box(3000);
            for p in CONDITIONAL {
                n -= sharecast::sampling::binomial(&mut rng, n, p);
            }
            black_box(n)
        })
    });
    group.throughput(Throughput::Elements(2 * CONDITIONAL.len() as u64));
    group.bench_function("draws/two chains in lockstep", |b| {
        let mut rngs = [
            sharecast::engine::run_rng(1, 0),
            sharecast::engine::run_rng(1, 1),
        ];
        b.iter(|| {
            let mut n = [black_box(3000); 2];
            for p in CONDITIONAL {
                for (n, rng) in n.iter_mut().zip(&mut rngs) {
                    *n -= sharecast::sampling::binomial(rng, *n, p);
                }
            }
            black_box(n)
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    single_run,
    batch,
    statistics,
    sampling,
    draw_chains
);
criterion_main!(benches);
