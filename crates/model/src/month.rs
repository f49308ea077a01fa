//! A calendar month in UTC: the unit of monthly-active-user billing (`docs/decisions.md` 17).

use chrono::{DateTime, Datelike, TimeZone, Utc};
use std::fmt;

/// A calendar month of a year from 1 to 9999, written `YYYY-MM`. Ordered by time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MonthError {
    #[error("'{0}' is not a month: use YYYY-MM, e.g. 2027-03")]
    Format(String),
    #[error("'{0}' is out of range: the year is 0001 to 9999 and the month 01 to 12")]
    Range(String),
}

const FIRST_YEAR: i32 = 1;
const LAST_YEAR: i32 = 9999;

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Self, MonthError> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return Err(MonthError::Range(format!("{year:04}-{month:02}")));
        }
        Ok(Self { year, month })
    }

    /// Parses exactly `YYYY-MM` (four digits, a hyphen, two digits).
    pub fn parse(text: &str) -> Result<Self, MonthError> {
        let format = || MonthError::Format(text.to_owned());
        let (year, month) = text.split_once('-').ok_or_else(format)?;
        let digits =
            |part: &str, len: usize| part.len() == len && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(format());
        }
        let year = year.parse().map_err(|_| format())?;
        let month = month.parse().map_err(|_| format())?;
        Self::new(year, month).map_err(|_| MonthError::Range(text.to_owned()))
    }

    /// The month `at` falls in, in UTC. Years outside 1..=9999 are clamped to the nearest month
    /// in range (no real sign-in is dated there).
    pub fn of(at: DateTime<Utc>) -> Self {
        let year = at.year();
        if year < FIRST_YEAR {
            Self {
                year: FIRST_YEAR,
                month: 1,
            }
        } else if year > LAST_YEAR {
            Self {
                year: LAST_YEAR,
                month: 12,
            }
        } else {
            Self {
                year,
                month: at.month(),
            }
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// Months since January of year 0: a number that subtracts and adds like months do.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(index: i64) -> Option<Self> {
        let year = i32::try_from(index.div_euclid(12)).ok()?;
        let month = u32::try_from(index.rem_euclid(12) + 1).ok()?;
        Self::new(year, month).ok()
    }

    /// This month moved by `months` (negative: earlier); `None` outside years 1 to 9999.
    pub fn plus(self, months: i64) -> Option<Self> {
        Self::from_index(self.index().checked_add(months)?)
    }

    /// How many months `later` is after `self` (negative when it is before).
    pub fn months_until(self, later: Self) -> i64 {
        later.index() - self.index()
    }

    /// Midnight UTC on the first day: the first instant of the month.
    pub fn start(self) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(self.year, self.month, 1, 0, 0, 0)
            .single()
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// The first instant after the month (the next month's start).
    pub fn end(self) -> DateTime<Utc> {
        match self.plus(1) {
            Some(next) => next.start(),
            None => Utc
                .with_ymd_and_hms(LAST_YEAR + 1, 1, 1, 0, 0, 0)
                .single()
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn month(text: &str) -> Month {
        Month::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_only_yyyy_mm() {
        assert_eq!(month("2027-03").to_string(), "2027-03");
        assert_eq!(month("0001-01").to_string(), "0001-01");
        for bad in [
            "2027-3",
            "27-03",
            "2027/03",
            "2027-03-01",
            "March",
            "",
            "+027-03",
            "2027-0a",
            " 2027-03",
        ] {
            assert!(
                matches!(Month::parse(bad), Err(MonthError::Format(_))),
                "{bad}"
            );
        }
        for bad in ["2027-13", "2027-00", "0000-05"] {
            assert!(
                matches!(Month::parse(bad), Err(MonthError::Range(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_month_runs_from_its_first_microsecond_to_the_next_months_start() {
        let march = month("2027-03");
        let last = march.end() - Duration::microseconds(1);
        assert_eq!(Month::of(last), march);
        assert_eq!(Month::of(march.end()), month("2027-04"));
        assert_eq!(Month::of(march.start()), march);
        assert_eq!(month("2027-12").end(), month("2028-01").start());
        assert_eq!(
            month("2028-02").end() - month("2028-02").start(),
            Duration::days(29)
        );
    }

    #[test]
    fn months_add_and_subtract_across_years() {
        let january = month("2027-01");
        assert_eq!(january.plus(-1), Some(month("2026-12")));
        assert_eq!(january.plus(23), Some(month("2028-12")));
        assert_eq!(month("2026-11").months_until(month("2027-02")), 3);
        assert_eq!(month("9999-12").plus(1), None);
        assert_eq!(month("0001-01").plus(-1), None);
        assert!(month("2026-12") < january);
    }
}
