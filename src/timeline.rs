//! An entity's [`Timeline`]: its periods of being listed and licensed, per authority.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::change::Change;
use crate::id::{ChangeId, EntityId};
use crate::status::StatusKind;
use crate::view::View;

/// An entity's history of statuses, per authority.
///
/// Periods are half-open `[from, until)`, sorted, disjoint, and only cover dates on which the
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
        let after = self.periods.partition_point(|p| p.from <= date);
        match after.checked_sub(1).map(|i| &self.periods[i]) {
            Some(p) if p.until.is_none_or(|until| date < until) => p.status,
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
    /// The first day of the period.
    pub from: NaiveDate,
    /// The first day after it, if it has ended.
    pub until: Option<NaiveDate>,
    /// The changes effective on `from` that concern this entity and authority (designations,
    /// delistings, and licences issued, amended or ended).
    pub opened_by: Vec<ChangeId>,
    /// The changes effective on `until` that concern this entity and authority.
    pub closed_by: Vec<ChangeId>,
}

/// Builds the timeline by evaluating the status on every date where it can change.
pub(crate) fn build(view: &View<'_>, entity: EntityId) -> Timeline {
    let authorities = view
        .authorities_of(entity)
        .into_iter()
        .map(|authority| {
            let relevant = relevant_changes(view, entity, &authority);
            let dates: BTreeSet<NaiveDate> = relevant.iter().map(|c| c.effective).collect();
            let on = |date: NaiveDate| -> Vec<ChangeId> {
                relevant
                    .iter()
                    .filter(|c| c.effective == date)
                    .map(|c| c.id)
                    .collect()
            };
            let mut periods = Vec::new();
            let mut open: Option<Period> = None;
            for date in dates {
                let status = view.status(entity, &authority, date).kind();
                let current = open.as_ref().map_or(StatusKind::NotListed, |p| p.status);
                if status == current {
                    continue;
                }
                if let Some(mut period) = open.take() {
                    period.until = Some(date);
                    period.closed_by = on(date);
                    periods.push(period);
                }
                if status != StatusKind::NotListed {
                    open = Some(Period {
                        status,
                        from: date,
                        until: None,
                        opened_by: on(date),
                        closed_by: Vec::new(),
                    });
                }
            }
            periods.extend(open);
            AuthorityTimeline { authority, periods }
        })
        .collect();
    Timeline {
        entity,
        authorities,
    }
}

/// The visible changes that can move the entity's status with `authority`: the starts and
/// ends of its designations by it, and the issues, amendments and ends of that authority's
/// licences naming it.
fn relevant_changes<'a>(
    view: &View<'a>,
    entity: EntityId,
    authority: &Authority,
) -> Vec<&'a Change> {
    let mut changes = Vec::new();
    for id in view.designations_of(entity) {
        if let Some((record, _, _)) = view.designation(id) {
            if record.authority == *authority {
                if let Some(life) = view.designation_life(id) {
                    changes.push(life.created);
                    changes.extend(life.ended);
                }
            }
        }
    }
    for id in view.licences_naming(entity) {
        if let Some((record, _, _)) = view.licence(id) {
            if record.authority == *authority {
                if let Some(life) = view.licence_life(id) {
                    changes.push(life.created);
                    changes.extend(life.ended);
                    changes.extend(life.amendments.iter().copied());
                }
            }
        }
    }
    changes.sort_by_key(|c| c.effective);
    changes.dedup_by_key(|c| c.id);
    changes
}
