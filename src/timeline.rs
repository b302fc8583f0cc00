//! An entity's [`Timeline`]: its periods of being listed and licensed, per authority.
//!
//! The result types only; [`View::timeline`](crate::View::timeline) computes them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::id::{ChangeId, EntityId};
use crate::interval::Interval;
use crate::status::StatusKind;

/// An entity's history of statuses, per authority.
///
/// Periods are half-open [`Interval`]s `[from, until)`, sorted, disjoint, and only cover dates on which the
/// entity is listed (licensed or not); a date outside every period is `not-listed`. Two adjacent
/// periods always differ in status: a period starts or ends exactly where the status changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Timeline {
    /// The entity.
    pub entity: EntityId,
    /// One entry per authority that has designated the entity, sorted by authority.
    pub authorities: Vec<AuthorityTimeline>,
}

impl Timeline {
    /// The status kind on `date` with `authority`, as the timeline tells it.
    ///
    /// O(a + log p) in the authorities and periods.
    #[must_use]
    pub fn status_on(&self, authority: &Authority, date: NaiveDate) -> StatusKind {
        self.authorities
            .iter()
            .find(|t| t.authority == *authority)
            .map_or(StatusKind::NotListed, |t| t.status_on(date))
    }
}

/// An entity's periods with one authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthorityTimeline {
    /// The authority.
    pub authority: Authority,
    /// The periods, sorted by date.
    pub periods: Vec<Period>,
}

impl AuthorityTimeline {
    /// The status kind on `date`.
    ///
    /// O(log p).
    #[must_use]
    pub fn status_on(&self, date: NaiveDate) -> StatusKind {
        let after = self.periods.partition_point(|p| p.dates.from <= date);
        match after.checked_sub(1).map(|i| &self.periods[i]) {
            Some(p) if p.dates.contains(date) => p.status,
            _ => StatusKind::NotListed,
        }
    }
}

/// A maximal run of days with one status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Period {
    /// `listed` or `listed-licensed`.
    pub status: StatusKind,
    /// Its days, `[from, until)`; serialised as the `from` and `until` fields of the period.
    #[serde(flatten)]
    pub dates: Interval,
    /// The changes effective on `dates.from` that concern this entity and authority
    /// (designations, delistings, and licences issued, amended or ended).
    pub opened_by: Vec<ChangeId>,
    /// The changes effective on `dates.until` that concern this entity and authority.
    pub closed_by: Vec<ChangeId>,
}
