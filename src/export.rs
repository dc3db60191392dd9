//! The CSV files of MODEL.md section 6, as bytes.
//!
//! Exporters are pure: a projection in, bytes out. They fix the spreadsheet
//! conventions in one place: one header row, `YYYY-MM-DD` dates, numbers with
//! exactly 6 decimals and no exponent, an empty cell for an undefined value.
//! Writing files is `output`'s job.

use csv::Writer;

use crate::engine::{Dims, RunRecord};
use crate::measures::{AdoptionMeasure, Projection, RevenueMeasure, Scope, ShareMetric};
use crate::scenario::Scenario;
use crate::stats::Summary;

/// A number as the CSVs write it: 6 decimals, plain notation, no `-0`.
pub fn number(x: f64) -> String {
    debug_assert!(x.is_finite(), "only finite numbers reach the CSVs");
    let text = format!("{x:.6}");
    if text.starts_with('-') && text[1..].bytes().all(|b| b == b'0' || b == b'.') {
        text[1..].to_string()
    } else {
        text
    }
}

fn optional(x: Option<f64>) -> String {
    x.map(number).unwrap_or_default()
}

/// `runs,mean,sd,p05,p25,p50,p75,p95` cells of a row.
fn stat_cells(s: &Option<Summary>) -> Vec<String> {
    match s {
        None => {
            let mut cells = vec!["0".to_string()];
            cells.extend(std::iter::repeat_n(String::new(), 7));
            cells
        }
        Some(s) => {
            let mut cells = vec![s.runs.to_string(), number(s.mean), optional(s.sd)];
            cells.extend(s.percentiles.iter().map(|&p| number(p)));
            cells
        }
    }
}

const STAT_HEADER: [&str; 8] = ["runs", "mean", "sd", "p05", "p25", "p50", "p75", "p95"];

fn finish(w: Writer<Vec<u8>>) -> Vec<u8> {
    w.into_inner().expect("writing to memory cannot fail")
}

fn write_row<I, T>(w: &mut Writer<Vec<u8>>, cells: I)
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    w.write_record(cells)
        .expect("writing to memory cannot fail");
}

pub fn shares_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    let mut w = Writer::from_writer(Vec::new());
    let mut header = vec!["period", "date", "agency", "tier", "vendor", "metric"];
    header.extend(STAT_HEADER);
    write_row(&mut w, header);
    for row in &p.shares {
        let (agency, tier) = match row.scope {
            Scope::All => ("all", "all"),
            Scope::Agency(a) => (s.agencies[a].name.as_str(), "all"),
            Scope::Tier(k) => ("all", s.tiers[k].as_str()),
        };
        let metric = match row.metric {
            ShareMetric::CountShare => "count_share",
            ShareMetric::ValueShare => "value_share",
        };
        let mut cells = vec![
            row.period.to_string(),
            s.calendar.date(row.period as u32),
            agency.to_string(),
            tier.to_string(),
            s.vendors[row.vendor].name.clone(),
            metric.to_string(),
        ];
        cells.extend(stat_cells(&row.summary));
        write_row(&mut w, cells);
    }
    finish(w)
}

pub fn adoption_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    let mut w = Writer::from_writer(Vec::new());
    let mut header = vec!["period", "date", "agency", "measure"];
    header.extend(STAT_HEADER);
    write_row(&mut w, header);
    for row in &p.adoption {
        let measure = match row.measure {
            AdoptionMeasure::UnderContract => "under_contract",
            AdoptionMeasure::Waiting => "waiting",
        };
        let mut cells = vec![
            row.period.to_string(),
            s.calendar.date(row.period as u32),
            row.agency
                .map_or("all".to_string(), |a| s.agencies[a].name.clone()),
            measure.to_string(),
        ];
        cells.extend(stat_cells(&row.summary));
        write_row(&mut w, cells);
    }
    finish(w)
}

pub fn revenue_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    let mut w = Writer::from_writer(Vec::new());
    let mut header = vec!["period", "date", "vendor", "measure"];
    header.extend(STAT_HEADER);
    write_row(&mut w, header);
    for row in &p.revenue {
        let measure = match row.measure {
            RevenueMeasure::Revenue => "revenue",
            RevenueMeasure::CumulativeRevenue => "cumulative_revenue",
        };
        let mut cells = vec![
            row.period.to_string(),
            s.calendar.date(row.period as u32),
            s.vendors[row.vendor].name.clone(),
            measure.to_string(),
        ];
        cells.extend(stat_cells(&row.summary));
        write_row(&mut w, cells);
    }
    finish(w)
}

/// One column per vendor: the mean count share over all units, ready to
/// chart as a line or stacked-area chart.
pub fn shares_wide_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    let mut w = Writer::from_writer(Vec::new());
    let mut header = vec!["period".to_string(), "date".to_string()];
    header.extend(s.vendors.iter().map(|v| v.name.clone()));
    write_row(&mut w, header);
    let rows = p
        .shares
        .iter()
        .filter(|r| r.scope == Scope::All && r.metric == ShareMetric::CountShare);
    let mut current: Option<(usize, Vec<String>)> = None;
    for row in rows {
        if current.as_ref().is_some_and(|(t, _)| *t != row.period) {
            write_row(&mut w, current.take().expect("checked").1);
        }
        let cells = &mut current
            .get_or_insert_with(|| {
                (
                    row.period,
                    vec![row.period.to_string(), s.calendar.date(row.period as u32)],
                )
            })
            .1;
        cells.push(optional(row.summary.map(|s| s.mean)));
    }
    if let Some((_, cells)) = current {
        write_row(&mut w, cells);
    }
    finish(w)
}

/// One row per vendor at the last period.
pub fn summary_csv(s: &Scenario, p: &Projection) -> Vec<u8> {
    let mut w = Writer::from_writer(Vec::new());
    write_row(
        &mut w,
        [
            "period",
            "date",
            "vendor",
            "runs",
            "mean_share",
            "p05_share",
            "p50_share",
            "p95_share",
            "prob_leader",
            "mean_cumulative_revenue",
        ],
    );
    let last = s.calendar.periods - 1;
    for o in &p.outlook {
        let share = o.share;
        write_row(
            &mut w,
            [
                last.to_string(),
                s.calendar.date(last),
                s.vendors[o.vendor].name.clone(),
                share.map_or(0, |s| s.runs).to_string(),
                optional(share.map(|s| s.mean)),
                optional(share.map(|s| s.percentiles[0])),
                optional(share.map(|s| s.percentiles[2])),
                optional(share.map(|s| s.percentiles[4])),
                number(o.prob_leader),
                number(o.mean_cumulative_revenue),
            ],
        );
    }
    finish(w)
}

/// Every run's contracts and count share per vendor (scope: all units).
/// Runs are numbered from 0, the index of their random stream.
pub fn runs_csv(s: &Scenario, records: &[RunRecord], first_run: u64) -> Vec<u8> {
    let d = Dims::of(s);
    let mut w = Writer::from_writer(Vec::with_capacity(
        records.len() * d.periods * d.vendors * 32,
    ));
    write_row(
        &mut w,
        ["run", "period", "vendor", "contracts", "count_share"],
    );
    let mut counts = vec![0u64; d.vendors];
    for (i, r) in records.iter().enumerate() {
        let run = (first_run + i as u64).to_string();
        for t in 0..d.periods {
            r.vendor_contracts(d, t, &mut counts);
            let total: u64 = counts.iter().sum();
            for (v, &c) in counts.iter().enumerate() {
                let share = (total > 0).then(|| c as f64 / total as f64);
                write_row(
                    &mut w,
                    [
                        run.clone(),
                        t.to_string(),
                        s.vendors[v].name.clone(),
                        c.to_string(),
                        optional(share),
                    ],
                );
            }
        }
    }
    finish(w)
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_are_plain_with_six_decimals() {
        assert_eq!(number(0.5), "0.500000");
        assert_eq!(number(1e-9), "0.000000");
        assert_eq!(number(-1e-9), "0.000000");
        assert_eq!(number(-0.25), "-0.250000");
        assert_eq!(number(1.5e12), "1500000000000.000000");
        assert_eq!(number(2.0 / 3.0), "0.666667");
    }
}
