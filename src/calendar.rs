//! Simulated time: period indices, their dates, and the step between them.
//!
//! Period `t` starts on the first day of the month `start + t * step`. Dates
//! written in a scenario (`"2026-03"`) map to the period that contains them.

use std::fmt;

/// The length of one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// One calendar month (`step = "month"`, the default).
    Month,
    /// Three calendar months (`step = "quarter"`).
    Quarter,
    /// Twelve calendar months (`step = "year"`).
    Year,
}

impl Step {
    /// Reads a step as a scenario writes it (`month`, `quarter` or `year`,
    /// in lower case); `None` for anything else.
    pub fn parse(s: &str) -> Option<Step> {
        match s {
            "month" => Some(Step::Month),
            "quarter" => Some(Step::Quarter),
            "year" => Some(Step::Year),
            _ => None,
        }
    }

    /// Period length in calendar months: 1, 3 or 12.
    pub fn months(self) -> u32 {
        match self {
            Step::Month => 1,
            Step::Quarter => 3,
            Step::Year => 12,
        }
    }

    /// Period length in years, the factor that turns an annual contract
    /// value into revenue per period.
    pub fn years(self) -> f64 {
        f64::from(self.months()) / 12.0
    }

    /// The step as a scenario writes it, and as reports show it: `month`,
    /// `quarter` or `year`.
    pub fn name(self) -> &'static str {
        match self {
            Step::Month => "month",
            Step::Quarter => "quarter",
            Step::Year => "year",
        }
    }
}

/// A calendar month, `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    /// The year; 1000-9999 when read by [`YearMonth::parse`].
    pub year: i32,
    /// The month of the year, 1 (January) to 12 (December).
    pub month: u32,
}

impl YearMonth {
    /// Parses `YYYY-MM` (four-digit year 1000-9999, month 01-12).
    pub fn parse(s: &str) -> Option<YearMonth> {
        let (y, m) = YearMonth::digits(s)?;
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        ((1000..=9999).contains(&year) && (1..=12).contains(&month))
            .then_some(YearMonth { year, month })
    }

    /// The year and month digits of `s` when it has the shape `NNNN-NN`,
    /// whether or not they make a month (`2026-13` has the shape).
    pub fn digits(s: &str) -> Option<(&str, &str)> {
        s.split_once('-').filter(|(y, m)| {
            y.len() == 4 && m.len() == 2 && y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
        })
    }

    /// Months since January of year 0: consecutive months have
    /// consecutive indexes.
    pub fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// The month of [`YearMonth::index`] `i`.
    pub fn from_index(i: i64) -> YearMonth {
        YearMonth {
            year: i.div_euclid(12) as i32,
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The simulated horizon: first month, step and number of periods.
///
/// Everything else in a [`Scenario`](crate::scenario::Scenario) counts in
/// periods (an event's [`period`](crate::scenario::Event::period), a
/// `term`, an initial contract's `remaining`), so changing `start` or
/// `step` in code moves all of them to other dates: monthly events at
/// periods 3 and 12 fall nine months and three years in with a quarterly
/// step. To keep the events' dates, edit the file's `start` or `step` and
/// parse it again: an event dated `at = "YYYY-MM"` is then read against
/// the new calendar (one whose `at` is a period number, and every `term`
/// and `remaining`, stay counts of periods there too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    /// The month period 0 starts in (the scenario's `start`).
    pub start: YearMonth,
    /// The length of every period.
    pub step: Step,
    /// Number of periods simulated, `0..periods`; in a checked scenario
    /// from 1 to [`MAX_PERIODS`](crate::scenario::MAX_PERIODS).
    pub periods: u32,
}

impl Calendar {
    /// The month `period` starts in.
    pub fn month_of(&self, period: u32) -> YearMonth {
        YearMonth::from_index(
            self.start.index() + i64::from(period) * i64::from(self.step.months()),
        )
    }

    /// `YYYY-MM-DD`, the first day of `period`, as the CSVs write it.
    pub fn date(&self, period: u32) -> String {
        format!("{}-01", self.month_of(period))
    }

    /// The period containing `month`; negative when it lies before `start`.
    /// For an event's [`period`](crate::scenario::Event::period), use
    /// [`period_at`](Calendar::period_at), which refuses such a month.
    pub fn period_of(&self, month: YearMonth) -> i64 {
        (month.index() - self.start.index()).div_euclid(i64::from(self.step.months()))
    }

    /// The period containing `month`, as an event's `at` or `until` dates
    /// one; `None` for a month before `start`, which a scenario file
    /// refuses for an event (a cast of a negative [`period_of`](Calendar::period_of) would turn
    /// it into a period far after any horizon, where the event never
    /// fires).
    pub fn period_at(&self, month: YearMonth) -> Option<u32> {
        u32::try_from(self.period_of(month)).ok()
    }

    /// The month of the last simulated period.
    pub fn last_month(&self) -> YearMonth {
        self.month_of(self.periods.saturating_sub(1))
    }

    /// The last month the horizon covers: the last period's last month.
    pub fn end_month(&self) -> YearMonth {
        YearMonth::from_index(
            self.start.index() + i64::from(self.periods) * i64::from(self.step.months()) - 1,
        )
    }

    /// The months `period` covers, as reports name it: "2030-12" with
    /// month steps, "2027-10 to 2027-12" with longer ones (the CSVs date
    /// a row by its period's first day).
    pub fn months_of(&self, period: u32) -> String {
        let first = self.month_of(period);
        if self.step.months() == 1 {
            first.to_string()
        } else {
            let last = YearMonth::from_index(first.index() + i64::from(self.step.months()) - 1);
            format!("{first} to {last}")
        }
    }

    /// The months of the last period, as [`months_of`](Self::months_of)
    /// names them.
    pub fn last_months(&self) -> String {
        self.months_of(self.periods.saturating_sub(1))
    }

    /// "60 month periods from 2026-01 to 2030-12", "8 quarter periods from
    /// 2026-01 to 2027-12": the first and last month of the horizon.
    pub fn describe(&self) -> String {
        format!(
            "{} from {} to {}",
            self.count_of_periods(),
            self.start,
            self.end_month()
        )
    }

    /// "60 month periods", "1 quarter period".
    pub fn count_of_periods(&self) -> String {
        crate::text::count(
            u64::from(self.periods),
            &format!("{} period", self.step.name()),
        )
    }
}

/// The rule a month follows, and what `text` gives instead: dates in the
/// outputs are `YYYY-MM-DD` with four-digit years.
pub(crate) fn month_rule(text: &str) -> String {
    let why = match YearMonth::digits(text) {
        Some((y, _)) if y < "1000" => format!(" (year {y} is before 1000)"),
        Some((_, m)) => format!(" (month {m} is not 01 to 12)"),
        None => String::new(),
    };
    let hint = month_meant(text).map_or_else(String::new, |m| format!("; write \"{m}\""));
    format!(
        "a month written \"YYYY-MM\", with a year from 1000 to 9999 and a month from 01 to 12, got \"{text}\"{why}{hint}"
    )
}

/// The month `text` most likely means when it writes one another common
/// way: a whole date (`2028-01-01`), another separator (`2028/01`,
/// `2028.01`), the month first (`01/2028`, `1-2028`) or a month of one digit
/// (`2028-1`), the month by its English name or its abbreviation with a
/// year of four digits (`Jan 2028`, `January 2028`, `2028 Jan`,
/// `Sept-2028`), or the form with spaces around it. `None` for anything
/// else (a year of two digits, `Jan-28`, could be a day), and for what is
/// already the form.
pub(crate) fn month_meant(text: &str) -> Option<YearMonth> {
    if YearMonth::parse(text).is_some() {
        return None;
    }
    let text = text.trim();
    if let Some(month) = month_named(text) {
        return Some(month);
    }
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let is_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !parts.iter().all(|p| is_digits(p)) {
        return None;
    }
    let is_day = |d: &str| d.len() <= 2 && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d));
    let (year, month) = match parts[..] {
        [y, m] if y.len() == 4 && m.len() <= 2 => (y, m),
        [y, m, d] if y.len() == 4 && m.len() <= 2 && is_day(d) => (y, m),
        [m, y] if y.len() == 4 && m.len() <= 2 => (y, m),
        _ => return None,
    };
    let month: u32 = month.parse().ok()?;
    YearMonth::parse(&format!("{year}-{month:02}"))
}

/// `Jan 2028`, `January 2028`, `2028 Jan`, `Sept-2028`: a month named in
/// English (in any letter case, whole or by its first three letters, or
/// `Sept`) and a year of four digits, in either order.
fn month_named(text: &str) -> Option<YearMonth> {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let parts: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | '.' | ','))
        .filter(|p| !p.is_empty())
        .collect();
    let (name, year) = match parts[..] {
        [a, b] if a.len() == 4 && a.bytes().all(|c| c.is_ascii_digit()) => (b, a),
        [a, b] => (a, b),
        _ => return None,
    };
    if year.len() != 4 || !year.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let name = name.to_ascii_lowercase();
    let month = NAMES.iter().position(|full| {
        *full == name
            || (name.len() == 3 && full.starts_with(&name))
            || name == "sept" && *full == "september"
    })?;
    YearMonth::parse(&format!("{year}-{:02}", month + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects_months() {
        assert_eq!(
            YearMonth::parse("2026-03"),
            Some(YearMonth {
                year: 2026,
                month: 3
            })
        );
        for bad in [
            "2026-13",
            "2026-00",
            "26-03",
            "2026-3",
            "2026/03",
            "2026-03-01",
            "",
        ] {
            assert_eq!(YearMonth::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_month_written_another_common_way_is_told_the_form() {
        for (text, meant) in [
            ("2028-01-01", Some("2028-01")),
            ("2028/01", Some("2028-01")),
            ("2028.3", Some("2028-03")),
            ("01/2028", Some("2028-01")),
            ("1-2028", Some("2028-01")),
            ("2028-1", Some("2028-01")),
            ("2028-01", None),
            (" 2028-01 ", Some("2028-01")),
            ("2028-05-2027", None),
            ("2028-01-99", None),
            ("2028-1-1", Some("2028-01")),
            ("2028-13", None),
            ("13/2028", None),
            ("01/28", None),
            ("Jan 2028", Some("2028-01")),
            ("June 2027", Some("2027-06")),
            ("2027 june", Some("2027-06")),
            ("Sept-2028", Some("2028-09")),
            ("SEP 2028", Some("2028-09")),
            ("Dec. 2028", Some("2028-12")),
            ("March, 2029", Some("2029-03")),
            ("Jun-27", None),
            ("Ju 2027", None),
            ("Junes 2027", None),
            ("June 2027 1", None),
            ("2028", None),
        ] {
            assert_eq!(
                month_meant(text).map(|m| m.to_string()).as_deref(),
                meant,
                "{text}"
            );
        }
        assert!(month_rule("01/2028").ends_with("got \"01/2028\"; write \"2028-01\""));
    }

    #[test]
    fn dates_and_periods_round_trip() {
        let cal = Calendar {
            start: YearMonth::parse("2026-11").unwrap(),
            step: Step::Quarter,
            periods: 8,
        };
        assert_eq!(cal.date(0), "2026-11-01");
        assert_eq!(cal.date(1), "2027-02-01");
        assert_eq!(cal.period_of(YearMonth::parse("2027-01").unwrap()), 0);
        assert_eq!(cal.period_of(YearMonth::parse("2027-02").unwrap()), 1);
        assert_eq!(cal.period_of(YearMonth::parse("2026-10").unwrap()), -1);
        assert_eq!(cal.last_month().to_string(), "2028-08");
        // An event's period: none before the start, any after the horizon.
        let at = |month: &str| cal.period_at(YearMonth::parse(month).unwrap());
        assert_eq!(at("2026-10"), None);
        assert_eq!(at("1000-01"), None);
        assert_eq!(at("2026-11"), Some(0));
        assert_eq!(at("2027-02"), Some(1));
        assert_eq!(at("9999-12"), Some(31_892));
    }

    /// Reports name a period by the months it covers and the horizon by its
    /// first and last month, so a quarter or year does not read as its
    /// first month alone.
    #[test]
    fn reports_name_the_months_a_period_and_the_horizon_cover() {
        let quarters = Calendar {
            start: YearMonth::parse("2026-11").unwrap(),
            step: Step::Quarter,
            periods: 8,
        };
        assert_eq!(quarters.months_of(0), "2026-11 to 2027-01");
        assert_eq!(quarters.last_months(), "2028-08 to 2028-10");
        assert_eq!(quarters.end_month().to_string(), "2028-10");
        assert_eq!(
            quarters.describe(),
            "8 quarter periods from 2026-11 to 2028-10"
        );
        let years = Calendar {
            start: YearMonth::parse("2026-01").unwrap(),
            step: Step::Year,
            periods: 3,
        };
        assert_eq!(years.last_months(), "2028-01 to 2028-12");
        assert_eq!(years.describe(), "3 year periods from 2026-01 to 2028-12");
        let months = Calendar {
            start: YearMonth::parse("2026-01").unwrap(),
            step: Step::Month,
            periods: 60,
        };
        assert_eq!(months.months_of(59), "2030-12");
        assert_eq!(
            months.describe(),
            "60 month periods from 2026-01 to 2030-12"
        );
    }

    /// Years run from 1000 to 9999, both included.
    #[test]
    fn the_first_and_the_last_four_digit_years_are_read() {
        for (text, year, month) in [("1000-01", 1000, 1), ("9999-12", 9999, 12)] {
            assert_eq!(
                YearMonth::parse(text),
                Some(YearMonth { year, month }),
                "{text}"
            );
        }
        assert_eq!(YearMonth::parse("0999-12"), None);
    }

    /// The rule blames the year only when it is before 1000 (year 1000
    /// itself is fine), else the month; text of another shape gets the
    /// rule alone, or with the month it most likely means.
    #[test]
    fn the_month_rule_blames_the_part_that_is_out_of_range() {
        let rule = month_rule("0999-05");
        assert!(
            rule.ends_with("got \"0999-05\" (year 0999 is before 1000)"),
            "{rule}"
        );
        let rule = month_rule("1000-13");
        assert!(
            rule.ends_with("got \"1000-13\" (month 13 is not 01 to 12)"),
            "{rule}"
        );
        let rule = month_rule("2026-3");
        assert!(
            rule.ends_with("got \"2026-3\"; write \"2026-03\""),
            "{rule}"
        );
        let rule = month_rule("March 2026");
        assert!(
            rule.ends_with("got \"March 2026\"; write \"2026-03\""),
            "{rule}"
        );
        let rule = month_rule("Mar-26");
        assert!(rule.ends_with("got \"Mar-26\""), "{rule}");
    }
}
