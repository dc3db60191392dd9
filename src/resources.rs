//! Memory a simulation will need, estimated before it starts.
//!
//! A scenario with many periods and vendors, or a large `--runs`, can ask
//! for more memory than the machine has; the run would then crawl in swap or
//! be killed hours later. The CLI compares this estimate with the memory
//! available and refuses such a run up front, saying how to shrink it.
//!
//! What is available is read from Linux's `/proc` (`meminfo`, and this
//! process's address-space limit and mapped size) and from a cgroup v2
//! memory limit; where these files are missing (other systems), no limit is
//! known and the check lets the job run.
//!
//! Under an address-space limit (`ulimit -v`) it also makes glibc's threads
//! share one heap (`mallopt`), so that the address space a job maps follows
//! its data rather than a reserve per thread.

use crate::engine::{Dims, EngineKind, RunRecord};
use crate::measures;
use crate::scenario::Scenario;
use crate::tally::{PriceEpochs, Tally, TallyLayout};

/// Bytes a simulation needs, by what holds them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoryEstimate {
    /// What each run keeps for the statistics (its tally), and each run's
    /// revenue path (the running sums need every period).
    pub records: u64,
    /// The working set of the engine and the statistics stage.
    pub working: u64,
    /// The CSV files held in memory before they are written.
    pub files: u64,
}

impl MemoryEstimate {
    /// Bytes in all: records, working set and files together.
    pub fn total(&self) -> u64 {
        self.records
            .saturating_add(self.working)
            .saturating_add(self.files)
    }

    /// The need of two simulations held at once (`sharecast compare`).
    pub fn plus(self, other: MemoryEstimate) -> MemoryEstimate {
        MemoryEstimate {
            records: self.records.saturating_add(other.records),
            working: self.working.saturating_add(other.working),
            files: self.files.saturating_add(other.files),
        }
    }

    /// Bytes per run that last until the statistics are done: the tally
    /// and the revenue path, the part that grows with `--runs`.
    pub fn per_run(s: &Scenario) -> u64 {
        MemoryEstimate::per_run_with(Dims::of(s), &PriceEpochs::of(s))
    }

    /// [`MemoryEstimate::per_run`] of a scenario of shape `d` whose prices
    /// change as `epochs` says.
    fn per_run_with(d: Dims, epochs: &PriceEpochs) -> u64 {
        let revenue_path = (d.periods * d.vendors) as u64 * 8;
        Tally::bytes(d, epochs.count(), epochs.mixed_count()) + revenue_path
    }
}

/// Estimates the memory of simulating `runs` runs of `s` on `threads`
/// threads, writing `runs.csv` too when `per_run`. A need beyond `u64`
/// (absurd run or thread counts) saturates at `u64::MAX`, so it never
/// fits.
pub fn estimate(
    s: &Scenario,
    runs: u64,
    threads: u64,
    per_run: bool,
    engine: EngineKind,
) -> MemoryEstimate {
    let (d, epochs) = (Dims::of(s), PriceEpochs::of(s));
    let (periods, vendors) = (d.periods as u64, d.vendors as u64);
    let records = runs.saturating_mul(MemoryEstimate::per_run_with(d, &epochs));

    // Engine scratch per thread: the contract-end calendar of every segment
    // (two when prices change: all contracts and the initial ones) in the
    // count engine, or one state per unit in the unit engine; and in the
    // marginal layout the run's whole record until it is reduced to its
    // tally (the joint layout keeps the record's own buffers).
    let segments = (d.agencies * d.tiers) as u64;
    let mixed = epochs.mixed_count();
    let tally_layout = TallyLayout::of(d, mixed);
    let prices_change = s.prices_change();
    let calendars = if prices_change { 2 } else { 1 };
    let record_in_flight = match tally_layout {
        TallyLayout::Joint => 0,
        TallyLayout::Marginal => RunRecord::bytes(d, mixed),
    };
    let engine_scratch = record_in_flight
        + match engine {
            EngineKind::Counts => {
                // Choice tables (cumulative and conditional probabilities):
                // a row per incumbent only where the bonus can be negative;
                // and each segment's per-vendor lists (waiting, held,
                // eligible, stay), about 32 bytes a vendor.
                let table_rows = if s.incumbency_may_be_negative() {
                    vendors + 1
                } else {
                    1
                };
                calendars * segments * periods * vendors * 4
                    + segments * table_rows * vendors * 16
                    + segments * vendors * 32
                    + segments * crate::engine::segment_overhead_bytes()
            }
            EngineKind::Units => s.total_units() * crate::engine::bytes_per_unit(),
        };
    // Statistics per thread: one period's per-run values of every share and
    // adoption row, a copy of one revenue row, and that period's counts,
    // prices and (at most every agency mixed) values gathered from every
    // record.
    let period_rows = measures::share_and_adoption_rows_per_period(s) as u64;
    let (agencies, tiers) = (d.agencies as u64, d.tiers as u64);
    let mixed_values = if prices_change {
        agencies * tally_layout.values_per_slot(d) as u64 * 8
    } else {
        0
    };
    let gathered = agencies * (4 + 8)
        + mixed_values
        + match tally_layout {
            TallyLayout::Joint => segments * vendors * 4,
            TallyLayout::Marginal => (agencies + tiers) * vendors * 4 + tiers * vendors * 8,
        };
    let statistics_task = ((period_rows + 1) * 8 + gathered).saturating_mul(runs);
    let working = threads.saturating_mul(engine_scratch.saturating_add(statistics_task));

    // Every output row is held three times before writing: twice as
    // statistics (a row struct in its period's rows, then in the
    // projection, while the periods are put together) and once as CSV
    // text (about 100 bytes of numbers plus the names it repeats).
    let mean_len = |total: usize, count: usize| (total / count.max(1)) as u64;
    let vendor_name = mean_len(
        s.vendors.iter().map(|v| v.name.len()).sum(),
        s.vendors.len(),
    );
    let agency_name = mean_len(
        s.agencies.iter().map(|a| a.name.len()).sum(),
        s.agencies.len(),
    );
    // The rows of a tier's scope repeat its name.
    let tier_name = mean_len(s.tiers.iter().map(String::len).sum(), s.tiers.len());
    let row_struct = std::mem::size_of::<crate::measures::ShareRow>() as u64;
    // Revenue adds two rows per vendor and period.
    let rows = periods * (period_rows + vendors * 2);
    let mut files = rows * (2 * row_struct + 110 + vendor_name + agency_name + tier_name);
    if per_run {
        files = files.saturating_add(runs.saturating_mul(periods * vendors * (40 + vendor_name)));
    }
    MemoryEstimate {
        records,
        working,
        files,
    }
}

/// Memory available to a new allocation, in bytes: what the kernel reports
/// as available, lowered to what is left under this process's cgroup limit
/// (containers, batch schedulers). `None` where neither can be read (then
/// no check is made). See also [`AddressSpace`].
pub fn available_memory() -> Option<u64> {
    let system = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|meminfo| kib_field(&meminfo, "MemAvailable:"));
    let read =
        |path: &str| -> Option<u64> { std::fs::read_to_string(path).ok()?.trim().parse().ok() };
    // cgroup v2; "max" (no limit) does not parse and is skipped.
    let cgroup = read("/sys/fs/cgroup/memory.max")
        .map(|limit| limit.saturating_sub(read("/sys/fs/cgroup/memory.current").unwrap_or(0)));
    [system, cgroup].into_iter().flatten().min()
}

/// This process's address-space limit (`ulimit -v`, common on shared
/// clusters: an allocation beyond it aborts the process) and what the
/// process maps already, in bytes; `None` without such a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressSpace {
    /// The soft limit.
    pub limit: u64,
    /// What the process maps now (`VmSize`).
    pub mapped: u64,
}

impl AddressSpace {
    /// The limit of this process, read from `/proc`; `None` without one or
    /// where `/proc` cannot be read.
    pub fn of_this_process() -> Option<AddressSpace> {
        let limit = address_space_limit(&std::fs::read_to_string("/proc/self/limits").ok()?)?;
        let mapped = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| kib_field(&status, "VmSize:"))
            .unwrap_or(0);
        Some(AddressSpace { limit, mapped })
    }

    /// Address space left under the limit.
    pub fn left(&self) -> u64 {
        self.limit.saturating_sub(self.mapped)
    }
}

/// Address space a job of estimated memory `need` maps on `threads`
/// threads: the data, plus half of it again for what the allocator keeps
/// mapped beside it, plus 16 MiB, plus 4 MiB a thread for its stack. That
/// holds once the command line has made every thread allocate from one
/// heap (`share_one_heap_under_an_address_space_limit`, its first step):
/// otherwise glibc reserves 64 MiB of address space for each thread's own
/// heap, and a further 64 MiB (128 MiB while it aligns them) whenever one
/// outgrows it, so that jobs far inside any fixed allowance aborted at
/// random, depending on which thread grew the largest buffers. The data's
/// share was measured as the smallest `ulimit -v` under which a job
/// completes, less what the process maps at start-up: for `gov-ai-2026`
/// 12-14 MiB for one run, 1.3-2.1 times the estimate for 500 to 20,000
/// runs on two threads; for `bench/large` 1.0-1.4 times the estimate for
/// 1,000 to 10,000 runs. An embedder under such a limit gets the same by
/// starting its process with `MALLOC_ARENA_MAX=1` in the environment.
pub fn address_space_need(need: u64, threads: u64) -> u64 {
    const MIB: u64 = 1 << 20;
    need.saturating_add(need / 2)
        .saturating_add(16 * MIB)
        .saturating_add(threads.saturating_mul(4 * MIB))
}

/// Under an address-space limit (`ulimit -v`), makes every thread allocate
/// from one heap (glibc's `M_ARENA_MAX` of 1), so that the address space a
/// job maps follows its data: each heap of glibc's own reserves 64 MiB
/// whatever it holds, which the limit counts. Without a limit, and on
/// other C libraries, it does nothing. The command line calls it first
/// thing, before any other thread exists, which is what makes the call
/// sound; it sets the allocator of the whole process, so it is not the
/// library's to make for an embedder. The simulation allocates a few
/// buffers a run, so threads sharing one heap do not wait on each other
/// measurably.
#[cfg(feature = "cli")]
pub(crate) fn share_one_heap_under_an_address_space_limit() {
    if AddressSpace::of_this_process().is_none() {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            /// glibc's `int mallopt(int param, int value)`.
            fn mallopt(param: i32, value: i32) -> i32;
        }
        /// glibc's `M_ARENA_MAX`.
        const M_ARENA_MAX: i32 = -8;
        // SAFETY: `mallopt` only sets an allocator parameter; it is called
        // before any other thread exists (its one caller, `cli::main`, does
        // so first), and an unknown parameter is refused with 0, never
        // undefined behaviour.
        unsafe {
            mallopt(M_ARENA_MAX, 1);
        }
    }
}

/// The value of a `NAME:   123 kB` line of a /proc file, in bytes.
fn kib_field(text: &str, name: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(name)?;
        let kib: u64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
        Some(kib.saturating_mul(1024))
    })
}

/// The soft address-space limit in `/proc/self/limits` ("Max address
/// space", in bytes); `None` when unlimited.
fn address_space_limit(limits: &str) -> Option<u64> {
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?;
    line["Max address space".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// The memory reading a scenario file may take at most: 80 bytes for each
/// byte of its text, and 1,280 for each `{`, `[`, `.`, `=` and `,` in it
/// (inside strings and comments too, which only overstates). The TOML
/// parser keeps a token and an event of 24 bytes each for every token,
/// which may be a single byte (a blank line, a bracket), in lists that
/// grow by doubling; it makes a table (a B-tree node of about 1 KiB) for
/// each inline table, header and part of a dotted key, and an entry for
/// each key and list item; the checks keep what they report. Measured as
/// the peak resident memory of `sharecast check` on files of 2 to 4 MiB of
/// one construct repeated: 0.65 to 0.75 of this bound for blank lines and
/// runs of brackets (about 60 bytes a byte of address space under `ulimit
/// -v`), 0.69 for dotted keys of many parts in inline tables
/// (`{a.b.c.d.e.f.g.h.i=0}`, 995 bytes a mark), 0.41 for files of
/// `[[event]]` blocks (128 bytes a byte). A scenario file of a few
/// kilobytes needs far less than the program itself.
pub fn reading_need(source: &str) -> u64 {
    let marks = source
        .bytes()
        .filter(|b| matches!(b, b'{' | b'[' | b'.' | b'=' | b','))
        .count() as u64;
    (source.len() as u64)
        .saturating_mul(80)
        .saturating_add(marks.saturating_mul(1280))
}

/// `1.23 GiB`, `45.6 MiB`, `789 KiB`, `512 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 * 1024.0 {
        format!("{:.2} GiB", b / (1024.0 * 1024.0 * 1024.0))
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", b / (1024.0 * 1024.0))
    } else if b >= 1024.0 {
        format!("{:.0} KiB", b / 1024.0)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{
        MemoryEstimate, address_space_limit, address_space_need, estimate, human_bytes, kib_field,
    };
    use crate::engine::{Dims, EngineKind};
    use crate::scenario::{Scenario, parse};
    use crate::tally::{PriceEpochs, Tally};

    /// Two vendors and one agency of term 6 over 24 months, with `events`.
    fn market(events: &str) -> Scenario {
        let text = format!(
            "start = \"2026-01\"\nperiods = 24\n[[vendor]]\nname = \"V\"\nbrand = 0.5\n\
             access = {{ unclassified = 1.0 }}\n[[vendor]]\nname = \"W\"\nbrand = 0.5\n\
             access = {{ unclassified = 1.0 }}\n[[agency]]\nname = \"A\"\nunits = 10\n\
             innovation = 0.1\nimitation = 0.1\nterm = 6\n{events}"
        );
        parse(&text, Path::new("market.toml")).unwrap()
    }

    /// The documented allowance: 1.5 times the estimate plus 20 MiB on one
    /// thread and 24 MiB on two, saturating rather than wrapping.
    #[test]
    fn the_address_space_allowed_is_half_again_the_need_and_a_margin_per_thread() {
        const MIB: u64 = 1 << 20;
        assert_eq!(address_space_need(100 * MIB, 1), 150 * MIB + 20 * MIB);
        assert_eq!(address_space_need(100 * MIB, 2), 150 * MIB + 24 * MIB);
        assert_eq!(address_space_need(u64::MAX - 1, 2), u64::MAX);
    }

    /// Absurd run or thread counts saturate instead of wrapping round to a
    /// need that would fit.
    #[test]
    fn estimates_of_absurd_jobs_saturate() {
        let s = market("");
        for (runs, threads) in [(u64::MAX, 1), (1, u64::MAX), (u64::MAX, u64::MAX)] {
            for per_run in [false, true] {
                let e = estimate(&s, runs, threads, per_run, EngineKind::Counts);
                assert_eq!(e.total(), u64::MAX, "{runs} runs, {threads} threads");
            }
        }
    }

    /// The count engine keeps a choice table per incumbent only where the
    /// incumbency bonus can be negative, so the estimate of a market of
    /// many vendors grows with their square only then: the weight below 0,
    /// fixed or drawn, for all or for one agency, or changed by an event.
    #[test]
    fn choice_tables_per_incumbent_are_counted_only_for_a_negative_bonus() {
        let many = |choice: &str, agency: &str, events: &str| {
            let vendors: String = (0..2000)
                .map(|v| {
                    format!(
                        "[[vendor]]\nname = \"V{v}\"\nbrand = 0.5\naccess = {{ unclassified = 1.0 }}\n"
                    )
                })
                .collect();
            let text = format!(
                "start = \"2026-01\"\nperiods = 2\n{choice}\n{vendors}[[agency]]\nname = \"A\"\n\
                 units = 10\ninnovation = 0.1\nimitation = 0.1\nterm = 6\n{agency}\n{events}"
            );
            let s = parse(&text, Path::new("many.toml")).unwrap();
            estimate(&s, 1, 1, false, EngineKind::Counts).working
        };
        let positive = many("", "", "");
        assert!(positive < 4 << 20, "{positive}");
        // Below 0 in fewer than one run in 10^12, or raised by an event.
        for (choice, agency, events) in [
            ("[choice]\nincumbency = { normal = [1.0, 0.1] }", "", ""),
            (
                "",
                "",
                "[[event]]\nat = 1\nagency = \"A\"\nadd = { \"choice.incumbency\" = 0.5 }",
            ),
        ] {
            assert!(many(choice, agency, events) < 4 << 20, "{choice} {events}");
        }
        for (choice, agency, events) in [
            ("[choice]\nincumbency = -0.5", "", ""),
            ("[choice]\nincumbency = { normal = [1.0, 1.0] }", "", ""),
            ("", "choice = { incumbency = -1 }", ""),
            (
                "",
                "",
                "[[event]]\nat = 1\nagency = \"A\"\nadd = { \"choice.incumbency\" = -2 }",
            ),
            (
                "",
                "",
                "[[event]]\nat = 1\nagency = \"*\"\nset = { \"choice.incumbency\" = { uniform = [-1, 1] } }",
            ),
        ] {
            let negative = many(choice, agency, events);
            assert!(
                negative > 2000 * 2000 * 16,
                "{choice} {agency} {events}: {negative}"
            );
        }
    }

    /// Two simulations held at once need the sum of each part.
    #[test]
    fn two_estimates_add_part_by_part() {
        let a = MemoryEstimate {
            records: 1,
            working: 20,
            files: 300,
        };
        let b = MemoryEstimate {
            records: 4_000,
            working: 50_000,
            files: 600_000,
        };
        let sum = a.plus(b);
        assert_eq!(
            sum,
            MemoryEstimate {
                records: 4_001,
                working: 50_020,
                files: 600_300,
            }
        );
        assert_eq!(sum.total(), a.total() + b.total());
    }

    /// What outlives a run is its tally and its revenue path, one `f64`
    /// per period and vendor.
    #[test]
    fn a_run_keeps_its_tally_and_one_f64_of_revenue_per_period_and_vendor() {
        let s = market("");
        let (d, epochs) = (Dims::of(&s), PriceEpochs::of(&s));
        let tally = Tally::bytes(d, epochs.count(), epochs.mixed_count());
        assert_eq!(
            MemoryEstimate::per_run(&s) - tally,
            (d.periods * d.vendors * std::mem::size_of::<f64>()) as u64
        );
    }

    /// The count engine keeps a calendar of contract ends per agency and
    /// tier, and a second one (the initial contracts') when prices change:
    /// an event on an annual value adds at least that calendar, 4 bytes a
    /// period and vendor, to the working set.
    #[test]
    fn a_price_change_adds_a_second_calendar_of_contract_ends() {
        let working = |s: &Scenario| estimate(s, 1, 1, false, EngineKind::Counts).working;
        let fixed = market("");
        let changing = market("[[event]]\nat = 3\nagency = \"A\"\nset = { annual_value = 2.0 }\n");
        assert!(changing.prices_change() && !fixed.prices_change());
        let calendar = 24 * 2 * 4;
        assert!(
            working(&changing) >= working(&fixed) + calendar,
            "{} against {}",
            working(&changing),
            working(&fixed)
        );
    }

    #[test]
    fn limits_and_sizes_are_read_from_proc() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max stack size            8388608              unlimited            bytes     \n\
                      Max address space         409600000            unlimited            bytes     \n";
        assert_eq!(address_space_limit(limits), Some(409_600_000));
        let unlimited = limits.replace("409600000 ", "unlimited ");
        assert_eq!(address_space_limit(&unlimited), None);
        let status = "Name:\tsharecast\nVmPeak:\t  9000 kB\nVmSize:\t    7220 kB\n";
        assert_eq!(kib_field(status, "VmSize:"), Some(7220 * 1024));
        assert_eq!(kib_field(status, "VmRSS:"), None);
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(human_bytes(0), "0 bytes");
        assert_eq!(human_bytes(657), "657 bytes");
        assert_eq!(human_bytes(1024), "1 KiB");
        assert_eq!(human_bytes(657 * 1024), "657 KiB");
        assert_eq!(human_bytes(3 * 1024 * 1024 / 2), "1.5 MiB");
        assert_eq!(human_bytes(5 << 30), "5.00 GiB");
    }
}
