//! [`Interval`]: the half-open `[from, until)` range of effective dates that every period in
//! this crate is.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A half-open interval of effective dates, `[from, until)`: it contains `from` and every later
/// day before `until`; `until` is `None` while it has not ended.
///
/// Every period in this crate is one: a designation effective 2023-08-09 and delisted effective
/// 2025-11-04 is in force over `[2023-08-09, 2025-11-04)`, so it is listed on 2023-08-09 and
/// not listed on 2025-11-04. The same holds for licences, for the periods of a
/// [`Timeline`](crate::Timeline), and for the errors that name a period.
///
/// Serialised as `{"from": "2023-08-09", "until": "2025-11-04"}`, with `until` `null` while
/// open. Displayed as `[2023-08-09, 2025-11-04)`, or `[2023-08-09, …)` while open.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use sanctions_ledger::Interval;
///
/// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");
/// let listed = Interval::new(day(2023, 8, 9)?, Some(day(2025, 11, 4)?));
/// assert!(listed.contains(day(2023, 8, 9)?));
/// assert!(listed.contains(day(2025, 11, 3)?));
/// assert!(!listed.contains(day(2025, 11, 4)?));
/// assert_eq!(listed.to_string(), "[2023-08-09, 2025-11-04)");
/// assert!(Interval::new(day(2021, 12, 2)?, None).contains(NaiveDate::MAX));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Interval {
    /// The first day in the interval.
    pub from: NaiveDate,
    /// The first day after it, once it has ended.
    pub until: Option<NaiveDate>,
}

impl Interval {
    /// The interval `[from, until)`. An `until` on or before `from` makes an empty interval
    /// (the ledger never produces one).
    #[must_use]
    pub fn new(from: NaiveDate, until: Option<NaiveDate>) -> Self {
        Interval { from, until }
    }

    /// Whether `date` is in the interval: `from <= date` and, if it has ended, `date < until`.
    #[must_use]
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && self.until.is_none_or(|until| date < until)
    }

    /// Whether the interval has no end yet.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.until.is_none()
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.until {
            Some(until) => write!(f, "[{}, {until})", self.from),
            None => write!(f, "[{}, …)", self.from),
        }
    }
}
