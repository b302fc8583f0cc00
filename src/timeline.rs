//! An entity's [`Timeline`]: its periods of being listed and licensed, per authority.
//!
//! The result types, and the fold of dated statuses into periods that
//! [`View::timeline`](crate::View::timeline), the cluster timeline and the derived timeline share.

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

/// Folds a status that can change only on `dates` (ascending) into periods: a period opens on
/// a date where the status is not `none` and differs from the one before, and closes on the
/// next date where it changes. `make(status, dates, opened_by, closed_by)` builds a period,
/// `changes_on` gives the changes effective on each of its bounds.
///
/// O(d) calls of `status_on` and `changes_on` for d dates.
pub(crate) fn fold_periods<K: Copy + PartialEq, P>(
    dates: impl IntoIterator<Item = NaiveDate>,
    none: K,
    mut status_on: impl FnMut(NaiveDate) -> K,
    changes_on: impl Fn(NaiveDate) -> Vec<ChangeId>,
    make: impl Fn(K, Interval, Vec<ChangeId>, Vec<ChangeId>) -> P,
) -> Vec<P> {
    let mut periods = Vec::new();
    let mut open: Option<(K, NaiveDate, Vec<ChangeId>)> = None;
    for date in dates {
        let status = status_on(date);
        if status == open.as_ref().map_or(none, |(current, _, _)| *current) {
            continue;
        }
        if let Some((current, from, opened_by)) = open.take() {
            let closed_by = changes_on(date);
            periods.push(make(
                current,
                Interval::new(from, Some(date)),
                opened_by,
                closed_by,
            ));
        }
        if status != none {
            open = Some((status, date, changes_on(date)));
        }
    }
    if let Some((current, from, opened_by)) = open {
        periods.push(make(
            current,
            Interval::new(from, None),
            opened_by,
            Vec::new(),
        ));
    }
    periods
}

/// A [`Period`] of `status`: the `make` of [`fold_periods`] for status timelines.
pub(crate) fn period(
    status: StatusKind,
    dates: Interval,
    opened_by: Vec<ChangeId>,
    closed_by: Vec<ChangeId>,
) -> Period {
    Period {
        status,
        dates,
        opened_by,
        closed_by,
    }
}
