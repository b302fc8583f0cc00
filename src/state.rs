//! The whole sanctions state on one date, and the difference between two such states.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::authority::Authority;
use crate::designation::DesignationTerms;
use crate::id::{ChangeId, DesignationId, EntityId, LicenceId};
use crate::interval::Interval;
use crate::licence::LicenceTerms;
use crate::list::{List, Scope};
use crate::status::{Status, StatusKind};

/// A designation or licence as created (its record before any amendment), with its period in
/// force as the view knows it: what [`View::designation`](crate::View::designation) and
/// [`View::licence`](crate::View::licence) return.
///
/// Serialisable (as `{"record": …, "in_force": …, "created_by": …}`) but not deserialisable:
/// it borrows its record from the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AsCreated<'a, T> {
    /// The record of the creating change ([`Designation`](crate::Designation) or
    /// [`Licence`](crate::Licence)).
    pub record: &'a T,
    /// From its effective date until its delisting or end, if any.
    pub in_force: Interval,
    /// The change that created it.
    pub created_by: ChangeId,
}

/// A designation in force on a date, with its terms as amended up to that date.
///
/// It borrows its authority, list and terms from the ledger's log (from the creating change
/// and the amendment in force), so that a whole state or difference copies no terms: a state
/// of 10⁵ designations would otherwise clone as many programs, measures and texts. `Copy`;
/// serialisable (the same JSON as the owned fields) but not deserialisable, like
/// [`AsCreated`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DesignationInForce<'a> {
    /// The listed entity.
    pub entity: EntityId,
    /// The listing authority.
    pub authority: &'a Authority,
    /// The authority's list the designation is on, if it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<&'a List>,
    /// The terms in force on the date.
    pub terms: &'a DesignationTerms,
    /// The designation's effective date.
    pub since: NaiveDate,
    /// The change that made the designation.
    pub designated_by: ChangeId,
}

/// A licence in force on a date, with its terms as amended up to that date.
///
/// Borrows its authority and terms from the ledger's log, as [`DesignationInForce`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LicenceInForce<'a> {
    /// The issuing authority.
    pub authority: &'a Authority,
    /// The terms in force on the date.
    pub terms: &'a LicenceTerms,
    /// The licence's effective date.
    pub since: NaiveDate,
    /// The change that issued it.
    pub issued_by: ChangeId,
}

/// Every designation and licence in force on one date.
///
/// Borrows from the ledger the [`View`](crate::View) that computed it borrows (its entries are
/// [`DesignationInForce`] and [`LicenceInForce`]); serialisable, not deserialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct State<'a> {
    /// The date the state is for.
    pub date: NaiveDate,
    /// The designations in force, by id.
    pub designations: BTreeMap<DesignationId, DesignationInForce<'a>>,
    /// The licences in force, by id.
    pub licences: BTreeMap<LicenceId, LicenceInForce<'a>>,
}

impl<'a> State<'a> {
    /// The status of `entity` with `authority`, or on one of its lists, in this state (`scope`
    /// is an `&Authority` or a `&List`, as for [`View::status`](crate::View::status)).
    ///
    /// A state holds only what is in force on its date, so it cannot tell an id it has never
    /// heard of from an entity that is not listed: both are [`Status::NotListed`] here. To
    /// refuse unknown ids, ask [`View::status`](crate::View::status), which answers
    /// [`Error::EntityNotKnown`](crate::Error::EntityNotKnown) for them.
    ///
    /// O(d + l) in the designations and licences in force.
    #[must_use]
    pub fn status<'s>(&self, entity: EntityId, scope: impl Into<Scope<'s>>) -> Status {
        let scope = scope.into();
        let authority = scope.authority();
        let designations = self
            .designations
            .iter()
            .filter(|(_, d)| d.entity == entity && scope.contains(d.authority, d.list))
            .map(|(id, _)| *id)
            .collect();
        let licences = self
            .licences
            .iter()
            .filter(|(_, l)| l.authority == authority && l.terms.covers.contains(&entity))
            .map(|(id, _)| *id)
            .collect();
        Status::from_parts(designations, licences)
    }

    /// Every (entity, authority) pair that is listed in this state, with its status.
    ///
    /// O((d + c) · log d) in the designations in force and the entities their licences cover.
    #[must_use]
    pub fn statuses(&self) -> BTreeMap<(EntityId, Authority), Status> {
        let mut listed: BTreeMap<(EntityId, Authority), (Vec<DesignationId>, Vec<LicenceId>)> =
            BTreeMap::new();
        for (id, d) in &self.designations {
            let key = (d.entity, d.authority.clone());
            listed.entry(key).or_default().0.push(*id);
        }
        for (id, l) in &self.licences {
            for entity in &l.terms.covers {
                // Only listed pairs have a status worth recording; a licence alone is not one.
                if let Some(entry) = listed.get_mut(&(*entity, l.authority.clone())) {
                    entry.1.push(*id);
                }
            }
        }
        listed
            .into_iter()
            .map(|(pair, (designations, licences))| {
                (pair, Status::from_parts(designations, licences))
            })
            .collect()
    }

    /// Applies a difference computed by [`View::diff`](crate::View::diff) from this state's
    /// date: the result equals the state on the difference's `to` date.
    ///
    /// # Example
    ///
    /// ```
    /// use sanctions_ledger::*;
    ///
    /// let ledger = Ledger::from_json_str(&std::fs::read_to_string("seeds/belavia.json")?)?;
    /// let view = ledger.current();
    /// let (a, b) = ("2025-09-10".parse()?, "2025-11-05".parse()?);
    /// let diff = view.diff(a, b);
    /// let state = view.state_on(a).apply(&diff);
    /// assert_eq!(state, view.state_on(b));
    /// assert_eq!(state.date, b);
    /// // Back again: a difference may run either way.
    /// assert_eq!(state.apply(&view.diff(b, a)), view.state_on(a));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn apply(mut self, diff: &StateDiff<'a>) -> State<'a> {
        for id in &diff.delisted {
            self.designations.remove(id);
        }
        for (id, d) in diff.designated.iter().chain(&diff.amended) {
            self.designations.insert(*id, *d);
        }
        for id in &diff.licences_ended {
            self.licences.remove(id);
        }
        for (id, l) in diff.licences_issued.iter().chain(&diff.licences_amended) {
            self.licences.insert(*id, *l);
        }
        self.date = diff.to;
        self
    }

    /// The difference from this state to `later` (which may be on any date).
    #[must_use]
    pub fn diff(&self, later: &State<'a>) -> StateDiff<'a> {
        let (designated, delisted, amended) = split(&self.designations, &later.designations);
        let (licences_issued, licences_ended, licences_amended) =
            split(&self.licences, &later.licences);
        let before = self.status_kinds();
        let after = later.status_kinds();
        let pairs: BTreeSet<&(EntityId, Authority)> = before.keys().chain(after.keys()).collect();
        let status_changes = pairs
            .into_iter()
            .filter_map(|pair| {
                let was = before.get(pair).copied().unwrap_or(StatusKind::NotListed);
                let now = after.get(pair).copied().unwrap_or(StatusKind::NotListed);
                (was != now).then(|| StatusChange {
                    entity: pair.0,
                    authority: pair.1.clone(),
                    before: was,
                    after: now,
                })
            })
            .collect();
        StateDiff {
            from: self.date,
            to: later.date,
            designated,
            delisted,
            amended,
            licences_issued,
            licences_ended,
            licences_amended,
            status_changes,
        }
    }

    fn status_kinds(&self) -> BTreeMap<(EntityId, Authority), StatusKind> {
        self.statuses()
            .into_iter()
            .map(|(pair, s)| (pair, s.kind()))
            .collect()
    }
}

/// Splits two maps into (added, removed, changed).
type Split<K, V> = (BTreeMap<K, V>, BTreeSet<K>, BTreeMap<K, V>);

fn split<K: Ord + Copy, V: Copy + PartialEq>(
    before: &BTreeMap<K, V>,
    after: &BTreeMap<K, V>,
) -> Split<K, V> {
    let mut added = BTreeMap::new();
    let mut changed = BTreeMap::new();
    for (k, v) in after {
        match before.get(k) {
            None => {
                added.insert(*k, *v);
            }
            Some(old) if old != v => {
                changed.insert(*k, *v);
            }
            Some(_) => {}
        }
    }
    let removed = before
        .keys()
        .filter(|k| !after.contains_key(k))
        .copied()
        .collect();
    (added, removed, changed)
}

/// What differs between the states on two dates.
///
/// Designation- and licence-level: what came into force, what ended, and what is in force on
/// both dates with different terms. Entity-level: every (entity, authority) whose status kind
/// differs ([`StateDiff::status_changes`]).
///
/// Borrows its designations' and licences' terms from the ledger, as [`State`] does;
/// serialisable, not deserialisable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StateDiff<'a> {
    /// The earlier state's date.
    pub from: NaiveDate,
    /// The later state's date.
    pub to: NaiveDate,
    /// Designations in force on `to` but not on `from`.
    pub designated: BTreeMap<DesignationId, DesignationInForce<'a>>,
    /// Designations in force on `from` but not on `to`.
    pub delisted: BTreeSet<DesignationId>,
    /// Designations in force on both dates whose terms differ; the value is as on `to`.
    pub amended: BTreeMap<DesignationId, DesignationInForce<'a>>,
    /// Licences in force on `to` but not on `from`.
    pub licences_issued: BTreeMap<LicenceId, LicenceInForce<'a>>,
    /// Licences in force on `from` but not on `to`.
    pub licences_ended: BTreeSet<LicenceId>,
    /// Licences in force on both dates whose terms differ; the value is as on `to`.
    pub licences_amended: BTreeMap<LicenceId, LicenceInForce<'a>>,
    /// Entities whose status with an authority differs between the two dates: newly listed,
    /// delisted, newly licensed or no longer licensed.
    pub status_changes: Vec<StatusChange>,
}

impl StateDiff<'_> {
    /// Whether the two states are the same.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.designated.is_empty()
            && self.delisted.is_empty()
            && self.amended.is_empty()
            && self.licences_issued.is_empty()
            && self.licences_ended.is_empty()
            && self.licences_amended.is_empty()
    }
}

/// One entity's status with one authority, before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StatusChange {
    /// The entity.
    pub entity: EntityId,
    /// The authority.
    pub authority: Authority,
    /// The status on the earlier date.
    pub before: StatusKind,
    /// The status on the later date.
    pub after: StatusKind,
}
